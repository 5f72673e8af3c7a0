//! What a model is made of: each layer's configuration as `model.json` stores it
//! ([`LayerConfig`]) and the layer built from it ([`Layer`]), with Keras' names and weights.

use candle_core::Var;
use serde::{Deserialize, Serialize};

use crate::nn::{
    Activation, AttentionPooling, Bidirectional, CellKind, Dense, Embedding, GlobalPooling,
    MergeMode, Recurrent,
};

/// One layer's configuration (what `model.json` stores).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum LayerConfig {
    Embedding {
        input_dim: usize,
        output_dim: usize,
        #[serde(default)]
        mask_zero: bool,
    },
    Recurrent {
        cell: CellKind,
        units: usize,
        #[serde(default)]
        return_sequences: bool,
        #[serde(default)]
        go_backwards: bool,
        #[serde(default = "yes")]
        reset_after: bool,
        #[serde(default = "yes")]
        use_bias: bool,
    },
    Bidirectional {
        cell: CellKind,
        units: usize,
        #[serde(default)]
        return_sequences: bool,
        #[serde(default)]
        merge_mode: MergeMode,
    },
    Dense {
        units: usize,
        #[serde(default)]
        activation: Activation,
        #[serde(default = "yes")]
        use_bias: bool,
    },
    /// `TimeDistributed(Dense)`: the same Dense at every step.
    TimeDistributed {
        units: usize,
        #[serde(default)]
        activation: Activation,
    },
    Flatten,
    /// `GlobalAveragePooling1D()`: the mean of a sequence over its real steps.
    GlobalAveragePooling1D,
    /// `GlobalMaxPooling1D()`: the maximum of a sequence over time.
    GlobalMaxPooling1D,
    /// Attention pooling ([`crate::nn::AttentionPooling`]; not a Keras built-in): the softmax-
    /// weighted mean of a sequence's real steps, the weights learned.
    AttentionPooling1D,
    /// `Dropout(rate)`: the identity at inference, which is all this model computes with it
    /// (it is kept so that a Keras model's summary and file keep their layers).
    Dropout {
        rate: f64,
    },
}

pub(super) fn yes() -> bool {
    true
}

impl LayerConfig {
    /// A recurrent layer with Keras' defaults.
    pub fn rnn(cell: CellKind, units: usize) -> Self {
        Self::Recurrent {
            cell,
            units,
            return_sequences: false,
            go_backwards: false,
            reset_after: true,
            use_bias: true,
        }
    }
}

/// A built layer.
#[derive(Clone, Debug)]
pub enum Layer {
    Embedding(Embedding),
    Recurrent(Recurrent),
    Bidirectional(Bidirectional),
    Dense(Dense),
    TimeDistributed(Dense),
    Flatten,
    GlobalPooling(GlobalPooling),
    AttentionPooling(AttentionPooling),
    /// Keras' `Dropout`, the identity here (see [`LayerConfig::Dropout`]).
    Dropout(f64),
}

impl Layer {
    pub(super) fn keras_type(&self) -> String {
        match self {
            Layer::Embedding(_) => "Embedding".into(),
            Layer::Recurrent(r) => r.kind.keras_name().into(),
            Layer::Bidirectional(_) => "Bidirectional".into(),
            Layer::Dense(_) => "Dense".into(),
            Layer::TimeDistributed(_) => "TimeDistributed".into(),
            Layer::Flatten => "Flatten".into(),
            Layer::Dropout(_) => "Dropout".into(),
            Layer::GlobalPooling(p) => p.keras_name().into(),
            Layer::AttentionPooling(_) => "AttentionPooling1D".into(),
        }
    }

    pub(super) fn default_name(&self) -> &'static str {
        match self {
            Layer::Embedding(_) => "embedding",
            Layer::Recurrent(r) => r.kind.snake_name(),
            Layer::Bidirectional(_) => "bidirectional",
            Layer::Dense(_) => "dense",
            Layer::TimeDistributed(_) => "time_distributed",
            Layer::Flatten => "flatten",
            Layer::Dropout(_) => "dropout",
            Layer::GlobalPooling(p) => p.snake_name(),
            Layer::AttentionPooling(_) => "attention_pooling1d",
        }
    }

    pub fn param_count(&self) -> usize {
        match self {
            Layer::Embedding(e) => e.param_count(),
            Layer::Recurrent(r) => r.param_count(),
            Layer::Bidirectional(b) => b.param_count(),
            Layer::Dense(d) | Layer::TimeDistributed(d) => d.param_count(),
            Layer::Flatten | Layer::GlobalPooling(_) | Layer::Dropout(_) => 0,
            Layer::AttentionPooling(a) => a.param_count(),
        }
    }

    /// The weights with Keras' names (`kernel`, `recurrent_kernel`, `bias`, `embeddings`,
    /// `forward/kernel`, …).
    pub fn weights(&self) -> Vec<(String, Var)> {
        fn rnn(prefix: &str, r: &Recurrent, out: &mut Vec<(String, Var)>) {
            out.push((format!("{prefix}kernel"), r.kernel.clone()));
            out.push((
                format!("{prefix}recurrent_kernel"),
                r.recurrent_kernel.clone(),
            ));
            if let Some(b) = &r.bias {
                out.push((format!("{prefix}bias"), b.clone()));
            }
        }
        let mut out = Vec::new();
        match self {
            Layer::Embedding(e) => out.push(("embeddings".into(), e.embeddings.clone())),
            Layer::Recurrent(r) => rnn("", r, &mut out),
            Layer::Bidirectional(b) => {
                rnn("forward/", &b.forward, &mut out);
                rnn("backward/", &b.backward, &mut out);
            }
            Layer::Dense(d) | Layer::TimeDistributed(d) => {
                out.push(("kernel".into(), d.kernel.clone()));
                if let Some(b) = &d.bias {
                    out.push(("bias".into(), b.clone()));
                }
            }
            Layer::AttentionPooling(a) => out.push(("kernel".into(), a.kernel.clone())),
            Layer::Flatten | Layer::GlobalPooling(_) | Layer::Dropout(_) => {}
        }
        out
    }
}
