//! The baseline every RNN here must clear: TF-IDF over morpheme 1–2-grams and syllable
//! 1–3-grams, and logistic regression (`train-sentiment --model linear`).
//!
//! * [`ngrams`]: the two kinds of terms of a review;
//! * [`tfidf`]: scikit-learn's TF-IDF of each kind (each scaled to length 1);
//! * [`logistic`]: the regression, fitted by L-BFGS;
//! * [`LinearSentiment`]: all three, the lecture's cleaning and Okt's morphemes in front.
//!
//! ```
//! use rnn_playground::linear::{LinearConfig, LinearSentiment};
//!
//! let texts = ["정말 좋아요", "너무 좋아요 최고", "별로예요", "최악 별로"];
//! let labels = [1, 1, 0, 0];
//! let config = LinearConfig { min_df: 1, ..LinearConfig::default() };
//! let model = LinearSentiment::train(&texts, &labels, &[1.0; 4], &config).unwrap();
//! let p = model.predict(&["좋아요 최고", "별로"]).unwrap();
//! assert!(p[0] > 0.5 && p[1] < 0.5);
//! ```

pub mod ngrams;
pub mod tfidf;

#[cfg(not(target_arch = "wasm32"))]
pub mod logistic;

use crate::nn::NnError;
use crate::segment::Segmenter;
use crate::text::korean::clean_korean;
use ngrams::{morpheme_ngrams, syllable_ngrams};
use tfidf::Tfidf;

type Result<T> = std::result::Result<T, NnError>;

/// The baseline's settings (the issue's baseline: C = 3.5, terms in at least 2 reviews).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinearConfig {
    pub c: f64,
    pub min_df: usize,
    /// At most this many terms of each kind (the most frequent).
    pub max_terms: usize,
    pub max_iters: u64,
}

impl Default for LinearConfig {
    fn default() -> Self {
        LinearConfig {
            c: 3.5,
            min_df: 2,
            max_terms: 2_000_000,
            max_iters: 300,
        }
    }
}

/// TF-IDF of morpheme and syllable n-grams, then logistic regression.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearSentiment {
    pub morphemes: Tfidf,
    pub syllables: Tfidf,
    /// One weight per morpheme column, then one per syllable column.
    pub weights: Vec<f32>,
    pub bias: f32,
}

/// A review's two term lists.
fn terms(segmenter: &Segmenter, text: &str) -> (Vec<String>, Vec<String>) {
    let clean = clean_korean(text);
    let morphs = segmenter.segment_clean(&clean);
    (morpheme_ngrams(&morphs), syllable_ngrams(&clean))
}

impl LinearSentiment {
    /// One review as a sparse row: the morpheme block, then the syllable block.
    pub fn row(&self, morpheme_terms: &[String], syllable_terms: &[String]) -> Vec<(u32, f32)> {
        let offset = self.morphemes.len() as u32;
        let mut row = self.morphemes.transform(morpheme_terms);
        row.extend(
            self.syllables
                .transform(syllable_terms)
                .into_iter()
                .map(|(c, v)| (c + offset, v)),
        );
        row
    }

    /// The probability of 긍정 for one row: σ(w·x + b).
    fn probability(&self, row: &[(u32, f32)]) -> f32 {
        let z = self.bias
            + row
                .iter()
                .map(|&(c, v)| self.weights[c as usize] * v)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// The probability that each review is positive.
    pub fn predict<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<f32>> {
        let segmenter = Segmenter::required()?;
        Ok(texts
            .iter()
            .map(|t| {
                let (m, s) = terms(segmenter, t.as_ref());
                self.probability(&self.row(&m, &s))
            })
            .collect())
    }

    /// Fit on reviews (`labels` 0/1, a weight per review).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn train<S: AsRef<str>>(
        texts: &[S],
        labels: &[u8],
        sample_weights: &[f64],
        config: &LinearConfig,
    ) -> Result<LinearSentiment> {
        let segmenter = Segmenter::required()?;
        let (morph_docs, syllable_docs): (Vec<_>, Vec<_>) =
            texts.iter().map(|t| terms(segmenter, t.as_ref())).unzip();
        let mut model = LinearSentiment {
            morphemes: Tfidf::fit(&morph_docs, config.min_df, config.max_terms),
            syllables: Tfidf::fit(&syllable_docs, config.min_df, config.max_terms),
            weights: Vec::new(),
            bias: 0.0,
        };
        let rows: Vec<Vec<(u32, f32)>> = morph_docs
            .iter()
            .zip(&syllable_docs)
            .map(|(m, s)| model.row(m, s))
            .collect();
        let columns = model.morphemes.len() + model.syllables.len();
        let fit = logistic::LogisticFit {
            c: config.c,
            max_iters: config.max_iters,
        };
        let (w, b) = logistic::fit_logistic(&rows, labels, sample_weights, columns, &fit)?;
        model.weights = w;
        model.bias = b;
        Ok(model)
    }
}

/// The files of a linear model folder: `model.json` (kind, terms in column order) and
/// `model.safetensors` (idf of each block and the weights as float16, the bias as float32).
#[derive(serde::Serialize, serde::Deserialize)]
struct LinearJson {
    task: String,
    kind: String,
    morpheme_terms: Vec<String>,
    syllable_terms: Vec<String>,
    cleaning: String,
    morphemes: String,
}

fn load_error(e: impl std::fmt::Display) -> NnError {
    NnError::Load(format!("not a linear review model: {e}"))
}

fn terms_in_order(t: &Tfidf) -> Vec<String> {
    let mut terms = vec![String::new(); t.len()];
    for (term, &c) in &t.vocabulary {
        terms[c as usize] = term.clone();
    }
    terms
}

fn tfidf_from(terms: Vec<String>, idf: Vec<f32>) -> Tfidf {
    Tfidf {
        vocabulary: terms
            .into_iter()
            .enumerate()
            .map(|(i, t)| (t, i as u32))
            .collect(),
        idf,
    }
}

impl LinearSentiment {
    /// Whether `config_json` (a model folder's model.json) is a linear model's.
    pub fn is_linear(config_json: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(config_json)
            .is_ok_and(|v| v.get("kind").and_then(|k| k.as_str()) == Some("linear"))
    }

    /// Keep the `keep` terms of each block whose weights are largest in size (the rest cost
    /// download and barely move an answer); the kept columns stay in term order.
    pub fn prune(&self, keep: usize) -> LinearSentiment {
        let block = |t: &Tfidf, w: &[f32]| -> (Tfidf, Vec<f32>) {
            let terms = terms_in_order(t);
            let mut order: Vec<usize> = (0..terms.len()).collect();
            order.sort_by(|&a, &b| w[b].abs().total_cmp(&w[a].abs()).then(a.cmp(&b)));
            order.truncate(keep);
            order.sort_unstable();
            let kept_terms = order.iter().map(|&i| terms[i].clone()).collect();
            let idf = order.iter().map(|&i| t.idf[i]).collect();
            (
                tfidf_from(kept_terms, idf),
                order.iter().map(|&i| w[i]).collect(),
            )
        };
        let m = self.morphemes.len();
        let (morphemes, mut weights) = block(&self.morphemes, &self.weights[..m]);
        let (syllables, w) = block(&self.syllables, &self.weights[m..]);
        weights.extend(w);
        LinearSentiment {
            morphemes,
            syllables,
            weights,
            bias: self.bias,
        }
    }

    /// `(model.json, model.safetensors)`.
    pub fn to_files(&self) -> Result<(String, Vec<u8>)> {
        let json = LinearJson {
            task: "sentiment".into(),
            kind: "linear".into(),
            morpheme_terms: terms_in_order(&self.morphemes),
            syllable_terms: terms_in_order(&self.syllables),
            cleaning: "[^ㄱ-ㅎㅏ-ㅣ가-힣 ]".into(),
            morphemes: "Okt's morphs (rnn-playground segmenter, data/segmenter)".into(),
        };
        let json = serde_json::to_string(&json).map_err(|e| NnError::Load(e.to_string()))?;
        // float16 for the tables (half the download; the model computes in float32), the
        // intercept in float32.
        let f16 = |a: &[f32]| -> Vec<u8> {
            a.iter()
                .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
                .collect()
        };
        let arrays: [(&str, safetensors::Dtype, Vec<u8>, usize); 4] = [
            (
                "morpheme_idf",
                safetensors::Dtype::F16,
                f16(&self.morphemes.idf),
                self.morphemes.len(),
            ),
            (
                "syllable_idf",
                safetensors::Dtype::F16,
                f16(&self.syllables.idf),
                self.syllables.len(),
            ),
            (
                "weights",
                safetensors::Dtype::F16,
                f16(&self.weights),
                self.weights.len(),
            ),
            (
                "bias",
                safetensors::Dtype::F32,
                self.bias.to_le_bytes().to_vec(),
                1,
            ),
        ];
        let views: Vec<(String, safetensors::tensor::TensorView<'_>)> = arrays
            .iter()
            .map(|(name, dtype, b, n)| {
                safetensors::tensor::TensorView::new(*dtype, vec![*n], b)
                    .map(|v| (name.to_string(), v))
                    .map_err(load_error)
            })
            .collect::<Result<_>>()?;
        let weights = safetensors::serialize(views, None).map_err(load_error)?;
        Ok((json, weights))
    }

    pub fn from_files(config_json: &str, weights: &[u8]) -> Result<LinearSentiment> {
        let json: LinearJson = serde_json::from_str(config_json).map_err(load_error)?;
        if json.kind != "linear" || json.task != "sentiment" {
            return Err(load_error("model.json is not of kind linear"));
        }
        let tensors = safetensors::SafeTensors::deserialize(weights).map_err(load_error)?;
        let read = |name: &str| -> Result<Vec<f32>> {
            let t = tensors.tensor(name).map_err(load_error)?;
            let v: Vec<f32> = match t.dtype() {
                safetensors::Dtype::F32 => t
                    .data()
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
                safetensors::Dtype::F16 => t
                    .data()
                    .chunks_exact(2)
                    .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                _ => return Err(load_error(format!("{name} is not float16 or float32"))),
            };
            if v.iter().any(|x| !x.is_finite()) {
                return Err(load_error(format!("{name} holds NaN or infinite values")));
            }
            Ok(v)
        };
        let (mi, si, w, b) = (
            read("morpheme_idf")?,
            read("syllable_idf")?,
            read("weights")?,
            read("bias")?,
        );
        if mi.len() != json.morpheme_terms.len()
            || si.len() != json.syllable_terms.len()
            || w.len() != mi.len() + si.len()
            || b.len() != 1
        {
            return Err(load_error("the weights do not match model.json's terms"));
        }
        Ok(LinearSentiment {
            morphemes: tfidf_from(json.morpheme_terms, mi),
            syllables: tfidf_from(json.syllable_terms, si),
            weights: w,
            bias: b[0],
        })
    }

    /// Each morpheme's push towards 긍정: its unigram weight times its TF-IDF value in this
    /// review (the page colours words by it).
    pub fn contributions(&self, text: &str) -> Result<Vec<(String, f32)>> {
        Ok(self.explain(text)?.1)
    }

    /// One review's probability of 긍정 and each morpheme's contribution, from one pass of
    /// the segmenter (what the review panel shows).
    pub fn explain(&self, text: &str) -> Result<(f32, Vec<(String, f32)>)> {
        let segmenter = Segmenter::required()?;
        let clean = clean_korean(text);
        let morphs = segmenter.segment_clean(&clean);
        let morph_terms = morpheme_ngrams(&morphs);
        let row = self.row(&morph_terms, &syllable_ngrams(&clean));
        let probability = self.probability(&row);
        let contributions = morphs
            .into_iter()
            .map(|m| {
                // The morpheme block comes first in the row, with the same columns.
                let v = self
                    .morphemes
                    .vocabulary
                    .get(&m)
                    .and_then(|c| row.iter().find(|(rc, _)| rc == c))
                    .map_or(0.0, |&(c, v)| self.weights[c as usize] * v);
                (m, v)
            })
            .collect();
        Ok((probability, contributions))
    }
}
