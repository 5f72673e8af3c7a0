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
//! The op takes `xp = x · kernel + b` (`[batch, time, gates·units]`), the recurrent kernel with
//! one extra row holding the recurrent bias (GRU) or zeros (`[units + 1, gates·units]`), and the
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
    // The op adds one bias row to every step's pre-activation. For SimpleRNN and LSTM that
    // is the layer's bias (so its gradient comes out of the op, not from summing a
    // [batch, time, gates·units] gradient); a GRU adds its input bias to `xp` and passes
    // the recurrent bias, which sits inside the reset gate's product.
    let (xp, bias_row) = if layer.kind == CellKind::Gru {
        let row = match layer.recurrent_bias()? {
            Some(b) => b.reshape((1, gu))?,
            None => Tensor::zeros((1, gu), DType::F32, xs.device())?,
        };
        (layer.input_projection(xs)?, row)
    } else {
        let (b, t, f) = xs.dims3()?;
        let xp = xs
            .reshape((b * t, f))?
            .matmul(layer.kernel.as_tensor())?
            .reshape((b, t, gu))?;
        let row = match layer.input_bias()? {
            Some(bias) => bias.reshape((1, gu))?,
            None => Tensor::zeros((1, gu), DType::F32, xs.device())?,
        };
        (xp, row)
    };
    let xp = xp.contiguous()?;
    let ua = Tensor::cat(&[layer.recurrent_kernel.as_tensor(), &bias_row], 0)?.contiguous()?;
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
/// `[k, n]` (or its transpose stored `[n, k]`).
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
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c[..m * n].fill(0.0);
        }
        return;
    }
    assert!(
        a.len() >= m * k && b.len() >= k * n && c.len() >= m * n,
        "gemm: buffers too small"
    );
    let (a_cs, a_rs) = if a_t {
        (m as isize, 1)
    } else {
        (1, k as isize)
    };
    let (b_cs, b_rs) = if b_t {
        (k as isize, 1)
    } else {
        (1, n as isize)
    };
    // SAFETY: the asserts above keep every access inside the three slices; `c` does not
    // overlap `a` or `b` (it is borrowed mutably).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
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
    /// `h_prev · U` of every step from the forward pass (row `s·batch + b`), so the backward
    /// pass does not recompute it.
    rec_cache: Mutex<Option<Vec<f32>>>,
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

    /// The forward recurrence over slices; returns `[batch, time, state]`.
    fn run(&self, xp: &[f32], ua: &[f32], state0: &[f32], batch: usize, time: usize) -> Vec<f32> {
        let u = self.units;
        let gu = self.kind.gates() * u;
        let sw = self.state_width();
        let bias = &ua[u * gu..(u + 1) * gu];
        let mut h: Vec<f32> = (0..batch)
            .flat_map(|b| state0[b * sw..b * sw + u].iter().copied())
            .collect();
        let mut c: Vec<f32> = if self.kind == CellKind::Lstm {
            (0..batch)
                .flat_map(|b| state0[b * sw + u..(b + 1) * sw].iter().copied())
                .collect()
        } else {
            Vec::new()
        };
        let mut rec_all = vec![0f32; time * batch * gu];
        let mut out = vec![0f32; batch * time * sw];
        for s in 0..time {
            let t = self.time_of(s, time);
            let rec = &mut rec_all[s * batch * gu..(s + 1) * batch * gu];
            gemm(batch, u, gu, &h, false, &ua[..u * gu], false, rec, false);
            for b in 0..batch {
                let m = self.mask.as_ref().map_or(1.0, |m| m[b * time + t]);
                let x = &xp[(b * time + t) * gu..(b * time + t + 1) * gu];
                let r = &mut rec[b * gu..(b + 1) * gu];
                let hb = &mut h[b * u..(b + 1) * u];
                if m != 0.0 {
                    match self.kind {
                        CellKind::SimpleRnn => {
                            for j in 0..u {
                                hb[j] = tanh(x[j] + r[j] + bias[j]);
                            }
                        }
                        CellKind::Lstm => {
                            let cb = &mut c[b * u..(b + 1) * u];
                            for j in 0..u {
                                let i = sigmoid(x[j] + r[j] + bias[j]);
                                let f = sigmoid(x[u + j] + r[u + j] + bias[u + j]);
                                let g = tanh(x[2 * u + j] + r[2 * u + j] + bias[2 * u + j]);
                                let o = sigmoid(x[3 * u + j] + r[3 * u + j] + bias[3 * u + j]);
                                cb[j] = f * cb[j] + i * g;
                                hb[j] = o * tanh(cb[j]);
                            }
                        }
                        CellKind::Gru => {
                            for j in 0..u {
                                let z = sigmoid(x[j] + r[j] + bias[j]);
                                let rr = sigmoid(x[u + j] + r[u + j] + bias[u + j]);
                                let hh = tanh(x[2 * u + j] + rr * (r[2 * u + j] + bias[2 * u + j]));
                                hb[j] = z * hb[j] + (1.0 - z) * hh;
                            }
                        }
                    }
                }
                // A masked step (m = 0) keeps h and c as they were.
                let o = &mut out[(b * time + s) * sw..(b * time + s + 1) * sw];
                o[..u].copy_from_slice(hb);
                if self.kind == CellKind::Lstm {
                    o[u..].copy_from_slice(&c[b * u..(b + 1) * u]);
                }
            }
        }
        if let Ok(mut cache) = self.rec_cache.lock() {
            *cache = Some(rec_all);
        }
        out
    }
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
        let bias = &uav[u * gu..(u + 1) * gu];
        let is_lstm = self.kind == CellKind::Lstm;
        let tb = time * batch;
        // Previous states in processing order, row s·batch + b.
        let mut h_prev = vec![0f32; tb * u];
        let mut c_prev = if is_lstm {
            vec![0f32; tb * u]
        } else {
            Vec::new()
        };
        for s in 0..time {
            for b in 0..batch {
                let src = if s == 0 {
                    &s0[b * sw..(b + 1) * sw]
                } else {
                    &out[(b * time + s - 1) * sw..(b * time + s) * sw]
                };
                let row = s * batch + b;
                h_prev[row * u..(row + 1) * u].copy_from_slice(&src[..u]);
                if is_lstm {
                    c_prev[row * u..(row + 1) * u].copy_from_slice(&src[u..]);
                }
            }
        }
        // The recurrent pre-activations of every step in one GEMM.
        let cached = self.rec_cache.lock().ok().and_then(|mut c| c.take());
        let rec = match cached {
            Some(rec) if rec.len() == tb * gu => rec,
            _ => {
                let mut rec = vec![0f32; tb * gu];
                gemm(
                    tb,
                    u,
                    gu,
                    &h_prev,
                    false,
                    &uav[..u * gu],
                    false,
                    &mut rec,
                    false,
                );
                rec
            }
        };

        let mut dxp_rows = vec![0f32; tb * gu]; // d loss / d xp, processing order
        let mut drec_rows = vec![0f32; tb * gu]; // d loss / d (h_prev · U + bias)
        let mut dh_carry = vec![0f32; batch * u];
        let mut dc_carry = vec![0f32; if is_lstm { batch * u } else { 0 }];
        let mut dh_from_rec = vec![0f32; batch * u];
        let mut dh_direct = vec![0f32; batch * u];
        for s in (0..time).rev() {
            let t = self.time_of(s, time);
            dh_direct.fill(0.0);
            for b in 0..batch {
                let m = self.mask.as_ref().map_or(1.0, |m| m[b * time + t]);
                let row = s * batch + b;
                let g_out = &dout[(b * time + s) * sw..(b * time + s + 1) * sw];
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
                let x = &xpv[(b * time + t) * gu..(b * time + t + 1) * gu];
                let r = &rec[row * gu..(row + 1) * gu];
                let hp = &h_prev[row * u..(row + 1) * u];
                let dx = &mut dxp_rows[row * gu..(row + 1) * gu];
                let dr = &mut drec_rows[row * gu..(row + 1) * gu];
                let h_new = &out[(b * time + s) * sw..(b * time + s) * sw + u];
                match self.kind {
                    CellKind::SimpleRnn => {
                        for j in 0..u {
                            let da = dhb_get(&dh_carry, b, u, j) * (1.0 - h_new[j] * h_new[j]);
                            dx[j] = da;
                            dr[j] = da;
                        }
                    }
                    CellKind::Lstm => {
                        let cp = &c_prev[row * u..(row + 1) * u];
                        for j in 0..u {
                            let i = sigmoid(x[j] + r[j] + bias[j]);
                            let f = sigmoid(x[u + j] + r[u + j] + bias[u + j]);
                            let g = tanh(x[2 * u + j] + r[2 * u + j] + bias[2 * u + j]);
                            let o = sigmoid(x[3 * u + j] + r[3 * u + j] + bias[3 * u + j]);
                            let c = f * cp[j] + i * g;
                            let tc = tanh(c);
                            let dh = dh_carry[b * u + j];
                            let dc = dc_carry[b * u + j] + dh * o * (1.0 - tc * tc);
                            let (di, df, dg, do_) = (dc * g, dc * cp[j], dc * i, dh * tc);
                            let dzi = di * i * (1.0 - i);
                            let dzf = df * f * (1.0 - f);
                            let dzg = dg * (1.0 - g * g);
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
                            let z = sigmoid(x[j] + r[j] + bias[j]);
                            let rr = sigmoid(x[u + j] + r[u + j] + bias[u + j]);
                            let rh = r[2 * u + j] + bias[2 * u + j];
                            let hh = tanh(x[2 * u + j] + rr * rh);
                            let dh = dh_carry[b * u + j];
                            let dz = dh * (hp[j] - hh);
                            let da_h = dh * (1.0 - z) * (1.0 - hh * hh);
                            let da_r = da_h * rh * rr * (1.0 - rr);
                            let da_z = dz * z * (1.0 - z);
                            dx[j] = da_z;
                            dx[u + j] = da_r;
                            dx[2 * u + j] = da_h;
                            dr[j] = da_z;
                            dr[u + j] = da_r;
                            dr[2 * u + j] = da_h * rr;
                            dh_direct[b * u + j] = dh * z;
                        }
                    }
                }
            }
            // d h_prev = dREC_s · U^T for the unmasked rows; masked rows keep their gradient.
            let rows = &drec_rows[s * batch * gu..(s + 1) * batch * gu];
            gemm(
                batch,
                gu,
                u,
                rows,
                false,
                &uav[..u * gu],
                true,
                &mut dh_from_rec,
                false,
            );
            for b in 0..batch {
                let m = self
                    .mask
                    .as_ref()
                    .map_or(1.0, |m| m[b * time + self.time_of(s, time)]);
                if m != 0.0 {
                    for j in 0..u {
                        dh_carry[b * u + j] = dh_from_rec[b * u + j] + dh_direct[b * u + j];
                    }
                }
            }
        }
        // d U_aug: rows 0..u = H_prevᵀ · dREC; row u (the bias row) = Σ dREC.
        let mut dua = vec![0f32; (u + 1) * gu];
        gemm(
            u,
            tb,
            gu,
            &h_prev,
            true,
            &drec_rows,
            false,
            &mut dua[..u * gu],
            false,
        );
        for row in 0..tb {
            for j in 0..gu {
                dua[u * gu + j] += drec_rows[row * gu + j];
            }
        }
        // d xp back to [batch, time, gu] in time order.
        let mut dxp = vec![0f32; batch * time * gu];
        for s in 0..time {
            let t = self.time_of(s, time);
            for b in 0..batch {
                let row = s * batch + b;
                dxp[(b * time + t) * gu..(b * time + t + 1) * gu]
                    .copy_from_slice(&dxp_rows[row * gu..(row + 1) * gu]);
            }
        }
        let mut dstate = vec![0f32; batch * sw];
        for b in 0..batch {
            dstate[b * sw..b * sw + u].copy_from_slice(&dh_carry[b * u..(b + 1) * u]);
            if is_lstm {
                dstate[b * sw + u..(b + 1) * sw].copy_from_slice(&dc_carry[b * u..(b + 1) * u]);
            }
        }
        let dev = xp.device();
        Ok((
            Some(Tensor::from_vec(dxp, (batch, time, gu), dev)?),
            Some(Tensor::from_vec(dua, (u + 1, gu), dev)?),
            Some(Tensor::from_vec(dstate, (batch, sw), dev)?),
        ))
    }
}

#[inline]
fn dhb_get(dh: &[f32], b: usize, u: usize, j: usize) -> f32 {
    dh[b * u + j]
}
