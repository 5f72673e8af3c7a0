//! What a job in the training worker may do besides compute: answer the page, and come back
//! later (on the next task of the worker's event loop, when a future resolves, or when a
//! peer's message arrives). The jobs hold an [`Outbox`], never the worker itself, so each job
//! is a plain struct with its own state and the worker's dispatch sits above all of them.
//!
//! ```ignore
//! fn slice(&mut self, out: &Outbox) {
//!     out.respond(TeacherForcingReply::Progress { losses });
//!     out.schedule(); // another slice on the next task: a Stop gets in first
//! }
//! ```
//!
//! A job answers with its own reply type ([`crate::web::protocol`]: one per job) and fails
//! with its own reply's `Failed`: `out.fail(StudioReply::Failed, ErrorKind::NotLoaded, Text::new("먼저 학습하세요", "train first"))`.

use std::cell::Cell;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use web_time::Instant;

use crate::i18n::Text;
use crate::nn::NnError;
use crate::web::protocol::{BlobRef, ErrorKind, FromWorker, JobError};

/// The worker trains one batch per task and yields between tasks, so a Stop is seen after
/// at most one batch. Progress is sent at most every
/// `REPORT_MS`, which bounds the message rate to about 40 per second.
pub(super) const REPORT_MS: f64 = 25.0;

/// What wakes the worker besides the page's messages.
pub enum Tick {
    Slice,
    /// A notebook's review file arrived (or could not be read).
    NotebookFile {
        file: Result<Vec<u8>, String>,
        config: crate::notebook::NotebookConfig,
    },
    /// A notebook checkpoint to resume from arrived (or could not be read).
    NotebookResumeFrom {
        cell: crate::nn::CellKind,
        checkpoint: Result<Vec<u8>, String>,
    },
    /// A notebook checkpoint is kept where a new worker can read it.
    NotebookCheckpointKept {
        cell: crate::nn::CellKind,
        epoch: usize,
        checkpoint: BlobRef,
    },
    /// A data-parallel peer's shard of a batch.
    Peer(Vec<u8>),
}

/// The worker's way out to the page and back to itself, without naming the worker's type
/// (the jobs sit below it).
pub(super) struct Outbox {
    /// `scope.respond`.
    respond: Rc<dyn Fn(HandlerId, FromWorker)>,
    /// `scope.send_message`.
    send: Rc<dyn Fn(Tick)>,
    /// The page's handler, once it connected.
    client: Cell<Option<HandlerId>>,
    /// A test hook made the worker fall silent: nothing more is said.
    silent: Cell<bool>,
}

impl Outbox {
    pub(super) fn new<W>(scope: &WorkerScope<W>) -> Self
    where
        W: Worker<Message = Tick, Output = FromWorker> + 'static,
    {
        let to_page = scope.clone();
        Self {
            respond: Rc::new(move |id, msg| to_page.respond(id, msg)),
            send: scope.callback(|tick: Tick| tick),
            client: Cell::new(None),
            silent: Cell::new(false),
        }
    }

    /// The page that answers go to.
    pub(super) fn connect(&self, id: HandlerId) {
        self.client.set(Some(id));
    }

    /// Say nothing more (a test hook: a worker that stops answering).
    pub(super) fn fall_silent(&self) {
        self.silent.set(true);
    }

    pub(super) fn is_silent(&self) -> bool {
        self.silent.get()
    }

    /// Answer the page with a job's reply.
    pub(super) fn respond(&self, msg: impl Into<FromWorker>) {
        if self.silent.get() {
            return;
        }
        if let Some(id) = self.client.get() {
            (self.respond)(id, msg.into());
        }
    }

    /// Tell the page that a job's request failed, with that job's `Failed` (`failed`, e.g.
    /// `StudioReply::Failed`): the kind of failure and what to show in its error paragraph.
    pub(super) fn fail<R: Into<FromWorker>>(
        &self,
        failed: fn(JobError) -> R,
        kind: ErrorKind,
        message: Text,
    ) {
        self.respond(failed(JobError::new(kind, message)));
    }

    /// A function that answers the page from a browser callback (a fetch's progress).
    pub(super) fn responder(&self) -> impl Fn(FromWorker) + 'static {
        let (respond, client) = (self.respond.clone(), self.client.get());
        move |msg| {
            if let Some(id) = client {
                respond(id, msg);
            }
        }
    }

    /// A function that wakes the worker with a [`Tick`] from a browser callback.
    pub(super) fn to_self(&self) -> impl Fn(Tick) + 'static {
        let send = self.send.clone();
        move |tick| send(tick)
    }

    pub(super) fn send(&self, tick: Tick) {
        (self.send)(tick);
    }

    /// Wake the worker with what `future` resolves to.
    pub(super) fn later(&self, future: impl Future<Output = Tick> + 'static) {
        let send = self.send.clone();
        wasm_bindgen_futures::spawn_local(async move { send(future.await) });
    }

    /// Another slice on a new task: lets queued messages (Stop) in before it.
    pub(super) fn schedule(&self) {
        self.later(async {
            next_task().await;
            Tick::Slice
        });
    }
}

/// Resolve on the next task of the worker's event loop. A `MessageChannel` message, unlike a
/// 0 ms timer, is not clamped to 4 ms when nested, so yielding after every batch stays cheap.
///
/// One channel serves the worker's whole life. The first version made a channel per call and
/// dropped it at once: nothing then held the receiving port but its own listener, and a long
/// fit (lecture 11's GRU, tens of thousands of batches and garbage collections) now and then
/// lost a wake-up when the ports were collected with the message in flight. The promise never
/// resolved, the worker sat idle with nothing to report, and the page waited forever.
async fn next_task() {
    use wasm_bindgen::JsValue;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if !TICKER.with(|t| t.post(resolve.clone())) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The worker's one scheduling channel: each message on `port2` wakes the oldest waiter.
struct Ticker {
    channel: Option<web_sys::MessageChannel>,
    waiting: Rc<std::cell::RefCell<std::collections::VecDeque<js_sys::Function>>>,
    _wake: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Ticker {
    fn new() -> Self {
        use wasm_bindgen::JsCast;
        let waiting = Rc::new(std::cell::RefCell::new(std::collections::VecDeque::<
            js_sys::Function,
        >::new()));
        let Ok(channel) = web_sys::MessageChannel::new() else {
            return Self {
                channel: None,
                waiting,
                _wake: None,
            };
        };
        let queue = waiting.clone();
        let wake = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let next = queue.borrow_mut().pop_front();
            if let Some(resolve) = next {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(wake.as_ref().unchecked_ref()));
        Self {
            channel: Some(channel),
            waiting,
            _wake: Some(wake),
        }
    }

    /// Queue `resolve` for the next task; false when there is no channel to post on.
    fn post(&self, resolve: js_sys::Function) -> bool {
        let Some(channel) = &self.channel else {
            return false;
        };
        self.waiting.borrow_mut().push_back(resolve);
        if channel
            .port2()
            .post_message(&wasm_bindgen::JsValue::NULL)
            .is_err()
        {
            self.waiting.borrow_mut().pop_back();
            return false;
        }
        true
    }
}

thread_local! {
    static TICKER: Ticker = Ticker::new();
}

/// The kind of a core error: over a limit, a training whose loss blew up (or that was
/// cancelled), the segmenter's lexicon missing or unreadable, a tensor error (a bug); else
/// `otherwise`, what the request gave (`BadInput` for text and settings, `BadFile` for a file,
/// `Internal` in the middle of training).
pub(super) fn kind_of(e: &NnError, otherwise: ErrorKind) -> ErrorKind {
    use crate::segment::SegmentError;
    match e {
        NnError::Limit(_) => ErrorKind::Limit,
        NnError::NonFiniteLoss { .. } | NnError::Cancelled => ErrorKind::Training,
        NnError::Segment(SegmentError::NotLoaded) => ErrorKind::NotLoaded,
        NnError::Segment(_) => ErrorKind::BadFile,
        NnError::Candle(_) => ErrorKind::Internal,
        NnError::Shape { .. } | NnError::Config(_) | NnError::Load(_) => otherwise,
    }
}

/// The size of this thread's wasm memory (it only grows: a leak shows as growth).
pub fn wasm_memory_bytes() -> usize {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as usize
        })
        .unwrap_or(0)
}

/// The last batch a training step reported, `(epoch, batch, batches)`, for the page's
/// progress bar.
#[derive(Default)]
pub(super) struct LastBatch(Option<(usize, usize, usize)>);

impl LastBatch {
    /// `(epoch, batch, batches)` for the job's progress message, at most about four times a
    /// second (`last`: when the previous one went).
    pub(super) fn report(&self, last: &mut Option<Instant>) -> Option<(usize, usize, usize)> {
        let progress = self.0?;
        if last.is_some_and(|t| t.elapsed().as_secs_f64() <= 0.25) {
            return None;
        }
        *last = Some(Instant::now());
        Some(progress)
    }
}

impl crate::train::Callback for LastBatch {
    fn on_event(
        &mut self,
        event: &crate::train::Event,
        _model: &crate::nn::Sequential,
    ) -> crate::train::Control {
        if let crate::train::Event::BatchEnd {
            epoch,
            batch,
            batches,
            ..
        } = event
        {
            self.0 = Some((*epoch, *batch, *batches));
        }
        crate::train::Control::Continue
    }
}
