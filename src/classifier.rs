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

use crate::nn::{NnError, Result};
use crate::sentiment::{SentimentModel, lecture_sentence, right_answers};
use crate::text::reviews::Review;

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
