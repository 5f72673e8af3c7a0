//! Keras' `Sequential`: layers applied one after another, `summary()` printed as Keras 3 prints
//! it, and a model folder (`model.json` + `model.safetensors`) that the CLI and the page load.
//!
//! ```
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Sequential};
//!
//! // The lecture-9 classifier.
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 8000, output_dim: 128, mask_zero: false },
//!     LayerConfig::rnn(CellKind::SimpleRnn, 64),
//!     LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true },
//! ], Some(60), 0).unwrap();
//! assert!(model.summary().contains("Total params: 1,036,417 (3.95 MB)"));
//! ```

use candle_core::{Tensor, Var};

use super::Activation;
use super::error::{NnError, Result};

mod build;
mod config;
mod files;
mod forward;
mod summary;

pub use config::{Layer, LayerConfig};
pub use files::{CompileConfig, MODEL_FORMAT, MODEL_JSON_KEY, ModelExtras, ModelFile};

/// A stack of layers, named as Keras names them (`embedding`, `simple_rnn`, `dense`, `dense_1`).
#[derive(Clone, Debug)]
pub struct Sequential {
    layers: Vec<(String, Layer)>,
    configs: Vec<LayerConfig>,
    /// The sequence length the model was built for (Keras' `Input(shape=(T,))`); `None` shows
    /// as `None` in the summary.
    pub input_length: Option<usize>,
    /// Feature size of float inputs `[batch, time, features]` (Keras' `Input(shape=(T, F))`)
    /// for a model without an Embedding; `None` when the model starts with an Embedding.
    pub input_features: Option<usize>,
    /// Share the padding prefix of pre-padded batches ([`crate::nn::padding_prefix`]); on unless
    /// a benchmark turns it off to compare.
    share_padding: bool,
    /// The model's name (`Model: "sequential"` in the summary); a Keras file brings its own.
    name: String,
}

/// What the forward pass gives: probabilities, and the logits of a final softmax/sigmoid
/// Dense (the losses use them).
pub struct ModelOutput {
    pub output: Tensor,
    pub logits: Option<Tensor>,
}

impl Sequential {
    /// Turn the shared padding prefix off or on (the same answers either way; benchmarks
    /// compare the two).
    pub fn set_share_padding(&mut self, share: bool) {
        self.share_padding = share;
    }

    /// Switch every recurrent layer between the fused kernels and the autograd reference
    /// (for benchmarks and tests; the results are the same).
    pub fn set_fused(&mut self, fused: bool) {
        for (_, layer) in &mut self.layers {
            match layer {
                Layer::Recurrent(r) => r.fused = fused,
                Layer::Bidirectional(b) => {
                    b.forward.fused = fused;
                    b.backward.fused = fused;
                }
                _ => {}
            }
        }
    }

    /// The model's name, as the summary prints it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Name the model and its layers as a Keras file names them (`sequential_3`,
    /// `embedding_1`, …): the summary prints these names and the weights are stored under
    /// them. Layer names must be unique, non-empty and free of `/`.
    pub fn set_names(&mut self, model: &str, layers: &[String]) -> Result<()> {
        if layers.len() != self.layers.len() {
            return Err(NnError::Config(format!(
                "{} layer names for {} layers",
                layers.len(),
                self.layers.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for name in layers {
            if name.is_empty() || name.contains('/') || !seen.insert(name) {
                return Err(NnError::Config(format!(
                    "layer name {name:?}: names must be unique, non-empty and without '/'"
                )));
            }
        }
        if model.is_empty() {
            return Err(NnError::Config("the model needs a name".into()));
        }
        for ((old, _), new) in self.layers.iter_mut().zip(layers) {
            *old = new.clone();
        }
        self.name = model.to_string();
        Ok(())
    }

    /// The layer names when they differ from the ones [`Sequential::from_config`] gives.
    pub(super) fn custom_layer_names(&self) -> Option<Vec<String>> {
        let fresh =
            Self::from_config_with_input(&self.configs, self.input_length, self.input_features, 0)
                .ok()?;
        let names: Vec<String> = self.layers.iter().map(|(n, _)| n.clone()).collect();
        let default: Vec<&String> = fresh.layers.iter().map(|(n, _)| n).collect();
        (names.iter().collect::<Vec<_>>() != default).then_some(names)
    }

    pub fn layers(&self) -> &[(String, Layer)] {
        &self.layers
    }

    pub fn layers_mut(&mut self) -> &mut [(String, Layer)] {
        &mut self.layers
    }

    pub fn configs(&self) -> &[LayerConfig] {
        &self.configs
    }

    /// Size of the vocabulary the first Embedding accepts.
    pub fn vocab_size(&self) -> usize {
        match self.layers.first() {
            Some((_, Layer::Embedding(e))) => e.input_dim,
            _ => 0,
        }
    }

    /// Every weight, named `layer/weight` (e.g. `simple_rnn/recurrent_kernel`).
    pub fn trainable_variables(&self) -> Vec<(String, Var)> {
        self.layers
            .iter()
            .flat_map(|(lname, l)| {
                l.weights()
                    .into_iter()
                    .map(move |(w, v)| (format!("{lname}/{w}"), v))
            })
            .collect()
    }

    pub fn param_count(&self) -> usize {
        self.layers.iter().map(|(_, l)| l.param_count()).sum()
    }

    /// The padding (id 0) changes nothing: the first layer is an `Embedding(mask_zero=True)`,
    /// then recurrent layers, the last of which gives only its last state, and only Dense
    /// layers follow. Then cutting all-padding columns from a batch gives the same answers
    /// ([`crate::train::trim_padding`]).
    pub fn masks_padding(&self) -> bool {
        let mut layers = self.layers.iter().map(|(_, l)| l);
        let Some(Layer::Embedding(e)) = layers.next() else {
            return false;
        };
        if !e.mask_zero {
            return false;
        }
        // Recurrent layers that return sequences pass the mask on; the last one must return
        // only its last state, or a pooling that reads the mask must follow it, and only Dense
        // layers after that.
        let mut sequence = false;
        loop {
            match layers.next() {
                Some(Layer::Recurrent(r)) if r.return_sequences => sequence = true,
                Some(Layer::Bidirectional(b)) if b.forward.return_sequences => sequence = true,
                Some(Layer::Recurrent(_) | Layer::Bidirectional(_)) => break,
                Some(Layer::GlobalPooling(p)) if sequence && p.reads_mask() => break,
                Some(Layer::AttentionPooling(_)) if sequence => break,
                _ => return false,
            }
        }
        layers.all(|l| matches!(l, Layer::Dense(_)))
    }

    /// The final activation, when the last layer is a Dense (for from-logits losses).
    pub fn final_activation(&self) -> Option<Activation> {
        match self.layers.last() {
            Some((_, Layer::Dense(d) | Layer::TimeDistributed(d))) => Some(d.activation),
            _ => None,
        }
    }
}

/// A model's name unless it was given another (Keras' first `Sequential`).
pub const DEFAULT_NAME: &str = "sequential";
