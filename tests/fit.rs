//! `fit` semantics as Keras defines them: validation_split, history, early stopping with
//! restore_best_weights, NaN termination, cancellation between batches, evaluate/predict.

use std::cell::Cell;

use candle_core::{Device, Tensor};
use rnn_playground::nn::{
    Activation, CellKind, LayerConfig, Loss, NnError, Optimizer, OptimizerConfig, Sequential,
};
use rnn_playground::train::{
    Callback, Control, Dataset, EarlyStopping, EpochLogs, Event, FitOptions, Monitor, StopReason,
    evaluate, fit, fit_with_cancel, predict,
};

fn model() -> Sequential {
    Sequential::from_config(
        &[
            LayerConfig::Embedding {
                input_dim: 6,
                output_dim: 3,
                mask_zero: false,
            },
            LayerConfig::rnn(CellKind::Gru, 4),
            LayerConfig::Dense {
                units: 1,
                activation: Activation::Sigmoid,
                use_bias: true,
            },
        ],
        Some(3),
        1,
    )
    .unwrap()
}

/// Label 1 when the sequence contains word 5.
fn data(n: usize) -> Dataset {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for i in 0..n {
        let row = [
            (i % 5 + 1) as u32,
            ((i * 3) % 5 + 1) as u32,
            if i % 2 == 0 { 5 } else { 1 },
        ];
        y.push(if row.contains(&5) { 1f32 } else { 0.0 });
        x.extend(row);
    }
    Dataset {
        x: Tensor::from_vec(x, (n, 3), &Device::Cpu).unwrap(),
        y: Tensor::from_vec(y, n, &Device::Cpu).unwrap(),
    }
}

#[test]
fn validation_split_takes_the_last_fraction_before_shuffling() {
    let d = data(10);
    let (train, val) = d.split_validation(0.2).unwrap();
    let val = val.unwrap();
    assert_eq!(train.len(), 8);
    assert_eq!(val.len(), 2);
    assert_eq!(
        val.x.to_vec2::<u32>().unwrap(),
        d.x.narrow(0, 8, 2).unwrap().to_vec2::<u32>().unwrap()
    );
    // Keras: split_at = floor(n · (1 − split)); 0.25 of 10 leaves 7 for training.
    assert_eq!(d.split_validation(0.25).unwrap().0.len(), 7);
    assert!(d.split_validation(1.0).is_err());
}

#[test]
fn history_has_epochs_batches_and_validation() {
    let m = model();
    let mut opt = Optimizer::new(OptimizerConfig::adam(0.01));
    let options = FitOptions {
        epochs: 3,
        batch_size: 4,
        validation_split: 0.2,
        ..FitOptions::default()
    };
    let h = fit(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &data(20),
        &options,
        &mut [],
    )
    .unwrap();
    assert_eq!(h.epochs.len(), 3);
    assert_eq!(
        h.batch_loss.len(),
        3 * 4,
        "16 training samples in batches of 4"
    );
    assert!(
        h.epochs
            .iter()
            .all(|e| e.val_loss.is_some() && e.val_accuracy.is_some())
    );
    assert_eq!(h.stop_reason, StopReason::Completed);
    // The epoch loss is the sample-weighted mean of its batch losses.
    let mean: f32 = h.batch_loss[..4].iter().sum::<f32>() / 4.0;
    assert!(
        (h.epochs[0].loss - mean).abs() < 1e-6,
        "{} vs {mean} from {:?}",
        h.epochs[0].loss,
        &h.batch_loss[..4]
    );
    assert_eq!(opt.iterations, 12);
}

#[test]
fn training_reduces_the_loss_and_evaluate_predict_agree() {
    let m = model();
    let d = data(32);
    let (before, _) = evaluate(&m, Loss::BinaryCrossentropy, &d, 8).unwrap();
    let mut opt = Optimizer::new(OptimizerConfig::rmsprop(0.01));
    fit(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &d,
        &FitOptions {
            epochs: 30,
            batch_size: 8,
            ..FitOptions::default()
        },
        &mut [],
    )
    .unwrap();
    let (after, acc) = evaluate(&m, Loss::BinaryCrossentropy, &d, 8).unwrap();
    assert!(after < before / 2.0, "loss {before} → {after}");
    assert!(acc > 0.9);
    let p = predict(&m, &d.x, 5).unwrap();
    assert_eq!(p.dims(), &[32, 1]);
}

#[test]
fn a_nan_loss_stops_training_with_a_clear_error() {
    let m = model();
    let (_, layer) = &m.layers()[0];
    let rnn_playground::nn::Layer::Embedding(e) = layer else {
        panic!()
    };
    e.embeddings
        .set(&Tensor::full(f32::NAN, (6, 3), &Device::Cpu).unwrap())
        .unwrap();
    let mut opt = Optimizer::new(OptimizerConfig::adam(0.01));
    let err = fit(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &data(8),
        &FitOptions::default(),
        &mut [],
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            NnError::NonFiniteLoss {
                epoch: 1,
                batch: 1,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("lower the learning rate"));
}

#[test]
fn cancellation_takes_effect_between_batches() {
    let m = model();
    let mut opt = Optimizer::new(OptimizerConfig::adam(0.01));
    let calls = Cell::new(0);
    let cancel = || {
        calls.set(calls.get() + 1);
        calls.get() > 5
    };
    let options = FitOptions {
        epochs: 10,
        batch_size: 2,
        ..FitOptions::default()
    };
    let h = fit_with_cancel(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &data(8),
        &options,
        &mut [],
        &cancel,
    )
    .unwrap();
    assert_eq!(h.stop_reason, StopReason::Cancelled);
    assert_eq!(h.batch_loss.len(), 5, "exactly the batches before the Stop");
}

#[test]
fn callbacks_see_every_batch_and_can_stop() {
    let m = model();
    let mut opt = Optimizer::new(OptimizerConfig::adam(0.01));
    let mut events = Vec::new();
    let mut cb = |e: &Event| {
        events.push(e.clone());
        if matches!(e, Event::EpochEnd(l) if l.epoch == 2) {
            Control::Stop
        } else {
            Control::Continue
        }
    };
    let mut callbacks: [&mut dyn Callback; 1] = [&mut cb];
    let options = FitOptions {
        epochs: 5,
        batch_size: 4,
        ..FitOptions::default()
    };
    fit(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &data(8),
        &options,
        &mut callbacks,
    )
    .unwrap();
    let batches = events
        .iter()
        .filter(|e| matches!(e, Event::BatchEnd { .. }))
        .count();
    assert_eq!(batches, 4);
    assert!(matches!(events.last(), Some(Event::EpochEnd(l)) if l.epoch == 2));
}

fn logs(epoch: usize, val_loss: f32) -> Event {
    Event::EpochEnd(EpochLogs {
        epoch,
        loss: 0.0,
        accuracy: 0.0,
        val_loss: Some(val_loss),
        val_accuracy: Some(0.0),
        samples_per_s: 0.0,
        steps: 0,
        seconds: 0.0,
    })
}

#[test]
fn early_stopping_waits_patience_epochs_and_restores_the_best_weights() {
    let m = model();
    let weight = |m: &Sequential| {
        m.trainable_variables()[0]
            .1
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()[0]
    };
    let set = |m: &Sequential, v: f32| {
        let var = &m.trainable_variables()[0].1;
        var.set(&Tensor::full(v, var.dims(), &Device::Cpu).unwrap())
            .unwrap();
    };
    let mut es = EarlyStopping::new(Monitor::ValLoss, 2, true);
    let losses = [1.0, 0.8, 0.9, 0.95, 0.7];
    let mut stopped_at = None;
    for (i, l) in losses.iter().enumerate() {
        set(&m, i as f32); // the weights after epoch i+1
        if es.on_event(&logs(i + 1, *l), &m) == Control::Stop {
            stopped_at = Some(i + 1);
            break;
        }
    }
    assert_eq!(
        stopped_at,
        Some(4),
        "two epochs without improvement after epoch 2"
    );
    assert_eq!(es.best_epoch, Some(2));
    assert_eq!(weight(&m), 1.0, "the weights of epoch 2 are back");
}

/// A step that leaves NaN in the weights (here a callback poisons the Dense kernel after the
/// third batch, as an exploding update would): the next batch's loss is NaN, training stops
/// with the explanation, and the model keeps the weights from before the last step, which
/// still give a finite loss.
#[test]
fn exploding_training_stops_and_keeps_the_last_good_weights() {
    struct Poison;
    impl Callback for Poison {
        fn on_event(&mut self, event: &Event, model: &Sequential) -> Control {
            if let Event::BatchEnd { batch: 3, .. } = event {
                for (name, var) in model.trainable_variables() {
                    if name.starts_with("dense") {
                        let nan = Tensor::full(f32::NAN, var.dims(), &Device::Cpu).unwrap();
                        var.set(&nan).unwrap();
                    }
                }
            }
            Control::Continue
        }
    }
    let m = model();
    let mut opt = Optimizer::new(OptimizerConfig::adam(0.01));
    let options = FitOptions {
        epochs: 3,
        batch_size: 2,
        ..FitOptions::default()
    };
    let err = fit(
        &m,
        &mut opt,
        Loss::BinaryCrossentropy,
        &data(8),
        &options,
        &mut [&mut Poison],
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            NnError::NonFiniteLoss {
                epoch: 1,
                batch: 4,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("exploding gradients"), "{err}");
    for (name, var) in m.trainable_variables() {
        let values = var
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert!(values.iter().all(|v| v.is_finite()), "{name}: {values:?}");
    }
    let (loss, _) = evaluate(&m, Loss::BinaryCrossentropy, &data(8), 8).unwrap();
    assert!(
        loss.is_finite(),
        "the kept weights give a finite loss: {loss}"
    );
}
