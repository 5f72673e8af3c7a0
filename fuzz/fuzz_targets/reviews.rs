//! The review-file reader on any bytes, in every format and with detection: each line is a
//! review, a counted malformed or neutral line, a header, or blank.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_playground::text::reviews::{ReviewFormat, read_reviews};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count();
    for format in [
        None,
        Some(ReviewFormat::Rating5),
        Some(ReviewFormat::Rating10),
        Some(ReviewFormat::Label),
        Some(ReviewFormat::NsmcLabel),
        Some(ReviewFormat::NsmcRaw),
    ] {
        let set = read_reviews(&text, format);
        assert!(set.reviews.len() + set.malformed.len() + set.neutral <= lines);
        assert!(set.reviews.iter().all(|r| r.label <= 1));
        let _ = set.report();
    }
});
