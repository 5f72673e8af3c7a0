use thiserror::Error;

/// What can go wrong in the text pipeline, phrased so the user knows what to change.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TextError {
    /// Keras raises `ValueError: empty separator` for `split=''`.
    #[error(
        "the split string is empty: give at least one character to split words on (Keras' default is a space)"
    )]
    EmptySplit,
    /// `to_categorical` got a class index that does not fit `num_classes`.
    #[error(
        "label {label} is out of range for {num_classes} classes: raise num_classes or leave it unset"
    )]
    LabelOutOfRange { label: usize, num_classes: usize },
    /// A tokenizer JSON could not be read.
    #[error(
        "this is not a Keras tokenizer JSON ({reason}): export it with tokenizer.to_json() in Python"
    )]
    TokenizerJson { reason: String },
    /// The prefix samples of a text would not fit in memory (a very long line).
    #[error(
        "the prefix samples of this text would have {cells} cells (limit {limit}): split long lines into sentences, one per line"
    )]
    TooLarge { cells: usize, limit: usize },
    /// The page segments a bounded amount of text at once.
    #[error(
        "the text has {chars} characters; the page segments up to {limit} at once: use `rnn-playground segment FILE` for more"
    )]
    TooLongToSegment { chars: usize, limit: usize },
    /// `pad_sequences` was given a fill value it cannot store.
    #[error("the padding value {value} is not a finite number: use an integer such as 0")]
    BadPadValue { value: f64 },
}
