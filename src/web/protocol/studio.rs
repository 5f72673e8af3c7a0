//! The studio's messages (`#/studio`, lecture 8's next-word model): train it (alone, or as one
//! of several data-parallel replicas), stop, resume, forget the run, load a saved model, and
//! generate from it.

use serde::{Deserialize, Serialize};

use super::error::JobError;
use super::shared::ReplicaInfo;
use crate::generate::GenerationStep;
use crate::textgen::TextgenConfig;
use crate::train::EpochLogs;

/// From the page to the studio's job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StudioRequest {
    /// Start a new run (replaces any previous one); `replica` when it is one of several
    /// data-parallel workers of the run.
    Train {
        text: String,
        config: TextgenConfig,
        replica: Option<ReplicaInfo>,
    },
    /// Stop the run after the batch in progress: answered by [`StudioReply::Stopped`].
    Stop,
    /// Go on with a stopped run.
    Resume,
    /// Forget the run (stopping it first); answered by [`StudioReply::ResetDone`], so that the
    /// page can drop the messages of the forgotten run that were already on their way.
    Reset,
    /// Load a model file saved from this page (replaces the trained one for generation).
    Load {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Generate from the model as trained so far.
    Generate {
        seed_text: String,
        words: usize,
        temperature: f32,
        top_k: usize,
        seed: u64,
        /// Feed one token at a time and carry the hidden state.
        stateful: bool,
    },
}

/// From the studio's job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StudioReply {
    Started {
        summary: String,
        samples: usize,
        vocab_size: usize,
        epochs: usize,
    },
    /// The epochs finished since the last message.
    Progress { epochs: Vec<EpochLogs> },
    /// Training ended; `seconds` is the worker time spent training.
    Finished {
        epochs: usize,
        seconds: f64,
        /// The model as one file (safetensors with model.json in its metadata).
        #[serde(with = "serde_bytes")]
        model_file: Vec<u8>,
    },
    /// A model file was loaded.
    Loaded { summary: String },
    Stopped {
        epoch: usize,
        /// The model as trained so far (Save, and what a page reload restores).
        #[serde(with = "serde_bytes")]
        model_file: Vec<u8>,
    },
    /// The answer to [`StudioRequest::Reset`], with the worker's wasm memory size (the
    /// end-to-end test checks that it stays flat over many runs).
    ResetDone { memory_bytes: usize },
    Generated {
        text: String,
        steps: Vec<GenerationStep>,
    },
    /// A request failed, or the run stopped on an error.
    Failed(JobError),
}
