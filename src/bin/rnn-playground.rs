//! The native command line of rnn-playground: the core library without a browser.
//!
//! ```text
//! rnn-playground tokenize [FILE] [--num-words N] [--oov-token T] [--no-lower] [--filters S]
//!                         [--split S] [--char-level] [--maxlen N] [--padding pre|post]
//!                         [--truncating pre|post] [--value V] [--ngrams]
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

// The web build compiles every binary of the crate; this one has nothing to do there.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::{Read, Write};
    use std::path::PathBuf;
    use std::process::ExitCode;

    use clap::{Args, Parser, Subcommand};
    use rnn_playground::text::pipeline::{PipelineOptions, tokenize_lines};
    use rnn_playground::text::{DEFAULT_FILTERS, PadOptions, Side, TokenizerConfig};

    #[derive(Parser)]
    #[command(
        name = "rnn-playground",
        version,
        about = "Recurrent neural networks for Korean text"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Fit a Keras Tokenizer on the lines of FILE (or stdin) and print word_index,
        /// word_counts, sequences and the padded matrix as one JSON object.
        Tokenize(TokenizeArgs),
    }

    #[derive(Args)]
    struct TokenizeArgs {
        /// One text per line; stdin when absent.
        file: Option<PathBuf>,
        /// Keep the num_words - 1 most frequent words in the sequences (Keras' num_words).
        #[arg(long, value_name = "N")]
        num_words: Option<usize>,
        /// Token for out-of-vocabulary words; it gets index 1.
        #[arg(long, value_name = "T")]
        oov_token: Option<String>,
        /// Keep upper case (Keras' lower=False).
        #[arg(long)]
        no_lower: bool,
        /// Characters removed before splitting (Keras' default set when absent).
        #[arg(long, value_name = "S", allow_hyphen_values = true)]
        filters: Option<String>,
        /// Word separator (a space when absent).
        #[arg(long, value_name = "S", allow_hyphen_values = true)]
        split: Option<String>,
        /// Every character is a token.
        #[arg(long)]
        char_level: bool,
        /// Length of the padded rows (the longest sequence when absent).
        #[arg(long, value_name = "N")]
        maxlen: Option<usize>,
        /// Where padding goes.
        #[arg(long, default_value = "pre", value_parser = parse_side)]
        padding: Side,
        /// Which end of a too-long sequence is cut.
        #[arg(long, default_value = "pre", value_parser = parse_side)]
        truncating: Side,
        /// Fill value (numbers are cast to integers as Keras' int32 padding does).
        #[arg(long, default_value = "0", value_parser = parse_value, allow_hyphen_values = true)]
        value: i64,
        /// Lecture 8's samples: every prefix of every line; adds x and y to the output.
        #[arg(long)]
        ngrams: bool,
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

    pub fn main() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) if !e.use_stderr() => {
                // --help and --version
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("{}", one_line(&e.render().to_string()));
                return ExitCode::from(2);
            }
        };
        let result = match cli.command {
            Command::Tokenize(args) => tokenize(args),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        }
    }

    /// clap's messages span several lines (usage, hints); checks and scripts want one.
    fn one_line(rendered: &str) -> String {
        rendered
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with("Usage:"))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn tokenize(args: TokenizeArgs) -> Result<(), String> {
        let mut input = String::new();
        match &args.file {
            Some(path) => {
                input = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            }
            None => {
                std::io::stdin()
                    .read_to_string(&mut input)
                    .map_err(|e| format!("cannot read stdin: {e}"))?;
            }
        }
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
}
