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

use candle_core::{CpuStorage, CustomOp3, DType, Layout, Shape, Tensor};

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
    let (batch, time, _) = xs.dims3()?;
    if time == 0 {
        return Err(NnError::Shape {
            layer: layer.kind.keras_name().into(),
            expected: "at least one time step".into(),
            got: xs.dims().to_vec(),
        });
    }
    let u = layer.units;
    let gu = layer.kind.gates() * u;
    // The op adds two bias rows to every step's pre-activation, so that their gradients come
    // out of the op as row sums instead of candle summing a broadcast [batch, time, gates·units]
    // gradient: the recurrent bias (inside a GRU's reset product) and the input bias.
    let zeros = || Tensor::zeros((1, gu), DType::F32, xs.device());
    let (rec_bias, in_bias) = match (layer.kind, layer.recurrent_bias()?, layer.input_bias()?) {
        (_, Some(rb), Some(ib)) => (rb.reshape((1, gu))?, ib.reshape((1, gu))?),
        (CellKind::Gru, None, Some(ib)) => (zeros()?, ib.reshape((1, gu))?),
        (_, None, Some(b)) => (b.reshape((1, gu))?, zeros()?),
        (_, _, None) => (zeros()?, zeros()?),
    };
    let (b, t, f) = xs.dims3()?;
    let xp = xs
        .reshape((b * t, f))?
        .matmul(layer.kernel.as_tensor())?
        .reshape((b, t, gu))?;
    let xp = xp.contiguous()?;
    let ua = Tensor::cat(
        &[layer.recurrent_kernel.as_tensor(), &rec_bias, &in_bias],
        0,
    )?
    .contiguous()?;
    let state0 = match initial {
        Some(s) => match s.c {
            Some(c) => Tensor::cat(&[&s.h, &c], 1)?,
            None => s.h,
        },
        None => {
            let width = if layer.kind == CellKind::Lstm {
                2 * u
            } else {
                u
            };
            Tensor::zeros((batch, width), DType::F32, xs.device())?
        }
    }
    .contiguous()?;
    let mask_values = match mask {
        Some(m) => {
            let values = m.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
            if values.len() != batch * time || values.iter().any(|&v| v != 0.0 && v != 1.0) {
                return Err(NnError::Config(
                    "a mask must be [batch, time] of 0 and 1".into(),
                ));
            }
            Some(Arc::new(values))
        }
        None => None,
    };
    let op = RnnSeq {
        kind: layer.kind,
        units: u,
        go_backwards: layer.go_backwards,
        mask: mask_values,
        rec_cache: Mutex::new(None),
    };
    let out = xp.apply_op3(&ua, &state0, op)?;
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

#[inline]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// tanh through one `exp` (libm's `tanhf` goes through the slower `expm1f`); absolute error
/// below 1e-7, saturating correctly at ±1 for large |x|.
#[inline]
fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / ((2.0 * x).exp() + 1.0)
}

fn slice<'a>(s: &'a CpuStorage, l: &Layout, what: &str) -> candle_core::Result<&'a [f32]> {
    let CpuStorage::F32(data) = s else {
        candle_core::bail!("fused rnn: {what} must be f32")
    };
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&data[a..b]),
        None => candle_core::bail!("fused rnn: {what} must be contiguous"),
    }
}

struct RnnSeq {
    kind: CellKind,
    units: usize,
    go_backwards: bool,
    /// `[batch, time]` in time order, 0/1.
    mask: Option<Arc<Vec<f32>>>,
    /// `h_prev · U` of every step from the forward pass (`[batch, time, gates·units]`, in
    /// processing order), so the backward pass does not recompute it.
    rec_cache: Mutex<Option<Vec<f32>>>,
}

/// One group of batch rows for the forward pass: its slices of every buffer.
struct ForwardGroup<'a> {
    xp: &'a [f32],
    state0: &'a [f32],
    mask: Option<&'a [f32]>,
    out: &'a mut [f32],
    rec: &'a mut [f32],
}

/// One group of batch rows for the backward pass.
struct BackwardGroup<'a> {
    xp: &'a [f32],
    state0: &'a [f32],
    mask: Option<&'a [f32]>,
    out: &'a [f32],
    dout: &'a [f32],
    rec: Option<&'a [f32]>,
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

    /// The forward recurrence; returns `[batch, time, state]` and keeps `h_prev · U`.
    fn run(&self, xp: &[f32], ua: &[f32], state0: &[f32], batch: usize, time: usize) -> Vec<f32> {
        let gu = self.kind.gates() * self.units;
        let sw = self.state_width();
        let mut rec_all = vec![0f32; batch * time * gu];
        let mut out = vec![0f32; batch * time * sw];
        let ranges = group_ranges(batch, batch_groups(batch, time, self.units, gu));
        let groups: Vec<ForwardGroup> = split_groups(&mut out, &ranges, time * sw)
            .into_iter()
            .zip(split_groups(&mut rec_all, &ranges, time * gu))
            .zip(&ranges)
            .map(|((out, rec), r)| ForwardGroup {
                xp: &xp[r.start * time * gu..r.end * time * gu],
                state0: &state0[r.start * sw..r.end * sw],
                mask: self
                    .mask
                    .as_ref()
                    .map(|m| &m[r.start * time..r.end * time]),
                out,
                rec,
            })
            .collect();
        for_each_group(groups, |g| self.run_group(g, ua, time));
        if let Ok(mut cache) = self.rec_cache.lock() {
            *cache = Some(rec_all);
        }
        out
    }

    /// The forward recurrence of one group of batch rows.
    fn run_group(&self, g: ForwardGroup, ua: &[f32], time: usize) {
        let u = self.units;
        let gu = self.kind.gates() * u;
        let sw = self.state_width();
        let nb = g.state0.len() / sw;
        let rec_bias = &ua[u * gu..(u + 1) * gu];
        let in_bias = &ua[(u + 1) * gu..(u + 2) * gu];
        let mut h: Vec<f32> = (0..nb)
            .flat_map(|b| g.state0[b * sw..b * sw + u].iter().copied())
            .collect();
        let mut c: Vec<f32> = if self.kind == CellKind::Lstm {
            (0..nb)
                .flat_map(|b| g.state0[b * sw + u..(b + 1) * sw].iter().copied())
                .collect()
        } else {
            Vec::new()
        };
        for s in 0..time {
            let t = self.time_of(s, time);
            // This step's rows of every batch row, `time · gu` apart.
            gemm_strided(
                nb,
                u,
                gu,
                Strided::new(&h, u, 1),
                Strided::new(&ua[..u * gu], gu, 1),
                &mut g.rec[s * gu..],
                time * gu,
                false,
            );
            for b in 0..nb {
                let m = g.mask.map_or(1.0, |m| m[b * time + t]);
                let x = &g.xp[(b * time + t) * gu..(b * time + t + 1) * gu];
                let r = &g.rec[(b * time + s) * gu..(b * time + s + 1) * gu];
                let hb = &mut h[b * u..(b + 1) * u];
                if m != 0.0 {
                    let a = |k: usize| x[k] + in_bias[k] + r[k] + rec_bias[k];
                    match self.kind {
                        CellKind::SimpleRnn => {
                            for j in 0..u {
                                hb[j] = tanh(a(j));
                            }
                        }
                        CellKind::Lstm => {
                            let cb = &mut c[b * u..(b + 1) * u];
                            for j in 0..u {
                                let i = sigmoid(a(j));
                                let f = sigmoid(a(u + j));
                                let gg = tanh(a(2 * u + j));
                                let o = sigmoid(a(3 * u + j));
                                cb[j] = f * cb[j] + i * gg;
                                hb[j] = o * tanh(cb[j]);
                            }
                        }
                        CellKind::Gru => {
                            for j in 0..u {
                                let (jh, h2) = (2 * u + j, 2 * u + j);
                                let z = sigmoid(a(j));
                                let rr = sigmoid(a(u + j));
                                let hh =
                                    tanh(x[jh] + in_bias[jh] + rr * (r[h2] + rec_bias[h2]));
                                hb[j] = z * hb[j] + (1.0 - z) * hh;
                            }
                        }
                    }
                }
                // A masked step (m = 0) keeps h and c as they were.
                let o = &mut g.out[(b * time + s) * sw..(b * time + s + 1) * sw];
                o[..u].copy_from_slice(hb);
                if self.kind == CellKind::Lstm {
                    o[u..].copy_from_slice(&c[b * u..(b + 1) * u]);
                }
            }
        }
    }

    /// Backpropagation through time for one group of batch rows: fills its `dxp` and `drec`
    /// (`[rows, time, gu]`, processing order), `h_prev` and the initial state's gradient.
    fn backward_group(&self, g: BackwardGroup, ua: &[f32], time: usize) {
        let u = self.units;
        let gu = self.kind.gates() * u;
        let sw = self.state_width();
        let nb = g.state0.len() / sw;
        let is_lstm = self.kind == CellKind::Lstm;
        let rec_bias = &ua[u * gu..(u + 1) * gu];
        let in_bias = &ua[(u + 1) * gu..(u + 2) * gu];
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
        // The recurrent pre-activations of every step in one GEMM, unless the forward pass
        // kept them.
        let recomputed;
        let rec = match g.rec {
            Some(rec) => rec,
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
                recomputed = rec;
                &recomputed
            }
        };
        let mut dh_carry = vec![0f32; nb * u];
        let mut dc_carry = vec![0f32; if is_lstm { nb * u } else { 0 }];
        let mut dh_from_rec = vec![0f32; nb * u];
        let mut dh_direct = vec![0f32; nb * u];
        for s in (0..time).rev() {
            let t = self.time_of(s, time);
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
                let x = &g.xp[(b * time + t) * gu..(b * time + t + 1) * gu];
                let r = &rec[row * gu..(row + 1) * gu];
                let a = |k: usize| x[k] + in_bias[k] + r[k] + rec_bias[k];
                let hp = &g.h_prev[row * u..(row + 1) * u];
                let dx = &mut g.dxp[row * gu..(row + 1) * gu];
                let dr = &mut g.drec[row * gu..(row + 1) * gu];
                let h_new = &g.out[row * sw..row * sw + u];
                match self.kind {
                    CellKind::SimpleRnn => {
                        for j in 0..u {
                            let da = dh_carry[b * u + j] * (1.0 - h_new[j] * h_new[j]);
                            dx[j] = da;
                            dr[j] = da;
                        }
                    }
                    CellKind::Lstm => {
                        let cp = &c_prev[row * u..(row + 1) * u];
                        for j in 0..u {
                            let i = sigmoid(a(j));
                            let f = sigmoid(a(u + j));
                            let gg = tanh(a(2 * u + j));
                            let o = sigmoid(a(3 * u + j));
                            let c = f * cp[j] + i * gg;
                            let tc = tanh(c);
                            let dh = dh_carry[b * u + j];
                            let dc = dc_carry[b * u + j] + dh * o * (1.0 - tc * tc);
                            let (di, df, dg, do_) = (dc * gg, dc * cp[j], dc * i, dh * tc);
                            let dzi = di * i * (1.0 - i);
                            let dzf = df * f * (1.0 - f);
                            let dzg = dg * (1.0 - gg * gg);
                            let dzo = do_ * o * (1.0 - o);
                            for (k, d) in [dzi, dzf, dzg, dzo].into_iter().enumerate() {
                                dx[k * u + j] = d;
                                dr[k * u + j] = d;
                            }
                            // The carried c gradient for the previous step (before masking).
                            dc_carry[b * u + j] = dc * f;
                        }
                    }
                    CellKind::Gru => {
                        for j in 0..u {
                            let jh = 2 * u + j;
                            let z = sigmoid(a(j));
                            let rr = sigmoid(a(u + j));
                            let rh = r[jh] + rec_bias[jh];
                            let hh = tanh(x[jh] + in_bias[jh] + rr * rh);
                            let dh = dh_carry[b * u + j];
                            let dz = dh * (hp[j] - hh);
                            let da_h = dh * (1.0 - z) * (1.0 - hh * hh);
                            let da_r = da_h * rh * rr * (1.0 - rr);
                            let da_z = dz * z * (1.0 - z);
                            dx[j] = da_z;
                            dx[u + j] = da_r;
                            dx[jh] = da_h;
                            dr[j] = da_z;
                            dr[u + j] = da_r;
                            dr[jh] = da_h * rr;
                            dh_direct[b * u + j] = dh * z;
                        }
                    }
                }
            }
            // d h_prev = dREC_s · Uᵀ for the unmasked rows; masked rows keep their gradient.
            gemm_strided(
                nb,
                gu,
                u,
                Strided::new(&g.drec[s * gu..], time * gu, 1),
                Strided::new(&ua[..u * gu], 1, gu),
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
        let (batch, time, _) = l1.shape().dims3()?;
        let out = self.run(
            slice(s1, l1, "xp")?,
            slice(s2, l2, "recurrent kernel")?,
            slice(s3, l3, "state")?,
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
        let (batch, time, gu) = xp.dims3()?;
        let u = self.units;
        let sw = self.state_width();
        let v = |t: &Tensor| t.flatten_all()?.to_vec1::<f32>();
        let (xpv, uav, s0, out, dout) = (v(xp)?, v(ua)?, v(state0)?, v(res)?, v(grad_res)?);
        let tb = time * batch;
        let cached = self
            .rec_cache
            .lock()
            .ok()
            .and_then(|mut c| c.take())
            .filter(|rec| rec.len() == tb * gu);
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
                xp: &xpv[r.start * time * gu..r.end * time * gu],
                state0: &s0[r.start * sw..r.end * sw],
                mask: self
                    .mask
                    .as_ref()
                    .map(|m| &m[r.start * time..r.end * time]),
                out: &out[r.start * time * sw..r.end * time * sw],
                dout: &dout[r.start * time * sw..r.end * time * sw],
                rec: cached
                    .as_ref()
                    .map(|c| &c[r.start * time * gu..r.end * time * gu]),
                h_prev,
                dxp,
                drec,
                dstate,
            })
            .collect();
        for_each_group(groups, |g| self.backward_group(g, &uav, time));
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
        Ok((
            Some(Tensor::from_vec(dxp, (batch, time, gu), dev)?),
            Some(Tensor::from_vec(dua, (u + 2, gu), dev)?),
            Some(Tensor::from_vec(dstate, (batch, sw), dev)?),
        ))
    }
}
