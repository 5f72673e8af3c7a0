//! Properties that hold for every input, checked with proptest on generated ones: the text
//! pipeline (pad_sequences' length and content, the tokenizer's index, round trips and OOV
//! rules), the segmenter (its morphemes join back to the input and never cross a space), and
//! the loaders (no byte string makes them panic; a cut file is an error).

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use rnn_playground::nn::{Activation, LayerConfig, ModelExtras, Sequential};
use rnn_playground::segment::Segmenter;
use rnn_playground::text::reviews::read_reviews;
use rnn_playground::text::{PadOptions, Side, Tokenizer, TokenizerConfig, pad_sequences};

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Pre), Just(Side::Post)]
}

/// Words from a small vocabulary (so that words repeat), Hangul and Latin.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[가-깋]{1,3}",
        "[a-e]{1,3}",
        Just("말이".to_string()),
        Just("가는".to_string()),
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 0..8).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every row is `maxlen` long (the longest sequence without one); a row holds its sequence
    /// (cut at the `truncating` end when too long) with the fill on the `padding` side.
    #[test]
    fn pad_sequences_keeps_length_and_content(
        sequences in prop::collection::vec(prop::collection::vec(1usize..50, 0..12), 0..10),
        maxlen in prop::option::of(0usize..15),
        padding in side(),
        truncating in side(),
    ) {
        let options = PadOptions { maxlen, padding, truncating, value: 0 };
        let padded = pad_sequences(&sequences, &options);
        prop_assert_eq!(padded.len(), sequences.len());
        let width = maxlen.unwrap_or_else(|| sequences.iter().map(Vec::len).max().unwrap_or(0));
        for (row, seq) in padded.iter().zip(&sequences) {
            prop_assert_eq!(row.len(), width);
            let kept: &[usize] = if seq.len() <= width {
                seq
            } else if truncating == Side::Pre {
                &seq[seq.len() - width..]
            } else {
                &seq[..width]
            };
            let fill = width - kept.len();
            let (body, pad) = match padding {
                Side::Pre => (&row[fill..], &row[..fill]),
                Side::Post => (&row[..kept.len()], &row[kept.len()..]),
            };
            prop_assert_eq!(body, kept);
            prop_assert!(pad.iter().all(|&v| v == 0));
        }
    }

    /// word_index numbers the words 1..=n (OOV first when there is one), by count, most frequent
    /// first; texts → sequences → texts gives back the words; the JSON round trips.
    #[test]
    fn tokenizer_index_and_round_trips(texts in prop::collection::vec(sentence(), 1..8)) {
        let mut tokenizer = Tokenizer::default();
        tokenizer.fit_on_texts(&texts);
        let index = tokenizer.word_index();
        let ids: Vec<usize> = index.values().copied().collect();
        prop_assert_eq!(ids, (1..=index.len()).collect::<Vec<_>>());
        let counts = tokenizer.word_counts();
        for pair in index.keys().collect::<Vec<_>>().windows(2) {
            prop_assert!(counts[pair[0]] >= counts[pair[1]], "{:?}", pair);
        }
        let sequences = tokenizer.texts_to_sequences(&texts);
        let back = tokenizer.sequences_to_texts(&sequences);
        for (text, back) in texts.iter().zip(&back) {
            let words: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(back, &words.join(" "));
        }
        let json = Tokenizer::from_json(&tokenizer.to_json()).unwrap();
        prop_assert_eq!(&json, &tokenizer);
        let compact = Tokenizer::from_json(&tokenizer.to_json_compact()).unwrap();
        prop_assert_eq!(compact.texts_to_sequences(&texts), sequences);
    }

    /// With `num_words` and an OOV token, every id is below `num_words`, a word outside the
    /// kept vocabulary becomes 1 and nothing is dropped; without an OOV token such words are
    /// dropped.
    #[test]
    fn oov_rules(
        texts in prop::collection::vec(sentence(), 1..8),
        probe in prop::collection::vec(sentence(), 1..5),
        num_words in 1usize..12,
    ) {
        let with_oov = TokenizerConfig {
            num_words: Some(num_words),
            oov_token: Some("<OOV>".into()),
            ..TokenizerConfig::default()
        };
        let mut tokenizer = Tokenizer::new(with_oov).unwrap();
        tokenizer.fit_on_texts(&texts);
        prop_assert_eq!(tokenizer.word_index().get("<OOV>"), Some(&1));
        let mut plain = Tokenizer::new(TokenizerConfig {
            num_words: Some(num_words),
            ..TokenizerConfig::default()
        })
        .unwrap();
        plain.fit_on_texts(&texts);
        for (text, (seq, plain_seq)) in probe.iter().zip(
            tokenizer
                .texts_to_sequences(&probe)
                .iter()
                .zip(plain.texts_to_sequences(&probe)),
        ) {
            let words: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(seq.len(), words.len());
            let mut expected_plain = Vec::new();
            for (word, &id) in words.iter().zip(seq) {
                prop_assert!(id >= 1 && (id < num_words || id == 1), "{} → {}", word, id);
                match tokenizer.word_index().get(*word) {
                    Some(&i) if i < num_words => prop_assert_eq!(id, i),
                    _ => prop_assert_eq!(id, 1),
                }
                if let Some(&i) = plain.word_index().get(*word).filter(|&&i| i < num_words) {
                    expected_plain.push(i);
                }
            }
            prop_assert_eq!(plain_seq, expected_plain);
        }
    }

    /// On cleaned Korean text the morphemes, joined, give the text without spaces, and each
    /// word's morphemes give exactly that word (no morpheme crosses a space).
    #[test]
    fn segmenter_joins_back_and_never_crosses_a_space(
        words in prop::collection::vec("[가-힣ㄱ-ㅎㅏ-ㅣ]{1,12}", 0..10)
    ) {
        let segmenter = Segmenter::shipped();
        let text = words.join(" ");
        let morphs = segmenter.segment_clean(&text);
        prop_assert_eq!(morphs.concat(), text.replace(' ', ""));
        let per_word = segmenter.segment_words(&text);
        prop_assert_eq!(per_word.len(), words.len());
        prop_assert_eq!(per_word.concat(), morphs);
        for (word, parts) in words.iter().zip(&per_word) {
            prop_assert!(parts.iter().all(|p| !p.is_empty()));
            prop_assert_eq!(&parts.concat(), word);
        }
    }

    /// Any text at all: segment cleans first, and what it returns is made of the cleaned text.
    #[test]
    fn segment_takes_any_text(text in any::<String>()) {
        let morphs = Segmenter::shipped().segment(&text);
        let cleaned: String = rnn_playground::text::korean::clean_korean(&text).replace(' ', "");
        prop_assert_eq!(morphs.concat(), cleaned);
    }

    /// The loaders answer every byte string with a model or an error, never a panic.
    #[test]
    fn loaders_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Sequential::from_single_file(&bytes);
        let _ = Sequential::from_files("{}", &bytes);
        let _ = Segmenter::from_lexicon_bytes(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let _ = Tokenizer::from_json(&text);
        let set = read_reviews(&text, None);
        prop_assert!(set.reviews.len() + set.malformed.len() + set.neutral <= text.lines().count());
    }

    /// A model file cut anywhere, or with a byte changed, is refused or loads; it never panics,
    /// and a cut file is always refused.
    #[test]
    fn cut_or_changed_model_files(cut in 0.0f64..1.0, flip in 0.0f64..1.0, byte in any::<u8>()) {
        let file = small_model_file();
        let at = ((file.len() as f64) * cut) as usize;
        prop_assert!(Sequential::from_single_file(&file[..at]).is_err());
        let mut changed = file.clone();
        let i = ((file.len() as f64) * flip) as usize % file.len();
        changed[i] = byte;
        let _ = Sequential::from_single_file(&changed);
    }

    /// model.json text that is not a model, or a model whose layers do not fit together, is an
    /// error.
    #[test]
    fn config_loader_never_panics(text in any::<String>(), units in 0usize..5, dim in 0usize..5) {
        let weights = small_model().weights_to_safetensors().unwrap();
        let _ = Sequential::from_files(&text, &weights);
        let other = format!(
            r#"{{"format":"rnn-playground/sequential-v1","input_length":3,"layers":[{{"type":"Embedding","input_dim":{units},"output_dim":{dim},"mask_zero":false}},{{"type":"Dense","units":{units},"activation":"softmax","use_bias":true}}]}}"#
        );
        prop_assert!(Sequential::from_files(&other, &weights).is_err());
    }
}

fn small_model() -> Sequential {
    Sequential::from_config(
        &[
            LayerConfig::Embedding {
                input_dim: 6,
                output_dim: 4,
                mask_zero: false,
            },
            LayerConfig::rnn(rnn_playground::nn::CellKind::Gru, 3),
            LayerConfig::Dense {
                units: 6,
                activation: Activation::Softmax,
                use_bias: true,
            },
        ],
        Some(3),
        0,
    )
    .unwrap()
}

fn small_model_file() -> Vec<u8> {
    small_model()
        .to_single_file(&ModelExtras::default())
        .unwrap()
}
