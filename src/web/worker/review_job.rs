//! The review panel's job in the training worker (`#/reviews`): load review classifiers (the
//! shipped ensemble, RNNs, the linear baseline, the student's own) and answer a review with
//! every one of them, stage by stage. The computations are [`crate::sentiment`]'s,
//! [`crate::ensemble`]'s and [`crate::linear`]'s; this file only keeps the models and reports
//! ([`ReviewsReply`]).

use crate::classifier::ReviewClassifier;
use crate::i18n::{Bilingual, Text};
use crate::sentiment::{SentimentModel, lecture_sentence};
use crate::web::protocol::{ErrorKind, JobError, ReviewsReply, ReviewsRequest, SentimentResult};

use super::outbox::{Outbox, kind_of};

/// The loaded classifiers (the shipped ones, the student's, the one retrained here), in load
/// order; the panel answers with the ensembles first, then the RNNs, then the linear baseline.
#[derive(Default)]
pub(super) struct Reviews {
    classifiers: Vec<(String, ReviewClassifier)>,
}

impl Reviews {
    /// One of the page's review requests.
    pub(super) fn handle(&mut self, out: &Outbox, request: ReviewsRequest) {
        match request {
            ReviewsRequest::Load {
                name,
                config_json,
                weights,
            } => self.load(out, name, &config_json, &weights),
            ReviewsRequest::Classify { text } => self.classify(out, text),
            ReviewsRequest::File { name } => self.model_file(out, name),
        }
    }

    /// `Load`: a classifier's config and weights (its kind is read from the config).
    fn load(&mut self, out: &Outbox, name: String, config_json: &str, weights: &[u8]) {
        let loaded = ReviewClassifier::from_files(config_json, weights)
            .map(|m| keep(&mut self.classifiers, &name, m));
        out.respond(match loaded {
            Ok(()) => ReviewsReply::Loaded { name },
            Err(e) => ReviewsReply::Failed(JobError::new(
                kind_of(&e, ErrorKind::BadFile),
                e.text()
                    .prefixed(&format!("{name}: "), &format!("{name}: ")),
            )),
        });
    }

    /// A model trained in this worker joins the classifiers (replacing one of the same name).
    pub(super) fn add(&mut self, name: &str, model: SentimentModel) {
        keep(
            &mut self.classifiers,
            name,
            ReviewClassifier::Rnn(Box::new(model)),
        );
    }

    /// The RNN classifiers by name (the gates and embeddings labs read their layers).
    pub(super) fn rnns(&self) -> Vec<(&str, &SentimentModel)> {
        self.classifiers
            .iter()
            .filter_map(|(n, c)| c.as_rnn().map(|m| (n.as_str(), m)))
            .collect()
    }

    /// `File`: an RNN classifier as one file, to save it.
    fn model_file(&self, out: &Outbox, name: String) {
        let rnns = self.rnns();
        out.respond(match rnns.iter().find(|(n, _)| *n == name) {
            Some((_, model)) => match model.to_file() {
                Ok(bytes) => ReviewsReply::File { name, bytes },
                Err(e) => ReviewsReply::Failed(JobError::of(kind_of(&e, ErrorKind::Internal), &e)),
            },
            None => ReviewsReply::Failed(JobError::new(
                ErrorKind::NotLoaded,
                Text::new(
                    format!("모델 {name}을(를) 불러오지 않았습니다"),
                    format!("no model {name} is loaded"),
                ),
            )),
        });
    }

    /// `Classify`: every loaded classifier's answer, ensembles first; the first error ends it.
    fn classify(&self, out: &Outbox, text: String) {
        out.respond(match self.answers(&text) {
            Ok(results) => ReviewsReply::Classified { text, results },
            Err(error) => ReviewsReply::Failed(error),
        });
    }

    fn answers(&self, text: &str) -> Result<Vec<SentimentResult>, JobError> {
        crate::limits::check(crate::limits::Limit::CorpusBytes, text.len())
            .map_err(|e| JobError::new(ErrorKind::Limit, e.text()))?;
        let mut ordered: Vec<&(String, ReviewClassifier)> = self.classifiers.iter().collect();
        ordered.sort_by_key(|(_, c)| c.rank());
        ordered
            .into_iter()
            .map(|(name, classifier)| {
                let e = classifier
                    .explain(text)
                    .map_err(|e| JobError::of(kind_of(&e, ErrorKind::BadInput), &e))?;
                Ok(SentimentResult {
                    name: name.clone(),
                    sentence: lecture_sentence(e.stages.probability),
                    stages: e.stages,
                    contributions: e.contributions,
                    millis: e.millis,
                })
            })
            .collect()
    }
}

/// Put `model` in `list` under `name`, replacing one of that name.
fn keep<M>(list: &mut Vec<(String, M)>, name: &str, model: M) {
    list.retain(|(n, _)| n != name);
    list.push((name.to_string(), model));
}
