//! Text the user reads, in both of the page's languages, as data: a [`Text`] holds a Korean and
//! an English version side by side, from the core's errors through the worker's messages to the
//! page, which shows the one for its language. Nothing is split at run time.
//!
//! Korean comes first, as the lecture is Korean. Figures and names (`maxlen`, `GRU`, a file
//! name) appear in both.
//!
//! ```
//! use rnn_playground::i18n::{Bilingual, Lang, Text};
//! use rnn_playground::limits::{check, Limit};
//!
//! let hint = Text::new("학습", "train");
//! assert_eq!(hint.get(Lang::En), "train");
//!
//! let too_many = check(Limit::Epochs, Limit::Epochs.max() + 1).unwrap_err();
//! assert!(too_many.text().get(Lang::Ko).contains("이어서 학습할 수 있습니다"));
//! assert!(too_many.text().get(Lang::En).starts_with("epochs is"));
//! ```

use serde::{Deserialize, Serialize};

/// The page's two languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// `ko` or `en` (the `lang` attribute and the `lang=` link parameter).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The language of a code that starts with `ko` or `en` (`en-US` too).
    pub fn from_code(code: &str) -> Option<Self> {
        match code.get(..2)? {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A text in Korean and in English.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    pub ko: String,
    pub en: String,
}

impl Text {
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ko: ko.into(),
            en: en.into(),
        }
    }

    /// A text that reads the same in both languages (a number, a file name, Keras' output).
    pub fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Text {
            ko: text.clone(),
            en: text,
        }
    }

    /// The version for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }

    /// Both versions with `prefix` before them (a context: "model.json: ").
    pub fn prefixed(&self, ko: &str, en: &str) -> Text {
        Text::new(format!("{ko}{}", self.ko), format!("{en}{}", self.en))
    }
}

/// What speaks to the user in both languages: every error the page can show says what went
/// wrong and what to do, in Korean and in English. (`Display` stays the English one, for the
/// command line and logs.)
pub trait Bilingual {
    fn text(&self) -> Text;
}

/// Whether `s` has Hangul syllables or jamo (the i18n tests' test of a Korean version).
pub fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| {
        ('가'..='힣').contains(&c) || ('ㄱ'..='ㆎ').contains(&c) || ('ᄀ'..='ᇿ').contains(&c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_gives_each_language_its_version() {
        let t = Text::new("불러오기", "load");
        assert_eq!(t.get(Lang::Ko), "불러오기");
        assert_eq!(t.get(Lang::En), "load");
        assert_eq!(Text::same("GRU").get(Lang::Ko), "GRU");
        assert_eq!(
            t.prefixed("모델: ", "model: "),
            Text::new("모델: 불러오기", "model: load")
        );
        assert_eq!(Lang::from_code("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert!(has_hangul("a 가") && !has_hangul("GRU (None, 60)"));
    }
}
