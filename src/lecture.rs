//! The lecture's own small texts, shipped in `data/lecture/` and compiled in, so the CLI, the
//! page and the tests all start from the same bytes.

/// Lecture 8's corpus for next-word prediction (one sentence per line, trailing newline
/// included, as the lecture writes it).
pub const NEXT_WORD_TEXT: &str = include_str!("../data/lecture/next_word.txt");

#[cfg(test)]
mod tests {
    #[test]
    fn next_word_text_is_the_lectures() {
        assert_eq!(
            super::NEXT_WORD_TEXT,
            "경마장에 있는 말이 뛰고 있다\n그의 말이 법이다\n가는 말이 고와야 오는 말이 곱다\n"
        );
    }
}
