//! `cargo xtask soak`: a lecture notebook at the lecture's scale in the page, from the file's
//! arrival to the four verdicts, with memory recorded after every epoch: the worker's wasm
//! memory, the page's JS heap and the resident memory of Chromium's renderer processes, and
//! every main-thread long task. It prints one `SOAK {json}` line per epoch and a
//! `SOAK-SUMMARY {json}` line. It runs only when `NOTEBOOK_SOAK` is set (a benchmark, not a
//! test: `cargo xtask test` skips it).
//!
//! The reviews are generated here from sentences written for this project (no review text from
//! any data set): 200,000 lines of `rating<TAB>review`, positive and negative phrases with
//! made-up product names, so that the vocabulary is as large as a real file's.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::{Value, json};

use super::support::StaticServer;
use super::{Page, attr_of, click, count, eventually_within, set_field, site_dir, text_of};

const GOOD: [&str; 12] = [
    "배송이 정말 빨라요",
    "포장이 꼼꼼해요",
    "가격 대비 훌륭해요",
    "디자인이 예뻐요",
    "재구매 의사 있어요",
    "아이가 좋아해요",
    "생각보다 튼튼해요",
    "색상이 사진이랑 똑같아요",
    "사이즈가 딱 맞아요",
    "선물했는데 반응이 좋았어요",
    "소리가 조용해서 만족합니다",
    "강력 추천합니다",
];
const BAD: [&str; 12] = [
    "배송이 너무 늦어요",
    "포장이 엉망이에요",
    "금방 고장났어요",
    "냄새가 심해요",
    "사진이랑 색이 달라요",
    "사이즈가 안 맞아요",
    "두 번 다시 안 사요",
    "반품하고 싶어요",
    "설명이랑 달라서 실망했어요",
    "마감이 별로예요",
    "소리가 너무 커요",
    "돈이 아까워요",
];
const SYLLABLES: &str = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호";

/// `n` review lines, the same every time.
pub fn generated_reviews(n: usize) -> String {
    let syllables: Vec<char> = SYLLABLES.chars().collect();
    let mut state = 0x2545_f491_u64;
    let mut next = move |k: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % k as u64) as usize
    };
    let mut out = String::with_capacity(n * 60);
    for _ in 0..n {
        let positive = next(2) == 0;
        let rating = match (positive, next(10) == 0) {
            (true, false) | (false, true) => [4, 5, 5][next(3)],
            _ => [1, 2, 2][next(3)],
        };
        let phrases = 1 + next(4) + next(4);
        let mut review = String::new();
        for p in 0..phrases {
            if p > 0 {
                review.push(' ');
            }
            if next(3) == 0 {
                // A product name of two or three syllables, then a phrase.
                for _ in 0..2 + next(2) {
                    review.push(syllables[next(syllables.len())]);
                }
                review.push_str(["은 ", "는 ", "이 ", " "][next(4)]);
            }
            let list = if (next(5) == 0) ^ positive {
                &GOOD
            } else {
                &BAD
            };
            review.push_str(list[next(list.len())]);
        }
        out += &format!("{rating}\t{review}\n");
    }
    out
}

/// Resident memory (kB) of Chromium's renderer processes and of all its processes, from
/// /proc (the browser runs on this machine).
fn chromium_rss_kb() -> (u64, u64) {
    let (mut renderer, mut all) = (0, 0);
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return (0, 0);
    };
    for entry in dir.flatten() {
        let path = entry.path();
        let Ok(cmdline) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline);
        if !cmdline.contains("chrom") || cmdline.contains("chromedriver") {
            continue;
        }
        let rss = std::fs::read_to_string(path.join("status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .unwrap_or(0);
        all += rss;
        if cmdline.contains("--type=renderer") {
            renderer += rss;
        }
    }
    (renderer, all)
}

async fn page_heap(client: &Client) -> f64 {
    client
        .execute(
            "return performance.memory ? performance.memory.usedJSHeapSize : 0",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// `(start ms, duration ms)` of every main-thread long task since the page opened.
async fn long_tasks(client: &Client) -> Vec<(f64, f64)> {
    client
        .execute("return window.__longTasks || []", vec![])
        .await
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notebook_soak() {
    let Ok(settings) = std::env::var("NOTEBOOK_SOAK") else {
        println!("NOTEBOOK_SOAK is not set: skipped (cargo xtask soak runs it)");
        return;
    };
    // "LECTURE REVIEWS [threads]"
    let mut words = settings.split_whitespace();
    let lecture: u8 = words.next().and_then(|w| w.parse().ok()).unwrap_or(11);
    let reviews: usize = words.next().and_then(|w| w.parse().ok()).unwrap_or(200_000);
    let threads = words.next() == Some("threads");
    std::fs::write(
        site_dir().join("soak-reviews.txt"),
        generated_reviews(reviews),
    )
    .unwrap();
    let server = if threads {
        StaticServer::start_isolated(&site_dir())
    } else {
        StaticServer::start(&site_dir())
    };
    let Page {
        server,
        _driver,
        client,
    } = Page::open_on(
        server,
        &format!("/#/lecture/{lecture}"),
        (1280, 1800),
        "#nb-load",
    )
    .await;
    client
        .execute(
            "window.__longTasks = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({type: 'longtask', buffered: true});",
            vec![],
        )
        .await
        .unwrap();
    let start = Instant::now();
    set_field(&client, "#nb-url", &server.url("/soak-reviews.txt")).await;
    set_field(&client, "#nb-sample", &reviews.to_string()).await;
    // Long tasks are split at the moment the file is asked for (the page's own start is
    // before it).
    let clicked: f64 = client
        .execute("return performance.now()", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    click(&client, "#nb-load").await;
    let phase = |client: Client| async move { attr_of(&client, "#nb-phase", "data-state").await };
    eventually_within("the padded data", Duration::from_secs(900), || async {
        phase(client.clone()).await.as_deref() == Some("ready")
    })
    .await;
    let prepared_s = start.elapsed().as_secs_f64();
    let shape = text_of(&client, "#nb-shape").await;
    click(&client, "#nb-fit").await;
    let mut epochs: Vec<Value> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(4 * 3600);
    loop {
        let log = text_of(&client, "#nb-fit-log").await;
        let done = log
            .lines()
            .filter(|l| l.contains(" - val_acc: ") || l.contains(" - val_loss: "))
            .count();
        while epochs.len() < done {
            let (renderer_kb, chromium_kb) = chromium_rss_kb();
            let worker: f64 = attr_of(&client, "#nb-fit-log", "data-worker-memory")
                .await
                .and_then(|m| m.parse().ok())
                .unwrap_or(0.0);
            let record = json!({
                "epoch": epochs.len() + 1,
                "seconds": start.elapsed().as_secs_f64().round(),
                "worker_wasm_mb": (worker / 1e6 * 10.0).round() / 10.0,
                "page_heap_mb": (page_heap(&client).await / 1e6 * 10.0).round() / 10.0,
                "renderer_rss_mb": renderer_kb / 1024,
                "chromium_rss_mb": chromium_kb / 1024,
            });
            println!("SOAK {record}");
            epochs.push(record);
        }
        let state = phase(client.clone()).await;
        if state.as_deref() == Some("ready") && count(&client, "#nb-verdicts li").await == 4 {
            break;
        }
        assert_ne!(
            state.as_deref(),
            Some("stopped"),
            "the fit stopped: {}",
            text_of(&client, "#nb-stopped").await
        );
        assert!(Instant::now() < deadline, "no verdicts after 4 hours");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let (before, after): (Vec<_>, Vec<_>) = long_tasks(&client)
        .await
        .into_iter()
        .partition(|(at, _)| *at < clicked);
    let (renderer_kb, chromium_kb) = chromium_rss_kb();
    let summary = json!({
        "lecture": lecture,
        "reviews": reviews,
        "worker": if threads { "threads" } else { "plain" },
        "prepared_s": prepared_s.round(),
        "total_s": start.elapsed().as_secs_f64().round(),
        "shape": shape,
        "epochs": epochs.len(),
        "test_accuracy": text_of(&client, "#nb-test-acc").await,
        "long_tasks_ms_before_the_file": before.iter().map(|t| t.1).collect::<Vec<_>>(),
        // [ms after the file was asked for, duration ms]: where in the run each one was.
        "long_tasks_ms_after_the_file": after
            .iter()
            .map(|t| [(t.0 - clicked).round(), t.1])
            .collect::<Vec<_>>(),
        "renderer_rss_mb_end": renderer_kb / 1024,
        "chromium_rss_mb_end": chromium_kb / 1024,
    });
    println!("SOAK-SUMMARY {summary}");
    client.close().await.unwrap();
}
