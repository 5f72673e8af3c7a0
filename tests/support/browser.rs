//! Driving the built site in headless Chromium: open a page, wait for the wasm, read and set
//! fields, poll until the page has updated. Shared by the end-to-end tests and the bad-input
//! catalogue's page part.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::{Chromedriver, StaticServer};

/// The built site (`RNN_PLAYGROUND_SITE`, set by `cargo xtask test`).
pub fn site_dir() -> std::path::PathBuf {
    std::env::var("RNN_PLAYGROUND_SITE")
        .expect("RNN_PLAYGROUND_SITE must point at the built site (run `cargo xtask test`)")
        .into()
}

/// The built site served on 127.0.0.1 and a headless Chromium showing it. Tests destructure
/// it so that the server and the browser live as long as the test.
pub struct Page {
    pub server: StaticServer,
    /// Dropping it ends the browser.
    pub _driver: Chromedriver,
    pub client: Client,
}

impl Page {
    /// Open `path` in a window of `size` and wait until `ready` (a CSS selector) is there.
    pub async fn open(path: &str, size: (u32, u32), ready: &str) -> Page {
        Self::open_on(StaticServer::start(&site_dir()), path, size, ready).await
    }

    /// [`Page::open`] on a given server (e.g. one serving the site under a sub-path).
    pub async fn open_on(
        server: StaticServer,
        path: &str,
        (width, height): (u32, u32),
        ready: &str,
    ) -> Page {
        // A fresh browser once more if the first never finishes loading: one run in many,
        // headless Chromium stops answering a navigation ("Timed out receiving message from
        // renderer" after 300 s), while the same page opens in two seconds in a new browser.
        let url = server.url(path);
        let mut attempt = 1;
        let (driver, client) = loop {
            let driver = Chromedriver::start().await;
            let client = driver.client(width, height).await;
            match tokio::time::timeout(Duration::from_secs(60), client.goto(&url)).await {
                Ok(Ok(())) => break (driver, client),
                Ok(Err(e)) if attempt == 2 => panic!("open the page: {e}"),
                Err(_) if attempt == 2 => panic!("open the page: no answer in 60 s"),
                other => {
                    eprintln!("{url}: the browser did not open it ({other:?}); a new browser");
                    attempt += 1;
                }
            }
        };
        client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(ready))
            .await
            .unwrap_or_else(|e| panic!("{ready} never appeared (did the wasm load?): {e}"));
        Page {
            server,
            _driver: driver,
            client,
        }
    }
}

/// Poll until `check` holds (the page updates asynchronously after an input event).
pub async fn eventually<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    eventually_within(what, Duration::from_secs(10), check).await
}

/// [`eventually`] with a longer patience (several pages starting at once, e.g. a slide deck's
/// iframes each compiling the wasm on a fresh profile).
pub async fn eventually_within<F, Fut>(what: &str, patience: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while start.elapsed() < patience {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for: {what}");
}

pub async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub async fn attr_of(client: &Client, css: &str, name: &str) -> Option<String> {
    client
        .find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}

pub async fn set_field(client: &Client, css: &str, value: &str) {
    // Set the value as a user's edit would end: the input's value, then `change`.
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change'));";
    client
        .execute(script, vec![css.into(), value.into()])
        .await
        .unwrap();
}

pub async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The `data-value`s of the cells matched by `css`.
pub async fn values(client: &Client, css: &str) -> Vec<f32> {
    let mut out = Vec::new();
    for cell in client.find_all(Locator::Css(css)).await.unwrap_or_default() {
        if let Ok(Some(v)) = cell.attr("data-value").await {
            out.push(v.parse().expect("a number"));
        }
    }
    out
}

pub async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map_or(0, |v| v.len())
}

pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    save_screenshot(name, png);
    println!("screenshot: target/e2e/{name}");
}

pub fn save_screenshot(name: &str, png: Vec<u8>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// Wait until the studio's status (`#status[data-state]`) is `state`.
pub async fn wait_for_state(client: &Client, state: &str) {
    eventually(&format!("the studio is {state}"), || async {
        attr_of(client, "#status", "data-state").await.as_deref() == Some(state)
    })
    .await;
}
