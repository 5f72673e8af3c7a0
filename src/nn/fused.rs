//! Fused recurrent kernels (filled in below the reference implementation).

use candle_core::Tensor;

use super::error::Result;
use super::rnn::{Recurrent, RnnOutput, RnnState};

/// Whether the fused kernels handle this layer.
pub fn supports(_layer: &Recurrent) -> bool {
    false
}

pub fn forward(
    layer: &Recurrent,
    xs: &Tensor,
    mask: Option<&Tensor>,
    initial: Option<RnnState>,
) -> Result<RnnOutput> {
    layer.forward_reference_from(xs, mask, initial)
}
