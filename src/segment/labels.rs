//! Morpheme boundaries as per-syllable labels, and the span F1 the segmenter is judged by.

use std::collections::HashSet;

/// For each word of `text` (split on spaces), the lengths of its morphemes, taken in order
/// from `morphs`; `None` when the morphemes do not tile the words exactly (a morpheme that
/// crosses a space, or different characters).
pub fn morph_lengths_per_word<S: AsRef<str>>(text: &str, morphs: &[S]) -> Option<Vec<Vec<usize>>> {
    let mut morphs = morphs.iter().map(|m| m.as_ref());
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut rest = word;
        let mut lengths = Vec::new();
        while !rest.is_empty() {
            let m = morphs.next()?;
            rest = rest.strip_prefix(m).filter(|_| !m.is_empty())?;
            lengths.push(m.chars().count());
        }
        out.push(lengths);
    }
    morphs.next().is_none().then_some(out)
}

/// Per gap between two characters of a word (`chars − 1` of them): whether a morpheme ends
/// there.
pub fn gap_labels(lengths: &[usize]) -> Vec<bool> {
    let total: usize = lengths.iter().sum();
    let mut labels = vec![false; total.saturating_sub(1)];
    let mut end = 0;
    for &len in lengths {
        end += len;
        if end < total {
            labels[end - 1] = true;
        }
    }
    labels
}

/// Morpheme spans `(start, end)` in characters of the text without spaces.
pub fn spans<S: AsRef<str>>(morphs: &[S]) -> Vec<(usize, usize)> {
    let mut start = 0;
    morphs
        .iter()
        .map(|m| {
            let end = start + m.as_ref().chars().count();
            let span = (start, end);
            start = end;
            span
        })
        .collect()
}

/// Counts for span precision, recall and F1 (a morpheme counts when its span matches
/// exactly), summed over reviews.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SpanScore {
    pub predicted: usize,
    pub gold: usize,
    pub matched: usize,
}

impl SpanScore {
    pub fn add<S: AsRef<str>, T: AsRef<str>>(&mut self, predicted: &[S], gold: &[T]) {
        let p: HashSet<_> = spans(predicted).into_iter().collect();
        let g = spans(gold);
        self.predicted += p.len();
        self.gold += g.len();
        self.matched += g.iter().filter(|s| p.contains(s)).count();
    }

    pub fn precision(&self) -> f64 {
        self.matched as f64 / self.predicted.max(1) as f64
    }

    pub fn recall(&self) -> f64 {
        self.matched as f64 / self.gold.max(1) as f64
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_labels_and_spans() {
        let morphs = ["택배", "가", "엉망", "이네", "용"];
        let lengths = morph_lengths_per_word("택배가 엉망이네용", &morphs).unwrap();
        assert_eq!(lengths, vec![vec![2, 1], vec![2, 2, 1]]);
        assert_eq!(gap_labels(&lengths[1]), vec![false, true, false, true]);
        assert_eq!(gap_labels(&[1]), Vec::<bool>::new());
        assert_eq!(spans(&morphs)[2], (3, 5));
        // A morpheme across a space, or other characters, do not tile the words.
        assert!(morph_lengths_per_word("택배 가", &["택배가"]).is_none());
        assert!(morph_lengths_per_word("택배가", &["택배", "는"]).is_none());
        assert!(morph_lengths_per_word("택배가", &["택배"]).is_none());
    }

    #[test]
    fn span_f1_by_hand() {
        let mut s = SpanScore::default();
        // gold: 택배|가|엉망 ; predicted: 택배가|엉망 → 1 of 2 predicted, 1 of 3 gold.
        s.add(&["택배가", "엉망"], &["택배", "가", "엉망"]);
        assert_eq!((s.predicted, s.gold, s.matched), (2, 3, 1));
        assert!((s.f1() - 2.0 * 0.5 * (1.0 / 3.0) / (0.5 + 1.0 / 3.0)).abs() < 1e-12);
    }
}
