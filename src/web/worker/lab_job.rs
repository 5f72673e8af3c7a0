//! The labs' and the tokenizer panel's requests in the training worker: a lab's computation
//! ([`crate::lab::run`], with the review classifiers the page loaded), installing the
//! segmenter's tables, and the tokenizer panel's preprocessing. Each is answered at once.

use crate::lab::LabRequest;
use crate::sentiment::SentimentModel;
use crate::web::protocol::FromWorker;

use super::outbox::Outbox;

/// `Lab`: one lab's request, with the loaded RNN classifiers at hand (the gates and
/// embeddings labs read them).
pub(super) fn lab(out: &Outbox, request: &LabRequest, models: &[(String, SentimentModel)]) {
    match crate::lab::run(request, models) {
        Ok(reply) => out.respond(FromWorker::Lab { reply }),
        Err(e) => out.fail(e),
    }
}

/// `LoadSegmenter`: the morpheme segmenter's tables, for every job that segments.
pub(super) fn load_segmenter(out: &Outbox, bytes: &[u8]) {
    if let Err(e) = crate::segment::Segmenter::install(bytes) {
        out.fail(e);
    }
}

/// `Preprocess`: the tokenizer panel's lines through the segmenter, stopwords dropped.
pub(super) fn preprocess(out: &Outbox, lines: Vec<String>, stopwords: Vec<String>) {
    let result = crate::segment::Segmenter::required()
        .map_err(|e| e.to_string())
        .and_then(|segmenter| {
            crate::segment::preprocess_lines(segmenter, &lines, &stopwords)
                .map_err(|e| e.to_string())
        });
    out.respond(FromWorker::Preprocessed {
        lines,
        stopwords,
        result,
    });
}
