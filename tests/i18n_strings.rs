//! Every text of the page is written as a pair, Korean first: `tr("학습", "train")` and
//! `in_lang(lang, "…", "…")` (`src/web/i18n.rs`). Each pair is checked here: the Korean version
//! has Korean in it, the English one is English (a reversed pair fails), neither holds both
//! languages, and each closes the brackets it opens (the tokenizer panel once showed
//! "maxlen = None (가장 긴 길이" with its bracket cut off). Nothing may split a text at " · " at
//! run time any more.

mod i18n_support;

use i18n_support::{pair, problems};
use rnn_playground::i18n::Text;

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

/// What is wrong with a (Korean, English) pair, if anything.
fn check(ko: &str, en: &str) -> Vec<String> {
    problems(&Text::new(ko, en))
}

#[test]
fn every_text_of_the_page_is_a_korean_then_english_pair() {
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
        &mut files,
    );
    assert!(files.len() > 5);
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut pairs = Vec::new();
        for (at, _) in text.match_indices("tr(") {
            // `tr(` itself, not the end of another name (`attr(`).
            let before = text[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(p) = pair(&text[at + 3..]) {
                pairs.push(p);
            }
        }
        for (at, _) in text.match_indices("in_lang(") {
            // in_lang(LANG, "ko", "en"): the literals after the first argument.
            let rest = &text[at + "in_lang(".len()..];
            if let Some(p) = rest.find(',').and_then(|c| pair(&rest[c + 1..])) {
                pairs.push(p);
            }
        }
        for (ko, en) in pairs {
            checked += 1;
            for why in check(&ko, &en) {
                broken.push(format!("{}: {why}", file.display()));
            }
        }
        // Nothing splits a text into its languages at run time any more.
        for needle in ["split_once(\" · \")", "fn pick("] {
            if text.contains(needle) {
                broken.push(format!("{}: splits at run time ({needle})", file.display()));
            }
        }
    }
    assert!(checked > 150, "only {checked} pairs found");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_check_catches_a_reversed_or_cut_pair() {
    assert!(check("학습", "train").is_empty());
    assert!(!check("train", "학습").is_empty(), "reversed");
    assert!(!check("불러오기 · load", "load").is_empty(), "both in one");
    assert!(!check("maxlen = None (가장 긴 길이", "maxlen = None (longest)").is_empty());
    assert!(
        check("날씨를 쓰세요", "write `맑음 비` for each day").is_empty(),
        "a quoted Korean word in English"
    );
}
