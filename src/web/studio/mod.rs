//! "문장 생성 스튜디오 · Text-generation studio" (lectures 7–8): train the next-word model in a
//! web worker while the page stays responsive, watch the curves, then generate.
//!
//! The page only holds settings and what the worker reported ([`state`]); the worker and what
//! the buttons ask of it are [`session`]; training, the chart geometry ([`crate::plot`]) and
//! generation all run in the core. The views: [`controls`], [`status`], [`generation`],
//! [`teacher_forcing`].

mod controls;
mod generation;
mod session;
mod state;
mod status;
mod teacher_forcing;

use leptos::prelude::*;

use crate::web::i18n::tr;
use controls::Controls;
use generation::Generation;
use session::Session;
use state::{SharedState, Studio, TeacherForcingState};
use status::StatusView;
use teacher_forcing::TeacherForcing;

#[component]
pub fn StudioPanel() -> impl IntoView {
    // A shared link (#/studio?share=… or the older #studio=…) restores its corpus and settings.
    let shared = SharedState::from_location();
    let from_shared_link = shared.is_some();
    let session = Session::start(Studio::new(shared), TeacherForcingState::new());
    // The last run comes back after a reload (unless a shared link chose a corpus).
    if !from_shared_link {
        session.restore();
    }
    let summary = session.studio.summary;
    view! {
            <section class="panel" id="studio-panel">
                <h2>{tr("문장 생성 스튜디오", "Text-generation studio")}</h2>
                <p class="lede">
                    {tr("7–8강: 다음 단어를 맞히는 RNN을 웹 워커에서 학습합니다. 학습하는 동안에도 페이지는 멈추지 않습니다.", "Lectures 7–8: an RNN that predicts the next word trains in a web worker; the page stays responsive while it trains.")}
                </p>
                <div class="panel-body">
                    <Controls session/>
                    <div class="results">
                        <StatusView studio=session.studio/>
                        <Generation session/>
                        <details open=move || !summary.get().is_empty()>
                            <summary><code>"model.summary()"</code></summary>
                            <pre id="summary" class="summary" tabindex="0">{move || summary.get()}</pre>
                        </details>
                    </div>
                </div>
                <TeacherForcing session/>
            </section>
    }
}
