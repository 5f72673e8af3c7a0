//! Keras' optimizers with Keras' defaults and update rules: `Adam`, `RMSprop`, `SGD` (with
//! momentum), each with an optional per-variable `clipnorm`.
//!
//! Each update is one fused pass over the variable, its gradient and the optimizer's slots
//! (a candle in-place op), so a 1M-parameter embedding costs one sweep per step, not ten.
//!
//! ```
//! use candle_core::{Device, Tensor, Var};
//! use rnn_playground::nn::{Optimizer, OptimizerConfig};
//!
//! let w = Var::new(&[1f32, 2.0], &Device::Cpu).unwrap();
//! let loss = (w.as_tensor() * 3.0).unwrap().sum_all().unwrap();
//! let grads = loss.backward().unwrap();
//! let mut adam = Optimizer::new(OptimizerConfig::adam(1e-3));
//! adam.step(&[("w".to_string(), w.clone())], &grads).unwrap();
//! // Adam's first step moves every weight by lr, against the gradient's sign.
//! assert_eq!(w.to_vec1::<f32>().unwrap(), vec![0.999, 1.999]);
//! ```

use std::cell::RefCell;
use std::collections::HashMap;

use candle_core::backprop::GradStore;
use candle_core::{CpuStorage, InplaceOp1, InplaceOp2, Layout, Tensor, TensorId, Var};
use serde::{Deserialize, Serialize};

use super::error::{NnError, Result};
use super::row_gradient::RowGradient;

/// An optimizer's kind and hyperparameters (Keras names and defaults).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name")]
pub enum OptimizerConfig {
    Adam {
        learning_rate: f32,
        beta_1: f32,
        beta_2: f32,
        epsilon: f32,
        clipnorm: Option<f32>,
    },
    RMSprop {
        learning_rate: f32,
        rho: f32,
        epsilon: f32,
        clipnorm: Option<f32>,
    },
    SGD {
        learning_rate: f32,
        momentum: f32,
        clipnorm: Option<f32>,
    },
}

impl OptimizerConfig {
    /// Keras' `Adam(learning_rate)`: β₁ 0.9, β₂ 0.999, ε 1e-7.
    pub fn adam(learning_rate: f32) -> Self {
        Self::Adam {
            learning_rate,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
            clipnorm: None,
        }
    }

    /// Keras' `RMSprop(learning_rate)`: ρ 0.9, ε 1e-7.
    pub fn rmsprop(learning_rate: f32) -> Self {
        Self::RMSprop {
            learning_rate,
            rho: 0.9,
            epsilon: 1e-7,
            clipnorm: None,
        }
    }

    /// Keras' `SGD(learning_rate, momentum)`.
    pub fn sgd(learning_rate: f32, momentum: f32) -> Self {
        Self::SGD {
            learning_rate,
            momentum,
            clipnorm: None,
        }
    }

    /// Clip each gradient tensor to this L2 norm before the update (Keras' `clipnorm`).
    pub fn with_clipnorm(mut self, norm: f32) -> Self {
        match &mut self {
            Self::Adam { clipnorm, .. }
            | Self::RMSprop { clipnorm, .. }
            | Self::SGD { clipnorm, .. } => *clipnorm = Some(norm),
        }
        self
    }

    /// Keras' name for it in `compile(optimizer=…)`: `adam`, `rmsprop`, `sgd`.
    pub fn keras_name(&self) -> &'static str {
        match self {
            Self::Adam { .. } => "adam",
            Self::RMSprop { .. } => "rmsprop",
            Self::SGD { .. } => "sgd",
        }
    }

    pub fn learning_rate(&self) -> f32 {
        match *self {
            Self::Adam { learning_rate, .. }
            | Self::RMSprop { learning_rate, .. }
            | Self::SGD { learning_rate, .. } => learning_rate,
        }
    }

    fn clipnorm(&self) -> Option<f32> {
        match *self {
            Self::Adam { clipnorm, .. }
            | Self::RMSprop { clipnorm, .. }
            | Self::SGD { clipnorm, .. } => clipnorm,
        }
    }

    /// The optimizer by name with Keras' defaults (`adam`, `rmsprop`, `sgd`).
    pub fn by_name(name: &str, learning_rate: f32) -> std::result::Result<Self, String> {
        match name.to_ascii_lowercase().as_str() {
            "adam" => Ok(Self::adam(learning_rate)),
            "rmsprop" => Ok(Self::rmsprop(learning_rate)),
            "sgd" => Ok(Self::sgd(learning_rate, 0.0)),
            other => Err(format!(
                "unknown optimizer {other:?}: use adam, rmsprop or sgd"
            )),
        }
    }
}

/// Per-variable slots: Adam's m and v, RMSprop's velocity, SGD's momentum.
#[derive(Default)]
struct Slots {
    first: Vec<f32>,
    second: Vec<f32>,
}

/// An optimizer with its state; `step` applies one update to every variable with a gradient.
pub struct Optimizer {
    pub config: OptimizerConfig,
    /// Number of updates applied so far (Keras' `iterations`).
    pub iterations: u64,
    slots: HashMap<String, Slots>,
}

impl Optimizer {
    pub fn new(config: OptimizerConfig) -> Self {
        Self {
            config,
            iterations: 0,
            slots: HashMap::new(),
        }
    }

    /// The variables Keras 3 counts for this optimizer on a model of `weights` parameters
    /// ("Optimizer params" in `summary()`): its slots (Adam's m and v, RMSprop's velocity,
    /// SGD's momentum when it has one), `iterations` and the learning rate.
    pub fn keras_variable_count(&self, weights: usize) -> usize {
        let slots = match self.config {
            OptimizerConfig::Adam { .. } => 2,
            OptimizerConfig::RMSprop { .. } => 1,
            OptimizerConfig::SGD { momentum, .. } => usize::from(momentum > 0.0),
        };
        slots * weights + 2
    }

    /// One update of every named variable that has a gradient in `grads`.
    pub fn step(&mut self, vars: &[(String, Var)], grads: &GradStore) -> Result<()> {
        self.step_with_rows(vars, grads, &HashMap::new())
    }

    /// [`Optimizer::step`] where some tables' gradients are given as rows (`rows`, by the
    /// table's tensor id; [`RowGradient`]): every row of such a table is updated, the rows
    /// not listed with a zero gradient, so the weights are the same as from the dense table.
    /// A table with both (a dense gradient from another path) gets their sum.
    pub fn step_with_rows(
        &mut self,
        vars: &[(String, Var)],
        grads: &GradStore,
        rows: &HashMap<TensorId, RowGradient>,
    ) -> Result<()> {
        self.iterations += 1;
        for (name, var) in vars {
            match (grads.get(var.as_tensor()), rows.get(&var.id())) {
                (Some(grad), None) => self.update(name, var, grad)?,
                (None, Some(r)) => self.update_rows(name, var, r)?,
                (Some(grad), Some(r)) => self.update(name, var, &r.add_to_dense(grad)?)?,
                (None, None) => {}
            }
        }
        Ok(())
    }

    /// One update of a `[rows, width]` table from its gradient at some rows (zero elsewhere).
    pub fn update_rows(&mut self, name: &str, var: &Var, grad: &RowGradient) -> Result<()> {
        let (rows, width) = var.as_tensor().dims2()?;
        if width != grad.width() || grad.min_table_rows() > rows {
            return Err(NnError::Config(format!(
                "the row gradient of {name} does not fit its [{rows}, {width}] table"
            )));
        }
        let (config, t) = (self.config, self.iterations.max(1));
        let slots = self.slots(name, rows * width);
        let op = RowsUpdateOp {
            config,
            t,
            grad,
            first: RefCell::new(std::mem::take(&mut slots.first)),
            second: RefCell::new(std::mem::take(&mut slots.second)),
        };
        let result = var.as_tensor().inplace_op1(&op);
        slots.first = op.first.into_inner();
        slots.second = op.second.into_inner();
        Ok(result?)
    }

    /// Every variable's slots by name: (first, second); Adam's m and v, RMSprop's velocity
    /// (and an unused second), SGD's momentum ([`crate::train::checkpoint`] saves them).
    pub fn slot_values(&self) -> Vec<(&str, &[f32], &[f32])> {
        let mut out: Vec<_> = self
            .slots
            .iter()
            .map(|(n, s)| (n.as_str(), s.first.as_slice(), s.second.as_slice()))
            .collect();
        out.sort_by_key(|s| s.0);
        out
    }

    /// Put back the slots of variable `name` (of `n` values) that [`Optimizer::slot_values`]
    /// gave.
    pub fn restore_slot(
        &mut self,
        name: &str,
        first: Vec<f32>,
        second: Vec<f32>,
        n: usize,
    ) -> Result<()> {
        if first.len() != n || second.len() != n {
            return Err(NnError::Load(format!(
                "the optimizer slots of {name} have {} values, the variable {n}",
                first.len()
            )));
        }
        self.slots.insert(name.to_string(), Slots { first, second });
        Ok(())
    }

    /// The slots of variable `name` with `n` values (made, or remade at zero, when needed).
    fn slots(&mut self, name: &str, n: usize) -> &mut Slots {
        let slots = self.slots.entry(name.to_string()).or_default();
        if slots.first.len() != n {
            slots.first = vec![0.0; n];
            slots.second = vec![0.0; n];
        }
        slots
    }

    /// One update of a single variable with its gradient (the iteration counter is the
    /// caller's: `step` increments it once for all variables).
    pub fn update(&mut self, name: &str, var: &Var, grad: &Tensor) -> Result<()> {
        let grad = grad.to_dtype(candle_core::DType::F32)?.contiguous()?;
        if grad.dims() != var.dims() {
            return Err(NnError::Config(format!(
                "gradient of {name} has shape {:?}, the variable {:?}",
                grad.dims(),
                var.dims()
            )));
        }
        let (config, t) = (self.config, self.iterations.max(1));
        let slots = self.slots(name, var.elem_count());
        let op = UpdateOp {
            config,
            t,
            first: RefCell::new(std::mem::take(&mut slots.first)),
            second: RefCell::new(std::mem::take(&mut slots.second)),
        };
        let result = var.as_tensor().inplace_op2(&grad, &op);
        slots.first = op.first.into_inner();
        slots.second = op.second.into_inner();
        Ok(result?)
    }
}

/// The fused update: reads the gradient, updates the slots and the variable in one pass.
struct UpdateOp {
    config: OptimizerConfig,
    t: u64,
    first: RefCell<Vec<f32>>,
    second: RefCell<Vec<f32>>,
}

impl InplaceOp2 for UpdateOp {
    fn name(&self) -> &'static str {
        "keras-optimizer-update"
    }

    fn cpu_fwd(
        &self,
        s1: &mut CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<()> {
        let grad = super::f32_slice(s2, l2, "optimizer: the gradient")?;
        let w = weights_mut(s1, l1)?;
        let mut first = self.first.borrow_mut();
        let mut second = self.second.borrow_mut();
        let scale = clip_scale(self.config, grad);
        let (first, second) = (first.as_mut_slice(), second.as_mut_slice());
        #[cfg(not(target_arch = "wasm32"))]
        if w.len() >= 1 << 16 {
            // Big tables (the embedding) are memory-bound: split them over the cores.
            use rayon::prelude::*;
            const CHUNK: usize = 1 << 14;
            let (config, t) = (self.config, self.t);
            w.par_chunks_mut(CHUNK)
                .zip(grad.par_chunks(CHUNK))
                .zip(
                    first
                        .par_chunks_mut(CHUNK)
                        .zip(second.par_chunks_mut(CHUNK)),
                )
                .for_each(|((w, g), (m, v))| apply(config, t, scale, w, g, m, v));
            return Ok(());
        }
        apply(self.config, self.t, scale, w, grad, first, second);
        Ok(())
    }
}

/// The fused update of a table from a [`RowGradient`]: the rows listed take their gradient,
/// the others zero (Adam's moments still decay there, as with the dense table).
struct RowsUpdateOp<'a> {
    config: OptimizerConfig,
    t: u64,
    grad: &'a RowGradient,
    first: RefCell<Vec<f32>>,
    second: RefCell<Vec<f32>>,
}

/// Zeros for the rows a [`RowGradient`] leaves out, fed to [`apply`] a stretch at a time so
/// that those rows go through exactly the arithmetic of a dense zero gradient.
static ZEROS: [f32; 1024] = [0.0; 1024];

impl InplaceOp1 for RowsUpdateOp<'_> {
    fn name(&self) -> &'static str {
        "keras-optimizer-row-update"
    }

    fn cpu_fwd(&self, s1: &mut CpuStorage, l1: &Layout) -> candle_core::Result<()> {
        let w = weights_mut(s1, l1)?;
        let mut first = self.first.borrow_mut();
        let mut second = self.second.borrow_mut();
        let (grad, width) = (self.grad, self.grad.width());
        // The dense table's norm adds the same squares in the same order, plus zeros.
        let scale = clip_scale(self.config, grad.values());
        let (config, t) = (self.config, self.t);
        // Rows `first_row..` of the table, in `w`, `m`, `v`.
        let update = |first_row: usize, w: &mut [f32], m: &mut [f32], v: &mut [f32]| {
            let n_rows = w.len() / width.max(1);
            let listed = grad.rows();
            let mut k = listed.partition_point(|&r| (r as usize) < first_row);
            let mut row = 0;
            while row < n_rows {
                let next = listed
                    .get(k)
                    .map_or(n_rows, |&r| (r as usize - first_row).min(n_rows));
                // Rows row..next have no gradient.
                let mut at = row * width;
                while at < next * width {
                    let len = (next * width - at).min(ZEROS.len());
                    let span = at..at + len;
                    apply(
                        config,
                        t,
                        scale,
                        &mut w[span.clone()],
                        &ZEROS[..len],
                        &mut m[span.clone()],
                        &mut v[span],
                    );
                    at += len;
                }
                if next < n_rows {
                    let span = next * width..(next + 1) * width;
                    apply(
                        config,
                        t,
                        scale,
                        &mut w[span.clone()],
                        &grad.values()[k * width..(k + 1) * width],
                        &mut m[span.clone()],
                        &mut v[span],
                    );
                    k += 1;
                }
                row = next + 1;
            }
        };
        let (first, second) = (first.as_mut_slice(), second.as_mut_slice());
        #[cfg(not(target_arch = "wasm32"))]
        if w.len() >= 1 << 16 && width > 0 {
            // Big tables are memory-bound: split them over the cores.
            use rayon::prelude::*;
            let chunk = ((1 << 14) / width).max(1) * width;
            w.par_chunks_mut(chunk)
                .zip(
                    first
                        .par_chunks_mut(chunk)
                        .zip(second.par_chunks_mut(chunk)),
                )
                .enumerate()
                .for_each(|(i, (w, (m, v)))| update(i * chunk / width, w, m, v));
            return Ok(());
        }
        update(0, w, first, second);
        Ok(())
    }
}

/// The weights an in-place update writes (f32, contiguous).
fn weights_mut<'a>(s: &'a mut CpuStorage, l: &Layout) -> candle_core::Result<&'a mut [f32]> {
    let CpuStorage::F32(data) = s else {
        candle_core::bail!("optimizer: expected f32 weights")
    };
    let Some((start, end)) = l.contiguous_offsets() else {
        candle_core::bail!("optimizer: expected contiguous weights")
    };
    Ok(&mut data[start..end])
}

/// Keras' clipnorm: g · clipnorm / max(‖g‖, clipnorm), per variable (1 without clipnorm).
fn clip_scale(config: OptimizerConfig, grad: &[f32]) -> f32 {
    match config.clipnorm() {
        Some(c) => {
            let norm = grad.iter().map(|g| g * g).sum::<f32>().sqrt();
            c / norm.max(c)
        }
        None => 1.0,
    }
}

/// The update rule over one stretch of a variable, its gradient and its two slots.
fn apply(
    config: OptimizerConfig,
    t: u64,
    scale: f32,
    w: &mut [f32],
    grad: &[f32],
    first: &mut [f32],
    second: &mut [f32],
) {
    // Zipped iterators (no bounds checks) so the loops vectorize.
    let pairs = w
        .iter_mut()
        .zip(grad.iter())
        .zip(first.iter_mut().zip(second.iter_mut()));
    match config {
        OptimizerConfig::Adam {
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            ..
        } => {
            let t = t as i32;
            let alpha = learning_rate * (1.0 - beta_2.powi(t)).sqrt() / (1.0 - beta_1.powi(t));
            for ((w, g), (m, v)) in pairs {
                let g = g * scale;
                *m += (g - *m) * (1.0 - beta_1);
                *v += (g * g - *v) * (1.0 - beta_2);
                *w -= alpha * *m / (v.sqrt() + epsilon);
            }
        }
        OptimizerConfig::RMSprop {
            learning_rate,
            rho,
            epsilon,
            ..
        } => {
            for ((w, g), (_, v)) in pairs {
                let g = g * scale;
                *v = rho * *v + (1.0 - rho) * g * g;
                *w -= learning_rate * g / (*v + epsilon).sqrt();
            }
        }
        OptimizerConfig::SGD {
            learning_rate,
            momentum,
            ..
        } => {
            for ((w, g), (m, _)) in pairs {
                let g = g * scale;
                if momentum > 0.0 {
                    *m = momentum * *m - learning_rate * g;
                    *w += *m;
                } else {
                    *w -= learning_rate * g;
                }
            }
        }
    }
}
