//! Keras' `evaluate` and `predict`: the model over a dataset in batches, no gradients.

use candle_core::{DType, Device, Tensor};

use super::dataset::token_counts;
use super::loss::loss_and_output;
use super::{Dataset, trim_padding};
use crate::nn::{Loss, Result, Sequential};

/// Mean loss and accuracy over `data`, in batches.
pub fn evaluate(
    model: &Sequential,
    loss: Loss,
    data: &Dataset,
    batch_size: usize,
) -> Result<(f32, f32)> {
    let n = data.len();
    let step = batch_size.max(1);
    let batches = (0..n).step_by(step).map(|start| {
        let len = step.min(n - start);
        Ok((data.x.narrow(0, start, len)?, data.y.narrow(0, start, len)?))
    });
    mean_over_batches(model, loss, n, batches)
}

/// [`evaluate`] for a masked model, faster: the samples in order of length, each batch cut to
/// its tokens ([`trim_padding`]). The same loss and accuracy, up to float summation order.
pub fn evaluate_trimmed(
    model: &Sequential,
    loss: Loss,
    data: &Dataset,
    batch_size: usize,
) -> Result<(f32, f32)> {
    let n = data.len();
    let lengths = token_counts(&data.x)?;
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&i| lengths[i as usize]);
    let batches = order.chunks(batch_size.max(1)).map(|chunk| {
        let batch = data.select(chunk)?;
        Ok((trim_padding(&batch.x)?, batch.y))
    });
    mean_over_batches(model, loss, n, batches)
}

/// Loss and accuracy over `(x, y)` batches of `n` samples in all, each weighted by its size
/// (NaN for no samples).
pub(super) fn mean_over_batches(
    model: &Sequential,
    loss: Loss,
    n: usize,
    batches: impl Iterator<Item = Result<(Tensor, Tensor)>>,
) -> Result<(f32, f32)> {
    if n == 0 {
        return Ok((f32::NAN, f32::NAN));
    }
    let (mut loss_sum, mut correct) = (0f64, 0f64);
    for batch in batches {
        let (x, y) = batch?;
        let len = y.dims().first().copied().unwrap_or(0) as f64;
        let (value, probs) = loss_and_output(model, loss, &x, &y)?;
        loss_sum += value.to_scalar::<f32>()? as f64 * len;
        correct += loss.accuracy(&y, &probs)? as f64 * len;
    }
    Ok(((loss_sum / n as f64) as f32, (correct / n as f64) as f32))
}

/// The model's outputs for `x`, in batches (no gradients are kept).
pub fn predict(model: &Sequential, x: &Tensor, batch_size: usize) -> Result<Tensor> {
    let n = x.dims().first().copied().unwrap_or(0);
    let mut parts = Vec::new();
    let mut start = 0;
    while start < n {
        let len = batch_size.max(1).min(n - start);
        let mut chunk = x.narrow(0, start, len)?;
        // A masked model computes nothing on padding: the columns that are padding in every
        // review of the chunk can go (the same answers).
        if chunk.rank() == 2 && model.masks_padding() {
            chunk = trim_padding(&chunk)?;
        }
        parts.push(model.forward(&chunk)?.detach());
        start += len;
    }
    if parts.is_empty() {
        return Ok(Tensor::zeros(0, DType::F32, &Device::Cpu)?);
    }
    Ok(Tensor::cat(&parts, 0)?)
}
