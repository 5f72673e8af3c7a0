//! The shared padding prefix (`nn::padding_prefix`) gives the same outputs and the same
//! gradient of every weight as running each sample through its own padding: random padding
//! lengths (none, all, and in between), SimpleRNN, LSTM and GRU, a stack whose first layer
//! returns sequences (nothing is shared there), and training.

use candle_core::{Device, Tensor};
use rand::{Rng, SeedableRng};
use rnn_playground::nn::{
    Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, Sequential,
};
use rnn_playground::train::{Dataset, FitOptions, fit};

fn model(layers: Vec<LayerConfig>, seed: u64) -> Sequential {
    let mut all = vec![LayerConfig::Embedding {
        input_dim: 20,
        output_dim: 5,
        mask_zero: false,
    }];
    all.extend(layers);
    all.push(LayerConfig::Dense {
        units: 1,
        activation: Activation::Sigmoid,
        use_bias: true,
    });
    Sequential::from_config(&all, Some(12), seed).unwrap()
}

/// Pre-padded rows: padding lengths from 0 to all 12, then ids 1..20 (with a 0 inside one row,
/// which is a word there, not padding).
fn batch(rows: usize, seed: u64) -> Tensor {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut ids = vec![0u32; rows * 12];
    for b in 0..rows {
        let pad = match b {
            0 => 0,
            1 => 12,
            _ => rng.random_range(0..=12),
        };
        for t in pad..12 {
            ids[b * 12 + t] = rng.random_range(1..20);
        }
        if b == 2 && pad < 10 {
            ids[b * 12 + 11] = 0;
        }
    }
    Tensor::from_vec(ids, (rows, 12), &Device::Cpu).unwrap()
}

fn assert_same(m: &Sequential, x: &Tensor, what: &str) {
    let shared = m.forward(x).unwrap();
    let plain = m.forward_without_padding_prefix(x).unwrap();
    let gap = (&shared - &plain)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap();
    assert!(gap.to_scalar::<f32>().unwrap() < 1e-6, "{what}: outputs");
    let weights = Tensor::arange(0f32, x.dim(0).unwrap() as f32, &Device::Cpu)
        .unwrap()
        .affine(0.1, -0.3)
        .unwrap()
        .unsqueeze(1)
        .unwrap();
    let loss = |out: &Tensor| (out * &weights).unwrap().sum_all().unwrap();
    let (gs, gp) = (
        loss(&shared).backward().unwrap(),
        loss(&plain).backward().unwrap(),
    );
    for (name, v) in m.trainable_variables() {
        let (a, b) = (gs.get(v.as_tensor()), gp.get(v.as_tensor()));
        let (Some(a), Some(b)) = (a, b) else {
            panic!("{what}: {name} has a gradient on one path only");
        };
        let gap = (a - b).unwrap().abs().unwrap().max_all().unwrap();
        let scale = b
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        let gap = gap.to_scalar::<f32>().unwrap();
        assert!(
            gap <= 1e-5 * scale.max(1.0),
            "{what}: {name} differs by {gap}"
        );
    }
}

#[test]
fn shared_padding_gives_the_same_outputs_and_gradients_for_every_cell() {
    for (seed, cell) in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru]
        .into_iter()
        .enumerate()
    {
        // 40 rows are enough positions for the Embedding → RNN shortcut (`Embedded`), whose
        // products are gathered at the read positions only.
        for rows in [1, 3, 17, 40] {
            let m = model(vec![LayerConfig::rnn(cell, 6)], seed as u64);
            assert_same(
                &m,
                &batch(rows, 7 + rows as u64),
                &format!("{cell:?}, {rows} rows"),
            );
        }
    }
}

#[test]
fn a_stack_and_a_batch_without_padding_are_unchanged() {
    let stacked = model(
        vec![
            LayerConfig::Recurrent {
                cell: CellKind::Gru,
                units: 4,
                return_sequences: true,
                go_backwards: false,
                reset_after: true,
                use_bias: true,
            },
            LayerConfig::rnn(CellKind::Lstm, 3),
        ],
        3,
    );
    assert_same(&stacked, &batch(9, 1), "stack");
    let m = model(vec![LayerConfig::rnn(CellKind::Gru, 6)], 4);
    let full = Tensor::from_vec(
        (1..=24u32).map(|i| i % 19 + 1).collect(),
        (2, 12),
        &Device::Cpu,
    )
    .unwrap();
    assert_same(&m, &full, "no padding");
}

/// `fit` (through the shared prefix) and the same twelve Adam steps taken by hand through the
/// plain path end at the same weights.
#[test]
fn training_takes_the_same_steps_either_way() {
    let m = model(vec![LayerConfig::rnn(CellKind::Gru, 6)], 9);
    let x = batch(16, 3);
    let y = Tensor::from_vec(
        (0..16).map(|i| (i % 2) as f32).collect::<Vec<_>>(),
        16,
        &Device::Cpu,
    )
    .unwrap();
    let twin = model(vec![LayerConfig::rnn(CellKind::Gru, 6)], 9);
    let data = Dataset {
        x: x.clone(),
        y: y.clone(),
    };
    let options = FitOptions {
        epochs: 3,
        batch_size: 4,
        shuffle: false,
        ..FitOptions::default()
    };
    let mut opt = Optimizer::new(OptimizerConfig::adam(0.01));
    fit(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &data,
        &options,
        &mut [],
    )
    .unwrap();
    // The twin takes the same 12 steps through the plain path.
    let mut opt2 = Optimizer::new(OptimizerConfig::adam(0.01));
    for _ in 0..3 {
        for b in 0..4 {
            let xb = x.narrow(0, b * 4, 4).unwrap();
            let yb = y.narrow(0, b * 4, 4).unwrap();
            let p = twin
                .forward_without_padding_prefix(&xb)
                .unwrap()
                .flatten_all()
                .unwrap();
            let loss = Loss::BinaryCrossentropy.compute(&yb, &p, false).unwrap();
            let grads = loss.backward().unwrap();
            opt2.step(&twin.trainable_variables(), &grads).unwrap();
        }
    }
    for ((name, a), (_, b)) in m
        .trainable_variables()
        .iter()
        .zip(twin.trainable_variables())
    {
        let gap = (a.as_tensor() - b.as_tensor())
            .unwrap()
            .abs()
            .unwrap()
            .max_all()
            .unwrap();
        assert!(gap.to_scalar::<f32>().unwrap() < 1e-4, "{name}");
    }
}
