//! The training worker: the page sends [`ToWorker`] messages, the worker answers with
//! [`FromWorker`] messages (bincode over postMessage). This file is the dispatch: each
//! message goes to the job it is for, one file each below this one (`studio_job`,
//! `seq2seq_job`, `review_job`, `retrain_job`, `lab_job`, `notebook_job`, `bench_job`). Jobs
//! train a slice at a time and yield to the worker's event loop between slices (a
//! [`Tick::Slice`] brings the next), so a Stop gets through; they talk to the page and
//! schedule themselves through an [`outbox::Outbox`], never through the worker.

use gloo_worker::{HandlerId, Worker, WorkerScope};

mod bench_job;
mod lab_job;
mod notebook_job;
mod outbox;
mod replica_link;
mod retrain_job;
mod review_job;
mod seq2seq_job;
mod studio_job;

pub use outbox::{Tick, wasm_memory_bytes};
// The protocol's types, below every file that sends or answers them.
pub use super::protocol::{
    BlobRef, FromWorker, RETRAINED_MODEL, ReplicaInfo, SentimentResult, ToWorker,
};

use bench_job::BenchJob;
use notebook_job::NotebookJob;
use outbox::Outbox;
use replica_link::ReplicaLink;
use retrain_job::Retrain;
use review_job::Reviews;
use seq2seq_job::Seq2Seq;
use studio_job::Studio;

/// The worker's state: one value per job, and the link to the run's other replicas (the
/// studio's and the retraining's data-parallel runs share it).
pub struct TrainWorker {
    out: Outbox,
    studio: Studio,
    seq2seq: Seq2Seq,
    reviews: Reviews,
    retrain: Retrain,
    notebook: NotebookJob,
    /// A data-parallel benchmark in progress.
    bench: Option<BenchJob>,
    /// This worker's place among the run's data-parallel replicas.
    replica: Option<ReplicaLink>,
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

impl TrainWorker {
    /// A peer's shard arrived: for the benchmark, the retraining, or the studio's run.
    fn peer(&mut self, bytes: Vec<u8>) {
        let out = &self.out;
        if let Some(bench) = self.bench.as_mut() {
            if bench.received(out, bytes) {
                self.bench = None;
            }
            return;
        }
        let Some(link) = self.replica.as_mut() else {
            return;
        };
        if let Err(e) = link.deliver(bytes) {
            return self.studio.replica_failed(out, e.bilingual());
        }
        if self.retrain.training() {
            return self.retrain.slice(out, Some(link), &mut self.reviews);
        }
        self.studio.replica_try_step(out, link);
    }

    /// The next slice of work, one job's, in this order.
    fn slice(&mut self) {
        let out = &self.out;
        if let Some(bench) = self.bench.as_mut() {
            if bench.slice(out) {
                self.bench = None;
            }
            return;
        }
        if let Some(link) = self.replica.as_mut().filter(|_| self.studio.has_run()) {
            return self.studio.replica_slice(out, link);
        }
        if self.retrain.pending() {
            return self
                .retrain
                .slice(out, self.replica.as_mut(), &mut self.reviews);
        }
        if self.notebook.pending() {
            return self.notebook.slice(out);
        }
        if self.seq2seq.pending() {
            return self.seq2seq.slice(out);
        }
        self.studio.slice(out);
    }
}

impl Worker for TrainWorker {
    type Message = Tick;
    type Input = ToWorker;
    type Output = FromWorker;

    fn create(scope: &WorkerScope<Self>) -> Self {
        report_panics_to_page();
        super::fault_report::install_reporter();
        Self {
            out: Outbox::new(scope),
            studio: Studio::default(),
            seq2seq: Seq2Seq::default(),
            reviews: Reviews::default(),
            retrain: Retrain::default(),
            notebook: NotebookJob::default(),
            bench: None,
            replica: None,
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, msg: Tick) {
        if self.out.is_silent() {
            return;
        }
        let out = &self.out;
        match msg {
            Tick::Peer(bytes) => self.peer(bytes),
            Tick::NotebookFile { file, config } => self.notebook.file_arrived(out, file, config),
            Tick::NotebookResumeFrom { cell, checkpoint } => {
                self.notebook.checkpoint_arrived(out, cell, checkpoint)
            }
            Tick::NotebookCheckpointKept {
                cell,
                epoch,
                checkpoint,
            } => self.notebook.checkpoint_kept(out, cell, epoch, checkpoint),
            Tick::Slice if self.notebook.frozen() => {}
            Tick::Slice => self.slice(),
        }
    }

    fn connected(&mut self, scope: &WorkerScope<Self>, id: HandlerId) {
        self.out.connect(id);
        CRASH_REPORT.with(|report| *report.borrow_mut() = Some((scope.clone(), id)));
        scope.respond(id, FromWorker::Ready);
    }

    fn received(&mut self, _scope: &WorkerScope<Self>, msg: ToWorker, id: HandlerId) {
        self.out.connect(id);
        let out = &self.out;
        match msg {
            // The studio.
            ToWorker::Train {
                text,
                config,
                replica,
            } => {
                let slot = &mut self.replica;
                let join = || replica_link::join_run(slot, out, replica);
                self.studio.train(out, &text, &config, join);
            }
            ToWorker::Stop => {
                if !self.notebook.stop() {
                    self.studio.stop(out);
                }
            }
            ToWorker::Reset => {
                self.replica = None;
                self.studio.reset(out);
            }
            ToWorker::Resume => self.studio.resume(out),
            ToWorker::Load { bytes } => self.studio.load(out, &bytes),
            ToWorker::Generate {
                seed_text,
                words,
                temperature,
                top_k,
                seed,
                stateful,
            } => {
                let sampling = studio_job::sampling(temperature, top_k, seed);
                self.studio
                    .generate(out, &seed_text, words, sampling, stateful);
            }
            // Teacher forcing.
            ToWorker::TrainSeq2Seq {
                text,
                config,
                epochs,
            } => self.seq2seq.train(out, &text, &config, epochs),
            ToWorker::Compare { index } => self.seq2seq.compare(out, index),
            // The review panel and its retraining.
            ToWorker::LoadSentiment {
                name,
                config_json,
                weights,
            } => self.reviews.load(out, name, &config_json, &weights),
            ToWorker::Classify { text } => self.reviews.classify(out, text),
            ToWorker::SentimentFile { name } => self.reviews.model_file(out, name),
            ToWorker::TrainSentimentFile {
                text,
                config,
                replica,
            } => match replica_link::join_run(&mut self.replica, out, replica) {
                Ok(()) => self.retrain.start(out, &text, config),
                Err(e) => out.fail(e),
            },
            // The labs and the tokenizer panel.
            ToWorker::Lab { request } => lab_job::lab(out, &request, &self.reviews.rnns),
            ToWorker::LoadSegmenter { bytes } => lab_job::load_segmenter(out, &bytes),
            ToWorker::Preprocess { lines, stopwords } => lab_job::preprocess(out, lines, stopwords),
            // The lecture notebooks.
            ToWorker::NotebookLoad { file, config } => self.notebook.open(out, file, config),
            ToWorker::NotebookFit { cell } => self.notebook.fit(out, cell, None),
            ToWorker::NotebookResume { cell, checkpoint } => {
                self.notebook.resume(out, cell, checkpoint)
            }
            ToWorker::NotebookPredict { sentences } => self.notebook.predict(out, sentences),
            ToWorker::NotebookUseModel {
                name,
                config_json,
                weights,
            } => self.notebook.use_model(out, name, config_json, weights),
            ToWorker::NotebookModelFile => self.notebook.model_file(out),
            // `cargo xtask bench`'s data-parallel rows.
            ToWorker::BenchTrain {
                case,
                steps,
                warmup,
                batch,
                replica,
            } => {
                if let Some(job) = BenchJob::start(out, case, (warmup, steps, batch), replica) {
                    self.bench = Some(job);
                }
            }
            // Fault reports and the tests' hooks.
            ToWorker::Tag { tag } => super::fault_report::set_tag(tag),
            ToWorker::PanicForTest => panic!("a panic requested by the page's test hook"),
            ToWorker::TrapForTest => trap(),
            ToWorker::FallSilentForTest { after_epochs } => {
                self.notebook.fall_silent_after(out, after_epochs)
            }
        }
    }
}

/// A trap that is not a panic: what an allocation failure or a stack overflow ends in.
fn trap() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
