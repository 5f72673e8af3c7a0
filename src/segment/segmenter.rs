//! The segmenter at inference time: a window of syllables around each gap of a word decides
//! whether a morpheme ends there.
//!
//! The trained model is a Keras-style `Sequential`: `Embedding(V, D)` over the `left + right`
//! syllables around the gap → `Flatten` → `Dense(H, relu)` → `Dense(1, sigmoid)`: a
//! convolution over syllables with a kernel as wide as the window, then a 1×1 convolution.
//! Its first layer is linear in one-hot inputs, so for inference we fold the embedding into the
//! first Dense once: `table[p][c] = E[c] · W₁[p]` (a `hidden`-vector per window position and
//! syllable). A gap then costs `window` vector additions, a ReLU and one dot product, which is
//! what makes the segmenter fast in wasm and natively (same code). `tests/segmenter.rs`
//! checks that the tables, and the direct computation, give what `Sequential::forward` gives.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::SegmentError;
use crate::nn::{Activation, Layer, ModelExtras, Sequential};
use crate::text::korean::{clean_korean, is_hangul};

/// Ids of the window: 0 outside the word, 1 an unknown syllable, `2 + k` the `k`-th known one.
pub const OUTSIDE: u32 = 0;
pub const UNKNOWN: u32 = 1;

/// What the model reads, stored in `model.json` under `preprocessing.segmenter`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmenterConfig {
    /// The known syllables and jamo, most frequent first (`2 + position` is the id).
    pub chars: String,
    /// Syllables at and before the gap.
    pub left: usize,
    /// Syllables after the gap.
    pub right: usize,
}

impl SegmenterConfig {
    pub fn window(&self) -> usize {
        self.left + self.right
    }

    pub fn vocab_size(&self) -> usize {
        self.chars.chars().count() + 2
    }

    pub fn ids(&self) -> HashMap<char, u32> {
        self.chars
            .chars()
            .enumerate()
            .map(|(i, c)| (c, i as u32 + 2))
            .collect()
    }

    pub fn to_extras(&self) -> ModelExtras {
        let mut extras = ModelExtras::default();
        extras.preprocessing.insert(
            "segmenter".into(),
            serde_json::to_value(self).unwrap_or_default(),
        );
        extras
            .preprocessing
            .insert("cleaning".into(), "[^ㄱ-ㅎㅏ-ㅣ가-힣 ]".into());
        extras
    }

    pub fn from_extras(extras: &ModelExtras) -> Result<Self, SegmentError> {
        extras
            .preprocessing
            .get("segmenter")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .ok_or(SegmentError::NotASegmenter)
    }
}

/// The window ids of every gap of a word (`chars − 1` windows of `left + right` ids).
pub fn windows(word_ids: &[u32], left: usize, right: usize, out: &mut Vec<u32>) {
    let n = word_ids.len();
    for gap in 0..n.saturating_sub(1) {
        // Characters gap+1−left ..= gap+right.
        for p in 0..left + right {
            let idx = (gap + 1 + p).checked_sub(left);
            out.push(match idx {
                Some(i) if i < n => word_ids[i],
                _ => OUTSIDE,
            });
        }
    }
}

/// Per-call buffers of the hidden layers.
struct Scratch {
    first: Vec<f32>,
    layers: Vec<Vec<f32>>,
}

/// A loaded segmenter: the trained model's weights, and its folded tables once built.
#[derive(Debug)]
pub struct Segmenter {
    pub config: SegmenterConfig,
    ids: HashMap<char, u32>,
    dim: usize,
    hidden: usize,
    vocab: usize,
    /// `[vocab, dim]`.
    embeddings: Vec<f32>,
    /// `[window · dim, hidden]`.
    w1: Vec<f32>,
    b1: Vec<f32>,
    /// Further `Dense(relu)` layers after the first: `(kernel [in, out], bias [out])`.
    deeper: Vec<(Vec<f32>, Vec<f32>)>,
    w2: Vec<f32>,
    b2: f32,
    /// `[window][vocab][hidden]`, built on first use by [`Segmenter::segment`] (tens of MB
    /// and a few hundred ms in wasm: the tokenizer panel uses [`Segmenter::segment_direct`]).
    table: OnceLock<Vec<f32>>,
    /// The parameters of the trained model (for the page's description).
    pub param_count: usize,
}

impl Clone for Segmenter {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            ids: self.ids.clone(),
            dim: self.dim,
            hidden: self.hidden,
            vocab: self.vocab,
            embeddings: self.embeddings.clone(),
            w1: self.w1.clone(),
            b1: self.b1.clone(),
            deeper: self.deeper.clone(),
            w2: self.w2.clone(),
            b2: self.b2,
            table: self.table.get().cloned().map_or_else(OnceLock::new, |t| {
                let lock = OnceLock::new();
                let _ = lock.set(t);
                lock
            }),
            param_count: self.param_count,
        }
    }
}

impl Segmenter {
    /// Take the weights of a trained `Embedding → Flatten → Dense(relu) → Dense(1, sigmoid)`.
    pub fn from_model(model: &Sequential, extras: &ModelExtras) -> Result<Self, SegmentError> {
        let config = SegmenterConfig::from_extras(extras)?;
        let layers = model.layers();
        // Embedding → Flatten → Dense(relu) → any more Dense(relu) → Dense(1, sigmoid).
        let (e, dense) = match layers {
            [(_, Layer::Embedding(e)), (_, Layer::Flatten), rest @ ..] if rest.len() >= 2 => {
                let dense: Vec<&crate::nn::Dense> = rest
                    .iter()
                    .filter_map(|(_, l)| match l {
                        Layer::Dense(d) => Some(d),
                        _ => None,
                    })
                    .collect();
                (e, dense)
            }
            _ => return Err(SegmentError::NotASegmenter),
        };
        let (d1, d2) = (dense[0], dense[dense.len() - 1]);
        let hidden_ok = dense[..dense.len() - 1]
            .iter()
            .all(|d| d.activation == Activation::Relu);
        if dense.len() != layers.len() - 2
            || !hidden_ok
            || d2.units != 1
            || d2.activation != Activation::Sigmoid
        {
            return Err(SegmentError::NotASegmenter);
        }
        let (vocab, dim) = (e.input_dim, e.output_dim);
        if vocab != config.vocab_size() || d1.input_dim != config.window() * dim {
            return Err(SegmentError::NotASegmenter);
        }
        let hidden = d1.units;
        let flat = |t: &candle_core::Tensor| -> Result<Vec<f32>, SegmentError> {
            Ok(t.flatten_all()?.to_vec1::<f32>()?)
        };
        let bias = |d: &crate::nn::Dense| -> Result<Vec<f32>, SegmentError> {
            match &d.bias {
                Some(b) => flat(b.as_tensor()),
                None => Ok(vec![0.0; d.units]),
            }
        };
        let weights = dense
            .iter()
            .map(|d| Ok((flat(d.kernel.as_tensor())?, bias(d)?)))
            .collect::<Result<Vec<_>, SegmentError>>()?;
        Ok(Self::assemble(
            config,
            (vocab, dim, hidden),
            flat(e.embeddings.as_tensor())?,
            weights,
            model.param_count(),
        ))
    }

    /// The segmenter from checked weights: the embedding table and each Dense layer's
    /// `(kernel, bias)`, the first (window → hidden) to the last (→ 1).
    fn assemble(
        config: SegmenterConfig,
        (vocab, dim, hidden): (usize, usize, usize),
        embeddings: Vec<f32>,
        mut dense: Vec<(Vec<f32>, Vec<f32>)>,
        param_count: usize,
    ) -> Self {
        let (w2, b2) = dense.pop().expect("checked: two or more Dense layers");
        let mut rest = dense.into_iter();
        let (w1, b1) = rest.next().expect("checked: two or more Dense layers");
        Self {
            ids: config.ids(),
            config,
            dim,
            hidden,
            vocab,
            embeddings,
            w1,
            b1,
            deeper: rest.collect(),
            w2,
            b2: b2.first().copied().unwrap_or(0.0),
            table: OnceLock::new(),
            param_count,
        }
    }

    /// `table[p][c] = E[c] · W₁[p]`: the first layer's contribution of syllable `c` at window
    /// position `p`.
    fn table(&self) -> &[f32] {
        self.table.get_or_init(|| {
            let (window, vocab, dim, hidden) =
                (self.config.window(), self.vocab, self.dim, self.hidden);
            let mut table = vec![0f32; window * vocab * hidden];
            for p in 0..window {
                for c in 0..vocab {
                    let row = &mut table[(p * vocab + c) * hidden..(p * vocab + c + 1) * hidden];
                    for d in 0..dim {
                        let x = self.embeddings[c * dim + d];
                        let w = &self.w1[(p * dim + d) * hidden..(p * dim + d + 1) * hidden];
                        for (r, w) in row.iter_mut().zip(w) {
                            *r += x * w;
                        }
                    }
                }
            }
            table
        })
    }

    /// Load a model file (safetensors with `model.json` in its metadata) with the safetensors
    /// crate alone: segmenting needs no candle, so neither does loading. Same checks as
    /// [`Self::from_model`] (tested equal on the shipped model).
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Self, SegmentError> {
        use crate::nn::{LayerConfig, MODEL_JSON_KEY};
        let bad = |_| SegmentError::NotASegmenter;
        let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes).map_err(bad)?;
        let json = metadata
            .metadata()
            .as_ref()
            .and_then(|m| m.get(MODEL_JSON_KEY))
            .ok_or(SegmentError::NotASegmenter)?;
        let file: serde_json::Value =
            serde_json::from_str(json).map_err(|_| SegmentError::NotASegmenter)?;
        let layers: Vec<LayerConfig> = serde_json::from_value(file["layers"].clone())
            .map_err(|_| SegmentError::NotASegmenter)?;
        let extras: ModelExtras =
            serde_json::from_value(file).map_err(|_| SegmentError::NotASegmenter)?;
        let config = SegmenterConfig::from_extras(&extras)?;
        let tensors = safetensors::SafeTensors::deserialize(bytes).map_err(bad)?;
        // f32, f16 or 4-bit, as the classifiers' files.
        let read = |name: &str| -> Result<(Vec<f32>, Vec<usize>), SegmentError> {
            crate::nn::storage::read(&tensors, name).map_err(|_| SegmentError::NotASegmenter)
        };
        // Embedding → Flatten → Dense(relu)… → Dense(1, sigmoid), named as Keras names them.
        let mut dense = Vec::new();
        for (i, layer) in layers.iter().enumerate() {
            match (i, layer) {
                (0, LayerConfig::Embedding { .. }) | (1, LayerConfig::Flatten) => {}
                (
                    i,
                    LayerConfig::Dense {
                        units,
                        activation,
                        use_bias,
                    },
                ) if i >= 2 => dense.push((*units, *activation, *use_bias)),
                _ => return Err(SegmentError::NotASegmenter),
            }
        }
        let last = dense.len().checked_sub(1).filter(|l| *l >= 1);
        let Some(last) = last else {
            return Err(SegmentError::NotASegmenter);
        };
        let shape_ok = dense[..last].iter().all(|d| d.1 == Activation::Relu)
            && dense[last].0 == 1
            && dense[last].1 == Activation::Sigmoid;
        if !shape_ok {
            return Err(SegmentError::NotASegmenter);
        }
        let (embeddings, e_shape) = read("embedding/embeddings")?;
        let (vocab, dim) = match e_shape[..] {
            [v, d] => (v, d),
            _ => return Err(SegmentError::NotASegmenter),
        };
        let name = |k: usize| {
            if k == 0 {
                "dense".to_string()
            } else {
                format!("dense_{k}")
            }
        };
        let mut weights = Vec::new();
        let mut param_count = embeddings.len();
        for (k, (units, _, use_bias)) in dense.iter().enumerate() {
            let (kernel, shape) = read(&format!("{}/kernel", name(k)))?;
            if shape.get(1) != Some(units) {
                return Err(SegmentError::NotASegmenter);
            }
            let bias = if *use_bias {
                read(&format!("{}/bias", name(k)))?.0
            } else {
                vec![0.0; *units]
            };
            param_count += kernel.len() + if *use_bias { *units } else { 0 };
            weights.push((kernel, bias, shape[0]));
        }
        let hidden = dense[0].0;
        if vocab != config.vocab_size() || weights[0].2 != config.window() * dim {
            return Err(SegmentError::NotASegmenter);
        }
        Ok(Self::assemble(
            config,
            (vocab, dim, hidden),
            embeddings,
            weights.into_iter().map(|(k, b, _)| (k, b)).collect(),
            param_count,
        ))
    }

    /// Through candle's [`Sequential`] (what training produces), for comparison.
    pub fn from_file_bytes_via_model(bytes: &[u8]) -> Result<Self, SegmentError> {
        let (model, extras) = Sequential::from_single_file(bytes)?;
        Self::from_model(&model, &extras)
    }

    fn id(&self, c: char) -> u32 {
        self.ids.get(&c).copied().unwrap_or(UNKNOWN)
    }

    /// The probability that a morpheme ends at each gap of `word` (`chars − 1` values).
    pub fn gap_probabilities(&self, word: &str) -> Vec<f32> {
        let ids: Vec<u32> = word.chars().map(|c| self.id(c)).collect();
        let mut win = Vec::new();
        windows(&ids, self.config.left, self.config.right, &mut win);
        let mut h = self.scratch();
        let table = self.table();
        win.chunks_exact(self.config.window().max(1))
            .map(|w| {
                let z = self.logit(table, w, &mut h);
                1.0 / (1.0 + (-z).exp())
            })
            .collect()
    }

    /// The gap's logit from the folded tables.
    #[inline]
    fn logit(&self, table: &[f32], window: &[u32], scratch: &mut Scratch) -> f32 {
        let h = &mut scratch.first;
        h.copy_from_slice(&self.b1);
        for (p, &c) in window.iter().enumerate() {
            let c = (c as usize).min(self.vocab - 1);
            let row = &table[(p * self.vocab + c) * self.hidden..][..self.hidden];
            for (a, b) in h.iter_mut().zip(row) {
                *a += b;
            }
        }
        self.output(scratch)
    }

    /// The same logit straight from the weights (no tables).
    fn logit_direct(&self, window: &[u32], scratch: &mut Scratch) -> f32 {
        let h = &mut scratch.first;
        h.copy_from_slice(&self.b1);
        for (p, &c) in window.iter().enumerate() {
            let c = (c as usize).min(self.vocab - 1);
            for d in 0..self.dim {
                let x = self.embeddings[c * self.dim + d];
                let w = &self.w1[(p * self.dim + d) * self.hidden..][..self.hidden];
                for (a, w) in h.iter_mut().zip(w) {
                    *a += x * w;
                }
            }
        }
        self.output(scratch)
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            first: vec![0.0; self.hidden],
            layers: self
                .deeper
                .iter()
                .map(|(_, b)| vec![0.0; b.len()])
                .collect(),
        }
    }

    /// From the first layer's pre-activations (in `scratch.first`) to the logit.
    #[inline]
    fn output(&self, scratch: &mut Scratch) -> f32 {
        for h in scratch.first.iter_mut() {
            *h = h.max(0.0);
        }
        let mut input = &scratch.first;
        for ((kernel, bias), out) in self.deeper.iter().zip(scratch.layers.iter_mut()) {
            out.copy_from_slice(bias);
            // Rows of ReLU zeros are skipped: about half of them.
            for (xi, row) in input.iter().zip(kernel.chunks_exact(bias.len())) {
                if *xi != 0.0 {
                    for (o, w) in out.iter_mut().zip(row) {
                        *o += xi * w;
                    }
                }
            }
            for o in out.iter_mut() {
                *o = o.max(0.0);
            }
            input = out;
        }
        self.b2 + input.iter().zip(&self.w2).map(|(a, w)| a * w).sum::<f32>()
    }

    /// The morphemes of one word (no spaces inside): split where the model says a morpheme
    /// ends. Characters other than Hangul are kept as one piece each side of the Hangul runs.
    pub fn split_word(&self, word: &str, out: &mut Vec<String>) {
        let table = self.table();
        self.split_word_with(word, out, |w, h| self.logit(table, w, h));
    }

    fn split_word_with(
        &self,
        word: &str,
        out: &mut Vec<String>,
        logit: impl Fn(&[u32], &mut Scratch) -> f32,
    ) {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 2 {
            if !word.is_empty() {
                out.push(word.to_string());
            }
            return;
        }
        let ids: Vec<u32> = chars.iter().map(|&c| self.id(c)).collect();
        let mut win = Vec::with_capacity((chars.len() - 1) * self.config.window());
        windows(&ids, self.config.left, self.config.right, &mut win);
        let mut h = self.scratch();
        let mut start = 0;
        for (gap, w) in win.chunks_exact(self.config.window().max(1)).enumerate() {
            // A change between Hangul and anything else always ends a piece.
            let script_change = is_hangul(chars[gap]) != is_hangul(chars[gap + 1]);
            if script_change || logit(w, &mut h) > 0.0 {
                out.push(chars[start..=gap].iter().collect());
                start = gap + 1;
            }
        }
        out.push(chars[start..].iter().collect());
    }

    /// `okt.morphs(text)` for text that is already clean: morphemes of every word in order.
    pub fn segment_clean(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            self.split_word(word, &mut out);
        }
        out
    }

    /// Morphemes of each word of cleaned text, computed from the weights without building the
    /// tables: for a few sentences at a time (the tokenizer panel, on every keystroke).
    pub fn segment_direct(&self, clean_text: &str) -> Vec<Vec<String>> {
        clean_text
            .split_whitespace()
            .map(|word| {
                let mut out = Vec::new();
                self.split_word_with(word, &mut out, |w, h| self.logit_direct(w, h));
                out
            })
            .collect()
    }

    /// The lecture's pipeline on raw text: clean (keep Hangul and spaces), then segment.
    pub fn segment(&self, text: &str) -> Vec<String> {
        self.segment_clean(&clean_korean(text))
    }

    /// [`Segmenter::segment`] over many texts. Words repeat a lot in reviews, so each distinct
    /// word is decided once per batch.
    pub fn segment_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<Vec<String>> {
        let mut cache: HashMap<String, Vec<String>> = HashMap::new();
        texts
            .iter()
            .map(|t| {
                let clean = clean_korean(t.as_ref());
                let mut out = Vec::new();
                for word in clean.split_whitespace() {
                    if let Some(m) = cache.get(word) {
                        out.extend(m.iter().cloned());
                        continue;
                    }
                    let mut m = Vec::new();
                    self.split_word(word, &mut m);
                    out.extend(m.iter().cloned());
                    // Bounded, so a batch of random text cannot grow it without limit.
                    if cache.len() < 200_000 {
                        cache.insert(word.to_string(), m);
                    }
                }
                out
            })
            .collect()
    }
}
