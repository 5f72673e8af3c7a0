//! Okt's parts of speech and the grammar its parser walks: which part of speech may follow
//! which inside one word.
//!
//! Okt (open-korean-text 2.1.0) writes the grammar of a word as seven patterns, one letter
//! per part of speech with `0` optional, `1` required, `*` optional and repeatable, `+`
//! required and repeatable: `D0m*N1s0j0` is a noun phrase (determiner, modifiers, noun,
//! suffix, josa), `v*V1r*e0` a verb with its pre-endings and ending, and so on. [`PosTrie`]
//! turns them into the same trie Okt builds, in the same order (the order breaks ties between
//! parses of equal score, so it decides some answers).
//!
//! ```
//! use rnn_playground::segment::pos::{KoreanPos, PosTrie};
//!
//! let trie = PosTrie::okt();
//! // A word can start with a noun, and a josa can follow it.
//! let noun = trie.roots().iter().find(|&&n| trie.node(n).pos == KoreanPos::Noun).unwrap();
//! let next: Vec<KoreanPos> = trie.node(*noun).next.iter().map(|&n| trie.node(n).pos).collect();
//! assert_eq!(next, [KoreanPos::Suffix, KoreanPos::Josa]);
//! ```

use std::fmt;

/// Okt's `KoreanPos`, with Okt's ids (they add up to the parser's tie-breaker).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KoreanPos {
    Noun = 0,
    Verb = 1,
    Adjective = 2,
    Adverb = 3,
    Determiner = 4,
    Exclamation = 5,
    Josa = 6,
    Eomi = 7,
    PreEomi = 8,
    Conjunction = 9,
    Modifier = 10,
    VerbPrefix = 11,
    Suffix = 12,
    /// A run of jamo (ㅋㅋ, ㅠㅠ): kept whole, never parsed.
    KoreanParticle = 17,
}

impl KoreanPos {
    /// The 13 parts of speech that have a dictionary, in id order (the bits of a lexicon entry).
    pub const WITH_DICTIONARY: [KoreanPos; 13] = [
        KoreanPos::Noun,
        KoreanPos::Verb,
        KoreanPos::Adjective,
        KoreanPos::Adverb,
        KoreanPos::Determiner,
        KoreanPos::Exclamation,
        KoreanPos::Josa,
        KoreanPos::Eomi,
        KoreanPos::PreEomi,
        KoreanPos::Conjunction,
        KoreanPos::Modifier,
        KoreanPos::VerbPrefix,
        KoreanPos::Suffix,
    ];

    pub fn id(self) -> u32 {
        self as u32
    }

    /// The bit of this part of speech in a lexicon entry's class mask.
    pub fn bit(self) -> u16 {
        debug_assert!(self.id() < 13);
        1 << self.id()
    }

    /// Okt's one-letter name in the grammar patterns.
    fn from_letter(c: char) -> KoreanPos {
        match c {
            'N' => KoreanPos::Noun,
            'V' => KoreanPos::Verb,
            'J' => KoreanPos::Adjective,
            'A' => KoreanPos::Adverb,
            'D' => KoreanPos::Determiner,
            'E' => KoreanPos::Exclamation,
            'C' => KoreanPos::Conjunction,
            'j' => KoreanPos::Josa,
            'e' => KoreanPos::Eomi,
            'r' => KoreanPos::PreEomi,
            'm' => KoreanPos::Modifier,
            'v' => KoreanPos::VerbPrefix,
            's' => KoreanPos::Suffix,
            other => unreachable!("no part of speech is written {other:?}"),
        }
    }

    /// Endings that Okt's stemmer joins to the verb or adjective before them.
    pub fn is_ending(self) -> bool {
        matches!(self, KoreanPos::Eomi | KoreanPos::PreEomi)
    }

    pub fn is_predicate(self) -> bool {
        matches!(self, KoreanPos::Verb | KoreanPos::Adjective)
    }
}

/// The grammar of a word, in the order Okt's `KoreanTokenizer` folds its `SequenceDefinition`
/// map into the trie (a Scala hash map's order, read off the running JVM by
/// `scripts/okt_lexicon.py`: `tests/data/okt_pos_trie.txt`).
pub const OKT_SEQUENCES: [(&str, KoreanPos); 7] = [
    ("v*J1r*e0", KoreanPos::Adjective),
    ("D0m*N1s0j0", KoreanPos::Noun),
    ("A1", KoreanPos::Adverb),
    ("E+", KoreanPos::Exclamation),
    ("v*V1r*e0", KoreanPos::Verb),
    ("C1", KoreanPos::Conjunction),
    ("j1", KoreanPos::Josa),
];

/// Where a node's edge goes: another node, or back to the node itself (Okt's `selfNode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Node(usize),
    SelfLoop,
}

/// One node: a part of speech, what may follow it, and the word's part of speech if the word
/// may end here.
#[derive(Clone, Debug, PartialEq)]
pub struct PosNode {
    pub pos: KoreanPos,
    /// The nodes that may follow, in Okt's order, with self-loops resolved to this node.
    pub next: Vec<usize>,
    pub ending: Option<KoreanPos>,
    /// `next` as Okt lists it, self-loops kept (for printing the trie as Okt does).
    edges: Vec<Next>,
}

/// Okt's part-of-speech trie: the roots (where a word may start) and the nodes.
#[derive(Clone, Debug)]
pub struct PosTrie {
    nodes: Vec<PosNode>,
    roots: Vec<usize>,
}

impl PosTrie {
    /// The trie of Okt's seven word patterns ([`OKT_SEQUENCES`]).
    pub fn okt() -> PosTrie {
        PosTrie::from_sequences(&OKT_SEQUENCES)
    }

    /// Okt's `getTrie`: each pattern's trie goes in front of the ones built before it.
    pub fn from_sequences(sequences: &[(&str, KoreanPos)]) -> PosTrie {
        let mut trie = PosTrie {
            nodes: Vec::new(),
            roots: Vec::new(),
        };
        let mut roots: Vec<usize> = Vec::new();
        for (pattern, ending) in sequences.iter().rev() {
            let chars: Vec<char> = pattern.chars().collect();
            let mut built = trie.build(&chars, *ending);
            built.extend(roots);
            roots = built;
        }
        trie.roots = roots;
        for i in 0..trie.nodes.len() {
            trie.nodes[i].next = trie.nodes[i]
                .edges
                .iter()
                .map(|e| match e {
                    Next::Node(n) => *n,
                    Next::SelfLoop => i,
                })
                .collect();
        }
        trie
    }

    /// Okt's `buildTrie`: the nodes a pattern can start with.
    fn build(&mut self, s: &[char], ending_pos: KoreanPos) -> Vec<usize> {
        if s.len() < 2 {
            return Vec::new();
        }
        let pos = KoreanPos::from_letter(s[0]);
        let rule = s[1];
        let rest = &s[2..];
        // The word may end here when nothing after is required.
        let is_final = rest.iter().all(|&c| c != '+' && c != '1');
        let end = is_final.then_some(ending_pos);
        let node = |trie: &mut PosTrie, edges: Vec<Next>| {
            trie.nodes.push(PosNode {
                pos,
                next: Vec::new(),
                ending: end,
                edges,
            });
            trie.nodes.len() - 1
        };
        let rest_nodes = |trie: &mut PosTrie| -> Vec<Next> {
            trie.build(rest, ending_pos)
                .into_iter()
                .map(Next::Node)
                .collect()
        };
        match rule {
            '+' => {
                let mut edges = vec![Next::SelfLoop];
                edges.extend(rest_nodes(self));
                vec![node(self, edges)]
            }
            '*' => {
                let mut edges = vec![Next::SelfLoop];
                edges.extend(rest_nodes(self));
                let n = node(self, edges);
                let mut out = vec![n];
                out.extend(self.build(rest, ending_pos));
                out
            }
            '1' => {
                let edges = rest_nodes(self);
                vec![node(self, edges)]
            }
            '0' => {
                let edges = rest_nodes(self);
                let n = node(self, edges);
                let mut out = vec![n];
                out.extend(self.build(rest, ending_pos));
                out
            }
            other => unreachable!("no pattern rule is written {other:?}"),
        }
    }

    pub fn roots(&self) -> &[usize] {
        &self.roots
    }

    pub fn node(&self, i: usize) -> &PosNode {
        &self.nodes[i]
    }

    fn fmt_node(&self, f: &mut fmt::Formatter<'_>, i: usize) -> fmt::Result {
        let n = &self.nodes[i];
        write!(f, "KoreanPosTrie({:?},List(", n.pos)?;
        for (k, e) in n.edges.iter().enumerate() {
            if k > 0 {
                write!(f, ", ")?;
            }
            match e {
                Next::SelfLoop => write!(f, "KoreanPosTrie(null,null,None)")?,
                Next::Node(c) => self.fmt_node(f, *c)?,
            }
        }
        match n.ending {
            Some(p) => write!(f, "),Some({p:?}))"),
            None => write!(f, "),None)"),
        }
    }
}

/// Prints the trie as Scala prints Okt's (`List(KoreanPosTrie(VerbPrefix,List(…),None), …)`).
impl fmt::Display for PosTrie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "List(")?;
        for (k, &r) in self.roots.iter().enumerate() {
            if k > 0 {
                write!(f, ", ")?;
            }
            self.fmt_node(f, r)?;
        }
        write!(f, ")")
    }
}
