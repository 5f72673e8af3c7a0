//! The benchmark cases behind `cargo xtask bench`, shared by the native run and the wasm run
//! in headless Chromium so both measure exactly the same work.
//!
//! Each case returns `{"case", "where", "metric", "value"}` records (see [`BenchRecord`]);
//! `cargo xtask bench` collects them into `target/bench/bench.json`.

use candle_core::{Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::lecture::NEXT_WORD_TEXT;
use crate::nn::{
    Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, Result, Sequential,
};
use crate::textgen::{self, TextgenConfig};
use crate::train;

/// One measured figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchRecord {
    pub case: String,
    /// `native` or `wasm`.
    #[serde(rename = "where")]
    pub place: String,
    pub metric: String,
    pub value: f64,
    /// Data-parallel workers of a training case (threads natively, replica workers in the
    /// page); absent for the other cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    /// Threads of rayon's pool in a worker of the shared-memory wasm build (the page's
    /// `threads/worker.js`); absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Each replica worker's milliseconds per timed batch by stage, in replica order (the
    /// page's rows with more than one worker): where the time goes that one worker would not
    /// spend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages_ms: Vec<ReplicaStagesMs>,
}

/// Milliseconds per batch of one replica worker, by stage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicaStagesMs {
    /// Its shard's forward and backward pass and encoding.
    pub shard: f64,
    /// From sending its shard until the peers' were all in and it could step.
    pub wait: f64,
    /// Decoding the peers' shards, summing them, the optimizer step.
    pub step: f64,
    /// The rest of the batch's wall time: scheduling and message handling between them.
    pub between: f64,
}

fn record(case: &str, place: &str, metric: &str, value: f64) -> BenchRecord {
    BenchRecord {
        case: case.into(),
        place: place.into(),
        metric: metric.into(),
        value,
        workers: None,
        threads: None,
        stages_ms: Vec::new(),
    }
}

/// Lecture 8 end to end: prepare, build, 200 epochs of Adam on the full batch (best of `reps`).
pub fn lecture8_200_epochs(place: &str, reps: usize) -> Result<Vec<BenchRecord>> {
    let mut best = f64::INFINITY;
    for seed in 0..reps.max(1) as u64 {
        let start = Instant::now();
        let trained = textgen::train(
            NEXT_WORD_TEXT,
            &TextgenConfig {
                seed,
                ..TextgenConfig::default()
            },
            |_| {},
        )?;
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(trained.history.epochs.len());
    }
    Ok(vec![record("lecture8-200-epochs", place, "seconds", best)])
}

/// The classifier shape of lectures 9/11: Embedding → cell → Dense(1, sigmoid).
fn classifier(
    vocab: usize,
    dim: usize,
    cell: CellKind,
    units: usize,
    len: usize,
) -> Result<Sequential> {
    Sequential::from_config(
        &[
            LayerConfig::Embedding {
                input_dim: vocab,
                output_dim: dim,
                mask_zero: false,
            },
            LayerConfig::rnn(cell, units),
            LayerConfig::Dense {
                units: 1,
                activation: Activation::Sigmoid,
                use_bias: true,
            },
        ],
        Some(len),
        0,
    )
}

fn random_batch(
    rng: &mut StdRng,
    batch: usize,
    len: usize,
    vocab: usize,
) -> Result<(Tensor, Tensor)> {
    let ids: Vec<u32> = (0..batch * len)
        .map(|_| rng.random_range(1..vocab as u32))
        .collect();
    let labels: Vec<f32> = (0..batch).map(|_| rng.random_range(0..2) as f32).collect();
    Ok((
        Tensor::from_vec(ids, (batch, len), &Device::Cpu)?,
        Tensor::from_vec(labels, batch, &Device::Cpu)?,
    ))
}

/// Batches shaped like the lecture's padded reviews: 4–28 words each, padded in front to
/// `len` (`pad_sequences`' default), word indices log-uniform over the vocabulary (a frequent
/// word has a small index, as a Keras tokenizer assigns them), so words repeat as in text.
fn review_batch(
    rng: &mut StdRng,
    batch: usize,
    len: usize,
    vocab: usize,
) -> Result<(Tensor, Tensor)> {
    let mut ids = Vec::with_capacity(batch * len);
    for _ in 0..batch {
        let words = rng.random_range(4..=28).min(len);
        ids.extend(std::iter::repeat_n(0u32, len - words));
        ids.extend((0..words).map(|_| {
            let index = (vocab as f64 - 1.0).powf(rng.random::<f64>()) as u32;
            index.clamp(1, vocab as u32 - 1)
        }));
    }
    let labels: Vec<f32> = (0..batch).map(|_| rng.random_range(0..2) as f32).collect();
    Ok((
        Tensor::from_vec(ids, (batch, len), &Device::Cpu)?,
        Tensor::from_vec(labels, batch, &Device::Cpu)?,
    ))
}

/// The four batches a training case cycles through (seeded: every run, native or wasm, 1 or K
/// workers, trains on the same ones).
fn bench_batches(
    kind: BatchKind,
    batch: usize,
    len: usize,
    vocab: usize,
) -> Result<Vec<(Tensor, Tensor)>> {
    let mut rng = StdRng::seed_from_u64(1);
    let make = match kind {
        BatchKind::RandomIds => random_batch,
        BatchKind::PaddedReviews | BatchKind::PaddedReviewsUnshared => review_batch,
    };
    (0..4).map(|_| make(&mut rng, batch, len, vocab)).collect()
}

/// What a benchmark batch holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchKind {
    /// Every position a uniformly random word (no padding): the heaviest case.
    RandomIds,
    /// Padded review-like sequences ([`review_batch`]).
    PaddedReviews,
    /// The same, every sample run through its own padding (the shared prefix turned off):
    /// the A/B of [`crate::nn::padding_prefix`].
    PaddedReviewsUnshared,
}

/// Training throughput (samples/s) of one classifier configuration, Adam, binary CE.
#[allow(clippy::too_many_arguments)]
pub fn classifier_train(
    case: &str,
    place: &str,
    cell: CellKind,
    vocab: usize,
    dim: usize,
    units: usize,
    batch: usize,
    steps: usize,
    fused: bool,
) -> Result<Vec<BenchRecord>> {
    classifier_train_on(
        case,
        place,
        (cell, vocab, dim, units),
        batch,
        steps,
        fused,
        BatchKind::RandomIds,
    )
}

/// As [`classifier_train`], on batches of the given kind; `shape` is (cell, vocabulary,
/// embedding dim, units).
pub fn classifier_train_on(
    case: &str,
    place: &str,
    shape: ClassifierShape,
    batch: usize,
    steps: usize,
    fused: bool,
    kind: BatchKind,
) -> Result<Vec<BenchRecord>> {
    classifier_train_with_workers(case, place, shape, batch, steps, fused, kind, 1)
}

/// As [`classifier_train_on`], each batch's gradient over `workers` shards
/// ([`train::batch_gradient`]: threads natively).
#[allow(clippy::too_many_arguments)]
pub fn classifier_train_with_workers(
    case: &str,
    place: &str,
    shape: ClassifierShape,
    batch: usize,
    steps: usize,
    fused: bool,
    kind: BatchKind,
    workers: usize,
) -> Result<Vec<BenchRecord>> {
    let (cell, vocab, dim, units) = shape;
    let len = 60;
    let mut model = classifier(vocab, dim, cell, units, len)?;
    model.set_fused(fused);
    model.set_share_padding(kind != BatchKind::PaddedReviewsUnshared);
    let vars = model.trainable_variables();
    let mut optimizer = Optimizer::new(OptimizerConfig::adam(1e-3));
    let batches = bench_batches(kind, batch, len, vocab)?;
    let mut step = |i: usize| -> Result<()> {
        let (x, y) = &batches[i % batches.len()];
        // The trainer's gradient (the Embedding's as rows), as `fit` takes it.
        let g = train::batch_gradient(&model, Loss::BinaryCrossentropy, x, y, workers)?;
        optimizer.step_with_rows(&vars, &g.grads, &g.rows)
    };
    step(0)?; // warm-up
    let start = Instant::now();
    for i in 0..steps {
        step(i + 1)?;
    }
    let secs = start.elapsed().as_secs_f64();
    let mut out = vec![BenchRecord {
        workers: Some(workers),
        ..record(case, place, "samples_per_s", (steps * batch) as f64 / secs)
    }];
    if workers > 1 {
        // Inference does not shard.
        return Ok(out);
    }
    // Inference throughput on the same shapes.
    let (x, _) = &batches[0];
    let start = Instant::now();
    let reps = steps.max(1);
    for _ in 0..reps {
        std::hint::black_box(train::predict(&model, x, batch)?);
    }
    let predict_secs = start.elapsed().as_secs_f64();
    out.push(record(
        &format!("{case}-predict"),
        place,
        "samples_per_s",
        (reps * batch) as f64 / predict_secs,
    ));
    Ok(out)
}

/// (cell, vocabulary, embedding dim, units) of a classifier case.
pub type ClassifierShape = (CellKind, usize, usize, usize);

/// (case, shape, batch size, batch kind).
pub type ReplicaCase = (&'static str, ClassifierShape, usize, BatchKind);

/// The page's data-parallel benchmark cases: `(case, (cell, vocabulary, embedding dim,
/// units), batch, batch kind)`, the same shapes as the single-thread cases of the same names.
pub const REPLICA_CASES: [ReplicaCase; 3] = [
    (
        "lecture11-gru-train",
        (CellKind::Gru, 8000, 100, 128),
        60,
        BatchKind::RandomIds,
    ),
    (
        "lecture11-gru-train-padded-reviews",
        (CellKind::Gru, 8000, 100, 128),
        60,
        BatchKind::PaddedReviews,
    ),
    (
        "lecture9-simplernn-train-padded-reviews",
        (CellKind::SimpleRnn, 8000, 128, 64),
        32,
        BatchKind::PaddedReviews,
    ),
];

/// One of [`REPLICA_CASES`] as a trainer over its four batches (no shuffling, no
/// validation), for the page's replica workers to step through as they train: `(model,
/// trainer, optimizer, batch size)`. `batch` replaces the case's batch size (1–1,000): one
/// worker on half a batch is what each of two replicas computes, timed without its peer.
pub fn replica_case(
    case: &str,
    batch: Option<usize>,
) -> Result<(Sequential, train::Trainer, Optimizer, usize)> {
    let Some((_, (cell, vocab, dim, units), case_batch, kind)) =
        REPLICA_CASES.iter().find(|c| c.0 == case).copied()
    else {
        return Err(crate::nn::NnError::Config(format!(
            "no data-parallel benchmark case {case:?}"
        )));
    };
    let batch = batch.unwrap_or(case_batch);
    if !(1..=1000).contains(&batch) {
        return Err(crate::nn::NnError::Config(format!(
            "a benchmark batch of {batch}: give 1 to 1000 samples"
        )));
    }
    let len = 60;
    let model = classifier(vocab, dim, cell, units, len)?;
    let batches = bench_batches(kind, batch, len, vocab)?;
    let xs: Vec<&Tensor> = batches.iter().map(|b| &b.0).collect();
    let ys: Vec<&Tensor> = batches.iter().map(|b| &b.1).collect();
    let data = train::Dataset {
        x: Tensor::cat(&xs, 0)?,
        y: Tensor::cat(&ys, 0)?,
    };
    let trainer = train::Trainer::new(
        Loss::BinaryCrossentropy,
        &data,
        &train::FitOptions {
            epochs: 100_000,
            batch_size: batch,
            shuffle: false,
            ..train::FitOptions::default()
        },
    )?;
    Ok((
        model,
        trainer,
        Optimizer::new(OptimizerConfig::adam(1e-3)),
        batch,
    ))
}

/// A replica-benchmark figure, as a record (with this replica's stages, if it has peers).
pub fn replica_record(
    case: &str,
    workers: usize,
    samples_per_s: f64,
    stages: Option<(crate::train::replica::StageTimes, f64)>,
) -> BenchRecord {
    let stages_ms = stages.map(|(times, wall_s)| {
        let [shard, wait, step] = times.per_batch_ms();
        let wall = wall_s * 1000.0 / times.batches.max(1) as f64;
        // Hundredths of a millisecond: the machine's noise is far larger.
        let ms = |x: f64| (x * 100.0).round() / 100.0;
        ReplicaStagesMs {
            shard: ms(shard),
            wait: ms(wait),
            step: ms(step),
            between: ms((wall - shard - wait - step).max(0.0)),
        }
    });
    BenchRecord {
        workers: Some(workers),
        stages_ms: stages_ms.into_iter().collect(),
        ..record(case, "wasm", "samples_per_s", samples_per_s)
    }
}

/// One record of a data-parallel run from each replica's (in replica order): replica 0's
/// figure (every replica times the same batches) with every replica's stages.
pub fn merge_replica_records(records: Vec<BenchRecord>) -> Option<BenchRecord> {
    let mut records = records.into_iter();
    let mut first = records.next()?;
    for r in records {
        first.stages_ms.extend(r.stages_ms);
    }
    Some(first)
}

/// The segmenter on the forty reviews of [`crate::lecture::EXAMPLE_REVIEWS`] (cleaning
/// included, one thread, no word cache, so every review is segmented from scratch).
pub fn segment_reviews(place: &str, quick: bool) -> Result<Vec<BenchRecord>> {
    let segmenter = crate::segment::Segmenter::shipped();
    let reviews: Vec<&str> = crate::lecture::EXAMPLE_REVIEWS.lines().collect();
    let reps = if quick { 100 } else { 500 };
    let mut count = 0usize;
    let start = Instant::now();
    for _ in 0..reps {
        for review in &reviews {
            count += std::hint::black_box(segmenter.segment(review)).len().min(1);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    Ok(vec![record(
        "segment-reviews",
        place,
        "reviews_per_s",
        count as f64 / secs,
    )])
}

/// Loading the segmenter's lexicon file (`bytes`: inflate the table, build the transducer), as
/// a worker does once before it first segments: the median of `reps` loads, in milliseconds.
pub fn segmenter_load(place: &str, bytes: &[u8], reps: usize) -> Result<Vec<BenchRecord>> {
    let mut times = Vec::with_capacity(reps.max(1));
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        std::hint::black_box(crate::segment::Segmenter::from_lexicon_bytes(bytes)?);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(vec![record(
        "segmenter-load",
        place,
        "ms_median",
        times[times.len() / 2],
    )])
}

/// One review through a shipped sentiment model (clean + segment + stopwords + pad + forward),
/// one at a time as the page classifies while the user types: the median of `reps` reviews.
pub fn classify_one_review(
    place: &str,
    case: &str,
    config_json: &str,
    weights: &[u8],
    reps: usize,
) -> Result<Vec<BenchRecord>> {
    let (model, extras) = Sequential::from_files(config_json, weights)?;
    let model = crate::sentiment::SentimentModel::from_parts(model, extras)?;
    let ms = median_ms_per_review(reps, |review| model.predict(&[review]))?;
    Ok(vec![record(case, place, "ms_median", ms)])
}

/// [`classify_one_review`] for the page's default verdict, the best model (an ensemble folder's
/// model.json and weights): each review through every member, one at a time.
pub fn classify_one_review_best(
    place: &str,
    config_json: &str,
    weights: &[u8],
    reps: usize,
) -> Result<Vec<BenchRecord>> {
    let model = crate::ensemble::Ensemble::from_files(config_json, weights)?;
    let ms = median_ms_per_review(reps, |review| model.predict(&[review]))?;
    Ok(vec![record(
        "classify-one-review-best",
        place,
        "ms_median",
        ms,
    )])
}

/// The median time of `predict` on one of the example reviews, `reps` times in turn, after
/// one unmeasured call (the segmenter's tables and the first allocations).
fn median_ms_per_review(reps: usize, predict: impl Fn(&str) -> Result<Vec<f32>>) -> Result<f64> {
    let reviews: Vec<&str> = crate::lecture::EXAMPLE_REVIEWS.lines().collect();
    predict(reviews[0])?;
    let mut times = Vec::with_capacity(reps);
    for i in 0..reps.max(1) {
        let start = Instant::now();
        std::hint::black_box(predict(reviews[i % reviews.len()])?);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Every case. `quick` runs fewer steps (the wasm run in a browser).
///
/// In the browser every case first runs once unmeasured: V8 starts wasm in its baseline
/// compiler and tiers hot functions up later, so without a warm-up whichever case runs first
/// is measured on slower code.
pub fn run_all(place: &str, quick: bool) -> Result<Vec<BenchRecord>> {
    run_matching(place, quick, "")
}

/// The cases whose name contains `filter` (all for an empty filter).
pub fn run_matching(place: &str, quick: bool, filter: &str) -> Result<Vec<BenchRecord>> {
    if place == "wasm" {
        run_cases(place, 3, filter)?;
    }
    run_cases(place, if quick { 10 } else { 30 }, filter)
}

fn run_cases(place: &str, steps: usize, filter: &str) -> Result<Vec<BenchRecord>> {
    let quick = steps < 30;
    let mut out = Vec::new();
    if "segment-reviews".contains(filter) {
        out.extend(segment_reviews(place, quick)?);
    }
    if "lecture8-200-epochs".contains(filter) {
        out.extend(lecture8_200_epochs(place, if quick { 3 } else { 5 })?);
    }
    if "lecture9-simplernn-train".contains(filter) {
        out.extend(classifier_train(
            "lecture9-simplernn-train",
            place,
            CellKind::SimpleRnn,
            8000,
            128,
            64,
            32,
            steps,
            true,
        )?);
    }
    if "lecture11-gru-train".contains(filter) {
        out.extend(classifier_train(
            "lecture11-gru-train",
            place,
            CellKind::Gru,
            8000,
            100,
            128,
            60,
            steps,
            true,
        )?);
    }
    // The same models on review-shaped (pre-padded) batches: the padding prefix is shared
    // (`nn::padding_prefix`) and the Embedding → RNN shortcut (`nn::Embedded`) skips the
    // repeated words' input products.
    if "lecture9-simplernn-train-padded-reviews".contains(filter) {
        out.extend(classifier_train_on(
            "lecture9-simplernn-train-padded-reviews",
            place,
            (CellKind::SimpleRnn, 8000, 128, 64),
            32,
            steps,
            true,
            BatchKind::PaddedReviews,
        )?);
    }
    if "lecture11-gru-train-padded-reviews".contains(filter) {
        out.extend(classifier_train_on(
            "lecture11-gru-train-padded-reviews",
            place,
            (CellKind::Gru, 8000, 100, 128),
            60,
            steps,
            true,
            BatchKind::PaddedReviews,
        )?);
    }
    if "lecture11-gru-train-padded-reviews-unshared".contains(filter) {
        out.extend(classifier_train_on(
            "lecture11-gru-train-padded-reviews-unshared",
            place,
            (CellKind::Gru, 8000, 100, 128),
            60,
            steps,
            true,
            BatchKind::PaddedReviewsUnshared,
        )?);
    }
    // In wasm, one replica's part of those cases' batches with 2 workers (half a batch): what
    // each of the page's 2 replica workers computes per step, so the page's 2-worker figure
    // can be set against twice this one (the rest is the exchange and the per-step work that
    // does not shrink with the shard).
    if place == "wasm" {
        for (case, shape, batch, kind) in REPLICA_CASES {
            let shard_case = format!("{case}-shard-of-2");
            if shard_case.contains(filter) {
                out.extend(
                    classifier_train_with_workers(
                        &shard_case,
                        place,
                        shape,
                        batch.div_ceil(2),
                        steps,
                        true,
                        kind,
                        1,
                    )?
                    .into_iter()
                    .filter(|r| !r.case.ends_with("-predict")),
                );
            }
        }
    }
    // Natively, the same three cases with each batch's gradient in two threads.
    if place == "native" {
        for (case, shape, batch, kind) in REPLICA_CASES {
            if case.contains(filter) {
                out.extend(classifier_train_with_workers(
                    case, place, shape, batch, steps, true, kind, 2,
                )?);
            }
        }
    }
    if "lecture9-lstm-train".contains(filter) {
        out.extend(classifier_train(
            "lecture9-lstm-train",
            place,
            CellKind::Lstm,
            8000,
            128,
            64,
            32,
            steps,
            true,
        )?);
    }
    // Before/after: the same training with candle's step-by-step autograd.
    if "lecture9-simplernn-train-autograd-reference".contains(filter) {
        out.extend(classifier_train(
            "lecture9-simplernn-train-autograd-reference",
            place,
            CellKind::SimpleRnn,
            8000,
            128,
            64,
            32,
            steps / 2,
            false,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::replica::StageTimes;

    #[test]
    fn a_replica_record_gives_each_stage_per_batch_and_the_rest_as_between() {
        let times = StageTimes {
            batches: 4,
            shard_s: 0.2,
            wait_s: 0.04,
            step_s: 0.02,
        };
        // 0.3 s of wall time over 4 batches: 75 ms a batch, of which 50 + 10 + 5 are timed.
        let r = replica_record("c", 2, 800.0, Some((times, 0.3)));
        let [s] = r.stages_ms.as_slice() else {
            panic!("one replica's stages: {:?}", r.stages_ms)
        };
        for (got, want) in [
            (s.shard, 50.0),
            (s.wait, 10.0),
            (s.step, 5.0),
            (s.between, 10.0),
        ] {
            assert!((got - want).abs() < 1e-9, "{s:?}");
        }
        // A lone worker has no stages, and its JSON has no `stages_ms` field.
        let alone = replica_record("c", 1, 400.0, None);
        assert!(!serde_json::to_string(&alone).unwrap().contains("stages_ms"));
    }

    #[test]
    fn merged_replica_records_keep_the_first_figure_and_every_stage_in_order() {
        let times = |shard_s| StageTimes {
            batches: 1,
            shard_s,
            wait_s: 0.0,
            step_s: 0.0,
        };
        let a = replica_record("c", 2, 700.0, Some((times(0.07), 0.1)));
        let b = replica_record("c", 2, 690.0, Some((times(0.08), 0.1)));
        let merged = merge_replica_records(vec![a, b]).unwrap();
        assert_eq!(merged.value, 700.0);
        let shards: Vec<f64> = merged.stages_ms.iter().map(|s| s.shard).collect();
        assert_eq!(shards.len(), 2);
        assert!((shards[0] - 70.0).abs() < 1e-9 && (shards[1] - 80.0).abs() < 1e-9);
        assert_eq!(merge_replica_records(Vec::new()), None);
    }

    #[test]
    fn a_replica_case_takes_its_own_batch_or_the_one_given() {
        let (_, _, _, batch) = replica_case("lecture11-gru-train", None).unwrap();
        assert_eq!(batch, 60);
        let (model, mut trainer, _, batch) = replica_case("lecture11-gru-train", Some(30)).unwrap();
        assert_eq!(batch, 30);
        let first = trainer.next_batch(&model).unwrap().expect("a batch");
        assert_eq!(first.x.dims(), [30, 60]);
        assert!(replica_case("lecture11-gru-train", Some(0)).is_err());
        assert!(replica_case("no-such-case", None).is_err());
    }
}
