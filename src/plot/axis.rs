//! What every chart shares: "nice" tick positions, tick labels, the mapping of a value to a
//! pixel on an axis, the plotting frame (grid, border, axis labels) and the colours.

use std::fmt::Write;

/// At most this many vertices are drawn per series.
pub(super) const MAX_DRAWN: usize = 600;

/// Colours that stay apart for colour-blind readers (Okabe–Ito).
pub(super) const COLOURS: [&str; 8] = [
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

pub(super) fn label(v: f32) -> String {
    if v.abs() >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Pixel position of a data value on an axis spanning the ticks and `[lo, hi]`, starting at
/// `start` and `length` pixels long (`flip`: values grow upwards).
pub(super) fn axis(
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
pub(super) struct Frame {
    pub(super) left: f32,
    pub(super) top: f32,
    pub(super) width: f32,
    pub(super) height: f32,
}

impl Frame {
    /// Grid lines and tick labels at `(position, text)`, the border and the axis labels.
    pub(super) fn draw(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
