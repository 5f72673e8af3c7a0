//! [`KerasError`]: what can go wrong with a Keras file, in English and Korean, each saying
//! what the user can do (below the readers and writers that return it).

/// What can go wrong with a Keras file; each says what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum KerasError {
    #[error(
        "not a Keras model file: {0}. Save the model in Colab with model.save('model.keras') (or tf-keras' model.save('model.h5')) and load that file"
    )]
    NotKeras(String),
    #[error(
        "{layer}: {what} is not something this playground computes, so it will not load a different model in its place"
    )]
    Unsupported { layer: String, what: String },
    #[error("the file's weights do not fit its config: {0}")]
    Mismatch(String),
    #[error("the file is damaged or cut short ({0}); save it again and load the new file")]
    Corrupt(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Model(String),
    #[error("{0}")]
    Io(String),
}

impl crate::i18n::Bilingual for KerasError {
    fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::new(self.message_ko(), self.to_string())
    }
}

impl KerasError {
    /// The message in Korean, for the page's Korean mode.
    pub fn message_ko(&self) -> String {
        match self {
            KerasError::NotKeras(why) => format!(
                "Keras 모델 파일이 아닙니다: {why}. Colab에서 model.save('model.keras')(또는 tf-keras의 model.save('model.h5'))로 저장한 파일을 불러오세요"
            ),
            KerasError::Unsupported { layer, what } => format!(
                "{layer}: {what}은(는) 이 플레이그라운드가 계산하지 않는 것이라, 다른 모델로 바꿔 불러오지 않습니다"
            ),
            KerasError::Mismatch(why) => format!("파일의 가중치가 설정과 맞지 않습니다: {why}"),
            KerasError::Corrupt(why) => {
                format!("파일이 손상되었거나 잘렸습니다({why}). 다시 저장해서 새 파일을 불러오세요")
            }
            KerasError::TooLarge(why) => format!("모델이 너무 큽니다: {why}"),
            KerasError::Model(why) => format!("모델을 불러올 수 없습니다: {why}"),
            KerasError::Io(why) => format!("파일을 읽거나 쓸 수 없습니다: {why}"),
        }
    }
}
