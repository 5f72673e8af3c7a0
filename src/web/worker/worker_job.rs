//! The worker's own requests, for no job: the tag its fault reports carry, the segmenter's
//! lexicon that every segmenting job reads, and the end-to-end test's crash hooks.

use crate::i18n::Bilingual;
use crate::web::protocol::{ErrorKind, WorkerReply, WorkerRequest};

use super::outbox::Outbox;

/// One of the page's requests to the worker itself.
pub(super) fn handle(out: &Outbox, request: WorkerRequest) {
    match request {
        WorkerRequest::Tag { tag } => crate::web::fault_report::set_tag(tag),
        WorkerRequest::LoadSegmenter { bytes } => {
            if let Err(e) = crate::segment::Segmenter::install(&bytes) {
                out.fail(WorkerReply::Failed, ErrorKind::BadFile, e.text());
            }
        }
        WorkerRequest::PanicForTest => panic!("a panic requested by the page's test hook"),
        WorkerRequest::TrapForTest => trap(),
    }
}

/// A trap that is not a panic: what an allocation failure or a stack overflow ends in.
fn trap() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
