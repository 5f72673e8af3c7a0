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

use leptos::prelude::*;

use super::protocol::{FromWorker, ToWorker};
use super::route::{LabId, Location};
use super::worker_handle::{Crash, CrashPolicy, WorkerHandle, WorkerScript};
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

/// A lab's worker: started at once (so its module compiles while the student reads), and
/// started again on the next request if it crashed (a [`WorkerHandle`] that reports).
#[derive(Clone, Copy)]
pub(crate) struct LabWorker {
    worker: WorkerHandle,
}

impl LabWorker {
    /// `on_message` gets every message, `on_crash` a panic or a trap; [`LabWorker::replies`]
    /// is the usual pair.
    pub(crate) fn spawn(
        on_message: impl Fn(FromWorker) + 'static,
        on_crash: impl Fn(Crash) + 'static,
    ) -> Self {
        let worker = Self::lazy(on_message, on_crash);
        worker.worker.start();
        worker
    }

    /// A worker that starts with the first message sent to it. Create it in the component's
    /// body (not inside an effect, whose re-runs would drop it).
    pub(crate) fn lazy(
        on_message: impl Fn(FromWorker) + 'static,
        on_crash: impl Fn(Crash) + 'static,
    ) -> Self {
        Self {
            worker: WorkerHandle::new(
                WorkerScript::Plain,
                CrashPolicy::Report,
                on_message,
                on_crash,
            ),
        }
    }

    /// A worker whose lab replies go to `on_reply` and whose errors go to `error`.
    pub(crate) fn replies(
        error: RwSignal<Option<Text>>,
        on_reply: impl Fn(LabReply) + 'static,
    ) -> Self {
        Self::spawn(
            move |msg| match msg {
                FromWorker::Lab(Ok(reply)) => {
                    error.set(None);
                    on_reply(reply);
                }
                FromWorker::Lab(Err(e)) => error.set(Some(e.message)),
                _ => {}
            },
            move |crash| {
                error.set(crash_message(
                    crash,
                    "다음에 값을 바꾸면 다시 시작합니다.",
                    "It starts again with your next change.",
                ))
            },
        )
    }

    pub(crate) fn send(self, msg: ToWorker) {
        self.worker.send(msg)
    }

    /// [`LabWorker::send`] once the worker has the segmenter's lexicon (fetched the first time).
    pub(crate) fn send_segmented(self, msg: ToWorker, failed: impl Fn(Text) + 'static) {
        self.worker.send_segmented(msg, failed);
    }

    pub(crate) fn lab(self, request: LabRequest) {
        self.send(ToWorker::Lab(request));
    }
}

/// What a lab says when its worker died: the panic's message and `then_ko` / `then_en` (what
/// happens next), or the page's words for a trap.
pub(crate) fn crash_message(crash: Crash, then_ko: &str, then_en: &str) -> Option<Text> {
    match crash {
        Crash::Panicked(message) if then_ko.is_empty() => Some(Text::new(
            format!("실험실의 워커가 멈췄습니다: {message}"),
            format!("the lab's worker crashed: {message}"),
        )),
        Crash::Panicked(message) => Some(Text::new(
            format!("실험실의 워커가 멈췄습니다: {message}. {then_ko}"),
            format!("the lab's worker crashed: {message}. {then_en}"),
        )),
        Crash::Trapped(message) => Some(message),
        Crash::Silent(_) => None,
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
