//! The lecture notebooks' work in the worker (`#/lecture/9`, `#/lecture/11`): read and split
//! the file, segment it a slice at a time, prepare the padded data, then fit one model after
//! another on it (the side-by-side) and answer `sentiment_predict` with the last one fitted.
//! The computations are [`crate::notebook`]'s; this file only paces them and reports
//! ([`NotebookReply`]).

use web_time::Instant;

use super::outbox::{LastBatch, Outbox, Tick, kind_of};
use crate::i18n::{Bilingual, Text};
use crate::nn::{CellKind, NnError};
use crate::notebook::{Loaded, NotebookConfig, RunResult, load, prepare};
use crate::sentiment::{SentimentModel, SentimentSession, lecture_sentence};
use crate::web::protocol::{BlobRef, ErrorKind, JobError, NotebookReply, NotebookRequest};
use crate::web::stash;

/// Reviews segmented per slice (a slice stays well under a frame's worth of worker time
/// between checks for Stop, and progress reaches the page a few times a second).
const SEGMENT_SLICE: usize = 400;

/// The notebook's data and models, kept between the page's requests.
pub(super) struct Notebook {
    config: NotebookConfig,
    loaded: Loaded,
    /// Morphemes (stopwords dropped) of `loaded.train` then `loaded.test`, as far as done.
    tokens: Vec<Vec<String>>,
    stage: Stage,
    /// The last model fitted (answers `sentiment_predict`).
    model: Option<SentimentModel>,
}

enum Stage {
    Segmenting,
    Prepared,
    Fitting {
        session: Box<SentimentSession>,
        cell: CellKind,
        seconds: f64,
        reported: Option<Instant>,
    },
}

impl Notebook {
    fn busy(&self) -> bool {
        !matches!(self.stage, Stage::Prepared)
    }

    fn split_tokens(&self) -> (&[Vec<String>], &[Vec<String>]) {
        self.tokens
            .split_at(self.loaded.train.len().min(self.tokens.len()))
    }
}

/// The notebook's job: its data once loaded, the student's own model, and the test hook that
/// makes the worker fall silent in the middle of a fit.
#[derive(Default)]
pub(super) struct NotebookJob {
    data: Option<Notebook>,
    /// A model the student loaded for `sentiment_predict` (until the next fit).
    model: Option<SentimentModel>,
    /// [`NotebookRequest::FallSilentForTest`]'s epoch, until the fit reaches it.
    silent_after: Option<usize>,
    /// That epoch was reached: no more work (its checkpoint is still reported, then silence).
    frozen: bool,
}

/// The notebook's error `e`, said with its Korean half where it has one.
fn failed(kind: ErrorKind, e: &NnError) -> JobError {
    JobError::new(kind_of(e, kind), e.text())
}

impl NotebookJob {
    /// One of the notebook page's requests.
    pub(super) fn handle(&mut self, out: &Outbox, request: NotebookRequest) {
        match request {
            NotebookRequest::Load { file, config } => self.open(out, file, config),
            NotebookRequest::Fit { cell } => self.fit(out, cell, None),
            NotebookRequest::Resume { cell, checkpoint } => self.resume(out, cell, checkpoint),
            NotebookRequest::Predict { sentences } => self.predict(out, sentences),
            NotebookRequest::UseModel {
                name,
                config_json,
                weights,
            } => self.use_model(out, name, config_json, weights),
            NotebookRequest::ModelFile => self.model_file(out),
            NotebookRequest::Stop => self.stop(),
            NotebookRequest::FallSilentForTest { after_epochs } => {
                self.fall_silent_after(out, after_epochs)
            }
        }
    }

    /// `Load`: the cells up to the cleaning, answered at once; segmenting follows.
    fn load(&mut self, out: &Outbox, bytes: Vec<u8>, config: NotebookConfig) {
        if let Err(e) = crate::limits::check(crate::limits::Limit::ReviewFileBytes, bytes.len()) {
            return out.fail(NotebookReply::Failed, ErrorKind::Limit, e.text());
        }
        let text = String::from_utf8_lossy(&bytes);
        match load(&text, &config) {
            Ok(loaded) => {
                let view = Loaded {
                    train: Vec::new(),
                    test: Vec::new(),
                    ..loaded.clone()
                };
                out.respond(NotebookReply::Loaded { loaded: view });
                self.data = Some(Notebook {
                    config,
                    loaded,
                    tokens: Vec::new(),
                    stage: Stage::Segmenting,
                    model: None,
                });
                out.schedule();
            }
            Err(e) => {
                self.data = None;
                out.fail(NotebookReply::Failed, ErrorKind::BadFile, e.text())
            }
        }
    }

    /// `Load`: the file's bytes, from where they are.
    fn open(&mut self, out: &Outbox, file: BlobRef, config: NotebookConfig) {
        match file {
            BlobRef::Bytes(bytes) => self.load(out, bytes, config),
            BlobRef::Stash(key) => out.later(async move {
                Tick::NotebookFile {
                    file: stash::get_bytes(&key).await,
                    config,
                }
            }),
            BlobRef::Url(url) => {
                let (respond, to_self) = (out.responder(), out.to_self());
                crate::web::fetch::fetch_bytes(
                    &url,
                    move |got, total| respond(NotebookReply::Fetching { got, total }.into()),
                    move |file| to_self(Tick::NotebookFile { file, config }),
                );
            }
        }
    }

    /// [`Tick::NotebookFile`]: the review file's bytes came (or could not be read).
    pub(super) fn file_arrived(
        &mut self,
        out: &Outbox,
        file: Result<Vec<u8>, String>,
        config: NotebookConfig,
    ) {
        match file {
            Ok(bytes) => self.load(out, bytes, config),
            Err(e) => out.fail(
                NotebookReply::Failed,
                ErrorKind::Fetch,
                Text::new(
                    format!("리뷰 파일을 읽지 못했습니다: {e}"),
                    format!("the review file could not be read: {e}"),
                ),
            ),
        }
    }

    /// [`Tick::NotebookResumeFrom`]: the checkpoint's bytes came (or could not be read).
    pub(super) fn checkpoint_arrived(
        &mut self,
        out: &Outbox,
        cell: CellKind,
        checkpoint: Result<Vec<u8>, String>,
    ) {
        match checkpoint {
            Ok(bytes) => self.fit(out, cell, Some(bytes)),
            Err(e) => out.fail(
                NotebookReply::Failed,
                ErrorKind::Fetch,
                Text::new(
                    format!("체크포인트를 읽지 못했습니다: {e}"),
                    format!("the checkpoint could not be read: {e}"),
                ),
            ),
        }
    }

    /// [`Tick::NotebookCheckpointKept`]: tell the page where the epoch's checkpoint is.
    pub(super) fn checkpoint_kept(
        &self,
        out: &Outbox,
        cell: CellKind,
        epoch: usize,
        checkpoint: BlobRef,
    ) {
        out.respond(NotebookReply::Checkpoint {
            cell,
            epoch,
            checkpoint,
        });
        if self.silent_after == Some(epoch) {
            out.fall_silent();
        }
    }

    /// The test hook `FallSilentForTest`: say nothing more after epoch `after_epochs` of the
    /// next fit (at once for 0).
    fn fall_silent_after(&mut self, out: &Outbox, after_epochs: usize) {
        if after_epochs == 0 {
            out.fall_silent();
        }
        self.silent_after = Some(after_epochs);
    }

    /// The test hook's epoch was reached: no more slices.
    pub(super) fn frozen(&self) -> bool {
        self.frozen
    }

    /// `Resume`: the checkpoint's bytes, then the fit from there.
    fn resume(&mut self, out: &Outbox, cell: CellKind, checkpoint: BlobRef) {
        match checkpoint {
            BlobRef::Bytes(bytes) => self.fit(out, cell, Some(bytes)),
            BlobRef::Stash(key) => out.later(async move {
                Tick::NotebookResumeFrom {
                    cell,
                    checkpoint: stash::get_bytes(&key).await,
                }
            }),
            BlobRef::Url(url) => out.fail(
                NotebookReply::Failed,
                ErrorKind::Internal,
                Text::new(
                    format!("체크포인트는 주소로 받지 않습니다 ({url})"),
                    format!("a checkpoint is not fetched ({url})"),
                ),
            ),
        }
    }

    /// `Fit`: the lecture's model with `cell`, on the prepared data; from `checkpoint` on when
    /// it is a `Resume`.
    fn fit(&mut self, out: &Outbox, cell: CellKind, checkpoint: Option<Vec<u8>>) {
        let Some(nb) = self.data.as_mut().filter(|nb| !nb.busy()) else {
            return out.fail(
                NotebookReply::Failed,
                ErrorKind::NotLoaded,
                Text::new(
                    "먼저 리뷰 파일을 불러오세요 (그리고 형태소 분석이 끝날 때까지 기다리세요)",
                    "load a review file first (and wait until its reviews are segmented)",
                ),
            );
        };
        let config = nb.config.lecture.model_config(cell);
        let (train, _) = nb.split_tokens();
        let labels: Vec<u8> = nb.loaded.train.iter().map(|r| r.label).collect();
        let session = match &checkpoint {
            Some(bytes) => SentimentSession::resume(train, &labels, &config, bytes),
            None => SentimentSession::new(train, &labels, &config),
        };
        match session {
            Ok(session) => {
                let summary = session.summary();
                let reviews = session.reviews();
                nb.stage = Stage::Fitting {
                    session: Box::new(session),
                    cell,
                    seconds: 0.0,
                    reported: None,
                };
                out.respond(NotebookReply::FitStarted {
                    cell,
                    summary,
                    reviews,
                });
                out.schedule();
            }
            // A checkpoint this fit cannot take up is a bad file; else the data is at fault.
            Err(e) => out.respond(NotebookReply::Failed(match checkpoint {
                Some(_) => failed(ErrorKind::BadFile, &e),
                None => failed(ErrorKind::BadInput, &e),
            })),
        }
    }

    /// `UseModel`: the student's classifier answers `sentiment_predict`.
    fn use_model(&mut self, out: &Outbox, name: String, config_json: String, weights: Vec<u8>) {
        let loaded = crate::nn::Sequential::from_files(&config_json, &weights)
            .and_then(|(model, extras)| SentimentModel::from_parts(model, extras));
        match loaded {
            Ok(model) => {
                let summary = model.model.summary();
                self.model = Some(model);
                out.respond(NotebookReply::ModelLoaded { name, summary });
            }
            Err(e) => out.respond(NotebookReply::Failed(failed(ErrorKind::BadFile, &e))),
        }
    }

    /// The model `sentiment_predict` answers with: the student's, else the last one fitted.
    fn answering(&self) -> Option<&SentimentModel> {
        self.model
            .as_ref()
            .or_else(|| self.data.as_ref().and_then(|nb| nb.model.as_ref()))
    }

    /// `ModelFile`: that model as one file, to save it.
    fn model_file(&mut self, out: &Outbox) {
        let msg = match self.answering().map(SentimentModel::to_file) {
            Some(Ok(bytes)) => NotebookReply::ModelFile { bytes },
            Some(Err(e)) => {
                NotebookReply::Failed(JobError::of(kind_of(&e, ErrorKind::Internal), &e))
            }
            None => NotebookReply::Failed(JobError::new(
                ErrorKind::NotLoaded,
                Text::new("먼저 모델을 학습하세요", "fit a model first"),
            )),
        };
        out.respond(msg);
    }

    /// `Predict`: the lecture's `sentiment_predict` with the last fitted model.
    fn predict(&mut self, out: &Outbox, sentences: Vec<String>) {
        let Some(model) = self.answering() else {
            return out.fail(
                NotebookReply::Failed,
                ErrorKind::NotLoaded,
                Text::new(
                    "먼저 모델을 학습하세요: sentiment_predict는 학습한 모델을 씁니다",
                    "fit a model first: sentiment_predict uses the trained one",
                ),
            );
        };
        match model.predict(&sentences) {
            Ok(p) => {
                let answers = sentences
                    .into_iter()
                    .zip(p)
                    .map(|(s, p)| (s, p, lecture_sentence(p)))
                    .collect();
                out.respond(NotebookReply::Predicted { answers });
            }
            Err(e) => out.respond(NotebookReply::Failed(failed(ErrorKind::BadInput, &e))),
        }
    }

    /// Is there notebook work to do in the next slice?
    pub(super) fn pending(&self) -> bool {
        self.data.as_ref().is_some_and(Notebook::busy)
    }

    /// One slice: segment some reviews, or train one batch.
    pub(super) fn slice(&mut self, out: &Outbox) {
        let Some(mut nb) = self.data.take() else {
            return;
        };
        let start = Instant::now();
        let mut error = None;
        match &mut nb.stage {
            Stage::Prepared => {}
            Stage::Segmenting => {
                let (train, test) = (&nb.loaded.train, &nb.loaded.test);
                let total = train.len() + test.len();
                let done = nb.tokens.len();
                let end = (done + SEGMENT_SLICE).min(total);
                let texts: Vec<&str> = (done..end)
                    .map(|i| match train.get(i) {
                        Some(r) => r.text.as_str(),
                        None => test[i - train.len()].text.as_str(),
                    })
                    .collect();
                let stopwords = nb
                    .config
                    .lecture
                    .model_config(CellKind::SimpleRnn)
                    .stopwords;
                match crate::sentiment::tokens_in(
                    crate::sentiment::TextUnits::Morphemes,
                    &texts,
                    &stopwords,
                ) {
                    Ok(t) => nb.tokens.extend(t),
                    Err(e) => error = Some(failed(ErrorKind::Internal, &e)),
                }
                let done = nb.tokens.len();
                out.respond(NotebookReply::Segmenting { done, total });
                if error.is_none() && done == total {
                    let model = nb.config.lecture.model_config(nb.config.lecture.cell());
                    let (train, test) = nb.split_tokens();
                    let prepared = prepare(train, test, &model);
                    let summary = crate::nn::Sequential::from_config(
                        &model.layers(),
                        Some(model.maxlen),
                        model.seed,
                    )
                    .map(|m| m.summary())
                    .unwrap_or_default();
                    nb.stage = Stage::Prepared;
                    out.respond(NotebookReply::Prepared { prepared, summary });
                }
            }
            Stage::Fitting {
                session,
                cell,
                seconds,
                reported,
            } => {
                let mut watch = LastBatch::default();
                let result = session.run_batch(&mut [&mut watch]);
                *seconds += start.elapsed().as_secs_f64();
                match result {
                    Ok(Some(logs)) => {
                        let epoch = logs.epoch;
                        out.respond(NotebookReply::Epoch { logs });
                        // What a new worker needs to take the fit up from here, should this
                        // one stop answering during the next epoch.
                        if !session.finished()
                            && let Ok(checkpoint) = session.checkpoint()
                        {
                            keep_checkpoint(out, *cell, epoch, checkpoint);
                        }
                        // Measured after the checkpoint was built, the epoch's largest need.
                        out.respond(NotebookReply::Memory {
                            wasm_bytes: super::outbox::wasm_memory_bytes(),
                        });
                        // The test hook: no more batches after this epoch.
                        self.frozen |= self.silent_after == Some(epoch);
                    }
                    Ok(None) => {}
                    Err(e) => error = Some(failed(ErrorKind::Internal, &e)),
                }
                if let Some((epoch, batch, batches)) = watch.report(reported) {
                    out.respond(NotebookReply::Batch {
                        epoch,
                        batch,
                        batches,
                    });
                }
                if error.is_none() && session.finished() {
                    let (cell, seconds) = (*cell, *seconds);
                    let Stage::Fitting { session, .. } =
                        std::mem::replace(&mut nb.stage, Stage::Prepared)
                    else {
                        unreachable!("matched above")
                    };
                    match finish_fit(&nb, *session, cell, seconds) {
                        Ok((model, result, summary)) => {
                            nb.model = Some(model);
                            // The fitted model answers from now on.
                            self.model = None;
                            out.respond(NotebookReply::Fitted { result, summary });
                        }
                        Err(e) => error = Some(e),
                    }
                }
            }
        }
        if let Some(error) = error {
            // The data stays; the student can fit again.
            if !matches!(nb.stage, Stage::Segmenting) {
                nb.stage = Stage::Prepared;
                self.data = Some(nb);
            }
            return out.respond(NotebookReply::Failed(error));
        }
        let more = nb.busy();
        self.data = Some(nb);
        if more {
            out.schedule();
        }
    }

    /// `Stop` while a notebook model trains: it ends after this batch, keeping the best
    /// weights so far (as Keras' fit ends on an interrupt with the weights it reached). Nothing
    /// happens when no fit is in progress.
    fn stop(&mut self) {
        if let Some(Stage::Fitting { session, .. }) = self.data.as_mut().map(|nb| &mut nb.stage) {
            session.stop();
        }
    }
}

/// The fitted model, its row of the side-by-side table and its summary after `fit`.
fn finish_fit(
    nb: &Notebook,
    session: SentimentSession,
    cell: CellKind,
    seconds: f64,
) -> Result<(SentimentModel, RunResult, String), JobError> {
    let batch = nb.config.lecture.model_config(cell).batch_size;
    let (model, history) = session
        .into_model()
        .map_err(|e| failed(ErrorKind::Internal, &e))?;
    let (_, test) = nb.split_tokens();
    let p = model
        .predict_from_tokens(test)
        .map_err(|e| failed(ErrorKind::Internal, &e))?;
    let right = crate::sentiment::right_answers(&p, nb.loaded.test.iter());
    let result = RunResult {
        cell,
        parameters: model.parameter_count(),
        best_val_accuracy: RunResult::best_of(&history.epochs),
        epochs: history.epochs,
        test_accuracy: right as f64 / nb.loaded.test.len().max(1) as f64,
        seconds,
    };
    let summary = model.summary_after_fit(batch);
    Ok((model, result, summary))
}

/// Keep an epoch's checkpoint where a new worker can read it (the stash), or hand it to the
/// page where there is no stash; the page hears of it once it is kept.
fn keep_checkpoint(out: &Outbox, cell: CellKind, epoch: usize, bytes: Vec<u8>) {
    if !stash::available() {
        out.send(Tick::NotebookCheckpointKept {
            cell,
            epoch,
            checkpoint: BlobRef::Bytes(bytes),
        });
        return;
    }
    out.later(async move {
        // One key per fit in this worker's life: the next epoch's replaces it.
        let key = format!("./__notebook/checkpoint-{}", checkpoint_id());
        let checkpoint = match stash::put_bytes(&key, &bytes).await {
            Ok(()) => BlobRef::Stash(key),
            Err(_) => BlobRef::Bytes(bytes),
        };
        Tick::NotebookCheckpointKept {
            cell,
            epoch,
            checkpoint,
        }
    });
}

/// This worker's checkpoint key: random, so that two tabs' fits do not share one.
fn checkpoint_id() -> u32 {
    thread_local! {
        static ID: u32 = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    }
    ID.with(|id| *id)
}
