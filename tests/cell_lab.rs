//! Lecture 10's cell with pinned gates: the pinned step equals the lecture's equations computed
//! by hand, the unpinned step is the layer's own computation, and the lab shows what the lecture
//! says happens (f_t = 0: C_t = i_t ∘ g_t; i_t = 0: C_t = f_t ∘ C_(t−1); GRU z = 1: h_t = h_(t−1)).

use candle_core::{Device, Tensor};
use rnn_playground::lab::cell::{CellConfig, run};
use rnn_playground::lab::{LabReply, LabRequest};
use rnn_playground::nn::{CellKind, GatePins, Recurrent, RnnState};

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// An LSTM with 1 input and 2 units and hand-picked weights.
fn lstm() -> Recurrent {
    let r = Recurrent::lstm(1, 2, 0);
    // Gate order i, f, g, o (2 units each).
    let kernel = [0.5f32, -0.3, 0.8, 0.1, -0.6, 0.4, 0.2, -0.9];
    let recurrent = [
        0.1f32, 0.2, -0.1, 0.3, 0.05, -0.2, 0.4, 0.1, //
        -0.3, 0.1, 0.2, -0.05, 0.15, 0.3, -0.1, 0.2,
    ];
    let bias = [0.1f32, 0.0, 1.0, 1.0, 0.0, -0.1, 0.2, 0.0];
    r.kernel
        .set(&Tensor::from_slice(&kernel, (1, 8), &Device::Cpu).unwrap())
        .unwrap();
    r.recurrent_kernel
        .set(&Tensor::from_slice(&recurrent, (2, 8), &Device::Cpu).unwrap())
        .unwrap();
    r.bias
        .as_ref()
        .unwrap()
        .set(&Tensor::from_slice(&bias, 8, &Device::Cpu).unwrap())
        .unwrap();
    r
}

/// One LSTM step by hand (f64), with optional pins on i and f.
fn lstm_by_hand(
    x: f64,
    h: [f64; 2],
    c: [f64; 2],
    pin_i: Option<f64>,
    pin_f: Option<f64>,
) -> ([f64; 2], [f64; 2]) {
    let k = [0.5, -0.3, 0.8, 0.1, -0.6, 0.4, 0.2, -0.9];
    let rk = [
        [0.1, 0.2, -0.1, 0.3, 0.05, -0.2, 0.4, 0.1],
        [-0.3, 0.1, 0.2, -0.05, 0.15, 0.3, -0.1, 0.2],
    ];
    let b = [0.1, 0.0, 1.0, 1.0, 0.0, -0.1, 0.2, 0.0];
    let z = |j: usize| x * k[j] + h[0] * rk[0][j] + h[1] * rk[1][j] + b[j];
    let (mut h2, mut c2) = ([0.0; 2], [0.0; 2]);
    for u in 0..2 {
        let i = pin_i.unwrap_or_else(|| sigmoid(z(u)));
        let f = pin_f.unwrap_or_else(|| sigmoid(z(2 + u)));
        let g = z(4 + u).tanh();
        let o = sigmoid(z(6 + u));
        c2[u] = f * c[u] + i * g;
        h2[u] = o * c2[u].tanh();
    }
    (h2, c2)
}

#[test]
fn a_pinned_lstm_step_is_the_lectures_equation_by_hand() {
    let r = lstm();
    let dev = Device::Cpu;
    let h0 = [0.3f32, -0.2];
    let c0 = [0.5f32, -0.7];
    let state = RnnState {
        h: Tensor::new(&[h0], &dev).unwrap(),
        c: Some(Tensor::new(&[c0], &dev).unwrap()),
    };
    let x = Tensor::new(&[[0.8f32]], &dev).unwrap();
    for (pin_i, pin_f) in [
        (None, None),
        (None, Some(0.0)),
        (Some(0.0), None),
        (Some(1.0), Some(1.0)),
    ] {
        let pins = GatePins {
            input: pin_i.map(|v: f64| v as f32),
            forget: pin_f.map(|v: f64| v as f32),
            ..GatePins::default()
        };
        let (next, _) = r.step_pinned(&x, &state, &pins).unwrap();
        let (h, c) = lstm_by_hand(0.8, [0.3, -0.2], [0.5, -0.7], pin_i, pin_f);
        let got_h = next.h.to_vec2::<f32>().unwrap()[0].clone();
        let got_c = next.c.unwrap().to_vec2::<f32>().unwrap()[0].clone();
        for u in 0..2 {
            assert!((f64::from(got_h[u]) - h[u]).abs() < 1e-6, "{pins:?} h");
            assert!((f64::from(got_c[u]) - c[u]).abs() < 1e-6, "{pins:?} c");
        }
        // The lecture's two sentences.
        if pin_f == Some(0.0) {
            // f = 0: C_t comes from the input gate alone (i ∘ g).
            let (_, c_no_memory) = lstm_by_hand(0.8, [0.3, -0.2], [0.0, 0.0], None, None);
            assert!((got_c[0] as f64 - c_no_memory[0]).abs() < 1e-6);
        }
        if pin_i == Some(0.0) {
            // i = 0: C_t = f ∘ C_(t−1), nothing new is written.
            let f0 = sigmoid(0.8 * 0.8 + 0.3 * -0.1 + -0.2 * 0.2 + 1.0);
            assert!((got_c[0] as f64 - f0 * 0.5).abs() < 1e-6);
        }
    }
}

#[test]
fn unpinned_steps_are_the_layers_own_computation_bit_for_bit() {
    let dev = Device::Cpu;
    for kind in [CellKind::Lstm, CellKind::Gru] {
        for reset_after in [true, false] {
            let r = Recurrent::new(kind, 3, 4, 7)
                .with_return_sequences(true)
                .with_reset_after(reset_after);
            let xs = Tensor::new(
                &[[
                    [0.1f32, -0.2, 0.3],
                    [0.5, 0.4, -0.1],
                    [-0.3, 0.2, 0.9],
                    [0.0, 0.1, -0.4],
                ]],
                &dev,
            )
            .unwrap();
            let reference = r
                .forward_reference(&xs, None)
                .unwrap()
                .output
                .to_vec3::<f32>()
                .unwrap();
            let fused = r
                .forward(&xs, None)
                .unwrap()
                .output
                .to_vec3::<f32>()
                .unwrap();
            let mut state = r.zero_state(1, &dev).unwrap();
            for t in 0..4 {
                let x = xs.narrow(1, t, 1).unwrap().squeeze(1).unwrap();
                state = r.step_pinned(&x, &state, &GatePins::default()).unwrap().0;
                let h = state.h.to_vec2::<f32>().unwrap()[0].clone();
                assert_eq!(
                    h, reference[0][t],
                    "{kind:?} reset_after={reset_after} t={t}"
                );
                for (a, b) in h.iter().zip(&fused[0][t]) {
                    assert!((a - b).abs() < 1e-6);
                }
            }
        }
    }
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
}

#[test]
fn the_lab_shows_what_the_lecture_says_a_pinned_gate_does() {
    let base = CellConfig {
        epochs: 0,
        ..CellConfig::default()
    };
    // LSTM, f = 0: C_t = i ∘ g at every step.
    let v = run(&CellConfig {
        pins: GatePins {
            forget: Some(0.0),
            ..GatePins::default()
        },
        ..base.clone()
    })
    .unwrap();
    assert_eq!(v.steps.len(), 8);
    for s in &v.steps {
        let (i, f, g) = (&s.gates[0], &s.gates[1], &s.gates[2]);
        assert_eq!(f.pinned, Some(0.0));
        assert!(f.value.iter().all(|x| *x == 0.0));
        let ig: Vec<f32> = i.value.iter().zip(&g.value).map(|(a, b)| a * b).collect();
        assert!(close(s.c.as_ref().unwrap(), &ig));
    }
    // LSTM, i = 0: C_t = f ∘ C_(t−1); from the zero state nothing is ever written.
    let v = run(&CellConfig {
        pins: GatePins {
            input: Some(0.0),
            ..GatePins::default()
        },
        ..base.clone()
    })
    .unwrap();
    for s in &v.steps {
        let fc: Vec<f32> = s.gates[1]
            .value
            .iter()
            .zip(s.c_prev.as_ref().unwrap())
            .map(|(a, b)| a * b)
            .collect();
        assert!(close(s.c.as_ref().unwrap(), &fc));
        assert!(s.c.as_ref().unwrap().iter().all(|x| *x == 0.0));
    }
    // The equation's terms add up to the value the cell computed.
    let v = run(&base).unwrap();
    for s in &v.steps {
        for g in &s.gates {
            for u in 0..3 {
                let pre = g.wx[u] + g.wh[u] + g.bias[u];
                let act = if g.name == "g" {
                    pre.tanh()
                } else {
                    1.0 / (1.0 + (-pre).exp())
                };
                assert!((act - g.value[u]).abs() < 1e-5, "{} {u}", g.name);
            }
        }
    }
    assert_eq!(v.prediction, v.free_prediction, "no pins: the same answer");
    assert_eq!(v.pinned_memory, v.free_memory);
    // GRU, z = 1: h_t = h_(t−1) (nothing changes from the zero state); z = 0: h_t = h̃_t.
    let gru = CellConfig {
        cell: CellKind::Gru,
        ..base.clone()
    };
    let v = run(&CellConfig {
        pins: GatePins {
            update: Some(1.0),
            ..GatePins::default()
        },
        ..gru.clone()
    })
    .unwrap();
    for s in &v.steps {
        assert!(close(&s.h, &s.h_prev));
    }
    let v = run(&CellConfig {
        pins: GatePins {
            update: Some(0.0),
            ..GatePins::default()
        },
        ..gru.clone()
    })
    .unwrap();
    for s in &v.steps {
        assert!(close(&s.h, &s.gates[2].value));
    }
    let v = run(&gru).unwrap();
    for s in &v.steps {
        for g in &s.gates {
            for u in 0..3 {
                let pre = g.wx[u] + g.wh[u] + g.bias[u];
                let act = if g.name == "h̃" {
                    pre.tanh()
                } else {
                    1.0 / (1.0 + (-pre).exp())
                };
                assert!((act - g.value[u]).abs() < 1e-5, "GRU {} {u}", g.name);
            }
        }
    }
}

#[test]
fn trained_the_cell_remembers_a_negation_and_forgetting_everything_loses_it() {
    for cell in [CellKind::Lstm, CellKind::Gru] {
        let config = CellConfig {
            cell,
            epochs: 150,
            ..CellConfig::default()
        };
        let v = run(&config).unwrap();
        assert!(v.losses.last().unwrap() < &v.losses[0]);
        assert!(
            v.accuracy.unwrap() > 0.9,
            "{cell:?}: accuracy {:?}",
            v.accuracy
        );
        // The default sentence has 안 early: the trained cell says "negated".
        assert!(v.free_prediction > 0.5, "{cell:?}: {}", v.free_prediction);
        // Without it, not.
        let plain = run(&CellConfig {
            sentence: "이 상품 진짜 좋아요 저는 강추합니다 대박".into(),
            ..config.clone()
        })
        .unwrap();
        assert!(
            plain.free_prediction < 0.5,
            "{cell:?}: {}",
            plain.free_prediction
        );
    }
    // LSTM with f = 0 keeps nothing from one step to the next: the negation is forgotten.
    let forgetful = run(&CellConfig {
        epochs: 150,
        pins: GatePins {
            forget: Some(0.0),
            ..GatePins::default()
        },
        ..CellConfig::default()
    })
    .unwrap();
    assert!(
        forgetful.prediction < forgetful.free_prediction,
        "{} vs {}",
        forgetful.prediction,
        forgetful.free_prediction
    );
}

#[test]
fn bad_settings_are_refused_and_the_messages_survive_the_wire() {
    assert!(
        run(&CellConfig {
            units: 9,
            ..CellConfig::default()
        })
        .is_err()
    );
    assert!(
        run(&CellConfig {
            cell: CellKind::SimpleRnn,
            ..CellConfig::default()
        })
        .is_err()
    );
    assert!(
        run(&CellConfig {
            sentence: "🙂 hello".into(),
            ..CellConfig::default()
        })
        .is_err()
    );
    let request = LabRequest::Cell(CellConfig::default());
    let back: LabRequest = bincode::deserialize(&bincode::serialize(&request).unwrap()).unwrap();
    assert_eq!(back, request);
    let reply = LabReply::Cell(run(&CellConfig::default()).unwrap());
    let back: LabReply = bincode::deserialize(&bincode::serialize(&reply).unwrap()).unwrap();
    assert_eq!(back, reply);
}
