//! The fused recurrent kernels against the step-by-step autograd reference, on random shapes,
//! masks, directions and initial states; and finite-difference gradient checks of both.

use candle_core::{DType, Device, Tensor, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rnn_playground::nn::{CellKind, Recurrent, RnnState};

fn random(rng: &mut StdRng, shape: &[usize], scale: f32) -> Tensor {
    let n: usize = shape.iter().product();
    let data: Vec<f32> = (0..n).map(|_| rng.random_range(-scale..scale)).collect();
    Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
}

fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

/// Loss = Σ output · R + Σ states · S, so every output and state gets a gradient.
fn loss_of(outputs: &[Tensor], weights: &[Tensor]) -> Tensor {
    let mut loss = Tensor::new(0f32, &Device::Cpu).unwrap();
    for (o, w) in outputs.iter().zip(weights) {
        loss = (loss + (o * w).unwrap().sum_all().unwrap()).unwrap();
    }
    loss
}

/// Runs one configuration both ways and compares outputs, states and the gradients of every
/// weight and of the input; false when it was skipped (an initial state, which the reference
/// has no parameter for).
fn fused_matches_reference(
    rng: &mut StdRng,
    kind: CellKind,
    trial: u64,
    (batch, time, input, units): (usize, usize, usize, usize),
    tol: f32,
) -> bool {
    let layer = Recurrent::new(kind, input, units, trial)
        .with_return_sequences(trial.is_multiple_of(2))
        .with_return_state(true)
        .with_go_backwards(trial.is_multiple_of(3));
    // Non-zero biases so that every bias path is exercised.
    if let Some(b) = &layer.bias {
        b.set(&random(rng, b.dims(), 0.5)).unwrap();
    }
    let x = Var::from_tensor(&random(rng, &[batch, time, input], 1.0)).unwrap();
    let mask = (trial % 4 == 1).then(|| {
        let m: Vec<f32> = (0..batch * time)
            .map(|_| if rng.random_bool(0.7) { 1.0 } else { 0.0 })
            .collect();
        Tensor::from_vec(m, (batch, time), &Device::Cpu).unwrap()
    });
    let initial = (trial % 4 == 3).then(|| RnnState {
        h: random(rng, &[batch, units], 0.5),
        c: (kind == CellKind::Lstm).then(|| random(rng, &[batch, units], 0.5)),
    });
    let fused = layer
        .forward_from(&x, mask.as_ref(), initial.clone())
        .unwrap();
    let reference = layer.forward_reference(&x, mask.as_ref());
    let reference = match initial {
        // forward_reference has no initial-state parameter: compare via the step API.
        Some(_) => return false,
        None => reference.unwrap(),
    };
    let mut outs_f = vec![fused.output.clone()];
    outs_f.extend(fused.states.clone());
    let mut outs_r = vec![reference.output.clone()];
    outs_r.extend(reference.states.clone());
    let weights: Vec<Tensor> = outs_f.iter().map(|o| random(rng, o.dims(), 1.0)).collect();
    for (f, r) in outs_f.iter().zip(&outs_r) {
        assert!(
            max_diff(f, r) < tol,
            "{kind:?} trial {trial}: outputs differ"
        );
    }
    let gf = loss_of(&outs_f, &weights).backward().unwrap();
    let gr = loss_of(&outs_r, &weights).backward().unwrap();
    let mut vars = vec![
        layer.kernel.clone(),
        layer.recurrent_kernel.clone(),
        x.clone(),
    ];
    vars.extend(layer.bias.clone());
    for v in &vars {
        let (a, b) = (
            gf.get(v.as_tensor()).unwrap(),
            gr.get(v.as_tensor()).unwrap(),
        );
        assert!(
            max_diff(a, b) < tol * (1.0 + max_abs(b)),
            "{kind:?} trial {trial}: gradients differ by {}",
            max_diff(a, b)
        );
    }
    true
}

fn max_abs(t: &Tensor) -> f32 {
    t.abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

#[test]
fn fused_equals_reference_on_random_configurations() {
    let mut rng = StdRng::seed_from_u64(42);
    let mut checked = 0;
    for kind in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru] {
        for trial in 0..8 {
            let shape = (
                rng.random_range(1..5),
                rng.random_range(1..7),
                rng.random_range(1..6),
                rng.random_range(1..9),
            );
            if fused_matches_reference(&mut rng, kind, trial, shape, 1e-5) {
                checked += 1;
            }
        }
    }
    assert!(checked >= 15);
}

/// Batches big enough that the fused kernels split the batch rows over the threads (natively,
/// with two or more threads), with uneven groups, masks and both directions.
#[test]
fn fused_equals_reference_when_the_batch_is_split_over_threads() {
    let mut rng = StdRng::seed_from_u64(7);
    for kind in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru] {
        for (trial, batch) in [(0, 64), (1, 37), (2, 41), (9, 50)] {
            // 0: go_backwards; 1: a mask; 9: both (see fused_matches_reference).
            assert!(fused_matches_reference(
                &mut rng,
                kind,
                trial,
                (batch, 14, 5, 48),
                1e-4
            ));
        }
    }
}

#[test]
fn initial_state_matches_stepping_by_hand() {
    let mut rng = StdRng::seed_from_u64(5);
    for kind in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru] {
        let layer = Recurrent::new(kind, 3, 4, 1)
            .with_return_sequences(true)
            .with_return_state(true);
        let x = random(&mut rng, &[2, 5, 3], 1.0);
        let state = RnnState {
            h: random(&mut rng, &[2, 4], 0.5),
            c: (kind == CellKind::Lstm).then(|| random(&mut rng, &[2, 4], 0.5)),
        };
        let fused = layer.forward_from(&x, None, Some(state.clone())).unwrap();
        let mut s = state;
        for t in 0..5 {
            let (next, _) = layer
                .step(&x.narrow(1, t, 1).unwrap().squeeze(1).unwrap(), &s)
                .unwrap();
            let got = fused.output.narrow(1, t, 1).unwrap().squeeze(1).unwrap();
            assert!(max_diff(&got, &next.h) < 1e-5, "{kind:?} step {t}");
            s = next;
        }
    }
}

/// Central differences on a few weights of each kernel (f64 would be better; f32 with a
/// moderate step gives ~1e-3 relative agreement, enough to catch a wrong formula).
#[test]
fn gradients_agree_with_finite_differences() {
    let mut rng = StdRng::seed_from_u64(11);
    for kind in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru] {
        let layer = Recurrent::new(kind, 3, 4, 2).with_return_sequences(true);
        if let Some(b) = &layer.bias {
            b.set(&random(&mut rng, b.dims(), 0.3)).unwrap();
        }
        let x = random(&mut rng, &[2, 4, 3], 1.0);
        let mask =
            Tensor::new(&[[1f32, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 1.0]], &Device::Cpu).unwrap();
        let w = random(&mut rng, &[2, 4, 4], 1.0);
        let loss = || {
            (layer.forward(&x, Some(&mask)).unwrap().output * &w)
                .unwrap()
                .sum_all()
                .unwrap()
        };
        let grads = loss().backward().unwrap();
        for var in [&layer.kernel, &layer.recurrent_kernel] {
            let analytic = grads
                .get(var.as_tensor())
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let original = var
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            for idx in [0, 5, original.len() - 1] {
                let eps = 1e-2f32;
                let probe = |delta: f32| {
                    let mut v = original.clone();
                    v[idx] += delta;
                    var.set(&Tensor::from_vec(v, var.dims(), &Device::Cpu).unwrap())
                        .unwrap();
                    let l = loss()
                        .to_dtype(DType::F64)
                        .unwrap()
                        .to_scalar::<f64>()
                        .unwrap();
                    var.set(&Tensor::from_vec(original.clone(), var.dims(), &Device::Cpu).unwrap())
                        .unwrap();
                    l
                };
                let numeric = ((probe(eps) - probe(-eps)) / (2.0 * eps as f64)) as f32;
                let tol = 2e-3 * analytic[idx].abs().max(1.0);
                assert!(
                    (numeric - analytic[idx]).abs() < tol,
                    "{kind:?} weight {idx}: numeric {numeric} vs analytic {}",
                    analytic[idx]
                );
            }
        }
    }
}

/// The backward pass uses the gate activations kept by the forward pass; a second backward
/// over the same graph finds none and recomputes them, with the same gradients.
#[test]
fn second_backward_recomputes_the_activations() {
    let mut rng = StdRng::seed_from_u64(11);
    for kind in [CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru] {
        let layer = Recurrent::new(kind, 3, 6, 4)
            .with_return_sequences(true)
            .with_go_backwards(kind == CellKind::Gru);
        if let Some(b) = &layer.bias {
            b.set(&random(&mut rng, b.dims(), 0.5)).unwrap();
        }
        let x = Var::from_tensor(&random(&mut rng, &[16, 9, 3], 1.0)).unwrap();
        let out = layer.forward_from(&x, None, None).unwrap();
        let w = random(&mut rng, out.output.dims(), 1.0);
        let loss = loss_of(std::slice::from_ref(&out.output), &[w]);
        let first = loss.backward().unwrap();
        let second = loss.backward().unwrap();
        for v in [&layer.kernel, &layer.recurrent_kernel, &x] {
            let (a, b) = (
                first.get(v.as_tensor()).unwrap(),
                second.get(v.as_tensor()).unwrap(),
            );
            assert!(max_diff(a, b) < 1e-6, "{kind:?}: {}", max_diff(a, b));
        }
    }
}

/// The Embedding → recurrent shortcut (`nn::Embedded`: each distinct word's input product
/// once) against the plain path (`layer_outputs` takes it, since it keeps the embedding's
/// output): the same probabilities and the same gradient for every weight, on padded batches
/// with masking on and off, for every cell and a Bidirectional layer.
#[test]
fn embedded_shortcut_equals_the_plain_path() {
    use rnn_playground::nn::{Activation, Embedded, Embedding, LayerConfig, Sequential};
    let mut rng = StdRng::seed_from_u64(7);
    let (batch, time, vocab) = (16, 24, 40);
    // Reviews of 3–12 words, padded in front to 24 (pad_sequences' default): mostly zeros.
    let ids: Vec<u32> = (0..batch)
        .flat_map(|_| {
            let words = rng.random_range(3..=12);
            let mut row = vec![0u32; time - words];
            row.extend((0..words).map(|_| rng.random_range(1..vocab as u32)));
            row
        })
        .collect();
    let ids = Tensor::from_vec(ids, (batch, time), &Device::Cpu).unwrap();
    let probe = Embedding::new(vocab, 6, false, 0);
    let shortcut = Embedded::new(&probe, &ids)
        .unwrap()
        .expect("a padded batch repeats ids");
    assert!(shortcut.distinct_count() <= vocab);
    assert_eq!(
        max_diff(&shortcut.rows().unwrap(), &probe.forward(&ids).unwrap()),
        0.0
    );
    let recurrent = [
        LayerConfig::rnn(CellKind::SimpleRnn, 5),
        LayerConfig::rnn(CellKind::Lstm, 5),
        LayerConfig::rnn(CellKind::Gru, 5),
        LayerConfig::Bidirectional {
            cell: CellKind::Gru,
            units: 4,
            return_sequences: false,
            merge_mode: rnn_playground::nn::MergeMode::Concat,
        },
    ];
    for (trial, layer) in recurrent.into_iter().enumerate() {
        for mask_zero in [false, true] {
            let model = Sequential::from_config(
                &[
                    LayerConfig::Embedding {
                        input_dim: vocab,
                        output_dim: 6,
                        mask_zero,
                    },
                    layer.clone(),
                    LayerConfig::Dense {
                        units: 1,
                        activation: Activation::Sigmoid,
                        use_bias: true,
                    },
                ],
                Some(time),
                trial as u64,
            )
            .unwrap();
            let weights = random(&mut rng, &[batch, 1], 1.0);
            let run = |shortcut: bool| {
                let out = if shortcut {
                    model.forward(&ids).unwrap()
                } else {
                    model.layer_outputs(&ids).unwrap().pop().unwrap()
                };
                let grads = loss_of(std::slice::from_ref(&out), std::slice::from_ref(&weights))
                    .backward()
                    .unwrap();
                let grads: Vec<Tensor> = model
                    .trainable_variables()
                    .iter()
                    .map(|(name, v)| {
                        grads
                            .get(v.as_tensor())
                            .unwrap_or_else(|| panic!("no gradient for {name}"))
                            .clone()
                    })
                    .collect();
                (out, grads)
            };
            let ((out_a, grads_a), (out_b, grads_b)) = (run(true), run(false));
            assert!(
                max_diff(&out_a, &out_b) < 1e-6,
                "{trial} {mask_zero}: outputs"
            );
            for ((name, _), (a, b)) in model
                .trainable_variables()
                .iter()
                .zip(grads_a.iter().zip(&grads_b))
            {
                let tol = 1e-5 * (1.0 + max_abs(b));
                assert!(
                    max_diff(a, b) < tol,
                    "{trial} {mask_zero}: {name} differs by {}",
                    max_diff(a, b)
                );
            }
        }
    }
}
