//! Release builds of the page's wasm binaries leave out the name section (every function's
//! name, for stack traces in DevTools): it was 1.6 MB of the page's 3 MB module and 0.4 MB of
//! the worker's, 268 KB of a first visit after gzip. Panics still reach the page with their
//! message, file and line; debug builds (`trunk serve`, the browser tests) keep the names.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    // "release" for every profile that inherits from it (release-page too).
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if wasm && release {
        for bin in ["app", "worker", "keras_worker"] {
            println!("cargo::rustc-link-arg-bin={bin}=--strip-all");
            // wasm-bindgen reads the enabled features (reference types, …) from this section.
            println!("cargo::rustc-link-arg-bin={bin}=--keep-section=target_features");
        }
    }
}
