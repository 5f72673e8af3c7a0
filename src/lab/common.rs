//! What every lab shares, below the labs that use it: [`LabError`], and the small models,
//! trainer and tensor helpers of the stepper and weather labs.

use candle_core::{D, Device, Tensor};

use crate::i18n::{Bilingual, Text};
use crate::nn::{
    Activation, CellKind, LayerConfig, Loss, NnError, Optimizer, OptimizerConfig, Sequential,
};

/// What went wrong in a lab, in words a student can act on.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// A setting or an input the lab cannot use (English in `Display`).
    #[error("{}", .0.en)]
    Input(Text),
    #[error(transparent)]
    Nn(#[from] NnError),
}

impl LabError {
    /// [`LabError::Input`] with its Korean and English message.
    pub fn input(ko: impl Into<String>, en: impl Into<String>) -> Self {
        LabError::Input(Text::new(ko, en))
    }
}

impl Bilingual for LabError {
    fn text(&self) -> Text {
        match self {
            LabError::Input(text) => text.clone(),
            LabError::Nn(e) => e.text(),
        }
    }
}

impl From<candle_core::Error> for LabError {
    fn from(e: candle_core::Error) -> Self {
        LabError::Nn(NnError::from(e))
    }
}

pub type Result<T> = std::result::Result<T, LabError>;

/// One-hot rows `[batch, time, width]` from class indices.
pub(crate) fn one_hot(rows: &[Vec<usize>], width: usize) -> Result<Tensor> {
    let time = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != time) {
        return Err(LabError::input(
            "모든 시퀀스의 길이가 같아야 합니다",
            "all sequences must have the same length",
        ));
    }
    let mut data = vec![0f32; rows.len() * time * width];
    for (b, row) in rows.iter().enumerate() {
        for (t, &c) in row.iter().enumerate() {
            if c < width {
                data[(b * time + t) * width + c] = 1.0;
            }
        }
    }
    Ok(Tensor::from_vec(
        data,
        (rows.len(), time, width),
        &Device::Cpu,
    )?)
}

/// `SimpleRNN(units, return_sequences=True)` → `TimeDistributed(Dense(classes, softmax))` on
/// float inputs of `width` features: the stepper's and the weather lab's model.
pub(crate) fn many_to_many(
    units: usize,
    width: usize,
    classes: usize,
    time: Option<usize>,
    seed: u64,
) -> Result<Sequential> {
    let layers = [
        LayerConfig::Recurrent {
            cell: CellKind::SimpleRnn,
            units,
            return_sequences: true,
            go_backwards: false,
            reset_after: true,
            use_bias: true,
        },
        LayerConfig::TimeDistributed {
            units: classes,
            activation: Activation::Softmax,
        },
    ];
    Ok(Sequential::from_config_with_input(
        &layers,
        time,
        Some(width),
        seed,
    )?)
}

/// A many-to-many classifier trained step by step: the loss is the sparse categorical
/// cross-entropy of every step's softmax (a `TimeDistributed(Dense)` after the RNN).
pub(crate) struct SequenceTrainer {
    optimizer: Optimizer,
}

impl SequenceTrainer {
    pub(crate) fn adam(learning_rate: f32) -> Result<Self> {
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(LabError::input(
                format!("학습률은 양수여야 합니다 (받은 값 {learning_rate})"),
                format!("the learning rate must be a positive number, got {learning_rate}"),
            ));
        }
        Ok(Self {
            optimizer: Optimizer::new(OptimizerConfig::adam(learning_rate)),
        })
    }

    /// One full-batch step on `x` `[batch, time, features]` and `targets` `[batch, time]`;
    /// returns the loss before the update.
    pub(crate) fn step(&mut self, model: &Sequential, x: &Tensor, targets: &Tensor) -> Result<f32> {
        let out = model.forward_with_logits(x)?;
        let logits = out.logits.ok_or_else(|| {
            LabError::input(
                "모델은 softmax Dense로 끝나야 합니다",
                "the model must end in a softmax Dense",
            )
        })?;
        let classes = logits.dim(D::Minus1)?;
        let loss = Loss::SparseCategoricalCrossentropy.compute(
            &targets.flatten_all()?,
            &logits.reshape(((), classes))?,
            true,
        )?;
        let value = loss.to_scalar::<f32>()?;
        if !value.is_finite() {
            return Err(LabError::input(
                format!("loss가 {value}이(가) 되었습니다: 학습률을 낮추고 다시 학습하세요"),
                format!("the loss became {value}: lower the learning rate and train again"),
            ));
        }
        let grads = loss.backward()?;
        self.optimizer.step(&model.trainable_variables(), &grads)?;
        Ok(value)
    }
}

/// `[rows, cols]` tensor → nested rows (for the views).
pub(crate) fn rows(t: &Tensor) -> Result<Vec<Vec<f32>>> {
    Ok(t.to_dtype(candle_core::DType::F32)?.to_vec2::<f32>()?)
}

/// First row of a `[1, n]` (or `[n]`) tensor.
pub(crate) fn vector(t: &Tensor) -> Result<Vec<f32>> {
    Ok(t.flatten_all()?.to_vec1::<f32>()?)
}
