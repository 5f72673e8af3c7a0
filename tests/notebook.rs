//! The lecture notebooks' cells (src/notebook.rs) on files we wrote, against hand-computed
//! values and numpy's / Keras' rules.

use rnn_playground::nn::CellKind;
use rnn_playground::notebook::{Histogram, Lecture, NotebookConfig, load, prepare};

fn file() -> String {
    let mut out = String::new();
    let rows = [
        (5, "배송이 정말 빨라요 최고예요"),
        (1, "포장이 엉망이라 실망했어요"),
        (4, "가격 대비 괜찮아요"),
        (2, "두 번 다시 안 삽니다"),
        (5, "배송이 정말 빨라요 최고예요"),
        (1, "!!!???123"),
    ];
    for (rating, text) in rows {
        out += &format!("{rating}\t{text}\n");
    }
    for i in 0..30 {
        out += &format!("{}\t리뷰 번호 {i} 좋아요\n", if i % 2 == 0 { 5 } else { 1 });
    }
    out
}

#[test]
fn load_reads_the_head_labels_drops_duplicates_splits_and_cleans() {
    let loaded = load(&file(), &NotebookConfig::new(Lecture::Eleven)).unwrap();
    assert_eq!(loaded.total, 36);
    assert_eq!(loaded.head.len(), 5);
    assert_eq!(loaded.head[0].ratings, Some(5));
    assert_eq!(
        loaded.head[0].reviews.as_deref(),
        Some("배송이 정말 빨라요 최고예요")
    );
    // ratings > 3 → 1
    let labels: Vec<u8> = loaded.head.iter().map(|r| r.label).collect();
    assert_eq!(labels, vec![1, 0, 1, 0, 1]);
    // One exact duplicate review.
    assert_eq!(loaded.unique, 35);
    // train_test_split(test_size=0.25, random_state=42): ceil(35 × 0.25) = 9 test rows and
    // 26 train rows, then the review that the cleaning empties ("!!!???123") is dropped
    // from whichever part held it.
    assert_eq!(loaded.split, (26, 9));
    assert_eq!(loaded.emptied(), 1);
    assert_eq!(loaded.train.len() + loaded.test.len(), 34);
    assert_eq!(loaded.train_label_counts.iter().sum::<usize>(), 26);
    assert!(
        loaded
            .cleaned_head
            .iter()
            .all(|(_, c)| c.chars().all(|ch| ch == ' ' || ('가'..='힣').contains(&ch)))
    );
    // The same seed, the same split.
    let again = load(&file(), &NotebookConfig::new(Lecture::Eleven)).unwrap();
    assert_eq!(again.train, loaded.train);
}

#[test]
fn a_review_of_spaces_after_the_cleaning_stays_as_pandas_keeps_it() {
    // replace('', np.nan) + dropna drops only the empty string: "?? !!" cleans to " ", which
    // stays (Okt then gives it no morphemes), while "?!" cleans to "" and is dropped.
    let mut file = String::from("1\t?? !!\n2\t?!\n");
    for i in 0..30 {
        file += &format!("{}\t리뷰 번호 {i} 좋아요\n", if i % 2 == 0 { 5 } else { 1 });
    }
    let loaded = load(&file, &NotebookConfig::new(Lecture::Eleven)).unwrap();
    assert_eq!(loaded.emptied(), 1);
    assert!(
        loaded
            .train
            .iter()
            .chain(&loaded.test)
            .any(|r| r.text == "?? !!")
    );
}

#[test]
fn too_few_reviews_are_refused_with_what_to_give() {
    let err = load(
        "5\t좋아요\n1\t싫어요\n",
        &NotebookConfig::new(Lecture::Nine),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("rating<TAB>review"), "{message}");
    assert!(message.contains("holds 2 reviews"), "{message}");
}

#[test]
fn histogram_bins_as_numpy() {
    // np.histogram([1, 2, 2, 3, 10], bins=3) → edges 1, 4, 7, 10, counts [4, 0, 1].
    let h = Histogram::of(&[1, 2, 2, 3, 10], 3);
    assert_eq!(h.counts, vec![4, 0, 1]);
    assert_eq!((h.low, h.high), (1.0, 10.0));
    // All values equal: the range is value ± 0.5, all in the middle bin of 3.
    let h = Histogram::of(&[4, 4], 3);
    assert_eq!(h.counts, vec![0, 2, 0]);
    assert_eq!((h.low, h.high), (3.5, 4.5));
    assert_eq!(
        Histogram::of(&[0, 1, 2, 3], 50)
            .counts
            .iter()
            .sum::<usize>(),
        4
    );
}

#[test]
fn prepare_counts_the_vocabulary_lengths_and_padded_shape() {
    let t = |words: &str| -> Vec<String> { words.split(' ').map(String::from).collect() };
    let train = vec![
        t("배송 빠르 좋 아요"),
        t("배송 느리"),
        t("좋 아요 좋"),
        t("포장"),
    ];
    let test = vec![t("배송 좋")];
    let mut model = Lecture::Nine.model_config(CellKind::SimpleRnn);
    model.num_words = 4;
    model.maxlen = 3;
    let p = prepare(&train, &test, &model);
    // Words: 좋 ×3, 배송 ×2, 아요 ×2, 빠르, 느리, 포장 once each.
    assert_eq!(p.vocabulary, 6);
    assert_eq!(p.rare_words, 3);
    // With num_words=4 and OOV: OOV=1, 좋=2, 배송=3 (ids ≥ 4 become OOV).
    assert_eq!(p.sequences_head[0], vec![3, 1, 2, 1]);
    assert_eq!(p.sequences_head[1], vec![3, 1]);
    assert_eq!(p.max_length, 4);
    assert!((p.mean_length - 2.5).abs() < 1e-12);
    // Lengths 4, 2, 3, 1: three of four are ≤ maxlen 3.
    assert!((p.below_maxlen_percent - 75.0).abs() < 1e-12);
    assert_eq!(p.train_shape, (4, 3));
    assert_eq!(p.test_shape, (1, 3));
    assert_eq!(p.histogram.counts.iter().sum::<usize>(), 4);
    assert_eq!(p.histogram.counts.len(), 50);
}

#[test]
fn the_lectures_models_have_the_lectures_parameters() {
    use rnn_playground::nn::Sequential;
    let summary = |lecture: Lecture, cell| {
        let c = lecture.model_config(cell);
        let m = Sequential::from_config(&c.layers(), Some(c.maxlen), 0).unwrap();
        (m.summary(), c.batch_size)
    };
    let (nine, batch) = summary(Lecture::Nine, CellKind::SimpleRnn);
    assert_eq!(batch, 32);
    for row in [
        "1,024,000",
        "12,352",
        "flatten (Flatten)",
        "65",
        "1,036,417",
    ] {
        assert!(nine.contains(row), "{row} not in\n{nine}");
    }
    let (eleven, batch) = summary(Lecture::Eleven, CellKind::Gru);
    assert_eq!(batch, 60);
    // GRU(128) on 100 inputs, reset_after: 3 × (100·128 + 128·128 + 2·128) = 88,320.
    for row in ["800,000", "88,320", "129", "888,449"] {
        assert!(eleven.contains(row), "{row} not in\n{eleven}");
    }
    assert!(!eleven.contains("Flatten"));
    // LSTM as the third choice: 4 × (100·128 + 128·128 + 128) = 117,248.
    let (lstm, _) = summary(Lecture::Eleven, CellKind::Lstm);
    assert!(lstm.contains("117,248"), "{lstm}");
}
