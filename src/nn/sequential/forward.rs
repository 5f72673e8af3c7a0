//! The forward pass of a [`Sequential`]: token ids (or float features) through every layer,
//! with the padding prefix shared and the logits of a final softmax/sigmoid kept for the loss.

use candle_core::Tensor;

use super::{Layer, ModelOutput, Sequential};
use crate::nn::error::Result;
use crate::nn::{Activation, Embedded, Embedding, GatheredRows, padding_prefix};

impl Sequential {
    /// Probabilities (or whatever the last layer outputs) for token ids `[batch, time]`.
    pub fn forward(&self, ids: &Tensor) -> Result<Tensor> {
        Ok(self.forward_with_logits(ids)?.output)
    }

    /// The forward pass, keeping the last Dense's logits when it ends in softmax/sigmoid.
    pub fn forward_with_logits(&self, ids: &Tensor) -> Result<ModelOutput> {
        self.run(ids, None, self.share_padding, None)
    }

    /// [`Sequential::forward_with_logits`] for training: each Embedding's distinct rows are
    /// read through a leaf of their own ([`GatheredRows`], returned), so the tables' gradients
    /// come back as rows ([`crate::nn::RowGradient`]) instead of table-sized tensors.
    pub fn forward_gathering_rows(&self, ids: &Tensor) -> Result<(ModelOutput, Vec<GatheredRows>)> {
        let mut gathered = Vec::new();
        let out = self.run(ids, None, self.share_padding, Some(&mut gathered))?;
        Ok((out, gathered))
    }

    /// [`Sequential::forward`] that runs every sample through its own padding instead of
    /// sharing the padding prefix ([`crate::nn::padding_prefix`]): the same answers, slower; what
    /// the tests and benchmarks compare with.
    pub fn forward_without_padding_prefix(&self, ids: &Tensor) -> Result<Tensor> {
        Ok(self.run(ids, None, false, None)?.output)
    }

    /// Every layer's output for `input` (token ids, or `[batch, time, features]` floats for a
    /// model built with input features), in order: what the shapes lab shows.
    pub fn layer_outputs(&self, input: &Tensor) -> Result<Vec<Tensor>> {
        let mut outputs = Vec::with_capacity(self.layers.len());
        self.run(input, Some(&mut outputs), true, None)?;
        Ok(outputs)
    }

    pub(super) fn run(
        &self,
        ids: &Tensor,
        mut outputs: Option<&mut Vec<Tensor>>,
        share_padding: bool,
        mut gathered: Option<&mut Vec<GatheredRows>>,
    ) -> Result<ModelOutput> {
        let mut x = ids.clone();
        // The Embedding right before this layer, while its input is the model's ids.
        let mut after_embedding: Option<&Embedding> = None;
        let mut mask: Option<Tensor> = None;
        let last = self.layers.len().saturating_sub(1);
        let mut logits = None;
        // Ids an Embedding left for the recurrent layer after it to look up (see `Embedded`);
        // only when nobody asked for the embedding's own output.
        let mut embedded = None;
        for (i, (_, layer)) in self.layers.iter().enumerate() {
            let embedding_before = after_embedding.take();
            x = match layer {
                Layer::Embedding(e) => {
                    if i == 0 && ids.rank() == 2 {
                        after_embedding = Some(e);
                    }
                    mask = e.compute_mask(&x)?;
                    let next_takes_it = match self.layers.get(i + 1) {
                        Some((_, Layer::Recurrent(r))) => r.takes_embedded(e),
                        Some((_, Layer::Bidirectional(b))) => {
                            b.forward.takes_embedded(e) && b.backward.takes_embedded(e)
                        }
                        _ => false,
                    };
                    if outputs.is_none() && next_takes_it {
                        embedded = match gathered.as_deref_mut() {
                            Some(gathered) => Embedded::new_gathering(e, &x, gathered)?,
                            None => Embedded::new(e, &x)?,
                        };
                    }
                    if embedded.is_some() {
                        continue;
                    }
                    match gathered.as_deref_mut() {
                        Some(gathered) => e.forward_gathering(&x, gathered)?,
                        None => e.forward(&x)?,
                    }
                }
                Layer::Recurrent(r) => {
                    let shared = match embedding_before {
                        Some(e) if share_padding && padding_prefix::applies(r, e) => {
                            let kernel = r.kernel.as_tensor();
                            let inputs = match &embedded {
                                Some(emb) => padding_prefix::Inputs::Embedded(emb, kernel),
                                None => padding_prefix::Inputs::Projected(r.input_matmul(&x)?),
                            };
                            padding_prefix::forward(r, e, ids, inputs)?
                        }
                        _ => None,
                    };
                    let out = match (shared, embedded.take()) {
                        (Some(out), _) => out,
                        (None, Some(ids)) => r.forward_embedded(&ids, mask.as_ref())?,
                        (None, None) => r.forward(&x, mask.as_ref())?,
                    }
                    .output;
                    if !r.return_sequences {
                        mask = None;
                    }
                    out
                }
                Layer::Bidirectional(b) => {
                    let out = match embedded.take() {
                        Some(ids) => b.forward_embedded(&ids, mask.as_ref())?,
                        None => b.forward(&x, mask.as_ref())?,
                    };
                    if !b.return_sequences() {
                        mask = None;
                    }
                    out
                }
                Layer::Dense(d) | Layer::TimeDistributed(d) => {
                    let z = d.pre_activation(&x)?;
                    if i == last
                        && matches!(d.activation, Activation::Softmax | Activation::Sigmoid)
                    {
                        logits = Some(z.clone());
                    }
                    d.activation.apply(&z)?
                }
                Layer::Flatten => x.flatten_from(1)?,
                // Inference (and this model's training) without dropout.
                Layer::Dropout(_) => x,
                // Pooling reads the mask (or not) and takes the time axis with it.
                Layer::GlobalPooling(p) => p.forward(&x, mask.take().as_ref())?,
                Layer::AttentionPooling(a) => a.forward(&x, mask.take().as_ref())?,
            };
            if let Some(outputs) = outputs.as_deref_mut() {
                outputs.push(x.clone());
            }
        }
        Ok(ModelOutput { output: x, logits })
    }

    /// Keras' output shape strings, e.g. `(None, 60, 128)`.
    pub fn output_shapes(&self) -> Vec<String> {
        let t = self
            .input_length
            .map_or("None".to_string(), |t| t.to_string());
        let mut has_time = true;
        let mut flat: Option<usize> = None;
        self.layers
            .iter()
            .map(|(_, layer)| {
                let (units, time) = match layer {
                    Layer::Embedding(e) => (e.output_dim, true),
                    Layer::Recurrent(r) => (r.units, r.return_sequences),
                    Layer::Bidirectional(b) => (b.output_units(), b.return_sequences()),
                    Layer::Dense(d) => (d.units, has_time),
                    Layer::TimeDistributed(d) => (d.units, true),
                    // Flatten folds the time axis in, when there is one (after a layer that
                    // returns its last state there is none: (None, 64) stays (None, 64)).
                    Layer::Flatten => {
                        let steps = if has_time {
                            self.input_length.unwrap_or(1)
                        } else {
                            1
                        };
                        (flat.unwrap_or(0) * steps, false)
                    }
                    Layer::GlobalPooling(_) | Layer::AttentionPooling(_) => {
                        (flat.unwrap_or(0), false)
                    }
                    Layer::Dropout(_) => (flat.unwrap_or(0), has_time),
                };
                has_time = time;
                flat = Some(units);
                if time {
                    format!("(None, {t}, {units})")
                } else {
                    format!("(None, {units})")
                }
            })
            .collect()
    }
}
