//! The concept labs against known answers, on the shipped review classifiers.

use std::path::Path;

use candle_core::{Device, Tensor};
use rnn_playground::lab::{
    LabReply, LabRequest, embeddings, gates, gradients, run, shapes, stepper, weather,
};
use rnn_playground::nn::Layer;
use rnn_playground::sentiment::SentimentModel;

const REVIEW: &str = "이 상품 진짜 좋아요... 저는 강추합니다. 대박";

fn model(name: &str) -> SentimentModel {
    SentimentModel::load(&Path::new("data/models").join(name)).unwrap()
}

/// The recurrent layer's own (fused) output for the review: the last hidden state.
fn layer_output(m: &SentimentModel) -> Vec<f32> {
    let stages = m.stages(REVIEW).unwrap();
    let ids: Vec<u32> = stages.padded.iter().map(|&i| i as u32).collect();
    let x = Tensor::from_vec(ids, (1, stages.padded.len()), &Device::Cpu).unwrap();
    m.model.layer_outputs(&x).unwrap()[1]
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap()
}

#[test]
fn gru_gates_step_to_the_layers_own_output() {
    let m = model("lecture11-gru");
    let trace = gates::trace(&m, REVIEW).unwrap();
    assert_eq!(trace.cell, "GRU");
    assert_eq!(trace.total_units, 128);
    assert_eq!(trace.units.len(), gates::MAX_UNITS_SHOWN);
    let names: Vec<&str> = trace.maps.iter().map(|m| m.name.as_str()).collect();
    assert!(
        names[0].contains("update") && names[1].contains("reset") && names[2].contains("hidden")
    );
    let n = trace.tokens.len();
    assert!(n >= 5, "{:?}", trace.tokens);
    for map in &trace.maps[..2] {
        assert!(map.values.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
    }
    // Stepping the cell by hand over the padded review ends where the fused layer ends.
    let h = layer_output(&m);
    for (row, &unit) in trace.maps[2].values.iter().zip(&trace.units) {
        assert!((row[n - 1] - h[unit]).abs() < 1e-4, "unit {unit}");
    }
    assert!((trace.probability - m.predict(&[REVIEW]).unwrap()[0]).abs() < 1e-6);
    assert_eq!(trace.state_chart(5).series.len(), 5);
}

#[test]
fn lstm_gates_give_h_as_o_times_tanh_c() {
    let m = model("lecture-lstm");
    let trace = gates::trace(&m, REVIEW).unwrap();
    assert_eq!(trace.cell, "LSTM");
    assert_eq!(trace.maps.len(), 4);
    let (o, c) = (&trace.maps[2], &trace.maps[3]);
    assert!(!c.is_gate && o.is_gate);
    let h = layer_output(&m);
    let n = trace.tokens.len();
    for (k, &unit) in trace.units.iter().enumerate() {
        let want = o.values[k][n - 1] * c.values[k][n - 1].tanh();
        assert!(
            (want - h[unit]).abs() < 1e-4,
            "unit {unit}: {want} vs {}",
            h[unit]
        );
    }
}

#[test]
fn gates_explain_sentences_without_korean_tokens() {
    let m = model("lecture11-gru");
    for text in ["", "🙂🙂", "hello"] {
        let err = gates::trace(&m, text).unwrap_err().to_string();
        assert!(err.contains("Korean"), "{text:?}: {err}");
    }
    // 100,000 characters: only the last maxlen tokens are stepped and shown.
    let long = "좋아요 ".repeat(20_000);
    assert!(gates::trace(&m, &long).unwrap().tokens.len() <= 60);
}

#[test]
fn embedding_projection_neighbours_are_cosine_similarities() {
    let m = model("lecture11-gru");
    let p = embeddings::project(&m, 1000, 80, 5).unwrap();
    assert_eq!(p.words.len(), 80);
    assert_eq!(p.dim, 100);
    assert!(p.explained[0] >= p.explained[1] && p.explained[0] < 1.0 && p.explained[1] > 0.0);
    let Layer::Embedding(e) = &m.model.layers()[0].1 else {
        panic!("an Embedding first")
    };
    let table = e.embeddings.as_tensor().to_vec2::<f32>().unwrap();
    let index = |w: &str| m.tokenizer.word_index()[w];
    let cos = |a: &[f32], b: &[f32]| {
        let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let n = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
        dot / (n(a) * n(b))
    };
    for word in &p.words[..10] {
        assert_eq!(word.index, index(&word.word));
        let sims: Vec<f32> = word.neighbours.iter().map(|n| n.1).collect();
        assert!(sims.windows(2).all(|w| w[0] >= w[1]), "sorted: {sims:?}");
        let (other, sim) = &word.neighbours[0];
        let want = cos(&table[word.index], &table[index(other)]);
        assert!((sim - want).abs() < 1e-4, "{} ~ {other}", word.word);
    }
}

#[test]
fn the_worker_requests_run_natively() {
    let reply = run(
        &LabRequest::Gradients(gradients::GradientConfig {
            scale: 0.5,
            ..Default::default()
        }),
        &[],
    )
    .unwrap();
    let LabReply::Gradients(c) = reply else {
        panic!("gradients asked")
    };
    assert!(c.curves[0].factor_per_step < 0.6);
    let gru = model("lecture11-gru");
    let models = vec![("gru", &gru)];
    let gates = LabRequest::Gates {
        model: "gru".into(),
        text: REVIEW.into(),
    };
    assert!(matches!(run(&gates, &models), Ok(LabReply::Gates(_))));
    let err = run(&gates, &[]).unwrap_err().to_string();
    assert!(err.contains("not loaded"), "{err}");
    // A week for a model file that is not a weather model is refused with a message.
    let week = LabRequest::WeatherWeek {
        model_file: b"not a model".to_vec(),
        yesterday: 0,
        week: "맑음 비".into(),
    };
    assert!(run(&week, &[]).is_err());
}

/// The page and the worker exchange these in bincode (gloo-worker's codec), which cannot
/// decode everything serde can (internally tagged enums, skipped fields): every request and
/// reply must come back equal.
#[test]
fn every_lab_message_survives_the_worker_codec() {
    let gru = model("lecture11-gru");
    let models = vec![("gru", &gru)];
    let trained = weather::train(&weather::WeatherConfig {
        epochs: 5,
        ..Default::default()
    })
    .unwrap();
    let mut requests = vec![
        LabRequest::TrainStepper(stepper::StepperConfig {
            epochs: 3,
            ..Default::default()
        }),
        LabRequest::TrainWeather(weather::WeatherConfig {
            epochs: 2,
            ..Default::default()
        }),
        LabRequest::WeatherWeek {
            model_file: trained.model_file,
            yesterday: 1,
            week: "☀☂".into(),
        },
        LabRequest::Gradients(Default::default()),
        LabRequest::Lookup {
            table: vec![("groot".into(), [0.5, -0.5])],
            sentence: "I am groot".into(),
        },
        LabRequest::Gates {
            model: "gru".into(),
            text: REVIEW.into(),
        },
        LabRequest::Projection {
            model: "gru".into(),
            fit: 200,
            show: 20,
            neighbours: 3,
        },
    ];
    requests.extend(
        shapes::presets()
            .into_iter()
            .map(|(_, config)| LabRequest::Shapes(config)),
    );
    for request in requests {
        let bytes = bincode::serialize(&request).unwrap();
        let back: LabRequest = bincode::deserialize(&bytes).unwrap();
        assert_eq!(back, request);
        let reply = run(&back, &models).unwrap();
        let bytes = bincode::serialize(&reply).unwrap();
        let back: LabReply = bincode::deserialize(&bytes).unwrap();
        assert_eq!(back, reply);
    }
}
