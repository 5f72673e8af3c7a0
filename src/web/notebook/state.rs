//! The notebook's state: where it is ([`Phase`]), what the worker computed, what a new worker
//! needs to go on (the last load, the checkpoint), and the code and charts of its cells. Plain
//! types and their methods; the views only read them.

use leptos::prelude::*;

use crate::i18n::Text;
use crate::nn::CellKind;
use crate::notebook::{Lecture, Loaded, NotebookConfig, Prepared, RunResult};
use crate::plot::{LineChart, Series};
use crate::train::EpochLogs;
use crate::web::i18n::count;
use crate::web::protocol::BlobRef;

/// bab2min's shopping reviews, as the lectures download them.
pub const LECTURE_DATA_URL: &str =
    "https://raw.githubusercontent.com/bab2min/corpus/master/sentiment/naver_shopping.txt";

/// How long a fitting worker may say nothing before the page calls it stopped. A worker that
/// trains reports every 25 ms; the longest silence of a healthy one is the epoch's validation
/// or the final evaluation (seconds at 200,000 reviews).
pub const SILENCE_MS: f64 = 60_000.0;
/// The same with `?test-hooks`, so that the end-to-end test's silent worker is noticed soon.
pub const TEST_SILENCE_MS: f64 = 5_000.0;

/// `?test-hooks` in the address shows controls that only the end-to-end tests use.
pub fn test_hooks() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("test-hooks"))
}

/// Where the notebook is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Empty,
    Fetching(f64, f64),
    Segmenting(usize, usize),
    Ready,
    Fitting {
        cell: CellKind,
        epoch: usize,
        batch: usize,
        batches: usize,
    },
    /// The worker stopped answering (or died) during this fit.
    Stopped {
        cell: CellKind,
        epoch: usize,
    },
}

pub fn cell_name(cell: CellKind) -> &'static str {
    match cell {
        CellKind::SimpleRnn => "SimpleRNN",
        CellKind::Lstm => "LSTM",
        CellKind::Gru => "GRU",
    }
}

/// The lecture's model cell, as code.
pub fn model_code(lecture: Lecture, cell: CellKind) -> String {
    let c = lecture.model_config(cell);
    let layer = format!("{}({})", cell_name(cell), c.hidden);
    let flatten = if c.flatten {
        "\nmodel.add(Flatten())"
    } else {
        ""
    };
    format!(
        "model = Sequential()\nmodel.add(Embedding({}, {}))\nmodel.add({layer}){flatten}\nmodel.add(Dense(1, activation='sigmoid'))\nmodel.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])\nmodel.summary()",
        c.num_words, c.embedding_dim
    )
}

pub fn fit_code(lecture: Lecture, cell: CellKind) -> String {
    let c = lecture.model_config(cell);
    format!(
        "es = EarlyStopping(monitor='val_loss', mode='min', verbose=1, patience={})\nhistory = model.fit(X_train, y_train, epochs={}, callbacks=[es], batch_size={}, validation_split={})",
        c.patience, c.epochs, c.batch_size, c.validation_split
    )
}

/// Loss (or accuracy) per epoch, train and validation, as the lecture plots `history`.
pub fn history_chart(epochs: &[EpochLogs], accuracy: bool) -> String {
    let pick = |e: &EpochLogs, val: bool| match (accuracy, val) {
        (false, false) => Some(e.loss),
        (false, true) => e.val_loss,
        (true, false) => Some(e.accuracy),
        (true, true) => e.val_accuracy,
    };
    let series = |name: &str, val| Series {
        name: name.into(),
        points: epochs
            .iter()
            .filter_map(|e| pick(e, val).map(|v| (e.epoch as f32, v)))
            .collect(),
        dashed: val,
    };
    let (a, b) = if accuracy {
        ("acc", "val_acc")
    } else {
        ("loss", "val_loss")
    };
    LineChart {
        x_label: "epoch".into(),
        y_label: a.into(),
        series: vec![series(a, false), series(b, true)],
        log_y: false,
    }
    .to_svg(420.0, 240.0)
}

/// val_acc per epoch of every finished run, one line per recurrent layer.
pub fn comparison_chart(runs: &[RunResult]) -> String {
    LineChart {
        x_label: "epoch".into(),
        y_label: "val_acc".into(),
        series: runs
            .iter()
            .map(|r| Series {
                name: cell_name(r.cell).into(),
                points: r
                    .epochs
                    .iter()
                    .filter_map(|e| e.val_accuracy.map(|v| (e.epoch as f32, v)))
                    .collect(),
                dashed: false,
            })
            .collect(),
        log_y: false,
    }
    .to_svg(560.0, 260.0)
}

/// A pandas `Series` as Colab prints it: the index padded to one width, four spaces, the
/// value, then the name and dtype.
pub fn series_head(rows: &[(usize, String)], name: &str) -> String {
    let width = rows
        .iter()
        .map(|(i, _)| i.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out: Vec<String> = rows
        .iter()
        .map(|(i, v)| format!("{i:<width$}    {v}"))
        .collect();
    out.push(format!("Name: {name}, dtype: object"));
    out.join("\n")
}

impl Phase {
    /// The status line's `data-state`.
    pub fn key(&self) -> &'static str {
        match self {
            Phase::Empty => "empty",
            Phase::Fetching(..) => "fetching",
            Phase::Segmenting(..) => "segmenting",
            Phase::Ready => "ready",
            Phase::Fitting { .. } => "fitting",
            Phase::Stopped { .. } => "stopped",
        }
    }

    /// The status line.
    pub fn line(&self) -> String {
        match *self {
            Phase::Empty => String::new(),
            Phase::Fetching(got, total) => format!("{:.1} / {:.1} MB", got / 1e6, total / 1e6),
            Phase::Segmenting(done, total) => {
                format!("okt.morphs: {} / {}", count(done), count(total))
            }
            Phase::Ready => String::new(),
            Phase::Fitting {
                cell,
                epoch,
                batch,
                batches,
            } => format!("{}: Epoch {epoch}, {batch}/{batches}", cell_name(cell)),
            Phase::Stopped { cell, epoch } => format!("{}: Epoch {epoch} ✕", cell_name(cell)),
        }
    }

    /// Fetching, segmenting or fitting.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            Phase::Fetching(..) | Phase::Segmenting(..) | Phase::Fitting { .. }
        )
    }
}

type Shared<T> = StoredValue<T, LocalStorage>;

/// Everything the notebook shows and keeps.
#[derive(Clone, Copy)]
pub struct Notebook {
    pub lecture: Lecture,
    pub url: RwSignal<String>,
    pub sample: RwSignal<usize>,
    /// train_test_split's random_state: the lecture's 42 unless the student picks another.
    pub seed: RwSignal<u32>,
    pub used_seed: RwSignal<u32>,
    pub phase: RwSignal<Phase>,
    pub loaded: RwSignal<Option<Loaded>>,
    pub prepared: RwSignal<Option<(Prepared, String)>>,
    pub cell: RwSignal<CellKind>,
    pub summary: RwSignal<String>,
    pub epochs: RwSignal<Vec<EpochLogs>>,
    pub runs: RwSignal<Vec<RunResult>>,
    pub fitted_summary: RwSignal<String>,
    pub queue: RwSignal<Vec<CellKind>>,
    pub predict_text: RwSignal<String>,
    pub answers: RwSignal<Vec<(String, f32, String)>>,
    pub error: RwSignal<Option<Text>>,
    /// The file and settings of the last load, so a new worker can be given the same reviews.
    pub last_load: Shared<Option<(BlobRef, NotebookConfig)>>,
    /// Where the last finished epoch's checkpoint of the fit in progress is: (layer, epoch, it).
    pub checkpoint: Shared<Option<(CellKind, usize, BlobRef)>>,
    /// A fit to start (from a checkpoint, or from epoch 1) once a new worker has the data.
    pub resuming: Shared<Option<(CellKind, Option<BlobRef>)>>,
    pub resumable: RwSignal<Option<usize>>,
    /// The worker's wasm memory after the last epoch (for `cargo xtask soak`).
    pub worker_memory: RwSignal<usize>,
    /// Why the fit stopped, shown in the fit cell with the resume button.
    pub stop_note: RwSignal<Option<Text>>,
    /// The student's own model (`loaded_model = load_model(...)`), by its file name.
    pub own_model: RwSignal<Option<String>>,
    /// The model sentiment_predict answers with, as one file (for Download .keras).
    pub model_file: RwSignal<Option<Vec<u8>>>,
}

impl Notebook {
    pub fn new(lecture: Lecture) -> Self {
        let config = NotebookConfig::new(lecture);
        Self {
            lecture,
            url: RwSignal::new(LECTURE_DATA_URL.to_string()),
            sample: RwSignal::new(config.sample),
            seed: RwSignal::new(config.seed),
            used_seed: RwSignal::new(config.seed),
            phase: RwSignal::new(Phase::Empty),
            loaded: RwSignal::new(None),
            prepared: RwSignal::new(None),
            cell: RwSignal::new(lecture.cell()),
            summary: RwSignal::new(String::new()),
            epochs: RwSignal::new(Vec::new()),
            runs: RwSignal::new(Vec::new()),
            fitted_summary: RwSignal::new(String::new()),
            queue: RwSignal::new(Vec::new()),
            predict_text: RwSignal::new(String::new()),
            answers: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            last_load: StoredValue::new_local(None),
            checkpoint: StoredValue::new_local(None),
            resuming: StoredValue::new_local(None),
            resumable: RwSignal::new(None),
            worker_memory: RwSignal::new(0),
            stop_note: RwSignal::new(None),
            own_model: RwSignal::new(None),
            model_file: RwSignal::new(None),
        }
    }

    pub fn busy(&self) -> bool {
        self.phase.with(Phase::busy)
    }

    pub fn ready(&self) -> bool {
        self.phase.with(|p| matches!(p, Phase::Ready))
    }

    /// A request failed: the queued fits are dropped and the page is ready for another try
    /// (empty when nothing was prepared yet).
    pub fn failed(&self, message: Text) {
        let prepared = self.prepared;
        self.queue.set(Vec::new());
        self.phase.update(|p| {
            *p = match p {
                Phase::Fitting { .. } => Phase::Ready,
                Phase::Ready => Phase::Ready,
                _ if prepared.with_untracked(Option::is_some) => Phase::Ready,
                _ => Phase::Empty,
            }
        });
        self.error.set(Some(message));
    }

    /// The worker died or fell silent (`why`): the fit in progress can go on from its last
    /// checkpoint; outside a fit, the data went with the worker.
    pub fn stopped(&self, why: Text) {
        let Phase::Fitting { cell, epoch, .. } = self.phase.get_untracked() else {
            // Not fitting: the worker's data went with it; the file is loaded again.
            self.phase.set(Phase::Empty);
            self.error.set(Some(Text::new(
                format!("{} 파일을 다시 불러오세요.", why.ko),
                format!("{} Fetch or pick the file again.", why.en),
            )));
            return;
        };
        self.queue.set(Vec::new());
        self.phase.set(Phase::Stopped { cell, epoch });
        let kept = self
            .checkpoint
            .with_value(|c| c.as_ref().filter(|c| c.0 == cell).map(|c| c.1));
        self.resumable.set(kept);
        let Text { ko, en } = why;
        self.stop_note.set(Some(match kept {
            Some(k) => Text::new(
                format!(
                    "{ko} 마지막으로 끝난 에폭({k})의 가중치와 옵티마이저 상태가 남아 있습니다: '이어서 학습'을 누르면 \
                     새 워커가 그 자리에서 학습을 이어갑니다"
                ),
                format!(
                    "{en} The weights and optimizer state of the last finished epoch ({k}) are kept: \
                     'resume' goes on from there in a new worker."
                ),
            ),
            None => Text::new(
                format!(
                    "{ko} 아직 끝난 에폭이 없습니다: '이어서 학습'을 누르면 새 워커가 1번째 에폭부터 다시 학습합니다"
                ),
                format!(
                    "{en} No epoch had finished yet: 'resume' fits again from epoch 1 in a new worker."
                ),
            ),
        }));
    }

    /// What the page says of a fit that fell silent for `seconds`.
    pub fn silence(&self, seconds: f64) -> Option<Text> {
        let Phase::Fitting { cell, epoch, .. } = self.phase.get_untracked() else {
            return None;
        };
        Some(Text::new(
            format!(
                "학습 워커가 {:.0}초 동안 아무 말이 없습니다({} {epoch}번째 에폭 학습 중).",
                seconds,
                cell_name(cell)
            ),
            format!(
                "The training worker has said nothing for {:.0} s (fitting {}, epoch {epoch}).",
                seconds,
                cell_name(cell)
            ),
        ))
    }
}
