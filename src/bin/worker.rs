//! The training worker, built by Trunk as an ES-module worker next to the page
//! (`worker.js`), and with atomics as the shared-memory worker (`threads/worker.js`, feature
//! `threads`: see `rnn_playground::web::threads`).

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    use gloo_worker::Registrable;
    #[cfg(feature = "threads")]
    if !rnn_playground::web::threads::is_primary() {
        // One of rayon's pool threads instantiating the module: it only runs rayon's loop.
        // (wasm-bindgen starts `main` on the first thread only; this keeps it so if that changes.)
        return;
    }
    // Before gloo's handler: the page's ports message is not one of gloo's.
    rnn_playground::web::peer_ports::install_port_catcher();
    #[cfg(feature = "threads")]
    wasm_bindgen_futures::spawn_local(async {
        // The pool first: the page's messages wait in gloo's bridge until the worker registers.
        if let Err(e) = rnn_playground::web::threads::start_pool().await {
            web_sys::console::warn_1(
                &format!("rayon's pool did not start ({e}): one thread").into(),
            );
        }
        rnn_playground::web::TrainWorker::registrar().register();
    });
    #[cfg(not(feature = "threads"))]
    rnn_playground::web::TrainWorker::registrar().register();
}

// Native builds compile every binary of the crate; the worker only exists in the browser.
#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    eprintln!("the `worker` binary is the page's training worker: run `cargo xtask serve`");
}
