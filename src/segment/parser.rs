//! Okt's parser for one run of Hangul syllables: the best sequence of dictionary words that
//! the part-of-speech grammar allows, by dynamic programming over the syllables.
//!
//! This is the search of open-korean-text 2.1.0's `KoreanTokenizer` (Apache-2.0, © Twitter,
//! Inc. and the open-korean-text authors; see `data/segmenter/NOTICE`), written again in Rust
//! so that its answers are Okt's:
//!
//! * A whole run that one of the 13 dictionaries holds is one morpheme (Okt's direct match).
//! * Otherwise, for every end position and every start up to 8 syllables back, each of the
//!   5 best parses that reach the start is extended by the word in between, as every part of
//!   speech the grammar ([`PosTrie`]) allows next and whose dictionary holds the word; a noun
//!   is always allowed, and counts as unknown when no dictionary or name list knows it.
//! * Parses are ranked by Okt's hand-set score ([`Score`]; lower is better), with the sum of
//!   the part-of-speech ids breaking ties, and the 5 best are kept per position (stable sort:
//!   the order candidates are made in matters, and it is Okt's).
//! * Afterwards, runs of one-syllable nouns become one unknown noun, and endings (eomi,
//!   pre-eomi) join the verb or adjective before them (Okt's `KoreanStemmer` does this in
//!   `tokenize`, which `okt.morphs` calls).
//!
//! Scores are computed in `f32` in Okt's order of operations, so ties break as in the JVM.
//!
//! ```
//! use rnn_playground::segment::Segmenter;
//!
//! let okt = Segmenter::shipped();
//! assert_eq!(okt.segment("배송이 빨라요"), ["배송", "이", "빨라요"]);
//! ```

use super::lexicon::{Entry, FAMILY_NAME, FULL_NAME, GIVEN_NAME, Lexicon, syllable};
use super::pos::{KoreanPos, PosTrie};

const TOP_N_PER_STATE: usize = 5;
const MAX_TRACE_BACK: usize = 8;
const NONE: u32 = u32::MAX;

/// One morpheme of a parse: syllables `start..end` of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Morpheme {
    pub start: usize,
    pub end: usize,
    pub pos: KoreanPos,
    pub unknown: bool,
}

/// Okt's `TokenizerProfile.defaultProfile` (lower is better).
struct Score;

impl Score {
    const TOKEN_COUNT: f32 = 0.18;
    const UNKNOWN: f32 = 0.3;
    const WORD_COUNT: f32 = 0.3;
    const FREQ: f32 = 0.2;
    const UNKNOWN_COVERAGE: f32 = 0.5;
    const EXACT_MATCH: f32 = 0.5;
    const ALL_NOUN: f32 = 0.1;
    const UNKNOWN_POS_COUNT: f32 = 10.0;
    const DETERMINER_POS_COUNT: f32 = -0.01;
    const EXCLAMATION_POS_COUNT: f32 = 0.01;
    const INITIAL_POST_POSITION: f32 = 0.2;
    const HA_VERB: f32 = 0.3;
    const PREFERRED_PATTERN: f32 = 0.6;
    const SPACE_GUIDE_PENALTY: f32 = 3.0;
    const JOSA_UNMATCHED_PENALTY: f32 = 3.0;
}

/// A parse of syllables `0..end`, kept as its last morpheme and a link to the parse before it,
/// with the counts Okt's score needs (so a score costs the same for any length).
#[derive(Clone, Copy, Debug)]
struct Candidate {
    prev: u32,
    morpheme: Morpheme,
    /// The trie node of the last morpheme (`None`: nothing parsed yet, the roots come next).
    node: Option<usize>,
    ending: Option<KoreanPos>,
    tokens: u32,
    unknowns: u32,
    words: u32,
    unknown_coverage: u32,
    /// Okt's fold over the morphemes: `1 − entity frequency` for nouns, `1` for the rest.
    freq_sum: f32,
    determiners: u32,
    exclamations: u32,
    any_not_noun: bool,
    first_pos: KoreanPos,
    /// The second morpheme's part of speech and whether it starts with 하 or 해.
    second: Option<(KoreanPos, bool)>,
    josa_mismatched: bool,
    score: f32,
    pos_tie_breaker: u32,
}

/// What the parser knows about each word `run[start..start + len]`: its entry, and whether it
/// would be an unknown noun (computed when first needed).
struct Words<'a> {
    entries: &'a [Entry],
    unknown_noun: &'a mut [Option<bool>],
}

impl Words<'_> {
    fn at(start: usize, len: usize) -> usize {
        start * MAX_TRACE_BACK + (len - 1)
    }
}

/// Reusable buffers, so parsing a run allocates nothing once warm.
#[derive(Default)]
pub struct ParseScratch {
    arena: Vec<Candidate>,
    states: Vec<Vec<u32>>,
    found: Vec<(usize, Entry)>,
    entries: Vec<Entry>,
    unknown_noun: Vec<Option<bool>>,
}

/// Okt's parser over its lexicon and grammar.
pub struct Parser<'a> {
    pub lexicon: &'a Lexicon,
    pub trie: &'a PosTrie,
}

impl Parser<'_> {
    /// Okt's morphemes of a run of Hangul syllables (`run`: each syllable's index from 가),
    /// before nouns are collapsed and endings joined ([`finish`] does both).
    pub fn parse(&self, run: &[u16], scratch: &mut ParseScratch) -> Vec<Morpheme> {
        let n = run.len();
        if n == 0 {
            return Vec::new();
        }
        let ParseScratch {
            arena,
            states,
            found,
            entries,
            unknown_noun,
        } = scratch;
        // Every word of up to 8 syllables in the run, from one walk per start.
        entries.clear();
        entries.resize(n * MAX_TRACE_BACK, Entry::default());
        unknown_noun.clear();
        unknown_noun.resize(n * MAX_TRACE_BACK, None);
        for start in 0..n {
            self.lexicon.prefixes(&run[start..], MAX_TRACE_BACK, found);
            for &(len, entry) in found.iter() {
                entries[Words::at(start, len)] = entry;
            }
        }
        let whole = if n <= MAX_TRACE_BACK {
            entries[Words::at(0, n)]
        } else {
            self.lexicon.get(run).unwrap_or_default()
        };
        if whole.in_any_dictionary() {
            // Okt's direct match: the first dictionary (in id order) that holds the run.
            let pos = KoreanPos::WITH_DICTIONARY
                .into_iter()
                .find(|&p| whole.has(p))
                .expect("an entry in some dictionary");
            return vec![Morpheme {
                start: 0,
                end: n,
                pos,
                unknown: false,
            }];
        }
        let mut words = Words {
            entries,
            unknown_noun,
        };
        arena.clear();
        for s in states.iter_mut() {
            s.clear();
        }
        if states.len() < n + 1 {
            states.resize_with(n + 1, Vec::new);
        }
        // The initial state: an empty parse (one word), the trie's roots next.
        arena.push(Candidate {
            prev: NONE,
            morpheme: Morpheme {
                start: 0,
                end: 0,
                pos: KoreanPos::Noun,
                unknown: false,
            },
            node: None,
            ending: None,
            tokens: 0,
            unknowns: 0,
            words: 1,
            unknown_coverage: 0,
            freq_sum: 0.0,
            determiners: 0,
            exclamations: 0,
            any_not_noun: false,
            first_pos: KoreanPos::Noun,
            second: None,
            josa_mismatched: false,
            score: 0.0,
            pos_tie_breaker: 0,
        });
        states[0].push(0);
        for end in 1..=n {
            for start in (end.saturating_sub(MAX_TRACE_BACK)..end).rev() {
                let len = end - start;
                let entry = words.entries[Words::at(start, len)];
                for k in 0..states[start].len() {
                    let solution_id = states[start][k];
                    let solution = arena[solution_id as usize];
                    let from_node: &[usize] = match solution.node {
                        None => self.trie.roots(),
                        Some(i) => &self.trie.node(i).next,
                    };
                    let roots: &[usize] = if solution.ending.is_some() {
                        self.trie.roots()
                    } else {
                        &[]
                    };
                    let poses = from_node
                        .iter()
                        .map(|&t| (t, 0))
                        .chain(roots.iter().map(|&t| (t, 1)));
                    for (t, new_words) in poses {
                        let node = self.trie.node(t);
                        if node.pos != KoreanPos::Noun && !entry.has(node.pos) {
                            continue;
                        }
                        let unknown = node.pos == KoreanPos::Noun
                            && !entry.has(KoreanPos::Noun)
                            && self.is_unknown_noun(run, start, len, &mut words);
                        let morpheme = Morpheme {
                            start,
                            end,
                            pos: node.pos,
                            unknown,
                        };
                        let c = Candidate {
                            node: Some(t),
                            ending: node.ending,
                            ..extend(&solution, solution_id, morpheme, run, entry, new_words)
                        };
                        // Okt sorts the kept parses and the new ones with a stable sort and
                        // keeps the first 5: a new parse goes after every parse that is not
                        // worse, and only if it lands among the first 5.
                        let state = &mut states[end];
                        let at = state.partition_point(|&o| {
                            let o = &arena[o as usize];
                            key_cmp(o, &c) != std::cmp::Ordering::Greater
                        });
                        if at < TOP_N_PER_STATE {
                            arena.push(c);
                            state.insert(at, arena.len() as u32 - 1);
                            state.truncate(TOP_N_PER_STATE);
                        }
                    }
                }
            }
        }
        let Some(&best) = states[n].first() else {
            // Nothing parses: Okt keeps the run as one unknown noun.
            return vec![Morpheme {
                start: 0,
                end: n,
                pos: KoreanPos::Noun,
                unknown: true,
            }];
        };
        let mut out = Vec::new();
        let mut c = best;
        while c != 0 && c != NONE {
            let cand = &arena[c as usize];
            out.push(cand.morpheme);
            c = cand.prev;
        }
        out.reverse();
        out
    }

    /// An unknown noun is one that no name rule explains: Okt's `isName`, `isKoreanNumber`
    /// and `isKoreanNameVariation`.
    fn is_unknown_noun(
        &self,
        run: &[u16],
        start: usize,
        len: usize,
        words: &mut Words<'_>,
    ) -> bool {
        let at = Words::at(start, len);
        if let Some(u) = words.unknown_noun[at] {
            return u;
        }
        let word = &run[start..start + len];
        // The word and its parts are words of the run: their entries are in the table.
        let e = |from: usize, len: usize| words.entries[Words::at(start + from, len)];
        let unknown = !(is_name(word.len(), e)
            || is_korean_number(word)
            || self.is_korean_name_variation(word));
        words.unknown_noun[at] = Some(unknown);
        unknown
    }

    /// Okt's `isKoreanNameVariation` for a word that is not a name itself: a name with its
    /// final ㅇ dropped and 이 after it (우혀니 → 우현이, 우현).
    fn is_korean_name_variation(&self, word: &[u16]) -> bool {
        let n = word.len();
        if !(3..=5).contains(&n) {
            return false;
        }
        let (onset, vowel, coda) = decompose(word[n - 1]);
        // The last syllable's onset must be a consonant that can close a syllable.
        let Some(new_coda) = ONSET_AS_CODA[onset as usize] else {
            return false;
        };
        const IEUNG: u16 = 11;
        const VOWEL_I: u16 = 20;
        if onset == IEUNG || vowel != VOWEL_I || coda != 0 {
            return false;
        }
        let (o2, v2, c2) = decompose(word[n - 2]);
        if c2 != 0 {
            return false;
        }
        let mut recovered = word.to_vec();
        recovered[n - 2] = compose(o2, v2, new_coda);
        recovered[n - 1] = syllable('이').expect("a syllable");
        let lookup = |from: usize, len: usize| {
            self.lexicon
                .get(&recovered[from..from + len])
                .unwrap_or_default()
        };
        is_name(n, lookup) || is_name(n - 1, lookup)
    }
}

/// Okt's `isName` for a word of `len` syllables, `entry(from, len)` giving the entry of its
/// part: a full or given name, or a family name and a given name (3 or 4 syllables).
fn is_name(len: usize, entry: impl Fn(usize, usize) -> Entry) -> bool {
    let whole = entry(0, len);
    if whole.is(FULL_NAME) || whole.is(GIVEN_NAME) {
        return true;
    }
    let split = match len {
        3 => 1,
        4 => 2,
        _ => return false,
    };
    entry(0, split).is(FAMILY_NAME) && entry(split, len - split).is(GIVEN_NAME)
}

/// Okt's sort key: the score, then the sum of part-of-speech ids.
fn key_cmp(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    a.score
        .total_cmp(&b.score)
        .then(a.pos_tie_breaker.cmp(&b.pos_tie_breaker))
}

/// The parse `solution` followed by `morpheme`, with Okt's score.
fn extend(
    solution: &Candidate,
    solution_id: u32,
    morpheme: Morpheme,
    run: &[u16],
    entry: Entry,
    new_words: u32,
) -> Candidate {
    let pos = morpheme.pos;
    let len = (morpheme.end - morpheme.start) as u32;
    let is_noun = pos == KoreanPos::Noun;
    let first = solution.tokens == 0;
    // Only the second morpheme's first syllable matters (Okt's isNounHa).
    let starts_with_ha = || {
        let c = run[morpheme.start];
        c == syllable('하').expect("a syllable") || c == syllable('해').expect("a syllable")
    };
    let josa_mismatched = solution.josa_mismatched
        || (!first
            && solution.morpheme.pos == KoreanPos::Noun
            && pos == KoreanPos::Josa
            && josa_mismatch(
                run[solution.morpheme.end - 1],
                &run[morpheme.start..morpheme.end],
            ));
    let mut c = Candidate {
        prev: solution_id,
        morpheme,
        node: None,
        ending: None,
        tokens: solution.tokens + 1,
        unknowns: solution.unknowns + morpheme.unknown as u32,
        words: solution.words + new_words,
        unknown_coverage: solution.unknown_coverage + if morpheme.unknown { len } else { 0 },
        freq_sum: solution.freq_sum + if is_noun { 1.0 - entry.freq() } else { 1.0 },
        determiners: solution.determiners + (pos == KoreanPos::Determiner) as u32,
        exclamations: solution.exclamations + (pos == KoreanPos::Exclamation) as u32,
        any_not_noun: solution.any_not_noun || !is_noun,
        first_pos: if first { pos } else { solution.first_pos },
        second: if solution.tokens == 1 {
            Some((pos, starts_with_ha()))
        } else {
            solution.second
        },
        josa_mismatched,
        score: 0.0,
        pos_tie_breaker: solution.pos_tie_breaker + pos.id(),
    };
    c.score = score(&c);
    c
}

/// `ParsedChunk.score`, term by term in Okt's order (floats add in that order in the JVM).
fn score(c: &Candidate) -> f32 {
    let n = c.tokens;
    let is_exact_match = if n == 1 { 0 } else { 1 };
    let is_all_nouns = c.any_not_noun as u32;
    let is_preferred_pattern = if n == 2
        && c.first_pos == KoreanPos::Noun
        && c.second.map(|s| s.0) == Some(KoreanPos::Josa)
    {
        0
    } else {
        1
    };
    let is_initial_post_position = matches!(
        c.first_pos,
        KoreanPos::Suffix | KoreanPos::Eomi | KoreanPos::Josa | KoreanPos::PreEomi
    ) as u32;
    let is_noun_ha = match c.second {
        Some((KoreanPos::Verb, true))
            if matches!(c.first_pos, KoreanPos::Noun | KoreanPos::VerbPrefix) =>
        {
            0
        }
        _ => 1,
    };
    let freq_score = c.freq_sum / n as f32;
    let unknown_pos_count = 0u32;
    let has_space_out_of_guide = 0u32;
    let mut s = n as f32 * Score::TOKEN_COUNT;
    s += c.unknowns as f32 * Score::UNKNOWN;
    s += c.words as f32 * Score::WORD_COUNT;
    s += c.unknown_coverage as f32 * Score::UNKNOWN_COVERAGE;
    s += freq_score * Score::FREQ;
    s += unknown_pos_count as f32 * Score::UNKNOWN_POS_COUNT;
    s += is_exact_match as f32 * Score::EXACT_MATCH;
    s += is_all_nouns as f32 * Score::ALL_NOUN;
    s += is_preferred_pattern as f32 * Score::PREFERRED_PATTERN;
    s += c.determiners as f32 * Score::DETERMINER_POS_COUNT;
    s += c.exclamations as f32 * Score::EXCLAMATION_POS_COUNT;
    s += is_initial_post_position as f32 * Score::INITIAL_POST_POSITION;
    s += is_noun_ha as f32 * Score::HA_VERB;
    s += has_space_out_of_guide as f32 * Score::SPACE_GUIDE_PENALTY;
    s += c.josa_mismatched as u32 as f32 * Score::JOSA_UNMATCHED_PENALTY;
    s
}

/// Okt's `josaMismatched` for a noun ending in syllable `last` followed by josa `josa`.
fn josa_mismatch(last: u16, josa: &[u16]) -> bool {
    let (_, _, coda) = decompose(last);
    let head = josa[0];
    let is = |s: char| josa.len() == 1 && josa[0] == syllable(s).expect("a syllable");
    if coda != 0 {
        const RIEUL: u16 = 8;
        (coda != RIEUL && head == syllable('로').expect("a syllable"))
            || is('는')
            || is('를')
            || is('다')
    } else {
        head == syllable('으').expect("a syllable") || is('은') || is('을') || is('이')
    }
}

/// Okt's `isKoreanNumber`: number syllables, the last one maybe a unit (원, 배, 분, 초).
fn is_korean_number(word: &[u16]) -> bool {
    const NUMBER: &str = "일이삼사오육칠팔구천백십해경조억만";
    const NUMBER_LAST: &str = "일이삼사오육칠팔구천백십해경조억만원배분초";
    let has = |set: &str, s: u16| set.chars().any(|c| syllable(c) == Some(s));
    let n = word.len();
    word.iter().enumerate().all(|(i, &s)| {
        if i < n - 1 {
            has(NUMBER, s)
        } else {
            has(NUMBER_LAST, s)
        }
    })
}

/// (onset, vowel, coda) indices of a syllable (coda 0: none).
fn decompose(s: u16) -> (u16, u16, u16) {
    (s / (21 * 28), (s % (21 * 28)) / 28, s % 28)
}

fn compose(onset: u16, vowel: u16, coda: u16) -> u16 {
    onset * 21 * 28 + vowel * 28 + coda
}

/// Each onset's index as a coda (`None` for ㄸ, ㅃ, ㅉ, which cannot close a syllable).
const ONSET_AS_CODA: [Option<u16>; 19] = [
    Some(1),  // ㄱ
    Some(2),  // ㄲ
    Some(4),  // ㄴ
    Some(7),  // ㄷ
    None,     // ㄸ
    Some(8),  // ㄹ
    Some(16), // ㅁ
    Some(17), // ㅂ
    None,     // ㅃ
    Some(19), // ㅅ
    Some(20), // ㅆ
    Some(21), // ㅇ
    Some(22), // ㅈ
    None,     // ㅉ
    Some(23), // ㅊ
    Some(24), // ㅋ
    Some(25), // ㅌ
    Some(26), // ㅍ
    Some(27), // ㅎ
];

/// Okt's last two steps on a parse: runs of one-syllable nouns become one unknown noun
/// (`collapseNouns`), then endings join the verb or adjective before them (`KoreanStemmer`).
pub fn finish(morphemes: Vec<Morpheme>) -> Vec<Morpheme> {
    let mut collapsed: Vec<Morpheme> = Vec::with_capacity(morphemes.len());
    let mut collapsing = false;
    for m in morphemes {
        let one_noun = m.pos == KoreanPos::Noun && m.end - m.start == 1;
        if one_noun && collapsing {
            let last = collapsed.last_mut().expect("a noun before");
            last.end = m.end;
            last.unknown = true;
        } else {
            collapsed.push(m);
            collapsing = one_noun;
        }
    }
    let mut out: Vec<Morpheme> = Vec::with_capacity(collapsed.len());
    for m in collapsed {
        match out.last_mut() {
            Some(prev) if m.pos.is_ending() && prev.pos.is_predicate() => prev.end = m.end,
            _ => out.push(m),
        }
    }
    out
}
