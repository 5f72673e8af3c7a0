//! Building a [`Sequential`] from its layers' configurations, with Keras' initialisation and
//! each layer's input size inferred from the layer before it.

use std::collections::HashMap;

use super::{DEFAULT_NAME, Layer, LayerConfig, Sequential};
use crate::nn::error::{NnError, Result};
use crate::nn::{AttentionPooling, Bidirectional, Dense, Embedding, GlobalPooling, Recurrent};

impl Sequential {
    /// Build the layers of `configs` with Keras' initialisation from `seed`. Input sizes are
    /// inferred from the previous layer; the first layer must be an Embedding.
    pub fn from_config(
        configs: &[LayerConfig],
        input_length: Option<usize>,
        seed: u64,
    ) -> Result<Self> {
        Self::from_config_with_input(configs, input_length, None, seed)
    }

    /// [`Sequential::from_config`] for float inputs `[batch, time, input_features]` (one-hot
    /// characters, weather codes…) when `input_features` is given: then the first layer is a
    /// recurrent or Dense layer instead of an Embedding.
    pub fn from_config_with_input(
        configs: &[LayerConfig],
        input_length: Option<usize>,
        input_features: Option<usize>,
        seed: u64,
    ) -> Result<Self> {
        let mut layers: Vec<(String, Layer)> = Vec::new();
        let mut counts: HashMap<&'static str, usize> = HashMap::new();
        if input_features == Some(0) {
            return Err(NnError::Config(
                "the input needs at least one feature".into(),
            ));
        }
        // The feature size flowing out of the previous layer, and whether it has a time axis.
        let mut features: Option<usize> = input_features;
        let mut has_time = true;
        for (i, config) in configs.iter().enumerate() {
            let layer_seed = seed
                .wrapping_mul(1_000_003)
                .wrapping_add(i as u64 * 7919 + 1);
            let need = |what: &str| -> Result<usize> {
                features.ok_or_else(|| {
                    NnError::Config(format!(
                        "{what} needs an input: start the model with an Embedding"
                    ))
                })
            };
            let layer = match config {
                LayerConfig::Embedding {
                    input_dim,
                    output_dim,
                    mask_zero,
                } => {
                    if i != 0 || input_features.is_some() {
                        return Err(NnError::Config(
                            "an Embedding must be the first layer, and takes token ids (no input features)".into(),
                        ));
                    }
                    if *input_dim == 0 || *output_dim == 0 {
                        return Err(NnError::Config("Embedding sizes must be at least 1".into()));
                    }
                    features = Some(*output_dim);
                    Layer::Embedding(Embedding::new(
                        *input_dim,
                        *output_dim,
                        *mask_zero,
                        layer_seed,
                    ))
                }
                LayerConfig::Recurrent {
                    cell,
                    units,
                    return_sequences,
                    go_backwards,
                    reset_after,
                    use_bias,
                } => {
                    if !has_time {
                        return Err(NnError::Config(format!(
                            "{} needs a sequence: set return_sequences on the recurrent layer before it",
                            cell.keras_name()
                        )));
                    }
                    let mut r = Recurrent::new(*cell, need(cell.keras_name())?, *units, layer_seed)
                        .with_reset_after(*reset_after)
                        .with_return_sequences(*return_sequences)
                        .with_go_backwards(*go_backwards);
                    if !use_bias {
                        r = r.without_bias();
                    }
                    features = Some(*units);
                    has_time = *return_sequences;
                    Layer::Recurrent(r)
                }
                LayerConfig::Bidirectional {
                    cell,
                    units,
                    return_sequences,
                    merge_mode,
                } => {
                    if !has_time {
                        return Err(NnError::Config("Bidirectional needs a sequence".into()));
                    }
                    let r = Recurrent::new(*cell, need("Bidirectional")?, *units, layer_seed)
                        .with_return_sequences(*return_sequences);
                    let b = Bidirectional::new(r, *merge_mode, layer_seed ^ 0x5eed);
                    features = Some(b.output_units());
                    has_time = *return_sequences;
                    Layer::Bidirectional(b)
                }
                LayerConfig::Dense {
                    units,
                    activation,
                    use_bias,
                } => {
                    let d = Dense::new(need("Dense")?, *units, *activation, *use_bias, layer_seed);
                    features = Some(*units);
                    Layer::Dense(d)
                }
                LayerConfig::TimeDistributed { units, activation } => {
                    if !has_time {
                        return Err(NnError::Config("TimeDistributed needs a sequence".into()));
                    }
                    let d = Dense::new(
                        need("TimeDistributed")?,
                        *units,
                        *activation,
                        true,
                        layer_seed,
                    );
                    features = Some(*units);
                    Layer::TimeDistributed(d)
                }
                LayerConfig::Flatten => {
                    let f = need("Flatten")?;
                    if has_time {
                        let t = input_length.ok_or_else(|| {
                            NnError::Config(
                                "Flatten after a sequence needs a fixed input_length".into(),
                            )
                        })?;
                        features = Some(f * t);
                    }
                    has_time = false;
                    Layer::Flatten
                }
                LayerConfig::Dropout { rate } => {
                    if !(0.0..1.0).contains(rate) {
                        return Err(NnError::Config(format!(
                            "Dropout's rate must be in [0, 1), not {rate}"
                        )));
                    }
                    need("Dropout")?;
                    Layer::Dropout(*rate)
                }
                LayerConfig::GlobalAveragePooling1D
                | LayerConfig::GlobalMaxPooling1D
                | LayerConfig::AttentionPooling1D => {
                    let layer = match config {
                        LayerConfig::GlobalAveragePooling1D => {
                            Layer::GlobalPooling(GlobalPooling::Average)
                        }
                        LayerConfig::GlobalMaxPooling1D => Layer::GlobalPooling(GlobalPooling::Max),
                        _ => Layer::AttentionPooling(AttentionPooling::new(
                            need("AttentionPooling1D")?,
                            layer_seed,
                        )),
                    };
                    let name = layer.keras_type();
                    need(&name)?;
                    if !has_time {
                        return Err(NnError::Config(format!(
                            "{name} needs a sequence: set return_sequences on the recurrent layer before it"
                        )));
                    }
                    has_time = false;
                    layer
                }
            };
            let base = layer.default_name();
            let n = counts.entry(base).or_insert(0);
            let name = if *n == 0 {
                base.to_string()
            } else {
                format!("{base}_{n}")
            };
            *n += 1;
            layers.push((name, layer));
        }
        if input_features.is_none() && !matches!(layers.first(), Some((_, Layer::Embedding(_)))) {
            return Err(NnError::Config(
                "a model starts with an Embedding layer".into(),
            ));
        }
        if layers.is_empty() {
            return Err(NnError::Config("the model has no layers".into()));
        }
        Ok(Self {
            layers,
            configs: configs.to_vec(),
            input_length,
            input_features,
            share_padding: true,
            name: DEFAULT_NAME.into(),
        })
    }
}
