//! Every text of the page is written as a pair, Korean first: `tr("학습", "train")` and
//! `in_lang(lang, "…", "…")` (`src/web/i18n.rs`). Each pair is checked here: the Korean version
//! has Korean in it, the English one is English (a reversed pair fails), neither holds both
//! languages, and each closes the brackets it opens (the tokenizer panel once showed
//! "maxlen = None (가장 긴 길이" with its bracket cut off). Nothing may split a text at " · " at
//! run time any more.

use rnn_playground::i18n::has_hangul;

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

/// A string literal at the start of `s` (after spaces): its text and the bytes it took.
fn literal(s: &str) -> Option<(String, usize)> {
    let start = s.len() - s.trim_start().len();
    let rest = s[start..].strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '"' => return Some((out, start + 1 + i + 1)),
            _ => out.push(c),
        }
    }
    None
}

/// Two literals separated by a comma at the start of `s`.
fn pair(s: &str) -> Option<(String, String)> {
    let (ko, used) = literal(s)?;
    let rest = s[used..].trim_start().strip_prefix(',')?;
    let (en, _) = literal(rest)?;
    Some((ko, en))
}

/// Latin letters minus twice the Hangul, outside quotes and backticks: above zero for English
/// prose that may quote a Korean word.
fn english_lean(s: &str) -> i64 {
    let mut lean = 0i64;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '`' | '"' | '\'' => quoted = !quoted,
            _ if quoted => {}
            'a'..='z' | 'A'..='Z' => lean += 1,
            _ if has_hangul(&c.to_string()) => lean -= 2,
            _ => {}
        }
    }
    lean
}

/// What is wrong with a (Korean, English) pair, if anything.
fn check(ko: &str, en: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    if !has_hangul(ko) {
        wrong.push(format!("no Korean in the Korean version: {ko:?} / {en:?}"));
    }
    if english_lean(en) <= 0 {
        wrong.push(format!(
            "the English version is not English: {ko:?} / {en:?}"
        ));
    }
    if ko.contains(" · ") || en.contains(" · ") {
        wrong.push(format!("both languages in one version: {ko:?} / {en:?}"));
    }
    for half in [ko, en] {
        for (open, close) in [('(', ')'), ('[', ']'), ('「', '」')] {
            if half.matches(open).count() != half.matches(close).count() {
                wrong.push(format!("unclosed {open} in {half:?}"));
            }
        }
    }
    wrong
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
