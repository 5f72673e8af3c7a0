//! Reading Keras' files: Keras 3's `.keras` zip, tf-keras' `.h5` full model and a
//! `.weights.h5` beside `model.to_json()`; the weights checked against what the config says.

use std::io::{Cursor, Read};

use serde_json::Value;

use super::config::{compile_from_keras2, from_config, optimizer_variables};
use super::hdf5;
use super::layers::{self, KerasLayer};
use super::{Imported, KerasError, MAX_VALUES};
use crate::nn::storage::NamedWeights;
use crate::nn::{LayerConfig, ModelFile};

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
pub(super) const MAX_MEMBER: u64 = (MAX_VALUES as u64) * 4 + (64 << 20);

pub(super) fn read_member(
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

pub(super) fn h5_weights_from(
    config: &Value,
    h5: &hdf5_pure::File,
) -> Result<Imported, KerasError> {
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
pub(super) fn keras3_weights(
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
pub(super) type WeightShape = (String, Vec<usize>);

/// Each layer's weights (our names, shapes) in order, from a description.
pub(super) fn expected_weights(file: &ModelFile) -> Result<Vec<Vec<WeightShape>>, KerasError> {
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
