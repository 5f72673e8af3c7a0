//! An Embedding's gradient kept as the rows a batch read (`nn::RowGradient`) against the
//! dense table it stands for: the same gradient, and the optimizer's update from it the same
//! weights, bit for bit.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rnn_playground::nn::{
    Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, RowGradient, Sequential,
};
use rnn_playground::train::{loss_and_output, shard_gradient};

fn values(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

/// A table big enough that the update splits over threads natively (≥ 65,536 values), and a
/// gradient at a few rows, the first and the last among them.
#[test]
fn the_update_from_rows_equals_the_update_from_the_dense_table() {
    let (rows, width) = (3000, 30);
    let mut rng = StdRng::seed_from_u64(3);
    let start: Vec<f32> = (0..rows * width)
        .map(|_| rng.random_range(-0.05..0.05))
        .collect();
    let configs = [
        OptimizerConfig::adam(1e-3),
        OptimizerConfig::adam(1e-2).with_clipnorm(0.5),
        OptimizerConfig::rmsprop(1e-3),
        OptimizerConfig::sgd(0.1, 0.9),
    ];
    for config in configs {
        let dense_w = Var::from_vec(start.clone(), (rows, width), &Device::Cpu).unwrap();
        let rows_w = Var::from_vec(start.clone(), (rows, width), &Device::Cpu).unwrap();
        let (mut dense_opt, mut rows_opt) = (Optimizer::new(config), Optimizer::new(config));
        for step in 0..4 {
            let mut listed: Vec<u32> = (0..40)
                .map(|_| rng.random_range(1..rows as u32 - 1))
                .collect();
            listed.extend([0, rows as u32 - 1]);
            listed.sort_unstable();
            listed.dedup();
            let g: Vec<f32> = (0..listed.len() * width)
                .map(|_| rng.random_range(-1.0..1.0))
                .collect();
            let sparse = RowGradient::new(listed, width, g).unwrap();
            let dense =
                Tensor::from_vec(sparse.to_dense(rows), (rows, width), &Device::Cpu).unwrap();
            let mut grads = candle_core::backprop::GradStore::default();
            grads.insert(dense_w.as_tensor(), dense);
            dense_opt
                .step(&[("embeddings".into(), dense_w.clone())], &grads)
                .unwrap();
            let by_id = HashMap::from([(rows_w.id(), sparse)]);
            rows_opt
                .step_with_rows(
                    &[("embeddings".into(), rows_w.clone())],
                    &Default::default(),
                    &by_id,
                )
                .unwrap();
            assert_eq!(
                values(dense_w.as_tensor()),
                values(rows_w.as_tensor()),
                "{config:?}, step {step}"
            );
        }
    }
}

/// The trainer's gradient (`shard_gradient`, the Embedding's as rows) against plain autograd
/// on the whole model: the same table gradient at every row and the same other gradients, for
/// a model whose recurrent layer reads the distinct words' products (`Embedded`) and one
/// whose Embedding output goes to a Flatten.
#[test]
fn the_trainers_row_gradient_is_the_dense_tables() {
    let mut rng = StdRng::seed_from_u64(5);
    let (batch, time, vocab) = (40, 10, 500);
    let ids: Vec<u32> = (0..batch)
        .flat_map(|_| {
            let words = rng.random_range(2..=time);
            let mut row = vec![0u32; time - words];
            row.extend((0..words).map(|_| rng.random_range(1..vocab as u32)));
            row
        })
        .collect();
    let x = Tensor::from_vec(ids, (batch, time), &Device::Cpu).unwrap();
    let y = Tensor::from_vec(
        (0..batch).map(|i| (i % 2) as f32).collect::<Vec<_>>(),
        batch,
        &Device::Cpu,
    )
    .unwrap();
    let embedding = LayerConfig::Embedding {
        input_dim: vocab,
        output_dim: 8,
        mask_zero: false,
    };
    let head = LayerConfig::Dense {
        units: 1,
        activation: Activation::Sigmoid,
        use_bias: true,
    };
    let models = [
        vec![
            embedding.clone(),
            LayerConfig::rnn(CellKind::Gru, 6),
            head.clone(),
        ],
        vec![
            embedding.clone(),
            LayerConfig::rnn(CellKind::Lstm, 5),
            head.clone(),
        ],
        vec![embedding, LayerConfig::Flatten, head],
    ];
    for (k, layers) in models.iter().enumerate() {
        let model = Sequential::from_config(layers, Some(time), k as u64).unwrap();
        let (loss, _) = loss_and_output(&model, Loss::BinaryCrossentropy, &x, &y).unwrap();
        let dense = loss.backward().unwrap();
        let shard = shard_gradient(&model, Loss::BinaryCrossentropy, &x, &y, batch).unwrap();
        for (name, var) in model.trainable_variables() {
            let want = values(dense.get(var.as_tensor()).unwrap());
            let got = match shard.rows.get(&var.id()) {
                Some(rows) => {
                    assert!(shard.grads.get(var.as_tensor()).is_none(), "{name}: both");
                    rows.to_dense(var.dims()[0])
                }
                None => values(shard.grads.get(var.as_tensor()).unwrap()),
            };
            assert_eq!(want, got, "model {k}: {name}");
        }
        let table = model.trainable_variables()[0].1.clone();
        assert_eq!(table.dtype(), DType::F32);
        let rows = &shard.rows[&table.id()];
        assert!(rows.rows().len() < vocab, "model {k}: only the rows read");
    }
}
