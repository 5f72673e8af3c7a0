//! Lecture 7's teacher forcing, made visible: a many-to-many next-word model
//! (Embedding → RNN with return_sequences → TimeDistributed(Dense softmax)) trained on each
//! sentence shifted by one word, and two ways of running it on a sentence:
//!
//! - **teacher forcing**: every step is fed the *true* previous word (how it is trained);
//! - **free running**: only the first word is given, then the model is fed its *own* previous
//!   prediction (how it is used to generate).
//!
//! Training can mix the two with a teacher-forcing ratio (1.0 = always the true word, 0.0 =
//! always the model's own prediction, in between = scheduled sampling).
//!
//! ```
//! use rnn_playground::teacher_forcing::{Seq2SeqConfig, Seq2SeqSession};
//!
//! let mut s = Seq2SeqSession::new(rnn_playground::lecture::NEXT_WORD_TEXT, &Seq2SeqConfig::default()).unwrap();
//! for _ in 0..300 {
//!     s.run_epoch().unwrap();
//! }
//! let (forced, free) = s.compare(2).unwrap(); // "가는 말이 고와야 오는 말이 곱다"
//! assert_eq!(forced.len(), free.len());
//! ```

use candle_core::{D, Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::nn::{
    Activation, CellKind, Dense, Embedding, NnError, Optimizer, OptimizerConfig, Recurrent, Result,
};
use crate::text::{Tokenizer, TokenizerConfig};

/// Longest line (in tokens) the step-by-step trainer accepts.
pub const MAX_SENTENCE: usize = 200;

/// Settings of the many-to-many model and its training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Seq2SeqConfig {
    pub cell: CellKind,
    pub embedding_dim: usize,
    pub hidden: usize,
    pub learning_rate: f32,
    /// Probability of feeding the true previous word at each training step.
    pub teacher_forcing_ratio: f32,
    pub seed: u64,
    pub tokenizer: TokenizerConfig,
}

impl Default for Seq2SeqConfig {
    fn default() -> Self {
        Self {
            cell: CellKind::SimpleRnn,
            embedding_dim: 10,
            hidden: 32,
            learning_rate: 0.01,
            teacher_forcing_ratio: 1.0,
            seed: 0,
            tokenizer: TokenizerConfig::default(),
        }
    }
}

/// One step of a run over a sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    /// The word fed at this step.
    pub input: String,
    /// The model's most probable next word and its probability.
    pub predicted: String,
    pub probability: f32,
    /// The true next word.
    pub expected: String,
    pub correct: bool,
}

/// The model and its training state.
pub struct Seq2SeqSession {
    pub tokenizer: Tokenizer,
    sentences: Vec<Vec<u32>>,
    embedding: Embedding,
    rnn: Recurrent,
    dense: Dense,
    optimizer: Optimizer,
    ratio: f32,
    rng: StdRng,
    pub epoch: usize,
}

impl Seq2SeqSession {
    pub fn new(text: &str, config: &Seq2SeqConfig) -> Result<Self> {
        if !(config.learning_rate.is_finite() && config.learning_rate > 0.0) {
            return Err(NnError::Config(format!(
                "the learning rate must be a positive number, got {}",
                config.learning_rate
            )));
        }
        if !(0.0..=1.0).contains(&config.teacher_forcing_ratio) {
            return Err(NnError::Config(
                "the teacher-forcing ratio must be between 0 and 1".into(),
            ));
        }
        let mut tokenizer =
            Tokenizer::new(config.tokenizer.clone()).map_err(|e| NnError::Config(e.to_string()))?;
        let lines: Vec<&str> = text.lines().collect();
        tokenizer.fit_on_texts(&lines);
        let sentences: Vec<Vec<u32>> = tokenizer
            .texts_to_sequences(&lines)
            .into_iter()
            .filter(|s| s.len() >= 2)
            .map(|s| s.into_iter().map(|i| i as u32).collect())
            .collect();
        if let Some(long) = sentences.iter().find(|s| s.len() > MAX_SENTENCE) {
            return Err(NnError::Config(format!(
                "a line has {} words; this lab trains word by word on lines of at most {MAX_SENTENCE}: split it into sentences",
                long.len()
            )));
        }
        if sentences.is_empty() {
            return Err(NnError::Config(
                "the text has no line with two or more words: write a few sentences, one per line"
                    .into(),
            ));
        }
        let vocab = tokenizer.vocab_size();
        let seed = config.seed;
        let embedding = Embedding::new(vocab, config.embedding_dim, false, seed.wrapping_add(1));
        let rnn = Recurrent::new(
            config.cell,
            config.embedding_dim,
            config.hidden,
            seed.wrapping_add(2),
        )
        .with_return_sequences(true);
        let dense = Dense::new(
            config.hidden,
            vocab,
            Activation::Softmax,
            true,
            seed.wrapping_add(3),
        );
        Ok(Self {
            tokenizer,
            sentences,
            embedding,
            rnn,
            dense,
            optimizer: Optimizer::new(OptimizerConfig::adam(config.learning_rate)),
            ratio: config.teacher_forcing_ratio,
            rng: StdRng::seed_from_u64(seed),
            epoch: 0,
        })
    }

    fn variables(&self) -> Vec<(String, candle_core::Var)> {
        let mut v = vec![
            (
                "embedding/embeddings".to_string(),
                self.embedding.embeddings.clone(),
            ),
            ("rnn/kernel".to_string(), self.rnn.kernel.clone()),
            (
                "rnn/recurrent_kernel".to_string(),
                self.rnn.recurrent_kernel.clone(),
            ),
            ("dense/kernel".to_string(), self.dense.kernel.clone()),
        ];
        if let Some(b) = &self.rnn.bias {
            v.push(("rnn/bias".into(), b.clone()));
        }
        if let Some(b) = &self.dense.bias {
            v.push(("dense/bias".into(), b.clone()));
        }
        v
    }

    fn embed(&self, token: u32) -> Result<Tensor> {
        let id = Tensor::new(&[[token]], &Device::Cpu)?;
        Ok(self.embedding.forward(&id)?.squeeze(0)?) // [1, dim]
    }

    /// One epoch: every sentence once, in order; each step's input is the true previous word
    /// with probability `ratio`, otherwise the model's own previous prediction.
    pub fn run_epoch(&mut self) -> Result<f32> {
        let mut total = 0f32;
        for s in 0..self.sentences.len() {
            let sentence = self.sentences[s].clone();
            let mut state = self.rnn.zero_state(1, &Device::Cpu)?;
            let mut input = sentence[0];
            let mut losses = Vec::new();
            for t in 0..sentence.len() - 1 {
                let (next, _) = self.rnn.step(&self.embed(input)?, &state)?;
                let logits = self.dense.pre_activation(&next.h)?;
                let log_p = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
                losses.push(log_p.narrow(1, sentence[t + 1] as usize, 1)?.neg()?);
                let predicted = logits.argmax(D::Minus1)?.flatten_all()?.to_vec1::<u32>()?[0];
                input = if self.rng.random::<f32>() < self.ratio {
                    sentence[t + 1]
                } else {
                    predicted
                };
                state = next;
            }
            let loss = (Tensor::cat(&losses, 0)?.sum_all()? / losses.len() as f64)?;
            let value = loss.to_scalar::<f32>()?;
            if !value.is_finite() {
                return Err(NnError::NonFiniteLoss {
                    epoch: self.epoch + 1,
                    batch: s + 1,
                    loss: value,
                });
            }
            let grads = loss.backward()?;
            self.optimizer.step(&self.variables(), &grads)?;
            total += value;
        }
        self.epoch += 1;
        Ok(total / self.sentences.len() as f32)
    }

    /// Number of usable sentences (lines with two or more words).
    pub fn sentence_count(&self) -> usize {
        self.sentences.len()
    }

    fn word(&self, index: u32) -> String {
        self.tokenizer
            .index_word()
            .get(&(index as usize))
            .cloned()
            .unwrap_or_else(|| "∅".into())
    }

    /// Run over sentence `index` with teacher forcing (left) and free running (right).
    pub fn compare(&self, index: usize) -> Result<(Vec<StepView>, Vec<StepView>)> {
        let sentence = self
            .sentences
            .get(index)
            .ok_or_else(|| NnError::Config(format!("there is no sentence {}", index + 1)))?
            .clone();
        let run = |forced: bool| -> Result<Vec<StepView>> {
            let mut state = self.rnn.zero_state(1, &Device::Cpu)?;
            let mut input = sentence[0];
            let mut out = Vec::new();
            for t in 0..sentence.len() - 1 {
                let (next, _) = self.rnn.step(&self.embed(input)?, &state)?;
                let probs = self
                    .dense
                    .forward(&next.h)?
                    .flatten_all()?
                    .to_vec1::<f32>()?;
                let predicted = crate::generate::argmax(&probs) as u32;
                out.push(StepView {
                    input: self.word(input),
                    predicted: self.word(predicted),
                    probability: probs[predicted as usize],
                    expected: self.word(sentence[t + 1]),
                    correct: predicted == sentence[t + 1],
                });
                input = if forced { sentence[t + 1] } else { predicted };
                state = next;
            }
            Ok(out)
        };
        Ok((run(true)?, run(false)?))
    }
}

/// The first step where the two runs predict different words, if any.
pub fn first_divergence(forced: &[StepView], free: &[StepView]) -> Option<usize> {
    forced
        .iter()
        .zip(free)
        .position(|(a, b)| a.predicted != b.predicted)
}
