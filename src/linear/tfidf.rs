//! TF-IDF as scikit-learn's `TfidfVectorizer(sublinear_tf=True, min_df=…)` computes it:
//! `(1 + ln tf) · idf`, `idf = ln((1 + n) / (1 + df)) + 1`, each row scaled to length 1.
//!
//! ```
//! use rnn_playground::linear::tfidf::Tfidf;
//!
//! let docs = vec![vec!["좋아".to_string(), "좋아".into()], vec!["별로".into(), "좋아".into()]];
//! let tfidf = Tfidf::fit(&docs, 1, usize::MAX);
//! let row = tfidf.transform(&docs[0]);
//! assert_eq!(row.len(), 1); // only 좋아, scaled to length 1
//! assert!((row[0].1 - 1.0).abs() < 1e-6);
//! ```

use std::collections::HashMap;

/// A fitted vocabulary (term → column) with each column's idf.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tfidf {
    pub vocabulary: HashMap<String, u32>,
    pub idf: Vec<f32>,
}

impl Tfidf {
    /// Terms in at least `min_df` documents; of those, the `max_features` most frequent ones
    /// (scikit-learn's order: by corpus count, ties by term).
    pub fn fit(docs: &[Vec<String>], min_df: usize, max_features: usize) -> Tfidf {
        let mut df: HashMap<&str, (u32, u64)> = HashMap::new();
        for doc in docs {
            let mut seen: Vec<&str> = doc.iter().map(String::as_str).collect();
            for t in &seen {
                df.entry(t).or_default().1 += 1;
            }
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                df.entry(t).or_default().0 += 1;
            }
        }
        let mut terms: Vec<(&str, u32, u64)> = df
            .into_iter()
            .filter(|(_, (d, _))| *d as usize >= min_df)
            .map(|(t, (d, c))| (t, d, c))
            .collect();
        terms.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        terms.truncate(max_features);
        // Columns in term order, as scikit-learn numbers them.
        terms.sort_by(|a, b| a.0.cmp(b.0));
        let n = docs.len() as f64;
        let idf = terms
            .iter()
            .map(|(_, d, _)| (((1.0 + n) / (1.0 + *d as f64)).ln() + 1.0) as f32)
            .collect();
        let vocabulary = terms
            .iter()
            .enumerate()
            .map(|(i, (t, _, _))| (t.to_string(), i as u32))
            .collect();
        Tfidf { vocabulary, idf }
    }

    pub fn len(&self) -> usize {
        self.idf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.idf.is_empty()
    }

    /// One document as sorted (column, value) pairs of length 1 (empty when no term is known).
    pub fn transform<S: AsRef<str>>(&self, doc: &[S]) -> Vec<(u32, f32)> {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for t in doc {
            if let Some(&c) = self.vocabulary.get(t.as_ref()) {
                *counts.entry(c).or_default() += 1;
            }
        }
        let mut row: Vec<(u32, f32)> = counts
            .into_iter()
            .map(|(c, tf)| (c, (1.0 + (tf as f32).ln()) * self.idf[c as usize]))
            .collect();
        row.sort_unstable_by_key(|&(c, _)| c);
        let norm = row.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut row {
                *v /= norm;
            }
        }
        row
    }
}
