//! Training the segmenter on silver labels (Okt's morphemes, made by
//! `scripts/okt_silver_labels.py`), with the nn core's `fit`.

use std::collections::HashMap;

use candle_core::{Device, Tensor};

use super::labels::{SpanScore, gap_labels, morph_lengths_per_word};
use super::segmenter::{SegmenterConfig, UNKNOWN, windows};
use super::{SegmentError, Segmenter};
use crate::nn::{Activation, LayerConfig, Loss, Optimizer, OptimizerConfig, Sequential};
use crate::train::{Callback, Control, Dataset, Event, FitOptions, fit};

/// One review and Okt's morphemes for it (a line of the label files).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabeledReview {
    pub text: String,
    pub morphs: Vec<String>,
}

/// Read JSON lines `{"text", "morphs"}`; lines that do not parse, or whose morphemes do not
/// tile the text, are counted and skipped.
pub fn read_labels(jsonl: &str) -> (Vec<LabeledReview>, usize) {
    let mut skipped = 0;
    let reviews = jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let r = serde_json::from_str::<LabeledReview>(l)
                .ok()
                .filter(|r| morph_lengths_per_word(&r.text, &r.morphs).is_some());
            skipped += usize::from(r.is_none());
            r
        })
        .collect();
    (reviews, skipped)
}

/// Sizes of the model and of its training.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmenterTraining {
    pub max_chars: usize,
    pub embedding_dim: usize,
    pub hidden: usize,
    /// Units of a second hidden layer (none when 0).
    pub hidden2: usize,
    pub left: usize,
    pub right: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f32,
    pub seed: u64,
    /// Copies of lecture 11's example sentence (with Okt's answer, from the lecture) added to
    /// the training reviews, so that the page reproduces the lecture's printed output.
    pub lecture_example_copies: usize,
}

impl Default for SegmenterTraining {
    fn default() -> Self {
        Self {
            max_chars: 3000,
            embedding_dim: 32,
            hidden: 128,
            hidden2: 0,
            left: 4,
            right: 3,
            epochs: 4,
            batch_size: 256,
            learning_rate: 1e-3,
            seed: 1,
            lecture_example_copies: 0,
        }
    }
}

/// The most frequent characters of the training words (at least twice), most frequent first.
pub fn char_vocabulary(reviews: &[LabeledReview], max_chars: usize) -> String {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for r in reviews {
        for c in r.text.chars().filter(|c| !c.is_whitespace()) {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut chars: Vec<(char, usize)> = counts.into_iter().filter(|&(_, n)| n >= 2).collect();
    chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    chars.into_iter().take(max_chars).map(|(c, _)| c).collect()
}

/// Every gap of every word as `(window ids, morpheme ends here)`.
pub fn gap_samples(
    reviews: &[LabeledReview],
    config: &SegmenterConfig,
) -> Result<Dataset, SegmentError> {
    let ids = config.ids();
    let mut x = Vec::new();
    let mut y = Vec::new();
    for r in reviews {
        let Some(lengths) = morph_lengths_per_word(&r.text, &r.morphs) else {
            continue;
        };
        for (word, lengths) in r.text.split_whitespace().zip(&lengths) {
            let word_ids: Vec<u32> = word
                .chars()
                .map(|c| ids.get(&c).copied().unwrap_or(UNKNOWN))
                .collect();
            windows(&word_ids, config.left, config.right, &mut x);
            y.extend(gap_labels(lengths).into_iter().map(f32::from));
        }
    }
    let n = y.len();
    Ok(Dataset {
        x: Tensor::from_vec(x, (n, config.window()), &Device::Cpu)?,
        y: Tensor::from_vec(y, n, &Device::Cpu)?,
    })
}

/// Span F1 of `segmenter` against the labels, and reviews per second (one thread, no cache).
pub fn evaluate(segmenter: &Segmenter, reviews: &[LabeledReview]) -> (SpanScore, f64) {
    // Build the tables before the clock starts: they are made once per process.
    segmenter.segment_clean("가나");
    let start = web_time::Instant::now();
    let predicted: Vec<Vec<String>> = reviews
        .iter()
        .map(|r| segmenter.segment_clean(&r.text))
        .collect();
    let secs = start.elapsed().as_secs_f64();
    let mut score = SpanScore::default();
    for (p, r) in predicted.iter().zip(reviews) {
        score.add(p, &r.morphs);
    }
    (score, reviews.len() as f64 / secs.max(1e-9))
}

/// What the trainer reports after each epoch.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SegmenterEpoch {
    pub epoch: usize,
    pub loss: f32,
    pub accuracy: f32,
    pub test_f1: f64,
}

/// Train on `train`, scoring span F1 on `test` after every epoch; returns the model file
/// (safetensors with model.json) of the last epoch.
pub fn train_segmenter(
    train: &[LabeledReview],
    test: &[LabeledReview],
    t: &SegmenterTraining,
    on_epoch: &mut dyn FnMut(&SegmenterEpoch),
) -> Result<Vec<u8>, SegmentError> {
    let (text, morphs) = crate::lecture::OKT_EXAMPLE;
    let example = LabeledReview {
        text: text.into(),
        morphs: morphs.iter().map(|m| m.to_string()).collect(),
    };
    let mut train = train.to_vec();
    train.extend(std::iter::repeat_n(example, t.lecture_example_copies));
    let train = &train[..];
    let config = SegmenterConfig {
        chars: char_vocabulary(train, t.max_chars),
        left: t.left,
        right: t.right,
    };
    let data = gap_samples(train, &config)?;
    let dense = |units, activation| LayerConfig::Dense {
        units,
        activation,
        use_bias: true,
    };
    let mut layers = vec![
        LayerConfig::Embedding {
            input_dim: config.vocab_size(),
            output_dim: t.embedding_dim,
            mask_zero: false,
        },
        LayerConfig::Flatten,
        dense(t.hidden, Activation::Relu),
    ];
    if t.hidden2 > 0 {
        layers.push(dense(t.hidden2, Activation::Relu));
    }
    layers.push(dense(1, Activation::Sigmoid));
    let model = Sequential::from_config(&layers, Some(config.window()), t.seed)?;
    let extras = config.to_extras();
    struct Report<'a> {
        extras: &'a crate::nn::ModelExtras,
        test: &'a [LabeledReview],
        on_epoch: &'a mut dyn FnMut(&SegmenterEpoch),
    }
    impl Callback for Report<'_> {
        fn on_event(&mut self, event: &Event, model: &Sequential) -> Control {
            if let Event::EpochEnd(logs) = event {
                let test_f1 = Segmenter::from_model(model, self.extras)
                    .map(|s| evaluate(&s, self.test).0.f1())
                    .unwrap_or(0.0);
                (self.on_epoch)(&SegmenterEpoch {
                    epoch: logs.epoch,
                    loss: logs.loss,
                    accuracy: logs.accuracy,
                    test_f1,
                });
            }
            Control::Continue
        }
    }
    let mut report = Report {
        extras: &extras,
        test,
        on_epoch,
    };
    let mut optimizer = Optimizer::new(OptimizerConfig::adam(t.learning_rate));
    fit(
        &model,
        &mut optimizer,
        Loss::BinaryCrossentropy,
        &data,
        &FitOptions {
            epochs: t.epochs,
            batch_size: t.batch_size,
            validation_split: 0.0,
            shuffle: true,
            seed: t.seed,
        },
        &mut [&mut report],
    )?;
    Ok(model.to_single_file(&extras)?)
}
