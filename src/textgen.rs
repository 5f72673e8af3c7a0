//! Lecture 8's next-word model from raw text to a trained model: fit a tokenizer, build the
//! prefix samples, pad them 'pre', train Embedding → SimpleRNN/LSTM/GRU → Dense(softmax), and
//! generate. Shared by `rnn-playground train-textgen`, the page's worker and the tests.
//!
//! ```no_run
//! use rnn_playground::textgen::{TextgenConfig, train};
//!
//! let trained = train(rnn_playground::lecture::NEXT_WORD_TEXT, &TextgenConfig::default(), |_| {}).unwrap();
//! println!("{}", trained.sentence_generation("가는", 5).unwrap());
//! ```

use std::path::Path;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::generate::{self, Sampling};
use crate::nn::{
    Activation, CellKind, LayerConfig, Loss, ModelExtras, NnError, Optimizer, OptimizerConfig,
    Result, Sequential,
};
use crate::text::{
    PadOptions, Tokenizer, TokenizerConfig, pad_sequences, prefix_ngrams, split_x_y,
};
use crate::train::{self, Callback, Control, EpochLogs, Event, FitOptions, History};

/// The lecture's defaults: SimpleRNN(32), Embedding dim 10, Adam, 200 epochs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextgenConfig {
    pub cell: CellKind,
    pub embedding_dim: usize,
    pub hidden: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub optimizer: String,
    pub learning_rate: f32,
    pub seed: u64,
    pub tokenizer: TokenizerConfig,
    /// Data-parallel shards per batch ([`crate::train::FitOptions::workers`]; 0 or 1: none).
    #[serde(default)]
    pub workers: usize,
}

impl Default for TextgenConfig {
    fn default() -> Self {
        Self {
            cell: CellKind::SimpleRnn,
            embedding_dim: 10,
            hidden: 32,
            epochs: 200,
            batch_size: 32,
            optimizer: "adam".into(),
            learning_rate: 1e-3,
            seed: 0,
            tokenizer: TokenizerConfig::default(),
            workers: 1,
        }
    }
}

/// The training data of lecture 8: `X` (padded prefixes without their last word) and `y`.
pub struct TextgenData {
    pub tokenizer: Tokenizer,
    /// Length of the longest sample (the lecture's `max_len`); inputs are `max_len - 1` long.
    pub max_len: usize,
    pub x: Tensor,
    pub y: Tensor,
}

/// Tokenize `text` (one sentence per line) and build the prefix samples.
pub fn prepare(text: &str, tokenizer: &TokenizerConfig) -> Result<TextgenData> {
    use crate::limits::{Limit, check};
    check(Limit::CorpusBytes, text.len())?;
    let mut tok = Tokenizer::new(tokenizer.clone()).map_err(|e| NnError::Config(e.to_string()))?;
    let lines: Vec<&str> = text.lines().collect();
    tok.fit_on_texts(&lines);
    let encoded = tok.texts_to_sequences(&lines);
    let longest = encoded.iter().map(Vec::len).max().unwrap_or(0);
    let cells = encoded
        .iter()
        .map(|s| s.len().saturating_sub(1))
        .sum::<usize>()
        * longest;
    if cells > crate::text::pipeline::MAX_SAMPLE_CELLS {
        return Err(NnError::Config(format!(
            "the text gives {cells} padded sample cells (limit {}): split long lines into sentences, one per line",
            crate::text::pipeline::MAX_SAMPLE_CELLS
        )));
    }
    let samples = prefix_ngrams(&encoded);
    if samples.is_empty() {
        return Err(NnError::Config(
            "the text has no line with two or more words: write a few sentences, one per line"
                .into(),
        ));
    }
    let max_len = samples.iter().map(Vec::len).max().unwrap_or(0);
    let padded = pad_sequences(
        &samples,
        &PadOptions {
            maxlen: Some(max_len),
            ..PadOptions::default()
        },
    );
    let (x, y) = split_x_y(&padded);
    let n = x.len();
    let xs: Vec<u32> = x.iter().flatten().map(|&i| i as u32).collect();
    let ys: Vec<u32> = y.iter().map(|&i| i as u32).collect();
    Ok(TextgenData {
        tokenizer: tok,
        max_len,
        x: Tensor::from_vec(xs, (n, max_len - 1), &Device::Cpu)?,
        y: Tensor::from_vec(ys, n, &Device::Cpu)?,
    })
}

/// Embedding(vocab, dim) → cell(hidden) → Dense(vocab, softmax).
pub fn build_model(
    config: &TextgenConfig,
    vocab_size: usize,
    input_length: usize,
) -> Result<Sequential> {
    Sequential::from_config(
        &[
            LayerConfig::Embedding {
                input_dim: vocab_size,
                output_dim: config.embedding_dim,
                mask_zero: false,
            },
            LayerConfig::rnn(config.cell, config.hidden),
            LayerConfig::Dense {
                units: vocab_size,
                activation: Activation::Softmax,
                use_bias: true,
            },
        ],
        Some(input_length),
        config.seed,
    )
}

/// A training run that advances one epoch at a time (the page's worker drives it so that it
/// can answer Stop between epochs and stream each epoch's figures).
pub struct Session {
    pub model: Sequential,
    pub tokenizer: Tokenizer,
    pub maxlen: usize,
    samples: usize,
    optimizer: Optimizer,
    trainer: train::Trainer,
}

impl Session {
    pub fn new(text: &str, config: &TextgenConfig) -> Result<Self> {
        if !(config.learning_rate.is_finite() && config.learning_rate > 0.0) {
            return Err(NnError::Config(format!(
                "the learning rate must be a positive number, got {}",
                config.learning_rate
            )));
        }
        if config.hidden == 0 || config.embedding_dim == 0 || config.epochs == 0 {
            return Err(NnError::Config(
                "hidden units, embedding size and epochs must be at least 1".into(),
            ));
        }
        use crate::limits::{Limit, check, check_all};
        check_all(&[
            (Limit::HiddenUnits, config.hidden),
            (Limit::EmbeddingDim, config.embedding_dim),
            (Limit::Epochs, config.epochs),
            (Limit::BatchSize, config.batch_size),
        ])?;
        let data = prepare(text, &config.tokenizer)?;
        check_all(&[
            (Limit::Vocabulary, data.tokenizer.vocab_size()),
            (Limit::SequenceLength, data.max_len),
        ])?;
        let model = build_model(config, data.tokenizer.vocab_size(), data.max_len - 1)?;
        check(Limit::Parameters, model.param_count())?;
        let optimizer = OptimizerConfig::by_name(&config.optimizer, config.learning_rate)
            .map_err(NnError::Config)?;
        let options = FitOptions {
            epochs: config.epochs,
            batch_size: config.batch_size,
            seed: config.seed,
            workers: config.workers,
            ..FitOptions::default()
        };
        let dataset = train::Dataset {
            x: data.x,
            y: data.y,
        };
        let samples = dataset.len();
        let trainer = train::Trainer::new(Loss::SparseCategoricalCrossentropy, &dataset, &options)?;
        Ok(Self {
            samples,
            model,
            tokenizer: data.tokenizer,
            maxlen: data.max_len - 1,
            optimizer: Optimizer::new(optimizer),
            trainer,
        })
    }

    /// Number of training samples (prefixes).
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The model as trained so far, with its tokenizer, as one file (see
    /// [`Sequential::to_single_file`]).
    pub fn model_file(&self) -> Result<Vec<u8>> {
        self.model.to_single_file(&extras(
            &self.tokenizer,
            self.maxlen,
            Some(&self.optimizer.config),
        ))
    }

    /// `model.json` of the model as trained so far, with its tokenizer.
    pub fn model_json(&self) -> String {
        self.model.config_json(&extras(
            &self.tokenizer,
            self.maxlen,
            Some(&self.optimizer.config),
        ))
    }

    /// Train one more batch; the epoch's logs when it completed one.
    pub fn run_batch(&mut self) -> Result<Option<EpochLogs>> {
        self.trainer
            .run_batch(&self.model, &mut self.optimizer, &mut [])
    }

    /// As a data-parallel replica: this replica's shard of the next batch, to send to the
    /// others ([`crate::train::replica`]).
    pub fn replica_begin(
        &mut self,
        replica: &mut train::replica::Replica,
    ) -> Result<Option<Vec<u8>>> {
        replica.begin(&mut self.trainer, &self.model)
    }

    /// As a data-parallel replica: step once every shard of the batch is in.
    pub fn replica_finish(
        &mut self,
        replica: &mut train::replica::Replica,
    ) -> Result<train::replica::Finish> {
        replica.finish(&mut self.trainer, &self.model, &mut self.optimizer, &mut [])
    }

    /// Train one more epoch (`None` when already finished).
    pub fn run_epoch(&mut self) -> Result<Option<EpochLogs>> {
        self.trainer
            .run_epoch(&self.model, &mut self.optimizer, &mut [], &|| false)
    }

    pub fn finished(&self) -> bool {
        self.trainer.finished()
    }

    pub fn stop(&mut self) {
        self.trainer.stop(train::StopReason::Cancelled);
    }

    pub fn resume(&mut self) {
        self.trainer.resume();
    }

    pub fn history(&self) -> &History {
        self.trainer.history()
    }

    /// The lecture's greedy `sentence_generation` with the model as trained so far.
    pub fn sentence_generation(&self, seed_text: &str, n: usize) -> Result<String> {
        generate::sentence_generation(&self.model, &self.tokenizer, seed_text, n, self.maxlen)
    }

    pub fn generate(&self, seed_text: &str, n: usize, sampling: Sampling) -> Result<String> {
        generate::generate(
            &self.model,
            &self.tokenizer,
            seed_text,
            n,
            self.maxlen,
            sampling,
        )
    }

    /// Generation with the top-`top` candidates of every step.
    pub fn generate_with_trace(
        &self,
        seed_text: &str,
        n: usize,
        sampling: Sampling,
        top: usize,
    ) -> Result<generate::Generation> {
        generate::generate_with_trace(
            &self.model,
            &self.tokenizer,
            seed_text,
            n,
            self.maxlen,
            sampling,
            top,
        )
    }
}

/// What a next-word model folder carries beside its layers.
fn extras(
    tokenizer: &Tokenizer,
    maxlen: usize,
    optimizer: Option<&OptimizerConfig>,
) -> ModelExtras {
    let mut extras = ModelExtras {
        tokenizer: Some(tokenizer.to_json()),
        // Lecture 8's model.compile(loss='categorical_crossentropy', metrics=['accuracy']).
        compile: optimizer.map(|o| crate::nn::CompileConfig {
            optimizer: o.keras_name().into(),
            learning_rate: f64::from(o.learning_rate()),
            loss: "categorical_crossentropy".into(),
            metrics: vec!["accuracy".into()],
        }),
        ..ModelExtras::default()
    };
    extras
        .preprocessing
        .insert("task".into(), "next_word".into());
    extras.preprocessing.insert("maxlen".into(), maxlen.into());
    extras.preprocessing.insert("padding".into(), "pre".into());
    extras
}

/// A trained next-word model with its tokenizer.
pub struct TrainedTextgen {
    pub model: Sequential,
    pub tokenizer: Tokenizer,
    /// Input length (`max_len - 1`).
    pub maxlen: usize,
    pub history: History,
}

/// Train on `text`; `on_epoch` sees each epoch's logs as it ends.
pub fn train(
    text: &str,
    config: &TextgenConfig,
    mut on_epoch: impl FnMut(&EpochLogs),
) -> Result<TrainedTextgen> {
    let data = prepare(text, &config.tokenizer)?;
    let model = build_model(config, data.tokenizer.vocab_size(), data.max_len - 1)?;
    let optimizer = OptimizerConfig::by_name(&config.optimizer, config.learning_rate)
        .map_err(NnError::Config)?;
    let mut optimizer = Optimizer::new(optimizer);
    let mut progress = |event: &Event| {
        if let Event::EpochEnd(logs) = event {
            on_epoch(logs);
        }
        Control::Continue
    };
    let mut callbacks: [&mut dyn Callback; 1] = [&mut progress];
    let options = FitOptions {
        epochs: config.epochs,
        batch_size: config.batch_size,
        seed: config.seed,
        workers: config.workers,
        ..FitOptions::default()
    };
    let dataset = train::Dataset {
        x: data.x,
        y: data.y,
    };
    let history = train::fit(
        &model,
        &mut optimizer,
        Loss::SparseCategoricalCrossentropy,
        &dataset,
        &options,
        &mut callbacks,
    )?;
    Ok(TrainedTextgen {
        model,
        tokenizer: data.tokenizer,
        maxlen: data.max_len - 1,
        history,
    })
}

impl TrainedTextgen {
    /// The lecture's greedy `sentence_generation`.
    pub fn sentence_generation(&self, seed_text: &str, n: usize) -> Result<String> {
        generate::sentence_generation(&self.model, &self.tokenizer, seed_text, n, self.maxlen)
    }

    pub fn generate(&self, seed_text: &str, n: usize, sampling: Sampling) -> Result<String> {
        generate::generate(
            &self.model,
            &self.tokenizer,
            seed_text,
            n,
            self.maxlen,
            sampling,
        )
    }

    /// Save as a model folder with the tokenizer and the input length.
    pub fn save(&self, dir: &Path) -> Result<()> {
        self.model
            .save(dir, &extras(&self.tokenizer, self.maxlen, None))
    }

    /// Load a folder written by [`TrainedTextgen::save`].
    pub fn load(dir: &Path) -> Result<Self> {
        // Any model file: a folder, .safetensors, Keras' .keras / .h5 (with its tokenizer beside it).
        let (model, extras, _) =
            crate::keras::load_model(dir).map_err(|e| NnError::Load(e.to_string()))?;
        Self::from_parts(model, extras)
    }

    /// A model and its extras (from files the page fetched, for example).
    pub fn from_parts(model: Sequential, extras: ModelExtras) -> Result<Self> {
        let json = extras.tokenizer.as_deref().ok_or_else(|| {
            NnError::Load(
                "this is not a next-word model (it has no tokenizer): train one with `rnn-playground train-textgen` or in the studio".into(),
            )
        })?;
        let tokenizer = Tokenizer::from_json(json).map_err(|e| NnError::Load(e.to_string()))?;
        // A next-word model ends in a softmax over its vocabulary (a review classifier ends in
        // one sigmoid unit and would "generate" nonsense).
        let next_word = matches!(
            model.configs().last(),
            Some(LayerConfig::Dense { units, activation: Activation::Softmax, .. })
                if *units == tokenizer.vocab_size()
        );
        if !next_word {
            return Err(NnError::Load(format!(
                "this is not a next-word model (its last layer is not Dense({}, softmax) over its {} words): train one with `rnn-playground train-textgen` or in the studio",
                tokenizer.vocab_size(),
                tokenizer.vocab_size()
            )));
        }
        let maxlen = extras
            .preprocessing
            .get("maxlen")
            .and_then(|v| v.as_u64())
            .map(|v| v as usize)
            .or(model.input_length)
            .ok_or_else(|| {
                NnError::Load("the model folder does not say its input length (maxlen)".into())
            })?;
        Ok(Self {
            model,
            tokenizer,
            maxlen,
            history: History {
                epochs: vec![],
                batch_loss: vec![],
                stop_reason: train::StopReason::Completed,
            },
        })
    }
}
