//! Shared pieces of the end-to-end tests: a static file server on 127.0.0.1 (tiny_http) and a
//! chromedriver process with a headless Chromium session (fantoccini).

#![allow(dead_code)]

pub mod browser;

use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// Serves a directory on an ephemeral 127.0.0.1 port until dropped, with the MIME types a
/// browser insists on (`application/wasm` for streaming compilation, JS modules).
pub struct StaticServer {
    server: std::sync::Arc<tiny_http::Server>,
    port: u16,
    /// Every path asked for, in order (tests check what a route downloads).
    requested: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: &Path) -> Self {
        Self::start_at(root, "")
    }

    /// Serve `root` cross-origin isolated (COOP `same-origin`, COEP `require-corp` on every
    /// answer, as `trunk serve` does): the page may then run the shared-memory worker.
    pub fn start_isolated(root: &Path) -> Self {
        Self::start_with(root, "", true)
    }

    /// Serve `root` under the sub-path `prefix` (e.g. `/playground`): other paths are 404, as
    /// on a host where the site is one directory among others.
    pub fn start_at(root: &Path, prefix: &str) -> Self {
        Self::start_with(root, prefix, false)
    }

    fn start_with(root: &Path, prefix: &str, isolated: bool) -> Self {
        let prefix = prefix.trim_end_matches('/').to_string();
        assert!(
            root.join("index.html").is_file(),
            "no index.html in {}",
            root.display()
        );
        let server =
            std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let root = root.to_path_buf();
        let worker = server.clone();
        let requested = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = requested.clone();
        let thread = std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                if let Ok(mut log) = log.lock() {
                    log.push(request.url().to_string());
                }
                let path = request.url().strip_prefix(prefix.as_str()).unwrap_or("");
                let resolved = if path.starts_with('/') || (path.is_empty() && prefix.is_empty()) {
                    resolve(&root, path)
                } else {
                    None
                };
                let mut response = match resolved {
                    Some(path) => match std::fs::read(&path) {
                        Ok(bytes) => tiny_http::Response::from_data(bytes).with_header(
                            tiny_http::Header::from_bytes("Content-Type", mime_type(&path))
                                .unwrap(),
                        ),
                        Err(_) => not_found(),
                    },
                    None => not_found(),
                };
                if isolated {
                    for (name, value) in [
                        ("Cross-Origin-Opener-Policy", "same-origin"),
                        ("Cross-Origin-Embedder-Policy", "require-corp"),
                    ] {
                        response.add_header(tiny_http::Header::from_bytes(name, value).unwrap());
                    }
                }
                // Each answer on its own thread: a browser that stops reading one response
                // (three iframes loading at once, one of them throttled) must not hold up the
                // others behind it. One thread for all answers made the slide-deck test hang.
                std::thread::spawn(move || {
                    let _ = request.respond(response);
                });
            }
        });
        Self {
            server,
            port,
            requested,
            thread: Some(thread),
        }
    }

    /// The paths requested so far.
    pub fn requested(&self) -> Vec<String> {
        self.requested.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn not_found() -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    tiny_http::Response::from_string("not found").with_status_code(404)
}

/// Map a URL path into `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// A chromedriver child process, killed on drop.
pub struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    pub async fn start() -> Self {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e} (install chromium-driver)"));
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self { child, port };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("chromedriver did not listen on port {port}");
    }

    /// A fresh Chromium profile per driver, removed on drop.
    fn profile_dir(&self) -> PathBuf {
        std::env::temp_dir().join(format!(
            "rnn-playground-e2e-{}-{}",
            std::process::id(),
            self.port
        ))
    }

    /// A new headless Chromium session with a fresh profile and the given window size.
    pub async fn client(&self, width: u32, height: u32) -> Client {
        let profile = self.profile_dir();
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).unwrap();
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--lang=ko-KR",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.display()),
            ]
        });
        if let Ok(chrome) = std::env::var("CHROME") {
            options["binary"] = json!(chrome);
        }
        // Chromium will not make a window narrower than about 500 px: phone widths are
        // emulated (the page then sees a 390 px viewport, as on a phone).
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": true }
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("start a Chromium session through chromedriver")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        // The browsers it started outlive chromedriver when a test fails part-way (one kept a
        // worker training for an hour here): end every process using this driver's profile.
        let _ = Command::new("pkill")
            .args(["-KILL", "-f"])
            .arg(self.profile_dir())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(self.profile_dir());
    }
}
