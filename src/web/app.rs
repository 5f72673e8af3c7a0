use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::i18n::{LangSwitch, lang, provide_lang, tr};
use super::labs::{LabsIndex, lab_view};
use super::route::{LabId, PanelId, Route, embed_mode, use_location};
use crate::i18n::Lang;

/// A (Korean, English) title in the page's language.
fn title((ko, en): (&'static str, &'static str)) -> &'static str {
    match lang() {
        Lang::Ko => ko,
        Lang::En => en,
    }
}
use super::notebook::NotebookPage;
use super::{SentimentPanel, StudioPanel, TokenizerPanel};
use crate::notebook::Lecture;

/// The page: a header with the navigation, then the route's content. The panels page keeps
/// the three lecture panels together; each panel and each concept lab also has its own route,
/// which a slide can embed (`?embed=1`: no header, no navigation).
#[component]
pub fn App() -> impl IntoView {
    let location = use_location();
    provide_lang();
    let embed = embed_mode();
    if embed && let Some(body) = document().body() {
        let _ = body.class_list().add_1("embed");
    }
    let current = move |route: Route| location.with(|l| l.route == route);
    let on_labs = move || location.with(|l| matches!(l.route, Route::Labs | Route::Lab(_)));
    let header = (!embed).then(|| {
        view! {
            <header class="site-header">
                <h1><a href="#/">"rnn-playground"</a></h1>
                <p class="tagline">{tr("한국어 텍스트로 배우는 순환 신경망", "Recurrent neural networks for Korean text")}</p>
                <LangSwitch/>
                <nav class="site-nav" aria-label="pages">
                    <a href="#/" aria-current=move || current(Route::Panels).then_some("page")>{tr("전체", "All panels")}</a>
                    {PanelId::ALL.iter().map(|panel| {
                        let panel = *panel;
                        view! {
                            <a href=panel.href() aria-current=move || current(Route::Panel(panel)).then_some("page")>
                                {move || title(panel.titles())}
                            </a>
                        }
                    }).collect_view()}
                    <a href="#/lecture/9" aria-current=move || current(Route::Lecture(Lecture::Nine)).then_some("page")>{tr("9강 노트북", "Lecture 9")}</a>
                    <a href="#/lecture/11" aria-current=move || current(Route::Lecture(Lecture::Eleven)).then_some("page")>{tr("11강 노트북", "Lecture 11")}</a>
                    <a href="#/labs" aria-current=move || on_labs().then_some("page")>{tr("개념 실험실", "Labs")}</a>
                </nav>
                {move || on_labs().then(|| view! {
                    <nav class="site-nav lab-nav" aria-label="labs">
                        {LabId::ALL.iter().map(|lab| {
                            let lab = *lab;
                            view! {
                                <a class="lab-link" href=lab.href()
                                    aria-current=move || current(Route::Lab(lab)).then_some("page")>
                                    {move || { let (ko, en, _, _) = lab.titles(); title((ko, en)) }}
                                </a>
                            }
                        }).collect_view()}
                    </nav>
                })}
            </header>
        }
    });
    view! {
        {header}
        <main>
            {move || {
                let here = location.get();
                match here.route.clone() {
                    Route::Panels => view! {
                        <TokenizerPanel/>
                        <StudioPanel/>
                        <SentimentPanel/>
                    }.into_any(),
                    Route::Panel(PanelId::Tokenizer) => view! { <TokenizerPanel/> }.into_any(),
                    Route::Panel(PanelId::Studio) => view! { <StudioPanel/> }.into_any(),
                    Route::Panel(PanelId::Sentiment) => view! { <SentimentPanel/> }.into_any(),
                    Route::Labs => view! { <LabsIndex/> }.into_any(),
                    Route::Lab(lab) => lab_view(lab, &here),
                    Route::Lecture(lecture) => view! { <NotebookPage lecture/> }.into_any(),
                    Route::Bench => view! { <super::bench_page::BenchPage/> }.into_any(),
                    Route::NotFound(path) => view! {
                        <section class="panel">
                            <p class="error">{move || match lang() { Lang::Ko => format!("없는 페이지입니다: #/{path}. "), Lang::En => format!("no page at #/{path}. ") }}<a href="#/">{tr("처음으로", "home")}</a></p>
                        </section>
                    }.into_any(),
                }
            }}
            {move || {
                let routed = location.with(|l| matches!(l.route, Route::Panel(_) | Route::Lab(_) | Route::Lecture(_)));
                (routed && !embed).then(|| view! { <EmbedCode/> })
            }}
        </main>
        {embed.then(|| view! {
            <p class="embed-credit"><a href=full_page_url target="_blank" rel="noopener">"rnn-playground ↗"</a></p>
        })}
    }
}

/// The address of this view without embed mode (for "open the full page").
fn full_page_url() -> String {
    let l = window().location();
    format!(
        "{}{}{}",
        l.origin().unwrap_or_default(),
        l.pathname().unwrap_or_default(),
        l.hash()
            .unwrap_or_default()
            .replace("&embed=1", "")
            .replace("?embed=1", "")
    )
}

/// The `<iframe>` line that embeds this view (with its current settings) in a slide.
fn embed_code(width: u32, height: u32) -> String {
    let l = window().location();
    let (title_ko, _) = document()
        .query_selector("main h2")
        .ok()
        .flatten()
        .map(|h| (h.text_content().unwrap_or_default(), ()))
        .unwrap_or_default();
    format!(
        r#"<iframe src="{}{}?embed=1{}" width="{width}" height="{height}" style="border:0" loading="lazy" title="{}"></iframe>"#,
        l.origin().unwrap_or_default(),
        l.pathname().unwrap_or_default(),
        l.hash().unwrap_or_default(),
        title_ko.trim().replace('"', "'")
    )
}

/// "Copy embed code": the iframe line for this view, with a size the lecturer can change.
#[component]
fn EmbedCode() -> impl IntoView {
    let width = RwSignal::new(960u32);
    let height = RwSignal::new(640u32);
    let code = RwSignal::new(String::new());
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let text = embed_code(width.get_untracked(), height.get_untracked());
        code.set(text.clone());
        // navigator.clipboard needs a secure context (https or localhost); elsewhere the code
        // stays selected in the box for Ctrl+C.
        let navigator = js_sys::Reflect::get(&window(), &"navigator".into()).ok();
        let clipboard = navigator
            .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
            .filter(|c| !c.is_undefined());
        let wrote = clipboard
            .and_then(|c| {
                let write = js_sys::Reflect::get(&c, &"writeText".into()).ok()?;
                write
                    .dyn_ref::<js_sys::Function>()?
                    .call1(&c, &text.into())
                    .ok()
            })
            .is_some();
        copied.set(wrote);
    };
    let number = move |id: &'static str, label: &'static str, value: RwSignal<u32>| {
        view! {
            <label for=id>{label}</label>
            <input id=id type="number" min="200" max="4000" prop:value=move || value.get().to_string()
                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u32>() { value.set(v.clamp(200, 4000)) } }/>
        }
    };
    view! {
        <section class="panel embed-code" aria-label="embed">
            <div class="gen-controls">
                <button id="embed-copy" on:click=copy>{tr("임베드 코드 복사", "Copy embed code")}</button>
                {number("embed-width", "width", width)}
                {number("embed-height", "height", height)}
                {move || copied.get().then(|| view! { <span class="hint">{tr("복사했습니다", "copied")}</span> })}
            </div>
            {move || (!code.get().is_empty()).then(|| view! {
                <textarea id="embed-code" readonly rows="3" aria-label="embed code" prop:value=move || code.get()
                    on:focus=move |ev| {
                        if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                            t.select();
                        }
                    }></textarea>
            })}
        </section>
    }
}
