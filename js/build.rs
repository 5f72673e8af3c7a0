//! The release module leaves out the wasm name section (function names for stack traces in
//! DevTools, 0.37 MB of the module): the same choice as the site's binaries (`../build.rs`).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if wasm && release {
        println!("cargo::rustc-link-arg-cdylib=--strip-all");
        // wasm-bindgen reads the enabled features (reference types, …) from this section.
        println!("cargo::rustc-link-arg-cdylib=--keep-section=target_features");
    }
}
