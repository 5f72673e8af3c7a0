//! The shipped morpheme segmenter: the lecture's example, the folded tables against the
//! trained network, the no-space / no-loss properties, and input that must not break it.
//! (Its F1 against Okt is measured by `rnn-playground segment-eval` on held-out reviews; see
//! the README.)

use candle_core::{Device, Tensor};
use rnn_playground::lecture::{EXAMPLE_REVIEWS, OKT_EXAMPLE};
use rnn_playground::nn::Sequential;
use rnn_playground::segment::segmenter::windows;
use rnn_playground::segment::{SHIPPED_MODEL, Segmenter, SegmenterConfig};
use rnn_playground::text::korean::clean_korean;

#[test]
fn the_lectures_example_gives_okts_answer() {
    let (text, okt) = OKT_EXAMPLE;
    assert_eq!(Segmenter::shipped().segment(text), okt);
}

#[test]
fn folded_tables_compute_what_the_network_computes() {
    let (model, extras) = Sequential::from_single_file(SHIPPED_MODEL).unwrap();
    let config = SegmenterConfig::from_extras(&extras).unwrap();
    let segmenter = Segmenter::shipped();
    let ids = config.ids();
    for word in ["엉망이네용", "놔두고가고", "배송이", "햏뷁쒧", "ㅋㅋ좋아요"]
    {
        let word_ids: Vec<u32> = word
            .chars()
            .map(|c| ids.get(&c).copied().unwrap_or(1))
            .collect();
        let mut win = Vec::new();
        windows(&word_ids, config.left, config.right, &mut win);
        let n = win.len() / config.window();
        let x = Tensor::from_vec(win, (n, config.window()), &Device::Cpu).unwrap();
        let want: Vec<f32> = model
            .forward(&x)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let got = segmenter.gap_probabilities(word);
        assert_eq!(got.len(), word.chars().count() - 1);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-5, "{word}: {got:?} vs {want:?}");
        }
    }
}

/// Okt's two properties the segmenter keeps by construction: no morpheme crosses a space or
/// holds one, and the morphemes joined give back the cleaned text without spaces.
fn assert_tiles(text: &str) {
    let morphs = Segmenter::shipped().segment(text);
    assert!(
        morphs.iter().all(|m| !m.is_empty() && !m.contains(' ')),
        "{text}: {morphs:?}"
    );
    let clean: String = clean_korean(text).chars().filter(|c| *c != ' ').collect();
    assert_eq!(morphs.concat(), clean, "{text}");
}

#[test]
fn morphemes_tile_the_cleaned_text() {
    for review in EXAMPLE_REVIEWS.lines() {
        assert_tiles(review);
    }
    // Unknown syllables, jamo, emoji, Latin letters, digits, punctuation, odd spacing.
    for text in [
        "햏햏 뷁 쒧쒧쒧",
        "ㅋㅋㅋ ㅁㄴㅇ ㅠㅠ",
        "ㅁㄴㅇㄻㄴㅇ리뷰쓰기도 귀찮아",
        "👍👍 최고 🎉",
        "good 좋아요 100% 만족!!",
        "   띄어쓰기    여러 번   ",
        "",
        "!!!",
    ] {
        assert_tiles(text);
    }
}

#[test]
fn jamo_only_and_empty_input() {
    let s = Segmenter::shipped();
    assert_eq!(s.segment(""), Vec::<String>::new());
    assert_eq!(s.segment("😀🎉 !!"), Vec::<String>::new());
    assert_eq!(s.segment("ㅋㅋㅋ"), vec!["ㅋㅋㅋ"]);
    assert_eq!(s.segment("ㅁㄴㅇ").concat(), "ㅁㄴㅇ");
}

#[test]
fn a_100k_character_review_is_segmented_whole() {
    let long: String = "가나다라마바사아자차카타파하".repeat(7200);
    assert!(long.chars().count() > 100_000);
    let morphs = Segmenter::shipped().segment(&long);
    assert_eq!(morphs.concat(), long);
}

#[test]
fn batches_give_what_single_calls_give() {
    let s = Segmenter::shipped();
    let reviews: Vec<&str> = EXAMPLE_REVIEWS
        .lines()
        .chain(EXAMPLE_REVIEWS.lines())
        .collect();
    let batched = s.segment_batch(&reviews);
    for (review, got) in reviews.iter().zip(&batched) {
        assert_eq!(&s.segment(review), got);
    }
}

#[test]
fn a_corrupt_or_wrong_model_file_is_an_error() {
    assert!(Segmenter::from_file_bytes(b"not a model").is_err());
    assert!(Segmenter::from_file_bytes(&SHIPPED_MODEL[..SHIPPED_MODEL.len() / 2]).is_err());
    // A valid model file that is not a segmenter (lecture 8's next-word model).
    let trained = rnn_playground::textgen::train(
        rnn_playground::lecture::NEXT_WORD_TEXT,
        &rnn_playground::textgen::TextgenConfig {
            epochs: 1,
            ..Default::default()
        },
        |_| {},
    )
    .unwrap();
    let file = trained
        .model
        .to_single_file(&rnn_playground::nn::ModelExtras::default())
        .unwrap();
    let err = Segmenter::from_file_bytes(&file).unwrap_err().to_string();
    assert!(err.contains("not a segmenter"), "{err}");
}

#[test]
fn direct_computation_segments_as_the_tables_do() {
    let s = Segmenter::shipped();
    for review in EXAMPLE_REVIEWS.lines() {
        let clean = clean_korean(review);
        let direct: Vec<String> = s.segment_direct(&clean).concat();
        assert_eq!(direct, s.segment_clean(&clean), "{review}");
    }
}

#[test]
fn the_pages_korean_mode_refuses_too_much_text_with_a_message() {
    use rnn_playground::segment::lines::MAX_PAGE_CHARS;
    use rnn_playground::segment::preprocess_lines;
    let s = Segmenter::shipped();
    let lines = ["택배가 엉망이네용", "저희집 밑에층에"];
    let out = preprocess_lines(s, &lines, &["가", "에"]).unwrap();
    assert_eq!(out[0].clean, "택배가 엉망이네용");
    assert_eq!(out[0].words[0], vec!["택배", "가"]);
    assert!(!out[0].tokens.contains(&"가".to_string()));
    assert_eq!(out[1].tokens.concat(), "저희집밑층");
    let long = "가".repeat(MAX_PAGE_CHARS + 1);
    let err = preprocess_lines(s, &[long.as_str()], &[""; 0])
        .unwrap_err()
        .to_string();
    assert!(err.contains("rnn-playground segment"), "{err}");
}

/// The page reads the segmenter file with the safetensors crate alone (no candle on the main
/// thread); it must give the model that candle's `Sequential` gives.
#[test]
fn the_light_reader_loads_what_the_model_reader_loads() {
    use rnn_playground::segment::SHIPPED_MODEL;
    let light = Segmenter::from_file_bytes(SHIPPED_MODEL).unwrap();
    let full = Segmenter::from_file_bytes_via_model(SHIPPED_MODEL).unwrap();
    assert_eq!(light.param_count, full.param_count);
    for line in rnn_playground::lecture::EXAMPLE_REVIEWS.lines().take(40) {
        assert_eq!(light.segment(line), full.segment(line), "{line}");
        for word in line.split_whitespace() {
            assert_eq!(light.gap_probabilities(word), full.gap_probabilities(word));
        }
    }
    assert!(Segmenter::from_file_bytes(b"not a model").is_err());
    let mut broken = SHIPPED_MODEL.to_vec();
    broken.truncate(broken.len() / 2);
    assert!(Segmenter::from_file_bytes(&broken).is_err());
}
