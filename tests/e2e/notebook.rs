//! The lecture notebooks (`#/lecture/9`, `#/lecture/11`): every cell runs on a review file
//! served from 127.0.0.1, each output checked against what the file makes by hand; the lecture
//! model fits, `sentiment_predict` answers the lecture's four sentences, and the SimpleRNN /
//! LSTM / GRU side-by-side finishes. axe-core on the finished page; screenshots in both
//! languages at 1280 and 390 px.

use std::time::Duration;

use fantoccini::Client;

use super::{Page, attr_of, click, count, eventually_within, screenshot, set_field, text_of};

async fn phase(client: &Client) -> Option<String> {
    attr_of(client, "#nb-phase", "data-state").await
}

async fn wait_ready(client: &Client, what: &str, seconds: u64) {
    eventually_within(what, Duration::from_secs(seconds), || async {
        phase(client).await.as_deref() == Some("ready")
    })
    .await;
}

/// Bring `css` to the middle of the window (for a screenshot of it).
async fn scroll_to(client: &Client, css: &str) {
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
            vec![css.into()],
        )
        .await
        .unwrap();
}

/// Load the test file and wait for every cell up to `pad_sequences`.
async fn run_to_padding(client: &Client, url: &str) {
    set_field(client, "#nb-url", url).await;
    click(client, "#nb-load").await;
    wait_ready(client, "the cells up to pad_sequences", 60).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lecture9_notebook_runs_every_cell_and_compares_three_layers() {
    let site = super::site_dir();
    std::fs::write(site.join("test-notebook.txt"), super::review_file()).unwrap();
    let Page {
        server,
        _driver,
        client,
    } = Page::open("/#/lecture/9", (1280, 1800), "#nb-load").await;
    assert_eq!(
        attr_of(&client, ".site-nav a[href='#/lecture/9']", "aria-current")
            .await
            .as_deref(),
        Some("page")
    );
    run_to_padding(&client, &server.url("/test-notebook.txt")).await;
    // 80 reviews we wrote (8 subjects × 5 good × 5 bad phrases, all different).
    assert!(
        text_of(&client, "#nb-total")
            .await
            .starts_with("전체 리뷰 개수 : 80")
    );
    // df.head(): the file's first line is "4<TAB>배송이 정말 좋아요" → label 1.
    assert_eq!(count(&client, "#nb-head tbody tr").await, 5);
    let cell = |n: usize| {
        let client = client.clone();
        async move {
            text_of(
                &client,
                &format!("#nb-head tbody tr:first-child td:nth-child({n})"),
            )
            .await
        }
    };
    assert_eq!(cell(2).await, "4");
    assert_eq!(cell(3).await, "배송이 정말 좋아요");
    assert_eq!(cell(4).await, "1");
    // test_size=0.25 of 80: 20 test rows, 60 training rows.
    let split = text_of(&client, "#nb-split").await;
    assert!(split.contains("훈련용 리뷰의 개수 : 60"), "{split}");
    assert!(split.contains("테스트용 리뷰의 개수 : 20"), "{split}");
    // The label bar chart: two bars, their counts summing to the training rows.
    let bars: Vec<f64> = serde_json::from_value(
        client
            .execute(
                "return [...document.querySelectorAll('#nb-labels rect.bar')].map(r => +r.dataset.count)",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(bars.len(), 2, "{bars:?}");
    assert_eq!(bars.iter().sum::<f64>(), 60.0, "{bars:?}");
    assert_eq!(count(&client, "#nb-tokenized").await, 1);
    assert_eq!(count(&client, "#nb-hist rect.bar").await, 50);
    assert_eq!(count(&client, "#nb-hist line.marker").await, 1);
    assert_eq!(text_of(&client, "#nb-shape").await, "(60, 60)");
    assert!(
        text_of(&client, "#nb-below")
            .await
            .contains("길이가 60 이하인 샘플의 비율: 100")
    );
    let summary = text_of(&client, "#nb-summary").await;
    for row in ["1,024,000", "12,352", "flatten (Flatten)", "65"] {
        assert!(summary.contains(row), "{row} not in {summary}");
    }

    // fit: the lecture's 15 epochs (early stopping may end it sooner), then sentiment_predict.
    click(&client, "#nb-fit").await;
    eventually_within("fit starts", Duration::from_secs(10), || async {
        phase(&client).await.as_deref() == Some("fitting")
    })
    .await;
    wait_ready(&client, "fit finishes", 120).await;
    let log = text_of(&client, "#nb-fit-log").await;
    assert!(log.starts_with("Epoch 1/15\n"), "{log}");
    assert!(log.contains(" - val_acc: "), "{log}");
    assert!(
        text_of(&client, "#nb-test-acc")
            .await
            .contains("테스트 정확도")
    );
    assert!(
        text_of(&client, "#nb-summary-fit")
            .await
            .contains("(32, 60, 128)")
    );
    eventually_within("four verdicts", Duration::from_secs(10), || async {
        count(&client, "#nb-verdicts li").await == 4
    })
    .await;
    assert!(text_of(&client, "#nb-verdicts").await.contains("확률로"));
    screenshot(&client, "notebook-9-ko-1280.png").await;

    // Side by side: SimpleRNN, LSTM, GRU one after another.
    click(&client, "#nb-compare").await;
    eventually_within(
        "three runs in the table",
        Duration::from_secs(300),
        || async {
            count(&client, "#nb-compare-table tbody tr").await == 3
                && phase(&client).await.as_deref() == Some("ready")
        },
    )
    .await;
    let table = text_of(&client, "#nb-compare-table").await;
    for layer in ["SimpleRNN", "LSTM", "GRU"] {
        assert!(table.contains(layer), "{table}");
    }
    assert_eq!(count(&client, "#nb-compare-chart polyline").await, 3);
    let found = super::a11y::violations(&client, &super::a11y::axe_source()).await;
    assert!(
        found.is_empty(),
        "axe-core on the finished notebook: {found:?}"
    );
    screenshot(&client, "notebook-9-compare-ko-1280.png").await;
    client.set_window_size(390, 1800).await.unwrap();
    screenshot(&client, "notebook-9-ko-390.png").await;
    click(&client, "#lang-en").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "notebook-9-en-390.png").await;
    client.set_window_size(1280, 1800).await.unwrap();
    screenshot(&client, "notebook-9-en-1280.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lecture11_notebook_builds_the_gru_and_fits_it() {
    let site = super::site_dir();
    std::fs::write(site.join("test-notebook-11.txt"), super::review_file()).unwrap();
    let Page {
        server,
        _driver,
        client,
    } = Page::open("/#/lecture/11", (1280, 1800), "#nb-load").await;
    run_to_padding(&client, &server.url("/test-notebook-11.txt")).await;
    assert_eq!(text_of(&client, "#nb-shape").await, "(60, 60)");
    let summary = text_of(&client, "#nb-summary").await;
    for row in ["800,000", "88,320", "129", "888,449"] {
        assert!(summary.contains(row), "{row} not in {summary}");
    }
    assert!(!summary.contains("Flatten"));
    click(&client, "#nb-fit").await;
    eventually_within("fit starts", Duration::from_secs(10), || async {
        phase(&client).await.as_deref() == Some("fitting")
    })
    .await;
    wait_ready(&client, "fit finishes", 180).await;
    assert!(
        text_of(&client, "#nb-summary-fit")
            .await
            .contains("(60, 60, 100)")
    );
    eventually_within("four verdicts", Duration::from_secs(10), || async {
        count(&client, "#nb-verdicts li").await == 4
    })
    .await;
    screenshot(&client, "notebook-11-ko-1280.png").await;
    client.close().await.unwrap();
}

/// A worker that stops answering mid-fit (the test hook makes it fall silent after epoch 1,
/// as a lost scheduling callback did at 200,000 reviews) is noticed by its silence; the page
/// says so and resumes the fit in a new worker from epoch 2, which runs to the verdicts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_worker_is_noticed_and_the_fit_resumes_from_its_last_epoch() {
    let site = super::site_dir();
    std::fs::write(site.join("test-notebook-silent.txt"), super::review_file()).unwrap();
    let Page {
        server,
        _driver,
        client,
    } = Page::open("/?test-hooks#/lecture/11", (1280, 1800), "#nb-load").await;
    run_to_padding(&client, &server.url("/test-notebook-silent.txt")).await;
    click(&client, "#nb-test-silent").await;
    click(&client, "#nb-fit").await;
    // The page's deadline is 5 s with ?test-hooks (60 s otherwise); what the page controls is
    // asserted, not how long a loaded machine takes to get there.
    eventually_within(
        "the silence is noticed",
        Duration::from_secs(120),
        || async { phase(&client).await.as_deref() == Some("stopped") },
    )
    .await;
    let note = text_of(&client, "#nb-stopped").await;
    assert!(note.contains("아무 말이 없습니다"), "{note}");
    assert!(note.contains("마지막으로 끝난 에폭(1)"), "{note}");
    // The status followed the log: epoch 1's line was printed, so epoch 2 was under way.
    assert!(note.contains("GRU 2번째 에폭"), "{note}");
    let log = text_of(&client, "#nb-fit-log").await;
    assert!(log.starts_with("Epoch 1/15\n"), "{log}");
    assert!(!log.contains("Epoch 2/15"), "{log}");
    let button = text_of(&client, "#nb-resume").await;
    assert!(button.contains("에폭 2부터"), "{button}");
    scroll_to(&client, "#nb-stopped").await;
    screenshot(&client, "notebook-11-stopped-ko-1280.png").await;
    client.set_window_size(390, 1800).await.unwrap();
    click(&client, "#lang-en").await;
    eventually_within("the English note", Duration::from_secs(10), || async {
        text_of(&client, "#nb-stopped")
            .await
            .contains("has said nothing")
    })
    .await;
    scroll_to(&client, "#nb-stopped").await;
    screenshot(&client, "notebook-11-stopped-en-390.png").await;
    client.set_window_size(1280, 1800).await.unwrap();
    click(&client, "#nb-resume").await;
    eventually_within("the fit goes on", Duration::from_secs(120), || async {
        text_of(&client, "#nb-fit-log").await.contains("Epoch 2/15")
    })
    .await;
    wait_ready(&client, "the resumed fit finishes", 300).await;
    assert_eq!(count(&client, "#nb-stopped").await, 0);
    let log = text_of(&client, "#nb-fit-log").await;
    assert!(log.starts_with("Epoch 1/15\n"), "{log}");
    eventually_within("four verdicts", Duration::from_secs(30), || async {
        count(&client, "#nb-verdicts li").await == 4
    })
    .await;
    assert!(text_of(&client, "#nb-test-acc").await.contains("GRU"));
    client.close().await.unwrap();
}
