//! The forward passes of a [`Recurrent`] layer: through the fused kernels ([`super::fused`])
//! where they apply, else the step-by-step reference ([`Recurrent::forward_reference`]). Kept
//! above both the layer (`rnn.rs`) and the kernels, so that imports run one way:
//! rnn ← fused ← recurrent_forward.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::Recurrent;
//!
//! let gru = Recurrent::gru(2, 3, 0).with_return_sequences(true);
//! let xs = Tensor::zeros((1, 4, 2), candle_core::DType::F32, &Device::Cpu).unwrap();
//! let fused = gru.forward(&xs, None).unwrap().output;
//! let reference = gru.forward_reference(&xs, None).unwrap().output;
//! assert_eq!(fused.dims(), reference.dims());
//! ```

use candle_core::Tensor;

use super::embedding::{Embedded, Embedding};
use super::error::Result;
use super::fused;
use super::rnn::{Recurrent, RnnOutput, RnnState};

impl Recurrent {
    /// The layer on `xs` (`[batch, time, input_dim]`) with an optional `[batch, time]` mask of
    /// 1.0/0.0 (from `Embedding(mask_zero=True)`), from the zero state.
    pub fn forward(&self, xs: &Tensor, mask: Option<&Tensor>) -> Result<RnnOutput> {
        self.forward_from(xs, mask, None)
    }

    /// As [`Recurrent::forward`], from an explicit initial state.
    pub fn forward_from(
        &self,
        xs: &Tensor,
        mask: Option<&Tensor>,
        initial: Option<RnnState>,
    ) -> Result<RnnOutput> {
        self.check_input(xs)?;
        if self.runs_fused() {
            return fused::forward(self, xs, mask, initial);
        }
        self.forward_reference_from(xs, mask, initial)
    }

    /// Whether [`Recurrent::forward`] goes through the fused kernels (see [`super::fused`]).
    pub fn runs_fused(&self) -> bool {
        self.fused && self.kernel.device().is_cpu() && fused::supports(self)
    }

    /// Whether [`Recurrent::forward_embedded`] would take the distinct-word shortcut for the
    /// output of `embedding` (otherwise the plain lookup is cheaper).
    pub fn takes_embedded(&self, embedding: &Embedding) -> bool {
        self.runs_fused() && embedding.output_dim == self.input_dim
    }

    /// The layer on the output of the Embedding before it, from the zero state: through
    /// [`Embedded::products_by_position`] when the fused kernels run, so each distinct word's input product
    /// is computed once; the same result as [`Recurrent::forward`] on `embedded.rows()`.
    pub fn forward_embedded(
        &self,
        embedded: &Embedded,
        mask: Option<&Tensor>,
    ) -> Result<RnnOutput> {
        if !self.runs_fused() || embedded.output_dim() != self.input_dim {
            return self.forward(&embedded.rows()?, mask);
        }
        let (products, index) = embedded.products_by_position(self.kernel.as_tensor())?;
        let index = std::sync::Arc::new(index.to_vec());
        fused::forward_gathered(self, &products, index, embedded.dims(), mask, None)
    }
}
