//! Generation from the trained model (greedy, temperature or stateful) with each step's top
//! words as bars, and Save / Load of the model file.

use leptos::prelude::*;

use super::session::Session;
use super::state::Status;
use crate::generate::GenerationStep;
use crate::web::i18n::tr;
use crate::web::keras_worker::ReadModel;
use crate::web::model_file::{DownloadKeras, ModelFileDrop, download};

/// The "Generate" block.
#[component]
pub fn Generation(session: Session) -> impl IntoView {
    let studio = session.studio;
    view! {
        <div class="generate">
            <h3>{tr("생성", "Generate")}</h3>
            <div class="gen-controls">
                <label class="field inline" for="seed-text">
                    <span>{tr("시작 단어", "seed text")}</span>
                    <input id="seed-text" type="text" prop:value=move || studio.seed_text.get() on:input=move |ev| studio.seed_text.set(event_target_value(&ev))/>
                </label>
                <label class="field inline">
                    <code>"words"</code>
                    <input id="words" type="number" min="1" max="100" prop:value=move || studio.words.get().to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<usize>() { studio.words.set(n.clamp(1, 100)) } }/>
                </label>
                <label class="field inline">
                    <code>"temperature"</code>
                    <input id="temperature" type="text" inputmode="decimal" prop:value=move || studio.temperature.get().to_string()
                        on:change=move |ev| { if let Ok(t) = event_target_value(&ev).trim().parse::<f32>() { studio.temperature.set(t) } }/>
                </label>
                <button id="generate" on:click=move |_| session.generate() disabled=move || studio.runs.with(|r| r.is_empty()) && studio.status.get() != Status::Loaded>{tr("생성", "Generate")}</button>
            </div>
            <label class="check">
                <input id="stateful" type="checkbox" prop:checked=move || studio.stateful.get()
                    on:change=move |ev| studio.stateful.set(event_target_checked(&ev))/>
                {tr("상태를 이어 가며 한 단어씩", "stateful: feed one token, carry the hidden state")}
            </label>
            <p class="hint">{tr("temperature 0 = greedy (강의의 sentence_generation: 매번 앞부분 전체를 다시 계산)", "temperature 0 = greedy (the lecture's sentence_generation: the whole prefix is read again for every word)")}</p>
            <p id="generated" class="generated">{move || studio.generated.get()}</p>
            <ol id="steps" class="steps">
                {move || studio.steps.get().into_iter().map(|step| view! { <StepBars step/> }).collect_view()}
            </ol>
    {move || studio.trained_model.with(|m| m.as_ref().map(|bytes| bytes.len())).map(|size| view! {
                <p class="hint">
                    <button id="save-model" class="link" on:click=move |_| {
                        studio.trained_model.with_untracked(|m| if let Some(bytes) = m { download(bytes, "rnn-playground-model.safetensors") });
                    }>{tr("모델 저장", "Save model")}</button>
                    <span id="weights-size">{format!(" ({size} bytes: weights and model.json in one safetensors file)")}</span>
                    " · "
                    <DownloadKeras id="save-keras" model=studio.trained_model stem="rnn-playground-model"/>
                </p>
            })}
            <div class="hint">
                {tr("모델 불러오기", "Load a model: ")}
                <ModelFileDrop id="load-model" on_model=Callback::new(move |m: ReadModel| session.load(m.file))/>
            </div>
        </div>
    }
}

/// One generation step: the chosen word and its top candidates as bars.
#[component]
fn StepBars(step: GenerationStep) -> impl IntoView {
    let chosen = step.word.clone();
    let bars = step
        .top
        .into_iter()
        .map(|(word, p)| {
            let is_chosen = word == chosen;
            view! {
                <li class="bar" class:chosen=is_chosen>
                    <span class="bar-word">{word}</span>
                    <span class="bar-track"><span class="bar-fill" style=format!("width: {:.1}%", p * 100.0)></span></span>
                    <span class="bar-p">{format!("{:.1}%", p * 100.0)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="step">
            <strong class="step-word">{step.word}</strong>
            <ul class="bars">{bars}</ul>
        </li>
    }
}
