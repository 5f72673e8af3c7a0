//! The benchmark cases run as real wasm in headless Chromium (`cargo xtask bench` runs this in
//! release mode with `--nocapture` and collects the `BENCH` lines).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The shipped lecture-11 GRU classifier (model.json, weights).
const SHIPPED_GRU: (&str, &[u8]) = (
    include_str!("../data/models/lecture11-gru/model.json"),
    include_bytes!("../data/models/lecture11-gru/model.safetensors"),
);

/// The best model (the page's default verdict: an ensemble folder).
const SHIPPED_BEST: (&str, &[u8]) = (
    include_str!("../data/models/best/model.json"),
    include_bytes!("../data/models/best/model.safetensors"),
);

/// The segmenter's lexicon: the page fetches it; here it is built in.
const LEXICON: &[u8] = include_bytes!("../data/segmenter/okt-lexicon.bin");

#[wasm_bindgen_test]
fn bench_in_the_browser() {
    let mut records =
        rnn_playground::bench::segmenter_load("wasm", LEXICON, 5).expect("segmenter load");
    rnn_playground::segment::Segmenter::install(LEXICON).expect("the shipped lexicon loads");
    records.extend(rnn_playground::bench::run_all("wasm", true).expect("benchmark"));
    records.extend(
        rnn_playground::bench::classify_one_review(
            "wasm",
            "classify-one-review",
            SHIPPED_GRU.0,
            SHIPPED_GRU.1,
            200,
        )
        .expect("classify benchmark"),
    );
    records.extend(
        rnn_playground::bench::classify_one_review_best(
            "wasm",
            SHIPPED_BEST.0,
            SHIPPED_BEST.1,
            200,
        )
        .expect("classify benchmark (best)"),
    );
    for r in records {
        web_sys::console::log_1(&format!("BENCH {}", serde_json::to_string(&r).unwrap()).into());
    }
}
