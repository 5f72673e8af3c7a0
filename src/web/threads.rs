//! The shared-memory worker: one training worker that uses every core.
//!
//! The plain worker (`./worker.js`) is single-threaded, and the page gets more cores by running
//! replica workers that exchange gradients ([`super::parallel`]). Where the page is
//! cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
//! `Cross-Origin-Embedder-Policy: require-corp`, as `cargo xtask serve` does), a
//! `SharedArrayBuffer` can back the wasm memory, and `./threads/worker.js` (the same worker built
//! with atomics, feature `threads`, by `cargo xtask threads-worker`) starts rayon's pool over
//! web workers that share its memory (wasm-bindgen-rayon). Then `train::batch_gradient` cuts
//! each batch into one shard per thread and runs them on the pool against one copy of the
//! model: no messages between replicas, one optimizer step. (The fused kernels' row groups and
//! the optimizer's split, which natively also use rayon, stay on one thread here: measured, they
//! did not pay in wasm.)
//!
//! The loader `threads/worker.js` sets [`PRIMARY_FLAG`] before it instantiates the module; the
//! worker's `main` checks it, so that a pool thread never registers as a training worker even if
//! its instantiation ran `main` (wasm-bindgen runs the start function on the first thread only:
//! belt and braces).
//!
//! If the shared-memory worker cannot start (a host that serves the headers but not
//! `threads/`, a browser that refuses a 4 GiB shared memory), its `error` event marks the
//! session ([`NO_THREADS_FLAG`]), the panel is told through the fault channel as for any dead
//! worker, and the next worker it starts is the plain one.

/// The most data-parallel workers a run may use (each holds a copy of the model), and the
/// largest thread pool.
pub const MAX_WORKERS: usize = 8;

/// Set on the training worker's global scope by `threads/worker.js` (not on the pool's threads).
pub const PRIMARY_FLAG: &str = "__rnnPlaygroundPrimary";

/// The shared-memory worker's loader, relative to the page.
pub const SCRIPT: &str = "./threads/worker.js";

/// Set on the page's global scope when a shared-memory worker failed to start: the rest of the
/// session uses the plain worker.
pub const NO_THREADS_FLAG: &str = "__rnnPlaygroundNoThreads";

/// Whether this page can run the shared-memory worker: cross-origin isolated (so the
/// browser grants `SharedArrayBuffer`), not turned off with `threads=0` (in the query, before
/// the `#`, or in the route's settings), and not failed earlier in this session.
pub fn page_can_share_memory() -> bool {
    let global = js_sys::global();
    let flag = |name: &str| {
        js_sys::Reflect::get(&global, &name.into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    let shared = js_sys::Reflect::has(&global, &"SharedArrayBuffer".into()).unwrap_or(false);
    let off_in_query = leptos::prelude::window()
        .location()
        .search()
        .is_ok_and(|q| {
            q.trim_start_matches('?')
                .split('&')
                .any(|kv| kv == "threads=0")
        });
    flag("crossOriginIsolated")
        && shared
        && !flag(NO_THREADS_FLAG)
        && !off_in_query
        && super::route::current().param("threads") != Some("0")
}

/// Watch a just-spawned shared-memory worker (plain JavaScript: its wasm may never have run):
/// an `error` event marks the session ([`NO_THREADS_FLAG`]) and reports `tag`'s death on the
/// fault channel, so the panel says so and its next worker is the plain one.
pub fn watch_start(worker: &web_sys::Worker, tag: u32) {
    let listen = js_sys::Function::new_with_args(
        "w, tag",
        &format!(
            "w.addEventListener('error', function (e) {{\n\
               self.{NO_THREADS_FLAG} = true;\n\
               try {{ new BroadcastChannel('{}').postMessage({{ tag: tag, message: \
               'the shared-memory worker stopped (' + String(e && e.message || e) + '); \
               the next worker is the plain one' }}); }} catch (_) {{}}\n\
             }});",
            super::fault_report::FAULT_CHANNEL
        ),
    );
    let _ = listen.call2(&wasm_bindgen::JsValue::NULL, worker, &tag.into());
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

/// What the training status line of a one-worker run adds in shared-memory mode (" · 2
/// threads, shared memory"), empty otherwise: a student sees why one worker trains faster here
/// than on a plain host. (A run of several replicas starts plain workers: see
/// [`super::parallel`].)
pub fn status_note(workers: usize) -> String {
    if workers == 1 && page_can_share_memory() {
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

/// The pool's size: the browser's logical cores, at most [`MAX_WORKERS`]
/// (the training worker itself waits while the pool computes, so it takes no core).
pub fn pool_threads() -> usize {
    let cores = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .ok()
        .and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()).ok())
        .and_then(|c| c.as_f64())
        .unwrap_or(1.0);
    (cores as usize).clamp(1, MAX_WORKERS)
}

/// The threads of rayon's pool in the shared-memory worker; `None` in the plain one.
pub fn pool_size() -> Option<usize> {
    if cfg!(feature = "threads") {
        Some(rayon::current_num_threads())
    } else {
        None
    }
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
