//! The studio's job in the training worker (`#/studio`): train the next-word model a batch per
//! task (alone, or as one of several data-parallel replicas), stop, resume, load a saved model
//! and generate from it. The computations are [`crate::textgen`]'s and [`crate::generate`]'s;
//! this file only paces them and reports ([`StudioReply`]).

use web_time::Instant;

use super::outbox::{Outbox, REPORT_MS, kind_of};
use super::replica_link::{self, ReplicaLink};
use crate::generate::Sampling;
use crate::i18n::{Bilingual, Text};
use crate::nn::Sequential;
use crate::textgen::{Session, TextgenConfig, TrainedTextgen};
use crate::train::EpochLogs;
use crate::train::replica::Finish;
use crate::web::protocol::{ErrorKind, JobError, StudioReply, StudioRequest};

/// The studio's run, and the model it generates with.
#[derive(Default)]
pub(super) struct Studio {
    session: Option<Session>,
    /// Epoch logs not yet sent to the page.
    pending: Vec<EpochLogs>,
    last_report: Option<Instant>,
    /// A model file the student loaded (generates when there is no run).
    loaded: Option<TrainedTextgen>,
    running: bool,
    seconds: f64,
}

impl Studio {
    /// One of the page's studio requests; `replica` is the worker's link to the run's other
    /// replicas (a `Train` joins a new run, a `Reset` leaves it).
    pub(super) fn handle(
        &mut self,
        out: &Outbox,
        request: StudioRequest,
        replica: &mut Option<ReplicaLink>,
    ) {
        match request {
            StudioRequest::Train {
                text,
                config,
                replica: info,
            } => {
                let join = || replica_link::join_run(replica, out, info);
                self.train(out, &text, &config, join);
            }
            StudioRequest::Stop => self.stop(out),
            StudioRequest::Resume => self.resume(out),
            StudioRequest::Reset => {
                *replica = None;
                self.reset(out);
            }
            StudioRequest::Load { bytes } => self.load(out, &bytes),
            StudioRequest::Generate {
                seed_text,
                words,
                temperature,
                top_k,
                seed,
                stateful,
            } => {
                let sampling = sampling(temperature, top_k, seed);
                self.generate(out, &seed_text, words, sampling, stateful);
            }
        }
    }

    /// Is there a run (finished or not)? Its replica slices come before other jobs'.
    pub(super) fn has_run(&self) -> bool {
        self.session.is_some()
    }

    /// `Train`: a new run replaces the old one; `join` enters the run's replicas first.
    fn train(
        &mut self,
        out: &Outbox,
        text: &str,
        config: &TextgenConfig,
        join: impl FnOnce() -> Result<(), JobError>,
    ) {
        let session = match Session::new(text, config) {
            Ok(session) => session,
            Err(e) => {
                self.running = false;
                return out.fail(
                    StudioReply::Failed,
                    kind_of(&e, ErrorKind::BadInput),
                    e.text(),
                );
            }
        };
        if let Err(e) = join() {
            self.running = false;
            return out.respond(StudioReply::Failed(e));
        }
        let started = StudioReply::Started {
            summary: session.model.summary(),
            samples: session.samples(),
            vocab_size: session.tokenizer.vocab_size(),
            epochs: config.epochs,
        };
        self.session = Some(session);
        self.pending.clear();
        self.last_report = None;
        self.loaded = None;
        self.running = true;
        self.seconds = 0.0;
        out.respond(started);
        out.schedule();
    }

    /// `Stop`: what was trained so far is sent with the model file.
    fn stop(&mut self, out: &Outbox) {
        self.running = false;
        self.flush(out);
        if let Some(s) = self.session.as_mut() {
            s.stop();
            let epoch = s.history().epochs.len();
            let model_file = s.model_file().unwrap_or_default();
            out.respond(StudioReply::Stopped { epoch, model_file });
        }
    }

    /// `Reset`: forget the run.
    fn reset(&mut self, out: &Outbox) {
        self.running = false;
        self.session = None;
        self.pending.clear();
        self.last_report = None;
        out.respond(StudioReply::ResetDone {
            memory_bytes: super::outbox::wasm_memory_bytes(),
        });
    }

    /// `Resume`: go on with a stopped run.
    fn resume(&mut self, out: &Outbox) {
        if let Some(s) = self.session.as_mut() {
            s.resume();
            if !s.finished() {
                self.running = true;
                out.schedule();
            }
        }
    }

    /// `Load`: a model file saved from the studio replaces the run for generation.
    fn load(&mut self, out: &Outbox, bytes: &[u8]) {
        let loaded = Sequential::from_single_file(bytes)
            .and_then(|(model, extras)| TrainedTextgen::from_parts(model, extras));
        let msg = match loaded {
            Ok(t) => {
                let summary = t.model.summary();
                self.running = false;
                self.session = None;
                self.loaded = Some(t);
                StudioReply::Loaded { summary }
            }
            Err(e) => StudioReply::Failed(JobError::of(kind_of(&e, ErrorKind::BadFile), &e)),
        };
        out.respond(msg);
    }

    /// `Generate`: `words` more words after `seed_text` from the run's model, or the loaded
    /// one; `stateful` carries the hidden state from word to word instead of re-reading.
    fn generate(
        &self,
        out: &Outbox,
        seed_text: &str,
        words: usize,
        sampling: Sampling,
        stateful: bool,
    ) {
        let source = match (&self.session, &self.loaded) {
            (Some(s), _) => Some((&s.model, &s.tokenizer, s.maxlen)),
            (None, Some(t)) => Some((&t.model, &t.tokenizer, t.maxlen)),
            (None, None) => None,
        };
        let Some((model, tokenizer, maxlen)) = source else {
            return out.fail(
                StudioReply::Failed,
                ErrorKind::NotLoaded,
                Text::new(
                    "먼저 모델을 학습하거나 불러오세요",
                    "train or load a model first",
                ),
            );
        };
        let result = if stateful {
            crate::generate::stateful_generation(model, tokenizer, seed_text, words.min(100), 5)
        } else {
            crate::generate::generate_with_trace(
                model,
                tokenizer,
                seed_text,
                words.min(100),
                maxlen,
                sampling,
                5,
            )
        };
        out.respond(match result {
            Ok(g) => StudioReply::Generated {
                text: g.text,
                steps: g.steps,
            },
            Err(e) => StudioReply::Failed(JobError::of(kind_of(&e, ErrorKind::BadInput), &e)),
        });
    }

    /// One batch of the run (alone, not as a replica).
    pub(super) fn slice(&mut self, out: &Outbox) {
        if !self.running {
            return;
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let start = Instant::now();
        let mut error = None;
        match session.run_batch() {
            Ok(Some(logs)) => self.pending.push(logs),
            Ok(None) => {}
            Err(e) => error = Some(JobError::new(kind_of(&e, ErrorKind::Internal), e.text())),
        }
        self.seconds += start.elapsed().as_secs_f64();
        let finished = session.finished();
        if due(self.last_report) || finished || error.is_some() {
            self.flush(out);
        }
        if let Some(error) = error {
            self.running = false;
            out.respond(StudioReply::Failed(error));
        } else if finished {
            self.finish(out);
        } else {
            out.schedule();
        }
    }

    /// A slice of replica training: send this replica's shard of the next batch (when
    /// running and not already waiting), then step if every shard is in.
    pub(super) fn replica_slice(&mut self, out: &Outbox, link: &mut ReplicaLink) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if self.running && !link.replica().waiting() {
            let start = Instant::now();
            let begun = session.replica_begin(link.replica());
            self.seconds += start.elapsed().as_secs_f64();
            match begun {
                Ok(Some(bytes)) => link.send_shard(bytes),
                Ok(None) => {}
                Err(e) => return self.replica_failed(out, &e),
            }
        }
        self.replica_try_step(out, link);
    }

    /// Step when every replica's shard of the batch is in.
    pub(super) fn replica_try_step(&mut self, out: &Outbox, link: &mut ReplicaLink) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let start = Instant::now();
        match session.replica_finish(link.replica()) {
            Ok(Finish::Waiting) => {}
            Ok(Finish::Stepped(logs)) => {
                self.seconds += start.elapsed().as_secs_f64();
                if let Some(logs) = logs {
                    self.pending.push(logs);
                }
                let finished = session.finished();
                if due(self.last_report) || finished {
                    self.flush(out);
                }
                // A step that completes after Stop (its shards were on their way) is kept,
                // but the run stays stopped: Resume goes on from here.
                if self.running && finished {
                    self.finish(out);
                } else if self.running {
                    out.schedule();
                }
            }
            Err(e) => self.replica_failed(out, &e),
        }
    }

    /// The replicas' link or a replica step failed: the run stops with the page told why.
    pub(super) fn replica_failed(&mut self, out: &Outbox, e: &crate::nn::NnError) {
        self.running = false;
        out.fail(
            StudioReply::Failed,
            kind_of(e, ErrorKind::Internal),
            e.text(),
        );
    }

    /// Send the epochs not yet sent.
    fn flush(&mut self, out: &Outbox) {
        if !self.pending.is_empty() {
            let epochs = std::mem::take(&mut self.pending);
            out.respond(StudioReply::Progress { epochs });
            self.last_report = Some(Instant::now());
        }
    }

    fn finish(&mut self, out: &Outbox) {
        self.running = false;
        let Some(session) = &self.session else { return };
        out.respond(match session.model_file() {
            Ok(model_file) => StudioReply::Finished {
                epochs: session.history().epochs.len(),
                seconds: self.seconds,
                model_file,
            },
            Err(e) => StudioReply::Failed(JobError::of(kind_of(&e, ErrorKind::Internal), &e)),
        });
    }
}

/// Is a progress message due (`REPORT_MS` since the last)?
fn due(last_report: Option<Instant>) -> bool {
    last_report.is_none_or(|t| t.elapsed().as_secs_f64() * 1000.0 >= REPORT_MS)
}

/// The page's sampling settings: greedy at temperature 0.
fn sampling(temperature: f32, top_k: usize, seed: u64) -> Sampling {
    if temperature > 0.0 {
        Sampling::Temperature {
            temperature,
            top_k,
            seed,
        }
    } else {
        Sampling::Greedy
    }
}
