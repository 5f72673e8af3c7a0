//! Keras' `Bidirectional(layer, merge_mode="concat")`: the layer reads the sequence forwards,
//! a copy reads it backwards, and their outputs are merged.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Bidirectional, MergeMode, Recurrent};
//!
//! let bi = Bidirectional::new(Recurrent::gru(8, 16, 0), MergeMode::Concat, 1);
//! let x = Tensor::zeros((2, 5, 8), candle_core::DType::F32, &Device::Cpu).unwrap();
//! assert_eq!(bi.forward(&x, None).unwrap().dims(), &[2, 32]);
//! ```

use candle_core::Tensor;
use serde::{Deserialize, Serialize};

use super::embedding::Embedded;
use super::error::Result;
use super::rnn::{Recurrent, reverse_time};

/// How the two directions are combined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MergeMode {
    /// Forward units, then backward units.
    #[default]
    Concat,
    Sum,
    Mul,
    Ave,
}

#[derive(Clone, Debug)]
pub struct Bidirectional {
    pub forward: Recurrent,
    pub backward: Recurrent,
    pub merge_mode: MergeMode,
}

impl Bidirectional {
    /// Wrap `layer`; the backward copy gets its own initialisation from `seed`.
    pub fn new(layer: Recurrent, merge_mode: MergeMode, seed: u64) -> Self {
        let mut backward = Recurrent::new(layer.kind, layer.input_dim, layer.units, seed)
            .with_reset_after(layer.reset_after)
            .with_return_sequences(layer.return_sequences)
            .with_return_state(layer.return_state)
            .with_go_backwards(!layer.go_backwards);
        if layer.bias.is_none() {
            backward = backward.without_bias();
        }
        let mut forward = layer;
        // Keras: Bidirectional outputs zeros at masked steps of a returned sequence.
        forward.zero_output_for_mask = forward.return_sequences;
        backward.zero_output_for_mask = backward.return_sequences;
        Self {
            forward,
            backward,
            merge_mode,
        }
    }

    pub fn return_sequences(&self) -> bool {
        self.forward.return_sequences
    }

    pub fn output_units(&self) -> usize {
        match self.merge_mode {
            MergeMode::Concat => 2 * self.forward.units,
            _ => self.forward.units,
        }
    }

    pub fn param_count(&self) -> usize {
        self.forward.param_count() + self.backward.param_count()
    }

    pub fn forward(&self, xs: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        let f = self.forward.forward(xs, mask)?.output;
        let b = self.backward.forward(xs, mask)?.output;
        self.merge(f, b)
    }

    /// As [`Bidirectional::forward`] on the output of the Embedding before it (see
    /// [`Recurrent::forward_embedded`]).
    pub fn forward_embedded(&self, embedded: &Embedded, mask: Option<&Tensor>) -> Result<Tensor> {
        let f = self.forward.forward_embedded(embedded, mask)?.output;
        let b = self.backward.forward_embedded(embedded, mask)?.output;
        self.merge(f, b)
    }

    fn merge(&self, f: Tensor, mut b: Tensor) -> Result<Tensor> {
        if self.return_sequences() {
            // The backward layer returns its sequence in processing order: flip it back.
            b = reverse_time(&b)?;
        }
        Ok(match self.merge_mode {
            MergeMode::Concat => Tensor::cat(&[&f, &b], candle_core::D::Minus1)?,
            MergeMode::Sum => (f + b)?,
            MergeMode::Mul => (f * b)?,
            MergeMode::Ave => ((f + b)? * 0.5)?,
        })
    }
}
