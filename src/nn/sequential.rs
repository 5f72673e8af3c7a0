//! Keras' `Sequential`: layers applied one after another, `summary()` printed as Keras 3 prints
//! it, and a model folder (`model.json` + `model.safetensors`) that the CLI and the page load.
//!
//! ```
//! use rnn_playground::nn::{Activation, CellKind, LayerConfig, Sequential};
//!
//! // The lecture-9 classifier.
//! let model = Sequential::from_config(&[
//!     LayerConfig::Embedding { input_dim: 8000, output_dim: 128, mask_zero: false },
//!     LayerConfig::rnn(CellKind::SimpleRnn, 64),
//!     LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true },
//! ], Some(60), 0).unwrap();
//! assert!(model.summary().contains("Total params: 1,036,417 (3.95 MB)"));
//! ```

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};

use super::error::{NnError, Result};
use super::storage::{self, Storage};
use super::{
    Activation, AttentionPooling, Bidirectional, CellKind, Dense, Embedded, Embedding,
    GatheredRows, GlobalPooling, MergeMode, Recurrent,
};

/// One layer's configuration (what `model.json` stores).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum LayerConfig {
    Embedding {
        input_dim: usize,
        output_dim: usize,
        #[serde(default)]
        mask_zero: bool,
    },
    Recurrent {
        cell: CellKind,
        units: usize,
        #[serde(default)]
        return_sequences: bool,
        #[serde(default)]
        go_backwards: bool,
        #[serde(default = "yes")]
        reset_after: bool,
        #[serde(default = "yes")]
        use_bias: bool,
    },
    Bidirectional {
        cell: CellKind,
        units: usize,
        #[serde(default)]
        return_sequences: bool,
        #[serde(default)]
        merge_mode: MergeMode,
    },
    Dense {
        units: usize,
        #[serde(default)]
        activation: Activation,
        #[serde(default = "yes")]
        use_bias: bool,
    },
    /// `TimeDistributed(Dense)`: the same Dense at every step.
    TimeDistributed {
        units: usize,
        #[serde(default)]
        activation: Activation,
    },
    Flatten,
    /// `GlobalAveragePooling1D()`: the mean of a sequence over its real steps.
    GlobalAveragePooling1D,
    /// `GlobalMaxPooling1D()`: the maximum of a sequence over time.
    GlobalMaxPooling1D,
    /// Attention pooling ([`super::AttentionPooling`]; not a Keras built-in): the softmax-
    /// weighted mean of a sequence's real steps, the weights learned.
    AttentionPooling1D,
    /// `Dropout(rate)`: the identity at inference, which is all this model computes with it
    /// (it is kept so that a Keras model's summary and file keep their layers).
    Dropout {
        rate: f64,
    },
}

fn yes() -> bool {
    true
}

impl LayerConfig {
    /// A recurrent layer with Keras' defaults.
    pub fn rnn(cell: CellKind, units: usize) -> Self {
        Self::Recurrent {
            cell,
            units,
            return_sequences: false,
            go_backwards: false,
            reset_after: true,
            use_bias: true,
        }
    }
}

/// A built layer.
#[derive(Clone, Debug)]
pub enum Layer {
    Embedding(Embedding),
    Recurrent(Recurrent),
    Bidirectional(Bidirectional),
    Dense(Dense),
    TimeDistributed(Dense),
    Flatten,
    GlobalPooling(GlobalPooling),
    AttentionPooling(AttentionPooling),
    /// Keras' `Dropout`, the identity here (see [`LayerConfig::Dropout`]).
    Dropout(f64),
}

impl Layer {
    fn keras_type(&self) -> String {
        match self {
            Layer::Embedding(_) => "Embedding".into(),
            Layer::Recurrent(r) => r.kind.keras_name().into(),
            Layer::Bidirectional(_) => "Bidirectional".into(),
            Layer::Dense(_) => "Dense".into(),
            Layer::TimeDistributed(_) => "TimeDistributed".into(),
            Layer::Flatten => "Flatten".into(),
            Layer::Dropout(_) => "Dropout".into(),
            Layer::GlobalPooling(p) => p.keras_name().into(),
            Layer::AttentionPooling(_) => "AttentionPooling1D".into(),
        }
    }

    fn default_name(&self) -> &'static str {
        match self {
            Layer::Embedding(_) => "embedding",
            Layer::Recurrent(r) => r.kind.snake_name(),
            Layer::Bidirectional(_) => "bidirectional",
            Layer::Dense(_) => "dense",
            Layer::TimeDistributed(_) => "time_distributed",
            Layer::Flatten => "flatten",
            Layer::Dropout(_) => "dropout",
            Layer::GlobalPooling(p) => p.snake_name(),
            Layer::AttentionPooling(_) => "attention_pooling1d",
        }
    }

    pub fn param_count(&self) -> usize {
        match self {
            Layer::Embedding(e) => e.param_count(),
            Layer::Recurrent(r) => r.param_count(),
            Layer::Bidirectional(b) => b.param_count(),
            Layer::Dense(d) | Layer::TimeDistributed(d) => d.param_count(),
            Layer::Flatten | Layer::GlobalPooling(_) | Layer::Dropout(_) => 0,
            Layer::AttentionPooling(a) => a.param_count(),
        }
    }

    /// The weights with Keras' names (`kernel`, `recurrent_kernel`, `bias`, `embeddings`,
    /// `forward/kernel`, …).
    pub fn weights(&self) -> Vec<(String, Var)> {
        fn rnn(prefix: &str, r: &Recurrent, out: &mut Vec<(String, Var)>) {
            out.push((format!("{prefix}kernel"), r.kernel.clone()));
            out.push((
                format!("{prefix}recurrent_kernel"),
                r.recurrent_kernel.clone(),
            ));
            if let Some(b) = &r.bias {
                out.push((format!("{prefix}bias"), b.clone()));
            }
        }
        let mut out = Vec::new();
        match self {
            Layer::Embedding(e) => out.push(("embeddings".into(), e.embeddings.clone())),
            Layer::Recurrent(r) => rnn("", r, &mut out),
            Layer::Bidirectional(b) => {
                rnn("forward/", &b.forward, &mut out);
                rnn("backward/", &b.backward, &mut out);
            }
            Layer::Dense(d) | Layer::TimeDistributed(d) => {
                out.push(("kernel".into(), d.kernel.clone()));
                if let Some(b) = &d.bias {
                    out.push(("bias".into(), b.clone()));
                }
            }
            Layer::AttentionPooling(a) => out.push(("kernel".into(), a.kernel.clone())),
            Layer::Flatten | Layer::GlobalPooling(_) | Layer::Dropout(_) => {}
        }
        out
    }
}

/// A stack of layers, named as Keras names them (`embedding`, `simple_rnn`, `dense`, `dense_1`).
#[derive(Clone, Debug)]
pub struct Sequential {
    layers: Vec<(String, Layer)>,
    configs: Vec<LayerConfig>,
    /// The sequence length the model was built for (Keras' `Input(shape=(T,))`); `None` shows
    /// as `None` in the summary.
    pub input_length: Option<usize>,
    /// Feature size of float inputs `[batch, time, features]` (Keras' `Input(shape=(T, F))`)
    /// for a model without an Embedding; `None` when the model starts with an Embedding.
    pub input_features: Option<usize>,
    /// Share the padding prefix of pre-padded batches ([`super::padding_prefix`]); on unless
    /// a benchmark turns it off to compare.
    share_padding: bool,
    /// The model's name (`Model: "sequential"` in the summary); a Keras file brings its own.
    name: String,
}

/// What the forward pass gives: probabilities, and the logits of a final softmax/sigmoid
/// Dense (the losses use them).
pub struct ModelOutput {
    pub output: Tensor,
    pub logits: Option<Tensor>,
}

impl Sequential {
    /// Build the layers of `configs` with Keras' initialisation from `seed`. Input sizes are
    /// inferred from the previous layer; the first layer must be an Embedding.
    pub fn from_config(
        configs: &[LayerConfig],
        input_length: Option<usize>,
        seed: u64,
    ) -> Result<Self> {
        Self::from_config_with_input(configs, input_length, None, seed)
    }

    /// [`Sequential::from_config`] for float inputs `[batch, time, input_features]` (one-hot
    /// characters, weather codes…) when `input_features` is given: then the first layer is a
    /// recurrent or Dense layer instead of an Embedding.
    pub fn from_config_with_input(
        configs: &[LayerConfig],
        input_length: Option<usize>,
        input_features: Option<usize>,
        seed: u64,
    ) -> Result<Self> {
        let mut layers: Vec<(String, Layer)> = Vec::new();
        let mut counts: HashMap<&'static str, usize> = HashMap::new();
        if input_features == Some(0) {
            return Err(NnError::Config(
                "the input needs at least one feature".into(),
            ));
        }
        // The feature size flowing out of the previous layer, and whether it has a time axis.
        let mut features: Option<usize> = input_features;
        let mut has_time = true;
        for (i, config) in configs.iter().enumerate() {
            let layer_seed = seed
                .wrapping_mul(1_000_003)
                .wrapping_add(i as u64 * 7919 + 1);
            let need = |what: &str| -> Result<usize> {
                features.ok_or_else(|| {
                    NnError::Config(format!(
                        "{what} needs an input: start the model with an Embedding"
                    ))
                })
            };
            let layer = match config {
                LayerConfig::Embedding {
                    input_dim,
                    output_dim,
                    mask_zero,
                } => {
                    if i != 0 || input_features.is_some() {
                        return Err(NnError::Config(
                            "an Embedding must be the first layer, and takes token ids (no input features)".into(),
                        ));
                    }
                    if *input_dim == 0 || *output_dim == 0 {
                        return Err(NnError::Config("Embedding sizes must be at least 1".into()));
                    }
                    features = Some(*output_dim);
                    Layer::Embedding(Embedding::new(
                        *input_dim,
                        *output_dim,
                        *mask_zero,
                        layer_seed,
                    ))
                }
                LayerConfig::Recurrent {
                    cell,
                    units,
                    return_sequences,
                    go_backwards,
                    reset_after,
                    use_bias,
                } => {
                    if !has_time {
                        return Err(NnError::Config(format!(
                            "{} needs a sequence: set return_sequences on the recurrent layer before it",
                            cell.keras_name()
                        )));
                    }
                    let mut r = Recurrent::new(*cell, need(cell.keras_name())?, *units, layer_seed)
                        .with_reset_after(*reset_after)
                        .with_return_sequences(*return_sequences)
                        .with_go_backwards(*go_backwards);
                    if !use_bias {
                        r = r.without_bias();
                    }
                    features = Some(*units);
                    has_time = *return_sequences;
                    Layer::Recurrent(r)
                }
                LayerConfig::Bidirectional {
                    cell,
                    units,
                    return_sequences,
                    merge_mode,
                } => {
                    if !has_time {
                        return Err(NnError::Config("Bidirectional needs a sequence".into()));
                    }
                    let r = Recurrent::new(*cell, need("Bidirectional")?, *units, layer_seed)
                        .with_return_sequences(*return_sequences);
                    let b = Bidirectional::new(r, *merge_mode, layer_seed ^ 0x5eed);
                    features = Some(b.output_units());
                    has_time = *return_sequences;
                    Layer::Bidirectional(b)
                }
                LayerConfig::Dense {
                    units,
                    activation,
                    use_bias,
                } => {
                    let d = Dense::new(need("Dense")?, *units, *activation, *use_bias, layer_seed);
                    features = Some(*units);
                    Layer::Dense(d)
                }
                LayerConfig::TimeDistributed { units, activation } => {
                    if !has_time {
                        return Err(NnError::Config("TimeDistributed needs a sequence".into()));
                    }
                    let d = Dense::new(
                        need("TimeDistributed")?,
                        *units,
                        *activation,
                        true,
                        layer_seed,
                    );
                    features = Some(*units);
                    Layer::TimeDistributed(d)
                }
                LayerConfig::Flatten => {
                    let f = need("Flatten")?;
                    if has_time {
                        let t = input_length.ok_or_else(|| {
                            NnError::Config(
                                "Flatten after a sequence needs a fixed input_length".into(),
                            )
                        })?;
                        features = Some(f * t);
                    }
                    has_time = false;
                    Layer::Flatten
                }
                LayerConfig::Dropout { rate } => {
                    if !(0.0..1.0).contains(rate) {
                        return Err(NnError::Config(format!(
                            "Dropout's rate must be in [0, 1), not {rate}"
                        )));
                    }
                    need("Dropout")?;
                    Layer::Dropout(*rate)
                }
                LayerConfig::GlobalAveragePooling1D
                | LayerConfig::GlobalMaxPooling1D
                | LayerConfig::AttentionPooling1D => {
                    let layer = match config {
                        LayerConfig::GlobalAveragePooling1D => {
                            Layer::GlobalPooling(GlobalPooling::Average)
                        }
                        LayerConfig::GlobalMaxPooling1D => Layer::GlobalPooling(GlobalPooling::Max),
                        _ => Layer::AttentionPooling(AttentionPooling::new(
                            need("AttentionPooling1D")?,
                            layer_seed,
                        )),
                    };
                    let name = layer.keras_type();
                    need(&name)?;
                    if !has_time {
                        return Err(NnError::Config(format!(
                            "{name} needs a sequence: set return_sequences on the recurrent layer before it"
                        )));
                    }
                    has_time = false;
                    layer
                }
            };
            let base = layer.default_name();
            let n = counts.entry(base).or_insert(0);
            let name = if *n == 0 {
                base.to_string()
            } else {
                format!("{base}_{n}")
            };
            *n += 1;
            layers.push((name, layer));
        }
        if input_features.is_none() && !matches!(layers.first(), Some((_, Layer::Embedding(_)))) {
            return Err(NnError::Config(
                "a model starts with an Embedding layer".into(),
            ));
        }
        if layers.is_empty() {
            return Err(NnError::Config("the model has no layers".into()));
        }
        Ok(Self {
            layers,
            configs: configs.to_vec(),
            input_length,
            input_features,
            share_padding: true,
            name: DEFAULT_NAME.into(),
        })
    }

    /// Turn the shared padding prefix off or on (the same answers either way; benchmarks
    /// compare the two).
    pub fn set_share_padding(&mut self, share: bool) {
        self.share_padding = share;
    }

    /// Switch every recurrent layer between the fused kernels and the autograd reference
    /// (for benchmarks and tests; the results are the same).
    pub fn set_fused(&mut self, fused: bool) {
        for (_, layer) in &mut self.layers {
            match layer {
                Layer::Recurrent(r) => r.fused = fused,
                Layer::Bidirectional(b) => {
                    b.forward.fused = fused;
                    b.backward.fused = fused;
                }
                _ => {}
            }
        }
    }

    /// The model's name, as the summary prints it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Name the model and its layers as a Keras file names them (`sequential_3`,
    /// `embedding_1`, …): the summary prints these names and the weights are stored under
    /// them. Layer names must be unique, non-empty and free of `/`.
    pub fn set_names(&mut self, model: &str, layers: &[String]) -> Result<()> {
        if layers.len() != self.layers.len() {
            return Err(NnError::Config(format!(
                "{} layer names for {} layers",
                layers.len(),
                self.layers.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for name in layers {
            if name.is_empty() || name.contains('/') || !seen.insert(name) {
                return Err(NnError::Config(format!(
                    "layer name {name:?}: names must be unique, non-empty and without '/'"
                )));
            }
        }
        if model.is_empty() {
            return Err(NnError::Config("the model needs a name".into()));
        }
        for ((old, _), new) in self.layers.iter_mut().zip(layers) {
            *old = new.clone();
        }
        self.name = model.to_string();
        Ok(())
    }

    /// The layer names when they differ from the ones [`Sequential::from_config`] gives.
    fn custom_layer_names(&self) -> Option<Vec<String>> {
        let fresh =
            Self::from_config_with_input(&self.configs, self.input_length, self.input_features, 0)
                .ok()?;
        let names: Vec<String> = self.layers.iter().map(|(n, _)| n.clone()).collect();
        let default: Vec<&String> = fresh.layers.iter().map(|(n, _)| n).collect();
        (names.iter().collect::<Vec<_>>() != default).then_some(names)
    }

    pub fn layers(&self) -> &[(String, Layer)] {
        &self.layers
    }

    pub fn layers_mut(&mut self) -> &mut [(String, Layer)] {
        &mut self.layers
    }

    pub fn configs(&self) -> &[LayerConfig] {
        &self.configs
    }

    /// Size of the vocabulary the first Embedding accepts.
    pub fn vocab_size(&self) -> usize {
        match self.layers.first() {
            Some((_, Layer::Embedding(e))) => e.input_dim,
            _ => 0,
        }
    }

    /// Every weight, named `layer/weight` (e.g. `simple_rnn/recurrent_kernel`).
    pub fn trainable_variables(&self) -> Vec<(String, Var)> {
        self.layers
            .iter()
            .flat_map(|(lname, l)| {
                l.weights()
                    .into_iter()
                    .map(move |(w, v)| (format!("{lname}/{w}"), v))
            })
            .collect()
    }

    pub fn param_count(&self) -> usize {
        self.layers.iter().map(|(_, l)| l.param_count()).sum()
    }

    /// The padding (id 0) changes nothing: the first layer is an `Embedding(mask_zero=True)`,
    /// then recurrent layers, the last of which gives only its last state, and only Dense
    /// layers follow. Then cutting all-padding columns from a batch gives the same answers
    /// ([`crate::train::trim_padding`]).
    pub fn masks_padding(&self) -> bool {
        let mut layers = self.layers.iter().map(|(_, l)| l);
        let Some(Layer::Embedding(e)) = layers.next() else {
            return false;
        };
        if !e.mask_zero {
            return false;
        }
        // Recurrent layers that return sequences pass the mask on; the last one must return
        // only its last state, or a pooling that reads the mask must follow it, and only Dense
        // layers after that.
        let mut sequence = false;
        loop {
            match layers.next() {
                Some(Layer::Recurrent(r)) if r.return_sequences => sequence = true,
                Some(Layer::Bidirectional(b)) if b.forward.return_sequences => sequence = true,
                Some(Layer::Recurrent(_) | Layer::Bidirectional(_)) => break,
                Some(Layer::GlobalPooling(p)) if sequence && p.reads_mask() => break,
                Some(Layer::AttentionPooling(_)) if sequence => break,
                _ => return false,
            }
        }
        layers.all(|l| matches!(l, Layer::Dense(_)))
    }

    /// The final activation, when the last layer is a Dense (for from-logits losses).
    pub fn final_activation(&self) -> Option<Activation> {
        match self.layers.last() {
            Some((_, Layer::Dense(d) | Layer::TimeDistributed(d))) => Some(d.activation),
            _ => None,
        }
    }

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
    /// come back as rows ([`super::RowGradient`]) instead of table-sized tensors.
    pub fn forward_gathering_rows(&self, ids: &Tensor) -> Result<(ModelOutput, Vec<GatheredRows>)> {
        let mut gathered = Vec::new();
        let out = self.run(ids, None, self.share_padding, Some(&mut gathered))?;
        Ok((out, gathered))
    }

    /// [`Sequential::forward`] that runs every sample through its own padding instead of
    /// sharing the padding prefix ([`super::padding_prefix`]): the same answers, slower; what
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

    fn run(
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
                        Some(e) if share_padding && super::padding_prefix::applies(r, e) => {
                            let kernel = r.kernel.as_tensor();
                            let inputs = match &embedded {
                                Some(emb) => super::padding_prefix::Inputs::Embedded(emb, kernel),
                                None => {
                                    super::padding_prefix::Inputs::Projected(r.input_matmul(&x)?)
                                }
                            };
                            super::padding_prefix::forward(r, e, ids, inputs)?
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

    /// The table `model.summary()` prints in tf-keras 2.x, character for character.
    /// Keras 3's `model.summary()` (the lecture's Colab) for a model built with its input
    /// length: `(None, 60, 128)` shapes, no optimizer line ([`super::summary`]).
    pub fn summary(&self) -> String {
        self.summary_with(&super::summary::SummaryOptions::default())
    }

    /// Keras 3's summary with what `fit` adds: the batch size in the shapes, the optimizer's
    /// variables in the totals.
    pub fn summary_with(&self, options: &super::summary::SummaryOptions) -> String {
        let rows: Vec<(String, String, usize)> = self
            .layers
            .iter()
            .zip(self.output_shapes())
            .map(|((name, layer), shape)| {
                let shape = match (options.batch, shape.strip_prefix("(None")) {
                    (Some(b), Some(rest)) => format!("({b}{rest}"),
                    _ => shape,
                };
                (
                    format!("{name} ({})", layer.keras_type()),
                    shape,
                    layer.param_count(),
                )
            })
            .collect();
        super::summary::render(&self.name, &rows, self.param_count(), options)
    }

    /// tf-keras' (Keras 2's) `model.summary()`: the `____`/`====` table (`--style keras2`).
    pub fn summary_keras2(&self) -> String {
        const WIDTH: usize = 65;
        let positions = [29, 55, 65];
        let mut out = String::new();
        out.push_str(&format!("Model: \"{}\"\n", self.name));
        out.push_str(&"_".repeat(WIDTH));
        out.push('\n');
        print_row(
            &mut out,
            &["Layer (type)", "Output Shape", "Param #"],
            &positions,
        );
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        for ((name, layer), shape) in self.layers.iter().zip(self.output_shapes()) {
            let label = format!("{name} ({})", layer.keras_type());
            print_row(
                &mut out,
                &[&label, &shape, &layer.param_count().to_string()],
                &positions,
            );
            print_row(&mut out, &["", "", ""], &positions);
        }
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        let total = self.param_count();
        out.push_str(&format!(
            "Total params: {total} ({})\n",
            readable_size(total * 4)
        ));
        out.push_str(&format!(
            "Trainable params: {total} ({})\n",
            readable_size(total * 4)
        ));
        out.push_str("Non-trainable params: 0 (0.00 Byte)\n");
        out.push_str(&"_".repeat(WIDTH));
        out
    }

    /// All weights by name, as safetensors would store them.
    pub fn state_dict(&self) -> Result<HashMap<String, Tensor>> {
        Ok(self
            .trainable_variables()
            .into_iter()
            .map(|(n, v)| (n, v.as_tensor().copy().expect("copying a CPU tensor")))
            .collect())
    }

    /// Overwrite the weights from a name → tensor map; every weight must be present with the
    /// right shape.
    pub fn load_state_dict(&self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        for (name, var) in self.trainable_variables() {
            let t = tensors
                .get(&name)
                .ok_or_else(|| NnError::Load(format!("the weights file has no tensor {name:?}")))?;
            if t.dims() != var.dims() {
                return Err(NnError::Load(format!(
                    "{name} has shape {:?} in the file but the model expects {:?}: the config and the weights do not belong together",
                    t.dims(),
                    var.dims()
                )));
            }
            var.set(&t.to_dtype(DType::F32)?.to_device(&Device::Cpu)?)?;
        }
        Ok(())
    }

    /// The whole model in one safetensors file: the weights, and `model.json` in the file's
    /// metadata under [`MODEL_JSON_KEY`] (what the page downloads and loads back).
    pub fn to_single_file(&self, extra: &ModelExtras) -> Result<Vec<u8>> {
        self.to_single_file_as(extra, Storage::F32)
    }

    /// [`Sequential::to_single_file`] with the weights stored as `storage`.
    pub fn to_single_file_as(&self, extra: &ModelExtras, storage: Storage) -> Result<Vec<u8>> {
        let mut metadata = HashMap::new();
        metadata.insert(MODEL_JSON_KEY.to_string(), self.config_json(extra));
        self.safetensors_as(Some(metadata), storage)
    }

    /// Read a file written by [`Sequential::to_single_file`].
    pub fn from_single_file(bytes: &[u8]) -> Result<(Self, ModelExtras)> {
        let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes)
            .map_err(|e| NnError::Load(format!("the model file is not valid safetensors ({e})")))?;
        let json = metadata
            .metadata()
            .as_ref()
            .and_then(|m| m.get(MODEL_JSON_KEY))
            .ok_or_else(|| {
                NnError::Load("this safetensors file has no model description: load a model saved by rnn-playground, or a model folder".into())
            })?
            .clone();
        Self::from_files(&json, bytes)
    }

    /// The weights as safetensors bytes (names as [`Sequential::trainable_variables`]).
    pub fn weights_to_safetensors(&self) -> Result<Vec<u8>> {
        self.safetensors_as(None, Storage::F32)
    }

    /// The weights as safetensors bytes stored as `storage` (f16 halves the download; the
    /// model computes in f32 either way).
    pub fn weights_to_safetensors_as(&self, storage: Storage) -> Result<Vec<u8>> {
        self.safetensors_as(None, storage)
    }

    fn safetensors_as(
        &self,
        metadata: Option<HashMap<String, String>>,
        storage: Storage,
    ) -> Result<Vec<u8>> {
        let mut weights = Vec::new();
        for (name, tensor) in self.state_dict()? {
            let values = tensor.flatten_all()?.to_vec1::<f32>()?;
            weights.push((name, values, tensor.dims().to_vec()));
        }
        weights.sort_by(|a, b| a.0.cmp(&b.0));
        storage::serialize(&weights, storage, metadata)
    }

    /// Load weights from safetensors bytes; a corrupt or mismatched file is an error.
    pub fn load_safetensors(&self, bytes: &[u8]) -> Result<()> {
        let mut map = HashMap::new();
        for (name, values, shape) in storage::deserialize(bytes)? {
            map.insert(name, Tensor::from_vec(values, shape, &Device::Cpu)?);
        }
        self.load_state_dict(&map)
    }

    /// The text of `model.json`: architecture plus `extra` (tokenizer, preprocessing).
    pub fn config_json(&self, extra: &ModelExtras) -> String {
        let file = ModelFile {
            format: MODEL_FORMAT.into(),
            name: (self.name != DEFAULT_NAME).then(|| self.name.clone()),
            input_length: self.input_length,
            input_features: self.input_features,
            layers: self.configs.clone(),
            layer_names: self.custom_layer_names(),
            extras: extra.clone(),
        };
        serde_json::to_string_pretty(&file).expect("plain data serializes")
    }

    /// Save as a model folder: `model.json` (architecture) and `model.safetensors`.
    pub fn save(&self, dir: &Path, extra: &ModelExtras) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| NnError::Load(format!("cannot create {}: {e}", dir.display())))?;
        let json = self.config_json(extra);
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes).map_err(|e| {
                NnError::Load(format!("cannot write {}: {e}", dir.join(name).display()))
            })
        };
        write("model.json", json.as_bytes())?;
        write("model.safetensors", &self.weights_to_safetensors()?)
    }

    /// Build a model from `model.json` text and load `model.safetensors` bytes.
    pub fn from_files(config_json: &str, weights: &[u8]) -> Result<(Self, ModelExtras)> {
        let file: ModelFile = serde_json::from_str(config_json)
            .map_err(|e| NnError::Load(format!("model.json is not a model config ({e})")))?;
        if file.format != MODEL_FORMAT {
            return Err(NnError::Load(format!(
                "model.json has format {:?}, expected {MODEL_FORMAT:?}",
                file.format
            )));
        }
        let mut model = Sequential::from_config_with_input(
            &file.layers,
            file.input_length,
            file.input_features,
            0,
        )?;
        if file.name.is_some() || file.layer_names.is_some() {
            let names = match file.layer_names {
                Some(names) => names,
                None => model.layers.iter().map(|(n, _)| n.clone()).collect(),
            };
            model.set_names(file.name.as_deref().unwrap_or(DEFAULT_NAME), &names)?;
        }
        model.load_safetensors(weights)?;
        Ok((model, file.extras))
    }

    /// Load a model folder written by [`Sequential::save`].
    pub fn load(dir: &Path) -> Result<(Self, ModelExtras)> {
        if dir.is_file() {
            let bytes = std::fs::read(dir)
                .map_err(|e| NnError::Load(format!("cannot read {}: {e}", dir.display())))?;
            return Self::from_single_file(&bytes);
        }
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| {
                NnError::Load(format!("cannot read {}: {e}", dir.join(name).display()))
            })
        };
        let config = String::from_utf8(read("model.json")?)
            .map_err(|_| NnError::Load("model.json is not UTF-8 text".into()))?;
        Self::from_files(&config, &read("model.safetensors")?)
    }
}

/// The safetensors metadata key that holds `model.json` in a single-file model.
pub const MODEL_JSON_KEY: &str = "rnn-playground/model.json";

/// `model.json`'s `format` value.
pub const MODEL_FORMAT: &str = "rnn-playground/sequential-v1";

/// Everything beside the layers that a model needs to be used: the tokenizer (Keras JSON) and
/// the preprocessing that produced its inputs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelExtras {
    /// `tokenizer.to_json()` of the tokenizer the model was trained with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<String>,
    /// Padding side and length used for the inputs, etc.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub preprocessing: serde_json::Map<String, serde_json::Value>,
    /// How the model was compiled when it was trained (here or in Keras): a `.keras` file
    /// written from it carries it, so `model.evaluate` works in Colab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile: Option<CompileConfig>,
}

/// Keras' `model.compile(optimizer=…, loss=…, metrics=[…])`, in Keras' own names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompileConfig {
    /// `rmsprop`, `adam`, `sgd`, …
    pub optimizer: String,
    pub learning_rate: f64,
    /// `binary_crossentropy`, `sparse_categorical_crossentropy`, …
    pub loss: String,
    #[serde(default)]
    pub metrics: Vec<String>,
}

/// A model's name unless it was given another (Keras' first `Sequential`).
pub const DEFAULT_NAME: &str = "sequential";

/// `model.json`: what [`Sequential::config_json`] writes and [`Sequential::from_files`] reads
/// (the Keras reader, [`crate::keras`], writes one too).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelFile {
    /// [`MODEL_FORMAT`].
    pub format: String,
    /// The model's name when it is not [`DEFAULT_NAME`] (a Keras file's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub input_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_features: Option<usize>,
    pub layers: Vec<LayerConfig>,
    /// The layers' names when they are not the ones Keras gives a fresh model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_names: Option<Vec<String>>,
    #[serde(flatten)]
    pub extras: ModelExtras,
}

/// tf-keras' `print_row`: each field cut to its column, wrapped onto further lines.
fn print_row(out: &mut String, fields: &[&str], positions: &[usize]) {
    let mut left: Vec<Vec<char>> = fields.iter().map(|f| f.chars().collect()).collect();
    loop {
        let mut line = String::new();
        let mut len = 0;
        for col in 0..left.len() {
            let start = if col > 0 { positions[col - 1] } else { 0 };
            let end = positions[col];
            let last = col == positions.len() - 1;
            let space = if last { 0 } else { 2 };
            let mut cutoff = end - start - space - if last { 0 } else { 1 };
            cutoff = cutoff.min(left[col].len());
            let fit: String = left[col][..cutoff].iter().collect();
            // Keras breaks lines after the end of a tuple or list.
            if let Some(c) = ["),", "},", "],", "',"]
                .iter()
                .filter_map(|p| fit.find(p).map(|i| i + p.len()))
                .min()
            {
                cutoff = fit[..c].chars().count();
            }
            let piece: String = left[col][..cutoff].iter().collect();
            if col == 0 {
                line.push(' ');
                len += 1;
            }
            line.push_str(&piece);
            len += cutoff;
            line.push_str(&" ".repeat(space));
            len += space;
            left[col].drain(..cutoff);
            if positions[col] > len {
                line.push_str(&" ".repeat(positions[col] - len));
                len = positions[col];
            }
        }
        out.push_str(&line);
        out.push('\n');
        if left.iter().all(Vec::is_empty) {
            break;
        }
    }
}

/// Keras' `readable_memory_size`: `3.95 MB`, `7.39 KB`, `0.00 Byte`.
fn readable_size(bytes: usize) -> String {
    let mut size = bytes as f64;
    for unit in ["Byte", "KB", "MB", "GB", "TB"] {
        if size / 1024.0 < 1.0 {
            return format!("{size:.2} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.2} PB")
}
