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
        if max >= self.input_dim {
            return Err(NnError::Config(format!(
                "word index {max} is outside the embedding table of {} rows: raise input_dim (vocab_size) or refit the tokenizer",
                self.input_dim
            )));
        }
        let rows = self.embeddings.as_tensor().index_select(&flat, 0)?;
        let mut shape = dims;
        shape.push(self.output_dim);
        Ok(rows.reshape(shape)?)
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
}
