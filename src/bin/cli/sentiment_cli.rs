//! What the review-sentiment subcommands share: splitting review files as train-sentiment
//! splits them, reading them, training and testing, loading a model folder.

use super::*;
use rnn_playground::sentiment::SentimentModel;
use rnn_playground::text::reviews::{Review, read_reviews};

/// Each file's reviews split into (train, test) by a seeded shuffle.
pub(super) fn split(
    mut reviews: Vec<Review>,
    fraction: f64,
    seed: u64,
) -> (Vec<Review>, Vec<Review>) {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    reviews.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    let n_test = ((reviews.len() as f64) * fraction).round() as usize;
    let test = reviews.split_off(reviews.len() - n_test.min(reviews.len()));
    (reviews, test)
}

/// A file's name as the model card and the JSON lines give it.
pub(super) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into())
}

/// A review file to train on, with its report on stderr; an error when nothing in it is
/// a review.
pub(super) fn read_training_file(
    path: &std::path::Path,
) -> Result<(String, rnn_playground::text::reviews::ReviewSet), String> {
    let set = read_reviews(&read_file(path)?, None);
    eprintln!("{}: {}", path.display(), set.report());
    if set.reviews.is_empty() {
        return Err(format!("{}: no reviews could be read", path.display()));
    }
    Ok((file_name(path), set))
}

/// One file's reviews as train-sentiment uses them: the seeded test split held out,
/// then (`--balance`) as many of each class, then at most `--max-per-file`.
pub(super) fn train_and_test(
    reviews: Vec<Review>,
    args: &TrainSentimentArgs,
) -> (Vec<Review>, Vec<Review>) {
    let (mut train, test) = split(reviews, args.test_fraction, args.seed);
    if args.balance {
        let positive = train.iter().filter(|r| r.label == 1).count();
        let keep = positive.min(train.len() - positive);
        let (mut pos, mut neg) = (0, 0);
        // The order is already a seeded shuffle: keep the first of each class.
        train.retain(|r| {
            let count = if r.label == 1 { &mut pos } else { &mut neg };
            *count += 1;
            *count <= keep
        });
    }
    if let Some(n) = args.max_per_file {
        train.truncate(n);
    }
    (train, test)
}

/// An RNN model folder (convert-weights stores RNN weights only).
pub(super) fn load_rnn(path: &std::path::Path) -> Result<SentimentModel, String> {
    SentimentModel::load(path).map_err(|e| format!("{}: {e}", path.display()))
}

pub(super) fn load(
    path: &std::path::Path,
) -> Result<rnn_playground::classifier::ReviewClassifier, String> {
    rnn_playground::classifier::ReviewClassifier::load(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}
