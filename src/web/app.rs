use leptos::prelude::*;

use super::{SentimentPanel, StudioPanel, TokenizerPanel};

/// The page: a header and the panels. More panels (generation studio, labs) join here.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="site-header">
            <h1>"rnn-playground"</h1>
            <p class="tagline">
                "한국어 텍스트로 배우는 순환 신경망 "
                <span class="en">"· Recurrent neural networks for Korean text"</span>
            </p>
        </header>
        <main>
            <TokenizerPanel/>
            <StudioPanel/>
            <SentimentPanel/>
        </main>
    }
}
