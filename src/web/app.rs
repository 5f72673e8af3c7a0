use leptos::prelude::*;

use super::labs::{LabsIndex, lab_view};
use super::route::{LabId, Route, use_location};
use super::{SentimentPanel, StudioPanel, TokenizerPanel};

/// The page: a header with the navigation, then the route's content. The panels page keeps
/// the three lecture panels together; each concept lab has its own route.
#[component]
pub fn App() -> impl IntoView {
    let location = use_location();
    let on_labs = move || !matches!(location.get().route, Route::Panels);
    view! {
        <header class="site-header">
            <h1>"rnn-playground"</h1>
            <p class="tagline">
                "한국어 텍스트로 배우는 순환 신경망 "
                <span class="en">"· Recurrent neural networks for Korean text"</span>
            </p>
            <nav class="site-nav" aria-label="pages">
                <a href="#/" aria-current=move || (!on_labs()).then_some("page")>"패널 · Panels"</a>
                <a href="#/labs" aria-current=move || on_labs().then_some("page")>"개념 실험실 · Labs"</a>
                {LabId::ALL.iter().map(|lab| {
                    let lab = *lab;
                    view! {
                        <a class="lab-link" href=lab.href()
                            aria-current=move || (location.get().route == Route::Lab(lab)).then_some("page")>
                            {lab.titles().0}
                        </a>
                    }
                }).collect_view()}
            </nav>
        </header>
        <main>
            {move || {
                let here = location.get();
                match here.route.clone() {
                    Route::Panels => view! {
                        <TokenizerPanel/>
                        <StudioPanel/>
                        <SentimentPanel/>
                    }.into_any(),
                    Route::Labs => view! { <LabsIndex/> }.into_any(),
                    Route::Lab(lab) => lab_view(lab, &here),
                    Route::NotFound(path) => view! {
                        <section class="panel">
                            <p class="error">{format!("없는 페이지입니다 · no page at #/{path}. ")}<a href="#/">"처음으로 · home"</a></p>
                        </section>
                    }.into_any(),
                }
            }}
        </main>
    }
}
