//! Keras 3's `fit` lines (its `Progbar`), as the lecture's Colab prints them:
//!
//! ```text
//! Epoch 1/15
//! 375/375 - 7s - 18ms/step - acc: 0.9064 - loss: 0.2503 - val_acc: 0.8700 - val_loss: 0.3401
//! ```
//!
//! at `verbose=2`, and at `verbose=1` a bar of twenty `━` redrawn after each batch, ending in
//! `375/375 ━━━━━━━━━━━━━━━━━━━━ 7s 18ms/step - acc: … - val_loss: …`. The text is without
//! Keras' terminal colours (the CLI adds them on a terminal).
//!
//! ```
//! use rnn_playground::train::progbar::{epoch_header, verbose2_line};
//! assert_eq!(epoch_header(1, 15), "Epoch 1/15");
//! let metrics = [("acc", 0.90641), ("loss", 0.25031), ("val_acc", 0.87), ("val_loss", 0.34012)];
//! assert_eq!(
//!     verbose2_line(375, 375, 6.8, &metrics),
//!     "375/375 - 7s - 18ms/step - acc: 0.9064 - loss: 0.2503 - val_acc: 0.8700 - val_loss: 0.3401"
//! );
//! ```

use super::EpochLogs;

/// Keras 3's progress bar width.
pub const BAR_WIDTH: usize = 20;

/// `Epoch 3/15`.
pub fn epoch_header(epoch: usize, epochs: usize) -> String {
    format!("Epoch {epoch}/{epochs}")
}

/// Keras' `_format_time`: ` 18ms/step`, ` 1s/step`, ` 250us/step`.
pub fn format_time(seconds_per_step: f64) -> String {
    if seconds_per_step >= 1.0 || seconds_per_step == 0.0 {
        format!(" {seconds_per_step:.0}s/step")
    } else if seconds_per_step >= 1e-3 {
        format!(" {:.0}ms/step", seconds_per_step * 1e3)
    } else {
        format!(" {:.0}us/step", seconds_per_step * 1e6)
    }
}

/// A metric as Keras prints it: `0.2503`, or `1.2340e-04` when it is 0.001 or less.
pub fn format_value(v: f64) -> String {
    if v.abs() > 1e-3 || !v.is_finite() {
        return format!("{v:.4}");
    }
    // Python's `{:.4e}`: two-digit signed exponent.
    let s = format!("{v:.4e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn metrics_text(metrics: &[(&str, f64)]) -> String {
    metrics
        .iter()
        .map(|(k, v)| format!(" - {k}: {}", format_value(*v)))
        .collect()
}

fn count(current: usize, target: usize) -> String {
    let digits = target.max(1).to_string().len();
    format!("{current:>digits$}/{target}")
}

/// The `verbose=2` line at the end of an epoch.
pub fn verbose2_line(steps: usize, target: usize, seconds: f64, metrics: &[(&str, f64)]) -> String {
    let per_step = if steps > 0 {
        seconds / steps as f64
    } else {
        0.0
    };
    format!(
        "{} - {seconds:.0}s -{}{}",
        count(steps, target),
        format_time(per_step),
        metrics_text(metrics)
    )
}

/// The `verbose=1` bar after `current` of `target` batches, `seconds` into the epoch: the ETA
/// while it runs, the elapsed time once finished.
pub fn verbose1_line(
    current: usize,
    target: usize,
    seconds: f64,
    metrics: &[(&str, f64)],
) -> String {
    let per_step = if current > 0 {
        seconds / current as f64
    } else {
        0.0
    };
    // Keras draws the done and the remaining part of the bar in the same glyph, green and
    // grey; without colours it is one run of twenty.
    let bar = "━".repeat(BAR_WIDTH);
    let time = if current >= target {
        format!("{seconds:.0}s")
    } else {
        let eta = per_step * (target - current) as f64;
        if eta > 3600.0 {
            format!(
                "{}:{:02}:{:02}",
                (eta / 3600.0) as u64,
                ((eta % 3600.0) / 60.0) as u64,
                (eta % 60.0) as u64
            )
        } else if eta > 60.0 {
            format!("{}:{:02}", (eta / 60.0) as u64, (eta % 60.0) as u64)
        } else {
            format!("{}s", eta as u64)
        }
    };
    format!(
        "{} {bar} {time}{}{}",
        count(current, target),
        format_time(per_step),
        metrics_text(metrics)
    )
}

/// The metrics of an epoch in Keras 3's order (its logs are sorted by name): the accuracy under
/// `metric_name` (`acc` in lecture 9, `accuracy` elsewhere), loss, then the validation pair.
pub fn epoch_metrics(logs: &EpochLogs, metric_name: &str) -> Vec<(String, f64)> {
    let mut out = vec![
        (metric_name.to_string(), logs.accuracy as f64),
        ("loss".to_string(), logs.loss as f64),
    ];
    if let Some(a) = logs.val_accuracy {
        out.push((format!("val_{metric_name}"), a as f64));
    }
    if let Some(l) = logs.val_loss {
        out.push(("val_loss".to_string(), l as f64));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// An epoch's `verbose=2` line from its logs.
pub fn epoch_line(logs: &EpochLogs, metric_name: &str) -> String {
    let metrics = epoch_metrics(logs, metric_name);
    let refs: Vec<(&str, f64)> = metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    verbose2_line(logs.steps, logs.steps, logs.seconds as f64, &refs)
}

/// The `verbose=1` bar of the epoch in progress after batch `batch` of `batches`, `seconds`
/// into it, with the running loss and accuracy.
pub fn batch_bar(
    batch: usize,
    batches: usize,
    seconds: f64,
    loss: f32,
    accuracy: f32,
    metric_name: &str,
) -> String {
    let mut metrics = [(metric_name, accuracy as f64), ("loss", loss as f64)];
    metrics.sort_by(|a, b| a.0.cmp(b.0));
    verbose1_line(batch, batches, seconds, &metrics)
}

/// A notebook cell's output of `fit(epochs=planned, verbose=1)` after the epochs so far: each
/// epoch's header and finished bar (what the page's training log shows).
pub fn fit_log(epochs: &[EpochLogs], planned: usize, metric_name: &str) -> String {
    let mut out = String::new();
    for logs in epochs {
        let metrics = epoch_metrics(logs, metric_name);
        let refs: Vec<(&str, f64)> = metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        out.push_str(&epoch_header(logs.epoch, planned.max(logs.epoch)));
        out.push('\n');
        out.push_str(&verbose1_line(
            logs.steps,
            logs.steps,
            logs.seconds as f64,
            &refs,
        ));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_values_as_keras_formats_them() {
        assert_eq!(format_time(0.206), " 206ms/step");
        assert_eq!(format_time(1.2), " 1s/step");
        assert_eq!(format_time(0.0002), " 200us/step");
        assert_eq!(format_value(0.69134), "0.6913");
        assert_eq!(format_value(0.000123456), "1.2346e-04");
        assert_eq!(format_value(0.0), "0.0000e+00");
    }

    /// Keras 3.15's own lines (scripts printed them; see the module doc).
    #[test]
    fn lines_match_keras_3() {
        let m = [
            ("acc", 0.3875),
            ("loss", 0.7022),
            ("val_acc", 0.45),
            ("val_loss", 0.6913),
        ];
        assert_eq!(
            verbose2_line(3, 3, 4.2, &m),
            "3/3 - 4s - 1s/step - acc: 0.3875 - loss: 0.7022 - val_acc: 0.4500 - val_loss: 0.6913"
        );
        assert_eq!(
            verbose1_line(3, 3, 0.342, &m),
            "3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 114ms/step - acc: 0.3875 - loss: 0.7022 - val_acc: 0.4500 - val_loss: 0.6913"
        );
        assert_eq!(
            verbose1_line(1, 375, 0.018, &[("acc", 0.5), ("loss", 0.69)]),
            "  1/375 ━━━━━━━━━━━━━━━━━━━━ 6s 18ms/step - acc: 0.5000 - loss: 0.6900"
        );
        let logs = EpochLogs {
            epoch: 1,
            loss: 3.9079,
            accuracy: 0.02,
            val_loss: None,
            val_accuracy: None,
            samples_per_s: 0.0,
            steps: 4,
            seconds: 2.904,
        };
        assert_eq!(
            epoch_line(&logs, "accuracy"),
            "4/4 - 3s - 726ms/step - accuracy: 0.0200 - loss: 3.9079"
        );
        assert_eq!(
            fit_log(&[logs], 15, "accuracy"),
            "Epoch 1/15\n4/4 ━━━━━━━━━━━━━━━━━━━━ 3s 726ms/step - accuracy: 0.0200 - loss: 3.9079\n"
        );
    }
}
