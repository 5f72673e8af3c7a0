//! Keras' `model.fit`, `evaluate` and `predict` for a [`Sequential`]: epochs, batches,
//! `validation_split` (the last fraction, taken before shuffling), per-epoch shuffling from a
//! seeded RNG (same seed, same run), a [`History`], callbacks and cancellation between batches.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, Sequential};
//! use rnn_playground::train::{fit, Dataset, FitOptions};
//!
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 4, output_dim: 3, mask_zero: false },
//!     LayerConfig::rnn(CellKind::SimpleRnn, 4),
//!     LayerConfig::Dense { units: 4, activation: Activation::Softmax, use_bias: true },
//! ], Some(2), 0).unwrap();
//! let data = Dataset {
//!     x: Tensor::new(&[[1u32, 2], [2, 3]], &Device::Cpu).unwrap(),
//!     y: Tensor::new(&[3u32, 1], &Device::Cpu).unwrap(),
//! };
//! let mut adam = Optimizer::new(OptimizerConfig::adam(0.05));
//! let options = FitOptions { epochs: 50, ..FitOptions::default() };
//! let history = fit(&model, &mut adam, Loss::SparseCategoricalCrossentropy, &data, &options, &mut []).unwrap();
//! assert_eq!(history.epochs.last().unwrap().accuracy, 1.0);
//! ```

mod callbacks;
pub mod checkpoint;
mod dataset;
mod eval;
mod history;
mod loss;
pub mod progbar;
pub mod replica;
mod shard;
pub mod shard_wire;
mod trainer;

pub use callbacks::{Callback, Control, EarlyState, EarlyStopping, Event, Monitor};
pub use dataset::{Dataset, trim_padding};
pub use eval::{evaluate, evaluate_trimmed, predict};
pub use history::{EpochLogs, History, StopReason};
pub use loss::loss_and_output;
pub use shard::{ShardGradient, batch_gradient, shard_gradient, shard_of, sum_shards};
pub use trainer::{FitOptions, Trainer, fit, fit_with_cancel};
