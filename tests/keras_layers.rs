//! Our layers, losses, metrics, optimizers and `summary()` against real Keras (tf-keras 2.21):
//! every case of `tests/data/keras_nn_reference.json`, written by
//! `scripts/keras_nn_reference.py`. Outputs, the loss and the gradient of every weight and of
//! the input must agree to 1e-5; optimizer steps to 1e-6.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};
use rnn_playground::nn::{
    Activation, Bidirectional, CellKind, Dense, Embedding, Loss, MergeMode, Optimizer,
    OptimizerConfig, Recurrent, loss,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize, Clone)]
struct Array {
    shape: Vec<usize>,
    data: Vec<f32>,
}

impl Array {
    fn tensor(&self) -> Tensor {
        Tensor::from_vec(self.data.clone(), self.shape.clone(), &Device::Cpu).unwrap()
    }
}

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/keras_nn_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn arrays(v: &Value) -> HashMap<String, Array> {
    serde_json::from_value(v.clone()).unwrap()
}

fn array_list(v: &Value) -> Vec<Array> {
    serde_json::from_value(v.clone()).unwrap()
}

fn nested_tensor(v: &Value, dtype: DType) -> Tensor {
    fn flatten(v: &Value, shape: &mut Vec<usize>, depth: usize, out: &mut Vec<f32>) {
        match v {
            Value::Array(items) => {
                if shape.len() == depth {
                    shape.push(items.len());
                }
                for item in items {
                    flatten(item, shape, depth + 1, out);
                }
            }
            Value::Number(n) => out.push(n.as_f64().unwrap() as f32),
            Value::Bool(b) => out.push(*b as u8 as f32),
            other => panic!("unexpected {other}"),
        }
    }
    let (mut shape, mut data) = (Vec::new(), Vec::new());
    flatten(v, &mut shape, 0, &mut data);
    Tensor::from_vec(data, shape, &Device::Cpu)
        .unwrap()
        .to_dtype(dtype)
        .unwrap()
}

fn assert_close(name: &str, got: &Tensor, want: &Array, tol: f32) {
    assert_eq!(got.dims(), want.shape.as_slice(), "{name}: shape");
    let got = got.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let worst = got
        .iter()
        .zip(&want.data)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(
        worst <= tol,
        "{name}: max |ours − keras| = {worst:e} > {tol:e}"
    );
}

fn cell_kind(name: &str) -> CellKind {
    name.parse().unwrap()
}

fn build_recurrent(layer: &str, config: &Value, input_dim: usize) -> Recurrent {
    let flag = |k: &str| config[k].as_bool().unwrap_or(false);
    let mut r = Recurrent::new(
        cell_kind(layer),
        input_dim,
        config["units"].as_u64().unwrap() as usize,
        0,
    )
    .with_return_sequences(flag("return_sequences"))
    .with_return_state(flag("return_state"))
    .with_go_backwards(flag("go_backwards"))
    .with_reset_after(config["reset_after"].as_bool().unwrap_or(true));
    if config["use_bias"] == Value::Bool(false) {
        r = r.without_bias();
    }
    r
}

fn set_rnn(r: &Recurrent, prefix: &str, w: &HashMap<String, Array>) {
    r.kernel
        .set(&w[&format!("{prefix}kernel")].tensor())
        .unwrap();
    r.recurrent_kernel
        .set(&w[&format!("{prefix}recurrent_kernel")].tensor())
        .unwrap();
    if let Some(b) = &r.bias {
        b.set(&w[&format!("{prefix}bias")].tensor()).unwrap();
    }
}

fn rnn_vars(r: &Recurrent, prefix: &str) -> Vec<(String, Var)> {
    let mut v = vec![
        (format!("{prefix}kernel"), r.kernel.clone()),
        (
            format!("{prefix}recurrent_kernel"),
            r.recurrent_kernel.clone(),
        ),
    ];
    if let Some(b) = &r.bias {
        v.push((format!("{prefix}bias"), b.clone()));
    }
    v
}

/// Build the case's layer, run it on the case's input, and return its outputs, its variables
/// and the input variable (for the input gradient).
fn run_layer(case: &Value, reference_impl: bool) -> (Vec<Tensor>, Vec<(String, Var)>, Option<Var>) {
    let layer = case["layer"].as_str().unwrap();
    let config = &case["config"];
    let w = arrays(&case["weights"]);
    if layer == "Embedding" {
        let e = Embedding::new(
            config["input_dim"].as_u64().unwrap() as usize,
            config["output_dim"].as_u64().unwrap() as usize,
            false,
            0,
        );
        e.embeddings.set(&w["embeddings"].tensor()).unwrap();
        let ids = nested_tensor(&case["input"], DType::U32);
        return (
            vec![e.forward(&ids).unwrap()],
            vec![("embeddings".into(), e.embeddings.clone())],
            None,
        );
    }
    let x = Var::from_tensor(&nested_tensor(&case["input"], DType::F32)).unwrap();
    let input_dim = *x.dims().last().unwrap();
    match layer {
        "Dense" => {
            let d = Dense::new(
                input_dim,
                config["units"].as_u64().unwrap() as usize,
                config["activation"]
                    .as_str()
                    .unwrap()
                    .parse::<Activation>()
                    .unwrap(),
                config["use_bias"].as_bool().unwrap(),
                0,
            );
            d.kernel.set(&w["kernel"].tensor()).unwrap();
            let mut vars = vec![("kernel".to_string(), d.kernel.clone())];
            if let Some(b) = &d.bias {
                b.set(&w["bias"].tensor()).unwrap();
                vars.push(("bias".into(), b.clone()));
            }
            (vec![d.forward(&x).unwrap()], vars, Some(x))
        }
        "Bidirectional" => {
            let inner = &config["inner"];
            let r = build_recurrent(
                inner["layer"].as_str().unwrap(),
                &inner["config"],
                input_dim,
            );
            let merge: MergeMode = serde_json::from_value(config["merge_mode"].clone()).unwrap();
            let b = Bidirectional::new(r, merge, 1);
            set_rnn(&b.forward, "forward/", &w);
            set_rnn(&b.backward, "backward/", &w);
            let mut vars = rnn_vars(&b.forward, "forward/");
            vars.extend(rnn_vars(&b.backward, "backward/"));
            (vec![b.forward(&x, None).unwrap()], vars, Some(x))
        }
        _ => {
            let r = build_recurrent(layer, config, input_dim);
            set_rnn(&r, "", &w);
            let out = if reference_impl {
                r.forward_reference(&x, None).unwrap()
            } else {
                r.forward(&x, None).unwrap()
            };
            let mut outputs = vec![out.output];
            outputs.extend(out.states);
            (outputs, rnn_vars(&r, ""), Some(x))
        }
    }
}

fn check_case(case: &Value, reference_impl: bool) {
    let name = format!(
        "{} ({})",
        case["name"].as_str().unwrap(),
        if reference_impl {
            "reference"
        } else {
            "default"
        }
    );
    let (outputs, vars, input) = run_layer(case, reference_impl);
    let want = array_list(&case["outputs"]);
    assert_eq!(outputs.len(), want.len(), "{name}: number of outputs");
    for (i, (o, w)) in outputs.iter().zip(&want).enumerate() {
        assert_close(&format!("{name}: output {i}"), o, w, 1e-5);
    }
    let weights = array_list(&case["loss_weights"]);
    let mut loss = Tensor::new(0f32, &Device::Cpu).unwrap();
    for (o, r) in outputs.iter().zip(&weights) {
        loss = (loss + (o * r.tensor()).unwrap().sum_all().unwrap()).unwrap();
    }
    let want_loss = case["loss"].as_f64().unwrap() as f32;
    let got_loss = loss.to_scalar::<f32>().unwrap();
    assert!(
        (got_loss - want_loss).abs() < 1e-5,
        "{name}: loss {got_loss} vs {want_loss}"
    );
    let grads = loss.backward().unwrap();
    let want_grads = arrays(&case["grads"]);
    for (wname, var) in &vars {
        let g = grads
            .get(var.as_tensor())
            .unwrap_or_else(|| panic!("{name}: no gradient for {wname}"));
        assert_close(
            &format!("{name}: d loss / d {wname}"),
            g,
            &want_grads[wname],
            1e-5,
        );
    }
    if let (Some(x), Some(want)) = (input, want_grads.get("input")) {
        assert_close(
            &format!("{name}: d loss / d input"),
            grads.get(x.as_tensor()).unwrap(),
            want,
            1e-5,
        );
    }
}

#[test]
fn layers_match_keras_outputs_and_gradients() {
    let reference = reference();
    let cases = reference["layer_cases"].as_array().unwrap();
    assert!(cases.len() >= 29);
    for case in cases {
        check_case(case, true);
        check_case(case, false);
    }
}

#[test]
fn masking_matches_keras() {
    let reference = reference();
    let cases = reference["masking_cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let w = arrays(&case["weights"]);
        let ec = &case["embedding_config"];
        let emb = Embedding::new(
            ec["input_dim"].as_u64().unwrap() as usize,
            ec["output_dim"].as_u64().unwrap() as usize,
            true,
            0,
        );
        emb.embeddings
            .set(&w["embedding/embeddings"].tensor())
            .unwrap();
        let ids = nested_tensor(&case["input"], DType::U32);
        let x = emb.forward(&ids).unwrap();
        let mask = emb.compute_mask(&ids).unwrap().unwrap();
        let mut vars = vec![("embedding/embeddings".to_string(), emb.embeddings.clone())];
        let rnn = &case["rnn"];
        let layer = rnn["layer"].as_str().unwrap();
        let outputs: Vec<Tensor> = if layer == "Bidirectional" {
            let inner = &rnn["config"]["inner"];
            let r = build_recurrent(
                inner["layer"].as_str().unwrap(),
                &inner["config"],
                emb.output_dim,
            );
            let merge: MergeMode =
                serde_json::from_value(rnn["config"]["merge_mode"].clone()).unwrap();
            let b = Bidirectional::new(r, merge, 1);
            set_rnn(&b.forward, "rnn/forward/", &w);
            set_rnn(&b.backward, "rnn/backward/", &w);
            vars.extend(rnn_vars(&b.forward, "rnn/forward/"));
            vars.extend(rnn_vars(&b.backward, "rnn/backward/"));
            vec![b.forward(&x, Some(&mask)).unwrap()]
        } else {
            let r = build_recurrent(layer, &rnn["config"], emb.output_dim);
            set_rnn(&r, "rnn/", &w);
            vars.extend(rnn_vars(&r, "rnn/"));
            let out = r.forward(&x, Some(&mask)).unwrap();
            let reference = r.forward_reference(&x, Some(&mask)).unwrap();
            assert_close(
                &format!("{name}: default vs reference"),
                &out.output,
                &Array {
                    shape: reference.output.dims().to_vec(),
                    data: reference.output.flatten_all().unwrap().to_vec1().unwrap(),
                },
                1e-6,
            );
            let mut o = vec![out.output];
            o.extend(out.states);
            o
        };
        let want = array_list(&case["outputs"]);
        assert_eq!(outputs.len(), want.len(), "{name}");
        for (i, (o, wnt)) in outputs.iter().zip(&want).enumerate() {
            assert_close(&format!("{name}: output {i}"), o, wnt, 1e-5);
        }
        let weights = array_list(&case["loss_weights"]);
        let mut loss = Tensor::new(0f32, &Device::Cpu).unwrap();
        for (o, r) in outputs.iter().zip(&weights) {
            loss = (loss + (o * r.tensor()).unwrap().sum_all().unwrap()).unwrap();
        }
        let grads = loss.backward().unwrap();
        let want_grads = arrays(&case["grads"]);
        for (wname, var) in &vars {
            let g = grads.get(var.as_tensor()).unwrap();
            assert_close(
                &format!("{name}: d loss / d {wname}"),
                g,
                &want_grads[wname],
                1e-5,
            );
        }
    }
}

#[test]
fn losses_match_keras_values_and_gradients() {
    let reference = reference();
    for case in reference["loss_cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let kind: Loss = serde_json::from_value(case["loss"].clone()).unwrap();
        let from_logits = case["from_logits"].as_bool().unwrap();
        let y_true = nested_tensor(&case["y_true"], DType::F32);
        let pred = Var::from_tensor(&nested_tensor(&case["y_pred"], DType::F32)).unwrap();
        let value = kind
            .compute(&y_true, pred.as_tensor(), from_logits)
            .unwrap();
        let want = case["value"].as_f64().unwrap() as f32;
        let got = value.to_scalar::<f32>().unwrap();
        assert!(
            (got - want).abs() <= 1e-5 * want.abs().max(1.0),
            "{name}: {got} vs {want}"
        );
        let grads = value.backward().unwrap();
        let want_grad = nested_tensor(&case["grad_y_pred"], DType::F32);
        let g = grads.get(pred.as_tensor()).unwrap();
        let diff = (g - &want_grad)
            .unwrap()
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!(diff < 1e-5, "{name}: gradient differs by {diff}");
    }
}

#[test]
fn metrics_match_keras() {
    let reference = reference();
    for case in reference["metric_cases"].as_array().unwrap() {
        let name = case["metric"].as_str().unwrap();
        let y_true = nested_tensor(&case["y_true"], DType::F32);
        let y_pred = nested_tensor(&case["y_pred"], DType::F32);
        let got = match name {
            "categorical_accuracy" => loss::categorical_accuracy(&y_true, &y_pred).unwrap(),
            "sparse_categorical_accuracy" => {
                loss::sparse_categorical_accuracy(&y_true, &y_pred).unwrap()
            }
            "binary_accuracy" => loss::binary_accuracy(&y_true, &y_pred, 0.5).unwrap(),
            other => panic!("unknown metric {other}"),
        };
        assert_eq!(got, case["value"].as_f64().unwrap() as f32, "{name}");
    }
}

#[test]
fn optimizers_match_keras_step_by_step() {
    let reference = reference();
    let cases = reference["optimizer_cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let c = &case["config"];
        let f = |k: &str| c[k].as_f64().unwrap() as f32;
        let mut config = match case["optimizer"].as_str().unwrap() {
            "Adam" => OptimizerConfig::Adam {
                learning_rate: f("learning_rate"),
                beta_1: f("beta_1"),
                beta_2: f("beta_2"),
                epsilon: f("epsilon"),
                clipnorm: None,
            },
            "RMSprop" => OptimizerConfig::RMSprop {
                learning_rate: f("learning_rate"),
                rho: f("rho"),
                epsilon: f("epsilon"),
                clipnorm: None,
            },
            "SGD" => OptimizerConfig::SGD {
                learning_rate: f("learning_rate"),
                momentum: f("momentum"),
                clipnorm: None,
            },
            other => panic!("unknown optimizer {other}"),
        };
        if let Some(norm) = c["clipnorm"].as_f64() {
            config = config.with_clipnorm(norm as f32);
        }
        let shape: Vec<usize> = serde_json::from_value(case["shape"].clone()).unwrap();
        let initial: Vec<f32> = serde_json::from_value(case["initial"].clone()).unwrap();
        let var = Var::from_vec(initial, shape.clone(), &Device::Cpu).unwrap();
        let mut opt = Optimizer::new(config);
        let grads: Vec<Vec<f32>> = serde_json::from_value(case["grads"].clone()).unwrap();
        let after: Vec<Vec<f32>> = serde_json::from_value(case["after_each_step"].clone()).unwrap();
        for (step, (g, want)) in grads.iter().zip(&after).enumerate() {
            opt.iterations += 1;
            let g = Tensor::from_vec(g.clone(), shape.clone(), &Device::Cpu).unwrap();
            opt.update("w", &var, &g).unwrap();
            let got = var.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            for (a, b) in got.iter().zip(want) {
                assert!(
                    (a - b).abs() <= 1e-6,
                    "{name} step {}: {got:?} vs {want:?}",
                    step + 1
                );
            }
        }
    }
}

#[test]
fn summaries_match_keras_character_for_character() {
    use rnn_playground::nn::{LayerConfig, Sequential};
    let reference = reference();
    let summaries = reference["summaries"].as_array().unwrap();
    let text = |name: &str| {
        summaries.iter().find(|s| s["name"] == name).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let model = |vocab, dim, cell, units, out, act, len| {
        Sequential::from_config(
            &[
                LayerConfig::Embedding {
                    input_dim: vocab,
                    output_dim: dim,
                    mask_zero: false,
                },
                LayerConfig::rnn(cell, units),
                LayerConfig::Dense {
                    units: out,
                    activation: act,
                    use_bias: true,
                },
            ],
            len,
            0,
        )
        .unwrap()
    };
    let lecture9 = model(
        8000,
        128,
        CellKind::SimpleRnn,
        64,
        1,
        Activation::Sigmoid,
        Some(60),
    );
    assert_eq!(lecture9.summary_keras2(), text("lecture9_simplernn_input"));
    let lecture9_unbuilt = model(
        8000,
        128,
        CellKind::SimpleRnn,
        64,
        1,
        Activation::Sigmoid,
        None,
    );
    assert_eq!(
        lecture9_unbuilt.summary_keras2(),
        text("lecture9_simplernn_build")
    );
    let lecture8 = model(
        12,
        10,
        CellKind::SimpleRnn,
        32,
        12,
        Activation::Softmax,
        Some(5),
    );
    assert_eq!(lecture8.summary_keras2(), text("lecture8_simplernn_input"));
    let lecture11 = model(
        8000,
        100,
        CellKind::Gru,
        128,
        1,
        Activation::Sigmoid,
        Some(60),
    );
    assert_eq!(lecture11.summary_keras2(), text("lecture11_gru_input"));
    // The lecture's known answers.
    let counts: Vec<usize> = lecture9
        .layers()
        .iter()
        .map(|(_, l)| l.param_count())
        .collect();
    assert_eq!(counts, vec![1_024_000, 12_352, 65]);
}
