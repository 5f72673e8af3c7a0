//! `.keras` files we write open in Keras 3 and predict what we predict.
//!
//! Every shipped lecture model (and models read from Keras' own files) is exported with a
//! fixed `date_saved`; `tests/data/keras_export/expected.json` holds, per file, the SHA-256
//! of the bytes Keras 3.15 opened and what `keras.saving.load_model(file).predict(rows)` and
//! `summary()` gave (`scripts/keras_files_fixtures.py --check-exports`). Here, without
//! Python: the export must be those very bytes, and our predictions Keras' (to 1e-5).
//!
//! To refresh after a deliberate change to the writer:
//! `KERAS_EXPORT_DIR=target/keras-exports cargo test --test keras_export` writes the files,
//! then `python scripts/keras_files_fixtures.py --check-exports target/keras-exports`.
//! With `KERAS_PYTHON=/path/to/python` (Keras 3 installed) this test runs that check itself.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use rnn_playground::keras;
use rnn_playground::nn::{LayerConfig, ModelExtras, Sequential};
use serde_json::Value;

const DATE: &str = "2026-12-06@00:00:00";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The models we export: name → path.
fn sources() -> Vec<(&'static str, PathBuf)> {
    let r = root();
    vec![
        (
            "lecture9-simplernn",
            r.join("data/models/lecture9-simplernn"),
        ),
        ("lecture11-gru", r.join("data/models/lecture11-gru")),
        ("lecture-lstm", r.join("data/models/lecture-lstm")),
        ("best-bigru", r.join("data/models/best-bigru")),
        (
            "k3_bilstm_tagger",
            r.join("tests/data/keras_files/k3_bilstm_tagger.keras"),
        ),
        (
            "k3_gru_reset_before",
            r.join("tests/data/keras_files/k3_gru_reset_before.keras"),
        ),
        (
            "k3_gru_backwards_pooled",
            r.join("tests/data/keras_files/k3_gru_backwards_pooled.keras"),
        ),
        (
            "tfk_gru_reset_before_tagger",
            r.join("tests/data/keras_files/tfk_gru_reset_before_tagger.h5"),
        ),
        (
            "k3_lecture8_next_word",
            r.join("tests/data/keras_files/k3_lecture8_next_word.keras"),
        ),
    ]
}

/// Four padded rows of ids for a model (deterministic; pre-padded as pad_sequences does).
fn rows(model: &Sequential) -> Vec<Vec<u32>> {
    let vocab = match model.configs()[0] {
        LayerConfig::Embedding { input_dim, .. } => input_dim as u32,
        _ => unreachable!(),
    };
    let t = model.input_length.unwrap();
    (0..4u32)
        .map(|r| {
            (0..t as u32)
                .map(|i| {
                    if i < r * 3 {
                        0
                    } else {
                        1 + (i * 7919 + r * 104_729) % (vocab - 1)
                    }
                })
                .collect()
        })
        .collect()
}

fn predict(model: &Sequential, rows: &[Vec<u32>]) -> Vec<f64> {
    let x = Tensor::from_vec(rows.concat(), (rows.len(), rows[0].len()), &Device::Cpu).unwrap();
    let y = model.forward(&x).unwrap();
    y.flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn export(path: &Path) -> (Sequential, ModelExtras, Vec<u8>) {
    let (model, extras, _) = keras::load_model(path).unwrap();
    let bytes = keras::write_keras(&model, &extras, DATE).unwrap();
    (model, extras, bytes)
}

#[test]
fn sha256_is_sha256() {
    assert_eq!(
        sha256(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn our_keras_files_are_the_ones_keras_opened_and_predict_what_keras_predicted() {
    if let Ok(dir) = std::env::var("KERAS_EXPORT_DIR") {
        write_exports(Path::new(&dir));
        if let Ok(python) = std::env::var("KERAS_PYTHON") {
            let status = std::process::Command::new(python)
                .arg(root().join("scripts/keras_files_fixtures.py"))
                .args(["--check-exports", &dir])
                .status()
                .unwrap();
            assert!(status.success(), "Keras 3 could not open or run our files");
        }
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/keras_export/expected.json")).unwrap(),
    )
    .unwrap();
    for (name, path) in sources() {
        let case = &expected[name];
        assert!(
            case.is_object(),
            "{name}: not in expected.json; refresh it (see the module doc)"
        );
        let (model, _, bytes) = export(&path);
        assert_eq!(
            sha256(&bytes),
            case["sha256"].as_str().unwrap(),
            "{name}: the export is not the file Keras checked; refresh (see the module doc)"
        );
        let rows: Vec<Vec<u32>> = serde_json::from_value(case["input"].clone()).unwrap();
        let got = predict(&model, &rows);
        let mut want = Vec::new();
        fn flat(v: &Value, out: &mut Vec<f64>) {
            match v {
                Value::Array(a) => a.iter().for_each(|x| flat(x, out)),
                v => out.push(v.as_f64().unwrap()),
            }
        }
        flat(&case["output"], &mut want);
        assert_eq!(got.len(), want.len(), "{name}");
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-5, "{name}: ours {g}, Keras {w}");
        }
        // What Keras printed for our file is what `rnn-playground summary` prints for it.
        let imported = keras::read(&bytes, name).unwrap();
        let ours = imported.build().unwrap().0.summary_with(&imported.summary);
        assert_eq!(
            ours.trim_end(),
            case["summary"].as_str().unwrap().trim_end(),
            "{name}"
        );
    }
}

fn write_exports(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, path) in sources() {
        let (model, extras, bytes) = export(&path);
        std::fs::write(dir.join(format!("{name}.keras")), bytes).unwrap();
        std::fs::write(
            dir.join(format!("{name}.input.json")),
            serde_json::to_string(&rows(&model)).unwrap(),
        )
        .unwrap();
        if let Some(tok) = extras.tokenizer {
            std::fs::write(dir.join(format!("{name}.tokenizer.json")), tok).unwrap();
        }
    }
}
