//! Lectures 9 and 11: is a review positive (긍정) or negative (부정)?
//!
//! The lecture's pipeline: clean each review to Hangul, split it into morphemes (Okt there, our
//! [`Segmenter`] here), drop stopwords, fit a Keras tokenizer (8,000 words with an OOV token),
//! pad to 60, and train Embedding → SimpleRNN/LSTM/GRU → Dense(1, sigmoid) with
//! `validation_split=0.2` and early stopping. [`SentimentModel::sentiment_predict`] answers in
//! the lecture's words:
//!
//! ```text
//! sentiment_predict('이 상품 진짜 좋아요... 저는 강추합니다. 대박')
//! 99.95% 확률로 긍정 리뷰입니다.
//! ```

mod config;
mod metrics;
mod model;
mod session;
mod tokens;

pub use config::{Pooling, SentimentConfig, TextUnits, WORD_BOUNDARY};
pub use metrics::{accuracy, right_answers, wilson_interval};
pub use model::{SentimentModel, Stages, correct_prior, lecture_sentence};
pub use session::{SentimentSession, train_sentiment, train_sentiment_on_targets};
pub use tokens::{NO_WORDS_NOTE, no_words_note, syllables, tokens_in};
