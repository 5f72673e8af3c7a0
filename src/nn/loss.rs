//! Keras' losses and accuracy metrics, with Keras' clipping rules (ε = 1e-7).
//!
//! From probabilities the losses clip as Keras does; from logits they use the numerically
//! stable log-softmax / log-sigmoid forms. A model whose last `Dense` has a softmax or sigmoid
//! is trained from its logits, which is also what Keras does in practice.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::loss::sparse_categorical_crossentropy;
//!
//! let logits = Tensor::new(&[[2f32, 0.0, 0.0]], &Device::Cpu).unwrap();
//! let y = Tensor::new(&[0u32], &Device::Cpu).unwrap();
//! let loss = sparse_categorical_crossentropy(&y, &logits, true).unwrap().to_scalar::<f32>().unwrap();
//! assert!((loss - 0.2395).abs() < 1e-3);
//! ```

use candle_core::{D, DType, Tensor};
use serde::{Deserialize, Serialize};

use super::error::Result;

/// Keras' `backend.epsilon()`.
pub const EPSILON: f32 = 1e-7;

/// The loss of a model, by Keras name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// One-hot targets `[batch, classes]`.
    CategoricalCrossentropy,
    /// Integer targets `[batch]`.
    SparseCategoricalCrossentropy,
    /// 0/1 targets `[batch]` or `[batch, 1]`.
    BinaryCrossentropy,
}

impl Loss {
    /// Mean loss over the batch. `pred` are logits when `from_logits`, else probabilities.
    pub fn compute(self, y_true: &Tensor, pred: &Tensor, from_logits: bool) -> Result<Tensor> {
        match self {
            Loss::CategoricalCrossentropy => categorical_crossentropy(y_true, pred, from_logits),
            Loss::SparseCategoricalCrossentropy => {
                sparse_categorical_crossentropy(y_true, pred, from_logits)
            }
            Loss::BinaryCrossentropy => binary_crossentropy(y_true, pred, from_logits),
        }
    }

    /// Fraction of correct predictions (Keras' `accuracy` for this loss) from probabilities.
    pub fn accuracy(self, y_true: &Tensor, probs: &Tensor) -> Result<f32> {
        match self {
            Loss::CategoricalCrossentropy => categorical_accuracy(y_true, probs),
            Loss::SparseCategoricalCrossentropy => sparse_categorical_accuracy(y_true, probs),
            Loss::BinaryCrossentropy => binary_accuracy(y_true, probs, 0.5),
        }
    }

    pub fn keras_name(self) -> &'static str {
        match self {
            Loss::CategoricalCrossentropy => "categorical_crossentropy",
            Loss::SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
            Loss::BinaryCrossentropy => "binary_crossentropy",
        }
    }
}

/// `clip(p, ε, 1 − ε)` whose gradient is 0 where clipping happened (as `tf.clip_by_value`).
fn clip_probabilities(p: &Tensor) -> Result<Tensor> {
    let lo = p.ge(EPSILON)?;
    let hi = p.le(1.0 - EPSILON)?;
    let inside = (lo.to_dtype(DType::F32)? * hi.to_dtype(DType::F32)?)?;
    let clipped = p.clamp(EPSILON, 1.0 - EPSILON)?.detach();
    let outside = inside.affine(-1.0, 1.0)?;
    Ok(((p * &inside)? + (clipped * outside)?)?)
}

/// `−Σ y log p` per sample, averaged over the batch.
pub fn categorical_crossentropy(
    y_true: &Tensor,
    pred: &Tensor,
    from_logits: bool,
) -> Result<Tensor> {
    let y = y_true.to_dtype(DType::F32)?;
    let log_p = if from_logits {
        candle_nn::ops::log_softmax(pred, D::Minus1)?
    } else {
        let p = pred.broadcast_div(&pred.sum_keepdim(D::Minus1)?)?;
        clip_probabilities(&p)?.log()?
    };
    Ok((y * log_p)?.sum(D::Minus1)?.neg()?.mean_all()?)
}

/// `−log p[y]` per sample, averaged over the batch.
pub fn sparse_categorical_crossentropy(
    y_true: &Tensor,
    pred: &Tensor,
    from_logits: bool,
) -> Result<Tensor> {
    let labels = y_true.to_dtype(DType::U32)?.flatten_all()?.unsqueeze(1)?;
    let log_p = if from_logits {
        candle_nn::ops::log_softmax(pred, D::Minus1)?
    } else {
        // Keras clips without renormalising, then takes a log-softmax of log p.
        let log_clipped = clip_probabilities(pred)?.log()?;
        candle_nn::ops::log_softmax(&log_clipped, D::Minus1)?
    };
    Ok(log_p.gather(&labels, 1)?.neg()?.mean_all()?)
}

/// Binary cross-entropy averaged over the last axis, then over the batch.
pub fn binary_crossentropy(y_true: &Tensor, pred: &Tensor, from_logits: bool) -> Result<Tensor> {
    let y = y_true.to_dtype(DType::F32)?.reshape(pred.shape())?;
    let per_element = if from_logits {
        // max(x, 0) − x·y + log(1 + exp(−|x|))
        let relu = pred.relu()?;
        let softplus = (pred.abs()?.neg()?.exp()? + 1.0)?.log()?;
        ((relu - (pred * &y)?)? + softplus)?
    } else {
        let p = clip_probabilities(pred)?;
        let pos = (&y * (&p + EPSILON as f64)?.log()?)?;
        let neg = (y.affine(-1.0, 1.0)? * (p.affine(-1.0, 1.0)? + EPSILON as f64)?.log()?)?;
        (pos + neg)?.neg()?
    };
    let per_sample = if per_element.rank() > 1 {
        per_element.mean(D::Minus1)?
    } else {
        per_element
    };
    Ok(per_sample.mean_all()?)
}

/// argmax(y_true) == argmax(probs), ties to the first index.
pub fn categorical_accuracy(y_true: &Tensor, probs: &Tensor) -> Result<f32> {
    let labels = y_true.argmax(D::Minus1)?;
    sparse_categorical_accuracy(&labels, probs)
}

/// y_true == argmax(probs).
pub fn sparse_categorical_accuracy(y_true: &Tensor, probs: &Tensor) -> Result<f32> {
    let pred = first_argmax(probs)?;
    let labels = y_true
        .to_dtype(DType::U32)?
        .flatten_all()?
        .to_vec1::<u32>()?;
    let n = labels.len().max(1);
    let correct = labels.iter().zip(&pred).filter(|(a, b)| a == b).count();
    Ok(correct as f32 / n as f32)
}

/// (probs > threshold) == y_true, averaged.
pub fn binary_accuracy(y_true: &Tensor, probs: &Tensor, threshold: f32) -> Result<f32> {
    let p = probs.flatten_all()?.to_vec1::<f32>()?;
    let y = y_true
        .to_dtype(DType::F32)?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let n = y.len().max(1);
    let correct = p
        .iter()
        .zip(&y)
        .filter(|(p, y)| ((**p > threshold) as u8 as f32) == **y)
        .count();
    Ok(correct as f32 / n as f32)
}

/// Row-wise argmax with ties going to the first index (numpy's rule).
pub fn first_argmax(probs: &Tensor) -> Result<Vec<u32>> {
    let rows = probs.to_dtype(DType::F32)?.to_vec2::<f32>()?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut best = 0;
            for (i, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = i;
                }
            }
            best as u32
        })
        .collect())
}
