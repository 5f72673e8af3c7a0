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
//! Every cell does what Colab's pandas and scikit-learn do, row for row, so that a student who
//! runs the lecture's notebook on the same file sees the same numbers: the file is read as
//! `pd.read_table(names=['ratings', 'reviews'])` reads it ([`read_table`]: quoting, blank lines,
//! `NaN` reviews), the split is scikit-learn's ([`crate::random_state`]), and the cleaning drops
//! only the reviews that became the empty string (`replace('', np.nan)` + `dropna`: a review
//! of spaces only stays, and Okt gives it no morphemes).
//!
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
//! assert_eq!(loaded.train[0].text, "리뷰 10번"); // random_state=42, as scikit-learn picks
//! ```

use serde::{Deserialize, Serialize};

use crate::nn::CellKind;
use crate::sentiment::SentimentConfig;
use crate::text::korean::clean_korean;
use crate::text::reviews::{Review, ReviewFormat, detect_format, read_reviews, shopping_label};
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
    /// Reviews read from the top of the file (`total_data[:sample]`; the lecture reads all of
    /// bab2min's 200,000).
    pub sample: usize,
    /// `train_test_split(test_size=…)`.
    pub test_size: f64,
    /// `random_state` (numpy takes 0 to 2³²−1).
    pub seed: u32,
}

impl NotebookConfig {
    pub fn new(lecture: Lecture) -> Self {
        Self {
            lecture,
            sample: 200_000,
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
    /// `None` where pandas reads `NaN` (an empty review field, or one of pandas' NA words).
    pub reviews: Option<String>,
    pub label: u8,
}

/// The cells up to the cleaning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Loaded {
    pub format: ReviewFormat,
    /// What was read, in one line (reviews, labels, lines skipped).
    pub report: String,
    /// Rows in the file.
    pub file_reviews: usize,
    /// `len(total_data)`: the rows read (at most [`NotebookConfig::sample`]).
    pub total: usize,
    pub head: Vec<HeadRow>,
    /// `len(total_data)` after `drop_duplicates(subset=['reviews'])`.
    pub unique: usize,
    /// `len(train_data)`, `len(test_data)` right after the split.
    pub split: (usize, usize),
    /// `train_data['label'].value_counts()` before the cleaning: [label 0, label 1].
    pub train_label_counts: [usize; 2],
    /// `train_data['reviews'][:5]` after the cleaning and `dropna`, with pandas' index (the
    /// row's place in `total_data`, kept through `drop_duplicates` and the split).
    pub cleaned_head: Vec<(usize, String)>,
    /// Training rows `dropna` removed (empty after the cleaning, or `NaN` from the start).
    pub train_dropped: usize,
    /// Test rows `dropna` removed.
    pub test_dropped: usize,
    pub train: Vec<Review>,
    pub test: Vec<Review>,
}

impl Loaded {
    /// Rows `dropna` removed from both parts.
    pub fn emptied(&self) -> usize {
        self.train_dropped + self.test_dropped
    }
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

impl crate::i18n::Bilingual for NotebookError {
    fn text(&self) -> crate::i18n::Text {
        let ko = match self {
            NotebookError::TooFew {
                found,
                needed,
                report,
            } => format!(
                "이 파일에는 읽고 정제한 뒤 리뷰가 {found}개 있습니다 ({report}). 노트북에는 {needed}개 이상이 \
                 필요합니다. bab2min의 naver_shopping.txt(`rating<TAB>review`)나 `label<TAB>review` \
                 파일을 주세요"
            ),
        };
        crate::i18n::Text::new(ko, self.to_string())
    }
}

/// The fewest reviews the notebook trains on (validation takes a fifth of the training part).
pub const MIN_REVIEWS: usize = 20;

/// The strings pandas' `read_table` reads as `NaN` (its default `na_values`).
const PANDAS_NA: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// One line of `pd.read_table(file, names=['ratings', 'reviews'])`.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// The first field, as written.
    pub ratings: String,
    /// The second field; `None` where pandas reads `NaN`.
    pub reviews: Option<String>,
    /// The line it starts on (from 1).
    pub line: usize,
}

/// The rows of a TAB-separated file as pandas' C parser reads them with its defaults:
/// blank lines skipped, a field that starts with `"` is quoted (TABs and line breaks inside
/// it belong to the field, `""` is one quote, text after the closing quote is appended), an
/// empty field or one of pandas' NA words is `NaN`, a UTF-8 BOM at the start is dropped.
/// Fields after the second are ignored (pandas would stop with an error).
///
/// A quote that never closes takes the rest of the file into its field; pandas stops there
/// with "EOF inside string starting at row N" ([`Table::eof_inside_string`]).
pub fn read_table(text: &str) -> Table {
    #[derive(PartialEq)]
    enum State {
        StartField,
        InField,
        InQuoted,
        QuoteInQuoted,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut state = State::StartField;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    let end_row = |fields: &mut Vec<String>, rows: &mut Vec<TableRow>, row_line: usize| {
        // A line of nothing but spaces is blank to pandas too.
        let blank = fields.len() == 1 && fields[0].chars().all(|c| c == ' ');
        if !blank {
            let reviews = fields.get(1).filter(|f| !PANDAS_NA.contains(&f.as_str()));
            rows.push(TableRow {
                ratings: fields[0].clone(),
                reviews: reviews.cloned(),
                line: row_line,
            });
        }
        fields.clear();
    };
    while let Some(c) = chars.next() {
        let newline = c == '\n' || c == '\r';
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        match state {
            State::InQuoted if c == '"' => state = State::QuoteInQuoted,
            State::InQuoted => {
                if newline {
                    line += 1;
                    field.push('\n');
                } else {
                    field.push(c);
                }
            }
            State::QuoteInQuoted if c == '"' => {
                field.push('"');
                state = State::InQuoted;
            }
            State::StartField if c == '"' => state = State::InQuoted,
            _ if c == '\t' => {
                fields.push(std::mem::take(&mut field));
                state = State::StartField;
            }
            _ if newline => {
                fields.push(std::mem::take(&mut field));
                end_row(&mut fields, &mut rows, row_line);
                line += 1;
                row_line = line;
                state = State::StartField;
            }
            _ => {
                field.push(c);
                state = State::InField;
            }
        }
    }
    let eof_inside_string = (state == State::InQuoted).then_some(row_line);
    if !field.is_empty() || !fields.is_empty() || state == State::InQuoted {
        fields.push(field);
        end_row(&mut fields, &mut rows, row_line);
    }
    Table {
        rows,
        eof_inside_string,
    }
}

/// What [`read_table`] read.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub rows: Vec<TableRow>,
    /// The line where a quoted field opens that never closes (pandas raises `ParserError:
    /// EOF inside string` there; we keep the field, to the end of the file).
    pub eof_inside_string: Option<usize>,
}

/// A row on its way through the cells (`text` is `None` for pandas' `NaN`).
struct Row {
    text: Option<String>,
    label: u8,
    rating: Option<u8>,
    id: Option<String>,
}

/// The rows of `text` and a one-line report: pandas' reading for the lecture's
/// `rating<TAB>review` form, [`read_reviews`] for the other formats the page takes.
fn read_rows(text: &str) -> (ReviewFormat, Vec<Row>, String) {
    let format = detect_format(text);
    if format != ReviewFormat::Rating5 {
        let set = read_reviews(text, Some(format));
        let rows = set
            .reviews
            .iter()
            .map(|r| Row {
                text: Some(r.text.clone()),
                label: r.label,
                rating: r.rating,
                id: r.id.clone(),
            })
            .collect();
        return (format, rows, set.report());
    }
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let table = read_table(text);
    for r in table.rows {
        match r.ratings.trim().parse::<u8>() {
            Ok(rating) => rows.push(Row {
                text: r.reviews,
                label: shopping_label(rating),
                rating: Some(rating),
                id: None,
            }),
            Err(_) => skipped.push(r.line),
        }
    }
    let positive = rows.iter().filter(|r| r.label == 1).count();
    let mut report = format!(
        "{} reviews ({positive} positive, {} negative), format {format:?}",
        rows.len(),
        rows.len() - positive
    );
    if let Some(first) = skipped.first() {
        // pandas would stop here ("could not convert string to float"); we go on without them.
        report += &format!(
            ", {} lines without a number rating skipped (first: line {first})",
            skipped.len()
        );
    }
    if let Some(line) = table.eof_inside_string {
        report += &format!(
            ", a quote opened on line {line} never closes (pandas stops there: \"EOF inside \
             string\"; here the rest of the file is that review)"
        );
    }
    (format, rows, report)
}

/// Read the file, `head()`, label, `drop_duplicates`, split and clean, as the lecture's
/// pandas and scikit-learn cells do.
pub fn load(text: &str, config: &NotebookConfig) -> Result<Loaded, NotebookError> {
    let (format, mut rows, report) = read_rows(text);
    let file_reviews = rows.len();
    rows.truncate(config.sample.max(1));
    // pandas' RangeIndex: each row keeps its number through drop_duplicates and the split.
    let mut rows: Vec<(usize, Row)> = rows.into_iter().enumerate().collect();
    let total = rows.len();
    let head = rows
        .iter()
        .take(5)
        .map(|(_, r)| HeadRow {
            ratings: r.rating,
            reviews: r.text.clone(),
            label: r.label,
        })
        .collect();
    // drop_duplicates keeps the first of each review; NaN equals NaN there.
    let mut seen = std::collections::HashSet::new();
    rows.retain(|(_, r)| seen.insert(r.text.clone()));
    let unique = rows.len();
    let (train_rows, test_rows) =
        crate::random_state::train_test_split_indices(rows.len(), config.test_size, config.seed);
    let mut rows: Vec<Option<(usize, Row)>> = rows.into_iter().map(Some).collect();
    let mut take = |indices: Vec<usize>| -> Vec<(usize, Row)> {
        indices.into_iter().filter_map(|i| rows[i].take()).collect()
    };
    let (train, test) = (take(train_rows), take(test_rows));
    let split = (train.len(), test.len());
    let mut train_label_counts = [0usize; 2];
    for (_, r) in &train {
        train_label_counts[usize::from(r.label.min(1))] += 1;
    }
    // str.replace("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", regex=True), then replace('', np.nan) + dropna:
    // only the empty string is dropped; a review of spaces stays.
    let clean = |rows: Vec<(usize, Row)>| -> (Vec<(usize, String)>, Vec<Review>, usize) {
        let n = rows.len();
        let mut head = Vec::new();
        let mut kept = Vec::new();
        for (index, r) in rows {
            let cleaned = r.text.as_deref().map(clean_korean);
            // The kept review is the original text: the segmenter cleans it the same way.
            if let (Some(c), Some(text)) = (cleaned, r.text)
                && !c.is_empty()
            {
                if head.len() < 5 {
                    head.push((index, c));
                }
                kept.push(Review {
                    text,
                    label: r.label,
                    rating: r.rating,
                    id: r.id,
                });
            }
        }
        let dropped = n - kept.len();
        (head, kept, dropped)
    };
    let (cleaned_head, train, train_dropped) = clean(train);
    let (_, test, test_dropped) = clean(test);
    if train.len() < MIN_REVIEWS || test.is_empty() {
        return Err(NotebookError::TooFew {
            found: train.len() + test.len(),
            needed: MIN_REVIEWS + 1,
            report,
        });
    }
    Ok(Loaded {
        format,
        report,
        file_reviews,
        total,
        head,
        unique,
        split,
        train_label_counts,
        cleaned_head,
        train_dropped,
        test_dropped,
        train,
        test,
    })
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

/// A float as Python's `print` writes it: the shortest digits that read back the same (as
/// Rust's `Display`), with `.0` on whole numbers (`100.0`, where Rust writes `100`).
pub fn python_float(x: f64) -> String {
    let s = x.to_string();
    if x.is_finite() && !s.contains(['.', 'e']) {
        s + ".0"
    } else {
        s
    }
}
