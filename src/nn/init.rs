//! Keras' default initializers, drawn from a seeded RNG: `glorot_uniform` for kernels,
//! `orthogonal` for recurrent kernels, `uniform(-0.05, 0.05)` for embeddings, zeros for biases.
//!
//! The numbers cannot equal TensorFlow's (a different random stream) but the distributions are
//! Keras', so a model starts as a Keras model would.

use candle_core::{Device, Tensor};
use rand::Rng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

/// Uniform on `[-limit, limit]` with `limit = sqrt(6 / (fan_in + fan_out))`.
pub fn glorot_uniform(rng: &mut StdRng, fan_in: usize, fan_out: usize) -> Tensor {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt() as f32;
    uniform(rng, fan_in, fan_out, limit)
}

/// Uniform on `[-limit, limit]`, shape `[rows, cols]`.
pub fn uniform(rng: &mut StdRng, rows: usize, cols: usize, limit: f32) -> Tensor {
    let data: Vec<f32> = (0..rows * cols)
        .map(|_| rng.random_range(-limit..=limit))
        .collect();
    Tensor::from_vec(data, (rows, cols), &Device::Cpu).expect("shape matches data")
}

/// Keras' `Orthogonal(gain=1)`: the Q of a QR decomposition of a normal matrix, signs fixed
/// so that R has a positive diagonal; for `rows < cols` (the recurrent kernels, `[u, 4u]`),
/// the transpose of the orthogonal `[cols, rows]` matrix, so the rows are orthonormal.
pub fn orthogonal(rng: &mut StdRng, rows: usize, cols: usize) -> Tensor {
    let (n, k) = if rows < cols {
        (cols, rows)
    } else {
        (rows, cols)
    };
    // a: n × k, column-major for the Gram-Schmidt below.
    let mut q: Vec<Vec<f64>> = (0..k)
        .map(|_| (0..n).map(|_| StandardNormal.sample(rng)).collect())
        .collect();
    // Modified Gram-Schmidt: R's diagonal comes out positive, which is Keras' sign fix.
    for j in 0..k {
        for i in 0..j {
            let (done, rest) = q.split_at_mut(j);
            let dot: f64 = done[i].iter().zip(&rest[0]).map(|(a, b)| a * b).sum();
            for (x, qi) in rest[0].iter_mut().zip(&done[i]) {
                *x -= dot * qi;
            }
        }
        let norm = q[j].iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
        for x in &mut q[j] {
            *x /= norm;
        }
    }
    // Q is n × k with columns q[j]; the result is rows × cols.
    let mut data = vec![0f32; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let v = if rows < cols { q[r][c] } else { q[c][r] };
            data[r * cols + c] = v as f32;
        }
    }
    Tensor::from_vec(data, (rows, cols), &Device::Cpu).expect("shape matches data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn orthogonal_rows_are_orthonormal() {
        let mut rng = StdRng::seed_from_u64(7);
        let w = orthogonal(&mut rng, 4, 12);
        let wwt = w.matmul(&w.t().unwrap()).unwrap().to_vec2::<f32>().unwrap();
        for (i, row) in wwt.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((v - expected).abs() < 1e-5, "{i},{j}: {v}");
            }
        }
        let square = orthogonal(&mut rng, 5, 5);
        let wtw = square
            .t()
            .unwrap()
            .matmul(&square)
            .unwrap()
            .to_vec2::<f32>()
            .unwrap();
        assert!((wtw[2][2] - 1.0).abs() < 1e-5 && wtw[1][3].abs() < 1e-5);
    }

    #[test]
    fn glorot_uniform_stays_within_its_limit() {
        let mut rng = StdRng::seed_from_u64(1);
        let w = glorot_uniform(&mut rng, 10, 32)
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let limit = (6.0f32 / 42.0).sqrt();
        assert!(w.iter().all(|x| x.abs() <= limit));
        assert!(
            w.iter().any(|x| x.abs() > limit * 0.9),
            "uses the whole range"
        );
    }
}
