//! A Korean morpheme segmenter that gives Okt's `morphs` without a JVM: a small model over
//! syllables, trained on Okt's own output, that runs in wasm and natively with the same code.
//!
//! Okt's morphemes never cross a space and, joined, give back the word, so segmentation is a
//! yes/no decision at every gap between two syllables of a word. [`Segmenter`] makes it from
//! the syllables around the gap ([`segmenter`] explains the model and why it is fast).
//!
//! ```
//! use rnn_playground::segment::Segmenter;
//!
//! let okt = Segmenter::shipped();
//! assert_eq!(okt.segment("배송이 빨라요!!"), okt.segment_clean("배송이 빨라요"));
//! assert_eq!(okt.segment("").len(), 0);
//! assert_eq!(okt.segment("ㅋㅋㅋ 👍"), vec!["ㅋㅋㅋ"]);
//! ```

pub mod labels;
pub mod lines;
pub mod segmenter;
#[cfg(not(target_arch = "wasm32"))]
pub mod train;

use std::sync::OnceLock;

pub use lines::{PreprocessedLine, preprocess_lines};
pub use segmenter::{Segmenter, SegmenterConfig};

/// The shipped model (`data/segmenter/okt-segmenter.safetensors`, made by
/// `rnn-playground train-segmenter` from `scripts/okt_silver_labels.py`'s labels).
pub const SHIPPED_MODEL: &[u8] = include_bytes!("../../data/segmenter/okt-segmenter.safetensors");

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error(
        "this file is not a segmenter model (expected Embedding → Flatten → Dense(relu) layers → Dense(1, sigmoid), with a character list): train one with `rnn-playground train-segmenter`"
    )]
    NotASegmenter,
    #[error(transparent)]
    Nn(#[from] crate::nn::NnError),
    #[error("tensor error: {0}")]
    Tensor(#[from] candle_core::Error),
}

impl Segmenter {
    /// The shipped model, loaded once.
    pub fn shipped() -> &'static Segmenter {
        static SHIPPED: OnceLock<Segmenter> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            Segmenter::from_file_bytes(SHIPPED_MODEL).expect("the shipped segmenter model loads")
        })
    }
}
