//! Direct channels between the replica workers of one run: a `MessageChannel` for each pair,
//! its two ports handed to the two workers by the page.
//!
//! Why: the replicas exchange each step's shard gradients, about 1 MB for the lecture-11 GRU
//! on random ids. Over a BroadcastChannel every message goes through the browser process and
//! is copied: a 1 MB round trip between two workers took 9–13 ms in headless Chromium here,
//! against 0.1–0.2 ms over a MessageChannel with the buffer transferred. The BroadcastChannel
//! stays the fallback (a run whose workers did not all get ports uses it, every worker alike).
//!
//! gloo-worker keeps the `Worker` objects to itself and decodes every message either side
//! gets, and it holds the bridge's messages until the worker has loaded (a plain message to a
//! worker still loading its module is lost). So: the page notes each worker as it is
//! constructed and adds, before gloo's, a listener that answers a worker's request for its
//! ports ([`spawn_noting_worker`]); [`connect`] makes the channels and leaves each worker's
//! ports with it; the run's `ReplicaInfo` says `direct`; each worker, once it joins the run,
//! asks for its ports ([`request_ports`]), and a JavaScript listener installed before gloo's
//! ([`install_port_catcher`]) keeps the answer from gloo and tells the replica.

use std::cell::RefCell;
use std::collections::VecDeque;

use wasm_bindgen::{JsCast, JsValue};

/// The worker-side listener (JavaScript only: it runs before gloo's handler, which would
/// take the ports message for one of its own and fail to decode it). It keeps the ports and
/// calls the replica's hook, if one is waiting.
const CATCHER: &str = "self.addEventListener('message', function (e) {\n\
    var d = e.data;\n\
    if (d && typeof d === 'object' && d.__rnnPlaygroundPeers !== undefined) {\n\
        e.stopImmediatePropagation();\n\
        self.__rnnPlaygroundPorts = { run: d.__rnnPlaygroundPeers, peers: d.peers, ports: e.ports };\n\
        if (typeof self.__rnnPlaygroundOnPorts === 'function') { self.__rnnPlaygroundOnPorts(); }\n\
    }\n\
});";

/// The page-side listener, added to each worker inside its constructor (so before gloo's):
/// answers a worker's request with the ports [`connect`] left for it.
const ANSWER: &str = "function (e) {\n\
    var d = e.data, w = e.target;\n\
    if (d && typeof d === 'object' && d.__rnnPlaygroundWantPorts !== undefined) {\n\
        e.stopImmediatePropagation();\n\
        var left = w.__rnnPlaygroundPending && w.__rnnPlaygroundPending[d.__rnnPlaygroundWantPorts];\n\
        if (left) { delete w.__rnnPlaygroundPending[d.__rnnPlaygroundWantPorts]; w.postMessage(left.message, left.ports); }\n\
    }\n\
}";

/// Called in the worker before gloo registers its message handler (`src/bin/worker.rs`), so
/// that this listener runs first.
pub fn install_port_catcher() {
    let _ = js_sys::Function::new_no_args(CATCHER).call0(&js_sys::global());
}

/// In the worker: ask the page for this run's ports; `on_ports` runs when they arrive (then
/// [`take_ports`] has them).
pub fn request_ports(run: u32, on_ports: &js_sys::Function) {
    let global = js_sys::global();
    let _ = js_sys::Reflect::set(&global, &"__rnnPlaygroundOnPorts".into(), on_ports);
    if let Ok(scope) = global.dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
        let request = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&request, &"__rnnPlaygroundWantPorts".into(), &run.into());
        let _ = scope.post_message(&request);
    }
}

/// The ports this worker got for `run`: `(peer index, port)` for every other replica, or
/// `None` when the page sent none for this run.
pub fn take_ports(run: u32) -> Option<Vec<(usize, web_sys::MessagePort)>> {
    let global = js_sys::global();
    let got = js_sys::Reflect::get(&global, &"__rnnPlaygroundPorts".into()).ok()?;
    let got_run = js_sys::Reflect::get(&got, &"run".into()).ok()?.as_f64()?;
    if got_run as u32 != run {
        return None;
    }
    let _ = js_sys::Reflect::set(&global, &"__rnnPlaygroundPorts".into(), &JsValue::NULL);
    let peers: js_sys::Array = js_sys::Reflect::get(&got, &"peers".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let ports: js_sys::Array = js_sys::Reflect::get(&got, &"ports".into())
        .ok()?
        .dyn_into()
        .ok()?;
    if peers.length() != ports.length() {
        return None;
    }
    peers
        .iter()
        .zip(ports.iter())
        .map(|(peer, port)| Some((peer.as_f64()? as usize, port.dyn_into().ok()?)))
        .collect()
}

thread_local! {
    /// The page's most recent workers by tag (a short list: a panel's workers are replaced
    /// one run at a time).
    static WORKERS: RefCell<VecDeque<(u32, web_sys::Worker)>> = const { RefCell::new(VecDeque::new()) };
}

const KEEP: usize = 24;

/// Run `spawn` (which constructs one `Worker`, as gloo's spawner does) and note that worker
/// under `tag`. The global `Worker` is wrapped for the call only.
pub fn spawn_noting_worker<T>(tag: u32, spawn: impl FnOnce() -> T) -> T {
    let wrap = js_sys::Function::new_no_args(&format!(
        "var Orig = self.Worker; var seen = {{ worker: null }}; var answer = {ANSWER};\n\
         self.Worker = function (a, b) {{ var w = new Orig(a, b); \
         w.addEventListener('message', answer); seen.worker = w; return w; }};\n\
         self.Worker.prototype = Orig.prototype;\n\
         return {{ seen: seen, restore: function () {{ self.Worker = Orig; }} }};"
    ));
    let Ok(handle) = wrap.call0(&js_sys::global()) else {
        return spawn();
    };
    let out = spawn();
    if let Ok(restore) = js_sys::Reflect::get(&handle, &"restore".into())
        .and_then(|r| r.dyn_into::<js_sys::Function>())
    {
        let _ = restore.call0(&JsValue::NULL);
    }
    let worker = js_sys::Reflect::get(&handle, &"seen".into())
        .and_then(|s| js_sys::Reflect::get(&s, &"worker".into()))
        .ok()
        .and_then(|w| w.dyn_into::<web_sys::Worker>().ok());
    if let Some(worker) = worker {
        WORKERS.with(|w| {
            let mut w = w.borrow_mut();
            w.push_back((tag, worker));
            while w.len() > KEEP {
                w.pop_front();
            }
        });
    }
    out
}

/// The `Worker` noted under `tag` (by [`spawn_noting_worker`]), if still kept.
pub fn worker_of(tag: u32) -> Option<web_sys::Worker> {
    WORKERS.with(|w| {
        w.borrow()
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, worker)| worker.clone())
    })
}

/// Make a MessageChannel for each pair of the workers tagged `tags` (replica 0, 1, … in
/// order) and leave each worker its ports for `run`, to be sent when it asks
/// ([`request_ports`]). All or nothing: `false` (and no ports) if any worker is unknown; then
/// the run is not `direct` and every replica uses the BroadcastChannel.
pub fn connect(run: u32, tags: &[u32]) -> bool {
    let workers: Option<Vec<web_sys::Worker>> = WORKERS.with(|w| {
        let w = w.borrow();
        tags.iter()
            .map(|t| {
                w.iter()
                    .rev()
                    .find(|(tag, _)| tag == t)
                    .map(|(_, x)| x.clone())
            })
            .collect()
    });
    let Some(workers) = workers.filter(|w| w.len() > 1) else {
        return false;
    };
    let k = workers.len();
    let mut peers: Vec<Vec<(usize, web_sys::MessagePort)>> = (0..k).map(|_| Vec::new()).collect();
    for i in 0..k {
        for j in i + 1..k {
            let Ok(channel) = web_sys::MessageChannel::new() else {
                return false;
            };
            peers[i].push((j, channel.port1()));
            peers[j].push((i, channel.port2()));
        }
    }
    for (worker, mine) in workers.iter().zip(peers) {
        let message = js_sys::Object::new();
        let indices = js_sys::Array::new();
        let ports = js_sys::Array::new();
        for (peer, port) in mine {
            indices.push(&JsValue::from(peer as u32));
            ports.push(&port);
        }
        let _ = js_sys::Reflect::set(&message, &"__rnnPlaygroundPeers".into(), &run.into());
        let _ = js_sys::Reflect::set(&message, &"peers".into(), &indices);
        let left = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&left, &"message".into(), &message);
        let _ = js_sys::Reflect::set(&left, &"ports".into(), &ports);
        let pending = js_sys::Reflect::get(worker, &"__rnnPlaygroundPending".into())
            .ok()
            .filter(|p| p.is_object())
            .unwrap_or_else(|| js_sys::Object::new().into());
        let _ = js_sys::Reflect::set(&pending, &run.into(), &left);
        let _ = js_sys::Reflect::set(worker, &"__rnnPlaygroundPending".into(), &pending);
    }
    true
}
