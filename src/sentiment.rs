//! Lectures 9 and 11: is a review positive (긍정) or negative (부정)?
//!
//! The lecture's pipeline: clean each review to Hangul, split it into morphemes (Okt there, our
//! [`Segmenter`] here), drop stopwords, fit a Keras tokenizer (8,000 words with an OOV token),
//! pad to 60, and train Embedding → SimpleRNN/LSTM/GRU → Dense(1, sigmoid) with
//! `validation_split=0.2` and early stopping. [`SentimentModel::sentiment_predict`] answers in
//! the lecture's words:
//!
//! ```text
//! sentiment_predict('이 상품 진짜 좋아요... 저는 강추합니다. 대박')
//! 99.95% 확률로 긍정 리뷰입니다.
//! ```

use std::path::Path;
use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::nn::{
    Activation, CellKind, Layer, LayerConfig, Loss, ModelExtras, NnError, Optimizer,
    OptimizerConfig, Result, RnnState, Sequential,
};
use crate::segment::Segmenter;
use crate::text::korean::LECTURE_STOPWORDS;
use crate::text::reviews::Review;
use crate::text::{PadOptions, Tokenizer, TokenizerConfig, pad_sequences};
use crate::train::{
    Callback, Control, Dataset, EarlyStopping, EpochLogs, Event, FitOptions, History, Monitor,
    Trainer,
};

/// The model and how it is trained; the defaults are lecture 9's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SentimentConfig {
    pub cell: CellKind,
    /// Wrap the recurrent layer in `Bidirectional` (concat).
    pub bidirectional: bool,
    /// Recurrent layers stacked (all but the last return sequences); the lectures use 1.
    pub recurrent_layers: usize,
    pub embedding_dim: usize,
    pub hidden: usize,
    /// Keras' `num_words` (the most frequent words kept, plus OOV).
    pub num_words: usize,
    pub maxlen: usize,
    pub stopwords: Vec<String>,
    pub epochs: usize,
    pub batch_size: usize,
    pub validation_split: f32,
    /// `adam` or `rmsprop`.
    pub optimizer: String,
    pub learning_rate: f32,
    /// Early stopping on val_loss with this patience (restoring the best weights).
    pub patience: usize,
    pub seed: u64,
    /// `Embedding(mask_zero=True)`: the recurrent layer skips the padding, so training can
    /// bucket reviews by length and pad each batch only to its longest review (~11 morphemes
    /// against 60). The lectures' models do not mask (Keras' default).
    pub mask_zero: bool,
    /// What the tokenizer counts: Okt's morphemes (the lectures') or syllables.
    pub units: TextUnits,
    /// A `Flatten()` between the recurrent layer and the Dense one, as lecture 9 writes it
    /// (its output is already flat: no parameters, the same numbers, one more summary row).
    pub flatten: bool,
    /// Data-parallel shards per batch ([`crate::train::FitOptions::workers`]).
    pub workers: usize,
    /// Pool every step's hidden state (`GlobalAveragePooling1D` / `GlobalMaxPooling1D` after
    /// a last recurrent layer with `return_sequences=True`) instead of reading only the last
    /// one. `None`: the lectures' shape.
    pub pooling: Option<Pooling>,
}

/// How the classifier reads the last recurrent layer's sequence (`--pooling`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// `GlobalAveragePooling1D`: the mean of the real steps.
    Mean,
    /// `GlobalMaxPooling1D`: the maximum over every step (Keras ignores the mask here).
    Max,
    /// [`crate::nn::AttentionPooling`]: a learned softmax weighting of the real steps.
    Attention,
}

impl std::str::FromStr for Pooling {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "mean" | "average" => Ok(Self::Mean),
            "max" => Ok(Self::Max),
            "attention" => Ok(Self::Attention),
            other => Err(format!(
                "unknown pooling '{other}': use mean, max or attention"
            )),
        }
    }
}

/// The units a review becomes before the tokenizer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextUnits {
    /// Okt's morphemes without the stopwords (lectures 9 and 11).
    #[default]
    Morphemes,
    /// Every syllable of the cleaned review, with [`WORD_BOUNDARY`] between words: no
    /// segmenter and no out-of-vocabulary word (about 2,000 syllables cover the reviews), so
    /// it reads new words and segmentation slips that a morpheme vocabulary misses.
    Syllables,
}

/// The token between two words of a syllable sequence.
pub const WORD_BOUNDARY: &str = "▁";

impl std::str::FromStr for TextUnits {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "morphemes" => Ok(Self::Morphemes),
            "syllables" => Ok(Self::Syllables),
            other => Err(format!(
                "unknown units '{other}': use morphemes or syllables"
            )),
        }
    }
}

/// A cleaned review's syllables, words joined by [`WORD_BOUNDARY`].
pub fn syllables(clean: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, word) in clean.split_whitespace().enumerate() {
        if i > 0 {
            out.push(WORD_BOUNDARY.to_string());
        }
        out.extend(word.chars().map(String::from));
    }
    out
}

/// The tokens of each review in `units`: [`preprocess`] for morphemes (`stopwords` dropped),
/// [`syllables`] of the cleaned text otherwise.
pub fn tokens_in<S: AsRef<str>>(
    units: TextUnits,
    texts: &[S],
    stopwords: &[String],
) -> Result<Vec<Vec<String>>> {
    Ok(match units {
        TextUnits::Morphemes => preprocess(Segmenter::required()?, texts, stopwords),
        TextUnits::Syllables => texts
            .iter()
            .map(|t| syllables(&crate::text::korean::clean_korean(t.as_ref())))
            .collect(),
    })
}

impl Default for SentimentConfig {
    fn default() -> Self {
        Self {
            cell: CellKind::SimpleRnn,
            bidirectional: false,
            recurrent_layers: 1,
            embedding_dim: 128,
            hidden: 64,
            num_words: 8000,
            maxlen: 60,
            stopwords: LECTURE_STOPWORDS.iter().map(|s| s.to_string()).collect(),
            epochs: 15,
            batch_size: 32,
            validation_split: 0.2,
            optimizer: "rmsprop".into(),
            learning_rate: 1e-3,
            patience: 4,
            seed: 0,
            mask_zero: false,
            units: TextUnits::Morphemes,
            flatten: false,
            workers: 1,
            pooling: None,
        }
    }
}

impl SentimentConfig {
    /// Lecture 9's notebook: Embedding(8000, 128) → SimpleRNN(64) → Flatten → Dense(1,
    /// sigmoid), rmsprop, batch 32 (the defaults, with the lecture's `Flatten`).
    pub fn lecture9_simplernn() -> Self {
        Self {
            flatten: true,
            ..Self::default()
        }
    }

    /// Lecture 11's GRU: Embedding(…, 100) → GRU(128) → Dense(1, sigmoid), rmsprop, batch 60.
    pub fn lecture11_gru() -> Self {
        Self {
            cell: CellKind::Gru,
            embedding_dim: 100,
            hidden: 128,
            batch_size: 60,
            ..Self::default()
        }
    }

    /// The model's layers, as `Sequential::from_config` takes them.
    pub fn layers(&self) -> Vec<LayerConfig> {
        let recurrent = |return_sequences: bool| {
            if self.bidirectional {
                LayerConfig::Bidirectional {
                    cell: self.cell,
                    units: self.hidden,
                    return_sequences,
                    merge_mode: crate::nn::MergeMode::Concat,
                }
            } else {
                let mut layer = LayerConfig::rnn(self.cell, self.hidden);
                if let LayerConfig::Recurrent {
                    return_sequences: r,
                    ..
                } = &mut layer
                {
                    *r = return_sequences;
                }
                layer
            }
        };
        let stack = self.recurrent_layers.max(1);
        let mut layers = vec![LayerConfig::Embedding {
            input_dim: self.num_words,
            output_dim: self.embedding_dim,
            mask_zero: self.mask_zero,
        }];
        let pooled = self.pooling.is_some();
        layers.extend((0..stack).map(|i| recurrent(pooled || i + 1 < stack)));
        match self.pooling {
            Some(Pooling::Mean) => layers.push(LayerConfig::GlobalAveragePooling1D),
            Some(Pooling::Max) => layers.push(LayerConfig::GlobalMaxPooling1D),
            Some(Pooling::Attention) => layers.push(LayerConfig::AttentionPooling1D),
            None => {}
        }
        if self.flatten {
            layers.push(LayerConfig::Flatten);
        }
        layers.push(LayerConfig::Dense {
            units: 1,
            activation: Activation::Sigmoid,
            use_bias: true,
        });
        layers
    }
}

/// Clean, segment and drop stopwords: the morphemes the tokenizer sees, per review.
pub fn preprocess<S: AsRef<str>>(
    segmenter: &Segmenter,
    texts: &[S],
    stopwords: &[String],
) -> Vec<Vec<String>> {
    segmenter
        .segment_batch(texts)
        .into_iter()
        .map(|morphs| {
            morphs
                .into_iter()
                .filter(|m| !stopwords.contains(m))
                .collect()
        })
        .collect()
}

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
    padding: OnceLock<Option<Vec<RnnState>>>,
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
    fn encode(&self, tokens: &[Vec<String>]) -> Result<(Vec<Vec<usize>>, Tensor)> {
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
                let tokens: Vec<String> = morphs
                    .iter()
                    .filter(|m| !self.stopwords.contains(m))
                    .cloned()
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

/// What the page and the CLI say when a review has no Korean word left after cleaning (emoji,
/// Latin letters, digits, an empty line): the models still answer, for padding alone.
pub const NO_WORDS_NOTE: &str = "no Korean words are left after cleaning, so the model sees only padding: write the review in Korean";

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

/// `Some(NO_WORDS_NOTE)` when cleaning leaves no Korean word in `text`.
pub fn no_words_note(text: &str) -> Option<&'static str> {
    crate::text::korean::clean_korean(text)
        .trim()
        .is_empty()
        .then_some(NO_WORDS_NOTE)
}

/// The lecture's sentence for a probability of "positive".
pub fn lecture_sentence(p: f32) -> String {
    if p > 0.5 {
        format!("{:.2}% 확률로 긍정 리뷰입니다.", p * 100.0)
    } else {
        format!("{:.2}% 확률로 부정 리뷰입니다.", (1.0 - p) * 100.0)
    }
}

/// Fraction of reviews whose rounded probability equals the label.
pub fn accuracy(model: &SentimentModel, reviews: &[Review]) -> Result<f64> {
    if reviews.is_empty() {
        return Ok(0.0);
    }
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let right = right_answers(&model.predict(&texts)?, reviews.iter());
    Ok(right as f64 / reviews.len() as f64)
}

/// How many of `probabilities` (of 긍정) give each review's label at the 0.5 threshold.
pub fn right_answers<'a>(
    probabilities: &[f32],
    reviews: impl Iterator<Item = &'a Review>,
) -> usize {
    probabilities
        .iter()
        .zip(reviews)
        .filter(|(p, r)| u8::from(**p > 0.5) == r.label)
        .count()
}

/// Training advanced one batch at a time (the page's worker yields between batches), with the
/// lecture's early stopping. [`train_sentiment`] runs one to the end.
pub struct SentimentSession {
    model: SentimentModel,
    optimizer: Optimizer,
    trainer: Trainer,
    early: EarlyStopping,
    reviews: usize,
}

impl SentimentSession {
    /// From reviews already preprocessed ([`preprocess`]) and their 0/1 labels.
    pub fn new(tokens: &[Vec<String>], labels: &[u8], config: &SentimentConfig) -> Result<Self> {
        let targets: Vec<f32> = labels.iter().map(|&l| f32::from(l)).collect();
        Self::with_targets(tokens, &targets, config)
    }

    /// [`SentimentSession::new`] with a target probability per review instead of a 0/1 label:
    /// distillation, where the targets are a teacher model's probabilities (binary
    /// cross-entropy takes soft targets as they are; accuracy compares with the rounded ones).
    pub fn with_targets(
        tokens: &[Vec<String>],
        targets: &[f32],
        config: &SentimentConfig,
    ) -> Result<Self> {
        let labels = targets;
        if targets.iter().any(|t| !(0.0..=1.0).contains(t)) {
            return Err(NnError::Config(
                "targets must be probabilities between 0 and 1".into(),
            ));
        }
        if tokens.len() != labels.len() {
            return Err(NnError::Config("one label per review is needed".into()));
        }
        if tokens.len() < 10 {
            return Err(NnError::Config(format!(
                "{} reviews are too few to train on: give a file with at least 10",
                tokens.len()
            )));
        }
        if !(config.learning_rate.is_finite() && config.learning_rate > 0.0) {
            return Err(NnError::Config(format!(
                "the learning rate must be a positive number, got {}",
                config.learning_rate
            )));
        }
        if !(1..=4).contains(&config.recurrent_layers) {
            return Err(NnError::Config(format!(
                "recurrent_layers must be 1 to 4, got {}",
                config.recurrent_layers
            )));
        }
        use crate::limits::{Limit, check_all};
        check_all(&[
            (Limit::HiddenUnits, config.hidden),
            (Limit::EmbeddingDim, config.embedding_dim),
            (Limit::Epochs, config.epochs),
            (Limit::BatchSize, config.batch_size),
            (Limit::SequenceLength, config.maxlen),
            (Limit::Vocabulary, config.num_words),
        ])?;
        // The lecture fits the tokenizer on its training reviews (validation_split then takes
        // the end of them, as Keras does).
        let mut tokenizer = Tokenizer::new(TokenizerConfig {
            num_words: Some(config.num_words),
            oov_token: Some("OOV".into()),
            ..TokenizerConfig::default()
        })
        .map_err(|e| NnError::Config(e.to_string()))?;
        tokenizer.fit_on_texts(tokens.iter());
        // Same sequences; the saved model.json stays small (num_words entries, not every word).
        let tokenizer = tokenizer.truncated_to_num_words();
        let model = SentimentModel {
            model: Sequential::from_config(&config.layers(), Some(config.maxlen), config.seed)?,
            tokenizer,
            maxlen: config.maxlen,
            stopwords: config.stopwords.clone(),
            units: config.units,
            // The lecture's model.compile(optimizer=…, loss='binary_crossentropy', metrics=['acc']).
            compile: Some(crate::nn::CompileConfig {
                optimizer: config.optimizer.clone(),
                learning_rate: f64::from(config.learning_rate),
                loss: "binary_crossentropy".into(),
                metrics: vec!["acc".into()],
            }),
            padding: OnceLock::new(),
        };
        Self::with_model(model, tokens, targets, config)
    }

    /// Go on training `model` (its weights and its tokenizer) on more reviews: fine-tuning,
    /// e.g. a model of movie reviews on shopping reviews. The architecture fields of `config`
    /// are ignored; its epochs, batch size, optimizer, learning rate and validation are used.
    pub fn fine_tune(
        model: SentimentModel,
        tokens: &[Vec<String>],
        labels: &[u8],
        config: &SentimentConfig,
    ) -> Result<Self> {
        if tokens.len() != labels.len() || tokens.is_empty() {
            return Err(NnError::Config("one label per review is needed".into()));
        }
        let targets: Vec<f32> = labels.iter().map(|&l| f32::from(l)).collect();
        Self::with_model(model, tokens, &targets, config)
    }

    fn with_model(
        model: SentimentModel,
        tokens: &[Vec<String>],
        targets: &[f32],
        config: &SentimentConfig,
    ) -> Result<Self> {
        let (_, x) = model.encode(tokens)?;
        let data = Dataset {
            x,
            y: Tensor::from_slice(targets, targets.len(), &Device::Cpu)?,
        };
        let optimizer = match config.optimizer.as_str() {
            "adam" => OptimizerConfig::adam(config.learning_rate),
            "rmsprop" => OptimizerConfig::rmsprop(config.learning_rate),
            other => {
                return Err(NnError::Config(format!(
                    "unknown optimizer '{other}': use adam or rmsprop"
                )));
            }
        };
        let trainer = Trainer::new(
            Loss::BinaryCrossentropy,
            &data,
            &FitOptions {
                epochs: config.epochs,
                batch_size: config.batch_size,
                validation_split: config.validation_split,
                shuffle: true,
                seed: config.seed,
                bucket_by_length: model.model.masks_padding(),
                workers: config.workers,
            },
        )?;
        Ok(Self {
            model,
            optimizer: Optimizer::new(optimizer),
            trainer,
            early: EarlyStopping::new(Monitor::ValLoss, config.patience, true),
            reviews: tokens.len(),
        })
    }

    /// The fit so far, between two epochs ([`crate::train::checkpoint`]): what
    /// [`SentimentSession::resume`] takes up.
    pub fn checkpoint(&self) -> Result<Vec<u8>> {
        crate::train::checkpoint::save(
            &self.trainer,
            &self.model.model,
            &self.optimizer,
            &self.early,
        )
    }

    /// [`SentimentSession::new`] on the same reviews and config, then on from `checkpoint`:
    /// the fit goes on as if it had never stopped.
    pub fn resume(
        tokens: &[Vec<String>],
        labels: &[u8],
        config: &SentimentConfig,
        checkpoint: &[u8],
    ) -> Result<Self> {
        let mut session = Self::new(tokens, labels, config)?;
        crate::train::checkpoint::restore(
            checkpoint,
            &mut session.trainer,
            &session.model.model,
            &mut session.optimizer,
            &mut session.early,
        )?;
        Ok(session)
    }

    /// Epochs finished so far.
    pub fn epochs_done(&self) -> usize {
        self.trainer.epoch()
    }

    /// One batch; the epoch's logs when it ended one. `callbacks` see every event.
    pub fn run_batch(&mut self, callbacks: &mut [&mut dyn Callback]) -> Result<Option<EpochLogs>> {
        let mut all: Vec<&mut dyn Callback> = Vec::with_capacity(callbacks.len() + 1);
        for c in callbacks.iter_mut() {
            all.push(&mut **c);
        }
        all.push(&mut self.early);
        self.trainer
            .run_batch(&self.model.model, &mut self.optimizer, &mut all)
    }

    pub fn finished(&self) -> bool {
        self.trainer.finished()
    }

    /// As a data-parallel replica: this replica's shard of the next batch, to send to the
    /// others ([`crate::train::replica`]).
    pub fn replica_begin(
        &mut self,
        replica: &mut crate::train::replica::Replica,
    ) -> Result<Option<Vec<u8>>> {
        replica.begin(&mut self.trainer, &self.model.model)
    }

    /// As a data-parallel replica: step once every shard of the batch is in (early stopping
    /// decides the same on every replica: their weights, so their val_loss, are the same).
    pub fn replica_finish(
        &mut self,
        replica: &mut crate::train::replica::Replica,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<crate::train::replica::Finish> {
        let mut all: Vec<&mut dyn Callback> = Vec::with_capacity(callbacks.len() + 1);
        for c in callbacks.iter_mut() {
            all.push(&mut **c);
        }
        all.push(&mut self.early);
        replica.finish(
            &mut self.trainer,
            &self.model.model,
            &mut self.optimizer,
            &mut all,
        )
    }

    /// End after the batch in progress (the page's Stop); `into_model` then keeps the best
    /// weights so far.
    pub fn stop(&mut self) {
        self.trainer.stop(crate::train::StopReason::Cancelled);
    }

    pub fn history(&self) -> &History {
        self.trainer.history()
    }

    pub fn reviews(&self) -> usize {
        self.reviews
    }

    pub fn summary(&self) -> String {
        self.model.model.summary()
    }

    /// The trained model (the best epoch's weights when early stopping kept them).
    pub fn into_model(mut self) -> Result<(SentimentModel, History)> {
        self.early.on_train_end(&self.model.model)?;
        let history = self.trainer.into_history();
        Ok((self.model, history))
    }
}

/// Train on `reviews` (the last `validation_split` of them validate, as Keras takes it).
pub fn train_sentiment(
    reviews: &[Review],
    config: &SentimentConfig,
    on_event: &mut dyn FnMut(&Event),
) -> Result<(SentimentModel, History)> {
    let targets: Vec<f32> = reviews.iter().map(|r| f32::from(r.label)).collect();
    train_sentiment_on_targets(reviews, &targets, config, on_event)
}

/// [`train_sentiment`] towards a probability per review (a teacher's, for distillation).
pub fn train_sentiment_on_targets(
    reviews: &[Review],
    targets: &[f32],
    config: &SentimentConfig,
    on_event: &mut dyn FnMut(&Event),
) -> Result<(SentimentModel, History)> {
    // SentimentSession::with_targets checks the number of reviews and the settings.
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let tokens = tokens_in(config.units, &texts, &config.stopwords)?;
    let mut session = SentimentSession::with_targets(&tokens, targets, config)?;
    struct Forward<'a>(&'a mut dyn FnMut(&Event));
    impl Callback for Forward<'_> {
        fn on_event(&mut self, event: &Event, _model: &Sequential) -> Control {
            (self.0)(event);
            Control::Continue
        }
    }
    let mut forward = Forward(on_event);
    while !session.finished() {
        session.run_batch(&mut [&mut forward])?;
    }
    session.into_model()
}

/// A 95% Wilson score interval for `right` of `n` (accuracy on a test split or over the folds
/// of a cross-validation): `(low, high)`.
pub fn wilson_interval(right: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n, p) = (1.96f64, n as f64, right as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

// Any shipped review classifier (RNN, linear or ensemble) sits above this file, with the
// ensemble that is built from these models: `crate::classifier`.
pub use crate::classifier::ReviewClassifier;
