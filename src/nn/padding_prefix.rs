//! The shared padding prefix: exact work saved on pre-padded, unmasked batches.
//!
//! The lectures pad in front (`pad_sequences`' default `padding='pre'`) and do not mask, so
//! every review first runs through its padding: reviews average ~11 morphemes of 60, so most
//! recurrent steps read padding. But every sample starts from the same zero state and reads the
//! same input (`embedding[0]`) until its first word, so all samples share one hidden-state
//! trajectory through their padding. This computes that trajectory once (one row), starts each
//! sample's words from the shared state at its own padding length, and runs a batch sorted by
//! padding length so that each step's products take only the samples that have started. In
//! backpropagation each sample's gradient flows into the shared trajectory at its junction and
//! the shared row is backpropagated once (candle's autograd adds them up).
//!
//! The same outputs and gradients as running every sample through its padding (to float
//! summation order; `tests/padding_prefix.rs`), for a forward-direction SimpleRNN, LSTM or GRU
//! that returns its last state: not for `go_backwards` (it reads the padding last) or masked
//! layers (they skip padding anyway).
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Sequential};
//!
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 6, output_dim: 3, mask_zero: false },
//!     LayerConfig::rnn(CellKind::Gru, 4),
//!     LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true },
//! ], Some(5), 0).unwrap();
//! let x = Tensor::new(&[[0u32, 0, 0, 2, 3], [0, 4, 5, 1, 2]], &Device::Cpu).unwrap();
//! let shared = model.forward(&x).unwrap();
//! let plain = model.forward_without_padding_prefix(&x).unwrap();
//! let gap = (shared - plain).unwrap().abs().unwrap().max_all().unwrap();
//! assert!(gap.to_scalar::<f32>().unwrap() < 1e-6);
//! ```

use candle_core::{DType, Tensor};

use super::error::Result;
use super::fused::{InputRows, state_sequence, state_sequence_from, state_width};
use super::rnn::{CellKind, Recurrent, RnnOutput, RnnState};
use super::{Embedded, Embedding};

/// Whether `layer` after an unmasked Embedding can share the padding prefix.
pub fn applies(layer: &Recurrent, embedding: &Embedding) -> bool {
    layer.runs_fused()
        && !embedding.mask_zero
        && !layer.go_backwards
        && !layer.return_sequences
        && embedding.output_dim == layer.input_dim
}

/// Leading padding ids (0) of each row of `ids` (`[batch, time]`).
pub fn padding_lengths(ids: &[u32], time: usize) -> Vec<usize> {
    ids.chunks(time)
        .map(|row| row.iter().take_while(|&&id| id == 0).count())
        .collect()
}

/// Where the layer's input products (`x · kernel`, without the input bias) come from.
pub enum Inputs<'a> {
    /// Every position's, `[batch, time, gates·units]`.
    Projected(Tensor),
    /// The batch's distinct words ([`Embedded`]): rows are made only for the positions the
    /// recurrence reads.
    Embedded(&'a Embedded<'a>, &'a Tensor),
}

impl Inputs<'_> {
    /// The input products as one table, and each flat position's (`b · time + t`) row in it:
    /// every position's own row (`[batch · time, gates·units]`), or each distinct word's.
    fn table(&self) -> Result<(Tensor, Option<&[u32]>)> {
        match self {
            Inputs::Projected(xp) => {
                let (b, t, gu) = xp.dims3()?;
                Ok((xp.reshape((b * t, gu))?, None))
            }
            Inputs::Embedded(embedded, kernel) => {
                let (table, index) = embedded.products_by_position(kernel)?;
                Ok((table, Some(index)))
            }
        }
    }
}

/// The layer's output on pre-padded `ids` through the shared padding prefix; `None` when no
/// row starts with padding (then there is nothing to share). The input products are gathered
/// once, straight into the sorted order and the steps after the shortest padding: the
/// padding's own products (all `embedding[0] · kernel`) are computed once, as one row.
pub fn forward(
    layer: &Recurrent,
    embedding: &Embedding,
    ids: &Tensor,
    inputs: Inputs,
) -> Result<Option<RnnOutput>> {
    let (batch, time) = ids.dims2()?;
    let flat = ids.to_dtype(DType::U32)?.flatten_all()?.to_vec1::<u32>()?;
    let pads = padding_lengths(&flat, time);
    let longest_pad = pads.iter().copied().max().unwrap_or(0);
    if longest_pad == 0 || batch == 0 {
        return Ok(None);
    }
    let device = embedding.embeddings.device();
    let (u, sw) = (layer.units, state_width(layer));
    let gu = layer.kind.gates() * u;
    // Rows by padding length, shortest padding (longest review) first: at every step the rows
    // that have started are a prefix.
    let mut order: Vec<u32> = (0..batch as u32).collect();
    order.sort_by_key(|&b| pads[b as usize]);
    let sorted_pads: Vec<u32> = order.iter().map(|&b| pads[b as usize] as u32).collect();
    let first = sorted_pads[0] as usize;
    // What the recurrence reads: a padding position's product (all of them are `embedding[0]
    // · kernel`), and each row's steps after the shortest padding, in sorted order.
    let padded_row = *order.last().expect("batch > 0");
    let active: Vec<u32> = order
        .iter()
        .flat_map(|&b| (first..time).map(move |t| b * time as u32 + t as u32))
        .collect();
    // One table of input products, read by the fused op through an index (and the padding's
    // row picked from it), so each weight's gradient comes back through one path.
    let (table, index) = inputs.table()?;
    let row_of = |p: u32| index.map_or(p, |index| index[p as usize]);
    let pad_row = Tensor::new(&[row_of(padded_row * time as u32)], device)?;
    let pad_product = table.index_select(&pad_row, 0)?;
    let active: Vec<u32> = active.into_iter().map(row_of).collect();
    // The shared trajectory: `longest_pad` steps of embedding[0] from the zero state.
    let pad_xp = pad_product
        .unsqueeze(0)?
        .broadcast_as((1, longest_pad, gu))?
        .contiguous()?;
    let zero = Tensor::zeros((1, sw), DType::F32, device)?;
    let shared = state_sequence(layer, &pad_xp, None, &zero)?.squeeze(0)?;
    // shared_states[k]: the state after k padding steps.
    let shared_states = Tensor::cat(&[&zero, &shared], 0)?.contiguous()?;

    let mut inverse = vec![0u32; batch];
    for (place, &b) in order.iter().enumerate() {
        inverse[b as usize] = place as u32;
    }
    let state0 = shared_states.index_select(&Tensor::new(sorted_pads.as_slice(), device)?, 0)?;
    let last = if first == time {
        // Nothing but padding in every row.
        state0
    } else {
        let steps = time - first;
        let mask = (first != *sorted_pads.last().unwrap_or(&0) as usize).then(|| {
            let mut m = vec![0f32; batch * steps];
            for (b, &p) in sorted_pads.iter().enumerate() {
                for t in (p as usize).saturating_sub(first)..steps {
                    m[b * steps + t] = 1.0;
                }
            }
            std::sync::Arc::new(m)
        });
        let xp = InputRows::Gathered {
            table: &table,
            index: std::sync::Arc::new(active),
            batch,
            time: steps,
        };
        let out = state_sequence_from(layer, xp, mask, &state0)?;
        out.narrow(1, steps - 1, 1)?.squeeze(1)?
    };
    let last = last
        .contiguous()?
        .index_select(&Tensor::new(inverse.as_slice(), device)?, 0)?;
    let h = last.narrow(1, 0, u)?;
    let c = match layer.kind {
        CellKind::Lstm => Some(last.narrow(1, u, u)?),
        _ => None,
    };
    Ok(Some(layer.finish(h.clone(), RnnState { h, c })))
}
