//! Shapes and parameters (lecture 10): build a small stack of layers, run a real input through
//! it, and read each layer's output shape and parameter count, with the `summary()` table.
//!
//! ```
//! use rnn_playground::lab::shapes::{ShapesConfig, describe};
//! use rnn_playground::nn::{CellKind, LayerConfig};
//!
//! // The lecture: an input of shape (1, 3, 2) through SimpleRNN(4).
//! let config = ShapesConfig {
//!     batch: 1,
//!     time: 3,
//!     features: 2,
//!     layers: vec![LayerConfig::rnn(CellKind::SimpleRnn, 4)],
//! };
//! assert_eq!(describe(&config).unwrap().rows[0].shape, vec![1, 4]);
//! ```

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use super::{LabError, Result};
use crate::nn::{Activation, CellKind, LayerConfig, Sequential};

/// The input and the stack. When the first layer is an Embedding the input is token ids
/// `[batch, time]` (and `features` is unused), otherwise floats `[batch, time, features]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShapesConfig {
    pub batch: usize,
    pub time: usize,
    pub features: usize,
    pub layers: Vec<LayerConfig>,
}

/// One layer as the lab shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShapeRow {
    /// Keras' layer name (`simple_rnn`, `dense_1`).
    pub name: String,
    /// The shape of this layer's output for the real input, e.g. `[1, 3, 4]`.
    pub shape: Vec<usize>,
    /// As `summary()` prints it, with `None` for the batch: `(None, 3, 4)`.
    pub keras_shape: String,
    pub params: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShapesView {
    pub input_shape: Vec<usize>,
    pub rows: Vec<ShapeRow>,
    pub total_params: usize,
    /// Keras 3's `model.summary()` text (the lecture's Colab).
    pub summary: String,
}

/// Largest Embedding vocabulary the lab builds (weights are really allocated).
pub const MAX_VOCAB: usize = 100_000;

/// Build the stack and run one input through it.
pub fn describe(config: &ShapesConfig) -> Result<ShapesView> {
    if config.batch == 0 || config.time == 0 || config.batch > 64 || config.time > 512 {
        return Err(LabError::input(
            "배치는 1~64, 시점은 1~512로 정하세요",
            "use a batch of 1 to 64 and 1 to 512 time steps",
        ));
    }
    if config.layers.is_empty() {
        return Err(LabError::input("층을 하나 더하세요", "add a layer"));
    }
    for layer in &config.layers {
        let size = match layer {
            LayerConfig::Embedding {
                input_dim,
                output_dim,
                ..
            } => {
                if *input_dim > MAX_VOCAB {
                    return Err(LabError::input(
                        format!("여기서 Embedding은 최대 {MAX_VOCAB}단어입니다"),
                        format!("an Embedding of at most {MAX_VOCAB} words here"),
                    ));
                }
                *output_dim
            }
            LayerConfig::Recurrent { units, .. }
            | LayerConfig::Bidirectional { units, .. }
            | LayerConfig::Dense { units, .. }
            | LayerConfig::TimeDistributed { units, .. } => *units,
            LayerConfig::Flatten
            | LayerConfig::Dropout { .. }
            | LayerConfig::GlobalAveragePooling1D
            | LayerConfig::GlobalMaxPooling1D
            | LayerConfig::AttentionPooling1D => 1,
        };
        if size == 0 || size > 1024 {
            return Err(LabError::input(
                "모든 층에는 유닛이 1~1,024개 있어야 합니다",
                "every layer needs 1 to 1,024 units",
            ));
        }
    }
    let tokens = matches!(config.layers[0], LayerConfig::Embedding { .. });
    let features = (!tokens).then_some(config.features);
    if features == Some(0) || config.features > 1024 {
        return Err(LabError::input(
            "입력의 특성은 1~1,024개여야 합니다",
            "the input needs 1 to 1,024 features",
        ));
    }
    let model = Sequential::from_config_with_input(&config.layers, Some(config.time), features, 0)?;
    let input = if tokens {
        Tensor::zeros((config.batch, config.time), DType::U32, &Device::Cpu)?
    } else {
        Tensor::ones(
            (config.batch, config.time, config.features),
            DType::F32,
            &Device::Cpu,
        )?
    };
    let outputs = model.layer_outputs(&input)?;
    let rows = model
        .layers()
        .iter()
        .zip(outputs)
        .zip(model.output_shapes())
        .map(|(((name, layer), out), keras_shape)| ShapeRow {
            name: name.clone(),
            shape: out.dims().to_vec(),
            keras_shape,
            params: layer.param_count(),
        })
        .collect();
    Ok(ShapesView {
        input_shape: input.dims().to_vec(),
        rows,
        total_params: model.param_count(),
        summary: model.summary(),
    })
}

/// The stacks the lab offers to start from.
pub fn presets() -> Vec<(&'static str, ShapesConfig)> {
    let rnn = |units, return_sequences| LayerConfig::Recurrent {
        cell: CellKind::SimpleRnn,
        units,
        return_sequences,
        go_backwards: false,
        reset_after: true,
        use_bias: true,
    };
    let features = |layers| ShapesConfig {
        batch: 1,
        time: 3,
        features: 2,
        layers,
    };
    vec![
        ("SimpleRNN(4)", features(vec![rnn(4, false)])),
        (
            "SimpleRNN(4, return_sequences=True)",
            features(vec![rnn(4, true)]),
        ),
        (
            "Embedding(8000, 128) → SimpleRNN(64) → Dense(1)",
            ShapesConfig {
                batch: 1,
                time: 60,
                features: 1,
                layers: vec![
                    LayerConfig::Embedding {
                        input_dim: 8000,
                        output_dim: 128,
                        mask_zero: false,
                    },
                    rnn(64, false),
                    LayerConfig::Dense {
                        units: 1,
                        activation: Activation::Sigmoid,
                        use_bias: true,
                    },
                ],
            },
        ),
        (
            "stacked SimpleRNN → TimeDistributed(Dense)",
            features(vec![
                rnn(4, true),
                rnn(4, true),
                LayerConfig::TimeDistributed {
                    units: 2,
                    activation: Activation::Softmax,
                },
            ]),
        ),
        (
            // Every step's hidden state, averaged: the classifier reads the whole review.
            "SimpleRNN(4, return_sequences=True) → GlobalAveragePooling1D → Dense(1)",
            features(vec![
                rnn(4, true),
                LayerConfig::GlobalAveragePooling1D,
                LayerConfig::Dense {
                    units: 1,
                    activation: Activation::Sigmoid,
                    use_bias: true,
                },
            ]),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lecture_shapes_and_parameter_counts() {
        let presets = presets();
        let view = |i: usize| describe(&presets[i].1).unwrap();
        assert_eq!(view(0).rows[0].shape, vec![1, 4]);
        assert_eq!(view(0).rows[0].keras_shape, "(None, 4)");
        // SimpleRNN(4) on 2 features: 2·4 + 4·4 + 4 = 28.
        assert_eq!(view(0).rows[0].params, 28);
        assert_eq!(view(1).rows[0].shape, vec![1, 3, 4]);
        assert_eq!(view(1).rows[0].keras_shape, "(None, 3, 4)");
        let lecture = view(2);
        let params: Vec<usize> = lecture.rows.iter().map(|r| r.params).collect();
        assert_eq!(params, vec![1_024_000, 12_352, 65]);
        assert_eq!(lecture.rows[1].shape, vec![1, 64]);
        assert!(
            lecture
                .summary
                .contains("Total params: 1,036,417 (3.95 MB)")
        );
        let stacked = view(3);
        assert_eq!(stacked.rows[2].shape, vec![1, 3, 2]);
        assert_eq!(stacked.rows[1].name, "simple_rnn_1");
        let pooled = view(4);
        let shapes: Vec<&str> = pooled.rows.iter().map(|r| r.keras_shape.as_str()).collect();
        assert_eq!(shapes, ["(None, 3, 4)", "(None, 4)", "(None, 1)"]);
        assert_eq!(pooled.rows[1].name, "global_average_pooling1d");
        assert_eq!(pooled.rows[1].shape, vec![1, 4]);
        assert_eq!(pooled.rows[1].params, 0);
    }

    #[test]
    fn impossible_stacks_are_explained() {
        let mut config = presets()[0].1.clone();
        config.layers.push(LayerConfig::rnn(CellKind::Gru, 3));
        let err = describe(&config).unwrap_err().to_string();
        assert!(err.contains("return_sequences"), "{err}");
        config.layers.clear();
        assert!(describe(&config).is_err());
        let mut big = presets()[2].1.clone();
        big.layers[0] = LayerConfig::Embedding {
            input_dim: 10_000_000,
            output_dim: 8,
            mask_zero: false,
        };
        assert!(describe(&big).is_err());
    }
}
