//! The browser front end (Leptos, client-side rendered). Compiled only for `wasm32`.
//!
//! Components read signals and call the core library ([`crate::text`], …); they never compute
//! model or text results themselves.

mod app;
mod bench_page;
mod fault_report;
mod faults;
mod fetch;
mod file_drop;
pub mod i18n;
pub mod keras_worker;
mod labs;
mod model_file;
mod notebook;
mod parallel;
pub mod peer_ports;
pub mod protocol;
pub mod route;
mod sentiment;
mod stash;
mod studio;
pub mod threads;
mod tokenizer_panel;
pub mod worker;
mod worker_handle;

pub use app::App;
pub use sentiment::SentimentPanel;
pub use studio::StudioPanel;
pub use tokenizer_panel::{LECTURE_TEXT, TokenizerPanel};
pub use worker::TrainWorker;

use leptos::prelude::window;

/// Mount the whole playground into `<body>`; called by the `app` binary.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // When the page became interactive (ms after navigation start), for the end-to-end test
    // that reports it.
    if let Some(performance) = window().performance() {
        let _ = js_sys::Reflect::set(
            &window(),
            &"rnnPlaygroundInteractive".into(),
            &performance.now().into(),
        );
    }
}
