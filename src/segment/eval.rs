//! Scoring the segmenter against Okt: labels made by `scripts/okt_silver_labels.py` (real Okt
//! on reviews, kept under `target/`), span F1 and speed.

use super::Segmenter;
use super::labels::{SpanScore, morph_lengths_per_word};

/// One review and Okt's morphemes for it (a line of the label files).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabeledReview {
    pub text: String,
    pub morphs: Vec<String>,
}

/// Read JSON lines `{"text", "morphs"}`; lines that do not parse, or whose morphemes do not
/// tile the text, are counted and skipped.
pub fn read_labels(jsonl: &str) -> (Vec<LabeledReview>, usize) {
    let mut skipped = 0;
    let reviews = jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let r = serde_json::from_str::<LabeledReview>(l)
                .ok()
                .filter(|r| morph_lengths_per_word(&r.text, &r.morphs).is_some());
            skipped += usize::from(r.is_none());
            r
        })
        .collect();
    (reviews, skipped)
}

/// Span F1 of `segmenter` against the labels, reviews exactly as Okt, and reviews per second
/// (one thread, no word cache).
pub fn evaluate(segmenter: &Segmenter, reviews: &[LabeledReview]) -> Evaluation {
    segmenter.segment_clean("가나");
    let start = web_time::Instant::now();
    let predicted: Vec<Vec<String>> = reviews
        .iter()
        .map(|r| segmenter.segment_clean(&r.text))
        .collect();
    let secs = start.elapsed().as_secs_f64();
    let mut score = SpanScore::default();
    let mut exact = 0;
    for (p, r) in predicted.iter().zip(reviews) {
        score.add(p, &r.morphs);
        exact += usize::from(*p == r.morphs);
    }
    Evaluation {
        score,
        exact,
        reviews_per_s: reviews.len() as f64 / secs.max(1e-9),
    }
}

/// What [`evaluate`] measured.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation {
    pub score: SpanScore,
    /// Reviews whose morphemes are exactly Okt's.
    pub exact: usize,
    pub reviews_per_s: f64,
}
