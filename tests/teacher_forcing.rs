//! Lecture 7's teacher forcing vs free running on the lecture's sentences.

use rnn_playground::lecture::NEXT_WORD_TEXT;
use rnn_playground::teacher_forcing::{Seq2SeqConfig, Seq2SeqSession, first_divergence};

#[test]
fn a_trained_model_gets_every_step_right_both_ways() {
    let mut s = Seq2SeqSession::new(NEXT_WORD_TEXT, &Seq2SeqConfig::default()).unwrap();
    let first = s.run_epoch().unwrap();
    let mut last = first;
    for _ in 0..150 {
        last = s.run_epoch().unwrap();
    }
    assert!(last < first / 10.0, "loss {first} → {last}");
    let (forced, free) = s.compare(2).unwrap();
    assert_eq!(
        forced.len(),
        5,
        "가는 말이 고와야 오는 말이 곱다: five next-word steps"
    );
    assert_eq!(forced[0].input, "가는");
    assert_eq!(
        forced
            .iter()
            .map(|v| v.expected.as_str())
            .collect::<Vec<_>>(),
        ["말이", "고와야", "오는", "말이", "곱다"]
    );
    assert!(forced.iter().all(|v| v.correct), "{forced:#?}");
    assert!(free.iter().all(|v| v.correct), "{free:#?}");
    assert_eq!(first_divergence(&forced, &free), None);
}

#[test]
fn an_untrained_model_diverges_when_fed_its_own_predictions() {
    let s = Seq2SeqSession::new(NEXT_WORD_TEXT, &Seq2SeqConfig::default()).unwrap();
    let (forced, free) = s.compare(2).unwrap();
    // Teacher forcing feeds the true words; free running feeds the model's own guesses.
    assert_eq!(
        forced.iter().map(|v| v.input.as_str()).collect::<Vec<_>>(),
        ["가는", "말이", "고와야", "오는", "말이"]
    );
    assert_eq!(free[0].input, "가는");
    for t in 1..free.len() {
        assert_eq!(
            free[t].input,
            free[t - 1].predicted,
            "free running feeds its own prediction"
        );
    }
}

#[test]
fn ratio_and_learning_rate_are_checked() {
    let bad = |c: Seq2SeqConfig| {
        Seq2SeqSession::new(NEXT_WORD_TEXT, &c)
            .err()
            .unwrap()
            .to_string()
    };
    assert!(
        bad(Seq2SeqConfig {
            teacher_forcing_ratio: 1.5,
            ..Seq2SeqConfig::default()
        })
        .contains("ratio")
    );
    assert!(
        bad(Seq2SeqConfig {
            learning_rate: -1.0,
            ..Seq2SeqConfig::default()
        })
        .contains("learning rate")
    );
    // Scheduled sampling trains too.
    let mut s = Seq2SeqSession::new(
        NEXT_WORD_TEXT,
        &Seq2SeqConfig {
            teacher_forcing_ratio: 0.5,
            ..Seq2SeqConfig::default()
        },
    )
    .unwrap();
    let first = s.run_epoch().unwrap();
    let mut last = first;
    for _ in 0..100 {
        last = s.run_epoch().unwrap();
    }
    assert!(last < first);
}
