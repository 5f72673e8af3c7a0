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

mod config;
mod error;
pub mod hdf5;
pub mod layers;
mod load;
mod read;
mod write;

pub use config::keras_config;
pub use error::KerasError;
pub use load::{
    Picked, attach_tokenizer, keras_from_single_file, load_model, predict_one, read_picked,
};
pub use read::{is_keras_file, read, read_h5, read_keras, read_weights_h5};
pub use write::{date_saved, keras_weights_h5, write_keras};

use crate::nn::storage::{self, NamedWeights, Storage};
use crate::nn::{ModelExtras, ModelFile, Sequential, SummaryOptions};

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
