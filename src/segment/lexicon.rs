//! Okt's dictionaries as one table: for each word, the parts of speech whose dictionary
//! holds it, whether it is a name, and its entity frequency.
//!
//! The table comes from open-korean-text 2.1.0 (Apache-2.0; see `data/segmenter/NOTICE`), as
//! the running JVM holds it (`scripts/okt_lexicon.py`: 433k words, verbs and adjectives in
//! every conjugated form). Only words of Hangul syllables are kept (nothing else reaches the
//! parser).
//!
//! **The file** (`data/segmenter/okt-lexicon.bin`) is the sorted words front-coded (how many
//! syllables a word shares with the one before, then the rest), stored column by column
//! (lengths, syllables, classes, frequencies), each column deflated: 0.78 MB, where the same
//! words as an fst file are 2.6 MB (1.5 MB gzip). Syllables are written as their rank by
//! frequency in the table (one byte for the 128 most common).
//!
//! **In memory** the words become a finite-state transducer (the `fst` crate), each syllable
//! two bytes (its index from 가). The parser asks "which words start here?" at every syllable;
//! one walk down the transducer answers it for every length at once ([`Lexicon::prefixes`]).
//!
//! ```
//! use rnn_playground::segment::lexicon::{Lexicon, syllables};
//! use rnn_playground::segment::pos::KoreanPos;
//!
//! let table = "배송\t1\t12\n배송비\t1\t0\n빨라요\t4\t0\n";
//! let lexicon = Lexicon::from_bytes(&Lexicon::build(table).unwrap()).unwrap();
//! let word = syllables("배송비").unwrap();
//! let mut found = Vec::new();
//! lexicon.prefixes(&word, 8, &mut found);
//! assert_eq!(found.iter().map(|(len, _)| *len).collect::<Vec<_>>(), [2, 3]);
//! assert!(found[0].1.has(KoreanPos::Noun));
//! assert_eq!(found[0].1.freq(), 0.0012);
//! assert!(lexicon.get(&syllables("빨라요").unwrap()).unwrap().has(KoreanPos::Adjective));
//! ```

use std::sync::OnceLock;

use fst::raw::Output;

use super::SegmentError;
use super::pos::KoreanPos;

/// A lexicon entry: class bits 0–12 are the dictionaries ([`KoreanPos::WITH_DICTIONARY`]),
/// 13–15 the name lists (family, given, full names); above them the entity frequency in
/// 1/10,000 plus one (0: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Entry(u64);

pub const FAMILY_NAME: u16 = 1 << 13;
pub const GIVEN_NAME: u16 = 1 << 14;
pub const FULL_NAME: u16 = 1 << 15;
const DICTIONARIES: u16 = (1 << 13) - 1;

impl Entry {
    pub fn classes(self) -> u16 {
        self.0 as u16
    }

    /// Whether `pos`'s dictionary holds the word.
    pub fn has(self, pos: KoreanPos) -> bool {
        self.classes() & pos.bit() != 0
    }

    /// Whether any of the 13 dictionaries holds it (Okt's direct match of a whole chunk).
    pub fn in_any_dictionary(self) -> bool {
        self.classes() & DICTIONARIES != 0
    }

    pub fn is(self, name_list: u16) -> bool {
        self.classes() & name_list != 0
    }

    /// Okt's entity frequency (`koreanEntityFreq.getOrDefault(word, 0f)`), exactly the float
    /// Okt reads: it parses the first 6 characters of the file's number ("0.6567").
    pub fn freq(self) -> f32 {
        match (self.0 >> 16) as usize {
            0 => 0.0,
            k => freq_table()[k - 1],
        }
    }
}

/// `"0.dddd".parse::<f32>()` for every 4-digit frequency: Java's `parseFloat` and Rust's both
/// round the decimal correctly, so the floats (and Okt's scores) agree to the bit.
fn freq_table() -> &'static [f32] {
    static TABLE: OnceLock<Vec<f32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=10_000u32)
            .map(|k| {
                let s = if k == 10_000 {
                    "1.0".to_string()
                } else {
                    format!("0.{k:04}")
                };
                s.parse().expect("a decimal number")
            })
            .collect()
    })
}

/// A word as the lexicon spells it: each syllable's index from 가, or `None` when the word has
/// anything but Hangul syllables.
pub fn syllables(word: &str) -> Option<Vec<u16>> {
    word.chars().map(syllable).collect()
}

/// The index of a Hangul syllable (가 = 0 … 힣 = 11,171).
pub fn syllable(c: char) -> Option<u16> {
    matches!(c, '가'..='힣').then(|| (c as u32 - '가' as u32) as u16)
}

/// Okt's dictionaries, as an in-memory transducer.
#[derive(Clone)]
pub struct Lexicon {
    map: fst::Map<Vec<u8>>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lexicon({} words)", self.map.len())
    }
}

const MAGIC: &[u8; 8] = b"OKTLEX\x01\x00";
/// No column of the shipped table inflates past this (it holds 2.8 MB in all): a cut or
/// crafted file cannot make us allocate more.
const MAX_COLUMN: usize = 64 << 20;

/// One row of the table: the word's syllables and its entry.
type Row = (Vec<u16>, u64);

impl Lexicon {
    /// A lexicon file written by [`Lexicon::build`] (`data/segmenter/okt-lexicon.bin`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Lexicon, SegmentError> {
        let rows = decode(bytes).ok_or(SegmentError::NotALexicon)?;
        let mut builder = fst::MapBuilder::memory();
        let mut key = Vec::new();
        for (word, value) in rows {
            key.clear();
            key.extend(word.iter().flat_map(|s| s.to_be_bytes()));
            // Out of order or repeated words: not a file we wrote.
            builder
                .insert(&key, value)
                .map_err(|_| SegmentError::NotALexicon)?;
        }
        let bytes = builder
            .into_inner()
            .map_err(|_| SegmentError::NotALexicon)?;
        let map = fst::Map::new(bytes).map_err(|_| SegmentError::NotALexicon)?;
        Ok(Lexicon { map })
    }

    /// The lexicon file from `scripts/okt_lexicon.py`'s table: `word<TAB>class bits<TAB>
    /// frequency in 1/10,000` per line. Words with anything but Hangul syllables are left out.
    pub fn build(table: &str) -> Result<Vec<u8>, SegmentError> {
        let mut rows: Vec<Row> = Vec::new();
        for (n, line) in table.lines().enumerate() {
            let bad = || SegmentError::BadLexiconTable { line: n + 1 };
            let mut cols = line.split('\t');
            let (Some(word), Some(classes), Some(freq), None) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                return Err(bad());
            };
            let classes: u16 = classes.parse().map_err(|_| bad())?;
            let freq: u64 = freq.parse().map_err(|_| bad())?;
            if freq > 10_000 {
                return Err(bad());
            }
            let Some(word) = syllables(word) else {
                continue;
            };
            // "0.0000" reads as 0.0, the same as no frequency.
            let value = classes as u64 | if freq > 0 { (freq + 1) << 16 } else { 0 };
            if !word.is_empty() && word.len() <= 255 && value != 0 {
                rows.push((word, value));
            }
        }
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0);
        Ok(encode(&rows))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The entry of a whole word.
    pub fn get(&self, word: &[u16]) -> Option<Entry> {
        let key: Vec<u8> = word.iter().flat_map(|s| s.to_be_bytes()).collect();
        self.map.get(key).map(Entry)
    }

    /// Every word of the lexicon that `word` starts with, up to `max_len` syllables, as
    /// (length in syllables, entry), shortest first. `found` is cleared first.
    pub fn prefixes(&self, word: &[u16], max_len: usize, found: &mut Vec<(usize, Entry)>) {
        found.clear();
        let fst = self.map.as_fst();
        let mut node = fst.root();
        let mut out = Output::zero();
        for (i, s) in word.iter().take(max_len).enumerate() {
            for b in s.to_be_bytes() {
                let Some(t) = node.find_input(b) else {
                    return;
                };
                let t = node.transition(t);
                out = out.cat(t.out);
                node = fst.node(t.addr);
            }
            if node.is_final() {
                found.push((i + 1, Entry(out.cat(node.final_output()).value())));
            }
        }
    }
}

/// The file: magic, word count, the syllables by rank, then four deflated columns.
fn encode(rows: &[Row]) -> Vec<u8> {
    let mut count = vec![0u32; 11_172];
    for (word, _) in rows {
        for &s in word {
            count[s as usize] += 1;
        }
    }
    let mut by_rank: Vec<u16> = (0..11_172u16).filter(|&s| count[s as usize] > 0).collect();
    by_rank.sort_by_key(|&s| (std::cmp::Reverse(count[s as usize]), s));
    let mut rank = vec![0u32; 11_172];
    for (r, &s) in by_rank.iter().enumerate() {
        rank[s as usize] = r as u32;
    }
    let (mut lengths, mut syllables, mut classes, mut freqs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut prev: &[u16] = &[];
    for (word, value) in rows {
        let shared = prev.iter().zip(word).take_while(|(a, b)| a == b).count();
        lengths.push(shared as u8);
        lengths.push((word.len() - shared) as u8);
        for &s in &word[shared..] {
            varint(rank[s as usize], &mut syllables);
        }
        varint((value & 0xffff) as u32, &mut classes);
        varint((value >> 16) as u32, &mut freqs);
        prev = word;
    }
    let mut out = MAGIC.to_vec();
    out.extend((rows.len() as u32).to_le_bytes());
    out.extend((by_rank.len() as u16).to_le_bytes());
    for s in by_rank {
        out.extend(s.to_le_bytes());
    }
    for column in [lengths, syllables, classes, freqs] {
        let packed = miniz_oxide::deflate::compress_to_vec(&column, 10);
        out.extend((packed.len() as u32).to_le_bytes());
        out.extend(packed);
    }
    out
}

fn varint(mut n: u32, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a file [`encode`] wrote; `None` for anything else (cut, corrupted, other kinds).
fn decode(bytes: &[u8]) -> Option<Vec<Row>> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(8)? != MAGIC {
        return None;
    }
    let n = u32::from_le_bytes(r.take(4)?.try_into().ok()?) as usize;
    let ranks = u16::from_le_bytes(r.take(2)?.try_into().ok()?) as usize;
    let by_rank: Vec<u16> = (0..ranks)
        .map(|_| Some(u16::from_le_bytes(r.take(2)?.try_into().ok()?)))
        .collect::<Option<_>>()?;
    if by_rank.iter().any(|&s| s >= 11_172) {
        return None;
    }
    let mut columns = Vec::new();
    for _ in 0..4 {
        let len = u32::from_le_bytes(r.take(4)?.try_into().ok()?) as usize;
        let packed = r.take(len)?;
        columns.push(miniz_oxide::inflate::decompress_to_vec_with_limit(packed, MAX_COLUMN).ok()?);
    }
    if r.at != bytes.len() || columns[0].len() != 2 * n {
        return None;
    }
    let mut syllables = Reader {
        bytes: &columns[1],
        at: 0,
    };
    let mut classes = Reader {
        bytes: &columns[2],
        at: 0,
    };
    let mut freqs = Reader {
        bytes: &columns[3],
        at: 0,
    };
    let mut rows: Vec<Row> = Vec::with_capacity(n);
    let mut word: Vec<u16> = Vec::new();
    for pair in columns[0].chunks_exact(2) {
        let (shared, rest) = (pair[0] as usize, pair[1] as usize);
        if shared > word.len() {
            return None;
        }
        word.truncate(shared);
        for _ in 0..rest {
            word.push(*by_rank.get(syllables.varint()? as usize)?);
        }
        let value = classes.varint()? as u64 | (freqs.varint()? as u64) << 16;
        if value >> 16 > 10_001 {
            return None;
        }
        rows.push((word.clone(), value));
    }
    Some(rows)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }

    fn varint(&mut self) -> Option<u32> {
        let mut n = 0u32;
        for shift in (0..35).step_by(7) {
            let b = *self.take(1)?.first()?;
            n |= ((b & 0x7f) as u32).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
}
