//! A notebook fit saved after an epoch and resumed in a new session (the page's answer to a
//! worker that stopped answering) ends exactly where the uninterrupted fit ends: the same
//! weights bit for bit, the same history, the same early stopping.

use rnn_playground::nn::CellKind;
use rnn_playground::sentiment::{SentimentConfig, SentimentSession};

fn reviews() -> (Vec<Vec<String>>, Vec<u8>) {
    let good = ["배송", "빠르", "좋", "추천", "최고", "만족"];
    let bad = ["배송", "느리", "별로", "실망", "반품", "최악"];
    let mut tokens = Vec::new();
    let mut labels = Vec::new();
    for i in 0..80usize {
        let (words, label) = if i % 2 == 0 { (&good, 1) } else { (&bad, 0) };
        let n = 2 + i % 4;
        tokens.push(
            (0..n)
                .map(|k| words[(i * 7 + k * 3) % words.len()].to_string())
                .collect(),
        );
        labels.push(label);
    }
    (tokens, labels)
}

fn config(cell: CellKind) -> SentimentConfig {
    SentimentConfig {
        cell,
        embedding_dim: 4,
        hidden: 5,
        num_words: 20,
        maxlen: 6,
        epochs: 5,
        batch_size: 8,
        patience: 2,
        seed: 7,
        ..SentimentConfig::lecture11_gru()
    }
}

fn run_to_end(session: &mut SentimentSession) {
    while !session.finished() {
        session.run_batch(&mut []).unwrap();
    }
}

#[test]
fn a_resumed_fit_ends_where_the_uninterrupted_one_ends() {
    let (tokens, labels) = reviews();
    // RMSprop keeps one slot per weight, Adam two (its second is saved too).
    for (cell, optimizer) in [
        (CellKind::Gru, "rmsprop"),
        (CellKind::SimpleRnn, "adam"),
        (CellKind::Lstm, "rmsprop"),
    ] {
        let config = SentimentConfig {
            optimizer: optimizer.into(),
            ..config(cell)
        };
        let mut straight = SentimentSession::new(&tokens, &labels, &config).unwrap();
        run_to_end(&mut straight);

        let mut first = SentimentSession::new(&tokens, &labels, &config).unwrap();
        while first.epochs_done() < 2 {
            first.run_batch(&mut []).unwrap();
        }
        let saved = first.checkpoint().unwrap();
        // Half an epoch more, then the worker "stops answering": that work is lost.
        for _ in 0..3 {
            first.run_batch(&mut []).unwrap();
        }
        assert!(first.checkpoint().is_err(), "not between epochs");
        drop(first);

        let mut resumed = SentimentSession::resume(&tokens, &labels, &config, &saved).unwrap();
        assert_eq!(resumed.epochs_done(), 2);
        run_to_end(&mut resumed);
        assert_eq!(
            resumed.history().epochs.len(),
            straight.history().epochs.len()
        );
        for (a, b) in resumed
            .history()
            .epochs
            .iter()
            .zip(&straight.history().epochs)
        {
            assert_eq!((a.loss, a.accuracy), (b.loss, b.accuracy), "{cell:?}");
            assert_eq!((a.val_loss, a.val_accuracy), (b.val_loss, b.val_accuracy));
        }
        let (resumed, _) = resumed.into_model().unwrap();
        let (straight, _) = straight.into_model().unwrap();
        let (a, b) = (
            resumed.model.state_dict().unwrap(),
            straight.model.state_dict().unwrap(),
        );
        for (name, t) in &a {
            let x = t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            let y = b[name].flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert_eq!(x, y, "{cell:?} {name}");
        }
    }
}

#[test]
fn a_checkpoint_from_another_model_or_garbage_is_refused_with_a_reason() {
    let (tokens, labels) = reviews();
    let mut session = SentimentSession::new(&tokens, &labels, &config(CellKind::Gru)).unwrap();
    while session.epochs_done() < 1 {
        session.run_batch(&mut []).unwrap();
    }
    let saved = session.checkpoint().unwrap();
    let other = SentimentConfig {
        hidden: 6,
        ..config(CellKind::Gru)
    };
    let err = SentimentSession::resume(&tokens, &labels, &other, &saved)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("cannot be used") && err.contains("shape"),
        "{err}"
    );
    for bad in [&b""[..], b"not a checkpoint", &saved[..saved.len() / 2]] {
        let err = SentimentSession::resume(&tokens, &labels, &config(CellKind::Gru), bad)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("cannot be used"), "{err}");
    }
}
