//! The page's Keras-file worker (`keras_worker.js`): reads `.keras` / `.h5` files into the
//! playground's model file and writes `.keras` files, started only when a student loads or
//! downloads one (see `rnn_playground::web::keras_worker`).

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    use gloo_worker::Registrable;
    rnn_playground::web::keras_worker::KerasWorker::registrar().register();
}

// Native builds compile every binary of the crate; this worker only exists in the browser.
#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    eprintln!("the `keras_worker` binary is the page's Keras-file worker: run `cargo xtask serve`");
}
