//! The tokenizer panel's job in the training worker: its Korean mode's lines cleaned,
//! segmented and stripped of stopwords ([`crate::segment::preprocess_lines`]), answered at once
//! with the inputs they are for.

use crate::segment::Segmenter;
use crate::text::TextError;
use crate::web::protocol::{ErrorKind, JobError, TokenizerReply, TokenizerRequest};

use super::outbox::Outbox;

/// `Preprocess`: the lines through the segmenter, stopwords dropped.
pub(super) fn handle(out: &Outbox, request: TokenizerRequest) {
    let TokenizerRequest::Preprocess { lines, stopwords } = request;
    let result = Segmenter::required()
        .map_err(|e| JobError::of(ErrorKind::NotLoaded, &e))
        .and_then(|segmenter| {
            crate::segment::preprocess_lines(segmenter, &lines, &stopwords).map_err(|e| {
                let kind = match e {
                    TextError::TooLongToSegment { .. } => ErrorKind::Limit,
                    _ => ErrorKind::BadInput,
                };
                JobError::of(kind, &e)
            })
        });
    out.respond(TokenizerReply::Preprocessed {
        lines,
        stopwords,
        result,
    });
}
