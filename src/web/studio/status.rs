//! The studio's status: the share link, the status line (with the figures the end-to-end
//! tests read from its data- attributes), the restored run, the error and the curves.

use leptos::prelude::*;

use super::state::{Status, Studio, chart};
use crate::web::i18n::{shown, tr};

#[component]
pub fn StatusView(studio: Studio) -> impl IntoView {
    view! {
    {move || (!studio.share_url.get().is_empty()).then(|| view! {
        <input id="share-url" class="share-url" type="text" readonly prop:value=move || studio.share_url.get()/>
    })}
    <p id="status" class="status" data-state=move || studio.status.with(|s| s.key())
        data-worker-memory=move || studio.worker_memory.get().map(|m| m.to_string())
        data-page-memory=move || studio.worker_memory.get().map(|_| crate::web::worker::wasm_memory_bytes().to_string())
        data-resets=move || studio.resets_done.get().to_string()>{move || studio.status_line()}</p>
    {move || studio.restored.get().map(|epochs| view! {
        <p id="restored" class="hint">{tr("지난 학습을 다시 불러왔습니다", "your last run was restored")}{format!(" ({epochs} epochs)")}</p>
    })}
    {move || match studio.status.get() {
        Status::Failed(message) => Some(view! { <p id="studio-error" class="error" role="alert">{move || shown(&message)}</p> }),
        _ => None,
    }}
    <div id="curve" class="chart" inner_html=move || studio.runs.with(|r| chart(r))></div>
    }
}
