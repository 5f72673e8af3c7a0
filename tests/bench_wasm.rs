//! The benchmark cases run as real wasm in headless Chromium (`cargo xtask bench` runs this in
//! release mode with `--nocapture` and collects the `BENCH` lines).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn bench_in_the_browser() {
    let records = rnn_playground::bench::run_all("wasm", true).expect("benchmark");
    for r in records {
        web_sys::console::log_1(&format!("BENCH {}", serde_json::to_string(&r).unwrap()).into());
    }
}
