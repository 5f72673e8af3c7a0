//! The features of the linear baseline: morpheme n-grams and syllable n-grams of a review.
//!
//! Morpheme 1–2-grams come from Okt's morphemes (what the RNNs read, stopwords kept), syllable
//! 1–3-grams from each word of the cleaned text padded with a space on both sides, as
//! scikit-learn's `TfidfVectorizer(analyzer='char_wb')` makes them: they see inside words the
//! segmenter splits, and word beginnings and ends (`" 좋"`, `"요 "`).
//!
//! ```
//! use rnn_playground::linear::ngrams::{morpheme_ngrams, syllable_ngrams};
//!
//! let m = morpheme_ngrams(&["배송".into(), "이".into(), "빨라요".into()]);
//! assert_eq!(m, ["배송", "이", "빨라요", "배송 이", "이 빨라요"]);
//! let s = syllable_ngrams("좋아");
//! assert_eq!(s, [" ", "좋", "아", " ", " 좋", "좋아", "아 ", " 좋아", "좋아 "]);
//! ```

/// Unigrams, then bigrams joined by a space.
pub fn morpheme_ngrams(morphs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = morphs.to_vec();
    out.extend(morphs.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out
}

/// scikit-learn's `char_wb` n-grams of lengths 1 to 3 over each word of `clean` (a word shorter
/// than `n` with its padding counts once, whole).
pub fn syllable_ngrams(clean: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in clean.split_whitespace() {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for n in 1..=3 {
            let mut offset = 0;
            out.push(
                padded[offset..(offset + n).min(padded.len())]
                    .iter()
                    .collect(),
            );
            while offset + n < padded.len() {
                offset += 1;
                out.push(padded[offset..offset + n].iter().collect());
            }
            if offset == 0 {
                break;
            }
        }
    }
    out
}
