//! Korean / English on the page. Every text is written as a pair, Korean first (the lecture is
//! Korean): `tr("학습", "train")` in a view, [`in_lang`] where the language is at hand, and a
//! [`Text`] (the core's errors, the worker's messages) shown with [`show`]. Nothing is split
//! at run time. The choice is kept in `localStorage` (so embedded panels on the same site
//! follow it) and can be forced with `lang=ko|en` in a link. Korean is the default.

use leptos::prelude::*;

use crate::i18n::{Lang, Text};

const STORAGE_KEY: &str = "rnn-playground-lang";

/// `lang=` in the link, else the remembered choice, else Korean.
fn initial() -> Lang {
    let from_link = super::route::current()
        .param("lang")
        .and_then(Lang::from_code)
        .or_else(|| {
            let search = window().location().search().unwrap_or_default();
            search
                .trim_start_matches('?')
                .split('&')
                .find_map(|p| p.strip_prefix("lang="))
                .and_then(Lang::from_code)
        });
    let remembered = || {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|c| Lang::from_code(&c))
    };
    // Korean unless chosen otherwise: the lecture is Korean, and one click switches for good.
    from_link.or_else(remembered).unwrap_or(Lang::Ko)
}

/// Create the language signal for the page (the App calls this once).
pub fn provide_lang() -> RwSignal<Lang> {
    let lang = RwSignal::new(initial());
    provide_context(lang);
    Effect::new(move |_| {
        let code = lang.get().code();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", code);
        }
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(STORAGE_KEY, code);
        }
    });
    lang
}

/// The page's language (Korean where no App provided one, e.g. a panel mounted alone).
pub fn lang() -> Lang {
    use_context::<RwSignal<Lang>>().map_or(Lang::Ko, |l| l.get())
}

/// `ko` or `en`, for `lang`.
pub fn in_lang<'a>(lang: Lang, ko: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// A reactive text node: `ko` or `en`, for the page's language.
pub fn tr(
    ko: &'static str,
    en: &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || in_lang(lang(), ko, en)
}

/// A [`Text`] in the page's language (read when called: call it inside a view's closure).
pub fn shown(text: &Text) -> String {
    text.get(lang()).to_string()
}

/// Whole numbers with the locale's digit grouping (1,024,000 in both languages).
pub fn count(n: usize) -> String {
    crate::nn::summary::thousands(n)
}

/// The language switch in the header.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let current = use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::Ko));
    view! {
        <div class="toggles lang-switch" role="group" aria-label=tr("언어", "language")>
            {[(Lang::Ko, "한국어"), (Lang::En, "English")].into_iter().map(|(l, name)| view! {
                <button class="toggle" id=format!("lang-{}", l.code()) lang=l.code()
                    class:active=move || current.get() == l
                    aria-pressed=move || (current.get() == l).to_string()
                    on:click=move |_| current.set(l)>{name}</button>
            }).collect_view()}
        </div>
    }
}
