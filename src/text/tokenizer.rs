//! Keras' `Tokenizer` (`tf.keras.preprocessing.text.Tokenizer`), rule for rule.
//!
//! Keras counts words in the order it first sees them, then sorts them by count with a stable
//! sort, so words with the same count keep their first-seen order. Index 0 is never assigned
//! (it is the padding value) and an `oov_token`, when set, is forced to index 1.
//!
//! ```
//! use rnn_playground::text::{Tokenizer, TokenizerConfig};
//!
//! let mut tokenizer = Tokenizer::new(TokenizerConfig {
//!     num_words: Some(3),
//!     oov_token: Some("<OOV>".into()),
//!     ..TokenizerConfig::default()
//! })
//! .unwrap();
//! tokenizer.fit_on_texts(["the cat sat", "the dog sat"]);
//! assert_eq!(tokenizer.word_index()["<OOV>"], 1);
//! assert_eq!(tokenizer.word_index()["the"], 2);
//! // Index 3 ("sat") is not below num_words = 3, so it becomes the OOV index.
//! assert_eq!(tokenizer.texts_to_sequences(["the sat fish"]), vec![vec![2, 1, 1]]);
//! ```

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::error::TextError;
use super::pyjson;

/// Keras' default `filters`: ASCII punctuation (without `'`), tab and newline.
pub const DEFAULT_FILTERS: &str = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

/// The constructor arguments of Keras' `Tokenizer`, with Keras' defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenizerConfig {
    /// Keep only the `num_words - 1` most frequent words when converting texts to sequences.
    /// `None` (and, as in Keras, `Some(0)`) keeps every word.
    pub num_words: Option<usize>,
    /// Characters replaced by `split` before splitting (ignored when `char_level`).
    pub filters: String,
    /// Lower-case texts before counting.
    pub lower: bool,
    /// Word separator.
    pub split: String,
    /// Every character (spaces and punctuation included) is a token.
    pub char_level: bool,
    /// Token for out-of-vocabulary words; it gets index 1.
    pub oov_token: Option<String>,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self {
            num_words: None,
            filters: DEFAULT_FILTERS.to_string(),
            lower: true,
            split: " ".to_string(),
            char_level: false,
            oov_token: None,
        }
    }
}

/// Keras' `text_to_word_sequence`: lower-case, turn every filter character into `split`,
/// split on `split`, drop empty pieces.
pub fn text_to_word_sequence(
    text: &str,
    filters: &str,
    lower: bool,
    split: &str,
) -> Result<Vec<String>, TextError> {
    if split.is_empty() {
        return Err(TextError::EmptySplit);
    }
    let text = if lower {
        text.to_lowercase()
    } else {
        text.to_string()
    };
    let mut translated = String::with_capacity(text.len());
    for c in text.chars() {
        if filters.contains(c) {
            translated.push_str(split);
        } else {
            translated.push(c);
        }
    }
    Ok(translated
        .split(split)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect())
}

/// Something `fit_on_texts` and `texts_to_sequences` accept, as in Keras: a raw string, which
/// the tokenizer splits, or a list of tokens that is used as it is (only lower-cased).
pub trait Document {
    /// The tokens of this document under the tokenizer's rules.
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String>;
}

impl Document for str {
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String> {
        if config.char_level {
            let text = if config.lower {
                self.to_lowercase()
            } else {
                self.to_string()
            };
            text.chars().map(String::from).collect()
        } else {
            // `Tokenizer::new` rejects an empty split, so this cannot fail.
            text_to_word_sequence(self, &config.filters, config.lower, &config.split)
                .unwrap_or_default()
        }
    }
}

impl Document for String {
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String> {
        self.as_str().tokens(config)
    }
}

impl<T: AsRef<str>> Document for [T] {
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String> {
        self.iter()
            .map(|t| {
                if config.lower {
                    t.as_ref().to_lowercase()
                } else {
                    t.as_ref().to_string()
                }
            })
            .collect()
    }
}

impl<T: AsRef<str>> Document for Vec<T> {
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String> {
        self.as_slice().tokens(config)
    }
}

impl<D: Document + ?Sized> Document for &D {
    fn tokens(&self, config: &TokenizerConfig) -> Vec<String> {
        (**self).tokens(config)
    }
}

/// Keras' `Tokenizer`: a vocabulary fitted on texts, and the conversions it allows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tokenizer {
    config: TokenizerConfig,
    document_count: usize,
    word_counts: IndexMap<String, usize>,
    word_docs: IndexMap<String, usize>,
    index_docs: IndexMap<usize, usize>,
    word_index: IndexMap<String, usize>,
    index_word: IndexMap<usize, String>,
}

impl Tokenizer {
    /// A tokenizer with the given options; fails only where Keras would (an empty `split`).
    pub fn new(config: TokenizerConfig) -> Result<Self, TextError> {
        if config.split.is_empty() && !config.char_level {
            return Err(TextError::EmptySplit);
        }
        Ok(Self {
            config,
            ..Self::default()
        })
    }

    pub fn config(&self) -> &TokenizerConfig {
        &self.config
    }

    /// Number of documents seen by `fit_on_texts`.
    pub fn document_count(&self) -> usize {
        self.document_count
    }

    /// Occurrences of each word, in first-seen order (Keras' `OrderedDict`).
    pub fn word_counts(&self) -> &IndexMap<String, usize> {
        &self.word_counts
    }

    /// Number of documents each word occurs in, in first-seen order.
    pub fn word_docs(&self) -> &IndexMap<String, usize> {
        &self.word_docs
    }

    /// Number of documents each word index occurs in.
    pub fn index_docs(&self) -> &IndexMap<usize, usize> {
        &self.index_docs
    }

    /// Word → index, in index order (most frequent first, ties in first-seen order).
    pub fn word_index(&self) -> &IndexMap<String, usize> {
        &self.word_index
    }

    /// Index → word.
    pub fn index_word(&self) -> &IndexMap<usize, String> {
        &self.index_word
    }

    /// `len(word_index) + 1`, the embedding input size the lecture uses (index 0 is padding).
    pub fn vocab_size(&self) -> usize {
        self.word_index.len() + 1
    }

    /// Count the words of `texts` and rebuild `word_index`. May be called several times; the
    /// counts accumulate, as in Keras.
    pub fn fit_on_texts<D: Document>(&mut self, texts: impl IntoIterator<Item = D>) {
        for text in texts {
            self.document_count += 1;
            let seq = text.tokens(&self.config);
            for w in &seq {
                *self.word_counts.entry(w.clone()).or_insert(0) += 1;
            }
            let mut seen = indexmap::IndexSet::new();
            for w in &seq {
                if seen.insert(w) {
                    *self.word_docs.entry(w.clone()).or_insert(0) += 1;
                }
            }
        }
        self.rebuild_index();
    }

    fn rebuild_index(&mut self) {
        let mut counts: Vec<(&String, usize)> =
            self.word_counts.iter().map(|(w, &c)| (w, c)).collect();
        // `sort_by_key` is stable, like Python's `list.sort`: equal counts keep first-seen order.
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let mut sorted_voc: Vec<String> = Vec::with_capacity(counts.len() + 1);
        if let Some(oov) = &self.config.oov_token {
            sorted_voc.push(oov.clone());
        }
        sorted_voc.extend(counts.into_iter().map(|(w, _)| w.clone()));
        // `dict(zip(sorted_voc, range(1, ...)))`: a repeated key keeps its first position but
        // takes the last value, exactly what `IndexMap::insert` does.
        self.word_index = IndexMap::with_capacity(sorted_voc.len());
        for (i, w) in sorted_voc.into_iter().enumerate() {
            self.word_index.insert(w, i + 1);
        }
        self.index_word = self
            .word_index
            .iter()
            .map(|(w, &i)| (i, w.clone()))
            .collect();
        self.index_docs = self
            .word_docs
            .iter()
            .filter_map(|(w, &c)| self.word_index.get(w).map(|&i| (i, c)))
            .collect();
    }

    fn oov_index(&self) -> Option<usize> {
        self.config
            .oov_token
            .as_ref()
            .and_then(|t| self.word_index.get(t).copied())
    }

    /// The same tokenizer without the words that `num_words` already leaves out of every
    /// sequence: `texts_to_sequences` gives the same result, and a model trained on hundreds
    /// of thousands of reviews ships a vocabulary of `num_words` entries instead of all of them.
    /// Without `num_words` it is a plain copy.
    pub fn truncated_to_num_words(&self) -> Tokenizer {
        let keep = |index: usize| !self.limited(index);
        let word_index: IndexMap<String, usize> = self
            .word_index
            .iter()
            .filter(|(_, i)| keep(**i))
            .map(|(w, i)| (w.clone(), *i))
            .collect();
        let kept = |w: &String| word_index.contains_key(w);
        Tokenizer {
            config: self.config.clone(),
            document_count: self.document_count,
            word_counts: self
                .word_counts
                .iter()
                .filter(|(w, _)| kept(w))
                .map(|(w, c)| (w.clone(), *c))
                .collect(),
            word_docs: self
                .word_docs
                .iter()
                .filter(|(w, _)| kept(w))
                .map(|(w, c)| (w.clone(), *c))
                .collect(),
            index_docs: self
                .index_docs
                .iter()
                .filter(|(i, _)| keep(**i))
                .map(|(i, c)| (*i, *c))
                .collect(),
            index_word: self
                .index_word
                .iter()
                .filter(|(i, _)| keep(**i))
                .map(|(i, w)| (*i, w.clone()))
                .collect(),
            word_index,
        }
    }

    fn limited(&self, index: usize) -> bool {
        matches!(self.config.num_words, Some(n) if n > 0 && index >= n)
    }

    /// Each text as a list of word indices. Unknown words and words whose index is not below
    /// `num_words` become the OOV index, or are dropped when there is no `oov_token`.
    pub fn texts_to_sequences<D: Document>(
        &self,
        texts: impl IntoIterator<Item = D>,
    ) -> Vec<Vec<usize>> {
        texts
            .into_iter()
            .map(|t| self.text_to_sequence(&t))
            .collect()
    }

    /// One text as a list of word indices (see [`Tokenizer::texts_to_sequences`]).
    pub fn text_to_sequence<D: Document + ?Sized>(&self, text: &D) -> Vec<usize> {
        let oov = self.oov_index();
        text.tokens(&self.config)
            .iter()
            .filter_map(|w| match self.word_index.get(w) {
                Some(&i) if self.limited(i) => oov,
                Some(&i) => Some(i),
                None => oov,
            })
            .collect()
    }

    /// Each sequence back to text, words joined by a space (also at character level, as Keras
    /// does). Index 0 and unknown indices are dropped unless there is an OOV token.
    pub fn sequences_to_texts(&self, sequences: &[Vec<usize>]) -> Vec<String> {
        let oov_word = self.oov_index().and_then(|i| self.index_word.get(&i));
        sequences
            .iter()
            .map(|seq| {
                let words: Vec<&str> = seq
                    .iter()
                    .filter_map(|i| match self.index_word.get(i) {
                        Some(_) if self.limited(*i) => oov_word.map(String::as_str),
                        Some(w) => Some(w.as_str()),
                        None => oov_word.map(String::as_str),
                    })
                    .collect();
                words.join(" ")
            })
            .collect()
    }

    /// The JSON that Keras' `tokenizer.to_json()` writes, byte for byte: Python's separators,
    /// non-ASCII escaped, and the dictionaries stored as JSON strings inside the JSON.
    pub fn to_json(&self) -> String {
        self.keras_json(false)
    }

    /// [`Tokenizer::to_json`] for shipping a trained model: the same Keras format, loadable by
    /// Keras' `tokenizer_from_json` and converting texts exactly as before, in a fraction of
    /// the bytes: UTF-8 instead of `\u` escapes, no spaces, and the fitting statistics
    /// (`word_counts`, `word_docs`, `index_docs`, which matter only for fitting more texts)
    /// left empty, and (through [`Tokenizer::truncated_to_num_words`]) only the words that
    /// `num_words` lets into a sequence. For a 12,000-word Korean vocabulary: 1.4 MB → 0.5 MB
    /// (0.37 → 0.16 MB gzip).
    pub fn to_json_compact(&self) -> String {
        self.truncated_to_num_words().keras_json(true)
    }

    /// The smallest JSON that [`Tokenizer::from_json`] turns back into a tokenizer converting
    /// texts exactly as this one: the options, `document_count` and `word_index` (as a plain
    /// object) of [`Tokenizer::truncated_to_num_words`]. Keras' `tokenizer_from_json` cannot
    /// read it (Keras wants `index_word` too, which `from_json` rebuilds from `word_index`), so
    /// it is for files only this library reads: an ensemble's members, where the page
    /// downloads two vocabularies at once. A 15,000-morpheme vocabulary: 218 → 80 KB gzip.
    pub fn to_json_word_index_only(&self) -> String {
        use serde_json::{Map, Value, json};
        let t = self.truncated_to_num_words();
        let word_index: Map<String, Value> = t
            .word_index
            .iter()
            .map(|(w, &i)| (w.clone(), json!(i)))
            .collect();
        let c = &t.config;
        json!({"class_name": "Tokenizer", "config": {
            "num_words": c.num_words,
            "filters": c.filters,
            "lower": c.lower,
            "split": c.split,
            "char_level": c.char_level,
            "oov_token": c.oov_token,
            "document_count": t.document_count,
            "word_index": word_index,
        }})
        .to_string()
    }

    fn keras_json(&self, compact: bool) -> String {
        use serde_json::{Map, Value, json};
        let dumps = |v: &Value| {
            if compact {
                v.to_string()
            } else {
                pyjson::dumps(v)
            }
        };
        let stats = |pairs: Vec<(String, usize)>| if compact { Vec::new() } else { pairs };
        let ints = |pairs: Vec<(String, usize)>| {
            Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, json!(v)))
                    .collect::<Map<_, _>>(),
            )
        };
        let word_counts = ints(stats(self.word_counts.clone().into_iter().collect()));
        let word_docs = ints(stats(self.word_docs.clone().into_iter().collect()));
        let word_index = ints(self.word_index.clone().into_iter().collect());
        // Python turns integer keys into strings when it writes JSON.
        let index_docs = ints(stats(
            self.index_docs
                .iter()
                .map(|(k, &v)| (k.to_string(), v))
                .collect(),
        ));
        let index_word: Map<String, Value> = self
            .index_word
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        let c = &self.config;
        let config = json!({
            "num_words": c.num_words,
            "filters": c.filters,
            "lower": c.lower,
            "split": c.split,
            "char_level": c.char_level,
            "oov_token": c.oov_token,
            "document_count": self.document_count,
            "word_counts": dumps(&word_counts),
            "word_docs": dumps(&word_docs),
            "index_docs": dumps(&index_docs),
            "index_word": dumps(&Value::Object(index_word)),
            "word_index": dumps(&word_index),
        });
        dumps(&json!({"class_name": "Tokenizer", "config": config}))
    }

    /// Read what Keras' `tokenizer.to_json()` wrote (Keras' `tokenizer_from_json`).
    pub fn from_json(json: &str) -> Result<Self, TextError> {
        use serde_json::Value;
        let bad = |reason: &str| TextError::TokenizerJson {
            reason: reason.to_string(),
        };
        let root: Value =
            serde_json::from_str(json).map_err(|e| bad(&format!("invalid JSON: {e}")))?;
        let config = root
            .get("config")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("no \"config\" object"))?;
        // Keras stores each dictionary as a JSON string; accept a plain object as well.
        let dict = |key: &str| -> Result<serde_json::Map<String, Value>, TextError> {
            match config.get(key) {
                None | Some(Value::Null) => Ok(serde_json::Map::new()),
                Some(Value::String(s)) => serde_json::from_str(s)
                    .map_err(|e| bad(&format!("\"{key}\" is not a JSON object: {e}"))),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(_) => Err(bad(&format!("\"{key}\" is not a dictionary"))),
            }
        };
        let count = |key: &str, v: &Value| -> Result<usize, TextError> {
            v.as_u64()
                .map(|n| n as usize)
                .ok_or_else(|| bad(&format!("a value in \"{key}\" is not a whole number")))
        };
        let int_key = |key: &str, k: &str| -> Result<usize, TextError> {
            k.parse()
                .map_err(|_| bad(&format!("key {k:?} in \"{key}\" is not an index")))
        };
        let string = |key: &str, default: &str| -> Result<String, TextError> {
            match config.get(key) {
                None | Some(Value::Null) => Ok(default.to_string()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(bad(&format!("\"{key}\" is not a string"))),
            }
        };
        let boolean = |key: &str, default: bool| -> Result<bool, TextError> {
            match config.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(bad(&format!("\"{key}\" is not true or false"))),
            }
        };
        let num_words = match config.get("num_words") {
            None | Some(Value::Null) => None,
            Some(v) => Some(count("num_words", v)?),
        };
        let oov_token = match config.get("oov_token") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(bad("\"oov_token\" is not a string")),
        };
        let defaults = TokenizerConfig::default();
        let mut tokenizer = Tokenizer::new(TokenizerConfig {
            num_words,
            filters: string("filters", &defaults.filters)?,
            lower: boolean("lower", defaults.lower)?,
            split: string("split", &defaults.split)?,
            char_level: boolean("char_level", defaults.char_level)?,
            oov_token,
        })?;
        tokenizer.document_count = match config.get("document_count") {
            None | Some(Value::Null) => 0,
            Some(v) => count("document_count", v)?,
        };
        for (k, v) in dict("word_counts")? {
            let n = count("word_counts", &v)?;
            tokenizer.word_counts.insert(k, n);
        }
        for (k, v) in dict("word_docs")? {
            let n = count("word_docs", &v)?;
            tokenizer.word_docs.insert(k, n);
        }
        for (k, v) in dict("index_docs")? {
            let n = count("index_docs", &v)?;
            tokenizer.index_docs.insert(int_key("index_docs", &k)?, n);
        }
        for (k, v) in dict("word_index")? {
            let n = count("word_index", &v)?;
            tokenizer.word_index.insert(k, n);
        }
        for (k, v) in dict("index_word")? {
            let w = v
                .as_str()
                .ok_or_else(|| bad("a value in \"index_word\" is not a string"))?;
            tokenizer
                .index_word
                .insert(int_key("index_word", &k)?, w.to_string());
        }
        if tokenizer.index_word.is_empty() {
            // Written without it ([`Tokenizer::to_json_word_index_only`]): Keras' own
            // `index_word` is `word_index` turned around.
            tokenizer.index_word = tokenizer
                .word_index
                .iter()
                .map(|(w, &i)| (i, w.clone()))
                .collect();
        }
        Ok(tokenizer)
    }
}
