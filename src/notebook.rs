//! Lectures 9 and 11 as notebooks: the lecture's cells in order, each cell's output computed
//! here (the page's `#/lecture/9` and `#/lecture/11` show them; the worker runs them).
//!
//! The lectures read Naver shopping reviews (`rating<TAB>review`), label `ratings > 3` as
//! positive, drop duplicate reviews, split with `train_test_split(test_size=0.25,
//! random_state=42)`, clean with `[^ㄱ-ㅎㅏ-ㅣ가-힣 ]`, split into Okt morphemes without the
//! stopwords, fit a `Tokenizer(num_words=8000, oov_token='OOV')` on the training reviews, look at
//! the length histogram, `pad_sequences(maxlen=60)`, and fit lecture 9's SimpleRNN (batch 32,
//! with a `Flatten`) or lecture 11's GRU (batch 60) with `validation_split=0.2`.
//!
//! The split is ours (a seeded shuffle), not scikit-learn's: the same proportions, other rows.
//! Phases, because segmenting thousands of reviews takes seconds and the worker reports progress
//! between slices: [`load`] (cells up to the cleaning), then the morphemes of
//! [`Loaded::train`] and [`Loaded::test`], then [`prepare`] (tokenizer, lengths, padding).
//!
//! ```
//! use rnn_playground::notebook::{Lecture, NotebookConfig, load};
//!
//! let mut file = String::from("5\t배송 빨라요\n1\t별로예요\n5\t배송 빨라요\n");
//! for i in 0..30 {
//!     file += &format!("{}\t리뷰 {i}번\n", if i % 2 == 0 { 4 } else { 2 });
//! }
//! let loaded = load(&file, &NotebookConfig::new(Lecture::Nine)).unwrap();
//! assert_eq!(loaded.total, 33);
//! assert_eq!(loaded.unique, 32); // drop_duplicates(subset=['reviews'])
//! assert_eq!(loaded.head[0].label, 1); // ratings > 3
//! assert_eq!((loaded.train.len(), loaded.test.len()), (24, 8)); // test_size=0.25
//! ```

use serde::{Deserialize, Serialize};

use crate::nn::CellKind;
use crate::sentiment::SentimentConfig;
use crate::text::korean::clean_korean;
use crate::text::reviews::{Review, ReviewFormat, read_reviews};
use crate::text::{Tokenizer, TokenizerConfig};

/// Which lecture's notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lecture {
    /// Lecture 9: Embedding(8000, 128) → SimpleRNN(64) → Flatten → Dense(1), batch 32.
    Nine,
    /// Lecture 11: Embedding(8000, 100) → GRU(128) → Dense(1), batch 60.
    Eleven,
}

impl Lecture {
    pub fn number(self) -> u8 {
        match self {
            Lecture::Nine => 9,
            Lecture::Eleven => 11,
        }
    }

    /// The lecture's own recurrent layer.
    pub fn cell(self) -> CellKind {
        match self {
            Lecture::Nine => CellKind::SimpleRnn,
            Lecture::Eleven => CellKind::Gru,
        }
    }

    /// The model of this lecture's `model = Sequential()` cell, with `cell` as its recurrent
    /// layer (the side-by-side runs the same settings with each of the three).
    pub fn model_config(self, cell: CellKind) -> SentimentConfig {
        let lecture = match self {
            Lecture::Nine => SentimentConfig::lecture9_simplernn(),
            Lecture::Eleven => SentimentConfig::lecture11_gru(),
        };
        SentimentConfig { cell, ..lecture }
    }
}

/// What the notebook reads and how it splits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotebookConfig {
    pub lecture: Lecture,
    /// Reviews read from the top of the file (bab2min's file has 200,000; a browser tab trains
    /// on the first 20,000 in minutes, and 75 % of 20,000 is the lecture's 15,000).
    pub sample: usize,
    /// `train_test_split(test_size=…)`.
    pub test_size: f64,
    /// `random_state`.
    pub seed: u64,
}

impl NotebookConfig {
    pub fn new(lecture: Lecture) -> Self {
        Self {
            lecture,
            sample: 20_000,
            test_size: 0.25,
            seed: 42,
        }
    }
}

/// One row of `total_data[:5]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadRow {
    /// `ratings` (None for a `label<TAB>review` file).
    pub ratings: Option<u8>,
    pub reviews: String,
    pub label: u8,
}

/// The cells up to the cleaning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Loaded {
    pub format: ReviewFormat,
    /// [`crate::text::reviews::ReviewSet::report`] of the file.
    pub report: String,
    /// Lines in the file that held a review.
    pub file_reviews: usize,
    /// `len(total_data)`: the reviews read (at most [`NotebookConfig::sample`]).
    pub total: usize,
    pub head: Vec<HeadRow>,
    /// `total_data['reviews'].nunique()`, the rows left by `drop_duplicates`.
    pub unique: usize,
    /// `train_data['label'].value_counts()`: [negative, positive].
    pub train_label_counts: [usize; 2],
    /// `train_data['reviews'].str.replace("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "")` of the first five rows.
    pub cleaned_head: Vec<String>,
    /// Rows whose review was empty after the cleaning (dropped, as the lecture's `dropna`).
    pub emptied: usize,
    pub train: Vec<Review>,
    pub test: Vec<Review>,
}

/// Why the notebook cannot go on with a file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NotebookError {
    #[error(
        "this file holds {found} reviews after reading and cleaning ({report}); the notebook needs \
         at least {needed}. Give bab2min's naver_shopping.txt (`rating<TAB>review`) or a \
         `label<TAB>review` file"
    )]
    TooFew {
        found: usize,
        needed: usize,
        report: String,
    },
}

/// The fewest reviews the notebook trains on (validation takes a fifth of the training part).
pub const MIN_REVIEWS: usize = 20;

/// Read the file, `head()`, label, `drop_duplicates`, split and clean.
pub fn load(text: &str, config: &NotebookConfig) -> Result<Loaded, NotebookError> {
    let set = read_reviews(text, None);
    let report = set.report();
    let file_reviews = set.reviews.len();
    let mut rows = set.reviews;
    rows.truncate(config.sample.max(1));
    let total = rows.len();
    let head = rows
        .iter()
        .take(5)
        .map(|r| HeadRow {
            ratings: r.rating,
            reviews: r.text.clone(),
            label: r.label,
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.text.clone()));
    let unique = rows.len();
    let (mut train, mut test) = train_test_split(rows, config.test_size, config.seed);
    let mut train_label_counts = [0usize; 2];
    for r in &train {
        train_label_counts[usize::from(r.label.min(1))] += 1;
    }
    let cleaned_head = train
        .iter()
        .take(5)
        .map(|r| clean_korean(&r.text))
        .collect();
    let before = train.len() + test.len();
    train.retain(|r| !clean_korean(&r.text).trim().is_empty());
    test.retain(|r| !clean_korean(&r.text).trim().is_empty());
    let emptied = before - train.len() - test.len();
    if train.len() < MIN_REVIEWS || test.is_empty() {
        return Err(NotebookError::TooFew {
            found: train.len() + test.len(),
            needed: MIN_REVIEWS + 1,
            report,
        });
    }
    Ok(Loaded {
        format: set.format,
        report,
        file_reviews,
        total,
        head,
        unique,
        train_label_counts,
        cleaned_head,
        emptied,
        train,
        test,
    })
}

/// A seeded shuffle, then the last `test_size` of the rows (rounded up, as scikit-learn does)
/// are the test rows.
pub fn train_test_split(
    mut rows: Vec<Review>,
    test_size: f64,
    seed: u64,
) -> (Vec<Review>, Vec<Review>) {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    let n_test = ((rows.len() as f64) * test_size.clamp(0.0, 1.0)).ceil() as usize;
    let test = rows.split_off(rows.len() - n_test.min(rows.len()));
    (rows, test)
}

/// The cells from the tokenizer to the padded shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    /// `train_data['tokenized'][:5]`: morphemes without the stopwords.
    pub tokenized_head: Vec<Vec<String>>,
    /// `len(tokenizer.word_index)` of a tokenizer fitted without `num_words`.
    pub vocabulary: usize,
    /// Words seen once (`threshold = 2` in the lecture's rare-word count).
    pub rare_words: usize,
    pub num_words: usize,
    /// `X_train[:3]` after `texts_to_sequences`.
    pub sequences_head: Vec<Vec<usize>>,
    /// `max(len(review) for review in X_train)`.
    pub max_length: usize,
    /// `sum(map(len, X_train)) / len(X_train)`.
    pub mean_length: f64,
    /// `plt.hist(…, bins=50)`: the counts and the range they span.
    pub histogram: Histogram,
    pub maxlen: usize,
    /// `below_threshold_len(max_len, X_train)`: percent of reviews of at most `maxlen` tokens.
    pub below_maxlen_percent: f64,
    /// `X_train.shape` and `X_test.shape` after `pad_sequences`.
    pub train_shape: (usize, usize),
    pub test_shape: (usize, usize),
}

/// Counts of equal-width bins over `[low, high]`, as numpy's `histogram` (the last bin holds
/// its right edge).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub counts: Vec<usize>,
    pub low: f64,
    pub high: f64,
}

impl Histogram {
    /// `np.histogram(values, bins)`: when every value is the same, the range is value ± 0.5.
    pub fn of(values: &[usize], bins: usize) -> Self {
        let bins = bins.max(1);
        let (mut low, mut high) = values.iter().fold((f64::MAX, f64::MIN), |(l, h), &v| {
            (l.min(v as f64), h.max(v as f64))
        });
        if values.is_empty() {
            (low, high) = (0.0, 1.0);
        }
        if low == high {
            (low, high) = (low - 0.5, high + 0.5);
        }
        let width = (high - low) / bins as f64;
        let mut counts = vec![0usize; bins];
        for &v in values {
            let k = (((v as f64) - low) / width).floor() as usize;
            counts[k.min(bins - 1)] += 1;
        }
        Self { counts, low, high }
    }
}

/// The tokenizer, lengths and padding cells, from the training and test reviews' morphemes.
pub fn prepare(
    train_tokens: &[Vec<String>],
    test_tokens: &[Vec<String>],
    model: &SentimentConfig,
) -> Prepared {
    let mut full = Tokenizer::new(TokenizerConfig::default()).expect("the default splits");
    full.fit_on_texts(train_tokens.iter());
    let rare_words = full.word_counts().values().filter(|&&c| c < 2).count();
    let mut tokenizer = Tokenizer::new(TokenizerConfig {
        num_words: Some(model.num_words),
        oov_token: Some("OOV".into()),
        ..TokenizerConfig::default()
    })
    .expect("the default splits");
    tokenizer.fit_on_texts(train_tokens.iter());
    let sequences = tokenizer.texts_to_sequences(train_tokens.iter());
    let lengths: Vec<usize> = sequences.iter().map(Vec::len).collect();
    let n = lengths.len().max(1) as f64;
    let below = lengths.iter().filter(|&&l| l <= model.maxlen).count();
    Prepared {
        tokenized_head: train_tokens.iter().take(5).cloned().collect(),
        vocabulary: full.word_index().len(),
        rare_words,
        num_words: model.num_words,
        sequences_head: sequences.iter().take(3).cloned().collect(),
        max_length: lengths.iter().copied().max().unwrap_or(0),
        mean_length: lengths.iter().sum::<usize>() as f64 / n,
        histogram: Histogram::of(&lengths, 50),
        maxlen: model.maxlen,
        below_maxlen_percent: below as f64 / n * 100.0,
        train_shape: (train_tokens.len(), model.maxlen),
        test_shape: (test_tokens.len(), model.maxlen),
    }
}

/// One model of the side-by-side: how it trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub cell: CellKind,
    pub parameters: usize,
    pub epochs: Vec<crate::train::EpochLogs>,
    pub best_val_accuracy: Option<f32>,
    /// `model.evaluate(X_test, y_test)[1]`.
    pub test_accuracy: f64,
    pub seconds: f64,
}

impl RunResult {
    pub fn best_of(epochs: &[crate::train::EpochLogs]) -> Option<f32> {
        epochs
            .iter()
            .filter_map(|e| e.val_accuracy)
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))))
    }
}
