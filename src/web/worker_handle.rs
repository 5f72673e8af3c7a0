//! A panel's training worker, from spawn to death: [`WorkerHandle`] starts it with its fault
//! tag ([`super::faults::spawn_tagged`]), watches the fault channel for its traps (and its
//! replicas'), notices its panics (`WorkerReply::Crashed`) and, for a panel that waits on a long
//! job, its silence; what happens then is the panel's [`CrashPolicy`], and what the page says is
//! the panel's `on_crash`. Every panel, lab and the bench page use it: none spawns a worker by
//! hand.

use std::rc::Rc;

use gloo_worker::WorkerBridge;
use leptos::prelude::*;

use super::fetch::SegmenterGate;
use super::parallel::Replicas;
use super::protocol::{FromWorker, ToWorker, WorkerReply};
use super::worker::TrainWorker;
use crate::i18n::Text;

type Local<T> = StoredValue<T, LocalStorage>;

/// The messages a new worker gets before the request that started it.
type Replay = Rc<dyn Fn(&ToWorker) -> Vec<ToWorker>>;

/// How a worker died, as the handle tells the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Crash {
    /// It panicked (a bug, not bad input): the panic's message.
    Panicked(String),
    /// It (or one of the run's replicas) trapped without a panic, out of memory perhaps: what
    /// the page says of that ([`super::faults::dead_worker_message`]).
    Trapped(Text),
    /// It said nothing for this many seconds while the panel waited on it.
    Silent(f64),
}

/// What the page does with a dead worker. Every policy tells the panel (`on_crash`) first.
#[derive(Clone)]
pub enum CrashPolicy {
    /// The next send starts a new worker (the labs, the tokenizer panel).
    Report,
    /// Keep the dead worker and start none: what the page loaded into it (the review panel's
    /// models) went with it, so the panel asks the student to reload the page.
    ReportUntilReload,
    /// The next send starts a new worker, which first gets `replay(next)`'s messages (the
    /// studio: the last model file, unless the next request brings a model of its own).
    RespawnAndReplay(Replay),
    /// End the worker at once (also when it has said nothing for `silence_ms` while
    /// `listening()`), and start a new one only when the panel asks
    /// ([`WorkerHandle::ensure_started`]), to bring it back to its checkpoint (the notebook).
    ResumeFromCheckpoint {
        silence_ms: f64,
        listening: Rc<dyn Fn() -> bool>,
    },
}

/// Which worker script a handle starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerScript {
    /// The shared-memory worker where the page can run it, else the plain one (read at every
    /// start: a shared-memory worker that failed is replaced by the plain one).
    Page,
    /// Always the plain worker (the labs; a replica's shard runs on one thread).
    Plain,
}

struct Life {
    policy: CrashPolicy,
    script: WorkerScript,
    on_message: Rc<dyn Fn(FromWorker)>,
    on_crash: Rc<dyn Fn(Crash)>,
}

/// One panel's training worker. `Copy`: hand it to every closure of the panel.
#[derive(Clone, Copy)]
pub struct WorkerHandle {
    bridge: Local<Option<WorkerBridge<TrainWorker>>>,
    /// The tag of the worker now in `bridge` (or of the last one); 0 before the first.
    tag: StoredValue<u32>,
    /// When the worker last said anything (`Date.now()`, ms).
    last_heard: StoredValue<f64>,
    life: Local<Life>,
    /// The run's other replica workers, whose traps count as this worker's.
    replicas: Local<Option<Replicas>>,
    /// Whether this worker has the segmenter's lexicon (reset with every new worker).
    segmenter: SegmenterGate,
}

impl WorkerHandle {
    /// A handle whose worker starts with the first send (or [`WorkerHandle::start`]). Create it
    /// in the component's body: the fault watch (and the silence watch) lives as long as the
    /// component. `on_message` gets every message but a panic's, which goes to `on_crash`.
    pub fn new(
        script: WorkerScript,
        policy: CrashPolicy,
        on_message: impl Fn(FromWorker) + 'static,
        on_crash: impl Fn(Crash) + 'static,
    ) -> Self {
        let silence = match &policy {
            CrashPolicy::ResumeFromCheckpoint {
                silence_ms,
                listening,
            } => Some((*silence_ms, listening.clone())),
            _ => None,
        };
        let handle = Self {
            bridge: StoredValue::new_local(None),
            tag: StoredValue::new(0),
            last_heard: StoredValue::new(0.0),
            life: StoredValue::new_local(Life {
                policy,
                script,
                on_message: Rc::new(on_message),
                on_crash: Rc::new(on_crash),
            }),
            replicas: StoredValue::new_local(None),
            segmenter: SegmenterGate::new(),
        };
        // A worker that traps says so on the fault channel (its replicas too).
        super::faults::watch(
            move || handle.watched_tags(),
            move |message| handle.died(Crash::Trapped(message)),
        );
        if let Some((limit, listening)) = silence {
            handle.watch_silence(limit, listening);
        }
        handle
    }

    /// Also count the traps of `replicas` (a data-parallel run's other workers) as this
    /// worker's.
    pub fn with_replicas(self, replicas: Replicas) -> Self {
        self.replicas.set_value(Some(replicas));
        self
    }

    /// Start the worker now (so that its module compiles while the student reads).
    pub fn start(self) -> Self {
        self.spawn(&[]);
        self
    }

    /// Start a worker if there is none (a policy that does not start one on send).
    pub fn ensure_started(self) {
        if self.bridge.with_value(Option::is_none) {
            self.spawn(&[]);
        }
    }

    /// The tag of the worker in place, `None` when it died and none has started since.
    pub fn live_tag(self) -> Option<u32> {
        self.bridge
            .with_value(Option::is_some)
            .then(|| self.tag.get_value())
    }

    /// The tag of the worker in place (or of the last one).
    pub fn tag(self) -> u32 {
        self.tag.get_value()
    }

    /// Send `message`; a dead worker is replaced first, as the policy says.
    pub fn send(self, message: ToWorker) {
        if self.bridge.with_value(Option::is_none) {
            let replay = self.life.with_value(|life| match &life.policy {
                CrashPolicy::Report => Some(Vec::new()),
                CrashPolicy::RespawnAndReplay(replay) => Some(replay(&message)),
                CrashPolicy::ReportUntilReload | CrashPolicy::ResumeFromCheckpoint { .. } => None,
            });
            if let Some(first) = replay {
                self.spawn(&first);
            }
        }
        self.bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(message);
            }
        });
    }

    /// [`WorkerHandle::send`] once the worker has the segmenter's lexicon (fetched the first
    /// time); `failed` hears why when it cannot be downloaded.
    pub fn send_segmented(self, message: ToWorker, failed: impl Fn(Text) + 'static) {
        self.segmenter.send(message, move |m| self.send(m), failed);
    }

    fn spawn(self, first: &[ToWorker]) {
        let (script, on_message) = self
            .life
            .with_value(|life| (life.script, life.on_message.clone()));
        let handle = self;
        let callback = move |message: FromWorker| {
            handle.last_heard.set_value(js_sys::Date::now());
            if let FromWorker::Worker(WorkerReply::Crashed { message }) = message {
                // This runs inside the dead worker's bridge: act after the callback returns.
                wasm_bindgen_futures::spawn_local(
                    async move { handle.died(Crash::Panicked(message)) },
                );
                return;
            }
            on_message(message)
        };
        let (bridge, tag) = match script {
            WorkerScript::Page => super::faults::spawn_tagged(callback),
            WorkerScript::Plain => {
                super::faults::spawn_tagged_at(super::threads::PLAIN_SCRIPT, callback)
            }
        };
        for message in first {
            bridge.send(message.clone());
        }
        self.tag.set_value(tag);
        self.last_heard.set_value(js_sys::Date::now());
        self.segmenter.reset();
        self.bridge.set_value(Some(bridge));
    }

    fn watched_tags(self) -> Vec<u32> {
        let mut tags = vec![self.tag.get_value()];
        if let Some(replicas) = self.replicas.get_value() {
            tags.extend(replicas.tags());
        }
        tags
    }

    /// The worker died (or fell silent): apply the policy, then tell the panel.
    fn died(self, crash: Crash) {
        let (policy, on_crash) = self
            .life
            .with_value(|life| (life.policy.clone(), life.on_crash.clone()));
        match policy {
            CrashPolicy::ReportUntilReload => {}
            CrashPolicy::Report | CrashPolicy::RespawnAndReplay(_) => self.bridge.set_value(None),
            CrashPolicy::ResumeFromCheckpoint { .. } => {
                // A silent worker may still be running: end it.
                if let Some(worker) = super::peer_ports::worker_of(self.tag.get_value()) {
                    worker.terminate();
                }
                self.bridge.set_value(None);
                self.segmenter.reset();
            }
        }
        on_crash(crash)
    }

    /// Every second: a worker that has said nothing for `limit` ms while the panel is
    /// `listening()` counts as dead.
    fn watch_silence(self, limit: f64, listening: Rc<dyn Fn() -> bool>) {
        let tick = send_wrapper::SendWrapper::new(move || {
            let quiet = js_sys::Date::now() - self.last_heard.get_value();
            if quiet > limit && listening() {
                self.died(Crash::Silent(quiet / 1000.0));
            }
        });
        if let Ok(handle) =
            set_interval_with_handle(move || (*tick)(), std::time::Duration::from_secs(1))
        {
            on_cleanup(move || handle.clear());
        }
    }
}
