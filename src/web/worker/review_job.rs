//! The review panel's job in the training worker (`#/reviews`): load review classifiers (the
//! shipped ensemble, RNNs, the linear baseline, the student's own) and answer a review with
//! every one of them, stage by stage. The computations are [`crate::sentiment`]'s,
//! [`crate::ensemble`]'s and [`crate::linear`]'s; this file only keeps the models and reports
//! ([`ReviewsReply`]).

use web_time::Instant;

use crate::ensemble::Ensemble;
use crate::i18n::{Bilingual, Text};
use crate::linear::LinearSentiment;
use crate::nn::Sequential;
use crate::sentiment::{SentimentModel, Stages, lecture_sentence};
use crate::web::protocol::{ErrorKind, JobError, ReviewsReply, ReviewsRequest, SentimentResult};

use super::outbox::{Outbox, kind_of};

/// The loaded classifiers, in load order within each kind.
#[derive(Default)]
pub(super) struct Reviews {
    /// Ensembles (the shipped best model): answered first, as the default verdict.
    ensembles: Vec<(String, Ensemble)>,
    /// RNN classifiers (the labs read these too).
    pub(super) rnns: Vec<(String, SentimentModel)>,
    /// Linear baselines (TF-IDF + logistic regression), answered beside the RNNs.
    linear: Vec<(String, LinearSentiment)>,
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

    /// `Load`: a classifier's config and weights; its kind is read from the config.
    fn load(&mut self, out: &Outbox, name: String, config_json: &str, weights: &[u8]) {
        let loaded = if Ensemble::is_ensemble(config_json) {
            Ensemble::from_files(config_json, weights).map(|m| keep(&mut self.ensembles, &name, m))
        } else if LinearSentiment::is_linear(config_json) {
            LinearSentiment::from_files(config_json, weights)
                .map(|m| keep(&mut self.linear, &name, m))
        } else {
            Sequential::from_files(config_json, weights)
                .and_then(|(model, extras)| SentimentModel::from_parts(model, extras))
                .map(|m| keep(&mut self.rnns, &name, m))
        };
        out.respond(match loaded {
            Ok(()) => ReviewsReply::Loaded { name },
            Err(e) => ReviewsReply::Failed(JobError::new(
                kind_of(&e, ErrorKind::BadFile),
                e.text()
                    .prefixed(&format!("{name}: "), &format!("{name}: ")),
            )),
        });
    }

    /// A model trained in this worker joins the RNNs (replacing one of the same name).
    pub(super) fn add(&mut self, name: &str, model: SentimentModel) {
        keep(&mut self.rnns, name, model);
    }

    /// `File`: an RNN classifier as one file, to save it.
    fn model_file(&self, out: &Outbox, name: String) {
        out.respond(match self.rnns.iter().find(|(n, _)| *n == name) {
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
        let failed = |e: crate::nn::NnError| JobError::of(kind_of(&e, ErrorKind::BadInput), &e);
        let mut results = Vec::new();
        let elapsed = |start: Instant| start.elapsed().as_secs_f64() * 1000.0;
        for (name, model) in &self.ensembles {
            let start = Instant::now();
            let (stages, contributions) = model.explain(text).map_err(failed)?;
            results.push(result(name, stages, contributions, elapsed(start)));
        }
        for (name, model) in &self.rnns {
            let start = Instant::now();
            let stages = model.stages(text).map_err(failed)?;
            // The contributions (one forward pass per word) are not part of the answer's time.
            let millis = elapsed(start);
            let contributions = model.contributions(&stages).unwrap_or_default();
            results.push(result(name, stages, contributions, millis));
        }
        for (name, model) in &self.linear {
            let start = Instant::now();
            let (stages, contributions) = linear_stages(model, text).map_err(failed)?;
            results.push(result(name, stages, contributions, elapsed(start)));
        }
        Ok(results)
    }
}

/// Put `model` in `list` under `name`, replacing one of that name.
fn keep<M>(list: &mut Vec<(String, M)>, name: &str, model: M) {
    list.retain(|(n, _)| n != name);
    list.push((name.to_string(), model));
}

fn result(
    name: &str,
    stages: Stages,
    contributions: Vec<(String, f32)>,
    millis: f64,
) -> SentimentResult {
    SentimentResult {
        name: name.to_string(),
        sentence: lecture_sentence(stages.probability),
        stages,
        contributions,
        millis,
    }
}

/// The linear baseline's stages in the shape of the RNNs' (it has no integer sequence or
/// padding: its stages stop at the morphemes, all of which it reads).
fn linear_stages(
    model: &LinearSentiment,
    text: &str,
) -> Result<(Stages, Vec<(String, f32)>), crate::nn::NnError> {
    let (probability, contributions) = model.explain(text)?;
    let morphs: Vec<String> = contributions.iter().map(|(m, _)| m.clone()).collect();
    let stages = Stages {
        clean: crate::text::korean::clean_korean(text),
        tokens: morphs.clone(),
        morphs,
        sequence: Vec::new(),
        padded: Vec::new(),
        probability,
    };
    Ok((stages, contributions))
}
