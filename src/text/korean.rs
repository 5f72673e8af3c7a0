//! The lectures' Korean preprocessing: keep Hangul only, then drop stopwords.
//!
//! Lectures 9 and 11 clean each review with `re.sub('[^ㄱ-ㅎㅏ-ㅣ가-힣 ]', '', text)`: every
//! character that is not a compatibility jamo (ㄱ–ㅎ, ㅏ–ㅣ), a precomposed syllable (가–힣)
//! or a space is removed. After morpheme segmentation they drop a stopword list.
//!
//! ```
//! use rnn_playground::text::korean::{clean_korean, remove_stopwords, LECTURE_STOPWORDS};
//!
//! assert_eq!(clean_korean("배송 빨라요!! 👍 최고^^ ㅋㅋ good"), "배송 빨라요  최고 ㅋㅋ ");
//! let morphs = ["배송", "이", "빨라요"];
//! assert_eq!(remove_stopwords(&morphs, LECTURE_STOPWORDS), vec!["배송", "빨라요"]);
//! ```

/// Lecture 11's stopwords (Naver shopping reviews), in the lecture's order.
pub const LECTURE_STOPWORDS: &[&str] = &[
    "도", "는", "다", "의", "가", "이", "은", "한", "에", "하", "고", "을", "를", "인", "듯", "과",
    "와", "네", "들", "듯", "지", "임", "게",
];

/// Lecture 9's stopwords (Naver movie reviews, NSMC).
pub const NSMC_STOPWORDS: &[&str] = &[
    "의", "가", "이", "은", "들", "는", "좀", "잘", "걍", "과", "도", "를", "으로", "자", "에",
    "와", "한", "하다",
];

/// Whether the lecture's character class `[ㄱ-ㅎㅏ-ㅣ가-힣 ]` keeps `c`.
pub fn is_kept(c: char) -> bool {
    matches!(c, 'ㄱ'..='ㅎ' | 'ㅏ'..='ㅣ' | '가'..='힣' | ' ')
}

/// Whether `c` is a Hangul letter the segmenter reads (a kept character other than space).
pub fn is_hangul(c: char) -> bool {
    c != ' ' && is_kept(c)
}

/// `re.sub('[^ㄱ-ㅎㅏ-ㅣ가-힣 ]', '', text)`: spaces are kept as they are (so runs of
/// spaces stay, exactly as in the lecture's notebook).
pub fn clean_korean(text: &str) -> String {
    text.chars().filter(|&c| is_kept(c)).collect()
}

/// The morphemes that are not in `stopwords`, in order.
pub fn remove_stopwords<'a, S: AsRef<str>, T: AsRef<str>>(
    morphs: &'a [S],
    stopwords: &[T],
) -> Vec<&'a str> {
    morphs
        .iter()
        .map(AsRef::as_ref)
        .filter(|m| !stopwords.iter().any(|s| s.as_ref() == *m))
        .collect()
}

/// A stopword list edited as text: words separated by spaces, commas or new lines.
pub fn parse_stopwords(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_keeps_exactly_the_lectures_class() {
        // Jamo ends (ㄱ, ㅎ, ㅏ, ㅣ), syllable ends (가, 힣), and their neighbours outside.
        assert_eq!(clean_korean("ㄱㅎㅏㅣ가힣"), "ㄱㅎㅏㅣ가힣");
        assert_eq!(clean_korean("\u{3130}\u{3164}\u{abff}\u{d7a4}ᄀ"), "");
        assert_eq!(clean_korean("abc 123 !?"), "  ");
        assert_eq!(clean_korean("좋아요\t최고\n"), "좋아요최고");
        assert_eq!(clean_korean(""), "");
    }

    #[test]
    fn stopwords_parse_and_remove() {
        let list = parse_stopwords("'도', '는'\n가 이,은");
        assert_eq!(list, vec!["도", "는", "가", "이", "은"]);
        let morphs = ["배송", "은", "빠르", "고", "포장", "도", "좋다"];
        assert_eq!(
            remove_stopwords(&morphs, &list),
            vec!["배송", "빠르", "고", "포장", "좋다"]
        );
        assert_eq!(LECTURE_STOPWORDS.len(), 23);
    }
}
