//! `rnn-playground classify`: {"text", "probability", "label"} for each review line.

use super::sentiment_cli::*;
use super::*;
use rnn_playground::sentiment::{self};

#[derive(Args)]
pub struct ClassifyArgs {
    /// A model folder (or .safetensors file) written by train-sentiment.
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// One review per line; stdin when absent.
    pub file: Option<PathBuf>,
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
