//! Scatter plots of labelled points (the embeddings lab's 2-D projection).

use std::fmt::Write;

use super::axis::{Frame, axis, escape, label, nice_ticks};

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
    fn every_point_carries_its_label_and_coordinates() {
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
