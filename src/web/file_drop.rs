//! The page's one file drop zone: a `<label class="drop">` that takes dropped files, around a
//! file picker. Model files ([`super::model_file::ModelFileDrop`]), the review panel's and the
//! notebooks' review files all use it.

use leptos::prelude::*;

/// A drop zone around a file picker: `on_files` gets the dropped or picked files.
#[component]
pub fn FileDrop<L>(
    /// The file input's id.
    id: &'static str,
    /// The drop zone's id, if it has one.
    #[prop(optional, into)]
    drop_id: Option<String>,
    /// The picker's `accept` list (".txt,.tsv,.csv").
    accept: &'static str,
    /// What the zone says, a Korean and English pair (`tr`).
    label: L,
    /// Whether several files may be picked at once.
    #[prop(optional)]
    multiple: bool,
    on_files: Callback<web_sys::FileList>,
) -> impl IntoView
where
    L: Fn() -> &'static str + Copy + Send + Sync + 'static,
{
    view! {
        <label class="drop" id=drop_id
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    on_files.run(files);
                }
            }>
            {label}
            <input id=id type="file" multiple=multiple accept=accept
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(files) = input.files() {
                        on_files.run(files);
                    }
                }/>
        </label>
    }
}

/// `on_file` with the first of the files, if any (for a picker of one file).
pub fn first_file(
    on_file: impl Fn(web_sys::File) + Send + Sync + 'static,
) -> Callback<web_sys::FileList> {
    Callback::new(move |files: web_sys::FileList| {
        if let Some(file) = files.get(0) {
            on_file(file);
        }
    })
}
