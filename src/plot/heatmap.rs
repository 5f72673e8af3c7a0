//! Heatmaps: a grid of coloured cells, each carrying its value.

use std::fmt::Write;

use super::axis::escape;
use super::colour::{Palette, cell_colour};

/// A grid of coloured cells (e.g. the hidden state over time: one row per unit, one column
/// per step). Every cell carries its value in `data-value` and a tooltip.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Heatmap {
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    /// `values[row][col]`.
    pub values: Vec<Vec<f32>>,
    pub palette: Palette,
    /// The value drawn at full colour (the largest |value| when `None`).
    pub limit: Option<f32>,
    /// Column drawn with a frame (the current step), if any.
    pub highlight_col: Option<usize>,
}

impl Heatmap {
    /// The grid as an `<svg>`: cells of `cell_w` × `cell_h` CSS pixels plus room for the
    /// labels. Column labels are written upright when they fit the cell, slanted otherwise.
    pub fn to_svg(&self, cell_w: f32, cell_h: f32) -> String {
        // Hangul is about twice as wide as Latin text at the same size.
        let text_width = |l: &str| {
            l.chars()
                .map(|c| if c.is_ascii() { 6.5 } else { 11.5 })
                .sum::<f32>()
        };
        let widest = |labels: &[String]| labels.iter().map(|l| text_width(l)).fold(0f32, f32::max);
        let upright = widest(&self.col_labels) <= cell_w - 2.0;
        let left = 8.0 + widest(&self.row_labels);
        let top = if upright {
            18.0
        } else {
            8.0 + 0.72 * widest(&self.col_labels).min(90.0)
        };
        let cols = self.values.iter().map(Vec::len).max().unwrap_or(0);
        let (width, height) = (
            left + cell_w * cols as f32 + 4.0 + if upright { 0.0 } else { 40.0 },
            top + cell_h * self.values.len() as f32 + 4.0,
        );
        let limit = self.limit.unwrap_or_else(|| {
            self.values
                .iter()
                .flatten()
                .filter(|v| v.is_finite())
                .fold(0f32, |m, v| m.max(v.abs()))
        });
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-size="11">"#
        );
        for (c, l) in self.col_labels.iter().enumerate() {
            let x = left + cell_w * (c as f32 + 0.5);
            if upright {
                let _ = write!(
                    svg,
                    r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#1d2330">{}</text>"##,
                    top - 5.0,
                    escape(l)
                );
            } else {
                let _ = write!(
                    svg,
                    r##"<text x="{x:.1}" y="{:.1}" transform="rotate(-45 {x:.1} {:.1})" fill="#1d2330">{}</text>"##,
                    top - 4.0,
                    top - 4.0,
                    escape(l)
                );
            }
        }
        for (r, row) in self.values.iter().enumerate() {
            let y = top + cell_h * r as f32;
            if let Some(l) = self.row_labels.get(r) {
                let _ = write!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1d2330">{}</text>"##,
                    left - 4.0,
                    y + cell_h / 2.0 + 4.0,
                    escape(l)
                );
            }
            for (c, v) in row.iter().enumerate() {
                let (fill, _) = cell_colour(*v, self.palette, limit);
                let x = left + cell_w * c as f32;
                let col = self.col_labels.get(c).map_or("", String::as_str);
                let row_label = self.row_labels.get(r).map_or("", String::as_str);
                let _ = write!(
                    svg,
                    r##"<rect class="cell" x="{x:.1}" y="{y:.1}" width="{cell_w}" height="{cell_h}" fill="{fill}" stroke="#ffffff" data-value="{v}"><title>{} · {}: {v:.3}</title></rect>"##,
                    escape(row_label),
                    escape(col),
                );
            }
        }
        if let Some(c) = self.highlight_col.filter(|c| *c < cols) {
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{top}" width="{cell_w}" height="{:.1}" fill="none" stroke="#1d2330" stroke-width="2"/>"##,
                left + cell_w * c as f32,
                cell_h * self.values.len() as f32
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_carries_its_value() {
        let map = Heatmap {
            row_labels: vec!["h1".into(), "h2".into()],
            col_labels: vec!["h".into(), "e".into(), "l".into()],
            values: vec![vec![0.5, -0.25, 1.0], vec![0.0, 0.1, -1.0]],
            highlight_col: Some(1),
            ..Heatmap::default()
        };
        let svg = map.to_svg(20.0, 20.0);
        assert_eq!(svg.matches(r#"class="cell""#).count(), 6);
        assert!(svg.contains(r#"data-value="-0.25""#));
    }
}
