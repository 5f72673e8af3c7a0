//! Lecture 9's retraining's messages (the review panel's "train on your file"): read a review
//! file, segment it, train, and add the model to the loaded classifiers (which then answer
//! [`super::ReviewsReply::Loaded`] for it). A retraining cannot be stopped: it has no Stop.

use serde::{Deserialize, Serialize};

use super::error::JobError;
use super::shared::ReplicaInfo;
use crate::sentiment::SentimentConfig;
use crate::train::EpochLogs;

/// From the page to the retraining job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RetrainRequest {
    /// Read a review file, segment it, train, and add the model to the loaded ones;
    /// `replica` when this worker is one of several data-parallel workers of the run.
    Train {
        text: String,
        config: SentimentConfig,
        replica: Option<ReplicaInfo>,
    },
}

/// From the retraining job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RetrainReply {
    /// Reviews read and segmented so far.
    Prep {
        done: usize,
        total: usize,
        report: String,
    },
    /// Training of the retrained model started.
    Started {
        summary: String,
        reviews: usize,
    },
    /// The batch in progress (at most about four times a second).
    Batch {
        epoch: usize,
        batch: usize,
        batches: usize,
    },
    Epoch {
        logs: EpochLogs,
    },
    /// The retrained model is ready (and loaded for classification).
    Trained {
        name: String,
        epochs: usize,
        val_accuracy: Option<f32>,
        seconds: f64,
    },
    /// The retraining could not start, or stopped on an error.
    Failed(JobError),
}
