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
    #[error(transparent)]
    Segment(#[from] crate::segment::SegmentError),
    #[error("cannot load the model: {0}")]
    Load(String),
}

impl NnError {
    /// The message in Korean, where there is one (the page shows the user's language).
    pub fn korean(&self) -> Option<String> {
        match self {
            NnError::Limit(e) => Some(e.korean()),
            NnError::NonFiniteLoss { epoch, batch, loss } => Some(format!(
                "학습을 멈췄습니다: epoch {epoch}, 배치 {batch}에서 loss가 {loss}이(가) 되었습니다 (기울기 폭발). \
                 가중치는 loss가 유한했던 마지막 배치의 것으로 되돌렸습니다: 학습률을 낮추거나 clipnorm을 쓰세요"
            )),
            NnError::Cancelled => Some("학습을 취소했습니다".into()),
            _ => None,
        }
    }

    /// "한국어 · English" when there is a Korean message (the page picks the user's half),
    /// else the English one.
    pub fn bilingual(&self) -> String {
        match self.korean() {
            Some(ko) => format!("{ko} · {self}"),
            None => self.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, NnError>;
