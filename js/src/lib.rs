//! rnn-playground's core as an ES module, for a slide's own script or any other page.
//! `cargo xtask pkg` builds it into `pkg/` (wasm-bindgen `--target web`, with TypeScript
//! declarations and a README). The names are Keras' (`fit_on_texts`, `texts_to_sequences`,
//! `word_index`, `pad_sequences`), so code reads like the lecture's notebook.
//!
//! ```js
//! import init, { Tokenizer, pad_sequences } from "./pkg/rnn_playground.js";
//! await init();
//! const t = new Tokenizer();
//! t.fit_on_texts(["가는 말이 고와야 오는 말이 곱다"]);
//! pad_sequences(t.texts_to_sequences(["오는 말이 곱다"]), { maxlen: 5 }); // [[0, 0, 4, 1, 5]]
//! ```
#![cfg(target_arch = "wasm32")]

use gloo_utils::format::JsValueSerdeExt;
use js_sys::{Reflect, Uint8Array};
use rnn_playground::segment::Segmenter;
use rnn_playground::sentiment::SentimentModel;
use rnn_playground::text::{PadOptions, TokenizerConfig};
use rnn_playground::textgen::{Session, TextgenConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Keras' Tokenizer arguments; every field is optional (Keras' defaults). */
export interface TokenizerOptions {
  num_words?: number | null;
  filters?: string;
  lower?: boolean;
  split?: string;
  char_level?: boolean;
  oov_token?: string | null;
}
/** Keras' pad_sequences arguments. */
export interface PadOptions {
  maxlen?: number | null;
  padding?: "pre" | "post";
  truncating?: "pre" | "post";
  value?: number;
}
/** The text model's settings (lecture 8's defaults: SimpleRNN(32), embedding 10, Adam). */
export interface TextModelOptions {
  cell?: "SimpleRNN" | "LSTM" | "GRU";
  embedding_dim?: number;
  hidden?: number;
  batch_size?: number;
  optimizer?: "adam" | "rmsprop" | "sgd";
  learning_rate?: number;
  seed?: number;
  tokenizer?: TokenizerOptions;
}
/** One epoch's logs, as Keras' history holds them. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  samples_per_s: number;
  steps: number;
  seconds: number;
}
/** What each preprocessing stage made of one review. */
export interface Stages {
  clean: string;
  morphs: string[];
  tokens: string[];
  sequence: number[];
  padded: number[];
  probability: number;
}
"#;

fn error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// `undefined`/`null` → the type's defaults, else the object's fields over them.
fn options<T: serde::de::DeserializeOwned + Default>(value: &JsValue) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        value
            .into_serde()
            .map_err(|e| error(format!("bad options: {e}")))
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    JsValue::from_serde(value).map_err(error)
}

/// Keras' `Tokenizer`.
#[wasm_bindgen]
pub struct Tokenizer(rnn_playground::text::Tokenizer);

#[wasm_bindgen]
impl Tokenizer {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TokenizerOptions")] options_: JsValue,
    ) -> Result<Tokenizer, JsError> {
        let config: TokenizerConfig = options(&options_)?;
        Ok(Self(
            rnn_playground::text::Tokenizer::new(config).map_err(error)?,
        ))
    }

    /// A tokenizer saved by Keras' `tokenizer.to_json()` (or ours).
    pub fn from_json(json: &str) -> Result<Tokenizer, JsError> {
        Ok(Self(
            rnn_playground::text::Tokenizer::from_json(json).map_err(error)?,
        ))
    }

    pub fn fit_on_texts(&mut self, texts: Vec<String>) {
        self.0.fit_on_texts(&texts);
    }

    #[wasm_bindgen(unchecked_return_type = "number[][]")]
    pub fn texts_to_sequences(&self, texts: Vec<String>) -> Result<JsValue, JsError> {
        to_js(&self.0.texts_to_sequences(&texts))
    }

    /// Word → index, in index order (1 = the most frequent word, or the OOV token).
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, number>")]
    pub fn word_index(&self) -> Result<JsValue, JsError> {
        to_js(self.0.word_index())
    }

    /// Keras' `to_json()`, byte for byte.
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }
}

/// Keras' `pad_sequences`.
#[wasm_bindgen(unchecked_return_type = "number[][]")]
pub fn pad_sequences(
    #[wasm_bindgen(unchecked_param_type = "number[][]")] sequences: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PadOptions")] options_: JsValue,
) -> Result<JsValue, JsError> {
    let sequences: Vec<Vec<i64>> = sequences
        .into_serde()
        .map_err(|e| error(format!("sequences must be arrays of integers: {e}")))?;
    let options: PadOptions<i64> = options(&options_)?;
    to_js(&rnn_playground::text::pad_sequences(&sequences, &options))
}

/// Korean morphemes as Okt's `morphs` gives them (the text is cleaned to Hangul first), by
/// the shipped segmenter.
#[wasm_bindgen]
pub fn segment(text: &str) -> Vec<String> {
    Segmenter::shipped().segment(text)
}

/// GET `url` with the page's `fetch`.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, JsError> {
    let global = js_sys::global();
    let fetch: js_sys::Function = Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| error("this environment has no fetch"))?;
    let response = JsFuture::from(js_sys::Promise::from(
        fetch
            .call1(&global, &url.into())
            .map_err(|_| error("fetch failed"))?,
    ))
    .await
    .map_err(|_| error(format!("{url}: the request failed")))?;
    let ok = Reflect::get(&response, &"ok".into())
        .ok()
        .and_then(|v| v.as_bool());
    if ok != Some(true) {
        return Err(error(format!("{url}: not found or not allowed")));
    }
    let buffer: js_sys::Function = Reflect::get(&response, &"arrayBuffer".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| error("no arrayBuffer"))?;
    let buffer = JsFuture::from(js_sys::Promise::from(
        buffer
            .call0(&response)
            .map_err(|_| error("arrayBuffer failed"))?,
    ))
    .await
    .map_err(|_| error(format!("{url}: reading failed")))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A review classifier (lectures 9 and 11): a shipped model folder or one trained by the CLI.
#[wasm_bindgen]
pub struct SentimentClassifier(SentimentModel);

#[wasm_bindgen]
impl SentimentClassifier {
    /// Load `model.json` and `model.safetensors` from a folder URL (e.g.
    /// `"./models/lecture11-gru/"`).
    pub async fn load(folder_url: String) -> Result<SentimentClassifier, JsError> {
        let base = if folder_url.ends_with('/') {
            folder_url
        } else {
            format!("{folder_url}/")
        };
        let config = fetch_bytes(&format!("{base}model.json")).await?;
        let weights = fetch_bytes(&format!("{base}model.safetensors")).await?;
        let config = String::from_utf8(config).map_err(|_| error("model.json is not text"))?;
        Self::from_files(&config, &weights)
    }

    /// The two files' contents.
    pub fn from_files(config_json: &str, weights: &[u8]) -> Result<SentimentClassifier, JsError> {
        let (model, extras) =
            rnn_playground::nn::Sequential::from_files(config_json, weights).map_err(error)?;
        Ok(Self(
            SentimentModel::from_parts(model, extras).map_err(error)?,
        ))
    }

    /// Probability that `text` is positive (긍정).
    pub fn predict(&self, text: &str) -> Result<f32, JsError> {
        Ok(self.0.predict(&[text]).map_err(error)?[0])
    }

    /// The lecture's sentence: "99.95% 확률로 긍정 리뷰입니다."
    pub fn sentiment_predict(&self, text: &str) -> Result<String, JsError> {
        self.0.sentiment_predict(text).map_err(error)
    }

    /// Every preprocessing stage of `text`.
    #[wasm_bindgen(unchecked_return_type = "Stages")]
    pub fn stages(&self, text: &str) -> Result<JsValue, JsError> {
        to_js(&self.0.stages(text).map_err(error)?)
    }
}

/// Lecture 8's next-word model: build it on a text, train, generate.
#[wasm_bindgen]
pub struct TextModel(Session);

#[wasm_bindgen]
impl TextModel {
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "TextModelOptions")] options_: JsValue,
    ) -> Result<TextModel, JsError> {
        let config: TextgenConfig = options(&options_)?;
        Ok(Self(Session::new(text, &config).map_err(error)?))
    }

    /// Train `epochs` more epochs; the last epoch's logs. (Call it from a worker or in small
    /// steps for long runs: it blocks while it trains.)
    #[wasm_bindgen(unchecked_return_type = "EpochLogs | undefined")]
    pub fn train(&mut self, epochs: usize) -> Result<JsValue, JsError> {
        let mut last = None;
        for _ in 0..epochs {
            let mut epoch = None;
            while epoch.is_none() {
                epoch = self.0.run_batch().map_err(error)?;
            }
            last = epoch;
        }
        to_js(&last)
    }

    /// The lecture's `sentence_generation(model, tokenizer, seed_text, n)` (greedy).
    pub fn generate(&self, seed_text: &str, words: usize) -> Result<String, JsError> {
        self.0.sentence_generation(seed_text, words).map_err(error)
    }

    /// `model.summary()`.
    pub fn summary(&self) -> String {
        self.0.model.summary()
    }
}

/// A model in Keras' own files: `keras.saving.load_model` for a `.keras` (Keras 3) or `.h5`
/// (tf-keras) file's bytes, and `model.save('model.keras')` back.
///
/// ```js
/// const bytes = new Uint8Array(await (await fetch("best_model.keras")).arrayBuffer());
/// const model = new KerasModel(bytes, tokenizerJson);   // tokenizer.to_json(), or undefined
/// model.summary();            // Keras 3's table
/// model.predict([0, 0, 12, 5]); // model.predict(np.array([ids]))[0], e.g. [0.93]
/// const again = model.save(); // a .keras file's bytes
/// ```
#[wasm_bindgen]
pub struct KerasModel(rnn_playground::keras::Picked);

#[wasm_bindgen]
impl KerasModel {
    /// Read a `.keras`, `.h5` or playground `.safetensors` file, with the tokenizer's JSON
    /// (`tokenizer.to_json()`) when there is one.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], tokenizer_json: Option<String>) -> Result<KerasModel, JsError> {
        let mut files = vec![("model".to_string(), bytes.to_vec())];
        if let Some(t) = tokenizer_json {
            files.push(("tokenizer.json".to_string(), t.into_bytes()));
        }
        Ok(Self(
            rnn_playground::keras::read_picked(&files).map_err(error)?,
        ))
    }

    /// Keras 3's `model.summary()`, as Colab prints it after `load_model`.
    pub fn summary(&self) -> String {
        self.0.summary()
    }

    /// `model.predict(np.array([ids]))[0]`: nested arrays of numbers.
    pub fn predict(&self, ids: Vec<u32>) -> Result<JsValue, JsError> {
        to_js(&rnn_playground::keras::predict_one(&self.0.model, &ids).map_err(error)?)
    }

    /// `model.save('model.keras')`: the bytes of Keras 3's file (its compile config included
    /// when it came with one).
    pub fn save(&self) -> Result<Uint8Array, JsError> {
        let now = (js_sys::Date::now() / 1000.0).max(0.0) as u64;
        let bytes = rnn_playground::keras::write_keras(
            &self.0.model,
            &self.0.extras,
            &rnn_playground::keras::date_saved(now),
        )
        .map_err(error)?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }

    /// The tokenizer's JSON (`tokenizer.to_json()`), when the model has one.
    pub fn tokenizer_json(&self) -> Option<String> {
        self.0.extras.tokenizer.clone()
    }

    /// The playground's own model file (safetensors with model.json inside).
    pub fn to_playground_file(&self) -> Result<Uint8Array, JsError> {
        let bytes = self.0.model.to_single_file(&self.0.extras).map_err(error)?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }
}
