//! What a classifier reads of a review: Okt's morphemes without the stopwords
//! ([`crate::segment::preprocess`]) or syllables, and the note for a review that has no
//! Korean word left.

use super::{TextUnits, WORD_BOUNDARY};
use crate::nn::Result;
use crate::segment::{Segmenter, preprocess};

/// A cleaned review's syllables, words joined by [`WORD_BOUNDARY`].
pub fn syllables(clean: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, word) in clean.split_whitespace().enumerate() {
        if i > 0 {
            out.push(WORD_BOUNDARY.to_string());
        }
        out.extend(word.chars().map(String::from));
    }
    out
}

/// The tokens of each review in `units`: [`preprocess`] for morphemes (`stopwords` dropped),
/// [`syllables`] of the cleaned text otherwise.
pub fn tokens_in<S: AsRef<str>>(
    units: TextUnits,
    texts: &[S],
    stopwords: &[String],
) -> Result<Vec<Vec<String>>> {
    Ok(match units {
        TextUnits::Morphemes => preprocess(Segmenter::required()?, texts, stopwords),
        TextUnits::Syllables => texts
            .iter()
            .map(|t| syllables(&crate::text::korean::clean_korean(t.as_ref())))
            .collect(),
    })
}

/// What the page and the CLI say when a review has no Korean word left after cleaning (emoji,
/// Latin letters, digits, an empty line): the models still answer, for padding alone.
pub const NO_WORDS_NOTE: &str = "no Korean words are left after cleaning, so the model sees only padding: write the review in Korean";

/// `Some(NO_WORDS_NOTE)` when cleaning leaves no Korean word in `text`.
pub fn no_words_note(text: &str) -> Option<&'static str> {
    crate::text::korean::clean_korean(text)
        .trim()
        .is_empty()
        .then_some(NO_WORDS_NOTE)
}
