//! Okt's `morphs` without a JVM: open-korean-text 2.1.0's dictionaries and search (the
//! segmenter konlpy's `Okt` runs in lectures 9 and 11), in Rust, natively and in wasm.
//!
//! * [`lexicon`]: Okt's 433k dictionary words as one finite-state transducer
//!   (`data/segmenter/okt-lexicon.bin`, made by `scripts/okt_lexicon.py` and
//!   `rnn-playground build-okt-lexicon`);
//! * [`pos`]: the part-of-speech grammar of a word;
//! * [`parser`]: the best parse of a run of syllables by Okt's score;
//! * [`Segmenter`]: text → words → runs → morphemes, as `okt.morphs` gives them.
//!
//! ```
//! use rnn_playground::segment::Segmenter;
//!
//! let okt = Segmenter::shipped();
//! assert_eq!(okt.segment("배송이 빨라요!!"), okt.segment_clean("배송이 빨라요"));
//! assert_eq!(okt.segment("").len(), 0);
//! assert_eq!(okt.segment("ㅋㅋㅋ 👍"), vec!["ㅋㅋㅋ"]);
//! ```

pub mod eval;
pub mod labels;
pub mod lexicon;
pub mod lines;
pub mod parser;
pub mod pos;
pub mod segmenter;

use std::sync::OnceLock;

pub use lines::{PreprocessedLine, preprocess, preprocess_lines};
pub use segmenter::Segmenter;

/// The shipped lexicon, built into every build but the page's own wasm (the page fetches it
/// when a panel first needs Korean morphemes and hands it to its worker: [`Segmenter::install`]).
#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
pub const SHIPPED_LEXICON: &[u8] = include_bytes!("../../data/segmenter/okt-lexicon.bin");

/// Where the page finds the lexicon, relative to the site.
pub const LEXICON_URL: &str = "segmenter/okt-lexicon.bin";

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error(
        "this file is not a segmenter lexicon (expected Okt's dictionaries as written by build-okt-lexicon): build one with `rnn-playground build-okt-lexicon`"
    )]
    NotALexicon,
    #[error(
        "line {line} of the lexicon table is not `word<TAB>class bits<TAB>frequency`: make the table with scripts/okt_lexicon.py"
    )]
    BadLexiconTable { line: usize },
    #[error("the segmenter's dictionary is not loaded yet: reload the page")]
    NotLoaded,
}

impl crate::i18n::Bilingual for SegmentError {
    fn text(&self) -> crate::i18n::Text {
        let ko = match self {
            SegmentError::NotALexicon => "형태소 사전 파일이 아닙니다 (build-okt-lexicon이 만든 Okt 사전이어야 합니다): `rnn-playground build-okt-lexicon`으로 만드세요".to_string(),
            SegmentError::BadLexiconTable { line } => format!(
                "사전 표의 {line}번째 줄이 `단어<TAB>품사 비트<TAB>빈도` 형식이 아닙니다: scripts/okt_lexicon.py로 표를 만드세요"
            ),
            SegmentError::NotLoaded => {
                "형태소 사전을 아직 불러오지 못했습니다: 페이지를 새로 고치세요".to_string()
            }
        };
        crate::i18n::Text::new(ko, self.to_string())
    }
}

static SHIPPED: OnceLock<Segmenter> = OnceLock::new();

impl Segmenter {
    /// The shipped segmenter (loaded once). In the page's worker it is the one the page
    /// installed; the worker checks [`Segmenter::loaded`] before it segments.
    pub fn shipped() -> &'static Segmenter {
        #[cfg(not(all(target_arch = "wasm32", feature = "web")))]
        {
            SHIPPED.get_or_init(|| {
                Segmenter::from_lexicon_bytes(SHIPPED_LEXICON).expect("the shipped lexicon loads")
            })
        }
        #[cfg(all(target_arch = "wasm32", feature = "web"))]
        {
            Segmenter::loaded().expect("the page installs the segmenter before it segments")
        }
    }

    /// The shipped segmenter if it is there: always natively, in the page once installed.
    pub fn loaded() -> Option<&'static Segmenter> {
        #[cfg(not(all(target_arch = "wasm32", feature = "web")))]
        {
            Some(Segmenter::shipped())
        }
        #[cfg(all(target_arch = "wasm32", feature = "web"))]
        {
            SHIPPED.get()
        }
    }

    /// [`Segmenter::loaded`], or the error that says the page has not sent the lexicon yet.
    pub fn required() -> Result<&'static Segmenter, SegmentError> {
        Segmenter::loaded().ok_or(SegmentError::NotLoaded)
    }

    /// Make the lexicon file `bytes` the shipped segmenter (the page's worker, once fetched).
    /// A second call keeps the first one.
    pub fn install(bytes: &[u8]) -> Result<&'static Segmenter, SegmentError> {
        if let Some(s) = SHIPPED.get() {
            return Ok(s);
        }
        let s = Segmenter::from_lexicon_bytes(bytes)?;
        Ok(SHIPPED.get_or_init(|| s))
    }
}
