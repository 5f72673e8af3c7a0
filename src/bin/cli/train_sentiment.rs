//! `rnn-playground train-sentiment`: lectures 9 and 11's review classifier (or the linear
//! baseline), trained on review files and written with its model card.

use super::sentiment_cli::*;
use super::*;
use rnn_playground::sentiment::{self, SentimentConfig, SentimentModel};
use rnn_playground::text::reviews::Review;
use rnn_playground::train::Event;

#[derive(Args)]
pub struct TrainSentimentArgs {
    /// Review files (shopping `rating<TAB>review`, `label<TAB>review`, NSMC, raw movie
    /// reviews); the format of each is detected.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub data: Vec<PathBuf>,
    /// simplernn, lstm, gru, bisimplernn/bilstm/bigru for a Bidirectional layer, linear
    /// (the TF-IDF + logistic regression baseline), or ensemble (an RNN given by --rnn,
    /// fine-tuned on the shopping reviews, with a linear model trained here).
    #[arg(long, default_value = "simplernn")]
    pub model: String,
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 15)]
    pub epochs: usize,
    /// 128 for simplernn, 100 for gru (the lectures') when absent.
    #[arg(long)]
    pub embedding_dim: Option<usize>,
    /// 64 for simplernn, 128 for gru (the lectures') when absent.
    #[arg(long)]
    pub hidden: Option<usize>,
    #[arg(long, default_value_t = 8000)]
    pub num_words: usize,
    #[arg(long, default_value_t = 60)]
    pub maxlen: usize,
    /// 32 for simplernn, 60 for gru (the lectures') when absent.
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// adam or rmsprop.
    #[arg(long, default_value = "rmsprop")]
    pub optimizer: String,
    #[arg(long, default_value_t = 0.001)]
    pub learning_rate: f32,
    /// Early stopping on val_loss.
    #[arg(long, default_value_t = 4)]
    pub patience: usize,
    /// Fraction of each file held out as its test split (seeded, deterministic).
    #[arg(long, default_value_t = 0.1)]
    pub test_fraction: f64,
    /// Use at most N reviews of each file (after the test split).
    #[arg(long)]
    pub max_per_file: Option<usize>,
    /// Keep as many positive as negative training reviews of each file (the raw movie
    /// reviews are 76% positive; NSMC is balanced).
    #[arg(long)]
    pub balance: bool,
    /// After training, shift the output bias by −ln(p / (1 − p)), p the positive share of
    /// the training reviews: the answer for a 50/50 prior (Bayes' rule), so all of an
    /// unbalanced file can be trained on instead of --balance dropping reviews.
    #[arg(long)]
    pub prior_correction: bool,
    /// Distillation: train towards this model folder's probabilities (any shipped kind,
    /// e.g. the ensemble) instead of the files' 0/1 labels; the test splits still score
    /// against the labels.
    #[arg(long, value_name = "DIR")]
    pub teacher: Option<PathBuf>,
    /// With --teacher: also train on the raw movie reviews rated 5–8, which have no label
    /// but do have the teacher's probability.
    #[arg(long)]
    pub teacher_neutral: bool,
    /// Print Keras 3's epoch lines instead of JSON: 1 with a progress bar, 2 one line per
    /// epoch, 0 nothing (Keras' `fit(verbose=…)`).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub verbose: Option<u8>,
    /// JSON lines of the epochs' logs (what is printed without --verbose) beside them.
    #[arg(long)]
    pub json: bool,
    /// Embedding(mask_zero=True): the recurrent layer skips padding, and training buckets
    /// reviews by length so each batch pads only to its longest review (several times
    /// faster). The lectures' models do not mask.
    #[arg(long)]
    pub mask_zero: bool,
    /// Recurrent layers stacked (all but the last return sequences).
    #[arg(long, default_value_t = 1)]
    pub layers: usize,
    /// Pool the last recurrent layer's every step instead of reading its last state:
    /// mean (GlobalAveragePooling1D, over the real steps with --mask-zero), max
    /// (GlobalMaxPooling1D, which Keras computes over the padding too, so no bucketing) or
    /// attention (a learned softmax weighting of the real steps; not a Keras built-in).
    #[arg(long)]
    pub pooling: Option<rnn_playground::sentiment::Pooling>,
    /// What the tokenizer counts: morphemes (Okt's, without stopwords; the lectures') or
    /// syllables (with a word-boundary token between words).
    #[arg(long, default_value = "morphemes")]
    pub units: rnn_playground::sentiment::TextUnits,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Data parallelism: each batch's gradient in N threads, summed (the same weights as 1
    /// up to float summation order).
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// With --model linear: k-fold cross-validation over all the shopping reviews (the
    /// files in bab2min's formats), reported in the model card; 0 for none.
    #[arg(long, default_value_t = 0)]
    pub cv_folds: usize,
    /// With --model linear: each shopping review counts this many times.
    #[arg(long, default_value_t = 1.0)]
    pub shopping_weight: f64,
    /// With --model linear: keep this many terms of each kind (the largest weights).
    #[arg(long)]
    pub max_terms: Option<usize>,
    /// With --model ensemble: the RNN folders to fine-tune and combine (trained on movie
    /// reviews only, so that the shopping cross-validation holds out every shopping review).
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub rnn: Vec<PathBuf>,
    /// With --model ensemble: epochs of fine-tuning the RNN on the shopping reviews (with
    /// as many movie reviews, so it keeps what it knew), at --learning-rate; 0 for none.
    #[arg(long, default_value_t = 2)]
    pub fine_tune_epochs: usize,
    /// With --model ensemble: the RNNs' share of the logit mean, split evenly among them
    /// (the linear model has the rest).
    #[arg(long, default_value_t = 0.5)]
    pub rnn_weight: f32,
}

pub fn train(args: TrainSentimentArgs) -> Result<(), String> {
    if args.model == "linear" {
        return super::linear_cli::train(args);
    }
    if args.model == "ensemble" {
        return super::ensemble_cli::train(args);
    }
    let (bidirectional, cell) = match args.model.strip_prefix("bi") {
        Some(rest) => (true, rest),
        None => (false, args.model.as_str()),
    };
    let cell: CellKind = cell.parse()?;
    let lecture = if cell == CellKind::Gru {
        SentimentConfig::lecture11_gru()
    } else {
        SentimentConfig::default()
    };
    let config = SentimentConfig {
        cell,
        bidirectional,
        embedding_dim: args.embedding_dim.unwrap_or(lecture.embedding_dim),
        hidden: args.hidden.unwrap_or(lecture.hidden),
        num_words: args.num_words,
        maxlen: args.maxlen,
        epochs: args.epochs,
        batch_size: args.batch_size.unwrap_or(lecture.batch_size),
        optimizer: args.optimizer.clone(),
        learning_rate: args.learning_rate,
        patience: args.patience,
        seed: args.seed,
        mask_zero: args.mask_zero,
        recurrent_layers: args.layers,
        units: args.units,
        workers: args.workers,
        pooling: args.pooling,
        ..lecture
    };
    let mut train = Vec::new();
    let mut tests: Vec<(String, Vec<Review>)> = Vec::new();
    let mut sources = Vec::new();
    let mut held_ids = std::collections::HashSet::new();
    for path in &args.data {
        let (name, set) = read_training_file(path)?;
        if args.teacher.is_some() && args.teacher_neutral {
            // Never in a test split (those hold labelled reviews only).
            let neutral = super::distill::neutral_reviews(&read_file(path)?, set.format);
            if !neutral.is_empty() {
                eprintln!("{name}: {} neutral reviews for the teacher", neutral.len());
                train.extend(neutral);
            }
        }
        let (tr, te) = train_and_test(set.reviews, &args);
        held_ids.extend(te.iter().filter_map(|r| r.id.clone()));
        sources.push(serde_json::json!({
            "file": name, "format": format!("{:?}", set.format),
            "train": tr.len(), "test": te.len(), "balanced": args.balance,
        }));
        tests.push((name, te));
        train.extend(tr);
    }
    // A review held out in one file (NSMC) must not be trained on from another (the raw
    // crawl holds the same ids).
    let before = train.len();
    train.retain(|r| r.id.as_ref().is_none_or(|id| !held_ids.contains(id)));
    if before != train.len() {
        eprintln!(
            "left out {} training reviews whose id is in a test split",
            before - train.len()
        );
    }
    // Keras' validation_split takes the end of the data: mix the files first.
    {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        train.shuffle(&mut rand::rngs::StdRng::seed_from_u64(args.seed ^ 0x5eed));
    }
    eprintln!("training {} on {} reviews", args.model, train.len());
    let start = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "epoch {prefix} [{bar:30}] {pos}/{len} batches · {msg} · {eta}",
        )
        .map_err(|e| e.to_string())?
        .progress_chars("=> "),
    );
    let mut stdout = std::io::stdout().lock();
    // Keras 3's lines with --verbose; otherwise the indicatif bar on stderr and JSON
    // lines on stdout.
    let mut keras = args
        .verbose
        .map(|v| super::keras_fit::FitPrinter::new(v, config.epochs, "acc"));
    if keras.is_some() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let json = args.json || keras.is_none();
    let targets: Vec<f32> = match &args.teacher {
        Some(dir) => super::distill::teacher_targets(dir, &train)?,
        None => train.iter().map(|r| f32::from(r.label)).collect(),
    };
    let (mut model, history) =
        sentiment::train_sentiment_on_targets(&train, &targets, &config, &mut |event| {
            if let Some(k) = keras.as_mut() {
                k.on_event(event, &mut stdout);
            }
            match event {
                Event::BatchEnd {
                    epoch,
                    batch,
                    batches,
                    loss,
                    accuracy,
                } => {
                    if bar.length() != Some(*batches as u64) {
                        bar.set_length(*batches as u64);
                    }
                    bar.set_prefix(epoch.to_string());
                    bar.set_position(*batch as u64);
                    bar.set_message(format!("loss {loss:.4} accuracy {accuracy:.4}"));
                }
                Event::EpochEnd(logs) => {
                    if json {
                        bar.suspend(|| {
                            let _ = writeln!(
                                stdout,
                                "{}",
                                serde_json::to_string(logs).unwrap_or_default()
                            );
                        });
                    }
                    bar.reset();
                }
            }
        })
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let prior = if args.prior_correction {
        let share =
            train.iter().filter(|r| r.label == 1).count() as f64 / train.len().max(1) as f64;
        let shift = sentiment::correct_prior(&mut model.model, share).map_err(|e| e.to_string())?;
        eprintln!(
            "{:.1}% of the training reviews are positive: output bias shifted by {shift:.4}",
            share * 100.0
        );
        Some((share, shift))
    } else {
        None
    };
    let mut results = Vec::new();
    for (name, test) in &tests {
        let acc = sentiment::accuracy(&model, test).map_err(|e| e.to_string())?;
        eprintln!(
            "test accuracy on {name}: {:.4} ({} reviews)",
            acc,
            test.len()
        );
        results.push(serde_json::json!({"file": name, "reviews": test.len(), "accuracy": acc}));
    }
    model.save(&args.out).map_err(|e| e.to_string())?;
    let weights = std::fs::metadata(args.out.join("model.safetensors")).map_or(0, |m| m.len());
    let card = model_card(
        &args, &config, &sources, &results, &history, &model, weights, seconds, prior,
    );
    std::fs::write(args.out.join("MODEL_CARD.md"), card)
        .map_err(|e| format!("cannot write the model card: {e}"))?;
    eprintln!(
        "saved the model and MODEL_CARD.md to {}",
        args.out.display()
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn model_card(
    args: &TrainSentimentArgs,
    config: &SentimentConfig,
    sources: &[serde_json::Value],
    results: &[serde_json::Value],
    history: &rnn_playground::train::History,
    model: &SentimentModel,
    weights: u64,
    seconds: f64,
    prior: Option<(f64, f32)>,
) -> String {
    let mut card = format!("# Review-sentiment model: {}\n\n", args.model);
    card += "Made by `rnn-playground train-sentiment` (see the README).\n\n## Data\n\n";
    card += "| file | format | train reviews | test reviews |\n| --- | --- | --- | --- |\n";
    for s in sources {
        card += &format!(
            "| {} | {} | {} | {} |\n",
            s["file"].as_str().unwrap_or(""),
            s["format"].as_str().unwrap_or(""),
            s["train"],
            s["test"]
        );
    }
    card += &format!(
        "\nEach file is split by a shuffle seeded with {}: the last {:.0}% is its test split. \
         Training reviews whose id is in any test split are left out. The last {:.0}% of the \
         training reviews validate (Keras' validation_split).\n\n",
        args.seed,
        args.test_fraction * 100.0,
        config.validation_split * 100.0
    );
    if let Some(teacher) = &args.teacher {
        card += &format!(
            "Distilled: trained towards the probabilities of `{}` instead of the labels{} \
             (the test splits score against the labels).\n\n",
            teacher.display(),
            if args.teacher_neutral {
                ", on the raw movie reviews rated 5–8 too"
            } else {
                ""
            }
        );
    }
    card += "## Test accuracy\n\n| file | reviews | accuracy |\n| --- | --- | --- |\n";
    for r in results {
        card += &format!(
            "| {} | {} | {:.4} |\n",
            r["file"].as_str().unwrap_or(""),
            r["reviews"],
            r["accuracy"].as_f64().unwrap_or(0.0)
        );
    }
    card += &format!(
        "\n## Model\n\n{} parameters, {} bytes of weights (`model.safetensors`), trained in {:.0} s on 2 cores.\n\n```text\n{}\n```\n\n",
        model.model.param_count(),
        weights,
        seconds,
        model.model.summary()
    );
    if let Some((share, shift)) = prior {
        card += &format!(
            "Prior correction (`--prior-correction`): {:.1}% of the training reviews are \
             positive, so the output bias was shifted by −ln(p / (1 − p)) = {shift:.4} after \
             training: the model answers for a 50/50 prior (the test accuracies above are \
             with the shift).\n\n",
            share * 100.0
        );
    }
    card += &format!(
        "Config: `{}`\n\n## History\n\n| epoch | loss | accuracy | val_loss | val_accuracy |\n| --- | --- | --- | --- | --- |\n",
        serde_json::to_string(config).unwrap_or_default()
    );
    for e in &history.epochs {
        card += &format!(
            "| {} | {:.4} | {:.4} | {} | {} |\n",
            e.epoch,
            e.loss,
            e.accuracy,
            e.val_loss.map_or("–".into(), |v| format!("{v:.4}")),
            e.val_accuracy.map_or("–".into(), |v| format!("{v:.4}")),
        );
    }
    card
}
