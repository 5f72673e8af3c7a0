//! Callbacks: progress events for progress bars and live curves, and Keras' `EarlyStopping`.

use std::collections::HashMap;

use candle_core::Tensor;
use serde::{Deserialize, Serialize};

use super::EpochLogs;
use crate::nn::{Result, Sequential};

/// What early stopping has seen so far ([`EarlyStopping`]'s state without its weights): what a
/// checkpoint stores of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyState {
    pub best: Option<f32>,
    pub wait: usize,
    pub best_epoch: Option<usize>,
    pub stopped_epoch: Option<usize>,
}

/// What `fit` reports while it trains.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// After each batch: running means over the epoch so far (what Keras' progress bar shows).
    BatchEnd {
        epoch: usize,
        batch: usize,
        batches: usize,
        loss: f32,
        accuracy: f32,
    },
    /// After each epoch, with validation figures when there is a validation split.
    EpochEnd(EpochLogs),
}

/// Whether training goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

/// Something `fit` calls after every batch and epoch.
pub trait Callback {
    fn on_event(&mut self, event: &Event, model: &Sequential) -> Control;

    fn on_train_end(&mut self, _model: &Sequential) -> Result<()> {
        Ok(())
    }
}

/// Any closure over events is a callback (progress printing, streaming to the page).
impl<F: FnMut(&Event) -> Control> Callback for F {
    fn on_event(&mut self, event: &Event, _model: &Sequential) -> Control {
        self(event)
    }
}

/// The quantity `EarlyStopping` watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Monitor {
    Loss,
    Accuracy,
    ValLoss,
    ValAccuracy,
}

impl Monitor {
    fn value(self, logs: &EpochLogs) -> Option<f32> {
        match self {
            Monitor::Loss => Some(logs.loss),
            Monitor::Accuracy => Some(logs.accuracy),
            Monitor::ValLoss => logs.val_loss,
            Monitor::ValAccuracy => logs.val_accuracy,
        }
    }

    fn higher_is_better(self) -> bool {
        matches!(self, Monitor::Accuracy | Monitor::ValAccuracy)
    }
}

/// Keras' `EarlyStopping(monitor, min_delta, patience, restore_best_weights)`.
pub struct EarlyStopping {
    pub monitor: Monitor,
    pub min_delta: f32,
    pub patience: usize,
    pub restore_best_weights: bool,
    best: Option<f32>,
    wait: usize,
    best_weights: Option<HashMap<String, Tensor>>,
    /// The epoch (1-based) at which training was stopped, if it was.
    pub stopped_epoch: Option<usize>,
    /// The epoch (1-based) with the best monitored value.
    pub best_epoch: Option<usize>,
}

impl EarlyStopping {
    pub fn new(monitor: Monitor, patience: usize, restore_best_weights: bool) -> Self {
        Self {
            monitor,
            min_delta: 0.0,
            patience,
            restore_best_weights,
            best: None,
            wait: 0,
            best_weights: None,
            stopped_epoch: None,
            best_epoch: None,
        }
    }

    /// What it has seen, and the best weights it keeps (a checkpoint stores them).
    pub fn state(&self) -> (EarlyState, Option<&HashMap<String, Tensor>>) {
        (
            EarlyState {
                best: self.best,
                wait: self.wait,
                best_epoch: self.best_epoch,
                stopped_epoch: self.stopped_epoch,
            },
            self.best_weights.as_ref(),
        )
    }

    /// Take up from a [`EarlyStopping::state`].
    pub fn restore(&mut self, state: EarlyState, best_weights: Option<HashMap<String, Tensor>>) {
        self.best = state.best;
        self.wait = state.wait;
        self.best_epoch = state.best_epoch;
        self.stopped_epoch = state.stopped_epoch;
        self.best_weights = best_weights;
    }

    fn improves(&self, current: f32) -> bool {
        match self.best {
            None => true,
            Some(best) if self.monitor.higher_is_better() => current - self.min_delta > best,
            Some(best) => current + self.min_delta < best,
        }
    }
}

impl Callback for EarlyStopping {
    fn on_event(&mut self, event: &Event, model: &Sequential) -> Control {
        let Event::EpochEnd(logs) = event else {
            return Control::Continue;
        };
        let Some(current) = self.monitor.value(logs) else {
            return Control::Continue;
        };
        if self.restore_best_weights && self.best_weights.is_none() {
            self.best_weights = model.state_dict().ok();
        }
        self.wait += 1;
        if self.improves(current) {
            self.best = Some(current);
            self.best_epoch = Some(logs.epoch);
            self.wait = 0;
            if self.restore_best_weights {
                self.best_weights = model.state_dict().ok();
            }
            return Control::Continue;
        }
        if self.wait >= self.patience && logs.epoch > 1 {
            self.stopped_epoch = Some(logs.epoch);
            if let (true, Some(best)) = (self.restore_best_weights, &self.best_weights) {
                // The weights were saved from this very model, so they always fit.
                let _ = model.load_state_dict(best);
            }
            return Control::Stop;
        }
        Control::Continue
    }
}
