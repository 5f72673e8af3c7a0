//! A [`ShardGradient`] as bytes, for replica workers that exchange their shards' gradients
//! (the page's data parallelism: BroadcastChannel messages between workers). Each variable's
//! gradient is written whole, or as rows: a table's [`crate::nn::RowGradient`] (an
//! Embedding's: a batch uses a few hundred of 8,000 words), or a table whose rows are mostly
//! zero, as its nonzero rows only. Rows arrive as a `RowGradient`.
//!
//! ```
//! use candle_core::{Device, Tensor, Var};
//! use rnn_playground::train::ShardGradient;
//! use rnn_playground::train::shard_wire::{decode, encode};
//!
//! let w = Var::from_tensor(&Tensor::zeros((4, 2), candle_core::DType::F32, &Device::Cpu)?)?;
//! let vars = vec![("w".to_string(), w.clone())];
//! let mut grads = candle_core::backprop::GradStore::default();
//! grads.insert(w.as_tensor(), Tensor::new(&[[0f32, 0.], [1., 2.], [0., 0.], [0., 0.]], &Device::Cpu)?);
//! let g = ShardGradient { loss_sum: 1.5, correct: 1.0, samples: 2, grads, rows: Default::default() };
//! let bytes = encode(7, 1, &g, &vars)?;
//! let (step, from, back) = decode(&bytes, &vars)?;
//! assert_eq!((step, from, back.samples), (7, 1, 2));
//! // Sent as its one nonzero row, and received as that row.
//! let rows = &back.rows[&w.id()];
//! assert_eq!((rows.rows(), rows.values()), (&[1u32][..], &[1f32, 2.][..]));
//! # Ok::<(), rnn_playground::nn::NnError>(())
//! ```

use std::collections::HashMap;

use candle_core::backprop::GradStore;
use candle_core::{Device, Tensor, Var};

use super::ShardGradient;
use crate::nn::{NnError, Result, RowGradient};

const MAGIC: &[u8; 4] = b"RPG1";

fn bad(what: &str) -> NnError {
    NnError::Load(format!(
        "a replica's gradient message is cut or changed: {what}"
    ))
}

/// `step` (the batch number since training started) and `from` (the replica's index) go
/// with the gradient, so that a receiver can match shards of the same batch.
pub fn encode(
    step: u64,
    from: u32,
    g: &ShardGradient,
    variables: &[(String, Var)],
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&step.to_le_bytes());
    out.extend_from_slice(&from.to_le_bytes());
    out.extend_from_slice(&g.loss_sum.to_le_bytes());
    out.extend_from_slice(&g.correct.to_le_bytes());
    out.extend_from_slice(&(g.samples as u64).to_le_bytes());
    out.extend_from_slice(&(variables.len() as u32).to_le_bytes());
    for (_, var) in variables {
        if let Some(rows) = g.rows.get(&var.id()) {
            if g.grads.get(var.as_tensor()).is_some() {
                return Err(NnError::Config(
                    "a table's gradient is both dense and rows: sum them first".into(),
                ));
            }
            write_rows(
                &mut out,
                rows.rows().iter().copied(),
                rows.values(),
                rows.width(),
            );
            continue;
        }
        let Some(grad) = g.grads.get(var.as_tensor()) else {
            out.push(0);
            continue;
        };
        let values = grad.flatten_all()?.to_vec1::<f32>()?;
        let dims = grad.dims();
        let rows = if dims.len() == 2 { dims[0] } else { 0 };
        let width = if dims.len() == 2 { dims[1] } else { 0 };
        let touched: Vec<usize> = if rows > 0 {
            (0..rows)
                .filter(|&r| values[r * width..(r + 1) * width].iter().any(|&v| v != 0.0))
                .collect()
        } else {
            Vec::new()
        };
        if rows > 0 && touched.len() * 2 < rows {
            let picked: Vec<f32> = touched
                .iter()
                .flat_map(|&r| values[r * width..(r + 1) * width].iter().copied())
                .collect();
            write_rows(&mut out, touched.iter().map(|&r| r as u32), &picked, width);
        } else {
            out.push(1);
            for v in &values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    Ok(out)
}

/// A gradient as rows (kind 2): their count, then each row's index and `width` values.
fn write_rows(
    out: &mut Vec<u8>,
    rows: impl ExactSizeIterator<Item = u32>,
    values: &[f32],
    width: usize,
) {
    out.push(2);
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (r, row_values) in rows.zip(values.chunks_exact(width.max(1))) {
        out.extend_from_slice(&r.to_le_bytes());
        for v in row_values {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        if self.0.len() < N {
            return Err(bad("too short"));
        }
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        Ok(head.try_into().expect("N bytes"))
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>> {
        if self.0.len() < n * 4 {
            return Err(bad("too short"));
        }
        let (head, rest) = self.0.split_at(n * 4);
        self.0 = rest;
        Ok(head
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect())
    }
}

/// `(step, from)` of a message [`encode`] wrote, without decoding its gradient.
pub fn header(bytes: &[u8]) -> Result<(u64, u32)> {
    let mut r = Reader(bytes);
    if &r.take::<4>()? != MAGIC {
        return Err(bad("not a gradient message"));
    }
    Ok((u64::from_le_bytes(r.take()?), r.u32()?))
}

/// `(step, from, gradient)` of a message [`encode`] wrote for the same `variables`.
pub fn decode(bytes: &[u8], variables: &[(String, Var)]) -> Result<(u64, u32, ShardGradient)> {
    let (step, from) = header(bytes)?;
    let mut r = Reader(&bytes[16..]);
    let loss_sum = f64::from_le_bytes(r.take()?);
    let correct = f64::from_le_bytes(r.take()?);
    let samples = u64::from_le_bytes(r.take()?) as usize;
    if r.u32()? as usize != variables.len() {
        return Err(bad("another model's variables"));
    }
    let mut grads = GradStore::default();
    let mut rows_by_table = HashMap::new();
    for (_, var) in variables {
        let dims = var.dims().to_vec();
        let n: usize = dims.iter().product();
        let grad = match r.take::<1>()?[0] {
            0 => continue,
            1 => Tensor::from_vec(r.f32s(n)?, dims.as_slice(), &Device::Cpu)?,
            2 if dims.len() == 2 => {
                let (rows, width) = (dims[0], dims[1]);
                let count = r.u32()? as usize;
                if count > rows {
                    return Err(bad("more rows than the table"));
                }
                let (mut listed, mut values) = (Vec::with_capacity(count), Vec::new());
                for _ in 0..count {
                    let row = r.u32()?;
                    if row as usize >= rows {
                        return Err(bad("a row past the table"));
                    }
                    listed.push(row);
                    values.extend(r.f32s(width)?);
                }
                let g = RowGradient::new(listed, width, values)
                    .map_err(|_| bad("rows out of order"))?;
                rows_by_table.insert(var.id(), g);
                continue;
            }
            _ => return Err(bad("an unknown kind of gradient")),
        };
        grads.insert(var.as_tensor(), grad);
    }
    if !r.0.is_empty() {
        return Err(bad("bytes left over"));
    }
    Ok((
        step,
        from,
        ShardGradient {
            loss_sum,
            correct,
            samples,
            grads,
            rows: rows_by_table,
        },
    ))
}
