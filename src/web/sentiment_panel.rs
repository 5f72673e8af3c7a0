//! "리뷰 감성 분류 · Review sentiment" (lectures 9 and 11): the shipped classifiers answer as
//! the student types, with every preprocessing stage, the models side by side, and which
//! words pushed the decision.
//!
//! The models are fetched lazily (XMLHttpRequest, for its progress events) from the site's
//! `models/` folder, which Trunk copies from `data/models/`, and handed to a worker of their
//! own; the worker runs the core's [`crate::sentiment::SentimentModel`].

use super::i18n::{shown, tr};
use crate::i18n::Text;
use gloo_worker::WorkerBridge;
use leptos::prelude::*;
use serde::Deserialize;

use super::fetch;
use super::keras_worker::ReadModel;
use super::model_file::{DownloadKeras, ModelFileDrop, download};
use super::protocol::{
    FromWorker, RETRAINED_MODEL, RetrainReply, RetrainRequest, ReviewsReply, ReviewsRequest,
    SentimentResult, ToWorker, WorkerReply,
};
use super::route;
use super::worker::TrainWorker;
use crate::plot::{LineChart, Series};
use crate::sentiment::SentimentConfig;
use crate::train::EpochLogs;

/// The lecture's review file (bab2min's corpus): what "retrain" fetches by default.
const LECTURE_DATA_URL: &str =
    "https://raw.githubusercontent.com/bab2min/corpus/master/sentiment/naver_shopping.txt";

/// The in-browser retraining, as the worker reports it.
#[derive(Clone, Debug, PartialEq)]
enum Retrain {
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

/// Train and validation curves of the retraining (loss solid, accuracy dashed).
fn retrain_chart(epochs: &[EpochLogs]) -> String {
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
const LECTURE_REVIEW: &str = "이 상품 진짜 좋아요... 저는 강추합니다. 대박";

/// One entry of `models/index.json`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct ModelInfo {
    /// The folder under `models/`.
    name: String,
    title: String,
    /// Test accuracy per source, as the model card reports it.
    accuracy: Vec<(String, f64)>,
    bytes: u64,
}

#[derive(Clone, Debug, PartialEq)]
enum Load {
    /// Not fetched: only the default (first) model loads with the page; the others on a click.
    NotLoaded,
    /// Bytes received, of `total` when known.
    Fetching(f64, f64),
    Ready,
    Failed(Text),
}

type Shared<T> = StoredValue<T, leptos::prelude::LocalStorage>;

#[component]
pub fn SentimentPanel() -> impl IntoView {
    let text = RwSignal::new(
        route::current()
            .param("text")
            .map_or(LECTURE_REVIEW.to_string(), str::to_string),
    );
    Effect::new(move |_| {
        route::write_panel_settings(route::PanelId::Sentiment, &[("text", text.get())]);
    });
    let models = RwSignal::new(Vec::<(ModelInfo, Load)>::new());
    // The last model retrained here, as one file: saved as .safetensors or as Keras' .keras.
    let retrained_file = RwSignal::new(None::<Vec<u8>>);
    // Models whose weights came from the browser's cache (a second visit).
    let cached_models = RwSignal::new(Vec::<String>::new());
    let results = RwSignal::new(None::<(String, Vec<SentimentResult>)>);
    let error = RwSignal::new(None::<Text>);
    let retrain = RwSignal::new(Retrain::Idle);
    let retrain_epochs = RwSignal::new(Vec::<EpochLogs>::new());
    let data_url = RwSignal::new(LECTURE_DATA_URL.to_string());
    let bridge: Shared<Option<WorkerBridge<TrainWorker>>> = StoredValue::new_local(None);
    // The retraining's other data-parallel replicas (the worker in `bridge` is replica 0), and
    // how many workers it uses.
    let replicas = super::parallel::Replicas::new();
    let drop_replicas = move || replicas.clear();
    let retrain_workers = RwSignal::new(super::parallel::default_workers());
    let worker_tag = StoredValue::new(0u32);
    // Every model here reads morphemes: the worker gets the lexicon before the first one.
    let segmenter = fetch::SegmenterGate::new();
    let send = move |message: ToWorker| {
        bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(message);
            }
        })
    };
    let lexicon_failed = move |message: Text| error.set(Some(message));

    let classify = move || {
        let ready = models.with(|m| m.iter().any(|(_, l)| *l == Load::Ready));
        if ready {
            let text = text.get_untracked();
            bridge.with_value(|b| {
                if let Some(b) = b {
                    b.send(ReviewsRequest::Classify { text }.into());
                }
            });
        }
    };
    // A failed request leaves the panel ready for another try (a retraining included).
    let failed = move |message: Text| {
        if !matches!(
            retrain.get_untracked(),
            Retrain::Idle | Retrain::Done { .. }
        ) {
            retrain.set(Retrain::Idle);
        }
        error.set(Some(message))
    };
    let on_reviews = move |reply: ReviewsReply| match reply {
        ReviewsReply::Loaded { name } => {
            models.update(|m| {
                if let Some(entry) = m.iter_mut().find(|(i, _)| i.name == name) {
                    entry.1 = Load::Ready;
                }
            });
            if name == RETRAINED_MODEL {
                send(ReviewsRequest::File { name: name.clone() }.into());
            }
            classify();
        }
        ReviewsReply::File { bytes, .. } => retrained_file.set(Some(bytes)),
        ReviewsReply::Classified {
            text: t,
            results: r,
        } => {
            error.set(None);
            results.set(Some((t, r)));
        }
        ReviewsReply::Failed(e) => failed(e.message),
    };
    let on_retrain = move |reply: RetrainReply| match reply {
        RetrainReply::Prep {
            done,
            total,
            report,
        } => retrain.set(Retrain::Segmenting {
            done,
            total,
            report,
        }),
        RetrainReply::Started { reviews, .. } => retrain.set(Retrain::Training {
            epoch: 1,
            batch: 0,
            batches: 0,
            reviews,
        }),
        RetrainReply::Batch {
            epoch,
            batch,
            batches,
        } => retrain.update(|r| {
            if let Retrain::Training { reviews, .. } = *r {
                *r = Retrain::Training {
                    epoch,
                    batch,
                    batches,
                    reviews,
                };
            }
        }),
        RetrainReply::Epoch { logs } => retrain_epochs.update(|e| e.push(logs)),
        RetrainReply::Trained {
            name,
            epochs,
            val_accuracy,
            seconds,
        } => {
            drop_replicas();
            retrain.set(Retrain::Done {
                epochs,
                val_accuracy,
                seconds,
            });
            models.update(|m| {
                m.retain(|(i, _)| i.name != name);
                m.push((
                    ModelInfo {
                        name: name.clone(),
                        title: "브라우저에서 다시 학습한 9강 SimpleRNN · retrained here".into(),
                        accuracy: val_accuracy
                            .map(|a| vec![("best val_accuracy".to_string(), a as f64)])
                            .unwrap_or_default(),
                        bytes: 0,
                    },
                    Load::Fetching(0.0, 0.0),
                ));
            });
        }
        RetrainReply::Failed(e) => failed(e.message),
    };
    let on_message = move |msg: FromWorker| match msg {
        FromWorker::Reviews(reply) => on_reviews(reply),
        FromWorker::Retrain(reply) => on_retrain(reply),
        // The segmenter's lexicon, which every model here reads, could not be installed.
        FromWorker::Worker(WorkerReply::Failed(e)) => failed(e.message),
        FromWorker::Worker(WorkerReply::Crashed { message }) => error.set(Some(Text::new(
            format!("분류기의 워커가 멈췄습니다: {message}. 페이지를 새로 고치면 다시 시작합니다."),
            format!(
                "the classifier's worker crashed: {message}. Reload the page to start it again."
            ),
        ))),
        _ => {}
    };
    let (primary, tag) = super::faults::spawn_tagged(on_message);
    worker_tag.set_value(tag);
    bridge.set_value(Some(primary));
    // A replica that fails ends the retraining (replica 0 reports the training itself).
    let replica_failed = move |message: Text| {
        drop_replicas();
        retrain.set(Retrain::Idle);
        error.set(Some(message));
    };
    let on_replica_message = move |msg: FromWorker| {
        if let Some(message) = super::parallel::replica_failure(msg) {
            replica_failed(message);
        }
    };
    replicas.watch_faults(worker_tag, replica_failed);

    // The list of shipped models, then each model's two files.
    let load_model = move |info: ModelInfo| {
        let name = info.name.clone();
        let set = move |name: &str, load: Load| {
            models.update(|m| {
                if let Some(entry) = m.iter_mut().find(|(i, _)| i.name == name) {
                    entry.1 = load;
                }
            })
        };
        let (progress_name, fail_name) = (name.clone(), name.clone());
        fetch::load_shipped_model(
            &info.name,
            move |got, total| set(&progress_name, Load::Fetching(got, total)),
            move |e| set(&fail_name, Load::Failed(e)),
            move |message, cached| {
                if cached {
                    cached_models.update(|c| c.push(name));
                }
                segmenter.send(message, send, lexicon_failed)
            },
        );
    };
    fetch::fetch_bytes(
        "./models/index.json",
        |_, _| {},
        move |index| {
            let parsed = index.and_then(|b| {
                serde_json::from_slice::<Vec<ModelInfo>>(&b)
                    .map_err(|e| format!("models/index.json: {e}"))
            });
            match parsed {
                Ok(list) => {
                    // The first model of the list is the default: it loads now, the others
                    // when the student asks (each is megabytes of weights).
                    models.set(
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
                    if let Some(first) = list.into_iter().next() {
                        load_model(first);
                    }
                }
                Err(e) => error.set(Some(Text::new(
                    format!("내장 모델 목록을 읽지 못했습니다: {e}"),
                    format!("the shipped models could not be listed: {e}"),
                ))),
            }
        },
    );

    // The student's own classifier (read by the Keras-file worker), listed and loaded like a
    // shipped one.
    let add_own = move |m: ReadModel| {
        if let Some(why) = m.not_a_review_classifier() {
            error.set(Some(why));
            return;
        }
        let name = format!("file:{}", m.name);
        models.update(|list| {
            list.retain(|(i, _)| i.name != name);
            list.push((
                ModelInfo {
                    name: name.clone(),
                    title: m.name.clone(),
                    accuracy: Vec::new(),
                    bytes: 0,
                },
                Load::Fetching(0.0, 0.0),
            ));
        });
        segmenter.send(
            ReviewsRequest::Load {
                name,
                config_json: m.config_json,
                weights: m.file,
            }
            .into(),
            send,
            lexicon_failed,
        );
    };
    let start_training = move |text: String| {
        retrain_epochs.set(Vec::new());
        error.set(None);
        // Lecture 9: 15 epochs, batch 32, validation_split 0.2, early stopping; on K replica
        // workers that each read and segment the file and train on their shard of every batch.
        let count = retrain_workers
            .get_untracked()
            .clamp(1, super::threads::MAX_WORKERS);
        let primary = bridge
            .with_value(Option::is_some)
            .then(|| worker_tag.get_value());
        let run = replicas.start(count, primary, on_replica_message);
        for index in 1..count {
            let message = RetrainRequest::Train {
                text: text.clone(),
                config: SentimentConfig::default(),
                replica: run.info(index),
            }
            .into();
            let to_replica = move |m: ToWorker| replicas.send(index, m);
            fetch::SegmenterGate::new().send(message, to_replica, lexicon_failed);
        }
        let message = RetrainRequest::Train {
            text,
            config: SentimentConfig::default(),
            replica: run.info(0),
        }
        .into();
        segmenter.send(message, send, lexicon_failed);
    };
    let loaded_text = move |text: Result<String, Text>| match text {
        Ok(t) => start_training(t),
        Err(e) => {
            retrain.set(Retrain::Idle);
            error.set(Some(e));
        }
    };
    let fetch_and_train = move |_| {
        retrain.set(Retrain::Fetching(0.0, 0.0));
        fetch::fetch_review_file(
            &data_url.get_untracked(),
            move |got, total| retrain.set(Retrain::Fetching(got, total)),
            loaded_text,
        );
    };
    let read_file = move |file: web_sys::File| {
        retrain.set(Retrain::Fetching(0.0, file.size()));
        fetch::read_picked_file(file, loaded_text);
    };
    let busy = move || !matches!(retrain.get(), Retrain::Idle | Retrain::Done { .. });

    view! {
        <section class="panel" id="sentiment-panel">
            <h2>{tr("리뷰 감성 분류", "Review sentiment")}</h2>
            <p class="lede">
                {tr("9·11강: 리뷰를 입력하면 전처리의 모든 단계와 모델별 판단, 판단을 움직인 단어가 바로 보입니다.", "Lectures 9 and 11: type a review to see every preprocessing stage, each model's verdict and the words that moved it.")}
            </p>
            <div class="panel-body">
                <div class="controls">
                    <label class="field">
                        <span>{tr("리뷰", "a review")}</span>
                        <textarea
                            id="review-input"
                            rows="4"
                            spellcheck="false"
                            prop:value=move || text.get()
                            on:input=move |ev| {
                                text.set(event_target_value(&ev));
                                classify();
                            }
                        ></textarea>
                    </label>
                    // Lecture 11's four sentiment_predict sentences, one click each.
                    <div class="examples" id="lecture-reviews" role="group" aria-label="lecture examples">
                        <span>{tr("강의 예문", "the lecture's sentences")}</span>
                        {crate::lecture::SENTIMENT_PREDICT_EXAMPLES.iter().enumerate().map(|(i, s)| view! {
                            <button class="example" id=format!("lecture-review-{i}")
                                on:click=move |_| { text.set(s.to_string()); classify(); }>{*s}</button>
                        }).collect_view()}
                    </div>
                    <ul id="sentiment-models" class="model-list">
                        {move || models.get().into_iter().map(|(info, load)| {
                            let cached = cached_models.with(|c| c.contains(&info.name));
                            let wanted = info.clone();
                            let on_load = Callback::new(move |_: ()| {
                                let name = wanted.name.clone();
                                models.update(|m| {
                                    if let Some(entry) = m.iter_mut().find(|(i, _)| i.name == name) {
                                        entry.1 = Load::Fetching(0.0, 0.0);
                                    }
                                });
                                load_model(wanted.clone());
                            });
                            view! { <ModelRow info load cached on_load/> }
                        }).collect_view()}
                    </ul>
                    <div class="field" id="sentiment-own">
                        <span>{tr("내 모델 추가 (Colab의 .keras·.h5와 토크나이저 JSON)", "add your own model (a .keras or .h5 from Colab with its tokenizer JSON)")}</span>
                        <ModelFileDrop id="sentiment-file" on_model=Callback::new(add_own)/>
                    </div>
                    {move || retrained_file.get().is_some().then(|| view! {
                        <p class="hint" id="retrained-save">
                            {tr("다시 학습한 모델 저장:", "save the retrained model: ")}
                            <button id="retrained-safetensors" class="link" on:click=move |_| {
                                retrained_file.with_untracked(|f| if let Some(b) = f { download(b, "retrained-simplernn.safetensors") });
                            }>".safetensors"</button>
                            " · "
                            <DownloadKeras id="retrained-keras" model=retrained_file stem="retrained-simplernn"/>
                        </p>
                    })}
                    <fieldset id="retrain">
                        <legend>{tr("9강 SimpleRNN 다시 학습", "retrain in this browser")}</legend>
                        <label class="field">
                            <span>{tr("리뷰 파일 주소", "review file URL")}</span>
                            <input id="data-url" type="text" prop:value=move || data_url.get()
                                on:input=move |ev| data_url.set(event_target_value(&ev))/>
                        </label>
                        <label class="field inline">
                            <span>{tr("워커 수", "workers")}</span>
                            <input id="retrain-workers" type="number" min="1" max=super::threads::MAX_WORKERS.to_string()
                                prop:value=move || retrain_workers.get().to_string()
                                on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<usize>() { retrain_workers.set(n.clamp(1, super::threads::MAX_WORKERS)) } }/>
                        </label>
                        <button id="retrain-url" class="primary" on:click=fetch_and_train disabled=busy>{tr("불러와 학습", "fetch and train")}</button>
                        <label
                            class="drop"
                            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                            on:drop=move |ev: web_sys::DragEvent| {
                                ev.prevent_default();
                                if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                                    read_file(file);
                                }
                            }
                        >
                            {tr("또는 파일을 끌어다 놓거나 고르세요", "or drop / pick a file ")}
                            <input id="retrain-file" type="file" accept=".txt,.tsv,.csv"
                                on:change=move |ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                        read_file(file);
                                    }
                                }/>
                        </label>
                        <p id="retrain-status" class="status" data-state=move || match retrain.get() {
                            Retrain::Idle => "idle",
                            Retrain::Fetching(..) => "fetching",
                            Retrain::Segmenting { .. } => "segmenting",
                            Retrain::Training { .. } => "training",
                            Retrain::Done { .. } => "done",
                        }>{move || {
                            let speed = retrain_epochs.with(|e| e.last().map(|l| l.samples_per_s));
                            let workers = retrain_workers.get();
                            let mut line = retrain_status(&retrain.get());
                            if !matches!(retrain.get(), Retrain::Idle | Retrain::Fetching(..)) {
                                line += &format!(" · {workers} worker{}{}", if workers == 1 { "" } else { "s" }, super::threads::status_note(workers));
                                if let Some(v) = speed {
                                    line += &format!(" · {v:.0} samples/s");
                                }
                            }
                            line
                        }}</p>
                        {move || retrain_progress(&retrain.get()).map(|pct| view! {
                            <progress id="retrain-progress" max="100" value=format!("{pct:.1}")></progress>
                        })}
                        <div id="retrain-curve" class="chart" inner_html=move || retrain_epochs.with(|e| retrain_chart(e))></div>
                        // The notebook's fit output, as Keras 3 prints it (lecture 9: metrics=['acc']).
                        <pre id="retrain-log" class="summary fit-log" tabindex="0">{move || retrain_epochs.with(|e| crate::train::progbar::fit_log(e, SentimentConfig::default().epochs, "acc"))}</pre>
                    </fieldset>
                </div>
                <div class="results">
                    {move || error.get().map(|e| view! { <p id="sentiment-error" class="error" role="alert">{shown(&e)}</p> })}
                    {move || results.get().map(|(t, r)| view! { <Verdicts text=t results=r/> })}
                </div>
            </div>
        </section>
    }
}

fn retrain_status(r: &Retrain) -> String {
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
fn retrain_progress(r: &Retrain) -> Option<f64> {
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

#[component]
fn ModelRow(info: ModelInfo, load: Load, cached: bool, on_load: Callback<()>) -> impl IntoView {
    let accuracy = info
        .accuracy
        .iter()
        .map(|(source, a)| format!("{source} {:.1}%", a * 100.0))
        .collect::<Vec<_>>()
        .join(" · ");
    let state = match load {
        Load::NotLoaded => view! {
            <button class="load-model" on:click=move |_| on_load.run(())>
                {move || format!("{} ({:.1} MB)", tr("불러오기", "load")(), info.bytes as f64 / 1e6)}
            </button>
        }
        .into_any(),
        Load::Ready if cached => {
            view! { <span class="ready">{tr("준비됨 (캐시)", "ready (from the cache)")}</span> }
                .into_any()
        }
        Load::Ready => view! { <span class="ready">{tr("준비됨", "ready")}</span> }.into_any(),
        Load::Failed(e) => view! { <span class="error">{move || shown(&e)}</span> }.into_any(),
        Load::Fetching(got, total) => {
            let total = if total > 0.0 {
                total
            } else {
                info.bytes as f64
            };
            let pct = if total > 0.0 {
                (100.0 * got / total).min(100.0)
            } else {
                0.0
            };
            view! {
                <progress max="100" value=pct.to_string()></progress>
                <span class="dim">{format!(" {:.0}%", pct)}</span>
            }
            .into_any()
        }
    };
    view! {
        <li data-model=info.name.clone() data-source=if cached { "cache" } else { "network" }>
            <strong>{info.title.clone()}</strong>
            <span class="dim">{format!(" · {}{accuracy}", if info.bytes > 0 { "test accuracy " } else { "" })}</span>
            <div>{state}</div>
        </li>
    }
}

/// The first model's stages, then every model's verdict with its bar and word contributions.
#[component]
fn Verdicts(text: String, results: Vec<SentimentResult>) -> impl IntoView {
    let _ = text;
    let stages = results.first().map(|r| {
        let s = r.stages.clone();
        let sequence = s
            .sequence
            .iter()
            .map(|&id| {
                let oov = id == 1;
                view! { <span class="cell" class:oov=oov title=if oov { "OOV" } else { "" }>{if oov { "OOV(1)".to_string() } else { id.to_string() }}</span> }
            })
            .collect_view();
        let empty = s.tokens.is_empty();
        let name = r.name.clone();
        view! {
            <p class="dim">{move || match super::i18n::lang() {
                crate::i18n::Lang::Ko => format!("전처리 ({name}의 토크나이저)"),
                crate::i18n::Lang::En => format!("preprocessing ({name}'s tokenizer)"),
            }}</p>
            <ol id="sentiment-stages" class="stages">
                <li><span class="stage">{tr("정제", "cleaned")}</span><span class="clean">{s.clean.clone()}</span></li>
                <li><span class="stage">{tr("형태소", "morphemes")}</span><span>{s.morphs.join(" · ")}</span></li>
                <li><span class="stage">{tr("불용어 제거", "without stopwords")}</span><span id="sentiment-tokens">{s.tokens.join(" · ")}</span></li>
                <li><span class="stage">{tr("정수 인코딩", "sequence")}</span><span id="sentiment-sequence" class="seq">{sequence}</span></li>
                <li><span class="stage">{tr("패딩", "padded")}" (maxlen "{s.padded.len()}")"</span><code id="sentiment-padded">{format!("{:?}", s.padded)}</code></li>
            </ol>
            {empty.then(|| view! { <p class="hint" id="sentiment-empty">{tr("정제 후 남은 한국어 단어가 없습니다: 모델은 패딩만 봅니다", "no Korean words are left after cleaning, so the models see only padding.")}</p> })}
        }
    });
    let cards = results
        .into_iter()
        .map(|r| {
            let p = r.stages.probability;
            let positive = p > 0.5;
            let max = r
                .contributions
                .iter()
                .map(|(_, c)| c.abs())
                .fold(1e-6f32, f32::max);
            let words = r
                .contributions
                .iter()
                .map(|(w, c)| {
                    let alpha = (c.abs() / max).clamp(0.0, 1.0) * 0.8;
                    let colour = if *c >= 0.0 { "46, 160, 67" } else { "218, 54, 51" };
                    let style = format!("background: rgba({colour}, {alpha:.2})");
                    view! { <span class="contribution" style=style title=format!("{c:+.3}")>{w.clone()}</span> }
                })
                .collect_view();
            view! {
                <div class="verdict" data-model=r.name.clone() class:positive=positive>
                    <h4>{r.name.clone()}</h4>
                    <p class="sentence">{r.sentence.clone()}</p>
                    <div class="bar"><div class="fill" style=format!("width: {:.1}%", p * 100.0)></div></div>
                    <p class="dim">{move || match super::i18n::lang() {
                        crate::i18n::Lang::Ko => format!("P(긍정) = {p:.4} · 워커에서 {:.2} ms", r.millis),
                        crate::i18n::Lang::En => format!("P(긍정) = {p:.4} · {:.2} ms in the worker", r.millis),
                    }}</p>
                    <p class="contributions">{words}</p>
                </div>
            }
        })
        .collect_view();
    view! {
        {stages}
        <div id="sentiment-verdicts" class="verdicts">{cards}</div>
        <p class="legend">
            <span class="contribution" style="background: rgba(46, 160, 67, 0.6)">"긍정"</span>
            " / "
            <span class="contribution" style="background: rgba(218, 54, 51, 0.6)">"부정"</span>
            {tr(" 쪽으로 민 단어", "words that pushed towards positive / negative (the change in probability when the word is left out)")}
        </p>
    }
}
