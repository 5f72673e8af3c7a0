//! The review-file reader on any bytes, in every format and with detection: each line is a
//! review, a counted malformed or neutral line, a header, or blank. Then the notebook's
//! pandas-style reader (`read_table`: quoted fields may span lines) and its cells up to the
//! cleaning, which must answer or refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_playground::notebook::{Lecture, NotebookConfig, load, read_table};
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
    let rows = read_table(&text).rows;
    assert!(rows.windows(2).all(|w| w[0].line < w[1].line));
    if let Ok(loaded) = load(&text, &NotebookConfig::new(Lecture::Eleven)) {
        assert!(loaded.unique <= loaded.total);
        assert_eq!(loaded.split.0 + loaded.split.1, loaded.unique);
        assert_eq!(
            loaded.train.len() + loaded.test.len() + loaded.emptied(),
            loaded.unique
        );
    }
});
