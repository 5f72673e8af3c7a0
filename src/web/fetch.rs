//! Downloads: XMLHttpRequest (for its progress events) and, for the shipped model files, the
//! browser's Cache API, so that a second visit loads the models without the network.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

use super::protocol::{ReviewsRequest, ToWorker, WorkerRequest};
use crate::i18n::Text;

/// The cache that keeps model files between visits. Bump the number when a shipped model's
/// files change (the URLs stay the same).
const MODEL_CACHE: &str = "rnn-playground-models-1";

/// GET `url` as bytes, reporting progress; `done` gets the bytes or a message.
pub fn fetch_bytes(
    url: &str,
    progress: impl Fn(f64, f64) + 'static,
    done: impl FnOnce(Result<Vec<u8>, String>) + 'static,
) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        done(Err("this browser cannot fetch files".into()));
        return;
    };
    if xhr.open("GET", url).is_err() {
        done(Err(format!("cannot open {url}")));
        return;
    }
    xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            progress(
                e.loaded(),
                if e.length_computable() {
                    e.total()
                } else {
                    0.0
                },
            );
        });
    xhr.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let request = xhr.clone();
    let url_owned = url.to_string();
    let on_load = Closure::once(move || {
        let status = request.status().unwrap_or(0);
        if status != 200 {
            done(Err(format!("{url_owned}: HTTP {status}")));
            return;
        }
        match request.response() {
            Ok(buffer) => done(Ok(js_sys::Uint8Array::new(&buffer).to_vec())),
            Err(_) => done(Err(format!("{url_owned}: no response"))),
        }
    });
    xhr.set_onloadend(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let _ = xhr.send();
}

/// `object[name]` as a function called on `object` with `args`; its promise, awaited.
async fn call(object: &JsValue, name: &str, args: &[JsValue]) -> Option<JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(object, &name.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let array: js_sys::Array = args.iter().collect();
    let promise: js_sys::Promise = f.apply(object, &array).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// The model cache, when this browser has one (the Cache API needs https or localhost).
async fn model_cache() -> Option<JsValue> {
    let caches = js_sys::Reflect::get(&window(), &"caches".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())?;
    call(&caches, "open", &[MODEL_CACHE.into()]).await
}

async fn cache_get(url: &str) -> Option<Vec<u8>> {
    let cache = model_cache().await?;
    let response = call(&cache, "match", &[url.into()])
        .await
        .filter(|r| !r.is_undefined())?;
    let buffer = call(&response, "arrayBuffer", &[]).await?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn cache_put(url: String, bytes: Vec<u8>) {
    let Some(cache) = model_cache().await else {
        return;
    };
    let Ok(constructor) = js_sys::Reflect::get(&window(), &"Response".into()) else {
        return;
    };
    let Ok(constructor) = constructor.dyn_into::<js_sys::Function>() else {
        return;
    };
    let body = js_sys::Uint8Array::from(bytes.as_slice());
    let args: js_sys::Array = std::iter::once(JsValue::from(body)).collect();
    if let Ok(response) = js_sys::Reflect::construct(&constructor, &args) {
        let _ = call(&cache, "put", &[url.into(), response]).await;
    }
}

/// [`fetch_bytes`] through the model cache: `done` also says whether the bytes came from it.
pub fn fetch_cached(
    url: &str,
    progress: impl Fn(f64, f64) + 'static,
    done: impl FnOnce(Result<Vec<u8>, String>, bool) + 'static,
) {
    let url = url.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(bytes) = cache_get(&url).await {
            done(Ok(bytes), true);
            return;
        }
        let key = url.clone();
        fetch_bytes(&url, progress, move |result| {
            if let Ok(bytes) = &result {
                wasm_bindgen_futures::spawn_local(cache_put(key, bytes.clone()));
            }
            done(result, false)
        });
    });
}

/// Fetch a shipped model folder (`models/<name>/`: `model.json`, `model.safetensors`) and hand
/// `loaded` the message that loads it into a worker, and whether the weights came from the
/// cache.
pub fn load_shipped_model(
    name: &str,
    progress: impl Fn(f64, f64) + 'static,
    failed: impl Fn(Text) + Clone + 'static,
    loaded: impl FnOnce(ToWorker, bool) + 'static,
) {
    let model_failed = |e: String| {
        Text::new(
            format!("모델을 내려받지 못했습니다: {e}"),
            format!("cannot download the model: {e}"),
        )
    };
    let base = format!("./models/{name}");
    let name = name.to_string();
    let weights_url = format!("{base}/model.safetensors");
    let failed_config = failed.clone();
    fetch_cached(
        &format!("{base}/model.json"),
        |_, _| {},
        move |config, _| match config.and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
        {
            Err(e) => failed_config(model_failed(e)),
            Ok(config_json) => {
                fetch_cached(
                    &weights_url,
                    progress,
                    move |weights, cached| match weights {
                        Err(e) => failed(model_failed(e)),
                        Ok(weights) => loaded(
                            ReviewsRequest::Load {
                                name,
                                config_json,
                                weights,
                            }
                            .into(),
                            cached,
                        ),
                    },
                )
            }
        },
    );
}

/// What one worker has of the segmenter's lexicon.
enum Lexicon {
    /// Not asked for yet: nothing is downloaded until a panel needs Korean morphemes.
    NotNeeded,
    /// On its way; the messages that need it wait here, in order.
    Fetching(Vec<ToWorker>),
    Sent,
}

/// Gives one worker the segmenter's lexicon (`segmenter/okt-lexicon.bin`, 0.8 MB, kept in the
/// model cache) before the first message that needs Korean morphemes, so that panels and
/// routes that never segment never download it.
#[derive(Clone, Copy)]
pub struct SegmenterGate {
    state: StoredValue<Lexicon, LocalStorage>,
}

impl SegmenterGate {
    pub fn new() -> SegmenterGate {
        SegmenterGate {
            state: StoredValue::new_local(Lexicon::NotNeeded),
        }
    }

    /// Forget what the worker had (a new worker was started in its place).
    pub fn reset(&self) {
        self.state.set_value(Lexicon::NotNeeded);
    }

    /// Send `message` with `send` once the worker has the lexicon, fetching it the first time;
    /// `failed` hears why when the lexicon cannot be downloaded.
    pub fn send(
        &self,
        message: ToWorker,
        send: impl Fn(ToWorker) + 'static,
        failed: impl Fn(Text) + 'static,
    ) {
        enum Next {
            Send(ToWorker),
            Download,
            Wait,
        }
        let state = self.state;
        let next = state
            .try_update_value(|s| match s {
                Lexicon::Sent => Next::Send(message),
                Lexicon::Fetching(waiting) => {
                    waiting.push(message);
                    Next::Wait
                }
                Lexicon::NotNeeded => {
                    *s = Lexicon::Fetching(vec![message]);
                    Next::Download
                }
            })
            .unwrap_or(Next::Wait);
        match next {
            Next::Send(message) => return send(message),
            Next::Wait => return,
            Next::Download => {}
        }
        let url = format!("./{}", crate::segment::LEXICON_URL);
        fetch_cached(
            &url,
            |_, _| {},
            move |bytes, _| {
                let waiting = state
                    .try_update_value(|s| match std::mem::replace(s, Lexicon::Sent) {
                        Lexicon::Fetching(w) => w,
                        _ => Vec::new(),
                    })
                    .unwrap_or_default();
                match bytes {
                    Ok(bytes) => {
                        send(WorkerRequest::LoadSegmenter { bytes }.into());
                        for m in waiting {
                            send(m);
                        }
                    }
                    Err(e) => {
                        state.set_value(Lexicon::NotNeeded);
                        failed(Text::new(
                            format!("형태소 사전을 내려받지 못했습니다: {e}"),
                            format!("cannot download the segmenter's dictionary: {e}"),
                        ));
                    }
                }
            },
        );
    }
}

/// A review file's text from `url` (`progress` as bytes arrive); `Err` says what went wrong.
pub fn fetch_review_file(
    url: &str,
    progress: impl Fn(f64, f64) + 'static,
    done: impl FnOnce(Result<String, Text>) + 'static,
) {
    fetch_bytes(url, progress, move |bytes| {
        done(
            bytes
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| {
                    Text::new(
                        format!("리뷰 파일을 받지 못했습니다: {e}"),
                        format!("the review file could not be fetched: {e}"),
                    )
                }),
        )
    });
}

/// A picked or dropped file's bytes (read by the browser off the main thread; the worker
/// decodes them, so a 20 MB file costs the page no UTF-8 pass).
pub fn read_picked_bytes(file: web_sys::File, done: impl FnOnce(Result<Vec<u8>, Text>) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        done(
            wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                .await
                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                .map_err(|_| unreadable()),
        )
    });
}

/// A picked or dropped file's text.
pub fn read_picked_file(file: web_sys::File, done: impl FnOnce(Result<String, Text>) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        done(
            wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .map(|text| text.as_string().unwrap_or_default())
                .map_err(|_| unreadable()),
        )
    });
}

/// What the page says when the browser cannot read a picked file.
fn unreadable() -> Text {
    Text::new("파일을 읽을 수 없습니다", "the file could not be read")
}
