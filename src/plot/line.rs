//! Line charts: training curves, one polyline per series, a legend.

use std::fmt::Write;

use super::axis::{COLOURS, Frame, MAX_DRAWN, axis, escape, label, nice_ticks};

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
}
