//! Bounds on what a user can ask for, so that a pasted novel or a slider pushed to the end
//! gives a message instead of a frozen tab or an out-of-memory crash. The page, the worker and
//! the CLI check the same numbers; each limit is well above what the lecture uses.
//!
//! ```
//! use rnn_playground::limits::{self, Limit};
//!
//! assert!(limits::check(Limit::HiddenUnits, 128).is_ok());
//! let err = limits::check(Limit::HiddenUnits, 100_000).unwrap_err();
//! assert!(err.to_string().contains("at most 1024"));
//! ```

use thiserror::Error;

/// Something the playground bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Bytes of text in one corpus or review file (the studio's text, a retraining file, the
    /// tokenizer panel's input).
    CorpusBytes,
    /// Bytes of a review file to retrain on in the page (the full 200k-review shopping file
    /// fits).
    ReviewFileBytes,
    /// Words in a vocabulary that becomes a layer (the studio's softmax over every word).
    Vocabulary,
    /// Tokens in one padded sequence (`maxlen`, the longest line).
    SequenceLength,
    /// Units of a recurrent layer.
    HiddenUnits,
    /// Size of an embedding vector.
    EmbeddingDim,
    Epochs,
    BatchSize,
    /// Parameters of a model trained in the page.
    Parameters,
}

impl Limit {
    /// The largest value allowed.
    pub const fn max(self) -> usize {
        match self {
            Limit::CorpusBytes => 1_000_000,
            Limit::ReviewFileBytes => 64_000_000,
            Limit::Vocabulary => 20_000,
            Limit::SequenceLength => 1_000,
            Limit::HiddenUnits => 1024,
            Limit::EmbeddingDim => 512,
            Limit::Epochs => 100_000,
            Limit::BatchSize => 4096,
            Limit::Parameters => 20_000_000,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::CorpusBytes => "the text",
            Limit::ReviewFileBytes => "the review file",
            Limit::Vocabulary => "the vocabulary",
            Limit::SequenceLength => "a sequence",
            Limit::HiddenUnits => "hidden units",
            Limit::EmbeddingDim => "the embedding size",
            Limit::Epochs => "epochs",
            Limit::BatchSize => "batch_size",
            Limit::Parameters => "the model",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Limit::CorpusBytes | Limit::ReviewFileBytes => " bytes",
            Limit::Vocabulary => " words",
            Limit::SequenceLength => " tokens",
            Limit::Parameters => " parameters",
            _ => "",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            Limit::CorpusBytes => "use a shorter text or a sample of the file",
            Limit::ReviewFileBytes => "use a sample of the file, or train with the CLI",
            Limit::Vocabulary => "set num_words or use a smaller text",
            Limit::SequenceLength => "split long lines into sentences or set maxlen",
            Limit::HiddenUnits | Limit::EmbeddingDim | Limit::Parameters => {
                "choose a smaller model"
            }
            Limit::Epochs => "train fewer epochs (training can be resumed)",
            Limit::BatchSize => "choose a smaller batch size",
        }
    }
}

/// A value over its [`Limit`], with what the user can do about it.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{} is {value}{} (at most {}{}): {}", .limit.what(), .limit.unit(), .limit.max(), .limit.unit(), .limit.advice())]
pub struct LimitError {
    pub limit: Limit,
    pub value: usize,
}

impl LimitError {
    /// The message in Korean (the page shows it when the page is in Korean).
    pub fn korean(&self) -> String {
        let (what, unit, advice) = match self.limit {
            Limit::CorpusBytes => ("텍스트", "바이트", "더 짧은 텍스트나 파일의 일부를 쓰세요"),
            Limit::ReviewFileBytes => (
                "리뷰 파일",
                "바이트",
                "파일의 일부를 쓰거나 명령줄(CLI)로 학습하세요",
            ),
            Limit::Vocabulary => (
                "어휘",
                "단어",
                "num_words를 정하거나 더 작은 텍스트를 쓰세요",
            ),
            Limit::SequenceLength => (
                "시퀀스",
                "토큰",
                "긴 줄을 문장으로 나누거나 maxlen을 정하세요",
            ),
            Limit::HiddenUnits => ("은닉 유닛", "개", "더 작은 모델을 고르세요"),
            Limit::EmbeddingDim => ("임베딩 크기", "", "더 작은 모델을 고르세요"),
            Limit::Epochs => (
                "epochs",
                "",
                "더 적게 학습하세요 (이어서 학습할 수 있습니다)",
            ),
            Limit::BatchSize => ("batch_size", "", "더 작은 배치 크기를 고르세요"),
            Limit::Parameters => ("모델", "개 파라미터", "더 작은 모델을 고르세요"),
        };
        format!(
            "{what}: {}{unit} (최대 {}{unit}): {advice}",
            self.value,
            self.limit.max()
        )
    }
}

impl crate::i18n::Bilingual for LimitError {
    fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::new(self.korean(), self.to_string())
    }
}

/// `Ok` when every value is within its limit (the first one over is the error).
pub fn check_all(values: &[(Limit, usize)]) -> Result<(), LimitError> {
    values
        .iter()
        .try_for_each(|&(limit, value)| check(limit, value))
}

/// `Ok` when `value` is within `limit`.
pub fn check(limit: Limit, value: usize) -> Result<(), LimitError> {
    if value > limit.max() {
        Err(LimitError { limit, value })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_value_the_limit_and_a_way_out() {
        assert_eq!(check(Limit::Epochs, 10_000), Ok(()));
        let err = check(Limit::CorpusBytes, 2_500_000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the text is 2500000 bytes (at most 1000000 bytes): use a shorter text or a sample of the file"
        );
        assert_eq!(
            err.korean(),
            "텍스트: 2500000바이트 (최대 1000000바이트): 더 짧은 텍스트나 파일의 일부를 쓰세요"
        );
        use crate::i18n::Bilingual;
        let text = err.text();
        assert!(text.ko.starts_with("텍스트: 2500000바이트"));
        assert_eq!(
            text.en,
            "the text is 2500000 bytes (at most 1000000 bytes): use a shorter text or a sample of the file"
        );
        assert_eq!(
            check_all(&[(Limit::Epochs, 5), (Limit::BatchSize, 32)]),
            Ok(())
        );
        assert_eq!(
            check_all(&[
                (Limit::Epochs, 5),
                (Limit::BatchSize, 5000),
                (Limit::HiddenUnits, 5000)
            ])
            .unwrap_err()
            .limit,
            Limit::BatchSize,
            "the first value over its limit"
        );
        let err = check(Limit::HiddenUnits, 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "hidden units is 4096 (at most 1024): choose a smaller model"
        );
    }
}
