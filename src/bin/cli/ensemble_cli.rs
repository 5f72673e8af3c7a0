//! `rnn-playground train-sentiment --model ensemble --rnn DIR`: the shipped best model. An RNN
//! trained on movie reviews only (`--rnn`) is fine-tuned on the shopping reviews, a linear
//! model is trained as `--model linear` trains it, and the two are averaged in logit space
//! ([`rnn_playground::ensemble`]). Shopping accuracy is k-fold cross-validated: each fold
//! fine-tunes the RNN and trains the linear model without that fold, and scores the pair, as
//! it ships (4-bit embedding, float16 tables, pruned terms), on it.

use std::io::Write;
use std::path::Path;

use rnn_playground::classifier::ReviewClassifier;
use rnn_playground::ensemble::{Ensemble, MemberFiles, pack};
use rnn_playground::linear::{LinearConfig, LinearSentiment};
use rnn_playground::nn::Storage;
use rnn_playground::sentiment::{
    SentimentConfig, SentimentModel, SentimentSession, right_answers, wilson_interval,
};
use rnn_playground::text::reviews::Review;

use super::TrainSentimentArgs;
use super::linear_cli::{Data, fit, read_data};

/// Right answers of each model on one fold (or test split).
#[derive(Default, Clone)]
struct Scores {
    reviews: usize,
    /// Each member of the ensemble, in its order (the RNNs fine-tuned, then the linear model).
    members: Vec<usize>,
    /// Each RNN as trained on movie reviews (it never saw a shopping review).
    movie_rnns: Vec<usize>,
    ensemble: usize,
}

impl Scores {
    fn add(&mut self, o: &Scores) {
        self.reviews += o.reviews;
        let grow = |a: &mut Vec<usize>, b: &[usize]| {
            a.resize(b.len().max(a.len()), 0);
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        };
        grow(&mut self.members, &o.members);
        grow(&mut self.movie_rnns, &o.movie_rnns);
        self.ensemble += o.ensemble;
    }

    fn share(&self, right: usize) -> f64 {
        right as f64 / self.reviews.max(1) as f64
    }

    /// `| label | reviews | linear | each RNN before and after fine-tuning | ensemble |`.
    fn row(&self, label: &str) -> String {
        let mut cells = vec![label.to_string(), self.reviews.to_string()];
        if let Some(linear) = self.members.last() {
            cells.push(format!("{:.4}", self.share(*linear)));
        }
        for (movie, tuned) in self.movie_rnns.iter().zip(&self.members) {
            cells.push(format!("{:.4}", self.share(*movie)));
            cells.push(format!("{:.4}", self.share(*tuned)));
        }
        cells.push(format!("**{:.4}**", self.share(self.ensemble)));
        format!("| {} |\n", cells.join(" | "))
    }

    fn line(&self, names: &[String]) -> String {
        let mut parts = Vec::new();
        if let Some(linear) = self.members.last() {
            parts.push(format!("linear {:.4}", self.share(*linear)));
        }
        for ((movie, tuned), name) in self.movie_rnns.iter().zip(&self.members).zip(names) {
            parts.push(format!(
                "{name} {:.4} → fine-tuned {:.4}",
                self.share(*movie),
                self.share(*tuned)
            ));
        }
        parts.push(format!("ensemble {:.4}", self.share(self.ensemble)));
        parts.join(", ")
    }
}

/// The table head for [`Scores::row`].
fn table_head(first: &str, names: &[String]) -> String {
    let mut cells = vec![first.to_string(), "reviews".into(), "linear".into()];
    for name in names {
        cells.push(format!("{name} (movie)"));
        cells.push(format!("{name} (fine-tuned)"));
    }
    cells.push("ensemble".into());
    format!(
        "| {} |\n|{}\n",
        cells.join(" | "),
        " --- |".repeat(cells.len())
    )
}

fn probabilities(
    model: &impl Fn(&[&str]) -> Result<Vec<f32>, String>,
    reviews: &[&Review],
) -> Result<Vec<f32>, String> {
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(2048) {
        out.extend(model(chunk)?);
    }
    Ok(out)
}

/// As many movie reviews as `n`, half of each label, from a seeded shuffle: fine-tuning on
/// shopping reviews alone would make the RNN forget what the movie reviews taught it.
fn movie_companions(data: &Data, n: usize, seed: u64) -> Vec<&Review> {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let mut order: Vec<usize> = (0..data.movie_train.len()).collect();
    order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed ^ 0xf17e));
    let (mut pos, mut neg) = (0, 0);
    let mut out = Vec::with_capacity(n);
    for i in order {
        let r = &data.movie_train[i];
        let count = if r.label == 1 { &mut pos } else { &mut neg };
        if *count < n / 2 {
            *count += 1;
            out.push(r);
        }
        if out.len() >= n / 2 * 2 {
            break;
        }
    }
    out
}

/// The `--rnn` model fine-tuned on `shopping` (and as many movie reviews).
fn fine_tune(
    args: &TrainSentimentArgs,
    rnn_dir: &Path,
    data: &Data,
    shopping: &[&Review],
) -> Result<SentimentModel, String> {
    let model = SentimentModel::load(rnn_dir).map_err(|e| format!("{}: {e}", rnn_dir.display()))?;
    if args.fine_tune_epochs == 0 {
        return Ok(model);
    }
    let mut reviews: Vec<&Review> = shopping.to_vec();
    reviews.extend(movie_companions(data, shopping.len(), args.seed));
    {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        reviews.shuffle(&mut rand::rngs::StdRng::seed_from_u64(args.seed ^ 0x7e57));
    }
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let tokens = model.tokens(&texts).map_err(|e| e.to_string())?;
    let labels: Vec<u8> = reviews.iter().map(|r| r.label).collect();
    let config = SentimentConfig {
        epochs: args.fine_tune_epochs,
        batch_size: args.batch_size.unwrap_or(32),
        validation_split: 0.0,
        optimizer: args.optimizer.clone(),
        learning_rate: args.learning_rate,
        seed: args.seed,
        ..SentimentConfig::default()
    };
    let mut session =
        SentimentSession::fine_tune(model, &tokens, &labels, &config).map_err(|e| e.to_string())?;
    while !session.finished() {
        session.run_batch(&mut []).map_err(|e| e.to_string())?;
    }
    Ok(session.into_model().map_err(|e| e.to_string())?.0)
}

/// The linear model as `--model linear` ships it (pruned, float16 tables).
fn linear_member(
    args: &TrainSentimentArgs,
    data: &Data,
    shopping: &[&Review],
) -> Result<(LinearSentiment, MemberFiles), String> {
    let model = fit(&data.movie_train, shopping, args, &LinearConfig::default())?;
    let model = match args.max_terms {
        Some(n) => model.prune(n),
        None => model,
    };
    let (config_json, weights) = model.to_files().map_err(|e| e.to_string())?;
    Ok((
        model,
        MemberFiles {
            name: "linear".into(),
            weight: 1.0 - args.rnn_weight,
            config_json,
            weights,
        },
    ))
}

fn rnn_member(name: &str, weight: f32, model: &SentimentModel) -> Result<MemberFiles, String> {
    let (config_json, weights) = model
        .to_compact_files(Storage::Q4)
        .map_err(|e| e.to_string())?;
    Ok(MemberFiles {
        name: name.into(),
        weight,
        config_json,
        weights,
    })
}

/// The members as they ship: packed and loaded back.
fn shipped(members: Vec<MemberFiles>) -> Result<(Ensemble, String, Vec<u8>), String> {
    let (json, weights) = pack(&members).map_err(|e| e.to_string())?;
    let ensemble = Ensemble::from_files(&json, &weights).map_err(|e| e.to_string())?;
    Ok((ensemble, json, weights))
}

/// Scores of the ensemble and each member on `reviews`; `movie_rnns` are the RNNs before
/// fine-tuning.
fn score(
    ensemble: &Ensemble,
    movie_rnns: &[SentimentModel],
    reviews: &[&Review],
) -> Result<Scores, String> {
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let n = reviews.len();
    let mut by_member = vec![Vec::with_capacity(n); ensemble.members.len()];
    for chunk in texts.chunks(2048) {
        let per_member = ensemble
            .member_predictions(chunk)
            .map_err(|e| e.to_string())?;
        for (out, p) in by_member.iter_mut().zip(per_member) {
            out.extend(p);
        }
    }
    let combined = ensemble.combine(&by_member);
    let right = |p: &[f32]| right_answers(p, reviews.iter().copied());
    let mut movie = Vec::new();
    for m in movie_rnns {
        let p = probabilities(
            &|t: &[&str]| m.predict(t).map_err(|e| e.to_string()),
            reviews,
        )?;
        movie.push(right(&p));
    }
    Ok(Scores {
        reviews: n,
        members: by_member.iter().map(|p| right(p)).collect(),
        movie_rnns: movie,
        ensemble: right(&combined),
    })
}

/// The folder name of an RNN, as its member is named.
fn member_name(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(|| "rnn".into(), |n| n.to_string_lossy().into_owned())
}

/// Fine-tuned RNN members and the linear member, trained without `held_out`.
fn members_without(
    args: &TrainSentimentArgs,
    data: &Data,
    shopping: &[&Review],
) -> Result<(Vec<MemberFiles>, LinearSentiment, usize), String> {
    let share = args.rnn_weight / args.rnn.len() as f32;
    let mut members = Vec::new();
    let mut rnn_bytes = 0;
    for dir in &args.rnn {
        let tuned = fine_tune(args, dir, data, shopping)?;
        let m = rnn_member(&member_name(dir), share, &tuned)?;
        rnn_bytes += m.weights.len();
        members.push(m);
    }
    let (linear, files) = linear_member(args, data, shopping)?;
    members.push(files);
    Ok((members, linear, rnn_bytes))
}

pub fn train(args: TrainSentimentArgs) -> Result<(), String> {
    let start = std::time::Instant::now();
    if args.rnn.is_empty() {
        return Err(
            "--model ensemble needs --rnn DIR: RNN folders trained on movie reviews".into(),
        );
    }
    if !(0.0..=1.0).contains(&args.rnn_weight) {
        return Err(format!(
            "--rnn-weight must be between 0 and 1, not {}",
            args.rnn_weight
        ));
    }
    let names: Vec<String> = args.rnn.iter().map(|d| member_name(d)).collect();
    let movie_rnns = args
        .rnn
        .iter()
        .map(|d| SentimentModel::load(d).map_err(|e| format!("{}: {e}", d.display())))
        .collect::<Result<Vec<_>, _>>()?;
    let data = read_data(&args)?;
    let k = args.cv_folds;
    let mut folds = Vec::new();
    if k >= 2 && !data.shopping.is_empty() {
        for fold in 0..k {
            let (train, test) = data.shopping_fold(k, fold);
            let (members, _, _) = members_without(&args, &data, &train)?;
            let (ensemble, _, _) = shipped(members)?;
            let s = score(&ensemble, &movie_rnns, &test)?;
            eprintln!(
                "fold {}/{k}: {} shopping reviews: {}",
                fold + 1,
                s.reviews,
                s.line(&names)
            );
            folds.push(s);
        }
    }
    eprintln!(
        "fine-tuning on all {} shopping reviews and training the linear model on {} movie reviews",
        data.shopping.len(),
        data.movie_train.len()
    );
    let all: Vec<&Review> = data.shopping.iter().collect();
    let (members, linear, rnn_bytes) = members_without(&args, &data, &all)?;
    let linear_bytes = members
        .last()
        .map_or(0, |m| m.weights.len() + m.config_json.len());
    let (_, json, weights) = shipped(members)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    std::fs::write(args.out.join("model.json"), &json).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("model.safetensors"), &weights).map_err(|e| e.to_string())?;
    let ReviewClassifier::Ensemble(ensemble) =
        ReviewClassifier::load(&args.out).map_err(|e| e.to_string())?
    else {
        return Err("the folder did not load as an ensemble".into());
    };
    let mut tests = Vec::new();
    for (name, test) in &data.movie_tests {
        let refs: Vec<&Review> = test.iter().collect();
        let s = score(&ensemble, &movie_rnns, &refs)?;
        eprintln!(
            "test accuracy on {name} ({} reviews): {}",
            s.reviews,
            s.line(&names)
        );
        tests.push((name.clone(), s));
    }
    let seconds = start.elapsed().as_secs_f64();
    let gzip = |b: &[u8]| miniz_oxide::deflate::compress_to_vec(b, 9).len() + 18;
    let download = gzip(json.as_bytes()) + gzip(&weights);
    let mut cv = Scores::default();
    for f in &folds {
        cv.add(f);
    }

    let linear_right = |s: &Scores| s.members.last().copied().unwrap_or(0);
    let rnn_flags: String = args
        .rnn
        .iter()
        .map(|d| format!(" --rnn {}", d.display()))
        .collect();
    let share = args.rnn_weight / args.rnn.len() as f32;
    let mut card = String::new();
    card.push_str("# Review-sentiment model: ensemble (RNNs + linear)\n\n");
    card.push_str(&format!(
        "Made by `rnn-playground train-sentiment --model ensemble{rnn_flags}` (see `scripts/train_shipped_models.sh`). The weighted mean, in logit space, of models that err on different reviews: `p = σ(Σ wᵢ · logit(pᵢ))`, each RNN with w = {share:.3}, the linear model with w = {:.3}.\n\n",
        1.0 - args.rnn_weight
    ));
    for name in &names {
        card.push_str(&format!(
            "- **{name}**: the folder of that name (its own MODEL_CARD.md says how it was trained: movie reviews only), then fine-tuned for {} epochs ({}, learning rate {}) on the shopping reviews mixed with as many movie reviews (half of each label). Stored with a 4-bit embedding and float16 weights.\n",
            args.fine_tune_epochs, args.optimizer, args.learning_rate
        ));
    }
    card.push_str(&format!(
        "- **linear**: TF-IDF over Okt's morpheme 1–2-grams and syllable 1–3-grams + logistic regression, trained as `--model linear` trains it ({} movie reviews{}, shopping reviews weighted ×{}){}.\n\n",
        data.movie_train.len(),
        if args.balance { ", balanced per file" } else { "" },
        args.shopping_weight,
        match args.max_terms {
            Some(n) => format!(", the {n} strongest terms of each kind kept"),
            None => String::new(),
        }
    ));
    if cv.reviews > 0 {
        let (lo, hi) = wilson_interval(cv.ensemble, cv.reviews);
        let (llo, lhi) = wilson_interval(linear_right(&cv), cv.reviews);
        card.push_str(&format!(
            "## Shopping reviews, {k}-fold cross-validation\n\n"
        ));
        card.push_str(&format!(
            "All {} shopping reviews of {}. Each fold fine-tuned the RNNs and trained the linear model without its own reviews, and scored them (packed as they ship) on it. \"(movie)\" is an RNN before fine-tuning: it never saw a shopping review.\n\n",
            data.shopping.len(),
            data.shopping_files.join(", ")
        ));
        card.push_str(&table_head("fold", &names));
        for (i, f) in folds.iter().enumerate() {
            card.push_str(&f.row(&(i + 1).to_string()));
        }
        card.push_str(&cv.row("all"));
        card.push_str(&format!(
            "\nEnsemble {:.4} (95% interval {lo:.4}–{hi:.4}); linear {:.4} ({llo:.4}–{lhi:.4}); difference {:+.1} points.\n\n",
            cv.share(cv.ensemble),
            cv.share(linear_right(&cv)),
            100.0 * (cv.share(cv.ensemble) - cv.share(linear_right(&cv)))
        ));
    }
    card.push_str("## Test accuracy\n\nEach movie file's seeded test split (the same rows every model here was tested on; none of them was trained on).\n\n");
    card.push_str(&table_head("file", &names));
    for (name, s) in &tests {
        card.push_str(&s.row(name));
    }
    card.push_str("\n95% intervals (Wilson) of the ensemble: ");
    card.push_str(
        &tests
            .iter()
            .map(|(name, s)| {
                let (lo, hi) = wilson_interval(s.ensemble, s.reviews);
                format!("{name} {lo:.4}–{hi:.4}")
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    card.push_str(&format!(
        "\n\n## Model\n\n{} bytes of weights and {} bytes of model.json; about {} bytes to download gzip-compressed (the RNNs' weights {} bytes, the linear model's terms and tables {} bytes, before compression). {} morpheme and {} syllable terms. Made (with the cross-validation) in {:.0} s.\n",
        weights.len(),
        json.len(),
        download,
        rnn_bytes,
        linear_bytes,
        linear.morphemes.len(),
        linear.syllables.len(),
        seconds
    ));
    std::fs::write(args.out.join("MODEL_CARD.md"), card).map_err(|e| e.to_string())?;
    let summary = serde_json::json!({
        "shopping_cv": (cv.reviews > 0).then(|| cv.share(cv.ensemble)),
        "shopping_cv_linear": (cv.reviews > 0).then(|| cv.share(linear_right(&cv))),
        "shopping_cv_reviews": cv.reviews,
        "test": tests.iter().map(|(name, s)| {
            let (lo, hi) = wilson_interval(s.ensemble, s.reviews);
            serde_json::json!({
                "file": name, "reviews": s.reviews, "accuracy": s.share(s.ensemble), "ci95": [lo, hi],
                "members": s.members.iter().map(|r| s.share(*r)).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "download_bytes_gzip": download,
        "seconds": seconds,
    });
    writeln!(std::io::stdout().lock(), "{summary}").map_err(|e| e.to_string())?;
    eprintln!("saved the model to {}", args.out.display());
    Ok(())
}
