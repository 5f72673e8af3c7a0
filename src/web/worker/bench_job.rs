//! `cargo xtask bench`'s data-parallel rows in wasm: K replica workers train one of
//! [`crate::bench::REPLICA_CASES`] together, exactly as the studio's replicas do (shards over
//! a BroadcastChannel), and each replica reports samples/s over `steps` batches after `warmup`
//! untimed ones, with where its time went. The warm-up matters: V8 first runs wasm from its
//! baseline compiler and optimises hot functions later, so thirty batches of a small model timed from the start
//! measured half the speed of the same worker a few seconds in. The page's `#/bench` route starts them; the bench driver reads the result.

use gloo_worker::WorkerScope;
use web_time::Instant;

use super::ReplicaInfo;
use super::replica_link::ReplicaLink;
use super::{FromWorker, TrainWorker};
use crate::nn::{Optimizer, Sequential};
use crate::train::Trainer;
use crate::train::replica::Finish;

pub(super) struct BenchJob {
    case: String,
    model: Sequential,
    trainer: Trainer,
    optimizer: Optimizer,
    batch: usize,
    /// `None` for one worker.
    link: Option<ReplicaLink>,
    index: usize,
    workers: usize,
    /// Untimed batches first, then batches to time; batches done.
    warmup: usize,
    steps: usize,
    done: usize,
    start: Option<Instant>,
}

impl TrainWorker {
    pub(super) fn bench_start(
        &mut self,
        scope: &WorkerScope<Self>,
        case: String,
        (warmup, steps, batch): (usize, usize, Option<usize>),
        replica: Option<ReplicaInfo>,
    ) {
        let (model, trainer, optimizer, batch) = match crate::bench::replica_case(&case, batch) {
            Ok(parts) => parts,
            Err(e) => return self.fail(scope, e.bilingual()),
        };
        let link = match replica.filter(|r| r.count > 1) {
            Some(info) => match ReplicaLink::join(scope, info) {
                Ok(l) => Some(l),
                Err(e) => return self.fail(scope, e),
            },
            None => None,
        };
        self.bench = Some(BenchJob {
            case,
            model,
            trainer,
            optimizer,
            batch,
            link,
            index: replica.map_or(0, |r| r.index),
            workers: replica.map_or(1, |r| r.count.max(1)),
            warmup: warmup.max(1),
            steps: steps.max(1),
            done: 0,
            start: None,
        });
        Self::schedule(scope);
    }

    /// One batch: alone, a whole training step; as a replica, send this shard and step when
    /// the others' are in.
    pub(super) fn bench_slice(&mut self, scope: &WorkerScope<Self>) {
        let Some(job) = self.bench.as_mut() else {
            return;
        };
        let result = match job.link.as_mut() {
            None => job
                .trainer
                .run_batch(&job.model, &mut job.optimizer, &mut [])
                .map(|_| true),
            Some(link) => {
                if !link.replica().waiting() {
                    match link.replica().begin(&mut job.trainer, &job.model) {
                        Ok(Some(bytes)) => link.send_shard(bytes),
                        Ok(None) => {}
                        Err(e) => return self.fail(scope, e.bilingual()),
                    }
                }
                return self.bench_try_step(scope);
            }
        };
        match result {
            Ok(_) => self.bench_stepped(scope),
            Err(e) => self.fail(scope, e.bilingual()),
        }
    }

    pub(super) fn bench_received(&mut self, scope: &WorkerScope<Self>, bytes: Vec<u8>) {
        let Some(link) = self.bench.as_mut().and_then(|j| j.link.as_mut()) else {
            return;
        };
        if let Err(e) = link.deliver(bytes) {
            return self.fail(scope, e.bilingual());
        }
        self.bench_try_step(scope);
    }

    fn bench_try_step(&mut self, scope: &WorkerScope<Self>) {
        let Some(job) = self.bench.as_mut() else {
            return;
        };
        let Some(link) = job.link.as_mut() else {
            return;
        };
        match link
            .replica()
            .finish(&mut job.trainer, &job.model, &mut job.optimizer, &mut [])
        {
            Ok(Finish::Waiting) => {}
            Ok(Finish::Stepped(_)) => self.bench_stepped(scope),
            Err(e) => self.fail(scope, e.bilingual()),
        }
    }

    fn bench_stepped(&mut self, scope: &WorkerScope<Self>) {
        let Some(job) = self.bench.as_mut() else {
            return;
        };
        job.done += 1;
        if job.done == job.warmup {
            job.start = Some(Instant::now());
            if let Some(link) = job.link.as_mut() {
                link.replica().reset_stages();
            }
        }
        if job.done < job.warmup + job.steps {
            return Self::schedule(scope);
        }
        let seconds = job.start.map_or(1.0, |s| s.elapsed().as_secs_f64());
        let stages = job
            .link
            .as_mut()
            .map(|link| (link.replica().stages(), seconds));
        let mut record = crate::bench::replica_record(
            &job.case,
            job.workers,
            (job.steps * job.batch) as f64 / seconds.max(1e-9),
            stages,
        );
        record.threads = crate::web::threads::pool_size();
        let index = job.index;
        self.bench = None;
        let record_json = serde_json::to_string(&record).unwrap_or_default();
        self.respond(scope, FromWorker::BenchDone { index, record_json });
    }
}
