//! rnn-playground: recurrent neural networks for Korean text, in Rust, natively and in the
//! browser (WebAssembly).
//!
//! The core modules have no web dependency and build for every target:
//! - [`text`]: the lecture's Keras text pipeline (`Tokenizer`, `pad_sequences`, …).
//! - [`lecture`]: the lecture's small texts (`data/lecture/`).
//! - [`nn`]: Keras' layers, losses and optimizers on candle.
//! - [`train`]: `fit`, `evaluate`, `predict`, callbacks.
//! - [`generate`]: greedy and sampled text generation.
//! - [`textgen`]: lecture 8's next-word model from text to trained model.
//!
//! The `web` module (the Leptos front end) exists only on `wasm32`.

pub mod bench;
pub mod generate;
pub mod lecture;
pub mod nn;
pub mod text;
pub mod textgen;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// Fix the worker-thread count for candle once, natively.
///
/// candle asks for the number of threads on every tensor op, and unless `RAYON_NUM_THREADS`
/// is set that means parsing `/proc/cpuinfo` each time (about a tenth of a small model's
/// training time). Binaries call this first thing in `main`, before any thread exists.
#[cfg(not(target_arch = "wasm32"))]
pub fn init_threads() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: called at the start of `main`, before any other thread is spawned, so no
        // thread can be reading the environment concurrently.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    }
}
