//! The training web worker, built by Trunk as an ES-module worker next to the page.

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    use gloo_worker::Registrable;
    // Before gloo's handler: the page's ports message is not one of gloo's.
    rnn_playground::web::peer_ports::install_port_catcher();
    rnn_playground::web::TrainWorker::registrar().register();
}

// Native builds compile every binary of the crate; the worker only exists in the browser.
#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    eprintln!("the `worker` binary is the page's training worker: run `cargo xtask serve`");
}
