//! Keras' own files, saved by real Keras 3.15 and tf-keras 2.21
//! (`scripts/keras_files_fixtures.py` → `tests/data/keras_files/`), load here natively:
//! the same predictions as Keras (to 1e-5) and the same `summary()` as Keras 3 prints after
//! `load_model`. Bad files are refused with a reason, never a panic.

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use rnn_playground::keras::{self, KerasError};
use rnn_playground::nn::Sequential;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keras_files")
}

fn cases() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(dir().join("expected.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn flat(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| flat(x, out)),
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        _ => panic!("not a number: {v}"),
    }
}

fn predict(model: &Sequential, input: &Value) -> Vec<f64> {
    let rows: Vec<Vec<u32>> = serde_json::from_value(input.clone()).unwrap();
    let (n, t) = (rows.len(), rows[0].len());
    let x = Tensor::from_vec(rows.concat(), (n, t), &Device::Cpu).unwrap();
    let y = model.forward(&x).unwrap();
    y.flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect()
}

#[test]
fn keras_files_predict_what_keras_predicts_and_print_keras_summary() {
    let mut checked = 0;
    for (name, case) in cases() {
        let path = dir().join(case["file"].as_str().unwrap());
        if let Some(layer) = case.get("unsupported") {
            let err = keras::load_model(&path).unwrap_err();
            let msg = err.to_string();
            assert!(
                matches!(err, KerasError::Unsupported { .. }),
                "{name}: {msg}"
            );
            assert!(msg.contains(layer.as_str().unwrap()), "{name}: {msg}");
            assert!(
                msg.contains("Embedding, SimpleRNN, LSTM, GRU"),
                "{name}: {msg}"
            );
            continue;
        }
        let (model, _, options) =
            keras::load_model(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut want = Vec::new();
        flat(&case["output"], &mut want);
        let got = predict(&model, &case["input"]);
        assert_eq!(got.len(), want.len(), "{name}");
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-5, "{name}: {got:?} vs {want:?}");
        }
        let summary = model.summary_with(&options);
        let keras = case["summary"].as_str().unwrap();
        assert_eq!(summary.trim_end(), keras.trim_end(), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn a_keras_file_survives_our_own_round_trip() {
    for file in [
        "k3_bilstm_tagger.keras",
        "tfk_gru_reset_before_tagger.h5",
        "k3_gru_reset_before.keras",
    ] {
        let (model, extras, _) = keras::load_model(&dir().join(file)).unwrap();
        let bytes = keras::write_keras(&model, &extras, "2026-12-06@00:00:00").unwrap();
        let back = keras::read(&bytes, file).unwrap();
        let (again, extras_again) = back.build().unwrap();
        assert_eq!(again.summary(), model.summary(), "{file}");
        assert_eq!(extras_again.compile, extras.compile, "{file}");
        let x = Tensor::from_vec(
            vec![0u32, 1, 2, 3, 4, 5, 0, 0, 7, 3, 2, 1],
            (2, 6),
            &Device::Cpu,
        )
        .unwrap();
        let x = x.narrow(1, 0, model.input_length.unwrap().min(6)).unwrap();
        let a = model
            .forward(&x)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let b = again
            .forward(&x)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert_eq!(a, b, "{file}");
    }
}

#[test]
fn the_lecture_h5_keeps_its_compile_config() {
    let (_, extras, _) = keras::load_model(&dir().join("tfk_lecture9_simplernn.h5")).unwrap();
    let c = extras.compile.unwrap();
    assert_eq!(
        (c.optimizer.as_str(), c.loss.as_str()),
        ("rmsprop", "binary_crossentropy")
    );
    assert_eq!(c.metrics, vec!["acc".to_string()]);
    let (_, extras, _) = keras::load_model(&dir().join("k3_lecture9_simplernn.keras")).unwrap();
    let c = extras.compile.unwrap();
    assert_eq!(
        (c.optimizer.as_str(), c.loss.as_str()),
        ("rmsprop", "binary_crossentropy")
    );
    assert!((c.learning_rate - 0.001).abs() < 1e-9);
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    for (name, bytes) in members {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}

fn keras_member(file: &str, member: &str) -> Vec<u8> {
    use std::io::Read;
    let bytes = std::fs::read(dir().join(file)).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    z.by_name(member).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let refuse = |bytes: &[u8]| keras::read(bytes, "test.keras").unwrap_err();
    // Not a Keras file at all.
    assert!(matches!(refuse(b"hello"), KerasError::NotKeras(_)));
    // A zip that is not a Keras file.
    let e = refuse(&zip_of(&[("notes.txt", b"hi")]));
    assert!(e.to_string().contains("no config.json"), "{e}");
    // A member named ../x.
    let config = keras_member("k3_lecture9_simplernn.keras", "config.json");
    let weights = keras_member("k3_lecture9_simplernn.keras", "model.weights.h5");
    let e = refuse(&zip_of(&[
        ("../x", b"x"),
        ("config.json", &config),
        ("model.weights.h5", &weights),
    ]));
    assert!(e.to_string().contains("../x"), "{e}");
    // A truncated HDF5 file.
    for cut in [16, 512, weights.len() / 2] {
        let e = refuse(&zip_of(&[
            ("config.json", &config),
            ("model.weights.h5", &weights[..cut]),
        ]));
        assert!(
            matches!(
                e,
                KerasError::Corrupt(_) | KerasError::Mismatch(_) | KerasError::NotKeras(_)
            ),
            "{cut}: {e}"
        );
    }
    // Every other cut: an answer or a reason, never a panic (h5py leaves unused space at
    // the end, so a file cut there may still be whole).
    for cut in (0..weights.len()).step_by(997) {
        let _ = keras::read(
            &zip_of(&[
                ("config.json", &config),
                ("model.weights.h5", &weights[..cut]),
            ]),
            "t",
        )
        .err();
    }
    // A config whose shapes the weights do not match.
    let mut c: Value = serde_json::from_slice(&config).unwrap();
    c["config"]["layers"][1]["config"]["output_dim"] = 9.into();
    let e = refuse(&zip_of(&[
        ("config.json", &serde_json::to_vec(&c).unwrap()),
        ("model.weights.h5", &weights),
    ]));
    assert!(matches!(e, KerasError::Mismatch(_)), "{e}");
    assert!(e.to_string().contains("[30, 9]"), "{e}");
    // A config claiming billions of weights: refused before reading.
    c["config"]["layers"][1]["config"]["input_dim"] = 4_000_000_000u64.into();
    c["config"]["layers"][1]["config"]["output_dim"] = 1000.into();
    let e = refuse(&zip_of(&[
        ("config.json", &serde_json::to_vec(&c).unwrap()),
        ("model.weights.h5", &weights),
    ]));
    assert!(
        matches!(e, KerasError::TooLarge(_) | KerasError::NotKeras(_)),
        "{e}"
    );
    // Truncated zip.
    let whole = std::fs::read(dir().join("k3_lecture9_simplernn.keras")).unwrap();
    for cut in [10, 100, whole.len() / 2, whole.len() - 10] {
        let e = keras::read(&whole[..cut], "cut.keras").unwrap_err();
        assert!(!e.to_string().is_empty());
        assert!(!e.message_ko().is_empty());
    }
}

#[test]
fn one_row_at_a_time_predicts_what_the_batch_predicts() {
    for (name, case) in cases() {
        if case.get("unsupported").is_some() {
            continue;
        }
        let (model, _, _) = keras::load_model(&dir().join(case["file"].as_str().unwrap())).unwrap();
        let mut want = Vec::new();
        flat(&case["output"], &mut want);
        let rows = case["input"].as_array().unwrap();
        let per_row = want.len() / rows.len();
        for (i, row) in rows.iter().enumerate() {
            let got = predict(&model, &Value::Array(vec![row.clone()]));
            for (g, w) in got.iter().zip(&want[i * per_row..]) {
                assert!(
                    (g - w).abs() < 1e-5,
                    "{name} row {i}: {got:?} vs {:?}",
                    &want[i * per_row..(i + 1) * per_row]
                );
            }
        }
    }
}

#[test]
fn files_picked_together_load_as_one_model() {
    let read = |name: &str| (name.to_string(), std::fs::read(dir().join(name)).unwrap());
    // A .weights.h5 with the model's JSON, in either order.
    let a = keras::read_picked(&[
        read("k3_weights_only.json"),
        read("k3_weights_only.weights.h5"),
    ])
    .unwrap();
    let b = keras::read_picked(&[
        read("k3_weights_only.weights.h5"),
        read("k3_weights_only.json"),
    ])
    .unwrap();
    assert_eq!(a.summary(), b.summary());
    // Alone it says what it needs.
    let e = keras::read_picked(&[read("k3_weights_only.weights.h5")])
        .err()
        .unwrap();
    assert!(e.to_string().contains("model.to_json()"), "{e}");
    // A lecture model with a tokenizer: the lecture's sentiment model, ready for the page.
    let tokenizer = r#"{"class_name": "Tokenizer", "config": {"num_words": 30, "filters": "", "lower": true, "split": " ", "char_level": false, "oov_token": "OOV", "document_count": 1, "word_counts": "{}", "word_docs": "{}", "index_docs": "{}", "index_word": "{\"1\": \"OOV\", \"2\": \"\uc88b\ub2e4\"}", "word_index": "{\"OOV\": 1, \"\uc88b\ub2e4\": 2}"}}"#;
    let picked = keras::read_picked(&[
        read("k3_lecture9_simplernn.keras"),
        ("tokenizer.json".into(), tokenizer.as_bytes().to_vec()),
    ])
    .unwrap();
    assert_eq!(picked.extras.preprocessing["task"], "sentiment");
    assert_eq!(picked.extras.preprocessing["maxlen"], 6);
    let sentiment =
        rnn_playground::sentiment::SentimentModel::from_parts(picked.model, picked.extras);
    assert!(sentiment.is_ok());
    // Two models, or JSON that is neither a tokenizer nor a config: refused.
    assert!(keras::read_picked(&[read("tfk_bigru.h5"), read("k3_bilstm_tagger.keras")]).is_err());
    assert!(
        keras::read_picked(&[
            read("tfk_bigru.h5"),
            ("x.json".into(), b"{\"a\": 1}".to_vec())
        ])
        .is_err()
    );
    // Round trip through the page's save format.
    let (m, e) = keras::read(
        &std::fs::read(dir().join("k3_bilstm_tagger.keras")).unwrap(),
        "t",
    )
    .unwrap()
    .build()
    .unwrap();
    let single = m.to_single_file(&e).unwrap();
    let (k, tok) = keras::keras_from_single_file(&single, "2026-12-06@00:00:00").unwrap();
    assert!(tok.is_none());
    assert_eq!(
        keras::read(&k, "k").unwrap().build().unwrap().0.summary(),
        m.summary()
    );
}
