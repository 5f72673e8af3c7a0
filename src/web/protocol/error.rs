//! How the worker says that a request failed: its job's reply `Failed(`[`JobError`]`)`, with
//! the kind of failure (what the page can do about it) and the message to show.

use serde::{Deserialize, Serialize};

use crate::i18n::{Bilingual, Text};

/// What went wrong, as far as the page can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The request's text or settings cannot be used (a corpus too short to train on, an
    /// invalid configuration, a lab's input): the student changes them.
    BadInput,
    /// A file cannot be used (a model file, a review file with too few reviews, a checkpoint,
    /// the segmenter's lexicon): the student gives another.
    BadFile,
    /// Something the request needs is not there yet: the segmenter's lexicon, a trained or
    /// loaded model, the notebook's reviews.
    NotLoaded,
    /// Over one of the playground's limits ([`crate::limits`]).
    Limit,
    /// Training failed on its own numbers (the loss became NaN or infinite).
    Training,
    /// A file could not be fetched, or read back from the page's stash.
    Fetch,
    /// The browser lacks what the request needs (a BroadcastChannel for data-parallel
    /// training): train with one worker.
    Unsupported,
    /// A bug (a tensor error, a state the worker should not reach).
    Internal,
}

/// Why a job's request failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobError {
    pub kind: ErrorKind,
    /// What the page shows, in both languages (it shows its own).
    pub message: Text,
}

impl JobError {
    pub fn new(kind: ErrorKind, message: Text) -> Self {
        JobError { kind, message }
    }

    /// A core error's own words.
    pub fn of(kind: ErrorKind, error: &impl Bilingual) -> Self {
        JobError::new(kind, error.text())
    }
}

impl std::fmt::Display for JobError {
    /// The English message (logs; the page shows [`JobError::message`] in its language).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.en)
    }
}
