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
