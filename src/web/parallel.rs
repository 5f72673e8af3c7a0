//! How many data-parallel workers a page's training uses (the studio's and the retraining
//! panel's replicas, see [`super::worker::ReplicaInfo`]).

use leptos::prelude::window;

/// The most data-parallel workers a run may use (each holds a copy of the model).
pub const MAX_WORKERS: usize = 8;

/// Workers by default: the browser's logical cores, at most 4 (a fifth worker rarely pays
/// for its copy of the model and its messages on a laptop).
pub fn default_workers() -> usize {
    let cores = window().navigator().hardware_concurrency();
    if cores.is_finite() && cores >= 1.0 {
        (cores as usize).min(4)
    } else {
        1
    }
}
