use thiserror::Error;

/// What can go wrong in the neural-network core, phrased so the user knows what to change.
#[derive(Debug, Error)]
pub enum NnError {
    /// An error from candle (shapes, dtypes) that a layer did not anticipate.
    #[error("tensor error: {0}")]
    Candle(#[from] candle_core::Error),
    /// A layer got an input of the wrong shape.
    #[error("{layer} expects {expected}, got shape {got:?}")]
    Shape {
        layer: String,
        expected: String,
        got: Vec<usize>,
    },
    /// A configuration value Keras would also reject.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The loss became NaN or infinite (Keras' `TerminateOnNaN`).
    #[error(
        "training stopped: the loss became {loss} at epoch {epoch}, batch {batch} (exploding gradients); the weights are back to those of the last batch with a finite loss: lower the learning rate or set clipnorm"
    )]
    NonFiniteLoss {
        epoch: usize,
        batch: usize,
        loss: f32,
    },
    /// Training was cancelled between two batches.
    #[error("training was cancelled")]
    Cancelled,
    /// A request over one of the playground's [`crate::limits`].
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitError),
    /// A weights file or model folder could not be used.
    #[error("cannot load the model: {0}")]
    Load(String),
}

pub type Result<T> = std::result::Result<T, NnError>;
