//! `rnn-playground train-sentiment --model linear`: the baseline (TF-IDF over morpheme and
//! syllable n-grams + logistic regression), split and measured as the RNNs are, with k-fold
//! cross-validation over the shopping reviews.

use std::io::Write;

use rnn_playground::classifier::ReviewClassifier;
use rnn_playground::linear::{LinearConfig, LinearSentiment};
use rnn_playground::sentiment::{right_answers, wilson_interval};
use rnn_playground::text::reviews::{Review, ReviewFormat};

use super::TrainSentimentArgs;
use super::sentiment_cli::{read_training_file, train_and_test};

/// Shopping files (bab2min's `rating<TAB>review` and `label<TAB>review`): the lecture's domain,
/// which the cross-validation measures and `--shopping-weight` weights.
fn is_shopping(format: ReviewFormat) -> bool {
    matches!(format, ReviewFormat::Rating5 | ReviewFormat::Label)
}

pub(super) struct Data {
    /// Movie reviews to train on.
    pub(super) movie_train: Vec<Review>,
    /// Each movie file's test split.
    pub(super) movie_tests: Vec<(String, Vec<Review>)>,
    /// Every shopping review (cross-validated), and the files they came from.
    pub(super) shopping: Vec<Review>,
    pub(super) shopping_files: Vec<String>,
}

impl Data {
    /// Fold `fold` of `k` of the shopping reviews: (the other folds to train on, this one to
    /// score). Every k-th review from `fold` on, after read_data's seeded shuffle.
    pub(super) fn shopping_fold(&self, k: usize, fold: usize) -> (Vec<&Review>, Vec<&Review>) {
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for (i, r) in self.shopping.iter().enumerate() {
            if i % k == fold { &mut test } else { &mut train }.push(r);
        }
        (train, test)
    }
}

pub(super) fn read_data(args: &TrainSentimentArgs) -> Result<Data, String> {
    let mut data = Data {
        movie_train: Vec::new(),
        movie_tests: Vec::new(),
        shopping: Vec::new(),
        shopping_files: Vec::new(),
    };
    let mut held_ids = std::collections::HashSet::new();
    for path in &args.data {
        let (name, set) = read_training_file(path)?;
        if is_shopping(set.format) {
            data.shopping.extend(set.reviews);
            data.shopping_files.push(name);
            continue;
        }
        let (train, test) = train_and_test(set.reviews, args);
        held_ids.extend(test.iter().filter_map(|r| r.id.clone()));
        data.movie_tests.push((name, test));
        data.movie_train.extend(train);
    }
    // A review held out in one file (NSMC) must not be trained on from another (the raw crawl
    // holds the same ids).
    data.movie_train
        .retain(|r| r.id.as_ref().is_none_or(|id| !held_ids.contains(id)));
    {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        data.shopping
            .shuffle(&mut rand::rngs::StdRng::seed_from_u64(args.seed ^ 0xc0ffee));
    }
    Ok(data)
}

pub(super) fn fit(
    movie: &[Review],
    shopping: &[&Review],
    args: &TrainSentimentArgs,
    config: &LinearConfig,
) -> Result<LinearSentiment, String> {
    let texts: Vec<&str> = movie
        .iter()
        .map(|r| r.text.as_str())
        .chain(shopping.iter().map(|r| r.text.as_str()))
        .collect();
    let labels: Vec<u8> = movie
        .iter()
        .map(|r| r.label)
        .chain(shopping.iter().map(|r| r.label))
        .collect();
    let weights: Vec<f64> = std::iter::repeat_n(1.0, movie.len())
        .chain(std::iter::repeat_n(args.shopping_weight, shopping.len()))
        .collect();
    LinearSentiment::train(&texts, &labels, &weights, config).map_err(|e| e.to_string())
}

/// Right answers of `model` on `reviews`.
pub(super) fn right(model: &LinearSentiment, reviews: &[&Review]) -> Result<usize, String> {
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let p = model.predict(&texts).map_err(|e| e.to_string())?;
    Ok(right_answers(&p, reviews.iter().copied()))
}

pub fn train(args: TrainSentimentArgs) -> Result<(), String> {
    let start = std::time::Instant::now();
    let config = LinearConfig::default();
    let data = read_data(&args)?;
    let k = args.cv_folds;
    let mut folds_report = Vec::new();
    let (mut cv_right, mut cv_total) = (0, 0);
    if k >= 2 && !data.shopping.is_empty() {
        for fold in 0..k {
            let (train, test) = data.shopping_fold(k, fold);
            // Pruned as the shipped model is, so the folds measure what ships.
            let model = fit(&data.movie_train, &train, &args, &config)?;
            let model = match args.max_terms {
                Some(n) => model.prune(n),
                None => model,
            };
            let r = right(&model, &test)?;
            eprintln!(
                "fold {}/{k}: {r} of {} shopping reviews right ({:.4})",
                fold + 1,
                test.len(),
                r as f64 / test.len().max(1) as f64
            );
            folds_report.push((test.len(), r));
            cv_right += r;
            cv_total += test.len();
        }
    }
    eprintln!(
        "training the linear model on {} movie and {} shopping reviews",
        data.movie_train.len(),
        data.shopping.len()
    );
    let all_shopping: Vec<&Review> = data.shopping.iter().collect();
    let full = fit(&data.movie_train, &all_shopping, &args, &config)?;
    let model = match args.max_terms {
        Some(n) => full.prune(n),
        None => full.clone(),
    };
    let (json, weights) = model.to_files().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    std::fs::write(args.out.join("model.json"), &json).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("model.safetensors"), &weights).map_err(|e| e.to_string())?;
    // Measured as it ships: the folder loaded back (float16 tables) like every other model.
    let shipped = match ReviewClassifier::load(&args.out).map_err(|e| e.to_string())? {
        ReviewClassifier::Linear(m) => m,
        _ => return Err("the folder did not load as a linear model".into()),
    };
    let mut results = Vec::new();
    for (name, test) in &data.movie_tests {
        let refs: Vec<&Review> = test.iter().collect();
        let r_full = right(&full, &refs)?;
        let r = right(&shipped, &refs)?;
        let (low, high) = wilson_interval(r, test.len());
        eprintln!(
            "test accuracy on {name}: {:.4} ({} reviews; all terms, float32: {:.4})",
            r as f64 / test.len().max(1) as f64,
            test.len(),
            r_full as f64 / test.len().max(1) as f64
        );
        results.push((name.clone(), test.len(), r, r_full, low, high));
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut card = String::new();
    card.push_str("# Review-sentiment model: linear baseline\n\n");
    card.push_str("Made by `rnn-playground train-sentiment --model linear` (see the README): TF-IDF (`(1 + ln tf) · idf`, rows of length 1) over Okt's morpheme 1–2-grams and over syllable 1–3-grams of each word (scikit-learn's `char_wb`), then logistic regression (`C = 3.5`, intercept not penalised, L-BFGS). The bar every RNN here must clear.\n\n");
    card.push_str("## Data\n\n");
    card.push_str(&format!(
        "{} movie reviews to train on ({}each movie file split by a shuffle seeded with {}: the last {:.0}% is its test split; reviews whose id is in a test split are left out), and all {} shopping reviews of {} weighted ×{}.\n\n",
        data.movie_train.len(),
        if args.balance { "balanced per file, " } else { "" },
        args.seed,
        args.test_fraction * 100.0,
        data.shopping.len(),
        data.shopping_files.join(", "),
        args.shopping_weight
    ));
    if cv_total > 0 {
        let (low, high) = wilson_interval(cv_right, cv_total);
        card.push_str(&format!(
            "## Shopping reviews, {k}-fold cross-validation\n\n"
        ));
        card.push_str("Each fold trained a model on all the movie reviews above and the other folds' shopping reviews, and was scored on its own fold.\n\n| fold | reviews | accuracy |\n| --- | --- | --- |\n");
        for (i, (n, r)) in folds_report.iter().enumerate() {
            card.push_str(&format!(
                "| {} | {n} | {:.4} |\n",
                i + 1,
                *r as f64 / (*n).max(1) as f64
            ));
        }
        card.push_str(&format!(
            "| all | {cv_total} | **{:.4}** (95% interval {:.4}–{:.4}) |\n\n",
            cv_right as f64 / cv_total as f64,
            low,
            high
        ));
    }
    card.push_str("## Test accuracy\n\n| file | reviews | accuracy |\n| --- | --- | --- |\n");
    for (name, n, r, _, _, _) in &results {
        card.push_str(&format!(
            "| {name} | {n} | {:.4} |\n",
            *r as f64 / (*n).max(1) as f64
        ));
    }
    card.push_str("\n95% intervals (Wilson): ");
    card.push_str(
        &results
            .iter()
            .map(|(name, n, _, full, lo, hi)| {
                format!(
                    "{name} {lo:.4}–{hi:.4} (all terms in float32: {:.4})",
                    *full as f64 / (*n).max(1) as f64
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    card.push_str(&format!(
        "\n\n## Model\n\n{} morpheme terms and {} syllable terms{} ({} weights); {} bytes of weights (`model.safetensors`, float16) and {} bytes of terms (`model.json`); trained (with the cross-validation) in {:.0} s.\n",
        model.morphemes.len(),
        model.syllables.len(),
        match args.max_terms {
            Some(n) => format!(
                ", the {n} of each kind with the largest weights (of {} and {})",
                full.morphemes.len(),
                full.syllables.len()
            ),
            None => String::new(),
        },
        model.weights.len(),
        weights.len(),
        json.len(),
        seconds
    ));
    std::fs::write(args.out.join("MODEL_CARD.md"), card).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    let summary = serde_json::json!({
        "shopping_cv": (cv_total > 0).then(|| cv_right as f64 / cv_total as f64),
        "shopping_cv_reviews": cv_total,
        "test": results.iter().map(|(name, n, r, _, lo, hi)| serde_json::json!({
            "file": name, "reviews": n, "accuracy": *r as f64 / (*n).max(1) as f64, "ci95": [lo, hi],
        })).collect::<Vec<_>>(),
        "seconds": seconds,
    });
    writeln!(stdout, "{summary}").map_err(|e| e.to_string())?;
    eprintln!("saved the model to {}", args.out.display());
    Ok(())
}
