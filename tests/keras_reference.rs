//! Our text pipeline against real Keras (tf-keras 2.21): every case in
//! `tests/data/keras_reference.json`, written by `scripts/keras_reference.py`.
//!
//! Keras cases that raise are skipped where our types cannot express the input (negative or
//! float labels, an invalid padding name) and listed in `KNOWN_DIFFERENCES` where we return a
//! value instead of raising.

use rnn_playground::text::{
    Document, PadOptions, Side, Tokenizer, TokenizerConfig, pad_sequences, to_categorical,
};
use serde::Deserialize;
use serde_json::Value;

/// Keras raises here; we return a well-defined value (empty rows / an empty matrix).
const KNOWN_DIFFERENCES: [&str; 3] = [
    "maxlen_0_truncating_pre",
    "no_sequences",
    "empty_labels_infer",
];

#[derive(Deserialize)]
struct Reference {
    tokenizer_cases: Vec<TokenizerCase>,
    pad_cases: Vec<Value>,
    categorical_cases: Vec<Value>,
}

#[derive(Deserialize)]
struct TokenizerCase {
    name: String,
    config: TokenizerConfig,
    fit_texts: Vec<Doc>,
    convert_texts: Vec<Doc>,
    document_count: usize,
    word_index: Vec<(String, usize)>,
    word_counts: Vec<(String, usize)>,
    word_docs: Vec<(String, usize)>,
    index_word: Vec<(usize, String)>,
    sequences: Vec<Vec<usize>>,
    texts_back: Vec<String>,
    texts_back_input: Vec<Vec<usize>>,
    to_json: String,
    to_json_bytes_comparable: bool,
}

/// Keras accepts a raw string or an already-tokenized list for each document.
#[derive(Deserialize)]
#[serde(untagged)]
enum Doc {
    Text(String),
    Tokens(Vec<String>),
}

impl Document for Doc {
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String> {
        match self {
            Doc::Text(t) => t.tokens(config),
            Doc::Tokens(t) => t.tokens(config),
        }
    }
}

fn reference() -> Reference {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/keras_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The parsed `to_json` with `word_docs`/`index_docs` (whose order comes from a Python `set`)
/// turned into sorted maps.
fn normalized_json(json: &str) -> Value {
    let mut v: Value = serde_json::from_str(json).unwrap();
    let config = v["config"].as_object_mut().unwrap();
    for key in [
        "word_counts",
        "word_docs",
        "index_docs",
        "index_word",
        "word_index",
    ] {
        let inner: Value = serde_json::from_str(config[key].as_str().unwrap()).unwrap();
        let sorted: std::collections::BTreeMap<String, Value> =
            inner.as_object().unwrap().clone().into_iter().collect();
        config[key] = serde_json::to_value(sorted).unwrap();
    }
    v
}

#[test]
fn tokenizer_matches_keras() {
    let reference = reference();
    assert!(reference.tokenizer_cases.len() >= 30);
    for case in &reference.tokenizer_cases {
        let name = &case.name;
        let mut tokenizer = Tokenizer::new(case.config.clone()).unwrap();
        tokenizer.fit_on_texts(&case.fit_texts);
        assert_eq!(tokenizer.document_count(), case.document_count, "{name}");
        let pairs = |m: &indexmap::IndexMap<String, usize>| -> Vec<(String, usize)> {
            m.iter().map(|(k, &v)| (k.clone(), v)).collect()
        };
        assert_eq!(
            pairs(tokenizer.word_index()),
            case.word_index,
            "{name}: word_index"
        );
        assert_eq!(
            pairs(tokenizer.word_counts()),
            case.word_counts,
            "{name}: word_counts"
        );
        let mut docs = pairs(tokenizer.word_docs());
        docs.sort();
        assert_eq!(docs, case.word_docs, "{name}: word_docs");
        let index_word: Vec<(usize, String)> = tokenizer
            .index_word()
            .iter()
            .map(|(&k, v)| (k, v.clone()))
            .collect();
        assert_eq!(index_word, case.index_word, "{name}: index_word");
        assert_eq!(
            tokenizer.texts_to_sequences(&case.convert_texts),
            case.sequences,
            "{name}: texts_to_sequences"
        );
        assert_eq!(
            tokenizer.sequences_to_texts(&case.texts_back_input),
            case.texts_back,
            "{name}: sequences_to_texts"
        );

        // to_json: byte-identical where Python's set order cannot matter, equal otherwise.
        let ours = tokenizer.to_json();
        if case.to_json_bytes_comparable {
            assert_eq!(ours, case.to_json, "{name}: to_json bytes");
        }
        assert_eq!(
            normalized_json(&ours),
            normalized_json(&case.to_json),
            "{name}: to_json"
        );

        // from_json: a tokenizer exported by Keras works here.
        let loaded = Tokenizer::from_json(&case.to_json).unwrap();
        assert_eq!(
            loaded.config(),
            tokenizer.config(),
            "{name}: config from JSON"
        );
        assert_eq!(
            loaded.texts_to_sequences(&case.convert_texts),
            case.sequences,
            "{name}: sequences after from_json"
        );
        assert_eq!(
            pairs(loaded.word_index()),
            case.word_index,
            "{name}: from_json word_index"
        );
    }
}

fn as_i64_rows(v: &Value) -> Vec<Vec<i64>> {
    serde_json::from_value::<Vec<Vec<f64>>>(v.clone())
        .unwrap()
        .into_iter()
        // numpy's int32 cast truncates toward zero
        .map(|row| row.into_iter().map(|x| x.trunc() as i64).collect())
        .collect()
}

#[test]
fn pad_sequences_matches_keras() {
    let mut checked = 0;
    for case in reference().pad_cases {
        let name = case["name"].as_str().unwrap();
        let side = |key: &str| case[key].as_str().unwrap().parse::<Side>();
        let (Ok(padding), Ok(truncating)) = (side("padding"), side("truncating")) else {
            // An invalid name: Keras raises ValueError, our `Side` type cannot express it.
            assert!(case.get("error").is_some(), "{name}");
            continue;
        };
        if KNOWN_DIFFERENCES.contains(&name) || name == "int32_overflow" {
            continue;
        }
        let options = PadOptions {
            maxlen: case["maxlen"].as_u64().map(|m| m as usize),
            padding,
            truncating,
            value: case["value"].as_f64().unwrap().trunc() as i64,
        };
        let got = pad_sequences(&as_i64_rows(&case["sequences"]), &options);
        let expected = as_i64_rows(&case["padded"]);
        assert_eq!(got, expected, "{name}");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} pad cases checked");
}

#[test]
fn to_categorical_matches_keras() {
    let mut checked = 0;
    for case in reference().categorical_cases {
        let name = case["name"].as_str().unwrap();
        // Negative, float and column-vector labels are not `usize`s: our type rules them out.
        let Ok(labels) = serde_json::from_value::<Vec<usize>>(case["labels"].clone()) else {
            continue;
        };
        if KNOWN_DIFFERENCES.contains(&name) {
            continue;
        }
        let num_classes = case["num_classes"].as_u64().map(|n| n as usize);
        let got = to_categorical(&labels, num_classes);
        if case.get("error").is_some() {
            assert!(got.is_err(), "{name}: Keras raises, so must we");
        } else {
            let expected: Vec<Vec<f32>> = serde_json::from_value(case["output"].clone()).unwrap();
            assert_eq!(got.unwrap(), expected, "{name}");
        }
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} categorical cases checked");
}
