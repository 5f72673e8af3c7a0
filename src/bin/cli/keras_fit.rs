//! `--verbose 1|2` for train-sentiment and train-textgen: the epoch lines Keras 3 prints
//! (`rnn_playground::train::progbar`), the bar redrawn in place on a terminal.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use rnn_playground::train::progbar::{batch_bar, epoch_header, epoch_metrics, verbose1_line};
use rnn_playground::train::{EpochLogs, Event};

/// Prints `fit`'s lines for one training run.
pub struct FitPrinter {
    verbose: u8,
    epochs: usize,
    /// `acc` (lecture 9's `metrics=['acc']`) or `accuracy`.
    metric: &'static str,
    epoch_start: Instant,
    last_draw: Option<Instant>,
    header_shown: usize,
    terminal: bool,
}

impl FitPrinter {
    pub fn new(verbose: u8, epochs: usize, metric: &'static str) -> Self {
        Self {
            verbose,
            epochs,
            metric,
            epoch_start: Instant::now(),
            last_draw: None,
            header_shown: 0,
            terminal: std::io::stdout().is_terminal(),
        }
    }

    fn header(&mut self, epoch: usize, out: &mut impl Write) {
        if self.header_shown < epoch {
            self.header_shown = epoch;
            let _ = writeln!(out, "{}", epoch_header(epoch, self.epochs));
        }
    }

    pub fn on_event(&mut self, event: &Event, out: &mut impl Write) {
        if self.verbose == 0 {
            return;
        }
        match event {
            Event::BatchEnd {
                epoch,
                batch,
                batches,
                loss,
                accuracy,
            } => {
                self.header(*epoch, out);
                // Keras redraws at most every 50 ms; without a terminal it prints the bar only
                // when the epoch ends.
                let due = self
                    .last_draw
                    .is_none_or(|t| t.elapsed().as_secs_f64() >= 0.05);
                if self.verbose == 1 && self.terminal && due && batch < batches {
                    let seconds = self.epoch_start.elapsed().as_secs_f64();
                    let bar = batch_bar(*batch, *batches, seconds, *loss, *accuracy, self.metric);
                    let _ = write!(out, "\r{bar}");
                    let _ = out.flush();
                    self.last_draw = Some(Instant::now());
                }
            }
            Event::EpochEnd(logs) => self.epoch_end(logs, out),
        }
    }

    /// The epoch's last line (train-textgen reports epochs only).
    pub fn epoch_end(&mut self, logs: &EpochLogs, out: &mut impl Write) {
        if self.verbose == 0 {
            return;
        }
        self.header(logs.epoch, out);
        let metrics = epoch_metrics(logs, self.metric);
        let refs: Vec<(&str, f64)> = metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let line = if self.verbose == 1 {
            verbose1_line(logs.steps, logs.steps, logs.seconds as f64, &refs)
        } else {
            rnn_playground::train::progbar::verbose2_line(
                logs.steps,
                logs.steps,
                logs.seconds as f64,
                &refs,
            )
        };
        let lead = if self.verbose == 1 && self.terminal {
            "\r"
        } else {
            ""
        };
        let _ = writeln!(out, "{lead}{line}");
        self.epoch_start = Instant::now();
        self.last_draw = None;
    }
}
