//! Keras' `History`: each epoch's logs (loss, accuracy, their validation twins, time) and why
//! training stopped.

use serde::{Deserialize, Serialize};

/// One epoch's logs, as Keras' `history.history` holds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochLogs {
    /// 1-based, as Keras prints it.
    pub epoch: usize,
    pub loss: f32,
    pub accuracy: f32,
    // No `skip_serializing_if` here: these logs cross to the page in bincode, which is not
    // self-describing and cannot skip fields.
    pub val_loss: Option<f32>,
    pub val_accuracy: Option<f32>,
    /// Training samples per second in this epoch.
    pub samples_per_s: f32,
    /// Batches (Keras' steps) in this epoch.
    #[serde(default)]
    pub steps: usize,
    /// Compute seconds of this epoch, validation included (Keras' epoch time).
    #[serde(default)]
    pub seconds: f32,
}

/// Why training ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    Completed,
    EarlyStopping,
    Cancelled,
}

/// Keras' `History`: per-epoch logs and the loss of every batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub epochs: Vec<EpochLogs>,
    pub batch_loss: Vec<f32>,
    pub stop_reason: StopReason,
}
