//! The neural-network core on candle: Keras' layers, losses and optimizers with Keras' names,
//! defaults and weight layouts, so a student can set our numbers beside the notebook's.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Sequential};
//!
//! // Lecture 8: Embedding(12, 10) → SimpleRNN(32) → Dense(12, softmax).
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 12, output_dim: 10, mask_zero: false },
//!     LayerConfig::rnn(CellKind::SimpleRnn, 32),
//!     LayerConfig::Dense { units: 12, activation: Activation::Softmax, use_bias: true },
//! ], Some(5), 0).unwrap();
//! let x = Tensor::new(&[[0u32, 0, 0, 2, 3]], &Device::Cpu).unwrap();
//! assert_eq!(model.forward(&x).unwrap().dims(), &[1, 12]);
//! assert_eq!(model.param_count(), 120 + 1376 + 396);
//! ```

mod activation;
mod attention_pooling;
mod bidirectional;
mod dense;
mod embedding;
mod error;
pub mod fused;
pub mod init;
pub mod loss;
mod optim;
pub mod padding_prefix;
mod pooling;
pub mod quantize;
mod recurrent_forward;
mod rnn;
mod row_gradient;
mod sequential;
pub mod storage;
pub mod summary;

pub use activation::Activation;
pub use attention_pooling::AttentionPooling;
pub use bidirectional::{Bidirectional, MergeMode};
pub use dense::Dense;
pub use embedding::{Embedded, Embedding};
pub use error::{NnError, Result};
pub use loss::Loss;
pub use optim::{Optimizer, OptimizerConfig};
pub use pooling::GlobalPooling;
pub use rnn::{CellKind, GatePins, Gates, Recurrent, RnnOutput, RnnState, reverse_time};
pub use row_gradient::{GatheredRows, RowGradient};
pub use sequential::{
    CompileConfig, DEFAULT_NAME, Layer, LayerConfig, MODEL_FORMAT, MODEL_JSON_KEY, ModelExtras,
    ModelFile, ModelOutput, Sequential,
};
pub use storage::Storage;
pub use summary::SummaryOptions;

/// The f32 values of a CPU tensor's storage, which must be contiguous (what the fused kernels,
/// the optimizer's in-place update and the trainer's weight copies read).
pub(crate) fn f32_slice<'a>(
    storage: &'a candle_core::CpuStorage,
    layout: &candle_core::Layout,
    what: &str,
) -> candle_core::Result<&'a [f32]> {
    let candle_core::CpuStorage::F32(data) = storage else {
        candle_core::bail!("{what} must be f32")
    };
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => candle_core::bail!("{what} must be contiguous"),
    }
}
