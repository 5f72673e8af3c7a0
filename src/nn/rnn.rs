//! Keras' recurrent layers `SimpleRNN`, `LSTM` and `GRU`, with Keras' weight layouts (gate
//! order LSTM i, f, c, o; GRU z, r, h), defaults and masking, so Keras weights map one to one.
//!
//! The hidden state is the lecture's `h_t = tanh(x_t · W_xh + h_{t-1} · W_hh + b)`; Keras calls
//! `W_xh` the `kernel` and `W_hh` the `recurrent_kernel`.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::Recurrent;
//!
//! let rnn = Recurrent::simple_rnn(10, 32, 0);
//! let x = Tensor::zeros((2, 5, 10), candle_core::DType::F32, &Device::Cpu).unwrap();
//! let out = rnn.forward(&x, None).unwrap();
//! assert_eq!(out.output.dims(), &[2, 32]); // return_sequences = false: the last hidden state
//! ```
//!
//! Two implementations compute the same thing: [`Recurrent::forward_reference`] runs the
//! recurrence step by step with candle's autograd (the reference), and the default
//! [`Recurrent::forward`] (in `recurrent_forward.rs`, above both this file and the kernels) uses
//! the fused kernels of [`super::fused`], which are tested against the reference here.

use candle_core::{DType, Device, Tensor, Var};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::error::{NnError, Result};
use super::init;

/// Which recurrent cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CellKind {
    #[serde(rename = "SimpleRNN")]
    SimpleRnn,
    #[serde(rename = "LSTM")]
    Lstm,
    #[serde(rename = "GRU")]
    Gru,
}

impl CellKind {
    /// Number of gate blocks in the kernels: 1, 4 (i, f, c, o) or 3 (z, r, h).
    pub fn gates(self) -> usize {
        match self {
            CellKind::SimpleRnn => 1,
            CellKind::Lstm => 4,
            CellKind::Gru => 3,
        }
    }

    /// Keras' class name.
    pub fn keras_name(self) -> &'static str {
        match self {
            CellKind::SimpleRnn => "SimpleRNN",
            CellKind::Lstm => "LSTM",
            CellKind::Gru => "GRU",
        }
    }

    /// Keras' default layer name (`simple_rnn`, `lstm`, `gru`).
    pub fn snake_name(self) -> &'static str {
        match self {
            CellKind::SimpleRnn => "simple_rnn",
            CellKind::Lstm => "lstm",
            CellKind::Gru => "gru",
        }
    }
}

impl std::str::FromStr for CellKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "simplernn" | "simple_rnn" | "rnn" => Ok(CellKind::SimpleRnn),
            "lstm" => Ok(CellKind::Lstm),
            "gru" => Ok(CellKind::Gru),
            other => Err(format!(
                "unknown cell {other:?}: use simplernn, lstm or gru"
            )),
        }
    }
}

/// The carried state: `h`, and the cell state `c` for an LSTM.
#[derive(Clone, Debug)]
pub struct RnnState {
    pub h: Tensor,
    pub c: Option<Tensor>,
}

/// The gate activations of one step, for the gate views (all `[batch, units]`).
#[derive(Clone, Debug)]
pub struct Gates {
    /// LSTM: input, forget, candidate (c̃), output gates and the new cell state.
    /// GRU: update (z), reset (r) and candidate (h̃); `cell` is `None`.
    /// SimpleRNN: only `candidate` (the new hidden state before masking).
    pub input: Option<Tensor>,
    pub forget: Option<Tensor>,
    pub candidate: Tensor,
    pub output: Option<Tensor>,
    pub update: Option<Tensor>,
    pub reset: Option<Tensor>,
    pub cell: Option<Tensor>,
}

/// Gates held at a value instead of computed: lecture 10's thought experiments ("if f_t
/// becomes 0, only the input gate decides the cell state"; "if i_t becomes 0, the previous
/// cell state alone decides it"; GRU's z = 1 keeps h_(t−1)). `None` computes the gate as
/// usual; the LSTM reads `input`, `forget` and `output`, the GRU `update` and `reset`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use rnn_playground::nn::{GatePins, Recurrent};
///
/// let lstm = Recurrent::lstm(2, 3, 0);
/// let x = Tensor::new(&[[0.5f32, -1.0]], &Device::Cpu).unwrap();
/// let state = lstm.zero_state(1, &Device::Cpu).unwrap();
/// let pins = GatePins { forget: Some(0.0), ..GatePins::default() };
/// let (next, gates) = lstm.step_pinned(&x, &state, &pins).unwrap();
/// // f = 0: the new cell state is i ∘ g alone.
/// let ig = (gates.input.unwrap() * &gates.candidate).unwrap();
/// assert_eq!(next.c.unwrap().to_vec2::<f32>().unwrap(), ig.to_vec2::<f32>().unwrap());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GatePins {
    pub input: Option<f32>,
    pub forget: Option<f32>,
    pub output: Option<f32>,
    pub update: Option<f32>,
    pub reset: Option<f32>,
}

impl GatePins {
    /// Whether any gate is held.
    pub fn any(&self) -> bool {
        [
            self.input,
            self.forget,
            self.output,
            self.update,
            self.reset,
        ]
        .iter()
        .any(Option::is_some)
    }
}

/// `gate`, or a tensor of its shape filled with the pinned value.
fn pin(gate: Tensor, value: Option<f32>) -> Result<Tensor> {
    Ok(match value {
        None => gate,
        Some(v) => gate.ones_like()?.affine(f64::from(v), 0.0)?,
    })
}

/// What a recurrent layer returns: the output (last state or the whole sequence) and, with
/// `return_state`, the final states (`[h]`, or `[h, c]` for an LSTM), as Keras returns them.
#[derive(Clone, Debug)]
pub struct RnnOutput {
    pub output: Tensor,
    pub states: Vec<Tensor>,
}

/// A `SimpleRNN`, `LSTM` or `GRU` layer.
#[derive(Clone, Debug)]
pub struct Recurrent {
    pub kind: CellKind,
    pub input_dim: usize,
    pub units: usize,
    /// Return the output of every step (`[batch, time, units]`) instead of the last.
    pub return_sequences: bool,
    /// Also return the final states.
    pub return_state: bool,
    /// Read the sequence from its end. The returned sequence stays in processing order.
    pub go_backwards: bool,
    /// GRU only: Keras' default `reset_after=True` (the reset gate multiplies `h · U_h + b`).
    pub reset_after: bool,
    /// Set by `Bidirectional`: masked steps output zeros instead of repeating the last output.
    pub zero_output_for_mask: bool,
    /// `[input_dim, gates·units]`, glorot_uniform.
    pub kernel: Var,
    /// `[units, gates·units]`, orthogonal.
    pub recurrent_kernel: Var,
    /// `[gates·units]`; GRU with `reset_after`: `[2, 3·units]` (input bias, recurrent bias).
    pub bias: Option<Var>,
    /// Use the fused kernels (default) or the step-by-step autograd reference.
    pub fused: bool,
}

impl Recurrent {
    /// A layer with Keras' default initialisation from `seed`.
    pub fn new(kind: CellKind, input_dim: usize, units: usize, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let g = kind.gates();
        let kernel = init::glorot_uniform(&mut rng, input_dim, g * units);
        let recurrent = init::orthogonal(&mut rng, units, g * units);
        let bias = match kind {
            CellKind::Lstm => {
                // unit_forget_bias: the forget gate's bias starts at 1.
                let mut b = vec![0f32; 4 * units];
                b[units..2 * units].fill(1.0);
                Tensor::from_vec(b, 4 * units, &Device::Cpu)
            }
            CellKind::Gru => Tensor::zeros((2, 3 * units), DType::F32, &Device::Cpu),
            CellKind::SimpleRnn => Tensor::zeros(units, DType::F32, &Device::Cpu),
        }
        .expect("shape matches data");
        let var = |t: &Tensor| Var::from_tensor(t).expect("a fresh tensor");
        Self {
            kind,
            input_dim,
            units,
            return_sequences: false,
            return_state: false,
            go_backwards: false,
            reset_after: true,
            zero_output_for_mask: false,
            kernel: var(&kernel),
            recurrent_kernel: var(&recurrent),
            bias: Some(var(&bias)),
            fused: true,
        }
    }

    pub fn simple_rnn(input_dim: usize, units: usize, seed: u64) -> Self {
        Self::new(CellKind::SimpleRnn, input_dim, units, seed)
    }

    pub fn lstm(input_dim: usize, units: usize, seed: u64) -> Self {
        Self::new(CellKind::Lstm, input_dim, units, seed)
    }

    pub fn gru(input_dim: usize, units: usize, seed: u64) -> Self {
        Self::new(CellKind::Gru, input_dim, units, seed)
    }

    pub fn with_return_sequences(mut self, on: bool) -> Self {
        self.return_sequences = on;
        self
    }

    pub fn with_return_state(mut self, on: bool) -> Self {
        self.return_state = on;
        self
    }

    pub fn with_go_backwards(mut self, on: bool) -> Self {
        self.go_backwards = on;
        self
    }

    /// GRU's `reset_after=False` (the original GRU); its bias becomes `[3·units]`.
    pub fn with_reset_after(mut self, on: bool) -> Self {
        if self.kind == CellKind::Gru && self.reset_after != on {
            let shape: Vec<usize> = if on {
                vec![2, 3 * self.units]
            } else {
                vec![3 * self.units]
            };
            self.bias = self.bias.map(|_| {
                Var::from_tensor(&Tensor::zeros(shape, DType::F32, &Device::Cpu).unwrap()).unwrap()
            });
        }
        self.reset_after = on;
        self
    }

    /// Keras' `use_bias=False`.
    pub fn without_bias(mut self) -> Self {
        self.bias = None;
        self
    }

    pub fn param_count(&self) -> usize {
        let g = self.kind.gates();
        let bias = self.bias.as_ref().map_or(0, |b| b.elem_count());
        self.input_dim * g * self.units + self.units * g * self.units + bias
    }

    /// Zero state for a batch (Keras' default initial state).
    pub fn zero_state(&self, batch: usize, device: &Device) -> Result<RnnState> {
        let z = Tensor::zeros((batch, self.units), DType::F32, device)?;
        Ok(RnnState {
            c: (self.kind == CellKind::Lstm).then(|| z.clone()),
            h: z,
        })
    }

    /// The input bias added to `x · kernel` (GRU with reset_after: row 0).
    pub(crate) fn input_bias(&self) -> Result<Option<Tensor>> {
        Ok(match (&self.bias, self.kind, self.reset_after) {
            (None, _, _) => None,
            (Some(b), CellKind::Gru, true) => Some(b.as_tensor().get(0)?),
            (Some(b), _, _) => Some(b.as_tensor().clone()),
        })
    }

    /// The recurrent bias of a GRU with reset_after (row 1), inside the reset gate's product.
    pub(crate) fn recurrent_bias(&self) -> Result<Option<Tensor>> {
        Ok(match (&self.bias, self.kind, self.reset_after) {
            (Some(b), CellKind::Gru, true) => Some(b.as_tensor().get(1)?),
            _ => None,
        })
    }

    /// `x · kernel` for every step at once: `[batch, time, gates·units]`.
    pub(crate) fn input_matmul(&self, xs: &Tensor) -> Result<Tensor> {
        // One 2-D matmul over all batch rows and steps (a broadcast matmul would make candle
        // compute and then sum a kernel gradient per batch row).
        let (b, t, f) = xs.dims3()?;
        Ok(xs
            .reshape((b * t, f))?
            .matmul(self.kernel.as_tensor())?
            .reshape((b, t, self.kernel.dim(1)?))?)
    }

    /// `x · kernel + input bias` for every step at once: `[batch, time, gates·units]`.
    pub fn input_projection(&self, xs: &Tensor) -> Result<Tensor> {
        let xp = self.input_matmul(xs)?;
        Ok(match self.input_bias()? {
            Some(b) => xp.broadcast_add(&b)?,
            None => xp,
        })
    }

    pub(crate) fn check_input(&self, xs: &Tensor) -> Result<()> {
        match xs.dims() {
            [_, _, f] if *f == self.input_dim => Ok(()),
            dims => Err(NnError::Shape {
                layer: self.kind.keras_name().to_string(),
                expected: format!("[batch, time, {}]", self.input_dim),
                got: dims.to_vec(),
            }),
        }
    }

    /// One step from a projected input `xp_t = x_t · kernel + b` (`[batch, gates·units]`):
    /// the new state and the gate activations. Differentiable (candle autograd).
    pub fn cell_step(&self, xp_t: &Tensor, state: &RnnState) -> Result<(RnnState, Gates)> {
        self.cell_step_pinned(xp_t, state, &GatePins::default())
    }

    /// [`Recurrent::cell_step`] with some gates held at a value ([`GatePins`]); with no pins it
    /// is the same computation.
    pub fn cell_step_pinned(
        &self,
        xp_t: &Tensor,
        state: &RnnState,
        pins: &GatePins,
    ) -> Result<(RnnState, Gates)> {
        let u = self.units;
        let sig = candle_nn::ops::sigmoid;
        let rk = self.recurrent_kernel.as_tensor();
        match self.kind {
            CellKind::SimpleRnn => {
                let h = (xp_t + state.h.matmul(rk)?)?.tanh()?;
                Ok((
                    RnnState {
                        h: h.clone(),
                        c: None,
                    },
                    Gates {
                        input: None,
                        forget: None,
                        candidate: h,
                        output: None,
                        update: None,
                        reset: None,
                        cell: None,
                    },
                ))
            }
            CellKind::Lstm => {
                let z = (xp_t + state.h.matmul(rk)?)?;
                let i = pin(sig(&z.narrow(1, 0, u)?)?, pins.input)?;
                let f = pin(sig(&z.narrow(1, u, u)?)?, pins.forget)?;
                let g = z.narrow(1, 2 * u, u)?.tanh()?;
                let o = pin(sig(&z.narrow(1, 3 * u, u)?)?, pins.output)?;
                let c_prev = state
                    .c
                    .as_ref()
                    .ok_or_else(|| NnError::Config("an LSTM state needs c".into()))?;
                let c = ((&f * c_prev)? + (&i * &g)?)?;
                let h = (&o * c.tanh()?)?;
                Ok((
                    RnnState {
                        h,
                        c: Some(c.clone()),
                    },
                    Gates {
                        input: Some(i),
                        forget: Some(f),
                        candidate: g,
                        output: Some(o),
                        update: None,
                        reset: None,
                        cell: Some(c),
                    },
                ))
            }
            CellKind::Gru => {
                let (xz, xr, xh) = (
                    xp_t.narrow(1, 0, u)?,
                    xp_t.narrow(1, u, u)?,
                    xp_t.narrow(1, 2 * u, u)?,
                );
                let (z, r, hh) = if self.reset_after {
                    let mut rec = state.h.matmul(rk)?;
                    if let Some(b) = self.recurrent_bias()? {
                        rec = rec.broadcast_add(&b)?;
                    }
                    let z = pin(sig(&(xz + rec.narrow(1, 0, u)?)?)?, pins.update)?;
                    let r = pin(sig(&(xr + rec.narrow(1, u, u)?)?)?, pins.reset)?;
                    let hh = (xh + (&r * rec.narrow(1, 2 * u, u)?)?)?.tanh()?;
                    (z, r, hh)
                } else {
                    let rec_zr = state.h.matmul(&rk.narrow(1, 0, 2 * u)?)?;
                    let z = pin(sig(&(xz + rec_zr.narrow(1, 0, u)?)?)?, pins.update)?;
                    let r = pin(sig(&(xr + rec_zr.narrow(1, u, u)?)?)?, pins.reset)?;
                    let hh = (xh + (&r * &state.h)?.matmul(&rk.narrow(1, 2 * u, u)?)?)?.tanh()?;
                    (z, r, hh)
                };
                // h' = z · h + (1 − z) · h̃
                let h = ((&z * &state.h)? + (z.affine(-1.0, 1.0)? * &hh)?)?;
                Ok((
                    RnnState { h, c: None },
                    Gates {
                        input: None,
                        forget: None,
                        candidate: hh,
                        output: None,
                        update: Some(z),
                        reset: Some(r),
                        cell: None,
                    },
                ))
            }
        }
    }

    /// One step from a raw input `x_t` (`[batch, input_dim]`): for stateful generation, where a
    /// token is fed with the carried state instead of re-running the whole prefix.
    pub fn step(&self, x_t: &Tensor, state: &RnnState) -> Result<(RnnState, Gates)> {
        self.step_pinned(x_t, state, &GatePins::default())
    }

    /// [`Recurrent::step`] with gates held ([`GatePins`]).
    pub fn step_pinned(
        &self,
        x_t: &Tensor,
        state: &RnnState,
        pins: &GatePins,
    ) -> Result<(RnnState, Gates)> {
        let mut xp = x_t.matmul(self.kernel.as_tensor())?;
        if let Some(b) = self.input_bias()? {
            xp = xp.broadcast_add(&b)?;
        }
        self.cell_step_pinned(&xp, state, pins)
    }

    /// The step-by-step autograd implementation (the reference the fused kernels are tested
    /// against).
    pub fn forward_reference(&self, xs: &Tensor, mask: Option<&Tensor>) -> Result<RnnOutput> {
        self.forward_reference_from(xs, mask, None)
    }

    pub(crate) fn forward_reference_from(
        &self,
        xs: &Tensor,
        mask: Option<&Tensor>,
        initial: Option<RnnState>,
    ) -> Result<RnnOutput> {
        self.check_input(xs)?;
        let (batch, time, _) = xs.dims3()?;
        let xp = self.input_projection(xs)?;
        let mut state = match initial {
            Some(s) => s,
            None => self.zero_state(batch, xs.device())?,
        };
        let mut outputs = Vec::with_capacity(time);
        for step in 0..time {
            let t = if self.go_backwards {
                time - 1 - step
            } else {
                step
            };
            let xp_t = xp.narrow(1, t, 1)?.squeeze(1)?;
            let (new, _) = self.cell_step(&xp_t, &state)?;
            match mask {
                None => {
                    state = new;
                    outputs.push(state.h.clone());
                }
                Some(m) => {
                    // Keras: a masked step keeps the previous state (h, c) and output.
                    let m_t = m.narrow(1, t, 1)?.to_dtype(DType::F32)?;
                    let keep = m_t.affine(-1.0, 1.0)?;
                    let blend = |new: &Tensor, old: &Tensor| -> Result<Tensor> {
                        Ok((new.broadcast_mul(&m_t)? + old.broadcast_mul(&keep)?)?)
                    };
                    let h = blend(&new.h, &state.h)?;
                    let c = match (&new.c, &state.c) {
                        (Some(nc), Some(oc)) => Some(blend(nc, oc)?),
                        _ => None,
                    };
                    let out = if self.zero_output_for_mask {
                        new.h.broadcast_mul(&m_t)?
                    } else {
                        h.clone()
                    };
                    outputs.push(out);
                    state = RnnState { h, c };
                }
            }
        }
        let output = if self.return_sequences {
            Tensor::stack(&outputs, 1)?
        } else {
            match outputs.last() {
                Some(o) => o.clone(),
                None => state.h.clone(),
            }
        };
        Ok(self.finish(output, state))
    }

    pub(crate) fn finish(&self, output: Tensor, state: RnnState) -> RnnOutput {
        let states = if self.return_state {
            let mut s = vec![state.h];
            s.extend(state.c);
            s
        } else {
            Vec::new()
        };
        RnnOutput { output, states }
    }

    /// Output shape without the batch: `(time?, units)`.
    pub fn output_units(&self) -> usize {
        self.units
    }
}

/// Reverse a `[batch, time, …]` tensor along time (differentiable).
pub fn reverse_time(x: &Tensor) -> Result<Tensor> {
    let time = x.dim(1)?;
    let idx: Vec<u32> = (0..time as u32).rev().collect();
    let idx = Tensor::from_vec(idx, time, x.device())?;
    Ok(x.contiguous()?.index_select(&idx, 1)?)
}
