//! The lecture notebooks' messages (`#/lecture/9|11`): read a review file and run its cells up
//! to the padded data, fit the lecture's models on it one after another (stopped, or taken up
//! in a new worker from a checkpoint), and answer `sentiment_predict`.

use serde::{Deserialize, Serialize};

use super::error::JobError;
use super::shared::BlobRef;
use crate::nn::CellKind;
use crate::notebook::{Loaded, NotebookConfig, Prepared, RunResult};
use crate::train::EpochLogs;

/// From the page to the notebook's job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NotebookRequest {
    /// Read a review file and run its cells up to the padded data ([`crate::notebook`]).
    Load {
        /// The file: fetched, read from the stash or given (decoded in the worker: a 20 MB
        /// file never passes through the page's thread where the browser has a Cache API).
        file: BlobRef,
        config: NotebookConfig,
    },
    /// Fit the lecture's model with this recurrent layer on the notebook's data.
    Fit { cell: CellKind },
    /// Take up a notebook fit from the checkpoint of its last finished epoch (a
    /// [`NotebookReply::Checkpoint`] of a worker that stopped answering), on the same reviews
    /// (loaded again into this new worker with [`NotebookRequest::Load`]).
    Resume { cell: CellKind, checkpoint: BlobRef },
    /// `sentiment_predict` with the last model the notebook fitted.
    Predict { sentences: Vec<String> },
    /// The lecture's `loaded_model = load_model('best_model.h5')`: a review classifier from
    /// the student's files answers `sentiment_predict` until the next fit.
    UseModel {
        name: String,
        config_json: String,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
    },
    /// The model `sentiment_predict` uses, as one playground file (to save it): answered by
    /// [`NotebookReply::ModelFile`].
    ModelFile,
    /// End the fit in progress after its batch, keeping the best weights so far (as Keras'
    /// fit ends on an interrupt with the weights it reached); answered by
    /// [`NotebookReply::Fitted`]. Nothing happens when no fit is in progress.
    Stop,
    /// Stop answering and stop working, without an error (as a worker whose scheduling is
    /// lost does), once the notebook fit has finished `after_epochs` epochs (at once for 0).
    /// Only the end-to-end test sends it (`?test-hooks`): it checks that the page notices the
    /// silence and resumes the fit in a new worker.
    FallSilentForTest { after_epochs: usize },
}

/// From the notebook's job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NotebookReply {
    /// The notebook's cells up to the cleaning (its reviews stay in the worker).
    Loaded {
        loaded: Loaded,
    },
    Segmenting {
        done: usize,
        total: usize,
    },
    /// The cells from the tokenizer to `pad_sequences`, and `model.summary()` before `fit`.
    Prepared {
        prepared: Prepared,
        summary: String,
    },
    /// `fit` started (its batches and epochs come as [`NotebookReply::Batch`] and
    /// [`NotebookReply::Epoch`]).
    FitStarted {
        cell: CellKind,
        summary: String,
        reviews: usize,
    },
    /// The batch in progress (at most about four times a second).
    Batch {
        epoch: usize,
        batch: usize,
        batches: usize,
    },
    /// An epoch of the fit ended.
    Epoch {
        logs: EpochLogs,
    },
    /// After each epoch of a notebook fit that goes on: everything needed to take it up from
    /// here in a new worker ([`crate::train::checkpoint`]). The page keeps the last one.
    Checkpoint {
        cell: CellKind,
        epoch: usize,
        checkpoint: BlobRef,
    },
    /// The notebook's review file on its way to the worker: bytes so far and in all (0 when
    /// unknown).
    Fetching {
        got: f64,
        total: f64,
    },
    /// After each epoch of a notebook fit: the size of the worker's wasm memory (it only
    /// grows, so a leak shows; `cargo xtask soak` records it).
    Memory {
        wasm_bytes: usize,
    },
    /// `fit` ended: the side-by-side row and `model.summary()` as the lecture prints it
    /// after `fit` (the batch size in the shapes).
    Fitted {
        result: RunResult,
        summary: String,
    },
    /// `(sentence, probability, the lecture's sentence)` for each sentence.
    Predicted {
        answers: Vec<(String, f32, String)>,
    },
    /// The student's model is loaded for `sentiment_predict`.
    ModelLoaded {
        name: String,
        summary: String,
    },
    ModelFile {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// A request failed, or the segmenting or the fit stopped on an error.
    Failed(JobError),
}
