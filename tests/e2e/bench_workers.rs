//! `cargo xtask bench`'s wasm rows for data parallelism: the page's `#/bench` route trains
//! each case with 1 and with 2 replica workers (as the studio does) and this prints one
//! `BENCH {record}` line per run. It runs only when `BENCH_WORKERS` is set (a benchmark, not
//! a test: `cargo xtask test` skips it).

use std::time::Duration;

use super::{Page, eventually_within, text_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_workers() {
    let Ok(steps) = std::env::var("BENCH_WORKERS") else {
        println!("BENCH_WORKERS is not set: skipped (cargo xtask bench runs it)");
        return;
    };
    let cases = [
        "lecture11-gru-train",
        "lecture11-gru-train-padded-reviews",
        "lecture9-simplernn-train-padded-reviews",
    ];
    for case in cases {
        for workers in [1, 2] {
            let path = format!("/#/bench?case={case}&workers={workers}&steps={steps}");
            let Page {
                server: _server,
                _driver,
                client,
            } = Page::open(&path, (800, 600), "#bench-result").await;
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
