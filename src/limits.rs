//! Bounds on what a user can ask for, so that a pasted novel or a slider pushed to the end
//! gives a message instead of a frozen tab or an out-of-memory crash. The page, the worker and
//! the CLI check the same numbers; each limit is well above what the lecture uses.
//!
//! ```
//! use rnn_playground::limits::{self, Limit};
//!
//! assert!(limits::check(Limit::HiddenUnits, 128).is_ok());
//! let err = limits::check(Limit::HiddenUnits, 100_000).unwrap_err();
//! assert!(err.to_string().contains("at most 1024"));
//! ```

use thiserror::Error;

/// Something the playground bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Bytes of text in one corpus or review file (the studio's text, a retraining file, the
    /// tokenizer panel's input).
    CorpusBytes,
    /// Bytes of a review file to retrain on in the page (the full 200k-review shopping file
    /// fits).
    ReviewFileBytes,
    /// Words in a vocabulary that becomes a layer (the studio's softmax over every word).
    Vocabulary,
    /// Tokens in one padded sequence (`maxlen`, the longest line).
    SequenceLength,
    /// Units of a recurrent layer.
    HiddenUnits,
    /// Size of an embedding vector.
    EmbeddingDim,
    Epochs,
    BatchSize,
    /// Parameters of a model trained in the page.
    Parameters,
}

impl Limit {
    /// The largest value allowed.
    pub const fn max(self) -> usize {
        match self {
            Limit::CorpusBytes => 1_000_000,
            Limit::ReviewFileBytes => 64_000_000,
            Limit::Vocabulary => 20_000,
            Limit::SequenceLength => 1_000,
            Limit::HiddenUnits => 1024,
            Limit::EmbeddingDim => 512,
            Limit::Epochs => 10_000,
            Limit::BatchSize => 4096,
            Limit::Parameters => 20_000_000,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::CorpusBytes => "the text",
            Limit::ReviewFileBytes => "the review file",
            Limit::Vocabulary => "the vocabulary",
            Limit::SequenceLength => "a sequence",
            Limit::HiddenUnits => "hidden units",
            Limit::EmbeddingDim => "the embedding size",
            Limit::Epochs => "epochs",
            Limit::BatchSize => "batch_size",
            Limit::Parameters => "the model",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Limit::CorpusBytes | Limit::ReviewFileBytes => " bytes",
            Limit::Vocabulary => " words",
            Limit::SequenceLength => " tokens",
            Limit::Parameters => " parameters",
            _ => "",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            Limit::CorpusBytes => "use a shorter text or a sample of the file",
            Limit::ReviewFileBytes => "use a sample of the file, or train with the CLI",
            Limit::Vocabulary => "set num_words or use a smaller text",
            Limit::SequenceLength => "split long lines into sentences or set maxlen",
            Limit::HiddenUnits | Limit::EmbeddingDim | Limit::Parameters => {
                "choose a smaller model"
            }
            Limit::Epochs => "train fewer epochs (training can be resumed)",
            Limit::BatchSize => "choose a smaller batch size",
        }
    }
}

/// A value over its [`Limit`], with what the user can do about it.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{} is {value}{} (at most {}{}): {}", .limit.what(), .limit.unit(), .limit.max(), .limit.unit(), .limit.advice())]
pub struct LimitError {
    pub limit: Limit,
    pub value: usize,
}

/// `Ok` when `value` is within `limit`.
pub fn check(limit: Limit, value: usize) -> Result<(), LimitError> {
    if value > limit.max() {
        Err(LimitError { limit, value })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_value_the_limit_and_a_way_out() {
        assert_eq!(check(Limit::Epochs, 10_000), Ok(()));
        let err = check(Limit::CorpusBytes, 2_500_000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the text is 2500000 bytes (at most 1000000 bytes): use a shorter text or a sample of the file"
        );
        let err = check(Limit::HiddenUnits, 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "hidden units is 4096 (at most 1024): choose a smaller model"
        );
    }
}
