//! The worker's own messages, for no job: the tag of its fault reports, the segmenter's lexicon
//! every segmenting job reads, the tests' crash hooks; Ready when the page connects, Crashed
//! when it panicked.

use serde::{Deserialize, Serialize};

use super::error::JobError;

/// From the page to the worker itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// The tag this worker's trap reports carry (`web/faults.rs`); sent once by the page after
    /// spawning it.
    Tag { tag: u32 },
    /// The segmenter's lexicon (`segmenter/okt-lexicon.bin`), sent by the page before the
    /// first request that needs Korean morphemes (only those panels download it).
    LoadSegmenter {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Trap on purpose without a panic (as running out of memory does). Only the end-to-end
    /// test sends it: it checks that a worker that dies silently is noticed.
    TrapForTest,
    /// Panic on purpose. Only the end-to-end test sends it (the page shows its button with
    /// `?test-hooks`): it checks that a crashed worker is reported and replaced.
    PanicForTest,
}

/// From the worker itself to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerReply {
    /// The worker's module is loaded and it listens (sent when the page connects).
    Ready,
    /// The worker panicked (a bug, not bad input): it reports the panic and then closes
    /// itself, because its state may be half-updated. The page starts a new worker.
    Crashed { message: String },
    /// The segmenter's lexicon could not be installed.
    Failed(JobError),
}
