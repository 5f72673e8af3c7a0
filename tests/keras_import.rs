//! Models exported from real Keras with `scripts/keras_to_playground.py` load here and predict
//! what Keras predicted (`tests/data/keras_import/*/expected.json`, made by
//! `scripts/make_keras_import_fixtures.py`).

use candle_core::{Device, Tensor};
use rnn_playground::nn::Sequential;
use rnn_playground::textgen::TrainedTextgen;

fn check(folder: &str) -> Sequential {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/keras_import")
        .join(folder);
    let (model, _) = Sequential::load(&dir).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let input: Vec<Vec<u32>> = serde_json::from_value(expected["input"].clone()).unwrap();
    let want: Vec<Vec<f32>> = serde_json::from_value(expected["output"].clone()).unwrap();
    let (rows, cols) = (input.len(), input[0].len());
    let x = Tensor::from_vec(
        input.into_iter().flatten().collect::<Vec<_>>(),
        (rows, cols),
        &Device::Cpu,
    )
    .unwrap();
    let got = model.forward(&x).unwrap().to_vec2::<f32>().unwrap();
    for (g, w) in got.iter().flatten().zip(want.iter().flatten()) {
        assert!((g - w).abs() < 1e-5, "{folder}: {got:?} vs {want:?}");
    }
    model
}

#[test]
fn keras_next_word_model_predicts_what_keras_predicted() {
    let model = check("next_word");
    assert!(
        model
            .summary()
            .contains("│ lstm (LSTM)                     │ (None, 5, 8)           │"),
        "{}",
        model.summary()
    );
    // The folder carries the lecture notebook's tokenizer: it generates with it.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keras_import/next_word");
    let trained = TrainedTextgen::load(&dir).unwrap();
    assert_eq!(trained.tokenizer.word_index()["말이"], 1);
    assert_eq!(trained.maxlen, 5);
    assert_eq!(
        trained
            .sentence_generation("가는", 2)
            .unwrap()
            .split(' ')
            .count(),
        3
    );
}

#[test]
fn keras_masked_bidirectional_classifier_predicts_what_keras_predicted() {
    check("classifier");
}
