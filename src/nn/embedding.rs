//! Keras' `Embedding(input_dim, output_dim, mask_zero)`: a lookup table of word vectors.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::Embedding;
//!
//! let emb = Embedding::new(12, 10, false, 0);
//! let ids = Tensor::new(&[[0u32, 2, 3]], &Device::Cpu).unwrap();
//! assert_eq!(emb.forward(&ids).unwrap().dims(), &[1, 3, 10]);
//! ```

use candle_core::{DType, Tensor, Var};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::error::{NnError, Result};
use super::init;
use super::row_gradient::GatheredRows;

/// A `[input_dim, output_dim]` table; row `i` is the vector of word index `i`.
#[derive(Clone, Debug)]
pub struct Embedding {
    pub input_dim: usize,
    pub output_dim: usize,
    /// Index 0 is padding: the next recurrent layer skips those steps (Keras' masking).
    pub mask_zero: bool,
    /// Keras' weight name: `embeddings`, shape `[input_dim, output_dim]`.
    pub embeddings: Var,
}

impl Embedding {
    /// Keras' default initialisation, `uniform(-0.05, 0.05)`, from `seed`.
    pub fn new(input_dim: usize, output_dim: usize, mask_zero: bool, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let table = init::uniform(&mut rng, input_dim, output_dim, 0.05);
        Self {
            input_dim,
            output_dim,
            mask_zero,
            embeddings: Var::from_tensor(&table).expect("a fresh tensor"),
        }
    }

    /// `ids` `[batch, time]` (any integer dtype) → `[batch, time, output_dim]`.
    pub fn forward(&self, ids: &Tensor) -> Result<Tensor> {
        let ids = ids.to_dtype(DType::U32)?;
        let dims = ids.dims().to_vec();
        let flat = ids.flatten_all()?;
        let max = if flat.elem_count() == 0 {
            0
        } else {
            flat.max(0)?.to_scalar::<u32>()? as usize
        };
        self.check_index(max)?;
        let rows = self.embeddings.as_tensor().index_select(&flat, 0)?;
        let mut shape = dims;
        shape.push(self.output_dim);
        Ok(rows.reshape(shape)?)
    }

    /// [`Embedding::forward`] during training: the batch's distinct rows become a leaf of
    /// their own (pushed onto `gathered`), so that the table's gradient comes back as those
    /// rows ([`super::RowGradient`]) and no table-sized gradient is made.
    pub fn forward_gathering(
        &self,
        ids: &Tensor,
        gathered: &mut Vec<GatheredRows>,
    ) -> Result<Tensor> {
        let ids = ids.to_dtype(DType::U32)?;
        let mut shape = ids.dims().to_vec();
        let flat = ids.flatten_all()?.to_vec1::<u32>()?;
        let (distinct, inverse) = self.distinct_ids(&flat)?;
        let rows = GatheredRows::new(&self.embeddings, distinct)?;
        let index = Tensor::from_vec(inverse, flat.len(), self.embeddings.device())?;
        let out = rows.leaf.as_tensor().index_select(&index, 0)?;
        gathered.push(rows);
        shape.push(self.output_dim);
        Ok(out.reshape(shape)?)
    }

    /// The distinct ids among `ids`, ascending, and each position's place among them.
    fn distinct_ids(&self, ids: &[u32]) -> Result<(Vec<u32>, Vec<u32>)> {
        self.check_index(ids.iter().copied().max().unwrap_or(0) as usize)?;
        let mut place = vec![u32::MAX; self.input_dim];
        for &id in ids {
            place[id as usize] = 0;
        }
        let mut distinct = Vec::new();
        for (id, p) in place.iter_mut().enumerate() {
            if *p == 0 {
                *p = distinct.len() as u32;
                distinct.push(id as u32);
            }
        }
        let inverse = ids.iter().map(|&id| place[id as usize]).collect();
        Ok((distinct, inverse))
    }

    /// `[batch, time]` of 1.0 where the index is not 0, when `mask_zero`.
    pub fn compute_mask(&self, ids: &Tensor) -> Result<Option<Tensor>> {
        if !self.mask_zero {
            return Ok(None);
        }
        Ok(Some(
            ids.to_dtype(DType::U32)?.ne(0u32)?.to_dtype(DType::F32)?,
        ))
    }

    pub fn param_count(&self) -> usize {
        self.input_dim * self.output_dim
    }

    fn check_index(&self, max: usize) -> Result<()> {
        if max >= self.input_dim {
            return Err(NnError::Config(format!(
                "word index {max} is outside the embedding table of {} rows: raise input_dim (vocab_size) or refit the tokenizer",
                self.input_dim
            )));
        }
        Ok(())
    }
}

/// Token ids that an [`Embedding`] has not looked up yet, for the recurrent layer after it.
///
/// Why: that layer's first step is `x · kernel` for every position, `[batch·time, output_dim]
/// · [output_dim, gates·units]`, its largest product after the recurrence. Padded reviews
/// repeat words (and the padding index) over and over, so [`Embedded::products_by_position`]
/// multiplies each distinct word's row once and the fused op reads it by position: the same values
/// and gradients (the embedding's gradient collects in the distinct rows), for a fraction of
/// the work. On a padded batch of the lecture's reviews most positions are padding.
#[derive(Clone, Debug)]
pub struct Embedded<'a> {
    embedding: &'a Embedding,
    dims: (usize, usize),
    /// The distinct ids' rows of the table (ascending ids), `[distinct, output_dim]`: read
    /// from the table, or a training pass's leaf ([`GatheredRows`]).
    rows: Tensor,
    /// For each position, its id's place among the distinct ids.
    inverse: Vec<u32>,
}

impl<'a> Embedded<'a> {
    /// `ids` `[batch, time]`, or `None` when too few of them repeat for the detour to pay
    /// (fewer than [`Embedded::MIN_POSITIONS`] positions, or more than 90% distinct).
    pub fn new(embedding: &'a Embedding, ids: &Tensor) -> Result<Option<Self>> {
        Self::make(embedding, ids, None)
    }

    /// As [`Embedded::new`] during training: the distinct rows become a leaf pushed onto
    /// `gathered` (see [`Embedding::forward_gathering`]). `None` (and nothing pushed) when the
    /// shortcut does not pay.
    pub fn new_gathering(
        embedding: &'a Embedding,
        ids: &Tensor,
        gathered: &mut Vec<GatheredRows>,
    ) -> Result<Option<Self>> {
        Self::make(embedding, ids, Some(gathered))
    }

    fn make(
        embedding: &'a Embedding,
        ids: &Tensor,
        gathered: Option<&mut Vec<GatheredRows>>,
    ) -> Result<Option<Self>> {
        let dims = ids.dims2()?;
        let positions = dims.0 * dims.1;
        if positions < Self::MIN_POSITIONS {
            return Ok(None);
        }
        let ids = ids.to_dtype(DType::U32)?.flatten_all()?.to_vec1::<u32>()?;
        let (distinct, inverse) = embedding.distinct_ids(&ids)?;
        if distinct.len() * 10 > positions * 9 {
            return Ok(None);
        }
        let rows = match gathered {
            Some(gathered) => {
                let rows = GatheredRows::new(&embedding.embeddings, distinct)?;
                let leaf = rows.leaf.as_tensor().clone();
                gathered.push(rows);
                leaf
            }
            None => {
                let device = embedding.embeddings.device();
                let index = Tensor::from_vec(distinct.clone(), distinct.len(), device)?;
                embedding.embeddings.index_select(&index, 0)?
            }
        };
        Ok(Some(Self {
            embedding,
            dims,
            rows,
            inverse,
        }))
    }

    /// Below this many positions a batch is too small for the extra steps to pay.
    pub const MIN_POSITIONS: usize = 256;

    /// The width of the embedding's output.
    pub fn output_dim(&self) -> usize {
        self.embedding.output_dim
    }

    /// `(batch, time)` of the ids.
    pub fn dims(&self) -> (usize, usize) {
        self.dims
    }

    /// How many distinct ids the batch holds.
    pub fn distinct_count(&self) -> usize {
        self.rows.dim(0).unwrap_or(0)
    }

    /// The embedding's output, `[batch, time, output_dim]` (what [`Embedding::forward`] gives).
    pub fn rows(&self) -> Result<Tensor> {
        let (b, t) = self.dims;
        Ok(self
            .rows
            .index_select(&self.inverse_tensor()?, 0)?
            .reshape((b, t, self.embedding.output_dim))?)
    }

    fn inverse_tensor(&self) -> Result<Tensor> {
        let device = self.rows.device();
        Ok(Tensor::from_slice(
            &self.inverse,
            self.inverse.len(),
            device,
        )?)
    }

    /// Each distinct word's vector times `kernel`, `[distinct, n]`.
    fn products(&self, kernel: &Tensor) -> Result<Tensor> {
        Ok(self.rows.matmul(kernel)?)
    }

    /// `embedding(ids) · kernel` as a table and an index: each distinct word's product once
    /// (`[distinct, n]`) and, for each flat position `b · time + t`, its row in that table.
    /// The fused kernels read the positions through the index
    /// ([`super::fused::InputRows::Gathered`]), so no `[batch, time, n]` tensor is made,
    /// copied or given a gradient.
    pub fn products_by_position(&self, kernel: &Tensor) -> Result<(Tensor, &[u32])> {
        Ok((self.products(kernel)?, &self.inverse))
    }
}
