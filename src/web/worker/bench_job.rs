//! `cargo xtask bench`'s data-parallel rows in wasm: K replica workers train one of
//! [`crate::bench::REPLICA_CASES`] together, exactly as the studio's replicas do (shards over
//! a BroadcastChannel), and each replica reports samples/s over `steps` batches after `warmup`
//! untimed ones, with where its time went. The warm-up matters: V8 first runs wasm from its
//! baseline compiler and optimises hot functions later, so thirty batches of a small model timed from the start
//! measured half the speed of the same worker a few seconds in. The page's `#/bench` route starts them; the bench driver reads the result.

use web_time::Instant;

use super::outbox::{Outbox, kind_of};
use super::replica_link::ReplicaLink;
use crate::i18n::Bilingual;
use crate::nn::{NnError, Optimizer, Sequential};
use crate::train::Trainer;
use crate::train::replica::Finish;
use crate::web::protocol::{BenchReply, BenchRequest, ErrorKind, ReplicaInfo};

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

/// The page's benchmark request: a run in `job` (replacing any), unless it cannot start.
pub(super) fn handle(out: &Outbox, request: BenchRequest, job: &mut Option<BenchJob>) {
    match request {
        BenchRequest::Train {
            case,
            steps,
            warmup,
            batch,
            replica,
        } => {
            if let Some(started) = BenchJob::start(out, case, (warmup, steps, batch), replica) {
                *job = Some(started);
            }
        }
    }
}

/// A batch or the replicas' link failed: the page is told why.
fn failed(out: &Outbox, e: &NnError) {
    out.fail(
        BenchReply::Failed,
        kind_of(e, ErrorKind::Internal),
        e.text(),
    );
}

impl BenchJob {
    /// `Train`: build `case`'s model and join the run's replicas; `None` (the page told why)
    /// when either fails.
    fn start(
        out: &Outbox,
        case: String,
        (warmup, steps, batch): (usize, usize, Option<usize>),
        replica: Option<ReplicaInfo>,
    ) -> Option<Self> {
        let (model, trainer, optimizer, batch) = match crate::bench::replica_case(&case, batch) {
            Ok(parts) => parts,
            Err(e) => {
                out.fail(
                    BenchReply::Failed,
                    kind_of(&e, ErrorKind::BadInput),
                    e.text(),
                );
                return None;
            }
        };
        let link = match replica.filter(|r| r.count > 1) {
            Some(info) => match ReplicaLink::join(out, info) {
                Ok(l) => Some(l),
                Err(e) => {
                    out.respond(BenchReply::Failed(e));
                    return None;
                }
            },
            None => None,
        };
        out.schedule();
        Some(Self {
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
        })
    }

    /// One batch: alone, a whole training step; as a replica, send this shard and step when
    /// the others' are in. True when the record went to the page (the job is over).
    pub(super) fn slice(&mut self, out: &Outbox) -> bool {
        let result = match self.link.as_mut() {
            None => self
                .trainer
                .run_batch(&self.model, &mut self.optimizer, &mut [])
                .map(|_| true),
            Some(link) => {
                if !link.replica().waiting() {
                    match link.replica().begin(&mut self.trainer, &self.model) {
                        Ok(Some(bytes)) => link.send_shard(bytes),
                        Ok(None) => {}
                        Err(e) => {
                            failed(out, &e);
                            return false;
                        }
                    }
                }
                return self.try_step(out);
            }
        };
        match result {
            Ok(_) => self.stepped(out),
            Err(e) => {
                failed(out, &e);
                false
            }
        }
    }

    /// A peer's shard arrived. True when the record went to the page.
    pub(super) fn received(&mut self, out: &Outbox, bytes: Vec<u8>) -> bool {
        let Some(link) = self.link.as_mut() else {
            return false;
        };
        if let Err(e) = link.deliver(bytes) {
            failed(out, &e);
            return false;
        }
        self.try_step(out)
    }

    fn try_step(&mut self, out: &Outbox) -> bool {
        let Some(link) = self.link.as_mut() else {
            return false;
        };
        match link
            .replica()
            .finish(&mut self.trainer, &self.model, &mut self.optimizer, &mut [])
        {
            Ok(Finish::Waiting) => false,
            Ok(Finish::Stepped(_)) => self.stepped(out),
            Err(e) => {
                failed(out, &e);
                false
            }
        }
    }

    fn stepped(&mut self, out: &Outbox) -> bool {
        self.done += 1;
        if self.done == self.warmup {
            self.start = Some(Instant::now());
            if let Some(link) = self.link.as_mut() {
                link.replica().reset_stages();
            }
        }
        if self.done < self.warmup + self.steps {
            out.schedule();
            return false;
        }
        let seconds = self.start.map_or(1.0, |s| s.elapsed().as_secs_f64());
        let stages = self
            .link
            .as_mut()
            .map(|link| (link.replica().stages(), seconds));
        let mut record = crate::bench::replica_record(
            &self.case,
            self.workers,
            (self.steps * self.batch) as f64 / seconds.max(1e-9),
            stages,
        );
        record.threads = crate::web::threads::pool_size();
        out.respond(BenchReply::Done {
            index: self.index,
            record,
        });
        true
    }
}
