//! The notebook's worker and what its cells ask of it: load the review file, fit (one layer
//! or the three in a row), stop, resume from a checkpoint, sentiment_predict, the student's
//! own model. The worker's life is a [`WorkerHandle`] whose policy is to resume from the
//! checkpoint: a worker that panics, traps or falls silent while fitting is ended, and a new
//! one is given the same reviews and goes on from the last finished epoch.

use std::rc::Rc;

use leptos::prelude::*;

use super::state::{Notebook, Phase, SILENCE_MS, TEST_SILENCE_MS, test_hooks};
use crate::i18n::Text;
use crate::nn::CellKind;
use crate::notebook::NotebookConfig;
use crate::web::fetch;
use crate::web::keras_worker::ReadModel;
use crate::web::protocol::{BlobRef, FromWorker, NotebookReply, NotebookRequest, WorkerReply};
use crate::web::worker_handle::{Crash, CrashPolicy, WorkerHandle, WorkerScript};

/// The notebook's state and its worker.
#[derive(Clone, Copy)]
pub struct Session {
    pub nb: Notebook,
    worker: WorkerHandle,
}

impl Session {
    /// The notebook's worker, started now.
    pub fn start(nb: Notebook) -> Self {
        let cell = StoredValue::new_local(None::<Session>);
        let on_message = move |msg: FromWorker| {
            if let Some(session) = cell.get_value() {
                match msg {
                    FromWorker::Notebook(reply) => session.on_reply(reply),
                    // The segmenter's lexicon could not be installed.
                    FromWorker::Worker(WorkerReply::Failed(e)) => nb.failed(e.message),
                    _ => {}
                }
            }
        };
        // A worker that traps says so on the fault channel; one that stops answering is
        // noticed by its silence. Either way the fit can go on in a new worker from its last
        // epoch.
        let on_crash = move |crash: Crash| {
            let why = match crash {
                Crash::Panicked(message) => Text::new(
                    format!("학습 워커가 멈췄습니다: {message}."),
                    format!("The training worker crashed: {message}."),
                ),
                Crash::Trapped(message) => message,
                Crash::Silent(seconds) => match nb.silence(seconds) {
                    Some(why) => why,
                    None => return,
                },
            };
            nb.stopped(why)
        };
        let silence_ms = if test_hooks() {
            TEST_SILENCE_MS
        } else {
            SILENCE_MS
        };
        let policy = CrashPolicy::ResumeFromCheckpoint {
            silence_ms,
            listening: Rc::new(move || matches!(nb.phase.get_untracked(), Phase::Fitting { .. })),
        };
        let worker = WorkerHandle::new(WorkerScript::Page, policy, on_message, on_crash).start();
        let session = Self { nb, worker };
        cell.set_value(Some(session));
        session
    }

    /// To the worker in place (none after it stopped, until the file is loaded again).
    pub fn send(&self, message: impl Into<crate::web::protocol::ToWorker>) {
        self.worker.send(message.into())
    }

    pub fn fit(&self, c: CellKind) {
        let nb = self.nb;
        nb.epochs.set(Vec::new());
        nb.checkpoint.set_value(None);
        nb.error.set(None);
        nb.phase.set(Phase::Fitting {
            cell: c,
            epoch: 1,
            batch: 0,
            batches: 0,
        });
        self.send(NotebookRequest::Fit { cell: c });
    }

    /// The side-by-side: SimpleRNN, then LSTM and GRU on the same reviews.
    pub fn fit_all_three(&self) {
        self.nb.runs.set(Vec::new());
        self.nb.queue.set(vec![CellKind::Lstm, CellKind::Gru]);
        self.nb.cell.set(CellKind::SimpleRnn);
        self.fit(CellKind::SimpleRnn);
    }

    pub fn stop(&self) {
        self.nb.queue.set(Vec::new());
        self.send(NotebookRequest::Stop)
    }

    pub fn predict(&self) {
        let mut sentences: Vec<String> = crate::lecture::SENTIMENT_PREDICT_EXAMPLES
            .iter()
            .map(|s| s.to_string())
            .collect();
        let own = self.nb.predict_text.get_untracked();
        if !own.trim().is_empty() {
            sentences.push(own);
        }
        self.send(NotebookRequest::Predict { sentences });
    }

    fn on_reply(&self, reply: NotebookReply) {
        let nb = self.nb;
        match reply {
            NotebookReply::Loaded { loaded: l } => {
                nb.phase
                    .set(Phase::Segmenting(0, l.train.len() + l.test.len()));
                nb.loaded.set(Some(l));
            }
            NotebookReply::Segmenting { done, total } => {
                nb.phase.set(Phase::Segmenting(done, total))
            }
            NotebookReply::Prepared {
                prepared: p,
                summary: s,
            } => {
                nb.summary.set(s.clone());
                nb.prepared.set(Some((p, s)));
                nb.phase.set(Phase::Ready);
                self.go_on();
            }
            NotebookReply::FitStarted { summary: s, .. } => nb.summary.set(s),
            NotebookReply::Batch {
                epoch,
                batch,
                batches,
            } => nb.phase.update(|p| {
                // A batch report can come after its epoch's line; the status does not step
                // back.
                if let Phase::Fitting {
                    cell, epoch: now, ..
                } = *p
                    && epoch >= now
                {
                    *p = Phase::Fitting {
                        cell,
                        epoch,
                        batch,
                        batches,
                    };
                }
            }),
            NotebookReply::Epoch { logs } => {
                // The status line follows the log: the next epoch starts with this line.
                nb.phase.update(|p| {
                    if let Phase::Fitting { cell, batches, .. } = *p {
                        *p = Phase::Fitting {
                            cell,
                            epoch: logs.epoch + 1,
                            batch: 0,
                            batches,
                        };
                    }
                });
                nb.epochs.update(|e| e.push(logs));
            }
            NotebookReply::Checkpoint {
                cell: c,
                epoch,
                checkpoint: kept,
            } => nb.checkpoint.set_value(Some((c, epoch, kept))),
            NotebookReply::Fetching { got, total } => nb.phase.set(Phase::Fetching(got, total)),
            NotebookReply::Memory { wasm_bytes } => nb.worker_memory.set(wasm_bytes),
            NotebookReply::Fitted { result, summary: s } => {
                // The fit is done: its checkpoint is no longer needed.
                if let Some((_, _, BlobRef::Stash(key))) = nb.checkpoint.get_value() {
                    wasm_bindgen_futures::spawn_local(async move {
                        crate::web::stash::delete(&key).await
                    });
                }
                nb.checkpoint.set_value(None);
                nb.fitted_summary.set(s);
                nb.runs.update(|r| {
                    r.retain(|x| x.cell != result.cell);
                    r.push(result);
                });
                nb.phase.set(Phase::Ready);
                nb.own_model.set(None);
                self.send(NotebookRequest::ModelFile);
                self.predict();
                // The side-by-side: the next recurrent layer, on the same reviews.
                let next = nb
                    .queue
                    .try_update(|q| (!q.is_empty()).then(|| q.remove(0)))
                    .flatten();
                if let Some(next) = next {
                    nb.cell.set(next);
                    self.fit(next);
                }
            }
            NotebookReply::Predicted { answers: a } => nb.answers.set(a),
            NotebookReply::ModelLoaded { name, .. } => {
                nb.own_model.set(Some(name));
                self.send(NotebookRequest::ModelFile);
                self.predict();
            }
            NotebookReply::ModelFile { bytes } => nb.model_file.set(Some(bytes)),
            NotebookReply::Failed(e) => nb.failed(e.message),
        }
    }

    /// A new worker after a stopped one has the data: the fit goes on where it was.
    fn go_on(&self) {
        let nb = self.nb;
        match nb.resuming.try_update_value(Option::take).flatten() {
            Some((c, Some(from))) => {
                let done = nb.checkpoint.with_value(|k| k.as_ref().map_or(0, |k| k.1));
                nb.cell.set(c);
                nb.phase.set(Phase::Fitting {
                    cell: c,
                    epoch: done + 1,
                    batch: 0,
                    batches: 0,
                });
                self.send(NotebookRequest::Resume {
                    cell: c,
                    checkpoint: from,
                });
            }
            Some((c, None)) => {
                nb.cell.set(c);
                self.fit(c);
            }
            None => {}
        }
    }

    fn cannot_read(&self, e: Text) {
        self.nb.phase.set(Phase::Empty);
        self.nb.error.set(Some(e));
    }

    /// The file and settings into this worker (a new one when the last one stopped).
    fn load_into_worker(&self, file: BlobRef, config: NotebookConfig) {
        let session = *self;
        self.worker.ensure_started();
        self.worker
            .send_segmented(NotebookRequest::Load { file, config }.into(), move |e| {
                session.cannot_read(e)
            });
    }

    /// A review classifier from Colab answers sentiment_predict (the lecture's load_model).
    pub fn use_model(&self, m: ReadModel) {
        let nb = self.nb;
        if let Some(why) = m.not_a_review_classifier() {
            nb.error.set(Some(why));
            return;
        }
        self.worker.ensure_started();
        let message = NotebookRequest::UseModel {
            name: m.name,
            config_json: m.config_json,
            weights: m.file,
        }
        .into();
        self.worker
            .send_segmented(message, move |e| nb.error.set(Some(e)));
    }

    /// Go on after a stop: a new worker gets the same reviews, then the fit resumes from its
    /// checkpoint (or starts again from epoch 1).
    pub fn resume(&self) {
        let nb = self.nb;
        let Some((file, config)) = nb.last_load.get_value() else {
            return;
        };
        let Phase::Stopped { cell: c, .. } = nb.phase.get_untracked() else {
            return;
        };
        let from = nb
            .checkpoint
            .get_value()
            .filter(|k| k.0 == c)
            .map(|(_, epoch, kept)| (epoch, kept));
        nb.epochs
            .update(|e| e.truncate(from.as_ref().map_or(0, |f| f.0)));
        nb.resuming.set_value(Some((c, from.map(|f| f.1))));
        nb.resumable.set(None);
        nb.stop_note.set(None);
        nb.error.set(None);
        nb.phase.set(Phase::Segmenting(0, 0));
        self.load_into_worker(file, config);
    }

    fn start_file(&self, file: BlobRef) {
        let nb = self.nb;
        nb.loaded.set(None);
        nb.prepared.set(None);
        nb.runs.set(Vec::new());
        nb.epochs.set(Vec::new());
        nb.answers.set(Vec::new());
        nb.error.set(None);
        nb.stop_note.set(None);
        nb.checkpoint.set_value(None);
        nb.phase.set(Phase::Segmenting(0, 0));
        nb.used_seed.set(nb.seed.get_untracked());
        let config = NotebookConfig {
            sample: nb.sample.get_untracked().max(1),
            seed: nb.seed.get_untracked(),
            ..NotebookConfig::new(nb.lecture)
        };
        // Kept for a new worker, should this one stop.
        nb.last_load.set_value(Some((file.clone(), config.clone())));
        self.load_into_worker(file, config);
    }

    /// The file goes to the worker without passing through this thread: the worker fetches
    /// the address itself.
    pub fn fetch_file(&self) {
        let session = *self;
        self.nb.phase.set(Phase::Fetching(0.0, 0.0));
        let typed = self.nb.url.get_untracked();
        // The worker resolves addresses against its own script: give it the page's reading.
        let base = window().location().href().unwrap_or_default();
        let absolute = web_sys::Url::new_with_base(typed.trim(), &base)
            .map(|u| u.href())
            .unwrap_or(typed);
        wasm_bindgen_futures::spawn_local(async move {
            crate::web::stash::clear().await;
            session.start_file(BlobRef::Url(absolute));
        });
    }

    /// A picked file goes through the stash (the browser copies it).
    pub fn read_file(&self, file: web_sys::File) {
        let session = *self;
        self.nb.phase.set(Phase::Fetching(0.0, file.size()));
        wasm_bindgen_futures::spawn_local(async move {
            crate::web::stash::clear().await;
            let key = crate::web::stash::PICKED_FILE;
            if crate::web::stash::available()
                && crate::web::stash::put_file(key, &file).await.is_ok()
            {
                session.start_file(BlobRef::Stash(key.into()));
                return;
            }
            // No stash here (plain http): the bytes go in the message.
            fetch::read_picked_bytes(file, move |bytes| match bytes {
                Ok(bytes) => session.start_file(BlobRef::Bytes(bytes)),
                Err(e) => session.cannot_read(e),
            });
        });
    }
}
