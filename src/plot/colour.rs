//! Colours for numbers: the palettes of the heatmaps and the labs' number cells, and the
//! WCAG contrast that picks white or black text on each.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
