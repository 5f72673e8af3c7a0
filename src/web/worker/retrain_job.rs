//! Lecture 9's retraining in the training worker (the review panel's "train on your file"):
//! read the review file, segment 500 reviews per task, then train one batch per task (alone,
//! or as one of several data-parallel replicas); the trained model joins the panel's
//! classifiers. The computations are [`crate::sentiment`]'s; this file only paces them and
//! reports ([`RetrainReply`]).

use web_time::Instant;

use super::outbox::{LastBatch, Outbox, kind_of};
use super::replica_link::{self, ReplicaLink};
use super::review_job::Reviews;
use crate::i18n::{Bilingual, Text};
use crate::nn::NnError;
use crate::sentiment::{SentimentConfig, SentimentSession};
use crate::text::reviews::{Review, read_reviews};
use crate::train::EpochLogs;
use crate::web::protocol::{
    ErrorKind, RETRAINED_MODEL, RetrainReply, RetrainRequest, ReviewsReply,
};

/// Reviews segmented per task.
const SEGMENT_SLICE: usize = 500;

/// Where the retraining is.
enum Stage {
    Segmenting {
        reviews: Vec<Review>,
        tokens: Vec<Vec<String>>,
        config: SentimentConfig,
        report: String,
    },
    Training(Box<SentimentSession>),
}

/// The retraining in progress, if any.
#[derive(Default)]
pub(super) struct Retrain {
    stage: Option<Stage>,
    seconds: f64,
    reported: Option<Instant>,
}

impl Retrain {
    /// The page's retraining request; `replica` is the worker's link to the run's other
    /// replicas (a `Train` joins a new run).
    pub(super) fn handle(
        &mut self,
        out: &Outbox,
        request: RetrainRequest,
        replica: &mut Option<ReplicaLink>,
    ) {
        match request {
            RetrainRequest::Train {
                text,
                config,
                replica: info,
            } => match replica_link::join_run(replica, out, info) {
                Ok(()) => self.start(out, &text, config),
                Err(e) => out.respond(RetrainReply::Failed(e)),
            },
        }
    }

    /// `Train`: read the file and start segmenting it.
    fn start(&mut self, out: &Outbox, text: &str, config: SentimentConfig) {
        if let Err(e) = crate::limits::check(crate::limits::Limit::ReviewFileBytes, text.len()) {
            return out.fail(RetrainReply::Failed, ErrorKind::Limit, e.text());
        }
        let set = read_reviews(text, None);
        if set.reviews.len() < 10 {
            return out.fail(
                RetrainReply::Failed,
                ErrorKind::BadFile,
                Text::new(
                    format!(
                        "이 파일에는 학습할 만큼 리뷰가 없습니다: {}. `5<TAB>리뷰`(별점 1–5), \
                         `1<TAB>리뷰`(레이블 0/1)나 NSMC의 `id<TAB>document<TAB>label` 줄이어야 \
                         합니다.",
                        set.report()
                    ),
                    format!(
                        "this file does not hold enough reviews to train on: {}. \
                         Expected lines like `5<TAB>리뷰` (rating 1–5), `1<TAB>리뷰` \
                         (label 0/1) or NSMC's `id<TAB>document<TAB>label`.",
                        set.report()
                    ),
                ),
            );
        }
        let report = set.report();
        out.respond(RetrainReply::Prep {
            done: 0,
            total: set.reviews.len(),
            report: report.clone(),
        });
        self.stage = Some(Stage::Segmenting {
            reviews: set.reviews,
            tokens: Vec::new(),
            config,
            report,
        });
        out.schedule();
    }

    /// Is there retraining work for the next slice?
    pub(super) fn pending(&self) -> bool {
        self.stage.is_some()
    }

    /// Is it training (a peer's shard is for it)?
    pub(super) fn training(&self) -> bool {
        matches!(self.stage, Some(Stage::Training(_)))
    }

    /// Segment some reviews, or train one batch; the trained model goes to `reviews`.
    pub(super) fn slice(
        &mut self,
        out: &Outbox,
        link: Option<&mut ReplicaLink>,
        reviews: &mut Reviews,
    ) {
        let start = Instant::now();
        match self.stage.take() {
            Some(Stage::Segmenting {
                reviews: texts,
                tokens,
                config,
                report,
            }) => self.segment(out, texts, tokens, config, report),
            Some(Stage::Training(mut session)) => {
                let mut watch = LastBatch::default();
                // Ok(None): a replica waiting for the others' shards of this batch.
                let result = match link {
                    None => session.run_batch(&mut [&mut watch]).map(Some),
                    Some(link) => replica_step(&mut session, link, &mut watch),
                };
                self.seconds += start.elapsed().as_secs_f64();
                let waiting = matches!(result, Ok(None));
                match result {
                    Ok(Some(Some(logs))) => out.respond(RetrainReply::Epoch { logs }),
                    Ok(_) => {}
                    Err(e) => return self.training_failed(out, &e),
                }
                if waiting {
                    // A peer's shard wakes this job up (Tick::Peer).
                    self.stage = Some(Stage::Training(session));
                    return;
                }
                if let Some((epoch, batch, batches)) = watch.report(&mut self.reported) {
                    out.respond(RetrainReply::Batch {
                        epoch,
                        batch,
                        batches,
                    });
                }
                if !session.finished() {
                    self.stage = Some(Stage::Training(session));
                } else {
                    self.trained(out, *session, reviews);
                }
            }
            None => {}
        }
        if self.stage.is_some() {
            out.schedule();
        }
    }

    fn segment(
        &mut self,
        out: &Outbox,
        reviews: Vec<Review>,
        mut tokens: Vec<Vec<String>>,
        config: SentimentConfig,
        report: String,
    ) {
        let end = (tokens.len() + SEGMENT_SLICE).min(reviews.len());
        let texts: Vec<&str> = reviews[tokens.len()..end]
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        match crate::sentiment::tokens_in(config.units, &texts, &config.stopwords) {
            Ok(t) => tokens.extend(t),
            Err(e) => {
                return out.fail(
                    RetrainReply::Failed,
                    kind_of(&e, ErrorKind::BadInput),
                    e.text(),
                );
            }
        }
        out.respond(RetrainReply::Prep {
            done: tokens.len(),
            total: reviews.len(),
            report: report.clone(),
        });
        if tokens.len() < reviews.len() {
            self.stage = Some(Stage::Segmenting {
                reviews,
                tokens,
                config,
                report,
            });
            return;
        }
        let labels: Vec<u8> = reviews.iter().map(|r| r.label).collect();
        match SentimentSession::new(&tokens, &labels, &config) {
            Ok(session) => {
                out.respond(RetrainReply::Started {
                    summary: session.summary(),
                    reviews: session.reviews(),
                });
                self.seconds = 0.0;
                self.stage = Some(Stage::Training(Box::new(session)));
            }
            Err(e) => out.fail(
                RetrainReply::Failed,
                kind_of(&e, ErrorKind::BadInput),
                e.text(),
            ),
        }
    }

    /// The session ended: its best model joins the panel's classifiers.
    fn trained(&mut self, out: &Outbox, session: SentimentSession, reviews: &mut Reviews) {
        let (model, history) = match session.into_model() {
            Ok(trained) => trained,
            Err(e) => {
                return out.fail(
                    RetrainReply::Failed,
                    kind_of(&e, ErrorKind::Internal),
                    e.text(),
                );
            }
        };
        reviews.add(RETRAINED_MODEL, model);
        let best = history
            .epochs
            .iter()
            .filter_map(|e| e.val_accuracy)
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))));
        out.respond(RetrainReply::Trained {
            name: RETRAINED_MODEL.to_string(),
            epochs: history.epochs.len(),
            val_accuracy: best,
            seconds: self.seconds,
        });
        // It is one of the loaded classifiers now: the review job's news.
        out.respond(ReviewsReply::Loaded {
            name: RETRAINED_MODEL.to_string(),
        });
    }

    /// A batch, or the replicas' link, failed: the page is told why.
    pub(super) fn training_failed(&self, out: &Outbox, e: &NnError) {
        out.fail(
            RetrainReply::Failed,
            kind_of(e, ErrorKind::Internal),
            e.text(),
        );
    }
}

/// One slice of the retraining as a data-parallel replica: send this replica's shard of the
/// batch (unless it is out already), then step if every shard is in. `Ok(None)` while waiting;
/// `Ok(Some(logs))` once stepped.
fn replica_step(
    session: &mut SentimentSession,
    link: &mut ReplicaLink,
    watch: &mut dyn crate::train::Callback,
) -> crate::nn::Result<Option<Option<EpochLogs>>> {
    if !link.replica().waiting()
        && let Some(bytes) = session.replica_begin(link.replica())?
    {
        link.send_shard(bytes);
    }
    Ok(
        match session.replica_finish(link.replica(), &mut [watch])? {
            crate::train::replica::Finish::Waiting => None,
            crate::train::replica::Finish::Stepped(logs) => Some(logs),
        },
    )
}
