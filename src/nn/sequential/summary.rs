//! `model.summary()`: Keras 3's table ([`crate::nn::summary`]) and tf-keras 2's, character
//! for character.

use super::Sequential;

impl Sequential {
    /// The table `model.summary()` prints in tf-keras 2.x, character for character.
    /// Keras 3's `model.summary()` (the lecture's Colab) for a model built with its input
    /// length: `(None, 60, 128)` shapes, no optimizer line ([`crate::nn::summary`]).
    pub fn summary(&self) -> String {
        self.summary_with(&crate::nn::summary::SummaryOptions::default())
    }

    /// Keras 3's summary with what `fit` adds: the batch size in the shapes, the optimizer's
    /// variables in the totals.
    pub fn summary_with(&self, options: &crate::nn::summary::SummaryOptions) -> String {
        let rows: Vec<(String, String, usize)> = self
            .layers
            .iter()
            .zip(self.output_shapes())
            .map(|((name, layer), shape)| {
                let shape = match (options.batch, shape.strip_prefix("(None")) {
                    (Some(b), Some(rest)) => format!("({b}{rest}"),
                    _ => shape,
                };
                (
                    format!("{name} ({})", layer.keras_type()),
                    shape,
                    layer.param_count(),
                )
            })
            .collect();
        crate::nn::summary::render(&self.name, &rows, self.param_count(), options)
    }

    /// tf-keras' (Keras 2's) `model.summary()`: the `____`/`====` table (`--style keras2`).
    pub fn summary_keras2(&self) -> String {
        const WIDTH: usize = 65;
        let positions = [29, 55, 65];
        let mut out = String::new();
        out.push_str(&format!("Model: \"{}\"\n", self.name));
        out.push_str(&"_".repeat(WIDTH));
        out.push('\n');
        print_row(
            &mut out,
            &["Layer (type)", "Output Shape", "Param #"],
            &positions,
        );
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        for ((name, layer), shape) in self.layers.iter().zip(self.output_shapes()) {
            let label = format!("{name} ({})", layer.keras_type());
            print_row(
                &mut out,
                &[&label, &shape, &layer.param_count().to_string()],
                &positions,
            );
            print_row(&mut out, &["", "", ""], &positions);
        }
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        let total = self.param_count();
        out.push_str(&format!(
            "Total params: {total} ({})\n",
            readable_size(total * 4)
        ));
        out.push_str(&format!(
            "Trainable params: {total} ({})\n",
            readable_size(total * 4)
        ));
        out.push_str("Non-trainable params: 0 (0.00 Byte)\n");
        out.push_str(&"_".repeat(WIDTH));
        out
    }
}

/// tf-keras' `print_row`: each field cut to its column, wrapped onto further lines.
pub(super) fn print_row(out: &mut String, fields: &[&str], positions: &[usize]) {
    let mut left: Vec<Vec<char>> = fields.iter().map(|f| f.chars().collect()).collect();
    loop {
        let mut line = String::new();
        let mut len = 0;
        for col in 0..left.len() {
            let start = if col > 0 { positions[col - 1] } else { 0 };
            let end = positions[col];
            let last = col == positions.len() - 1;
            let space = if last { 0 } else { 2 };
            let mut cutoff = end - start - space - if last { 0 } else { 1 };
            cutoff = cutoff.min(left[col].len());
            let fit: String = left[col][..cutoff].iter().collect();
            // Keras breaks lines after the end of a tuple or list.
            if let Some(c) = ["),", "},", "],", "',"]
                .iter()
                .filter_map(|p| fit.find(p).map(|i| i + p.len()))
                .min()
            {
                cutoff = fit[..c].chars().count();
            }
            let piece: String = left[col][..cutoff].iter().collect();
            if col == 0 {
                line.push(' ');
                len += 1;
            }
            line.push_str(&piece);
            len += cutoff;
            line.push_str(&" ".repeat(space));
            len += space;
            left[col].drain(..cutoff);
            if positions[col] > len {
                line.push_str(&" ".repeat(positions[col] - len));
                len = positions[col];
            }
        }
        out.push_str(&line);
        out.push('\n');
        if left.iter().all(Vec::is_empty) {
            break;
        }
    }
}

/// Keras' `readable_memory_size`: `3.95 MB`, `7.39 KB`, `0.00 Byte`.
pub(super) fn readable_size(bytes: usize) -> String {
    let mut size = bytes as f64;
    for unit in ["Byte", "KB", "MB", "GB", "TB"] {
        if size / 1024.0 < 1.0 {
            return format!("{size:.2} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.2} PB")
}
