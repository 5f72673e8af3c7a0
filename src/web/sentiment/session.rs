//! The review panel's worker and what the panel asks of it: load the shipped models (and the
//! student's own), classify the typed review, retrain lecture 9's SimpleRNN on K replica
//! workers. The worker holds the loaded models, so its [`CrashPolicy`] is to say so and ask
//! for a reload.

use leptos::prelude::*;

use super::state::{Load, ModelInfo, Retrain, Reviews};
use crate::i18n::Text;
use crate::sentiment::SentimentConfig;
use crate::web::fetch;
use crate::web::keras_worker::ReadModel;
use crate::web::parallel::{Replicas, replica_failure};
use crate::web::protocol::{
    FromWorker, RETRAINED_MODEL, RetrainReply, RetrainRequest, ReviewsReply, ReviewsRequest,
    ToWorker, WorkerReply,
};
use crate::web::worker_handle::{Crash, CrashPolicy, WorkerHandle, WorkerScript};

/// The panel's state, its worker and the retraining's other replicas.
#[derive(Clone, Copy)]
pub struct Session {
    pub reviews: Reviews,
    worker: WorkerHandle,
    /// The retraining's other data-parallel replicas (the handle's worker is replica 0).
    replicas: Replicas,
}

impl Session {
    /// The panel's worker, started now.
    pub fn start(reviews: Reviews) -> Self {
        let replicas = Replicas::new();
        let worker_cell = StoredValue::new_local(None::<Session>);
        let on_message = move |msg: FromWorker| {
            if let Some(session) = worker_cell.get_value() {
                session.on_message(msg)
            }
        };
        let on_crash = move |crash: Crash| match crash {
            Crash::Panicked(message) => reviews.error.set(Some(Text::new(
                format!(
                    "분류기의 워커가 멈췄습니다: {message}. 페이지를 새로 고치면 다시 시작합니다."
                ),
                format!(
                    "the classifier's worker crashed: {message}. Reload the page to start it again."
                ),
            ))),
            // A trap of the worker or of a replica ends the retraining.
            Crash::Trapped(message) => {
                replicas.clear();
                reviews.retrain.set(Retrain::Idle);
                reviews.error.set(Some(message));
            }
            Crash::Silent(_) => {}
        };
        let worker = WorkerHandle::new(
            WorkerScript::Page,
            CrashPolicy::ReportUntilReload,
            on_message,
            on_crash,
        )
        .with_replicas(replicas)
        .start();
        let session = Self {
            reviews,
            worker,
            replicas,
        };
        worker_cell.set_value(Some(session));
        session
    }

    fn send(&self, message: ToWorker) {
        self.worker.send(message)
    }

    /// Every model here reads morphemes: the worker gets the lexicon before the first one.
    fn send_segmented(&self, message: ToWorker) {
        let reviews = self.reviews;
        self.worker
            .send_segmented(message, move |e| reviews.error.set(Some(e)));
    }

    fn on_message(&self, msg: FromWorker) {
        match msg {
            FromWorker::Reviews(reply) => self.on_reviews(reply),
            FromWorker::Retrain(reply) => self.on_retrain(reply),
            // The segmenter's lexicon, which every model here reads, could not be installed.
            FromWorker::Worker(WorkerReply::Failed(e)) => self.reviews.failed(e.message),
            _ => {}
        }
    }

    fn on_reviews(&self, reply: ReviewsReply) {
        let r = self.reviews;
        match reply {
            ReviewsReply::Loaded { name } => {
                r.set_load(&name, Load::Ready);
                if name == RETRAINED_MODEL {
                    self.send(ReviewsRequest::File { name: name.clone() }.into());
                }
                self.classify();
            }
            ReviewsReply::File { bytes, .. } => r.retrained_file.set(Some(bytes)),
            ReviewsReply::Classified {
                text: t,
                results: res,
            } => {
                r.error.set(None);
                r.results.set(Some((t, res)));
            }
            ReviewsReply::Failed(e) => r.failed(e.message),
        }
    }

    fn on_retrain(&self, reply: RetrainReply) {
        let r = self.reviews;
        match reply {
            RetrainReply::Prep {
                done,
                total,
                report,
            } => r.retrain.set(Retrain::Segmenting {
                done,
                total,
                report,
            }),
            RetrainReply::Started { reviews, .. } => r.retrain.set(Retrain::Training {
                epoch: 1,
                batch: 0,
                batches: 0,
                reviews,
            }),
            RetrainReply::Batch {
                epoch,
                batch,
                batches,
            } => r.retrain.update(|t| {
                if let Retrain::Training { reviews, .. } = *t {
                    *t = Retrain::Training {
                        epoch,
                        batch,
                        batches,
                        reviews,
                    };
                }
            }),
            RetrainReply::Epoch { logs } => r.retrain_epochs.update(|e| e.push(logs)),
            RetrainReply::Trained {
                name,
                epochs,
                val_accuracy,
                seconds,
            } => {
                self.replicas.clear();
                r.retrain.set(Retrain::Done {
                    epochs,
                    val_accuracy,
                    seconds,
                });
                r.add(ModelInfo {
                    name: name.clone(),
                    title: "브라우저에서 다시 학습한 9강 SimpleRNN · retrained here".into(),
                    accuracy: val_accuracy
                        .map(|a| vec![("best val_accuracy".to_string(), a as f64)])
                        .unwrap_or_default(),
                    bytes: 0,
                });
            }
            RetrainReply::Failed(e) => r.failed(e.message),
        }
    }

    /// Classify the typed review with every ready model.
    pub fn classify(&self) {
        if self.reviews.any_ready() {
            let text = self.reviews.text.get_untracked();
            self.send(ReviewsRequest::Classify { text }.into());
        }
    }

    /// The list of shipped models, then the first model's two files.
    pub fn list_models(&self) {
        let session = *self;
        let reviews = self.reviews;
        fetch::fetch_bytes(
            "./models/index.json",
            |_, _| {},
            move |index| {
                let parsed = index.and_then(|b| {
                    serde_json::from_slice::<Vec<ModelInfo>>(&b)
                        .map_err(|e| format!("models/index.json: {e}"))
                });
                match parsed {
                    Ok(list) => {
                        reviews.list(&list);
                        if let Some(first) = list.into_iter().next() {
                            session.load_model(first);
                        }
                    }
                    Err(e) => reviews.error.set(Some(Text::new(
                        format!("내장 모델 목록을 읽지 못했습니다: {e}"),
                        format!("the shipped models could not be listed: {e}"),
                    ))),
                }
            },
        );
    }

    /// Fetch a shipped model's files (through the model cache) into the worker.
    pub fn load_model(&self, info: ModelInfo) {
        let session = *self;
        let reviews = self.reviews;
        let name = info.name.clone();
        let (progress_name, fail_name) = (name.clone(), name.clone());
        fetch::load_shipped_model(
            &info.name,
            move |got, total| reviews.set_load(&progress_name, Load::Fetching(got, total)),
            move |e| reviews.set_load(&fail_name, Load::Failed(e)),
            move |message, cached| {
                if cached {
                    reviews.cached_models.update(|c| c.push(name));
                }
                session.send_segmented(message)
            },
        );
    }

    /// The student's own classifier (read by the Keras-file worker), listed and loaded like a
    /// shipped one.
    pub fn add_own(&self, m: ReadModel) {
        if let Some(why) = m.not_a_review_classifier() {
            self.reviews.error.set(Some(why));
            return;
        }
        let name = format!("file:{}", m.name);
        self.reviews.add(ModelInfo {
            name: name.clone(),
            title: m.name.clone(),
            accuracy: Vec::new(),
            bytes: 0,
        });
        self.send_segmented(
            ReviewsRequest::Load {
                name,
                config_json: m.config_json,
                weights: m.file,
            }
            .into(),
        );
    }

    /// Lecture 9: 15 epochs, batch 32, validation_split 0.2, early stopping; on K replica
    /// workers that each read and segment the file and train on their shard of every batch.
    fn start_training(&self, text: String) {
        let reviews = self.reviews;
        reviews.retrain_epochs.set(Vec::new());
        reviews.error.set(None);
        let count = reviews
            .retrain_workers
            .get_untracked()
            .clamp(1, crate::web::threads::MAX_WORKERS);
        let primary = self.worker.live_tag();
        let replicas = self.replicas;
        let on_replica_message = move |msg: FromWorker| {
            if let Some(message) = replica_failure(msg) {
                // A replica that fails ends the retraining (replica 0 reports the training).
                replicas.clear();
                reviews.retrain.set(Retrain::Idle);
                reviews.error.set(Some(message));
            }
        };
        let run = replicas.start(count, primary, on_replica_message);
        let lexicon_failed = move |message: Text| reviews.error.set(Some(message));
        for index in 1..count {
            let message = RetrainRequest::Train {
                text: text.clone(),
                config: SentimentConfig::default(),
                replica: run.info(index),
            }
            .into();
            let to_replica = move |m: ToWorker| replicas.send(index, m);
            fetch::SegmenterGate::new().send(message, to_replica, lexicon_failed);
        }
        self.send_segmented(
            RetrainRequest::Train {
                text,
                config: SentimentConfig::default(),
                replica: run.info(0),
            }
            .into(),
        );
    }

    fn loaded_text(&self, text: Result<String, Text>) {
        match text {
            Ok(t) => self.start_training(t),
            Err(e) => {
                self.reviews.retrain.set(Retrain::Idle);
                self.reviews.error.set(Some(e));
            }
        }
    }

    /// Retrain on the review file at the typed address.
    pub fn fetch_and_train(&self) {
        let session = *self;
        let retrain = self.reviews.retrain;
        retrain.set(Retrain::Fetching(0.0, 0.0));
        fetch::fetch_review_file(
            &self.reviews.data_url.get_untracked(),
            move |got, total| retrain.set(Retrain::Fetching(got, total)),
            move |text| session.loaded_text(text),
        );
    }

    /// Retrain on a picked or dropped review file.
    pub fn read_file(&self, file: web_sys::File) {
        let session = *self;
        self.reviews
            .retrain
            .set(Retrain::Fetching(0.0, file.size()));
        fetch::read_picked_file(file, move |text| session.loaded_text(text));
    }
}
