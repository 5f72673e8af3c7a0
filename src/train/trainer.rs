//! The training loop: [`fit`] as Keras runs it, and the [`Trainer`] that advances it one batch
//! at a time (the page's worker yields between batches), with shuffling, length buckets,
//! callbacks and the optimizer's step.

use candle_core::{Device, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::dataset::token_counts;
use super::eval::{evaluate, evaluate_trimmed};
use super::shard::{ShardGradient, batch_gradient};
use super::{Callback, Control, Dataset, EpochLogs, Event, History, StopReason, trim_padding};
use crate::nn::{Loss, NnError, Optimizer, Result, Sequential};

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

/// How many batches are sorted by length together: enough that most batches hold reviews of
/// one length, few enough that an epoch still mixes short and long reviews batch by batch.
pub(super) const BUCKET_WINDOW_BATCHES: usize = 64;

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
pub(super) fn keep_copies(
    variables: &[(String, candle_core::Var)],
    into: &mut Vec<Vec<f32>>,
) -> Result<()> {
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
    pub(super) loss: Loss,
    pub(super) options: FitOptions,
    pub(super) train: Dataset,
    pub(super) val: Option<Dataset>,
    pub(super) rng: StdRng,
    pub(super) order: Vec<u32>,
    pub(super) epoch: usize,
    pub(super) stopped: bool,
    pub(super) history: History,
    /// The epoch in progress, when training is advanced batch by batch.
    pub(super) current: Option<EpochProgress>,
    /// The weights before the last optimizer step: they gave a finite loss. A NaN or infinite
    /// loss puts them back (Keras' TerminateOnNaN keeps the broken ones).
    /// Reused buffers: copying into them costs one memcpy per step and no allocation.
    pub(super) last_good: Vec<Vec<f32>>,
    /// Tokens per training sample, when batches are bucketed by length.
    pub(super) lengths: Option<Vec<usize>>,
}

/// Running sums of the epoch in progress.
pub(super) struct EpochProgress {
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
    pub(super) fn start_epoch_order(&mut self) {
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
