//! Length bucketing (`FitOptions::bucket_by_length`): cutting the columns that are padding in
//! every sample of a batch changes nothing for a masked model — the same loss and the same
//! gradient of every weight — and is refused for an unmasked one, which computes on padding.

use candle_core::{Device, Tensor};
use rnn_playground::nn::{Activation, CellKind, LayerConfig, Loss, MergeMode, Sequential};
use rnn_playground::train::{Dataset, FitOptions, Trainer, loss_and_output, trim_padding};

fn model(recurrent: LayerConfig, mask_zero: bool) -> Sequential {
    stacked(vec![recurrent], mask_zero)
}

fn stacked(recurrent: Vec<LayerConfig>, mask_zero: bool) -> Sequential {
    let mut layers = vec![LayerConfig::Embedding {
        input_dim: 9,
        output_dim: 4,
        mask_zero,
    }];
    layers.extend(recurrent);
    layers.push(LayerConfig::Dense {
        units: 1,
        activation: Activation::Sigmoid,
        use_bias: true,
    });
    Sequential::from_config(&layers, Some(7), 3).unwrap()
}

/// Pre-padded and post-padded rows of different lengths; columns 0–1 and 6 are padding in all.
fn batch() -> (Tensor, Tensor) {
    let x = Tensor::new(
        &[
            [0u32, 0, 3, 4, 5, 6, 0],
            [0, 0, 0, 0, 7, 8, 0],
            [0, 0, 2, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 1, 0],
        ],
        &Device::Cpu,
    )
    .unwrap();
    let y = Tensor::new(&[1f32, 0., 1., 0.], &Device::Cpu).unwrap();
    (x, y)
}

#[test]
fn trim_padding_keeps_the_columns_from_the_first_token_to_the_last() {
    let (x, _) = batch();
    assert_eq!(
        trim_padding(&x).unwrap().to_vec2::<u32>().unwrap(),
        vec![
            vec![3, 4, 5, 6],
            vec![0, 0, 7, 8],
            vec![2, 0, 0, 0],
            vec![0, 0, 0, 1]
        ]
    );
    let full = Tensor::new(&[[1u32, 0, 2]], &Device::Cpu).unwrap();
    assert_eq!(trim_padding(&full).unwrap().dims(), &[1, 3]);
    // Nothing but padding: one column stays, so the model still has a step to read.
    let empty = Tensor::new(&[[0u32, 0, 0], [0, 0, 0]], &Device::Cpu).unwrap();
    assert_eq!(trim_padding(&empty).unwrap().dims(), &[2, 1]);
}

#[test]
fn a_masked_model_gives_the_same_loss_and_gradients_on_the_cut_batch() {
    let layers = [
        LayerConfig::rnn(CellKind::SimpleRnn, 5),
        LayerConfig::rnn(CellKind::Lstm, 5),
        LayerConfig::rnn(CellKind::Gru, 5),
        LayerConfig::Bidirectional {
            cell: CellKind::Gru,
            units: 3,
            return_sequences: false,
            merge_mode: MergeMode::Concat,
        },
        LayerConfig::Bidirectional {
            cell: CellKind::Lstm,
            units: 3,
            return_sequences: false,
            merge_mode: MergeMode::Concat,
        },
    ];
    let (x, y) = batch();
    let cut = trim_padding(&x).unwrap();
    // Two layers: a sequence-returning Bidirectional GRU under an LSTM (the mask passes on).
    let two = vec![
        LayerConfig::Bidirectional {
            cell: CellKind::Gru,
            units: 3,
            return_sequences: true,
            merge_mode: MergeMode::Concat,
        },
        LayerConfig::rnn(CellKind::Lstm, 4),
    ];
    let models = layers
        .into_iter()
        .map(|l| (format!("{l:?}"), model(l, true)))
        .chain([("two layers".to_string(), stacked(two, true))])
        .chain(
            pooled()
                .into_iter()
                .map(|(name, l)| (name, stacked(l, true))),
        );
    for (layer, m) in models {
        assert!(m.masks_padding(), "{layer:?}");
        let (full_loss, full_p) = loss_and_output(&m, Loss::BinaryCrossentropy, &x, &y).unwrap();
        let (cut_loss, cut_p) = loss_and_output(&m, Loss::BinaryCrossentropy, &cut, &y).unwrap();
        let (a, b) = (
            full_p.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            cut_p.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
        );
        for (p, q) in a.iter().zip(&b) {
            assert!((p - q).abs() < 1e-6, "{layer:?}: {a:?} vs {b:?}");
        }
        let (gf, gc) = (full_loss.backward().unwrap(), cut_loss.backward().unwrap());
        for (name, v) in m.trainable_variables() {
            let f = gf.get(v.as_tensor()).unwrap().flatten_all().unwrap();
            let c = gc.get(v.as_tensor()).unwrap().flatten_all().unwrap();
            let diff = (f - c).unwrap().abs().unwrap().max(0).unwrap();
            let diff = diff.to_scalar::<f32>().unwrap();
            assert!(diff < 1e-6, "{layer:?} {name}: gradients differ by {diff}");
        }
    }
}

/// Every step's output pooled by a `GlobalAveragePooling1D`, which averages the real steps
/// only, so the cut changes nothing there either.
fn pooled() -> Vec<(String, Vec<LayerConfig>)> {
    let sequence = |cell| LayerConfig::Recurrent {
        cell,
        units: 4,
        return_sequences: true,
        go_backwards: false,
        reset_after: true,
        use_bias: true,
    };
    let bi = LayerConfig::Bidirectional {
        cell: CellKind::Gru,
        units: 3,
        return_sequences: true,
        merge_mode: MergeMode::Concat,
    };
    vec![
        (
            "BiGRU → average".into(),
            vec![bi, LayerConfig::GlobalAveragePooling1D],
        ),
        (
            "LSTM → average".into(),
            vec![
                sequence(CellKind::Lstm),
                LayerConfig::GlobalAveragePooling1D,
            ],
        ),
        (
            "SimpleRNN → average".into(),
            vec![
                sequence(CellKind::SimpleRnn),
                LayerConfig::GlobalAveragePooling1D,
            ],
        ),
    ]
}

#[test]
fn a_max_pooled_model_reads_the_padding_so_it_is_not_bucketed() {
    // Keras' GlobalMaxPooling1D ignores the mask: a masked step's zeros count, so the cut
    // batch (fewer zeros) may answer differently and bucketing must not apply.
    let bi = LayerConfig::Bidirectional {
        cell: CellKind::Gru,
        units: 3,
        return_sequences: true,
        merge_mode: MergeMode::Concat,
    };
    let m = stacked(vec![bi, LayerConfig::GlobalMaxPooling1D], true);
    assert!(!m.masks_padding());
}

#[test]
fn the_cut_is_not_exact_without_masking_so_bucketing_is_refused() {
    let m = model(LayerConfig::rnn(CellKind::Gru, 5), false);
    assert!(!m.masks_padding());
    let (x, y) = batch();
    let (_, full) = loss_and_output(&m, Loss::BinaryCrossentropy, &x, &y).unwrap();
    let (_, cut) =
        loss_and_output(&m, Loss::BinaryCrossentropy, &trim_padding(&x).unwrap(), &y).unwrap();
    let gap = (full - cut).unwrap().abs().unwrap().max(0).unwrap();
    assert!(
        gap.to_vec1::<f32>().unwrap()[0] > 1e-4,
        "padding steps change an unmasked GRU"
    );

    let data = Dataset { x, y };
    let options = FitOptions {
        bucket_by_length: true,
        batch_size: 2,
        ..FitOptions::default()
    };
    let mut trainer = Trainer::new(Loss::BinaryCrossentropy, &data, &options).unwrap();
    let mut opt =
        rnn_playground::nn::Optimizer::new(rnn_playground::nn::OptimizerConfig::adam(0.01));
    let err = trainer.run_batch(&m, &mut opt, &mut []).unwrap_err();
    assert!(err.to_string().contains("mask_zero"), "{err}");
}

#[test]
fn bucketed_training_runs_every_batch_and_learns() {
    // Label 1 when word 5 occurs; reviews of 1 to 6 tokens, pre-padded to 7.
    let n = 96;
    let mut x = vec![0u32; n * 7];
    let mut y = Vec::new();
    for i in 0..n {
        let len = 1 + i % 6;
        for t in 0..len {
            x[i * 7 + 7 - len + t] = (1 + (i * 7 + t * 3) % 4) as u32;
        }
        if i % 2 == 0 {
            x[i * 7 + 6] = 5;
        }
        y.push((i % 2 == 0) as u8 as f32);
    }
    let data = Dataset {
        x: Tensor::from_vec(x, (n, 7), &Device::Cpu).unwrap(),
        y: Tensor::from_vec(y, n, &Device::Cpu).unwrap(),
    };
    let m = model(LayerConfig::rnn(CellKind::Gru, 6), true);
    let options = FitOptions {
        epochs: 30,
        batch_size: 8,
        bucket_by_length: true,
        ..FitOptions::default()
    };
    let mut opt =
        rnn_playground::nn::Optimizer::new(rnn_playground::nn::OptimizerConfig::adam(0.05));
    let mut trainer = Trainer::new(Loss::BinaryCrossentropy, &data, &options).unwrap();
    let mut batches = 0;
    while !trainer.finished() {
        trainer.run_batch(&m, &mut opt, &mut []).unwrap();
        batches += 1;
    }
    assert_eq!(batches, 30 * n.div_ceil(8));
    let last = trainer.history().epochs.last().unwrap();
    assert_eq!(last.accuracy, 1.0, "{last:?}");
}
