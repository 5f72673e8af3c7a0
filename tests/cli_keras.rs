//! `rnn-playground predict | export-keras | summary | generate | sentiment-predict` on Keras'
//! own files, run as a user would: the outputs Keras gives for the same files
//! (`tests/data/keras_files/expected.json`, made by real Keras), and one-line errors for bad
//! input with nothing written.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod cli_support;
use cli_support::run;

fn files() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keras_files")
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(files().join("expected.json")).unwrap()).unwrap()
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| close(p, q))
        }
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-5
        }
        _ => false,
    }
}

#[test]
fn predict_prints_what_keras_model_predict_returns_row_by_row() {
    let expected = expected();
    for name in [
        "k3_lecture9_simplernn",
        "k3_bilstm_tagger",
        "k3_lecture8_next_word",
        "tfk_gru_reset_before_tagger",
        "tfk_bigru",
    ] {
        let case = &expected[name];
        let input: String = case["input"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| format!("{row}\n"))
            .collect();
        let model = files().join(case["file"].as_str().unwrap());
        let out = run(&["predict", "--model", model.to_str().unwrap()], &input);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let want = case["output"].as_array().unwrap();
        assert_eq!(lines.len(), want.len(), "{name}: one line per input line");
        for (got, want) in lines.iter().zip(want) {
            assert!(close(got, want), "{name}: {got} vs Keras {want}");
        }
    }
}

#[test]
fn summary_of_a_keras_file_is_keras_3s_table() {
    let expected = expected();
    for name in [
        "k3_lecture9_simplernn",
        "k3_lecture8_next_word",
        "k3_gru_reset_before",
        "tfk_gru_reset_before_tagger",
    ] {
        let case = &expected[name];
        let model = files().join(case["file"].as_str().unwrap());
        let out = run(&["summary", "--model", model.to_str().unwrap()], "");
        assert!(out.status.success(), "{name}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim_end(),
            case["summary"].as_str().unwrap().trim_end(),
            "{name}"
        );
    }
}

#[test]
fn the_shipped_lecture9_model_prints_the_lectures_flatten_row() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/models/lecture9-simplernn");
    let out = run(&["summary", "--model", model.to_str().unwrap()], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "│ flatten (Flatten)               │ (None, 64)             │             0 │"
        ),
        "{text}"
    );
    assert!(
        text.contains(" Total params: 1,036,417 (3.95 MB)"),
        "{text}"
    );
}

#[test]
fn export_keras_then_every_command_reads_the_file() {
    let dir = std::env::temp_dir().join(format!("rnn-playground-cli-keras-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/models/lecture11-gru");
    let out_file = dir.join("gru.keras");
    let tok = dir.join("gru.tokenizer.json");
    let out = run(
        &[
            "export-keras",
            "--model",
            shipped.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
            "--tokenizer-out",
            tok.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&out_file).unwrap().starts_with(b"PK\x03\x04"));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&tok).unwrap()).unwrap();
    assert_eq!(t["class_name"], "Tokenizer");
    // The lecture's sentiment_predict on the exported file (tokenizer found beside it) says
    // what it says on the shipped folder.
    let review = "배송도 빠르고 품질도 정말 좋아요";
    let a = run(
        &[
            "sentiment-predict",
            "--model",
            out_file.to_str().unwrap(),
            review,
        ],
        "",
    );
    let b = run(
        &[
            "sentiment-predict",
            "--model",
            shipped.to_str().unwrap(),
            review,
        ],
        "",
    );
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
    // The summary of the file: Keras 3's, with the optimizer Keras builds on load_model.
    let s = run(&["summary", "--model", out_file.to_str().unwrap()], "");
    assert!(
        String::from_utf8(s.stdout)
            .unwrap()
            .contains(" Optimizer params: ")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_fails_with_one_line_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!(
        "rnn-playground-cli-keras-bad-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let lecture9 = files().join("k3_lecture9_simplernn.keras");
    let m = lecture9.to_str().unwrap();
    for (stdin, says) in [
        ("[1, 2]\n", "built for sequences of 6"),
        ("[1, 2, 3, 4, 5, 99]\n", "not a token id"),
        ("hello\n", "not a JSON array"),
        ("{\"a\": 1}\n", "expected a JSON array"),
    ] {
        let out = run(&["predict", "--model", m], stdin);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says) && err.lines().count() == 1, "{err}");
    }
    // A file that is not a model; an unsupported layer; a .keras cut short.
    let junk = dir.join("junk.keras");
    std::fs::write(&junk, b"PK\x03\x04 not really").unwrap();
    let cut = dir.join("cut.keras");
    let whole = std::fs::read(&lecture9).unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let conv = files().join("k3_unsupported_conv1d.keras");
    for (model, says) in [
        (&junk, "not a Keras model file"),
        (&cut, "Keras"),
        (&conv, "Conv1D"),
    ] {
        let target = dir.join("out.keras");
        let out = run(
            &[
                "export-keras",
                "--model",
                model.to_str().unwrap(),
                "--out",
                target.to_str().unwrap(),
            ],
            "",
        );
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says) && err.lines().count() == 1, "{err}");
        assert!(!target.exists(), "nothing written");
    }
    let out = run(
        &[
            "export-keras",
            "--model",
            m,
            "--out",
            dir.join("x.h5").to_str().unwrap(),
        ],
        "",
    );
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("ending in .keras")
    );
    let out = run(
        &[
            "export-keras",
            "--model",
            m,
            "--out",
            dir.join("x.keras").to_str().unwrap(),
            "--tokenizer-out",
            dir.join("t.json").to_str().unwrap(),
        ],
        "",
    );
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no tokenizer")
    );
    assert!(!dir.join("x.keras").exists());
    std::fs::remove_dir_all(&dir).ok();
}
