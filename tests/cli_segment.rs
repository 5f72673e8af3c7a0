//! `rnn-playground segment`, `train-segmenter` and `segment-eval`, run as a user runs them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rnn-playground");
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Vec<String>> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn segment_prints_one_json_array_per_line_and_cleans_raw_text() {
    let input =
        "배송이 정말 빨라서 좋았어요!! 👍\n\nㅋㅋㅋ\nabc 123\n배송이 정말 빨라서 좋았어요\n";
    let out = lines(&run(&["segment"], input));
    assert_eq!(
        out.len(),
        5,
        "one line out per line in, empty ones included"
    );
    assert_eq!(out[0], out[4], "raw text is cleaned first");
    assert_eq!(out[0].concat(), "배송이정말빨라서좋았어요");
    assert!(out[1].is_empty() && out[3].is_empty());
    assert_eq!(out[2], vec!["ㅋㅋㅋ"]);
}

#[test]
fn segment_reads_a_file_and_explains_a_missing_one() {
    let dir = std::env::temp_dir().join(format!("rnn-playground-seg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("reviews.txt");
    std::fs::write(&file, "포장이 꼼꼼해요\n").unwrap();
    let out = lines(&run(&["segment", file.to_str().unwrap()], ""));
    assert_eq!(out.len(), 1);
    let missing = run(&["segment", dir.join("nope.txt").to_str().unwrap()], "");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
    let bad_model = run(&["segment", "--model", file.to_str().unwrap()], "가나\n");
    assert!(!bad_model.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A tiny training run on Okt's labels for our own sentences (tests/data): the written model
/// loads in `segment` and `segment-eval`, and the per-epoch lines carry the span F1.
#[test]
fn train_segmenter_writes_a_model_the_other_commands_load() {
    let labels = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/okt_our_sentences.jsonl"
    );
    let dir = std::env::temp_dir().join(format!("rnn-playground-train-seg-{}", std::process::id()));
    let model = dir.join("seg.safetensors");
    let out = run(
        &[
            "train-segmenter",
            "--train",
            labels,
            "--test",
            labels,
            "--out",
            model.to_str().unwrap(),
            "--epochs",
            "30",
            "--hidden",
            "32",
            "--embedding-dim",
            "8",
            "--learning-rate",
            "0.01",
            "--batch-size",
            "64",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let epochs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(epochs.len(), 30);
    let f1 = |e: &serde_json::Value| e["test_f1"].as_f64().unwrap();
    // On its own training sentences the model learns Okt's boundaries.
    assert!(
        f1(&epochs[29]) > 0.9 && f1(&epochs[29]) > f1(&epochs[0]),
        "{epochs:?}"
    );
    let seg = lines(&run(
        &["segment", "--model", model.to_str().unwrap()],
        "포장이 꼼꼼하게\n",
    ));
    assert_eq!(seg[0].concat(), "포장이꼼꼼하게");
    let eval = run(
        &[
            "segment-eval",
            "--test",
            labels,
            "--model",
            model.to_str().unwrap(),
        ],
        "",
    );
    assert!(eval.status.success());
    let eval: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert_eq!(eval["reviews"], 40);
    assert!((eval["f1"].as_f64().unwrap() - f1(&epochs[29])).abs() < 1e-9);
    std::fs::remove_dir_all(&dir).unwrap();
}
