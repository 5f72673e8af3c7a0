//! The training worker's protocol: what the page sends ([`ToWorker`]) and what the worker
//! answers ([`FromWorker`]), bincode over postMessage. One message type per job, as the labs
//! have ([`crate::lab::LabRequest`] / [`crate::lab::LabReply`]): each job's file here holds its
//! request and reply enums (`studio`, `teacher_forcing`, `reviews`, `retrain`, `notebook`,
//! `tokenizer`, `bench`, and `worker` for the worker's own: its tag, the segmenter's lexicon,
//! the tests' crash hooks, Ready and Crashed). A panel sends its job's requests and matches
//! its job's replies; a request that fails is answered by its job's `Failed(`[`JobError`]`)`.
//!
//! Plain data, at the bottom of the web files: the panels, the fault and thread helpers and
//! the worker itself all import it, and it imports none of them. What the jobs share
//! ([`BlobRef`], [`ReplicaInfo`], [`RETRAINED_MODEL`], [`JobError`]) sits in files below the
//! job files, re-exported here.

mod bench;
mod error;
mod notebook;
mod retrain;
mod reviews;
mod shared;
mod studio;
mod teacher_forcing;
mod tokenizer;
mod worker;

pub use bench::{BenchReply, BenchRequest};
pub use error::{ErrorKind, JobError};
pub use notebook::{NotebookReply, NotebookRequest};
pub use retrain::{RetrainReply, RetrainRequest};
pub use reviews::{ReviewsReply, ReviewsRequest, SentimentResult};
pub use shared::{BlobRef, RETRAINED_MODEL, ReplicaInfo};
pub use studio::{StudioReply, StudioRequest};
pub use teacher_forcing::{TeacherForcingReply, TeacherForcingRequest};
pub use tokenizer::{TokenizerReply, TokenizerRequest};
pub use worker::{WorkerReply, WorkerRequest};

use serde::{Deserialize, Serialize};

use crate::lab::{LabReply, LabRequest};

/// From the page to the worker: a request for one job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Lecture 8's next-word model (`#/studio`).
    Studio(StudioRequest),
    /// Lecture 7's many-to-many model (the studio's teacher-forcing panel).
    TeacherForcing(TeacherForcingRequest),
    /// The review classifiers (`#/reviews`, and the gates and embeddings labs' models).
    Reviews(ReviewsRequest),
    /// Lecture 9's retraining on a review file (the review panel).
    Retrain(RetrainRequest),
    /// The lecture notebooks (`#/lecture/9|11`).
    Notebook(NotebookRequest),
    /// A concept-lab computation (see [`crate::lab`]).
    Lab(LabRequest),
    /// The tokenizer panel's Korean mode.
    Tokenizer(TokenizerRequest),
    /// `cargo xtask bench`'s data-parallel rows (`#/bench`).
    Bench(BenchRequest),
    /// The worker itself: its tag, the segmenter's lexicon, the tests' crash hooks.
    Worker(WorkerRequest),
}

/// From the worker to the page: one job's reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    Studio(StudioReply),
    TeacherForcing(TeacherForcingReply),
    Reviews(ReviewsReply),
    Retrain(RetrainReply),
    Notebook(NotebookReply),
    /// The answer to a [`ToWorker::Lab`] request, or why there is none (the lab's reply type
    /// is the core's, [`crate::lab::run`]'s, so its failure is carried beside it).
    Lab(Result<LabReply, JobError>),
    Tokenizer(TokenizerReply),
    Bench(BenchReply),
    Worker(WorkerReply),
}

/// `From` each job's request into [`ToWorker`] and each job's reply into [`FromWorker`], so a
/// job answers with `out.respond(StudioReply::…)` and a panel sends `StudioRequest::….into()`.
macro_rules! job_messages {
    ($($job:ident: $request:ty => $reply:ty;)*) => {$(
        impl From<$request> for ToWorker {
            fn from(request: $request) -> Self {
                ToWorker::$job(request)
            }
        }
        impl From<$reply> for FromWorker {
            fn from(reply: $reply) -> Self {
                FromWorker::$job(reply)
            }
        }
    )*};
}

job_messages! {
    Studio: StudioRequest => StudioReply;
    TeacherForcing: TeacherForcingRequest => TeacherForcingReply;
    Reviews: ReviewsRequest => ReviewsReply;
    Retrain: RetrainRequest => RetrainReply;
    Notebook: NotebookRequest => NotebookReply;
    Lab: LabRequest => Result<LabReply, JobError>;
    Tokenizer: TokenizerRequest => TokenizerReply;
    Bench: BenchRequest => BenchReply;
    Worker: WorkerRequest => WorkerReply;
}
