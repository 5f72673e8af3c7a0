//! What `fit` reads: inputs and targets ([`Dataset`]), Keras' `validation_split`, and the
//! padding columns a masked model need not compute.

use candle_core::{DType, Tensor};

use crate::nn::{NnError, Result};

/// Inputs (token ids `[samples, time]`) and targets (`[samples]` class indices or 0/1 labels,
/// or `[samples, classes]` one-hot rows).
#[derive(Clone, Debug)]
pub struct Dataset {
    pub x: Tensor,
    pub y: Tensor,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.x.dims().first().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn select(&self, indices: &[u32]) -> Result<Dataset> {
        let idx = Tensor::from_vec(indices.to_vec(), indices.len(), self.x.device())?;
        Ok(Dataset {
            x: self.x.index_select(&idx, 0)?,
            y: self.y.index_select(&idx, 0)?,
        })
    }

    /// Keras' `validation_split`: the last `fraction` of the samples, before any shuffling.
    pub fn split_validation(&self, fraction: f32) -> Result<(Dataset, Option<Dataset>)> {
        if !(0.0..1.0).contains(&fraction) {
            return Err(NnError::Config(format!(
                "validation_split must be in [0, 1), got {fraction}"
            )));
        }
        let n = self.len();
        // Keras computes in Python floats: take the f32 as the decimal the user wrote (0.2, not
        // 0.2000000029…), or 10 · (1 − 0.2) would floor to 7.
        let fraction64: f64 = fraction.to_string().parse().unwrap_or(fraction as f64);
        let split_at = ((n as f64) * (1.0 - fraction64)).floor() as usize;
        if fraction == 0.0 || split_at == n {
            return Ok((self.clone(), None));
        }
        let train = Dataset {
            x: self.x.narrow(0, 0, split_at)?,
            y: self.y.narrow(0, 0, split_at)?,
        };
        let val = Dataset {
            x: self.x.narrow(0, split_at, n - split_at)?,
            y: self.y.narrow(0, split_at, n - split_at)?,
        };
        Ok((train, Some(val)))
    }
}

/// The columns of `x` (`[batch, time]` of token ids, 0 = padding) from the first to the last
/// that holds a token in some sample: what a masked model computes on anyway. `x` itself when
/// nothing can be cut (or every sample is empty: one column is kept).
pub fn trim_padding(x: &Tensor) -> Result<Tensor> {
    let (_, time) = x.dims2()?;
    let ids = x.to_dtype(DType::U32)?.to_vec2::<u32>()?;
    let first = ids
        .iter()
        .filter_map(|row| row.iter().position(|&id| id != 0))
        .min();
    let last = ids
        .iter()
        .filter_map(|row| row.iter().rposition(|&id| id != 0))
        .max();
    match (first, last) {
        (Some(first), Some(last)) if first > 0 || last + 1 < time => {
            Ok(x.narrow(1, first, last + 1 - first)?)
        }
        (None, _) => Ok(x.narrow(1, time.saturating_sub(1), time.min(1))?),
        _ => Ok(x.clone()),
    }
}

/// Non-padding tokens of each sample of `x` (`[samples, time]`).
pub(super) fn token_counts(x: &Tensor) -> Result<Vec<usize>> {
    let ids = x.to_dtype(DType::U32)?.to_vec2::<u32>()?;
    Ok(ids
        .iter()
        .map(|row| row.iter().filter(|&&id| id != 0).count())
        .collect())
}
