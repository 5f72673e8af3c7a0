//! The lecture's own small texts, shipped in `data/lecture/` and compiled in, so the CLI, the
//! page and the tests all start from the same bytes.

/// Lecture 8's corpus for next-word prediction (one sentence per line, trailing newline
/// included, as the lecture writes it).
pub const NEXT_WORD_TEXT: &str = include_str!("../data/lecture/next_word.txt");

/// Forty short shopping and movie reviews written for this project (not taken from any
/// dataset): the segmenter's benchmark input and the page's examples.
pub const EXAMPLE_REVIEWS: &str = include_str!("../data/examples/reviews_we_wrote.txt");

/// Lecture 11's segmentation example and Okt's answer for it.
pub const OKT_EXAMPLE: (&str, &[&str]) = (
    "택배가 엉망이네용 저희집 밑에층에 말도없이 놔두고가고",
    &[
        "택배",
        "가",
        "엉망",
        "이네",
        "용",
        "저희",
        "집",
        "밑",
        "에",
        "층",
        "에",
        "말",
        "도",
        "없이",
        "놔두고가고",
    ],
);

/// Lecture 11's `sentiment_predict` calls, in the lecture's order (the review panel puts them
/// one click away).
pub const SENTIMENT_PREDICT_EXAMPLES: [&str; 4] = [
    "판매자님... 너무 짱이에요.. 대박나삼",
    "ㅁㄴㅇㄻㄴㅇ리뷰쓰기도 귀찮아",
    "이 상품 진짜 좋아요... 저는 강추합니다. 대박",
    "진짜 배송도 늦고 개짜증나네요. 뭐 이런 걸 상품이라고 만듬?",
];

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
