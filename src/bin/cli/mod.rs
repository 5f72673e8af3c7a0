//! The command line's subcommands: `Cli` and its dispatch here, one file per subcommand
//! beside it (its arguments and its body), shared helpers in `sentiment_cli.rs`,
//! `keras_fit.rs` and the functions below.

mod classify;
mod convert_weights;
mod distill;
mod ensemble_cli;
mod evaluate_sentiment;
mod export_keras;
mod generate;
mod keras_fit;
mod linear_cli;
mod predict;
mod segment_cli;
mod sentiment_cli;
mod sentiment_predict;
mod summary;
mod tokenize;
mod train_sentiment;
mod train_textgen;
use classify::ClassifyArgs;
use convert_weights::ConvertWeightsArgs;
use evaluate_sentiment::EvaluateSentimentArgs;
use generate::GenerateArgs;
use sentiment_predict::SentimentPredictArgs;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use summary::SummaryArgs;
use tokenize::TokenizeArgs;
use train_sentiment::TrainSentimentArgs;
use train_textgen::TrainTextgenArgs;

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
        Command::Tokenize(args) => tokenize::tokenize(args),
        Command::TrainTextgen(args) => train_textgen::train_textgen(args),
        Command::Generate(args) => generate::generate(args),
        Command::Summary(args) => summary::summary(args),
        Command::Predict(args) => predict::predict(args),
        Command::ExportKeras(args) => export_keras::export_keras(args),
        Command::Segment(args) => segment_cli::segment(args),
        Command::BuildOktLexicon(args) => segment_cli::build_lexicon(args),
        Command::SegmentEval(args) => segment_cli::evaluate(args),
        Command::TrainSentiment(args) => train_sentiment::train(args),
        Command::Classify(args) => classify::classify(args),
        Command::EvaluateSentiment(args) => evaluate_sentiment::evaluate(args),
        Command::SentimentPredict(args) => sentiment_predict::predict(args),
        Command::ConvertWeights(args) => convert_weights::convert_weights(args),
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
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
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
