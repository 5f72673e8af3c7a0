//! Hash routes: `#/` (the three lecture panels together), `#/tokenizer`, `#/studio`,
//! `#/sentiment` (one panel each), `#/labs` (the lab index) and `#/labs/<lab>`, the lecture
//! notebooks `#/lecture/9` and `#/lecture/11`, each with
//! `?key=value…` settings, so that a link restores the same view. Hash routes work on any
//! static host and under any sub-path (the server never sees them).
//!
//! `embed=1` (in the page's query, `index.html?embed=1#/labs/stepper`, or in the route's
//! settings) drops the site chrome for an iframe in a slide.
//!
//! The studio's older share links (`#studio=…`) are not routes: they open the panels page.

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
    Cell,
}

impl LabId {
    pub const ALL: [LabId; 7] = [
        LabId::Stepper,
        LabId::Weather,
        LabId::Gradients,
        LabId::Cell,
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
            LabId::Cell => "cell",
        }
    }

    /// Korean title, English title, and one line on what the student does there in Korean
    /// and in English.
    pub fn titles(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            LabId::Stepper => (
                "순환 한 단계씩",
                "The recurrence step by step",
                "\"hell\" → \"ello\"에서 h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b)를 한 단계씩",
                "h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b) on \"hell\" → \"ello\", one step at a time.",
            ),
            LabId::Weather => (
                "날씨 → 메뉴",
                "Weather → menu",
                "일주일의 날씨 동안 은닉 상태가 어제 음식을 기억합니다",
                "The hidden state carries yesterday's dish through a week of weather.",
            ),
            LabId::Gradients => (
                "기울기 소실과 폭발",
                "Vanishing and exploding gradients",
                "W_hh의 크기를 바꾸며 보는 SimpleRNN, LSTM, GRU의 ‖∂h_T/∂h_t‖",
                "‖∂h_T/∂h_t‖ as the scale of W_hh moves, for SimpleRNN, LSTM and GRU.",
            ),
            LabId::Gates => (
                "게이트 들여다보기",
                "Gate inspector",
                "학습된 리뷰 분류기의 LSTM, GRU 게이트를 토큰마다",
                "LSTM and GRU gates of a trained review classifier, token by token.",
            ),
            LabId::Embeddings => (
                "임베딩",
                "Embeddings",
                "찾아보기 표로 보는 \"I am groot\"와 2차원으로 본 학습된 단어 벡터",
                "\"I am groot\" as a lookup table, and learned word vectors in 2-D.",
            ),
            LabId::Cell => (
                "LSTM·GRU 셀 해부",
                "Inside an LSTM or GRU cell",
                "게이트 수식을 이번 단계의 숫자로, 토큰마다, 게이트를 0이나 1로 고정해서",
                "Every gate equation with this step's numbers, token by token, with gates pinned to 0 or 1.",
            ),
            LabId::Shapes => (
                "형태와 파라미터",
                "Shapes and parameters",
                "return_sequences, 층 쌓기, TimeDistributed, 풀링: 출력 형태와 summary()",
                "return_sequences, stacking, TimeDistributed, pooling: output shapes and summary().",
            ),
        }
    }

    pub fn href(self) -> String {
        format!("#/labs/{}", self.slug())
    }
}

/// The lecture panels, each also at its own route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelId {
    Tokenizer,
    Studio,
    Sentiment,
}

impl PanelId {
    pub const ALL: [PanelId; 3] = [PanelId::Tokenizer, PanelId::Studio, PanelId::Sentiment];

    pub fn slug(self) -> &'static str {
        match self {
            PanelId::Tokenizer => "tokenizer",
            PanelId::Studio => "studio",
            PanelId::Sentiment => "sentiment",
        }
    }

    /// Korean and English titles.
    pub fn titles(self) -> (&'static str, &'static str) {
        match self {
            PanelId::Tokenizer => ("토크나이저와 패딩", "Tokenizer & padding"),
            PanelId::Studio => ("문장 생성 스튜디오", "Text-generation studio"),
            PanelId::Sentiment => ("리뷰 감성 분류", "Review sentiment"),
        }
    }

    pub fn href(self) -> String {
        format!("#/{}", self.slug())
    }
}

/// Where the page is.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Panels,
    Panel(PanelId),
    Labs,
    Lab(LabId),
    /// `#/lecture/9`, `#/lecture/11`: the lecture's notebook.
    Lecture(crate::notebook::Lecture),
    /// `#/bench`: the data-parallel benchmark page (not linked; `cargo xtask bench` opens it).
    Bench,
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
        [slug] if PanelId::ALL.iter().any(|p| p.slug() == *slug) => Route::Panel(
            *PanelId::ALL
                .iter()
                .find(|p| p.slug() == *slug)
                .expect("just found"),
        ),
        ["labs"] => Route::Labs,
        ["lecture", "9"] => Route::Lecture(crate::notebook::Lecture::Nine),
        ["lecture", "11"] => Route::Lecture(crate::notebook::Lecture::Eleven),
        ["bench"] => Route::Bench,
        ["labs", slug] => LabId::ALL
            .iter()
            .find(|l| l.slug() == *slug)
            .map_or_else(|| Route::NotFound(path.to_string()), |l| Route::Lab(*l)),
        _ => Route::NotFound(path.to_string()),
    };
    Location { route, params }
}

/// The location now (for a panel's starting settings).
pub fn current() -> Location {
    parse(&window().location().hash().unwrap_or_default())
}

/// Embed mode: `embed=1` in the page's query or in the route's settings.
pub fn embed_mode() -> bool {
    let search = window().location().search().unwrap_or_default();
    let in_query = search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "embed=1" || p == "embed");
    in_query || current().param("embed") == Some("1")
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
    write_route(&lab.href(), params);
}

/// [`write_settings`] for a panel, only while the panel has the page to itself (on the
/// panels page the address stays `#/`).
pub fn write_panel_settings(panel: PanelId, params: &[(&str, String)]) {
    if current().route == Route::Panel(panel) {
        write_route(&panel.href(), params);
    }
}

fn write_route(href: &str, params: &[(&str, String)]) {
    // Embed mode given in the route's settings stays there.
    let embed = current().param("embed") == Some("1");
    let mut params: Vec<(&str, String)> = params.to_vec();
    if embed {
        params.push(("embed", "1".into()));
    }
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
        href.to_string()
    } else {
        format!("{href}?{}", query.join("&"))
    };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}
