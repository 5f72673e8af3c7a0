//! Attention pooling over time: each step's output `h_t` gets a score `h_t · w`, the scores of
//! the real (unmasked) steps go through a softmax over time, and the layer outputs the weighted
//! mean `Σ α_t h_t`. Between `GlobalAveragePooling1D` (every α equal) and `GlobalMaxPooling1D`
//! (all weight on the largest value), with the weighting learned: the review's verdict word can
//! take most of the weight wherever it sits.
//!
//! Keras has no such built-in layer (its `Attention` takes a query and a value); this is the
//! one-vector attention that Keras tutorials write as a custom layer, with one weight, `kernel`
//! (`[features, 1]`, glorot_uniform). A softmax does not change when every score shifts, so a
//! bias would do nothing and there is none.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::AttentionPooling;
//!
//! let pool = AttentionPooling::new(2, 0);
//! // kernel = 0: every real step weighs the same, so the layer is the masked mean.
//! pool.kernel.set(&Tensor::zeros((2, 1), candle_core::DType::F32, &Device::Cpu).unwrap()).unwrap();
//! let x = Tensor::new(&[[[9f32, 9.], [1., 4.], [3., 2.]]], &Device::Cpu).unwrap();
//! let mask = Tensor::new(&[[0f32, 1., 1.]], &Device::Cpu).unwrap();
//! let out = pool.forward(&x, Some(&mask)).unwrap();
//! assert_eq!(out.to_vec2::<f32>().unwrap(), [[2.0, 3.0]]);
//! ```

use candle_core::{D, DType, Tensor, Var};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::error::{NnError, Result};
use super::init;

#[derive(Clone, Debug)]
pub struct AttentionPooling {
    pub features: usize,
    /// `[features, 1]`: the score of a step is `h_t · kernel`.
    pub kernel: Var,
}

impl AttentionPooling {
    pub fn new(features: usize, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let kernel = init::glorot_uniform(&mut rng, features, 1);
        Self {
            features,
            kernel: Var::from_tensor(&kernel).expect("a fresh tensor"),
        }
    }

    pub fn param_count(&self) -> usize {
        self.features
    }

    /// The attention weights `α` (`[batch, time]`, each row summing to 1 over its real steps,
    /// 0 at masked ones) for `x` (`[batch, time, features]`).
    pub fn weights(&self, x: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        let (batch, time, features) = x.dims3().map_err(|_| NnError::Shape {
            layer: "AttentionPooling1D".into(),
            expected: "[batch, time, features]: a sequence (return_sequences=True before it)"
                .into(),
            got: x.dims().to_vec(),
        })?;
        if time == 0 || features != self.features {
            return Err(NnError::Shape {
                layer: "AttentionPooling1D".into(),
                expected: format!("[batch, time ≥ 1, {}]", self.features),
                got: x.dims().to_vec(),
            });
        }
        let scores = x
            .reshape((batch * time, features))?
            .matmul(self.kernel.as_tensor())?
            .reshape((batch, time))?;
        // Softmax over the real steps: shift by each row's largest real score (a constant for
        // the gradient: the softmax does not depend on it) and zero the masked steps'
        // exponentials.
        let mask = match mask {
            Some(mask) if mask.dims() != [batch, time] => {
                return Err(NnError::Shape {
                    layer: "AttentionPooling1D".into(),
                    expected: format!("a mask of [{batch}, {time}]"),
                    got: mask.dims().to_vec(),
                });
            }
            Some(mask) => Some(mask.to_dtype(DType::F32)?),
            None => None,
        };
        let largest = scores.detach().max_keepdim(D::Minus1)?;
        let shift = match &mask {
            Some(m) => {
                // Masked steps pushed far below every real one before the max; a row with no
                // real step keeps the plain max (its exponentials are all zeroed below).
                let real = ((scores.detach() + ((m - 1.0)? * 1e30)?)?).max_keepdim(D::Minus1)?;
                let any = m.sum_keepdim(D::Minus1)?.gt(0f32)?.to_dtype(DType::F32)?;
                ((real * &any)? + (largest * (1.0 - any)?)?)?
            }
            None => largest,
        };
        let mut e = scores.broadcast_sub(&shift)?.exp()?;
        if let Some(m) = &mask {
            e = (e * m)?;
        }
        // The largest real step contributes exp(0) = 1, so a row with a real step sums to at
        // least 1 and the floor of 1 changes nothing there; a row that is all padding sums to 0
        // and keeps weights of 0 (output zeros, and finite gradients: a tiny floor would
        // divide 0 by its square in the backward pass).
        let total = e.sum_keepdim(D::Minus1)?.clamp(1f32, f32::MAX)?;
        Ok(e.broadcast_div(&total)?)
    }

    /// `[batch, time, features]` → `[batch, features]`.
    pub fn forward(&self, x: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        let alpha = self.weights(x, mask)?;
        Ok(x.broadcast_mul(&alpha.unsqueeze(2)?)?.sum(1)?)
    }
}
