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

// The subcommands, one file each under `cli/` (native only).
#[cfg(not(target_arch = "wasm32"))]
mod cli;
