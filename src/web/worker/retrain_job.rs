//! Lecture 9's retraining in the training worker (the review panel's "train on your file"):
//! read the review file, segment 500 reviews per task, then train one batch per task (alone,
//! or as one of several data-parallel replicas); the trained model joins the panel's
//! classifiers. The computations are [`crate::sentiment`]'s; this file only paces them.

use web_time::Instant;

use super::outbox::{LastBatch, Outbox};
use super::replica_link::ReplicaLink;
use super::review_job::Reviews;
use crate::sentiment::{SentimentConfig, SentimentSession};
use crate::text::reviews::{Review, read_reviews};
use crate::train::EpochLogs;
use crate::web::protocol::{FromWorker, RETRAINED_MODEL};

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
    /// `TrainSentimentFile`: read the file and start segmenting it.
    pub(super) fn start(&mut self, out: &Outbox, text: &str, config: SentimentConfig) {
        if let Err(e) = crate::limits::check(crate::limits::Limit::ReviewFileBytes, text.len()) {
            return out.fail(e.bilingual());
        }
        let set = read_reviews(text, None);
        if set.reviews.len() < 10 {
            return out.fail(format!(
                "this file does not hold enough reviews to train on: {}. \
                 Expected lines like `5<TAB>리뷰` (rating 1–5), `1<TAB>리뷰` \
                 (label 0/1) or NSMC's `id<TAB>document<TAB>label`.",
                set.report()
            ));
        }
        let report = set.report();
        out.respond(FromWorker::SentimentPrep {
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
                    Ok(Some(Some(logs))) => out.respond(FromWorker::SentimentEpoch { logs }),
                    Ok(_) => {}
                    Err(e) => return out.fail(e.bilingual()),
                }
                if waiting {
                    // A peer's shard wakes this job up (Tick::Peer).
                    self.stage = Some(Stage::Training(session));
                    return;
                }
                if let Some(progress) = watch.report(&mut self.reported) {
                    out.respond(progress);
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
            Err(e) => return out.fail(e),
        }
        out.respond(FromWorker::SentimentPrep {
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
                out.respond(FromWorker::SentimentStarted {
                    summary: session.summary(),
                    reviews: session.reviews(),
                });
                self.seconds = 0.0;
                self.stage = Some(Stage::Training(Box::new(session)));
            }
            Err(e) => out.fail(e),
        }
    }

    /// The session ended: its best model joins the panel's classifiers.
    fn trained(&mut self, out: &Outbox, session: SentimentSession, reviews: &mut Reviews) {
        let (model, history) = match session.into_model() {
            Ok(trained) => trained,
            Err(e) => return out.fail(e),
        };
        reviews.add(RETRAINED_MODEL, model);
        let best = history
            .epochs
            .iter()
            .filter_map(|e| e.val_accuracy)
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))));
        out.respond(FromWorker::SentimentTrained {
            name: RETRAINED_MODEL.to_string(),
            epochs: history.epochs.len(),
            val_accuracy: best,
            seconds: self.seconds,
        });
        out.respond(FromWorker::SentimentLoaded {
            name: RETRAINED_MODEL.to_string(),
        });
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
