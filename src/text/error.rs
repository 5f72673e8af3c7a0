use thiserror::Error;

/// What can go wrong in the text pipeline, phrased so the user knows what to change.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TextError {
    /// Keras raises `ValueError: empty separator` for `split=''`.
    #[error(
        "the split string is empty: give at least one character to split words on (Keras' default is a space)"
    )]
    EmptySplit,
    /// `to_categorical` got a class index that does not fit `num_classes`.
    #[error(
        "label {label} is out of range for {num_classes} classes: raise num_classes or leave it unset"
    )]
    LabelOutOfRange { label: usize, num_classes: usize },
    /// A tokenizer JSON could not be read.
    #[error(
        "this is not a Keras tokenizer JSON ({reason}): export it with tokenizer.to_json() in Python"
    )]
    TokenizerJson { reason: String },
    /// The prefix samples of a text would not fit in memory (a very long line).
    #[error(
        "the prefix samples of this text would have {cells} cells (limit {limit}): split long lines into sentences, one per line"
    )]
    TooLarge { cells: usize, limit: usize },
    /// The page segments a bounded amount of text at once.
    #[error(
        "the text has {chars} characters; the page segments up to {limit} at once: use `rnn-playground segment FILE` for more"
    )]
    TooLongToSegment { chars: usize, limit: usize },
    /// `pad_sequences` was given a fill value it cannot store.
    #[error("the padding value {value} is not a finite number: use an integer such as 0")]
    BadPadValue { value: f64 },
}

impl crate::i18n::Bilingual for TextError {
    fn text(&self) -> crate::i18n::Text {
        let ko = match self {
            TextError::EmptySplit => "split 문자열이 비어 있습니다: 단어를 나눌 문자를 하나 이상 주세요 (Keras의 기본값은 공백)".to_string(),
            TextError::LabelOutOfRange { label, num_classes } => format!(
                "레이블 {label}은(는) 클래스 {num_classes}개의 범위를 벗어납니다: num_classes를 늘리거나 비워 두세요"
            ),
            TextError::TokenizerJson { reason } => format!(
                "Keras 토크나이저 JSON이 아닙니다 ({reason}): 파이썬에서 tokenizer.to_json()으로 내보내세요"
            ),
            TextError::TooLarge { cells, limit } => format!(
                "이 텍스트의 접두 샘플은 {cells}칸이 됩니다 (한도 {limit}): 긴 줄을 문장으로 나눠 한 줄에 하나씩 쓰세요"
            ),
            TextError::TooLongToSegment { chars, limit } => format!(
                "텍스트가 {chars}자입니다. 페이지는 한 번에 {limit}자까지 형태소로 나눕니다: 더 긴 텍스트는 `rnn-playground segment FILE`로 나누세요"
            ),
            TextError::BadPadValue { value } => format!(
                "패딩 값 {value}은(는) 유한한 수가 아닙니다: 0 같은 정수를 쓰세요"
            ),
        };
        crate::i18n::Text::new(ko, self.to_string())
    }
}
