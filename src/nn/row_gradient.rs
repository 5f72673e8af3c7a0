//! The gradient of a lookup table (an Embedding's) at the rows a batch read: every other row's
//! gradient is zero, so it is kept as the rows and their values, not as a table.
//!
//! Why: a batch of the lecture's reviews reads a few hundred of 8,000 words. Kept as a table,
//! the gradient is a 3 MB buffer zeroed, scattered into and copied on every step, and, with
//! data-parallel workers, scanned, sent, decoded and added on every replica. As rows it is a
//! few kilobytes; the optimizer still updates every row (Adam's moments decay where the
//! gradient is zero, as in Keras), taking zero for the rows not listed: the same arithmetic
//! as the dense table, so the same weights.
//!
//! During training, [`super::Sequential::forward_gathering_rows`] makes the batch's distinct
//! rows their own leaf ([`GatheredRows`]) so that autograd delivers their gradient as rows.
//!
//! ```
//! use rnn_playground::nn::RowGradient;
//!
//! let mut a = RowGradient::new(vec![1, 4], 2, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
//! let b = RowGradient::new(vec![0, 4], 2, vec![5.0, 6.0, 7.0, 8.0]).unwrap();
//! a.add(&b);
//! assert_eq!(a.rows(), &[0, 1, 4]);
//! assert_eq!(a.values(), &[5.0, 6.0, 1.0, 2.0, 10.0, 12.0]);
//! assert_eq!(a.to_dense(5)[8..], [10.0, 12.0]);
//! ```

use candle_core::{Tensor, Var};

use super::error::{NnError, Result};

/// Rows (ascending, distinct) of a `[rows, width]` table and their gradient, row after row.
#[derive(Clone, Debug, PartialEq)]
pub struct RowGradient {
    rows: Vec<u32>,
    width: usize,
    values: Vec<f32>,
}

impl RowGradient {
    /// `rows` must ascend without repeats and `values` hold `width` floats per row.
    pub fn new(rows: Vec<u32>, width: usize, values: Vec<f32>) -> Result<Self> {
        if values.len() != rows.len() * width || rows.windows(2).any(|w| w[0] >= w[1]) {
            return Err(NnError::Config(format!(
                "a row gradient needs ascending distinct rows and {width} values each \
                 ({} rows, {} values)",
                rows.len(),
                values.len()
            )));
        }
        Ok(Self {
            rows,
            width,
            values,
        })
    }

    pub fn rows(&self) -> &[u32] {
        &self.rows
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The highest row plus one (0 when empty): the table needs at least this many rows.
    pub fn min_table_rows(&self) -> usize {
        self.rows.last().map_or(0, |&r| r as usize + 1)
    }

    /// `self += other`, row by row (a row in only one of them is copied): the same sums as
    /// adding the two dense tables.
    pub fn add(&mut self, other: &RowGradient) {
        let w = self.width;
        let mut rows = Vec::with_capacity(self.rows.len() + other.rows.len());
        let mut values = Vec::with_capacity(self.values.len() + other.values.len());
        let (mut i, mut j) = (0, 0);
        while i < self.rows.len() || j < other.rows.len() {
            let a = self.rows.get(i).copied().unwrap_or(u32::MAX);
            let b = other.rows.get(j).copied().unwrap_or(u32::MAX);
            if a < b {
                rows.push(a);
                values.extend_from_slice(&self.values[i * w..(i + 1) * w]);
                i += 1;
            } else if b < a {
                rows.push(b);
                values.extend_from_slice(&other.values[j * w..(j + 1) * w]);
                j += 1;
            } else {
                rows.push(a);
                let (x, y) = (
                    &self.values[i * w..(i + 1) * w],
                    &other.values[j * w..(j + 1) * w],
                );
                values.extend(x.iter().zip(y).map(|(x, y)| x + y));
                i += 1;
                j += 1;
            }
        }
        self.rows = rows;
        self.values = values;
    }

    /// The whole `[table_rows, width]` gradient, zeros where no row is listed.
    pub fn to_dense(&self, table_rows: usize) -> Vec<f32> {
        let w = self.width;
        let mut dense = vec![0f32; table_rows * w];
        for (k, &r) in self.rows.iter().enumerate() {
            let r = r as usize;
            dense[r * w..(r + 1) * w].copy_from_slice(&self.values[k * w..(k + 1) * w]);
        }
        dense
    }

    /// `dense + self` as a tensor of `dense`'s shape (`[rows, width]`).
    pub fn add_to_dense(&self, dense: &Tensor) -> Result<Tensor> {
        let (rows, width) = dense.dims2()?;
        if width != self.width || self.min_table_rows() > rows {
            return Err(NnError::Config(
                "a row gradient does not fit its table".into(),
            ));
        }
        let mut values = dense.flatten_all()?.to_vec1::<f32>()?;
        let w = self.width;
        for (k, &r) in self.rows.iter().enumerate() {
            let r = r as usize;
            for (a, b) in values[r * w..(r + 1) * w]
                .iter_mut()
                .zip(&self.values[k * w..(k + 1) * w])
            {
                *a += b;
            }
        }
        Ok(Tensor::from_vec(values, (rows, width), dense.device())?)
    }
}

/// A table's distinct rows that a training forward pass read, as their own leaf variable:
/// its gradient is the table's gradient at those rows ([`GatheredRows::gradient`]).
#[derive(Clone, Debug)]
pub struct GatheredRows {
    /// The table (an Embedding's `embeddings`).
    pub table: Var,
    /// Which rows, ascending.
    pub rows: Vec<u32>,
    /// `table[rows]`, `[rows, width]`: what the forward pass read instead of the table.
    pub leaf: Var,
}

impl GatheredRows {
    /// The table's rows `rows` (ascending, distinct) as a new leaf.
    pub fn new(table: &Var, rows: Vec<u32>) -> Result<Self> {
        let index = Tensor::from_slice(&rows, rows.len(), table.device())?;
        let leaf = Var::from_tensor(&table.as_tensor().index_select(&index, 0)?.detach())?;
        Ok(Self {
            table: table.clone(),
            rows,
            leaf,
        })
    }

    /// The leaf's gradient from `grads` as a [`RowGradient`] (`None` when nothing reached it).
    pub fn gradient(
        &self,
        grads: &candle_core::backprop::GradStore,
    ) -> Result<Option<RowGradient>> {
        let Some(g) = grads.get(self.leaf.as_tensor()) else {
            return Ok(None);
        };
        let (_, width) = g.dims2()?;
        let values = g
            .to_dtype(candle_core::DType::F32)?
            .flatten_all()?
            .to_vec1()?;
        Ok(Some(RowGradient::new(self.rows.clone(), width, values)?))
    }
}
