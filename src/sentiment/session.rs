//! Training a review classifier one batch at a time ([`SentimentSession`]: the page's worker
//! yields between batches), with the lecture's `validation_split` and early stopping.

use std::sync::OnceLock;

use candle_core::{Device, Tensor};

use super::{SentimentConfig, SentimentModel, tokens_in};
use crate::nn::{Loss, NnError, Optimizer, OptimizerConfig, Result, Sequential};
use crate::text::reviews::Review;
use crate::text::{Tokenizer, TokenizerConfig};
use crate::train::{
    Callback, Control, Dataset, EarlyStopping, EpochLogs, Event, FitOptions, History, Monitor,
    Trainer,
};

/// Training advanced one batch at a time (the page's worker yields between batches), with the
/// lecture's early stopping. [`train_sentiment`] runs one to the end.
pub struct SentimentSession {
    model: SentimentModel,
    optimizer: Optimizer,
    trainer: Trainer,
    early: EarlyStopping,
    reviews: usize,
}

impl SentimentSession {
    /// From reviews already preprocessed ([`preprocess`]) and their 0/1 labels.
    pub fn new(tokens: &[Vec<String>], labels: &[u8], config: &SentimentConfig) -> Result<Self> {
        let targets: Vec<f32> = labels.iter().map(|&l| f32::from(l)).collect();
        Self::with_targets(tokens, &targets, config)
    }

    /// [`SentimentSession::new`] with a target probability per review instead of a 0/1 label:
    /// distillation, where the targets are a teacher model's probabilities (binary
    /// cross-entropy takes soft targets as they are; accuracy compares with the rounded ones).
    pub fn with_targets(
        tokens: &[Vec<String>],
        targets: &[f32],
        config: &SentimentConfig,
    ) -> Result<Self> {
        let labels = targets;
        if targets.iter().any(|t| !(0.0..=1.0).contains(t)) {
            return Err(NnError::Config(
                "targets must be probabilities between 0 and 1".into(),
            ));
        }
        if tokens.len() != labels.len() {
            return Err(NnError::Config("one label per review is needed".into()));
        }
        if tokens.len() < 10 {
            return Err(NnError::Config(format!(
                "{} reviews are too few to train on: give a file with at least 10",
                tokens.len()
            )));
        }
        if !(config.learning_rate.is_finite() && config.learning_rate > 0.0) {
            return Err(NnError::Config(format!(
                "the learning rate must be a positive number, got {}",
                config.learning_rate
            )));
        }
        if !(1..=4).contains(&config.recurrent_layers) {
            return Err(NnError::Config(format!(
                "recurrent_layers must be 1 to 4, got {}",
                config.recurrent_layers
            )));
        }
        use crate::limits::{Limit, check_all};
        check_all(&[
            (Limit::HiddenUnits, config.hidden),
            (Limit::EmbeddingDim, config.embedding_dim),
            (Limit::Epochs, config.epochs),
            (Limit::BatchSize, config.batch_size),
            (Limit::SequenceLength, config.maxlen),
            (Limit::Vocabulary, config.num_words),
        ])?;
        // The lecture fits the tokenizer on its training reviews (validation_split then takes
        // the end of them, as Keras does).
        let mut tokenizer = Tokenizer::new(TokenizerConfig {
            num_words: Some(config.num_words),
            oov_token: Some("OOV".into()),
            ..TokenizerConfig::default()
        })
        .map_err(|e| NnError::Config(e.to_string()))?;
        tokenizer.fit_on_texts(tokens.iter());
        // Same sequences; the saved model.json stays small (num_words entries, not every word).
        let tokenizer = tokenizer.truncated_to_num_words();
        let model = SentimentModel {
            model: Sequential::from_config(&config.layers(), Some(config.maxlen), config.seed)?,
            tokenizer,
            maxlen: config.maxlen,
            stopwords: config.stopwords.clone(),
            units: config.units,
            // The lecture's model.compile(optimizer=…, loss='binary_crossentropy', metrics=['acc']).
            compile: Some(crate::nn::CompileConfig {
                optimizer: config.optimizer.clone(),
                learning_rate: f64::from(config.learning_rate),
                loss: "binary_crossentropy".into(),
                metrics: vec!["acc".into()],
            }),
            padding: OnceLock::new(),
        };
        Self::with_model(model, tokens, targets, config)
    }

    /// Go on training `model` (its weights and its tokenizer) on more reviews: fine-tuning,
    /// e.g. a model of movie reviews on shopping reviews. The architecture fields of `config`
    /// are ignored; its epochs, batch size, optimizer, learning rate and validation are used.
    pub fn fine_tune(
        model: SentimentModel,
        tokens: &[Vec<String>],
        labels: &[u8],
        config: &SentimentConfig,
    ) -> Result<Self> {
        if tokens.len() != labels.len() || tokens.is_empty() {
            return Err(NnError::Config("one label per review is needed".into()));
        }
        let targets: Vec<f32> = labels.iter().map(|&l| f32::from(l)).collect();
        Self::with_model(model, tokens, &targets, config)
    }

    fn with_model(
        model: SentimentModel,
        tokens: &[Vec<String>],
        targets: &[f32],
        config: &SentimentConfig,
    ) -> Result<Self> {
        let (_, x) = model.encode(tokens)?;
        let data = Dataset {
            x,
            y: Tensor::from_slice(targets, targets.len(), &Device::Cpu)?,
        };
        let optimizer = match config.optimizer.as_str() {
            "adam" => OptimizerConfig::adam(config.learning_rate),
            "rmsprop" => OptimizerConfig::rmsprop(config.learning_rate),
            other => {
                return Err(NnError::Config(format!(
                    "unknown optimizer '{other}': use adam or rmsprop"
                )));
            }
        };
        let trainer = Trainer::new(
            Loss::BinaryCrossentropy,
            &data,
            &FitOptions {
                epochs: config.epochs,
                batch_size: config.batch_size,
                validation_split: config.validation_split,
                shuffle: true,
                seed: config.seed,
                bucket_by_length: model.model.masks_padding(),
                workers: config.workers,
            },
        )?;
        Ok(Self {
            model,
            optimizer: Optimizer::new(optimizer),
            trainer,
            early: EarlyStopping::new(Monitor::ValLoss, config.patience, true),
            reviews: tokens.len(),
        })
    }

    /// The fit so far, between two epochs ([`crate::train::checkpoint`]): what
    /// [`SentimentSession::resume`] takes up.
    pub fn checkpoint(&self) -> Result<Vec<u8>> {
        crate::train::checkpoint::save(
            &self.trainer,
            &self.model.model,
            &self.optimizer,
            &self.early,
        )
    }

    /// [`SentimentSession::new`] on the same reviews and config, then on from `checkpoint`:
    /// the fit goes on as if it had never stopped.
    pub fn resume(
        tokens: &[Vec<String>],
        labels: &[u8],
        config: &SentimentConfig,
        checkpoint: &[u8],
    ) -> Result<Self> {
        let mut session = Self::new(tokens, labels, config)?;
        crate::train::checkpoint::restore(
            checkpoint,
            &mut session.trainer,
            &session.model.model,
            &mut session.optimizer,
            &mut session.early,
        )?;
        Ok(session)
    }

    /// Epochs finished so far.
    pub fn epochs_done(&self) -> usize {
        self.trainer.epoch()
    }

    /// One batch; the epoch's logs when it ended one. `callbacks` see every event.
    pub fn run_batch(&mut self, callbacks: &mut [&mut dyn Callback]) -> Result<Option<EpochLogs>> {
        let mut all: Vec<&mut dyn Callback> = Vec::with_capacity(callbacks.len() + 1);
        for c in callbacks.iter_mut() {
            all.push(&mut **c);
        }
        all.push(&mut self.early);
        self.trainer
            .run_batch(&self.model.model, &mut self.optimizer, &mut all)
    }

    pub fn finished(&self) -> bool {
        self.trainer.finished()
    }

    /// As a data-parallel replica: this replica's shard of the next batch, to send to the
    /// others ([`crate::train::replica`]).
    pub fn replica_begin(
        &mut self,
        replica: &mut crate::train::replica::Replica,
    ) -> Result<Option<Vec<u8>>> {
        replica.begin(&mut self.trainer, &self.model.model)
    }

    /// As a data-parallel replica: step once every shard of the batch is in (early stopping
    /// decides the same on every replica: their weights, so their val_loss, are the same).
    pub fn replica_finish(
        &mut self,
        replica: &mut crate::train::replica::Replica,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<crate::train::replica::Finish> {
        let mut all: Vec<&mut dyn Callback> = Vec::with_capacity(callbacks.len() + 1);
        for c in callbacks.iter_mut() {
            all.push(&mut **c);
        }
        all.push(&mut self.early);
        replica.finish(
            &mut self.trainer,
            &self.model.model,
            &mut self.optimizer,
            &mut all,
        )
    }

    /// End after the batch in progress (the page's Stop); `into_model` then keeps the best
    /// weights so far.
    pub fn stop(&mut self) {
        self.trainer.stop(crate::train::StopReason::Cancelled);
    }

    pub fn history(&self) -> &History {
        self.trainer.history()
    }

    pub fn reviews(&self) -> usize {
        self.reviews
    }

    pub fn summary(&self) -> String {
        self.model.model.summary()
    }

    /// The trained model (the best epoch's weights when early stopping kept them).
    pub fn into_model(mut self) -> Result<(SentimentModel, History)> {
        self.early.on_train_end(&self.model.model)?;
        let history = self.trainer.into_history();
        Ok((self.model, history))
    }
}

/// Train on `reviews` (the last `validation_split` of them validate, as Keras takes it).
pub fn train_sentiment(
    reviews: &[Review],
    config: &SentimentConfig,
    on_event: &mut dyn FnMut(&Event),
) -> Result<(SentimentModel, History)> {
    let targets: Vec<f32> = reviews.iter().map(|r| f32::from(r.label)).collect();
    train_sentiment_on_targets(reviews, &targets, config, on_event)
}

/// [`train_sentiment`] towards a probability per review (a teacher's, for distillation).
pub fn train_sentiment_on_targets(
    reviews: &[Review],
    targets: &[f32],
    config: &SentimentConfig,
    on_event: &mut dyn FnMut(&Event),
) -> Result<(SentimentModel, History)> {
    // SentimentSession::with_targets checks the number of reviews and the settings.
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let tokens = tokens_in(config.units, &texts, &config.stopwords)?;
    let mut session = SentimentSession::with_targets(&tokens, targets, config)?;
    struct Forward<'a>(&'a mut dyn FnMut(&Event));
    impl Callback for Forward<'_> {
        fn on_event(&mut self, event: &Event, _model: &Sequential) -> Control {
            (self.0)(event);
            Control::Continue
        }
    }
    let mut forward = Forward(on_event);
    while !session.finished() {
        session.run_batch(&mut [&mut forward])?;
    }
    session.into_model()
}
