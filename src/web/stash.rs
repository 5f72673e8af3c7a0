//! The notebook's stash: big byte blobs kept in the browser's Cache API, where both the page
//! and its workers can reach them, so that they never pass through the page's thread.
//!
//! Two things go there: a review file the student picked (the page puts the `File` itself; the
//! browser copies it in the background) and each finished epoch's checkpoint of a notebook fit
//! (the worker puts it). Either outlives the worker that stops answering, so a new worker can
//! read both. A 20 MB file or a 10 MB checkpoint copied through the page's wasm and posted as
//! a message held the page's thread for 50–85 ms each time; here the page only passes keys.
//!
//! The Cache API needs a secure context (https or localhost); where it is missing, callers fall
//! back to sending the bytes in the message ([`available`]).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The cache's name (the models and the lexicon are in another).
const STASH: &str = "rnn-playground-notebook";

/// The key a picked review file is kept under.
pub const PICKED_FILE: &str = "./__notebook/picked-file";

fn caches() -> Option<JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &"caches".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
}

/// Whether this page or worker has the Cache API.
pub fn available() -> bool {
    caches().is_some()
}

/// `object[name](...args)`, its promise awaited.
async fn call(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: js_sys::Function = js_sys::Reflect::get(object, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("the browser has no {name}"))?;
    let array: js_sys::Array = args.iter().collect();
    let promise: js_sys::Promise = f
        .apply(object, &array)
        .map_err(|e| format!("{name}: {e:?}"))?
        .dyn_into()
        .map_err(|_| format!("{name} gave no promise"))?;
    JsFuture::from(promise).await.map_err(|e| {
        format!(
            "{name}: {}",
            e.as_string().unwrap_or_else(|| format!("{e:?}"))
        )
    })
}

async fn open() -> Result<JsValue, String> {
    let caches = caches().ok_or("this browser keeps no cache here (it needs https)")?;
    call(&caches, "open", &[STASH.into()]).await
}

/// Keep `body` (a `Blob`, `File`, `ArrayBuffer` or typed array) under `key`.
async fn put(key: &str, body: JsValue) -> Result<(), String> {
    let cache = open().await?;
    let constructor: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &"Response".into())
        .ok()
        .and_then(|c| c.dyn_into().ok())
        .ok_or("the browser has no Response")?;
    let args: js_sys::Array = std::iter::once(body).collect();
    let response =
        js_sys::Reflect::construct(&constructor, &args).map_err(|e| format!("Response: {e:?}"))?;
    call(&cache, "put", &[key.into(), response])
        .await
        .map(|_| ())
}

/// Keep `bytes` under `key`.
pub async fn put_bytes(key: &str, bytes: &[u8]) -> Result<(), String> {
    put(key, js_sys::Uint8Array::from(bytes).into()).await
}

/// Keep a picked `file` under `key` (the browser copies it; the page's thread does not).
pub async fn put_file(key: &str, file: &web_sys::File) -> Result<(), String> {
    put(key, file.clone().into()).await
}

/// The bytes kept under `key`.
pub async fn get_bytes(key: &str) -> Result<Vec<u8>, String> {
    let cache = open().await?;
    let response = call(&cache, "match", &[key.into()]).await?;
    if response.is_undefined() {
        return Err(format!("nothing is kept under {key} any more"));
    }
    let buffer = call(&response, "arrayBuffer", &[]).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Forget what is kept under `key`.
pub async fn delete(key: &str) {
    if let Ok(cache) = open().await {
        let _ = call(&cache, "delete", &[key.into()]).await;
    }
}

/// Forget everything in the stash (a new file is loaded: the last one's checkpoints go).
pub async fn clear() {
    if let Some(caches) = caches() {
        let _ = call(&caches, "delete", &[STASH.into()]).await;
    }
}
