//! `rnn-playground predict --model PATH`: Keras' `model.predict` from the command line. Each
//! stdin line is one padded sequence of token ids as a JSON array (what `pad_sequences`
//! gives); each output line is `model.predict(np.array([ids]))[0]` as nested JSON arrays
//! (`[0.93]` for a sigmoid Dense(1), the distribution for a softmax, a list per step after
//! `return_sequences` + `TimeDistributed`).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::Args;
use rnn_playground::keras;
use serde_json::Value;

#[derive(Args)]
pub struct PredictArgs {
    /// A model folder, a .safetensors file, or Keras' .keras / .h5 file.
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
}

/// One line's ids: a JSON array of non-negative integers.
fn parse_ids(line: &str, number: usize) -> Result<Vec<u32>, String> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| format!("line {number}: not a JSON array of token ids ({e})"))?;
    let items = value.as_array().ok_or_else(|| {
        format!("line {number}: expected a JSON array of token ids like [0, 0, 12, 5]")
    })?;
    items
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|id| u32::try_from(id).ok())
                .ok_or_else(|| format!("line {number}: {v} is not a token id"))
        })
        .collect()
}

pub fn predict(args: PredictArgs) -> Result<(), String> {
    let (model, _, _) =
        keras::load_model(&args.model).map_err(|e| format!("{}: {e}", args.model.display()))?;
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for (i, line) in stdin.lines().enumerate() {
        let line = line.map_err(|e| format!("reading stdin: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let ids = parse_ids(&line, i + 1)?;
        let output =
            keras::predict_one(&model, &ids).map_err(|e| format!("line {}: {e}", i + 1))?;
        writeln!(stdout, "{output}").map_err(|e| e.to_string())?;
    }
    Ok(())
}
