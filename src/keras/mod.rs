//! Keras' own model files, read and written without Python: Keras 3's `.keras` (a zip of
//! `config.json`, `metadata.json` and `model.weights.h5`), tf-keras' (and Keras 3's legacy)
//! `.h5` full model, and a `.weights.h5` beside `model.to_json()`'s text. Natively and in
//! wasm (pure-Rust zip and HDF5). What comes out is a playground model description
//! ([`ModelFile`]) and its weights under our names; [`load_model`] builds the [`Sequential`].
//!
//! ```
//! use rnn_playground::keras;
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, ModelExtras, Sequential};
//!
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 20, output_dim: 4, mask_zero: false },
//!     LayerConfig::rnn(CellKind::Gru, 3),
//!     LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true },
//! ], Some(5), 0).unwrap();
//! let bytes = keras::write_keras(&model, &ModelExtras::default(), "2026-12-06@12:00:00").unwrap();
//! let back = keras::read(&bytes, "model.keras").unwrap();
//! assert_eq!(back.file.layers, model.configs());
//! assert_eq!(back.file.input_length, Some(5));
//! ```

mod error;
pub mod hdf5;
pub mod layers;

pub use error::KerasError;

use std::io::{Cursor, Read, Write};

use serde_json::{Value, json};

use crate::nn::storage::{self, NamedWeights, Storage};
use crate::nn::{
    CompileConfig, DEFAULT_NAME, LayerConfig, MODEL_FORMAT, ModelExtras, ModelFile, Sequential,
    SummaryOptions,
};
use layers::KerasLayer;

/// The largest model read (weights, in float32 values): 256 M values, 1 GiB. A file claiming
/// more is refused before anything is read.
pub const MAX_VALUES: usize = 256 << 20;

/// The Keras 3 release whose file layout [`write_keras`] follows (Colab's, December 2026).
pub const KERAS_VERSION: &str = "3.15.1";

/// A model read from a Keras file: our description of it and its weights under our names.
#[derive(Debug)]
pub struct Imported {
    pub file: ModelFile,
    pub weights: Vec<NamedWeights>,
    /// What Keras 3's `summary()` shows for the file after `load_model`: the batch size a
    /// model built by `fit` keeps in its shapes, and the "Optimizer params" of the optimizer
    /// it rebuilds for a compiled model.
    pub summary: SummaryOptions,
    /// `keras 3.15.1`, `tf-keras 2.21.0`: who saved the file, when it says.
    pub saved_by: Option<String>,
}

impl Imported {
    /// The model as one playground file (safetensors with `model.json` inside), what the
    /// page's loaders and the worker take.
    pub fn to_single_file(&self) -> Result<Vec<u8>, KerasError> {
        let json = serde_json::to_string_pretty(&self.file).expect("plain data serializes");
        let mut metadata = std::collections::HashMap::new();
        metadata.insert(crate::nn::MODEL_JSON_KEY.to_string(), json);
        storage::serialize(&self.weights, Storage::F32, Some(metadata))
            .map_err(|e| KerasError::Model(e.to_string()))
    }

    /// Build the model.
    pub fn build(&self) -> Result<(Sequential, ModelExtras), KerasError> {
        Sequential::from_files(
            &serde_json::to_string(&self.file).expect("plain data serializes"),
            &self.to_single_file()?,
        )
        .map_err(|e| KerasError::Model(e.to_string()))
    }
}

/// Which of Keras' files `bytes` is: a zip (`.keras`) or HDF5 (`.h5`).
pub fn is_keras_file(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || hdf5_pure::is_hdf5_bytes(bytes)
}

/// Read a `.keras` or `.h5` file (told apart by their bytes; `name` is for messages).
pub fn read(bytes: &[u8], name: &str) -> Result<Imported, KerasError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        read_keras(bytes)
    } else if hdf5_pure::is_hdf5_bytes(bytes) {
        read_h5(bytes.to_vec())
    } else {
        Err(KerasError::NotKeras(format!(
            "{name} is neither a .keras file (a zip) nor an .h5 file (HDF5)"
        )))
    }
}

/// The members of a `.keras` zip that we read, each at most this big.
const MAX_MEMBER: u64 = (MAX_VALUES as u64) * 4 + (64 << 20);

fn read_member(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, KerasError> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(KerasError::Corrupt(format!("{name} in the zip: {e}"))),
    };
    if file.size() > MAX_MEMBER {
        return Err(KerasError::TooLarge(format!(
            "{name} says it holds {} bytes, more than the playground reads ({} MB)",
            file.size(),
            MAX_MEMBER >> 20
        )));
    }
    let mut out = Vec::with_capacity(file.size().min(64 << 20) as usize);
    // Never more than the limit, whatever the header said.
    (&mut file)
        .take(MAX_MEMBER + 1)
        .read_to_end(&mut out)
        .map_err(|e| KerasError::Corrupt(format!("{name} in the zip: {e}")))?;
    if out.len() as u64 > MAX_MEMBER {
        return Err(KerasError::TooLarge(format!(
            "{name} is larger than the playground reads"
        )));
    }
    Ok(Some(out))
}

/// Read Keras 3's `.keras` file.
pub fn read_keras(bytes: &[u8]) -> Result<Imported, KerasError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| KerasError::NotKeras(format!("the zip cannot be read ({e})")))?;
    for i in 0..zip.len() {
        let name = zip
            .name_for_index(i)
            .ok_or_else(|| KerasError::Corrupt("a zip member without a name".into()))?
            .map_err(|e| KerasError::Corrupt(format!("a zip member's name: {e}")))?
            .to_string();
        if name.starts_with('/') || name.contains('\\') || name.split('/').any(|p| p == "..") {
            return Err(KerasError::NotKeras(format!(
                "the zip holds a member named {name:?}, which no Keras file has"
            )));
        }
    }
    let config = read_member(&mut zip, "config.json")?
        .ok_or_else(|| KerasError::NotKeras("the zip has no config.json".into()))?;
    let weights = read_member(&mut zip, "model.weights.h5")?.ok_or_else(|| {
        KerasError::NotKeras(
            "the zip has no model.weights.h5 (a sharded or weightless save is not supported)"
                .into(),
        )
    })?;
    let saved_by = read_member(&mut zip, "metadata.json")?
        .and_then(|m| serde_json::from_slice::<Value>(&m).ok())
        .and_then(|m| {
            m.get("keras_version")
                .and_then(Value::as_str)
                .map(|v| format!("keras {v}"))
        });
    let config: Value = serde_json::from_slice(&config)
        .map_err(|e| KerasError::NotKeras(format!("config.json is not JSON ({e})")))?;
    let h5 = hdf5::open(weights, "model.weights.h5")?;
    let mut imported = from_config(&config, |layers, file| keras3_weights(&h5, layers, file))?;
    let trainable = imported.weights.iter().map(|(_, v, _)| v.len()).sum();
    // Keras 3's load_model compiles a model saved compiled and builds its optimizer, whose
    // variables the summary counts ("Optimizer params") whether or not the file stored them.
    imported.summary.optimizer_params = config
        .pointer("/compile_config/optimizer")
        .and_then(|o| optimizer_variables(o, trainable))
        .or_else(|| hdf5::element_count(&h5, "optimizer/vars").filter(|n| *n > 2));
    imported.saved_by = saved_by;
    Ok(imported)
}

/// Read a Keras 3 `.weights.h5` with the model's JSON (`model.to_json()`) beside it.
pub fn read_weights_h5(config_json: &str, weights: Vec<u8>) -> Result<Imported, KerasError> {
    let config: Value = serde_json::from_str(config_json)
        .map_err(|e| KerasError::NotKeras(format!("the model's JSON is not JSON ({e})")))?;
    let h5 = hdf5::open(weights, "the weights file")?;
    if h5.group("model_weights").is_ok() {
        return h5_weights_from(&config, &h5);
    }
    from_config(&config, |layers, file| keras3_weights(&h5, layers, file))
}

/// Read tf-keras' (Keras 2's) `.h5` full model: `model_config` as an attribute and
/// `model_weights/<layer>/…` datasets listed by `weight_names`.
pub fn read_h5(bytes: Vec<u8>) -> Result<Imported, KerasError> {
    let h5 = hdf5::open(bytes, "the .h5 file")?;
    let config = hdf5::strings(&h5, "", "model_config")?
        .and_then(|s| s.into_iter().next())
        .ok_or_else(|| {
            KerasError::NotKeras(
                "this .h5 file has weights only (no model_config): load it with its model, or save the whole model with model.save('model.h5')".into(),
            )
        })?;
    let config: Value = serde_json::from_str(&config)
        .map_err(|e| KerasError::NotKeras(format!("model_config is not JSON ({e})")))?;
    let mut imported = h5_weights_from(&config, &h5)?;
    imported.saved_by = hdf5::strings(&h5, "", "keras_version")?
        .and_then(|v| v.into_iter().next())
        .map(|v| format!("keras {v}"));
    if let Some(training) = hdf5::strings(&h5, "", "training_config")?
        .and_then(|v| v.into_iter().next())
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
    {
        imported.file.extras.compile = compile_from_keras2(&training);
    }
    Ok(imported)
}

fn h5_weights_from(config: &Value, h5: &hdf5_pure::File) -> Result<Imported, KerasError> {
    let root = if h5.group("model_weights").is_ok() {
        "model_weights"
    } else {
        ""
    };
    let names = hdf5::strings(h5, root, "layer_names")?
        .ok_or_else(|| KerasError::NotKeras("the .h5 file has no layer_names".into()))?;
    from_config(config, |layers, file| {
        let mut out = Vec::new();
        let expected = expected_weights(file)?;
        for (layer, wanted) in layers.iter().zip(expected) {
            if wanted.is_empty() {
                continue;
            }
            if !names.contains(&layer.name) {
                return Err(KerasError::Mismatch(format!(
                    "the file has no weights for the layer {}",
                    layer.name
                )));
            }
            let group = if root.is_empty() {
                layer.name.clone()
            } else {
                format!("{root}/{}", layer.name)
            };
            let stored = hdf5::strings(h5, &group, "weight_names")?.unwrap_or_default();
            let (wanted, zero_bias) = match (&layer.config, stored.len(), wanted.len()) {
                // TimeDistributed(Dense(use_bias=False)): a zero bias computes the same.
                (LayerConfig::TimeDistributed { .. }, 1, 2) => (&wanted[..1], true),
                _ => (&wanted[..], false),
            };
            if stored.len() != wanted.len() {
                return Err(KerasError::Mismatch(format!(
                    "{} stores {} weights, its config needs {}",
                    layer.name,
                    stored.len(),
                    wanted.len()
                )));
            }
            for ((ours, shape), theirs) in wanted.iter().zip(&stored) {
                let values = hdf5::read_f32(h5, &format!("{group}/{theirs}"), shape)?;
                out.push((format!("{}/{ours}", layer.name), values, shape.clone()));
            }
            if zero_bias {
                let units = wanted[0].1[1];
                out.push((
                    format!("{}/bias", layer.name),
                    vec![0.0; units],
                    vec![units],
                ));
            }
        }
        Ok(out)
    })
}

/// The weights Keras 3 stores at `layers/<key>/…/vars/<i>`, under our names.
fn keras3_weights(
    h5: &hdf5_pure::File,
    layers: &[KerasLayer],
    file: &ModelFile,
) -> Result<Vec<NamedWeights>, KerasError> {
    let expected = expected_weights(file)?;
    let mut counts = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (layer, wanted) in layers.iter().zip(expected) {
        let base = layers::snake_case(&layer.class_name);
        let n = counts.entry(base.clone()).or_insert(0usize);
        let key = if *n == 0 {
            base.clone()
        } else {
            format!("{base}_{n}")
        };
        *n += 1;
        let vars: Vec<(String, usize)> = match &layer.config {
            LayerConfig::Recurrent { .. } => {
                vec![(format!("layers/{key}/cell/vars"), wanted.len())]
            }
            LayerConfig::Bidirectional { .. } => vec![
                (
                    format!("layers/{key}/forward_layer/cell/vars"),
                    wanted.len() / 2,
                ),
                (
                    format!("layers/{key}/backward_layer/cell/vars"),
                    wanted.len() / 2,
                ),
            ],
            LayerConfig::TimeDistributed { .. } => {
                vec![(format!("layers/{key}/layer/vars"), wanted.len())]
            }
            _ => vec![(format!("layers/{key}/vars"), wanted.len())],
        };
        let mut wanted = wanted.into_iter();
        for (group, count) in vars {
            for i in 0..count {
                let (ours, shape) = wanted.next().expect("counted above");
                let path = format!("{group}/{i}");
                let values = match (&layer.config, ours.as_str()) {
                    // TimeDistributed(Dense(use_bias=False)) stores no bias: zeros compute the same.
                    (LayerConfig::TimeDistributed { .. }, "bias") if h5.dataset(&path).is_err() => {
                        vec![0.0; shape[0]]
                    }
                    _ => hdf5::read_f32(h5, &path, &shape)?,
                };
                out.push((format!("{}/{ours}", layer.name), values, shape));
            }
        }
    }
    Ok(out)
}

/// A weight's name (ours) and shape.
type WeightShape = (String, Vec<usize>);

/// Each layer's weights (our names, shapes) in order, from a description.
fn expected_weights(file: &ModelFile) -> Result<Vec<Vec<WeightShape>>, KerasError> {
    let mut features = file.input_features.unwrap_or(0);
    let mut has_time = true;
    let mut total = 0usize;
    let mut out = Vec::new();
    for config in &file.layers {
        let (w, f, t) = layers::weights(config, features, has_time, file.input_length);
        for (_, shape) in &w {
            total = total.saturating_add(shape.iter().fold(1usize, |a, d| a.saturating_mul(*d)));
        }
        if total > MAX_VALUES {
            return Err(KerasError::TooLarge(format!(
                "its config asks for more than {} million weights; the playground loads models up to {} million",
                total / 1_000_000,
                MAX_VALUES / 1_000_000
            )));
        }
        out.push(w);
        features = f;
        has_time = t;
    }
    Ok(out)
}

/// Read a Keras model config (Keras 3's `config.json` or tf-keras' `model_config`) and its
/// weights through `weights`.
fn from_config(
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

fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        v => v
            .pointer("/config/name")
            .or_else(|| v.get("class_name"))
            .and_then(Value::as_str)
            .map(str::to_lowercase),
    }
}

fn compile_from_keras3(c: &Value) -> Option<CompileConfig> {
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

fn compile_from_keras2(t: &Value) -> Option<CompileConfig> {
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
fn optimizer_variables(optimizer: &Value, trainable: usize) -> Option<usize> {
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
fn optimizer_class(name: &str) -> &str {
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
fn compile_to_keras3(c: &CompileConfig) -> Value {
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

/// Keras 3's `model.weights.h5` for a model: `layers/<key>/vars/<i>` (recurrent cells under
/// `cell/`, Bidirectional's under `forward_layer/` and `backward_layer/`), as Keras writes it.
pub fn keras_weights_h5(model: &Sequential) -> Result<Vec<u8>, KerasError> {
    let mut tree = hdf5::Tree::default();
    let mut counts = std::collections::HashMap::new();
    for ((name, layer), config) in model.layers().iter().zip(model.configs()) {
        let class = layers::class_name(config).ok_or_else(|| KerasError::Unsupported {
            layer: name.clone(),
            what: "AttentionPooling1D is not a Keras layer, so Keras cannot open it".into(),
        })?;
        let base = layers::snake_case(class);
        let n = counts.entry(base.clone()).or_insert(0usize);
        let key = if *n == 0 {
            base.clone()
        } else {
            format!("{base}_{n}")
        };
        *n += 1;
        fn put(
            tree: &mut hdf5::Tree,
            group: &str,
            vars: &[candle_core::Var],
            cell_name: &str,
        ) -> Result<(), KerasError> {
            tree.group(group, Some(("name", cell_name)));
            for (i, v) in vars.iter().enumerate() {
                let t = v.as_tensor();
                let values = t
                    .flatten_all()
                    .and_then(|t| t.to_vec1::<f32>())
                    .map_err(|e| KerasError::Model(e.to_string()))?;
                tree.dataset(&format!("{group}/{i}"), values, t.dims().to_vec());
            }
            Ok(())
        }
        let weights: Vec<(String, candle_core::Var)> = layer.weights();
        let vars = |prefix: &str| -> Vec<candle_core::Var> {
            weights
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(_, v)| v.clone())
                .collect()
        };
        match config {
            LayerConfig::Recurrent { cell, .. } => {
                tree.group(&format!("layers/{key}/vars"), Some(("name", name)));
                put(
                    &mut tree,
                    &format!("layers/{key}/cell/vars"),
                    &vars(""),
                    &format!("{}_cell", cell.snake_name()),
                )?;
            }
            LayerConfig::Bidirectional { cell, .. } => {
                tree.group(&format!("layers/{key}/vars"), Some(("name", name)));
                for side in ["forward", "backward"] {
                    let layer_name = format!("{side}_{}", cell.snake_name());
                    tree.group(
                        &format!("layers/{key}/{side}_layer/vars"),
                        Some(("name", &layer_name)),
                    );
                    put(
                        &mut tree,
                        &format!("layers/{key}/{side}_layer/cell/vars"),
                        &vars(&format!("{side}/")),
                        &format!("{}_cell", cell.snake_name()),
                    )?;
                }
            }
            LayerConfig::TimeDistributed { .. } => {
                tree.group(&format!("layers/{key}/vars"), Some(("name", name)));
                put(
                    &mut tree,
                    &format!("layers/{key}/layer/vars"),
                    &vars(""),
                    &format!("{name}_dense"),
                )?;
            }
            _ => put(&mut tree, &format!("layers/{key}/vars"), &vars(""), name)?,
        }
    }
    tree.group("vars", Some(("name", model.name())));
    tree.to_bytes()
}

/// Keras 3's `.keras` file for `model`: Keras' `load_model` opens it and predicts what the
/// model predicts; `extras.compile` becomes its compile config. `date_saved` goes into
/// `metadata.json` as Keras writes it (`2026-12-06@12:46:54`).
pub fn write_keras(
    model: &Sequential,
    extras: &ModelExtras,
    date_saved: &str,
) -> Result<Vec<u8>, KerasError> {
    let config = keras_config(model, extras)?;
    let weights = keras_weights_h5(model)?;
    let metadata = json!({
        "keras_version": KERAS_VERSION,
        "date_saved": date_saved,
        "saved_by": concat!("rnn-playground ", env!("CARGO_PKG_VERSION")),
    });
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let io = |e: std::io::Error| KerasError::Io(e.to_string());
        let zerr = |e: zip::result::ZipError| KerasError::Io(e.to_string());
        for (name, bytes) in [
            (
                "metadata.json",
                serde_json::to_vec(&metadata).expect("json"),
            ),
            ("config.json", serde_json::to_vec(&config).expect("json")),
            ("model.weights.h5", weights),
        ] {
            zip.start_file(name, options).map_err(zerr)?;
            zip.write_all(&bytes).map_err(io)?;
        }
        zip.finish().map_err(zerr)?;
    }
    Ok(out.into_inner())
}

/// Keras' `model.predict(np.array([ids]))[0]` for one padded sequence of token ids, as nested
/// JSON arrays (`[0.93]`; a distribution; one list per step after `return_sequences`). The ids
/// must be the model's (below the Embedding's `input_dim`) and as many as it was built for.
pub fn predict_one(model: &Sequential, ids: &[u32]) -> Result<Value, KerasError> {
    let vocab = match model.configs().first() {
        Some(LayerConfig::Embedding { input_dim, .. }) => *input_dim,
        _ => {
            return Err(KerasError::Model(
                "this model takes float features, not token ids".into(),
            ));
        }
    };
    if ids.is_empty() {
        return Err(KerasError::Model("an empty sequence".into()));
    }
    if let Some(bad) = ids.iter().find(|&&id| id as usize >= vocab) {
        return Err(KerasError::Model(format!(
            "{bad} is not a token id of this model (integers 0..{})",
            vocab - 1
        )));
    }
    if let Some(t) = model.input_length
        && ids.len() != t
    {
        return Err(KerasError::Model(format!(
            "{} ids, but the model was built for sequences of {t} (pad them with pad_sequences(maxlen={t}))",
            ids.len()
        )));
    }
    let err = |e: candle_core::Error| KerasError::Model(e.to_string());
    let x = candle_core::Tensor::from_vec(ids.to_vec(), (1, ids.len()), &candle_core::Device::Cpu)
        .map_err(err)?;
    let y = model
        .forward(&x)
        .map_err(|e| KerasError::Model(e.to_string()))?;
    let dims = y.dims()[1..].to_vec();
    let values = y
        .flatten_all()
        .and_then(|y| y.to_vec1::<f32>())
        .map_err(err)?;
    fn nested(values: &[f32], dims: &[usize]) -> Value {
        match dims {
            [] | [_] => Value::Array(values.iter().map(|v| Value::from(f64::from(*v))).collect()),
            [_, rest @ ..] => {
                let step: usize = rest.iter().product();
                Value::Array(
                    values
                        .chunks(step.max(1))
                        .map(|c| nested(c, rest))
                        .collect(),
                )
            }
        }
    }
    Ok(nested(&values, &dims))
}

/// `2026-12-06@12:46:54` (UTC) for a Unix time, as Keras writes `date_saved`.
pub fn date_saved(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}@{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A model read from files a user picked or dropped together (the page has no folders): one
/// model file (`.keras`, `.h5`, `.weights.h5`, or the playground's `.safetensors`), and
/// optionally JSON beside it: the tokenizer (`tokenizer.to_json()`) or, for a `.weights.h5`,
/// the model's config (`model.to_json()`).
pub struct Picked {
    pub model: Sequential,
    pub extras: ModelExtras,
    /// What Keras' summary adds after `load_model` ([`Imported::summary`]).
    pub summary_options: SummaryOptions,
    /// The model file's name.
    pub name: String,
}

impl Picked {
    /// Keras 3's summary of the model as loaded.
    pub fn summary(&self) -> String {
        self.model.summary_with(&self.summary_options)
    }
}

/// Read files picked together; see [`Picked`].
pub fn read_picked(files: &[(String, Vec<u8>)]) -> Result<Picked, KerasError> {
    let is_json = |b: &[u8]| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{');
    let mut model_files = files.iter().filter(|(_, b)| !is_json(b));
    let (name, bytes) = model_files.next().ok_or_else(|| {
        KerasError::NotKeras("no model file among the files (.keras, .h5 or .safetensors)".into())
    })?;
    if let Some((other, _)) = model_files.next() {
        return Err(KerasError::NotKeras(format!(
            "two model files ({name} and {other}): load one model at a time"
        )));
    }
    let mut tokenizer = None;
    let mut config = None;
    for (n, b) in files.iter().filter(|(_, b)| is_json(b)) {
        let text = std::str::from_utf8(b)
            .map_err(|_| KerasError::NotKeras(format!("{n} is not UTF-8 text")))?;
        let v: Value = serde_json::from_str(text)
            .map_err(|e| KerasError::NotKeras(format!("{n} is not JSON ({e})")))?;
        match v.get("class_name").and_then(Value::as_str) {
            Some("Tokenizer") => tokenizer = Some(text.to_string()),
            Some("Sequential") | Some("Functional") | Some("Model") => {
                config = Some(text.to_string())
            }
            _ => {
                return Err(KerasError::NotKeras(format!(
                    "{n} is neither a tokenizer (tokenizer.to_json()) nor a model config (model.to_json())"
                )));
            }
        }
    }
    let build =
        |imported: Imported| -> Result<(Sequential, ModelExtras, SummaryOptions), KerasError> {
            let (m, e) = imported.build()?;
            Ok((m, e, imported.summary.clone()))
        };
    let (model, mut extras, summary_options) = if let Some(config) = &config {
        build(read_weights_h5(config, bytes.clone())?)?
    } else if is_keras_file(bytes) {
        if hdf5_pure::is_hdf5_bytes(bytes) && name.ends_with(".weights.h5") {
            return Err(KerasError::NotKeras(format!(
                "{name} holds weights only: load it together with the model's JSON (model.to_json())"
            )));
        }
        build(read(bytes, name)?)?
    } else {
        let (m, e) =
            Sequential::from_single_file(bytes).map_err(|e| KerasError::Model(e.to_string()))?;
        (m, e, SummaryOptions::default())
    };
    if let Some(tok) = tokenizer {
        attach_tokenizer(&model, &mut extras, &tok)?;
    }
    Ok(Picked {
        model,
        extras,
        summary_options,
        name: name.clone(),
    })
}

/// A playground model file (what the page saves: safetensors with `model.json` inside) as
/// Keras 3's `.keras` file, and its tokenizer's JSON when it has one.
pub fn keras_from_single_file(
    bytes: &[u8],
    date_saved: &str,
) -> Result<(Vec<u8>, Option<String>), KerasError> {
    let (model, extras) =
        Sequential::from_single_file(bytes).map_err(|e| KerasError::Model(e.to_string()))?;
    let keras = write_keras(&model, &extras, date_saved)?;
    Ok((keras, extras.tokenizer))
}

/// Give a model read from a Keras file the tokenizer it was trained with
/// (`tokenizer.to_json()`), and what the playground's text models need beside it, taken from
/// the model as the lecture builds them: a `Dense(1, sigmoid)` head is lecture 11's review
/// classifier (Okt morphemes, its stopwords, `pad_sequences(maxlen=input length)`), a softmax
/// over the tokenizer's words is lecture 8's next-word model.
pub fn attach_tokenizer(
    model: &Sequential,
    extras: &mut ModelExtras,
    tokenizer_json: &str,
) -> Result<(), KerasError> {
    let tokenizer = crate::text::Tokenizer::from_json(tokenizer_json)
        .map_err(|e| KerasError::NotKeras(format!("the tokenizer JSON cannot be read ({e})")))?;
    extras.tokenizer = Some(tokenizer_json.to_string());
    let p = &mut extras.preprocessing;
    if p.contains_key("task") {
        return Ok(());
    }
    let maxlen = model.input_length;
    match model.configs().last() {
        Some(LayerConfig::Dense {
            units: 1,
            activation: crate::nn::Activation::Sigmoid,
            ..
        }) => {
            let maxlen = maxlen.ok_or_else(|| {
                KerasError::NotKeras("a review classifier needs its input length (build the model with keras.Input(shape=(max_len,)))".into())
            })?;
            p.insert("task".into(), "sentiment".into());
            p.insert("maxlen".into(), maxlen.into());
            p.insert("padding".into(), "pre".into());
            p.insert(
                "stopwords".into(),
                serde_json::to_value(crate::text::korean::LECTURE_STOPWORDS).expect("json"),
            );
        }
        Some(LayerConfig::Dense {
            units,
            activation: crate::nn::Activation::Softmax,
            ..
        }) if *units == tokenizer.vocab_size() => {
            p.insert("task".into(), "next_word".into());
            if let Some(m) = maxlen {
                p.insert("maxlen".into(), m.into());
            }
            p.insert("padding".into(), "pre".into());
        }
        _ => {}
    }
    Ok(())
}

/// The model at `path`, whatever it is: a model folder (`model.json` + `model.safetensors`),
/// one `.safetensors` file, a Keras `.keras` or `.h5` file, or a `.weights.h5` with the
/// model's JSON beside it (`NAME.json` or `config.json`). A Keras file's tokenizer is read
/// from `NAME.tokenizer.json` or `tokenizer.json` beside it, when there is one. Returns the
/// optimizer's stored values too, for the summary.
pub fn load_model(
    path: &std::path::Path,
) -> Result<(Sequential, ModelExtras, SummaryOptions), KerasError> {
    let (model, mut extras, optimizer) = load_model_alone(path)?;
    if extras.tokenizer.is_none() && path.is_file() {
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = [".weights.h5", ".keras", ".h5", ".safetensors"]
            .iter()
            .find_map(|ext| file_name.strip_suffix(ext))
            .unwrap_or(file_name);
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        if let Some(tok) = [format!("{stem}.tokenizer.json"), "tokenizer.json".into()]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            let json = std::fs::read_to_string(&tok)
                .map_err(|e| KerasError::Io(format!("cannot read {}: {e}", tok.display())))?;
            attach_tokenizer(&model, &mut extras, &json)?;
        }
    }
    Ok((model, extras, optimizer))
}

fn load_model_alone(
    path: &std::path::Path,
) -> Result<(Sequential, ModelExtras, SummaryOptions), KerasError> {
    let name = path.display().to_string();
    if path.is_dir() {
        let (m, e) = Sequential::load(path).map_err(|e| KerasError::Model(e.to_string()))?;
        return Ok((m, e, SummaryOptions::default()));
    }
    let bytes =
        std::fs::read(path).map_err(|e| KerasError::Io(format!("cannot read {name}: {e}")))?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if file_name.ends_with(".weights.h5") {
        let stem = file_name.trim_end_matches(".weights.h5");
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let config = [format!("{stem}.json"), "config.json".to_string()]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                KerasError::NotKeras(format!(
                    "{name} holds weights only: put the model's JSON (model.to_json()) beside it as {stem}.json"
                ))
            })?;
        let json = std::fs::read_to_string(&config)
            .map_err(|e| KerasError::Io(format!("cannot read {}: {e}", config.display())))?;
        let imported = read_weights_h5(&json, bytes)?;
        let (m, e) = imported.build()?;
        return Ok((m, e, imported.summary.clone()));
    }
    if is_keras_file(&bytes) {
        let imported = read(&bytes, &name)?;
        let (m, e) = imported.build()?;
        return Ok((m, e, imported.summary.clone()));
    }
    let (m, e) =
        Sequential::from_single_file(&bytes).map_err(|e| KerasError::Model(e.to_string()))?;
    Ok((m, e, SummaryOptions::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_saved_is_keras_format() {
        assert_eq!(date_saved(0), "1970-01-01@00:00:00");
        // 2026-12-06 12:46:54 UTC
        assert_eq!(date_saved(1_796_561_214), "2026-12-06@12:46:54");
        assert_eq!(date_saved(951_782_400), "2000-02-29@00:00:00");
    }
}
