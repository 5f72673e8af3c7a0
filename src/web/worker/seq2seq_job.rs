//! The teacher-forcing panel's job in the training worker: train the many-to-many model a few
//! epochs per task, then compare teacher forcing with free running on one sentence at a time.
//! The computations are [`crate::teacher_forcing`]'s; this file only paces them and reports
//! ([`TeacherForcingReply`]).

use web_time::Instant;

use super::outbox::{Outbox, REPORT_MS, kind_of};
use crate::i18n::{Bilingual, Text};
use crate::teacher_forcing::{Seq2SeqConfig, Seq2SeqSession, first_divergence};
use crate::web::protocol::{ErrorKind, JobError, TeacherForcingReply, TeacherForcingRequest};

/// The many-to-many model and the epochs still to train.
#[derive(Default)]
pub(super) struct Seq2Seq {
    session: Option<Seq2SeqSession>,
    left: usize,
}

impl Seq2Seq {
    /// One of the teacher-forcing panel's requests.
    pub(super) fn handle(&mut self, out: &Outbox, request: TeacherForcingRequest) {
        match request {
            TeacherForcingRequest::Train {
                text,
                config,
                epochs,
            } => self.train(out, &text, &config, epochs),
            TeacherForcingRequest::Compare { index } => self.compare(out, index),
        }
    }

    /// `Train`: a new model on `text`, `epochs` epochs.
    fn train(&mut self, out: &Outbox, text: &str, config: &Seq2SeqConfig, epochs: usize) {
        match Seq2SeqSession::new(text, config) {
            Ok(s) => {
                self.session = Some(s);
                self.left = epochs.max(1);
                out.schedule();
            }
            Err(e) => out.fail(
                TeacherForcingReply::Failed,
                kind_of(&e, ErrorKind::BadInput),
                e.text(),
            ),
        }
    }

    /// Are there epochs left to train?
    pub(super) fn pending(&self) -> bool {
        self.left > 0
    }

    /// A time slice of the training; the first comparison when it ends.
    pub(super) fn slice(&mut self, out: &Outbox) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let start = Instant::now();
        let mut losses = Vec::new();
        while self.left > 0 && start.elapsed().as_secs_f64() * 1000.0 < REPORT_MS {
            match s.run_epoch() {
                Ok(loss) => losses.push((s.epoch, loss)),
                Err(e) => {
                    self.left = 0;
                    return out.fail(
                        TeacherForcingReply::Failed,
                        kind_of(&e, ErrorKind::Internal),
                        e.text(),
                    );
                }
            }
            self.left -= 1;
        }
        out.respond(TeacherForcingReply::Progress { losses });
        if self.left > 0 {
            out.schedule();
        } else {
            self.compare(out, 0);
        }
    }

    /// `Compare`: sentence `index` generated with teacher forcing and free running.
    fn compare(&self, out: &Outbox, index: usize) {
        out.respond(match &self.session {
            None => TeacherForcingReply::Failed(JobError::new(
                ErrorKind::NotLoaded,
                Text::new(
                    "먼저 다대다 모델을 학습하세요",
                    "train the many-to-many model first",
                ),
            )),
            Some(s) => match s.compare(index) {
                Ok((forced, free)) => TeacherForcingReply::Comparison {
                    index,
                    sentences: s.sentence_count(),
                    divergence: first_divergence(&forced, &free),
                    forced,
                    free,
                },
                Err(e) => {
                    TeacherForcingReply::Failed(JobError::of(kind_of(&e, ErrorKind::BadInput), &e))
                }
            },
        });
    }
}
