//! `rnn-playground segment`, `build-okt-lexicon` and `segment-eval`, run as a user runs them.

use std::process::Output;

mod cli_support;
use cli_support::run;

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

/// A lexicon built from a table loads in `segment` and `segment-eval`, and the shipped one
/// gives Okt's answer for every sentence we wrote.
#[test]
fn build_okt_lexicon_writes_a_lexicon_the_other_commands_load() {
    let labels = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/okt_our_sentences.jsonl"
    );
    let eval = run(&["segment-eval", "--test", labels], "");
    assert!(eval.status.success());
    let eval: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert_eq!(eval["f1"].as_f64(), Some(1.0), "{eval}");
    assert_eq!(eval["exact"].as_f64(), Some(1.0), "{eval}");

    let dir = std::env::temp_dir().join(format!("rnn-playground-lexicon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table = dir.join("lexicon.tsv");
    // 포장 and 꼼꼼 as nouns, 하게 as an ending, nothing else.
    std::fs::write(&table, "꼼꼼\t1\t0\n포장\t1\t0\n하게\t128\t0\n").unwrap();
    let lexicon = dir.join("tiny.bin");
    let out = run(
        &[
            "build-okt-lexicon",
            "--table",
            table.to_str().unwrap(),
            "--out",
            lexicon.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 words"));
    let seg = lines(&run(
        &["segment", "--model", lexicon.to_str().unwrap()],
        "포장꼼꼼\n",
    ));
    assert_eq!(seg[0], ["포장", "꼼꼼"]);
    let eval = run(
        &[
            "segment-eval",
            "--test",
            labels,
            "--model",
            lexicon.to_str().unwrap(),
        ],
        "",
    );
    assert!(eval.status.success());
    let eval: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert!(eval["f1"].as_f64().unwrap() < 0.9, "{eval}");
    std::fs::write(&table, "포장\tnoun\t0\n").unwrap();
    let bad = run(
        &[
            "build-okt-lexicon",
            "--table",
            table.to_str().unwrap(),
            "--out",
            lexicon.to_str().unwrap(),
        ],
        "",
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 1"));
    std::fs::remove_dir_all(&dir).unwrap();
}
