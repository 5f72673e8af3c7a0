//! Any shipped review classifier, whatever it is inside: an RNN of the lectures
//! ([`SentimentModel`]), the linear baseline ([`crate::linear::LinearSentiment`]) or an ensemble
//! of them ([`crate::ensemble::Ensemble`]). Above all three, so that the ensemble can be built
//! from sentiment models without the sentiment module knowing about ensembles.
//!
//! ```no_run
//! use rnn_playground::classifier::ReviewClassifier;
//! let best = ReviewClassifier::load(std::path::Path::new("data/models/best")).unwrap();
//! println!("{}", best.sentiment_predict("배송 빠르고 좋아요").unwrap());
//! ```

use std::path::Path;

use web_time::Instant;

use crate::nn::{NnError, Result};
use crate::sentiment::{SentimentModel, Stages, lecture_sentence, right_answers};
use crate::text::reviews::Review;

/// What a classifier made of one review ([`ReviewClassifier::explain`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub stages: Stages,
    /// Each token's push towards 긍정 (probability with it minus without it).
    pub contributions: Vec<(String, f32)>,
    /// Time of the verdict, in milliseconds.
    pub millis: f64,
}

/// Any shipped review classifier: an RNN of the lectures, the linear baseline, or an
/// ensemble of them.
#[derive(Debug)]
pub enum ReviewClassifier {
    Rnn(Box<SentimentModel>),
    Linear(crate::linear::LinearSentiment),
    Ensemble(Box<crate::ensemble::Ensemble>),
}

impl ReviewClassifier {
    /// A model folder (either kind; the linear one says `"kind": "linear"` in model.json) or a
    /// single `.safetensors` file of an RNN.
    pub fn load(path: &Path) -> Result<Self> {
        let json = path.join("model.json");
        if path.is_dir()
            && let Ok(config) = std::fs::read_to_string(&json)
        {
            let weights = || {
                std::fs::read(path.join("model.safetensors"))
                    .map_err(|e| NnError::Load(format!("model.safetensors: {e}")))
            };
            if crate::linear::LinearSentiment::is_linear(&config) {
                return Ok(Self::Linear(crate::linear::LinearSentiment::from_files(
                    &config,
                    &weights()?,
                )?));
            }
            if crate::ensemble::Ensemble::is_ensemble(&config) {
                return Ok(Self::Ensemble(Box::new(
                    crate::ensemble::Ensemble::from_files(&config, &weights()?)?,
                )));
            }
        }
        Ok(Self::Rnn(Box::new(SentimentModel::load(path)?)))
    }

    /// A classifier from its `model.json` text and weights, whatever its kind (the config
    /// says): what the page's worker gets for a shipped model or a student's file.
    pub fn from_files(config_json: &str, weights: &[u8]) -> Result<Self> {
        if crate::ensemble::Ensemble::is_ensemble(config_json) {
            return Ok(Self::Ensemble(Box::new(
                crate::ensemble::Ensemble::from_files(config_json, weights)?,
            )));
        }
        if crate::linear::LinearSentiment::is_linear(config_json) {
            return Ok(Self::Linear(crate::linear::LinearSentiment::from_files(
                config_json,
                weights,
            )?));
        }
        let (model, extras) = crate::nn::Sequential::from_files(config_json, weights)?;
        Ok(Self::Rnn(Box::new(SentimentModel::from_parts(
            model, extras,
        )?)))
    }

    /// Where it stands in the review panel: ensembles (the default verdict) first, then the
    /// RNNs, then the linear baseline.
    pub fn rank(&self) -> u8 {
        match self {
            Self::Ensemble(_) => 0,
            Self::Rnn(_) => 1,
            Self::Linear(_) => 2,
        }
    }

    /// The lectures' RNN inside, if it is one (the labs read its layers).
    pub fn as_rnn(&self) -> Option<&SentimentModel> {
        match self {
            Self::Rnn(m) => Some(m),
            _ => None,
        }
    }

    /// One review, every stage and each token's push towards 긍정, as the review panel shows
    /// them. `millis` is the time of the verdict itself (an RNN's per-token pushes, one
    /// forward pass per token, are not in it).
    pub fn explain(&self, text: &str) -> Result<Explained> {
        let start = Instant::now();
        let millis = |start: Instant| start.elapsed().as_secs_f64() * 1000.0;
        Ok(match self {
            Self::Rnn(m) => {
                let stages = m.stages(text)?;
                let millis = millis(start);
                let contributions = m.contributions(&stages).unwrap_or_default();
                Explained {
                    stages,
                    contributions,
                    millis,
                }
            }
            Self::Ensemble(m) => {
                let (stages, contributions) = m.explain(text)?;
                Explained {
                    stages,
                    contributions,
                    millis: millis(start),
                }
            }
            Self::Linear(m) => {
                // No integer sequence and no padding: its stages stop at the morphemes, all of
                // which it reads.
                let (probability, contributions) = m.explain(text)?;
                let morphs: Vec<String> = contributions.iter().map(|(m, _)| m.clone()).collect();
                let stages = Stages {
                    clean: crate::text::korean::clean_korean(text),
                    tokens: morphs.clone(),
                    morphs,
                    sequence: Vec::new(),
                    padded: Vec::new(),
                    probability,
                };
                Explained {
                    stages,
                    contributions,
                    millis: millis(start),
                }
            }
        })
    }

    pub fn predict<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<f32>> {
        match self {
            Self::Rnn(m) => m.predict(texts),
            Self::Linear(m) => m.predict(texts),
            Self::Ensemble(m) => m.predict(texts),
        }
    }

    pub fn sentiment_predict(&self, text: &str) -> Result<String> {
        Ok(lecture_sentence(self.predict(&[text])?[0]))
    }

    /// Reviews classified right, of `reviews`.
    pub fn right(&self, reviews: &[Review]) -> Result<usize> {
        let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
        Ok(right_answers(&self.predict(&texts)?, reviews.iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> (String, Vec<u8>) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/models")
            .join(name);
        (
            std::fs::read_to_string(dir.join("model.json")).unwrap(),
            std::fs::read(dir.join("model.safetensors")).unwrap(),
        )
    }

    /// The worker loads a classifier from its two files as the CLI loads its folder, and the
    /// panel's explanation gives the verdict `predict` gives.
    #[test]
    fn each_kind_loads_from_its_files_and_explains_what_it_predicts() {
        let review = "배송도 빠르고 정말 좋아요";
        let mut ranks = Vec::new();
        for name in ["linear", "lecture9-simplernn", "best"] {
            let (config, weights) = shipped(name);
            let classifier = ReviewClassifier::from_files(&config, &weights).unwrap();
            let from_folder = ReviewClassifier::load(
                &Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("data/models")
                    .join(name),
            )
            .unwrap();
            let explained = classifier.explain(review).unwrap();
            let predicted = from_folder.predict(&[review]).unwrap()[0];
            assert!(
                (explained.stages.probability - predicted).abs() < 1e-5,
                "{name}: {} vs {predicted}",
                explained.stages.probability
            );
            assert!(!explained.contributions.is_empty(), "{name}");
            assert!(explained.millis >= 0.0);
            assert_eq!(classifier.as_rnn().is_some(), name == "lecture9-simplernn");
            ranks.push((classifier.rank(), name));
        }
        ranks.sort();
        assert_eq!(
            ranks.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            ["best", "lecture9-simplernn", "linear"]
        );
    }
}
