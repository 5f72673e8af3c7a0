//! The studio's settings: the presets, the corpus, the model and fit settings, and the
//! buttons.

use leptos::prelude::*;

use super::session::Session;
use super::state::{Status, test_hooks};
use crate::textgen::TextgenConfig;
use crate::web::i18n::tr;
use crate::web::threads::MAX_WORKERS;

/// A setting typed as text into `config`.
fn number(
    config: RwSignal<TextgenConfig>,
    id: &'static str,
    label: &'static str,
    get: fn(&TextgenConfig) -> String,
    set: fn(&mut TextgenConfig, &str),
) -> impl IntoView {
    view! {
        <label class="field inline">
            <code>{label}</code>
            <input
                id=id
                type="text"
                inputmode="decimal"
                prop:value=move || config.with(get)
                on:change=move |ev| config.update(|c| set(c, &event_target_value(&ev)))
            />
        </label>
    }
}

/// The left column: presets, corpus, settings, buttons.
#[component]
pub fn Controls(session: Session) -> impl IntoView {
    let studio = session.studio;
    view! {
        <div class="controls">
            <div class="presets">
                <button id="preset-lecture" class="link" on:click=move |_| studio.preset_lecture()>{tr("8강 예문", "lecture 8")}</button>
                <button id="preset-hello" class="link" on:click=move |_| studio.preset_hello()>{tr("7강 hell → o", "lecture 7: hell → o")}</button>
            </div>
            <label class="field">
                <span>{tr("코퍼스", "one sentence per line")}</span>
                <textarea
                    id="studio-text"
                    rows="5"
                    spellcheck="false"
                    prop:value=move || studio.text.get()
                    on:input=move |ev| studio.text.set(event_target_value(&ev))
                ></textarea>
            </label>
            <fieldset>
                <legend>"model"</legend>
                <label class="field inline">
                    <code>"level"</code>
                    <select
                        id="level"
                        prop:value=move || if studio.config.with(|c| c.tokenizer.char_level) { "char" } else { "word" }
                        on:change=move |ev| {
                            let char_level = event_target_value(&ev) == "char";
                            studio.config.update(|c| c.tokenizer.char_level = char_level);
                        }
                    >
                        <option value="word">{tr("단어", "word")}</option>
                        <option value="char">{tr("글자", "character")}</option>
                    </select>
                </label>
                <label class="field inline">
                    <code>"cell"</code>
                    <select
                        id="cell"
                    prop:value=move || studio.config.with(|c| match c.cell {
                        crate::nn::CellKind::SimpleRnn => "simplernn",
                        crate::nn::CellKind::Lstm => "lstm",
                        crate::nn::CellKind::Gru => "gru",
                    })
                        on:change=move |ev| {
                            if let Ok(cell) = event_target_value(&ev).parse::<crate::nn::CellKind>() {
                                studio.config.update(|c| c.cell = cell);
                            }
                        }
                    >
                        <option value="simplernn" selected>"SimpleRNN"</option>
                        <option value="lstm">"LSTM"</option>
                        <option value="gru">"GRU"</option>
                    </select>
                </label>
                {number(studio.config, "embedding-dim", "embedding_dim", |c| c.embedding_dim.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.embedding_dim = n })}
                {number(studio.config, "hidden", "hidden units", |c| c.hidden.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.hidden = n })}
            </fieldset>
            <fieldset>
                <legend>"fit"</legend>
                {number(studio.config, "epochs", "epochs", |c| c.epochs.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.epochs = n })}
                {number(studio.config, "learning-rate", "learning_rate", |c| c.learning_rate.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.learning_rate = n })}
                <label class="field inline">
                    <code>"optimizer"</code>
                    <select id="optimizer"
                    prop:value=move || studio.config.with(|c| c.optimizer.clone()) on:change=move |ev| studio.config.update(|c| c.optimizer = event_target_value(&ev))>
                        <option value="adam" selected>"Adam"</option>
                        <option value="rmsprop">"RMSprop"</option>
                        <option value="sgd">"SGD"</option>
                    </select>
                </label>
                {number(studio.config, "seed", "seed", |c| c.seed.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.seed = n })}
                // Data-parallel workers: the same weights as 1, up to float sums.
                {number(studio.config, "workers", "workers", |c| c.workers.to_string(), |c, v| if let Ok(n) = v.trim().parse::<usize>() { c.workers = n.clamp(1, MAX_WORKERS) })}
            </fieldset>

            <Buttons session/>
        </div>
    }
}

/// Train, Stop, Resume, Share, Reset (and the tests' hooks).
#[component]
fn Buttons(session: Session) -> impl IntoView {
    let status = session.studio.status;
    view! {
        <div class="buttons">
            <button id="train" class="primary" on:click=move |_| session.train() disabled=move || status.get() == Status::Loading>{tr("학습", "Train")}</button>
            <button id="stop" on:click=move |_| session.stop() disabled=move || status.get() != Status::Training>{tr("멈춤", "Stop")}</button>
            <button id="resume" on:click=move |_| session.resume() disabled=move || !matches!(status.get(), Status::Stopped(_))>{tr("계속", "Resume")}</button>
            <button id="share" on:click=move |_| session.share()>{tr("링크", "Share link")}</button>
            {test_hooks().then(|| view! {
                <button id="test-panic" on:click=move |_| session.panic_for_test()>"test: panic in the worker"</button>
                <button id="test-trap" on:click=move |_| session.trap_for_test()>"test: trap in the worker"</button>
            })}
            <button id="reset" on:click=move |_| session.reset()>{tr("초기화", "Reset")}</button>
        </div>
    }
}
