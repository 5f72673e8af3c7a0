//! The loss of a batch as `fit`, `evaluate` and the data-parallel shards compute it: from the
//! logits where the model ends in softmax/sigmoid and the loss is a cross-entropy.

use candle_core::Tensor;

use crate::nn::{Activation, Loss, ModelOutput, Result, Sequential};

/// Loss (mean over the batch, differentiable) and the probabilities, computed from logits when
/// the model ends in softmax/sigmoid and the loss is a cross-entropy.
pub fn loss_and_output(
    model: &Sequential,
    loss: Loss,
    x: &Tensor,
    y: &Tensor,
) -> Result<(Tensor, Tensor)> {
    loss_of_output(model, loss, model.forward_with_logits(x)?, y)
}

/// [`loss_and_output`] from a forward pass already made.
pub(super) fn loss_of_output(
    model: &Sequential,
    loss: Loss,
    out: ModelOutput,
    y: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let value = match (&out.logits, model.final_activation()) {
        (Some(logits), Some(Activation::Softmax)) if loss != Loss::BinaryCrossentropy => {
            loss.compute(y, logits, true)?
        }
        (Some(logits), Some(Activation::Sigmoid)) if loss == Loss::BinaryCrossentropy => {
            loss.compute(y, logits, true)?
        }
        _ => loss.compute(y, &out.output, false)?,
    };
    Ok((value, out.output))
}
