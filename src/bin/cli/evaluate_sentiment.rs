//! `rnn-playground evaluate-sentiment`: a model's accuracy on the test split of each review file.

use super::sentiment_cli::*;
use super::*;
use rnn_playground::sentiment::{self};
use rnn_playground::text::reviews::read_reviews;

#[derive(Args)]
pub struct EvaluateSentimentArgs {
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// The review files the model was trained with (any of train-sentiment's formats).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub data: Vec<PathBuf>,
    #[arg(long, default_value_t = 0.1)]
    pub test_fraction: f64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also write each test review's probability as JSON lines {"file", "row", "id",
    /// "label", "probability"} (no review text): for looking at the errors, or for
    /// combining models' answers on the same rows.
    #[arg(long, value_name = "FILE")]
    pub probabilities: Option<PathBuf>,
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
