//! The training worker and its protocol. The page sends [`ToWorker`] messages; the worker
//! trains a [`Session`] a time slice at a time, yielding to its event loop between slices so a
//! Stop gets through, and answers with [`FromWorker`] messages (bincode over postMessage).

use gloo_worker::{HandlerId, Worker, WorkerScope};
use web_time::Instant;

use crate::generate::Sampling;
use crate::nn::Sequential;
use crate::sentiment::{
    SentimentConfig, SentimentModel, SentimentSession, Stages, lecture_sentence,
};
use crate::teacher_forcing::{Seq2SeqSession, first_divergence};
use crate::text::reviews::{Review, read_reviews};
use crate::textgen::{Session, TrainedTextgen};
use crate::train::EpochLogs;

/// The worker trains one batch per task and yields between tasks, so a Stop is seen after
/// at most one batch. Progress is sent at most every
/// `REPORT_MS`, which bounds the message rate to about 40 per second.
const REPORT_MS: f64 = 25.0;

/// Resolve on the next task of the worker's event loop. A `MessageChannel` message, unlike a
/// 0 ms timer, is not clamped to 4 ms when nested, so yielding after every batch stays cheap.
///
/// One channel serves the worker's whole life. The first version made a channel per call and
/// dropped it at once: nothing then held the receiving port but its own listener, and a long
/// fit (lecture 11's GRU, tens of thousands of batches and garbage collections) now and then
/// lost a wake-up when the ports were collected with the message in flight. The promise never
/// resolved, the worker sat idle with nothing to report, and the page waited forever.
async fn next_task() {
    use wasm_bindgen::JsValue;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if !TICKER.with(|t| t.post(resolve.clone())) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The worker's one scheduling channel: each message on `port2` wakes the oldest waiter.
struct Ticker {
    channel: Option<web_sys::MessageChannel>,
    waiting: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<js_sys::Function>>>,
    _wake: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Ticker {
    fn new() -> Self {
        use wasm_bindgen::JsCast;
        let waiting = std::rc::Rc::new(std::cell::RefCell::new(std::collections::VecDeque::<
            js_sys::Function,
        >::new()));
        let Ok(channel) = web_sys::MessageChannel::new() else {
            return Self {
                channel: None,
                waiting,
                _wake: None,
            };
        };
        let queue = waiting.clone();
        let wake = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let next = queue.borrow_mut().pop_front();
            if let Some(resolve) = next {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(wake.as_ref().unchecked_ref()));
        Self {
            channel: Some(channel),
            waiting,
            _wake: Some(wake),
        }
    }

    /// Queue `resolve` for the next task; false when there is no channel to post on.
    fn post(&self, resolve: js_sys::Function) -> bool {
        let Some(channel) = &self.channel else {
            return false;
        };
        self.waiting.borrow_mut().push_back(resolve);
        if channel
            .port2()
            .post_message(&wasm_bindgen::JsValue::NULL)
            .is_err()
        {
            self.waiting.borrow_mut().pop_back();
            return false;
        }
        true
    }
}

thread_local! {
    static TICKER: Ticker = Ticker::new();
}

/// The size of this thread's wasm memory (it only grows: a leak shows as growth).
pub fn wasm_memory_bytes() -> usize {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as usize
        })
        .unwrap_or(0)
}

mod bench_job;
mod notebook_job;
mod replica_link;
// The protocol's types, below every file that sends or answers them.
pub use super::protocol::{
    BlobRef, FromWorker, RETRAINED_MODEL, ReplicaInfo, SentimentResult, ToWorker,
};

/// The linear baseline's answer in the shape of the RNNs' (it has no integer sequence or
/// padding: its stages stop at the morphemes, all of which it reads).
fn linear_result(
    name: &str,
    model: &crate::linear::LinearSentiment,
    text: &str,
    start: Instant,
) -> Result<SentimentResult, crate::nn::NnError> {
    let (probability, contributions) = model.explain(text)?;
    let morphs: Vec<String> = contributions.iter().map(|(m, _)| m.clone()).collect();
    Ok(SentimentResult {
        name: name.to_string(),
        sentence: lecture_sentence(probability),
        stages: Stages {
            clean: crate::text::korean::clean_korean(text),
            tokens: morphs.clone(),
            morphs,
            sequence: Vec::new(),
            padded: Vec::new(),
            probability,
        },
        contributions,
        millis: start.elapsed().as_secs_f64() * 1000.0,
    })
}

thread_local! {
    /// Where the panic hook reports: the worker's scope and the page's handler, set when the
    /// page connects.
    static CRASH_REPORT: std::cell::RefCell<Option<(WorkerScope<TrainWorker>, HandlerId)>> =
        const { std::cell::RefCell::new(None) };
}

/// A panic in wasm ends in a trap that leaves the page waiting forever, so the hook tells
/// the page first (postMessage is synchronous to send) and then closes this worker: after a
/// trap its `RefCell`s may still be borrowed and every later message would trap again.
fn report_panics_to_page() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "unknown panic".into()),
        };
        let message = match info.location() {
            Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
            None => message,
        };
        CRASH_REPORT.with(|report| {
            if let Ok(report) = report.try_borrow()
                && let Some((scope, id)) = report.as_ref()
            {
                scope.respond(*id, FromWorker::Crashed { message });
            }
        });
        use wasm_bindgen::JsCast;
        if let Ok(global) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
            global.close();
        }
    }));
}

/// Lecture 9's retraining in the browser, a slice per task.
enum SentimentJob {
    Segmenting {
        reviews: Vec<Review>,
        tokens: Vec<Vec<String>>,
        config: SentimentConfig,
        report: String,
    },
    Training(Box<SentimentSession>),
}

/// The worker's state.
pub struct TrainWorker {
    session: Option<Session>,
    /// Epoch logs not yet sent to the page.
    pending: Vec<EpochLogs>,
    last_report: Option<Instant>,
    loaded: Option<TrainedTextgen>,
    seq2seq: Option<Seq2SeqSession>,
    seq2seq_left: usize,
    client: Option<HandlerId>,
    running: bool,
    seconds: f64,
    epochs: usize,
    /// Loaded review-sentiment models, in load order.
    sentiment: Vec<(String, SentimentModel)>,
    /// Loaded linear baselines (TF-IDF + logistic regression), answered beside the RNNs.
    linear: Vec<(String, crate::linear::LinearSentiment)>,
    /// Loaded ensembles (the shipped best model): answered first, as the default verdict.
    ensembles: Vec<(String, crate::ensemble::Ensemble)>,
    sentiment_job: Option<SentimentJob>,
    sentiment_seconds: f64,
    sentiment_report: Option<Instant>,
    notebook: Option<notebook_job::Notebook>,
    /// A model the student loaded for the notebook's `sentiment_predict` (until the next fit).
    notebook_model: Option<SentimentModel>,
    /// This worker's place among the run's data-parallel replicas.
    replica: Option<replica_link::ReplicaLink>,
    /// A data-parallel benchmark in progress.
    bench: Option<bench_job::BenchJob>,
    /// [`ToWorker::FallSilentForTest`] took effect: nothing more is done or said.
    silent: bool,
    /// [`ToWorker::FallSilentForTest`]'s epoch, until the notebook fit reaches it.
    silent_after: Option<usize>,
    /// That epoch was reached: no more work (its checkpoint is still reported, then silence).
    frozen: bool,
}

pub enum Tick {
    Slice,
    /// A notebook's review file arrived (or could not be read).
    NotebookFile {
        file: Result<Vec<u8>, String>,
        config: crate::notebook::NotebookConfig,
    },
    /// A notebook checkpoint to resume from arrived (or could not be read).
    NotebookResumeFrom {
        cell: crate::nn::CellKind,
        checkpoint: Result<Vec<u8>, String>,
    },
    /// A notebook checkpoint is kept where a new worker can read it.
    NotebookCheckpointKept {
        cell: crate::nn::CellKind,
        epoch: usize,
        checkpoint: BlobRef,
    },
    /// A data-parallel peer's shard of a batch.
    Peer(Vec<u8>),
}

impl TrainWorker {
    fn schedule(scope: &WorkerScope<Self>) {
        scope.send_future(async {
            // A new task: lets queued messages (Stop) in before the next epoch.
            next_task().await;
            Tick::Slice
        });
    }

    /// Tell the page what went wrong (shown in its error paragraph).
    fn fail(&self, scope: &WorkerScope<Self>, message: impl ToString) {
        self.respond(
            scope,
            FromWorker::Error {
                message: message.to_string(),
            },
        );
    }

    fn respond(&self, scope: &WorkerScope<Self>, msg: FromWorker) {
        if self.silent {
            return;
        }
        if let Some(id) = self.client {
            scope.respond(id, msg);
        }
    }

    fn finish(&mut self, scope: &WorkerScope<Self>) {
        self.running = false;
        let Some(session) = &self.session else { return };
        let msg = match session.model_file() {
            Ok(model_file) => FromWorker::Finished {
                epochs: session.history().epochs.len(),
                seconds: self.seconds,
                model_file,
            },
            Err(e) => FromWorker::Error {
                message: e.to_string(),
            },
        };
        self.respond(scope, msg);
    }
}

impl TrainWorker {
    /// A time slice of the many-to-many model's training.
    fn seq2seq_slice(&mut self, scope: &WorkerScope<Self>) {
        let Some(s) = self.seq2seq.as_mut() else {
            return;
        };
        let start = Instant::now();
        let mut losses = Vec::new();
        while self.seq2seq_left > 0 && start.elapsed().as_secs_f64() * 1000.0 < REPORT_MS {
            match s.run_epoch() {
                Ok(loss) => losses.push((s.epoch, loss)),
                Err(e) => {
                    self.seq2seq_left = 0;
                    self.fail(scope, e);
                    return;
                }
            }
            self.seq2seq_left -= 1;
        }
        self.respond(scope, FromWorker::Seq2SeqProgress { losses });
        if self.seq2seq_left > 0 {
            Self::schedule(scope);
        } else {
            self.compare(scope, 0);
        }
    }

    fn compare(&self, scope: &WorkerScope<Self>, index: usize) {
        let msg = match &self.seq2seq {
            None => FromWorker::Error {
                message: "train the many-to-many model first".into(),
            },
            Some(s) => match s.compare(index) {
                Ok((forced, free)) => FromWorker::Comparison {
                    index,
                    sentences: s.sentence_count(),
                    divergence: first_divergence(&forced, &free),
                    forced,
                    free,
                },
                Err(e) => FromWorker::Error {
                    message: e.to_string(),
                },
            },
        };
        self.respond(scope, msg);
    }
}

impl TrainWorker {
    /// Segment 500 reviews, or train one batch, of the retraining job.
    fn sentiment_slice(&mut self, scope: &WorkerScope<Self>) {
        let start = Instant::now();
        match self.sentiment_job.take() {
            Some(SentimentJob::Segmenting {
                reviews,
                mut tokens,
                config,
                report,
            }) => {
                let end = (tokens.len() + 500).min(reviews.len());
                let texts: Vec<&str> = reviews[tokens.len()..end]
                    .iter()
                    .map(|r| r.text.as_str())
                    .collect();
                match crate::sentiment::tokens_in(config.units, &texts, &config.stopwords) {
                    Ok(t) => tokens.extend(t),
                    Err(e) => return self.fail(scope, e),
                }
                self.respond(
                    scope,
                    FromWorker::SentimentPrep {
                        done: tokens.len(),
                        total: reviews.len(),
                        report: report.clone(),
                    },
                );
                if tokens.len() < reviews.len() {
                    self.sentiment_job = Some(SentimentJob::Segmenting {
                        reviews,
                        tokens,
                        config,
                        report,
                    });
                } else {
                    let labels: Vec<u8> = reviews.iter().map(|r| r.label).collect();
                    match SentimentSession::new(&tokens, &labels, &config) {
                        Ok(session) => {
                            self.respond(
                                scope,
                                FromWorker::SentimentStarted {
                                    summary: session.summary(),
                                    reviews: session.reviews(),
                                },
                            );
                            self.sentiment_seconds = 0.0;
                            self.sentiment_job = Some(SentimentJob::Training(Box::new(session)));
                        }
                        Err(e) => self.fail(scope, e),
                    }
                }
            }
            Some(SentimentJob::Training(mut session)) => {
                let mut watch = LastBatch::default();
                // Ok(None): a replica waiting for the others' shards of this batch.
                let result = match self.replica.as_mut() {
                    None => session.run_batch(&mut [&mut watch]).map(Some),
                    Some(link) => replica_sentiment_step(&mut session, link, &mut watch),
                };
                self.sentiment_seconds += start.elapsed().as_secs_f64();
                let waiting = matches!(result, Ok(None));
                match result {
                    Ok(Some(Some(logs))) => {
                        self.respond(scope, FromWorker::SentimentEpoch { logs })
                    }
                    Ok(_) => {}
                    Err(e) => {
                        self.fail(scope, e.bilingual());
                        return;
                    }
                }
                if waiting {
                    // A peer's shard wakes this job up (Tick::Peer).
                    self.sentiment_job = Some(SentimentJob::Training(session));
                    return;
                }
                if let Some(progress) = watch.report(&mut self.sentiment_report) {
                    self.respond(scope, progress);
                }
                if !session.finished() {
                    self.sentiment_job = Some(SentimentJob::Training(session));
                } else {
                    match session.into_model() {
                        Ok((model, history)) => {
                            let name = RETRAINED_MODEL.to_string();
                            self.sentiment.retain(|(n, _)| *n != name);
                            self.sentiment.push((name.clone(), model));
                            let best = history
                                .epochs
                                .iter()
                                .filter_map(|e| e.val_accuracy)
                                .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))));
                            self.respond(
                                scope,
                                FromWorker::SentimentTrained {
                                    name: name.clone(),
                                    epochs: history.epochs.len(),
                                    val_accuracy: best,
                                    seconds: self.sentiment_seconds,
                                },
                            );
                            self.respond(scope, FromWorker::SentimentLoaded { name });
                        }
                        Err(e) => self.fail(scope, e),
                    }
                }
            }
            None => {}
        }
        if self.sentiment_job.is_some() {
            Self::schedule(scope);
        }
    }
}

impl Worker for TrainWorker {
    type Message = Tick;
    type Input = ToWorker;
    type Output = FromWorker;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        report_panics_to_page();
        super::fault_report::install_reporter();
        Self {
            session: None,
            pending: Vec::new(),
            last_report: None,
            loaded: None,
            seq2seq: None,
            seq2seq_left: 0,
            client: None,
            running: false,
            seconds: 0.0,
            epochs: 0,
            sentiment: Vec::new(),
            linear: Vec::new(),
            ensembles: Vec::new(),
            sentiment_job: None,
            sentiment_seconds: 0.0,
            sentiment_report: None,
            notebook: None,
            notebook_model: None,
            replica: None,
            bench: None,
            silent: false,
            silent_after: None,
            frozen: false,
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Tick) {
        if self.silent {
            return;
        }
        match msg {
            Tick::Peer(bytes) => return self.replica_received(scope, bytes),
            Tick::NotebookFile { file, config } => {
                return match file {
                    Ok(bytes) => self.notebook_load(scope, bytes, config),
                    Err(e) => self.fail(
                        scope,
                        format!(
                            "리뷰 파일을 읽지 못했습니다 · the review file could not be read: {e}"
                        ),
                    ),
                };
            }
            Tick::NotebookResumeFrom { cell, checkpoint } => {
                return match checkpoint {
                    Ok(bytes) => self.notebook_fit(scope, cell, Some(bytes)),
                    Err(e) => self.fail(
                        scope,
                        format!(
                            "체크포인트를 읽지 못했습니다 · the checkpoint could not be read: {e}"
                        ),
                    ),
                };
            }
            Tick::NotebookCheckpointKept {
                cell,
                epoch,
                checkpoint,
            } => {
                self.respond(
                    scope,
                    FromWorker::NotebookCheckpoint {
                        cell,
                        epoch,
                        checkpoint,
                    },
                );
                self.silent |= self.silent_after == Some(epoch);
                return;
            }
            Tick::Slice if self.frozen => return,
            Tick::Slice => {}
        }
        if self.bench.is_some() {
            return self.bench_slice(scope);
        }
        if self.replica.is_some() && self.session.is_some() {
            return self.replica_slice(scope);
        }
        if self.sentiment_job.is_some() {
            self.sentiment_slice(scope);
            return;
        }
        if self.notebook_pending() {
            self.notebook_slice(scope);
            return;
        }
        if self.seq2seq_left > 0 {
            self.seq2seq_slice(scope);
            return;
        }
        if !self.running {
            return;
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let start = Instant::now();
        let mut error = None;
        match session.run_batch() {
            Ok(Some(logs)) => self.pending.push(logs),
            Ok(None) => {}
            Err(e) => error = Some(e.bilingual()),
        }
        self.seconds += start.elapsed().as_secs_f64();
        let finished = session.finished();
        let due = self
            .last_report
            .is_none_or(|t| t.elapsed().as_secs_f64() * 1000.0 >= REPORT_MS);
        if !self.pending.is_empty() && (due || finished || error.is_some()) {
            let epochs = std::mem::take(&mut self.pending);
            self.respond(scope, FromWorker::Progress { epochs });
            self.last_report = Some(Instant::now());
        }
        if let Some(message) = error {
            self.running = false;
            self.respond(scope, FromWorker::Error { message });
        } else if finished {
            self.finish(scope);
        } else {
            Self::schedule(scope);
        }
    }

    fn connected(&mut self, scope: &WorkerScope<Self>, id: HandlerId) {
        self.client = Some(id);
        CRASH_REPORT.with(|report| *report.borrow_mut() = Some((scope.clone(), id)));
        scope.respond(id, FromWorker::Ready);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToWorker, id: HandlerId) {
        self.client = Some(id);
        match msg {
            ToWorker::Train {
                text,
                config,
                replica,
            } => match Session::new(&text, &config) {
                Ok(session) => {
                    if let Err(e) = self.replica_join(scope, replica) {
                        self.running = false;
                        return self.fail(scope, e);
                    }
                    let started = FromWorker::Started {
                        summary: session.model.summary(),
                        samples: session.samples(),
                        vocab_size: session.tokenizer.vocab_size(),
                        epochs: config.epochs,
                    };
                    self.session = Some(session);
                    self.pending.clear();
                    self.last_report = None;
                    self.loaded = None;
                    self.running = true;
                    self.seconds = 0.0;
                    self.epochs = config.epochs;
                    self.respond(scope, started);
                    Self::schedule(scope);
                }
                Err(e) => {
                    self.running = false;
                    self.fail(scope, e.bilingual());
                }
            },
            ToWorker::Stop if self.notebook_stop() => {}
            ToWorker::Stop => {
                self.running = false;
                if !self.pending.is_empty() {
                    let epochs = std::mem::take(&mut self.pending);
                    self.respond(scope, FromWorker::Progress { epochs });
                }
                if let Some(s) = self.session.as_mut() {
                    s.stop();
                    let epoch = s.history().epochs.len();
                    let model_file = s.model_file().unwrap_or_default();
                    self.respond(scope, FromWorker::Stopped { epoch, model_file });
                }
            }
            ToWorker::Reset => {
                self.running = false;
                self.session = None;
                self.replica = None;
                self.pending.clear();
                self.last_report = None;
                self.respond(
                    scope,
                    FromWorker::ResetDone {
                        memory_bytes: wasm_memory_bytes(),
                    },
                );
            }
            ToWorker::Resume => {
                if let Some(s) = self.session.as_mut() {
                    s.resume();
                    if !s.finished() {
                        self.running = true;
                        Self::schedule(scope);
                    }
                }
            }
            ToWorker::TrainSeq2Seq {
                text,
                config,
                epochs,
            } => match Seq2SeqSession::new(&text, &config) {
                Ok(s) => {
                    self.seq2seq = Some(s);
                    self.seq2seq_left = epochs.max(1);
                    Self::schedule(scope);
                }
                Err(e) => self.fail(scope, e),
            },
            ToWorker::Compare { index } => self.compare(scope, index),
            ToWorker::PanicForTest => panic!("a panic requested by the page's test hook"),
            ToWorker::LoadSegmenter { bytes } => {
                if let Err(e) = crate::segment::Segmenter::install(&bytes) {
                    self.fail(scope, e);
                }
            }
            ToWorker::Preprocess { lines, stopwords } => {
                let result = crate::segment::Segmenter::required()
                    .map_err(|e| e.to_string())
                    .and_then(|segmenter| {
                        crate::segment::preprocess_lines(segmenter, &lines, &stopwords)
                            .map_err(|e| e.to_string())
                    });
                self.respond(
                    scope,
                    FromWorker::Preprocessed {
                        lines,
                        stopwords,
                        result,
                    },
                );
            }
            ToWorker::Lab { request } => match crate::lab::run(&request, &self.sentiment) {
                Ok(reply) => self.respond(scope, FromWorker::Lab { reply }),
                Err(e) => self.fail(scope, e),
            },
            ToWorker::LoadSentiment {
                name,
                config_json,
                weights,
            } => {
                if crate::ensemble::Ensemble::is_ensemble(&config_json) {
                    let msg = match crate::ensemble::Ensemble::from_files(&config_json, &weights) {
                        Ok(model) => {
                            self.ensembles.retain(|(n, _)| *n != name);
                            self.ensembles.push((name.clone(), model));
                            FromWorker::SentimentLoaded { name }
                        }
                        Err(e) => FromWorker::Error {
                            message: format!("{name}: {e}"),
                        },
                    };
                    self.respond(scope, msg);
                    return;
                }
                if crate::linear::LinearSentiment::is_linear(&config_json) {
                    let msg =
                        match crate::linear::LinearSentiment::from_files(&config_json, &weights) {
                            Ok(model) => {
                                self.linear.retain(|(n, _)| *n != name);
                                self.linear.push((name.clone(), model));
                                FromWorker::SentimentLoaded { name }
                            }
                            Err(e) => FromWorker::Error {
                                message: format!("{name}: {e}"),
                            },
                        };
                    self.respond(scope, msg);
                    return;
                }
                let loaded = Sequential::from_files(&config_json, &weights)
                    .and_then(|(model, extras)| SentimentModel::from_parts(model, extras));
                let msg = match loaded {
                    Ok(model) => {
                        self.sentiment.retain(|(n, _)| *n != name);
                        self.sentiment.push((name.clone(), model));
                        FromWorker::SentimentLoaded { name }
                    }
                    Err(e) => FromWorker::Error {
                        message: format!("{name}: {e}"),
                    },
                };
                self.respond(scope, msg);
            }
            ToWorker::TrainSentimentFile {
                text,
                config,
                replica,
            } => {
                if let Err(e) = self.replica_join(scope, replica) {
                    return self.fail(scope, e);
                }
                if let Err(e) =
                    crate::limits::check(crate::limits::Limit::ReviewFileBytes, text.len())
                {
                    self.respond(
                        scope,
                        FromWorker::Error {
                            message: e.bilingual(),
                        },
                    );
                    return;
                }
                let set = read_reviews(&text, None);
                if set.reviews.len() < 10 {
                    self.respond(
                        scope,
                        FromWorker::Error {
                            message: format!(
                                "this file does not hold enough reviews to train on: {}. \
                                 Expected lines like `5<TAB>리뷰` (rating 1–5), `1<TAB>리뷰` \
                                 (label 0/1) or NSMC's `id<TAB>document<TAB>label`.",
                                set.report()
                            ),
                        },
                    );
                    return;
                }
                let report = set.report();
                self.respond(
                    scope,
                    FromWorker::SentimentPrep {
                        done: 0,
                        total: set.reviews.len(),
                        report: report.clone(),
                    },
                );
                self.sentiment_job = Some(SentimentJob::Segmenting {
                    reviews: set.reviews,
                    tokens: Vec::new(),
                    config,
                    report,
                });
                Self::schedule(scope);
            }
            ToWorker::Tag { tag } => super::fault_report::set_tag(tag),
            ToWorker::BenchTrain {
                case,
                steps,
                warmup,
                batch,
                replica,
            } => self.bench_start(scope, case, (warmup, steps, batch), replica),
            ToWorker::TrapForTest => trap(),
            ToWorker::NotebookLoad { file, config } => self.notebook_open(scope, file, config),
            ToWorker::NotebookFit { cell } => self.notebook_fit(scope, cell, None),
            ToWorker::NotebookResume { cell, checkpoint } => {
                self.notebook_resume(scope, cell, checkpoint)
            }
            ToWorker::FallSilentForTest { after_epochs } => {
                self.silent = after_epochs == 0;
                self.silent_after = Some(after_epochs);
            }
            ToWorker::NotebookPredict { sentences } => self.notebook_predict(scope, sentences),
            ToWorker::NotebookUseModel {
                name,
                config_json,
                weights,
            } => self.notebook_use_model(scope, name, config_json, weights),
            ToWorker::NotebookModelFile => self.notebook_model_file(scope),
            ToWorker::SentimentFile { name } => {
                let msg = match self.sentiment.iter().find(|(n, _)| *n == name) {
                    Some((_, model)) => match model.to_file() {
                        Ok(bytes) => FromWorker::SentimentFile { name, bytes },
                        Err(e) => FromWorker::Error {
                            message: e.to_string(),
                        },
                    },
                    None => FromWorker::Error {
                        message: format!("no model {name} is loaded"),
                    },
                };
                self.respond(scope, msg);
            }
            ToWorker::Classify { text } => {
                let mut results = Vec::new();
                let mut error = crate::limits::check(crate::limits::Limit::CorpusBytes, text.len())
                    .err()
                    .map(|e| e.bilingual());
                for (name, model) in self.ensembles.iter().filter(|_| error.is_none()) {
                    let start = Instant::now();
                    match model.explain(&text) {
                        Ok((stages, contributions)) => results.push(SentimentResult {
                            name: name.clone(),
                            sentence: lecture_sentence(stages.probability),
                            stages,
                            contributions,
                            millis: start.elapsed().as_secs_f64() * 1000.0,
                        }),
                        Err(e) => {
                            error = Some(e.to_string());
                            break;
                        }
                    }
                }
                for (name, model) in self.sentiment.iter().filter(|_| error.is_none()) {
                    let start = Instant::now();
                    let stages = match model.stages(&text) {
                        Ok(s) => s,
                        Err(e) => {
                            error = Some(e.to_string());
                            break;
                        }
                    };
                    let millis = start.elapsed().as_secs_f64() * 1000.0;
                    let contributions = model.contributions(&stages).unwrap_or_default();
                    results.push(SentimentResult {
                        name: name.clone(),
                        sentence: lecture_sentence(stages.probability),
                        stages,
                        contributions,
                        millis,
                    });
                }
                for (name, model) in self.linear.iter().filter(|_| error.is_none()) {
                    let start = Instant::now();
                    match linear_result(name, model, &text, start) {
                        Ok(r) => results.push(r),
                        Err(e) => {
                            error = Some(e.to_string());
                            break;
                        }
                    }
                }
                let msg = match error {
                    Some(message) => FromWorker::Error { message },
                    None => FromWorker::Classified { text, results },
                };
                self.respond(scope, msg);
            }
            ToWorker::Load { bytes } => {
                let loaded = Sequential::from_single_file(&bytes)
                    .and_then(|(model, extras)| TrainedTextgen::from_parts(model, extras));
                let msg = match loaded {
                    Ok(t) => {
                        let summary = t.model.summary();
                        self.running = false;
                        self.session = None;
                        self.loaded = Some(t);
                        FromWorker::Loaded { summary }
                    }
                    Err(e) => FromWorker::Error {
                        message: e.to_string(),
                    },
                };
                self.respond(scope, msg);
            }
            ToWorker::Generate {
                seed_text,
                words,
                temperature,
                top_k,
                seed,
                stateful,
            } => {
                let source = match (&self.session, &self.loaded) {
                    (Some(s), _) => Some((&s.model, &s.tokenizer, s.maxlen)),
                    (None, Some(t)) => Some((&t.model, &t.tokenizer, t.maxlen)),
                    (None, None) => None,
                };
                let msg = match source {
                    None => FromWorker::Error {
                        message: "train or load a model first".into(),
                    },
                    Some((model, tokenizer, maxlen)) => {
                        let sampling = if temperature > 0.0 {
                            Sampling::Temperature {
                                temperature,
                                top_k,
                                seed,
                            }
                        } else {
                            Sampling::Greedy
                        };
                        let result = if stateful {
                            crate::generate::stateful_generation(
                                model,
                                tokenizer,
                                &seed_text,
                                words.min(100),
                                5,
                            )
                        } else {
                            crate::generate::generate_with_trace(
                                model,
                                tokenizer,
                                &seed_text,
                                words.min(100),
                                maxlen,
                                sampling,
                                5,
                            )
                        };
                        match result {
                            Ok(g) => FromWorker::Generated {
                                text: g.text,
                                steps: g.steps,
                            },
                            Err(e) => FromWorker::Error {
                                message: e.to_string(),
                            },
                        }
                    }
                };
                self.respond(scope, msg);
            }
        }
    }
}

/// The last batch a training step reported, `(epoch, batch, batches)`, for the page's
/// progress bar.
#[derive(Default)]
struct LastBatch(Option<(usize, usize, usize)>);

impl LastBatch {
    /// The progress message for the page, at most about four times a second (`last`: when the
    /// previous one went).
    fn report(&self, last: &mut Option<Instant>) -> Option<FromWorker> {
        let (epoch, batch, batches) = self.0?;
        if last.is_some_and(|t| t.elapsed().as_secs_f64() <= 0.25) {
            return None;
        }
        *last = Some(Instant::now());
        Some(FromWorker::SentimentBatch {
            epoch,
            batch,
            batches,
        })
    }
}

impl crate::train::Callback for LastBatch {
    fn on_event(
        &mut self,
        event: &crate::train::Event,
        _model: &crate::nn::Sequential,
    ) -> crate::train::Control {
        if let crate::train::Event::BatchEnd {
            epoch,
            batch,
            batches,
            ..
        } = event
        {
            self.0 = Some((*epoch, *batch, *batches));
        }
        crate::train::Control::Continue
    }
}

/// One slice of the retraining as a data-parallel replica: send this replica's shard of the
/// batch (unless it is out already), then step if every shard is in. `Ok(None)` while waiting;
/// `Ok(Some(logs))` once stepped.
fn replica_sentiment_step(
    session: &mut SentimentSession,
    link: &mut replica_link::ReplicaLink,
    watch: &mut dyn crate::train::Callback,
) -> crate::nn::Result<Option<Option<EpochLogs>>> {
    if !link.replica().waiting()
        && let Some(bytes) = session.replica_begin(link.replica())?
    {
        link.send_shard(bytes);
    }
    Ok(
        match session.replica_finish(link.replica(), &mut [watch])? {
            crate::train::replica::Finish::Waiting => None,
            crate::train::replica::Finish::Stepped(logs) => Some(logs),
        },
    )
}

/// A trap that is not a panic: what an allocation failure or a stack overflow ends in.
fn trap() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
