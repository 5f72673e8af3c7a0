//! Vanishing and exploding gradients (lecture 10): how much the last hidden state h_T still
//! depends on an earlier one, ‖∂h_T/∂h_t‖, as T − t grows.
//!
//! The recurrent kernel `W_hh` starts orthogonal (Keras' initialiser: every eigenvalue on the
//! unit circle) and is multiplied by `scale`, so its spectral radius is exactly `scale`. Backprop
//! multiplies one `diag(f'(·))·W_hh` per step: below 1 the product shrinks geometrically
//! (vanishing), above 1 it can grow (exploding). The LSTM's and GRU's recurrent kernels get the
//! same scale; their gates let the gradient through for longer when they stay open (the forget
//! gate f of the LSTM, the update gate z of the GRU near 1: see `memory_bias`). For the LSTM the
//! norm counts both of its states, h_t and the cell state c_t.
//!
//! The whole Jacobian comes from one backward pass: the sequence runs as a batch of `units`
//! identical copies, and copy k's loss is `h_T[k]`, so row k of the gradient at h_t is
//! ∂h_T[k]/∂h_t. Norms are Frobenius norms divided by √units (1 at T − t = 0).
//!
//! ```
//! use rnn_playground::lab::gradients::{GradientConfig, curves};
//!
//! let small = curves(&GradientConfig { scale: 0.5, ..GradientConfig::default() }).unwrap();
//! let rnn = &small.curves[0];
//! assert!(rnn.norms[10] < 1e-2 * rnn.norms[0]);
//! ```

use candle_core::{DType, Device, Tensor, Var};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

use super::{LabError, Result};
use crate::nn::{Activation, CellKind, Recurrent, RnnState};

/// The vanilla RNN's activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RnnActivation {
    Tanh,
    Relu,
    Linear,
}

impl RnnActivation {
    pub fn name(self) -> &'static str {
        match self {
            RnnActivation::Tanh => "tanh",
            RnnActivation::Relu => "relu",
            RnnActivation::Linear => "linear",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientConfig {
    /// Spectral radius of `W_hh` (0.1 … 2).
    pub scale: f32,
    pub activation: RnnActivation,
    pub units: usize,
    /// Sequence length T.
    pub steps: usize,
    /// Standard deviation of the random inputs.
    pub input_scale: f32,
    /// Bias of the gate that keeps memory: the LSTM's forget gate (Keras starts it at 1,
    /// `unit_forget_bias`) and the GRU's update gate z (Keras: 0). Larger keeps the gate open
    /// (f, z → 1) and the gradient alive.
    pub memory_bias: f32,
    pub seed: u64,
}

impl Default for GradientConfig {
    fn default() -> Self {
        Self {
            scale: 1.0,
            activation: RnnActivation::Tanh,
            units: 16,
            steps: 40,
            input_scale: 0.1,
            memory_bias: 1.0,
            seed: 3,
        }
    }
}

/// ‖∂h_T/∂h_t‖ for t = T, T−1, …, 1 (`norms[k]` is at T − t = k).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientCurve {
    pub name: String,
    pub norms: Vec<f32>,
    /// Geometric mean of norms[k+1] / norms[k] over the curve: below 1 vanishing, above 1
    /// exploding.
    pub factor_per_step: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientCurves {
    /// The vanilla RNN, the LSTM and the GRU, in that order.
    pub curves: Vec<GradientCurve>,
}

fn check(config: &GradientConfig) -> Result<()> {
    if !(config.scale.is_finite() && (0.0..=3.0).contains(&config.scale)) {
        return Err(LabError::input(
            format!(
                "W_hh의 배율은 0과 3 사이여야 합니다 (받은 값 {})",
                config.scale
            ),
            format!(
                "the scale of W_hh must be between 0 and 3, got {}",
                config.scale
            ),
        ));
    }
    if !(1..=64).contains(&config.units) || !(2..=200).contains(&config.steps) {
        return Err(LabError::input(
            "유닛은 1~64개, 시점은 2~200개로 정하세요",
            "use 1 to 64 units and 2 to 200 time steps",
        ));
    }
    if !(config.memory_bias.is_finite() && config.memory_bias.abs() <= 10.0) {
        return Err(LabError::input(
            "게이트 편향은 −10과 10 사이여야 합니다",
            "the gate bias must be between −10 and 10",
        ));
    }
    if !(config.input_scale.is_finite() && config.input_scale >= 0.0) {
        return Err(LabError::input(
            "입력 크기 배율은 0 이상이어야 합니다",
            "the input scale must be 0 or more",
        ));
    }
    Ok(())
}

/// The curves of the vanilla RNN (with `config.activation`), an LSTM and a GRU.
pub fn curves(config: &GradientConfig) -> Result<GradientCurves> {
    check(config)?;
    let u = config.units;
    let normal = Normal::new(0f32, 1.0).expect("a valid normal");
    let mut rng = StdRng::seed_from_u64(config.seed);
    let inputs: Vec<f32> = (0..config.steps * u)
        .map(|_| normal.sample(&mut rng) * config.input_scale)
        .collect();
    let inputs = Tensor::from_vec(inputs, (config.steps, 1, u), &Device::Cpu)?;
    let mut out = Vec::new();
    for (kind, name) in [
        (
            CellKind::SimpleRnn,
            format!("SimpleRNN ({})", config.activation.name()),
        ),
        (CellKind::Lstm, "LSTM".to_string()),
        (CellKind::Gru, "GRU".to_string()),
    ] {
        let mut layer = Recurrent::new(kind, u, u, config.seed.wrapping_add(11));
        layer.recurrent_kernel =
            Var::from_tensor(&(layer.recurrent_kernel.as_tensor() * config.scale as f64)?)?;
        if let Some(bias) = &layer.bias {
            // LSTM bias [i f c o]: the forget block; GRU bias [[z r h] input, [z r h]
            // recurrent]: the input bias of z.
            let mut b = bias.as_tensor().flatten_all()?.to_vec1::<f32>()?;
            match kind {
                CellKind::Lstm => b[u..2 * u].fill(config.memory_bias),
                CellKind::Gru => b[..u].fill(config.memory_bias),
                CellKind::SimpleRnn => {}
            }
            let shaped = Tensor::from_vec(b, bias.as_tensor().shape(), &Device::Cpu)?;
            layer.bias = Some(Var::from_tensor(&shaped)?);
        }
        let activation = match (kind, config.activation) {
            (CellKind::SimpleRnn, RnnActivation::Relu) => Some(Activation::Relu),
            (CellKind::SimpleRnn, RnnActivation::Linear) => Some(Activation::Linear),
            _ => None, // the layer's own tanh / gates
        };
        let norms = jacobian_norms(&layer, activation, &inputs)?;
        out.push(GradientCurve {
            name,
            factor_per_step: factor(&norms),
            norms,
        });
    }
    Ok(GradientCurves { curves: out })
}

/// ‖∂h_T/∂h_t‖_F / √units for every t, by one backward pass through `units` copies.
fn jacobian_norms(
    layer: &Recurrent,
    activation: Option<Activation>,
    inputs: &Tensor,
) -> Result<Vec<f32>> {
    let (steps, u) = (inputs.dim(0)?, layer.units);
    let mut state = layer.zero_state(u, &Device::Cpu)?;
    // candle keeps the gradients of variables only, so each h_t gets a zero variable added
    // (a probe): ∂L/∂probe_t = ∂L/∂h_t.
    let mut probes = Vec::with_capacity(steps);
    for t in 0..steps {
        let x = inputs.get(t)?.broadcast_as((u, u))?.contiguous()?;
        state = match activation {
            None => layer.step(&x, &state)?.0,
            // SimpleRNN with another activation: the same weights, f(x·W + h·U + b).
            Some(f) => {
                let mut pre = (x.matmul(layer.kernel.as_tensor())?
                    + state.h.matmul(layer.recurrent_kernel.as_tensor())?)?;
                if let Some(b) = &layer.bias {
                    pre = pre.broadcast_add(b.as_tensor())?;
                }
                RnnState {
                    h: f.apply(&pre)?,
                    c: None,
                }
            }
        };
        let probe = Var::zeros((u, u), DType::F32, &Device::Cpu)?;
        state.h = (&state.h + probe.as_tensor())?;
        // The LSTM carries a second state: its gradient counts too (the cell state is the
        // LSTM's highway).
        let cell_probe = match &state.c {
            Some(c) => {
                let p = Var::zeros((u, u), DType::F32, &Device::Cpu)?;
                state.c = Some((c + p.as_tensor())?);
                Some(p)
            }
            None => None,
        };
        probes.push((probe, cell_probe));
    }
    let pick = Tensor::eye(u, DType::F32, &Device::Cpu)?;
    let grads = (&state.h * &pick)?.sum_all()?.backward()?;
    let scale = (u as f32).sqrt();
    probes
        .iter()
        .rev()
        .map(|(h, c)| {
            let mut squares = 0f32;
            // No gradient stored means no path back (e.g. every relu unit off): zero.
            for probe in std::iter::once(h).chain(c) {
                if let Some(g) = grads.get(probe.as_tensor()) {
                    squares += g.sqr()?.sum_all()?.to_scalar::<f32>()?;
                }
            }
            Ok(squares.sqrt() / scale)
        })
        .collect()
}

fn factor(norms: &[f32]) -> f32 {
    let (first, last) = (norms.get(1).copied(), norms.last().copied());
    match (first, last) {
        (Some(a), Some(b)) if norms.len() > 2 && a > 0.0 && b > 0.0 => {
            (b / a).powf(1.0 / (norms.len() - 2) as f32)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(scale: f32, activation: RnnActivation) -> GradientConfig {
        GradientConfig {
            scale,
            activation,
            ..GradientConfig::default()
        }
    }

    #[test]
    fn a_linear_rnn_scales_the_gradient_by_the_spectral_radius_each_step() {
        // With f = identity, ∂h_T/∂h_t = W_hhᵀ^(T−t) and W_hh = s·Q (Q orthogonal), so the
        // normalised Frobenius norm is exactly s^(T−t).
        for s in [0.5f32, 1.0, 1.5] {
            let c = curves(&config(s, RnnActivation::Linear)).unwrap();
            let rnn = &c.curves[0];
            for (k, n) in rnn.norms.iter().enumerate().take(30) {
                let want = s.powi(k as i32);
                assert!(
                    (n - want).abs() <= 1e-3 * want,
                    "s={s} k={k}: {n} vs {want}"
                );
            }
            assert!((rnn.factor_per_step - s).abs() < 1e-3);
        }
    }

    #[test]
    fn tanh_vanishes_below_one_and_explodes_above() {
        let small = curves(&config(0.5, RnnActivation::Tanh)).unwrap();
        assert!(small.curves[0].factor_per_step < 0.6);
        assert!(small.curves[0].norms[20] < 1e-5);
        let big = curves(&config(1.5, RnnActivation::Tanh)).unwrap();
        assert!(
            big.curves[0].factor_per_step > 1.0,
            "{:?}",
            big.curves[0].norms
        );
        assert!(big.curves[0].norms[39] > 10.0);
    }

    #[test]
    fn the_curve_at_zero_distance_is_one_and_lstm_gru_are_drawn() {
        let c = curves(&GradientConfig::default()).unwrap();
        assert_eq!(c.curves.len(), 3);
        for curve in &c.curves {
            assert_eq!(curve.norms.len(), 40);
            assert!((curve.norms[0] - 1.0).abs() < 1e-5, "{}", curve.name);
            assert!(curve.norms.iter().all(|n| n.is_finite()));
        }
    }

    #[test]
    fn an_open_memory_gate_keeps_the_gradient_alive() {
        let shut = curves(&GradientConfig {
            memory_bias: 0.0,
            ..GradientConfig::default()
        })
        .unwrap();
        let open = curves(&GradientConfig {
            memory_bias: 4.0,
            ..GradientConfig::default()
        })
        .unwrap();
        for cell in [1, 2] {
            assert!(
                open.curves[cell].norms[30] > 100.0 * shut.curves[cell].norms[30],
                "{}: {} vs {}",
                open.curves[cell].name,
                open.curves[cell].norms[30],
                shut.curves[cell].norms[30]
            );
        }
        // f = σ(4) ≈ 0.982: the LSTM's gradient decays by about that much per step.
        assert!(open.curves[1].factor_per_step > 0.95);
    }

    #[test]
    fn bad_settings_are_explained() {
        assert!(curves(&config(f32::NAN, RnnActivation::Tanh)).is_err());
        assert!(
            curves(&GradientConfig {
                steps: 1,
                ..GradientConfig::default()
            })
            .is_err()
        );
    }
}
