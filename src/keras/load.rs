//! A Keras model put to use: the files a student picked (a Keras file with its tokenizer JSON),
//! [`load_model`] from a path as the CLI takes it, and `model.predict` on one sequence.

use serde_json::Value;

use super::{Imported, KerasError, is_keras_file, read, read_weights_h5, write_keras};
use crate::nn::{LayerConfig, ModelExtras, Sequential, SummaryOptions};

/// Keras' `model.predict(np.array([ids]))[0]` for one padded sequence of token ids, as nested
/// JSON arrays (`[0.93]`; a distribution; one list per step after `return_sequences`). The ids
/// must be the model's (below the Embedding's `input_dim`) and as many as it was built for.
pub fn predict_one(model: &Sequential, ids: &[u32]) -> Result<Value, KerasError> {
    let vocab = match model.configs().first() {
        Some(LayerConfig::Embedding { input_dim, .. }) => *input_dim,
        _ => {
            return Err(KerasError::Model(
                "this model takes float features, not token ids".into(),
            ));
        }
    };
    if ids.is_empty() {
        return Err(KerasError::Model("an empty sequence".into()));
    }
    if let Some(bad) = ids.iter().find(|&&id| id as usize >= vocab) {
        return Err(KerasError::Model(format!(
            "{bad} is not a token id of this model (integers 0..{})",
            vocab - 1
        )));
    }
    if let Some(t) = model.input_length
        && ids.len() != t
    {
        return Err(KerasError::Model(format!(
            "{} ids, but the model was built for sequences of {t} (pad them with pad_sequences(maxlen={t}))",
            ids.len()
        )));
    }
    let err = |e: candle_core::Error| KerasError::Model(e.to_string());
    let x = candle_core::Tensor::from_vec(ids.to_vec(), (1, ids.len()), &candle_core::Device::Cpu)
        .map_err(err)?;
    let y = model
        .forward(&x)
        .map_err(|e| KerasError::Model(e.to_string()))?;
    let dims = y.dims()[1..].to_vec();
    let values = y
        .flatten_all()
        .and_then(|y| y.to_vec1::<f32>())
        .map_err(err)?;
    fn nested(values: &[f32], dims: &[usize]) -> Value {
        match dims {
            [] | [_] => Value::Array(values.iter().map(|v| Value::from(f64::from(*v))).collect()),
            [_, rest @ ..] => {
                let step: usize = rest.iter().product();
                Value::Array(
                    values
                        .chunks(step.max(1))
                        .map(|c| nested(c, rest))
                        .collect(),
                )
            }
        }
    }
    Ok(nested(&values, &dims))
}

/// A model read from files a user picked or dropped together (the page has no folders): one
/// model file (`.keras`, `.h5`, `.weights.h5`, or the playground's `.safetensors`), and
/// optionally JSON beside it: the tokenizer (`tokenizer.to_json()`) or, for a `.weights.h5`,
/// the model's config (`model.to_json()`).
pub struct Picked {
    pub model: Sequential,
    pub extras: ModelExtras,
    /// What Keras' summary adds after `load_model` ([`Imported::summary`]).
    pub summary_options: SummaryOptions,
    /// The model file's name.
    pub name: String,
}

impl Picked {
    /// Keras 3's summary of the model as loaded.
    pub fn summary(&self) -> String {
        self.model.summary_with(&self.summary_options)
    }
}

/// Read files picked together; see [`Picked`].
pub fn read_picked(files: &[(String, Vec<u8>)]) -> Result<Picked, KerasError> {
    let is_json = |b: &[u8]| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{');
    let mut model_files = files.iter().filter(|(_, b)| !is_json(b));
    let (name, bytes) = model_files.next().ok_or_else(|| {
        KerasError::NotKeras("no model file among the files (.keras, .h5 or .safetensors)".into())
    })?;
    if let Some((other, _)) = model_files.next() {
        return Err(KerasError::NotKeras(format!(
            "two model files ({name} and {other}): load one model at a time"
        )));
    }
    let mut tokenizer = None;
    let mut config = None;
    for (n, b) in files.iter().filter(|(_, b)| is_json(b)) {
        let text = std::str::from_utf8(b)
            .map_err(|_| KerasError::NotKeras(format!("{n} is not UTF-8 text")))?;
        let v: Value = serde_json::from_str(text)
            .map_err(|e| KerasError::NotKeras(format!("{n} is not JSON ({e})")))?;
        match v.get("class_name").and_then(Value::as_str) {
            Some("Tokenizer") => tokenizer = Some(text.to_string()),
            Some("Sequential") | Some("Functional") | Some("Model") => {
                config = Some(text.to_string())
            }
            _ => {
                return Err(KerasError::NotKeras(format!(
                    "{n} is neither a tokenizer (tokenizer.to_json()) nor a model config (model.to_json())"
                )));
            }
        }
    }
    let build =
        |imported: Imported| -> Result<(Sequential, ModelExtras, SummaryOptions), KerasError> {
            let (m, e) = imported.build()?;
            Ok((m, e, imported.summary.clone()))
        };
    let (model, mut extras, summary_options) = if let Some(config) = &config {
        build(read_weights_h5(config, bytes.clone())?)?
    } else if is_keras_file(bytes) {
        if hdf5_pure::is_hdf5_bytes(bytes) && name.ends_with(".weights.h5") {
            return Err(KerasError::NotKeras(format!(
                "{name} holds weights only: load it together with the model's JSON (model.to_json())"
            )));
        }
        build(read(bytes, name)?)?
    } else {
        let (m, e) =
            Sequential::from_single_file(bytes).map_err(|e| KerasError::Model(e.to_string()))?;
        (m, e, SummaryOptions::default())
    };
    if let Some(tok) = tokenizer {
        attach_tokenizer(&model, &mut extras, &tok)?;
    }
    Ok(Picked {
        model,
        extras,
        summary_options,
        name: name.clone(),
    })
}

/// A playground model file (what the page saves: safetensors with `model.json` inside) as
/// Keras 3's `.keras` file, and its tokenizer's JSON when it has one.
pub fn keras_from_single_file(
    bytes: &[u8],
    date_saved: &str,
) -> Result<(Vec<u8>, Option<String>), KerasError> {
    let (model, extras) =
        Sequential::from_single_file(bytes).map_err(|e| KerasError::Model(e.to_string()))?;
    let keras = write_keras(&model, &extras, date_saved)?;
    Ok((keras, extras.tokenizer))
}

/// Give a model read from a Keras file the tokenizer it was trained with
/// (`tokenizer.to_json()`), and what the playground's text models need beside it, taken from
/// the model as the lecture builds them: a `Dense(1, sigmoid)` head is lecture 11's review
/// classifier (Okt morphemes, its stopwords, `pad_sequences(maxlen=input length)`), a softmax
/// over the tokenizer's words is lecture 8's next-word model.
pub fn attach_tokenizer(
    model: &Sequential,
    extras: &mut ModelExtras,
    tokenizer_json: &str,
) -> Result<(), KerasError> {
    let tokenizer = crate::text::Tokenizer::from_json(tokenizer_json)
        .map_err(|e| KerasError::NotKeras(format!("the tokenizer JSON cannot be read ({e})")))?;
    extras.tokenizer = Some(tokenizer_json.to_string());
    let p = &mut extras.preprocessing;
    if p.contains_key("task") {
        return Ok(());
    }
    let maxlen = model.input_length;
    match model.configs().last() {
        Some(LayerConfig::Dense {
            units: 1,
            activation: crate::nn::Activation::Sigmoid,
            ..
        }) => {
            let maxlen = maxlen.ok_or_else(|| {
                KerasError::NotKeras("a review classifier needs its input length (build the model with keras.Input(shape=(max_len,)))".into())
            })?;
            p.insert("task".into(), "sentiment".into());
            p.insert("maxlen".into(), maxlen.into());
            p.insert("padding".into(), "pre".into());
            p.insert(
                "stopwords".into(),
                serde_json::to_value(crate::text::korean::LECTURE_STOPWORDS).expect("json"),
            );
        }
        Some(LayerConfig::Dense {
            units,
            activation: crate::nn::Activation::Softmax,
            ..
        }) if *units == tokenizer.vocab_size() => {
            p.insert("task".into(), "next_word".into());
            if let Some(m) = maxlen {
                p.insert("maxlen".into(), m.into());
            }
            p.insert("padding".into(), "pre".into());
        }
        _ => {}
    }
    Ok(())
}

/// The model at `path`, whatever it is: a model folder (`model.json` + `model.safetensors`),
/// one `.safetensors` file, a Keras `.keras` or `.h5` file, or a `.weights.h5` with the
/// model's JSON beside it (`NAME.json` or `config.json`). A Keras file's tokenizer is read
/// from `NAME.tokenizer.json` or `tokenizer.json` beside it, when there is one. Returns the
/// optimizer's stored values too, for the summary.
pub fn load_model(
    path: &std::path::Path,
) -> Result<(Sequential, ModelExtras, SummaryOptions), KerasError> {
    let (model, mut extras, optimizer) = load_model_alone(path)?;
    if extras.tokenizer.is_none() && path.is_file() {
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = [".weights.h5", ".keras", ".h5", ".safetensors"]
            .iter()
            .find_map(|ext| file_name.strip_suffix(ext))
            .unwrap_or(file_name);
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        if let Some(tok) = [format!("{stem}.tokenizer.json"), "tokenizer.json".into()]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            let json = std::fs::read_to_string(&tok)
                .map_err(|e| KerasError::Io(format!("cannot read {}: {e}", tok.display())))?;
            attach_tokenizer(&model, &mut extras, &json)?;
        }
    }
    Ok((model, extras, optimizer))
}

pub(super) fn load_model_alone(
    path: &std::path::Path,
) -> Result<(Sequential, ModelExtras, SummaryOptions), KerasError> {
    let name = path.display().to_string();
    if path.is_dir() {
        let (m, e) = Sequential::load(path).map_err(|e| KerasError::Model(e.to_string()))?;
        return Ok((m, e, SummaryOptions::default()));
    }
    let bytes =
        std::fs::read(path).map_err(|e| KerasError::Io(format!("cannot read {name}: {e}")))?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if file_name.ends_with(".weights.h5") {
        let stem = file_name.trim_end_matches(".weights.h5");
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let config = [format!("{stem}.json"), "config.json".to_string()]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                KerasError::NotKeras(format!(
                    "{name} holds weights only: put the model's JSON (model.to_json()) beside it as {stem}.json"
                ))
            })?;
        let json = std::fs::read_to_string(&config)
            .map_err(|e| KerasError::Io(format!("cannot read {}: {e}", config.display())))?;
        let imported = read_weights_h5(&json, bytes)?;
        let (m, e) = imported.build()?;
        return Ok((m, e, imported.summary.clone()));
    }
    if is_keras_file(&bytes) {
        let imported = read(&bytes, &name)?;
        let (m, e) = imported.build()?;
        return Ok((m, e, imported.summary.clone()));
    }
    let (m, e) =
        Sequential::from_single_file(&bytes).map_err(|e| KerasError::Model(e.to_string()))?;
    Ok((m, e, SummaryOptions::default()))
}
