//! Lecture 8's training samples for next-word prediction: every prefix of every line, of
//! length two and more, then the last column split off as the label.
//!
//! ```
//! use rnn_playground::text::prefix_ngrams;
//!
//! // "경마장에 있는 말이 뛰고 있다" encodes to [2, 3, 1, 4, 5].
//! assert_eq!(
//!     prefix_ngrams(&[vec![2, 3, 1, 4, 5]]),
//!     vec![vec![2, 3], vec![2, 3, 1], vec![2, 3, 1, 4], vec![2, 3, 1, 4, 5]]
//! );
//! ```

/// For each encoded line `[w1, w2, …, wn]`: `[w1, w2]`, `[w1, w2, w3]`, …, `[w1, …, wn]`.
/// Lines with fewer than two tokens give no sample.
pub fn prefix_ngrams<T: Clone>(encoded_lines: &[Vec<T>]) -> Vec<Vec<T>> {
    encoded_lines
        .iter()
        .flat_map(|line| (2..=line.len()).map(move |end| line[..end].to_vec()))
        .collect()
}

/// `X = sequences[:, :-1]`, `y = sequences[:, -1]` of a padded matrix. Empty rows give no
/// sample.
pub fn split_x_y<T: Clone>(padded: &[Vec<T>]) -> (Vec<Vec<T>>, Vec<T>) {
    padded
        .iter()
        .filter_map(|row| row.split_last())
        .map(|(last, rest)| (rest.to_vec(), last.clone()))
        .unzip()
}
