//! The studio's worker and what the buttons ask of it: train (on K replica workers), stop,
//! resume, reset, generate, load, and lecture 7's teacher-forcing runs. The worker's life is a
//! [`WorkerHandle`] with the studio's policy: a new worker is given the last model file.

use std::rc::Rc;

use leptos::prelude::*;

use super::state::{SharedState, Status, Studio, TeacherForcingState};
use crate::i18n::Text;
use crate::teacher_forcing::Seq2SeqConfig;
use crate::textgen::TextgenConfig;
use crate::web::parallel::{Replicas, replica_failure};
use crate::web::protocol::{
    FromWorker, StudioRequest, TeacherForcingRequest, ToWorker, WorkerReply, WorkerRequest,
};
use crate::web::route;
use crate::web::threads::MAX_WORKERS;
use crate::web::worker_handle::{Crash, CrashPolicy, WorkerHandle, WorkerScript};

/// The studio's state, its worker and the run's other replicas.
#[derive(Clone, Copy)]
pub struct Session {
    pub studio: Studio,
    pub tf: TeacherForcingState,
    worker: WorkerHandle,
    /// Data parallelism: the run's other replica workers (the handle's worker is replica 0,
    /// which reports to the page).
    replicas: Replicas,
}

impl Session {
    /// The studio's worker, started now so that its module is compiled before the first Train.
    pub fn start(studio: Studio, tf: TeacherForcingState) -> Self {
        let replicas = Replicas::new();
        let on_message = move |msg: FromWorker| match msg {
            FromWorker::Studio(reply) => {
                // A finished run no longer needs its replicas.
                let ended = studio.on_reply(reply);
                if ended {
                    replicas.clear();
                }
            }
            FromWorker::TeacherForcing(reply) => tf.on_reply(reply, studio.status),
            FromWorker::Worker(WorkerReply::Ready)
                if studio.status.get_untracked() == Status::Loading =>
            {
                studio.status.set(Status::Idle)
            }
            // Other panels' jobs (each panel has its own worker).
            _ => {}
        };
        // A panic or a trap (of the worker or of any replica) ends the run; the next request
        // starts a new worker.
        let on_crash = move |crash: Crash| {
            replicas.clear();
            studio.status.set(Status::Failed(match crash {
                Crash::Panicked(message) => Text::new(
                    format!(
                        "학습 워커가 내부 오류로 멈췄습니다: {message}. 다음 요청 때 새 워커가 시작됩니다: \
                         다시 학습을 누르세요"
                    ),
                    format!(
                        "the training worker crashed: {message}. \
                         A new worker starts with your next request: press Train to try again."
                    ),
                ),
                Crash::Trapped(message) => message,
                Crash::Silent(_) => return,
            }));
        };
        // A replaced (crashed) worker took the trained model with it: hand the new one the
        // last model file, so that Generate still works.
        let replay = move |next: &ToWorker| {
            let brings_a_model = matches!(
                next,
                ToWorker::Studio(StudioRequest::Train { .. } | StudioRequest::Load { .. })
            );
            match studio.trained_model.get_untracked() {
                Some(bytes) if !brings_a_model => vec![StudioRequest::Load { bytes }.into()],
                _ => Vec::new(),
            }
        };
        let worker = WorkerHandle::new(
            WorkerScript::Page,
            CrashPolicy::RespawnAndReplay(Rc::new(replay)),
            on_message,
            on_crash,
        )
        .with_replicas(replicas)
        .start();
        Self {
            studio,
            tf,
            worker,
            replicas,
        }
    }

    pub fn send(&self, message: ToWorker) {
        self.worker.send(message)
    }

    /// Bring back the last run after a reload.
    pub fn restore(&self) {
        if let Some((saved, bytes)) = super::state::SavedRun::restore() {
            self.studio.restore(saved, &bytes);
            self.send(StudioRequest::Load { bytes }.into());
        }
    }

    /// Train on K workers: each gets the same text and settings (the same seed: the same model
    /// and batches) and its place among them; they exchange their shards' gradients.
    pub fn train(&self) {
        let studio = self.studio;
        let c = studio.start_run();
        let count = c.workers.clamp(1, MAX_WORKERS);
        let inner = TextgenConfig { workers: 1, ..c };
        // A crashed worker of the panel is replaced by `send`, after this: then no direct ports.
        let primary = self.worker.live_tag();
        let replicas = self.replicas;
        let on_replica_message = move |msg: FromWorker| {
            if let Some(message) = replica_failure(msg) {
                studio.status.set(Status::Failed(message));
                replicas.clear();
            }
        };
        let run = self.replicas.start(count, primary, on_replica_message);
        for index in 1..count {
            self.replicas.send(
                index,
                StudioRequest::Train {
                    text: studio.text.get_untracked(),
                    config: inner.clone(),
                    replica: run.info(index),
                }
                .into(),
            );
        }
        self.send(
            StudioRequest::Train {
                text: studio.text.get_untracked(),
                config: inner,
                replica: run.info(0),
            }
            .into(),
        );
    }

    /// Stop and Resume go to every replica of the run.
    pub fn stop(&self) {
        self.replicas.send_all(&StudioRequest::Stop.into());
        self.send(StudioRequest::Stop.into())
    }

    pub fn resume(&self) {
        self.studio.status.set(Status::Training);
        self.replicas.send_all(&StudioRequest::Resume.into());
        self.send(StudioRequest::Resume.into())
    }

    /// The worker forgets the run too; until it answers, the run's last messages are dropped.
    pub fn reset(&self) {
        self.studio.resetting.set(true);
        self.replicas.clear();
        self.send(StudioRequest::Reset.into());
        self.studio.reset();
    }

    /// The corpus and settings as a link.
    pub fn share(&self) {
        let state = SharedState {
            text: self.studio.text.get_untracked(),
            config: self.studio.config.get_untracked(),
        };
        let location = window().location();
        if route::current().route == route::Route::Panel(route::PanelId::Studio) {
            // On its own route the settings join the route's (no reload).
            let json = serde_json::to_string(&state).unwrap_or_default();
            route::write_panel_settings(route::PanelId::Studio, &[("share", json)]);
        } else {
            let _ = location.set_hash(&state.to_hash());
        }
        self.studio
            .share_url
            .set(location.href().unwrap_or_default());
    }

    pub fn generate(&self) {
        let s = self.studio;
        // Clear the last result so that what appears is this request's.
        s.generated.set(String::new());
        s.steps.set(Vec::new());
        self.send(
            StudioRequest::Generate {
                seed_text: s.seed_text.get_untracked(),
                words: s.words.get_untracked(),
                temperature: s.temperature.get_untracked(),
                top_k: 0,
                seed: s.config.get_untracked().seed,
                stateful: s.stateful.get_untracked(),
            }
            .into(),
        )
    }

    /// A model file the student loaded.
    pub fn load(&self, bytes: Vec<u8>) {
        self.studio.trained_model.set(Some(bytes.clone()));
        self.send(StudioRequest::Load { bytes }.into())
    }

    /// The end-to-end tests' hooks: a panic, or a trap without one.
    pub fn panic_for_test(&self) {
        self.send(WorkerRequest::PanicForTest.into())
    }

    pub fn trap_for_test(&self) {
        self.send(WorkerRequest::TrapForTest.into())
    }

    /// Lecture 7: train the many-to-many model at the chosen teacher-forcing ratio.
    pub fn train_seq2seq(&self) {
        let ratio = self.tf.start_run();
        let c = self.studio.config.get_untracked();
        let seq = Seq2SeqConfig {
            cell: c.cell,
            embedding_dim: c.embedding_dim,
            hidden: c.hidden,
            seed: c.seed,
            tokenizer: c.tokenizer.clone(),
            teacher_forcing_ratio: ratio,
            ..Seq2SeqConfig::default()
        };
        self.send(
            TeacherForcingRequest::Train {
                text: self.studio.text.get_untracked(),
                config: seq,
                epochs: self.tf.epochs.get_untracked(),
            }
            .into(),
        );
    }

    pub fn compare(&self, index: usize) {
        self.send(TeacherForcingRequest::Compare { index }.into())
    }
}
