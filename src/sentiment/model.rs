//! A trained review classifier ([`SentimentModel`]): the lecture's `sentiment_predict`,
//! every stage of one review for the page, each token's push, and its files.

use std::path::Path;
use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::{TextUnits, WORD_BOUNDARY, syllables, tokens_in};
use crate::nn::{Activation, Layer, ModelExtras, NnError, Result, RnnState, Sequential};
use crate::segment::Segmenter;
use crate::text::korean::remove_stopwords;
use crate::text::{PadOptions, Tokenizer, pad_sequences};

/// A trained classifier with everything it needs to read raw text.
#[derive(Debug)]
pub struct SentimentModel {
    pub model: Sequential,
    pub tokenizer: Tokenizer,
    pub maxlen: usize,
    pub stopwords: Vec<String>,
    pub units: TextUnits,
    /// How it was compiled when trained (a `.keras` export carries it to Colab).
    pub compile: Option<crate::nn::CompileConfig>,
    /// See [`SentimentModel::padding_states`].
    pub(super) padding: OnceLock<Option<Vec<RnnState>>>,
}

/// What each stage made of one review (the page shows all of them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stages {
    pub clean: String,
    pub morphs: Vec<String>,
    pub tokens: Vec<String>,
    /// Token ids; 1 is OOV.
    pub sequence: Vec<usize>,
    pub padded: Vec<i64>,
    pub probability: f32,
}

impl SentimentModel {
    pub(super) fn encode(&self, tokens: &[Vec<String>]) -> Result<(Vec<Vec<usize>>, Tensor)> {
        let sequences = self.tokenizer.texts_to_sequences(tokens.iter());
        let padded = pad_sequences(
            &sequences,
            &PadOptions {
                maxlen: Some(self.maxlen),
                ..PadOptions::default()
            },
        );
        let flat: Vec<u32> = padded.iter().flatten().map(|&v| v as u32).collect();
        let x = Tensor::from_vec(flat, (padded.len(), self.maxlen), &Device::Cpu)?;
        Ok((sequences, x))
    }

    /// A model of the lectures' shape (Embedding → one forward SimpleRNN/LSTM/GRU → Dense)
    /// reads pre-padded input, so every review starts with the same run of padding ids and the
    /// recurrent state after `k` of them is the same for every review: computed once here for
    /// k = 0..=maxlen. A review of n tokens then costs n steps instead of maxlen (the page
    /// classifies while the user types). `None` for other shapes (a Bidirectional layer reads
    /// the padding last).
    fn padding_states(&self) -> Option<&[RnnState]> {
        self.padding
            .get_or_init(|| {
                let [
                    (_, Layer::Embedding(e)),
                    (_, Layer::Recurrent(r)),
                    (_, Layer::Dense(_)),
                ] = self.model.layers()
                else {
                    return None;
                };
                if e.mask_zero || r.go_backwards || r.return_sequences || r.return_state {
                    return None;
                }
                let pad = Tensor::zeros((1, 1), candle_core::DType::U32, &Device::Cpu).ok()?;
                let x = e.forward(&pad).ok()?.squeeze(1).ok()?;
                let mut states = vec![r.zero_state(1, &Device::Cpu).ok()?];
                for _ in 0..self.maxlen {
                    let (next, _) = r.step(&x, states.last()?).ok()?;
                    states.push(next);
                }
                Some(states)
            })
            .as_deref()
    }

    /// The probability for one review's tokens, starting from the cached padding state.
    fn predict_tokens(&self, tokens: &[String]) -> Result<f32> {
        let (
            Some(states),
            [
                (_, Layer::Embedding(e)),
                (_, Layer::Recurrent(r)),
                (_, Layer::Dense(d)),
            ],
        ) = (self.padding_states(), self.model.layers())
        else {
            let (_, x) = self.encode(&[tokens.to_vec()])?;
            return Ok(self.model.forward(&x)?.flatten_all()?.to_vec1::<f32>()?[0]);
        };
        let sequence = self.tokenizer.text_to_sequence(&tokens.to_vec());
        // pad_sequences' default truncating='pre' keeps the last maxlen ids.
        let kept = &sequence[sequence.len().saturating_sub(self.maxlen)..];
        let state = states[self.maxlen - kept.len()].clone();
        let h = if kept.is_empty() {
            state.h
        } else {
            let ids: Vec<u32> = kept.iter().map(|&i| i as u32).collect();
            let ids = Tensor::from_vec(ids, (1, kept.len()), &Device::Cpu)?;
            r.forward_from(&e.forward(&ids)?, None, Some(state))?.output
        };
        Ok(d.forward(&h)?.flatten_all()?.to_vec1::<f32>()?[0])
    }

    /// The probability that each review is positive.
    pub fn predict<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<f32>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        if let [text] = texts {
            let tokens = self.tokens(&[text.as_ref()])?;
            return Ok(vec![self.predict_tokens(&tokens[0])?]);
        }
        let tokens = self.tokens(texts)?;
        let (_, x) = self.encode(&tokens)?;
        let p = crate::train::predict(&self.model, &x, 256)?;
        Ok(p.flatten_all()?.to_vec1::<f32>()?)
    }

    /// The summary as the lecture prints it after `fit`: the batch size in place of `None`.
    pub fn summary_after_fit(&self, batch: usize) -> String {
        self.model
            .summary_with(&crate::nn::summary::SummaryOptions {
                batch: Some(batch),
                ..Default::default()
            })
    }

    pub fn parameter_count(&self) -> usize {
        self.model.param_count()
    }

    /// The probability for each review already split into tokens ([`SentimentModel::tokens`]).
    pub fn predict_from_tokens(&self, tokens: &[Vec<String>]) -> Result<Vec<f32>> {
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let (_, x) = self.encode(tokens)?;
        let p = crate::train::predict(&self.model, &x, 256)?;
        Ok(p.flatten_all()?.to_vec1::<f32>()?)
    }

    /// What the tokenizer reads of each review: morphemes without stopwords, or syllables.
    pub fn tokens<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<String>>> {
        tokens_in(self.units, texts, &self.stopwords)
    }

    /// Every stage for one review (a syllable model's "morphemes" are its syllables).
    pub fn stages(&self, text: &str) -> Result<Stages> {
        let clean = crate::text::korean::clean_korean(text);
        let (morphs, tokens) = match self.units {
            TextUnits::Morphemes => {
                let morphs = Segmenter::required()?.segment_clean(&clean);
                let tokens: Vec<String> = remove_stopwords(&morphs, &self.stopwords)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                (morphs, tokens)
            }
            TextUnits::Syllables => {
                let tokens = syllables(&clean);
                (tokens.clone(), tokens)
            }
        };
        let (sequences, x) = self.encode(std::slice::from_ref(&tokens))?;
        let padded = x
            .to_dtype(candle_core::DType::I64)?
            .get(0)?
            .to_vec1::<i64>()?;
        let probability = crate::train::predict(&self.model, &x, 1)?
            .flatten_all()?
            .to_vec1::<f32>()?[0];
        Ok(Stages {
            clean,
            morphs,
            tokens,
            sequence: sequences.into_iter().next().unwrap_or_default(),
            padded,
            probability,
        })
    }

    /// How much each token pushed the decision: the probability of "positive" with every token,
    /// minus the probability with that one token left out (positive = pushed towards 긍정).
    pub fn contributions(&self, stages: &Stages) -> Result<Vec<(String, f32)>> {
        let n = stages.tokens.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        // Only the last `maxlen` tokens reach the model (pad_sequences cuts the front), so
        // leaving out an earlier one changes nothing: those get 0 without a forward pass, and a
        // 100,000-character review costs at most `maxlen` of them.
        let first = n.saturating_sub(self.maxlen);
        let without: Vec<Vec<String>> = (first..n)
            .map(|i| {
                let mut t = stages.tokens[first.saturating_sub(1)..].to_vec();
                t.remove(i - first.saturating_sub(1));
                t
            })
            .collect();
        let p = match self.padding_states() {
            Some(_) => without
                .iter()
                .map(|t| self.predict_tokens(t))
                .collect::<Result<Vec<f32>>>()?,
            None => {
                let (_, x) = self.encode(&without)?;
                crate::train::predict(&self.model, &x, 256)?
                    .flatten_all()?
                    .to_vec1::<f32>()?
            }
        };
        Ok(stages
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let delta = if i < first {
                    0.0
                } else {
                    stages.probability - p[i - first]
                };
                (t.clone(), delta)
            })
            .collect())
    }

    /// The lecture's `sentiment_predict`: "99.95% 확률로 긍정 리뷰입니다."
    pub fn sentiment_predict(&self, text: &str) -> Result<String> {
        let p = self.predict(&[text])?[0];
        Ok(lecture_sentence(p))
    }

    fn extras(&self) -> ModelExtras {
        let mut extras = ModelExtras {
            tokenizer: Some(self.tokenizer.to_json()),
            compile: self.compile.clone(),
            ..ModelExtras::default()
        };
        let p = &mut extras.preprocessing;
        p.insert("task".into(), "sentiment".into());
        p.insert("maxlen".into(), self.maxlen.into());
        p.insert("padding".into(), "pre".into());
        p.insert("cleaning".into(), "[^ㄱ-ㅎㅏ-ㅣ가-힣 ]".into());
        p.insert(
            "morphemes".into(),
            "Okt's morphs (rnn-playground segmenter, data/segmenter)".into(),
        );
        p.insert(
            "stopwords".into(),
            serde_json::to_value(&self.stopwords).unwrap_or_default(),
        );
        if self.units == TextUnits::Syllables {
            p.insert("units".into(), "syllables".into());
            p.insert("word_boundary".into(), WORD_BOUNDARY.into());
        }
        extras
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        self.model.save(dir, &self.extras())
    }

    /// `(model.json, model.safetensors)` with the weights stored as `storage` and the
    /// tokenizer without its fitting statistics (word counts), as the page downloads it.
    pub fn to_compact_files(&self, storage: crate::nn::Storage) -> Result<(String, Vec<u8>)> {
        let mut extras = self.extras();
        extras.tokenizer = Some(self.tokenizer.to_json_compact());
        Ok((
            self.model.config_json(&extras),
            self.model.weights_to_safetensors_as(storage)?,
        ))
    }

    /// The model as one file (safetensors with model.json in its metadata).
    pub fn to_file(&self) -> Result<Vec<u8>> {
        self.model.to_single_file(&self.extras())
    }

    pub fn from_parts(model: Sequential, extras: ModelExtras) -> Result<Self> {
        let not_sentiment = || {
            NnError::Load("this model is not a review-sentiment model (train one with `rnn-playground train-sentiment`)".into())
        };
        if extras.preprocessing.get("task").and_then(|v| v.as_str()) != Some("sentiment") {
            return Err(not_sentiment());
        }
        let tokenizer =
            Tokenizer::from_json(extras.tokenizer.as_deref().ok_or_else(not_sentiment)?)
                .map_err(|e| NnError::Load(e.to_string()))?;
        let maxlen = extras
            .preprocessing
            .get("maxlen")
            .and_then(|v| v.as_u64())
            .filter(|&m| m > 0)
            .ok_or_else(not_sentiment)? as usize;
        let stopwords = extras
            .preprocessing
            .get("stopwords")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        let units = match extras.preprocessing.get("units").and_then(|v| v.as_str()) {
            None => TextUnits::Morphemes,
            Some(u) => u.parse().map_err(NnError::Load)?,
        };
        Ok(Self {
            model,
            tokenizer,
            maxlen,
            stopwords,
            units,
            compile: extras.compile,
            padding: OnceLock::new(),
        })
    }

    /// A model folder, a single `.safetensors` file, or Keras' `.keras` / `.h5` with its
    /// tokenizer JSON beside it ([`crate::keras::load_model`]).
    pub fn load(path: &Path) -> Result<Self> {
        let (model, extras, _) =
            crate::keras::load_model(path).map_err(|e| NnError::Load(e.to_string()))?;
        Self::from_parts(model, extras)
    }
}

/// Bayes' rule for a shifted class prior. A sigmoid classifier trained on reviews of which a
/// share `positive_share` is positive carries that prior in its output bias; subtracting
/// `ln(p / (1 − p))` from the bias of the last Dense gives the answer for a 50/50 prior: what
/// NSMC's balanced test set asks, and what a reader with no reason to expect either class
/// wants. Lets a model learn from all of the raw movie reviews (76% positive) instead of
/// dropping two of every three positive ones to balance them. Returns the logit shift.
pub fn correct_prior(model: &mut Sequential, positive_share: f64) -> Result<f32> {
    if !(positive_share > 0.0 && positive_share < 1.0) {
        return Err(NnError::Config(format!(
            "the positive share must be between 0 and 1, not {positive_share}"
        )));
    }
    let shift = -(positive_share / (1.0 - positive_share)).ln() as f32;
    let bias = match model.layers_mut().last_mut() {
        Some((_, Layer::Dense(d))) if d.activation == Activation::Sigmoid && d.units == 1 => {
            d.bias.as_ref()
        }
        _ => None,
    };
    let Some(bias) = bias else {
        return Err(NnError::Config(
            "a prior correction needs a model ending in Dense(1, sigmoid) with a bias".into(),
        ));
    };
    bias.set(&(bias.as_tensor() + f64::from(shift))?)?;
    Ok(shift)
}

/// The lecture's sentence for a probability of "positive".
pub fn lecture_sentence(p: f32) -> String {
    if p > 0.5 {
        format!("{:.2}% 확률로 긍정 리뷰입니다.", p * 100.0)
    } else {
        format!("{:.2}% 확률로 부정 리뷰입니다.", (1.0 - p) * 100.0)
    }
}
