//! The model cell (the recurrent layer, `model.summary()`) and the fit cell: fit, stop,
//! resume after a stop, Keras' fit log, the history charts, the test accuracy.

use leptos::prelude::*;

use super::cell::Cell;
use super::session::Session;
use super::state::{Notebook, Phase, cell_name, fit_code, history_chart, model_code, test_hooks};
use crate::i18n::Lang;
use crate::nn::CellKind;
use crate::web::i18n::{lang, shown, tr};
use crate::web::protocol::NotebookRequest;

#[component]
pub fn FitCells(session: Session) -> impl IntoView {
    let nb = session.nb;
    let Notebook {
        cell,
        summary,
        phase,
        resumable,
        stop_note,
        worker_memory,
        epochs,
        runs,
        fitted_summary,
        ..
    } = nb;
    view! {
    <Cell id="nb-cell-model" code=Signal::derive(move || model_code(nb.lecture, cell.get()))>
        <div class="gen-controls" role="group" aria-label="recurrent layer">
            {[CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru].into_iter().map(|c| view! {
                <label class="choice">
                    <input type="radio" name="nb-cell" id=format!("nb-cell-{}", cell_name(c).to_lowercase()) prop:checked=move || cell.get() == c
                        on:change=move |_| cell.set(c) disabled=move || nb.busy()/>
                    {cell_name(c)}
                </label>
            }).collect_view()}
        </div>
        {move || (!summary.get().is_empty()).then(|| view! { <pre class="summary nb-out" id="nb-summary" tabindex="0">{summary.get()}</pre> })}
    </Cell>
    <Cell id="nb-cell-fit" code=Signal::derive(move || fit_code(nb.lecture, cell.get()))>
        <div class="gen-controls">
            <button id="nb-fit" class="primary" disabled=move || !nb.ready() on:click=move |_| session.fit(cell.get_untracked())>{tr("학습", "fit")}</button>
            <button id="nb-stop" disabled=move || !matches!(phase.get(), Phase::Fitting { .. }) on:click=move |_| session.stop()>{tr("중지", "stop")}</button>
            {move || matches!(phase.get(), Phase::Stopped { .. }).then(|| view! {
                <button id="nb-resume" class="primary" on:click=move |_| session.resume()>{move || match resumable.get() {
                    Some(k) => match lang() { Lang::Ko => format!("이어서 학습 (에폭 {}부터)", k + 1), Lang::En => format!("resume from epoch {}", k + 1) },
                    None => tr("처음부터 다시 학습", "fit again from epoch 1")().to_string(),
                }}</button>
            })}
            {test_hooks().then(|| view! {
                <button id="nb-test-silent" on:click=move |_| session.send(NotebookRequest::FallSilentForTest { after_epochs: 1 })>"test: the worker falls silent after epoch 1"</button>
            })}
        </div>
        {move || stop_note.get().map(|n| view! { <p id="nb-stopped" class="error" role="alert">{shown(&n)}</p> })}
        {move || match phase.get() {
            Phase::Fitting { batch, batches, .. } if batches > 0 => Some(view! { <progress id="nb-fit-progress" max=batches.to_string() value=batch.to_string()></progress> }),
            _ => None,
        }}
        <pre class="summary fit-log nb-out" id="nb-fit-log" tabindex="0" data-worker-memory=move || worker_memory.get().to_string()>{move || epochs.with(|e| crate::train::progbar::fit_log(e, nb.lecture.model_config(cell.get_untracked()).epochs, "acc"))}</pre>
        <div class="nb-charts">
            <div class="chart" id="nb-loss" inner_html=move || epochs.with(|e| history_chart(e, false))></div>
            <div class="chart" id="nb-acc" inner_html=move || epochs.with(|e| history_chart(e, true))></div>
        </div>
        {move || runs.with(|r| r.last().cloned()).map(|r| view! {
            <pre class="nb-out" id="nb-test-acc">{format!("{}: 테스트 정확도: {:.4}", cell_name(r.cell), r.test_accuracy)}</pre>
        })}
        {move || (!fitted_summary.get().is_empty()).then(|| view! { <pre class="summary nb-out" id="nb-summary-fit" tabindex="0">{fitted_summary.get()}</pre> })}
    </Cell>
    }
}
