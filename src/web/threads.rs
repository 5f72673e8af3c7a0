//! The shared-memory worker: one training worker whose kernels run on every core.
//!
//! The plain worker (`./worker.js`) is single-threaded, and the page gets more cores by running
//! replica workers that exchange gradients ([`super::parallel`]). Where the page is
//! cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
//! `Cross-Origin-Embedder-Policy: require-corp`, as `cargo xtask serve` does), a
//! `SharedArrayBuffer` can back the wasm memory, and `./threads/worker.js` (the same worker built
//! with atomics, feature `threads`, by `cargo xtask threads-worker`) starts rayon's pool over
//! web workers that share its memory (wasm-bindgen-rayon). Then the fused kernels split a
//! batch's rows over the cores and the optimizer splits its big tables, as natively: one copy
//! of the model, no messages between replicas.
//!
//! The loader `threads/worker.js` sets [`PRIMARY_FLAG`] before it instantiates the module, so
//! the pool's own workers, which instantiate the same module to run rayon's threads, are told
//! apart from the training worker.

/// Set on the training worker's global scope by `threads/worker.js` (not on the pool's threads).
pub const PRIMARY_FLAG: &str = "__rnnPlaygroundPrimary";

/// The shared-memory worker's loader, relative to the page.
pub const SCRIPT: &str = "./threads/worker.js";

/// Whether this page can run the shared-memory worker: cross-origin isolated (so the
/// browser grants `SharedArrayBuffer`) and not turned off with `threads=0` in the link.
pub fn page_can_share_memory() -> bool {
    let global = js_sys::global();
    let isolated = js_sys::Reflect::get(&global, &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let shared = js_sys::Reflect::has(&global, &"SharedArrayBuffer".into()).unwrap_or(false);
    isolated && shared && super::route::current().param("threads") != Some("0")
}

/// The plain worker, relative to the page.
pub const PLAIN_SCRIPT: &str = "./worker.js";

/// The worker script this page's panels start: the shared-memory one where
/// [`page_can_share_memory`], else the plain one.
pub fn worker_script() -> &'static str {
    if page_can_share_memory() {
        SCRIPT
    } else {
        PLAIN_SCRIPT
    }
}

/// What the training status line adds in shared-memory mode (" · 2 threads, shared memory"),
/// empty otherwise: a student sees why one worker trains faster here than on a plain host.
pub fn status_note() -> String {
    if page_can_share_memory() {
        format!(" · {} threads, shared memory", pool_threads())
    } else {
        String::new()
    }
}

/// In a module built with atomics: whether this instance is the training worker (its loader
/// set [`PRIMARY_FLAG`]) rather than one of rayon's pool threads.
pub fn is_primary() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &PRIMARY_FLAG.into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The pool's size: the browser's logical cores, at most [`super::parallel::MAX_WORKERS`]
/// (the training worker itself waits while the pool computes, so it takes no core).
pub fn pool_threads() -> usize {
    let cores = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .ok()
        .and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()).ok())
        .and_then(|c| c.as_f64())
        .unwrap_or(1.0);
    (cores as usize).clamp(1, super::parallel::MAX_WORKERS)
}

/// The threads of rayon's pool in the shared-memory worker; `None` in the plain one.
pub fn pool_size() -> Option<usize> {
    #[cfg(feature = "threads")]
    return Some(rayon::current_num_threads());
    #[cfg(not(feature = "threads"))]
    None
}

/// Start rayon's pool ([`pool_threads`] workers sharing this module's memory); resolves when
/// every thread is up. An error (the pool's workers could not start) leaves rayon to run
/// everything on the training worker's own thread.
#[cfg(feature = "threads")]
pub async fn start_pool() -> Result<usize, String> {
    let threads = pool_threads();
    wasm_bindgen_futures::JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads))
        .await
        .map(|_| threads)
        .map_err(|e| format!("{e:?}"))
}
