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
//! - [`teacher_forcing`]: lecture 7's teacher forcing vs free running on a many-to-many model.
//! - [`linear`], [`ensemble`]: the TF-IDF baseline and the weighted mean of several review
//!   classifiers (the shipped best model).
//! - [`limits`]: the bounds on user input (text size, model size, epochs) and their messages.
//! - [`lab`]: the concept labs of lectures 7 and 10 (recurrence stepper, weather → menu,
//!   vanishing gradients, gates, embeddings, shapes).
//!
//! The `web` module (the Leptos front end) exists only on `wasm32`, with the default `web`
//! feature.

pub mod bench;
pub mod classifier;
pub mod ensemble;
pub mod generate;
pub mod i18n;
pub mod keras;
pub mod lab;
pub mod lecture;
pub mod limits;
pub mod linear;
pub mod nn;
pub mod notebook;
pub mod plot;
pub mod random_state;
pub mod segment;
pub mod sentiment;
pub mod teacher_forcing;
pub mod text;
pub mod textgen;
pub mod train;

#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;

/// Native start-up tuning, called first thing in the binaries' `main`.
///
/// - candle asks for the number of threads on every tensor op, and unless `RAYON_NUM_THREADS`
///   is set that means parsing `/proc/cpuinfo` each time (it was most of lecture 8's training
///   time). We set it once.
/// - glibc returns large freed blocks to the kernel and page-faults them back in on the next
///   training step (the 4 MB embedding gradient, every batch); raising the mmap and trim
///   thresholds keeps them in the process.
#[cfg(not(target_arch = "wasm32"))]
pub fn init_native() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: called at the start of `main`, before any other thread is spawned, so no
        // thread can be reading the environment concurrently.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
    }
}
