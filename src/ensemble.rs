//! An ensemble of review classifiers: the weighted mean of the members' logits,
//! `p = σ(Σ wᵢ · logit(pᵢ))` with `Σ wᵢ = 1`. The shipped best model averages a bidirectional
//! GRU (which reads word order) and the linear baseline (which reads syllable n-grams of words
//! the GRU's vocabulary does not hold): they err on different reviews, so their mean errs less
//! than either.
//!
//! On disk an ensemble is one model folder, as every other model: `model.json` holds
//! `{"task": "sentiment", "kind": "ensemble", "members": [{"name", "weight", "config"}]}` with
//! each member's own `model.json` as `config` (its tokenizer without Keras' redundant
//! `index_word`), and `model.safetensors` holds every
//! member's tensors under `name/`. So the page downloads the same two files for it.
//!
//! ```
//! use rnn_playground::ensemble::combine_logits;
//! // Two members: 0.9 and 0.4 with weights ½ and ½ → σ((ln 9 + ln ⅔) / 2).
//! let p = combine_logits(&[(0.5, 0.9), (0.5, 0.4)]);
//! assert!((p - 0.7101).abs() < 1e-4);
//! ```

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::linear::LinearSentiment;
use crate::nn::{NnError, Result, Sequential};
use crate::sentiment::{SentimentModel, Stages, TextUnits};
use crate::text::Tokenizer;

/// Probabilities are clamped to [ε, 1 − ε] before the logit, so a member that is sure
/// (p = 1.0 in float32) cannot outvote the others by an infinite logit.
/// (In float64: 1 − 10⁻⁶ is not exact in float32, and a sure "yes" and a sure "no" must
/// cancel.)
const PROBABILITY_EPSILON: f64 = 1e-6;

fn logit(p: f32) -> f64 {
    let p = (p as f64).clamp(PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON);
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f64) -> f32 {
    (1.0 / (1.0 + (-z).exp())) as f32
}

/// `σ(Σ wᵢ · logit(pᵢ))` for `(weight, probability)` pairs.
pub fn combine_logits(members: &[(f32, f32)]) -> f32 {
    sigmoid(members.iter().map(|&(w, p)| w as f64 * logit(p)).sum())
}

/// One member model.
#[derive(Debug)]
pub enum MemberModel {
    Rnn(Box<SentimentModel>),
    Linear(LinearSentiment),
}

impl MemberModel {
    fn predict<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<f32>> {
        match self {
            Self::Rnn(m) => m.predict(texts),
            Self::Linear(m) => m.predict(texts),
        }
    }

    fn from_files(config_json: &str, weights: &[u8]) -> Result<Self> {
        if LinearSentiment::is_linear(config_json) {
            return Ok(Self::Linear(LinearSentiment::from_files(
                config_json,
                weights,
            )?));
        }
        let (model, extras) = Sequential::from_files(config_json, weights)?;
        Ok(Self::Rnn(Box::new(SentimentModel::from_parts(
            model, extras,
        )?)))
    }
}

/// A member: its name (the folder it came from), weight and model.
#[derive(Debug)]
pub struct Member {
    pub name: String,
    pub weight: f32,
    pub model: MemberModel,
}

/// The weighted logit mean of its members.
#[derive(Debug)]
pub struct Ensemble {
    pub members: Vec<Member>,
}

#[derive(Serialize, Deserialize)]
struct EnsembleJson {
    task: String,
    kind: String,
    members: Vec<MemberJson>,
}

#[derive(Serialize, Deserialize)]
struct MemberJson {
    name: String,
    weight: f32,
    /// The member's own model.json: an object ([`pack`] writes one, its tokenizer as
    /// [`Tokenizer::to_json_word_index_only`]), or that object's text (the first ensembles).
    config: serde_json::Value,
}

impl MemberJson {
    fn config_json(&self) -> String {
        match &self.config {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

/// A member's model.json as [`pack`] stores it: an object, not a string of escaped JSON, and
/// its tokenizer with `word_index` alone (Keras' `index_word` is the same table turned around,
/// and the page downloads every member's vocabulary on its first visit).
fn member_config(config_json: &str) -> Result<serde_json::Value> {
    let mut config: serde_json::Value = serde_json::from_str(config_json).map_err(load_error)?;
    if let Some(text) = config.get("tokenizer").and_then(|t| t.as_str()) {
        let tokenizer = Tokenizer::from_json(text).map_err(load_error)?;
        config["tokenizer"] = tokenizer.to_json_word_index_only().into();
    }
    Ok(config)
}

/// An ensemble's `model.json` written again as [`pack`] writes it now (members as objects,
/// lean tokenizers): the same answers, fewer bytes. `convert-weights --compact-tokenizer`.
pub fn compact(config_json: &str) -> Result<String> {
    let mut json: EnsembleJson = serde_json::from_str(config_json).map_err(load_error)?;
    for m in &mut json.members {
        m.config = member_config(&m.config_json())?;
    }
    serde_json::to_string(&json).map_err(load_error)
}

fn load_error(e: impl std::fmt::Display) -> NnError {
    NnError::Load(format!("ensemble model: {e}"))
}

/// A member's files, as [`pack`] takes them: name, weight, model.json text and
/// model.safetensors bytes.
pub struct MemberFiles {
    pub name: String,
    pub weight: f32,
    pub config_json: String,
    pub weights: Vec<u8>,
}

impl MemberFiles {
    /// A model folder written by `train-sentiment` (any kind).
    pub fn read(dir: &Path, weight: f32) -> Result<Self> {
        let read = |file: &str| {
            std::fs::read(dir.join(file)).map_err(|e| {
                NnError::Load(format!("cannot read {}: {e}", dir.join(file).display()))
            })
        };
        let config_json = String::from_utf8(read("model.json")?)
            .map_err(|_| load_error("model.json is not UTF-8"))?;
        let name = dir
            .file_name()
            .map_or_else(|| "member".into(), |n| n.to_string_lossy().into_owned());
        Ok(Self {
            name,
            weight,
            config_json,
            weights: read("model.safetensors")?,
        })
    }
}

/// One ensemble folder's `(model.json, model.safetensors)` from its members' files. Weights
/// are scaled to sum to 1; names must be distinct and contain no `/`.
pub fn pack(members: &[MemberFiles]) -> Result<(String, Vec<u8>)> {
    if members.len() < 2 {
        return Err(load_error("an ensemble needs at least two members"));
    }
    let total: f32 = members.iter().map(|m| m.weight).sum();
    if !(total.is_finite() && total > 0.0)
        || members.iter().any(|m| m.weight.is_nan() || m.weight < 0.0)
    {
        return Err(load_error(
            "member weights must be non-negative numbers, not all 0",
        ));
    }
    let mut names = std::collections::HashSet::new();
    let mut tensors: Vec<(String, safetensors::Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for m in members {
        if m.name.contains('/') || !names.insert(m.name.as_str()) {
            return Err(load_error(format!(
                "member name {:?} is repeated or holds '/'",
                m.name
            )));
        }
        let st = safetensors::SafeTensors::deserialize(&m.weights).map_err(load_error)?;
        for (name, view) in st.tensors() {
            tensors.push((
                format!("{}/{name}", m.name),
                view.dtype(),
                view.shape().to_vec(),
                view.data().to_vec(),
            ));
        }
    }
    let json = EnsembleJson {
        task: "sentiment".into(),
        kind: "ensemble".into(),
        members: members
            .iter()
            .map(|m| {
                Ok(MemberJson {
                    name: m.name.clone(),
                    weight: m.weight / total,
                    config: member_config(&m.config_json)?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let views = tensors
        .iter()
        .map(|(name, dtype, shape, data)| {
            safetensors::tensor::TensorView::new(*dtype, shape.clone(), data)
                .map(|v| (name.clone(), v))
                .map_err(load_error)
        })
        .collect::<Result<Vec<_>>>()?;
    let weights = safetensors::serialize(views, None).map_err(load_error)?;
    let json = serde_json::to_string(&json).map_err(load_error)?;
    Ok((json, weights))
}

impl Ensemble {
    /// `model.json` says `"kind": "ensemble"`.
    pub fn is_ensemble(config_json: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(config_json)
            .is_ok_and(|v| v.get("kind").and_then(|k| k.as_str()) == Some("ensemble"))
    }

    /// From the folder's `model.json` text and `model.safetensors` bytes ([`pack`]).
    pub fn from_files(config_json: &str, weights: &[u8]) -> Result<Self> {
        let json: EnsembleJson = serde_json::from_str(config_json).map_err(load_error)?;
        if json.kind != "ensemble" || json.task != "sentiment" {
            return Err(load_error("model.json is not of kind ensemble"));
        }
        let st = safetensors::SafeTensors::deserialize(weights).map_err(load_error)?;
        let mut by_member: HashMap<&str, Vec<(String, safetensors::tensor::TensorView<'_>)>> =
            HashMap::new();
        for (name, view) in st.tensors() {
            let Some((member, rest)) = name.split_once('/') else {
                return Err(load_error(format!("tensor {name} belongs to no member")));
            };
            let member = json
                .members
                .iter()
                .find(|m| m.name == member)
                .ok_or_else(|| load_error(format!("tensor {name} belongs to no member")))?;
            by_member
                .entry(member.name.as_str())
                .or_default()
                .push((rest.to_string(), view));
        }
        let mut members = Vec::new();
        for m in &json.members {
            if !(m.weight.is_finite() && m.weight >= 0.0) {
                return Err(load_error(format!(
                    "member {} has weight {}",
                    m.name, m.weight
                )));
            }
            let views = by_member.remove(m.name.as_str()).unwrap_or_default();
            let bytes = safetensors::serialize(views, None).map_err(load_error)?;
            let model = MemberModel::from_files(&m.config_json(), &bytes)
                .map_err(|e| load_error(format!("member {}: {e}", m.name)))?;
            members.push(Member {
                name: m.name.clone(),
                weight: m.weight,
                model,
            });
        }
        if members.len() < 2 {
            return Err(load_error("an ensemble needs at least two members"));
        }
        Ok(Self { members })
    }

    /// Each member's probability of 긍정 for each review: `[member][review]`.
    pub fn member_predictions<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>> {
        self.members
            .iter()
            .map(|m| m.model.predict(texts))
            .collect()
    }

    /// The probability of 긍정 for each review.
    pub fn predict<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<f32>> {
        let per_member = self.member_predictions(texts)?;
        Ok(self.combine(&per_member))
    }

    /// [`combine_logits`] over members' predictions `[member][review]`.
    pub fn combine(&self, per_member: &[Vec<f32>]) -> Vec<f32> {
        let n = per_member.first().map_or(0, Vec::len);
        (0..n)
            .map(|i| {
                let pairs: Vec<(f32, f32)> = self
                    .members
                    .iter()
                    .zip(per_member)
                    .map(|(m, p)| (m.weight, p[i]))
                    .collect();
                combine_logits(&pairs)
            })
            .collect()
    }

    /// What the review panel shows for one review: the first morpheme RNN's stages with the
    /// ensemble's probability, and each morpheme's push towards 긍정: the members' pushes (an
    /// RNN's: probability with the token minus without; the linear model's: its weight times
    /// TF-IDF) times the members' weights, on Okt's morphemes. A morpheme RNN reads them without
    /// stopwords (its pushes land on the same words in order); a syllable RNN's pushes are
    /// summed over each morpheme's syllables.
    pub fn explain(&self, text: &str) -> Result<(Stages, Vec<(String, f32)>)> {
        let mut stages: Option<Stages> = None;
        let mut per_member: Vec<MemberPushes> = Vec::new();
        let mut pairs = Vec::new();
        for m in &self.members {
            let (p, units, contributions) = match &m.model {
                MemberModel::Rnn(rnn) => {
                    let s = rnn.stages(text)?;
                    let c = rnn.contributions(&s).unwrap_or_default();
                    let p = s.probability;
                    if rnn.units == TextUnits::Morphemes {
                        stages.get_or_insert(s);
                    }
                    (p, rnn.units, c)
                }
                MemberModel::Linear(linear) => {
                    let (p, c) = linear.explain(text)?;
                    (p, TextUnits::Morphemes, c)
                }
            };
            pairs.push((m.weight, p));
            per_member.push((m.weight, units, contributions));
        }
        let probability = combine_logits(&pairs);
        let clean = crate::text::korean::clean_korean(text);
        let morphs = match &stages {
            Some(s) => s.morphs.clone(),
            None => crate::segment::Segmenter::required()?.segment_clean(&clean),
        };
        let pushes = pushes_on_morphemes(&morphs, &per_member);
        let mut stages = stages.unwrap_or_else(|| Stages {
            clean,
            tokens: morphs.clone(),
            morphs,
            sequence: Vec::new(),
            padded: Vec::new(),
            probability,
        });
        stages.probability = probability;
        Ok((stages, pushes))
    }
}

/// One member's weight, units and its tokens' pushes towards 긍정 on one review.
type MemberPushes = (f32, TextUnits, Vec<(String, f32)>);

/// Weighted pushes of several members on one review's morphemes. Morpheme pushes (all
/// morphemes, or without stopwords) go to the next equal morpheme in order; syllable pushes
/// are summed over the syllables each morpheme spells (word boundaries skipped).
fn pushes_on_morphemes(morphs: &[String], per_member: &[MemberPushes]) -> Vec<(String, f32)> {
    let mut merged: Vec<(String, f32)> = morphs.iter().map(|m| (m.clone(), 0.0)).collect();
    for (weight, units, pushes) in per_member {
        match units {
            TextUnits::Morphemes => {
                let mut next = pushes.iter().peekable();
                for (word, total) in merged.iter_mut() {
                    if let Some((_, c)) = next.next_if(|(w, _)| w == word) {
                        *total += weight * c;
                    }
                }
            }
            TextUnits::Syllables => {
                let mut next = pushes
                    .iter()
                    .filter(|(s, _)| s != crate::sentiment::WORD_BOUNDARY);
                for (word, total) in merged.iter_mut() {
                    for _ in word.chars() {
                        if let Some((_, c)) = next.next() {
                            *total += weight * c;
                        }
                    }
                }
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_land_on_morphemes_from_every_kind_of_member() {
        let morphs: Vec<String> = ["배송", "이", "빨라요"].map(String::from).to_vec();
        let linear = vec![
            ("배송".into(), 0.2),
            ("이".into(), 0.0),
            ("빨라요".into(), 0.4),
        ];
        // Without the stopword 이.
        let rnn = vec![("배송".into(), 0.1), ("빨라요".into(), 0.3)];
        // 배 송 이 ▁ 빨 라 요
        let syllables: Vec<(String, f32)> = [
            ("배", 0.1),
            ("송", 0.1),
            ("이", 0.0),
            ("▁", 0.5),
            ("빨", 0.2),
            ("라", 0.1),
            ("요", 0.1),
        ]
        .map(|(s, c)| (s.to_string(), c))
        .to_vec();
        let merged = pushes_on_morphemes(
            &morphs,
            &[
                (0.5, TextUnits::Morphemes, linear),
                (0.25, TextUnits::Morphemes, rnn),
                (0.25, TextUnits::Syllables, syllables),
            ],
        );
        // 배송: 0.5·0.2 + 0.25·0.1 + 0.25·0.2; 이: 0; 빨라요: 0.5·0.4 + 0.25·0.3 + 0.25·0.4.
        let expect = [("배송", 0.175), ("이", 0.0), ("빨라요", 0.375)];
        assert_eq!(merged.len(), 3);
        for ((w, c), (ew, ec)) in merged.iter().zip(expect) {
            assert_eq!(w, ew);
            assert!((c - ec).abs() < 1e-6, "{w}: {c}");
        }
    }

    #[test]
    fn a_sure_member_is_clamped_not_infinite() {
        let p = combine_logits(&[(0.5, 1.0), (0.5, 0.0)]);
        assert!((p - 0.5).abs() < 1e-6);
        assert!(combine_logits(&[(0.5, 1.0), (0.5, 0.5)]) < 1.0);
    }
}
