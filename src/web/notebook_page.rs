//! `#/lecture/9` and `#/lecture/11`: the lecture's notebook, cell by cell. Each cell shows the
//! lecture's code and, under it, the output the worker computed with [`crate::notebook`] on
//! the review file the student loads (the lecture's public URL by default, or a picked file).
//! Then the lecture's model is fitted with live curves, and SimpleRNN, LSTM and GRU can be
//! fitted one after another on the same reviews for the side-by-side table.

use gloo_worker::WorkerBridge;
use leptos::prelude::*;

use super::fetch;
use super::i18n::{count, lang, shown, tr};
use super::keras_worker::ReadModel;
use super::model_file::{DownloadKeras, ModelFileDrop};
use super::protocol::{BlobRef, FromWorker, NotebookReply, NotebookRequest, ToWorker, WorkerReply};
use super::worker::TrainWorker;
use crate::i18n::{Lang, Text};
use crate::nn::CellKind;
use crate::notebook::{Lecture, Loaded, NotebookConfig, Prepared, RunResult, python_float};
use crate::plot::{BarChart, LineChart, Series};
use crate::train::EpochLogs;

/// bab2min's shopping reviews, as the lectures download them.
const LECTURE_DATA_URL: &str =
    "https://raw.githubusercontent.com/bab2min/corpus/master/sentiment/naver_shopping.txt";

type Shared<T> = StoredValue<T, leptos::prelude::LocalStorage>;

/// How long a fitting worker may say nothing before the page calls it stopped. A worker that
/// trains reports every 25 ms; the longest silence of a healthy one is the epoch's validation
/// or the final evaluation (seconds at 200,000 reviews).
const SILENCE_MS: f64 = 60_000.0;
/// The same with `?test-hooks`, so that the end-to-end test's silent worker is noticed soon.
const TEST_SILENCE_MS: f64 = 5_000.0;

/// `?test-hooks` in the address shows controls that only the end-to-end tests use.
fn test_hooks() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("test-hooks"))
}

/// Where the notebook is.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
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

fn cell_name(cell: CellKind) -> &'static str {
    match cell {
        CellKind::SimpleRnn => "SimpleRNN",
        CellKind::Lstm => "LSTM",
        CellKind::Gru => "GRU",
    }
}

/// The lecture's model cell, as code.
fn model_code(lecture: Lecture, cell: CellKind) -> String {
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

fn fit_code(lecture: Lecture, cell: CellKind) -> String {
    let c = lecture.model_config(cell);
    format!(
        "es = EarlyStopping(monitor='val_loss', mode='min', verbose=1, patience={})\nhistory = model.fit(X_train, y_train, epochs={}, callbacks=[es], batch_size={}, validation_split={})",
        c.patience, c.epochs, c.batch_size, c.validation_split
    )
}

/// Loss (or accuracy) per epoch, train and validation, as the lecture plots `history`.
fn history_chart(epochs: &[EpochLogs], accuracy: bool) -> String {
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
fn comparison_chart(runs: &[RunResult]) -> String {
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
fn series_head(rows: &[(usize, String)], name: &str) -> String {
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

/// One notebook cell: its code and, below, its output (or nothing yet).
#[component]
fn Cell(id: &'static str, code: Signal<String>, children: Children) -> impl IntoView {
    view! {
        <div class="nb-cell" id=id>
            <pre class="nb-code" tabindex="0"><code>{move || code.get()}</code></pre>
            <div class="nb-output">{children()}</div>
        </div>
    }
}

#[component]
pub fn NotebookPage(lecture: Lecture) -> impl IntoView {
    let url = RwSignal::new(LECTURE_DATA_URL.to_string());
    let sample = RwSignal::new(NotebookConfig::new(lecture).sample);
    // train_test_split's random_state: the lecture's 42 unless the student picks another.
    let seed = RwSignal::new(NotebookConfig::new(lecture).seed);
    let used_seed = RwSignal::new(NotebookConfig::new(lecture).seed);
    let phase = RwSignal::new(Phase::Empty);
    let loaded = RwSignal::new(None::<Loaded>);
    let prepared = RwSignal::new(None::<(Prepared, String)>);
    let cell = RwSignal::new(lecture.cell());
    let summary = RwSignal::new(String::new());
    let epochs = RwSignal::new(Vec::<EpochLogs>::new());
    let runs = RwSignal::new(Vec::<RunResult>::new());
    let fitted_summary = RwSignal::new(String::new());
    let queue = RwSignal::new(Vec::<CellKind>::new());
    let predict_text = RwSignal::new(String::new());
    let answers = RwSignal::new(Vec::<(String, f32, String)>::new());
    let error = RwSignal::new(None::<Text>);
    let bridge: Shared<Option<WorkerBridge<TrainWorker>>> = StoredValue::new_local(None);
    let worker_tag = StoredValue::new(0u32);
    // When the worker last said anything (Date.now(), ms).
    let last_heard = StoredValue::new(0.0f64);
    // The file and settings of the last load, so a new worker can be given the same reviews.
    let last_load: Shared<Option<(BlobRef, NotebookConfig)>> = StoredValue::new_local(None);
    // Where the last finished epoch's checkpoint of the fit in progress is: (layer, epoch, it).
    let checkpoint: Shared<Option<(CellKind, usize, BlobRef)>> = StoredValue::new_local(None);
    // A fit to start (from a checkpoint, or from epoch 1) once a new worker has the data.
    let resuming: Shared<Option<(CellKind, Option<BlobRef>)>> = StoredValue::new_local(None);
    let resumable = RwSignal::new(None::<usize>);
    // The worker's wasm memory after the last epoch (for `cargo xtask soak`).
    let worker_memory = RwSignal::new(0usize);
    // Why the fit stopped, shown in the fit cell with the resume button.
    let stop_note = RwSignal::new(None::<Text>);
    // A panic reported while fitting: handled after the message, outside the dead bridge.
    let crashed: Shared<Option<String>> = StoredValue::new_local(None);
    let segmenter = fetch::SegmenterGate::new();
    // The student's own model (`loaded_model = load_model(...)`), by its file name, and the
    // model sentiment_predict answers with, as one file (for Download .keras).
    let own_model = RwSignal::new(None::<String>);
    let model_file = RwSignal::new(None::<Vec<u8>>);
    let send = move |message: ToWorker| {
        bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(message);
            }
        })
    };
    let fit = move |c: CellKind| {
        epochs.set(Vec::new());
        checkpoint.set_value(None);
        error.set(None);
        phase.set(Phase::Fitting {
            cell: c,
            epoch: 1,
            batch: 0,
            batches: 0,
        });
        send(NotebookRequest::Fit { cell: c }.into());
    };
    let predict = move || {
        let mut sentences: Vec<String> = crate::lecture::SENTIMENT_PREDICT_EXAMPLES
            .iter()
            .map(|s| s.to_string())
            .collect();
        let own = predict_text.get_untracked();
        if !own.trim().is_empty() {
            sentences.push(own);
        }
        send(NotebookRequest::Predict { sentences }.into());
    };
    // A request failed: the queued fits are dropped and the page is ready for another try
    // (empty when nothing was prepared yet).
    let failed = move |message: Text| {
        queue.set(Vec::new());
        phase.update(|p| {
            *p = match p {
                Phase::Fitting { .. } => Phase::Ready,
                Phase::Ready => Phase::Ready,
                _ if prepared.with_untracked(Option::is_some) => Phase::Ready,
                _ => Phase::Empty,
            }
        });
        error.set(Some(message));
    };
    let on_notebook = move |reply: NotebookReply| match reply {
        NotebookReply::Loaded { loaded: l } => {
            phase.set(Phase::Segmenting(0, l.train.len() + l.test.len()));
            loaded.set(Some(l));
        }
        NotebookReply::Segmenting { done, total } => phase.set(Phase::Segmenting(done, total)),
        NotebookReply::Prepared {
            prepared: p,
            summary: s,
        } => {
            summary.set(s.clone());
            prepared.set(Some((p, s)));
            phase.set(Phase::Ready);
            // A new worker after a stopped one: the fit goes on where it was.
            match resuming.try_update_value(Option::take).flatten() {
                Some((c, Some(from))) => {
                    let done = checkpoint.with_value(|k| k.as_ref().map_or(0, |k| k.1));
                    cell.set(c);
                    phase.set(Phase::Fitting {
                        cell: c,
                        epoch: done + 1,
                        batch: 0,
                        batches: 0,
                    });
                    send(
                        NotebookRequest::Resume {
                            cell: c,
                            checkpoint: from,
                        }
                        .into(),
                    );
                }
                Some((c, None)) => {
                    cell.set(c);
                    fit(c);
                }
                None => {}
            }
        }
        NotebookReply::FitStarted { summary: s, .. } => summary.set(s),
        NotebookReply::Batch {
            epoch,
            batch,
            batches,
        } => phase.update(|p| {
            // A batch report can come after its epoch's line; the status does not step back.
            if let Phase::Fitting {
                cell, epoch: now, ..
            } = *p
                && epoch >= now
            {
                *p = Phase::Fitting {
                    cell,
                    epoch,
                    batch,
                    batches,
                };
            }
        }),
        NotebookReply::Epoch { logs } => {
            // The status line follows the log: the next epoch starts with this line.
            phase.update(|p| {
                if let Phase::Fitting { cell, batches, .. } = *p {
                    *p = Phase::Fitting {
                        cell,
                        epoch: logs.epoch + 1,
                        batch: 0,
                        batches,
                    };
                }
            });
            epochs.update(|e| e.push(logs));
        }
        NotebookReply::Checkpoint {
            cell: c,
            epoch,
            checkpoint: kept,
        } => checkpoint.set_value(Some((c, epoch, kept))),
        NotebookReply::Fetching { got, total } => phase.set(Phase::Fetching(got, total)),
        NotebookReply::Memory { wasm_bytes } => worker_memory.set(wasm_bytes),
        NotebookReply::Fitted { result, summary: s } => {
            // The fit is done: its checkpoint is no longer needed.
            if let Some((_, _, BlobRef::Stash(key))) = checkpoint.get_value() {
                wasm_bindgen_futures::spawn_local(async move { super::stash::delete(&key).await });
            }
            checkpoint.set_value(None);
            fitted_summary.set(s);
            runs.update(|r| {
                r.retain(|x| x.cell != result.cell);
                r.push(result);
            });
            phase.set(Phase::Ready);
            own_model.set(None);
            send(NotebookRequest::ModelFile.into());
            predict();
            // The side-by-side: the next recurrent layer, on the same reviews.
            let next = queue
                .try_update(|q| (!q.is_empty()).then(|| q.remove(0)))
                .flatten();
            if let Some(next) = next {
                cell.set(next);
                fit(next);
            }
        }
        NotebookReply::Predicted { answers: a } => answers.set(a),
        NotebookReply::ModelLoaded { name, .. } => {
            own_model.set(Some(name));
            send(NotebookRequest::ModelFile.into());
            predict();
        }
        NotebookReply::ModelFile { bytes } => model_file.set(Some(bytes)),
        NotebookReply::Failed(e) => failed(e.message),
    };
    let handle = move |msg: FromWorker| match msg {
        FromWorker::Notebook(reply) => on_notebook(reply),
        // The segmenter's lexicon could not be installed.
        FromWorker::Worker(WorkerReply::Failed(e)) => failed(e.message),
        // Handled after the message, outside the dead worker's bridge (see `on_message`).
        FromWorker::Worker(WorkerReply::Crashed { message }) => crashed.set_value(Some(message)),
        _ => {}
    };
    // A worker that traps says so on the fault channel; one that stops answering is noticed
    // by its silence. Either way the fit can go on in a new worker from its last epoch.
    let stopped = move |why: Text| {
        if let Some(worker) = super::peer_ports::worker_of(worker_tag.get_value()) {
            worker.terminate();
        }
        bridge.set_value(None);
        segmenter.reset();
        let Phase::Fitting { cell, epoch, .. } = phase.get_untracked() else {
            // Not fitting: the worker's data went with it; the file is loaded again.
            phase.set(Phase::Empty);
            error.set(Some(Text::new(
                format!("{} 파일을 다시 불러오세요.", why.ko),
                format!("{} Fetch or pick the file again.", why.en),
            )));
            return;
        };
        queue.set(Vec::new());
        phase.set(Phase::Stopped { cell, epoch });
        let kept = checkpoint.with_value(|c| c.as_ref().filter(|c| c.0 == cell).map(|c| c.1));
        resumable.set(kept);
        let Text { ko, en } = why;
        stop_note.set(Some(match kept {
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
    };
    let on_message = move |msg: FromWorker| {
        last_heard.set_value(js_sys::Date::now());
        handle(msg);
        if let Some(message) = crashed.try_update_value(Option::take).flatten() {
            // This runs inside the dead worker's bridge: drop it after the callback returns.
            wasm_bindgen_futures::spawn_local(async move {
                stopped(Text::new(
                    format!("학습 워커가 멈췄습니다: {message}."),
                    format!("The training worker crashed: {message}."),
                ))
            });
        }
    };
    let spawn = move || {
        let (bridge, tag) = super::faults::spawn_tagged(on_message);
        worker_tag.set_value(tag);
        last_heard.set_value(js_sys::Date::now());
        bridge
    };
    bridge.set_value(Some(spawn()));

    super::faults::watch(move || vec![worker_tag.get_value()], stopped);
    let limit = if test_hooks() {
        TEST_SILENCE_MS
    } else {
        SILENCE_MS
    };
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let quiet = js_sys::Date::now() - last_heard.get_value();
            if matches!(phase.get_untracked(), Phase::Fitting { .. }) && quiet > limit {
                let (cell, epoch) = match phase.get_untracked() {
                    Phase::Fitting { cell, epoch, .. } => (cell, epoch),
                    _ => return,
                };
                stopped(Text::new(
                    format!(
                        "학습 워커가 {:.0}초 동안 아무 말이 없습니다({} {epoch}번째 에폭 학습 중).",
                        quiet / 1000.0,
                        cell_name(cell)
                    ),
                    format!(
                        "The training worker has said nothing for {:.0} s (fitting {}, epoch {epoch}).",
                        quiet / 1000.0,
                        cell_name(cell)
                    ),
                ));
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let cannot_read = move |e: Text| {
        phase.set(Phase::Empty);
        error.set(Some(e));
    };
    // The file and settings into this worker (a new one when the last one stopped).
    let load_into_worker = move |file: BlobRef, config: NotebookConfig| {
        if bridge.with_value(Option::is_none) {
            bridge.set_value(Some(spawn()));
        }
        segmenter.send(
            NotebookRequest::Load { file, config }.into(),
            send,
            cannot_read,
        );
    };
    // A review classifier from Colab answers sentiment_predict (the lecture's load_model).
    let use_model = move |m: ReadModel| {
        if let Some(why) = m.not_a_review_classifier() {
            error.set(Some(why));
            return;
        }
        if bridge.with_value(Option::is_none) {
            bridge.set_value(Some(spawn()));
        }
        let message = NotebookRequest::UseModel {
            name: m.name,
            config_json: m.config_json,
            weights: m.file,
        }
        .into();
        segmenter.send(message, send, move |e| error.set(Some(e)));
    };
    let resume = move || {
        let Some((file, config)) = last_load.get_value() else {
            return;
        };
        let Phase::Stopped { cell: c, .. } = phase.get_untracked() else {
            return;
        };
        let from = checkpoint
            .get_value()
            .filter(|k| k.0 == c)
            .map(|(_, epoch, kept)| (epoch, kept));
        epochs.update(|e| e.truncate(from.as_ref().map_or(0, |f| f.0)));
        resuming.set_value(Some((c, from.map(|f| f.1))));
        resumable.set(None);
        stop_note.set(None);
        error.set(None);
        phase.set(Phase::Segmenting(0, 0));
        load_into_worker(file, config);
    };
    let start = move |file: BlobRef| {
        loaded.set(None);
        prepared.set(None);
        runs.set(Vec::new());
        epochs.set(Vec::new());
        answers.set(Vec::new());
        error.set(None);
        stop_note.set(None);
        checkpoint.set_value(None);
        phase.set(Phase::Segmenting(0, 0));
        used_seed.set(seed.get_untracked());
        let config = NotebookConfig {
            sample: sample.get_untracked().max(1),
            seed: seed.get_untracked(),
            ..NotebookConfig::new(lecture)
        };
        // Kept for a new worker, should this one stop.
        last_load.set_value(Some((file.clone(), config.clone())));
        load_into_worker(file, config);
    };
    // The file goes to the worker without passing through this thread: the worker fetches
    // the address itself, and a picked file goes through the stash (the browser copies it).
    let fetch_file = move |_| {
        phase.set(Phase::Fetching(0.0, 0.0));
        let typed = url.get_untracked();
        // The worker resolves addresses against its own script: give it the page's reading.
        let base = window().location().href().unwrap_or_default();
        let absolute = web_sys::Url::new_with_base(typed.trim(), &base)
            .map(|u| u.href())
            .unwrap_or(typed);
        wasm_bindgen_futures::spawn_local(async move {
            super::stash::clear().await;
            start(BlobRef::Url(absolute));
        });
    };
    let read_file = move |file: web_sys::File| {
        phase.set(Phase::Fetching(0.0, file.size()));
        wasm_bindgen_futures::spawn_local(async move {
            super::stash::clear().await;
            let key = super::stash::PICKED_FILE;
            if super::stash::available() && super::stash::put_file(key, &file).await.is_ok() {
                start(BlobRef::Stash(key.into()));
                return;
            }
            // No stash here (plain http): the bytes go in the message.
            fetch::read_picked_bytes(file, move |bytes| match bytes {
                Ok(bytes) => start(BlobRef::Bytes(bytes)),
                Err(e) => cannot_read(e),
            });
        });
    };
    let busy = move || {
        matches!(
            phase.get(),
            Phase::Fetching(..) | Phase::Segmenting(..) | Phase::Fitting { .. }
        )
    };
    let ready = move || matches!(phase.get(), Phase::Ready);
    let n = lecture.number();
    let code = |s: String| Signal::derive(move || s.clone());
    let stopwords = crate::text::korean::LECTURE_STOPWORDS
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");

    view! {
        <section class="panel notebook" id="notebook" data-lecture=n.to_string()>
            <h2>{move || if super::i18n::lang() == crate::i18n::Lang::Ko { format!("{n}강 노트북: 네이버 쇼핑 리뷰 감성 분류") } else { format!("Lecture {n} notebook: Naver shopping review sentiment") }}</h2>
            <p class="lede">{tr("강의의 셀을 차례로 실행합니다. 코드 아래의 출력은 이 브라우저의 워커가 계산합니다", "The lecture's cells in order; each output under its code is computed by this browser's worker.")}</p>
            <Cell id="nb-cell-load" code=code(format!("urllib.request.urlretrieve(\"{LECTURE_DATA_URL}\", filename=\"ratings_total.txt\")\ntotal_data = pd.read_table('ratings_total.txt', names=['ratings', 'reviews'])\nprint('전체 리뷰 개수 :', len(total_data))"))>
                <div class="gen-controls">
                    <label class="field wide">
                        <span>{tr("리뷰 파일 주소", "review file URL")}</span>
                        <input id="nb-url" type="text" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span>{tr("앞에서부터 읽을 리뷰 수", "reviews read from the top")}</span>
                        <input id="nb-sample" type="number" min="21" max="200000" prop:value=move || sample.get().to_string()
                            on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { sample.set(v.clamp(21, 200_000)) } }/>
                    </label>
                    <label class="field">
                        <span>"random_state"</span>
                        <input id="nb-seed" type="number" min="0" max="4294967295" prop:value=move || seed.get().to_string()
                            on:change=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<u32>() { seed.set(v) } }/>
                    </label>
                    <button id="nb-load" class="primary" on:click=fetch_file disabled=busy>{tr("불러와 실행", "fetch and run")}</button>
                    <label class="drop"
                        on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                        on:drop=move |ev: web_sys::DragEvent| {
                            ev.prevent_default();
                            if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                                read_file(file);
                            }
                        }>
                        {tr("또는 파일을 끌어다 놓거나 고르세요", "or drop / pick a file ")}
                        <input id="nb-file" type="file" accept=".txt,.tsv,.csv" on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            if let Some(file) = input.files().and_then(|f| f.get(0)) { read_file(file); }
                        }/>
                    </label>
                </div>
                <p id="nb-phase" class="status" data-state=move || match phase.get() {
                    Phase::Empty => "empty", Phase::Fetching(..) => "fetching", Phase::Segmenting(..) => "segmenting",
                    Phase::Ready => "ready", Phase::Fitting { .. } => "fitting", Phase::Stopped { .. } => "stopped",
                }>{move || match phase.get() {
                    Phase::Empty => String::new(),
                    Phase::Fetching(got, total) => format!("{:.1} / {:.1} MB", got / 1e6, total / 1e6),
                    Phase::Segmenting(done, total) => format!("okt.morphs: {} / {}", count(done), count(total)),
                    Phase::Ready => String::new(),
                    Phase::Fitting { cell, epoch, batch, batches } => format!("{}: Epoch {epoch}, {batch}/{batches}", cell_name(cell)),
                    Phase::Stopped { cell, epoch } => format!("{}: Epoch {epoch} ✕", cell_name(cell)),
                }}</p>
                {move || error.get().map(|e| view! { <p id="nb-error" class="error" role="alert">{shown(&e)}</p> })}
                {move || loaded.get().map(|l| view! { <pre class="nb-out" id="nb-total">{format!("전체 리뷰 개수 : {}\n({})", l.total, l.report)}</pre> })}
            </Cell>
            {move || loaded.get().map(|l| {
                let head_rows = l.head.clone();
                // value_counts() puts the larger count first.
                let mut counts = vec![("0".to_string(), l.train_label_counts[0]), ("1".to_string(), l.train_label_counts[1])];
                counts.sort_by_key(|c| std::cmp::Reverse(c.1));
                let bars = BarChart::categories(&counts, "label", "count").to_svg(320.0, 220.0);
                view! {
                    <Cell id="nb-cell-head" code=code("total_data['label'] = np.select([total_data.ratings > 3], [1], default=0)\ntotal_data[:5]".into())>
                        <table class="nb-table" tabindex="0" id="nb-head">
                            <thead><tr><th></th><th>"ratings"</th><th>"reviews"</th><th>"label"</th></tr></thead>
                            <tbody>{head_rows.into_iter().enumerate().map(|(i, r)| view! {
                                <tr><td>{i}</td><td>{r.ratings.map(|x| x.to_string()).unwrap_or_else(|| "–".into())}</td><td>{r.reviews.unwrap_or_else(|| "NaN".into())}</td><td>{r.label}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </Cell>
                    <Cell id="nb-cell-dedup" code=code(format!("total_data.drop_duplicates(subset=['reviews'], inplace=True)\nprint('총 샘플의 수 :', len(total_data))\ntrain_data, test_data = train_test_split(total_data, test_size=0.25, random_state={})\nprint('훈련용 리뷰의 개수 :', len(train_data))\nprint('테스트용 리뷰의 개수 :', len(test_data))", used_seed.get_untracked()))>
                        <pre class="nb-out" id="nb-split">{format!("총 샘플의 수 : {}\n훈련용 리뷰의 개수 : {}\n테스트용 리뷰의 개수 : {}", l.unique, l.split.0, l.split.1)}</pre>
                    </Cell>
                    <Cell id="nb-cell-labels" code=code("train_data['label'].value_counts().plot(kind='bar')\nprint(train_data.groupby('label').size().reset_index(name='count'))".into())>
                        <div class="chart" id="nb-labels" inner_html=bars></div>
                        <pre class="nb-out">{format!("   label  count\n0      0  {:>5}\n1      1  {:>5}", l.train_label_counts[0], l.train_label_counts[1])}</pre>
                    </Cell>
                    <Cell id="nb-cell-clean" code=code("train_data['reviews'] = train_data['reviews'].str.replace(\"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]\", \"\", regex=True)\ntrain_data['reviews'].replace('', np.nan, inplace=True)\ntrain_data = train_data.dropna(how='any')\ntest_data['reviews'] = test_data['reviews'].str.replace(\"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]\", \"\", regex=True)\ntest_data['reviews'].replace('', np.nan, inplace=True)\ntest_data = test_data.dropna(how='any')\ntrain_data['reviews'][:5]".into())>
                        <pre class="nb-out" id="nb-cleaned">{series_head(&l.cleaned_head, "reviews")}{move || match lang() {
                            Lang::Ko => format!("\n(dropna: 훈련 {}행, 테스트 {}행 삭제 (정제 후 빈 문자열만; 공백만 남은 리뷰는 Colab처럼 남습니다))", l.train_dropped, l.test_dropped),
                            Lang::En => format!("\n(dropna removed {} training and {} test rows (only reviews left as the empty string; a review of spaces stays, as in Colab))", l.train_dropped, l.test_dropped),
                        }}</pre>
                    </Cell>
                }
            })}
            <Cell id="nb-cell-okt" code=code(format!("okt = Okt()\nstopwords = [{stopwords}]\ntrain_data['tokenized'] = train_data['reviews'].apply(okt.morphs)\ntrain_data['tokenized'] = train_data['tokenized'].apply(lambda x: [item for item in x if item not in stopwords])\ntrain_data['tokenized'][:5]"))>
                {move || match phase.get() {
                    Phase::Segmenting(done, total) if total > 0 => Some(view! { <progress id="nb-seg-progress" max=total.to_string() value=done.to_string()></progress> }.into_any()),
                    _ => None,
                }}
                {move || prepared.get().map(|(p, _)| view! {
                    <pre class="nb-out" id="nb-tokenized">{p.tokenized_head.iter().enumerate().map(|(i, t)| format!("{i}    [{}]", t.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join("\n")}</pre>
                })}
            </Cell>
            {move || prepared.get().map(|(p, _)| {
                let mut hist = BarChart::histogram(&p.histogram.counts, p.histogram.low, p.histogram.high, "length of samples", "number of samples");
                hist.marker = Some((p.maxlen as f32, format!("max_len = {}", p.maxlen)));
                view! {
                    <Cell id="nb-cell-tokenizer" code=code(format!("tokenizer = Tokenizer({}, oov_token='OOV')\ntokenizer.fit_on_texts(X_train)\nX_train = tokenizer.texts_to_sequences(X_train)\nX_test = tokenizer.texts_to_sequences(X_test)\nprint(X_train[:3])", p.num_words))>
                        <pre class="nb-out" id="nb-vocab">{format!("단어 집합(vocabulary)의 크기 : {}\n등장 빈도가 1번인 희귀 단어의 수 : {}\nnum_words : {}", p.vocabulary, p.rare_words, p.num_words)}</pre>
                        <pre class="nb-out" id="nb-sequences">{format!("[{}]", p.sequences_head.iter().map(|s| format!("[{}]", s.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join(", "))}</pre>
                    </Cell>
                    <Cell id="nb-cell-lengths" code=code(format!("print('리뷰의 최대 길이 :', max(len(review) for review in X_train))\nprint('리뷰의 평균 길이 :', sum(map(len, X_train))/len(X_train))\nplt.hist([len(review) for review in X_train], bins=50)\nplt.xlabel('length of samples')\nplt.ylabel('number of samples')\nplt.show()\nmax_len = {}\nbelow_threshold_len(max_len, X_train)", p.maxlen))>
                        <pre class="nb-out" id="nb-length">{format!("리뷰의 최대 길이 : {}\n리뷰의 평균 길이 : {}", p.max_length, python_float(p.mean_length))}</pre>
                        <div class="chart" id="nb-hist" inner_html=hist.to_svg(560.0, 260.0)></div>
                        <pre class="nb-out" id="nb-below">{format!("전체 샘플 중 길이가 {} 이하인 샘플의 비율: {}", p.maxlen, python_float(p.below_maxlen_percent))}</pre>
                    </Cell>
                    <Cell id="nb-cell-pad" code=code("X_train = pad_sequences(X_train, maxlen=max_len)\nX_test = pad_sequences(X_test, maxlen=max_len)\nprint(X_train.shape)".into())>
                        <pre class="nb-out" id="nb-shape">{format!("({}, {})", p.train_shape.0, p.train_shape.1)}</pre>
                    </Cell>
                }
            })}
            <Cell id="nb-cell-model" code=Signal::derive(move || model_code(lecture, cell.get()))>
                <div class="gen-controls" role="group" aria-label="recurrent layer">
                    {[CellKind::SimpleRnn, CellKind::Lstm, CellKind::Gru].into_iter().map(|c| view! {
                        <label class="choice">
                            <input type="radio" name="nb-cell" id=format!("nb-cell-{}", cell_name(c).to_lowercase()) prop:checked=move || cell.get() == c
                                on:change=move |_| cell.set(c) disabled=busy/>
                            {cell_name(c)}
                        </label>
                    }).collect_view()}
                </div>
                {move || (!summary.get().is_empty()).then(|| view! { <pre class="summary nb-out" id="nb-summary" tabindex="0">{summary.get()}</pre> })}
            </Cell>
            <Cell id="nb-cell-fit" code=Signal::derive(move || fit_code(lecture, cell.get()))>
                <div class="gen-controls">
                    <button id="nb-fit" class="primary" disabled=move || !ready() on:click=move |_| fit(cell.get_untracked())>{tr("학습", "fit")}</button>
                    <button id="nb-stop" disabled=move || !matches!(phase.get(), Phase::Fitting { .. }) on:click=move |_| { queue.set(Vec::new()); send(NotebookRequest::Stop.into()) }>{tr("중지", "stop")}</button>
                    {move || matches!(phase.get(), Phase::Stopped { .. }).then(|| view! {
                        <button id="nb-resume" class="primary" on:click=move |_| resume()>{move || match resumable.get() {
                            Some(k) => match lang() { Lang::Ko => format!("이어서 학습 (에폭 {}부터)", k + 1), Lang::En => format!("resume from epoch {}", k + 1) },
                            None => tr("처음부터 다시 학습", "fit again from epoch 1")().to_string(),
                        }}</button>
                    })}
                    {test_hooks().then(|| view! {
                        <button id="nb-test-silent" on:click=move |_| send(NotebookRequest::FallSilentForTest { after_epochs: 1 }.into())>"test: the worker falls silent after epoch 1"</button>
                    })}
                </div>
                {move || stop_note.get().map(|n| view! { <p id="nb-stopped" class="error" role="alert">{shown(&n)}</p> })}
                {move || match phase.get() {
                    Phase::Fitting { batch, batches, .. } if batches > 0 => Some(view! { <progress id="nb-fit-progress" max=batches.to_string() value=batch.to_string()></progress> }),
                    _ => None,
                }}
                <pre class="summary fit-log nb-out" id="nb-fit-log" tabindex="0" data-worker-memory=move || worker_memory.get().to_string()>{move || epochs.with(|e| crate::train::progbar::fit_log(e, lecture.model_config(cell.get_untracked()).epochs, "acc"))}</pre>
                <div class="nb-charts">
                    <div class="chart" id="nb-loss" inner_html=move || epochs.with(|e| history_chart(e, false))></div>
                    <div class="chart" id="nb-acc" inner_html=move || epochs.with(|e| history_chart(e, true))></div>
                </div>
                {move || runs.with(|r| r.last().cloned()).map(|r| view! {
                    <pre class="nb-out" id="nb-test-acc">{format!("{}: 테스트 정확도: {:.4}", cell_name(r.cell), r.test_accuracy)}</pre>
                })}
                {move || (!fitted_summary.get().is_empty()).then(|| view! { <pre class="summary nb-out" id="nb-summary-fit" tabindex="0">{fitted_summary.get()}</pre> })}
            </Cell>
            <Cell id="nb-cell-predict" code=code("def sentiment_predict(new_sentence):\n  new_sentence = re.sub(r'[^ㄱ-ㅎㅏ-ㅣ가-힣 ]','', new_sentence)\n  new_sentence = okt.morphs(new_sentence)\n  new_sentence = [word for word in new_sentence if not word in stopwords]\n  encoded = tokenizer.texts_to_sequences([new_sentence])\n  pad_new = pad_sequences(encoded, maxlen = max_len)\n  score = float(loaded_model.predict(pad_new))\n  if(score > 0.5):\n    print(\"{:.2f}% 확률로 긍정 리뷰입니다.\".format(score * 100))\n  else:\n    print(\"{:.2f}% 확률로 부정 리뷰입니다.\".format((1 - score) * 100))".into())>
                <div class="gen-controls">
                    <label class="field wide">
                        <span>{tr("내 문장", "your own sentence")}</span>
                        <input id="nb-predict-input" type="text" prop:value=move || predict_text.get() on:input=move |ev| predict_text.set(event_target_value(&ev))/>
                    </label>
                    <button id="nb-predict" disabled=move || (runs.with(Vec::is_empty) && own_model.with(Option::is_none)) || busy() on:click=move |_| predict()>{tr("sentiment_predict 실행", "run")}</button>
                </div>
                <div class="field" id="nb-own-model">
                    <span><code>"loaded_model = load_model('best_model.h5')"</code>{tr(" — Colab에서 저장한 모델로", "with a model saved in Colab")}</span>
                    <ModelFileDrop id="nb-model-file" on_model=Callback::new(use_model)/>
                    {move || own_model.get().map(|n| view! { <p class="hint" id="nb-own-model-name">{format!("loaded_model = {n}")}</p> })}
                </div>
                <p class="hint">
                    <DownloadKeras id="nb-save-keras" model=model_file stem="best_model"/>
                </p>
                <ul id="nb-verdicts" class="nb-verdicts">
                    {move || answers.get().into_iter().map(|(s, p, line)| view! {
                        <li data-probability=format!("{p:.4}")><code>{format!("sentiment_predict('{s}')")}</code><br/>{line}</li>
                    }).collect_view()}
                </ul>
            </Cell>
            <div class="nb-cell" id="nb-cell-compare">
                <h3>{tr("SimpleRNN, LSTM, GRU 나란히", "SimpleRNN, LSTM and GRU side by side")}</h3>
                <p class="hint">{tr("같은 리뷰, 같은 설정으로 세 층을 차례로 학습합니다", "The three layers, one after another, on the same reviews with the same settings.")}</p>
                <button id="nb-compare" disabled=move || !ready() on:click=move |_| {
                    runs.set(Vec::new());
                    queue.set(vec![CellKind::Lstm, CellKind::Gru]);
                    cell.set(CellKind::SimpleRnn);
                    fit(CellKind::SimpleRnn);
                }>{tr("세 모델 학습", "fit all three")}</button>
                <table class="nb-table" tabindex="0" id="nb-compare-table">
                    <thead><tr><th>"layer"</th><th>"params"</th><th>"epochs"</th><th>"best val_acc"</th><th>{tr("테스트 정확도", "test acc")}</th><th>{tr("시간", "time")}</th></tr></thead>
                    <tbody>{move || runs.get().into_iter().map(|r| view! {
                        <tr data-cell=cell_name(r.cell)><td>{cell_name(r.cell)}</td><td>{count(r.parameters)}</td><td>{r.epochs.len()}</td>
                            <td>{r.best_val_accuracy.map(|v| format!("{v:.4}")).unwrap_or_default()}</td><td>{format!("{:.4}", r.test_accuracy)}</td><td>{format!("{:.1} s", r.seconds)}</td></tr>
                    }).collect_view()}</tbody>
                </table>
                <div class="chart" id="nb-compare-chart" inner_html=move || runs.with(|r| comparison_chart(r))></div>
            </div>
        </section>
    }
}
