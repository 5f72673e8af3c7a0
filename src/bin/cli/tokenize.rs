//! `rnn-playground tokenize`: Keras' Tokenizer and pad_sequences on one text per line.

use super::*;

#[derive(Args)]
pub struct TokenizeArgs {
    /// One text per line; stdin when absent.
    pub file: Option<PathBuf>,
    /// Keep the num_words - 1 most frequent words in the sequences (Keras' num_words).
    #[arg(long, value_name = "N")]
    pub num_words: Option<usize>,
    /// Token for out-of-vocabulary words; it gets index 1.
    #[arg(long, value_name = "T")]
    pub oov_token: Option<String>,
    /// Keep upper case (Keras' lower=False).
    #[arg(long)]
    pub no_lower: bool,
    /// Characters removed before splitting (Keras' default set when absent).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub filters: Option<String>,
    /// Word separator (a space when absent).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub split: Option<String>,
    /// Every character is a token.
    #[arg(long)]
    pub char_level: bool,
    /// Length of the padded rows (the longest sequence when absent).
    #[arg(long, value_name = "N")]
    pub maxlen: Option<usize>,
    /// Where padding goes.
    #[arg(long, default_value = "pre", value_parser = parse_side)]
    pub padding: Side,
    /// Which end of a too-long sequence is cut.
    #[arg(long, default_value = "pre", value_parser = parse_side)]
    pub truncating: Side,
    /// Fill value (numbers are cast to integers as Keras' int32 padding does).
    #[arg(long, default_value = "0", value_parser = parse_value, allow_hyphen_values = true)]
    pub value: i64,
    /// Lecture 8's samples: every prefix of every line; adds x and y to the output.
    #[arg(long)]
    pub ngrams: bool,
}

fn parse_side(s: &str) -> Result<Side, String> {
    s.parse()
}

/// Keras pads an int32 array, so `value=1.9` stores 1; NaN and infinities cannot be stored.
fn parse_value(s: &str) -> Result<i64, String> {
    if let Ok(v) = s.parse::<i64>() {
        return Ok(v);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < i64::MAX as f64 => Ok(v.trunc() as i64),
        _ => Err(format!("expected a number, got {s:?}")),
    }
}

pub fn tokenize(args: TokenizeArgs) -> Result<(), String> {
    let input = read_input(args.file.as_ref())?;
    let lines: Vec<&str> = input.lines().collect();
    let options = PipelineOptions {
        tokenizer: TokenizerConfig {
            num_words: args.num_words,
            filters: args.filters.unwrap_or_else(|| DEFAULT_FILTERS.to_string()),
            lower: !args.no_lower,
            split: args.split.unwrap_or_else(|| " ".to_string()),
            char_level: args.char_level,
            oov_token: args.oov_token,
        },
        pad: PadOptions {
            maxlen: args.maxlen,
            padding: args.padding,
            truncating: args.truncating,
            value: args.value,
        },
        ngrams: args.ngrams,
    };
    let output = tokenize_lines(&lines, &options).map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&output).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{json}").map_err(|e| format!("cannot write output: {e}"))
}
