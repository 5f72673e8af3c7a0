//! Bar charts: categories or a histogram's bins, with an optional marker line.

use std::fmt::Write;

use super::axis::{COLOURS, Frame, axis, escape, label, nice_ticks};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
