//! Lecture 9's SimpleRNN retrained in this browser: the review file (an address, or a file
//! picked or dropped), the workers, the status, the curves and Keras' fit log.

use leptos::prelude::*;

use super::session::Session;
use super::state::{Retrain, retrain_chart, retrain_progress};
use crate::sentiment::SentimentConfig;
use crate::web::file_drop::{FileDrop, first_file};
use crate::web::i18n::tr;

#[component]
pub fn RetrainView(session: Session) -> impl IntoView {
    let r = session.reviews;
    view! {
        <fieldset id="retrain">
            <legend>{tr("9강 SimpleRNN 다시 학습", "retrain in this browser")}</legend>
            <label class="field">
                <span>{tr("리뷰 파일 주소", "review file URL")}</span>
                <input id="data-url" type="text" prop:value=move || r.data_url.get()
                    on:input=move |ev| r.data_url.set(event_target_value(&ev))/>
            </label>
            <label class="field inline">
                <span>{tr("워커 수", "workers")}</span>
                <input id="retrain-workers" type="number" min="1" max=crate::web::threads::MAX_WORKERS.to_string()
                    prop:value=move || r.retrain_workers.get().to_string()
                    on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<usize>() { r.retrain_workers.set(n.clamp(1, crate::web::threads::MAX_WORKERS)) } }/>
            </label>
            <button id="retrain-url" class="primary" on:click=move |_| session.fetch_and_train() disabled=move || r.retrain.with(Retrain::busy)>{tr("불러와 학습", "fetch and train")}</button>
            <FileDrop id="retrain-file" accept=".txt,.tsv,.csv" label=tr("또는 파일을 끌어다 놓거나 고르세요", "or drop / pick a file ")
                on_files=first_file(move |file| session.read_file(file))/>
            <p id="retrain-status" class="status" data-state=move || r.retrain.with(Retrain::key)>{move || r.retrain_line()}</p>
            {move || retrain_progress(&r.retrain.get()).map(|pct| view! {
                <progress id="retrain-progress" max="100" value=format!("{pct:.1}")></progress>
            })}
            <div id="retrain-curve" class="chart" inner_html=move || r.retrain_epochs.with(|e| retrain_chart(e))></div>
            // The notebook's fit output, as Keras 3 prints it (lecture 9: metrics=['acc']).
            <pre id="retrain-log" class="summary fit-log" tabindex="0">{move || r.retrain_epochs.with(|e| crate::train::progbar::fit_log(e, SentimentConfig::default().epochs, "acc"))}</pre>
        </fieldset>
    }
}
