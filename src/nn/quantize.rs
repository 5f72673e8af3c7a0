//! 4-bit storage for large weight tables (the shipped classifiers' embeddings), so that a page
//! downloads a quarter of the float16 bytes. The model still computes in f32: the loader turns
//! the codes back into numbers once.
//!
//! Each row is divided by its largest magnitude (`absmax`, kept as f16), and every scaled value
//! is replaced by the nearest of 16 levels. The levels are fitted to the table itself (Lloyd's
//! algorithm, started from the quantiles), so they sit where the values are dense — near zero
//! for the bell-shaped values of a trained embedding — instead of on an even grid.
//!
//! ```
//! use rnn_playground::nn::quantize::Quantized4;
//!
//! let values: Vec<f32> = (0..64).map(|i| ((i * 37 % 64) as f32 - 32.0) / 40.0).collect();
//! let q = Quantized4::encode(&values, 8, 8).unwrap();
//! assert_eq!(q.codes.len(), 8 * 4); // two codes per byte
//! let back = q.decode().unwrap();
//! let worst = values.iter().zip(&back).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
//! assert!(worst < 0.1);
//! ```

use super::error::{NnError, Result};

/// Number of levels (4 bits).
pub const LEVELS: usize = 16;

/// A `[rows, cols]` table in 4 bits: two codes per byte (low nibble first), a scale per row and
/// the 16 levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantized4 {
    pub rows: usize,
    pub cols: usize,
    /// `rows × cols / 2` bytes.
    pub codes: Vec<u8>,
    /// The largest magnitude of each row (f16 in files).
    pub absmax: Vec<f32>,
    /// The levels, ascending, in [−1, 1].
    pub codebook: [f32; LEVELS],
}

impl Quantized4 {
    /// Encode a row-major `[rows, cols]` table; `cols` must be even (two codes per byte).
    pub fn encode(values: &[f32], rows: usize, cols: usize) -> Result<Self> {
        if values.len() != rows * cols || !cols.is_multiple_of(2) {
            return Err(NnError::Load(format!(
                "4-bit storage needs an even number of columns and rows × cols values (got {} values for {rows} × {cols})",
                values.len()
            )));
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(NnError::Load(
                "the weights contain NaN or infinity; they cannot be stored".into(),
            ));
        }
        // The scale as the file stores it (f16), so encoding sees what decoding will use.
        let absmax: Vec<f32> = values
            .chunks(cols.max(1))
            .map(|row| {
                let m = row.iter().fold(0f32, |m, v| m.max(v.abs()));
                half::f16::from_f32(m).to_f32()
            })
            .collect();
        let scaled: Vec<f32> = values
            .chunks(cols.max(1))
            .zip(&absmax)
            .flat_map(|(row, &m)| {
                row.iter().map(move |v| {
                    if m > 0.0 {
                        (v / m).clamp(-1.0, 1.0)
                    } else {
                        0.0
                    }
                })
            })
            .collect();
        let codebook = fit_levels(&scaled);
        let codes = scaled
            .chunks(2)
            .map(|pair| nearest(&codebook, pair[0]) | (nearest(&codebook, pair[1]) << 4))
            .collect();
        Ok(Self {
            rows,
            cols,
            codes,
            absmax,
            codebook,
        })
    }

    /// The table back as f32, row-major.
    pub fn decode(&self) -> Result<Vec<f32>> {
        if self.codes.len() * 2 != self.rows * self.cols || self.absmax.len() != self.rows {
            return Err(NnError::Load(format!(
                "a 4-bit table of {} × {} needs {} code bytes and {} scales, the file has {} and {}",
                self.rows,
                self.cols,
                self.rows * self.cols / 2,
                self.rows,
                self.codes.len(),
                self.absmax.len()
            )));
        }
        if self.codebook.iter().any(|v| !v.is_finite())
            || self.absmax.iter().any(|v| !v.is_finite())
        {
            return Err(NnError::Load(
                "the 4-bit table's levels or scales are not finite numbers: the file is corrupt"
                    .into(),
            ));
        }
        let half_cols = self.cols / 2;
        let mut out = Vec::with_capacity(self.rows * self.cols);
        for (row, &m) in self.codes.chunks(half_cols.max(1)).zip(&self.absmax) {
            for &byte in row {
                out.push(self.codebook[(byte & 0x0f) as usize] * m);
                out.push(self.codebook[(byte >> 4) as usize] * m);
            }
        }
        Ok(out)
    }
}

fn nearest(codebook: &[f32; LEVELS], v: f32) -> u8 {
    // The levels are sorted: the answer is next to the first level above v.
    let above = codebook.partition_point(|&c| c < v);
    match above {
        0 => 0,
        LEVELS => (LEVELS - 1) as u8,
        i if (v - codebook[i - 1]) <= (codebook[i] - v) => (i - 1) as u8,
        i => i as u8,
    }
}

/// Lloyd's algorithm in one dimension: levels at the quantiles, then each level moves to the
/// mean of the values nearest to it until nothing moves.
fn fit_levels(values: &[f32]) -> [f32; LEVELS] {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let mut levels = [0f32; LEVELS];
    if sorted.is_empty() {
        return levels;
    }
    for (k, level) in levels.iter_mut().enumerate() {
        let q = (k as f64 + 0.5) / LEVELS as f64;
        *level = sorted[((q * sorted.len() as f64) as usize).min(sorted.len() - 1)];
    }
    // The extremes stay exact: every row's largest magnitude is ±1 after scaling.
    levels[0] = sorted[0];
    levels[LEVELS - 1] = sorted[sorted.len() - 1];
    for _ in 0..50 {
        let mut sum = [0f64; LEVELS];
        let mut count = [0usize; LEVELS];
        // Sorted values: each level owns a contiguous run between midpoints.
        let mut k = 0;
        for &v in &sorted {
            while k + 1 < LEVELS && v > (levels[k] + levels[k + 1]) / 2.0 {
                k += 1;
            }
            sum[k] += v as f64;
            count[k] += 1;
        }
        let mut moved = 0f32;
        for k in 1..LEVELS - 1 {
            if count[k] > 0 {
                let mean = (sum[k] / count[k] as f64) as f32;
                moved = moved.max((mean - levels[k]).abs());
                levels[k] = mean;
            }
        }
        levels.sort_by(f32::total_cmp);
        if moved < 1e-6 {
            break;
        }
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bell-shaped table like a trained embedding's.
    fn bell(rows: usize, cols: usize) -> Vec<f32> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        (0..rows * cols)
            .map(|_| {
                let s: f32 = (0..6).map(|_| rng.random::<f32>() - 0.5).sum();
                s * 0.1
            })
            .collect()
    }

    #[test]
    fn round_trip_keeps_each_row_extreme_and_bounds_the_error() {
        let values = bell(200, 64);
        let q = Quantized4::encode(&values, 200, 64).unwrap();
        let back = q.decode().unwrap();
        assert_eq!(back.len(), values.len());
        for (row, brow) in values.chunks(64).zip(back.chunks(64)) {
            let m = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            let (i, _) = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                .unwrap();
            // The largest value of a row is a level times its own scale: kept to f16 precision,
            // or at worst half a step away (when the other extreme is the opposite sign).
            assert!(
                (row[i] - brow[i]).abs() <= 0.2 * m,
                "{} vs {}",
                row[i],
                brow[i]
            );
            for (a, b) in row.iter().zip(brow) {
                assert!((a - b).abs() <= m * 0.25, "{a} vs {b} (row max {m})");
            }
        }
    }

    #[test]
    fn fitted_levels_beat_an_even_grid_on_bell_shaped_values() {
        let values = bell(300, 64);
        let q = Quantized4::encode(&values, 300, 64).unwrap();
        let back = q.decode().unwrap();
        let mse = |b: &[f32]| -> f64 {
            values
                .iter()
                .zip(b)
                .map(|(a, b)| ((a - b) as f64).powi(2))
                .sum::<f64>()
                / values.len() as f64
        };
        let mut even = q.clone();
        for (k, level) in even.codebook.iter_mut().enumerate() {
            *level = -1.0 + 2.0 * k as f32 / (LEVELS - 1) as f32;
        }
        // Re-encode on the even grid.
        let scaled_codes: Vec<u8> = values
            .chunks(64)
            .zip(&q.absmax)
            .flat_map(|(row, &m)| row.iter().map(move |v| v / m).collect::<Vec<_>>())
            .collect::<Vec<f32>>()
            .chunks(2)
            .map(|p| nearest(&even.codebook, p[0]) | (nearest(&even.codebook, p[1]) << 4))
            .collect();
        even.codes = scaled_codes;
        let fitted = mse(&back);
        let grid = mse(&even.decode().unwrap());
        assert!(fitted < 0.9 * grid, "fitted {fitted} vs even grid {grid}");
    }

    #[test]
    fn nearest_picks_the_closest_level() {
        let mut levels = [0f32; LEVELS];
        for (k, l) in levels.iter_mut().enumerate() {
            *l = k as f32;
        }
        assert_eq!(nearest(&levels, -3.0), 0);
        assert_eq!(nearest(&levels, 2.4), 2);
        assert_eq!(nearest(&levels, 2.6), 3);
        assert_eq!(nearest(&levels, 99.0), 15);
    }

    #[test]
    fn bad_shapes_and_values_are_errors() {
        assert!(Quantized4::encode(&[0.0; 6], 2, 3).is_err());
        assert!(Quantized4::encode(&[0.0; 5], 2, 2).is_err());
        assert!(Quantized4::encode(&[f32::NAN, 0.0], 1, 2).is_err());
        let mut q = Quantized4::encode(&[0.5, -0.5, 0.25, 0.0], 2, 2).unwrap();
        q.codes.pop();
        assert!(q.decode().is_err());
        // An all-zero row decodes to zeros.
        let z = Quantized4::encode(&[0.0; 4], 2, 2).unwrap();
        assert_eq!(z.decode().unwrap(), vec![0.0; 4]);
    }
}
