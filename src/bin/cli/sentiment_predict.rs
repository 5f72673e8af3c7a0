//! `rnn-playground sentiment-predict`: the lecture's sentiment_predict sentence.

use super::sentiment_cli::*;
use super::*;
use rnn_playground::sentiment::{self};

#[derive(Args)]
pub struct SentimentPredictArgs {
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// The review.
    pub text: String,
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
