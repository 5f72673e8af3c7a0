//! Data parallelism: a batch cut into shards, each shard's gradient computed on its own (a
//! replica worker, or a thread of the pool), the shards summed in a fixed order so the result
//! is one thread's up to float rounding.

use std::collections::HashMap;

use candle_core::backprop::GradStore;
use candle_core::{Tensor, TensorId};

use super::loss::loss_of_output;
use crate::nn::{Loss, NnError, Result, RowGradient, Sequential};

/// One shard's share of a batch's gradient: the loss of its samples scaled by their share of
/// the batch, so that the shards' gradients add up to the batch's (Keras' mean loss).
pub struct ShardGradient {
    /// Σ of the shard's per-sample losses (for the epoch's running mean).
    pub loss_sum: f64,
    /// Right answers among the shard's samples.
    pub correct: f64,
    pub samples: usize,
    pub grads: GradStore,
    /// The gradients of tables (Embeddings) at the rows the shard read, by the table's tensor
    /// id; such a table has no entry in `grads` ([`crate::nn::RowGradient`]).
    pub rows: HashMap<TensorId, RowGradient>,
}

/// The gradient of `loss` over a shard of `batch_len` samples' batch, as [`ShardGradient`].
pub fn shard_gradient(
    model: &Sequential,
    loss: Loss,
    x: &Tensor,
    y: &Tensor,
    batch_len: usize,
) -> Result<ShardGradient> {
    let samples = x.dim(0)?;
    if samples == 0 {
        // A replica whose part of a short last batch is empty adds nothing.
        return Ok(ShardGradient {
            loss_sum: 0.0,
            correct: 0.0,
            samples: 0,
            grads: GradStore::default(),
            rows: HashMap::new(),
        });
    }
    let (out, gathered) = model.forward_gathering_rows(x)?;
    let (value, probs) = loss_of_output(model, loss, out, y)?;
    let mean = value.to_scalar::<f32>()? as f64;
    let mut grads = if mean.is_finite() {
        (value * (samples as f64 / batch_len.max(1) as f64))?.backward()?
    } else {
        GradStore::default()
    };
    let mut rows: HashMap<TensorId, RowGradient> = HashMap::new();
    for g in &gathered {
        if let Some(r) = g.gradient(&grads)? {
            add_rows(&mut rows, g.table.id(), &r);
        }
        grads.remove(g.leaf.as_tensor());
    }
    let acc = loss.accuracy(y, &probs.detach())? as f64;
    Ok(ShardGradient {
        loss_sum: mean * samples as f64,
        correct: acc * samples as f64,
        samples,
        grads,
        rows,
    })
}

/// Replica `index` of `count`'s part of a batch of `n` samples: the same contiguous cut as
/// [`batch_gradient`] makes, so K replica workers together compute what K shards do.
pub fn shard_of(n: usize, index: usize, count: usize) -> std::ops::Range<usize> {
    let count = count.clamp(1, n.max(1));
    let size = n.div_ceil(count);
    let start = (index * size).min(n);
    start..(start + size).min(n)
}

/// The gradient of `loss` over the batch `(x, y)`, its samples cut into `workers` contiguous
/// shards computed side by side (one thread each natively, rayon's pool in the shared-memory
/// wasm build; one after another in the plain wasm build) and summed ([`sum_shards`]).
pub fn batch_gradient(
    model: &Sequential,
    loss: Loss,
    x: &Tensor,
    y: &Tensor,
    workers: usize,
) -> Result<ShardGradient> {
    let n = x.dim(0)?;
    let workers = pool_shards(model, x, workers).clamp(1, n.max(1));
    if workers == 1 {
        return shard_gradient(model, loss, x, y, n);
    }
    let size = n.div_ceil(workers);
    let parts = (0..n)
        .step_by(size)
        .map(|s| {
            let len = size.min(n - s);
            Ok((
                x.narrow(0, s, len)?.contiguous()?,
                y.narrow(0, s, len)?.contiguous()?,
            ))
        })
        .collect::<Result<Vec<(Tensor, Tensor)>>>()?;
    let shard = |(x, y): &(Tensor, Tensor)| shard_gradient(model, loss, x, y, n);
    #[cfg(not(target_arch = "wasm32"))]
    let shards: Vec<ShardGradient> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| scope.spawn(move || shard(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a gradient thread panicked"))
            .collect::<Result<_>>()
    })?;
    // No std threads in wasm: rayon's pool (wasm-bindgen-rayon's web workers) takes the
    // shards, and the fused kernels keep each shard's rows on its thread.
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    let shards: Vec<ShardGradient> = {
        use rayon::prelude::*;
        parts.par_iter().map(shard).collect::<Result<_>>()?
    };
    #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
    let shards: Vec<ShardGradient> = parts.iter().map(shard).collect::<Result<_>>()?;
    sum_shards(shards, &model.trainable_variables())
}

/// Shards of the batch `x`: `workers`, and in the shared-memory wasm build at least one per
/// thread of rayon's pool (the page's one worker then uses every core; two shards per thread,
/// for the pool to balance, measured slower on lecture 11's GRU: 731–790 samples/s against
/// 829–865) when each shard still
/// has enough arithmetic ([`POOL_SHARD_WORK`]): a small model's batch is faster in one piece
/// than cut and handed over (lecture 9's SimpleRNN on a hundred short reviews trained at
/// 7,700 samples/s whole and 4,800 cut in two).
pub(super) fn pool_shards(model: &Sequential, x: &Tensor, workers: usize) -> usize {
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    {
        let threads = rayon::current_num_threads();
        if threads > 1 && shard_work(model, x) / threads as u64 >= POOL_SHARD_WORK {
            return workers.max(threads);
        }
    }
    let _ = (model, x);
    workers
}

/// The least work per shard ([`shard_work`]) that the shared-memory build cuts a batch for:
/// lecture 11's GRU on a batch of 60 (about 3·10⁸) is cut; lecture 9's SimpleRNN on a batch of
/// 32 (about 2·10⁷) is not.
#[cfg_attr(
    not(all(target_arch = "wasm32", target_feature = "atomics")),
    allow(dead_code)
)]
pub(super) const POOL_SHARD_WORK: u64 = 50_000_000;

/// A batch's arithmetic, roughly: samples × time steps × the weights every step multiplies
/// (all but the embedding tables, which are only read row by row).
#[cfg_attr(
    not(all(target_arch = "wasm32", target_feature = "atomics")),
    allow(dead_code)
)]
pub(super) fn shard_work(model: &Sequential, x: &Tensor) -> u64 {
    // In u64: wasm32's usize overflows at a batch of ~900 of lecture 11's GRU.
    let weights: u64 = model
        .layers()
        .iter()
        .filter(|(_, l)| !matches!(l, crate::nn::Layer::Embedding(_)))
        .map(|(_, l)| l.param_count() as u64)
        .sum();
    let dim = |i: usize, default: usize| x.dims().get(i).copied().unwrap_or(default) as u64;
    dim(0, 0).saturating_mul(dim(1, 1)).saturating_mul(weights)
}

/// The shards' gradients added up, in shard order (the same order on every replica, so that
/// their sums, and so their weights, stay bit-identical).
pub fn sum_shards(
    mut shards: Vec<ShardGradient>,
    variables: &[(String, candle_core::Var)],
) -> Result<ShardGradient> {
    if shards.is_empty() {
        return Err(NnError::Config("no shard to sum".into()));
    }
    let mut total = shards.remove(0);
    for shard in shards {
        total.loss_sum += shard.loss_sum;
        total.correct += shard.correct;
        total.samples += shard.samples;
        for (id, r) in &shard.rows {
            add_rows(&mut total.rows, *id, r);
        }
        for (_, var) in variables {
            let Some(g) = shard.grads.get(var.as_tensor()) else {
                continue;
            };
            let sum = match total.grads.get(var.as_tensor()) {
                Some(t) => (t + g)?,
                None => g.clone(),
            };
            total.grads.insert(var.as_tensor(), sum);
        }
    }
    Ok(total)
}

/// `sums[id] += rows` (or `rows`, for a table not yet there).
pub(super) fn add_rows(
    sums: &mut HashMap<TensorId, RowGradient>,
    id: TensorId,
    rows: &RowGradient,
) {
    match sums.get_mut(&id) {
        Some(sum) => sum.add(rows),
        None => {
            sums.insert(id, rows.clone());
        }
    }
}
