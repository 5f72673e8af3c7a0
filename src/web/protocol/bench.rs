//! `cargo xtask bench`'s data-parallel case in the worker (`#/bench`): train a case for some
//! batches as one replica of a run, answered by each replica's [`BenchRecord`].

use serde::{Deserialize, Serialize};

use super::error::JobError;
use super::shared::ReplicaInfo;
use crate::bench::{BenchRecord, ReplicaStagesMs};

/// From the page to the benchmark job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BenchRequest {
    /// Train `case` for `steps` batches as replica `replica` (or alone), answered by
    /// [`BenchReply::Done`] from each replica.
    Train {
        case: String,
        /// Batches timed, after `warmup` untimed ones.
        steps: usize,
        warmup: usize,
        /// The batch size instead of the case's (`#/bench?…&batch=N`).
        batch: Option<usize>,
        replica: Option<ReplicaInfo>,
    },
}

/// From the benchmark job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BenchReply {
    /// The answer to [`BenchRequest::Train`] from replica `index`.
    Done {
        index: usize,
        /// The record itself, every field written (see [`WireRecord`]).
        #[serde(with = "WireRecord")]
        record: BenchRecord,
    },
    /// The case could not be built, the replicas could not be joined, or a batch failed.
    Failed(JobError),
}

/// [`BenchRecord`] as this channel carries it: the same fields, none skipped. The record's
/// own serde leaves out its absent fields (`workers`, `threads`, an empty `stages_ms`), which
/// the benchmark's JSON readers expect; bincode reads fields by position and cannot read such
/// a record back. A remote definition: a field added to the record and not here does not
/// compile.
#[derive(Serialize, Deserialize)]
#[serde(remote = "BenchRecord")]
struct WireRecord {
    case: String,
    place: String,
    metric: String,
    value: f64,
    workers: Option<usize>,
    threads: Option<usize>,
    stages_ms: Vec<ReplicaStagesMs>,
}
