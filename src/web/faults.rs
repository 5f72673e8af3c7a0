//! Workers that die without a panic. A wasm trap that is not a panic (out of memory, a stack
//! overflow, `unreachable`) skips the panic hook, and gloo's bridge never hears of it: the page
//! would wait forever. So every worker installs, at start, a plain-JavaScript `error` listener
//! (no wasm runs in it: the instance may be broken) that posts `{tag, message}` on the
//! [`FAULT_CHANNEL`] BroadcastChannel, and the page's panels listen there for their own
//! worker's tag (sent with [`super::protocol::WorkerRequest::Tag`] right after spawning it).

use leptos::prelude::on_cleanup;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

// The worker's half (the listener it installs, its tag) is below the worker, in
// `fault_report.rs`; this file is the page's half.
use super::fault_report::FAULT_CHANNEL;
use crate::i18n::Text;

/// A tag for a new worker.
pub fn new_tag() -> u32 {
    (js_sys::Math::random() * f64::from(u32::MAX - 1)) as u32 + 1
}

/// What the page says of a worker that died without a panic.
pub fn dead_worker_message(detail: &str) -> Text {
    Text::new(
        format!(
            "학습 워커가 패닉 없이 멈췄습니다({detail}). 메모리가 부족했을 수 있습니다: 워커 수나 배치 \
             크기, 은닉 유닛 수를 줄이고 다시 시도하세요. 새 워커가 다음 요청 때 시작됩니다"
        ),
        format!(
            "A worker stopped without a panic ({detail}); it may have run out of memory. Use \
             fewer workers, a smaller batch or fewer hidden units and try again: a new worker \
             starts with your next request."
        ),
    )
}

/// Call `on_fault(message)` whenever a worker with one of `tags()` reports a trap, for as
/// long as the calling component lives.
pub fn watch(tags: impl Fn() -> Vec<u32> + 'static, on_fault: impl Fn(Text) + 'static) {
    let Ok(channel) = web_sys::BroadcastChannel::new(FAULT_CHANNEL) else {
        return;
    };
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let data = e.data();
        let tag = js_sys::Reflect::get(&data, &"tag".into())
            .ok()
            .and_then(|t| t.as_f64())
            .unwrap_or(0.0) as u32;
        if tag != 0 && tags().contains(&tag) {
            let message = js_sys::Reflect::get(&data, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            on_fault(dead_worker_message(&message));
        }
    });
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // Leptos' cleanups must be Send; the page's wasm is single-threaded.
    let keep = send_wrapper::SendWrapper::new((channel, handler));
    on_cleanup(move || {
        let (channel, _handler) = keep.take();
        channel.set_onmessage(None);
        channel.close();
    });
}

/// A new training worker, told its tag: `(bridge, tag)`. The shared-memory worker where the
/// page can run it ([`super::threads::worker_script`]), else the plain one.
pub fn spawn_tagged(
    on_message: impl Fn(super::protocol::FromWorker) + 'static,
) -> (gloo_worker::WorkerBridge<super::worker::TrainWorker>, u32) {
    spawn_tagged_at(super::threads::worker_script(), on_message)
}

/// As [`spawn_tagged`], from the worker script `script` (relative to the page).
pub fn spawn_tagged_at(
    script: &str,
    on_message: impl Fn(super::protocol::FromWorker) + 'static,
) -> (gloo_worker::WorkerBridge<super::worker::TrainWorker>, u32) {
    use gloo_worker::Spawnable;
    let tag = new_tag();
    // Relative, so the site also works under a sub-path. The Worker is noted under the tag, so
    // that replica runs can give it direct ports to its peers (`peer_ports`).
    let bridge = super::peer_ports::spawn_noting_worker(tag, || {
        super::worker::TrainWorker::spawner()
            .callback(on_message)
            .spawn(script)
    });
    if script == super::threads::SCRIPT
        && let Some(worker) = super::peer_ports::worker_of(tag)
    {
        super::threads::watch_start(&worker, tag);
    }
    bridge.send(super::protocol::WorkerRequest::Tag { tag }.into());
    (bridge, tag)
}
