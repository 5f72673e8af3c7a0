//! The concept labs of lectures 7 and 10 (one route each, see [`super::route`]).
//!
//! Every lab sends [`LabRequest`]s to its own worker and draws the [`LabReply`]: all numbers
//! come from [`crate::lab`]; these components only format them (and pick cell colours through
//! [`crate::plot::cell_colour`]).

mod cell;
mod embeddings;
mod gates;
mod gradients;
mod shapes;
mod stepper;
mod weather;

use std::rc::Rc;

use gloo_worker::{Spawnable, WorkerBridge};
use leptos::prelude::*;

use super::protocol::{FromWorker, ToWorker, WorkerReply};
use super::route::{LabId, Location};
use super::worker::TrainWorker;
use crate::i18n::{Lang, Text};
use crate::lab::{LabReply, LabRequest};
use crate::plot::{Palette, cell_colour};
use crate::web::i18n::{in_lang, lang, shown, tr};

pub use cell::CellLab;
pub use embeddings::EmbeddingsLab;
pub use gates::GatesLab;
pub use gradients::GradientsLab;
pub use shapes::ShapesLab;
pub use stepper::StepperLab;
pub use weather::WeatherLab;

use crate::web::fetch::SegmenterGate;

type Local<T> = StoredValue<T, LocalStorage>;

/// A lab's worker: started at once (so its module compiles while the student reads), and
/// started again on the next request if it crashed.
#[derive(Clone, Copy)]
pub(crate) struct LabWorker {
    bridge: Local<Option<WorkerBridge<TrainWorker>>>,
    callback: Local<Rc<dyn Fn(FromWorker)>>,
    /// Whether this worker has the segmenter's lexicon (only labs that segment ask for it).
    segmenter: SegmenterGate,
}

impl LabWorker {
    /// `on_message` gets every message; [`LabWorker::replies`] is the usual one.
    pub(crate) fn spawn(on_message: impl Fn(FromWorker) + 'static) -> Self {
        let worker = Self::lazy(on_message);
        worker.start();
        worker
    }

    /// A worker that starts with the first message sent to it. Create it in the component's
    /// body (not inside an effect, whose re-runs would drop it).
    pub(crate) fn lazy(on_message: impl Fn(FromWorker) + 'static) -> Self {
        Self {
            bridge: StoredValue::new_local(None),
            callback: StoredValue::new_local(Rc::new(on_message) as Rc<dyn Fn(FromWorker)>),
            segmenter: SegmenterGate::new(),
        }
    }

    /// A worker whose lab replies go to `on_reply` and whose errors go to `error`.
    pub(crate) fn replies(
        error: RwSignal<Option<Text>>,
        on_reply: impl Fn(LabReply) + 'static,
    ) -> Self {
        Self::spawn(move |msg| match msg {
            FromWorker::Lab(Ok(reply)) => {
                error.set(None);
                on_reply(reply);
            }
            FromWorker::Lab(Err(e)) => error.set(Some(e.message)),
            FromWorker::Worker(WorkerReply::Crashed { message }) => error.set(Some(Text::new(
                format!(
                    "실험실의 워커가 멈췄습니다: {message}. 다음에 값을 바꾸면 다시 시작합니다."
                ),
                format!(
                    "the lab's worker crashed: {message}. It starts again with your next change."
                ),
            ))),
            _ => {}
        })
    }

    fn start(self) {
        let callback = self.callback.get_value();
        let bridge = self.bridge;
        let fresh = TrainWorker::spawner()
            .callback(move |msg| {
                if matches!(msg, FromWorker::Worker(WorkerReply::Crashed { .. })) {
                    // Dropped after this callback returns; the next send starts a new one.
                    wasm_bindgen_futures::spawn_local(async move { bridge.set_value(None) });
                }
                callback(msg)
            })
            // Relative, so the site also works under a sub-path.
            .spawn("./worker.js");
        self.bridge.set_value(Some(fresh));
        self.segmenter.reset();
    }

    pub(crate) fn send(self, msg: ToWorker) {
        if self.bridge.with_value(Option::is_none) {
            self.start();
        }
        self.bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(msg);
            }
        });
    }

    /// [`LabWorker::send`] once the worker has the segmenter's lexicon (fetched the first time).
    pub(crate) fn send_segmented(self, msg: ToWorker, failed: impl Fn(Text) + 'static) {
        self.segmenter.send(msg, move |m| self.send(m), failed);
    }

    pub(crate) fn lab(self, request: LabRequest) {
        self.send(ToWorker::Lab(request));
    }
}

/// Fetch a shipped model folder and load it into `worker` (through the model cache), with the
/// segmenter's lexicon first when the lab runs typed text through the model (`segments`).
pub(crate) fn load_shipped_model(
    worker: LabWorker,
    name: &str,
    segments: bool,
    progress: impl Fn(f64, f64) + 'static,
    failed: impl Fn(Text) + Clone + 'static,
) {
    let failed_lexicon = failed.clone();
    super::fetch::load_shipped_model(name, progress, failed, move |message, _| {
        if segments {
            worker.send_segmented(message, failed_lexicon)
        } else {
            worker.send(message)
        }
    });
}

/// Numbers as coloured cells (`<td class="cell" data-value=…>`), for vectors and matrices.
#[component]
pub(crate) fn Cells(
    values: Vec<f32>,
    #[prop(default = Palette::Diverging)] palette: Palette,
    #[prop(default = 1.0)] limit: f32,
) -> impl IntoView {
    values
        .into_iter()
        .map(|v| {
            let (background, light) = cell_colour(v, palette, limit);
            let style = format!(
                "background:{background};color:{}",
                if light { "#fff" } else { "#000" }
            );
            view! { <td class="cell num" data-value=v.to_string() style=style>{format!("{v:.3}")}</td> }
        })
        .collect_view()
}

/// A matrix with row labels and column labels. A row's label is shown in the page's language;
/// its Korean version is the row's `data-row` (the same in both languages, for selectors).
#[component]
pub(crate) fn Matrix(
    #[prop(into)] id: String,
    rows: Vec<(Text, Vec<f32>)>,
    columns: Vec<String>,
) -> impl IntoView {
    view! {
        <table id=id class="lab-matrix">
            <thead><tr><th></th>{columns.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}</tr></thead>
            <tbody>
                {rows.into_iter().map(|(label, values)| {
                    let key = label.ko.clone();
                    let shown = move || shown(&label);
                    view! { <tr data-row=key><th>{shown}</th><Cells values/></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The error line every lab shows (or nothing).
#[component]
pub(crate) fn LabError(error: RwSignal<Option<Text>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="error" role="alert">{shown(&e)}</p> })
    }
}

/// The labs' index page: a card per lab.
#[component]
pub fn LabsIndex() -> impl IntoView {
    view! {
        <section class="panel" id="labs-index">
            <h2>{tr("개념 실험실", "Concept labs (lectures 7 and 10)")}</h2>
            <p class="lede">{tr("강의의 그림을 실제 모델로 계산합니다. 슬라이더를 움직이면 수식의 값이 바뀝니다.", "Each lecture picture, computed by the real layers.")}</p>
            <ul class="lab-cards">
                {LabId::ALL.iter().map(|lab| {
                    let (ko, en, what_ko, what_en) = lab.titles();
                    view! {
                        <li class="lab-card">
                            <a href=lab.href()>
                                <strong>{move || in_lang(lang(), ko, en)}</strong>
                                {move || (lang() == Lang::Ko).then(|| view! { <span class="en">{en}</span> })}
                                <span class="what">{tr(what_ko, what_en)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The lab at `location` (its settings are in the location's parameters).
pub fn lab_view(lab: LabId, location: &Location) -> AnyView {
    let location = location.clone();
    match lab {
        LabId::Stepper => view! { <StepperLab location/> }.into_any(),
        LabId::Weather => view! { <WeatherLab location/> }.into_any(),
        LabId::Gradients => view! { <GradientsLab location/> }.into_any(),
        LabId::Gates => view! { <GatesLab location/> }.into_any(),
        LabId::Embeddings => view! { <EmbeddingsLab location/> }.into_any(),
        LabId::Shapes => view! { <ShapesLab location/> }.into_any(),
        LabId::Cell => view! { <CellLab location/> }.into_any(),
    }
}

/// The lab's heading with its Korean and English titles.
#[component]
pub(crate) fn LabHeading(lab: LabId) -> impl IntoView {
    let (ko, en, what_ko, what_en) = lab.titles();
    view! {
        <p class="crumbs"><a href="#/labs">{tr("← 개념 실험실", "← Labs")}</a></p>
        <h2>{tr(ko, en)}</h2>
        <p class="lede">{tr(what_ko, what_en)}</p>
    }
}
