//! "LSTM·GRU 셀 해부" (lecture 10): one small LSTM or GRU cell (2–4 units) stepped through a
//! Korean sentence token by token, every gate's equation with this step's numbers, and gates
//! pinned to 0 or 1 to see what the lecture says happens ("if f_t becomes 0, only the input
//! gate decides the cell state").
//!
//! The cell belongs to a tiny classifier, `Embedding(mask_zero=True) → LSTM|GRU → Dense(1,
//! sigmoid)`, trained here on a task where memory matters: *did a negation (안, 못) appear
//! anywhere in the sentence?* The answer has to be carried from the negation to the end, in the
//! cell state. Every number comes from [`crate::nn::Recurrent::step_pinned`], the cell that
//! trains every model of the playground.
//!
//! ```
//! use rnn_playground::lab::cell::{CellConfig, run};
//! use rnn_playground::nn::{CellKind, GatePins};
//!
//! let view = run(&CellConfig { epochs: 0, pins: GatePins { forget: Some(0.0), ..GatePins::default() },
//!                              ..CellConfig::default() }).unwrap();
//! // f_t = 0: C_t = i_t ∘ g_t at every step.
//! for step in &view.steps {
//!     let (i, g) = (&step.gates[0].value, &step.gates[2].value);
//!     let c = step.c.as_ref().unwrap();
//!     for u in 0..c.len() { assert!((c[u] - i[u] * g[u]).abs() < 1e-6); }
//! }
//! ```

use candle_core::{D, DType, Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{LabError, Result, vector};
use crate::nn::{
    Activation, CellKind, GatePins, Layer, LayerConfig, Loss, Optimizer, OptimizerConfig,
    Recurrent, RnnState, Sequential,
};

/// The words the cell knows (index + 2; 0 pads, 1 is an unknown word): the lecture's review
/// words and the two negations.
pub const WORDS: [&str; 16] = [
    "이",
    "상품",
    "진짜",
    "좋아요",
    "저는",
    "강추합니다",
    "대박",
    "배송도",
    "빠르고",
    "정말",
    "최고",
    "너무",
    "예뻐요",
    "추천해요",
    "안",
    "못",
];
/// The words that make a sentence "negated".
pub const NEGATIONS: [&str; 2] = ["안", "못"];
/// The lecture's review with a negation early, so the cell has to carry it.
pub const DEFAULT_SENTENCE: &str = "이 상품 안 좋아요 진짜 저는 강추합니다 대박";
/// The longest sentence stepped (tokens).
pub const MAX_TOKENS: usize = 12;

/// What the page asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellConfig {
    pub cell: CellKind,
    /// 2 to 4: few enough that each vector's numbers fit in the equations.
    pub units: usize,
    pub seed: u64,
    /// Full-batch Adam epochs on the negation task (0: the untrained cell).
    pub epochs: usize,
    pub sentence: String,
    pub pins: GatePins,
}

impl Default for CellConfig {
    fn default() -> Self {
        Self {
            cell: CellKind::Lstm,
            units: 3,
            seed: 1,
            epochs: 0,
            sentence: DEFAULT_SENTENCE.into(),
            pins: GatePins::default(),
        }
    }
}

/// One gate's (or the candidate's) equation at one step: `value = act(wx + wh + bias)`, or
/// the pinned value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateTerm {
    /// `i`, `f`, `g`, `o` (LSTM); `z`, `r`, `h̃` (GRU).
    pub name: String,
    /// `W_x· x_t`.
    pub wx: Vec<f32>,
    /// `W_h· h_(t−1)` (GRU's candidate: `r_t ∘ (W_hh h_(t−1) + b_rh)`).
    pub wh: Vec<f32>,
    pub bias: Vec<f32>,
    /// After the activation (σ or tanh), or the pinned value.
    pub value: Vec<f32>,
    pub pinned: Option<f32>,
}

/// One token through the cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellStep {
    pub token: String,
    /// The token's id (1: a word the cell does not know).
    pub id: u32,
    /// `x_t`: the token's embedding.
    pub x: Vec<f32>,
    pub h_prev: Vec<f32>,
    pub c_prev: Option<Vec<f32>>,
    pub gates: Vec<GateTerm>,
    pub c: Option<Vec<f32>>,
    pub h: Vec<f32>,
}

/// Everything the lab page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellView {
    pub cell: CellKind,
    pub units: usize,
    pub tokens: Vec<String>,
    /// The training loss per epoch (empty untrained).
    pub losses: Vec<f32>,
    /// Accuracy on 200 new generated sentences.
    pub accuracy: Option<f32>,
    /// The steps with the pins.
    pub steps: Vec<CellStep>,
    /// The memory over time (LSTM: `C_t`, GRU: `h_t`) with the pins and without.
    pub pinned_memory: Vec<Vec<f32>>,
    pub free_memory: Vec<Vec<f32>>,
    /// P(negated) with the pins and without.
    pub prediction: f32,
    pub free_prediction: f32,
}

/// The sentence as the cell reads it: Korean words split on spaces.
pub fn tokens(sentence: &str) -> Vec<String> {
    crate::text::korean::clean_korean(sentence)
        .split_whitespace()
        .take(MAX_TOKENS)
        .map(str::to_string)
        .collect()
}

fn id_of(word: &str) -> u32 {
    WORDS
        .iter()
        .position(|w| *w == word)
        .map_or(1, |i| i as u32 + 2)
}

/// `n` generated sentences (ids, pre-padded to [`MAX_TOKENS`]) and their labels: half carry
/// one negation, mostly early.
fn dataset(n: usize, seed: u64) -> (Vec<Vec<u32>>, Vec<f32>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let plain = WORDS.len() - NEGATIONS.len();
    let (mut rows, mut labels) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for k in 0..n {
        let len = rng.random_range(3..=8);
        let mut ids: Vec<u32> = (0..len)
            .map(|_| rng.random_range(0..plain) as u32 + 2)
            .collect();
        let negated = k % 2 == 1;
        if negated {
            let at = rng.random_range(0..len.min(3));
            ids[at] = (plain + rng.random_range(0..NEGATIONS.len())) as u32 + 2;
        }
        let mut row = vec![0u32; MAX_TOKENS - len];
        row.extend(ids);
        rows.push(row);
        labels.push(if negated { 1.0 } else { 0.0 });
    }
    (rows, labels)
}

fn model(config: &CellConfig) -> Result<Sequential> {
    if !(2..=4).contains(&config.units) {
        return Err(LabError::input(
            "여기서 셀의 유닛은 2~4개입니다",
            "the cell has 2 to 4 units here",
        ));
    }
    if config.cell == CellKind::SimpleRnn {
        return Err(LabError::input(
            "이 실험실은 LSTM이나 GRU를 한 단계씩 봅니다 (SimpleRNN은 스테퍼 실험실에서 보세요)",
            "this lab steps an LSTM or a GRU (the stepper lab shows the SimpleRNN)",
        ));
    }
    Ok(Sequential::from_config(
        &[
            LayerConfig::Embedding {
                input_dim: WORDS.len() + 2,
                output_dim: 4,
                mask_zero: true,
            },
            LayerConfig::rnn(config.cell, config.units),
            LayerConfig::Dense {
                units: 1,
                activation: Activation::Sigmoid,
                use_bias: true,
            },
        ],
        Some(MAX_TOKENS),
        config.seed,
    )?)
}

fn batch(rows: &[Vec<u32>]) -> Result<Tensor> {
    Ok(Tensor::from_vec(
        rows.concat(),
        (rows.len(), MAX_TOKENS),
        &Device::Cpu,
    )?)
}

/// Full-batch Adam on the negation task; the loss of each epoch.
fn train(model: &Sequential, epochs: usize, seed: u64) -> Result<Vec<f32>> {
    let (rows, labels) = dataset(256, seed);
    let (x, y) = (batch(&rows)?, Tensor::new(labels, &Device::Cpu)?);
    let mut optimizer = Optimizer::new(OptimizerConfig::adam(0.05));
    let mut losses = Vec::with_capacity(epochs);
    for _ in 0..epochs.min(1_000) {
        let logits = model.forward_with_logits(&x)?.logits.ok_or_else(|| {
            LabError::input(
                "모델은 sigmoid로 끝나야 합니다",
                "the model ends in a sigmoid",
            )
        })?;
        let loss = Loss::BinaryCrossentropy.compute(&y, &logits.squeeze(D::Minus1)?, true)?;
        losses.push(loss.to_scalar::<f32>()?);
        let grads = loss.backward()?;
        optimizer.step(&model.trainable_variables(), &grads)?;
    }
    Ok(losses)
}

fn accuracy(model: &Sequential, seed: u64) -> Result<f32> {
    let (rows, labels) = dataset(200, seed ^ 0x7e57);
    let p = vector(&model.forward(&batch(&rows)?)?)?;
    let right = p
        .iter()
        .zip(&labels)
        .filter(|(p, y)| (**p > 0.5) == (**y > 0.5))
        .count();
    Ok(right as f32 / labels.len() as f32)
}

/// A `[1, n]` row as a vector.
fn row(t: &Tensor) -> Result<Vec<f32>> {
    vector(t)
}

/// `[1, gates·units]` → the `k`-th gate's `[1, units]`.
fn slice(t: &Tensor, k: usize, u: usize) -> Result<Tensor> {
    Ok(t.narrow(1, k * u, u)?)
}

/// Each gate's terms at one step, with the core's values for the activations.
fn terms(
    rnn: &Recurrent,
    x: &Tensor,
    state: &RnnState,
    gates: &crate::nn::Gates,
    pins: &GatePins,
) -> Result<Vec<GateTerm>> {
    let u = rnn.units;
    let wx = x.matmul(rnn.kernel.as_tensor())?;
    let rk = rnn.recurrent_kernel.as_tensor();
    let zeros = Tensor::zeros((1, rnn.kernel.dim(1)?), DType::F32, &Device::Cpu)?;
    let (b_in, b_rec) = match &rnn.bias {
        None => (zeros.clone(), zeros.clone()),
        Some(b) if b.as_tensor().rank() == 2 => (
            b.as_tensor().narrow(0, 0, 1)?,
            b.as_tensor().narrow(0, 1, 1)?,
        ),
        Some(b) => (b.as_tensor().unsqueeze(0)?, zeros.clone()),
    };
    let term = |name: &str, k: usize, wh: Tensor, bias: Tensor, value: &Tensor, pinned| {
        Ok::<_, LabError>(GateTerm {
            name: name.into(),
            wx: row(&slice(&wx, k, u)?)?,
            wh: row(&wh)?,
            bias: row(&bias)?,
            value: row(value)?,
            pinned,
        })
    };
    let wh_all = state.h.matmul(rk)?;
    let missing = || {
        LabError::input(
            "셀이 게이트 값을 알려 주지 않았습니다",
            "the cell did not report its gates",
        )
    };
    Ok(match rnn.kind {
        CellKind::Lstm => vec![
            term(
                "i",
                0,
                slice(&wh_all, 0, u)?,
                slice(&b_in, 0, u)?,
                gates.input.as_ref().ok_or_else(missing)?,
                pins.input,
            )?,
            term(
                "f",
                1,
                slice(&wh_all, 1, u)?,
                slice(&b_in, 1, u)?,
                gates.forget.as_ref().ok_or_else(missing)?,
                pins.forget,
            )?,
            term(
                "g",
                2,
                slice(&wh_all, 2, u)?,
                slice(&b_in, 2, u)?,
                &gates.candidate,
                None,
            )?,
            term(
                "o",
                3,
                slice(&wh_all, 3, u)?,
                slice(&b_in, 3, u)?,
                gates.output.as_ref().ok_or_else(missing)?,
                pins.output,
            )?,
        ],
        CellKind::Gru => {
            let r = gates.reset.as_ref().ok_or_else(missing)?;
            // reset_after (Keras' default): the recurrent bias is inside the reset product.
            let (wh_z, wh_r, wh_h, bias) = if rnn.reset_after {
                let rec = wh_all.broadcast_add(&b_rec)?;
                (
                    slice(&rec, 0, u)?,
                    slice(&rec, 1, u)?,
                    (r * slice(&rec, 2, u)?)?,
                    b_in.clone(),
                )
            } else {
                let rh = (r * &state.h)?.matmul(&rk.narrow(1, 2 * u, u)?)?;
                (
                    slice(&wh_all, 0, u)?,
                    slice(&wh_all, 1, u)?,
                    rh,
                    b_in.clone(),
                )
            };
            vec![
                term(
                    "z",
                    0,
                    wh_z,
                    slice(&bias, 0, u)?,
                    gates.update.as_ref().ok_or_else(missing)?,
                    pins.update,
                )?,
                term("r", 1, wh_r, slice(&bias, 1, u)?, r, pins.reset)?,
                term("h̃", 2, wh_h, slice(&bias, 2, u)?, &gates.candidate, None)?,
            ]
        }
        CellKind::SimpleRnn => Vec::new(),
    })
}

/// Train (when asked) and step the sentence through the cell, with and without the pins.
pub fn run(config: &CellConfig) -> Result<CellView> {
    let model = model(config)?;
    let losses = train(&model, config.epochs, config.seed)?;
    let layers = model.layers();
    let (Layer::Embedding(embedding), Layer::Recurrent(rnn), Layer::Dense(dense)) =
        (&layers[0].1, &layers[1].1, &layers[2].1)
    else {
        return Err(LabError::input(
            "셀 실험실의 모델은 Embedding → RNN → Dense입니다",
            "the cell lab's model is Embedding → RNN → Dense",
        ));
    };
    let words = tokens(&config.sentence);
    if words.is_empty() {
        return Err(LabError::input(
            "한국어 문장을 쓰세요: 셀은 한국어 단어를 읽습니다",
            "write a sentence in Korean: the cell reads Korean words",
        ));
    }
    let ids: Vec<u32> = words.iter().map(|w| id_of(w)).collect();
    let xs = embedding.forward(&Tensor::new(ids.as_slice(), &Device::Cpu)?.unsqueeze(0)?)?; // [1, T, 4]
    let memory = |s: &RnnState| -> Result<Vec<f32>> { row(s.c.as_ref().unwrap_or(&s.h)) };
    let mut pinned = rnn.zero_state(1, &Device::Cpu)?;
    let mut free = rnn.zero_state(1, &Device::Cpu)?;
    let (mut steps, mut pinned_memory, mut free_memory) = (Vec::new(), Vec::new(), Vec::new());
    for (t, (word, id)) in words.iter().zip(&ids).enumerate() {
        let x = xs.narrow(1, t, 1)?.squeeze(1)?; // [1, 4]
        let (next, gates) = rnn.step_pinned(&x, &pinned, &config.pins)?;
        steps.push(CellStep {
            token: word.clone(),
            id: *id,
            x: row(&x)?,
            h_prev: row(&pinned.h)?,
            c_prev: pinned.c.as_ref().map(row).transpose()?,
            gates: terms(rnn, &x, &pinned, &gates, &config.pins)?,
            c: next.c.as_ref().map(row).transpose()?,
            h: row(&next.h)?,
        });
        pinned_memory.push(memory(&next)?);
        pinned = next;
        free = rnn.step(&x, &free)?.0;
        free_memory.push(memory(&free)?);
    }
    let predict = |s: &RnnState| -> Result<f32> { Ok(row(&dense.forward(&s.h)?)?[0]) };
    Ok(CellView {
        cell: config.cell,
        units: config.units,
        tokens: words,
        accuracy: (config.epochs > 0)
            .then(|| accuracy(&model, config.seed))
            .transpose()?,
        losses,
        steps,
        pinned_memory,
        free_memory,
        prediction: predict(&pinned)?,
        free_prediction: predict(&free)?,
    })
}
