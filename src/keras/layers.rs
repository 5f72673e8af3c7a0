//! One Keras layer's JSON config (Keras 3's `config.json`, tf-keras' `model_config`) to and
//! from a [`LayerConfig`], with the weights Keras stores for it and their shapes.
//!
//! ```
//! use rnn_playground::keras::layers::{from_keras, KerasLayer};
//! use rnn_playground::nn::{CellKind, LayerConfig};
//!
//! let json = serde_json::json!({"class_name": "GRU", "config": {
//!     "name": "gru_2", "units": 4, "reset_after": false, "return_sequences": true}});
//! let KerasLayer { name, config, .. } = from_keras(&json, 0).unwrap().unwrap();
//! assert_eq!(name, "gru_2");
//! assert!(matches!(config, LayerConfig::Recurrent { cell: CellKind::Gru, units: 4, reset_after: false, .. }));
//! ```

use serde_json::{Map, Value, json};

use super::error::KerasError;
use crate::nn::{Activation, CellKind, LayerConfig, MergeMode};

/// What the playground computes, named for error messages.
pub const SUPPORTED: &str = "InputLayer, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, \
TimeDistributed(Dense), Dense, Flatten, Dropout, GlobalAveragePooling1D, GlobalMaxPooling1D";

/// A layer read from a Keras config.
#[derive(Clone, Debug, PartialEq)]
pub struct KerasLayer {
    /// The layer's own name (`embedding_1`): the summary prints it.
    pub name: String,
    pub config: LayerConfig,
    /// Keras 3's `build_config.input_shape`, when the config has one.
    pub input_shape: Option<Vec<Option<usize>>>,
    /// Keras' `class_name` (`SimpleRNN`): the key under which Keras 3 stores the weights
    /// is its snake-case name.
    pub class_name: String,
}

/// What the first layer of a Sequential says about its input: `InputLayer`'s `batch_shape`.
pub fn input_layer_shape(layer: &Value) -> Option<Vec<Option<usize>>> {
    let c = layer.get("config")?;
    shape(
        c.get("batch_shape")
            .or_else(|| c.get("batch_input_shape"))?,
    )
}

/// `[null, 60]` → `[None, Some(60)]`.
pub fn shape(value: &Value) -> Option<Vec<Option<usize>>> {
    value
        .as_array()?
        .iter()
        .map(|d| match d {
            Value::Null => Some(None),
            d => d.as_u64().map(|n| Some(n as usize)),
        })
        .collect()
}

fn class_of(layer: &Value) -> Result<&str, KerasError> {
    layer
        .get("class_name")
        .and_then(Value::as_str)
        .ok_or_else(|| KerasError::NotKeras("a layer in the config has no class_name".into()))
}

fn config_of(layer: &Value) -> Result<&Map<String, Value>, KerasError> {
    layer
        .get("config")
        .and_then(Value::as_object)
        .ok_or_else(|| KerasError::NotKeras("a layer in the config has no config".into()))
}

fn get_bool(c: &Map<String, Value>, key: &str, default: bool) -> bool {
    c.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn get_usize(c: &Map<String, Value>, key: &str, layer: &str) -> Result<usize, KerasError> {
    c.get(key)
        .and_then(Value::as_u64)
        .filter(|n| *n > 0 && *n <= u32::MAX as u64)
        .map(|n| n as usize)
        .ok_or_else(|| KerasError::NotKeras(format!("{layer}: {key} is missing or not a size")))
}

/// An activation's name: a string in Keras 2 and 3, or a serialized object.
fn activation_name(value: Option<&Value>, default: &str) -> String {
    match value {
        None | Some(Value::Null) => default.into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v
            .pointer("/config/name")
            .or_else(|| v.get("class_name"))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
    }
}

fn unsupported(layer: &str, what: impl Into<String>) -> KerasError {
    KerasError::Unsupported {
        layer: layer.into(),
        what: what.into(),
    }
}

fn activation(name: &str, value: Option<&Value>) -> Result<Activation, KerasError> {
    let a = activation_name(value, "linear");
    serde_json::from_value(Value::String(a.clone())).map_err(|_| {
        unsupported(
            name,
            format!("activation={a:?} (supported: linear, relu, sigmoid, tanh, softmax)"),
        )
    })
}

/// A recurrent layer's options, checked: anything this playground would compute differently
/// is refused.
struct Rnn {
    cell: CellKind,
    units: usize,
    return_sequences: bool,
    go_backwards: bool,
    reset_after: bool,
    use_bias: bool,
}

fn rnn(class: &str, c: &Map<String, Value>, name: &str) -> Result<Rnn, KerasError> {
    let cell = match class {
        "SimpleRNN" => CellKind::SimpleRnn,
        "LSTM" => CellKind::Lstm,
        "GRU" => CellKind::Gru,
        other => return Err(unsupported(name, format!("{other} inside a wrapper"))),
    };
    for key in ["stateful", "return_state", "time_major"] {
        if get_bool(c, key, false) {
            return Err(unsupported(name, format!("{key}=True")));
        }
    }
    let act = activation_name(c.get("activation"), "tanh");
    if act != "tanh" {
        return Err(unsupported(
            name,
            format!("activation={act:?} (only \"tanh\", Keras' default)"),
        ));
    }
    if cell != CellKind::SimpleRnn {
        let ract = activation_name(c.get("recurrent_activation"), "sigmoid");
        if ract != "sigmoid" {
            return Err(unsupported(
                name,
                format!("recurrent_activation={ract:?} (only \"sigmoid\", Keras' default)"),
            ));
        }
    }
    Ok(Rnn {
        cell,
        units: get_usize(c, "units", name)?,
        return_sequences: get_bool(c, "return_sequences", false),
        go_backwards: get_bool(c, "go_backwards", false),
        reset_after: cell != CellKind::Gru || get_bool(c, "reset_after", true),
        use_bias: get_bool(c, "use_bias", true),
    })
}

fn name_of(c: &Map<String, Value>, index: usize) -> String {
    c.get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("layer {index}"))
}

/// Read one layer; `Ok(None)` for an `InputLayer` (it has no weights and no summary row).
pub fn from_keras(layer: &Value, index: usize) -> Result<Option<KerasLayer>, KerasError> {
    let class = class_of(layer)?;
    let c = config_of(layer)?;
    let name = name_of(c, index);
    let input_shape = layer.pointer("/build_config/input_shape").and_then(shape);
    let config = match class {
        "InputLayer" => return Ok(None),
        "Embedding" => LayerConfig::Embedding {
            input_dim: get_usize(c, "input_dim", &name)?,
            output_dim: get_usize(c, "output_dim", &name)?,
            mask_zero: get_bool(c, "mask_zero", false),
        },
        "SimpleRNN" | "LSTM" | "GRU" => {
            let r = rnn(class, c, &name)?;
            LayerConfig::Recurrent {
                cell: r.cell,
                units: r.units,
                return_sequences: r.return_sequences,
                go_backwards: r.go_backwards,
                reset_after: r.reset_after,
                use_bias: r.use_bias,
            }
        }
        "Bidirectional" => {
            let inner = c
                .get("layer")
                .ok_or_else(|| KerasError::NotKeras(format!("{name}: no wrapped layer")))?;
            let r = rnn(class_of(inner)?, config_of(inner)?, &name)?;
            if r.go_backwards {
                return Err(unsupported(&name, "go_backwards=True on the wrapped layer"));
            }
            if !r.use_bias {
                return Err(unsupported(&name, "use_bias=False inside Bidirectional"));
            }
            if !r.reset_after {
                return Err(unsupported(
                    &name,
                    "GRU reset_after=False inside Bidirectional",
                ));
            }
            if let Some(back) = c.get("backward_layer").filter(|v| !v.is_null()) {
                let b = rnn(class_of(back)?, config_of(back)?, &name)?;
                if class_of(back)? != class_of(inner)?
                    || b.units != r.units
                    || b.return_sequences != r.return_sequences
                    || !b.use_bias
                    || !b.reset_after
                {
                    return Err(unsupported(
                        &name,
                        "a backward_layer that differs from the forward layer",
                    ));
                }
            }
            let merge = c.get("merge_mode").cloned().unwrap_or(json!("concat"));
            let merge_mode: MergeMode = serde_json::from_value(merge.clone()).map_err(|_| {
                unsupported(
                    &name,
                    format!("merge_mode={merge} (supported: concat, sum, mul, ave)"),
                )
            })?;
            LayerConfig::Bidirectional {
                cell: r.cell,
                units: r.units,
                return_sequences: r.return_sequences,
                merge_mode,
            }
        }
        "Dense" => LayerConfig::Dense {
            units: get_usize(c, "units", &name)?,
            activation: activation(&name, c.get("activation"))?,
            use_bias: get_bool(c, "use_bias", true),
        },
        "TimeDistributed" => {
            let inner = c
                .get("layer")
                .ok_or_else(|| KerasError::NotKeras(format!("{name}: no wrapped layer")))?;
            let inner_class = class_of(inner)?;
            if inner_class != "Dense" {
                return Err(unsupported(
                    &name,
                    format!("TimeDistributed({inner_class}) (only TimeDistributed(Dense))"),
                ));
            }
            let ic = config_of(inner)?;
            LayerConfig::TimeDistributed {
                units: get_usize(ic, "units", &name)?,
                activation: activation(&name, ic.get("activation"))?,
            }
        }
        "Flatten" | "GlobalAveragePooling1D" | "GlobalMaxPooling1D" => {
            let format = c
                .get("data_format")
                .and_then(Value::as_str)
                .unwrap_or("channels_last");
            if format != "channels_last" {
                return Err(unsupported(&name, format!("data_format={format:?}")));
            }
            if get_bool(c, "keepdims", false) {
                return Err(unsupported(&name, "keepdims=True"));
            }
            match class {
                "Flatten" => LayerConfig::Flatten,
                "GlobalAveragePooling1D" => LayerConfig::GlobalAveragePooling1D,
                _ => LayerConfig::GlobalMaxPooling1D,
            }
        }
        "Dropout" => {
            let rate = c.get("rate").and_then(Value::as_f64).unwrap_or(0.0);
            if !(0.0..1.0).contains(&rate) {
                return Err(KerasError::NotKeras(format!("{name}: Dropout rate {rate}")));
            }
            LayerConfig::Dropout { rate }
        }
        other => {
            return Err(unsupported(
                &name,
                format!("the layer {other} (supported: {SUPPORTED})"),
            ));
        }
    };
    Ok(Some(KerasLayer {
        name,
        config,
        input_shape,
        class_name: class.to_string(),
    }))
}

/// Keras' `class_name` for a layer, `None` for one Keras does not have.
pub fn class_name(config: &LayerConfig) -> Option<&'static str> {
    Some(match config {
        LayerConfig::Embedding { .. } => "Embedding",
        LayerConfig::Recurrent { cell, .. } => cell.keras_name(),
        LayerConfig::Bidirectional { .. } => "Bidirectional",
        LayerConfig::Dense { .. } => "Dense",
        LayerConfig::TimeDistributed { .. } => "TimeDistributed",
        LayerConfig::Flatten => "Flatten",
        LayerConfig::GlobalAveragePooling1D => "GlobalAveragePooling1D",
        LayerConfig::GlobalMaxPooling1D => "GlobalMaxPooling1D",
        LayerConfig::Dropout { .. } => "Dropout",
        LayerConfig::AttentionPooling1D => return None,
    })
}

/// Keras' `naming.to_snake_case` of the class names above: the key of a layer's weights in
/// Keras 3's `model.weights.h5` (`simple_rnn`, `global_max_pooling1d`), counted per key
/// (`dense`, `dense_1`, …) whatever the layers are called.
pub fn snake_case(class: &str) -> String {
    let chars: Vec<char> = class
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        // "(.)([A-Z][a-z]+)" then "([a-z])([A-Z])" in Keras' two regex passes.
        let capital_word = c.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase());
        if i > 0
            && c.is_ascii_uppercase()
            && (capital_word || prev.is_some_and(|p| p.is_ascii_lowercase()))
            && !out.ends_with('_')
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The weights Keras stores for a layer, in Keras' order, as our names (`kernel`,
/// `forward/bias`, …) with their shapes, given the feature size flowing in.
/// Also returns the feature size flowing out and whether a time axis remains.
pub fn weights(
    config: &LayerConfig,
    features: usize,
    has_time: bool,
    input_length: Option<usize>,
) -> (Vec<(String, Vec<usize>)>, usize, bool) {
    let rnn = |prefix: &str, cell: CellKind, units: usize, use_bias: bool, reset_after: bool| {
        let g = cell.gates() * units;
        let mut w = vec![
            (format!("{prefix}kernel"), vec![features, g]),
            (format!("{prefix}recurrent_kernel"), vec![units, g]),
        ];
        if use_bias {
            let shape = if cell == CellKind::Gru && reset_after {
                vec![2, g]
            } else {
                vec![g]
            };
            w.push((format!("{prefix}bias"), shape));
        }
        w
    };
    match config {
        LayerConfig::Embedding {
            input_dim,
            output_dim,
            ..
        } => (
            vec![("embeddings".into(), vec![*input_dim, *output_dim])],
            *output_dim,
            true,
        ),
        LayerConfig::Recurrent {
            cell,
            units,
            return_sequences,
            reset_after,
            use_bias,
            ..
        } => (
            rnn("", *cell, *units, *use_bias, *reset_after),
            *units,
            *return_sequences,
        ),
        LayerConfig::Bidirectional {
            cell,
            units,
            return_sequences,
            merge_mode,
        } => {
            let mut w = rnn("forward/", *cell, *units, true, true);
            w.extend(rnn("backward/", *cell, *units, true, true));
            let out = if *merge_mode == MergeMode::Concat {
                2 * units
            } else {
                *units
            };
            (w, out, *return_sequences)
        }
        LayerConfig::Dense {
            units, use_bias, ..
        } => {
            let mut w = vec![("kernel".into(), vec![features, *units])];
            if *use_bias {
                w.push(("bias".into(), vec![*units]));
            }
            (w, *units, has_time)
        }
        LayerConfig::TimeDistributed { units, .. } => (
            vec![
                ("kernel".into(), vec![features, *units]),
                ("bias".into(), vec![*units]),
            ],
            *units,
            true,
        ),
        LayerConfig::Flatten => {
            let steps = if has_time {
                input_length.unwrap_or(1)
            } else {
                1
            };
            (vec![], features * steps, false)
        }
        LayerConfig::GlobalAveragePooling1D | LayerConfig::GlobalMaxPooling1D => {
            (vec![], features, false)
        }
        LayerConfig::AttentionPooling1D => {
            (vec![("kernel".into(), vec![features, 1])], features, false)
        }
        LayerConfig::Dropout { .. } => (vec![], features, has_time),
    }
}

/// Keras 3's config for one layer (what `layer.get_config()` gives, with the keys every
/// Keras 3 release reads), with its `build_config`.
pub fn to_keras(
    name: &str,
    config: &LayerConfig,
    input_shape: &[Option<usize>],
) -> Result<Value, KerasError> {
    let class = class_name(config).ok_or_else(|| KerasError::Unsupported {
        layer: name.into(),
        what: "AttentionPooling1D is not a Keras layer, so Keras cannot open it".into(),
    })?;
    let base = |extra: Value| {
        let mut c = json!({"name": name, "trainable": true, "dtype": "float32"});
        if let (Some(c), Value::Object(extra)) = (c.as_object_mut(), extra) {
            c.extend(extra);
        }
        c
    };
    let rnn_config =
        |layer_name: &str, cell: CellKind, units: usize, rs: bool, gb: bool, ra: bool, ub: bool| {
            let mut c = json!({
                "name": layer_name, "trainable": true, "dtype": "float32",
                "return_sequences": rs, "return_state": false, "go_backwards": gb,
                "stateful": false, "unroll": false, "units": units, "activation": "tanh",
                "use_bias": ub, "dropout": 0.0, "recurrent_dropout": 0.0,
            });
            if cell != CellKind::SimpleRnn {
                c["recurrent_activation"] = json!("sigmoid");
            }
            if cell == CellKind::Gru {
                c["reset_after"] = json!(ra);
            }
            c
        };
    let layer_config = match config {
        LayerConfig::Embedding {
            input_dim,
            output_dim,
            mask_zero,
        } => {
            base(json!({"input_dim": input_dim, "output_dim": output_dim, "mask_zero": mask_zero}))
        }
        LayerConfig::Recurrent {
            cell,
            units,
            return_sequences,
            go_backwards,
            reset_after,
            use_bias,
        } => rnn_config(
            name,
            *cell,
            *units,
            *return_sequences,
            *go_backwards,
            *reset_after,
            *use_bias,
        ),
        LayerConfig::Bidirectional {
            cell,
            units,
            return_sequences,
            merge_mode,
        } => {
            let inner_name = format!("forward_{}", cell.snake_name());
            let inner = rnn_config(
                &inner_name,
                *cell,
                *units,
                *return_sequences,
                false,
                true,
                true,
            );
            base(json!({
                "merge_mode": merge_mode,
                "layer": {"module": "keras.layers", "class_name": cell.keras_name(), "config": inner, "registered_name": null},
            }))
        }
        LayerConfig::Dense {
            units,
            activation,
            use_bias,
        } => base(json!({"units": units, "activation": activation.name(), "use_bias": use_bias})),
        LayerConfig::TimeDistributed { units, activation } => {
            let features = input_shape.last().copied().flatten();
            base(json!({"layer": {
                "module": "keras.layers", "class_name": "Dense", "registered_name": null,
                "config": {"name": format!("{name}_dense"), "trainable": true, "dtype": "float32",
                           "units": units, "activation": activation.name(), "use_bias": true},
                "build_config": {"input_shape": [null, features]},
            }}))
        }
        LayerConfig::Flatten => base(json!({"data_format": "channels_last"})),
        LayerConfig::GlobalAveragePooling1D | LayerConfig::GlobalMaxPooling1D => {
            base(json!({"data_format": "channels_last", "keepdims": false}))
        }
        LayerConfig::Dropout { rate } => {
            base(json!({"rate": rate, "seed": null, "noise_shape": null}))
        }
        LayerConfig::AttentionPooling1D => unreachable!("refused above"),
    };
    Ok(json!({
        "module": "keras.layers",
        "class_name": class,
        "config": layer_config,
        "registered_name": null,
        "build_config": {"input_shape": input_shape},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_is_keras() {
        for (class, snake) in [
            ("SimpleRNN", "simple_rnn"),
            ("LSTM", "lstm"),
            ("GRU", "gru"),
            ("GlobalMaxPooling1D", "global_max_pooling1d"),
            ("GlobalAveragePooling1D", "global_average_pooling1d"),
            ("TimeDistributed", "time_distributed"),
            ("Bidirectional", "bidirectional"),
            ("InputLayer", "input_layer"),
        ] {
            assert_eq!(snake_case(class), snake);
        }
    }
}
