//! One model of the review panel's list: its title, test accuracy and load state.

use leptos::prelude::*;

use super::state::{Load, ModelInfo};
use crate::web::i18n::{shown, tr};

#[component]
pub fn ModelRow(info: ModelInfo, load: Load, cached: bool, on_load: Callback<()>) -> impl IntoView {
    let accuracy = info
        .accuracy
        .iter()
        .map(|(source, a)| format!("{source} {:.1}%", a * 100.0))
        .collect::<Vec<_>>()
        .join(" · ");
    let state = match load {
        Load::NotLoaded => view! {
            <button class="load-model" on:click=move |_| on_load.run(())>
                {move || format!("{} ({:.1} MB)", tr("불러오기", "load")(), info.bytes as f64 / 1e6)}
            </button>
        }
        .into_any(),
        Load::Ready if cached => {
            view! { <span class="ready">{tr("준비됨 (캐시)", "ready (from the cache)")}</span> }
                .into_any()
        }
        Load::Ready => view! { <span class="ready">{tr("준비됨", "ready")}</span> }.into_any(),
        Load::Failed(e) => view! { <span class="error">{move || shown(&e)}</span> }.into_any(),
        Load::Fetching(got, total) => {
            let total = if total > 0.0 {
                total
            } else {
                info.bytes as f64
            };
            let pct = if total > 0.0 {
                (100.0 * got / total).min(100.0)
            } else {
                0.0
            };
            view! {
                <progress max="100" value=pct.to_string()></progress>
                <span class="dim">{format!(" {:.0}%", pct)}</span>
            }
            .into_any()
        }
    };
    view! {
        <li data-model=info.name.clone() data-source=if cached { "cache" } else { "network" }>
            <strong>{info.title.clone()}</strong>
            <span class="dim">{format!(" · {}{accuracy}", if info.bytes > 0 { "test accuracy " } else { "" })}</span>
            <div>{state}</div>
        </li>
    }
}
