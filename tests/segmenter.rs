//! The shipped segmenter against real Okt: the lecture's example, Okt's answers for every
//! sentence we wrote (`scripts/okt_our_sentences.py`), Okt's part-of-speech trie as the JVM
//! prints it, the no-space / no-loss properties, and input that must not break it. (Its F1
//! on held-out reviews is measured by `rnn-playground segment-eval`; see the README.)

use rnn_playground::lecture::{EXAMPLE_REVIEWS, OKT_EXAMPLE};
use rnn_playground::segment::Segmenter;
use rnn_playground::segment::eval::read_labels;
use rnn_playground::segment::lexicon::{Lexicon, syllables};
use rnn_playground::segment::pos::{KoreanPos, PosTrie};
use rnn_playground::text::korean::clean_korean;

/// The shipped lexicon file (the page's wasm build has no copy of it built in).
const SHIPPED_LEXICON: &[u8] = include_bytes!("../data/segmenter/okt-lexicon.bin");

#[test]
fn the_lectures_example_gives_okts_answer() {
    let (text, okt) = OKT_EXAMPLE;
    assert_eq!(Segmenter::shipped().segment(text), okt);
}

#[test]
fn every_sentence_we_wrote_gives_okts_answer() {
    let (labels, skipped) = read_labels(include_str!("data/okt_our_sentences.jsonl"));
    assert_eq!(skipped, 0);
    assert!(labels.len() >= 56);
    for r in &labels {
        assert_eq!(
            Segmenter::shipped().segment_clean(&r.text),
            r.morphs,
            "{}",
            r.text
        );
    }
}

/// Okt's dictionary decisions on words it has no reason to split but its lists: 퓨저, 사제품,
/// 크류 and 피스 are Wikipedia titles, 디퓨저, 타사 and 스크류 are in no list.
#[test]
fn dictionary_words_decide_as_in_okt() {
    let s = Segmenter::shipped();
    assert_eq!(s.segment("디퓨저"), ["디", "퓨저"]);
    assert_eq!(s.segment("타사제품"), ["타", "사제품"]);
    assert_eq!(s.segment("스크류피스"), ["스", "크류", "피스"]);
    assert_eq!(s.segment("쓰나안"), ["쓰나안"]);
    let lexicon = s.lexicon();
    let has = |w: &str, p| {
        lexicon
            .get(&syllables(w).unwrap())
            .is_some_and(|e| e.has(p))
    };
    assert!(has("퓨저", KoreanPos::Noun) && has("사제품", KoreanPos::Noun));
    assert!(!has("디퓨저", KoreanPos::Noun) && !has("타사", KoreanPos::Noun));
    // Conjugated forms are in the verb and adjective dictionaries, as Okt generates them.
    assert!(has("놔두고", KoreanPos::Verb));
    assert!(has("빨라", KoreanPos::Adjective) && has("빠르", KoreanPos::Adjective));
}

/// The trie is built from Okt's seven patterns in the order the JVM holds them; the fixture
/// is `KoreanTokenizer.koreanPosTrie.toString`, read by `scripts/okt_lexicon.py`.
#[test]
fn the_part_of_speech_trie_is_okts() {
    let okt = include_str!("data/okt_pos_trie.txt").trim();
    assert_eq!(PosTrie::okt().to_string(), okt);
}

#[test]
fn the_lexicon_file_round_trips_and_bad_files_are_refused() {
    let table = "가방\t1\t0\n가방끈\t1\t0\n갔다\t2\t0\n사람\t1\t6567\n";
    let bytes = Lexicon::build(table).unwrap();
    let lexicon = Lexicon::from_bytes(&bytes).unwrap();
    assert_eq!(lexicon.len(), 4);
    let person = lexicon.get(&syllables("사람").unwrap()).unwrap();
    assert_eq!(person.freq(), "0.6567".parse::<f32>().unwrap());
    assert!(lexicon.get(&syllables("가").unwrap()).is_none());
    // Words with anything but syllables are left out; bad lines are refused with their number.
    let lexicon = Lexicon::from_bytes(&Lexicon::build("ㅋㅋ\t32\t0\n곰TV\t1\t0\n").unwrap());
    assert!(lexicon.unwrap().is_empty());
    let err = Lexicon::build("가방\t1\n").unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
    // Cut, corrupted and other files.
    assert!(Lexicon::from_bytes(b"not a lexicon").is_err());
    assert!(Lexicon::from_bytes(&SHIPPED_LEXICON[..SHIPPED_LEXICON.len() / 2]).is_err());
    let mut flipped = SHIPPED_LEXICON.to_vec();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    assert!(Lexicon::from_bytes(&flipped).is_err());
    let err = Segmenter::from_lexicon_bytes(b"{}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("build-okt-lexicon"), "{err}");
}

/// Okt's two properties: no morpheme crosses a space or holds one, and the morphemes joined
/// give back the cleaned text without spaces.
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
    assert_eq!(
        s.segment("ㅁㄴㅇㄻㄴㅇ리뷰쓰기도"),
        ["ㅁㄴㅇㄻㄴㅇ", "리뷰", "쓰기", "도"]
    );
    // Uncleaned text keeps other characters as pieces of their own.
    let mut out = Vec::new();
    s.split_word("good좋아요!!", &mut out);
    assert_eq!(out, ["good", "좋아요", "!!"]);
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
    for review in EXAMPLE_REVIEWS.lines() {
        let clean = clean_korean(review);
        assert_eq!(s.segment_words(&clean).concat(), s.segment_clean(&clean));
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
