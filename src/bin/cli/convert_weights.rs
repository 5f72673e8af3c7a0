//! `rnn-playground convert-weights`: a model folder's weights as float16 or 4-bit tables.

use super::sentiment_cli::*;
use super::*;
use rnn_playground::sentiment::SentimentModel;

#[derive(Args)]
pub struct ConvertWeightsArgs {
    /// A model folder written by train-sentiment (its model.safetensors is replaced), or a
    /// single-file model such as the segmenter's (rewritten in place).
    #[arg(long, value_name = "DIR|FILE")]
    pub model: PathBuf,
    /// Reviews, one per line, classified before and after.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    /// f16, or q4: tables of 65,536 values or more (the embedding) in 4 bits, the rest f16.
    #[arg(long, default_value = "f16", value_parser = ["f16", "q4"])]
    pub storage: String,
    /// Also rewrite model.json's tokenizer in Keras' format without the fitting
    /// statistics and escapes (`Tokenizer::to_json_compact`): same sequences, fewer bytes.
    #[arg(long)]
    pub compact_tokenizer: bool,
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
        let (model, extras) =
            rnn_playground::nn::Sequential::from_single_file(&bytes).map_err(|e| e.to_string())?;
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
    let predict = |m: &rnn_playground::classifier::ReviewClassifier| -> Result<Vec<f32>, String> {
        let mut out = Vec::with_capacity(lines.len());
        for chunk in lines.chunks(1024) {
            out.extend(m.predict(chunk).map_err(|e| e.to_string())?);
        }
        Ok(out)
    };
    let p_before = predict(&load(&args.model)?)?;
    let compacted = rnn_playground::ensemble::compact(json_text).map_err(|e| e.to_string())?;
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
