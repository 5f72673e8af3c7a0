//! A model's files: `model.json` + `model.safetensors` in a folder, or one safetensors file
//! with `model.json` in its metadata; the weights as a state dict; what a model carries beside
//! its layers ([`ModelExtras`]).

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use super::{DEFAULT_NAME, LayerConfig, Sequential};
use crate::nn::error::{NnError, Result};
use crate::nn::storage::{self, Storage};

impl Sequential {
    /// All weights by name, as safetensors would store them.
    pub fn state_dict(&self) -> Result<HashMap<String, Tensor>> {
        Ok(self
            .trainable_variables()
            .into_iter()
            .map(|(n, v)| (n, v.as_tensor().copy().expect("copying a CPU tensor")))
            .collect())
    }

    /// Overwrite the weights from a name → tensor map; every weight must be present with the
    /// right shape.
    pub fn load_state_dict(&self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        for (name, var) in self.trainable_variables() {
            let t = tensors
                .get(&name)
                .ok_or_else(|| NnError::Load(format!("the weights file has no tensor {name:?}")))?;
            if t.dims() != var.dims() {
                return Err(NnError::Load(format!(
                    "{name} has shape {:?} in the file but the model expects {:?}: the config and the weights do not belong together",
                    t.dims(),
                    var.dims()
                )));
            }
            var.set(&t.to_dtype(DType::F32)?.to_device(&Device::Cpu)?)?;
        }
        Ok(())
    }

    /// The whole model in one safetensors file: the weights, and `model.json` in the file's
    /// metadata under [`MODEL_JSON_KEY`] (what the page downloads and loads back).
    pub fn to_single_file(&self, extra: &ModelExtras) -> Result<Vec<u8>> {
        self.to_single_file_as(extra, Storage::F32)
    }

    /// [`Sequential::to_single_file`] with the weights stored as `storage`.
    pub fn to_single_file_as(&self, extra: &ModelExtras, storage: Storage) -> Result<Vec<u8>> {
        let mut metadata = HashMap::new();
        metadata.insert(MODEL_JSON_KEY.to_string(), self.config_json(extra));
        self.safetensors_as(Some(metadata), storage)
    }

    /// Read a file written by [`Sequential::to_single_file`].
    pub fn from_single_file(bytes: &[u8]) -> Result<(Self, ModelExtras)> {
        let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes)
            .map_err(|e| NnError::Load(format!("the model file is not valid safetensors ({e})")))?;
        let json = metadata
            .metadata()
            .as_ref()
            .and_then(|m| m.get(MODEL_JSON_KEY))
            .ok_or_else(|| {
                NnError::Load("this safetensors file has no model description: load a model saved by rnn-playground, or a model folder".into())
            })?
            .clone();
        Self::from_files(&json, bytes)
    }

    /// The weights as safetensors bytes (names as [`Sequential::trainable_variables`]).
    pub fn weights_to_safetensors(&self) -> Result<Vec<u8>> {
        self.safetensors_as(None, Storage::F32)
    }

    /// The weights as safetensors bytes stored as `storage` (f16 halves the download; the
    /// model computes in f32 either way).
    pub fn weights_to_safetensors_as(&self, storage: Storage) -> Result<Vec<u8>> {
        self.safetensors_as(None, storage)
    }

    fn safetensors_as(
        &self,
        metadata: Option<HashMap<String, String>>,
        storage: Storage,
    ) -> Result<Vec<u8>> {
        let mut weights = Vec::new();
        for (name, tensor) in self.state_dict()? {
            let values = tensor.flatten_all()?.to_vec1::<f32>()?;
            weights.push((name, values, tensor.dims().to_vec()));
        }
        weights.sort_by(|a, b| a.0.cmp(&b.0));
        storage::serialize(&weights, storage, metadata)
    }

    /// Load weights from safetensors bytes; a corrupt or mismatched file is an error.
    pub fn load_safetensors(&self, bytes: &[u8]) -> Result<()> {
        let mut map = HashMap::new();
        for (name, values, shape) in storage::deserialize(bytes)? {
            map.insert(name, Tensor::from_vec(values, shape, &Device::Cpu)?);
        }
        self.load_state_dict(&map)
    }

    /// The text of `model.json`: architecture plus `extra` (tokenizer, preprocessing).
    pub fn config_json(&self, extra: &ModelExtras) -> String {
        let file = ModelFile {
            format: MODEL_FORMAT.into(),
            name: (self.name != DEFAULT_NAME).then(|| self.name.clone()),
            input_length: self.input_length,
            input_features: self.input_features,
            layers: self.configs.clone(),
            layer_names: self.custom_layer_names(),
            extras: extra.clone(),
        };
        serde_json::to_string_pretty(&file).expect("plain data serializes")
    }

    /// Save as a model folder: `model.json` (architecture) and `model.safetensors`.
    pub fn save(&self, dir: &Path, extra: &ModelExtras) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| NnError::Load(format!("cannot create {}: {e}", dir.display())))?;
        let json = self.config_json(extra);
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes).map_err(|e| {
                NnError::Load(format!("cannot write {}: {e}", dir.join(name).display()))
            })
        };
        write("model.json", json.as_bytes())?;
        write("model.safetensors", &self.weights_to_safetensors()?)
    }

    /// Build a model from `model.json` text and load `model.safetensors` bytes.
    pub fn from_files(config_json: &str, weights: &[u8]) -> Result<(Self, ModelExtras)> {
        let file: ModelFile = serde_json::from_str(config_json)
            .map_err(|e| NnError::Load(format!("model.json is not a model config ({e})")))?;
        if file.format != MODEL_FORMAT {
            return Err(NnError::Load(format!(
                "model.json has format {:?}, expected {MODEL_FORMAT:?}",
                file.format
            )));
        }
        let mut model = Sequential::from_config_with_input(
            &file.layers,
            file.input_length,
            file.input_features,
            0,
        )?;
        if file.name.is_some() || file.layer_names.is_some() {
            let names = match file.layer_names {
                Some(names) => names,
                None => model.layers.iter().map(|(n, _)| n.clone()).collect(),
            };
            model.set_names(file.name.as_deref().unwrap_or(DEFAULT_NAME), &names)?;
        }
        model.load_safetensors(weights)?;
        Ok((model, file.extras))
    }

    /// Load a model folder written by [`Sequential::save`].
    pub fn load(dir: &Path) -> Result<(Self, ModelExtras)> {
        if dir.is_file() {
            let bytes = std::fs::read(dir)
                .map_err(|e| NnError::Load(format!("cannot read {}: {e}", dir.display())))?;
            return Self::from_single_file(&bytes);
        }
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| {
                NnError::Load(format!("cannot read {}: {e}", dir.join(name).display()))
            })
        };
        let config = String::from_utf8(read("model.json")?)
            .map_err(|_| NnError::Load("model.json is not UTF-8 text".into()))?;
        Self::from_files(&config, &read("model.safetensors")?)
    }
}

/// The safetensors metadata key that holds `model.json` in a single-file model.
pub const MODEL_JSON_KEY: &str = "rnn-playground/model.json";

/// `model.json`'s `format` value.
pub const MODEL_FORMAT: &str = "rnn-playground/sequential-v1";

/// Everything beside the layers that a model needs to be used: the tokenizer (Keras JSON) and
/// the preprocessing that produced its inputs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelExtras {
    /// `tokenizer.to_json()` of the tokenizer the model was trained with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<String>,
    /// Padding side and length used for the inputs, etc.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub preprocessing: serde_json::Map<String, serde_json::Value>,
    /// How the model was compiled when it was trained (here or in Keras): a `.keras` file
    /// written from it carries it, so `model.evaluate` works in Colab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile: Option<CompileConfig>,
}

/// Keras' `model.compile(optimizer=…, loss=…, metrics=[…])`, in Keras' own names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompileConfig {
    /// `rmsprop`, `adam`, `sgd`, …
    pub optimizer: String,
    pub learning_rate: f64,
    /// `binary_crossentropy`, `sparse_categorical_crossentropy`, …
    pub loss: String,
    #[serde(default)]
    pub metrics: Vec<String>,
}

/// `model.json`: what [`Sequential::config_json`] writes and [`Sequential::from_files`] reads
/// (the Keras reader, [`crate::keras`], writes one too).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelFile {
    /// [`MODEL_FORMAT`].
    pub format: String,
    /// The model's name when it is not [`DEFAULT_NAME`] (a Keras file's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub input_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_features: Option<usize>,
    pub layers: Vec<LayerConfig>,
    /// The layers' names when they are not the ones Keras gives a fresh model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_names: Option<Vec<String>>,
    #[serde(flatten)]
    pub extras: ModelExtras,
}
