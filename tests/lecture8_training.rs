//! Lecture 8's model trained here: Embedding(12, 10) → SimpleRNN(32) → Dense(12, softmax),
//! Adam, 200 epochs, full batch. The lecture reaches accuracy 1.0 and generates
//! "가는 말이 고와야 오는 말이 곱다" from "가는"; so must we, for at least 4 of 5 seeds.

use rnn_playground::lecture::NEXT_WORD_TEXT;
use rnn_playground::nn::CellKind;
use rnn_playground::textgen::{TextgenConfig, train};

fn seeds_that_learn(cell: CellKind) -> Vec<(u64, f32, String, String)> {
    (0..5)
        .map(|seed| {
            let config = TextgenConfig {
                cell,
                seed,
                ..TextgenConfig::default()
            };
            let trained = train(NEXT_WORD_TEXT, &config, |_| {}).unwrap();
            let last = trained.history.epochs.last().unwrap();
            (
                seed,
                last.accuracy,
                trained.sentence_generation("가는", 5).unwrap(),
                trained.sentence_generation("경마장에", 4).unwrap(),
            )
        })
        .collect()
}

#[test]
fn lecture8_simplernn_learns_the_three_sentences() {
    let runs = seeds_that_learn(CellKind::SimpleRnn);
    let good = runs
        .iter()
        .filter(|(_, acc, a, b)| {
            *acc == 1.0
                && a == "가는 말이 고와야 오는 말이 곱다"
                && b == "경마장에 있는 말이 뛰고 있다"
        })
        .count();
    assert!(
        good >= 4,
        "only {good} of 5 seeds learned the lecture: {runs:#?}"
    );
}

#[test]
fn same_seed_same_run() {
    let config = TextgenConfig {
        epochs: 20,
        seed: 3,
        ..TextgenConfig::default()
    };
    let a = train(NEXT_WORD_TEXT, &config, |_| {}).unwrap();
    let b = train(NEXT_WORD_TEXT, &config, |_| {}).unwrap();
    assert_eq!(a.history.batch_loss, b.history.batch_loss);
}

#[test]
fn lstm_and_gru_learn_it_too() {
    for cell in [CellKind::Lstm, CellKind::Gru] {
        let runs = seeds_that_learn(cell);
        let good = runs
            .iter()
            .filter(|(_, _, a, _)| a == "가는 말이 고와야 오는 말이 곱다")
            .count();
        assert!(good >= 3, "{cell:?}: {runs:#?}");
    }
}

#[test]
fn a_session_trains_epoch_by_epoch_and_can_stop_and_resume() {
    use rnn_playground::textgen::Session;
    let mut session = Session::new(NEXT_WORD_TEXT, &TextgenConfig::default()).unwrap();
    for _ in 0..50 {
        session.run_epoch().unwrap();
    }
    session.stop();
    assert!(session.finished());
    assert_eq!(session.run_epoch().unwrap(), None);
    session.resume();
    while !session.finished() {
        session.run_epoch().unwrap();
    }
    assert_eq!(session.history().epochs.len(), 200);
    // Same seed, same result as training in one go.
    let whole = train(NEXT_WORD_TEXT, &TextgenConfig::default(), |_| {}).unwrap();
    assert_eq!(session.history().batch_loss, whole.history.batch_loss);
    assert_eq!(
        session.sentence_generation("가는", 5).unwrap(),
        "가는 말이 고와야 오는 말이 곱다"
    );
}

#[test]
fn bad_settings_are_explained() {
    use rnn_playground::textgen::Session;
    let err = |c: TextgenConfig, text: &str| {
        Session::new(text, &c)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(
        err(
            TextgenConfig {
                learning_rate: f32::NAN,
                ..TextgenConfig::default()
            },
            NEXT_WORD_TEXT
        )
        .contains("learning rate")
    );
    assert!(err(TextgenConfig::default(), "").contains("two or more words"));
    assert!(err(TextgenConfig::default(), "하나").contains("two or more words"));
    // Learning rate 100 (the example): training either stays finite (the losses are
    // computed from logits) or stops with the NaN explanation; it never panics.
    let mut s = Session::new(
        NEXT_WORD_TEXT,
        &TextgenConfig {
            learning_rate: 100.0,
            ..TextgenConfig::default()
        },
    )
    .unwrap();
    while !s.finished() {
        match s.run_epoch() {
            Ok(Some(logs)) => assert!(logs.loss.is_finite()),
            Ok(None) => break,
            Err(e) => {
                assert!(e.to_string().contains("lower the learning rate"), "{e}");
                break;
            }
        }
    }
}

/// Lecture 7's "hell" → "o" at character level: the model completes "h" to "hello", and the
/// trace shows the top candidates at every step.
#[test]
fn character_level_hello_and_generation_trace() {
    use rnn_playground::generate::{Sampling, generate_with_trace};
    use rnn_playground::text::TokenizerConfig;
    use rnn_playground::textgen::Session;
    let config = TextgenConfig {
        tokenizer: TokenizerConfig {
            char_level: true,
            ..TokenizerConfig::default()
        },
        learning_rate: 0.01,
        epochs: 100,
        ..TextgenConfig::default()
    };
    let mut s = Session::new("hello\n", &config).unwrap();
    assert_eq!(s.samples(), 4, "h→e, he→l, hel→l, hell→o");
    while !s.finished() {
        s.run_epoch().unwrap();
    }
    assert_eq!(s.sentence_generation("h", 4).unwrap(), "hello");
    let g = generate_with_trace(
        &s.model,
        &s.tokenizer,
        "hell",
        1,
        s.maxlen,
        Sampling::Greedy,
        3,
    )
    .unwrap();
    assert_eq!(g.text, "hello");
    assert_eq!(g.steps[0].word, "o");
    assert_eq!(g.steps[0].top.len(), 3);
    assert_eq!(g.steps[0].top[0].0, "o");
    assert!(g.steps[0].top[0].1 > 0.5 && g.steps[0].top[0].1 >= g.steps[0].top[1].1);
}

/// Stateful generation carries the hidden state token by token; its next-word distribution
/// equals running the layer over the whole unpadded prefix from the zero state.
#[test]
fn stateful_generation_equals_rerunning_the_unpadded_prefix() {
    use candle_core::{Device, Tensor};
    use rnn_playground::generate::stateful_generation;
    let trained = train(NEXT_WORD_TEXT, &TextgenConfig::default(), |_| {}).unwrap();
    let g = stateful_generation(&trained.model, &trained.tokenizer, "가는 말이", 3, 3).unwrap();
    assert_eq!(g.steps.len(), 3);
    // Re-run the unpadded prefix "가는 말이 <first generated word>" in one go.
    let prefix = format!("가는 말이 {}", g.steps[0].word);
    let ids: Vec<u32> = trained
        .tokenizer
        .texts_to_sequences([prefix.as_str()])
        .remove(0)
        .into_iter()
        .map(|i| i as u32)
        .collect();
    let x = Tensor::from_vec(ids.clone(), (1, ids.len()), &Device::Cpu).unwrap();
    let probs = trained
        .model
        .forward(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    let best = rnn_playground::generate::argmax(&probs);
    assert_eq!(trained.tokenizer.index_word()[&best], g.steps[1].word);
    assert!((probs[best] - g.steps[1].top[0].1).abs() < 1e-5);
    assert!(stateful_generation(&trained.model, &trained.tokenizer, "없는단어", 2, 3).is_err());
}

/// The page's download: one safetensors file with model.json in its metadata, loadable by the
/// CLI's loader and checked for damage.
#[test]
fn a_single_file_model_round_trips() {
    use rnn_playground::nn::Sequential;
    use rnn_playground::textgen::{Session, TrainedTextgen};
    let mut s = Session::new(NEXT_WORD_TEXT, &TextgenConfig::default()).unwrap();
    while !s.finished() {
        s.run_epoch().unwrap();
    }
    let bytes = s.model_file().unwrap();
    let path = std::env::temp_dir().join(format!(
        "rnn-playground-single-{}.safetensors",
        std::process::id()
    ));
    std::fs::write(&path, &bytes).unwrap();
    let loaded = TrainedTextgen::load(&path).unwrap();
    assert_eq!(
        loaded.sentence_generation("가는", 5).unwrap(),
        "가는 말이 고와야 오는 말이 곱다"
    );
    // A plain weights file (no description) and a truncated file are refused with a message.
    let plain = s.model.weights_to_safetensors().unwrap();
    let err = Sequential::from_single_file(&plain)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no model description"), "{err}");
    let err = Sequential::from_single_file(&bytes[..bytes.len() / 3])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not valid safetensors") || err.contains("cannot load"),
        "{err}"
    );
    std::fs::remove_file(&path).unwrap();
}

/// Bad input never breaks anything: 100,000 characters on one line, emoji only, jamo only.
#[test]
fn huge_and_odd_inputs_are_refused_or_handled_with_a_message() {
    use rnn_playground::teacher_forcing::{Seq2SeqConfig, Seq2SeqSession};
    use rnn_playground::text::pipeline::{PipelineOptions, tokenize_lines};
    use rnn_playground::textgen::Session;
    let long: String = (0..30_000).map(|i| format!("말{} ", i % 97)).collect();
    assert!(long.chars().count() >= 100_000);
    let err = Session::new(&long, &TextgenConfig::default())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("split long lines"), "{err}");
    let err = Seq2SeqSession::new(&long, &Seq2SeqConfig::default())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("split it into sentences"), "{err}");
    let options = PipelineOptions {
        ngrams: true,
        ..PipelineOptions::default()
    };
    let err = tokenize_lines(&[long.as_str()], &options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("split long lines"), "{err}");
    // Without n-grams the same line is one (long) sequence, which is fine.
    let out = tokenize_lines(&[long.as_str()], &PipelineOptions::default()).unwrap();
    assert_eq!(out.sequences[0].len(), 30_000);
    // Emoji and jamo are ordinary tokens.
    let mut s = Session::new(
        "😀 😀 🙂\nㅋㅋㅋ ㅎㅎ ㅋㅋㅋ\n",
        &TextgenConfig {
            epochs: 5,
            ..TextgenConfig::default()
        },
    )
    .unwrap();
    while !s.finished() {
        s.run_epoch().unwrap();
    }
    assert_eq!(
        s.generate_with_trace("ㅋㅋㅋ", 2, rnn_playground::generate::Sampling::Greedy, 3)
            .unwrap()
            .steps
            .len(),
        2
    );
}

/// Batch by batch (the worker's way) gives exactly the same run as epoch by epoch, and a stop
/// in the middle of an epoch resumes where it was.
#[test]
fn batch_by_batch_equals_epoch_by_epoch() {
    use rnn_playground::textgen::Session;
    let config = TextgenConfig {
        batch_size: 4,
        epochs: 20,
        seed: 5,
        ..TextgenConfig::default()
    };
    let mut a = Session::new(NEXT_WORD_TEXT, &config).unwrap();
    while !a.finished() {
        a.run_epoch().unwrap();
    }
    let mut b = Session::new(NEXT_WORD_TEXT, &config).unwrap();
    let mut batches = 0;
    while !b.finished() {
        b.run_batch().unwrap();
        batches += 1;
        if batches == 7 {
            b.stop();
            assert!(b.finished());
            b.resume();
        }
    }
    assert_eq!(batches, 20 * 3, "11 samples in batches of 4");
    assert_eq!(a.history().batch_loss, b.history().batch_loss);
    assert_eq!(a.history().epochs.len(), b.history().epochs.len());
}
