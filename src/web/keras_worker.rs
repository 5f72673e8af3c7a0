//! Keras' files in the page: a small worker of its own (`keras_worker.js`), started the first
//! time a student picks or drops a `.keras` / `.h5` file or asks for "Download .keras", so
//! routes that never touch a Keras file never download its zip and HDF5 code, and the
//! training worker does not grow. It turns Keras' files into the playground's model file
//! (what every panel already loads) and back ([`crate::keras`] does the work).
//!
//! A panic in the readers would end the worker: its panic hook answers the request that
//! caused it first, and the page starts a new worker for the next file.

use std::cell::RefCell;
use std::collections::HashMap;

use gloo_worker::{HandlerId, Worker, WorkerBridge, WorkerScope};
use serde::{Deserialize, Serialize};

use crate::i18n::{Bilingual, Text};

/// A file's name and bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedBytes {
    pub name: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Files picked or dropped together: a model file and maybe its JSON (tokenizer, config).
    Read { files: Vec<NamedBytes> },
    /// A playground model file (safetensors with model.json) → Keras 3's `.keras`.
    Write {
        #[serde(with = "serde_bytes")]
        model: Vec<u8>,
        date_saved: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToKeras {
    pub id: u32,
    pub job: Job,
}

/// A model read from a student's files, in the playground's own format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadModel {
    /// The model file's name.
    pub name: String,
    /// `model.json`'s text (architecture, tokenizer, preprocessing).
    pub config_json: String,
    /// The model as one playground file (what the studio's loader and the worker take).
    #[serde(with = "serde_bytes")]
    pub file: Vec<u8>,
    /// Keras 3's summary of it.
    pub summary: String,
    /// `sentiment`, `next_word`, or none (no tokenizer came with it).
    pub task: Option<String>,
}

impl ReadModel {
    /// Why this model cannot be used as a review classifier, if it cannot: the panels that
    /// classify reviews need one, with its tokenizer.
    pub fn not_a_review_classifier(&self) -> Option<Text> {
        (self.task.as_deref() != Some("sentiment")).then(|| {
            Text::new(
                format!(
                    "{}: 리뷰 분류 모델이 아닙니다. 토크나이저 JSON(tokenizer.to_json())을 함께 고르세요",
                    self.name
                ),
                format!(
                    "{}: not a review classifier: pick its tokenizer JSON (tokenizer.to_json()) with it",
                    self.name
                ),
            )
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    Read(ReadModel),
    Written {
        #[serde(with = "serde_bytes")]
        keras: Vec<u8>,
        tokenizer: Option<String>,
    },
    /// `crashed` when the worker is gone and a new one is needed.
    Failed {
        message: Text,
        crashed: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FromKeras {
    pub id: u32,
    pub outcome: Outcome,
}

/// The work itself (plain, so native tests could call it too).
pub fn run(job: Job) -> Outcome {
    match job {
        Job::Read { files } => {
            let files: Vec<(String, Vec<u8>)> =
                files.into_iter().map(|f| (f.name, f.bytes)).collect();
            match crate::keras::read_picked(&files) {
                Ok(p) => {
                    let summary = p.summary();
                    let file = match p.model.to_single_file(&p.extras) {
                        Ok(f) => f,
                        Err(e) => {
                            return Outcome::Failed {
                                message: Text::new(
                                    format!("모델을 저장할 수 없습니다: {e}"),
                                    format!("cannot store the model: {e}"),
                                ),
                                crashed: false,
                            };
                        }
                    };
                    Outcome::Read(ReadModel {
                        name: p.name.clone(),
                        config_json: p.model.config_json(&p.extras),
                        file,
                        summary,
                        task: p
                            .extras
                            .preprocessing
                            .get("task")
                            .and_then(|t| t.as_str())
                            .map(str::to_string),
                    })
                }
                Err(e) => Outcome::Failed {
                    message: e.text(),
                    crashed: false,
                },
            }
        }
        Job::Write { model, date_saved } => {
            match crate::keras::keras_from_single_file(&model, &date_saved) {
                Ok((keras, tokenizer)) => Outcome::Written { keras, tokenizer },
                Err(e) => Outcome::Failed {
                    message: e.text(),
                    crashed: false,
                },
            }
        }
    }
}

thread_local! {
    /// The request being worked on, for the panic hook's answer.
    static CURRENT: RefCell<Option<(WorkerScope<KerasWorker>, HandlerId, u32)>> = const { RefCell::new(None) };
}

pub struct KerasWorker;

impl Worker for KerasWorker {
    type Message = ();
    type Input = ToKeras;
    type Output = FromKeras;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            let text = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            CURRENT.with(|c| {
                if let Some((scope, who, id)) = c.borrow_mut().take() {
                    scope.respond(
                        who,
                        FromKeras {
                            id,
                            outcome: Outcome::Failed {
                                message: Text::new(
                                    format!("파일을 읽다가 멈췄습니다({text}). 다른 파일로 다시 해 보세요"),
                                    format!("reading the file stopped ({text}); try another file"),
                                ),
                                crashed: true,
                            },
                        },
                    );
                }
            });
        }));
        Self
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToKeras, who: HandlerId) {
        CURRENT.with(|c| *c.borrow_mut() = Some((scope.clone(), who, msg.id)));
        let outcome = run(msg.job);
        CURRENT.with(|c| *c.borrow_mut() = None);
        scope.respond(
            who,
            FromKeras {
                id: msg.id,
                outcome,
            },
        );
    }
}

type Done = Box<dyn FnOnce(Outcome)>;

struct Client {
    bridge: WorkerBridge<KerasWorker>,
    next: u32,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static PENDING: RefCell<HashMap<u32, Done>> = RefCell::new(HashMap::new());
}

/// The worker script, beside the page.
pub const SCRIPT: &str = "./keras_worker.js";

fn on_reply(reply: FromKeras) {
    if let Outcome::Failed { crashed: true, .. } = reply.outcome {
        // That worker is gone: the next request starts a new one.
        CLIENT.with(|c| *c.borrow_mut() = None);
    }
    if let Some(done) = PENDING.with(|p| p.borrow_mut().remove(&reply.id)) {
        done(reply.outcome);
    }
}

fn send(job: Job, done: impl FnOnce(Outcome) + 'static) {
    use gloo_worker::Spawnable;
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let client = c.get_or_insert_with(|| Client {
            bridge: KerasWorker::spawner().callback(on_reply).spawn(SCRIPT),
            next: 0,
        });
        client.next += 1;
        let id = client.next;
        PENDING.with(|p| p.borrow_mut().insert(id, Box::new(done)));
        client.bridge.send(ToKeras { id, job });
    });
}

/// Read files a student picked or dropped together; `done` gets the model or the reason.
pub fn read_files(files: Vec<NamedBytes>, done: impl FnOnce(Result<ReadModel, Text>) + 'static) {
    send(Job::Read { files }, move |o| {
        done(match o {
            Outcome::Read(m) => Ok(m),
            Outcome::Failed { message, .. } => Err(message),
            Outcome::Written { .. } => Err(Text::same("unexpected reply")),
        })
    });
}

/// Keras 3's `.keras` file (and the tokenizer JSON) for a playground model file.
pub fn to_keras(
    model: Vec<u8>,
    done: impl FnOnce(Result<(Vec<u8>, Option<String>), Text>) + 'static,
) {
    let now = (js_sys::Date::now() / 1000.0).max(0.0) as u64;
    let date_saved = crate::keras::date_saved(now);
    send(Job::Write { model, date_saved }, move |o| {
        done(match o {
            Outcome::Written { keras, tokenizer } => Ok((keras, tokenizer)),
            Outcome::Failed { message, .. } => Err(message),
            Outcome::Read(_) => Err(Text::same("unexpected reply")),
        })
    });
}

/// Read the `File`s of an input or a drop (all of them: a model and its JSON), then
/// [`read_files`].
pub fn read_file_list(
    files: web_sys::FileList,
    done: impl FnOnce(Result<ReadModel, Text>) + 'static,
) {
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    wasm_bindgen_futures::spawn_local(async move {
        let mut out = Vec::new();
        for f in files {
            let buffer = match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                Ok(b) => b,
                Err(_) => {
                    done(Err(Text::new(
                        format!("{}을(를) 읽을 수 없습니다", f.name()),
                        format!("cannot read {}", f.name()),
                    )));
                    return;
                }
            };
            out.push(NamedBytes {
                name: f.name(),
                bytes: js_sys::Uint8Array::new(&buffer).to_vec(),
            });
        }
        read_files(out, done);
    });
}
