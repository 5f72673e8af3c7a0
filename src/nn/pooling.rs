//! Keras' `GlobalAveragePooling1D` and `GlobalMaxPooling1D`: a sequence `[batch, time,
//! features]` becomes one vector per sample, the mean or the maximum of every feature over
//! time. After a recurrent layer with `return_sequences=True` the classifier then reads every
//! step's hidden state, not only the last one (a review's verdict word may sit anywhere).
//!
//! As in Keras 3, the average reads the mask of an `Embedding(mask_zero=True)` (the mean of
//! the real steps only), the maximum does not (a masked step's output counts too: zeros after
//! a `Bidirectional`).
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::GlobalPooling;
//!
//! // One sample, three steps of two features; the first step is padding.
//! let x = Tensor::new(&[[[9f32, 9.], [1., 4.], [3., 2.]]], &Device::Cpu).unwrap();
//! let mask = Tensor::new(&[[0f32, 1., 1.]], &Device::Cpu).unwrap();
//! let mean = GlobalPooling::Average.forward(&x, Some(&mask)).unwrap();
//! assert_eq!(mean.to_vec2::<f32>().unwrap(), [[2.0, 3.0]]);
//! let max = GlobalPooling::Max.forward(&x, Some(&mask)).unwrap();
//! assert_eq!(max.to_vec2::<f32>().unwrap(), [[9.0, 9.0]]);
//! ```

use candle_core::{DType, Tensor};
use serde::{Deserialize, Serialize};

use super::error::{NnError, Result};

/// Which statistic over time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GlobalPooling {
    /// `GlobalAveragePooling1D`: the mean over the real (unmasked) steps.
    #[default]
    Average,
    /// `GlobalMaxPooling1D`: the maximum over every step (Keras ignores the mask here).
    Max,
}

impl GlobalPooling {
    pub fn keras_name(self) -> &'static str {
        match self {
            Self::Average => "GlobalAveragePooling1D",
            Self::Max => "GlobalMaxPooling1D",
        }
    }

    pub fn snake_name(self) -> &'static str {
        match self {
            Self::Average => "global_average_pooling1d",
            Self::Max => "global_max_pooling1d",
        }
    }

    /// Whether the answer is the same with or without columns that are padding for every
    /// sample of a batch (what bucketing batches by length needs).
    pub fn reads_mask(self) -> bool {
        self == Self::Average
    }

    /// `[batch, time, features]` → `[batch, features]`; `mask` is `[batch, time]` of 0/1.
    pub fn forward(self, x: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        let (batch, time, _) = x.dims3().map_err(|_| NnError::Shape {
            layer: self.keras_name().into(),
            expected: "[batch, time, features]: a sequence (return_sequences=True before it)"
                .into(),
            got: x.dims().to_vec(),
        })?;
        if time == 0 {
            return Err(NnError::Shape {
                layer: self.keras_name().into(),
                expected: "at least one time step".into(),
                got: x.dims().to_vec(),
            });
        }
        Ok(match (self, mask) {
            (Self::Max, _) => x.max(1)?,
            (Self::Average, None) => x.mean(1)?,
            (Self::Average, Some(mask)) => {
                if mask.dims() != [batch, time] {
                    return Err(NnError::Shape {
                        layer: self.keras_name().into(),
                        expected: format!("a mask of [{batch}, {time}]"),
                        got: mask.dims().to_vec(),
                    });
                }
                let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
                let sum = x.broadcast_mul(&m)?.sum(1)?;
                // Keras divides by the count of real steps as it is: a sample that is all
                // padding gives NaN there. We count at least one step, so it gives zeros.
                let count = m.sum(1)?.clamp(1f32, f32::MAX)?;
                sum.broadcast_div(&count)?
            }
        })
    }
}
