//! `train-sentiment --teacher DIR`: distillation. The student trains towards the teacher's
//! probability for each training review (and, with `--teacher-neutral`, for the raw movie
//! reviews rated 5–8 that have no label), so one RNN can learn what an ensemble knows.

use std::path::Path;

use rnn_playground::classifier::ReviewClassifier;
use rnn_playground::text::reviews::{Review, ReviewFormat};

/// The raw crawl's reviews rated 5–8 (`id<TAB>document<TAB>rating<TAB>movie_id`), which the
/// reader leaves out (NSMC's rule labels only 1–4 and 9–10). Label 0 stands in: only the
/// teacher's probability is trained on.
pub fn neutral_reviews(text: &str, format: ReviewFormat) -> Vec<Review> {
    if format != ReviewFormat::NsmcRaw {
        return Vec::new();
    }
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (id, document, rating) = (f.next()?, f.next()?, f.next()?);
            let rating: u8 = rating.trim().parse().ok()?;
            ((5..=8).contains(&rating) && !document.trim().is_empty()).then(|| Review {
                text: document.to_string(),
                label: 0,
                rating: Some(rating),
                id: Some(id.to_string()),
            })
        })
        .collect()
}

/// A raw movie review rated 5–8 (shopping reviews have no id; NSMC's labelled ones are 1–4
/// or 9–10).
fn is_neutral(r: &Review) -> bool {
    r.id.is_some() && r.rating.is_some_and(|x| (5..=8).contains(&x))
}

/// The teacher's probability of 긍정 for each review, in order.
pub fn teacher_targets(dir: &Path, reviews: &[Review]) -> Result<Vec<f32>, String> {
    let teacher =
        ReviewClassifier::load(dir).map_err(|e| format!("teacher {}: {e}", dir.display()))?;
    let start = std::time::Instant::now();
    let mut out = Vec::with_capacity(reviews.len());
    for chunk in reviews.chunks(8192) {
        let texts: Vec<&str> = chunk.iter().map(|r| r.text.as_str()).collect();
        let p = teacher.predict(&texts).map_err(|e| e.to_string())?;
        out.extend(p.into_iter().map(|p| p.clamp(0.0, 1.0)));
        eprint!(
            "\rteacher {}: {}/{} reviews ({:.0} s)",
            dir.display(),
            out.len(),
            reviews.len(),
            start.elapsed().as_secs_f64()
        );
    }
    eprintln!();
    let agree = reviews
        .iter()
        .zip(&out)
        .filter(|(r, _)| !is_neutral(r))
        .filter(|(r, p)| (r.label == 1) == (**p > 0.5))
        .count();
    let labelled = reviews.iter().filter(|r| !is_neutral(r)).count();
    eprintln!("the teacher agrees with {agree} of the {labelled} labelled training reviews");
    Ok(out)
}
