//! The whole tokenizer panel in one call: fit a [`Tokenizer`] on lines of text, encode them,
//! optionally turn them into lecture 8's prefix samples, pad, and split `x`/`y`.
//!
//! Both the `rnn-playground tokenize` command and the "Tokenizer & padding" page show exactly
//! this result, so the two can never disagree.
//!
//! ```
//! use rnn_playground::text::pipeline::{tokenize_lines, PipelineOptions};
//!
//! let lines = ["경마장에 있는 말이 뛰고 있다", "그의 말이 법이다", "가는 말이 고와야 오는 말이 곱다"];
//! let options = PipelineOptions { ngrams: true, ..PipelineOptions::default() };
//! let out = tokenize_lines(&lines, &options).unwrap();
//! assert_eq!(out.vocab_size, 12);
//! assert_eq!(out.max_len, 6);
//! assert_eq!(out.y.unwrap(), vec![3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]);
//! ```

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{
    PadOptions, TextError, Tokenizer, TokenizerConfig, pad_sequences, prefix_ngrams, split_x_y,
};

/// Upper bound on `samples × max_len` for the prefix samples (about 16 MB of indices).
pub const MAX_SAMPLE_CELLS: usize = 2_000_000;

/// Every option of the pipeline: the tokenizer's, `pad_sequences`' and the n-gram switch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineOptions {
    pub tokenizer: TokenizerConfig,
    pub pad: PadOptions<i64>,
    /// Replace each line's sequence by its prefix samples and add `x` and `y`.
    pub ngrams: bool,
}

/// What the pipeline produced, in the lecture's names. Serialized as the `tokenize` command's
/// JSON object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineOutput {
    /// Word → index in index order.
    pub word_index: IndexMap<String, usize>,
    /// Word → count in first-seen order.
    pub word_counts: IndexMap<String, usize>,
    /// `len(word_index) + 1`.
    pub vocab_size: usize,
    /// One encoded sequence per line, or the prefix samples with `ngrams`.
    pub sequences: Vec<Vec<usize>>,
    /// Length of the longest sequence (the lecture's `max_len`).
    pub max_len: usize,
    /// `sequences` after `pad_sequences`.
    pub padded: Vec<Vec<i64>>,
    /// With `ngrams`: every padded row but its last column.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub x: Option<Vec<Vec<i64>>>,
    /// With `ngrams`: the last column of every padded row.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub y: Option<Vec<i64>>,
}

/// Run the pipeline on `lines` (each line is one text, as Keras' `texts`).
pub fn tokenize_lines<S: AsRef<str>>(
    lines: &[S],
    options: &PipelineOptions,
) -> Result<PipelineOutput, TextError> {
    let mut tokenizer = Tokenizer::new(options.tokenizer.clone())?;
    let texts: Vec<&str> = lines.iter().map(AsRef::as_ref).collect();
    tokenizer.fit_on_texts(&texts);
    let encoded = tokenizer.texts_to_sequences(&texts);
    let sequences = if options.ngrams {
        // A line of n words gives n − 1 samples of up to n words: n² cells. A 100,000-character
        // line would need gigabytes; refuse it with a message instead.
        let cells: usize = encoded
            .iter()
            .map(|s| s.len().saturating_sub(1) * s.len())
            .sum();
        if cells > MAX_SAMPLE_CELLS {
            return Err(TextError::TooLarge {
                cells,
                limit: MAX_SAMPLE_CELLS,
            });
        }
        prefix_ngrams(&encoded)
    } else {
        encoded
    };
    let as_i64: Vec<Vec<i64>> = sequences
        .iter()
        .map(|s| s.iter().map(|&i| i as i64).collect())
        .collect();
    let padded = pad_sequences(&as_i64, &options.pad);
    let (x, y) = if options.ngrams {
        let (x, y) = split_x_y(&padded);
        (Some(x), Some(y))
    } else {
        (None, None)
    };
    Ok(PipelineOutput {
        word_index: tokenizer.word_index().clone(),
        word_counts: tokenizer.word_counts().clone(),
        vocab_size: tokenizer.vocab_size(),
        max_len: sequences.iter().map(Vec::len).max().unwrap_or(0),
        sequences,
        padded,
        x,
        y,
    })
}
