//! The teacher-forcing panel's messages (the studio's lecture 7 part): train the many-to-many
//! model, then compare teacher forcing with free running on one sentence at a time.

use serde::{Deserialize, Serialize};

use super::error::JobError;
use crate::teacher_forcing::{Seq2SeqConfig, StepView};

/// From the page to the teacher-forcing job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TeacherForcingRequest {
    /// Train lecture 7's many-to-many model for `epochs` epochs.
    Train {
        text: String,
        config: Seq2SeqConfig,
        epochs: usize,
    },
    /// Teacher forcing vs free running over sentence `index` of the corpus.
    Compare { index: usize },
}

/// From the teacher-forcing job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TeacherForcingReply {
    /// Loss per epoch of the many-to-many model.
    Progress { losses: Vec<(usize, f32)> },
    /// Both runs over one sentence, and the first step where they differ.
    Comparison {
        index: usize,
        sentences: usize,
        forced: Vec<StepView>,
        free: Vec<StepView>,
        divergence: Option<usize>,
    },
    /// A request failed, or the training stopped on an error.
    Failed(JobError),
}
