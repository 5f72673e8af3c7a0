//! `rnn-playground predict --model PATH`: Keras' `model.predict` from the command line. Each
//! stdin line is one padded sequence of token ids as a JSON array (what `pad_sequences`
//! gives); each output line is `model.predict(np.array([ids]))[0]` as nested JSON arrays
//! (`[0.93]` for a sigmoid Dense(1), the distribution for a softmax, a list per step after
//! `return_sequences` + `TimeDistributed`).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use candle_core::{Device, Tensor};
use clap::Args;
use rnn_playground::nn::{LayerConfig, Sequential};
use serde_json::Value;

#[derive(Args)]
pub struct PredictArgs {
    /// A model folder, a .safetensors file, or Keras' .keras / .h5 file.
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
}

/// One line's ids, checked against the model: integers in the Embedding's range, as many as
/// the model was built for.
fn parse_ids(line: &str, model: &Sequential, number: usize) -> Result<Vec<u32>, String> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| format!("line {number}: not a JSON array of token ids ({e})"))?;
    let items = value
        .as_array()
        .ok_or_else(|| format!("line {number}: expected a JSON array of token ids like [0, 0, 12, 5]"))?;
    let vocab = match model.configs().first() {
        Some(LayerConfig::Embedding { input_dim, .. }) => *input_dim,
        _ => return Err("this model takes float features, not token ids; predict reads token ids".into()),
    };
    let ids = items
        .iter()
        .map(|v| {
            v.as_u64()
                .filter(|&id| (id as usize) < vocab)
                .map(|id| id as u32)
                .ok_or_else(|| {
                    format!("line {number}: {v} is not a token id of this model (integers 0..{})", vocab - 1)
                })
        })
        .collect::<Result<Vec<u32>, String>>()?;
    if ids.is_empty() {
        return Err(format!("line {number}: an empty sequence"));
    }
    if let Some(t) = model.input_length
        && ids.len() != t
    {
        return Err(format!(
            "line {number}: {} ids, but the model was built for sequences of {t} (pad them with pad_sequences(maxlen={t}))",
            ids.len()
        ));
    }
    Ok(ids)
}

/// A tensor's values as nested JSON arrays, one level per axis.
fn nested(values: &[f32], dims: &[usize]) -> Value {
    match dims {
        [] | [_] => Value::Array(values.iter().map(|v| Value::from(f64::from(*v))).collect()),
        [_, rest @ ..] => {
            let step: usize = rest.iter().product();
            Value::Array(values.chunks(step.max(1)).map(|c| nested(c, rest)).collect())
        }
    }
}

pub fn predict(args: PredictArgs) -> Result<(), String> {
    let (model, _, _) = rnn_playground::keras::load_model(&args.model)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for (i, line) in stdin.lines().enumerate() {
        let line = line.map_err(|e| format!("reading stdin: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let ids = parse_ids(&line, &model, i + 1)?;
        let t = ids.len();
        let x = Tensor::from_vec(ids, (1, t), &Device::Cpu).map_err(|e| e.to_string())?;
        let y = model.forward(&x).map_err(|e| e.to_string())?;
        let dims = y.dims()[1..].to_vec();
        let values = y.flatten_all().and_then(|y| y.to_vec1::<f32>()).map_err(|e| e.to_string())?;
        writeln!(stdout, "{}", nested(&values, &dims)).map_err(|e| e.to_string())?;
    }
    Ok(())
}
