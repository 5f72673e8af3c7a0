//! How many data-parallel workers a page's training uses (the studio's and the retraining
//! panel's replicas, see [`super::worker::ReplicaInfo`]).

/// The most data-parallel workers a run may use (each holds a copy of the model).
pub const MAX_WORKERS: usize = 8;

/// Workers by default: 1. Measured on a 2-core machine (`cargo xtask bench`), two replica
/// workers train the lecture models no faster than one: each step's fixed costs (the
/// Embedding's gradient table encoded, sent between workers, decoded and summed, the optimizer
/// over every weight) do not shrink with the shard, and the exchange adds latency. So the page
/// starts with one and shows the setting (up to [`MAX_WORKERS`]).
pub fn default_workers() -> usize {
    1
}
