//! How well a classifier does: accuracy on labelled reviews and a Wilson interval around it.

use super::SentimentModel;
use crate::nn::Result;
use crate::text::reviews::Review;

/// Fraction of reviews whose rounded probability equals the label.
pub fn accuracy(model: &SentimentModel, reviews: &[Review]) -> Result<f64> {
    if reviews.is_empty() {
        return Ok(0.0);
    }
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let right = right_answers(&model.predict(&texts)?, reviews.iter());
    Ok(right as f64 / reviews.len() as f64)
}

/// How many of `probabilities` (of 긍정) give each review's label at the 0.5 threshold.
pub fn right_answers<'a>(
    probabilities: &[f32],
    reviews: impl Iterator<Item = &'a Review>,
) -> usize {
    probabilities
        .iter()
        .zip(reviews)
        .filter(|(p, r)| u8::from(**p > 0.5) == r.label)
        .count()
}

/// A 95% Wilson score interval for `right` of `n` (accuracy on a test split or over the folds
/// of a cross-validation): `(low, high)`.
pub fn wilson_interval(right: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n, p) = (1.96f64, n as f64, right as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}
