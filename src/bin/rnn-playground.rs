//! The native command line of rnn-playground: the core library without a browser.
//!
//! ```text
//! rnn-playground tokenize [FILE] [--num-words N] [--oov-token T] [--no-lower] [--filters S]
//!                         [--split S] [--char-level] [--maxlen N] [--padding pre|post]
//!                         [--truncating pre|post] [--value V] [--ngrams]
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

// The web build compiles every binary of the crate; this one has nothing to do there.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    mod distill;
    mod ensemble_cli;
    mod export_keras;
    mod keras_fit;
    mod linear_cli;
    mod predict;
    mod segment_cli;
    use std::io::{Read, Write};
    use std::path::PathBuf;
    use std::process::ExitCode;

    use clap::{Args, Parser, Subcommand};
    use rnn_playground::generate::Sampling;
    use rnn_playground::nn::CellKind;
    use rnn_playground::text::pipeline::{PipelineOptions, tokenize_lines};
    use rnn_playground::text::{DEFAULT_FILTERS, PadOptions, Side, TokenizerConfig};
    use rnn_playground::textgen::{self, TextgenConfig, TrainedTextgen};

    #[derive(Parser)]
    #[command(
        name = "rnn-playground",
        version,
        about = "Recurrent neural networks for Korean text"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Fit a Keras Tokenizer on the lines of FILE (or stdin) and print word_index,
        /// word_counts, sequences and the padded matrix as one JSON object.
        Tokenize(TokenizeArgs),
        /// Train lecture 8's next-word model; prints one JSON line per epoch and saves the
        /// model folder to --out.
        TrainTextgen(TrainTextgenArgs),
        /// Generate words after a seed text with a trained next-word model.
        Generate(GenerateArgs),
        /// Print a saved model's `model.summary()` as Keras 3 prints it (`--style keras2`
        /// for tf-keras' table).
        Summary(SummaryArgs),
        /// Keras' model.predict: one JSON array of token ids per stdin line in, one JSON line
        /// of the model's output out.
        Predict(predict::PredictArgs),
        /// Write a model as Keras 3's .keras file (and its tokenizer as tokenizer.to_json()).
        ExportKeras(export_keras::ExportKerasArgs),
        /// Split each line of FILE (or stdin) into morphemes as Okt's `morphs` would, after the
        /// lecture's cleaning; prints one JSON array per line.
        Segment(segment_cli::SegmentArgs),
        /// Build the segmenter's lexicon file from scripts/okt_lexicon.py's table of Okt's
        /// dictionaries.
        BuildOktLexicon(segment_cli::BuildOktLexiconArgs),
        /// Span F1 against Okt's labels (scripts/okt_silver_labels.py), reviews exactly as Okt,
        /// and the speed (reviews/s, one thread) of the segmenter.
        SegmentEval(segment_cli::SegmentEvalArgs),
        /// Train a review-sentiment classifier (lectures 9 and 11) on one or more review files;
        /// writes the model folder and a model card to --out.
        TrainSentiment(TrainSentimentArgs),
        /// Print {"text", "probability", "label"} for each line of FILE (or stdin).
        Classify(ClassifyArgs),
        /// Accuracy of a model folder on the test split of each review file, split exactly as
        /// train-sentiment split it (same --test-fraction and --seed); one JSON line per file.
        EvaluateSentiment(EvaluateSentimentArgs),
        /// The lecture's sentiment_predict: "99.95% 확률로 긍정 리뷰입니다."
        SentimentPredict(SentimentPredictArgs),
        /// Store a model folder's weights as float16 or 4-bit tables (a smaller download for
        /// the page); prints how far the answers move on the lines of --check.
        ConvertWeights(ConvertWeightsArgs),
    }

    #[derive(Args)]
    struct ConvertWeightsArgs {
        /// A model folder written by train-sentiment (its model.safetensors is replaced), or a
        /// single-file model such as the segmenter's (rewritten in place).
        #[arg(long, value_name = "DIR|FILE")]
        model: PathBuf,
        /// Reviews, one per line, classified before and after.
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
        /// f16, or q4: tables of 65,536 values or more (the embedding) in 4 bits, the rest f16.
        #[arg(long, default_value = "f16", value_parser = ["f16", "q4"])]
        storage: String,
        /// Also rewrite model.json's tokenizer in Keras' format without the fitting
        /// statistics and escapes (`Tokenizer::to_json_compact`): same sequences, fewer bytes.
        #[arg(long)]
        compact_tokenizer: bool,
    }

    #[derive(Args)]
    struct EvaluateSentimentArgs {
        #[arg(long, value_name = "DIR")]
        model: PathBuf,
        /// The review files the model was trained with (any of train-sentiment's formats).
        #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
        data: Vec<PathBuf>,
        #[arg(long, default_value_t = 0.1)]
        test_fraction: f64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Also write each test review's probability as JSON lines {"file", "row", "id",
        /// "label", "probability"} (no review text): for looking at the errors, or for
        /// combining models' answers on the same rows.
        #[arg(long, value_name = "FILE")]
        probabilities: Option<PathBuf>,
    }

    #[derive(Args)]
    struct TrainSentimentArgs {
        /// Review files (shopping `rating<TAB>review`, `label<TAB>review`, NSMC, raw movie
        /// reviews); the format of each is detected.
        #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
        data: Vec<PathBuf>,
        /// simplernn, lstm, gru, bisimplernn/bilstm/bigru for a Bidirectional layer, linear
        /// (the TF-IDF + logistic regression baseline), or ensemble (an RNN given by --rnn,
        /// fine-tuned on the shopping reviews, with a linear model trained here).
        #[arg(long, default_value = "simplernn")]
        model: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value_t = 15)]
        epochs: usize,
        /// 128 for simplernn, 100 for gru (the lectures') when absent.
        #[arg(long)]
        embedding_dim: Option<usize>,
        /// 64 for simplernn, 128 for gru (the lectures') when absent.
        #[arg(long)]
        hidden: Option<usize>,
        #[arg(long, default_value_t = 8000)]
        num_words: usize,
        #[arg(long, default_value_t = 60)]
        maxlen: usize,
        /// 32 for simplernn, 60 for gru (the lectures') when absent.
        #[arg(long)]
        batch_size: Option<usize>,
        /// adam or rmsprop.
        #[arg(long, default_value = "rmsprop")]
        optimizer: String,
        #[arg(long, default_value_t = 0.001)]
        learning_rate: f32,
        /// Early stopping on val_loss.
        #[arg(long, default_value_t = 4)]
        patience: usize,
        /// Fraction of each file held out as its test split (seeded, deterministic).
        #[arg(long, default_value_t = 0.1)]
        test_fraction: f64,
        /// Use at most N reviews of each file (after the test split).
        #[arg(long)]
        max_per_file: Option<usize>,
        /// Keep as many positive as negative training reviews of each file (the raw movie
        /// reviews are 76% positive; NSMC is balanced).
        #[arg(long)]
        balance: bool,
        /// After training, shift the output bias by −ln(p / (1 − p)), p the positive share of
        /// the training reviews: the answer for a 50/50 prior (Bayes' rule), so all of an
        /// unbalanced file can be trained on instead of --balance dropping reviews.
        #[arg(long)]
        prior_correction: bool,
        /// Distillation: train towards this model folder's probabilities (any shipped kind,
        /// e.g. the ensemble) instead of the files' 0/1 labels; the test splits still score
        /// against the labels.
        #[arg(long, value_name = "DIR")]
        teacher: Option<PathBuf>,
        /// With --teacher: also train on the raw movie reviews rated 5–8, which have no label
        /// but do have the teacher's probability.
        #[arg(long)]
        teacher_neutral: bool,
        /// Print Keras 3's epoch lines instead of JSON: 1 with a progress bar, 2 one line per
        /// epoch, 0 nothing (Keras' `fit(verbose=…)`).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
        verbose: Option<u8>,
        /// JSON lines of the epochs' logs (what is printed without --verbose) beside them.
        #[arg(long)]
        json: bool,
        /// Embedding(mask_zero=True): the recurrent layer skips padding, and training buckets
        /// reviews by length so each batch pads only to its longest review (several times
        /// faster). The lectures' models do not mask.
        #[arg(long)]
        mask_zero: bool,
        /// Recurrent layers stacked (all but the last return sequences).
        #[arg(long, default_value_t = 1)]
        layers: usize,
        /// Pool the last recurrent layer's every step instead of reading its last state:
        /// mean (GlobalAveragePooling1D, over the real steps with --mask-zero), max
        /// (GlobalMaxPooling1D, which Keras computes over the padding too, so no bucketing) or
        /// attention (a learned softmax weighting of the real steps; not a Keras built-in).
        #[arg(long)]
        pooling: Option<rnn_playground::sentiment::Pooling>,
        /// What the tokenizer counts: morphemes (Okt's, without stopwords; the lectures') or
        /// syllables (with a word-boundary token between words).
        #[arg(long, default_value = "morphemes")]
        units: rnn_playground::sentiment::TextUnits,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Data parallelism: each batch's gradient in N threads, summed (the same weights as 1
        /// up to float summation order).
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// With --model linear: k-fold cross-validation over all the shopping reviews (the
        /// files in bab2min's formats), reported in the model card; 0 for none.
        #[arg(long, default_value_t = 0)]
        cv_folds: usize,
        /// With --model linear: each shopping review counts this many times.
        #[arg(long, default_value_t = 1.0)]
        shopping_weight: f64,
        /// With --model linear: keep this many terms of each kind (the largest weights).
        #[arg(long)]
        max_terms: Option<usize>,
        /// With --model ensemble: the RNN folders to fine-tune and combine (trained on movie
        /// reviews only, so that the shopping cross-validation holds out every shopping review).
        #[arg(long, value_name = "DIR", num_args = 1..)]
        rnn: Vec<PathBuf>,
        /// With --model ensemble: epochs of fine-tuning the RNN on the shopping reviews (with
        /// as many movie reviews, so it keeps what it knew), at --learning-rate; 0 for none.
        #[arg(long, default_value_t = 2)]
        fine_tune_epochs: usize,
        /// With --model ensemble: the RNNs' share of the logit mean, split evenly among them
        /// (the linear model has the rest).
        #[arg(long, default_value_t = 0.5)]
        rnn_weight: f32,
    }

    #[derive(Args)]
    struct ClassifyArgs {
        /// A model folder (or .safetensors file) written by train-sentiment.
        #[arg(long, value_name = "DIR")]
        model: PathBuf,
        /// One review per line; stdin when absent.
        file: Option<PathBuf>,
    }

    #[derive(Args)]
    struct SentimentPredictArgs {
        #[arg(long, value_name = "DIR")]
        model: PathBuf,
        /// The review.
        text: String,
    }

    #[derive(Args)]
    struct TrainTextgenArgs {
        /// One sentence per line; the lecture's three sentences when absent.
        #[arg(long, value_name = "FILE")]
        text: Option<PathBuf>,
        #[arg(long, default_value_t = 200)]
        epochs: usize,
        /// simplernn, lstm or gru.
        #[arg(long, default_value = "simplernn", value_parser = parse_cell)]
        cell: CellKind,
        #[arg(long, default_value_t = 10)]
        embedding_dim: usize,
        #[arg(long, default_value_t = 32)]
        hidden: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Data parallelism: each batch's gradient in N threads, summed (the same weights as 1
        /// up to float summation order).
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// adam, rmsprop or sgd.
        #[arg(long, default_value = "adam")]
        optimizer: String,
        #[arg(long, default_value_t = 0.001)]
        learning_rate: f32,
        #[arg(long, default_value_t = 32)]
        batch_size: usize,
        /// Model folder to write (model.json, model.safetensors).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Print Keras 3's epoch lines instead of JSON: 1 with a progress bar, 2 one line per
        /// epoch, 0 nothing (Keras' `fit(verbose=…)`).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
        verbose: Option<u8>,
        /// JSON lines of the epochs' logs (what is printed without --verbose) beside them.
        #[arg(long)]
        json: bool,
    }

    #[derive(Args)]
    struct GenerateArgs {
        /// A folder written by train-textgen.
        #[arg(long, value_name = "DIR")]
        model: PathBuf,
        /// The words to start from.
        #[arg(long, allow_hyphen_values = true)]
        seed_text: String,
        /// How many words to add.
        #[arg(long, default_value_t = 5)]
        words: usize,
        /// Sample with this temperature instead of taking the most probable word.
        #[arg(long)]
        temperature: Option<f32>,
        /// Sample only among the k most probable words.
        #[arg(long)]
        top_k: Option<usize>,
        /// Seed of the sampling RNG.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    }

    #[derive(Args)]
    struct SummaryArgs {
        /// A model folder, a .safetensors file, or Keras' .keras / .h5 file.
        #[arg(long, value_name = "PATH")]
        model: PathBuf,
        /// keras3 (the lecture's Colab: the box table) or keras2 (tf-keras' `____` table).
        #[arg(long, default_value = "keras3", value_parser = ["keras3", "keras2"])]
        style: String,
    }

    fn parse_cell(s: &str) -> Result<CellKind, String> {
        s.parse()
    }

    #[derive(Args)]
    struct TokenizeArgs {
        /// One text per line; stdin when absent.
        file: Option<PathBuf>,
        /// Keep the num_words - 1 most frequent words in the sequences (Keras' num_words).
        #[arg(long, value_name = "N")]
        num_words: Option<usize>,
        /// Token for out-of-vocabulary words; it gets index 1.
        #[arg(long, value_name = "T")]
        oov_token: Option<String>,
        /// Keep upper case (Keras' lower=False).
        #[arg(long)]
        no_lower: bool,
        /// Characters removed before splitting (Keras' default set when absent).
        #[arg(long, value_name = "S", allow_hyphen_values = true)]
        filters: Option<String>,
        /// Word separator (a space when absent).
        #[arg(long, value_name = "S", allow_hyphen_values = true)]
        split: Option<String>,
        /// Every character is a token.
        #[arg(long)]
        char_level: bool,
        /// Length of the padded rows (the longest sequence when absent).
        #[arg(long, value_name = "N")]
        maxlen: Option<usize>,
        /// Where padding goes.
        #[arg(long, default_value = "pre", value_parser = parse_side)]
        padding: Side,
        /// Which end of a too-long sequence is cut.
        #[arg(long, default_value = "pre", value_parser = parse_side)]
        truncating: Side,
        /// Fill value (numbers are cast to integers as Keras' int32 padding does).
        #[arg(long, default_value = "0", value_parser = parse_value, allow_hyphen_values = true)]
        value: i64,
        /// Lecture 8's samples: every prefix of every line; adds x and y to the output.
        #[arg(long)]
        ngrams: bool,
    }

    fn parse_side(s: &str) -> Result<Side, String> {
        s.parse()
    }

    /// Keras pads an int32 array, so `value=1.9` stores 1; NaN and infinities cannot be stored.
    fn parse_value(s: &str) -> Result<i64, String> {
        if let Ok(v) = s.parse::<i64>() {
            return Ok(v);
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() < i64::MAX as f64 => Ok(v.trunc() as i64),
            _ => Err(format!("expected a number, got {s:?}")),
        }
    }

    pub fn main() -> ExitCode {
        rnn_playground::init_native();
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) if !e.use_stderr() => {
                // --help and --version
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("{}", one_line(&e.render().to_string()));
                return ExitCode::from(2);
            }
        };
        let result = match cli.command {
            Command::Tokenize(args) => tokenize(args),
            Command::TrainTextgen(args) => train_textgen(args),
            Command::Generate(args) => generate(args),
            Command::Summary(args) => summary(args),
            Command::Predict(args) => predict::predict(args),
            Command::ExportKeras(args) => export_keras::export_keras(args),
            Command::Segment(args) => segment_cli::segment(args),
            Command::BuildOktLexicon(args) => segment_cli::build_lexicon(args),
            Command::SegmentEval(args) => segment_cli::evaluate(args),
            Command::TrainSentiment(args) => sentiment_cli::train(args),
            Command::Classify(args) => sentiment_cli::classify(args),
            Command::EvaluateSentiment(args) => sentiment_cli::evaluate(args),
            Command::SentimentPredict(args) => sentiment_cli::predict(args),
            Command::ConvertWeights(args) => sentiment_cli::convert_weights(args),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        }
    }

    /// clap's messages span several lines (usage, hints); checks and scripts want one.
    fn one_line(rendered: &str) -> String {
        rendered
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with("Usage:"))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text of FILE, or of stdin when there is none.
    pub(crate) fn read_input(file: Option<&PathBuf>) -> Result<String, String> {
        match file {
            Some(path) => read_file(path),
            None => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot read stdin: {e}"))?;
                utf8_text(bytes, "the input")
            }
        }
    }

    pub(crate) fn read_file(path: &std::path::Path) -> Result<String, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        utf8_text(bytes, &path.display().to_string())
    }

    /// `bytes` as text, or what to do when they are not UTF-8 (`what`: the file or input).
    fn utf8_text(bytes: Vec<u8>, what: &str) -> Result<String, String> {
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "{what} is not UTF-8 text (byte {} is not valid UTF-8): save it as UTF-8 and try again",
                e.utf8_error().valid_up_to()
            )
        })
    }

    mod sentiment_cli {
        use super::*;
        use rnn_playground::sentiment::{self, SentimentConfig, SentimentModel};
        use rnn_playground::text::reviews::{Review, read_reviews};
        use rnn_playground::train::Event;

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
                let share = train.iter().filter(|r| r.label == 1).count() as f64
                    / train.len().max(1) as f64;
                let shift =
                    sentiment::correct_prior(&mut model.model, share).map_err(|e| e.to_string())?;
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
                results.push(
                    serde_json::json!({"file": name, "reviews": test.len(), "accuracy": acc}),
                );
            }
            model.save(&args.out).map_err(|e| e.to_string())?;
            let weights =
                std::fs::metadata(args.out.join("model.safetensors")).map_or(0, |m| m.len());
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

        /// An RNN model folder (convert-weights stores RNN weights only).
        fn load_rnn(path: &std::path::Path) -> Result<SentimentModel, String> {
            SentimentModel::load(path).map_err(|e| format!("{}: {e}", path.display()))
        }

        fn load(path: &std::path::Path) -> Result<sentiment::ReviewClassifier, String> {
            sentiment::ReviewClassifier::load(path).map_err(|e| format!("{}: {e}", path.display()))
        }

        pub fn evaluate(args: EvaluateSentimentArgs) -> Result<(), String> {
            let model = load(&args.model)?;
            let mut dump = match &args.probabilities {
                Some(path) => Some(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                )),
                None => None,
            };
            for path in &args.data {
                let set = read_reviews(&read_file(path)?, None);
                let (_, test) = split(set.reviews, args.test_fraction, args.seed);
                let texts: Vec<&str> = test.iter().map(|r| r.text.as_str()).collect();
                let p = model.predict(&texts).map_err(|e| e.to_string())?;
                let right = sentiment::right_answers(&p, test.iter());
                let accuracy = right as f64 / test.len().max(1) as f64;
                let (low, high) = sentiment::wilson_interval(right, test.len());
                let name = file_name(path);
                if let Some(out) = dump.as_mut() {
                    for (row, (review, p)) in test.iter().zip(&p).enumerate() {
                        let line = serde_json::json!({"file": name, "row": row, "id": review.id, "label": review.label, "probability": p});
                        writeln!(out, "{line}").map_err(|e| format!("cannot write: {e}"))?;
                    }
                }
                println!(
                    "{}",
                    serde_json::json!({"file": name, "reviews": test.len(), "accuracy": accuracy, "ci95": [low, high]})
                );
            }
            if let Some(out) = dump.as_mut() {
                out.flush().map_err(|e| format!("cannot write: {e}"))?;
            }
            Ok(())
        }

        pub fn classify(args: ClassifyArgs) -> Result<(), String> {
            let model = load(&args.model)?;
            let input = read_input(args.file.as_ref())?;
            let lines: Vec<&str> = input.lines().collect();
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            for chunk in lines.chunks(1024) {
                let p = model.predict(chunk).map_err(|e| e.to_string())?;
                for (text, p) in chunk.iter().zip(p) {
                    if let Some(note) = sentiment::no_words_note(text) {
                        eprintln!("note: {text:?}: {note}");
                    }
                    let line = serde_json::json!({
                        "text": text,
                        "probability": p,
                        "label": if p > 0.5 { "긍정" } else { "부정" },
                    });
                    writeln!(stdout, "{line}").map_err(|e| format!("cannot write output: {e}"))?;
                }
            }
            stdout
                .flush()
                .map_err(|e| format!("cannot write output: {e}"))
        }

        pub fn convert_weights(args: ConvertWeightsArgs) -> Result<(), String> {
            let storage = match args.storage.as_str() {
                "q4" => rnn_playground::nn::Storage::Q4,
                _ => rnn_playground::nn::Storage::F16,
            };
            if args.model.is_file() {
                // A single-file model (the segmenter): weights and model.json in one file.
                let bytes = std::fs::read(&args.model)
                    .map_err(|e| format!("cannot read {}: {e}", args.model.display()))?;
                let (model, extras) = rnn_playground::nn::Sequential::from_single_file(&bytes)
                    .map_err(|e| e.to_string())?;
                let out = model
                    .to_single_file_as(&extras, storage)
                    .map_err(|e| e.to_string())?;
                std::fs::write(&args.model, &out)
                    .map_err(|e| format!("cannot write {}: {e}", args.model.display()))?;
                println!(
                    "{}",
                    serde_json::json!({"bytes_before": bytes.len(), "bytes_after": out.len()})
                );
                return Ok(());
            }
            let path = args.model.join("model.safetensors");
            if !path.is_file() {
                return Err(format!(
                    "{} is not a model folder (no model.safetensors)",
                    args.model.display()
                ));
            }
            let check = match &args.check {
                Some(file) => read_input(Some(file))?,
                None => String::new(),
            };
            let json_path = args.model.join("model.json");
            let json_text = std::fs::read_to_string(&json_path)
                .map_err(|e| format!("cannot read {}: {e}", json_path.display()))?;
            if rnn_playground::ensemble::Ensemble::is_ensemble(&json_text) {
                return compact_ensemble(&args, &json_path, &json_text, &check);
            }
            let before = load_rnn(&args.model)?;
            let bytes_before = std::fs::metadata(&path).map_or(0, |m| m.len());
            let lines: Vec<&str> = check.lines().filter(|l| !l.trim().is_empty()).collect();
            let predict = |m: &SentimentModel| -> Result<Vec<f32>, String> {
                let mut out = Vec::with_capacity(lines.len());
                for chunk in lines.chunks(1024) {
                    out.extend(m.predict(chunk).map_err(|e| e.to_string())?);
                }
                Ok(out)
            };
            let p_before = predict(&before)?;
            let converted = before
                .model
                .weights_to_safetensors_as(storage)
                .map_err(|e| e.to_string())?;
            std::fs::write(&path, &converted)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            if args.compact_tokenizer {
                let json_path = args.model.join("model.json");
                let text = std::fs::read_to_string(&json_path)
                    .map_err(|e| format!("cannot read {}: {e}", json_path.display()))?;
                let mut config: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| format!("{} is not JSON: {e}", json_path.display()))?;
                config["tokenizer"] = before.tokenizer.to_json_compact().into();
                let pretty = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
                std::fs::write(&json_path, pretty)
                    .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
            }
            let after = load_rnn(&args.model)?;
            let p_after = predict(&after)?;
            let max_diff = p_before
                .iter()
                .zip(&p_after)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            let same = p_before
                .iter()
                .zip(&p_after)
                .filter(|(a, b)| (**a > 0.5) == (**b > 0.5))
                .count();
            println!(
                "{}",
                serde_json::json!({
                    "bytes_before": bytes_before,
                    "bytes_after": converted.len(),
                    "checked_lines": lines.len(),
                    "max_probability_change": max_diff,
                    "same_label": same,
                })
            );
            Ok(())
        }

        /// An ensemble's members were converted before they were packed: what is left is its
        /// model.json, written again with lean member tokenizers (`ensemble::compact`).
        fn compact_ensemble(
            args: &ConvertWeightsArgs,
            json_path: &std::path::Path,
            json_text: &str,
            check: &str,
        ) -> Result<(), String> {
            if !args.compact_tokenizer {
                return Err(format!(
                    "{} is an ensemble: its members' weights were converted before they were \
                     packed; add --compact-tokenizer to shrink its model.json",
                    args.model.display()
                ));
            }
            let lines: Vec<&str> = check.lines().filter(|l| !l.trim().is_empty()).collect();
            let predict = |m: &sentiment::ReviewClassifier| -> Result<Vec<f32>, String> {
                let mut out = Vec::with_capacity(lines.len());
                for chunk in lines.chunks(1024) {
                    out.extend(m.predict(chunk).map_err(|e| e.to_string())?);
                }
                Ok(out)
            };
            let p_before = predict(&load(&args.model)?)?;
            let compacted =
                rnn_playground::ensemble::compact(json_text).map_err(|e| e.to_string())?;
            std::fs::write(json_path, &compacted)
                .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
            let p_after = predict(&load(&args.model)?)?;
            let max_diff = p_before
                .iter()
                .zip(&p_after)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            println!(
                "{}",
                serde_json::json!({
                    "json_bytes_before": json_text.len(),
                    "json_bytes_after": compacted.len(),
                    "checked_lines": lines.len(),
                    "max_probability_change": max_diff,
                })
            );
            Ok(())
        }

        pub fn predict(args: SentimentPredictArgs) -> Result<(), String> {
            let model = load(&args.model)?;
            if let Some(note) = sentiment::no_words_note(&args.text) {
                eprintln!("note: {note}");
            }
            println!(
                "{}",
                model
                    .sentiment_predict(&args.text)
                    .map_err(|e| e.to_string())?
            );
            Ok(())
        }
    }

    fn tokenize(args: TokenizeArgs) -> Result<(), String> {
        let input = read_input(args.file.as_ref())?;
        let lines: Vec<&str> = input.lines().collect();
        let options = PipelineOptions {
            tokenizer: TokenizerConfig {
                num_words: args.num_words,
                filters: args.filters.unwrap_or_else(|| DEFAULT_FILTERS.to_string()),
                lower: !args.no_lower,
                split: args.split.unwrap_or_else(|| " ".to_string()),
                char_level: args.char_level,
                oov_token: args.oov_token,
            },
            pad: PadOptions {
                maxlen: args.maxlen,
                padding: args.padding,
                truncating: args.truncating,
                value: args.value,
            },
            ngrams: args.ngrams,
        };
        let output = tokenize_lines(&lines, &options).map_err(|e| e.to_string())?;
        let json = serde_json::to_string(&output).map_err(|e| e.to_string())?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{json}").map_err(|e| format!("cannot write output: {e}"))
    }

    fn train_textgen(args: TrainTextgenArgs) -> Result<(), String> {
        let text = match &args.text {
            Some(path) => read_file(path)?,
            None => rnn_playground::lecture::NEXT_WORD_TEXT.to_string(),
        };
        let config = TextgenConfig {
            cell: args.cell,
            embedding_dim: args.embedding_dim,
            hidden: args.hidden,
            epochs: args.epochs,
            batch_size: args.batch_size,
            optimizer: args.optimizer,
            learning_rate: args.learning_rate,
            seed: args.seed,
            workers: args.workers,
            ..TextgenConfig::default()
        };
        let mut stdout = std::io::stdout().lock();
        let mut keras = args
            .verbose
            .map(|v| keras_fit::FitPrinter::new(v, config.epochs, "accuracy"));
        let json = args.json || keras.is_none();
        let trained = textgen::train(&text, &config, |logs| {
            if let Some(k) = keras.as_mut() {
                k.epoch_end(logs, &mut stdout);
            }
            if json {
                let line = serde_json::json!({"epoch": logs.epoch, "loss": logs.loss, "accuracy": logs.accuracy});
                let _ = writeln!(stdout, "{line}");
            }
        })
        .map_err(|e| e.to_string())?;
        trained.save(&args.out).map_err(|e| e.to_string())?;
        eprintln!("saved the model to {}", args.out.display());
        Ok(())
    }

    fn generate(args: GenerateArgs) -> Result<(), String> {
        let trained = TrainedTextgen::load(&args.model).map_err(|e| e.to_string())?;
        let sampling = match (args.temperature, args.top_k) {
            (None, None) => Sampling::Greedy,
            (t, k) => Sampling::Temperature {
                temperature: t.unwrap_or(1.0),
                top_k: k.unwrap_or(0),
                seed: args.seed,
            },
        };
        let sentence = trained
            .generate(&args.seed_text, args.words, sampling)
            .map_err(|e| e.to_string())?;
        println!("{sentence}");
        Ok(())
    }

    fn summary(args: SummaryArgs) -> Result<(), String> {
        let (model, _, options) = rnn_playground::keras::load_model(&args.model)
            .map_err(|e| format!("{}: {e}", args.model.display()))?;
        if args.style == "keras2" {
            println!("{}", model.summary_keras2());
        } else {
            print!("{}", model.summary_with(&options));
        }
        Ok(())
    }
}
