//! The review panel's state: the shipped and loaded models, the verdicts, the retraining's
//! progress, and the words its status line and progress bar show. Plain types and their
//! methods; the views only read them.

use leptos::prelude::*;
use serde::Deserialize;

use crate::i18n::Text;
use crate::plot::{LineChart, Series};
use crate::train::EpochLogs;
use crate::web::protocol::SentimentResult;

/// The lecture's review file (bab2min's corpus): what "retrain" fetches by default.
pub const LECTURE_DATA_URL: &str =
    "https://raw.githubusercontent.com/bab2min/corpus/master/sentiment/naver_shopping.txt";

/// The in-browser retraining, as the worker reports it.
#[derive(Clone, Debug, PartialEq)]
pub enum Retrain {
    Idle,
    Fetching(f64, f64),
    Segmenting {
        done: usize,
        total: usize,
        report: String,
    },
    Training {
        epoch: usize,
        batch: usize,
        batches: usize,
        reviews: usize,
    },
    Done {
        epochs: usize,
        val_accuracy: Option<f32>,
        seconds: f64,
    },
}

impl Retrain {
    /// The status line's `data-state`.
    pub fn key(&self) -> &'static str {
        match self {
            Retrain::Idle => "idle",
            Retrain::Fetching(..) => "fetching",
            Retrain::Segmenting { .. } => "segmenting",
            Retrain::Training { .. } => "training",
            Retrain::Done { .. } => "done",
        }
    }

    /// Whether a retraining is under way.
    pub fn busy(&self) -> bool {
        !matches!(self, Retrain::Idle | Retrain::Done { .. })
    }
}

/// Everything the panel shows.
#[derive(Clone, Copy)]
pub struct Reviews {
    pub text: RwSignal<String>,
    pub models: RwSignal<Vec<(ModelInfo, Load)>>,
    /// The last model retrained here, as one file: saved as .safetensors or as Keras' .keras.
    pub retrained_file: RwSignal<Option<Vec<u8>>>,
    /// Models whose weights came from the browser's cache (a second visit).
    pub cached_models: RwSignal<Vec<String>>,
    pub results: RwSignal<Option<(String, Vec<SentimentResult>)>>,
    pub error: RwSignal<Option<Text>>,
    pub retrain: RwSignal<Retrain>,
    pub retrain_epochs: RwSignal<Vec<EpochLogs>>,
    pub data_url: RwSignal<String>,
    /// How many workers the retraining uses.
    pub retrain_workers: RwSignal<usize>,
}

impl Reviews {
    pub fn new(text: String) -> Self {
        Self {
            text: RwSignal::new(text),
            models: RwSignal::new(Vec::new()),
            retrained_file: RwSignal::new(None),
            cached_models: RwSignal::new(Vec::new()),
            results: RwSignal::new(None),
            error: RwSignal::new(None),
            retrain: RwSignal::new(Retrain::Idle),
            retrain_epochs: RwSignal::new(Vec::new()),
            data_url: RwSignal::new(LECTURE_DATA_URL.to_string()),
            retrain_workers: RwSignal::new(crate::web::parallel::default_workers()),
        }
    }

    /// Set the model `name`'s state.
    pub fn set_load(&self, name: &str, load: Load) {
        self.models.update(|m| {
            if let Some(entry) = m.iter_mut().find(|(i, _)| i.name == name) {
                entry.1 = load;
            }
        })
    }

    /// Whether any model is ready to classify.
    pub fn any_ready(&self) -> bool {
        self.models
            .with(|m| m.iter().any(|(_, l)| *l == Load::Ready))
    }

    /// List a model (replacing one of the same name) as being fetched.
    pub fn add(&self, info: ModelInfo) {
        self.models.update(|m| {
            m.retain(|(i, _)| i.name != info.name);
            m.push((info, Load::Fetching(0.0, 0.0)));
        });
    }

    /// The shipped models' list: the first of it is the default and loads now, the others
    /// when the student asks (each is megabytes of weights).
    pub fn list(&self, list: &[ModelInfo]) {
        self.models.set(
            list.iter()
                .cloned()
                .enumerate()
                .map(|(k, i)| {
                    (
                        i,
                        if k == 0 {
                            Load::Fetching(0.0, 0.0)
                        } else {
                            Load::NotLoaded
                        },
                    )
                })
                .collect(),
        );
    }

    /// A failed request leaves the panel ready for another try (a retraining included).
    pub fn failed(&self, message: Text) {
        if self.retrain.get_untracked().busy() {
            self.retrain.set(Retrain::Idle);
        }
        self.error.set(Some(message))
    }

    /// The retraining's status line: its state, the workers and their speed.
    pub fn retrain_line(&self) -> String {
        let speed = self
            .retrain_epochs
            .with(|e| e.last().map(|l| l.samples_per_s));
        let workers = self.retrain_workers.get();
        let mut line = retrain_status(&self.retrain.get());
        if !matches!(self.retrain.get(), Retrain::Idle | Retrain::Fetching(..)) {
            line += &format!(
                " · {workers} worker{}{}",
                if workers == 1 { "" } else { "s" },
                crate::web::threads::status_note(workers)
            );
            if let Some(v) = speed {
                line += &format!(" · {v:.0} samples/s");
            }
        }
        line
    }
}

/// Train and validation curves of the retraining (loss solid, accuracy dashed).
pub fn retrain_chart(epochs: &[EpochLogs]) -> String {
    let series = |name: &str, dashed, f: fn(&EpochLogs) -> Option<f32>| Series {
        name: name.into(),
        points: epochs
            .iter()
            .filter_map(|e| f(e).map(|v| (e.epoch as f32, v)))
            .collect(),
        dashed,
    };
    LineChart {
        x_label: "epoch".into(),
        y_label: "loss / accuracy".into(),
        series: vec![
            series("loss", false, |e| Some(e.loss)),
            series("val_loss", false, |e| e.val_loss),
            series("accuracy", true, |e| Some(e.accuracy)),
            series("val_accuracy", true, |e| e.val_accuracy),
        ],
        log_y: false,
    }
    .to_svg(560.0, 260.0)
}

/// The lecture's example review.
pub const LECTURE_REVIEW: &str = "이 상품 진짜 좋아요... 저는 강추합니다. 대박";

/// One entry of `models/index.json`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ModelInfo {
    /// The folder under `models/`.
    pub name: String,
    pub title: String,
    /// Test accuracy per source, as the model card reports it.
    pub accuracy: Vec<(String, f64)>,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    /// Not fetched: only the default (first) model loads with the page; the others on a click.
    NotLoaded,
    /// Bytes received, of `total` when known.
    Fetching(f64, f64),
    Ready,
    Failed(Text),
}

pub fn retrain_status(r: &Retrain) -> String {
    match r {
        Retrain::Idle => {
            "15 epochs, batch 32, validation_split 0.2, early stopping (patience 4)".into()
        }
        Retrain::Fetching(got, _) => format!("파일을 받는 중 · fetching ({:.0} KB)", got / 1024.0),
        Retrain::Segmenting {
            done,
            total,
            report,
        } => {
            format!("형태소 분석 중 · segmenting {done}/{total} · {report}")
        }
        Retrain::Training {
            epoch,
            batch,
            batches,
            reviews,
        } => format!(
            "학습 중 · training on {reviews} reviews · epoch {epoch} · batch {batch}/{batches}"
        ),
        Retrain::Done {
            epochs,
            val_accuracy,
            seconds,
        } => format!(
            "완료 · done: {epochs} epochs in {seconds:.1} s of worker time{}",
            val_accuracy.map_or(String::new(), |a| format!(" · best val_accuracy {a:.4}"))
        ),
    }
}

/// The progress bar's percentage while fetching, segmenting or training.
pub fn retrain_progress(r: &Retrain) -> Option<f64> {
    match r {
        Retrain::Fetching(got, total) if *total > 0.0 => Some(100.0 * got / total),
        Retrain::Segmenting { done, total, .. } if *total > 0 => {
            Some(100.0 * *done as f64 / *total as f64)
        }
        Retrain::Training { batch, batches, .. } if *batches > 0 => {
            Some(100.0 * *batch as f64 / *batches as f64)
        }
        _ => None,
    }
}
