//! `rnn-playground train-textgen`: lecture 8's next-word model, trained and saved.

use super::*;

#[derive(Args)]
pub struct TrainTextgenArgs {
    /// One sentence per line; the lecture's three sentences when absent.
    #[arg(long, value_name = "FILE")]
    pub text: Option<PathBuf>,
    #[arg(long, default_value_t = 200)]
    pub epochs: usize,
    /// simplernn, lstm or gru.
    #[arg(long, default_value = "simplernn", value_parser = parse_cell)]
    pub cell: CellKind,
    #[arg(long, default_value_t = 10)]
    pub embedding_dim: usize,
    #[arg(long, default_value_t = 32)]
    pub hidden: usize,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Data parallelism: each batch's gradient in N threads, summed (the same weights as 1
    /// up to float summation order).
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// adam, rmsprop or sgd.
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    #[arg(long, default_value_t = 0.001)]
    pub learning_rate: f32,
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Model folder to write (model.json, model.safetensors).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print Keras 3's epoch lines instead of JSON: 1 with a progress bar, 2 one line per
    /// epoch, 0 nothing (Keras' `fit(verbose=…)`).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub verbose: Option<u8>,
    /// JSON lines of the epochs' logs (what is printed without --verbose) beside them.
    #[arg(long)]
    pub json: bool,
}

fn parse_cell(s: &str) -> Result<CellKind, String> {
    s.parse()
}

pub fn train_textgen(args: TrainTextgenArgs) -> Result<(), String> {
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
