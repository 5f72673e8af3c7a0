//! `rnn-playground train-textgen | generate | summary`, run as a user would, plus what happens
//! with a damaged model folder.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnn-playground-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn train_generate_and_summary() {
    let dir = temp_dir("textgen");
    let out = bin()
        .args(["train-textgen", "--epochs", "200", "--seed", "1", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 200);
    assert_eq!(lines[0]["epoch"], 1);
    let last = &lines[199];
    assert_eq!(last["epoch"], 200);
    assert_eq!(last["accuracy"], 1.0);
    assert!(last["loss"].as_f64().unwrap() < lines[0]["loss"].as_f64().unwrap() / 5.0);

    let out = bin()
        .args(["generate", "--model"])
        .arg(&dir)
        .args(["--seed-text", "가는", "--words", "5"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "가는 말이 고와야 오는 말이 곱다"
    );

    // Sampling with a seed is repeatable.
    let sample = || {
        bin()
            .args(["generate", "--model"])
            .arg(&dir)
            .args([
                "--seed-text",
                "그의",
                "--words",
                "3",
                "--temperature",
                "2",
                "--top-k",
                "3",
                "--seed",
                "9",
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(sample(), sample());

    let out = bin()
        .args(["summary", "--model"])
        .arg(&dir)
        .output()
        .unwrap();
    // Keras 3's table (the lecture's Colab), the same text as Keras 3 prints for this model
    // (tests/data/keras3_summaries.json, lecture8_textgen).
    let table = String::from_utf8(out.stdout).unwrap();
    let keras3: serde_json::Value =
        serde_json::from_str(include_str!("data/keras3_summaries.json")).unwrap();
    assert_eq!(
        table,
        keras3["summaries"]["lecture8_textgen"].as_str().unwrap()
    );
    let out = bin()
        .args(["summary", "--style", "keras2", "--model"])
        .arg(&dir)
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains(" simple_rnn (SimpleRNN)      (None, 32)                1376      "),
        "{table}"
    );
    assert!(table.contains("Total params: 1892 (7.39 KB)"));
}

#[test]
fn corrupt_or_missing_models_fail_with_a_message() {
    let dir = temp_dir("corrupt");
    let out = bin()
        .args(["train-textgen", "--epochs", "1", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let weights = dir.join("model.safetensors");
    let original = std::fs::read(&weights).unwrap();

    let generate = || {
        bin()
            .args(["generate", "--model"])
            .arg(&dir)
            .args(["--seed-text", "가는"])
            .output()
            .unwrap()
    };
    let expect_error = |what: &str, needle: &str| {
        let out = generate();
        assert!(!out.status.success(), "{what}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(needle), "{what}: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    };

    std::fs::write(&weights, &original[..original.len() / 2]).unwrap();
    expect_error("truncated weights", "not valid safetensors");
    std::fs::write(&weights, b"garbage").unwrap();
    expect_error("garbage weights", "not valid safetensors");
    std::fs::write(&weights, &original).unwrap();
    let config = std::fs::read_to_string(dir.join("model.json")).unwrap();
    std::fs::write(
        dir.join("model.json"),
        config.replace("\"units\": 32", "\"units\": 33"),
    )
    .unwrap();
    expect_error("config that does not fit the weights", "shape");
    std::fs::write(dir.join("model.json"), "{").unwrap();
    expect_error("broken JSON", "model.json");
    std::fs::remove_dir_all(&dir).unwrap();
    expect_error("missing folder", "cannot read");
}

#[test]
fn text_without_samples_is_a_clear_error() {
    let dir = temp_dir("nosamples");
    let text = dir.with_extension("txt");
    std::fs::write(&text, "하나\n둘\n\n😀\n").unwrap();
    let out = bin()
        .args(["train-textgen", "--text"])
        .arg(&text)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("two or more words"), "{stderr}");
}

/// `--verbose 2` prints Keras 3's epoch lines (`Epoch 1/2`, then `1/1 - 0s - 4ms/step -
/// accuracy: 0.1818 - loss: 2.4803`); `--json` adds the JSON lines back; `--verbose 0` prints
/// nothing.
#[test]
fn verbose_prints_keras_3s_fit_lines() {
    let dir = temp_dir("verbose");
    let run = |extra: &[&str]| {
        let out = bin()
            .args(["train-textgen", "--epochs", "2", "--out"])
            .arg(&dir)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&["--verbose", "2"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], "Epoch 1/2");
    assert_eq!(lines[2], "Epoch 2/2");
    for line in [lines[1], lines[3]] {
        let parts: Vec<&str> = line.split(" - ").collect();
        assert_eq!(parts[0], "1/1", "{line}");
        assert!(parts[1].ends_with('s') && parts[1][..parts[1].len() - 1].parse::<u32>().is_ok());
        assert!(parts[2].ends_with("/step"), "{line}");
        for (part, name) in parts[3..].iter().zip(["accuracy", "loss"]) {
            let (k, v) = part.split_once(": ").unwrap();
            assert_eq!(k, name);
            assert_eq!(v.split_once('.').unwrap().1.len(), 4, "{line}");
        }
    }
    let both = run(&["--verbose", "1", "--json"]);
    assert!(
        both.lines()
            .nth(1)
            .unwrap()
            .starts_with("1/1 ━━━━━━━━━━━━━━━━━━━━ ")
    );
    assert!(both.lines().nth(2).unwrap().starts_with("{\"epoch\":1"));
    assert_eq!(run(&["--verbose", "0"]), "");
}
