//! The worker's half of [`super::faults`]: the plain-JavaScript `error` listener a worker
//! installs when it starts (it posts `{tag, message}` on [`FAULT_CHANNEL`] when the wasm
//! instance traps without a panic) and the tag it reports under. Below the worker and the
//! page's fault watchers, which both use it.

/// The BroadcastChannel the workers' trap reports go to.
pub const FAULT_CHANNEL: &str = "rnn-playground-worker-faults";

/// The listener the worker installs on its global scope (JavaScript only).
const REPORTER: &str = "self.addEventListener('error', function (e) {\n\
    try { new BroadcastChannel('rnn-playground-worker-faults').postMessage({ tag: self.__rnnPlaygroundTag || 0, message: String(e && e.message || e) }); } catch (_) {}\n\
});\n\
self.addEventListener('unhandledrejection', function (e) {\n\
    try { new BroadcastChannel('rnn-playground-worker-faults').postMessage({ tag: self.__rnnPlaygroundTag || 0, message: String(e && e.reason || e) }); } catch (_) {}\n\
});";

/// Called once in the worker when it starts.
pub fn install_reporter() {
    let _ = js_sys::Function::new_no_args(REPORTER).call0(&js_sys::global());
}

/// The worker's tag, kept where the JavaScript listener finds it.
pub fn set_tag(tag: u32) {
    let _ = js_sys::Reflect::set(&js_sys::global(), &"__rnnPlaygroundTag".into(), &tag.into());
}
