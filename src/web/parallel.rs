//! How many data-parallel workers a page's training uses (the studio's and the retraining
//! panel's replicas, see [`super::protocol::ReplicaInfo`]).

/// Workers by default: 1. Measured on a 2-core machine (`cargo xtask bench`), two replica
/// workers train the lecture models no faster than one: each step's fixed costs (the
/// Embedding's gradient table encoded, sent between workers, decoded and summed, the optimizer
/// over every weight) do not shrink with the shard, and the exchange adds latency. So the page
/// starts with one and shows the setting (up to [`super::threads::MAX_WORKERS`]).
pub fn default_workers() -> usize {
    1
}

use gloo_worker::WorkerBridge;
use leptos::prelude::*;

use super::protocol::{FromWorker, ReplicaInfo, RetrainReply, StudioReply, ToWorker, WorkerReply};
use super::worker::TrainWorker;
use crate::i18n::Text;

/// The other replica workers of a panel's data-parallel run, with their fault tags (replica 0
/// is the panel's own worker, which reports the training).
#[derive(Clone, Copy)]
pub struct Replicas(StoredValue<Vec<(WorkerBridge<TrainWorker>, u32)>, LocalStorage>);

impl Replicas {
    pub fn new() -> Self {
        Self(StoredValue::new_local(Vec::new()))
    }

    /// End the run's replicas (dropping a bridge ends its worker).
    pub fn clear(&self) {
        self.0.set_value(Vec::new());
    }

    /// Start replicas 1 to `count − 1` (none for one worker), replacing any earlier ones. They
    /// are plain workers even on a cross-origin isolated page: a replica computes its shard on
    /// one thread, so a shared-memory worker's pool would sit idle beside it.
    fn spawn(&self, count: usize, on_message: impl Fn(FromWorker) + Copy + 'static) {
        self.0.set_value(
            (1..count)
                .map(|_| super::faults::spawn_tagged_at(super::threads::PLAIN_SCRIPT, on_message))
                .collect(),
        );
    }

    /// Start a run of `count` workers: the panel's own (replica 0, tagged `primary`; `None`
    /// when it is to be replaced) and `count − 1` new replicas, with direct ports between them
    /// (`peer_ports`) when every worker is known, else the run's BroadcastChannel. Call it
    /// before the run's Train messages.
    pub fn start(
        &self,
        count: usize,
        primary: Option<u32>,
        on_message: impl Fn(FromWorker) + Copy + 'static,
    ) -> ReplicaRun {
        let run = super::faults::new_tag();
        self.spawn(count, on_message);
        let direct = count > 1
            && primary.is_some_and(|primary| {
                let mut tags = vec![primary];
                self.0
                    .with_value(|r| tags.extend(r.iter().map(|(_, t)| *t)));
                super::peer_ports::connect(run, &tags)
            });
        ReplicaRun { count, run, direct }
    }

    /// To replica `index` (1 to `count − 1`).
    pub fn send(&self, index: usize, message: ToWorker) {
        self.0.with_value(|r| {
            if let Some((b, _)) = index.checked_sub(1).and_then(|i| r.get(i)) {
                b.send(message);
            }
        })
    }

    /// To every replica (Stop, Resume).
    pub fn send_all(&self, message: &ToWorker) {
        self.0.with_value(|r| {
            for (b, _) in r {
                b.send(message.clone());
            }
        })
    }

    /// The replicas' fault tags (the panel's [`super::worker_handle::WorkerHandle`] watches
    /// them with its own worker's).
    pub fn tags(&self) -> Vec<u32> {
        self.0.with_value(|r| r.iter().map(|(_, t)| *t).collect())
    }
}

/// One data-parallel run: how many workers, its id, and whether they have direct ports.
#[derive(Clone, Copy, Debug)]
pub struct ReplicaRun {
    pub count: usize,
    pub run: u32,
    pub direct: bool,
}

impl ReplicaRun {
    /// What replica `index` is told (`None` for a run of one worker).
    pub fn info(&self, index: usize) -> Option<ReplicaInfo> {
        (self.count > 1).then_some(ReplicaInfo {
            index,
            count: self.count,
            run: self.run,
            direct: self.direct,
        })
    }
}

/// What a replica's message says that the page must hear: only a failure of its training
/// (the studio's or the retraining's), of its segmenter's lexicon, or a crash (replica 0
/// reports the training itself).
pub fn replica_failure(message: FromWorker) -> Option<Text> {
    match message {
        FromWorker::Studio(StudioReply::Failed(e))
        | FromWorker::Retrain(RetrainReply::Failed(e))
        | FromWorker::Worker(WorkerReply::Failed(e)) => Some(e.message),
        FromWorker::Worker(WorkerReply::Crashed { message }) => Some(Text::new(
            format!("워커가 멈췄습니다: {message}"),
            format!("a worker crashed: {message}"),
        )),
        _ => None,
    }
}
