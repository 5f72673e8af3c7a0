//! "리뷰 감성 분류 · Review sentiment" (lectures 9 and 11): the shipped classifiers answer as
//! the student types, with every preprocessing stage, the models side by side, and which
//! words pushed the decision.
//!
//! The models are fetched lazily (XMLHttpRequest, for its progress events) from the site's
//! `models/` folder, which Trunk copies from `data/models/`, and handed to a worker of their
//! own; the worker runs the core's [`crate::sentiment::SentimentModel`]. The panel's state is
//! [`state`], its worker [`session`]; the views: [`models`], [`retrain`], [`verdicts`].

mod models;
mod retrain;
mod session;
mod state;
mod verdicts;

use leptos::prelude::*;

use crate::web::i18n::{shown, tr};
use crate::web::model_file::{DownloadKeras, ModelFileDrop, download};
use crate::web::route;
use models::ModelRow;
use retrain::RetrainView;
use session::Session;
use state::{LECTURE_REVIEW, Load, Reviews};
use verdicts::Verdicts;

#[component]
pub fn SentimentPanel() -> impl IntoView {
    let r = Reviews::new(
        route::current()
            .param("text")
            .map_or(LECTURE_REVIEW.to_string(), str::to_string),
    );
    Effect::new(move |_| {
        route::write_panel_settings(route::PanelId::Sentiment, &[("text", r.text.get())]);
    });
    let session = Session::start(r);
    session.list_models();

    view! {
        <section class="panel" id="sentiment-panel">
            <h2>{tr("리뷰 감성 분류", "Review sentiment")}</h2>
            <p class="lede">
                {tr("9·11강: 리뷰를 입력하면 전처리의 모든 단계와 모델별 판단, 판단을 움직인 단어가 바로 보입니다.", "Lectures 9 and 11: type a review to see every preprocessing stage, each model's verdict and the words that moved it.")}
            </p>
            <div class="panel-body">
                <div class="controls">
                    <label class="field">
                        <span>{tr("리뷰", "a review")}</span>
                        <textarea
                            id="review-input"
                            rows="4"
                            spellcheck="false"
                            prop:value=move || r.text.get()
                            on:input=move |ev| {
                                r.text.set(event_target_value(&ev));
                                session.classify();
                            }
                        ></textarea>
                    </label>
                    // Lecture 11's four sentiment_predict sentences, one click each.
                    <div class="examples" id="lecture-reviews" role="group" aria-label="lecture examples">
                        <span>{tr("강의 예문", "the lecture's sentences")}</span>
                        {crate::lecture::SENTIMENT_PREDICT_EXAMPLES.iter().enumerate().map(|(i, s)| view! {
                            <button class="example" id=format!("lecture-review-{i}")
                                on:click=move |_| { r.text.set(s.to_string()); session.classify(); }>{*s}</button>
                        }).collect_view()}
                    </div>
                    <ul id="sentiment-models" class="model-list">
                        {move || r.models.get().into_iter().map(|(info, load)| {
                            let cached = r.cached_models.with(|c| c.contains(&info.name));
                            let wanted = info.clone();
                            let on_load = Callback::new(move |_: ()| {
                                r.set_load(&wanted.name, Load::Fetching(0.0, 0.0));
                                session.load_model(wanted.clone());
                            });
                            view! { <ModelRow info load cached on_load/> }
                        }).collect_view()}
                    </ul>
                    <div class="field" id="sentiment-own">
                        <span>{tr("내 모델 추가 (Colab의 .keras·.h5와 토크나이저 JSON)", "add your own model (a .keras or .h5 from Colab with its tokenizer JSON)")}</span>
                        <ModelFileDrop id="sentiment-file" on_model=Callback::new(move |m| session.add_own(m))/>
                    </div>
                    {move || r.retrained_file.get().is_some().then(|| view! {
                        <p class="hint" id="retrained-save">
                            {tr("다시 학습한 모델 저장:", "save the retrained model: ")}
                            <button id="retrained-safetensors" class="link" on:click=move |_| {
                                r.retrained_file.with_untracked(|f| if let Some(b) = f { download(b, "retrained-simplernn.safetensors") });
                            }>".safetensors"</button>
                            " · "
                            <DownloadKeras id="retrained-keras" model=r.retrained_file stem="retrained-simplernn"/>
                        </p>
                    })}
                    <RetrainView session/>
                </div>
                <div class="results">
                    {move || r.error.get().map(|e| view! { <p id="sentiment-error" class="error" role="alert">{shown(&e)}</p> })}
                    {move || r.results.get().map(|(t, results)| view! { <Verdicts text=t results/> })}
                </div>
            </div>
        </section>
    }
}
