//! Loading a model from the student's files, and saving one as Keras' `.keras`: the same
//! control everywhere a model can be loaded (the studio, the review panel, the gates lab),
//! so a file from Colab works wherever a playground file does.
//!
//! A model comes as one file (`.keras`, `.h5`, the playground's `.safetensors`) picked or
//! dropped together with its JSON (the tokenizer's `tokenizer.to_json()`, or the model's
//! `model.to_json()` beside a `.weights.h5`). The Keras-file worker reads them
//! ([`super::keras_worker`]); the component only shows what it is doing.

use leptos::prelude::*;

use super::file_drop::FileDrop;
use super::i18n::{in_lang, lang, shown, tr};
use super::keras_worker::{self, ReadModel};
use crate::i18n::Text;

#[derive(Clone, Debug, PartialEq)]
enum Reading {
    Idle,
    Busy,
    Done(String),
    Failed(Text),
}

/// A drop zone with a file picker (several files at once) for a model. `on_model` gets the
/// model in the playground's format.
#[component]
pub fn ModelFileDrop(
    /// The file input's id (the drop zone is `{id}-drop`, the status line `{id}-status`).
    id: &'static str,
    on_model: Callback<ReadModel>,
) -> impl IntoView {
    let state = RwSignal::new(Reading::Idle);
    let read = move |files: web_sys::FileList| {
        if files.length() == 0 {
            return;
        }
        state.set(Reading::Busy);
        keras_worker::read_file_list(files, move |result| match result {
            Ok(model) => {
                state.set(Reading::Done(model.name.clone()));
                on_model.run(model);
            }
            Err(message) => state.set(Reading::Failed(message)),
        });
    };
    view! {
        <FileDrop id drop_id=format!("{id}-drop") accept=".keras,.h5,.safetensors,.json" multiple=true
            label=tr("모델 파일을 끌어다 놓거나 고르세요 (.keras, .h5, .safetensors, 토크나이저 .json과 함께)", "drop or pick a model file (.keras, .h5, .safetensors, with its tokenizer .json) ")
            on_files=Callback::new(read)/>
        <p id=format!("{id}-status") class="status" role="status"
            data-state=move || match state.get() {
                Reading::Idle => "idle",
                Reading::Busy => "reading",
                Reading::Done(_) => "done",
                Reading::Failed(_) => "failed",
            }>
            {move || match state.get() {
                Reading::Idle => String::new(),
                Reading::Busy => in_lang(lang(), "파일을 읽는 중…", "reading the file…").to_string(),
                Reading::Done(name) => match lang() {
                    crate::i18n::Lang::Ko => format!("{name} 불러옴"),
                    crate::i18n::Lang::En => format!("loaded {name}"),
                },
                Reading::Failed(message) => shown(&message),
            }}
        </p>
    }
}

/// A "Download .keras" button for a playground model file (the bytes of today's save): the
/// `.keras` file Keras 3 opens, then its tokenizer's JSON when it has one.
#[component]
pub fn DownloadKeras(
    id: &'static str,
    /// The model file's bytes, when there is a model to save.
    #[prop(into)]
    model: Signal<Option<Vec<u8>>>,
    /// The downloaded files' name without extension.
    stem: &'static str,
) -> impl IntoView {
    let error = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let save = move |_| {
        let Some(bytes) = model.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        keras_worker::to_keras(bytes, move |result| {
            busy.set(false);
            match result {
                Ok((keras, tokenizer)) => {
                    download(&keras, &format!("{stem}.keras"));
                    if let Some(json) = tokenizer {
                        download(json.as_bytes(), &format!("{stem}.tokenizer.json"));
                    }
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    view! {
        <button id=id class="link" on:click=save disabled=move || busy.get() || model.with(Option::is_none)>
            {tr("Keras 파일로 받기 (.keras)", "Download .keras")}
        </button>
        {move || error.get().map(|m| view! { <span class="error" role="alert">{shown(&m)}</span> })}
    }
}

/// Save bytes as a file through the browser.
pub fn download(bytes: &[u8], name: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = leptos::prelude::document();
    if let Ok(link) = document.create_element("a") {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", name);
        if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
            link.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
