//! A fit saved between two epochs and picked up again where it stopped, as if it had never
//! stopped: the weights, the optimizer's slots and step count, early stopping's best value,
//! patience and best weights, and the history. The shuffling is not saved: it is replayed
//! from the seed (one shuffle per finished epoch), so the resumed fit sees the same batches.
//!
//! The page keeps the last finished epoch's checkpoint of a notebook fit, so that a worker
//! that stops answering costs at most the epoch in progress. The file is a safetensors file
//! (the weights and slots as tensors, the rest as JSON in its metadata).
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Loss, Optimizer, OptimizerConfig, Sequential};
//! use rnn_playground::train::{checkpoint, Dataset, EarlyStopping, FitOptions, Monitor, Trainer};
//!
//! let layers = [
//!     LayerConfig::Embedding { input_dim: 4, output_dim: 3, mask_zero: false },
//!     LayerConfig::rnn(CellKind::Gru, 4),
//!     LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true },
//! ];
//! let data = Dataset {
//!     x: Tensor::new(&[[1u32, 2], [2, 3], [3, 1], [1, 1]], &Device::Cpu).unwrap(),
//!     y: Tensor::new(&[1f32, 0., 1., 0.], &Device::Cpu).unwrap(),
//! };
//! let options = FitOptions { epochs: 3, batch_size: 2, ..FitOptions::default() };
//! let fresh = || {
//!     let model = Sequential::from_config(&layers, Some(2), 0).unwrap();
//!     let trainer = Trainer::new(Loss::BinaryCrossentropy, &data, &options).unwrap();
//!     (model, trainer, Optimizer::new(OptimizerConfig::rmsprop(0.01)), EarlyStopping::new(Monitor::Loss, 2, true))
//! };
//! // Two epochs, saved; then a new model, trainer and optimizer take up from there.
//! let (model, mut trainer, mut opt, mut early) = fresh();
//! while trainer.epoch() < 2 {
//!     trainer.run_batch(&model, &mut opt, &mut [&mut early]).unwrap();
//! }
//! let saved = checkpoint::save(&trainer, &model, &opt, &early).unwrap();
//! let (model2, mut trainer2, mut opt2, mut early2) = fresh();
//! checkpoint::restore(&saved, &mut trainer2, &model2, &mut opt2, &mut early2).unwrap();
//! assert_eq!(trainer2.epoch(), 2);
//! assert_eq!(trainer2.history().epochs, trainer.history().epochs);
//! ```

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use serde::Serialize;

use super::{EarlyStopping, History, Trainer};
use crate::nn::{NnError, Optimizer, Result, Sequential};

use super::callbacks::EarlyState;

/// The checkpoint of `trainer` with `model`, `optimizer` and `early`, between two epochs.
pub fn save(
    trainer: &Trainer,
    model: &Sequential,
    optimizer: &Optimizer,
    early: &EarlyStopping,
) -> Result<Vec<u8>> {
    if trainer.current.is_some() {
        return Err(NnError::Config(
            "a checkpoint is taken between epochs, not in the middle of one".into(),
        ));
    }
    // Each tensor goes to little-endian bytes at once: the file is built from one copy.
    let le = |values: &[f32]| -> Vec<u8> { values.iter().flat_map(|x| x.to_le_bytes()).collect() };
    let mut tensors: Vec<(String, Vec<u8>, Vec<usize>)> = Vec::new();
    for (name, var) in model.trainable_variables() {
        let values = var.as_tensor().flatten_all()?.to_vec1::<f32>()?;
        tensors.push((format!("model/{name}"), le(&values), var.dims().to_vec()));
    }
    for (name, first, second) in optimizer.slot_values() {
        tensors.push((format!("first/{name}"), le(first), vec![first.len()]));
        // RMSprop and SGD leave the second slot at zero: not saved, a quarter less to keep.
        if second.iter().any(|&v| v != 0.0) {
            tensors.push((format!("second/{name}"), le(second), vec![second.len()]));
        }
    }
    let (state, best) = early.state();
    if let Some(best) = best {
        for (name, t) in best {
            let values = t.flatten_all()?.to_vec1::<f32>()?;
            tensors.push((format!("best/{name}"), le(&values), t.dims().to_vec()));
        }
    }
    let metadata = HashMap::from([
        ("epochs_done".to_string(), trainer.epoch.to_string()),
        ("iterations".to_string(), optimizer.iterations.to_string()),
        ("history".to_string(), json(&trainer.history)?),
        ("early".to_string(), json(&state)?),
    ]);
    let views = tensors
        .iter()
        .map(|(n, b, shape)| {
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), b)
                .map(|v| (n.clone(), v))
                .map_err(|e| NnError::Load(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    safetensors::serialize(views, Some(metadata)).map_err(|e| NnError::Load(e.to_string()))
}

/// Take up the fit saved in `bytes`: `trainer`, `model`, `optimizer` and `early` must be new
/// ones made with the same data, options, layers and seed as the saved run.
pub fn restore(
    bytes: &[u8],
    trainer: &mut Trainer,
    model: &Sequential,
    optimizer: &mut Optimizer,
    early: &mut EarlyStopping,
) -> Result<()> {
    let bad = |why: String| NnError::Load(format!("this checkpoint cannot be used: {why}"));
    let (_, metadata) =
        safetensors::SafeTensors::read_metadata(bytes).map_err(|e| bad(e.to_string()))?;
    let file = safetensors::SafeTensors::deserialize(bytes).map_err(|e| bad(e.to_string()))?;
    let meta = metadata.metadata().clone().unwrap_or_default();
    let field = |k: &str| meta.get(k).ok_or_else(|| bad(format!("no {k}")));
    let epochs_done: usize = field("epochs_done")?
        .parse()
        .map_err(|_| bad("epochs_done".into()))?;
    let iterations: u64 = field("iterations")?
        .parse()
        .map_err(|_| bad("iterations".into()))?;
    let history: History =
        serde_json::from_str(field("history")?).map_err(|e| bad(e.to_string()))?;
    let state: EarlyState =
        serde_json::from_str(field("early")?).map_err(|e| bad(e.to_string()))?;
    if epochs_done >= trainer.options.epochs || history.epochs.len() != epochs_done {
        return Err(bad(format!(
            "it has {epochs_done} epochs of {}",
            trainer.options.epochs
        )));
    }
    let floats = |name: &str| -> Result<Option<(Vec<f32>, Vec<usize>)>> {
        match file.tensor(name) {
            Ok(view) if view.dtype() == safetensors::Dtype::F32 => Ok(Some((
                view.data()
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
                view.shape().to_vec(),
            ))),
            Ok(_) => Err(bad(format!("{name} is not f32"))),
            Err(_) => Ok(None),
        }
    };
    let mut best = HashMap::new();
    for (name, var) in model.trainable_variables() {
        let (values, shape) =
            floats(&format!("model/{name}"))?.ok_or_else(|| bad(format!("no weight {name}")))?;
        if shape != var.dims() {
            return Err(bad(format!(
                "{name} has shape {shape:?}, the model {:?}",
                var.dims()
            )));
        }
        var.set(&Tensor::from_vec(values, shape, &Device::Cpu)?)?;
        if let Some((values, shape)) = floats(&format!("best/{name}"))? {
            best.insert(name.clone(), Tensor::from_vec(values, shape, &Device::Cpu)?);
        }
        match (
            floats(&format!("first/{name}"))?,
            floats(&format!("second/{name}"))?,
        ) {
            (Some((first, _)), second) => {
                let second = second.map_or_else(|| vec![0.0; first.len()], |s| s.0);
                optimizer.restore_slot(&name, first, second, var.elem_count())?
            }
            (None, None) => {}
            (None, Some(_)) => return Err(bad(format!("half of {name}'s optimizer slots"))),
        }
    }
    optimizer.iterations = iterations;
    early.restore(state, (!best.is_empty()).then_some(best));
    // The shuffles of the finished epochs, replayed from the seed.
    for _ in 0..epochs_done {
        trainer.start_epoch_order();
    }
    trainer.epoch = epochs_done;
    trainer.history = history;
    Ok(())
}

/// JSON for the checkpoint's metadata.
fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| NnError::Load(e.to_string()))
}
