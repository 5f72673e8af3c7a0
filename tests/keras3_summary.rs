//! `model.summary()` as Keras 3 prints it (the lecture's Colab), against real Keras 3.15's text
//! for the same models (tests/data/keras3_summaries.json, from
//! scripts/keras3_summary_fixtures.py): box drawing, widths, comma thousands, wrapped names,
//! the batch size after fit, optimizer variables.

use rnn_playground::nn::{
    Activation, CellKind, LayerConfig, MergeMode, Optimizer, OptimizerConfig, Sequential,
    SummaryOptions,
};

fn fixture(name: &str) -> String {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("data/keras3_summaries.json")).unwrap();
    all["summaries"][name].as_str().unwrap().to_string()
}

fn emb(input_dim: usize, output_dim: usize) -> LayerConfig {
    LayerConfig::Embedding {
        input_dim,
        output_dim,
        mask_zero: false,
    }
}

fn dense(units: usize, activation: Activation) -> LayerConfig {
    LayerConfig::Dense {
        units,
        activation,
        use_bias: true,
    }
}

fn model(layers: &[LayerConfig], len: usize) -> Sequential {
    Sequential::from_config(layers, Some(len), 0).unwrap()
}

fn lecture9() -> Sequential {
    model(
        &[
            emb(8000, 128),
            LayerConfig::rnn(CellKind::SimpleRnn, 64),
            LayerConfig::Flatten,
            dense(1, Activation::Sigmoid),
        ],
        60,
    )
}

fn lecture11() -> Sequential {
    model(
        &[
            emb(8000, 100),
            LayerConfig::rnn(CellKind::Gru, 128),
            dense(1, Activation::Sigmoid),
        ],
        60,
    )
}

#[test]
fn the_lecture_models_print_keras_3s_table() {
    assert_eq!(lecture9().summary(), fixture("lecture9_simplernn"));
    assert_eq!(lecture11().summary(), fixture("lecture11_gru"));
    let lstm = model(
        &[
            emb(8000, 128),
            LayerConfig::rnn(CellKind::Lstm, 128),
            dense(1, Activation::Sigmoid),
        ],
        60,
    );
    assert_eq!(lstm.summary(), fixture("lstm"));
    let lecture8 = model(
        &[
            emb(12, 10),
            LayerConfig::rnn(CellKind::SimpleRnn, 32),
            dense(12, Activation::Softmax),
        ],
        5,
    );
    assert_eq!(lecture8.summary(), fixture("lecture8_textgen"));
}

#[test]
fn bidirectional_stacked_and_wrapped_names() {
    let bi = model(
        &[
            emb(12000, 64),
            LayerConfig::Bidirectional {
                cell: CellKind::Gru,
                units: 64,
                return_sequences: false,
                merge_mode: MergeMode::Concat,
            },
            dense(1, Activation::Sigmoid),
        ],
        60,
    );
    assert_eq!(bi.summary(), fixture("bidirectional_gru"));
    let stacked = model(
        &[
            emb(5000, 32),
            LayerConfig::Recurrent {
                cell: CellKind::Gru,
                units: 32,
                return_sequences: true,
                go_backwards: false,
                reset_after: true,
                use_bias: true,
            },
            LayerConfig::rnn(CellKind::Gru, 16),
            dense(1, Activation::Sigmoid),
        ],
        40,
    );
    assert_eq!(stacked.summary(), fixture("stacked"));
    // "time_distributed (TimeDistributed)" is longer than the column: rich wraps it.
    let td = model(
        &[
            emb(30, 8),
            LayerConfig::Recurrent {
                cell: CellKind::Lstm,
                units: 16,
                return_sequences: true,
                go_backwards: false,
                reset_after: true,
                use_bias: true,
            },
            LayerConfig::TimeDistributed {
                units: 30,
                activation: Activation::Softmax,
            },
        ],
        7,
    );
    assert_eq!(td.summary(), fixture("time_distributed"));
}

#[test]
fn pooling_layers_print_as_keras_3_prints_them() {
    let pooled = model(
        &[
            LayerConfig::Embedding {
                input_dim: 15000,
                output_dim: 64,
                mask_zero: true,
            },
            LayerConfig::Bidirectional {
                cell: CellKind::Gru,
                units: 96,
                return_sequences: true,
                merge_mode: MergeMode::Concat,
            },
            LayerConfig::GlobalAveragePooling1D,
            dense(1, Activation::Sigmoid),
        ],
        60,
    );
    assert_eq!(pooled.summary(), fixture("pooled_bigru"));
    let max = model(
        &[
            emb(8000, 32),
            LayerConfig::Recurrent {
                cell: CellKind::Lstm,
                units: 16,
                return_sequences: true,
                go_backwards: false,
                reset_after: true,
                use_bias: true,
            },
            LayerConfig::GlobalMaxPooling1D,
            dense(1, Activation::Sigmoid),
        ],
        40,
    );
    assert_eq!(max.summary(), fixture("max_pooled_lstm"));
}

/// Keras' optimizer variables: one slot per weight for RMSprop, two for Adam, plus
/// `iterations` and the learning rate.
fn optimizer_params(config: OptimizerConfig, weights: usize) -> usize {
    Optimizer::new(config).keras_variable_count(weights)
}

#[test]
fn after_fit_the_batch_size_and_the_optimizer_show() {
    let m = lecture9();
    let options = SummaryOptions {
        batch: Some(32),
        optimizer_params: Some(optimizer_params(
            OptimizerConfig::rmsprop(1e-3),
            m.param_count(),
        )),
    };
    assert_eq!(m.summary_with(&options), fixture("lecture9_after_fit"));
    // 64 reviews in batches of 60: the last batch is smaller, so Keras shows None.
    let m = lecture11();
    let options = SummaryOptions {
        batch: None,
        optimizer_params: Some(optimizer_params(
            OptimizerConfig::rmsprop(1e-3),
            m.param_count(),
        )),
    };
    assert_eq!(m.summary_with(&options), fixture("lecture11_after_fit"));
    let lstm = model(
        &[
            emb(8000, 128),
            LayerConfig::rnn(CellKind::Lstm, 128),
            dense(1, Activation::Sigmoid),
        ],
        60,
    );
    let options = SummaryOptions {
        batch: Some(32),
        optimizer_params: Some(optimizer_params(
            OptimizerConfig::adam(1e-3),
            lstm.param_count(),
        )),
    };
    assert_eq!(lstm.summary_with(&options), fixture("lstm_adam_after_fit"));
}

/// The shipped lecture models, loaded from their folders, print what Keras 3 prints for the
/// lecture's models (lecture 9's with its Flatten row).
#[test]
fn the_shipped_lecture_models_print_keras_3s_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/models");
    for (folder, case) in [
        ("lecture9-simplernn", "lecture9_simplernn"),
        ("lecture11-gru", "lecture11_gru"),
        ("best-bigru", "bidirectional_gru"),
    ] {
        let (model, _) = Sequential::load(&root.join(folder)).unwrap();
        assert_eq!(model.summary(), fixture(case), "{folder}");
    }
}
