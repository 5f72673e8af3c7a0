//! Keras' activations by name: `linear`, `relu`, `sigmoid`, `tanh`, `softmax`.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::Activation;
//!
//! let x = Tensor::new(&[[0f32, 1.0]], &Device::Cpu).unwrap();
//! let p = Activation::Softmax.apply(&x).unwrap().to_vec2::<f32>().unwrap();
//! assert!((p[0][0] + p[0][1] - 1.0).abs() < 1e-6);
//! ```

use candle_core::Tensor;
use serde::{Deserialize, Serialize};

/// An elementwise (or, for softmax, last-axis) activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    #[default]
    Linear,
    Relu,
    Sigmoid,
    Tanh,
    Softmax,
}

impl Activation {
    pub fn apply(self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Activation::Linear => Ok(x.clone()),
            Activation::Relu => x.relu(),
            Activation::Sigmoid => candle_nn::ops::sigmoid(x),
            Activation::Tanh => x.tanh(),
            // The composed softmax (not `softmax_last_dim`, which has no backward pass).
            Activation::Softmax => candle_nn::ops::softmax(x, candle_core::D::Minus1),
        }
    }

    /// Keras' name for this activation.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softmax => "softmax",
        }
    }
}

impl std::str::FromStr for Activation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "linear" | "None" | "none" => Ok(Activation::Linear),
            "relu" => Ok(Activation::Relu),
            "sigmoid" => Ok(Activation::Sigmoid),
            "tanh" => Ok(Activation::Tanh),
            "softmax" => Ok(Activation::Softmax),
            other => Err(format!(
                "unknown activation {other:?}: use linear, relu, sigmoid, tanh or softmax"
            )),
        }
    }
}
