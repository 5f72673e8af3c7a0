//! The studio's state: what the worker reported (runs, status, summary, generation), the
//! settings, the teacher-forcing comparison, and what is kept across reloads and shared links.
//! Plain types and their methods; the views only read them.

use leptos::prelude::*;

use crate::generate::GenerationStep;
use crate::i18n::Text;
use crate::plot::{LineChart, Series};
use crate::teacher_forcing::StepView;
use crate::text::TokenizerConfig;
use crate::textgen::TextgenConfig;
use crate::train::EpochLogs;
use crate::web::protocol::{StudioReply, TeacherForcingReply};
use crate::web::threads::MAX_WORKERS;

/// One training run, as it arrives from the worker.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    pub label: String,
    pub planned: usize,
    pub epochs: Vec<EpochLogs>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
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
    pub fn key(&self) -> &'static str {
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
pub struct SharedState {
    pub text: String,
    pub config: TextgenConfig,
}

const SHARE_PREFIX: &str = "#studio=";

impl SharedState {
    pub fn to_hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{SHARE_PREFIX}{}", js_sys::encode_uri_component(&json))
    }

    pub fn from_hash(hash: &str) -> Option<Self> {
        let encoded = hash.strip_prefix(SHARE_PREFIX)?;
        let json: String = js_sys::decode_uri_component(encoded).ok()?.into();
        serde_json::from_str(&json).ok()
    }

    /// The link's corpus and settings: `#/studio?share=…`, or the older `#studio=…`.
    pub fn from_location() -> Option<Self> {
        window()
            .location()
            .hash()
            .ok()
            .and_then(|h| SharedState::from_hash(&h))
            .or_else(|| {
                crate::web::route::current()
                    .param("share")
                    .and_then(|json| serde_json::from_str(json).ok())
            })
    }
}

/// The last finished or stopped run, kept in the browser's localStorage so that a reload (or
/// a closed tab) does not lose it: the corpus, the settings, the curves and the weights.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedRun {
    pub text: String,
    pub config: TextgenConfig,
    pub runs: Vec<Run>,
    /// The model file (safetensors with model.json inside), base64.
    pub model_file: String,
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

    pub fn restore() -> Option<(Self, Vec<u8>)> {
        use base64::Engine;
        let storage = window().local_storage().ok()??;
        let json = storage.get_item(SAVED_RUN_KEY).ok()??;
        let saved: SavedRun = serde_json::from_str(&json).ok()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&saved.model_file)
            .ok()?;
        Some((saved, bytes))
    }

    pub fn forget() {
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.remove_item(SAVED_RUN_KEY);
        }
    }
}

/// `?test-hooks` in the address shows controls that only the end-to-end tests use.
pub fn test_hooks() -> bool {
    window()
        .location()
        .search()
        .is_ok_and(|q| q.contains("test-hooks"))
}

/// Runs kept on the chart for comparison.
pub const MAX_RUNS: usize = 4;

fn run_label(config: &TextgenConfig) -> String {
    format!(
        "{} lr={} seed={}",
        config.cell.keras_name(),
        config.learning_rate,
        config.seed
    )
}

/// The chart of every kept run: loss solid, accuracy dashed.
pub fn chart(runs: &[Run]) -> String {
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

/// The next-word model's side of the studio (lecture 8): settings and what the worker said.
#[derive(Clone, Copy)]
pub struct Studio {
    pub text: RwSignal<String>,
    pub config: RwSignal<TextgenConfig>,
    pub share_url: RwSignal<String>,
    pub runs: RwSignal<Vec<Run>>,
    pub status: RwSignal<Status>,
    pub summary: RwSignal<String>,
    pub generated: RwSignal<String>,
    pub steps: RwSignal<Vec<GenerationStep>>,
    pub seed_text: RwSignal<String>,
    pub temperature: RwSignal<f32>,
    pub stateful: RwSignal<bool>,
    /// The last trained model as one file, for Save.
    pub trained_model: RwSignal<Option<Vec<u8>>>,
    pub words: RwSignal<usize>,
    /// Between Reset and the worker's answer, messages of the forgotten run are dropped.
    pub resetting: RwSignal<bool>,
    /// The worker's wasm memory after the last Reset (shown for the end-to-end test).
    pub worker_memory: RwSignal<Option<usize>>,
    pub resets_done: RwSignal<usize>,
    /// Epochs of the run brought back from localStorage, if any.
    pub restored: RwSignal<Option<usize>>,
}

impl Studio {
    /// The lecture's corpus and default settings, or a shared link's.
    pub fn new(shared: Option<SharedState>) -> Self {
        Self {
            text: RwSignal::new(
                shared
                    .as_ref()
                    .map_or_else(|| crate::web::LECTURE_TEXT.to_string(), |s| s.text.clone()),
            ),
            config: RwSignal::new(shared.map(|s| s.config).unwrap_or_else(|| TextgenConfig {
                workers: crate::web::parallel::default_workers(),
                ..TextgenConfig::default()
            })),
            share_url: RwSignal::new(String::new()),
            runs: RwSignal::new(Vec::new()),
            status: RwSignal::new(Status::Loading),
            summary: RwSignal::new(String::new()),
            generated: RwSignal::new(String::new()),
            steps: RwSignal::new(Vec::new()),
            seed_text: RwSignal::new("가는".to_string()),
            temperature: RwSignal::new(0.0),
            stateful: RwSignal::new(false),
            trained_model: RwSignal::new(None),
            words: RwSignal::new(5),
            resetting: RwSignal::new(false),
            worker_memory: RwSignal::new(None),
            resets_done: RwSignal::new(0),
            restored: RwSignal::new(None),
        }
    }

    /// The saved run, brought back after a reload: its model file, for the worker.
    pub fn restore(&self, saved: SavedRun, bytes: &[u8]) {
        self.text.set(saved.text);
        self.config.set(saved.config);
        self.restored
            .set(Some(saved.runs.last().map_or(0, |r| r.epochs.len())));
        self.runs.set(saved.runs);
        self.trained_model.set(Some(bytes.to_vec()));
    }

    /// Keep the run (corpus, settings, curves, weights) across reloads.
    fn keep_run(&self, model_file: &[u8]) {
        let mut saved = SavedRun {
            text: self.text.get_untracked(),
            config: self.config.get_untracked(),
            runs: self.runs.get_untracked(),
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
    }

    /// A new run on the chart (the oldest beyond [`MAX_RUNS`] goes): the settings it trains
    /// with.
    pub fn start_run(&self) -> TextgenConfig {
        let c = self.config.get_untracked();
        self.runs.update(|r| {
            r.push(Run {
                label: run_label(&c),
                planned: c.epochs,
                epochs: Vec::new(),
            });
            let extra = r.len().saturating_sub(MAX_RUNS);
            r.drain(..extra);
        });
        self.generated.set(String::new());
        self.trained_model.set(None);
        self.status.set(Status::Training);
        c
    }

    /// Forget the runs, the model and the saved run.
    pub fn reset(&self) {
        self.resetting.set(true);
        self.runs.set(Vec::new());
        self.summary.set(String::new());
        self.generated.set(String::new());
        self.trained_model.set(None);
        self.restored.set(None);
        SavedRun::forget();
        self.status.set(Status::Idle);
    }

    /// Lecture 8's example.
    pub fn preset_lecture(&self) {
        self.text.set(crate::web::LECTURE_TEXT.to_string());
        self.config.set(TextgenConfig::default());
        self.seed_text.set("가는".into());
        self.words.set(5);
    }

    /// Lecture 7: "hell" → "o", one character at a time.
    pub fn preset_hello(&self) {
        self.text.set("hello\n".into());
        self.config.set(TextgenConfig {
            tokenizer: TokenizerConfig {
                char_level: true,
                ..TokenizerConfig::default()
            },
            learning_rate: 0.01,
            epochs: 100,
            ..TextgenConfig::default()
        });
        self.seed_text.set("h".into());
        self.words.set(4);
    }

    /// What the worker said of the next-word model. `true` when the run ended (its replicas
    /// are no longer needed).
    pub fn on_reply(&self, reply: StudioReply) -> bool {
        match reply {
            StudioReply::Started { .. }
            | StudioReply::Progress { .. }
            | StudioReply::Finished { .. }
            | StudioReply::Stopped { .. }
                if self.resetting.get_untracked() => {}
            StudioReply::ResetDone { memory_bytes } => {
                self.resetting.set(false);
                self.worker_memory.set(Some(memory_bytes));
                self.resets_done.update(|n| *n += 1);
            }
            StudioReply::Started { summary: s, .. } => {
                self.summary.set(s);
                self.status.set(Status::Training);
            }
            StudioReply::Progress { epochs } => self.runs.update(|r| {
                if let Some(run) = r.last_mut() {
                    run.epochs.extend(epochs);
                }
            }),
            StudioReply::Finished {
                epochs,
                seconds,
                model_file,
            } => {
                self.status.set(Status::Done { epochs, seconds });
                self.keep_run(&model_file);
                self.trained_model.set(Some(model_file));
                return true;
            }
            StudioReply::Loaded { summary: s } => {
                self.summary.set(s);
                self.status.set(Status::Loaded);
            }
            StudioReply::Stopped { epoch, model_file } => {
                self.status.set(Status::Stopped(epoch));
                self.keep_run(&model_file);
                self.trained_model.set(Some(model_file));
            }
            StudioReply::Generated { text, steps: s } => {
                self.generated.set(text);
                self.steps.set(s);
            }
            StudioReply::Failed(error) => self.status.set(Status::Failed(error.message)),
        }
        false
    }

    /// The status line: the state, then the last epoch's figures.
    pub fn status_line(&self) -> String {
        let latest = self
            .runs
            .with(|r| r.last().and_then(|run| run.epochs.last().cloned()));
        let planned = self.runs.with(|r| r.last().map_or(0, |run| run.planned));
        let workers = self.config.with(|c| c.workers.clamp(1, MAX_WORKERS));
        let figures = latest
            .map(|e| {
                format!(
                    " · epoch {}/{planned} · loss {:.4} · accuracy {:.4} · {workers} worker{}{} · {:.0} samples/s",
                    e.epoch,
                    e.loss,
                    e.accuracy,
                    if workers == 1 { "" } else { "s" },
                    crate::web::threads::status_note(workers),
                    e.samples_per_s
                )
            })
            .unwrap_or_default();
        match self.status.get() {
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
    }
}

/// A named loss curve: `(label, [(epoch, loss)])`.
pub type LossRun = (String, Vec<(usize, f32)>);

/// Both runs over one sentence, as the worker reported them.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub index: usize,
    pub sentences: usize,
    pub forced: Vec<StepView>,
    pub free: Vec<StepView>,
    pub divergence: Option<usize>,
}

/// Lecture 7's side of the studio: teacher forcing vs free running.
#[derive(Clone, Copy)]
pub struct TeacherForcingState {
    pub ratio: RwSignal<f32>,
    pub epochs: RwSignal<usize>,
    pub runs: RwSignal<Vec<LossRun>>,
    pub compare: RwSignal<Option<Comparison>>,
}

impl TeacherForcingState {
    pub fn new() -> Self {
        Self {
            ratio: RwSignal::new(1.0),
            epochs: RwSignal::new(150),
            runs: RwSignal::new(Vec::new()),
            compare: RwSignal::new(None),
        }
    }

    /// A new loss curve for a run at the current ratio: the ratio.
    pub fn start_run(&self) -> f32 {
        let ratio = self.ratio.get_untracked();
        self.runs.update(|r| {
            r.push((format!("teacher forcing ratio {ratio}"), Vec::new()));
            let extra = r.len().saturating_sub(MAX_RUNS);
            r.drain(..extra);
        });
        self.compare.set(None);
        ratio
    }

    /// What the worker said; a failure is the studio's status.
    pub fn on_reply(&self, reply: TeacherForcingReply, status: RwSignal<Status>) {
        match reply {
            TeacherForcingReply::Progress { losses } => self.runs.update(|r| {
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
            } => self.compare.set(Some(Comparison {
                index,
                sentences,
                forced,
                free,
                divergence,
            })),
            TeacherForcingReply::Failed(error) => status.set(Status::Failed(error.message)),
        }
    }

    /// The loss curves, one per run.
    pub fn curve(&self) -> String {
        self.runs.with(|runs| {
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
    }
}
