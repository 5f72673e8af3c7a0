//! Readers for the review files the lectures use, with their labelling rules.
//!
//! Formats (TAB-separated, one review per line; a header line is recognised and skipped):
//! - `rating<TAB>review`, rating 1–5 (Naver shopping, bab2min's `naver_shopping.txt`):
//!   lecture 11's rule, `rating > 3` → positive (1), otherwise negative (0).
//! - `label<TAB>review`, label 0/1.
//! - `id<TAB>document<TAB>label` (NSMC's `ratings_train.txt`, with its header).
//! - `id<TAB>document<TAB>rating<TAB>movie_id`, rating 1–10 (the raw Naver movie reviews):
//!   NSMC's rule, 1–4 → negative, 9–10 → positive, 5–8 left out.
//!
//! A line that does not fit is counted with its line number and reason, never a crash.
//!
//! ```
//! use rnn_playground::text::reviews::{read_reviews, ReviewFormat};
//!
//! let file = "5\t배송 빠르고 좋아요\n1\t별로예요\n4\t괜찮아요\n\n이상한 줄\n";
//! let set = read_reviews(file, None);
//! assert_eq!(set.format, ReviewFormat::Rating5);
//! assert_eq!(set.reviews.iter().map(|r| r.label).collect::<Vec<_>>(), vec![1, 0, 1]);
//! assert_eq!(set.malformed.len(), 1); // "이상한 줄" (the empty line is skipped silently)
//! ```

use serde::{Deserialize, Serialize};

/// How the label of a line is found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewFormat {
    /// `rating<TAB>review`, 1–5; positive when rating > 3 (lecture 11).
    Rating5,
    /// `rating<TAB>review`, 1–10; NSMC's rule.
    Rating10,
    /// `label<TAB>review`, 0/1.
    #[default]
    Label,
    /// `id<TAB>document<TAB>label` (NSMC).
    NsmcLabel,
    /// `id<TAB>document<TAB>rating<TAB>movie_id` (raw Naver movie reviews); NSMC's rule.
    NsmcRaw,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub text: String,
    /// 1 = positive (긍정), 0 = negative (부정).
    pub label: u8,
    /// The star rating when the file has one.
    pub rating: Option<u8>,
    /// The review id when the file has one (NSMC's formats).
    #[serde(default)]
    pub id: Option<String>,
}

/// What a file held.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewSet {
    pub reviews: Vec<Review>,
    pub format: ReviewFormat,
    /// `(line number from 1, reason)` of every line that could not be read.
    pub malformed: Vec<(usize, String)>,
    /// Readable lines left out by the labelling rule (NSMC's ratings 5–8).
    pub neutral: usize,
    pub header: bool,
}

impl ReviewSet {
    /// One line for the user: how many reviews, how many positive, what was skipped.
    pub fn report(&self) -> String {
        let positive = self.reviews.iter().filter(|r| r.label == 1).count();
        let mut out = format!(
            "{} reviews ({positive} positive, {} negative), format {:?}",
            self.reviews.len(),
            self.reviews.len() - positive,
            self.format
        );
        if self.neutral > 0 {
            out += &format!(", {} neutral ratings left out", self.neutral);
        }
        if let Some((line, why)) = self.malformed.first() {
            out += &format!(
                ", {} malformed lines skipped (first: line {line}, {why})",
                self.malformed.len()
            );
        }
        out
    }
}

/// NSMC's rule on a 1–10 rating: `None` for the neutral 5–8.
pub fn nsmc_label(rating: u8) -> Option<u8> {
    match rating {
        1..=4 => Some(0),
        9..=10 => Some(1),
        _ => None,
    }
}

/// Lecture 11's rule on a 1–5 rating.
pub fn shopping_label(rating: u8) -> u8 {
    u8::from(rating > 3)
}

fn looks_like_header(line: &str) -> bool {
    let first = line.split('\t').next().unwrap_or("").trim();
    !first.is_empty()
        && first.parse::<i64>().is_err()
        && [
            "id", "label", "rating", "ratings", "document", "review", "reviews",
        ]
        .contains(&first.to_ascii_lowercase().as_str())
}

/// The format of `text`, from its header or the shape and values of its lines.
pub fn detect_format(text: &str) -> ReviewFormat {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.clone().next().unwrap_or("");
    if looks_like_header(first) {
        let cols: Vec<String> = first.split('\t').map(|c| c.trim().to_lowercase()).collect();
        if cols.len() >= 4 || cols.iter().any(|c| c == "movie_id") {
            return ReviewFormat::NsmcRaw;
        }
        if cols.len() == 3 {
            return ReviewFormat::NsmcLabel;
        }
        lines.next();
    }
    let mut max = 0u32;
    let mut zero = false;
    // Lines by their number of fields: the most common count decides (a TAB inside one
    // review, or a quoted field pandas reads as one, does not change the file's form).
    let mut by_fields = [0usize; 5];
    for line in lines.take(5000) {
        let parts: Vec<&str> = line.split('\t').collect();
        by_fields[parts.len().min(4)] += 1;
        if let Some(v) = parts.first().and_then(|p| p.trim().parse::<u32>().ok()) {
            max = max.max(v);
            zero |= v == 0;
        }
    }
    let fields = (1..=4).rev().max_by_key(|&k| by_fields[k]).unwrap_or(2);
    match fields {
        4.. => ReviewFormat::NsmcRaw,
        3 => ReviewFormat::NsmcLabel,
        _ if zero || max <= 1 => ReviewFormat::Label,
        _ if max <= 5 => ReviewFormat::Rating5,
        _ => ReviewFormat::Rating10,
    }
}

/// Read every review of `text` in `format` (detected when `None`).
pub fn read_reviews(text: &str, format: Option<ReviewFormat>) -> ReviewSet {
    let format = format.unwrap_or_else(|| detect_format(text));
    let mut set = ReviewSet {
        format,
        ..ReviewSet::default()
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if i == 0 && looks_like_header(line) {
            set.header = true;
            continue;
        }
        let parts: Vec<&str> = line.split('\t').collect();
        let number = |s: &str| s.trim().parse::<u8>().ok();
        let parsed: Result<Option<Review>, String> = match format {
            ReviewFormat::Rating5 | ReviewFormat::Rating10 | ReviewFormat::Label => {
                match parts.as_slice() {
                    [value, text, ..] => match number(value) {
                        Some(v) => match format {
                            ReviewFormat::Label if v <= 1 => Ok(Some((v, None))),
                            ReviewFormat::Rating5 if (1..=5).contains(&v) => {
                                Ok(Some((shopping_label(v), Some(v))))
                            }
                            ReviewFormat::Rating10 if (1..=10).contains(&v) => {
                                Ok(nsmc_label(v).map(|l| (l, Some(v))))
                            }
                            _ => Err(format!("{v} is not a {format:?} value")),
                        }
                        .map(|o| {
                            o.map(|(label, rating)| Review {
                                text: text.to_string(),
                                label,
                                rating,
                                id: None,
                            })
                        }),
                        None => Err(format!("'{}' is not a number", value.trim())),
                    },
                    _ => Err("no TAB between the label and the review".into()),
                }
            }
            ReviewFormat::NsmcLabel => match parts.as_slice() {
                [id, text, label, ..] => match number(label) {
                    Some(l @ 0..=1) => Ok(Some(Review {
                        text: text.to_string(),
                        label: l,
                        rating: None,
                        id: Some(id.trim().to_string()),
                    })),
                    _ => Err(format!("label '{}' is not 0 or 1", label.trim())),
                },
                _ => Err("expected id, document, label".into()),
            },
            ReviewFormat::NsmcRaw => match parts.as_slice() {
                [id, text, rating, ..] => match number(rating) {
                    Some(r @ 1..=10) => Ok(nsmc_label(r).map(|label| Review {
                        text: text.to_string(),
                        label,
                        rating: Some(r),
                        id: Some(id.trim().to_string()),
                    })),
                    _ => Err(format!("rating '{}' is not 1–10", rating.trim())),
                },
                _ => Err("expected id, document, rating, movie_id".into()),
            },
        };
        match parsed {
            Ok(Some(review)) if review.text.trim().is_empty() => {
                set.malformed.push((i + 1, "empty review".into()))
            }
            Ok(Some(review)) => set.reviews.push(review),
            Ok(None) => set.neutral += 1,
            Err(why) => set.malformed.push((i + 1, why)),
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsmc_label_file_with_header() {
        let file = "id\tdocument\tlabel\n101\t정말 재미있는 영화\t1\n102\t지루했다\t0\n103\t라벨이 이상함\t7\n";
        let set = read_reviews(file, None);
        assert_eq!(set.format, ReviewFormat::NsmcLabel);
        assert!(set.header);
        assert_eq!(set.reviews.len(), 2);
        assert_eq!(set.reviews[0].label, 1);
        assert_eq!(
            set.malformed,
            vec![(4, "label '7' is not 0 or 1".to_string())]
        );
    }

    #[test]
    fn raw_movie_reviews_follow_nsmc_rule() {
        let file = "id\tdocument\trating\tmovie_id\n1\t최고\t10\n2\t그럭저럭\t6\n3\t별로\t2\n4\t좋음\t9\n5\t애매\t5\n";
        let set = read_reviews(file, None);
        assert_eq!(set.format, ReviewFormat::NsmcRaw);
        let labels: Vec<(u8, Option<u8>)> =
            set.reviews.iter().map(|r| (r.label, r.rating)).collect();
        assert_eq!(labels, vec![(1, Some(10)), (0, Some(2)), (1, Some(9))]);
        assert_eq!(set.neutral, 2);
    }

    #[test]
    fn shopping_ratings_and_labels_without_header() {
        // bab2min's format: ratings 1, 2, 4, 5; the lecture's rule is rating > 3.
        let set = read_reviews("\u{feff}5\t좋아요\r\n2\t별로\r\n4\t괜찮음\r\n", None);
        assert_eq!(set.format, ReviewFormat::Rating5);
        assert_eq!(
            set.reviews.iter().map(|r| r.label).collect::<Vec<_>>(),
            vec![1, 0, 1]
        );
        assert_eq!(set.reviews[0].text, "좋아요");
        let set = read_reviews("0\t별로\n1\t좋아요\n", None);
        assert_eq!(set.format, ReviewFormat::Label);
        assert_eq!(set.reviews.len(), 2);
        // Ten-point ratings without a header.
        let set = read_reviews("10\t최고\n3\t별로\n7\t보통\n", None);
        assert_eq!(set.format, ReviewFormat::Rating10);
        assert_eq!(set.reviews.len(), 2);
        assert_eq!(set.neutral, 1);
    }

    #[test]
    fn garbage_is_counted_not_a_crash() {
        let set = read_reviews(
            "그냥 문장\n\u{0}\u{1}\t\n5\t\nabc\tdef\n",
            Some(ReviewFormat::Rating5),
        );
        assert!(set.reviews.is_empty());
        assert_eq!(set.malformed.len(), 4);
        assert!(set.report().contains("4 malformed lines"));
        let empty = read_reviews("", None);
        assert!(empty.reviews.is_empty() && empty.malformed.is_empty());
    }
}
