use thiserror::Error;

use crate::i18n::{Bilingual, Text};

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

impl Bilingual for NnError {
    fn text(&self) -> Text {
        let ko = match self {
            NnError::Candle(e) => format!("텐서 오류: {e}"),
            NnError::Shape {
                layer,
                expected,
                got,
            } => {
                format!("{layer}에는 {expected}이(가) 들어가야 하는데 {got:?} 모양이 들어왔습니다")
            }
            NnError::Config(why) => format!("설정이 잘못되었습니다: {why}"),
            NnError::NonFiniteLoss { epoch, batch, loss } => format!(
                "학습을 멈췄습니다: epoch {epoch}, 배치 {batch}에서 loss가 {loss}이(가) 되었습니다 (기울기 폭발). \
                 가중치는 loss가 유한했던 마지막 배치의 것으로 되돌렸습니다: 학습률을 낮추거나 clipnorm을 쓰세요"
            ),
            NnError::Cancelled => "학습을 취소했습니다".into(),
            NnError::Limit(e) => return e.text(),
            NnError::Segment(e) => return e.text(),
            NnError::Load(why) => format!("모델을 불러올 수 없습니다: {why}"),
        };
        Text::new(ko, self.to_string())
    }
}

pub type Result<T> = std::result::Result<T, NnError>;
