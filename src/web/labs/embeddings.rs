//! "임베딩" (lecture 10): the "I am groot" table as an editable lookup table, and a trained
//! model's word vectors projected to 2-D with their nearest neighbours.

use crate::web::i18n::tr;
use leptos::prelude::*;

use super::{Cells, LabError, LabHeading, LabWorker, load_shipped_model};
use crate::i18n::Text;
use crate::lab::embeddings::{GROOT_TABLE, Lookup, Projection};
use crate::lab::{LabReply, LabRequest};
use crate::plot::{Scatter, ScatterPoint};
use crate::web::keras_worker::ReadModel;
use crate::web::model_file::ModelFileDrop;
use crate::web::protocol::{FromWorker, ReviewsReply, ReviewsRequest};
use crate::web::route::{LabId, Location};

/// The model whose Embedding is projected.
const PROJECTED_MODEL: &str = "lecture11-gru";
const SHOWN_WORDS: usize = 120;

/// The lookup table's rows as points (the sentence's words highlighted).
fn table_chart(table: &[(String, [f32; 2])], used: &[String]) -> String {
    Scatter {
        x_label: "E1".into(),
        y_label: "E2".into(),
        points: table
            .iter()
            .map(|(w, v)| ScatterPoint {
                label: w.clone(),
                x: v[0],
                y: v[1],
                note: format!("{w}: ({:.2}, {:.2})", v[0], v[1]),
                highlight: used.contains(w),
            })
            .collect(),
    }
    .to_svg(360.0, 300.0)
}

/// A trained Embedding's words in 2-D, each with its nearest neighbours (`query` highlighted).
fn projection_chart(p: &Projection, query: &str) -> String {
    Scatter {
        x_label: format!("PC1 ({:.1}%)", p.explained[0] * 100.0),
        y_label: format!("PC2 ({:.1}%)", p.explained[1] * 100.0),
        points: p
            .words
            .iter()
            .map(|w| ScatterPoint {
                label: w.word.clone(),
                x: w.x,
                y: w.y,
                note: format!(
                    "{} ≈ {}",
                    w.word,
                    w.neighbours
                        .iter()
                        .map(|(n, s)| format!("{n} ({s:.2})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                highlight: !query.is_empty() && w.word == query.trim(),
            })
            .collect(),
    }
    .to_svg(640.0, 460.0)
}

#[component]
pub fn EmbeddingsLab(location: Location) -> impl IntoView {
    let table = RwSignal::new(
        GROOT_TABLE
            .iter()
            .map(|(w, v)| (w.to_string(), *v))
            .collect::<Vec<_>>(),
    );
    let sentence = RwSignal::new(
        location
            .param("sentence")
            .map_or("I am groot".to_string(), str::to_string),
    );
    let lookup = RwSignal::new(None::<Lookup>);
    let projection = RwSignal::new(None::<Projection>);
    let model_state = RwSignal::new("loading".to_string());
    // Whose embeddings are shown: lecture 11's GRU, or the student's own model's file name.
    let projected_from = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);

    let worker_cell = StoredValue::new_local(None::<LabWorker>);
    let worker = LabWorker::spawn(
        move |msg| match msg {
            FromWorker::Lab(Ok(reply)) => {
                error.set(None);
                match reply {
                    LabReply::Lookup(l) => lookup.set(Some(l)),
                    LabReply::Projection(p) => {
                        model_state.set("ready".into());
                        projection.set(Some(p));
                    }
                    _ => {}
                }
            }
            FromWorker::Reviews(ReviewsReply::Loaded { name }) => {
                if let Some(w) = worker_cell.get_value() {
                    w.lab(LabRequest::Projection {
                        model: name,
                        fit: 1000,
                        show: SHOWN_WORDS,
                        neighbours: 5,
                    });
                }
            }
            FromWorker::Lab(Err(e)) | FromWorker::Reviews(ReviewsReply::Failed(e)) => {
                error.set(Some(e.message))
            }
            _ => {}
        },
        move |crash| {
            if let Some(message) = super::crash_message(crash, "", "") {
                error.set(Some(message))
            }
        },
    );
    worker_cell.set_value(Some(worker));
    Effect::new(move |_| {
        worker.lab(LabRequest::Lookup {
            table: table.get(),
            sentence: sentence.get(),
        });
    });
    load_shipped_model(
        worker,
        PROJECTED_MODEL,
        false,
        |_, _| {},
        move |e: Text| model_state.set(format!("failed: {}", e.en)),
    );

    // The student's own review classifier: its Embedding projected the same way.
    let own = move |m: ReadModel| {
        if let Some(why) = m.not_a_review_classifier() {
            error.set(Some(why));
            return;
        }
        model_state.set("loading".into());
        projection.set(None);
        projected_from.set(Some(m.name.clone()));
        worker.send(
            ReviewsRequest::Load {
                name: format!("file:{}", m.name),
                config_json: m.config_json,
                weights: m.file,
            }
            .into(),
        );
    };
    let edit = move |row: usize, col: usize, value: String| {
        if let Ok(v) = value.trim().parse::<f32>() {
            table.update(|t| t[row].1[col] = v);
        }
    };
    let scatter = move || {
        let used = lookup.with(|l| l.as_ref().map(|l| l.words.clone()).unwrap_or_default());
        table.with(|t| table_chart(t, &used))
    };
    let projected = move || {
        let query = search.get();
        projection.with(|p| p.as_ref().map(|p| projection_chart(p, &query)))
    };

    view! {
        <section class="panel lab" id="lab-embeddings">
            <LabHeading lab=LabId::Embeddings/>
            <div class="panel-body">
                <div class="controls">
                    <h3>{tr("임베딩 = 찾아보기 표", "an Embedding is a lookup table")}</h3>
                    <table class="data" id="groot-table">
                        <thead><tr><th>"id"</th><th>{tr("단어", "word")}</th><th>"E1"</th><th>"E2"</th></tr></thead>
                        <tbody>
                            {move || table.get().into_iter().enumerate().map(|(i, (w, v))| { let key = w.clone(); view! {
                                <tr data-word=key>
                                    <td class="num">{i + 1}</td>
                                    <td>{w}</td>
                                    {(0..2).map(|c| view! {
                                        <td><input type="number" step="0.05" class="cell-input" aria-label=format!("row {} E{}", i + 1, c + 1)
                                            prop:value=v[c].to_string()
                                            on:change=move |ev| edit(i, c, event_target_value(&ev))/></td>
                                    }).collect_view()}
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                    <div class="field">
                        <label for="groot-sentence">{tr("문장", "sentence")}</label>
                        <input id="groot-sentence" type="text" prop:value=move || sentence.get()
                            on:input=move |ev| sentence.set(event_target_value(&ev))/>
                    </div>
                    <LabError error/>
                    {move || lookup.get().map(|l| view! {
                        <p>"texts_to_sequences → " <code id="groot-ids">{format!("{:?}", l.ids)}</code></p>
                        <p>{tr("Embedding 출력 형태", "Embedding output shape")}{format!(" ({}, 2):", l.vectors.len())}</p>
                        <table class="lab-matrix" id="groot-vectors">
                            <tbody>
                                {l.words.iter().zip(&l.vectors).map(|(w, v)| view! {
                                    <tr data-word=w.clone()><th>{w.clone()}</th><Cells values=v.clone()/></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    <div id="groot-scatter" class="chart" inner_html=scatter></div>
                </div>
                <div class="results">
                    <h3>{move || match projected_from.get() {
                        None => tr("학습된 임베딩 (11강 GRU, PCA)", "learned embeddings (lecture 11's GRU, PCA)")().to_string(),
                        Some(name) => format!("{} ({name}, PCA)", tr("학습된 임베딩", "learned embeddings")()),
                    }}</h3>
                    <ModelFileDrop id="embedding-file" on_model=Callback::new(own)/>
                    <p id="embedding-status" class="status" data-state=move || model_state.get()>
                        {move || match model_state.get().as_str() {
                            "ready" => projection.with(|p| p.as_ref().map(|p| match crate::web::i18n::lang() {
                                crate::i18n::Lang::Ko => format!(
                                    "가장 자주 나온 {} 단어 중 {}개, {}차원 벡터를 2차원으로 투영했습니다. 점 위에 마우스를 올리면 가까운 단어(코사인)가 보입니다.",
                                    p.fitted_on, p.words.len(), p.dim
                                ),
                                crate::i18n::Lang::En => format!(
                                    "{} of the {} most frequent words, {}-dimensional vectors projected to 2-D. Hover a point for its nearest neighbours (cosine).",
                                    p.words.len(), p.fitted_on, p.dim
                                ),
                            }).unwrap_or_default()),
                            "loading" => tr("모델 내려받는 중", "downloading the model")().to_string(),
                            other => other.to_string(),
                        }}
                    </p>
                    <div class="field inline">
                        <label for="embedding-search">{tr("단어 찾기", "find a word")}</label>
                        <input id="embedding-search" type="text" prop:value=move || search.get()
                            on:input=move |ev| search.set(event_target_value(&ev))/>
                    </div>
                    {move || {
                        let q = search.get();
                        projection.with(|p| p.as_ref().and_then(|p| p.words.iter().find(|w| w.word == q.trim()).map(|w| view! {
                            <p id="embedding-neighbours">{format!("{} ≈ {}", w.word, w.neighbours.iter().map(|(n, s)| format!("{n} ({s:.2})")).collect::<Vec<_>>().join(", "))}</p>
                        })))
                    }}
                    <div id="embedding-scatter" class="chart" inner_html=projected></div>
                </div>
            </div>
        </section>
    }
}
