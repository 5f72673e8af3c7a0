//! The review classifiers' messages (`#/reviews`, and the models the gates and embeddings labs
//! read): load a classifier, answer a review with every loaded one, hand one back as a file.

use serde::{Deserialize, Serialize};

use super::error::JobError;
use crate::sentiment::Stages;

/// From the page to the review job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReviewsRequest {
    /// A shipped review-sentiment model (the files of its folder).
    Load {
        name: String,
        config_json: String,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
    },
    /// Classify one review with every loaded sentiment model.
    Classify { text: String },
    /// The file of a loaded sentiment model (a retrained one, to save it): answered by
    /// [`ReviewsReply::File`].
    File { name: String },
}

/// From the review job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReviewsReply {
    /// A model is loaded (a shipped one, the student's, or the one retrained in this worker).
    Loaded { name: String },
    /// A loaded sentiment model as one playground file.
    File {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// One review through every loaded sentiment model.
    Classified {
        text: String,
        results: Vec<SentimentResult>,
    },
    /// A request failed.
    Failed(JobError),
}

/// What one model made of one review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentimentResult {
    pub name: String,
    pub stages: Stages,
    /// Each token's push towards 긍정 (probability with it minus without it).
    pub contributions: Vec<(String, f32)>,
    /// The lecture's sentence ("99.95% 확률로 긍정 리뷰입니다.").
    pub sentence: String,
    /// Worker time for clean + segment + pad + forward (the contributions not included).
    pub millis: f64,
}
