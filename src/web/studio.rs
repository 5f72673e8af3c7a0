//! "문장 생성 스튜디오 · Text-generation studio" (lectures 7–8): train the next-word model in a
//! web worker while the page stays responsive, watch the curves, then generate.
//!
//! The page only holds settings and what the worker reported; training, the chart geometry
//! ([`crate::plot`]) and generation all run in the core.

use super::i18n::{shown, tr};
use crate::i18n::Text;
use gloo_worker::WorkerBridge;
use leptos::prelude::*;

use super::keras_worker::ReadModel;
use super::model_file::{DownloadKeras, ModelFileDrop, download};
use super::protocol::{
    FromWorker, StudioReply, StudioRequest, TeacherForcingReply, TeacherForcingRequest, ToWorker,
    WorkerReply, WorkerRequest,
};
use super::route;
use super::worker::TrainWorker;
use crate::generate::GenerationStep;
use crate::plot::{LineChart, Series};
use crate::teacher_forcing::{Seq2SeqConfig, StepView};
use crate::text::TokenizerConfig;
use crate::textgen::TextgenConfig;
use crate::train::EpochLogs;

/// One training run, as it arrives from the worker.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Run {
    label: String,
    planned: usize,
    epochs: Vec<EpochLogs>,
}

#[derive(Clone, Debug, PartialEq)]
enum Status {
    /// The worker's module is still loading.
    Loading,
    /// A model file was loaded (ready to generate).
    Loaded,
    Idle,
    Training,
    Stopped(usize),
    Done {
        epochs: usize,
        seconds: f64,
    },
    Failed(Text),
}

impl Status {
    fn key(&self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Loaded => "loaded",
            Status::Idle => "idle",
            Status::Training => "training",
            Status::Stopped(_) => "stopped",
            Status::Done { .. } => "done",
            Status::Failed(_) => "failed",
        }
    }
}

/// What a shared link carries: the corpus and the settings, not the weights.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct SharedState {
    text: String,
    config: TextgenConfig,
}

const SHARE_PREFIX: &str = "#studio=";

impl SharedState {
    fn to_hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{SHARE_PREFIX}{}", js_sys::encode_uri_component(&json))
    }

    fn from_hash(hash: &str) -> Option<Self> {
        let encoded = hash.strip_prefix(SHARE_PREFIX)?;
        let json: String = js_sys::decode_uri_component(encoded).ok()?.into();
        serde_json::from_str(&json).ok()
    }
}

/// The last finished or stopped run, kept in the browser's localStorage so that a reload (or
/// a closed tab) does not lose it: the corpus, the settings, the curves and the weights.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct SavedRun {
    text: String,
    config: TextgenConfig,
    runs: Vec<Run>,
    /// The model file (safetensors with model.json inside), base64.
    model_file: String,
}

const SAVED_RUN_KEY: &str = "rnn-playground/studio-last-run";

/// Run `f` in a later task of the page's event loop (a 0 ms timer), not in the current one.
fn later(f: impl FnOnce() + 'static) {
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
        wasm_bindgen::JsCast::unchecked_ref(&callback),
        0,
    );
}

impl SavedRun {
    fn store(&self) {
        let Ok(Some(storage)) = window().local_storage() else {
            return;
        };
        let json = serde_json::to_string(self).unwrap_or_default();
        // Over the browser's quota (a few MB) the run is simply not kept: the page says so.
        if storage.set_item(SAVED_RUN_KEY, &json).is_err() {
            let _ = storage.remove_item(SAVED_RUN_KEY);
            leptos::logging::warn!(
                "the run is too large to keep across reloads ({} bytes)",
                json.len()
            );
        }
    }

    fn restore() -> Option<(Self, Vec<u8>)> {
        use base64::Engine;
        let storage = window().local_storage().ok()??;
        let json = storage.get_item(SAVED_RUN_KEY).ok()??;
        let saved: SavedRun = serde_json::from_str(&json).ok()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&saved.model_file)
            .ok()?;
        Some((saved, bytes))
    }

    fn forget() {
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.remove_item(SAVED_RUN_KEY);
        }
    }
}

use super::parallel::default_workers;
use super::threads::MAX_WORKERS;

/// `?test-hooks` in the address shows controls that only the end-to-end tests use.
fn test_hooks() -> bool {
    window()
        .location()
        .search()
        .is_ok_and(|q| q.contains("test-hooks"))
}

/// Runs kept on the chart for comparison.
const MAX_RUNS: usize = 4;

fn run_label(config: &TextgenConfig) -> String {
    format!(
        "{} lr={} seed={}",
        config.cell.keras_name(),
        config.learning_rate,
        config.seed
    )
}

/// The chart of every kept run: loss solid, accuracy dashed.
fn chart(runs: &[Run]) -> String {
    let mut series = Vec::new();
    for run in runs {
        series.push(Series {
            name: format!("loss · {}", run.label),
            points: run
                .epochs
                .iter()
                .map(|e| (e.epoch as f32, e.loss))
                .collect(),
            dashed: false,
        });
        series.push(Series {
            name: format!("accuracy · {}", run.label),
            points: run
                .epochs
                .iter()
                .map(|e| (e.epoch as f32, e.accuracy))
                .collect(),
            dashed: true,
        });
    }
    LineChart {
        x_label: "epoch".into(),
        y_label: "loss / accuracy".into(),
        series,
        log_y: false,
    }
    .to_svg(640.0, 300.0)
}

#[component]
pub fn StudioPanel() -> impl IntoView {
    // A shared link (#/studio?share=… or the older #studio=…) restores its corpus and settings.
    let shared = window()
        .location()
        .hash()
        .ok()
        .and_then(|h| SharedState::from_hash(&h))
        .or_else(|| {
            route::current()
                .param("share")
                .and_then(|json| serde_json::from_str(json).ok())
        });
    let from_shared_link = shared.is_some();
    let text = RwSignal::new(
        shared
            .as_ref()
            .map_or_else(|| super::LECTURE_TEXT.to_string(), |s| s.text.clone()),
    );
    let config = RwSignal::new(shared.map(|s| s.config).unwrap_or_else(|| TextgenConfig {
        workers: default_workers(),
        ..TextgenConfig::default()
    }));
    let share_url = RwSignal::new(String::new());
    let runs = RwSignal::new(Vec::<Run>::new());
    let status = RwSignal::new(Status::Loading);
    let summary = RwSignal::new(String::new());
    let generated = RwSignal::new(String::new());
    let steps = RwSignal::new(Vec::<GenerationStep>::new());
    let seed_text = RwSignal::new("가는".to_string());
    let temperature = RwSignal::new(0.0f32);
    let stateful = RwSignal::new(false);
    // The last trained model as one file, for Save.
    let trained_model = RwSignal::new(None::<Vec<u8>>);
    let words = RwSignal::new(5usize);
    // Lecture 7: teacher forcing vs free running.
    let tf_ratio = RwSignal::new(1.0f32);
    let tf_epochs = RwSignal::new(150usize);
    let tf_runs = RwSignal::new(Vec::<LossRun>::new());
    let tf_compare = RwSignal::new(None::<Comparison>);
    // Between Reset and the worker's answer, messages of the forgotten run are dropped.
    let resetting = RwSignal::new(false);
    // The worker's wasm memory after the last Reset (shown for the end-to-end test).
    let worker_memory = RwSignal::new(None::<usize>);
    let resets_done = RwSignal::new(0usize);
    // Epochs of the run brought back from localStorage, if any.
    let restored = RwSignal::new(None::<usize>);
    let keep_run = move |model_file: &[u8]| {
        let mut saved = SavedRun {
            text: text.get_untracked(),
            config: config.get_untracked(),
            runs: runs.get_untracked(),
            model_file: String::new(),
        };
        let bytes = model_file.to_vec();
        // In a task of its own: encoding the run and writing localStorage is the largest piece
        // of main-thread work when a run ends, and the page's frame should not wait for it.
        later(move || {
            use base64::Engine;
            saved.model_file = base64::engine::general_purpose::STANDARD.encode(&bytes);
            saved.store();
        });
    };

    // The worker is started on first use and kept; the bridge is not Send, hence local.
    let bridge = StoredValue::new_local(None::<WorkerBridge<TrainWorker>>);
    // The tag of the worker now in `bridge` (its trap reports carry it).
    let worker_tag = StoredValue::new(0u32);
    // Data parallelism: the run's other replica workers (the one in `bridge` is replica 0,
    // which reports to the page), with their tags.
    let replicas = super::parallel::Replicas::new();
    let drop_replicas = move || replicas.clear();
    let on_studio = move |reply: StudioReply| match reply {
        StudioReply::Started { .. }
        | StudioReply::Progress { .. }
        | StudioReply::Finished { .. }
        | StudioReply::Stopped { .. }
            if resetting.get_untracked() => {}
        StudioReply::ResetDone { memory_bytes } => {
            resetting.set(false);
            worker_memory.set(Some(memory_bytes));
            resets_done.update(|n| *n += 1);
        }
        StudioReply::Started { summary: s, .. } => {
            summary.set(s);
            status.set(Status::Training);
        }
        StudioReply::Progress { epochs } => runs.update(|r| {
            if let Some(run) = r.last_mut() {
                run.epochs.extend(epochs);
            }
        }),
        StudioReply::Finished {
            epochs,
            seconds,
            model_file,
        } => {
            drop_replicas();
            status.set(Status::Done { epochs, seconds });
            keep_run(&model_file);
            trained_model.set(Some(model_file));
        }
        StudioReply::Loaded { summary: s } => {
            summary.set(s);
            status.set(Status::Loaded);
        }
        StudioReply::Stopped { epoch, model_file } => {
            status.set(Status::Stopped(epoch));
            keep_run(&model_file);
            trained_model.set(Some(model_file));
        }
        StudioReply::Generated { text, steps: s } => {
            generated.set(text);
            steps.set(s);
        }
        StudioReply::Failed(error) => status.set(Status::Failed(error.message)),
    };
    let on_teacher_forcing = move |reply: TeacherForcingReply| match reply {
        TeacherForcingReply::Progress { losses } => tf_runs.update(|r| {
            if let Some(run) = r.last_mut() {
                run.1.extend(losses);
            }
        }),
        TeacherForcingReply::Comparison {
            index,
            sentences,
            forced,
            free,
            divergence,
        } => tf_compare.set(Some(Comparison {
            index,
            sentences,
            forced,
            free,
            divergence,
        })),
        TeacherForcingReply::Failed(error) => status.set(Status::Failed(error.message)),
    };
    let on_message = move |msg: FromWorker| match msg {
        FromWorker::Studio(reply) => on_studio(reply),
        FromWorker::TeacherForcing(reply) => on_teacher_forcing(reply),
        FromWorker::Worker(WorkerReply::Ready) if status.get_untracked() == Status::Loading => {
            status.set(Status::Idle)
        }
        FromWorker::Worker(WorkerReply::Crashed { message }) => {
            drop_replicas();
            status.set(Status::Failed(Text::new(
                format!(
                    "학습 워커가 내부 오류로 멈췄습니다: {message}. 다음 요청 때 새 워커가 시작됩니다: \
                     다시 학습을 누르세요"
                ),
                format!(
                    "the training worker crashed: {message}. \
                     A new worker starts with your next request: press Train to try again."
                ),
            )));
            // This callback runs inside the dead worker's bridge, so the bridge is dropped
            // only after it returns; `send` then starts a fresh worker.
            wasm_bindgen_futures::spawn_local(async move { bridge.set_value(None) });
        }
        // Other panels' jobs (each panel has its own worker).
        _ => {}
    };
    let send = move |msg: ToWorker| {
        bridge.update_value(|b| {
            if b.is_none() {
                let (fresh, tag) = super::faults::spawn_tagged(on_message);
                worker_tag.set_value(tag);
                // A replaced (crashed) worker took the trained model with it: hand the new
                // one the last model file, so that Generate still works.
                if !matches!(
                    msg,
                    ToWorker::Studio(StudioRequest::Train { .. } | StudioRequest::Load { .. })
                ) && let Some(bytes) = trained_model.get_untracked()
                {
                    fresh.send(StudioRequest::Load { bytes }.into());
                }
                *b = Some(fresh);
            }
            if let Some(b) = b {
                b.send(msg);
            }
        });
    };
    // Start the worker now, so its module is compiled before the first Train.
    bridge.update_value(|b| {
        let (fresh, tag) = super::faults::spawn_tagged(on_message);
        worker_tag.set_value(tag);
        *b = Some(fresh);
    });
    // A worker that dies without a panic (out of memory) says so through its fault channel;
    // any one of the replicas ends the run.
    replicas.watch_faults(worker_tag, move |message| {
        status.set(Status::Failed(message));
        drop_replicas();
        bridge.set_value(None);
    });
    let on_replica_message = move |msg: FromWorker| {
        if let Some(message) = super::parallel::replica_failure(msg) {
            status.set(Status::Failed(message));
            drop_replicas();
        }
    };
    // Stop and Resume go to every replica of the run.
    let to_replicas = move |msg: ToWorker| replicas.send_all(&msg);
    // The last run comes back after a reload (unless a shared link chose a corpus).
    if !from_shared_link && let Some((saved, bytes)) = SavedRun::restore() {
        text.set(saved.text);
        config.set(saved.config);
        restored.set(Some(saved.runs.last().map_or(0, |r| r.epochs.len())));
        runs.set(saved.runs);
        trained_model.set(Some(bytes.clone()));
        send(StudioRequest::Load { bytes }.into());
    }
    let train = move |_| {
        let c = config.get_untracked();
        runs.update(|r| {
            r.push(Run {
                label: run_label(&c),
                planned: c.epochs,
                epochs: Vec::new(),
            });
            let extra = r.len().saturating_sub(MAX_RUNS);
            r.drain(..extra);
        });
        generated.set(String::new());
        trained_model.set(None);
        status.set(Status::Training);
        // K workers: each gets the same text and settings (the same seed: the same model and
        // batches) and its place among them; they exchange their shards' gradients.
        let count = c.workers.clamp(1, MAX_WORKERS);
        let inner = TextgenConfig { workers: 1, ..c };
        // A crashed worker of the panel is replaced by `send`, after this: then no direct ports.
        let primary = bridge
            .with_value(Option::is_some)
            .then(|| worker_tag.get_value());
        let run = replicas.start(count, primary, on_replica_message);
        for index in 1..count {
            replicas.send(
                index,
                StudioRequest::Train {
                    text: text.get_untracked(),
                    config: inner.clone(),
                    replica: run.info(index),
                }
                .into(),
            );
        }
        send(
            StudioRequest::Train {
                text: text.get_untracked(),
                config: inner,
                replica: run.info(0),
            }
            .into(),
        );
    };
    let train_seq2seq = move |_| {
        let ratio = tf_ratio.get_untracked();
        tf_runs.update(|r| {
            r.push((format!("teacher forcing ratio {ratio}"), Vec::new()));
            let extra = r.len().saturating_sub(MAX_RUNS);
            r.drain(..extra);
        });
        tf_compare.set(None);
        let c = config.get_untracked();
        let seq = Seq2SeqConfig {
            cell: c.cell,
            embedding_dim: c.embedding_dim,
            hidden: c.hidden,
            seed: c.seed,
            tokenizer: c.tokenizer.clone(),
            teacher_forcing_ratio: ratio,
            ..Seq2SeqConfig::default()
        };
        send(
            TeacherForcingRequest::Train {
                text: text.get_untracked(),
                config: seq,
                epochs: tf_epochs.get_untracked(),
            }
            .into(),
        );
    };
    let generate = move |_| {
        // Clear the last result so that what appears is this request's.
        generated.set(String::new());
        steps.set(Vec::new());
        send(
            StudioRequest::Generate {
                seed_text: seed_text.get_untracked(),
                words: words.get_untracked(),
                temperature: temperature.get_untracked(),
                top_k: 0,
                seed: config.get_untracked().seed,
                stateful: stateful.get_untracked(),
            }
            .into(),
        )
    };

    let number = move |id: &'static str,
                       label: &'static str,
                       get: fn(&TextgenConfig) -> String,
                       set: fn(&mut TextgenConfig, &str)| {
        view! {
            <label class="field inline">
                <code>{label}</code>
                <input
                    id=id
                    type="text"
                    inputmode="decimal"
                    prop:value=move || config.with(get)
                    on:change=move |ev| config.update(|c| set(c, &event_target_value(&ev)))
                />
            </label>
        }
    };

    let latest = move || runs.with(|r| r.last().and_then(|run| run.epochs.last().cloned()));
    let status_line = move || {
        let planned = runs.with(|r| r.last().map_or(0, |run| run.planned));
        let workers = config.with(|c| c.workers.clamp(1, MAX_WORKERS));
        let figures = latest()
            .map(|e| {
                format!(
                    " · epoch {}/{planned} · loss {:.4} · accuracy {:.4} · {workers} worker{}{} · {:.0} samples/s",
                    e.epoch,
                    e.loss,
                    e.accuracy,
                    if workers == 1 { "" } else { "s" },
                    super::threads::status_note(workers),
                    e.samples_per_s
                )
            })
            .unwrap_or_default();
        match status.get() {
            Status::Loading => "워커 준비 중 · loading the worker".to_string(),
            Status::Loaded => "모델을 불러왔습니다 · model loaded".to_string(),
            Status::Idle => "준비 · ready".to_string(),
            Status::Training => format!("학습 중 · training{figures}"),
            Status::Stopped(epoch) => format!("멈춤 · stopped after epoch {epoch}{figures}"),
            Status::Done { epochs, seconds } => {
                format!(
                    "완료 · done: {epochs} epochs in {:.3} s of worker time{figures}",
                    seconds
                )
            }
            Status::Failed(_) => "오류 · error".to_string(),
        }
    };

    view! {
            <section class="panel" id="studio-panel">
                <h2>{tr("문장 생성 스튜디오", "Text-generation studio")}</h2>
                <p class="lede">
                    {tr("7–8강: 다음 단어를 맞히는 RNN을 웹 워커에서 학습합니다. 학습하는 동안에도 페이지는 멈추지 않습니다.", "Lectures 7–8: an RNN that predicts the next word trains in a web worker; the page stays responsive while it trains.")}
                </p>
                <div class="panel-body">
                    <div class="controls">
                        <div class="presets">
                            <button id="preset-lecture" class="link" on:click=move |_| {
                                text.set(super::LECTURE_TEXT.to_string());
                                config.set(TextgenConfig::default());
                                seed_text.set("가는".into());
                                words.set(5);
                            }>{tr("8강 예문", "lecture 8")}</button>
                            <button id="preset-hello" class="link" on:click=move |_| {
                                // Lecture 7: "hell" → "o", one character at a time.
                                text.set("hello\n".into());
                                config.set(TextgenConfig {
                                    tokenizer: TokenizerConfig { char_level: true, ..TokenizerConfig::default() },
                                    learning_rate: 0.01,
                                    epochs: 100,
                                    ..TextgenConfig::default()
                                });
                                seed_text.set("h".into());
                                words.set(4);
                            }>{tr("7강 hell → o", "lecture 7: hell → o")}</button>
                        </div>
                        <label class="field">
                            <span>{tr("코퍼스", "one sentence per line")}</span>
                            <textarea
                                id="studio-text"
                                rows="5"
                                spellcheck="false"
                                prop:value=move || text.get()
                                on:input=move |ev| text.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <fieldset>
                            <legend>"model"</legend>
                            <label class="field inline">
                                <code>"level"</code>
                                <select
                                    id="level"
                                    prop:value=move || if config.with(|c| c.tokenizer.char_level) { "char" } else { "word" }
                                    on:change=move |ev| {
                                        let char_level = event_target_value(&ev) == "char";
                                        config.update(|c| c.tokenizer.char_level = char_level);
                                    }
                                >
                                    <option value="word">{tr("단어", "word")}</option>
                                    <option value="char">{tr("글자", "character")}</option>
                                </select>
                            </label>
                            <label class="field inline">
                                <code>"cell"</code>
                                <select
                                    id="cell"
                                prop:value=move || config.with(|c| match c.cell {
                                    crate::nn::CellKind::SimpleRnn => "simplernn",
                                    crate::nn::CellKind::Lstm => "lstm",
                                    crate::nn::CellKind::Gru => "gru",
                                })
                                    on:change=move |ev| {
                                        if let Ok(cell) = event_target_value(&ev).parse::<crate::nn::CellKind>() {
                                            config.update(|c| c.cell = cell);
                                        }
                                    }
                                >
                                    <option value="simplernn" selected>"SimpleRNN"</option>
                                    <option value="lstm">"LSTM"</option>
                                    <option value="gru">"GRU"</option>
                                </select>
                            </label>
                            {number("embedding-dim", "embedding_dim", |c| c.embedding_dim.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.embedding_dim = n })}
                            {number("hidden", "hidden units", |c| c.hidden.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.hidden = n })}
                        </fieldset>
                        <fieldset>
                            <legend>"fit"</legend>
                            {number("epochs", "epochs", |c| c.epochs.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.epochs = n })}
                            {number("learning-rate", "learning_rate", |c| c.learning_rate.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.learning_rate = n })}
                            <label class="field inline">
                                <code>"optimizer"</code>
                                <select id="optimizer"
                                prop:value=move || config.with(|c| c.optimizer.clone()) on:change=move |ev| config.update(|c| c.optimizer = event_target_value(&ev))>
                                    <option value="adam" selected>"Adam"</option>
                                    <option value="rmsprop">"RMSprop"</option>
                                    <option value="sgd">"SGD"</option>
                                </select>
                            </label>
                            {number("seed", "seed", |c| c.seed.to_string(), |c, v| if let Ok(n) = v.trim().parse() { c.seed = n })}
                            // Data-parallel workers: the same weights as 1, up to float sums.
                            {number("workers", "workers", |c| c.workers.to_string(), |c, v| if let Ok(n) = v.trim().parse::<usize>() { c.workers = n.clamp(1, MAX_WORKERS) })}
                        </fieldset>
                        <div class="buttons">
                            <button id="train" class="primary" on:click=train disabled=move || status.get() == Status::Loading>{tr("학습", "Train")}</button>
                            <button id="stop" on:click=move |_| { to_replicas(StudioRequest::Stop.into()); send(StudioRequest::Stop.into()) } disabled=move || status.get() != Status::Training>{tr("멈춤", "Stop")}</button>
                            <button id="resume" on:click=move |_| { status.set(Status::Training); to_replicas(StudioRequest::Resume.into()); send(StudioRequest::Resume.into()) } disabled=move || !matches!(status.get(), Status::Stopped(_))>{tr("계속", "Resume")}</button>
                            <button id="share" on:click=move |_| {
                                let state = SharedState { text: text.get_untracked(), config: config.get_untracked() };
                                let location = window().location();
                                if route::current().route == route::Route::Panel(route::PanelId::Studio) {
                                    // On its own route the settings join the route's (no reload).
                                    let json = serde_json::to_string(&state).unwrap_or_default();
                                    route::write_panel_settings(route::PanelId::Studio, &[("share", json)]);
                                } else {
                                    let _ = location.set_hash(&state.to_hash());
                                }
                                share_url.set(location.href().unwrap_or_default());
                            }>{tr("링크", "Share link")}</button>
                            {test_hooks().then(|| view! {
                                <button id="test-panic" on:click=move |_| send(WorkerRequest::PanicForTest.into())>"test: panic in the worker"</button>
                                <button id="test-trap" on:click=move |_| send(WorkerRequest::TrapForTest.into())>"test: trap in the worker"</button>
                            })}
                            <button id="reset" on:click=move |_| {
                                // The worker forgets the run too; until it answers, the run's
                                // last messages are dropped.
                                resetting.set(true);
                                drop_replicas();
                                send(StudioRequest::Reset.into());
                                runs.set(Vec::new());
                                summary.set(String::new());
                                generated.set(String::new());
                                trained_model.set(None);
                                restored.set(None);
                                SavedRun::forget();
                                status.set(Status::Idle);
                            }>{tr("초기화", "Reset")}</button>
                        </div>
                    </div>
                    <div class="results">
                        {move || (!share_url.get().is_empty()).then(|| view! {
                            <input id="share-url" class="share-url" type="text" readonly prop:value=move || share_url.get()/>
                        })}
                        <p id="status" class="status" data-state=move || status.with(|s| s.key())
                            data-worker-memory=move || worker_memory.get().map(|m| m.to_string())
                            data-page-memory=move || worker_memory.get().map(|_| super::worker::wasm_memory_bytes().to_string())
                            data-resets=move || resets_done.get().to_string()>{status_line}</p>
                        {move || restored.get().map(|epochs| view! {
                            <p id="restored" class="hint">{tr("지난 학습을 다시 불러왔습니다", "your last run was restored")}{format!(" ({epochs} epochs)")}</p>
                        })}
                        {move || match status.get() {
                            Status::Failed(message) => Some(view! { <p id="studio-error" class="error" role="alert">{move || shown(&message)}</p> }),
                            _ => None,
                        }}
                        <div id="curve" class="chart" inner_html=move || runs.with(|r| chart(r))></div>
                        <div class="generate">
                            <h3>{tr("생성", "Generate")}</h3>
                            <div class="gen-controls">
                                <label class="field inline" for="seed-text">
                                    <span>{tr("시작 단어", "seed text")}</span>
                                    <input id="seed-text" type="text" prop:value=move || seed_text.get() on:input=move |ev| seed_text.set(event_target_value(&ev))/>
                                </label>
                                <label class="field inline">
                                    <code>"words"</code>
                                    <input id="words" type="number" min="1" max="100" prop:value=move || words.get().to_string()
                                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<usize>() { words.set(n.clamp(1, 100)) } }/>
                                </label>
                                <label class="field inline">
                                    <code>"temperature"</code>
                                    <input id="temperature" type="text" inputmode="decimal" prop:value=move || temperature.get().to_string()
                                        on:change=move |ev| { if let Ok(t) = event_target_value(&ev).trim().parse::<f32>() { temperature.set(t) } }/>
                                </label>
                                <button id="generate" on:click=generate disabled=move || runs.with(|r| r.is_empty()) && status.get() != Status::Loaded>{tr("생성", "Generate")}</button>
                            </div>
                            <label class="check">
                                <input id="stateful" type="checkbox" prop:checked=move || stateful.get()
                                    on:change=move |ev| stateful.set(event_target_checked(&ev))/>
                                {tr("상태를 이어 가며 한 단어씩", "stateful: feed one token, carry the hidden state")}
                            </label>
                            <p class="hint">{tr("temperature 0 = greedy (강의의 sentence_generation: 매번 앞부분 전체를 다시 계산)", "temperature 0 = greedy (the lecture's sentence_generation: the whole prefix is read again for every word)")}</p>
                            <p id="generated" class="generated">{move || generated.get()}</p>
                            <ol id="steps" class="steps">
                                {move || steps.get().into_iter().map(|step| view! { <StepBars step/> }).collect_view()}
                            </ol>
    {move || trained_model.with(|m| m.as_ref().map(|bytes| bytes.len())).map(|size| view! {
                                <p class="hint">
                                    <button id="save-model" class="link" on:click=move |_| {
                                        trained_model.with_untracked(|m| if let Some(bytes) = m { download(bytes, "rnn-playground-model.safetensors") });
                                    }>{tr("모델 저장", "Save model")}</button>
                                    <span id="weights-size">{format!(" ({size} bytes: weights and model.json in one safetensors file)")}</span>
                                    " · "
                                    <DownloadKeras id="save-keras" model=trained_model stem="rnn-playground-model"/>
                                </p>
                            })}
                            <div class="hint">
                                {tr("모델 불러오기", "Load a model: ")}
                                <ModelFileDrop id="load-model" on_model=Callback::new(move |m: ReadModel| { trained_model.set(Some(m.file.clone())); send(StudioRequest::Load { bytes: m.file }.into()) })/>
                            </div>
                        </div>
                        <details open=move || !summary.get().is_empty()>
                            <summary><code>"model.summary()"</code></summary>
                            <pre id="summary" class="summary" tabindex="0">{move || summary.get()}</pre>
                        </details>
                    </div>
                </div>
                <TeacherForcing tf_ratio tf_epochs tf_runs tf_compare train=Callback::new(train_seq2seq) compare=Callback::new(move |index| send(TeacherForcingRequest::Compare { index }.into()))/>
            </section>
        }
}

/// One generation step: the chosen word and its top candidates as bars.
#[component]
fn StepBars(step: GenerationStep) -> impl IntoView {
    let chosen = step.word.clone();
    let bars = step
        .top
        .into_iter()
        .map(|(word, p)| {
            let is_chosen = word == chosen;
            view! {
                <li class="bar" class:chosen=is_chosen>
                    <span class="bar-word">{word}</span>
                    <span class="bar-track"><span class="bar-fill" style=format!("width: {:.1}%", p * 100.0)></span></span>
                    <span class="bar-p">{format!("{:.1}%", p * 100.0)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="step">
            <strong class="step-word">{step.word}</strong>
            <ul class="bars">{bars}</ul>
        </li>
    }
}

/// A named loss curve: `(label, [(epoch, loss)])`.
type LossRun = (String, Vec<(usize, f32)>);

/// Both runs over one sentence, as the worker reported them.
#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    index: usize,
    sentences: usize,
    forced: Vec<StepView>,
    free: Vec<StepView>,
    divergence: Option<usize>,
}

/// Lecture 7, side by side: the left column feeds the true word at every step, the right one
/// feeds the model's own previous prediction.
#[component]
fn TeacherForcing(
    tf_ratio: RwSignal<f32>,
    tf_epochs: RwSignal<usize>,
    tf_runs: RwSignal<Vec<LossRun>>,
    tf_compare: RwSignal<Option<Comparison>>,
    train: Callback<leptos::ev::MouseEvent>,
    compare: Callback<usize>,
) -> impl IntoView {
    let curve = move || {
        tf_runs.with(|runs| {
            let series = runs
                .iter()
                .map(|(name, points)| Series {
                    name: format!("loss · {name}"),
                    points: points.iter().map(|(e, l)| (*e as f32, *l)).collect(),
                    dashed: false,
                })
                .collect();
            LineChart {
                x_label: "epoch".into(),
                y_label: "loss".into(),
                series,
                log_y: false,
            }
            .to_svg(560.0, 240.0)
        })
    };
    let column = move |title: (&'static str, &'static str), id: &'static str, forced: bool| {
        view! {
            <div class="tf-column">
                <h4>{tr(title.0, title.1)}</h4>
                <table id=id class="data">
                    <thead><tr><th>"t"</th><th>{tr("입력", "input")}</th><th>{tr("예측", "predicted")}</th><th>{tr("정답", "expected")}</th><th></th></tr></thead>
                    <tbody>
                        {move || tf_compare.get().map(|c| {
                            let rows = if forced { c.forced.clone() } else { c.free.clone() };
                            rows.into_iter().enumerate().map(|(t, v)| {
                                let diverge = c.divergence == Some(t);
                                view! {
                                    <tr class:wrong=!v.correct class:diverge=diverge>
                                        <td class="num">{t + 1}</td>
                                        <td>{v.input}</td>
                                        <td>{format!("{} ({:.0}%)", v.predicted, v.probability * 100.0)}</td>
                                        <td>{v.expected}</td>
                                        <td>{if v.correct { "✓" } else { "✗" }}</td>
                                    </tr>
                                }
                            }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <div class="tf" id="teacher-forcing">
            <h3>{tr("교사 강요 vs 자유 생성 (7강)", "Teacher forcing vs free running (lecture 7)")}</h3>
            <p class="hint">
                {tr("훈련할 때는 정답 단어를 다음 입력으로 넣고(teacher forcing), 생성할 때는 모델이 예측한 단어를 넣습니다. many-to-many 모델(return_sequences + TimeDistributed Dense)로 두 방식을 나란히 봅니다.", "Training feeds the true word as the next input (teacher forcing); generating feeds the model's own prediction. A many-to-many model (return_sequences + TimeDistributed Dense) shows the two side by side.")}
            </p>
            <div class="gen-controls">
                <label class="field inline">
                    <code>"teacher_forcing_ratio"</code>
                    <input id="tf-ratio" type="text" inputmode="decimal" prop:value=move || tf_ratio.get().to_string()
                        on:change=move |ev| { if let Ok(r) = event_target_value(&ev).trim().parse::<f32>() { tf_ratio.set(r) } }/>
                </label>
                <label class="field inline">
                    <code>"epochs"</code>
                    <input id="tf-epochs" type="text" inputmode="numeric" prop:value=move || tf_epochs.get().to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse::<usize>() { tf_epochs.set(n.clamp(1, 10_000)) } }/>
                </label>
                <button id="tf-train" on:click=move |ev| train.run(ev)>{tr("학습", "Train")}</button>
            </div>
            <div id="tf-curve" class="chart" inner_html=curve></div>
            {move || tf_compare.get().map(|c| {
                let buttons = (0..c.sentences).map(|i| view! {
                    <button class="toggle" class:active=c.index == i id=format!("tf-sentence-{}", i + 1) on:click=move |_| compare.run(i)>
                        {format!("{}", i + 1)}
                    </button>
                }).collect_view();
                let note = match c.divergence {
                    Some(t) => Text::new(format!("t = {}에서 처음 갈라집니다", t + 1), format!("the runs first diverge at step {}", t + 1)),
                    None => Text::new("두 방식의 예측이 모두 같습니다", "both runs predict the same words"),
                };
                view! {
                    <div class="field inline"><span>{tr("문장", "sentence")}</span><span class="toggles">{buttons}</span></div>
                    <p id="tf-divergence" class="hint">{move || shown(&note)}</p>
                }
            })}
            <div class="tf-columns">
                {column(("교사 강요", "teacher forcing"), "tf-forced", true)}
                {column(("자유 생성", "free running"), "tf-free", false)}
            </div>
        </div>
    }
}
