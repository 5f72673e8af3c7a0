//! The Keras tokenizer and pad_sequences on any text: fitting, converting both ways, the JSON
//! round trips and padding never panic, and what must round-trip does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_playground::text::{PadOptions, Side, Tokenizer, TokenizerConfig, pad_sequences};

fuzz_target!(|data: &[u8]| {
    let Some((&options, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let lines: Vec<&str> = text.lines().collect();
    let config = TokenizerConfig {
        num_words: (options & 1 == 1).then_some((options >> 4) as usize),
        oov_token: (options & 2 == 2).then(|| "<OOV>".to_string()),
        lower: options & 4 == 4,
        char_level: options & 8 == 8,
        ..TokenizerConfig::default()
    };
    let mut tokenizer = Tokenizer::new(config).expect("the default split is not empty");
    tokenizer.fit_on_texts(&lines);
    let sequences = tokenizer.texts_to_sequences(&lines);
    let _ = tokenizer.sequences_to_texts(&sequences);
    let back = Tokenizer::from_json(&tokenizer.to_json()).expect("to_json reads back");
    assert_eq!(back, tokenizer);
    let compact = Tokenizer::from_json(&tokenizer.to_json_compact()).expect("compact reads back");
    assert_eq!(compact.texts_to_sequences(&lines), sequences);
    let _ = Tokenizer::from_json(&text);
    let maxlen = (options as usize) % 7;
    for (padding, truncating) in [(Side::Pre, Side::Post), (Side::Post, Side::Pre)] {
        let padded = pad_sequences(
            &sequences,
            &PadOptions {
                maxlen: Some(maxlen),
                padding,
                truncating,
                value: 0,
            },
        );
        assert!(padded.iter().all(|row| row.len() == maxlen));
    }
});
