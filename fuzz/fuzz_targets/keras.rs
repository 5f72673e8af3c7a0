//! Keras' model files on any bytes: the `.keras` zip reader (member names, sizes, config.json)
//! and the HDF5 reader under it (Keras 3's `model.weights.h5`, tf-keras' `.h5` with its
//! `model_config` attribute) must load a model or refuse with a reason, never panic or
//! allocate what a header merely claims. The seeds are the fixture files real Keras saved.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_playground::keras;

fuzz_target!(|data: &[u8]| {
    if let Ok(imported) = keras::read(data, "fuzz") {
        // What loads must also build, or say why not.
        let _ = imported.build();
    }
    // The same bytes as the weights beside a valid config.
    let config = r#"{"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [null, 3]}},
        {"class_name": "Embedding", "config": {"name": "embedding", "input_dim": 5, "output_dim": 2}},
        {"class_name": "GRU", "config": {"name": "gru", "units": 2, "reset_after": false}},
        {"class_name": "Dense", "config": {"name": "dense", "units": 1, "activation": "sigmoid"}}]}}"#;
    let _ = keras::read_weights_h5(config, data.to_vec());
});
