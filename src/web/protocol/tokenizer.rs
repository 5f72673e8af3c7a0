//! The tokenizer panel's messages: its Korean mode cleans, segments and drops stopwords in the
//! worker (the segmenter's weights live in the worker, not in the page's own wasm).

use serde::{Deserialize, Serialize};

use super::error::JobError;
use crate::segment::PreprocessedLine;

/// From the page to the tokenizer job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TokenizerRequest {
    /// Clean, segment and drop stopwords, line by line.
    Preprocess {
        lines: Vec<String>,
        stopwords: Vec<String>,
    },
}

/// From the tokenizer job to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TokenizerReply {
    /// The answer to [`TokenizerRequest::Preprocess`], with its inputs (so the page can drop
    /// answers to text it no longer shows). A failure is answered here too, with the inputs it
    /// is for: this job has no separate `Failed`.
    Preprocessed {
        lines: Vec<String>,
        stopwords: Vec<String>,
        result: Result<Vec<PreprocessedLine>, JobError>,
    },
}
