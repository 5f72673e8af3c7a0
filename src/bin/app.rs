//! The web page's entry point, built by Trunk for `wasm32-unknown-unknown`.

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    rnn_playground::web::start();
}

// Native builds compile every binary of the crate; the page only exists in the browser.
#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    eprintln!("the `app` binary is the web page: run `cargo xtask serve`");
}
