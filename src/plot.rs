//! Training curves as SVG: axes with "nice" ticks, one polyline per series, a legend.
//!
//! Plain SVG text built here in the core (not a canvas drawn in the page) because it is
//! testable natively, stays sharp when a lecturer scales a slide, renders Korean labels with
//! the page's fonts, and can be saved as a file. The page only inserts the string.
//!
//! ```
//! use rnn_playground::plot::{LineChart, Series};
//!
//! let chart = LineChart {
//!     x_label: "epoch".into(),
//!     y_label: "loss".into(),
//!     series: vec![Series { name: "SimpleRNN".into(), points: vec![(1.0, 2.5), (2.0, 1.0)], dashed: false }],
//!     log_y: false,
//! };
//! let svg = chart.to_svg(400.0, 240.0);
//! assert!(svg.starts_with("<svg") && svg.contains("SimpleRNN"));
//! ```

use std::fmt::Write;

/// One line of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f32, f32)>,
    /// Drawn dashed (e.g. accuracy beside a solid loss line).
    pub dashed: bool,
}

/// A line chart with a shared x axis.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LineChart {
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Logarithmic y axis (ticks at powers of ten); points with y ≤ 0 are left out.
    pub log_y: bool,
}

/// At most this many vertices are drawn per series.
const MAX_DRAWN: usize = 600;

/// Colours that stay apart for colour-blind readers (Okabe–Ito).
const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// "Nice" tick positions covering `[lo, hi]` (1, 2 or 5 × 10ⁿ steps), about `count` of them.
pub fn nice_ticks(lo: f32, hi: f32, count: usize) -> Vec<f32> {
    let (lo, hi) = if (hi - lo).abs() < f32::EPSILON {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo.min(hi), lo.max(hi))
    };
    let raw = (hi - lo) / count.max(1) as f32;
    let magnitude = 10f32.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let start = (lo / step).floor() * step;
    let mut ticks = Vec::new();
    let mut t = start;
    while t <= hi + step * 0.5 && ticks.len() < 50 {
        ticks.push((t / step).round() * step);
        t += step;
    }
    ticks
}

fn label(v: f32) -> String {
    if v.abs() >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Pixel position of a data value on an axis spanning the ticks and `[lo, hi]`, starting at
/// `start` and `length` pixels long (`flip`: values grow upwards).
fn axis(
    ticks: &[f32],
    (lo, hi): (f32, f32),
    start: f32,
    length: f32,
    flip: bool,
) -> impl Fn(f32) -> f32 {
    let a = ticks.first().copied().unwrap_or(lo).min(lo);
    let b = ticks.last().copied().unwrap_or(hi).max(hi);
    move |v| {
        let t = (v - a) / (b - a) * length;
        if flip { start + length - t } else { start + t }
    }
}

/// The plotting area of a chart (CSS pixels inside the `<svg>`).
struct Frame {
    left: f32,
    top: f32,
    width: f32,
    height: f32,
}

impl Frame {
    /// Grid lines and tick labels at `(position, text)`, the border and the axis labels.
    fn draw(
        &self,
        svg: &mut String,
        x_ticks: &[(f32, String)],
        y_ticks: &[(f32, String)],
        x_label: &str,
        y_label: &str,
    ) {
        let (left, top, pw, ph) = (self.left, self.top, self.width, self.height);
        for (y, text) in y_ticks {
            let _ = write!(
                svg,
                r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e6ee"/><text x="{}" y="{:.1}" text-anchor="end" fill="#5b6475">{text}</text>"##,
                left + pw,
                left - 6.0,
                y + 4.0,
            );
        }
        for (x, text) in x_ticks {
            let _ = write!(
                svg,
                r##"<line x1="{x:.1}" x2="{x:.1}" y1="{top}" y2="{}" stroke="#f0f2f6"/><text x="{x:.1}" y="{}" text-anchor="middle" fill="#5b6475">{text}</text>"##,
                top + ph,
                top + ph + 16.0,
            );
        }
        let _ = write!(
            svg,
            r##"<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#9aa3b5"/><text x="{}" y="{}" text-anchor="middle" fill="#1d2330">{}</text><text transform="translate(12 {}) rotate(-90)" text-anchor="middle" fill="#1d2330">{}</text>"##,
            left + pw / 2.0,
            top + ph + 32.0,
            escape(x_label),
            top + ph / 2.0,
            escape(y_label)
        );
    }
}

impl LineChart {
    /// The chart as an `<svg>` element of the given size (CSS pixels).
    pub fn to_svg(&self, width: f32, height: f32) -> String {
        let (left, right, top, bottom) = (48.0, 20.0, 12.0, 56.0);
        let (pw, ph) = (
            (width - left - right).max(10.0),
            (height - top - bottom).max(10.0),
        );
        let log_y = self.log_y;
        // On a log axis every y is drawn as its log10; the ticks are then whole powers.
        let ty = |y: f32| if log_y { y.log10() } else { y };
        let finite = |v: &f32| v.is_finite();
        let xs: Vec<f32> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .filter(finite)
            .collect();
        let ys: Vec<f32> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| ty(p.1)))
            .filter(finite)
            .collect();
        let (x_lo, x_hi) = (
            xs.iter().cloned().fold(f32::INFINITY, f32::min),
            xs.iter().cloned().fold(f32::NEG_INFINITY, f32::max),
        );
        let (y_lo, y_hi) = (
            ys.iter()
                .cloned()
                .fold(f32::INFINITY, f32::min)
                .min(if log_y { f32::INFINITY } else { 0.0 }),
            ys.iter().cloned().fold(f32::NEG_INFINITY, f32::max),
        );
        let (x_lo, x_hi) = if xs.is_empty() {
            (0.0, 1.0)
        } else {
            (x_lo.min(1.0), x_hi.max(x_lo + 1.0))
        };
        let (y_lo, y_hi) = if ys.is_empty() {
            (0.0, 1.0)
        } else {
            (y_lo, y_hi.max(y_lo + 1e-3))
        };
        let xt = nice_ticks(x_lo, x_hi, 6);
        let yt = if log_y {
            let (lo, hi) = (
                y_lo.floor() as i32,
                y_hi.ceil().max(y_lo.floor() + 1.0) as i32,
            );
            let stride = ((hi - lo) / 6 + 1).max(1);
            (lo..=hi)
                .filter(|k| (k - lo) % stride == 0 || *k == hi)
                .map(|k| k as f32)
                .collect()
        } else {
            nice_ticks(y_lo, y_hi, 5)
        };
        let sx = axis(&xt, (x_lo, x_hi), left, pw, false);
        let sy = axis(&yt, (y_lo, y_hi), top, ph, true);

        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}" font-size="11">"#,
            escape(&self.y_label)
        );
        // Grid and ticks.
        let y_ticks: Vec<(f32, String)> = yt
            .iter()
            .map(|t| {
                let text = if log_y {
                    format!("1e{}", *t as i32)
                } else {
                    label(*t)
                };
                (sy(*t), text)
            })
            .collect();
        let x_ticks: Vec<(f32, String)> = xt.iter().map(|t| (sx(*t), label(*t))).collect();
        let frame = Frame {
            left,
            top,
            width: pw,
            height: ph,
        };
        frame.draw(&mut svg, &x_ticks, &y_ticks, &self.x_label, &self.y_label);
        // Lines.
        for (i, s) in self.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let finite: Vec<&(f32, f32)> = s
                .points
                .iter()
                .filter(|(x, y)| x.is_finite() && ty(*y).is_finite())
                .collect();
            // Long runs (100,000 epochs) are thinned to at most MAX_DRAWN points, always
            // keeping the last, so redrawing stays cheap for the page.
            let step = finite.len().div_ceil(MAX_DRAWN).max(1);
            let drawn: Vec<String> = finite
                .iter()
                .enumerate()
                .filter(|(i, _)| i % step == 0 || *i + 1 == finite.len())
                .map(|(_, (x, y))| format!("{:.1},{:.1}", sx(*x), sy(ty(*y))))
                .collect();
            let dash = if s.dashed {
                r#" stroke-dasharray="5 3""#
            } else {
                ""
            };
            let _ = write!(
                svg,
                r#"<polyline class="series" data-name="{}" data-points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
                escape(&s.name),
                finite.len(),
                drawn.join(" ")
            );
            // A line of one point draws nothing: after the first epoch the curve is a dot.
            if let [(x, y)] = finite.as_slice() {
                let _ = write!(
                    svg,
                    r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"/>"#,
                    sx(*x),
                    sy(ty(*y))
                );
            }
        }
        // Legend under the axis label, wrapped onto more rows when it is wider than the chart.
        let mut lx = left;
        let mut ly = top + ph + 46.0;
        for (i, s) in self.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let item_width = 30.0 + 6.5 * s.name.chars().count() as f32;
            if lx > left && lx + item_width > width {
                lx = left;
                ly += 15.0;
            }
            let dash = if s.dashed {
                r#" stroke-dasharray="5 3""#
            } else {
                ""
            };
            let _ = write!(
                svg,
                r##"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/><text x="{}" y="{}" fill="#1d2330">{}</text>"##,
                lx + 18.0,
                lx + 22.0,
                ly + 4.0,
                escape(&s.name)
            );
            lx += item_width;
        }
        // Grow the picture to fit the legend rows.
        let full_height = height.max(ly + 10.0);
        svg = svg.replacen(
            &format!(r#"viewBox="0 0 {width} {height}" width="{width}" height="{height}""#),
            &format!(
                r#"viewBox="0 0 {width} {full_height}" width="{width}" height="{full_height}""#
            ),
            1,
        );
        svg.push_str("</svg>");
        svg
    }
}

/// How values map to colours in a [`Heatmap`] and in the labs' number cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Palette {
    /// Negative blue, zero white, positive orange (hidden states, weights: −1 … 1).
    #[default]
    Diverging,
    /// Zero white to one dark blue (gate activations: 0 … 1).
    Sequential,
}

/// The background colour of a cell holding `v` on a scale `[-limit, limit]` (diverging) or
/// `[0, limit]` (sequential), as `rgb(r, g, b)`, and whether its text should be white.
pub fn cell_colour(v: f32, palette: Palette, limit: f32) -> (String, bool) {
    let limit = if limit.is_finite() && limit > 0.0 {
        limit
    } else {
        1.0
    };
    let t = if v.is_finite() { v / limit } else { 0.0 };
    let mix = |from: [f32; 3], to: [f32; 3], a: f32| -> [u8; 3] {
        let a = a.clamp(0.0, 1.0);
        std::array::from_fn(|i| (from[i] + (to[i] - from[i]) * a).round() as u8)
    };
    const WHITE: [f32; 3] = [255.0, 255.0, 255.0];
    let rgb = match palette {
        Palette::Diverging if t < 0.0 => mix(WHITE, [0.0, 90.0, 160.0], -t),
        Palette::Diverging => mix(WHITE, [190.0, 80.0, 0.0], t),
        Palette::Sequential => mix(WHITE, [12.0, 44.0, 132.0], t),
    };
    (
        format!("rgb({}, {}, {})", rgb[0], rgb[1], rgb[2]),
        white_text_reads_better(rgb),
    )
}

/// WCAG 2's relative luminance of an sRGB colour.
pub fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// WCAG 2's contrast ratio of two colours (1 to 21).
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// White or black text on `background`, whichever contrasts more: one of them always reaches
/// 4.58:1 (WCAG AA asks 4.5:1 for text), where a dark grey would fall to 4:1 on mid tones.
pub fn white_text_reads_better(background: [u8; 3]) -> bool {
    contrast_ratio(background, [255, 255, 255]) > contrast_ratio(background, [0, 0, 0])
}

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

/// One labelled point of a [`Scatter`]; `note` is its hover text (e.g. nearest neighbours).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScatterPoint {
    pub label: String,
    pub x: f32,
    pub y: f32,
    pub note: String,
    pub highlight: bool,
}

/// Labelled points in the plane (embeddings in 2-D).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scatter {
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<ScatterPoint>,
}

impl Scatter {
    pub fn to_svg(&self, width: f32, height: f32) -> String {
        // Room on the right for the labels of the rightmost points.
        let (left, right, top, bottom) = (48.0, 56.0, 12.0, 40.0);
        let (pw, ph) = (
            (width - left - right).max(10.0),
            (height - top - bottom).max(10.0),
        );
        let pts: Vec<&ScatterPoint> = self
            .points
            .iter()
            .filter(|p| p.x.is_finite() && p.y.is_finite())
            .collect();
        let range = |f: fn(&ScatterPoint) -> f32| {
            let lo = pts.iter().map(|p| f(p)).fold(f32::INFINITY, f32::min);
            let hi = pts.iter().map(|p| f(p)).fold(f32::NEG_INFINITY, f32::max);
            if pts.is_empty() {
                (-1.0, 1.0)
            } else {
                let pad = ((hi - lo) * 0.08).max(1e-3);
                (lo - pad, hi + pad)
            }
        };
        let (x_lo, x_hi) = range(|p| p.x);
        let (y_lo, y_hi) = range(|p| p.y);
        let xt = nice_ticks(x_lo, x_hi, 6);
        let yt = nice_ticks(y_lo, y_hi, 5);
        let sx = axis(&xt, (x_lo, x_hi), left, pw, false);
        let sy = axis(&yt, (y_lo, y_hi), top, ph, true);
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg class="scatter" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-size="12">"#
        );
        let frame = Frame {
            left,
            top,
            width: pw,
            height: ph,
        };
        frame.draw(
            &mut svg,
            &xt.iter().map(|t| (sx(*t), label(*t))).collect::<Vec<_>>(),
            &yt.iter().map(|t| (sy(*t), label(*t))).collect::<Vec<_>>(),
            &self.x_label,
            &self.y_label,
        );
        // Labels are written in the points' order (most important first; highlighted points
        // before all), each only where it overlaps no label already written. Every point keeps
        // its hover text.
        let mut order: Vec<usize> = (0..pts.len()).collect();
        order.sort_by_key(|&i| !pts[i].highlight);
        let mut taken: Vec<[f32; 4]> = Vec::new();
        let mut labelled = vec![false; pts.len()];
        for &i in &order {
            let (x, y) = (sx(pts[i].x) + 6.0, sy(pts[i].y) - 4.0);
            let w: f32 = pts[i]
                .label
                .chars()
                .map(|c| if c.is_ascii() { 7.0 } else { 14.0 })
                .sum();
            let b = [x, y - 11.0, x + w, y + 2.0];
            let free = taken
                .iter()
                .all(|t| b[2] < t[0] || t[2] < b[0] || b[3] < t[1] || t[3] < b[1]);
            if free || pts[i].highlight {
                taken.push(b);
                labelled[i] = true;
            }
        }
        for (p, labelled) in pts.iter().zip(labelled) {
            let (x, y) = (sx(p.x), sy(p.y));
            let (r, fill) = if p.highlight {
                (5.0, "#D55E00")
            } else {
                (3.5, "#0072B2")
            };
            let text = if labelled {
                format!(
                    r##"<text x="{:.1}" y="{:.1}" fill="#1d2330">{}</text>"##,
                    x + 6.0,
                    y - 4.0,
                    escape(&p.label)
                )
            } else {
                String::new()
            };
            let _ = write!(
                svg,
                r##"<g class="point" data-label="{}" data-x="{}" data-y="{}"><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}"/>{text}</g>"##,
                escape(&p.label),
                p.x,
                p.y,
                escape(if p.note.is_empty() { &p.label } else { &p.note }),
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
    fn one_point_is_drawn_as_a_dot() {
        let chart = LineChart {
            x_label: "epoch".into(),
            y_label: "loss".into(),
            series: vec![Series {
                name: "loss".into(),
                points: vec![(1.0, 0.5)],
                dashed: false,
            }],
            log_y: false,
        };
        let svg = chart.to_svg(420.0, 240.0);
        assert_eq!(svg.matches("<circle class=\"point\"").count(), 1, "{svg}");
        let two = LineChart {
            series: vec![Series {
                name: "loss".into(),
                points: vec![(1.0, 0.5), (2.0, 0.4)],
                dashed: false,
            }],
            ..chart
        };
        assert!(!two.to_svg(420.0, 240.0).contains("<circle"));
    }

    #[test]
    fn the_last_tick_label_fits_inside_the_picture() {
        // The lecture's length histogram at 200,000 reviews reaches 13,720 tokens: its axis
        // ends at 15000, whose label is centred on the plot's right edge.
        let hist = BarChart::histogram(&[5, 0, 1], 0.0, 15_000.0, "length", "count");
        let svg = hist.to_svg(560.0, 260.0);
        let at = svg.find(">15000<").expect("a 15000 tick");
        let x: f32 = svg[..at]
            .rsplit("x=\"")
            .next()
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        // Five digits at 11 px are about 32 px wide, centred on x.
        assert!(x + 16.0 <= 560.0, "{x}");
    }

    #[test]
    fn a_marker_label_at_the_right_edge_stays_inside() {
        let mut hist = BarChart::histogram(&[3, 1, 2], 0.0, 60.0, "length", "count");
        hist.marker = Some((60.0, "max_len = 60".into()));
        let svg = hist.to_svg(560.0, 260.0);
        assert!(svg.contains(r#"text-anchor="end""#), "{svg}");
        hist.marker = Some((5.0, "max_len = 5".into()));
        assert!(hist.to_svg(560.0, 260.0).contains(r#"text-anchor="start""#));
    }

    #[test]
    fn ticks_are_round_numbers_covering_the_range() {
        assert_eq!(
            nice_ticks(0.0, 200.0, 5),
            vec![0.0, 50.0, 100.0, 150.0, 200.0]
        );
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let t = nice_ticks(0.13, 2.47, 5);
        assert!(t[0] <= 0.13 && *t.last().unwrap() >= 2.4);
    }

    #[test]
    fn every_series_is_drawn_with_all_its_points() {
        let chart = LineChart {
            x_label: "epoch".into(),
            y_label: "손실".into(),
            series: vec![
                Series {
                    name: "loss".into(),
                    points: (1..=200).map(|e| (e as f32, 1.0 / e as f32)).collect(),
                    dashed: false,
                },
                Series {
                    name: "a<b".into(),
                    points: vec![(1.0, f32::NAN), (2.0, 0.5)],
                    dashed: true,
                },
            ],
            log_y: false,
        };
        let svg = chart.to_svg(480.0, 280.0);
        assert!(svg.contains(r#"data-name="loss" data-points="200""#));
        assert!(
            svg.contains(r#"data-name="a&lt;b" data-points="1""#),
            "NaN points are skipped, names escaped"
        );
        assert!(svg.contains("손실"));
    }

    #[test]
    fn long_series_are_thinned_but_keep_their_count_and_last_point() {
        let points: Vec<(f32, f32)> = (1..=100_000).map(|e| (e as f32, 1.0)).collect();
        let chart = LineChart {
            series: vec![Series {
                name: "loss".into(),
                points,
                dashed: false,
            }],
            ..LineChart::default()
        };
        let svg = chart.to_svg(480.0, 280.0);
        assert!(svg.contains(r#"data-points="100000""#));
        let drawn = svg
            .split(r#"points=""#)
            .nth(2)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .count();
        assert!(drawn <= 601, "{drawn} vertices");
    }

    #[test]
    fn log_axis_ticks_are_powers_of_ten_and_skip_non_positive_points() {
        let chart = LineChart {
            series: vec![Series {
                name: "‖∂h/∂h‖".into(),
                points: vec![(1.0, 1.0), (2.0, 1e-3), (3.0, 0.0), (4.0, 1e-6)],
                dashed: false,
            }],
            log_y: true,
            ..LineChart::default()
        };
        let svg = chart.to_svg(480.0, 280.0);
        assert!(svg.contains(">1e0<") && svg.contains(">1e-6<"), "{svg}");
        assert!(svg.contains(r#"data-points="3""#), "the zero is left out");
    }

    #[test]
    fn cell_colours_run_from_blue_through_white_to_orange() {
        assert_eq!(
            cell_colour(0.0, Palette::Diverging, 1.0).0,
            "rgb(255, 255, 255)"
        );
        assert_eq!(
            cell_colour(-1.0, Palette::Diverging, 1.0),
            ("rgb(0, 90, 160)".into(), true)
        );
        assert_eq!(
            cell_colour(2.0, Palette::Diverging, 1.0).0,
            "rgb(190, 80, 0)",
            "clamped"
        );
        assert_eq!(
            cell_colour(f32::NAN, Palette::Sequential, 1.0).0,
            "rgb(255, 255, 255)"
        );
    }

    /// Every cell colour keeps its numbers readable: WCAG AA's 4.5:1 for the text colour the
    /// page writes on it (white or black), across both palettes and every shade.
    #[test]
    fn every_cell_colour_keeps_wcag_aa_contrast_for_its_text() {
        assert!((contrast_ratio([255, 255, 255], [0, 0, 0]) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio([119, 119, 119], [255, 255, 255]) - 4.48).abs() < 0.01);
        for palette in [Palette::Diverging, Palette::Sequential] {
            for i in -100..=100 {
                let v = i as f32 / 100.0;
                let (css, light) = cell_colour(v, palette, 1.0);
                let rgb: Vec<u8> = css
                    .trim_start_matches("rgb(")
                    .trim_end_matches(')')
                    .split(", ")
                    .map(|c| c.parse().unwrap())
                    .collect();
                let text = if light { [255, 255, 255] } else { [0, 0, 0] };
                let ratio = contrast_ratio([rgb[0], rgb[1], rgb[2]], text);
                assert!(
                    ratio >= 4.5,
                    "{palette:?} {v}: {css} with {text:?} is {ratio:.2}:1"
                );
            }
        }
    }

    #[test]
    fn heatmap_and_scatter_carry_their_values() {
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
        let scatter = Scatter {
            points: vec![ScatterPoint {
                label: "그루트".into(),
                x: 0.3,
                y: -0.2,
                note: "그루트: 나는".into(),
                highlight: false,
            }],
            ..Scatter::default()
        };
        let svg = scatter.to_svg(400.0, 300.0);
        assert!(svg.contains(r#"data-label="그루트" data-x="0.3" data-y="-0.2""#));
        assert!(svg.contains("<title>그루트: 나는</title>"));
    }

    #[test]
    fn scatter_labels_do_not_overlap_but_every_point_keeps_its_hover_text() {
        let point = |label: &str, x: f32, highlight: bool| ScatterPoint {
            label: label.into(),
            x,
            y: 0.0,
            note: format!("{label}!"),
            highlight,
        };
        let scatter = Scatter {
            points: vec![
                point("영화", 0.0, false),
                point("영화관", 0.001, false),
                point("배우", 0.002, true),
                point("멀리", 1.0, false),
            ],
            ..Scatter::default()
        };
        let svg = scatter.to_svg(400.0, 300.0);
        assert_eq!(svg.matches("<title>").count(), 4);
        let labels: Vec<&str> = svg
            .split(r##"fill="#1d2330">"##)
            .skip(1)
            .map(|t| t.split('<').next().unwrap())
            .collect();
        // The highlighted point is labelled first; the two close to it lose their labels.
        assert!(
            labels.contains(&"배우") && labels.contains(&"멀리"),
            "{labels:?}"
        );
        assert!(
            !labels.contains(&"영화관") && !labels.contains(&"영화"),
            "{labels:?}"
        );
    }
}

/// One bar: from `x0` to `x1` on the x axis (categories sit at 0..n), `height` high.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub x0: f32,
    pub x1: f32,
    pub height: f32,
    /// A category's name under the bar (histogram bars have none: the axis has ticks).
    pub label: Option<String>,
}

/// Bars from zero: pandas' `value_counts().plot(kind='bar')` ([`BarChart::categories`]) or
/// matplotlib's `plt.hist` ([`BarChart::histogram`]), with an optional vertical marker line
/// (the lecture's `max_len`).
///
/// ```
/// use rnn_playground::plot::BarChart;
///
/// let chart = BarChart::categories(&[("0".into(), 7), ("1".into(), 9)], "label", "count");
/// let svg = chart.to_svg(300.0, 200.0);
/// assert_eq!(svg.matches("class=\"bar\"").count(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BarChart {
    pub x_label: String,
    pub y_label: String,
    pub bars: Vec<Bar>,
    /// A vertical line at this x, with its text.
    pub marker: Option<(f32, String)>,
}

impl BarChart {
    /// One bar per `(name, count)`, in the order given.
    pub fn categories(counts: &[(String, usize)], x_label: &str, y_label: &str) -> Self {
        Self {
            x_label: x_label.into(),
            y_label: y_label.into(),
            bars: counts
                .iter()
                .enumerate()
                .map(|(i, (name, n))| Bar {
                    x0: i as f32 + 0.25,
                    x1: i as f32 + 0.75,
                    height: *n as f32,
                    label: Some(name.clone()),
                })
                .collect(),
            marker: None,
        }
    }

    /// Equal-width bins from `low` to `high`, one bar per count.
    pub fn histogram(counts: &[usize], low: f64, high: f64, x_label: &str, y_label: &str) -> Self {
        let width = (high - low) / counts.len().max(1) as f64;
        Self {
            x_label: x_label.into(),
            y_label: y_label.into(),
            bars: counts
                .iter()
                .enumerate()
                .map(|(i, n)| Bar {
                    x0: (low + width * i as f64) as f32,
                    x1: (low + width * (i + 1) as f64) as f32,
                    height: *n as f32,
                    label: None,
                })
                .collect(),
            marker: None,
        }
    }

    /// The chart as an `<svg>` element; each bar is a `rect class="bar"` with its count in
    /// `data-count` (and a hover title).
    pub fn to_svg(&self, width: f32, height: f32) -> String {
        let (left, right, top, bottom) = (56.0, 28.0, 12.0, 56.0);
        let (pw, ph) = (
            (width - left - right).max(10.0),
            (height - top - bottom).max(10.0),
        );
        let categorical = self.bars.iter().any(|b| b.label.is_some());
        let (mut x_lo, mut x_hi) = self
            .bars
            .iter()
            .fold((f32::MAX, f32::MIN), |(l, h), b| (l.min(b.x0), h.max(b.x1)));
        if let Some((x, _)) = self.marker {
            (x_lo, x_hi) = (x_lo.min(x), x_hi.max(x));
        }
        if self.bars.is_empty() {
            (x_lo, x_hi) = (0.0, 1.0);
        }
        if categorical {
            (x_lo, x_hi) = (0.0, self.bars.len() as f32);
        }
        let y_hi = self.bars.iter().map(|b| b.height).fold(1.0f32, f32::max);
        let xt = if categorical {
            Vec::new()
        } else {
            nice_ticks(x_lo, x_hi, 6)
        };
        let yt = nice_ticks(0.0, y_hi, 5);
        let sx = if categorical {
            let n = self.bars.len().max(1) as f32;
            Box::new(move |v: f32| left + v / n * pw) as Box<dyn Fn(f32) -> f32>
        } else {
            Box::new(axis(&xt, (x_lo, x_hi), left, pw, false))
        };
        let sy = axis(&yt, (0.0, y_hi), top, ph, true);
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}" font-size="11">"#,
            escape(&self.y_label)
        );
        let y_ticks: Vec<(f32, String)> = yt.iter().map(|t| (sy(*t), label(*t))).collect();
        let mut x_ticks: Vec<(f32, String)> = xt.iter().map(|t| (sx(*t), label(*t))).collect();
        if categorical {
            x_ticks = self
                .bars
                .iter()
                .map(|b| {
                    (
                        sx((b.x0 + b.x1) / 2.0),
                        escape(b.label.as_deref().unwrap_or("")),
                    )
                })
                .collect();
        }
        Frame {
            left,
            top,
            width: pw,
            height: ph,
        }
        .draw(&mut svg, &x_ticks, &y_ticks, &self.x_label, &self.y_label);
        for b in &self.bars {
            let (x0, x1) = (sx(b.x0), sx(b.x1));
            let (y0, y1) = (sy(b.height), sy(0.0));
            let _ = write!(
                svg,
                r##"<rect class="bar" data-count="{}" x="{x0:.1}" y="{y0:.1}" width="{:.1}" height="{:.1}" fill="{}" stroke="#ffffff" stroke-width="0.5"><title>{}</title></rect>"##,
                b.height,
                (x1 - x0).max(0.5),
                (y1 - y0).max(0.0),
                COLOURS[0],
                b.height
            );
        }
        if let Some((x, text)) = &self.marker {
            let px = sx(*x);
            // The label goes right of the line, or left of it when it would pass the plot's
            // right edge (a marker at the longest review, say).
            let text_width = 6.5 * text.chars().count() as f32;
            let (tx, anchor) = if px + 4.0 + text_width > left + pw {
                (px - 4.0, "end")
            } else {
                (px + 4.0, "start")
            };
            let _ = write!(
                svg,
                r##"<line class="marker" x1="{px:.1}" x2="{px:.1}" y1="{top}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="5 3"/><text class="marker-label" x="{tx:.1}" y="{}" text-anchor="{anchor}" fill="#1d2330">{}</text>"##,
                top + ph,
                COLOURS[1],
                top + 12.0,
                escape(text)
            );
        }
        svg.push_str("</svg>");
        svg
    }
}
