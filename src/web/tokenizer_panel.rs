//! "토크나이저와 패딩 · Tokenizer & padding": the lecture's Keras text pipeline, live.
//!
//! The panel keeps the text and the pipeline options in signals; one memo runs the core's
//! [`tokenize_lines`] and every table below reads that single result, so the tables always
//! agree with each other and with the `rnn-playground tokenize` command.

use super::i18n::{shown, tr};
use leptos::prelude::*;

use super::route;

use super::labs::LabWorker;
use super::protocol::{FromWorker, TokenizerReply, TokenizerRequest};
use crate::i18n::{Bilingual, Text};
use crate::segment::PreprocessedLine;
use crate::text::Side;
use crate::text::korean::{LECTURE_STOPWORDS, parse_stopwords};
use crate::text::pipeline::{PipelineOptions, PipelineOutput, tokenize_lines};

/// A review in the lecture's style for the Korean mode (lecture 11's segmentation example).
const KOREAN_EXAMPLE: &str = "택배가 엉망이네용 저희집 밑에층에 말도없이 놔두고가고\n이 상품 진짜 좋아요... 저는 강추합니다. 대박\n";

/// The three sentences of lecture 8 ("경마장에 있는 말이 뛰고 있다", …).
pub const LECTURE_TEXT: &str = crate::lecture::NEXT_WORD_TEXT;

/// The panel's whole state: the text and the pipeline options.
#[derive(Clone, Debug, PartialEq)]
struct PanelState {
    text: String,
    options: PipelineOptions,
    /// Lectures 9 and 11: clean, split into morphemes and drop stopwords before the tokenizer.
    korean: bool,
    /// The stopword list as the user edits it.
    stopwords: String,
}

/// What the panel shows: the Korean stages (in Korean mode) and the Keras pipeline.
#[derive(Clone, Debug, PartialEq)]
struct PanelOutput {
    korean: Option<Vec<PreprocessedLine>>,
    pipeline: PipelineOutput,
}

impl PanelState {
    fn lecture() -> Self {
        Self {
            text: LECTURE_TEXT.to_string(),
            options: PipelineOptions::default(),
            korean: false,
            stopwords: LECTURE_STOPWORDS.join(", "),
        }
    }

    /// The lecture's state, changed by the settings of a `#/tokenizer?text=…&korean=1&options=…`
    /// link.
    fn from_route() -> Self {
        let here = route::current();
        let mut state = Self::lecture();
        if here.route != route::Route::Panel(route::PanelId::Tokenizer) {
            return state;
        }
        if let Some(text) = here.param("text") {
            state.text = text.to_string();
        }
        state.korean = here.param("korean") == Some("1");
        if let Some(stopwords) = here.param("stopwords") {
            state.stopwords = stopwords.to_string();
        }
        if let Some(options) = here
            .param("options")
            .and_then(|o| serde_json::from_str(o).ok())
        {
            state.options = options;
        }
        state
    }

    fn write_route(&self) {
        route::write_panel_settings(
            route::PanelId::Tokenizer,
            &[
                ("text", self.text.clone()),
                ("korean", if self.korean { "1" } else { "0" }.into()),
                ("stopwords", self.stopwords.clone()),
                (
                    "options",
                    serde_json::to_string(&self.options).unwrap_or_default(),
                ),
            ],
        );
    }

    /// One text per line, as the lecture splits its corpus with `text.split('\n')`.
    fn lines(&self) -> Vec<String> {
        self.text.lines().map(str::to_string).collect()
    }

    /// The Keras pipeline on the text, or in Korean mode on the worker's morphemes (`None`
    /// while the worker has not answered for this text yet).
    fn run(&self, korean: Option<&KoreanAnswer>) -> Option<Result<PanelOutput, Text>> {
        // A pasted book would freeze the page's thread: bounded, with a message.
        if let Err(e) = crate::limits::check(crate::limits::Limit::CorpusBytes, self.text.len()) {
            return Some(Err(e.text()));
        }
        if !self.korean {
            let lines = self.lines();
            return Some(
                tokenize_lines(&lines, &self.options)
                    .map(|pipeline| PanelOutput {
                        korean: None,
                        pipeline,
                    })
                    .map_err(|e| e.text()),
            );
        }
        let stopwords = parse_stopwords(&self.stopwords);
        let answer = korean.filter(|a| a.lines == self.lines() && a.stopwords == stopwords)?;
        Some(match &answer.result {
            Err(e) => Err(e.clone()),
            Ok(stages) => {
                // The tokenizer gets each line's morphemes, as the lecture's X_train holds them.
                let joined: Vec<String> = stages.iter().map(|l| l.tokens.join(" ")).collect();
                tokenize_lines(&joined, &self.options)
                    .map(|pipeline| PanelOutput {
                        pipeline,
                        korean: Some(stages.clone()),
                    })
                    .map_err(|e| e.text())
            }
        })
    }
}

/// The worker's preprocessing of some lines with some stopwords.
#[derive(Clone, Debug, PartialEq)]
struct KoreanAnswer {
    lines: Vec<String>,
    stopwords: Vec<String>,
    result: Result<Vec<PreprocessedLine>, Text>,
}

#[component]
pub fn TokenizerPanel() -> impl IntoView {
    let state = RwSignal::new(PanelState::from_route());
    Effect::new(move |_| state.with(PanelState::write_route));
    // Korean mode segments in a worker; it starts with the first Korean request, so the panel
    // alone (and the browser tests that mount it) need no worker.
    let korean = RwSignal::new(None::<KoreanAnswer>);
    let worker = LabWorker::lazy(
        move |msg| {
            if let FromWorker::Tokenizer(TokenizerReply::Preprocessed {
                lines,
                stopwords,
                result,
            }) = msg
            {
                korean.set(Some(KoreanAnswer {
                    lines,
                    stopwords,
                    result: result.map_err(|e| e.message),
                }));
            }
        },
        |_| {},
    );
    Effect::new(move |_| {
        let (on, lines, stopwords) =
            state.with(|s| (s.korean, s.lines(), parse_stopwords(&s.stopwords)));
        if on {
            // The first Korean request also downloads the segmenter's lexicon for the worker.
            let (l, s) = (lines.clone(), stopwords.clone());
            let failed = move |message: Text| {
                korean.set(Some(KoreanAnswer {
                    lines: l.clone(),
                    stopwords: s.clone(),
                    result: Err(message),
                }))
            };
            worker.send_segmented(
                TokenizerRequest::Preprocess { lines, stopwords }.into(),
                failed,
            );
        }
    });
    let output = Memo::new(move |_| korean.with(|k| state.with(|s| s.run(k.as_ref()))));

    view! {
        <section class="panel" id="tokenizer-panel">
            <h2>{tr("토크나이저와 패딩", "Tokenizer & padding")}</h2>
            <p class="lede">
                {tr("Keras의 ", "Keras' ")} <code>"Tokenizer"</code> {tr(" 와 ", " and ")} <code>"pad_sequences"</code>
                {tr("를 그대로 따릅니다. 문장을 고치면 아래 표가 바로 바뀝니다.", " exactly: edit the sentences and the tables below follow at once.")}
            </p>
            <div class="panel-body">
                <div class="controls">
                    <CorpusInput state/>
                    <KoreanOptions state/>
                    <TokenizerOptions state/>
                    <PaddingOptions state output/>
                </div>
                <div class="results">
                    {move || match output.get() {
                        Some(Ok(out)) => view! {
                            {out.korean.map(|lines| view! { <KoreanStages lines/> })}
                            <Results out=out.pipeline/>
                        }.into_any(),
                        Some(Err(e)) => view! { <p class="error" role="alert">{move || shown(&e)}</p> }.into_any(),
                        None => view! { <p class="hint" id="korean-pending">{tr("형태소 분석 중…", "segmenting…")}</p> }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
}

#[component]
fn CorpusInput(state: RwSignal<PanelState>) -> impl IntoView {
    view! {
        <label class="field">
            <span>{tr("텍스트", "one text per line")}</span>
            <textarea
                id="text-input"
                rows="6"
                spellcheck="false"
                prop:value=move || state.with(|s| s.text.clone())
                on:input=move |ev| state.update(|s| s.text = event_target_value(&ev))
            ></textarea>
        </label>
        <button class="link" on:click=move |_| state.update(|s| s.text = LECTURE_TEXT.to_string())>
            {tr("강의 예문으로 되돌리기", "lecture text")}
        </button>
    }
}

#[component]
fn KoreanOptions(state: RwSignal<PanelState>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{tr("한국어 전처리", "Korean (lectures 9, 11)")}</legend>
            <label class="check">
                <input
                    id="korean-mode"
                    type="checkbox"
                    prop:checked=move || state.with(|s| s.korean)
                    on:change=move |ev| state.update(|s| s.korean = event_target_checked(&ev))
                />
                {tr("정제 → 형태소 → 불용어", "clean, morphemes (Okt), stopwords")}
            </label>
            <button id="korean-example" class="link" on:click=move |_| state.update(|s| {
                s.text = KOREAN_EXAMPLE.to_string();
                s.korean = true;
            })>{tr("리뷰 예문", "review example")}</button>
            <label class="field">
                <span>{tr("불용어", "stopwords")}</span>
                <textarea
                    id="stopwords"
                    rows="2"
                    spellcheck="false"
                    prop:value=move || state.with(|s| s.stopwords.clone())
                    on:input=move |ev| state.update(|s| s.stopwords = event_target_value(&ev))
                ></textarea>
            </label>
        </fieldset>
    }
}

/// Each line's stages: the cleaned text, then every word with its morpheme boundaries, the
/// stopwords struck through.
#[component]
fn KoreanStages(lines: Vec<PreprocessedLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|line| {
            let stop: std::collections::HashSet<String> = line
                .words
                .iter()
                .flatten()
                .filter(|m| !line.tokens.contains(m))
                .cloned()
                .collect();
            let words = line
                .words
                .into_iter()
                .map(|morphs| {
                    let parts = morphs
                        .into_iter()
                        .map(|m| {
                            let is_stop = stop.contains(&m);
                            view! { <span class="morph" class:stop=is_stop>{m}</span> }
                        })
                        .collect_view();
                    view! { <span class="eojeol">{parts}</span> }
                })
                .collect_view();
            view! {
                <li>
                    <div class="clean"><code>"re.sub → "</code>{line.clean}</div>
                    <div class="morphs">{words}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{tr("정제와 형태소", "cleaned text and morphemes")}</h3>
        <ol id="korean-lines" class="korean-lines">{rows}</ol>
        <p class="legend">
            <span class="morph">"형태소"</span>{tr(" 경계", "boundaries inside each word; ")}
            <span class="morph stop">"불용어"</span>{tr(": 토크나이저 전에 지운 불용어", " stopwords removed before the tokenizer")}
        </p>
    }
}

#[component]
fn TokenizerOptions(state: RwSignal<PanelState>) -> impl IntoView {
    let num_words = move || {
        state.with(|s| {
            s.options
                .tokenizer
                .num_words
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
    };
    let oov = move || state.with(|s| s.options.tokenizer.oov_token.clone().unwrap_or_default());
    view! {
        <fieldset>
            <legend>"Tokenizer"</legend>
            <label class="field inline">
                <code>"num_words"</code>
                <input
                    id="num-words"
                    type="number"
                    min="0"
                    placeholder="None"
                    prop:value=num_words
                    on:input=move |ev| {
                        // An empty box is Keras' None; anything unparsable also means "no limit".
                        let n = event_target_value(&ev).trim().parse::<usize>().ok();
                        state.update(|s| s.options.tokenizer.num_words = n);
                    }
                />
            </label>
            <label class="field inline">
                <code>"oov_token"</code>
                <input
                    id="oov-token"
                    type="text"
                    placeholder="None"
                    prop:value=oov
                    on:input=move |ev| {
                        let t = event_target_value(&ev);
                        state.update(|s| s.options.tokenizer.oov_token = (!t.is_empty()).then_some(t));
                    }
                />
            </label>
            <label class="check">
                <input
                    id="lower"
                    type="checkbox"
                    prop:checked=move || state.with(|s| s.options.tokenizer.lower)
                    on:change=move |ev| state.update(|s| s.options.tokenizer.lower = event_target_checked(&ev))
                />
                <code>"lower"</code>
            </label>
            <label class="check">
                <input
                    id="char-level"
                    type="checkbox"
                    prop:checked=move || state.with(|s| s.options.tokenizer.char_level)
                    on:change=move |ev| state.update(|s| s.options.tokenizer.char_level = event_target_checked(&ev))
                />
                <code>"char_level"</code>
            </label>
            <label class="check">
                <input
                    id="ngrams"
                    type="checkbox"
                    prop:checked=move || state.with(|s| s.options.ngrams)
                    on:change=move |ev| state.update(|s| s.options.ngrams = event_target_checked(&ev))
                />
                {tr("8강: 앞부분 샘플", "prefix samples, X and y")}
            </label>
        </fieldset>
    }
}

/// A pre/post switch, shown as two toggle buttons.
#[component]
fn SideToggle(
    id: &'static str,
    label: &'static str,
    get: Signal<Side>,
    set: Callback<Side>,
) -> impl IntoView {
    let button = move |side: Side| {
        view! {
            <button
                id=format!("{id}-{side}")
                class="toggle"
                class:active=move || get.get() == side
                aria-pressed=move || (get.get() == side).to_string()
                on:click=move |_| set.run(side)
            >
                {side.to_string()}
            </button>
        }
    };
    view! {
        <div class="field inline">
            <code>{label}</code>
            <span class="toggles">{button(Side::Pre)}{button(Side::Post)}</span>
        </div>
    }
}

#[component]
fn PaddingOptions(
    state: RwSignal<PanelState>,
    output: Memo<Option<Result<PanelOutput, Text>>>,
) -> impl IntoView {
    let longest = move || {
        output.with(|o| match o {
            Some(Ok(o)) => o.pipeline.max_len,
            _ => 0,
        })
    };
    let maxlen = move || state.with(|s| s.options.pad.maxlen);
    let slider_max = move || longest().max(maxlen().unwrap_or(0)).max(1) + 4;
    view! {
        <fieldset>
            <legend>"pad_sequences"</legend>
            <SideToggle
                id="padding"
                label="padding"
                get=Signal::derive(move || state.with(|s| s.options.pad.padding))
                set=Callback::new(move |side| state.update(|s| s.options.pad.padding = side))
            />
            <SideToggle
                id="truncating"
                label="truncating"
                get=Signal::derive(move || state.with(|s| s.options.pad.truncating))
                set=Callback::new(move |side| state.update(|s| s.options.pad.truncating = side))
            />
            <label class="field">
                <span>
                    <code>"maxlen"</code> " = "
                    <strong id="maxlen-value">
                        {move || match maxlen() {
                            Some(n) => n.to_string(),
                            None => format!("None ({})", longest()),
                        }}
                    </strong>
                </span>
                <input
                    id="maxlen"
                    type="range"
                    min="1"
                    max=move || slider_max().to_string()
                    prop:value=move || maxlen().unwrap_or_else(longest).to_string()
                    on:input=move |ev| {
                        let n = event_target_value(&ev).parse::<usize>().ok();
                        state.update(|s| s.options.pad.maxlen = n);
                    }
                />
            </label>
            <button
                class="link"
                id="maxlen-auto"
                on:click=move |_| state.update(|s| s.options.pad.maxlen = None)
            >
                {tr("maxlen = None (가장 긴 길이)", "maxlen = None (longest)")}
            </button>
        </fieldset>
    }
}

#[component]
fn Results(out: PipelineOutput) -> impl IntoView {
    let vocab_size = out.vocab_size;
    let word_rows = out
        .word_index
        .iter()
        .map(|(word, &index)| {
            let count = out.word_counts.get(word).copied();
            view! {
                <tr data-word=word.clone()>
                    <td class="num">{index}</td>
                    <td class="word">{display_token(word)}</td>
                    <td class="num">{count.map(|c| c.to_string()).unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let sequences = out
        .sequences
        .iter()
        .map(|s| view! { <li><code>{format!("{s:?}")}</code></li> })
        .collect_view();
    let has_y = out.y.is_some();
    let width = out.padded.first().map_or(0, Vec::len);
    let padded_rows = out
        .padded
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(j, &v)| {
                    view! {
                        <td class="cell" class:pad=v == 0 class:label=has_y && j + 1 == width>
                            {v}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let y_line = out.y.as_ref().map(|y| {
        view! {
            <p class="formula" id="y-values">
                <code>"y = sequences[:, -1] = "</code>
                <code>{format!("{y:?}")}</code>
            </p>
        }
    });
    view! {
        <p class="formula">
            <code>"vocab_size = len(word_index) + 1 = "</code>
            <strong id="vocab-size">{vocab_size}</strong>
        </p>
        <div class="result-grid">
            <div>
                <h3><code>"word_index"</code></h3>
                <table id="word-index" class="data">
                    <thead><tr><th>"index"</th><th>"word"</th><th>"count"</th></tr></thead>
                    <tbody>{word_rows}</tbody>
                </table>
            </div>
            <div>
                <h3><code>"texts_to_sequences"</code> {has_y.then_some(" → prefix samples")}</h3>
                <ol id="sequences" class="sequences">{sequences}</ol>
                <h3>
                    <code>"pad_sequences"</code>
                    <span class="dim">{format!(" {} × {}", out.padded.len(), width)}</span>
                </h3>
                <table id="padded" class="matrix">
                    <tbody>{padded_rows}</tbody>
                </table>
                {y_line}
                {has_y.then(|| view! {
                    <p class="legend">
                        <span class="swatch label"></span>
                        {tr(" y: 마지막 열, 맞혀야 할 다음 단어", "the last column, the next word to predict. ")}
                        <span class="swatch pad"></span>
                        {tr(" 0: 패딩", "padding")}
                    </p>
                })}
            </div>
        </div>
    }
}

/// Make whitespace tokens (character level) visible in the table.
fn display_token(token: &str) -> String {
    match token {
        " " => "␣".to_string(),
        "\t" => "⇥".to_string(),
        other => other.to_string(),
    }
}
