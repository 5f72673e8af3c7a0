//! Keras' model config (Keras 3's `config.json`, tf-keras' `model_config`) translated to ours
//! and back: layers, names, the compile config and the optimizer's variables.

use serde_json::{Value, json};

use super::layers::{self, KerasLayer};
use super::{Imported, KerasError};
use crate::nn::storage::NamedWeights;
use crate::nn::{
    CompileConfig, DEFAULT_NAME, LayerConfig, MODEL_FORMAT, ModelExtras, ModelFile, Sequential,
    SummaryOptions,
};

/// Read a Keras model config (Keras 3's `config.json` or tf-keras' `model_config`) and its
/// weights through `weights`.
pub(super) fn from_config(
    config: &Value,
    weights: impl FnOnce(&[KerasLayer], &ModelFile) -> Result<Vec<NamedWeights>, KerasError>,
) -> Result<Imported, KerasError> {
    let class = config
        .get("class_name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if class != "Sequential" {
        return Err(KerasError::Unsupported {
            layer: "the model".into(),
            what: format!(
                "a {} model (only keras.Sequential models load here; rebuild it as keras.Sequential([...]) and copy the weights)",
                if class.is_empty() { "non-Keras" } else { class }
            ),
        });
    }
    let inner = config
        .get("config")
        .ok_or_else(|| KerasError::NotKeras("the model config has no config".into()))?;
    let list = inner
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| KerasError::NotKeras("the model config has no layers".into()))?;
    let name = inner
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_NAME)
        .to_string();
    let mut input_shape = inner
        .get("build_input_shape")
        .and_then(layers::shape)
        .or_else(|| {
            config
                .pointer("/build_config/input_shape")
                .and_then(layers::shape)
        });
    let mut parsed = Vec::new();
    for (i, layer) in list.iter().enumerate() {
        if layer.get("class_name").and_then(Value::as_str) == Some("InputLayer") {
            input_shape = layers::input_layer_shape(layer).or(input_shape);
        }
        if let Some(l) = layers::from_keras(layer, i)? {
            parsed.push(l);
        }
    }
    let first = parsed
        .first()
        .ok_or_else(|| KerasError::NotKeras("the model has no layers".into()))?;
    if input_shape.is_none() {
        input_shape = first.input_shape.clone().or_else(|| {
            // Keras 2: Embedding(input_length=…) / batch_input_shape on the first layer.
            let c = list
                .iter()
                .find(|l| l.get("class_name").and_then(Value::as_str) != Some("InputLayer"))?
                .get("config")?;
            c.get("batch_input_shape")
                .and_then(layers::shape)
                .or_else(|| {
                    let n = c.get("input_length")?;
                    let n = n.as_u64().or_else(|| n.as_array()?.first()?.as_u64())?;
                    Some(vec![None, Some(n as usize)])
                })
        });
    }
    let input_length = input_shape
        .as_ref()
        .and_then(|s| s.get(1).copied().flatten());
    // A model built by fit() keeps its batch size, and Keras 3's summary shows it.
    let batch = input_shape
        .as_ref()
        .and_then(|s| s.first().copied().flatten());
    let input_features = match first.config {
        LayerConfig::Embedding { .. } => None,
        _ => Some(
            input_shape
                .as_ref()
                .and_then(|s| s.get(2).copied().flatten())
                .ok_or_else(|| KerasError::Unsupported {
                    layer: first.name.clone(),
                    what:
                        "a model without an Embedding whose input's feature size is not in the file"
                            .into(),
                })?,
        ),
    };
    let layer_names: Vec<String> = parsed.iter().map(|l| l.name.clone()).collect();
    let mut extras = ModelExtras::default();
    if let Some(compile) = config.get("compile_config") {
        extras.compile = compile_from_keras3(compile);
    }
    let file = ModelFile {
        format: MODEL_FORMAT.into(),
        name: (name != DEFAULT_NAME).then_some(name),
        input_length,
        input_features,
        layers: parsed.iter().map(|l| l.config.clone()).collect(),
        layer_names: Some(layer_names),
        extras,
    };
    let weights = weights(&parsed, &file)?;
    Ok(Imported {
        file,
        weights,
        summary: SummaryOptions {
            batch,
            ..Default::default()
        },
        saved_by: None,
    })
}

pub(super) fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        v => v
            .pointer("/config/name")
            .or_else(|| v.get("class_name"))
            .and_then(Value::as_str)
            .map(str::to_lowercase),
    }
}

pub(super) fn compile_from_keras3(c: &Value) -> Option<CompileConfig> {
    let opt = c.get("optimizer")?;
    Some(CompileConfig {
        optimizer: opt
            .get("class_name")
            .and_then(Value::as_str)
            .map(str::to_lowercase)
            .or_else(|| opt.as_str().map(str::to_string))?,
        learning_rate: opt
            .pointer("/config/learning_rate")
            .and_then(Value::as_f64)
            .unwrap_or(0.001),
        loss: c.get("loss").and_then(name_of)?,
        metrics: c
            .get("metrics")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter_map(name_of).collect())
            .unwrap_or_default(),
    })
}

pub(super) fn compile_from_keras2(t: &Value) -> Option<CompileConfig> {
    let opt = t.get("optimizer_config")?;
    Some(CompileConfig {
        optimizer: opt
            .pointer("/config/name")
            .or_else(|| opt.get("class_name"))
            .and_then(Value::as_str)?
            .trim_start_matches("Custom>")
            .to_lowercase(),
        learning_rate: opt
            .pointer("/config/learning_rate")
            .and_then(Value::as_f64)
            .unwrap_or(0.001),
        loss: t.get("loss").and_then(name_of)?,
        metrics: t
            .get("metrics")
            .and_then(Value::as_array)
            .map(|m| {
                m.iter()
                    .flat_map(|v| match v {
                        Value::Array(inner) => inner.clone(),
                        v => vec![v.clone()],
                    })
                    .filter_map(|v| name_of(&v))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// How many values a built Keras 3 optimizer holds for `trainable` weights: `iterations`
/// and `learning_rate`, and its slots (RMSprop's velocities, Adam's two moments, …).
pub(super) fn optimizer_variables(optimizer: &Value, trainable: usize) -> Option<usize> {
    let class = optimizer
        .get("class_name")
        .and_then(Value::as_str)
        .map(str::to_lowercase)
        .or_else(|| optimizer.as_str().map(str::to_lowercase))?;
    let c = |key: &str| optimizer.pointer(&format!("/config/{key}"));
    let on = |key: &str| c(key).and_then(Value::as_bool).unwrap_or(false);
    let nonzero = |key: &str| c(key).and_then(Value::as_f64).unwrap_or(0.0) != 0.0;
    let slots = match class.as_str() {
        "rmsprop" => 1 + usize::from(nonzero("momentum")) + usize::from(on("centered")),
        "adam" | "adamw" => 2 + usize::from(on("amsgrad")),
        "sgd" => usize::from(nonzero("momentum")),
        "adagrad" => 1,
        "adamax" | "adadelta" => 2,
        _ => return None,
    };
    Some(slots * trainable + 2)
}

/// Keras' class name and default config name for an optimizer.
pub(super) fn optimizer_class(name: &str) -> &str {
    match name {
        "rmsprop" => "RMSprop",
        "adam" => "Adam",
        "adamw" => "AdamW",
        "sgd" => "SGD",
        "adagrad" => "Adagrad",
        "adadelta" => "Adadelta",
        "adamax" => "Adamax",
        "nadam" => "Nadam",
        other => other,
    }
}

/// Keras 3's `compile_config` for a [`CompileConfig`].
pub(super) fn compile_to_keras3(c: &CompileConfig) -> Value {
    json!({
        "optimizer": {
            "module": "keras.optimizers",
            "class_name": optimizer_class(&c.optimizer),
            "config": {"name": c.optimizer, "learning_rate": c.learning_rate},
            "registered_name": null,
        },
        "loss": c.loss,
        "loss_weights": null,
        "metrics": c.metrics,
        "weighted_metrics": null,
        "run_eagerly": false,
        "steps_per_execution": 1,
        "jit_compile": false,
    })
}

/// Keras 3's `config.json` text for a model.
pub fn keras_config(model: &Sequential, extras: &ModelExtras) -> Result<Value, KerasError> {
    let t = model.input_length;
    let first_input: Vec<Option<usize>> = match model.input_features {
        Some(f) => vec![None, t, Some(f)],
        None => vec![None, t],
    };
    let mut layers_json = Vec::new();
    if t.is_some() {
        layers_json.push(json!({
            "module": "keras.layers",
            "class_name": "InputLayer",
            "config": {"batch_shape": first_input, "dtype": "float32", "sparse": false, "name": "input_layer"},
            "registered_name": null,
        }));
    }
    let mut shape = first_input.clone();
    let mut features = model.input_features.unwrap_or(0);
    let mut has_time = true;
    for ((name, _), config) in model.layers().iter().zip(model.configs()) {
        layers_json.push(layers::to_keras(name, config, &shape)?);
        let (_, f, time) = layers::weights(config, features, has_time, t);
        features = f;
        has_time = time;
        shape = if time {
            vec![None, t, Some(f)]
        } else {
            vec![None, Some(f)]
        };
    }
    let mut config = json!({
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": model.name(),
            "trainable": true,
            "dtype": "float32",
            "layers": layers_json,
        },
        "registered_name": null,
        "build_config": {"input_shape": first_input},
    });
    if let Some(compile) = &extras.compile {
        config["compile_config"] = compile_to_keras3(compile);
    }
    Ok(config)
}
