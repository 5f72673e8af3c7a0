//! The labs' requests in the training worker: a lab's computation ([`crate::lab::run`], with
//! the review classifiers the page loaded), answered at once.

use crate::lab::{LabError, LabRequest};
use crate::sentiment::SentimentModel;
use crate::web::protocol::{ErrorKind, FromWorker, JobError};

use super::outbox::{Outbox, kind_of};

/// `Lab`: one lab's request, with the loaded RNN classifiers at hand (the gates and
/// embeddings labs read them).
pub(super) fn lab(out: &Outbox, request: &LabRequest, models: &[(&str, &SentimentModel)]) {
    let reply = crate::lab::run(request, models).map_err(|e| {
        let kind = match &e {
            LabError::Input(_) => ErrorKind::BadInput,
            LabError::Nn(nn) => kind_of(nn, ErrorKind::BadInput),
        };
        JobError::of(kind, &e)
    });
    out.respond(FromWorker::Lab(reply));
}
