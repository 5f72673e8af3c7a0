//! The lecture's text pipeline with Keras semantics: [`Tokenizer`], [`pad_sequences`],
//! [`to_categorical`] and the prefix n-gram samples of lecture 8.
//!
//! ```
//! use rnn_playground::text::{Tokenizer, pad_sequences, PadOptions, prefix_ngrams, split_x_y};
//!
//! let text = "경마장에 있는 말이 뛰고 있다\n그의 말이 법이다\n가는 말이 고와야 오는 말이 곱다\n";
//! let mut tokenizer = Tokenizer::default();
//! tokenizer.fit_on_texts([text]);
//! assert_eq!(tokenizer.word_index()["말이"], 1);
//! assert_eq!(tokenizer.vocab_size(), 12);
//!
//! let encoded = tokenizer.texts_to_sequences(text.split('\n'));
//! let samples = prefix_ngrams(&encoded);
//! let padded = pad_sequences(&samples, &PadOptions::default());
//! let (x, y) = split_x_y(&padded);
//! assert_eq!(x[0], vec![0, 0, 0, 0, 2]);
//! assert_eq!(y, vec![3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]);
//! ```

mod categorical;
mod error;
pub mod korean;
mod ngrams;
mod pad;
pub mod pipeline;
mod pyjson;
pub mod reviews;
mod tokenizer;

pub use categorical::to_categorical;
pub use error::TextError;
pub use ngrams::{prefix_ngrams, split_x_y};
pub use pad::{PadOptions, Side, pad_sequences};
pub use tokenizer::{DEFAULT_FILTERS, Document, Tokenizer, TokenizerConfig, text_to_word_sequence};
