//! The `rnn-playground tokenize` contract, checked by running the real binary.

use serde_json::{Value, json};

mod cli_support;
use cli_support::run;

const TEXT: &str =
    "경마장에 있는 말이 뛰고 있다\n그의 말이 법이다\n가는 말이 고와야 오는 말이 곱다\n";

fn tokenize(args: &[&str], stdin: &str) -> Value {
    let mut all = vec!["tokenize"];
    all.extend_from_slice(args);
    let out = run(&all, stdin);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object on one line");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn ngrams_on_the_lecture_text_print_the_lectures_answers() {
    let v = tokenize(&["--ngrams", "--padding", "pre"], TEXT);
    let word_index: Vec<(String, u64)> = v["word_index"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    let expected = [
        "말이",
        "경마장에",
        "있는",
        "뛰고",
        "있다",
        "그의",
        "법이다",
        "가는",
        "고와야",
        "오는",
        "곱다",
    ];
    assert_eq!(word_index.len(), 11);
    for (i, (word, index)) in word_index.iter().enumerate() {
        assert_eq!(word, expected[i]);
        assert_eq!(*index, i as u64 + 1, "printed in index order");
    }
    assert_eq!(v["word_counts"]["말이"], 4);
    assert_eq!(v["vocab_size"], 12);
    assert_eq!(
        v["sequences"],
        json!([
            [2, 3],
            [2, 3, 1],
            [2, 3, 1, 4],
            [2, 3, 1, 4, 5],
            [6, 1],
            [6, 1, 7],
            [8, 1],
            [8, 1, 9],
            [8, 1, 9, 10],
            [8, 1, 9, 10, 1],
            [8, 1, 9, 10, 1, 11]
        ])
    );
    assert_eq!(v["padded"][0], json!([0, 0, 0, 0, 2, 3]));
    assert_eq!(v["padded"][10], json!([8, 1, 9, 10, 1, 11]));
    assert_eq!(v["x"][0], json!([0, 0, 0, 0, 2]));
    assert_eq!(v["y"], json!([3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]));
}

#[test]
fn reads_a_file_argument() {
    let dir = std::env::temp_dir().join(format!("rnn-playground-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("corpus.txt");
    std::fs::write(&path, "b a b\r\nc\r\n").unwrap();
    let v = tokenize(&[path.to_str().unwrap()], "ignored because a file is given");
    assert_eq!(v["word_index"], json!({"b": 1, "a": 2, "c": 3}));
    assert_eq!(v["sequences"], json!([[1, 2, 1], [3]]));
    assert_eq!(v["padded"], json!([[1, 2, 1], [0, 0, 3]]));
    assert!(v.get("x").is_none(), "x and y only with --ngrams");
}

#[test]
fn num_words_oov_and_post_padding_behave_as_keras() {
    // counts: the 3, cat 2, sat 1, on 1, mat 1 → with <OOV>: <OOV> 1, the 2, cat 3, sat 4, …
    let text = "the cat sat on the mat\nthe cat\n";
    let v = tokenize(
        &[
            "--num-words",
            "4",
            "--oov-token",
            "<OOV>",
            "--padding",
            "post",
            "--maxlen",
            "5",
            "--truncating",
            "post",
        ],
        text,
    );
    assert_eq!(
        v["word_index"],
        json!({"<OOV>": 1, "the": 2, "cat": 3, "sat": 4, "on": 5, "mat": 6})
    );
    // Indices ≥ num_words (sat 4, on 5, mat 6) become <OOV>; word_index itself is not cut.
    assert_eq!(v["sequences"], json!([[2, 3, 1, 1, 2, 1], [2, 3]]));
    assert_eq!(v["padded"], json!([[2, 3, 1, 1, 2], [2, 3, 0, 0, 0]]));
}

#[test]
fn num_words_without_oov_drops_rare_words_and_truncating_pre_keeps_the_end() {
    let v = tokenize(
        &["--num-words", "3", "--maxlen", "2", "--value", "-1"],
        "the cat sat on the mat\nthe cat\nmat\n",
    );
    assert_eq!(v["sequences"], json!([[1, 2, 1], [1, 2], []]));
    assert_eq!(v["padded"], json!([[2, 1], [1, 2], [-1, -1]]));
}

#[test]
fn char_level_no_lower_and_custom_filters() {
    let v = tokenize(&["--char-level", "--no-lower"], "hell\nHo\n");
    assert_eq!(
        v["word_index"],
        json!({"l": 1, "h": 2, "e": 3, "H": 4, "o": 5})
    );
    assert_eq!(v["sequences"], json!([[2, 3, 1, 1], [4, 5]]));

    let v = tokenize(&["--filters", "", "--no-lower"], "Hi, there! Hi,\n");
    assert_eq!(v["word_index"], json!({"Hi,": 1, "there!": 2}));

    let v = tokenize(&["--filters", "!"], "Hi, there! Hi,\n");
    assert_eq!(v["word_index"], json!({"hi,": 1, "there": 2}));
}

#[test]
fn value_is_cast_to_an_integer_like_keras_int32_padding() {
    let v = tokenize(&["--value", "1.7", "--maxlen", "3"], "a\n");
    assert_eq!(v["padded"], json!([[1, 1, 1]]));
}

#[test]
fn bad_flag_values_and_missing_files_fail_with_one_line() {
    for args in [
        vec!["tokenize", "--padding", "middle"],
        vec!["tokenize", "--maxlen", "-3"],
        vec!["tokenize", "--num-words", "many"],
        vec!["tokenize", "--value", "NaN"],
        vec!["tokenize", "/no/such/file.txt"],
        vec!["tokenize", "--split", ""],
        vec!["detokenize"],
    ] {
        let out = run(&args, "a b\n");
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn empty_input_gives_an_empty_vocabulary() {
    let v = tokenize(&["--ngrams"], "");
    assert_eq!(v["word_index"], json!({}));
    assert_eq!(v["vocab_size"], 1);
    assert_eq!(v["padded"], json!([]));
    assert_eq!(v["y"], json!([]));
}
