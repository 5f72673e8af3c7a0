//! The lecture's printed answers (lecture 8: next-word samples for "경마장에 있는 말이 뛰고 있다"),
//! reproduced through the library.

use rnn_playground::text::pipeline::{PipelineOptions, tokenize_lines};
use rnn_playground::text::{
    PadOptions, Side, Tokenizer, TokenizerConfig, pad_sequences, prefix_ngrams, split_x_y,
    to_categorical,
};

const TEXT: &str =
    "경마장에 있는 말이 뛰고 있다\n그의 말이 법이다\n가는 말이 고와야 오는 말이 곱다\n";

const WORD_INDEX: [(&str, usize); 11] = [
    ("말이", 1),
    ("경마장에", 2),
    ("있는", 3),
    ("뛰고", 4),
    ("있다", 5),
    ("그의", 6),
    ("법이다", 7),
    ("가는", 8),
    ("고와야", 9),
    ("오는", 10),
    ("곱다", 11),
];

fn samples() -> Vec<Vec<usize>> {
    vec![
        vec![2, 3],
        vec![2, 3, 1],
        vec![2, 3, 1, 4],
        vec![2, 3, 1, 4, 5],
        vec![6, 1],
        vec![6, 1, 7],
        vec![8, 1],
        vec![8, 1, 9],
        vec![8, 1, 9, 10],
        vec![8, 1, 9, 10, 1],
        vec![8, 1, 9, 10, 1, 11],
    ]
}

#[test]
fn lecture_word_index_and_vocab_size() {
    // The lecture fits on the whole text as one document: `tokenizer.fit_on_texts([text])`.
    let mut tokenizer = Tokenizer::default();
    tokenizer.fit_on_texts([TEXT]);
    let got: Vec<(&str, usize)> = tokenizer
        .word_index()
        .iter()
        .map(|(w, &i)| (w.as_str(), i))
        .collect();
    assert_eq!(got, WORD_INDEX);
    assert_eq!(tokenizer.vocab_size(), 12);
    assert_eq!(tokenizer.word_counts()["말이"], 4);
    assert_eq!(tokenizer.document_count(), 1);
}

#[test]
fn lecture_prefix_samples_padding_and_labels() {
    let mut tokenizer = Tokenizer::default();
    tokenizer.fit_on_texts([TEXT]);
    let encoded = tokenizer.texts_to_sequences(TEXT.split('\n'));
    // The trailing newline gives an empty last line, which yields no sample.
    assert_eq!(encoded.last(), Some(&vec![]));
    let sequences = prefix_ngrams(&encoded);
    assert_eq!(sequences, samples());
    let max_len = sequences.iter().map(Vec::len).max().unwrap();
    assert_eq!(max_len, 6);
    let padded = pad_sequences(
        &sequences,
        &PadOptions {
            maxlen: Some(max_len),
            padding: Side::Pre,
            ..PadOptions::default()
        },
    );
    assert_eq!(padded[0], vec![0, 0, 0, 0, 2, 3]);
    assert_eq!(padded[10], vec![8, 1, 9, 10, 1, 11]);
    let (x, y) = split_x_y(&padded);
    assert_eq!(x[0], vec![0, 0, 0, 0, 2]);
    assert_eq!(x[10], vec![8, 1, 9, 10, 1]);
    assert_eq!(y, vec![3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]);
    // The lecture then one-hot encodes y with vocab_size columns.
    let y_onehot = to_categorical(&y, Some(tokenizer.vocab_size())).unwrap();
    assert_eq!(y_onehot.len(), 11);
    assert_eq!(y_onehot[0].len(), 12);
    assert_eq!(y_onehot[0][3], 1.0);
    assert_eq!(y_onehot[0].iter().sum::<f32>(), 1.0);
}

#[test]
fn pipeline_matches_the_lecture_when_fitted_line_by_line() {
    let lines: Vec<&str> = TEXT.lines().collect();
    let out = tokenize_lines(
        &lines,
        &PipelineOptions {
            ngrams: true,
            ..PipelineOptions::default()
        },
    )
    .unwrap();
    let got: Vec<(&str, usize)> = out
        .word_index
        .iter()
        .map(|(w, &i)| (w.as_str(), i))
        .collect();
    assert_eq!(got, WORD_INDEX);
    assert_eq!(out.vocab_size, 12);
    assert_eq!(out.sequences, samples());
    assert_eq!(out.max_len, 6);
    assert_eq!(out.padded[0], vec![0, 0, 0, 0, 2, 3]);
    assert_eq!(out.y.unwrap(), vec![3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]);
    assert_eq!(out.x.unwrap()[3], vec![0, 2, 3, 1, 4]);
}

#[test]
fn sequences_to_texts_round_trips_the_lecture_lines() {
    let mut tokenizer = Tokenizer::default();
    tokenizer.fit_on_texts([TEXT]);
    let lines: Vec<&str> = TEXT.lines().collect();
    let encoded = tokenizer.texts_to_sequences(&lines);
    assert_eq!(encoded[1], vec![6, 1, 7]);
    assert_eq!(tokenizer.sequences_to_texts(&encoded), lines);
}

#[test]
fn to_json_round_trip_keeps_every_table() {
    let mut tokenizer = Tokenizer::default();
    tokenizer.fit_on_texts(TEXT.lines());
    let json = tokenizer.to_json();
    // Python's json.dumps escapes Hangul: 말이 is \ub9d0\uc774, itself inside a JSON string.
    assert!(json.starts_with(r#"{"class_name": "Tokenizer", "config": {"num_words": null, "#));
    assert!(json.contains(r#"\\ub9d0\\uc774\": 1"#), "{json}");
    let back = Tokenizer::from_json(&json).unwrap();
    assert_eq!(back, tokenizer);
}

#[test]
fn word_index_only_json_converts_texts_as_before_and_rebuilds_index_word() {
    let mut tokenizer = Tokenizer::new(TokenizerConfig {
        num_words: Some(6),
        oov_token: Some("<OOV>".into()),
        ..TokenizerConfig::default()
    })
    .unwrap();
    tokenizer.fit_on_texts(TEXT.lines());
    let lean = tokenizer.to_json_word_index_only();
    assert!(
        lean.contains(r#""word_index":{"<OOV>":1,"말이":2"#),
        "{lean}"
    );
    assert!(!lean.contains("index_word"), "{lean}");
    assert!(lean.len() < tokenizer.to_json_compact().len());
    let back = Tokenizer::from_json(&lean).unwrap();
    let compact = Tokenizer::from_json(&tokenizer.to_json_compact()).unwrap();
    assert_eq!(back.word_index(), compact.word_index());
    // Keras' index_word is word_index turned around: 2 → 말이.
    assert_eq!(back.index_word(), compact.index_word());
    assert_eq!(back.index_word()[&2], "말이");
    let probe = ["가는 말이 고와야 오는 말이 곱다", "처음 보는 말이다", ""];
    let seqs = tokenizer.texts_to_sequences(probe);
    assert_eq!(back.texts_to_sequences(probe), seqs);
    assert_eq!(
        back.sequences_to_texts(&seqs),
        compact.sequences_to_texts(&seqs)
    );
}

#[test]
fn compact_json_converts_texts_as_before_in_fewer_bytes() {
    let mut tokenizer = Tokenizer::new(TokenizerConfig {
        num_words: Some(5),
        oov_token: Some("<OOV>".into()),
        ..TokenizerConfig::default()
    })
    .unwrap();
    tokenizer.fit_on_texts(TEXT.lines());
    let compact = tokenizer.to_json_compact();
    // Hangul as UTF-8, inner dictionaries still JSON strings (Keras' tokenizer_from_json
    // json.loads each of them), the fitting statistics empty.
    assert!(
        compact.contains(r#""word_index":"{\"<OOV>\":1,\"말이\":2"#),
        "{compact}"
    );
    assert!(compact.contains(r#""word_counts":"{}""#), "{compact}");
    assert!(compact.len() * 2 < tokenizer.to_json().len());
    let back = Tokenizer::from_json(&compact).unwrap();
    // Only the indices below num_words (5) are kept: the others never reach a sequence.
    let kept: Vec<(&String, &usize)> = tokenizer.word_index().iter().take(4).collect();
    assert_eq!(back.word_index().iter().collect::<Vec<_>>(), kept);
    assert_eq!(back.index_word().len(), 4);
    assert!(tokenizer.word_index().len() > 4);
    assert_eq!(back.document_count(), tokenizer.document_count());
    assert!(back.word_counts().is_empty());
    // Words past the kept vocabulary ("고와야" is index 5+) and unseen words: OOV either way.
    let probe = [
        "가는 말이 고와야 오는 말이 곱다",
        "처음 보는 말이다",
        "",
        "경마장에 있는 말이 뛰고 있다",
    ];
    assert_eq!(
        back.texts_to_sequences(probe),
        tokenizer.texts_to_sequences(probe)
    );
}
