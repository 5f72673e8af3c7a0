//! `GlobalAveragePooling1D` and `GlobalMaxPooling1D` after a masked (Bi)GRU/LSTM that returns
//! sequences, against Keras 3.15 (`tests/data/keras_pooling_reference.json`, written by
//! `scripts/keras_pooling_reference.py`): the probabilities, the binary cross-entropy and its
//! gradient for every weight, with the same weights and pre-padded ids (rows of 1, 2, 4 and 6
//! of 6 tokens).

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use rnn_playground::nn::{Activation, CellKind, LayerConfig, Loss, MergeMode, Sequential};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    keras: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    cell: String,
    bidirectional: bool,
    pooling: String,
    vocab: usize,
    embedding_dim: usize,
    units: usize,
    time: usize,
    ids: Vec<Vec<u32>>,
    labels: Vec<f32>,
    weights: Vec<Weight>,
    output: Vec<f32>,
    loss: f32,
    grads: Vec<Vec<f32>>,
}

#[derive(Deserialize)]
struct Weight {
    name: String,
    shape: Vec<usize>,
    values: Vec<f32>,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("data/keras_pooling_reference.json")).unwrap()
}

fn model(case: &Case) -> Sequential {
    let cell = match case.cell.as_str() {
        "gru" => CellKind::Gru,
        "lstm" => CellKind::Lstm,
        other => panic!("cell {other}"),
    };
    let recurrent = if case.bidirectional {
        LayerConfig::Bidirectional {
            cell,
            units: case.units,
            return_sequences: true,
            merge_mode: MergeMode::Concat,
        }
    } else {
        LayerConfig::Recurrent {
            cell,
            units: case.units,
            return_sequences: true,
            go_backwards: false,
            reset_after: true,
            use_bias: true,
        }
    };
    let pooling = match case.pooling.as_str() {
        "average" => LayerConfig::GlobalAveragePooling1D,
        "max" => LayerConfig::GlobalMaxPooling1D,
        other => panic!("pooling {other}"),
    };
    let layers = [
        LayerConfig::Embedding {
            input_dim: case.vocab,
            output_dim: case.embedding_dim,
            mask_zero: true,
        },
        recurrent,
        pooling,
        LayerConfig::Dense {
            units: 1,
            activation: Activation::Sigmoid,
            use_bias: true,
        },
    ];
    let model = Sequential::from_config(&layers, Some(case.time), 0).unwrap();
    // Keras lists the weights in the order we do (embedding, forward then backward kernels,
    // dense): load them by position.
    let ours = model.trainable_variables();
    assert_eq!(ours.len(), case.weights.len());
    let mut tensors = HashMap::new();
    for ((name, var), w) in ours.iter().zip(&case.weights) {
        assert_eq!(
            var.dims(),
            w.shape.as_slice(),
            "{name} vs Keras' {}",
            w.name
        );
        let t = Tensor::from_vec(w.values.clone(), w.shape.clone(), &Device::Cpu).unwrap();
        tensors.insert(name.clone(), t);
    }
    model.load_state_dict(&tensors).unwrap();
    model
}

fn worst(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max)
}

#[test]
fn pooled_recurrent_models_match_keras_3_outputs_loss_and_gradients() {
    let fixture = fixture();
    assert!(fixture.keras.starts_with('3'), "Keras {}", fixture.keras);
    assert_eq!(fixture.cases.len(), 4);
    for case in &fixture.cases {
        let what = format!(
            "{} {}{}",
            case.pooling,
            if case.bidirectional { "bi" } else { "" },
            case.cell
        );
        let m = model(case);
        let rows: Vec<u32> = case.ids.iter().flatten().copied().collect();
        let ids = Tensor::from_vec(rows, (case.ids.len(), case.time), &Device::Cpu).unwrap();
        let y = Tensor::new(case.labels.as_slice(), &Device::Cpu).unwrap();
        // The training path (each embedding row read through its own leaf) and the plain one.
        for gathering in [false, true] {
            let out = if gathering {
                m.forward_gathering_rows(&ids).unwrap().0
            } else {
                m.forward_with_logits(&ids).unwrap()
            };
            let p = out.output.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert!(
                worst(&p, &case.output) < 1e-5,
                "{what}: {p:?} vs {:?}",
                case.output
            );
            if gathering {
                continue;
            }
            let logits = out.logits.unwrap().flatten_all().unwrap();
            let loss = Loss::BinaryCrossentropy.compute(&y, &logits, true).unwrap();
            let value = loss.to_scalar::<f32>().unwrap();
            assert!(
                (value - case.loss).abs() < 1e-5,
                "{what}: loss {value} vs {}",
                case.loss
            );
            let grads = loss.backward().unwrap();
            for ((name, var), want) in m.trainable_variables().iter().zip(&case.grads) {
                let got = grads
                    .get(var.as_tensor())
                    .unwrap_or_else(|| panic!("{what}: no gradient for {name}"))
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap();
                let w = worst(&got, want);
                assert!(w < 1e-5, "{what} {name}: max |ours − keras| = {w:e}");
            }
        }
        // The average reads the mask, so batches of these can be cut to their longest row.
        if case.pooling == "average" {
            assert!(m.masks_padding(), "{what}");
        }
    }
}

#[test]
fn pooling_needs_a_sequence_and_says_which_setting_gives_one() {
    let layers = [
        LayerConfig::Embedding {
            input_dim: 5,
            output_dim: 2,
            mask_zero: true,
        },
        LayerConfig::rnn(CellKind::Gru, 3),
        LayerConfig::GlobalAveragePooling1D,
    ];
    let err = Sequential::from_config(&layers, Some(4), 0).unwrap_err();
    assert!(err.to_string().contains("return_sequences"), "{err}");
}
