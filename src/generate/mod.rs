//! Text generation with a trained next-word model: the lecture's greedy
//! `sentence_generation`, and temperature / top-k sampling with a seed.
//!
//! The model reads the last `maxlen` word indices (padded 'pre', as in training) and predicts
//! the next word; the prediction is appended and the loop repeats.

use candle_core::{Device, Tensor};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use crate::nn::{NnError, Result, Sequential};
use crate::text::{PadOptions, Tokenizer, pad_sequences};

/// How the next word is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Sampling {
    /// The most probable word (the lecture's `np.argmax`).
    Greedy,
    /// Sample from `softmax(log p / temperature)` over the `top_k` most probable words
    /// (`top_k = 0`: all), from a seeded RNG.
    Temperature {
        temperature: f32,
        top_k: usize,
        seed: u64,
    },
}

/// The next-word distribution for `text`: `(word, probability)` sorted by probability.
pub fn next_word_probabilities(
    model: &Sequential,
    tokenizer: &Tokenizer,
    text: &str,
    maxlen: usize,
) -> Result<Vec<(String, f32)>> {
    let probs = next_probs(model, tokenizer, text, maxlen)?;
    Ok(top_candidates(tokenizer, &probs, usize::MAX))
}

fn next_probs(
    model: &Sequential,
    tokenizer: &Tokenizer,
    text: &str,
    maxlen: usize,
) -> Result<Vec<f32>> {
    let encoded = tokenizer.texts_to_sequences([text]);
    let padded = pad_sequences(
        &encoded,
        &PadOptions {
            maxlen: Some(maxlen),
            ..PadOptions::default()
        },
    );
    let row: Vec<u32> = padded[0].iter().map(|&i| i as u32).collect();
    let x = Tensor::from_vec(row, (1, maxlen), &Device::Cpu)?;
    let out = model.forward(&x)?;
    Ok(out.flatten_all()?.to_vec1::<f32>()?)
}

/// The lecture's `sentence_generation(model, tokenizer, current_word, n)`: append `n` words
/// to `seed_text`, each the argmax of the model's prediction. As in the lecture, an argmax
/// that is no word (index 0) falls through to the last word of `word_index`.
pub fn sentence_generation(
    model: &Sequential,
    tokenizer: &Tokenizer,
    seed_text: &str,
    n: usize,
    maxlen: usize,
) -> Result<String> {
    generate(model, tokenizer, seed_text, n, maxlen, Sampling::Greedy)
}

/// Generate `n` words after `seed_text` with the given sampling rule.
pub fn generate(
    model: &Sequential,
    tokenizer: &Tokenizer,
    seed_text: &str,
    n: usize,
    maxlen: usize,
    sampling: Sampling,
) -> Result<String> {
    Ok(generate_with_trace(model, tokenizer, seed_text, n, maxlen, sampling, 0)?.text)
}

/// One generation step: the word chosen and the most probable candidates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationStep {
    pub word: String,
    /// The `top` most probable next tokens with their probabilities, best first.
    pub top: Vec<(String, f32)>,
}

/// The generated text and, per step, the chosen word and the top candidates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    pub text: String,
    pub steps: Vec<GenerationStep>,
}

/// [`generate`] that also records the `top` most probable next tokens at every step. At
/// character level the characters are joined without spaces.
pub fn generate_with_trace(
    model: &Sequential,
    tokenizer: &Tokenizer,
    seed_text: &str,
    n: usize,
    maxlen: usize,
    sampling: Sampling,
    top: usize,
) -> Result<Generation> {
    if maxlen == 0 {
        return Err(NnError::Config("maxlen must be at least 1".into()));
    }
    let separator = if tokenizer.config().char_level {
        ""
    } else {
        " "
    };
    let mut rng = match sampling {
        Sampling::Temperature { seed, .. } => StdRng::seed_from_u64(seed),
        Sampling::Greedy => StdRng::seed_from_u64(0),
    };
    let mut current = seed_text.to_string();
    let mut steps = Vec::with_capacity(n);
    for _ in 0..n {
        let probs = next_probs(model, tokenizer, &current, maxlen)?;
        let index = match sampling {
            Sampling::Greedy => argmax(&probs),
            Sampling::Temperature {
                temperature, top_k, ..
            } => sample(&probs, temperature, top_k, &mut rng),
        };
        let word = match tokenizer.index_word().get(&index) {
            Some(w) => w.clone(),
            // Lecture: `for word, index in word_index.items(): if index == result: break`
            // leaves `word` at the last entry when nothing matches.
            None => tokenizer
                .word_index()
                .keys()
                .last()
                .cloned()
                .unwrap_or_default(),
        };
        let ranked = top_candidates(tokenizer, &probs, top);
        current.push_str(separator);
        current.push_str(&word);
        steps.push(GenerationStep { word, top: ranked });
    }
    Ok(Generation {
        text: current,
        steps,
    })
}

/// The `top` most probable words (best first, ties in index order) with their probabilities.
fn top_candidates(tokenizer: &Tokenizer, probs: &[f32], top: usize) -> Vec<(String, f32)> {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|a, b| probs[*b].total_cmp(&probs[*a]));
    order
        .into_iter()
        .filter_map(|i| {
            tokenizer
                .index_word()
                .get(&i)
                .map(|w| (w.clone(), probs[i]))
        })
        .take(top)
        .collect()
}

/// Index of the largest probability (first on ties, as numpy).
pub fn argmax(probs: &[f32]) -> usize {
    let mut best = 0;
    for (i, p) in probs.iter().enumerate() {
        if *p > probs[best] {
            best = i;
        }
    }
    best
}

/// Temperature and top-k sampling. Temperature ≤ 0 means greedy.
pub fn sample(probs: &[f32], temperature: f32, top_k: usize, rng: &mut StdRng) -> usize {
    if temperature <= 0.0 || !temperature.is_finite() {
        return argmax(probs);
    }
    let mut ranked: Vec<(usize, f32)> = probs.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    if top_k > 0 {
        ranked.truncate(top_k);
    }
    let logits: Vec<f64> = ranked
        .iter()
        .map(|(_, p)| (p.max(1e-30) as f64).ln() / temperature as f64)
        .collect();
    let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
    let total: f64 = weights.iter().sum();
    let mut r = rng.random::<f64>() * total;
    for ((i, _), w) in ranked.iter().zip(&weights) {
        if r < *w {
            return *i;
        }
        r -= w;
    }
    ranked.last().map_or(0, |(i, _)| *i)
}

/// Stateful step-by-step generation: each token is fed once and the RNN's hidden state is
/// carried to the next step, instead of re-running the whole (padded) prefix as the lecture's
/// `sentence_generation` does. Works for Embedding → one recurrent layer → Dense models.
pub fn stateful_generation(
    model: &Sequential,
    tokenizer: &Tokenizer,
    seed_text: &str,
    n: usize,
    top: usize,
) -> Result<Generation> {
    use crate::nn::Layer;
    let layers = model.layers();
    let (
        Some((_, Layer::Embedding(embedding))),
        Some((_, Layer::Recurrent(rnn))),
        Some((_, Layer::Dense(dense))),
    ) = (layers.first(), layers.get(1), layers.get(2))
    else {
        return Err(NnError::Config(
            "stateful generation needs an Embedding → SimpleRNN/LSTM/GRU → Dense model".into(),
        ));
    };
    let seed: Vec<usize> = tokenizer.texts_to_sequences([seed_text]).remove(0);
    if seed.is_empty() {
        return Err(NnError::Config(format!(
            "none of the words of {seed_text:?} is in the vocabulary"
        )));
    }
    let separator = if tokenizer.config().char_level {
        ""
    } else {
        " "
    };
    let feed =
        |token: usize, state: &crate::nn::RnnState| -> Result<(crate::nn::RnnState, Vec<f32>)> {
            let id = Tensor::new(&[[token as u32]], &Device::Cpu)?;
            let x = embedding.forward(&id)?.squeeze(0)?;
            let (next, _) = rnn.step(&x, state)?;
            let probs = dense.forward(&next.h)?.flatten_all()?.to_vec1::<f32>()?;
            Ok((next, probs))
        };
    let mut state = rnn.zero_state(1, &Device::Cpu)?;
    let mut probs = Vec::new();
    for &token in &seed {
        let (next, p) = feed(token, &state)?;
        state = next;
        probs = p;
    }
    let mut text = seed_text.to_string();
    let mut steps = Vec::with_capacity(n);
    for _ in 0..n {
        let index = argmax(&probs);
        let word = tokenizer
            .index_word()
            .get(&index)
            .cloned()
            .unwrap_or_default();
        let ranked = top_candidates(tokenizer, &probs, top);
        text.push_str(separator);
        text.push_str(&word);
        steps.push(GenerationStep { word, top: ranked });
        let (next, p) = feed(index, &state)?;
        state = next;
        probs = p;
    }
    Ok(Generation { text, steps })
}
