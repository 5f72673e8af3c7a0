//! How a review classifier is built and trained ([`SentimentConfig`]; the defaults are
//! lecture 9's), what it reads of a review ([`TextUnits`]) and how it pools ([`Pooling`]).

use serde::{Deserialize, Serialize};

use crate::nn::{Activation, CellKind, LayerConfig};
use crate::text::korean::LECTURE_STOPWORDS;

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
