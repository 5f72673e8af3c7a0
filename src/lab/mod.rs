//! The concept labs of lectures 7 and 10, computed by the real layers of [`crate::nn`]:
//!
//! - [`stepper`]: a SimpleRNN on "hell" → "ello", one step of the recurrence at a time;
//! - [`cell`]: one LSTM or GRU cell stepped through a sentence, every gate's equation with its
//!   numbers, and gates pinned to 0 or 1;
//! - [`weather`]: lecture 7's menu that depends on the weather and on yesterday's dish;
//! - [`gradients`]: ‖∂h_T/∂h_t‖ of a vanilla RNN, an LSTM and a GRU by automatic differentiation;
//! - [`gates`]: the LSTM/GRU gates of a trained review classifier, token by token;
//! - [`embeddings`]: the "I am groot" table and a trained Embedding projected to 2-D;
//! - [`shapes`]: output shapes and `summary()` of a small stack of layers.
//!
//! Each lab is plain data in, plain (serde) data out, so the page only formats what it gets and
//! the worker can run the heavier ones ([`LabRequest`] → [`LabReply`]).
//!
//! ```
//! use rnn_playground::lab::stepper::{StepperConfig, StepperLab};
//!
//! let mut lab = StepperLab::new(&StepperConfig::default()).unwrap();
//! lab.train(300).unwrap();
//! assert_eq!(lab.view().unwrap().output, "ello");
//! ```

pub mod cell;
pub mod embeddings;
pub mod gates;
pub mod gradients;
pub mod shapes;
pub mod stepper;
pub mod weather;

use candle_core::{D, Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::nn::{
    Activation, CellKind, LayerConfig, Loss, NnError, Optimizer, OptimizerConfig, Sequential,
};
use crate::sentiment::SentimentModel;

/// What went wrong in a lab, in words a student can act on.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Nn(#[from] NnError),
}

impl From<candle_core::Error> for LabError {
    fn from(e: candle_core::Error) -> Self {
        LabError::Nn(NnError::from(e))
    }
}

pub type Result<T> = std::result::Result<T, LabError>;

/// A lab computation the page hands to the worker. Every number a lab page shows comes back
/// in a [`LabReply`]; the page itself only formats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LabRequest {
    /// Train the "hell" → "ello" stepper for `config.epochs` epochs (0: the untrained view).
    TrainStepper(stepper::StepperConfig),
    /// Train the weather → menu model.
    TrainWeather(weather::WeatherConfig),
    /// The trained weather model's menus for a typed week.
    WeatherWeek {
        model_file: Vec<u8>,
        yesterday: usize,
        week: String,
    },
    /// The gradient-norm curves for these settings.
    Gradients(gradients::GradientConfig),
    /// Output shapes and `summary()` of a stack.
    Shapes(#[serde(with = "json_text")] shapes::ShapesConfig),
    /// A sentence through the editable "I am groot" table.
    Lookup {
        table: Vec<(String, [f32; 2])>,
        sentence: String,
    },
    /// The gates of a loaded review classifier on a sentence.
    Gates { model: String, text: String },
    /// Lecture 10's cell, stepped (and trained when `epochs` > 0), with pinned gates.
    Cell(cell::CellConfig),
    /// A loaded classifier's Embedding in 2-D.
    Projection {
        model: String,
        fit: usize,
        show: usize,
        neighbours: usize,
    },
}

/// Layer configs are an internally tagged enum (`{"type": "Dense", …}`, as `model.json`
/// stores them), which bincode, the worker's wire format, cannot decode: they cross as JSON text.
mod json_text {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(value).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}

/// The worker's answer to a [`LabRequest`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LabReply {
    Stepper(stepper::StepperTraining),
    Weather(weather::WeatherTraining),
    Week(weather::WeekView),
    Gradients(gradients::GradientCurves),
    Shapes(shapes::ShapesView),
    Lookup(embeddings::Lookup),
    Gates(gates::GateTrace),
    Projection(embeddings::Projection),
    Cell(cell::CellView),
}

/// Run one request (in the worker, or natively in tests). `models` are the loaded review
/// classifiers by name, for the gate inspector and the projection.
pub fn run(request: &LabRequest, models: &[(String, SentimentModel)]) -> Result<LabReply> {
    let model = |name: &str| {
        models
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m)
            .ok_or_else(|| LabError::Input(format!("the model {name:?} is not loaded yet")))
    };
    Ok(match request {
        LabRequest::TrainStepper(config) => LabReply::Stepper(stepper::train(config)?),
        LabRequest::TrainWeather(config) => LabReply::Weather(weather::train(config)?),
        LabRequest::WeatherWeek {
            model_file,
            yesterday,
            week,
        } => {
            let days = weather::parse_week(week)?;
            LabReply::Week(weather::WeatherModel::from_file(model_file)?.week(*yesterday, &days)?)
        }
        LabRequest::Gradients(config) => LabReply::Gradients(gradients::curves(config)?),
        LabRequest::Shapes(config) => LabReply::Shapes(shapes::describe(config)?),
        LabRequest::Lookup { table, sentence } => {
            LabReply::Lookup(embeddings::lookup(table, sentence)?)
        }
        LabRequest::Gates { model: name, text } => {
            LabReply::Gates(gates::trace(model(name)?, text)?)
        }
        LabRequest::Cell(config) => LabReply::Cell(cell::run(config)?),
        LabRequest::Projection {
            model: name,
            fit,
            show,
            neighbours,
        } => LabReply::Projection(embeddings::project(model(name)?, *fit, *show, *neighbours)?),
    })
}

/// One-hot rows `[batch, time, width]` from class indices.
pub(crate) fn one_hot(rows: &[Vec<usize>], width: usize) -> Result<Tensor> {
    let time = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != time) {
        return Err(LabError::Input(
            "all sequences must have the same length".into(),
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
            return Err(LabError::Input(format!(
                "the learning rate must be a positive number, got {learning_rate}"
            )));
        }
        Ok(Self {
            optimizer: Optimizer::new(OptimizerConfig::adam(learning_rate)),
        })
    }

    /// One full-batch step on `x` `[batch, time, features]` and `targets` `[batch, time]`;
    /// returns the loss before the update.
    pub(crate) fn step(&mut self, model: &Sequential, x: &Tensor, targets: &Tensor) -> Result<f32> {
        let out = model.forward_with_logits(x)?;
        let logits = out
            .logits
            .ok_or_else(|| LabError::Input("the model must end in a softmax Dense".into()))?;
        let classes = logits.dim(D::Minus1)?;
        let loss = Loss::SparseCategoricalCrossentropy.compute(
            &targets.flatten_all()?,
            &logits.reshape(((), classes))?,
            true,
        )?;
        let value = loss.to_scalar::<f32>()?;
        if !value.is_finite() {
            return Err(LabError::Input(format!(
                "the loss became {value}: lower the learning rate and train again"
            )));
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
