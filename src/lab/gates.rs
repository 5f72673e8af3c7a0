//! The gate inspector (lecture 10): what the LSTM's input, forget and output gates and cell
//! state, or the GRU's update and reset gates, do on each token of a sentence the student types,
//! read from a trained review classifier one step at a time.
//!
//! The model runs over the whole padded sequence (the padding changes the state too, as in
//! `predict`); the maps show the steps of the real tokens. With many units, the most active
//! ones are shown (largest spread of their state over the sentence).

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use super::{LabError, Result, rows};
use crate::nn::{CellKind, Layer, Recurrent};
use crate::plot::{LineChart, Series};
use crate::sentiment::SentimentModel;

/// At most this many units are drawn per map.
pub const MAX_UNITS_SHOWN: usize = 32;

/// One heatmap: `values[row][token]` for the units in [`GateTrace::units`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateMap {
    /// e.g. "입력 게이트 i (input)".
    pub name: String,
    /// 0 … 1 for gates, −1 … 1 for states (unbounded for the LSTM cell state).
    pub values: Vec<Vec<f32>>,
    /// Gates are sigmoid outputs (drawn 0 … 1); states are drawn around zero.
    pub is_gate: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateTrace {
    /// "LSTM", "GRU", "SimpleRNN" (the forward layer of a Bidirectional is shown).
    pub cell: String,
    pub tokens: Vec<String>,
    /// The units shown (indices into the layer), most active first.
    pub units: Vec<usize>,
    pub total_units: usize,
    pub maps: Vec<GateMap>,
    /// The model's probability of 긍정 for the sentence.
    pub probability: f32,
    pub note: Option<String>,
}

impl GateTrace {
    /// The cell state (LSTM) or hidden state of the `n` most active units across the sentence.
    pub fn state_chart(&self, n: usize) -> LineChart {
        let state = self.maps.iter().rev().find(|m| !m.is_gate);
        let series = state
            .map(|m| {
                m.values
                    .iter()
                    .zip(&self.units)
                    .take(n)
                    .map(|(row, unit)| Series {
                        name: format!("unit {unit}"),
                        points: row
                            .iter()
                            .enumerate()
                            .map(|(i, v)| ((i + 1) as f32, *v))
                            .collect(),
                        dashed: false,
                    })
                    .collect()
            })
            .unwrap_or_default();
        LineChart {
            x_label: "token".into(),
            y_label: state.map_or(String::new(), |m| m.name.clone()),
            series,
            log_y: false,
        }
    }
}

/// Step `model`'s recurrent layer over `text` and keep its gates at every real token.
pub fn trace(model: &SentimentModel, text: &str) -> Result<GateTrace> {
    let stages = model.stages(text)?;
    let layers = model.model.layers();
    let (embedding, rnn, note) = match (layers.first(), layers.get(1)) {
        (Some((_, Layer::Embedding(e))), Some((_, Layer::Recurrent(r)))) => (e, r, None),
        (Some((_, Layer::Embedding(e))), Some((_, Layer::Bidirectional(b)))) => (
            e,
            &b.forward,
            Some("Bidirectional: the forward direction is shown".to_string()),
        ),
        _ => {
            return Err(LabError::input(
                "게이트 보기에는 Embedding 다음에 RNN 층이 있는 모델이 필요합니다",
                "the gate inspector needs an Embedding followed by an RNN layer",
            ));
        }
    };
    let positions: Vec<usize> = stages
        .padded
        .iter()
        .enumerate()
        .filter(|(_, id)| **id != 0)
        .map(|(i, _)| i)
        .collect();
    if positions.is_empty() {
        return Err(LabError::input(
            "이 문장의 어떤 토큰도 모델에 닿지 않습니다: 한국어 문장을 쓰세요",
            "no token of this sentence reaches the model: write a sentence in Korean",
        ));
    }
    let kept = positions.len();
    let tokens: Vec<String> = stages.tokens[stages.tokens.len() - kept..]
        .iter()
        .zip(&stages.sequence[stages.sequence.len() - kept..])
        .map(|(t, id)| if *id == 1 { format!("{t}?") } else { t.clone() })
        .collect();
    let ids: Vec<u32> = stages.padded.iter().map(|&i| i.max(0) as u32).collect();
    let ids = Tensor::from_vec(ids, (1, stages.padded.len()), &Device::Cpu)?;
    let xs = embedding.forward(&ids)?.squeeze(0)?; // [time, dim]
    let collected = step_through(rnn, &xs, &positions)?;
    let (names, values): (Vec<_>, Vec<_>) = collected.into_iter().unzip();
    // The most active units: largest spread of the state map over the sentence.
    let state = values.last().expect("the hidden state is always kept");
    let mut order: Vec<usize> = (0..rnn.units).collect();
    let spread = |u: usize| {
        let row = &state[u];
        let lo = row.iter().cloned().fold(f32::INFINITY, f32::min);
        let hi = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        (hi - lo) + row.iter().map(|v| v.abs()).sum::<f32>() / row.len() as f32
    };
    order.sort_by(|a, b| spread(*b).total_cmp(&spread(*a)));
    order.truncate(MAX_UNITS_SHOWN);
    let maps = names
        .into_iter()
        .zip(values)
        .map(|((name, is_gate), v)| GateMap {
            name: name.to_string(),
            values: order.iter().map(|&u| v[u].clone()).collect(),
            is_gate,
        })
        .collect();
    Ok(GateTrace {
        cell: rnn.kind.keras_name().to_string(),
        tokens,
        units: order,
        total_units: rnn.units,
        maps,
        probability: stages.probability,
        note,
    })
}

/// `(name, is_gate)` and `[unit][step]` values of each map, at the steps in `keep`.
type Maps = Vec<((&'static str, bool), Vec<Vec<f32>>)>;

fn step_through(rnn: &Recurrent, xs: &Tensor, keep: &[usize]) -> Result<Maps> {
    let names: Vec<(&'static str, bool)> = match rnn.kind {
        CellKind::Lstm => vec![
            ("입력 게이트 i (input)", true),
            ("망각 게이트 f (forget)", true),
            ("출력 게이트 o (output)", true),
            ("셀 상태 c (cell state)", false),
        ],
        CellKind::Gru => vec![
            ("업데이트 게이트 z (update)", true),
            ("리셋 게이트 r (reset)", true),
            ("은닉 상태 h (hidden state)", false),
        ],
        CellKind::SimpleRnn => vec![("은닉 상태 h (hidden state)", false)],
    };
    let mut columns: Vec<Vec<Tensor>> = vec![Vec::new(); names.len()];
    let mut state = rnn.zero_state(1, &Device::Cpu)?;
    for t in 0..xs.dim(0)? {
        let x = xs.narrow(0, t, 1)?;
        let (next, gates) = rnn.step(&x, &state)?;
        if keep.contains(&t) {
            let wanted: Vec<Tensor> = match rnn.kind {
                CellKind::Lstm => vec![
                    gates.input.clone(),
                    gates.forget.clone(),
                    gates.output.clone(),
                    gates.cell.clone(),
                ]
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    LabError::input(
                        "LSTM 단계에서 게이트 값을 잃었습니다",
                        "the LSTM step lost a gate",
                    )
                })?,
                CellKind::Gru => vec![gates.update.clone(), gates.reset.clone()]
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        LabError::input(
                            "GRU 단계에서 게이트 값을 잃었습니다",
                            "the GRU step lost a gate",
                        )
                    })?
                    .into_iter()
                    .chain([next.h.clone()])
                    .collect(),
                CellKind::SimpleRnn => vec![next.h.clone()],
            };
            for (col, g) in columns.iter_mut().zip(wanted) {
                col.push(g);
            }
        }
        state = next;
    }
    names
        .into_iter()
        .zip(columns)
        .map(|(name, col)| {
            // [steps, units] → [units][steps]
            let m = Tensor::cat(&col, 0)?.t()?.to_dtype(DType::F32)?;
            Ok((name, rows(&m)?))
        })
        .collect()
}
