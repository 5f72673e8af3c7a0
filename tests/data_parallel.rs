//! Data parallelism (`FitOptions::workers`): a batch cut into shards whose gradients are
//! summed gives the weights one shard gives, up to the order of float sums, for every cell,
//! masked and bucketed or pre-padded (with the shared padding prefix), and through a whole
//! epoch of the trainer; the losses and accuracies it reports are the same too.

use candle_core::{Device, Tensor};
use rnn_playground::nn::{
    Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, Sequential,
};
use rnn_playground::train::{Dataset, FitOptions, Trainer};

fn model(cell: CellKind, mask_zero: bool, seed: u64) -> Sequential {
    let layers = vec![
        LayerConfig::Embedding {
            input_dim: 12,
            output_dim: 5,
            mask_zero,
        },
        LayerConfig::rnn(cell, 7),
        LayerConfig::Dense {
            units: 1,
            activation: Activation::Sigmoid,
            use_bias: true,
        },
    ];
    Sequential::from_config(&layers, Some(9), seed).unwrap()
}

/// Reviews of 1 to 8 tokens, pre-padded to 9; label 1 when token 3 occurs.
fn data(n: usize) -> Dataset {
    let mut x = vec![0u32; n * 9];
    let mut y = Vec::new();
    for i in 0..n {
        let len = 1 + (i * 5) % 8;
        for t in 0..len {
            x[i * 9 + 9 - len + t] = (1 + (i * 7 + t * 5) % 11) as u32;
        }
        let positive = x[i * 9..(i + 1) * 9].contains(&3);
        y.push(f32::from(u8::from(positive)));
    }
    Dataset {
        x: Tensor::from_vec(x, (n, 9), &Device::Cpu).unwrap(),
        y: Tensor::from_vec(y, n, &Device::Cpu).unwrap(),
    }
}

/// Every weight after two epochs of `workers` shards, and the epochs' logs.
fn train(cell: CellKind, mask_zero: bool, workers: usize) -> (Vec<Vec<f32>>, Vec<(f32, f32)>) {
    train_batches(cell, mask_zero, workers, 10)
}

fn train_batches(
    cell: CellKind,
    mask_zero: bool,
    workers: usize,
    batch_size: usize,
) -> (Vec<Vec<f32>>, Vec<(f32, f32)>) {
    let m = model(cell, mask_zero, 11);
    let options = FitOptions {
        epochs: 2,
        batch_size,
        validation_split: 0.2,
        bucket_by_length: mask_zero,
        workers,
        ..FitOptions::default()
    };
    let mut trainer = Trainer::new(Loss::BinaryCrossentropy, &data(57), &options).unwrap();
    let mut opt = Optimizer::new(OptimizerConfig::rmsprop(0.01));
    let mut logs = Vec::new();
    while !trainer.finished() {
        if let Some(l) = trainer.run_batch(&m, &mut opt, &mut []).unwrap() {
            logs.push((l.loss, l.accuracy));
        }
    }
    let weights = m
        .trainable_variables()
        .iter()
        .map(|(_, v)| {
            v.as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap()
        })
        .collect();
    (weights, logs)
}

#[test]
fn two_and_three_workers_reach_the_weights_of_one() {
    for cell in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru] {
        for mask_zero in [false, true] {
            let (one, one_logs) = train(cell, mask_zero, 1);
            for workers in [2, 3] {
                let (k, k_logs) = train(cell, mask_zero, workers);
                let mut worst = 0f32;
                for (a, b) in one.iter().zip(&k) {
                    for (x, y) in a.iter().zip(b) {
                        worst = worst.max((x - y).abs() / (1.0 + x.abs()));
                    }
                }
                assert!(
                    worst < 2e-5,
                    "{cell:?} mask_zero={mask_zero} workers={workers}: weights differ by {worst}"
                );
                for ((l1, a1), (lk, ak)) in one_logs.iter().zip(&k_logs) {
                    assert!((l1 - lk).abs() < 1e-5, "{cell:?}: loss {l1} vs {lk}");
                    assert!((a1 - ak).abs() < 1e-6, "{cell:?}: accuracy {a1} vs {ak}");
                }
            }
        }
    }
}

#[test]
fn the_shards_are_not_the_same_as_one_smaller_batch() {
    // The check above could pass if every shard simply saw the whole batch: a batch of 5
    // (one shard's size) must give other weights.
    let (small, _) = train_batches(CellKind::Gru, false, 1, 5);
    let (two, _) = train(CellKind::Gru, false, 2);
    let gap = small[1]
        .iter()
        .zip(&two[1])
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(gap > 1e-3, "{gap}");
}

/// The page's protocol without the page: K replicas ([`Replica`]), each with its own copy of
/// the model (same seed) and its own trainer, compute their shard of each batch and exchange
/// it as bytes, delivered in a scrambled order; each sums the K shards in replica order and
/// steps. Every replica ends with the same weights, bit for bit, and they are those of one
/// worker up to float summation order.
#[test]
fn replicas_exchanging_encoded_shards_stay_identical_and_match_one_worker() {
    use rnn_playground::train::replica::{Finish, Replica};
    for mask_zero in [false, true] {
        let (one, one_logs) = train(CellKind::Gru, mask_zero, 1);
        let k = 3;
        let options = FitOptions {
            epochs: 2,
            batch_size: 10,
            validation_split: 0.2,
            bucket_by_length: mask_zero,
            ..FitOptions::default()
        };
        let mut replicas: Vec<(Sequential, Trainer, Optimizer, Replica)> = (0..k)
            .map(|i| {
                (
                    model(CellKind::Gru, mask_zero, 11),
                    Trainer::new(Loss::BinaryCrossentropy, &data(57), &options).unwrap(),
                    Optimizer::new(OptimizerConfig::rmsprop(0.01)),
                    Replica::new(i, k),
                )
            })
            .collect();
        let mut logs = Vec::new();
        loop {
            let mut outbox = Vec::new();
            for (i, (m, t, _, r)) in replicas.iter_mut().enumerate() {
                if let Some(bytes) = r.begin(t, m).unwrap() {
                    outbox.push((i, bytes));
                }
            }
            if outbox.is_empty() {
                break;
            }
            assert_eq!(outbox.len(), k, "every replica takes the same batches");
            // Before all shards are in, a replica waits.
            let (m, t, o, r) = &mut replicas[0];
            assert_eq!(r.finish(t, m, o, &mut []).unwrap(), Finish::Waiting);
            for (from, bytes) in outbox.iter().rev() {
                for (i, (_, _, _, r)) in replicas.iter_mut().enumerate() {
                    if i != *from {
                        r.receive(bytes.clone()).unwrap();
                    }
                }
            }
            for (i, (m, t, o, r)) in replicas.iter_mut().enumerate() {
                match r.finish(t, m, o, &mut []).unwrap() {
                    Finish::Stepped(Some(l)) if i == 0 => logs.push((l.loss, l.accuracy)),
                    Finish::Stepped(_) => {}
                    Finish::Waiting => panic!("replica {i} has every shard"),
                }
            }
        }
        let weights = |m: &Sequential| -> Vec<Vec<f32>> {
            m.trainable_variables()
                .iter()
                .map(|(_, v)| v.as_tensor().flatten_all().unwrap().to_vec1().unwrap())
                .collect()
        };
        // Each replica timed every batch it stepped, stage by stage.
        let batches = replicas[0].1.history().batch_loss.len() as u64;
        for (_, _, _, r) in &replicas {
            let stages = r.stages();
            assert_eq!(stages.batches, batches);
            assert!(stages.shard_s > 0.0 && stages.wait_s >= 0.0 && stages.step_s > 0.0);
        }
        let first = weights(&replicas[0].0);
        for (m, _, _, _) in &replicas[1..] {
            assert_eq!(weights(m), first, "replicas must stay bit-identical");
        }
        let worst = one
            .iter()
            .flatten()
            .zip(first.iter().flatten())
            .map(|(a, b)| (a - b).abs() / (1.0 + a.abs()))
            .fold(0f32, f32::max);
        assert!(worst < 2e-5, "mask_zero={mask_zero}: {worst}");
        assert_eq!(logs.len(), one_logs.len());
        for ((a, b), (c, d)) in logs.iter().zip(&one_logs) {
            assert!((a - c).abs() < 1e-5 && (b - d).abs() < 1e-6);
        }
    }
}
