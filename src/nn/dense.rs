//! Keras' `Dense(units, activation)`: `activation(x · kernel + bias)` on the last axis, so it
//! also works as `TimeDistributed(Dense)` on `[batch, time, features]`.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Activation, Dense};
//!
//! let dense = Dense::new(3, 2, Activation::Softmax, true, 0);
//! let x = Tensor::ones((4, 3), candle_core::DType::F32, &Device::Cpu).unwrap();
//! assert_eq!(dense.forward(&x).unwrap().dims(), &[4, 2]);
//! ```

use candle_core::{Device, Tensor, Var};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::Activation;
use super::error::Result;
use super::init;

#[derive(Clone, Debug)]
pub struct Dense {
    pub input_dim: usize,
    pub units: usize,
    pub activation: Activation,
    /// `[input_dim, units]`, glorot_uniform.
    pub kernel: Var,
    /// `[units]`, zeros; `None` with `use_bias=False`.
    pub bias: Option<Var>,
}

impl Dense {
    pub fn new(
        input_dim: usize,
        units: usize,
        activation: Activation,
        use_bias: bool,
        seed: u64,
    ) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let kernel = init::glorot_uniform(&mut rng, input_dim, units);
        let bias = use_bias.then(|| {
            Var::from_tensor(&Tensor::zeros(units, candle_core::DType::F32, &Device::Cpu).unwrap())
                .unwrap()
        });
        Self {
            input_dim,
            units,
            activation,
            kernel: Var::from_tensor(&kernel).expect("a fresh tensor"),
            bias,
        }
    }

    /// `x · kernel + bias`, before the activation (the logits when the activation is softmax
    /// or sigmoid; the losses use them for numerical stability, as Keras does).
    pub fn pre_activation(&self, x: &Tensor) -> Result<Tensor> {
        // Flatten leading axes into one 2-D matmul (TimeDistributed, [batch, time, features]).
        let dims = x.dims().to_vec();
        let features = *dims.last().unwrap_or(&0);
        let rows = x.elem_count() / features.max(1);
        let mut out_dims = dims.clone();
        if let Some(last) = out_dims.last_mut() {
            *last = self.units;
        }
        let y = x
            .reshape((rows, features))?
            .matmul(self.kernel.as_tensor())?
            .reshape(out_dims)?;
        Ok(match &self.bias {
            Some(b) => y.broadcast_add(b.as_tensor())?,
            None => y,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.activation.apply(&self.pre_activation(x)?)?)
    }

    pub fn param_count(&self) -> usize {
        self.input_dim * self.units + if self.bias.is_some() { self.units } else { 0 }
    }
}
