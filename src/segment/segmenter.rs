//! The segmenter: Okt's `morphs` on any text, from Okt's own dictionaries and search.
//!
//! Okt splits text at spaces, then each word into runs of Hangul syllables (parsed by
//! [`Parser`]) and runs of jamo such as ㅋㅋ or ㅠㅠ (kept whole). So its morphemes never
//! cross a space and, joined, give back each word. This does the same with the same lexicon
//! and search, natively and in wasm.

use std::cell::RefCell;
use std::collections::HashMap;

use super::SegmentError;
use super::lexicon::{Lexicon, syllable};
use super::parser::{ParseScratch, Parser, finish};
use super::pos::PosTrie;
use crate::text::korean::clean_korean;

/// Runs of Hangul syllables longer than this (no real word is) are parsed in pieces of this
/// many syllables, so a pasted wall of text costs memory in proportion to this, not to its
/// length: the search keeps every parse it ranked (about 1 kB per syllable).
pub const MAX_RUN: usize = 1024;

thread_local! {
    static SCRATCH: RefCell<ParseScratch> = RefCell::new(ParseScratch::default());
}

/// Okt's morpheme segmenter: its lexicon and its part-of-speech grammar.
#[derive(Clone, Debug)]
pub struct Segmenter {
    lexicon: Lexicon,
    trie: PosTrie,
}

/// What kind of run a character belongs to inside a word (Okt's chunker).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Syllables,
    Jamo,
    Other,
}

fn run_of(c: char) -> Run {
    match c {
        '가'..='힣' => Run::Syllables,
        'ㄱ'..='ㅣ' => Run::Jamo,
        _ => Run::Other,
    }
}

impl Segmenter {
    /// A segmenter over a lexicon file (`data/segmenter/okt-lexicon.bin`).
    pub fn from_lexicon_bytes(bytes: &[u8]) -> Result<Self, SegmentError> {
        Ok(Segmenter {
            lexicon: Lexicon::from_bytes(bytes)?,
            trie: PosTrie::okt(),
        })
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The morphemes of one word (no spaces inside), appended to `out`. Hangul syllables are
    /// parsed as Okt parses them; a run of jamo (ㅋㅋ) or of other characters is one piece.
    pub fn split_word(&self, word: &str, out: &mut Vec<String>) {
        let chars: Vec<char> = word.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let kind = run_of(chars[i]);
            let mut j = i + 1;
            while j < chars.len() && run_of(chars[j]) == kind {
                j += 1;
            }
            if kind == Run::Syllables {
                let parser = Parser {
                    lexicon: &self.lexicon,
                    trie: &self.trie,
                };
                for piece in (i..j).step_by(MAX_RUN) {
                    let end = (piece + MAX_RUN).min(j);
                    let run: Vec<u16> = chars[piece..end]
                        .iter()
                        .map(|&c| syllable(c).expect("a syllable"))
                        .collect();
                    let morphemes = SCRATCH.with(|s| parser.parse(&run, &mut s.borrow_mut()));
                    for m in finish(morphemes) {
                        out.push(chars[piece + m.start..piece + m.end].iter().collect());
                    }
                }
            } else {
                out.push(chars[i..j].iter().collect());
            }
            i = j;
        }
    }

    /// `okt.morphs(text)` for text that is already clean: morphemes of every word in order.
    pub fn segment_clean(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            self.split_word(word, &mut out);
        }
        out
    }

    /// The morphemes of each word of cleaned text, word by word (the tokenizer panel draws
    /// them per word); [`Segmenter::segment_clean`] is the same, flattened.
    pub fn segment_words(&self, clean_text: &str) -> Vec<Vec<String>> {
        clean_text
            .split_whitespace()
            .map(|word| {
                let mut out = Vec::new();
                self.split_word(word, &mut out);
                out
            })
            .collect()
    }

    /// The lecture's pipeline on raw text: clean (keep Hangul and spaces), then segment.
    pub fn segment(&self, text: &str) -> Vec<String> {
        self.segment_clean(&clean_korean(text))
    }

    /// [`Segmenter::segment`] over many texts. Words repeat a lot in reviews, so each distinct
    /// word is parsed once per batch.
    pub fn segment_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<Vec<String>> {
        let mut cache: HashMap<String, Vec<String>> = HashMap::new();
        texts
            .iter()
            .map(|t| {
                let clean = clean_korean(t.as_ref());
                let mut out = Vec::new();
                for word in clean.split_whitespace() {
                    if let Some(m) = cache.get(word) {
                        out.extend(m.iter().cloned());
                        continue;
                    }
                    let mut m = Vec::new();
                    self.split_word(word, &mut m);
                    out.extend(m.iter().cloned());
                    // Bounded, so a batch of random text cannot grow it without limit.
                    if cache.len() < 200_000 {
                        cache.insert(word.to_string(), m);
                    }
                }
                out
            })
            .collect()
    }
}
