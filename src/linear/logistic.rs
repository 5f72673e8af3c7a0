//! Logistic regression on sparse rows: scikit-learn's `LogisticRegression(C=…)` objective,
//! `½‖w‖² + C · Σᵢ sᵢ · log(1 + exp(−yᵢ (w·xᵢ + b)))` (the intercept `b` not penalised, `sᵢ`
//! a weight per sample), minimised by L-BFGS from the `argmin` crate (linfa's logistic
//! regression takes dense matrices only; these have hundreds of thousands of columns).
//!
//! ```
//! use rnn_playground::linear::logistic::{fit_logistic, LogisticFit};
//!
//! // Column 0 says positive, column 1 negative.
//! let rows = vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![(0, 1.0)], vec![(1, 1.0)]];
//! let labels = [1, 0, 1, 0];
//! let fit = LogisticFit { c: 10.0, max_iters: 100 };
//! let (w, b) = fit_logistic(&rows, &labels, &[1.0; 4], 2, &fit).unwrap();
//! assert!(w[0] > 1.0 && w[1] < -1.0 && b.abs() < 1e-3);
//! ```

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use crate::nn::NnError;

/// How to fit.
#[derive(Clone, Debug)]
pub struct LogisticFit {
    /// Inverse regularisation strength (scikit-learn's `C`).
    pub c: f64,
    pub max_iters: u64,
}

struct Problem<'a> {
    rows: &'a [Vec<(u32, f32)>],
    /// +1 or −1.
    y: Vec<f64>,
    weights: &'a [f64],
    c: f64,
    columns: usize,
}

impl Problem<'_> {
    /// Each row's margin `w·x + b`; the parameter vector is `[w…, b]`.
    fn margins(&self, p: &[f64]) -> Vec<f64> {
        let b = p[self.columns];
        self.rows
            .iter()
            .map(|r| {
                b + r
                    .iter()
                    .map(|&(j, v)| p[j as usize] * v as f64)
                    .sum::<f64>()
            })
            .collect()
    }
}

/// `log(1 + exp(−m))` without overflow.
fn log_loss(m: f64) -> f64 {
    if m > 0.0 {
        (-m).exp().ln_1p()
    } else {
        -m + m.exp().ln_1p()
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        let penalty = 0.5 * p[..self.columns].iter().map(|w| w * w).sum::<f64>();
        let loss: f64 = self
            .margins(p)
            .iter()
            .zip(&self.y)
            .zip(self.weights)
            .map(|((m, y), s)| s * log_loss(y * m))
            .sum();
        Ok(penalty + self.c * loss)
    }
}

impl Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let mut g: Vec<f64> = p.clone();
        g[self.columns] = 0.0;
        for ((row, m), (y, s)) in self
            .rows
            .iter()
            .zip(self.margins(p))
            .zip(self.y.iter().zip(self.weights))
        {
            // d/dm log(1 + exp(−y m)) = −y σ(−y m)
            let d = -y * s * self.c / (1.0 + (y * m).exp());
            for &(j, v) in row {
                g[j as usize] += d * v as f64;
            }
            g[self.columns] += d;
        }
        Ok(g)
    }
}

/// The weights (one per column) and intercept that minimise the objective above; `labels` are
/// 0 or 1, `sample_weights` one per row.
pub fn fit_logistic(
    rows: &[Vec<(u32, f32)>],
    labels: &[u8],
    sample_weights: &[f64],
    columns: usize,
    fit: &LogisticFit,
) -> Result<(Vec<f32>, f32), NnError> {
    if rows.is_empty() || rows.len() != labels.len() || rows.len() != sample_weights.len() {
        return Err(NnError::Config(
            "logistic regression needs one label and one weight per review".into(),
        ));
    }
    let problem = Problem {
        rows,
        y: labels
            .iter()
            .map(|&l| if l == 1 { 1.0 } else { -1.0 })
            .collect(),
        weights: sample_weights,
        c: fit.c,
        columns,
    };
    let line_search = MoreThuenteLineSearch::new();
    let solver = LBFGS::new(line_search, 10)
        .with_tolerance_grad(1e-5)
        .and_then(|s| s.with_tolerance_cost(1e-9))
        .map_err(|e| NnError::Config(e.to_string()))?;
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(vec![0.0; columns + 1]).max_iters(fit.max_iters))
        .run()
        .map_err(|e| NnError::Config(format!("logistic regression did not converge: {e}")))?;
    let p = result
        .state()
        .get_best_param()
        .ok_or_else(|| NnError::Config("logistic regression found no weights".into()))?;
    Ok((
        p[..columns].iter().map(|&w| w as f32).collect(),
        p[columns] as f32,
    ))
}
