//! The recurrence step by step (lecture 7): a SimpleRNN with 2–4 hidden units reads the one-hot
//! characters "h", "e", "l", "l" and learns to answer "e", "l", "l", "o".
//!
//! At each step the lab shows what the layer computes, in the lecture's notation:
//! `h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b)` (Keras stores `W_xh` as `kernel`, `W_hh` as
//! `recurrent_kernel`, and multiplies row vectors from the left: `x_t·kernel`).
//!
//! ```
//! use rnn_playground::lab::stepper::{StepperConfig, StepperLab};
//!
//! let lab = StepperLab::new(&StepperConfig { units: 3, ..StepperConfig::default() }).unwrap();
//! let view = lab.view().unwrap();
//! let first = &view.steps[0];
//! // h_0 is zero, so the first hidden state is tanh(W_xh·x_1 + b).
//! for u in 0..3 {
//!     assert!((first.h[u] - (first.wx[u] + view.bias[u]).tanh()).abs() < 1e-6);
//! }
//! ```

use candle_core::{D, Device, Tensor};
use serde::{Deserialize, Serialize};

use super::{LabError, Result, SequenceTrainer, many_to_many, one_hot, rows, vector};
use crate::nn::{Layer, Sequential};

/// The characters of "hello", in the lecture's order (`h`, `e`, `l`, `o`).
pub const CHARS: [char; 4] = ['h', 'e', 'l', 'o'];
/// What the model reads.
pub const INPUT: &str = "hell";
/// What it should answer at each step.
pub const TARGET: &str = "ello";

/// The stepper's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepperConfig {
    /// Hidden units: 2, 3 or 4 (few enough to read every number).
    pub units: usize,
    pub seed: u64,
    pub epochs: usize,
    pub learning_rate: f32,
}

impl Default for StepperConfig {
    fn default() -> Self {
        Self {
            units: 3,
            seed: 7,
            epochs: 300,
            learning_rate: 0.05,
        }
    }
}

/// One step of the recurrence, every term as numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceStep {
    /// 1-based time step.
    pub t: usize,
    pub input: char,
    pub target: char,
    /// The one-hot input x_t.
    pub x: Vec<f32>,
    /// h_{t-1} (zeros at t = 1).
    pub h_prev: Vec<f32>,
    /// W_xh·x_t.
    pub wx: Vec<f32>,
    /// W_hh·h_{t-1}.
    pub wh: Vec<f32>,
    /// W_xh·x_t + W_hh·h_{t-1} + b.
    pub sum: Vec<f32>,
    /// h_t = tanh(sum), as the SimpleRNN layer returns it.
    pub h: Vec<f32>,
    /// softmax(W_hy·h_t + b_y) over [`CHARS`].
    pub probabilities: Vec<f32>,
    pub predicted: char,
}

/// Everything the page shows: the weights, every step, and the output string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepperView {
    pub chars: Vec<char>,
    /// `kernel` `[4, units]`: row c is W_xh·x for the one-hot x of character c.
    pub w_xh: Vec<Vec<f32>>,
    /// `recurrent_kernel` `[units, units]`.
    pub w_hh: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
    pub steps: Vec<RecurrenceStep>,
    /// The predicted characters, one per step ("ello" once trained).
    pub output: String,
}

/// `(epoch, output)` pairs: the output string whenever it changed during training.
pub type OutputHistory = Vec<(usize, String)>;

/// What training returns to the page: losses, the output after some epochs, the final view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepperTraining {
    pub losses: Vec<f32>,
    /// `(epoch, output)` whenever the output string changed: how "ello" appears.
    pub outputs: OutputHistory,
    pub view: StepperView,
}

/// The model: `SimpleRNN(units, return_sequences=True)` → `TimeDistributed(Dense(4, softmax))`
/// on one-hot inputs of width 4.
pub struct StepperLab {
    pub model: Sequential,
    trainer: SequenceTrainer,
}

fn index_of(c: char) -> usize {
    CHARS.iter().position(|&k| k == c).unwrap_or(0)
}

impl StepperLab {
    pub fn new(config: &StepperConfig) -> Result<Self> {
        if !(2..=4).contains(&config.units) {
            return Err(LabError::input(
                format!(
                    "스테퍼의 은닉 유닛은 2~4개입니다 (받은 값 {})",
                    config.units
                ),
                format!("the stepper has 2 to 4 hidden units, got {}", config.units),
            ));
        }
        let model = many_to_many(
            config.units,
            CHARS.len(),
            CHARS.len(),
            Some(INPUT.len()),
            config.seed,
        )?;
        Ok(Self {
            model,
            trainer: SequenceTrainer::adam(config.learning_rate)?,
        })
    }

    fn data() -> Result<(Tensor, Tensor)> {
        let x = one_hot(&[INPUT.chars().map(index_of).collect()], CHARS.len())?;
        let y: Vec<u32> = TARGET.chars().map(|c| index_of(c) as u32).collect();
        let y = Tensor::from_vec(y, (1, TARGET.len()), &Device::Cpu)?;
        Ok((x, y))
    }

    /// Train for `epochs` full-batch Adam steps; returns the losses and the outputs seen.
    pub fn train(&mut self, epochs: usize) -> Result<(Vec<f32>, OutputHistory)> {
        let (x, y) = Self::data()?;
        let mut losses = Vec::with_capacity(epochs);
        let mut outputs = vec![(0, self.output(&x)?)];
        for epoch in 1..=epochs {
            losses.push(self.trainer.step(&self.model, &x, &y)?);
            let out = self.output(&x)?;
            if outputs.last().is_none_or(|(_, o)| *o != out) {
                outputs.push((epoch, out));
            }
        }
        Ok((losses, outputs))
    }

    /// The predicted characters for the one-hot input `x`.
    fn output(&self, x: &Tensor) -> Result<String> {
        let probs = self.model.forward(x)?.squeeze(0)?;
        let best = probs.argmax(D::Minus1)?.to_vec1::<u32>()?;
        Ok(best.iter().map(|&i| CHARS[i as usize]).collect())
    }

    /// Run "hell" through the layer one step at a time and keep every term.
    pub fn view(&self) -> Result<StepperView> {
        let layers = self.model.layers();
        let (Layer::Recurrent(rnn), Layer::TimeDistributed(dense)) = (&layers[0].1, &layers[1].1)
        else {
            return Err(LabError::input(
                "스테퍼 모델은 SimpleRNN → Dense입니다",
                "the stepper model is SimpleRNN → Dense",
            ));
        };
        let kernel = rnn.kernel.as_tensor();
        let recurrent = rnn.recurrent_kernel.as_tensor();
        let bias = match &rnn.bias {
            Some(b) => b.as_tensor().clone(),
            None => Tensor::zeros(rnn.units, candle_core::DType::F32, &Device::Cpu)?,
        };
        let mut state = rnn.zero_state(1, &Device::Cpu)?;
        let mut steps = Vec::new();
        for (t, (input, target)) in INPUT.chars().zip(TARGET.chars()).enumerate() {
            let x = one_hot(&[vec![index_of(input)]], CHARS.len())?.squeeze(0)?; // [1, 4]
            let wx = x.matmul(kernel)?;
            let wh = state.h.matmul(recurrent)?;
            let sum = (&wx + &wh)?.broadcast_add(&bias)?;
            // The layer's own step, not our sum: the page shows what the model computes.
            let (next, _) = rnn.step(&x, &state)?;
            let probabilities = dense.forward(&next.h)?;
            let p = vector(&probabilities)?;
            let best = p
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            steps.push(RecurrenceStep {
                t: t + 1,
                input,
                target,
                x: vector(&x)?,
                h_prev: vector(&state.h)?,
                wx: vector(&wx)?,
                wh: vector(&wh)?,
                sum: vector(&sum)?,
                h: vector(&next.h)?,
                probabilities: p,
                predicted: CHARS[best],
            });
            state = next;
        }
        Ok(StepperView {
            chars: CHARS.to_vec(),
            w_xh: rows(kernel)?,
            w_hh: rows(recurrent)?,
            bias: vector(&bias)?,
            output: steps.iter().map(|s| s.predicted).collect(),
            steps,
        })
    }
}

/// What the worker runs for the page's "train" button.
pub fn train(config: &StepperConfig) -> Result<StepperTraining> {
    let mut lab = StepperLab::new(config)?;
    let (losses, outputs) = lab.train(config.epochs.min(5_000))?;
    Ok(StepperTraining {
        losses,
        outputs,
        view: lab.view()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_the_lecture_recurrence() {
        let lab = StepperLab::new(&StepperConfig::default()).unwrap();
        let view = lab.view().unwrap();
        assert_eq!(view.steps.len(), 4);
        for step in &view.steps {
            for u in 0..3 {
                // W_xh·x_t is the kernel's row of the input character.
                let c = index_of(step.input);
                assert!((step.wx[u] - view.w_xh[c][u]).abs() < 1e-6);
                let wh: f32 = (0..3).map(|k| step.h_prev[k] * view.w_hh[k][u]).sum();
                assert!((step.wh[u] - wh).abs() < 1e-5);
                assert!((step.sum[u] - (step.wx[u] + wh + view.bias[u])).abs() < 1e-5);
                assert!((step.h[u] - step.sum[u].tanh()).abs() < 1e-5);
            }
            assert!((step.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert_eq!(view.steps[0].h_prev, vec![0.0; 3]);
        assert_eq!(view.steps[1].h_prev, view.steps[0].h);
    }

    #[test]
    fn training_turns_the_output_into_ello_for_every_size() {
        for units in 2..=4 {
            let config = StepperConfig {
                units,
                ..StepperConfig::default()
            };
            let result = train(&config).unwrap();
            assert_eq!(result.view.output, TARGET, "{units} units");
            assert!(result.losses.last().unwrap() < &result.losses[0]);
            assert_eq!(result.outputs.last().unwrap().1, TARGET);
        }
    }

    #[test]
    fn sizes_outside_two_to_four_are_refused() {
        for units in [0, 1, 5] {
            let config = StepperConfig {
                units,
                ..StepperConfig::default()
            };
            assert!(StepperLab::new(&config).is_err());
        }
    }
}
