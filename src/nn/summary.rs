//! Keras 3's `model.summary()`, character for character: the box table rich draws at Keras'
//! width without a terminal (a notebook's output: 76 characters), comma thousands, and the
//! Total / Trainable / Non-trainable (and, once an optimizer has state, Optimizer) lines. The
//! lecture's Colab prints this; tf-keras' table is [`super::Sequential::summary_keras2`].
//! Fixtures from real Keras 3.15: `tests/data/keras3_summaries.json`.
//!
//! ```
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Sequential, SummaryOptions};
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 8000, output_dim: 128, mask_zero: false },
//!     LayerConfig::rnn(CellKind::SimpleRnn, 64),
//!     LayerConfig::Flatten,
//!     LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true },
//! ], Some(60), 0).unwrap();
//! let text = model.summary_with(&SummaryOptions { batch: Some(32), ..Default::default() });
//! assert!(text.contains("│ embedding (Embedding)           │ (32, 60, 128)          │     1,024,000 │"));
//! assert!(text.ends_with(" Non-trainable params: 0 (0.00 B)\n"));
//! ```

/// What `fit` adds to the picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SummaryOptions {
    /// The batch size in place of `None` in the output shapes: Keras shows it for a model
    /// built by `fit` (no `Input` layer) when every batch had that size.
    pub batch: Option<usize>,
    /// The optimizer's variables once it has taken a step (its slots, `iterations` and the
    /// learning rate): Keras adds an "Optimizer params" line and counts them in the total.
    pub optimizer_params: Option<usize>,
}

/// Inner widths of the three columns (rich's layout of Keras' positions `[0.45, 0.80, 1.0]`
/// at 76 characters), each with one space of padding on either side.
const WIDTHS: [usize; 3] = [33, 24, 15];

/// `1,036,417`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Keras 3's `readable_memory_size`: `3.95 MB`, `0.00 B`.
pub fn readable_memory_size(bytes: f64) -> String {
    let mut size = bytes;
    for unit in ["B", "KB", "MB", "GB", "TB"] {
        if size / 1024.0 < 1.0 {
            return format!("{size:.2} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.2} PB")
}

/// rich's wrapping of a cell: words moved to the next line when they do not fit, a word longer
/// than the cell folded.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.len() <= width {
            line.push(' ');
            line.extend(word.iter());
            continue;
        }
        if len > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line = word.into_iter().collect();
    }
    lines.push(line);
    lines
}

fn border(left: char, fill: char, join: char, right: char) -> String {
    let mut s = String::new();
    s.push(left);
    for (i, w) in WIDTHS.iter().enumerate() {
        if i > 0 {
            s.push(join);
        }
        s.extend(std::iter::repeat_n(fill, *w));
    }
    s.push(right);
    s
}

/// One table row (several lines when a cell wraps); the last column is right-aligned.
fn row(out: &mut Vec<String>, cells: [&str; 3], bar: char) {
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(WIDTHS)
        .map(|(c, w)| wrap(c, w - 2))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for k in 0..height {
        let mut line = String::new();
        line.push(bar);
        for (i, (cell, w)) in wrapped.iter().zip(WIDTHS).enumerate() {
            let text = cell.get(k).map_or("", String::as_str);
            let pad = (w - 2).saturating_sub(text.chars().count());
            line.push(' ');
            if i == 2 {
                line.push_str(&" ".repeat(pad));
                line.push_str(text);
            } else {
                line.push_str(text);
                line.push_str(&" ".repeat(pad));
            }
            line.push(' ');
            line.push(bar);
        }
        out.push(line);
    }
}

/// The summary text for `(name (Type), output shape, params)` rows and the weight counts.
pub fn render(
    model_name: &str,
    rows: &[(String, String, usize)],
    trainable: usize,
    options: &SummaryOptions,
) -> String {
    let mut out = vec![
        format!("Model: \"{model_name}\""),
        border('┏', '━', '┳', '┓'),
    ];
    row(&mut out, ["Layer (type)", "Output Shape", "Param #"], '┃');
    out.push(border('┡', '━', '╇', '┩'));
    for (i, (name, shape, params)) in rows.iter().enumerate() {
        if i > 0 {
            out.push(border('├', '─', '┼', '┤'));
        }
        row(&mut out, [name, shape, &thousands(*params)], '│');
    }
    out.push(border('└', '─', '┴', '┘'));
    // float32 weights; an optimizer's `iterations` is an int64 and its learning rate a float32.
    let bytes = |n: usize| n as f64 * 4.0;
    let optimizer = options
        .optimizer_params
        .map(|n| (n, bytes(n.saturating_sub(2)) + 12.0));
    let (total, total_bytes) = match optimizer {
        Some((n, b)) => (trainable + n, bytes(trainable) + b),
        None => (trainable, bytes(trainable)),
    };
    out.push(format!(
        " Total params: {} ({})",
        thousands(total),
        readable_memory_size(total_bytes)
    ));
    out.push(format!(
        " Trainable params: {} ({})",
        thousands(trainable),
        readable_memory_size(bytes(trainable))
    ));
    out.push(" Non-trainable params: 0 (0.00 B)".to_string());
    if let Some((n, b)) = optimizer {
        out.push(format!(
            " Optimizer params: {} ({})",
            thousands(n),
            readable_memory_size(b)
        ));
    }
    out.push(String::new());
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_sizes_as_keras_prints_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_036_417), "1,036,417");
        assert_eq!(readable_memory_size(0.0), "0.00 B");
        assert_eq!(readable_memory_size(1_036_417.0 * 4.0), "3.95 MB");
    }

    #[test]
    fn long_cells_wrap_at_words_and_fold_long_words() {
        assert_eq!(
            wrap("time_distributed (TimeDistributed)", 31),
            ["time_distributed", "(TimeDistributed)"]
        );
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
