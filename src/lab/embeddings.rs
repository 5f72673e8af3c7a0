//! Embeddings as lookup tables (lecture 10).
//!
//! - The lecture's "I am groot" table: each word's row of a 2-column table (E1, E2) is what the
//!   Embedding layer hands the RNN. The student edits the numbers; [`lookup`] runs the sentence
//!   through a real `Embedding` layer holding that table.
//! - A trained model's Embedding, projected to 2-D by PCA ([`project`]), with every word's
//!   nearest neighbours (cosine similarity in the full space).
//!
//! ```
//! use rnn_playground::lab::embeddings::{GROOT_TABLE, lookup};
//!
//! let table: Vec<(String, [f32; 2])> =
//!     GROOT_TABLE.iter().map(|(w, v)| (w.to_string(), *v)).collect();
//! let rows = lookup(&table, "I am groot").unwrap();
//! assert_eq!(rows.vectors, vec![GROOT_TABLE[0].1.to_vec(), GROOT_TABLE[1].1.to_vec(), GROOT_TABLE[2].1.to_vec()]);
//! ```

use candle_core::{Device, Tensor, Var};
use serde::{Deserialize, Serialize};

use super::{LabError, Result};
use crate::i18n::Bilingual;
use crate::nn::{Embedding, Layer};
use crate::sentiment::SentimentModel;
use crate::text::{Tokenizer, TokenizerConfig};

/// Our starting values for the lecture's table (the student changes them).
pub const GROOT_TABLE: [(&str, [f32; 2]); 3] = [
    ("i", [0.25, -0.62]),
    ("am", [-0.48, 0.13]),
    ("groot", [0.81, 0.57]),
];

/// A sentence through the table: token ids and the rows the Embedding returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lookup {
    pub words: Vec<String>,
    /// Keras ids (1 = first word of the table; 0 is padding, unknown words are left out).
    pub ids: Vec<u32>,
    /// The Embedding's output, one row per word: shape `[len, 2]`.
    pub vectors: Vec<Vec<f32>>,
}

/// Run `sentence` through an `Embedding(len + 1, 2)` whose row i + 1 is `table[i]` (row 0 is
/// the padding row).
pub fn lookup(table: &[(String, [f32; 2])], sentence: &str) -> Result<Lookup> {
    if table.is_empty() {
        return Err(LabError::input(
            "표에 단어가 하나 이상 있어야 합니다",
            "the table needs at least one word",
        ));
    }
    if table.iter().any(|(_, v)| !v.iter().all(|x| x.is_finite())) {
        return Err(LabError::input(
            "표의 모든 칸은 수여야 합니다",
            "every cell of the table must be a number",
        ));
    }
    let mut tokenizer =
        Tokenizer::new(TokenizerConfig::default()).map_err(|e| LabError::Input(e.text()))?;
    let words: Vec<&str> = table.iter().map(|(w, _)| w.as_str()).collect();
    tokenizer.fit_on_texts(&[words.join(" ")]);
    let ids: Vec<u32> = tokenizer.texts_to_sequences([sentence])[0]
        .iter()
        .map(|&i| i as u32)
        .collect();
    // Row i of the layer is the table row of the word with id i (the tokenizer orders by
    // frequency, then first appearance: the table's own order).
    let mut weights = vec![0f32; (tokenizer.word_index().len() + 1) * 2];
    for (word, v) in table {
        if let Some(&i) = tokenizer.word_index().get(&word.to_lowercase()) {
            weights[i * 2..i * 2 + 2].copy_from_slice(v);
        }
    }
    let rows = weights.len() / 2;
    let mut layer = Embedding::new(rows, 2, false, 0);
    layer.embeddings = Var::from_tensor(&Tensor::from_vec(weights, (rows, 2), &Device::Cpu)?)?;
    let vectors = if ids.is_empty() {
        Vec::new()
    } else {
        let x = Tensor::from_vec(ids.clone(), (1, ids.len()), &Device::Cpu)?;
        layer.forward(&x)?.squeeze(0)?.to_vec2::<f32>()?
    };
    let index_word = tokenizer.index_word();
    Ok(Lookup {
        words: ids
            .iter()
            .map(|i| index_word.get(&(*i as usize)).cloned().unwrap_or_default())
            .collect(),
        ids,
        vectors,
    })
}

/// A word of the projection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectedWord {
    pub word: String,
    pub index: usize,
    pub x: f32,
    pub y: f32,
    /// The most similar words (cosine similarity in the full embedding space).
    pub neighbours: Vec<(String, f32)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub dim: usize,
    /// Words the PCA was fitted on (the most frequent ones).
    pub fitted_on: usize,
    /// Share of the variance along the two axes.
    pub explained: [f32; 2],
    pub words: Vec<ProjectedWord>,
}

/// PCA of the Embedding rows of the `fit` most frequent words; the `show` most frequent are
/// returned with their 2-D coordinates and `k` nearest neighbours among the fitted words.
pub fn project(model: &SentimentModel, fit: usize, show: usize, k: usize) -> Result<Projection> {
    let Some((_, Layer::Embedding(embedding))) = model.model.layers().first() else {
        return Err(LabError::input(
            "이 모델에는 Embedding 층이 없습니다",
            "this model has no Embedding layer",
        ));
    };
    let index_word = model.tokenizer.index_word();
    // Ids 2.. are real words (0 is padding, 1 the OOV token).
    let last = embedding.input_dim.min(index_word.len() + 1);
    let fit = fit.min(last.saturating_sub(2));
    if fit < 3 {
        return Err(LabError::input(
            "이 모델은 아는 단어가 너무 적어 투영할 수 없습니다",
            "the model knows too few words to project",
        ));
    }
    let table = embedding.embeddings.as_tensor().narrow(0, 2, fit)?; // [fit, dim]
    let dim = table.dim(1)?;
    let centred = table.broadcast_sub(&table.mean_keepdim(0)?)?;
    let cov = (centred.t()?.matmul(&centred)? / fit as f64)?; // [dim, dim]
    let total = cov
        .to_vec2::<f32>()?
        .iter()
        .enumerate()
        .map(|(i, r)| r[i])
        .sum::<f32>();
    let (v1, l1) = power_iteration(&cov, None)?;
    let (v2, l2) = power_iteration(&cov, Some(&v1))?;
    let axes = Tensor::cat(&[&v1, &v2], 1)?; // [dim, 2]
    let coords = centred.matmul(&axes)?.to_vec2::<f32>()?;
    // Cosine similarities among the fitted words.
    let norms = table
        .sqr()?
        .sum_keepdim(1)?
        .sqrt()?
        .clamp(1e-12, f64::INFINITY)?;
    let unit = table.broadcast_div(&norms)?;
    let show = show.min(fit);
    let sims = unit.narrow(0, 0, show)?.matmul(&unit.t()?)?; // [show, fit]
    let order = sims.arg_sort_last_dim(false)?.to_vec2::<u32>()?;
    let sims = sims.to_vec2::<f32>()?;
    let word = |i: usize| index_word.get(&(i + 2)).cloned().unwrap_or_default();
    let words = (0..show)
        .map(|i| ProjectedWord {
            word: word(i),
            index: i + 2,
            x: coords[i][0],
            y: coords[i][1],
            neighbours: order[i]
                .iter()
                .map(|&j| j as usize)
                .filter(|&j| j != i)
                .take(k)
                .map(|j| (word(j), sims[i][j]))
                .collect(),
        })
        .collect();
    Ok(Projection {
        dim,
        fitted_on: fit,
        explained: [l1 / total.max(1e-12), l2 / total.max(1e-12)],
        words,
    })
}

/// The leading eigenvector `[dim, 1]` of a symmetric matrix (orthogonal to `other`) and its
/// eigenvalue.
fn power_iteration(m: &Tensor, other: Option<&Tensor>) -> Result<(Tensor, f32)> {
    let dim = m.dim(0)?;
    // A fixed, non-degenerate start: the page shows the same picture every time.
    let start: Vec<f32> = (0..dim).map(|i| 1.0 + (i as f32 * 0.618).fract()).collect();
    let mut v = Tensor::from_vec(start, (dim, 1), &Device::Cpu)?;
    let deflate = |v: &Tensor| -> Result<Tensor> {
        Ok(match other {
            Some(o) => (v - o.broadcast_mul(&o.t()?.matmul(v)?)?)?,
            None => v.clone(),
        })
    };
    let normalise = |v: &Tensor| -> Result<Tensor> {
        let n = v.sqr()?.sum_all()?.sqrt()?.to_scalar::<f32>()?.max(1e-12);
        Ok((v / n as f64)?)
    };
    v = normalise(&deflate(&v)?)?;
    for _ in 0..200 {
        v = normalise(&deflate(&m.matmul(&v)?)?)?;
    }
    let lambda = v
        .t()?
        .matmul(&m.matmul(&v)?)?
        .flatten_all()?
        .to_vec1::<f32>()?[0];
    Ok((v, lambda))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<(String, [f32; 2])> {
        GROOT_TABLE
            .iter()
            .map(|(w, v)| (w.to_string(), *v))
            .collect()
    }

    #[test]
    fn the_embedding_returns_the_table_rows_in_sentence_order() {
        let mut t = table();
        t[2].1 = [9.0, -9.0];
        let l = lookup(&t, "groot, I am GROOT").unwrap();
        assert_eq!(l.ids, vec![3, 1, 2, 3]);
        assert_eq!(l.words, vec!["groot", "i", "am", "groot"]);
        assert_eq!(l.vectors[0], vec![9.0, -9.0]);
        assert_eq!(l.vectors[1], GROOT_TABLE[0].1.to_vec());
        assert_eq!(lookup(&t, "nobody here").unwrap().vectors.len(), 0);
        t[0].1[0] = f32::NAN;
        assert!(lookup(&t, "I am groot").is_err());
    }

    #[test]
    fn power_iteration_finds_the_principal_axes() {
        let m = Tensor::new(
            &[[4f32, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 2.0]],
            &Device::Cpu,
        )
        .unwrap();
        let (v1, l1) = power_iteration(&m, None).unwrap();
        let (v2, l2) = power_iteration(&m, Some(&v1)).unwrap();
        assert!((l1 - 4.0).abs() < 1e-4 && (l2 - 2.0).abs() < 1e-4);
        let v1 = v1.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let v2 = v2.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!((v1[0].abs() - 1.0).abs() < 1e-4 && (v2[2].abs() - 1.0).abs() < 1e-4);
    }
}
