//! Every bilingual string of the page ("한국어 · English", split at " · " by `i18n::pick`)
//! gives each language a whole text: brackets opened in one half close in that half. (The
//! tokenizer panel once showed "maxlen = None (가장 긴 길이" with its bracket cut off.)

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

#[test]
fn each_half_of_a_bilingual_string_closes_its_brackets() {
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
        for (at, _) in text.match_indices("tr(\"") {
            let rest = &text[at + 4..];
            let Some(end) = rest.find("\")") else {
                continue;
            };
            let s = &rest[..end];
            let Some((ko, en)) = s.split_once(" · ") else {
                continue;
            };
            checked += 1;
            // The first " · " splits: a Korean half without Hangul means the separator was
            // a list's ("SimpleRNN · LSTM · GRU 나란히 · …" showed "SimpleRNN" in Korean).
            let hangul = |t: &str| t.chars().any(|c| ('가'..='힣').contains(&c));
            if !ko.trim().is_empty() && !hangul(ko) {
                broken.push(format!(
                    "{}: no Korean before the first \" · \": {s:?}",
                    file.display()
                ));
            }
            for half in [ko, en] {
                for (open, close) in [('(', ')'), ('[', ']'), ('「', '」')] {
                    if half.matches(open).count() != half.matches(close).count() {
                        broken.push(format!("{}: {s:?}", file.display()));
                    }
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} strings found");
    assert!(broken.is_empty(), "{broken:#?}");
}
