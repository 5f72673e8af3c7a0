//! "게이트 들여다보기" (lecture 10): the gates of a shipped LSTM or GRU review classifier on a
//! sentence the student types, or of the student's own classifier (a `.keras` / `.h5` file
//! from Colab with its tokenizer JSON, or a model saved here).

use crate::i18n::{Lang, Text};
use crate::web::i18n::{in_lang, lang, shown, tr};
use leptos::prelude::*;

use super::{LabHeading, LabWorker, load_shipped_model};
use crate::lab::gates::GateTrace;
use crate::lab::{LabReply, LabRequest};
use crate::plot::{Heatmap, Palette};
use crate::sentiment::lecture_sentence;
use crate::web::keras_worker::ReadModel;
use crate::web::model_file::ModelFileDrop;
use crate::web::protocol::{FromWorker, ReviewsReply, ReviewsRequest, WorkerReply};
use crate::web::route::{LabId, Location, write_settings};

/// The classifiers the inspector offers: (folder, label).
const MODELS: [(&str, &str); 2] = [
    ("lecture-lstm", "LSTM (Embedding 64 → LSTM 64)"),
    ("lecture11-gru", "GRU (11강: Embedding 100 → GRU 128)"),
];
const DEFAULT_TEXT: &str = "이 상품 진짜 좋아요... 저는 강추합니다. 대박";

#[derive(Clone, Debug, PartialEq)]
enum Load {
    Fetching(f64, f64),
    Ready,
    Failed(Text),
}

#[component]
pub fn GatesLab(location: Location) -> impl IntoView {
    // (name in the worker, label): the shipped models, then the student's own files.
    let models = RwSignal::new(
        MODELS
            .iter()
            .map(|(n, l)| (n.to_string(), l.to_string()))
            .collect::<Vec<_>>(),
    );
    let model = RwSignal::new(
        location
            .param("model")
            .and_then(|m| MODELS.iter().find(|(n, _)| *n == m))
            .map_or(MODELS[0].0, |(n, _)| *n)
            .to_string(),
    );
    let text = RwSignal::new(
        location
            .param("text")
            .map_or(DEFAULT_TEXT.to_string(), str::to_string),
    );
    let loads = RwSignal::new(Vec::<(String, Load)>::new());
    let trace = RwSignal::new(None::<GateTrace>);
    let error = RwSignal::new(None::<Text>);
    let set_load = move |name: &str, load: Load| {
        loads.update(|l| {
            if let Some(entry) = l.iter_mut().find(|(n, _)| *n == name) {
                entry.1 = load;
            }
        })
    };
    let ready =
        move |name: &str| loads.with(|l| l.iter().any(|(n, s)| n == name && *s == Load::Ready));
    let worker_cell = StoredValue::new_local(None::<LabWorker>);
    let inspect = move || {
        let name = model.get_untracked();
        // A student's file is not in the link (it is not on the site).
        if MODELS.iter().any(|(n, _)| *n == name) {
            write_settings(
                LabId::Gates,
                &[("model", name.clone()), ("text", text.get_untracked())],
            );
        }
        if ready(&name)
            && let Some(w) = worker_cell.get_value()
        {
            w.lab(LabRequest::Gates {
                model: name,
                text: text.get_untracked(),
            });
        }
    };
    let worker = LabWorker::spawn(
        move |msg| match msg {
            FromWorker::Reviews(ReviewsReply::Loaded { name }) => {
                set_load(&name, Load::Ready);
                inspect();
            }
            FromWorker::Lab(Ok(LabReply::Gates(t))) => {
                error.set(None);
                trace.set(Some(t));
            }
            // A model that could not be loaded, a trace that failed, or the segmenter's lexicon
            // that could not be installed.
            FromWorker::Reviews(ReviewsReply::Failed(e))
            | FromWorker::Lab(Err(e))
            | FromWorker::Worker(WorkerReply::Failed(e)) => {
                let message = e.message;
                trace.set(None);
                // A student's file the worker refused stays listed as failed, with the reason.
                let name = model.get_untracked();
                if !ready(&name) {
                    set_load(&name, Load::Failed(message.clone()));
                }
                error.set(Some(message));
            }
            _ => {}
        },
        move |crash| {
            if let Some(message) =
                super::crash_message(crash, "페이지를 새로 고치세요.", "Reload the page.")
            {
                error.set(Some(message))
            }
        },
    );
    worker_cell.set_value(Some(worker));
    let choose = move |name: String| {
        model.set(name.clone());
        trace.set(None);
        if loads.with(|l| l.iter().any(|(n, _)| *n == name)) {
            inspect();
            return;
        }
        loads.update(|l| l.push((name.clone(), Load::Fetching(0.0, 0.0))));
        let (a, b) = (name.clone(), name.clone());
        load_shipped_model(
            worker,
            &name,
            true,
            move |got, total| set_load(&a, Load::Fetching(got, total)),
            move |e| set_load(&b, Load::Failed(e)),
        );
    };
    choose(model.get_untracked());
    // The student's own classifier, read by the Keras-file worker, loaded like a shipped one.
    let own = move |m: ReadModel| {
        let name = format!("file:{}", m.name);
        if let Some(why) = m.not_a_review_classifier() {
            error.set(Some(why));
            return;
        }
        models.update(|l| {
            if !l.iter().any(|(n, _)| *n == name) {
                l.push((name.clone(), m.name.clone()));
            }
        });
        loads.update(|l| {
            l.retain(|(n, _)| *n != name);
            l.push((name.clone(), Load::Fetching(0.0, 0.0)));
        });
        model.set(name.clone());
        trace.set(None);
        error.set(None);
        let failed = name.clone();
        worker.send_segmented(
            ReviewsRequest::Load {
                name,
                config_json: m.config_json,
                weights: m.file,
            }
            .into(),
            move |e| set_load(&failed, Load::Failed(e)),
        );
    };

    let status = move || {
        let name = model.get();
        loads.with(|l| l.iter().find(|(n, _)| *n == name).map(|(_, s)| s.clone()))
    };

    view! {
        <section class="panel lab" id="lab-gates">
            <LabHeading lab=LabId::Gates/>
            <p class="formula">
                {tr("LSTM: i = σ(…) 입력, f = σ(…) 망각, o = σ(…) 출력, c_t = f·c_(t−1) + i·c̃_t, h_t = o·tanh(c_t). GRU: z 업데이트, r 리셋, h_t = z·h_(t−1) + (1−z)·h̃_t. ", "LSTM: i = σ(…) input, f = σ(…) forget, o = σ(…) output, c_t = f·c_(t−1) + i·c̃_t, h_t = o·tanh(c_t). GRU: z update, r reset, h_t = z·h_(t−1) + (1−z)·h̃_t. ")}
                {tr("0 = 게이트 닫힘 (흰색), 1 = 열림 (진한 파랑).", "0 = gate shut (white), 1 = gate open (dark blue).")}
            </p>
            <div class="panel-body">
                <div class="controls">
                    <div class="field">
                        <span>{tr("모델", "model")}</span>
                        <div class="toggles" role="group" aria-label="model">
                            {move || models.get().into_iter().map(|(name, label)| {
                                let id = if name.starts_with("file:") { "gates-own".to_string() } else { format!("gates-{name}") };
                                let (a, b, c) = (name.clone(), name.clone(), name);
                                view! {
                                    <button class="toggle" id=id
                                        class:active=move || model.get() == a
                                        aria-pressed=move || (model.get() == b).to_string()
                                        on:click=move |_| choose(c.clone())>{label}</button>
                                }
                            }).collect_view()}
                        </div>
                    </div>
                    <div class="field">
                        <span>{tr("내 모델 (Colab에서 저장한 LSTM·GRU 분류기)", "your own model (an LSTM or GRU classifier saved in Colab)")}</span>
                        <ModelFileDrop id="gates-file" on_model=Callback::new(own)/>
                    </div>
                    <div class="field">
                        <label for="gates-text">{tr("문장", "sentence")}</label>
                        <textarea id="gates-text" rows="3" prop:value=move || text.get()
                            on:input=move |ev| { text.set(event_target_value(&ev)); inspect(); }></textarea>
                    </div>
                    <p id="gates-status" class="status" data-state=move || match status() {
                        Some(Load::Ready) => "ready",
                        Some(Load::Failed(_)) => "failed",
                        _ => "loading",
                    }>
                        {move || match status() {
                            Some(Load::Fetching(got, total)) if total > 0.0 => format!("{} {:.0}%", in_lang(lang(), "모델 내려받는 중", "downloading"), got / total * 100.0),
                            Some(Load::Fetching(..)) | None => in_lang(lang(), "모델 내려받는 중", "downloading").to_string(),
                            Some(Load::Ready) => trace.with(|t| t.as_ref().map(|t| lecture_sentence(t.probability)).unwrap_or_default()),
                            Some(Load::Failed(e)) => format!("{}: {}", in_lang(lang(), "모델을 불러오지 못했습니다", "could not load the model"), shown(&e)),
                        }}
                    </p>
                    <div id="gates-state-chart" class="chart" inner_html=move || trace.with(|t| t.as_ref().map(|t| t.state_chart(5).to_svg(320.0, 240.0)).unwrap_or_default())></div>
                    <p class="hint">{tr("가장 활발한 유닛 5개의 상태", "the state of the 5 most active units across the sentence.")}</p>
                </div>
                <div class="results" id="gates-maps">
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{shown(&e)}</p> })}
                    {move || trace.get().map(|trace| view! { <GateMaps trace/> })}
                </div>
            </div>
        </section>
    }
}

/// One heatmap per gate (units down, tokens across), the most active units.
#[component]
fn GateMaps(trace: GateTrace) -> impl IntoView {
    let tokens = trace.tokens.clone();
    let units: Vec<String> = trace.units.iter().map(|u| format!("#{u}")).collect();
    let (shown_units, total) = (trace.units.len(), trace.total_units);
    let note = trace
        .note
        .as_ref()
        .map(|n| format!(" · {n}"))
        .unwrap_or_default();
    let cell = trace.cell.clone();
    view! {
        <p class="hint">{move || match lang() {
            Lang::Ko => format!("{cell}: 유닛 {total}개 중 가장 활발한 {shown_units}개{note}"),
            Lang::En => format!("{cell}: {shown_units} of {total} units shown (the most active){note}"),
        }}</p>
        <div class="gate-maps">
        {trace.maps.into_iter().map(|m| {
            let svg = Heatmap {
                row_labels: units.clone(),
                col_labels: tokens.clone(),
                palette: if m.is_gate { Palette::Sequential } else { Palette::Diverging },
                limit: m.is_gate.then_some(1.0),
                values: m.values,
                highlight_col: None,
            }.to_svg(46.0, 11.0);
            view! {
                <figure class="gate-map" data-name=m.name.clone()>
                    <figcaption>{m.name.clone()}</figcaption>
                    <div class="chart" inner_html=svg></div>
                </figure>
            }
        }).collect_view()}
        </div>
    }
}
