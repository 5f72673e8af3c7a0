//! One replica's side of data-parallel training across workers that share no memory (the
//! page's workers, on any static host). Every replica holds the same model (same seed), the
//! same data and the same trainer, so they take the same batches in the same order. For each
//! batch a replica computes the gradient of its shard ([`super::shard_of`]), broadcasts it
//! ([`super::shard_wire`]), and once it holds all K shards of that batch it sums them in
//! replica order and takes the optimizer step: the same sum everywhere, so the weights stay
//! bit-identical, and equal to one worker's up to float summation order.
//!
//! The transport is the caller's: [`Replica::begin`] returns the bytes to send, and
//! [`Replica::receive`] takes the peers' bytes in any order (a fast replica's next batch may
//! arrive before a slow one's current batch).
//!
//! ```
//! use rnn_playground::train::replica::Replica;
//!
//! let r = Replica::new(1, 2);
//! assert_eq!((r.index(), r.count(), r.step()), (1, 2, 0));
//! assert!(!r.waiting());
//! ```

use std::collections::BTreeMap;

use web_time::Instant;

use super::shard_wire::{decode, encode};
use super::{Callback, EpochLogs, ShardGradient, Trainer, shard_gradient, shard_of, sum_shards};
use crate::nn::{NnError, Optimizer, Result, Sequential};

/// Where a replica's time goes, summed over the batches it stepped since
/// [`Replica::reset_stages`]: what the page's 2-worker figure is made of.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// Batches stepped.
    pub batches: u64,
    /// Computing this replica's shard: forward, backward and encoding (seconds).
    pub shard_s: f64,
    /// From sending the shard until every peer's was here and [`Replica::finish`] ran.
    pub wait_s: f64,
    /// Decoding the peers' shards, summing them and the optimizer step.
    pub step_s: f64,
}

impl StageTimes {
    /// Milliseconds per batch of each stage: `[shard, wait, step]`.
    pub fn per_batch_ms(&self) -> [f64; 3] {
        let n = self.batches.max(1) as f64;
        [self.shard_s, self.wait_s, self.step_s].map(|s| s * 1000.0 / n)
    }
}

/// What [`Replica::finish`] did.
#[derive(Debug, PartialEq)]
pub enum Finish {
    /// Some shards of the current batch have not arrived yet.
    Waiting,
    /// The batch's step was taken; the epoch's logs when it ended one.
    Stepped(Option<EpochLogs>),
}

pub struct Replica {
    index: usize,
    count: usize,
    /// Batches stepped since training began.
    step: u64,
    /// This replica's shard of the current batch, once computed: when its work began and
    /// when it went out.
    own: Option<(ShardGradient, Instant, Instant)>,
    /// Peers' messages by batch, then by replica index.
    received: BTreeMap<u64, BTreeMap<u32, Vec<u8>>>,
    stages: StageTimes,
}

impl Replica {
    pub fn new(index: usize, count: usize) -> Self {
        Self {
            index,
            count: count.max(1),
            step: 0,
            own: None,
            received: BTreeMap::new(),
            stages: StageTimes::default(),
        }
    }

    pub fn index(&self) -> usize {
        self.index
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    /// Where this replica's time went since training began (or the last reset).
    pub fn stages(&self) -> StageTimes {
        self.stages
    }

    /// Start timing the stages afresh (after a benchmark's warm-up batches).
    pub fn reset_stages(&mut self) {
        self.stages = StageTimes::default();
    }

    /// This replica's shard is computed and sent, and it waits for the others.
    pub fn waiting(&self) -> bool {
        self.own.is_some()
    }

    /// Compute this replica's shard of the next batch: the bytes to send to every peer.
    /// `None` when training has finished (or this batch's shard is already out).
    pub fn begin(&mut self, trainer: &mut Trainer, model: &Sequential) -> Result<Option<Vec<u8>>> {
        if self.own.is_some() {
            return Ok(None);
        }
        let start = Instant::now();
        let Some(batch) = trainer.next_batch(model)? else {
            return Ok(None);
        };
        let n = batch.x.dim(0)?;
        let part = shard_of(n, self.index, self.count);
        let x = batch.x.narrow(0, part.start, part.len())?.contiguous()?;
        let y = batch.y.narrow(0, part.start, part.len())?.contiguous()?;
        let shard = shard_gradient(model, trainer.loss(), &x, &y, n)?;
        let bytes = encode(
            self.step,
            self.index as u32,
            &shard,
            &model.trainable_variables(),
        )?;
        let sent = Instant::now();
        self.stages.shard_s += (sent - start).as_secs_f64();
        self.own = Some((shard, start, sent));
        Ok(Some(bytes))
    }

    /// A peer's message (any batch; a message of a batch already stepped is dropped).
    pub fn receive(&mut self, bytes: Vec<u8>) -> Result<()> {
        let (step, from) = super::shard_wire::header(&bytes)?;
        if step >= self.step && from as usize != self.index && (from as usize) < self.count {
            self.received.entry(step).or_default().insert(from, bytes);
        }
        Ok(())
    }

    /// When every shard of the current batch is here: sum them in replica order and step.
    pub fn finish(
        &mut self,
        trainer: &mut Trainer,
        model: &Sequential,
        optimizer: &mut Optimizer,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<Finish> {
        let have = self.received.get(&self.step).map_or(0, BTreeMap::len);
        if self.own.is_none() || have + 1 < self.count {
            return Ok(Finish::Waiting);
        }
        let ready = Instant::now();
        let (own, start, sent) = self.own.take().expect("checked above");
        self.stages.wait_s += (ready - sent).as_secs_f64();
        let mut peers = self.received.remove(&self.step).unwrap_or_default();
        let variables = model.trainable_variables();
        let mut shards = Vec::with_capacity(self.count);
        let mut own = Some(own);
        for i in 0..self.count {
            if i == self.index {
                shards.push(own.take().expect("one own shard"));
            } else {
                let bytes = peers
                    .remove(&(i as u32))
                    .ok_or_else(|| NnError::Load(format!("replica {i}'s shard is missing")))?;
                shards.push(decode(&bytes, &variables)?.2);
            }
        }
        let total = sum_shards(shards, &variables)?;
        self.step += 1;
        let logs = trainer.apply_batch(model, optimizer, total, start, callbacks)?;
        self.stages.step_s += ready.elapsed().as_secs_f64();
        self.stages.batches += 1;
        Ok(Finish::Stepped(logs))
    }
}
