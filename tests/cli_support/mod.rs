//! Running the real `rnn-playground` binary as a user runs it, for the CLI contract tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// `rnn-playground ARGS…` with `stdin` piped in; its exit status and both outputs.
pub fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rnn-playground");
    // The command may exit before reading stdin (bad flags): a broken pipe is fine then.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}
