//! `rnn-playground generate`: words after a seed text with a next-word model.

use super::*;

#[derive(Args)]
pub struct GenerateArgs {
    /// A folder written by train-textgen.
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// The words to start from.
    #[arg(long, allow_hyphen_values = true)]
    pub seed_text: String,
    /// How many words to add.
    #[arg(long, default_value_t = 5)]
    pub words: usize,
    /// Sample with this temperature instead of taking the most probable word.
    #[arg(long)]
    pub temperature: Option<f32>,
    /// Sample only among the k most probable words.
    #[arg(long)]
    pub top_k: Option<usize>,
    /// Seed of the sampling RNG.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

pub fn generate(args: GenerateArgs) -> Result<(), String> {
    let trained = TrainedTextgen::load(&args.model).map_err(|e| e.to_string())?;
    let sampling = match (args.temperature, args.top_k) {
        (None, None) => Sampling::Greedy,
        (t, k) => Sampling::Temperature {
            temperature: t.unwrap_or(1.0),
            top_k: k.unwrap_or(0),
            seed: args.seed,
        },
    };
    let sentence = trained
        .generate(&args.seed_text, args.words, sampling)
        .map_err(|e| e.to_string())?;
    println!("{sentence}");
    Ok(())
}
