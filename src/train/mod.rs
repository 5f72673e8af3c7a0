//! Keras' `model.fit`, `evaluate` and `predict` for a [`Sequential`]: epochs, batches,
//! `validation_split` (the last fraction, taken before shuffling), per-epoch shuffling from a
//! seeded RNG (same seed, same run), a [`History`], callbacks and cancellation between batches.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, Sequential};
//! use rnn_playground::train::{fit, Dataset, FitOptions};
//!
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 4, output_dim: 3, mask_zero: false },
//!     LayerConfig::rnn(CellKind::SimpleRnn, 4),
//!     LayerConfig::Dense { units: 4, activation: Activation::Softmax, use_bias: true },
//! ], Some(2), 0).unwrap();
//! let data = Dataset {
//!     x: Tensor::new(&[[1u32, 2], [2, 3]], &Device::Cpu).unwrap(),
//!     y: Tensor::new(&[3u32, 1], &Device::Cpu).unwrap(),
//! };
//! let mut adam = Optimizer::new(OptimizerConfig::adam(0.05));
//! let options = FitOptions { epochs: 50, ..FitOptions::default() };
//! let history = fit(&model, &mut adam, Loss::SparseCategoricalCrossentropy, &data, &options, &mut []).unwrap();
//! assert_eq!(history.epochs.last().unwrap().accuracy, 1.0);
//! ```

mod callbacks;
pub mod checkpoint;
pub mod progbar;
pub mod replica;
pub mod shard_wire;

use candle_core::backprop::GradStore;
use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, TensorId};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use web_time::Instant;

pub use callbacks::{Callback, Control, EarlyStopping, Event, Monitor};

use crate::nn::{
    Activation, Loss, ModelOutput, NnError, Optimizer, Result, RowGradient, Sequential,
};

/// Inputs (token ids `[samples, time]`) and targets (`[samples]` class indices or 0/1 labels,
/// or `[samples, classes]` one-hot rows).
#[derive(Clone, Debug)]
pub struct Dataset {
    pub x: Tensor,
    pub y: Tensor,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.x.dims().first().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn select(&self, indices: &[u32]) -> Result<Dataset> {
        let idx = Tensor::from_vec(indices.to_vec(), indices.len(), self.x.device())?;
        Ok(Dataset {
            x: self.x.index_select(&idx, 0)?,
            y: self.y.index_select(&idx, 0)?,
        })
    }

    /// Keras' `validation_split`: the last `fraction` of the samples, before any shuffling.
    pub fn split_validation(&self, fraction: f32) -> Result<(Dataset, Option<Dataset>)> {
        if !(0.0..1.0).contains(&fraction) {
            return Err(NnError::Config(format!(
                "validation_split must be in [0, 1), got {fraction}"
            )));
        }
        let n = self.len();
        // Keras computes in Python floats: take the f32 as the decimal the user wrote (0.2, not
        // 0.2000000029…), or 10 · (1 − 0.2) would floor to 7.
        let fraction64: f64 = fraction.to_string().parse().unwrap_or(fraction as f64);
        let split_at = ((n as f64) * (1.0 - fraction64)).floor() as usize;
        if fraction == 0.0 || split_at == n {
            return Ok((self.clone(), None));
        }
        let train = Dataset {
            x: self.x.narrow(0, 0, split_at)?,
            y: self.y.narrow(0, 0, split_at)?,
        };
        let val = Dataset {
            x: self.x.narrow(0, split_at, n - split_at)?,
            y: self.y.narrow(0, split_at, n - split_at)?,
        };
        Ok((train, Some(val)))
    }
}

/// `fit`'s keyword arguments with Keras' defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitOptions {
    pub epochs: usize,
    pub batch_size: usize,
    pub validation_split: f32,
    pub shuffle: bool,
    /// Seed of the shuffling RNG.
    pub seed: u64,
    /// Group each batch from reviews of similar length and cut the padding columns that are
    /// padding in every sample of the batch (zeros at the start or the end). Exact only for a
    /// model whose `Embedding` has `mask_zero` (the recurrent layer skips padding anyway), so
    /// [`Trainer::new`] refuses it otherwise; the lecture's unmasked models run through their
    /// padding, as Keras does. Validation batches are cut the same way.
    pub bucket_by_length: bool,
    /// Data parallelism: each batch is cut into this many shards whose gradients are computed
    /// side by side (one thread each, natively) and summed, then one optimizer step is taken.
    /// The same answers as 1 up to the order of float sums. In wasm the shards run one after
    /// another (the page's parallelism is its replica workers instead).
    pub workers: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            epochs: 1,
            batch_size: 32,
            validation_split: 0.0,
            shuffle: true,
            seed: 0,
            bucket_by_length: false,
            workers: 1,
        }
    }
}

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
fn pool_shards(model: &Sequential, x: &Tensor, workers: usize) -> usize {
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
const POOL_SHARD_WORK: u64 = 50_000_000;

/// A batch's arithmetic, roughly: samples × time steps × the weights every step multiplies
/// (all but the embedding tables, which are only read row by row).
#[cfg_attr(
    not(all(target_arch = "wasm32", target_feature = "atomics")),
    allow(dead_code)
)]
fn shard_work(model: &Sequential, x: &Tensor) -> u64 {
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
fn add_rows(sums: &mut HashMap<TensorId, RowGradient>, id: TensorId, rows: &RowGradient) {
    match sums.get_mut(&id) {
        Some(sum) => sum.add(rows),
        None => {
            sums.insert(id, rows.clone());
        }
    }
}

/// How many batches are sorted by length together: enough that most batches hold reviews of
/// one length, few enough that an epoch still mixes short and long reviews batch by batch.
const BUCKET_WINDOW_BATCHES: usize = 64;

/// The columns of `x` (`[batch, time]` of token ids, 0 = padding) from the first to the last
/// that holds a token in some sample: what a masked model computes on anyway. `x` itself when
/// nothing can be cut (or every sample is empty: one column is kept).
pub fn trim_padding(x: &Tensor) -> Result<Tensor> {
    let (_, time) = x.dims2()?;
    let ids = x.to_dtype(DType::U32)?.to_vec2::<u32>()?;
    let first = ids
        .iter()
        .filter_map(|row| row.iter().position(|&id| id != 0))
        .min();
    let last = ids
        .iter()
        .filter_map(|row| row.iter().rposition(|&id| id != 0))
        .max();
    match (first, last) {
        (Some(first), Some(last)) if first > 0 || last + 1 < time => {
            Ok(x.narrow(1, first, last + 1 - first)?)
        }
        (None, _) => Ok(x.narrow(1, time.saturating_sub(1), time.min(1))?),
        _ => Ok(x.clone()),
    }
}

/// Non-padding tokens of each sample of `x` (`[samples, time]`).
fn token_counts(x: &Tensor) -> Result<Vec<usize>> {
    let ids = x.to_dtype(DType::U32)?.to_vec2::<u32>()?;
    Ok(ids
        .iter()
        .map(|row| row.iter().filter(|&&id| id != 0).count())
        .collect())
}

/// One epoch's logs, as Keras' `history.history` holds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochLogs {
    /// 1-based, as Keras prints it.
    pub epoch: usize,
    pub loss: f32,
    pub accuracy: f32,
    // No `skip_serializing_if` here: these logs cross to the page in bincode, which is not
    // self-describing and cannot skip fields.
    pub val_loss: Option<f32>,
    pub val_accuracy: Option<f32>,
    /// Training samples per second in this epoch.
    pub samples_per_s: f32,
    /// Batches (Keras' steps) in this epoch.
    #[serde(default)]
    pub steps: usize,
    /// Compute seconds of this epoch, validation included (Keras' epoch time).
    #[serde(default)]
    pub seconds: f32,
}

/// Why training ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    Completed,
    EarlyStopping,
    Cancelled,
}

/// Keras' `History`: per-epoch logs and the loss of every batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub epochs: Vec<EpochLogs>,
    pub batch_loss: Vec<f32>,
    pub stop_reason: StopReason,
}

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
fn loss_of_output(
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

/// Train `model` on `data`. `callbacks` see every batch and epoch and may stop training;
/// a NaN or infinite loss stops it with [`NnError::NonFiniteLoss`].
pub fn fit(
    model: &Sequential,
    optimizer: &mut Optimizer,
    loss: Loss,
    data: &Dataset,
    options: &FitOptions,
    callbacks: &mut [&mut dyn Callback],
) -> Result<History> {
    fit_with_cancel(model, optimizer, loss, data, options, callbacks, &|| false)
}

/// [`fit`] that also checks `cancelled` between batches (the page's Stop button).
pub fn fit_with_cancel(
    model: &Sequential,
    optimizer: &mut Optimizer,
    loss: Loss,
    data: &Dataset,
    options: &FitOptions,
    callbacks: &mut [&mut dyn Callback],
    cancelled: &dyn Fn() -> bool,
) -> Result<History> {
    let mut trainer = Trainer::new(loss, data, options)?;
    while !trainer.finished() {
        trainer.run_epoch(model, optimizer, callbacks, cancelled)?;
    }
    for c in callbacks.iter_mut() {
        c.on_train_end(model)?;
    }
    Ok(trainer.into_history())
}

/// Copy each variable's values into `into` (resized on first use).
fn keep_copies(variables: &[(String, candle_core::Var)], into: &mut Vec<Vec<f32>>) -> Result<()> {
    into.resize_with(variables.len(), Vec::new);
    for ((_, var), buffer) in variables.iter().zip(into.iter_mut()) {
        let (storage, layout) = var.as_tensor().storage_and_layout();
        let candle_core::Storage::Cpu(storage) = &*storage else {
            return Err(NnError::Config("training needs weights on the CPU".into()));
        };
        let data = crate::nn::f32_slice(storage, layout, "a weight")?;
        buffer.clear();
        buffer.extend_from_slice(data);
    }
    Ok(())
}

/// `fit` one epoch at a time: what a web worker runs, yielding to its event loop between
/// epochs so that Stop messages get through.
pub struct Trainer {
    loss: Loss,
    options: FitOptions,
    train: Dataset,
    val: Option<Dataset>,
    rng: StdRng,
    order: Vec<u32>,
    epoch: usize,
    stopped: bool,
    history: History,
    /// The epoch in progress, when training is advanced batch by batch.
    current: Option<EpochProgress>,
    /// The weights before the last optimizer step: they gave a finite loss. A NaN or infinite
    /// loss puts them back (Keras' TerminateOnNaN keeps the broken ones).
    /// Reused buffers: copying into them costs one memcpy per step and no allocation.
    last_good: Vec<Vec<f32>>,
    /// Tokens per training sample, when batches are bucketed by length.
    lengths: Option<Vec<usize>>,
}

/// Running sums of the epoch in progress.
struct EpochProgress {
    next_batch: usize,
    batches: usize,
    loss_sum: f64,
    correct: f64,
    seen: usize,
    /// Compute time of this epoch's batches (not the pauses between them).
    seconds: f64,
}

impl Trainer {
    pub fn new(loss: Loss, data: &Dataset, options: &FitOptions) -> Result<Self> {
        if options.batch_size == 0 {
            return Err(NnError::Config("batch_size must be at least 1".into()));
        }
        let (train, val) = data.split_validation(options.validation_split)?;
        let n = train.len();
        if n == 0 {
            return Err(NnError::Config(
                "there are no training samples: add text or lower validation_split".into(),
            ));
        }
        let lengths = if options.bucket_by_length {
            if train.x.rank() != 2 {
                return Err(NnError::Config(
                    "bucket_by_length needs token ids [samples, time]".into(),
                ));
            }
            Some(token_counts(&train.x)?)
        } else {
            None
        };
        Ok(Self {
            loss,
            options: options.clone(),
            train,
            val,
            rng: StdRng::seed_from_u64(options.seed),
            order: (0..n as u32).collect(),
            epoch: 0,
            stopped: false,
            history: History {
                epochs: Vec::new(),
                batch_loss: Vec::new(),
                stop_reason: StopReason::Completed,
            },
            current: None,
            last_good: Vec::new(),
            lengths,
        })
    }

    /// Check that `model` may be trained with these options: cutting padding is exact only
    /// when the model masks it.
    fn check_model(&self, model: &Sequential) -> Result<()> {
        if self.lengths.is_some() && !model.masks_padding() {
            return Err(NnError::Config(
                "bucket_by_length needs an Embedding with mask_zero=True (an unmasked model \
                 computes on its padding, so cutting it would change the answers)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// This epoch's sample order: shuffled and, when bucketing, sorted by length within
    /// windows of [`BUCKET_WINDOW_BATCHES`] batches, the batches themselves then shuffled.
    fn start_epoch_order(&mut self) {
        if self.options.shuffle {
            self.order.shuffle(&mut self.rng);
        }
        let Some(lengths) = &self.lengths else {
            return;
        };
        let batch_size = self.options.batch_size;
        for window in self.order.chunks_mut(batch_size * BUCKET_WINDOW_BATCHES) {
            window.sort_by_key(|&i| lengths[i as usize]);
        }
        let mut batches: Vec<&[u32]> = self.order.chunks(batch_size).collect();
        if self.options.shuffle {
            batches.shuffle(&mut self.rng);
        }
        self.order = batches.concat();
    }

    /// The batch to train on next, padding cut when bucketing (starting an epoch when none
    /// is in progress); `None` once training has finished. [`Trainer::apply_batch`] then
    /// takes its gradient. A replica worker computes its shard of it
    /// ([`shard_of`]) and the summed gradient comes from all of them.
    pub fn next_batch(&mut self, model: &Sequential) -> Result<Option<Dataset>> {
        if self.finished() {
            return Ok(None);
        }
        let batch_size = self.options.batch_size;
        if self.current.is_none() {
            self.check_model(model)?;
            self.start_epoch_order();
            self.current = Some(EpochProgress {
                next_batch: 0,
                batches: self.order.len().div_ceil(batch_size),
                loss_sum: 0.0,
                correct: 0.0,
                seen: 0,
                seconds: 0.0,
            });
        }
        let b = self
            .current
            .as_ref()
            .expect("an epoch is in progress")
            .next_batch;
        let range = b * batch_size..((b + 1) * batch_size).min(self.order.len());
        let mut batch = self.train.select(&self.order[range])?;
        if self.lengths.is_some() {
            batch.x = trim_padding(&batch.x)?;
        }
        Ok(Some(batch))
    }

    /// Train one batch (starting an epoch when none is in progress). Returns the epoch's logs
    /// when this batch ended it. A page's worker calls this once per task, so a Stop is seen
    /// after at most one batch.
    pub fn run_batch(
        &mut self,
        model: &Sequential,
        optimizer: &mut Optimizer,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<Option<EpochLogs>> {
        let start = Instant::now();
        let Some(batch) = self.next_batch(model)? else {
            return Ok(None);
        };
        let step = batch_gradient(model, self.loss, &batch.x, &batch.y, self.options.workers)?;
        self.apply_batch(model, optimizer, step, start, callbacks)
    }

    /// Finish the batch [`Trainer::next_batch`] gave with its gradient (summed over every
    /// shard): the NaN check, one optimizer step, the running metrics, and at the end of an
    /// epoch the validation and the callbacks. `start` is when the batch's work began.
    pub fn apply_batch(
        &mut self,
        model: &Sequential,
        optimizer: &mut Optimizer,
        step: ShardGradient,
        start: Instant,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<Option<EpochLogs>> {
        let batch_size = self.options.batch_size;
        let epoch = self.epoch + 1;
        let Some(b) = self.current.as_ref().map(|c| c.next_batch) else {
            return Err(NnError::Config(
                "apply_batch needs a batch from next_batch".into(),
            ));
        };
        let chunk_len = step.samples;
        let batch_loss = (step.loss_sum / step.samples.max(1) as f64) as f32;
        let variables = model.trainable_variables();
        let progress = self.current.as_mut().expect("an epoch is in progress");
        if !batch_loss.is_finite() {
            self.stopped = true;
            // The last step made these weights; the ones before it gave a finite loss.
            for ((_, var), good) in variables.iter().zip(&self.last_good) {
                var.set(&Tensor::from_slice(good, var.dims(), &Device::Cpu)?)?;
            }
            return Err(NnError::NonFiniteLoss {
                epoch,
                batch: b + 1,
                loss: batch_loss,
            });
        }
        keep_copies(&variables, &mut self.last_good)?;
        optimizer.step_with_rows(&variables, &step.grads, &step.rows)?;
        progress.loss_sum += step.loss_sum;
        progress.correct += step.correct;
        progress.seen += chunk_len;
        progress.next_batch += 1;
        progress.seconds += start.elapsed().as_secs_f64();
        self.history.batch_loss.push(batch_loss);
        let event = Event::BatchEnd {
            epoch,
            batch: b + 1,
            batches: progress.batches,
            loss: (progress.loss_sum / progress.seen as f64) as f32,
            accuracy: (progress.correct / progress.seen as f64) as f32,
        };
        let more = progress.next_batch < progress.batches;
        if callbacks
            .iter_mut()
            .any(|c| c.on_event(&event, model) == Control::Stop)
        {
            self.stop(StopReason::Cancelled);
            return Ok(None);
        }
        if more {
            return Ok(None);
        }
        let done = self.current.take().expect("an epoch is in progress");
        let validation_start = Instant::now();
        let (val_loss, val_accuracy) = match &self.val {
            Some(v) => {
                let (l, a) = if self.lengths.is_some() {
                    evaluate_trimmed(model, self.loss, v, batch_size)?
                } else {
                    evaluate(model, self.loss, v, batch_size)?
                };
                (Some(l), Some(a))
            }
            None => (None, None),
        };
        let logs = EpochLogs {
            epoch,
            loss: (done.loss_sum / done.seen as f64) as f32,
            accuracy: (done.correct / done.seen as f64) as f32,
            val_loss,
            val_accuracy,
            samples_per_s: (done.seen as f64 / done.seconds.max(1e-9)) as f32,
            steps: done.batches,
            seconds: (done.seconds + validation_start.elapsed().as_secs_f64()) as f32,
        };
        self.epoch = epoch;
        self.history.epochs.push(logs.clone());
        let event = Event::EpochEnd(logs.clone());
        let mut stop = false;
        for c in callbacks.iter_mut() {
            stop |= c.on_event(&event, model) == Control::Stop;
        }
        if stop {
            self.stop(StopReason::EarlyStopping);
        }
        Ok(Some(logs))
    }

    /// All epochs done, or stopped by a callback or cancellation.
    /// The loss it trains with.
    pub fn loss(&self) -> Loss {
        self.loss
    }

    pub fn finished(&self) -> bool {
        self.stopped || self.epoch >= self.options.epochs
    }

    /// Epochs completed so far.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn into_history(self) -> History {
        self.history
    }

    /// Train the rest of the current epoch (a whole one when none is in progress); returns its
    /// logs, or `None` when it was cancelled part-way (the batches already done are kept, as
    /// in Keras). `cancelled` is checked before every batch.
    pub fn run_epoch(
        &mut self,
        model: &Sequential,
        optimizer: &mut Optimizer,
        callbacks: &mut [&mut dyn Callback],
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<EpochLogs>> {
        while !self.finished() {
            if cancelled() {
                self.stop(StopReason::Cancelled);
                return Ok(None);
            }
            if let Some(logs) = self.run_batch(model, optimizer, callbacks)? {
                return Ok(Some(logs));
            }
        }
        Ok(None)
    }

    /// Stop here (the page's Stop button); `resume` continues with the next epoch.
    pub fn stop(&mut self, reason: StopReason) {
        self.stopped = true;
        self.history.stop_reason = reason;
    }

    /// Continue after a Stop.
    pub fn resume(&mut self) {
        self.stopped = false;
        self.history.stop_reason = StopReason::Completed;
    }
}

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
fn mean_over_batches(
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
