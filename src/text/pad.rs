//! Keras' `pad_sequences`: make every sequence `maxlen` long by cutting and filling.
//!
//! ```
//! use rnn_playground::text::{pad_sequences, PadOptions, Side};
//!
//! let seqs = vec![vec![1, 2, 3], vec![4]];
//! assert_eq!(pad_sequences(&seqs, &PadOptions::default()), vec![vec![1, 2, 3], vec![0, 0, 4]]);
//! let post = PadOptions { maxlen: Some(2), padding: Side::Post, truncating: Side::Post, value: 0 };
//! assert_eq!(pad_sequences(&seqs, &post), vec![vec![1, 2], vec![4, 0]]);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which end of a sequence to pad or truncate: Keras' `'pre'` or `'post'`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// At the start (Keras' default for both `padding` and `truncating`).
    #[default]
    Pre,
    /// At the end.
    Post,
}

impl FromStr for Side {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pre" => Ok(Side::Pre),
            "post" => Ok(Side::Post),
            other => Err(format!("expected 'pre' or 'post', got {other:?}")),
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Pre => "pre",
            Side::Post => "post",
        })
    }
}

/// The keyword arguments of `pad_sequences`, with Keras' defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PadOptions<T = usize> {
    /// Length of every row; `None` means the longest sequence.
    pub maxlen: Option<usize>,
    /// Where the fill values go.
    pub padding: Side,
    /// Which end is cut from sequences longer than `maxlen`.
    pub truncating: Side,
    /// The fill value.
    pub value: T,
}

impl<T: Default> Default for PadOptions<T> {
    fn default() -> Self {
        Self {
            maxlen: None,
            padding: Side::Pre,
            truncating: Side::Pre,
            value: T::default(),
        }
    }
}

/// Pad (and truncate) `sequences` to one length, as Keras' `pad_sequences` does.
pub fn pad_sequences<T: Copy>(sequences: &[Vec<T>], options: &PadOptions<T>) -> Vec<Vec<T>> {
    let maxlen = options
        .maxlen
        .unwrap_or_else(|| sequences.iter().map(Vec::len).max().unwrap_or(0));
    sequences
        .iter()
        .map(|s| {
            let kept = if s.len() <= maxlen {
                &s[..]
            } else {
                match options.truncating {
                    Side::Pre => &s[s.len() - maxlen..],
                    Side::Post => &s[..maxlen],
                }
            };
            let fill = std::iter::repeat_n(options.value, maxlen - kept.len());
            match options.padding {
                Side::Pre => fill.chain(kept.iter().copied()).collect(),
                Side::Post => kept.iter().copied().chain(fill).collect(),
            }
        })
        .collect()
}
