//! `cargo xtask bench`'s wasm rows for data parallelism: the page's `#/bench` route trains
//! each case with 1 and with 2 replica workers (as the studio does), and with the one
//! shared-memory worker on a cross-origin isolated host (its record has `"threads"`), and this
//! prints one `BENCH {record}` line per run. It runs only when `BENCH_WORKERS` is set (a benchmark, not
//! a test: `cargo xtask test` skips it).

use std::time::Duration;

use super::support::StaticServer;
use super::{Page, eventually_within, site_dir, text_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_workers() {
    let Ok(run) = std::env::var("BENCH_WORKERS") else {
        println!("BENCH_WORKERS is not set: skipped (cargo xtask bench runs it)");
        return;
    };
    // `(case, warm-up batches, timed batches)`: a few seconds of each, so that V8 has
    // optimised the worker's hot functions before the clock starts (a batch of the small
    // SimpleRNN takes ~6 ms: thirty timed from the first gave half its speed).
    let cases = [
        ("lecture11-gru-train", 20, 100),
        ("lecture11-gru-train-padded-reviews", 60, 300),
        ("lecture9-simplernn-train-padded-reviews", 400, 1200),
    ];
    let scale = if run == "quick" { 4 } else { 1 };
    for (case, warmup, steps) in cases {
        let (warmup, steps) = (warmup / scale, steps / scale);
        // 1 and 2 replica workers on a plain host, then the one shared-memory worker (rayon's
        // pool over every core) on a cross-origin isolated host.
        for (workers, isolated) in [(1, false), (2, false), (1, true)] {
            let path =
                format!("/#/bench?case={case}&workers={workers}&steps={steps}&warmup={warmup}");
            let server = if isolated {
                StaticServer::start_isolated(&site_dir())
            } else {
                StaticServer::start(&site_dir())
            };
            let Page {
                server: _server,
                _driver,
                client,
            } = Page::open_on(server, &path, (800, 600), "#bench-result").await;
            eventually_within(&path, Duration::from_secs(600), || async {
                !text_of(&client, "#bench-result").await.is_empty()
            })
            .await;
            let result = text_of(&client, "#bench-result").await;
            assert!(!result.starts_with("error"), "{path}: {result}");
            println!("BENCH {result}");
            client.close().await.unwrap();
        }
    }
}
