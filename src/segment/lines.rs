//! The lectures' preprocessing of reviews, line by line, with every stage kept so the page
//! can show it: cleaning, morphemes per word, stopwords removed.

use serde::{Deserialize, Serialize};

use super::Segmenter;
use crate::text::TextError;
use crate::text::korean::{clean_korean, remove_stopwords};

/// Characters the tokenizer panel's Korean mode segments at once (in its worker, on every
/// keystroke): its table draws every morpheme of every line, and 3,000 characters keep the
/// answer and the page's drawing of it quick. The CLI and the retraining have no such limit.
pub const MAX_PAGE_CHARS: usize = 3_000;

/// One line through the lecture's preprocessing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreprocessedLine {
    /// `re.sub('[^ㄱ-ㅎㅏ-ㅣ가-힣 ]', '', line)`.
    pub clean: String,
    /// The morphemes of each word of `clean`.
    pub words: Vec<Vec<String>>,
    /// The morphemes that are not stopwords, in order: what the Keras tokenizer gets.
    pub tokens: Vec<String>,
}

/// Clean, segment and drop stopwords, for each line.
pub fn preprocess_lines<S: AsRef<str>, T: AsRef<str>>(
    segmenter: &Segmenter,
    lines: &[S],
    stopwords: &[T],
) -> Result<Vec<PreprocessedLine>, TextError> {
    let chars: usize = lines.iter().map(|l| l.as_ref().chars().count()).sum();
    if chars > MAX_PAGE_CHARS {
        return Err(TextError::TooLongToSegment {
            chars,
            limit: MAX_PAGE_CHARS,
        });
    }
    Ok(lines
        .iter()
        .map(|line| {
            let clean = clean_korean(line.as_ref());
            let words = segmenter.segment_words(&clean);
            let morphs: Vec<&String> = words.iter().flatten().collect();
            let tokens = remove_stopwords(&morphs, stopwords)
                .into_iter()
                .map(str::to_string)
                .collect();
            PreprocessedLine {
                clean,
                words,
                tokens,
            }
        })
        .collect())
}

/// Clean, segment and drop stopwords: the morphemes the tokenizer sees, per review (the
/// lecture's `okt.morphs` loop over a whole column; each distinct word is parsed once).
pub fn preprocess<S: AsRef<str>, T: AsRef<str>>(
    segmenter: &Segmenter,
    texts: &[S],
    stopwords: &[T],
) -> Vec<Vec<String>> {
    segmenter
        .segment_batch(texts)
        .iter()
        .map(|morphs| {
            remove_stopwords(morphs, stopwords)
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}
