//! Hash routes: `#/` (the panels), `#/labs` (the lab index) and `#/labs/<lab>?key=value…`,
//! so that every lab has its own link and a link can carry the lab's settings. Hash routes
//! work on any static host and under any sub-path (the server never sees them).
//!
//! The studio's share links (`#studio=…`) are not routes: they open the panels page.

use leptos::prelude::*;

/// The concept labs, in the order of the lectures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabId {
    Stepper,
    Weather,
    Gradients,
    Gates,
    Embeddings,
    Shapes,
}

impl LabId {
    pub const ALL: [LabId; 6] = [
        LabId::Stepper,
        LabId::Weather,
        LabId::Gradients,
        LabId::Gates,
        LabId::Embeddings,
        LabId::Shapes,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            LabId::Stepper => "stepper",
            LabId::Weather => "weather",
            LabId::Gradients => "gradients",
            LabId::Gates => "gates",
            LabId::Embeddings => "embeddings",
            LabId::Shapes => "shapes",
        }
    }

    /// Korean title, English title, one line on what the student does there.
    pub fn titles(self) -> (&'static str, &'static str, &'static str) {
        match self {
            LabId::Stepper => (
                "순환 한 단계씩",
                "The recurrence step by step",
                "h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b) on \"hell\" → \"ello\", one step at a time.",
            ),
            LabId::Weather => (
                "날씨 → 메뉴",
                "Weather → menu",
                "The hidden state carries yesterday's dish through a week of weather.",
            ),
            LabId::Gradients => (
                "기울기 소실과 폭발",
                "Vanishing and exploding gradients",
                "‖∂h_T/∂h_t‖ as the scale of W_hh moves, for SimpleRNN, LSTM and GRU.",
            ),
            LabId::Gates => (
                "게이트 들여다보기",
                "Gate inspector",
                "LSTM and GRU gates of a trained review classifier, token by token.",
            ),
            LabId::Embeddings => (
                "임베딩",
                "Embeddings",
                "\"I am groot\" as a lookup table, and learned word vectors in 2-D.",
            ),
            LabId::Shapes => (
                "형태와 파라미터",
                "Shapes and parameters",
                "return_sequences, stacking, TimeDistributed: output shapes and summary().",
            ),
        }
    }

    pub fn href(self) -> String {
        format!("#/labs/{}", self.slug())
    }
}

/// Where the page is.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Panels,
    Labs,
    Lab(LabId),
    /// An unknown `#/…` route (shown as a message with links).
    NotFound(String),
}

/// A route and its `?key=value` settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    pub route: Route,
    pub params: Vec<(String, String)>,
}

impl Location {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A parsed setting, when present and valid.
    pub fn parsed<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.param(key).and_then(|v| v.parse().ok())
    }
}

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(&s.replace('+', " "))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| s.to_string())
}

/// Parse `location.hash`.
pub fn parse(hash: &str) -> Location {
    let hash = hash.trim_start_matches('#');
    let Some(path) = hash.strip_prefix('/') else {
        return Location {
            route: Route::Panels,
            params: Vec::new(),
        };
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let route = match parts.as_slice() {
        [] => Route::Panels,
        ["labs"] => Route::Labs,
        ["labs", slug] => LabId::ALL
            .iter()
            .find(|l| l.slug() == *slug)
            .map_or_else(|| Route::NotFound(path.to_string()), |l| Route::Lab(*l)),
        _ => Route::NotFound(path.to_string()),
    };
    Location { route, params }
}

fn current() -> Location {
    parse(&window().location().hash().unwrap_or_default())
}

/// The current location, updated on every `hashchange`.
pub fn use_location() -> ReadSignal<Location> {
    let (location, set_location) = signal(current());
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let next = current();
        // Settings written back by a lab (same route) must not rebuild the lab.
        if next != location.get_untracked() {
            set_location.set(next);
        }
    });
    on_cleanup(move || handle.remove());
    location
}

/// Write a lab's settings into the address bar without reloading or adding history entries,
/// so that copying the link restores the same view.
pub fn write_settings(lab: LabId, params: &[(&str, String)]) {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let v = js_sys::encode_uri_component(v)
                .as_string()
                .unwrap_or_default();
            format!("{k}={v}")
        })
        .collect();
    let hash = if query.is_empty() {
        lab.href()
    } else {
        format!("{}?{}", lab.href(), query.join("&"))
    };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}
