//! Every error of the core speaks both languages, each in its own: the Korean version has
//! Korean in it, the English one is English (a reversed pair, as `SegmentError::NotLoaded` once
//! was, fails here). The `match`es below are exhaustive on purpose: a new variant does not
//! compile until it has an example here.

mod i18n_support;

use i18n_support::{pair, problems};
use rnn_playground::i18n::{Bilingual, Text};
use rnn_playground::keras::KerasError;
use rnn_playground::lab::LabError;
use rnn_playground::limits::{Limit, LimitError};
use rnn_playground::nn::NnError;
use rnn_playground::notebook::NotebookError;
use rnn_playground::segment::SegmentError;
use rnn_playground::text::TextError;

/// What is wrong with `text` as a message in both languages, if anything.
fn check(what: &str, text: &Text) -> Option<String> {
    let wrong = problems(text);
    (!wrong.is_empty()).then(|| format!("{what}: {}", wrong.join("; ")))
}

fn nn_errors() -> Vec<NnError> {
    let all = vec![
        NnError::Candle(candle_core::Error::Msg("shape mismatch".into())),
        NnError::Shape {
            layer: "simple_rnn".into(),
            expected: "[batch, time, features]".into(),
            got: vec![2, 3],
        },
        NnError::Config("units must be at least 1".into()),
        NnError::NonFiniteLoss {
            epoch: 3,
            batch: 7,
            loss: f32::NAN,
        },
        NnError::Cancelled,
        NnError::Limit(limit_errors().remove(0)),
        NnError::Segment(SegmentError::NotLoaded),
        NnError::Load("model.json is not UTF-8 text".into()),
    ];
    for e in &all {
        match e {
            NnError::Candle(_)
            | NnError::Shape { .. }
            | NnError::Config(_)
            | NnError::NonFiniteLoss { .. }
            | NnError::Cancelled
            | NnError::Limit(_)
            | NnError::Segment(_)
            | NnError::Load(_) => {}
        }
    }
    all
}

fn limit_errors() -> Vec<LimitError> {
    let all = [
        Limit::CorpusBytes,
        Limit::ReviewFileBytes,
        Limit::Vocabulary,
        Limit::SequenceLength,
        Limit::HiddenUnits,
        Limit::EmbeddingDim,
        Limit::Epochs,
        Limit::BatchSize,
        Limit::Parameters,
    ];
    for l in &all {
        match l {
            Limit::CorpusBytes
            | Limit::ReviewFileBytes
            | Limit::Vocabulary
            | Limit::SequenceLength
            | Limit::HiddenUnits
            | Limit::EmbeddingDim
            | Limit::Epochs
            | Limit::BatchSize
            | Limit::Parameters => {}
        }
    }
    all.into_iter()
        .map(|limit| LimitError {
            limit,
            value: limit.max() + 1,
        })
        .collect()
}

fn segment_errors() -> Vec<SegmentError> {
    let all = vec![
        SegmentError::NotALexicon,
        SegmentError::BadLexiconTable { line: 12 },
        SegmentError::NotLoaded,
    ];
    for e in &all {
        match e {
            SegmentError::NotALexicon
            | SegmentError::BadLexiconTable { .. }
            | SegmentError::NotLoaded => {}
        }
    }
    all
}

fn text_errors() -> Vec<TextError> {
    let all = vec![
        TextError::EmptySplit,
        TextError::LabelOutOfRange {
            label: 5,
            num_classes: 3,
        },
        TextError::TokenizerJson {
            reason: "expected value at line 1 column 1".into(),
        },
        TextError::TooLarge {
            cells: 9_000_000,
            limit: 4_000_000,
        },
        TextError::TooLongToSegment {
            chars: 4_000,
            limit: 3_000,
        },
        TextError::BadPadValue { value: f64::NAN },
    ];
    for e in &all {
        match e {
            TextError::EmptySplit
            | TextError::LabelOutOfRange { .. }
            | TextError::TokenizerJson { .. }
            | TextError::TooLarge { .. }
            | TextError::TooLongToSegment { .. }
            | TextError::BadPadValue { .. } => {}
        }
    }
    all
}

fn keras_errors() -> Vec<KerasError> {
    let all = vec![
        KerasError::NotKeras("no config.json in the zip".into()),
        KerasError::Unsupported {
            layer: "conv1d".into(),
            what: "Conv1D".into(),
        },
        KerasError::Mismatch("dense has 2 weights, the config 1".into()),
        KerasError::Corrupt("unexpected end of file".into()),
        KerasError::TooLarge("the file claims 2,000,000,000 values".into()),
        KerasError::Model("the first layer must be an Embedding".into()),
        KerasError::Io("permission denied".into()),
    ];
    for e in &all {
        match e {
            KerasError::NotKeras(_)
            | KerasError::Unsupported { .. }
            | KerasError::Mismatch(_)
            | KerasError::Corrupt(_)
            | KerasError::TooLarge(_)
            | KerasError::Model(_)
            | KerasError::Io(_) => {}
        }
    }
    all
}

#[test]
fn every_core_error_speaks_korean_and_english_each_in_its_own_language() {
    let mut texts: Vec<(String, Text)> = Vec::new();
    for e in nn_errors() {
        texts.push((format!("NnError {e:?}"), e.text()));
    }
    for e in limit_errors() {
        texts.push((format!("{e:?}"), e.text()));
    }
    for e in segment_errors() {
        texts.push((format!("SegmentError {e:?}"), e.text()));
    }
    for e in text_errors() {
        texts.push((format!("TextError {e:?}"), e.text()));
    }
    for e in keras_errors() {
        texts.push((format!("KerasError {e:?}"), e.text()));
    }
    let notebook = NotebookError::TooFew {
        found: 3,
        needed: 20,
        report: "3 rows read".into(),
    };
    match &notebook {
        NotebookError::TooFew { .. } => {}
    }
    texts.push(("NotebookError".into(), notebook.text()));
    for e in [
        LabError::input("층을 하나 더하세요", "add a layer"),
        LabError::Nn(NnError::Cancelled),
    ] {
        texts.push((format!("LabError {e:?}"), e.text()));
    }
    let broken: Vec<String> = texts.iter().filter_map(|(w, t)| check(w, t)).collect();
    assert!(texts.len() > 35, "only {} texts", texts.len());
    assert!(broken.is_empty(), "{broken:#?}");
    // Display stays the English version (the command line's).
    for e in segment_errors() {
        assert_eq!(e.to_string(), e.text().en);
    }
}

#[test]
fn a_reversed_or_mixed_pair_is_caught() {
    // What SegmentError::NotLoaded said before: English first, Korean after the separator.
    let old = "the segmenter's dictionary is not loaded yet · 형태소 사전을 아직 불러오지 못했습니다: reload the page";
    let (first, second) = old.split_once(" · ").unwrap();
    assert!(check("split", &Text::new(first, second)).is_some());
    assert!(
        check(
            "reversed",
            &Text::new("reload the page", "페이지를 새로 고치세요")
        )
        .is_some()
    );
    assert!(check("both", &Text::new("불러오기 · load", "load")).is_some());
    assert!(
        check(
            "fine",
            &Text::new("맑음/비를 쓰세요", "write 맑음/비 for each day")
        )
        .is_none()
    );
}

/// Every literal pair written in the source (`Text::new("…", "…")`, `LabError::input("…",
/// "…")`) passes the same check.
#[test]
fn every_literal_pair_in_the_source_is_korean_then_english() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for call in ["Text::new(", "LabError::input("] {
            for (at, _) in text.match_indices(call) {
                let Some((ko, en)) = pair(&text[at + call.len()..]) else {
                    continue;
                };
                checked += 1;
                if let Some(why) = check(&file.display().to_string(), &Text::new(ko, en)) {
                    broken.push(why);
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} pairs found");
    assert!(broken.is_empty(), "{broken:#?}");
}
