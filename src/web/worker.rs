//! The training worker: the page sends [`ToWorker`] messages, the worker answers with
//! [`FromWorker`] messages (bincode over postMessage; [`super::protocol`], one message type
//! per job). This file is the dispatch: each request goes to the job it is for, one file each
//! below this one (`studio_job`, `seq2seq_job`, `review_job`, `retrain_job`, `lab_job`,
//! `notebook_job`, `tokenizer_job`, `bench_job`, and `worker_job` for the worker's own), which
//! matches on its own request type and answers with its own reply type. Jobs
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
mod tokenizer_job;
mod worker_job;

pub use outbox::{Tick, wasm_memory_bytes};

use super::protocol::{FromWorker, ToWorker, WorkerReply};

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
                scope.respond(*id, WorkerReply::Crashed { message }.into());
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
            // The failure goes to the job whose run it is.
            return if self.retrain.training() {
                self.retrain.training_failed(out, &e)
            } else {
                self.studio.replica_failed(out, &e)
            };
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
        scope.respond(id, WorkerReply::Ready.into());
    }

    fn received(&mut self, _scope: &WorkerScope<Self>, msg: ToWorker, id: HandlerId) {
        self.out.connect(id);
        let out = &self.out;
        match msg {
            ToWorker::Studio(request) => self.studio.handle(out, request, &mut self.replica),
            ToWorker::TeacherForcing(request) => self.seq2seq.handle(out, request),
            ToWorker::Reviews(request) => self.reviews.handle(out, request),
            ToWorker::Retrain(request) => self.retrain.handle(out, request, &mut self.replica),
            ToWorker::Notebook(request) => self.notebook.handle(out, request),
            ToWorker::Lab(request) => lab_job::lab(out, &request, &self.reviews.rnns()),
            ToWorker::Tokenizer(request) => tokenizer_job::handle(out, request),
            ToWorker::Bench(request) => bench_job::handle(out, request, &mut self.bench),
            ToWorker::Worker(request) => worker_job::handle(out, request),
        }
    }
}
