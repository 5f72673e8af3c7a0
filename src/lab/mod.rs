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
mod common;
pub mod embeddings;
pub mod gates;
pub mod gradients;
pub mod shapes;
pub mod stepper;
pub mod weather;

use serde::{Deserialize, Serialize};

use crate::sentiment::SentimentModel;

pub use common::{LabError, Result};
pub(crate) use common::{SequenceTrainer, many_to_many, one_hot, rows, vector};

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
pub fn run(request: &LabRequest, models: &[(&str, &SentimentModel)]) -> Result<LabReply> {
    let model = |name: &str| {
        models
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
            .ok_or_else(|| {
                LabError::input(
                    format!("모델 {name:?}을(를) 아직 불러오지 않았습니다"),
                    format!("the model {name:?} is not loaded yet"),
                )
            })
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
