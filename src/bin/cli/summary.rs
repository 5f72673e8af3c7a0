//! `rnn-playground summary`: a model's summary() as Keras 3 (or tf-keras) prints it.

use super::*;

#[derive(Args)]
pub struct SummaryArgs {
    /// A model folder, a .safetensors file, or Keras' .keras / .h5 file.
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
    /// keras3 (the lecture's Colab: the box table) or keras2 (tf-keras' `____` table).
    #[arg(long, default_value = "keras3", value_parser = ["keras3", "keras2"])]
    pub style: String,
}

pub fn summary(args: SummaryArgs) -> Result<(), String> {
    let (model, _, options) = rnn_playground::keras::load_model(&args.model)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    if args.style == "keras2" {
        println!("{}", model.summary_keras2());
    } else {
        print!("{}", model.summary_with(&options));
    }
    Ok(())
}
