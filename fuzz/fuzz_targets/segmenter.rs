//! The shipped segmenter on any text: it cleans, segments, and its morphemes join back to the
//! cleaned text without spaces; per word and per batch give the same morphemes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_playground::segment::Segmenter;
use rnn_playground::text::korean::clean_korean;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let segmenter = Segmenter::shipped();
    let morphs = segmenter.segment(&text);
    let clean = clean_korean(&text);
    assert_eq!(morphs.concat(), clean.replace(' ', ""));
    assert_eq!(segmenter.segment_words(&clean).concat(), morphs);
    assert_eq!(segmenter.segment_batch(&[text.as_ref()])[0], morphs);
});
