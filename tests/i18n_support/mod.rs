//! What the two i18n tests share: reading a string literal (or a pair of them) out of source
//! text, and the check of a Korean/English pair.

use rnn_playground::i18n::{Lang, Text, has_hangul};

/// A string literal at the start of `s` (after spaces): its text and the bytes it took.
pub fn literal(s: &str) -> Option<(String, usize)> {
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
pub fn pair(s: &str) -> Option<(String, String)> {
    let (ko, used) = literal(s)?;
    let rest = s[used..].trim_start().strip_prefix(',')?;
    let (en, _) = literal(rest)?;
    Some((ko, en))
}

/// Latin letters minus twice the Hangul, outside quotes and backticks: above zero for English
/// prose that may quote a Korean word (`맑음/비`), below it for Korean.
pub fn english_lean(s: &str) -> i64 {
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

/// What is wrong with `text` as a message in both languages: the Korean version must have
/// Korean in it, the English one be English, neither hold both, and each close its brackets.
pub fn problems(text: &Text) -> Vec<String> {
    let (ko, en) = (text.get(Lang::Ko), text.get(Lang::En));
    let mut wrong = Vec::new();
    if ko.trim().is_empty() || en.trim().is_empty() {
        wrong.push(format!("a version is empty: {ko:?} / {en:?}"));
    }
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
