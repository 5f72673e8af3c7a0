//! `rnn-playground export-keras --model PATH --out FILE.keras [--tokenizer-out FILE.json]`:
//! any model the playground loads, as Keras 3's own `.keras` file (`keras.saving.load_model`
//! opens it in Colab), and its tokenizer as `tokenizer.to_json()` text
//! (`tokenizer_from_json` reads it back).

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct ExportKerasArgs {
    /// A model folder, a .safetensors file, or Keras' .keras / .h5 file.
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
    /// The .keras file to write.
    #[arg(long, value_name = "FILE.keras")]
    pub out: PathBuf,
    /// Also write the model's tokenizer, as Keras' tokenizer.to_json() gives it.
    #[arg(long, value_name = "FILE.json")]
    pub tokenizer_out: Option<PathBuf>,
}

pub fn export_keras(args: ExportKerasArgs) -> Result<(), String> {
    if args.out.extension().and_then(|e| e.to_str()) != Some("keras") {
        return Err(format!(
            "{}: Keras 3 opens only files named *.keras; choose a name ending in .keras",
            args.out.display()
        ));
    }
    let (model, extras, _) = rnn_playground::keras::load_model(&args.model)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    let tokenizer = match (&args.tokenizer_out, &extras.tokenizer) {
        (Some(_), None) => {
            return Err(format!(
                "{} has no tokenizer to write (it was not trained with one here, and no tokenizer JSON lies beside it)",
                args.model.display()
            ));
        }
        (Some(path), Some(json)) => Some((path, json)),
        (None, _) => None,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Everything is made before anything is written: an error leaves no half file.
    let bytes = rnn_playground::keras::write_keras(
        &model,
        &extras,
        &rnn_playground::keras::date_saved(now),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(&args.out, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    eprintln!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    if let Some((path, json)) = tokenizer {
        std::fs::write(path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
