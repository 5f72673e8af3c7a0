//! Fused recurrent kernels: the whole time loop of a SimpleRNN, LSTM or GRU (reset_after) as
//! one candle op with a hand-written backward pass (backpropagation through time).
//!
//! Why: candle's autograd records a dozen small ops per time step, and their overhead, not the
//! arithmetic, dominates small recurrent models (more so in wasm). Here the input projection
//! of all steps is one matmul (done by candle, outside this op), each step is one small GEMM
//! plus a tight loop over the gates, and the backward pass recomputes the gates from the saved
//! hidden states with one large GEMM. [`Recurrent::forward_reference`] is the autograd version
//! these kernels are tested against (`tests/fused_rnn.rs`).
//!
//! The op takes `xp = x · kernel` (`[batch, time, gates·units]`), the recurrent kernel with
//! two extra rows, the recurrent bias (a GRU's, inside its reset product; the bias of the other
//! cells) and the input bias (a GRU's; zeros otherwise) (`[units + 2, gates·units]`), and the
//! initial state (`[batch, state]`, `state = units`, or `2·units` for an LSTM's `h ‖ c`). It
//! returns the carried state after every step, in processing order (`[batch, time, state]`).

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp3, DType, Layout, Shape, Storage, Tensor};

use super::error::{NnError, Result};
use super::rnn::{CellKind, Recurrent, RnnOutput, RnnState, reverse_time};

/// Whether the fused kernels handle this layer (GRU with `reset_after=False` uses the
/// reference implementation).
pub fn supports(layer: &Recurrent) -> bool {
    layer.kind != CellKind::Gru || layer.reset_after
}

/// The layer's forward pass through the fused op; same results as the reference.
pub fn forward(
    layer: &Recurrent,
    xs: &Tensor,
    mask: Option<&Tensor>,
    initial: Option<RnnState>,
) -> Result<RnnOutput> {
    forward_projected(layer, &layer.input_matmul(xs)?, mask, initial)
}

/// As [`forward`], from the input product `xs · kernel` (`[batch, time, gates·units]`, without
/// the input bias) computed by the caller ([`forward_gathered`] takes the distinct words' products instead).
pub fn forward_projected(
    layer: &Recurrent,
    xp: &Tensor,
    mask: Option<&Tensor>,
    initial: Option<RnnState>,
) -> Result<RnnOutput> {
    forward_from(layer, InputRows::Dense(xp), mask, initial)
}

/// As [`forward_projected`], each position's input product read from a row of `table`
/// (`[rows, gates·units]`): `index[b · time + t]` (see [`InputRows::Gathered`]).
pub fn forward_gathered(
    layer: &Recurrent,
    table: &Tensor,
    index: Arc<Vec<u32>>,
    (batch, time): (usize, usize),
    mask: Option<&Tensor>,
    initial: Option<RnnState>,
) -> Result<RnnOutput> {
    let rows = InputRows::Gathered {
        table,
        index,
        batch,
        time,
    };
    forward_from(layer, rows, mask, initial)
}

fn forward_from(
    layer: &Recurrent,
    xp: InputRows,
    mask: Option<&Tensor>,
    initial: Option<RnnState>,
) -> Result<RnnOutput> {
    let (batch, time) = xp.dims()?;
    if time == 0 {
        return Err(NnError::Shape {
            layer: layer.kind.keras_name().into(),
            expected: "at least one time step".into(),
            got: vec![batch, time],
        });
    }
    let device = xp.device();
    let u = layer.units;
    let state0 = match initial {
        Some(s) => match s.c {
            Some(c) => Tensor::cat(&[&s.h, &c], 1)?,
            None => s.h,
        },
        None => Tensor::zeros((batch, state_width(layer)), DType::F32, device)?,
    };
    let mask_values = match mask {
        Some(m) => Some(mask_values(m, batch, time)?),
        None => None,
    };
    let out = state_sequence_from(layer, xp, mask_values, &state0)?;
    let hseq = out.narrow(2, 0, u)?;
    let output = if layer.return_sequences {
        match (mask, layer.zero_output_for_mask) {
            (Some(m), true) => {
                let mut m = m.to_dtype(DType::F32)?;
                if layer.go_backwards {
                    m = reverse_time(&m.unsqueeze(2)?)?.squeeze(2)?;
                }
                hseq.broadcast_mul(&m.unsqueeze(2)?)?
            }
            _ => hseq.clone(),
        }
    } else {
        hseq.narrow(1, time - 1, 1)?.squeeze(1)?
    };
    let h = hseq.narrow(1, time - 1, 1)?.squeeze(1)?;
    let c = match layer.kind {
        CellKind::Lstm => Some(out.narrow(2, u, u)?.narrow(1, time - 1, 1)?.squeeze(1)?),
        _ => None,
    };
    Ok(layer.finish(output, RnnState { h, c }))
}

/// Width of the carried state: `units`, or `2·units` for an LSTM's `h ‖ c`.
pub fn state_width(layer: &Recurrent) -> usize {
    if layer.kind == CellKind::Lstm {
        2 * layer.units
    } else {
        layer.units
    }
}

/// A `[batch, time]` mask of 0/1 as the op reads it.
pub fn mask_values(mask: &Tensor, batch: usize, time: usize) -> Result<Arc<Vec<f32>>> {
    let values = mask.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    if values.len() != batch * time || values.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err(NnError::Config(
            "a mask must be [batch, time] of 0 and 1".into(),
        ));
    }
    Ok(Arc::new(values))
}

/// The fused op itself (differentiable in `xp`, the weights and `state0`): from `xp = x ·
/// kernel` (`[batch, time, gates·units]`, without the input bias) and the initial state
/// `state0` (`[batch, state]`), the carried state after every step, in processing order
/// (`[batch, time, state]`). Masked steps (0) keep the state. Rows whose mask is 0 at a step
/// take no part in that step's products, so a batch sorted by when its rows start (the rows
/// active at every step a prefix) costs only its active rows.
pub fn state_sequence(
    layer: &Recurrent,
    xp: &Tensor,
    mask: Option<Arc<Vec<f32>>>,
    state0: &Tensor,
) -> Result<Tensor> {
    state_sequence_from(layer, InputRows::Dense(xp), mask, state0)
}

/// Where the fused op reads each position's input product (`x · kernel`, without the input
/// bias).
pub enum InputRows<'a> {
    /// Every position's own row, `[batch, time, gates·units]`.
    Dense(&'a Tensor),
    /// Position `b · time + t` reads row `index[b · time + t]` of `table` (`[rows,
    /// gates·units]`), and its gradient is added into that row. Why: the rows come from far
    /// fewer distinct words (or from the steps a shared padding prefix leaves), and a
    /// `[batch, time, gates·units]` copy of them, with its own gradient, zeroed, added and
    /// scattered by candle's autograd, cost more than the recurrence's element-wise work.
    Gathered {
        table: &'a Tensor,
        index: Arc<Vec<u32>>,
        batch: usize,
        time: usize,
    },
}

impl InputRows<'_> {
    fn dims(&self) -> Result<(usize, usize)> {
        match self {
            InputRows::Dense(xp) => {
                let (b, t, _) = xp.dims3()?;
                Ok((b, t))
            }
            InputRows::Gathered { batch, time, .. } => Ok((*batch, *time)),
        }
    }

    fn device(&self) -> &candle_core::Device {
        match self {
            InputRows::Dense(t) | InputRows::Gathered { table: t, .. } => t.device(),
        }
    }
}

/// [`state_sequence`] from either kind of [`InputRows`].
pub fn state_sequence_from(
    layer: &Recurrent,
    xp: InputRows,
    mask: Option<Arc<Vec<f32>>>,
    state0: &Tensor,
) -> Result<Tensor> {
    let u = layer.units;
    let gu = layer.kind.gates() * u;
    let (xp, gather) = match xp {
        InputRows::Dense(xp) => (xp, None),
        InputRows::Gathered {
            table,
            index,
            batch,
            time,
        } => {
            let rows = table.dims2()?.0;
            if index.len() != batch * time
                || index.iter().any(|&r| r as usize >= rows)
                || table.dim(1)? != gu
                || state0.dim(0)? != batch
            {
                return Err(NnError::Config(format!(
                    "fused rnn: {} gathered positions of a [{rows}, {}] table do not make a \
                     [{batch}, {time}] batch of {gu}-wide rows",
                    index.len(),
                    table.dim(1)?
                )));
            }
            (table, Some(index))
        }
    };
    // The op adds two bias rows to every step's pre-activation, so that their gradients come
    // out of the op as row sums instead of candle summing a broadcast [batch, time, gates·units]
    // gradient: the recurrent bias (inside a GRU's reset product) and the input bias.
    let zeros = || Tensor::zeros((1, gu), DType::F32, xp.device());
    let (rec_bias, in_bias) = match (layer.kind, layer.recurrent_bias()?, layer.input_bias()?) {
        (_, Some(rb), Some(ib)) => (rb.reshape((1, gu))?, ib.reshape((1, gu))?),
        (CellKind::Gru, None, Some(ib)) => (zeros()?, ib.reshape((1, gu))?),
        (_, None, Some(b)) => (b.reshape((1, gu))?, zeros()?),
        (_, _, None) => (zeros()?, zeros()?),
    };
    // Without the input bias: the op adds it (above).
    let xp = xp.contiguous()?;
    let ua = Tensor::cat(
        &[layer.recurrent_kernel.as_tensor(), &rec_bias, &in_bias],
        0,
    )?
    .contiguous()?;
    let op = RnnSeq {
        kind: layer.kind,
        units: u,
        go_backwards: layer.go_backwards,
        mask,
        gather,
        act_cache: Mutex::new(None),
    };
    Ok(xp.apply_op3(&ua, &state0.contiguous()?, op)?)
}

/// `c (+)= a · b`, row-major, with `a` `[m, k]` (or its transpose stored `[k, m]`) and `b`
/// `[k, n]` (or its transpose stored `[n, k]`); `c`'s rows are `n` apart.
#[allow(clippy::too_many_arguments)]
fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    a_t: bool,
    b: &[f32],
    b_t: bool,
    c: &mut [f32],
    accumulate: bool,
) {
    let a = if a_t {
        Strided::new(a, 1, m)
    } else {
        Strided::new(a, k, 1)
    };
    let b = if b_t {
        Strided::new(b, 1, k)
    } else {
        Strided::new(b, n, 1)
    };
    gemm_strided(m, k, n, a, b, c, n, accumulate);
}

/// A matrix in a slice: element `(i, j)` at `i · row + j · col`.
#[derive(Clone, Copy)]
struct Strided<'a> {
    data: &'a [f32],
    row: usize,
    col: usize,
}

impl<'a> Strided<'a> {
    fn new(data: &'a [f32], row: usize, col: usize) -> Self {
        Self { data, row, col }
    }

    /// The slice covers every element of a `rows × cols` view.
    fn covers(&self, rows: usize, cols: usize) -> bool {
        (rows - 1) * self.row + (cols - 1) * self.col < self.data.len()
    }
}

/// `c (+)= a · b` with `a` `[m, k]`, `b` `[k, n]` and `c`'s rows `c_row` apart (so a
/// step's rows can be written straight into a `[batch, time, …]` buffer).
#[allow(clippy::too_many_arguments)]
fn gemm_strided(
    m: usize,
    k: usize,
    n: usize,
    a: Strided,
    b: Strided,
    c: &mut [f32],
    c_row: usize,
    accumulate: bool,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for i in 0..m {
                c[i * c_row..i * c_row + n].fill(0.0);
            }
        }
        return;
    }
    assert!(
        a.covers(m, k) && b.covers(k, n) && (m - 1) * c_row + n <= c.len() && c_row >= n,
        "gemm: buffers too small"
    );
    // SAFETY: the assert keeps every access inside the three slices, and `c`'s rows do not
    // overlap (`c_row >= n`); `c` does not overlap `a` or `b` (it is borrowed mutably).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            c_row as isize,
            accumulate,
            a.data.as_ptr(),
            a.col as isize,
            a.row as isize,
            b.data.as_ptr(),
            b.col as isize,
            b.row as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism(m * n * k),
        );
    }
}

/// Both cores for large products natively (TensorFlow uses them too); the browser build has
/// no threads.
fn parallelism(macs: usize) -> gemm::Parallelism {
    #[cfg(not(target_arch = "wasm32"))]
    if macs >= 1 << 25 {
        return gemm::Parallelism::Rayon(0);
    }
    let _ = macs;
    gemm::Parallelism::None
}

/// How many groups of batch rows run their time loops side by side. The rows of a batch are
/// independent through the whole recurrence, so each group runs on its own core with no
/// synchronisation until the end: that is how both cores help with the many small per-step
/// products, which are too small to split themselves. Small layers stay on one thread (the
/// hand-off costs tens of microseconds); the browser build has no threads.
fn batch_groups(batch: usize, time: usize, units: usize, gates_units: usize) -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let macs = batch * time * units * gates_units;
        if macs >= 1 << 20 && batch >= 8 {
            return rayon::current_num_threads().clamp(1, batch / 4);
        }
    }
    let _ = (batch, time, units, gates_units);
    1
}

/// Batch row ranges of `groups` nearly equal groups.
fn group_ranges(batch: usize, groups: usize) -> Vec<std::ops::Range<usize>> {
    (0..groups)
        .map(|g| (g * batch / groups)..((g + 1) * batch / groups))
        .collect()
}

/// Run `work` on each group, on its own thread natively.
fn for_each_group<T: Send>(items: Vec<T>, work: impl Fn(T) + Sync + Send) {
    #[cfg(not(target_arch = "wasm32"))]
    if items.len() > 1 {
        use rayon::prelude::*;
        items.into_par_iter().for_each(work);
        return;
    }
    items.into_iter().for_each(work);
}

/// Split `data` (rows of `width` per batch row) at the group boundaries.
fn split_groups<'a>(
    mut data: &'a mut [f32],
    ranges: &[std::ops::Range<usize>],
    width: usize,
) -> Vec<&'a mut [f32]> {
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        let (head, tail) = data.split_at_mut(r.len() * width);
        out.push(head);
        data = tail;
    }
    out
}

/// `e^x`. Natively, libm's `expf` (glibc picks an FMA version at run time) is faster than
/// anything portable; in wasm, `f32::exp` is a scalar software routine, and [`fast_exp`],
/// which the compiler vectorises with simd128, is faster.
#[inline(always)]
fn exp(x: f32) -> f32 {
    #[cfg(target_arch = "wasm32")]
    return fast_exp(x);
    #[cfg(not(target_arch = "wasm32"))]
    x.exp()
}

/// `e^x` in plain arithmetic that vectorises: Cephes' range reduction `x = n·ln 2 + r` and a
/// degree-7 polynomial for `e^r`; relative error below 2e-7 (`fast_exp_matches_std` checks
/// it). Saturates to 0 and `f32::MAX`-ish beyond ±87.
#[inline(always)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn fast_exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // 1.5 · 2^23: adding it rounds to an integer kept in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let t = x * LOG2E + ROUND;
    let n = t - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_2e-4_f32;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    // 2^n from n's bits: t's low mantissa bits hold n + 2^22 (ROUND's offset).
    let n_bits = (t.to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
    e_r * f32::from_bits(((n_bits + 127) << 23) as u32)
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// tanh through one `exp`; absolute error below 3e-7, saturating at ±1 for large |x|.
#[inline(always)]
fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

/// The `N` gate blocks (`units` wide) of a pre-activation row.
#[inline(always)]
fn blocks<const N: usize>(row: &[f32], units: usize) -> [&[f32]; N] {
    std::array::from_fn(|k| &row[k * units..(k + 1) * units])
}

#[inline(always)]
fn blocks_mut<const N: usize>(row: &mut [f32], units: usize) -> [&mut [f32]; N] {
    let mut parts = row.chunks_exact_mut(units);
    std::array::from_fn(|_| parts.next().expect("a row holds N gate blocks"))
}

struct RnnSeq {
    kind: CellKind,
    units: usize,
    go_backwards: bool,
    /// `[batch, time]` in time order, 0/1.
    mask: Option<Arc<Vec<f32>>>,
    /// When set, the op's first input is a table of rows and position `b · time + t` reads
    /// row `gather[b · time + t]` ([`InputRows::Gathered`]).
    gather: Option<Arc<Vec<u32>>>,
    /// The gate activations of every step from the forward pass (`[batch, time, act]`, in
    /// processing order; see [`RnnSeq::act_width`]), so that the backward pass computes no
    /// `exp` and no recurrent product twice.
    act_cache: Mutex<Option<Vec<f32>>>,
}

/// The biases every step adds, split as the cells use them.
struct Biases {
    /// Input plus recurrent bias: every block outside a GRU's reset product.
    sum: Vec<f32>,
    /// A GRU's candidate block: the input bias, and the recurrent bias inside the product.
    gru_input_h: Vec<f32>,
    gru_recurrent_h: Vec<f32>,
}

impl Biases {
    fn new(ua: &[f32], units: usize, gates_units: usize) -> Self {
        let (u, gu) = (units, gates_units);
        let rec_bias = &ua[u * gu..(u + 1) * gu];
        let in_bias = &ua[(u + 1) * gu..(u + 2) * gu];
        let candidate = gu.saturating_sub(u)..gu;
        Self {
            sum: in_bias.iter().zip(rec_bias).map(|(a, b)| a + b).collect(),
            gru_input_h: in_bias[candidate.clone()].to_vec(),
            gru_recurrent_h: rec_bias[candidate].to_vec(),
        }
    }
}

/// The op's input products as it reads them: position `i` (`b · time + t`) of a group.
#[derive(Clone, Copy)]
enum XpRows<'a> {
    Dense(&'a [f32]),
    Gathered { table: &'a [f32], index: &'a [u32] },
}

impl<'a> XpRows<'a> {
    #[inline(always)]
    fn row(&self, i: usize, width: usize) -> &'a [f32] {
        let (data, r) = match *self {
            XpRows::Dense(d) => (d, i),
            XpRows::Gathered { table, index } => (table, index[i] as usize),
        };
        &data[r * width..(r + 1) * width]
    }

    /// Positions `positions` (of `width`-wide rows), for one group of batch rows.
    fn part(&self, positions: std::ops::Range<usize>, width: usize) -> Self {
        match *self {
            XpRows::Dense(d) => XpRows::Dense(&d[positions.start * width..positions.end * width]),
            XpRows::Gathered { table, index } => XpRows::Gathered {
                table,
                index: &index[positions],
            },
        }
    }
}

/// One group of batch rows for the forward pass: its slices of every buffer.
struct ForwardGroup<'a> {
    xp: XpRows<'a>,
    state0: &'a [f32],
    mask: Option<&'a [f32]>,
    out: &'a mut [f32],
    act: &'a mut [f32],
}

/// One group of batch rows for the backward pass.
struct BackwardGroup<'a> {
    xp: XpRows<'a>,
    state0: &'a [f32],
    mask: Option<&'a [f32]>,
    out: &'a [f32],
    dout: &'a [f32],
    act: Option<&'a [f32]>,
    h_prev: &'a mut [f32],
    dxp: &'a mut [f32],
    drec: &'a mut [f32],
    dstate: &'a mut [f32],
}

impl RnnSeq {
    fn time_of(&self, step: usize, time: usize) -> usize {
        if self.go_backwards {
            time - 1 - step
        } else {
            step
        }
    }

    fn state_width(&self) -> usize {
        if self.kind == CellKind::Lstm {
            2 * self.units
        } else {
            self.units
        }
    }

    /// Activations kept per step: an LSTM's i, f, g, o and tanh(c); a GRU's z, r, the
    /// candidate h̃ and its recurrent term (h_prev · U_h + b_h); nothing for a SimpleRNN,
    /// whose backward pass needs only its output.
    fn act_width(&self) -> usize {
        match self.kind {
            CellKind::SimpleRnn => 0,
            CellKind::Lstm => 5 * self.units,
            CellKind::Gru => 4 * self.units,
        }
    }

    /// One step of one batch row: the activations from `x` (input projection) and `r`
    /// (recurrent product), and the new state in `h` (and `c`).
    #[inline(always)]
    fn cell(
        &self,
        x: &[f32],
        r: &[f32],
        bias: &Biases,
        act: &mut [f32],
        h: &mut [f32],
        c: &mut [f32],
    ) {
        let u = self.units;
        match self.kind {
            CellKind::SimpleRnn => {
                let (x, r, bias) = (&x[..u], &r[..u], &bias.sum[..u]);
                for j in 0..u {
                    h[j] = tanh(x[j] + r[j] + bias[j]);
                }
            }
            CellKind::Lstm => {
                let [xi, xf, xg, xo] = blocks(x, u);
                let [ri, rf, rg, ro] = blocks(r, u);
                let [bi, bf, bg, bo] = blocks(&bias.sum, u);
                let [ai, af, ag, ao, atc] = blocks_mut(act, u);
                let (h, c) = (&mut h[..u], &mut c[..u]);
                for j in 0..u {
                    let i = sigmoid(xi[j] + ri[j] + bi[j]);
                    let f = sigmoid(xf[j] + rf[j] + bf[j]);
                    let g = tanh(xg[j] + rg[j] + bg[j]);
                    let o = sigmoid(xo[j] + ro[j] + bo[j]);
                    c[j] = f * c[j] + i * g;
                    let tc = tanh(c[j]);
                    h[j] = o * tc;
                    (ai[j], af[j], ag[j], ao[j], atc[j]) = (i, f, g, o, tc);
                }
            }
            CellKind::Gru => {
                let [xz, xr, xh] = blocks(x, u);
                let [rz, rr, rh] = blocks(r, u);
                let [bz, br, _] = blocks(&bias.sum, u);
                let (ibh, rbh) = (&bias.gru_input_h[..u], &bias.gru_recurrent_h[..u]);
                let [az, ar, ahh, arh] = blocks_mut(act, u);
                let h = &mut h[..u];
                for j in 0..u {
                    let z = sigmoid(xz[j] + rz[j] + bz[j]);
                    let reset = sigmoid(xr[j] + rr[j] + br[j]);
                    let rhb = rh[j] + rbh[j];
                    let hh = tanh(xh[j] + ibh[j] + reset * rhb);
                    h[j] = z * h[j] + (1.0 - z) * hh;
                    (az[j], ar[j], ahh[j], arh[j]) = (z, reset, hh, rhb);
                }
            }
        }
    }

    /// The forward recurrence; returns `[batch, time, state]` and keeps the activations.
    fn run(&self, xp: XpRows, ua: &[f32], state0: &[f32], batch: usize, time: usize) -> Vec<f32> {
        let gu = self.kind.gates() * self.units;
        let (sw, aw) = (self.state_width(), self.act_width());
        let mut act = vec![0f32; batch * time * aw];
        let mut out = vec![0f32; batch * time * sw];
        let ranges = group_ranges(batch, batch_groups(batch, time, self.units, gu));
        let groups: Vec<ForwardGroup> = split_groups(&mut out, &ranges, time * sw)
            .into_iter()
            .zip(split_groups(&mut act, &ranges, time * aw))
            .zip(&ranges)
            .map(|((out, act), r)| ForwardGroup {
                xp: xp.part(r.start * time..r.end * time, gu),
                state0: &state0[r.start * sw..r.end * sw],
                mask: self.mask.as_ref().map(|m| &m[r.start * time..r.end * time]),
                out,
                act,
            })
            .collect();
        let bias = Biases::new(ua, self.units, gu);
        for_each_group(groups, |g| self.run_group(g, ua, &bias, time));
        if let Ok(mut cache) = self.act_cache.lock() {
            *cache = Some(act);
        }
        out
    }

    /// The forward recurrence of one group of batch rows.
    fn run_group(&self, g: ForwardGroup, ua: &[f32], bias: &Biases, time: usize) {
        let u = self.units;
        let gu = self.kind.gates() * u;
        let (sw, aw) = (self.state_width(), self.act_width());
        let nb = g.state0.len() / sw;
        let mut h: Vec<f32> = (0..nb)
            .flat_map(|b| g.state0[b * sw..b * sw + u].iter().copied())
            .collect();
        let mut c: Vec<f32> = if self.kind == CellKind::Lstm {
            (0..nb)
                .flat_map(|b| g.state0[b * sw + u..(b + 1) * sw].iter().copied())
                .collect()
        } else {
            vec![0f32; nb * u]
        };
        let mut rec = vec![0f32; nb * gu];
        for s in 0..time {
            let t = self.time_of(s, time);
            let active = active_rows(g.mask, nb, time, t);
            gemm(
                active,
                u,
                gu,
                &h,
                false,
                &ua[..u * gu],
                false,
                &mut rec,
                false,
            );
            for b in 0..nb {
                let row = b * time + s;
                // A masked step (m = 0) keeps h and c as they were.
                if b < active && g.mask.is_none_or(|m| m[b * time + t] != 0.0) {
                    self.cell(
                        g.xp.row(b * time + t, gu),
                        &rec[b * gu..(b + 1) * gu],
                        bias,
                        &mut g.act[row * aw..(row + 1) * aw],
                        &mut h[b * u..(b + 1) * u],
                        &mut c[b * u..(b + 1) * u],
                    );
                }
                let o = &mut g.out[row * sw..(row + 1) * sw];
                o[..u].copy_from_slice(&h[b * u..(b + 1) * u]);
                if self.kind == CellKind::Lstm {
                    o[u..].copy_from_slice(&c[b * u..(b + 1) * u]);
                }
            }
        }
    }

    /// Backpropagation through time for one group of batch rows: fills its `dxp` and `drec`
    /// (`[rows, time, gu]`, processing order), `h_prev` and the initial state's gradient.
    /// `u_t` is the recurrent kernel transposed (`[gates·units, units]`, row-major), so that
    /// every step's `dREC · Uᵀ` reads it as a plain row-major matrix.
    fn backward_group(
        &self,
        g: BackwardGroup,
        ua: &[f32],
        u_t: &[f32],
        bias: &Biases,
        time: usize,
    ) {
        let u = self.units;
        let gu = self.kind.gates() * u;
        let (sw, aw) = (self.state_width(), self.act_width());
        let nb = g.state0.len() / sw;
        let is_lstm = self.kind == CellKind::Lstm;
        let mut c_prev = if is_lstm {
            vec![0f32; nb * time * u]
        } else {
            Vec::new()
        };
        for b in 0..nb {
            for s in 0..time {
                let src = if s == 0 {
                    &g.state0[b * sw..(b + 1) * sw]
                } else {
                    &g.out[(b * time + s - 1) * sw..(b * time + s) * sw]
                };
                let row = b * time + s;
                g.h_prev[row * u..(row + 1) * u].copy_from_slice(&src[..u]);
                if is_lstm {
                    c_prev[row * u..(row + 1) * u].copy_from_slice(&src[u..]);
                }
            }
        }
        // The activations, unless the forward pass kept them: the recurrent products of
        // every step in one GEMM, then the cells again (only the activations are used).
        let recomputed;
        let act = match g.act {
            Some(act) => act,
            None => {
                let mut rec = vec![0f32; nb * time * gu];
                gemm(
                    nb * time,
                    u,
                    gu,
                    g.h_prev,
                    false,
                    &ua[..u * gu],
                    false,
                    &mut rec,
                    false,
                );
                let mut act = vec![0f32; nb * time * aw];
                let (mut h, mut c) = (vec![0f32; u], vec![0f32; u]);
                for b in 0..nb {
                    for s in 0..time {
                        let (t, row) = (self.time_of(s, time), b * time + s);
                        h.copy_from_slice(&g.h_prev[row * u..(row + 1) * u]);
                        if is_lstm {
                            c.copy_from_slice(&c_prev[row * u..(row + 1) * u]);
                        }
                        self.cell(
                            g.xp.row(b * time + t, gu),
                            &rec[row * gu..(row + 1) * gu],
                            bias,
                            &mut act[row * aw..(row + 1) * aw],
                            &mut h,
                            &mut c,
                        );
                    }
                }
                recomputed = act;
                &recomputed
            }
        };
        let mut dh_carry = vec![0f32; nb * u];
        let mut dc_carry = vec![0f32; if is_lstm { nb * u } else { 0 }];
        let mut dh_from_rec = vec![0f32; nb * u];
        let mut dh_direct = vec![0f32; nb * u];
        for s in (0..time).rev() {
            let t = self.time_of(s, time);
            let active = active_rows(g.mask, nb, time, t);
            dh_direct.fill(0.0);
            for b in 0..nb {
                let m = g.mask.map_or(1.0, |m| m[b * time + t]);
                let row = b * time + s;
                let g_out = &g.dout[row * sw..(row + 1) * sw];
                let dhb = &mut dh_carry[b * u..(b + 1) * u];
                for j in 0..u {
                    dhb[j] += g_out[j];
                }
                if is_lstm {
                    let dcb = &mut dc_carry[b * u..(b + 1) * u];
                    for j in 0..u {
                        dcb[j] += g_out[u + j];
                    }
                }
                if m == 0.0 {
                    // Masked: the state passed through unchanged, and so does its gradient.
                    continue;
                }
                let a = &act[row * aw..(row + 1) * aw];
                let dx = &mut g.dxp[row * gu..(row + 1) * gu];
                let dr = &mut g.drec[row * gu..(row + 1) * gu];
                let dh = &dh_carry[b * u..(b + 1) * u];
                match self.kind {
                    CellKind::SimpleRnn => {
                        let h_new = &g.out[row * sw..row * sw + u];
                        let (dx, dr) = (&mut dx[..u], &mut dr[..u]);
                        for j in 0..u {
                            let da = dh[j] * (1.0 - h_new[j] * h_new[j]);
                            dx[j] = da;
                            dr[j] = da;
                        }
                    }
                    CellKind::Lstm => {
                        let cp = &c_prev[row * u..(row + 1) * u];
                        let dcb = &mut dc_carry[b * u..(b + 1) * u];
                        let [i, f, gg, o, tc] = blocks(a, u);
                        let [dxi, dxf, dxg, dxo] = blocks_mut(dx, u);
                        for j in 0..u {
                            let dc = dcb[j] + dh[j] * o[j] * (1.0 - tc[j] * tc[j]);
                            dxi[j] = dc * gg[j] * i[j] * (1.0 - i[j]);
                            dxf[j] = dc * cp[j] * f[j] * (1.0 - f[j]);
                            dxg[j] = dc * i[j] * (1.0 - gg[j] * gg[j]);
                            dxo[j] = dh[j] * tc[j] * o[j] * (1.0 - o[j]);
                            // The carried c gradient for the previous step (before masking).
                            dcb[j] = dc * f[j];
                        }
                        dr.copy_from_slice(dx);
                    }
                    CellKind::Gru => {
                        let hp = &g.h_prev[row * u..(row + 1) * u];
                        let [z, reset, hh, rhb] = blocks(a, u);
                        let [dxz, dxr, dxh] = blocks_mut(dx, u);
                        let [drz, drr, drh] = blocks_mut(dr, u);
                        let direct = &mut dh_direct[b * u..(b + 1) * u];
                        for j in 0..u {
                            let da_h = dh[j] * (1.0 - z[j]) * (1.0 - hh[j] * hh[j]);
                            let da_r = da_h * rhb[j] * reset[j] * (1.0 - reset[j]);
                            let da_z = dh[j] * (hp[j] - hh[j]) * z[j] * (1.0 - z[j]);
                            dxz[j] = da_z;
                            dxr[j] = da_r;
                            dxh[j] = da_h;
                            drz[j] = da_z;
                            drr[j] = da_r;
                            drh[j] = da_h * reset[j];
                            direct[j] = dh[j] * z[j];
                        }
                    }
                }
            }
            // d h_prev = dREC_s · Uᵀ for the unmasked rows; masked rows keep their gradient.
            gemm_strided(
                active,
                gu,
                u,
                Strided::new(&g.drec[s * gu..], time * gu, 1),
                Strided::new(u_t, u, 1),
                &mut dh_from_rec,
                u,
                false,
            );
            for b in 0..nb {
                if g.mask.map_or(1.0, |m| m[b * time + t]) != 0.0 {
                    for j in 0..u {
                        dh_carry[b * u + j] = dh_from_rec[b * u + j] + dh_direct[b * u + j];
                    }
                }
            }
        }
        for b in 0..nb {
            g.dstate[b * sw..b * sw + u].copy_from_slice(&dh_carry[b * u..(b + 1) * u]);
            if is_lstm {
                g.dstate[b * sw + u..(b + 1) * sw].copy_from_slice(&dc_carry[b * u..(b + 1) * u]);
            }
        }
    }
}

/// Rows `0..n` hold every row not masked at time `t` (all `nb` without a mask): the rows of a
/// step's products. A batch sorted by the step its rows start at (the shared padding prefix)
/// makes them exactly the active rows.
fn active_rows(mask: Option<&[f32]>, nb: usize, time: usize, t: usize) -> usize {
    match mask {
        None => nb,
        Some(m) => (0..nb)
            .rposition(|b| m[b * time + t] != 0.0)
            .map_or(0, |b| b + 1),
    }
}

/// `Σ` of the rows of a `[rows, width]` buffer.
fn sum_rows(data: &[f32], width: usize) -> Vec<f32> {
    let mut sum = vec![0f32; width];
    for row in data.chunks_exact(width) {
        for (s, v) in sum.iter_mut().zip(row) {
            *s += v;
        }
    }
    sum
}

impl CustomOp3 for RnnSeq {
    fn name(&self) -> &'static str {
        "fused-rnn"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let xp = super::f32_slice(s1, l1, "fused rnn: xp")?;
        let (batch, time, xp) = match &self.gather {
            None => {
                let (batch, time, _) = l1.shape().dims3()?;
                (batch, time, XpRows::Dense(xp))
            }
            Some(index) => {
                let batch = l3.shape().dims2()?.0;
                let time = index.len() / batch.max(1);
                (batch, time, XpRows::Gathered { table: xp, index })
            }
        };
        let out = self.run(
            xp,
            super::f32_slice(s2, l2, "fused rnn: recurrent kernel")?,
            super::f32_slice(s3, l3, "fused rnn: state")?,
            batch,
            time,
        );
        Ok((
            CpuStorage::F32(out),
            Shape::from((batch, time, self.state_width())),
        ))
    }

    fn bwd(
        &self,
        xp: &Tensor,
        ua: &Tensor,
        state0: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (batch, time, sw) = res.dims3()?;
        let u = self.units;
        let gu = self.kind.gates() * u;
        // The inputs' own buffers, read in place (a copy only of a non-contiguous gradient):
        // copying them cost about as much as the backward pass's element-wise work.
        let tensors = [xp, ua, state0, res, grad_res]
            .map(Tensor::contiguous)
            .into_iter()
            .collect::<candle_core::Result<Vec<_>>>()?;
        let guards: Vec<_> = tensors.iter().map(Tensor::storage_and_layout).collect();
        let names = [
            "xp",
            "recurrent kernel",
            "state",
            "output",
            "output gradient",
        ];
        let mut slices = Vec::with_capacity(guards.len());
        for ((storage, layout), name) in guards.iter().zip(names) {
            let Storage::Cpu(cpu) = &**storage else {
                candle_core::bail!("fused rnn: the {name} is not on the CPU")
            };
            slices.push(super::f32_slice(cpu, layout, name)?);
        }
        let [xpv, uav, s0, out, dout]: [&[f32]; 5] = slices.try_into().expect("five inputs");
        let xp_rows = match &self.gather {
            None => XpRows::Dense(xpv),
            Some(index) => XpRows::Gathered { table: xpv, index },
        };
        let tb = time * batch;
        let aw = self.act_width();
        let cached = self
            .act_cache
            .lock()
            .ok()
            .and_then(|mut c| c.take())
            .filter(|act| act.len() == tb * aw);
        let mut h_prev = vec![0f32; tb * u];
        let mut dxp = vec![0f32; tb * gu]; // d loss / d xp, [batch, time, gu], processing order
        let mut drec = vec![0f32; tb * gu]; // d loss / d (h_prev · U + bias), same layout
        let mut dstate = vec![0f32; batch * sw];
        let ranges = group_ranges(batch, batch_groups(batch, time, u, gu));
        let groups: Vec<BackwardGroup> = split_groups(&mut h_prev, &ranges, time * u)
            .into_iter()
            .zip(split_groups(&mut dxp, &ranges, time * gu))
            .zip(split_groups(&mut drec, &ranges, time * gu))
            .zip(split_groups(&mut dstate, &ranges, sw))
            .zip(&ranges)
            .map(|((((h_prev, dxp), drec), dstate), r)| BackwardGroup {
                xp: xp_rows.part(r.start * time..r.end * time, gu),
                state0: &s0[r.start * sw..r.end * sw],
                mask: self.mask.as_ref().map(|m| &m[r.start * time..r.end * time]),
                out: &out[r.start * time * sw..r.end * time * sw],
                dout: &dout[r.start * time * sw..r.end * time * sw],
                act: cached
                    .as_ref()
                    .map(|c| &c[r.start * time * aw..r.end * time * aw]),
                h_prev,
                dxp,
                drec,
                dstate,
            })
            .collect();
        let bias = Biases::new(uav, u, gu);
        // Uᵀ once: the gemm crate would otherwise re-pack the strided view at every step.
        let mut u_t = vec![0f32; gu * u];
        for (i, row) in uav[..u * gu].chunks_exact(gu).enumerate() {
            for (j, &x) in row.iter().enumerate() {
                u_t[j * u + i] = x;
            }
        }
        for_each_group(groups, |g| self.backward_group(g, uav, &u_t, &bias, time));
        // d U_aug: rows 0..u = H_prevᵀ · dREC; row u (recurrent bias) = Σ dREC; row u + 1
        // (input bias) = Σ dXP. H_prev and dREC share their row order, so one GEMM does it.
        let mut dua = vec![0f32; (u + 2) * gu];
        gemm(
            u,
            tb,
            gu,
            &h_prev,
            true,
            &drec,
            false,
            &mut dua[..u * gu],
            false,
        );
        dua[u * gu..(u + 1) * gu].copy_from_slice(&sum_rows(&drec, gu));
        dua[(u + 1) * gu..].copy_from_slice(&sum_rows(&dxp, gu));
        // d xp in time order: processing order is time order unless go_backwards.
        if self.go_backwards {
            for b in 0..batch {
                let rows = &mut dxp[b * time * gu..(b + 1) * time * gu];
                for s in 0..time / 2 {
                    let (head, tail) = rows.split_at_mut((time - 1 - s) * gu);
                    head[s * gu..(s + 1) * gu].swap_with_slice(&mut tail[..gu]);
                }
            }
        }
        let dev = xp.device();
        let dxp = match &self.gather {
            None => Tensor::from_vec(dxp, (batch, time, gu), dev)?,
            Some(index) => {
                // Each position's gradient into its table row, in position order (what
                // candle's index_select backward does: the same sums in the same order).
                let rows = xp.dim(0)?;
                let mut dtable = vec![0f32; rows * gu];
                for (p, &r) in index.iter().enumerate() {
                    let (r, d) = (r as usize, &dxp[p * gu..(p + 1) * gu]);
                    for (a, b) in dtable[r * gu..(r + 1) * gu].iter_mut().zip(d) {
                        *a += b;
                    }
                }
                Tensor::from_vec(dtable, (rows, gu), dev)?
            }
        };
        Ok((
            Some(dxp),
            Some(Tensor::from_vec(dua, (u + 2, gu), dev)?),
            Some(Tensor::from_vec(dstate, (batch, sw), dev)?),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_matches_std() {
        let mut worst = 0f32;
        let mut x = -87.0f32;
        while x < 88.0 {
            let (got, want) = (fast_exp(x), x.exp());
            worst = worst.max(((got - want) / want).abs());
            x += 0.0137;
        }
        assert!(worst < 2e-7, "relative error {worst}");
        assert!(fast_exp(-1000.0) >= 0.0 && fast_exp(-1000.0) < 1e-37);
        assert!(fast_exp(1000.0).is_finite());
        assert!((sigmoid(-200.0)).abs() < 1e-30 && (sigmoid(200.0) - 1.0).abs() < 1e-7);
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(-50.0), -1.0);
        for x in [-3.0f32, -0.5, 0.0, 1e-4, 0.7, 2.5] {
            assert!((tanh(x) - x.tanh()).abs() < 3e-7, "tanh({x})");
        }
    }
}
