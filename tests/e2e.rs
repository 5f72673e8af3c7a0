//! End-to-end: the site that Trunk built, served on 127.0.0.1, driven in headless Chromium
//! through chromedriver (fantoccini). Checks that the tokenizer panel shows the lecture's
//! word_index, that it follows edits, and saves a screenshot to `target/e2e/`.
//!
//! `cargo xtask test` builds the site and runs this with `--features e2e`, setting
//! `RNN_PLAYGROUND_SITE` (the built site), `CHROME` and `CHROMEDRIVER`.

#[path = "e2e/a11y.rs"]
mod a11y;
#[path = "e2e/bench_workers.rs"]
mod bench_workers;
#[path = "e2e/keras.rs"]
mod keras;
#[path = "e2e/labs.rs"]
mod labs;
#[path = "e2e/notebook.rs"]
mod notebook;
#[path = "e2e/site.rs"]
mod site;
#[path = "e2e/soak.rs"]
mod soak;
mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};
pub use support::browser::{
    Page, attr_of, click, count, eventually, eventually_within, save_screenshot, screenshot,
    set_field, site_dir, text_of, values, wait_for_state,
};

const LECTURE_WORD_INDEX: [&str; 11] = [
    "말이",
    "경마장에",
    "있는",
    "뛰고",
    "있다",
    "그의",
    "법이다",
    "가는",
    "고와야",
    "오는",
    "곱다",
];

async fn word_index(client: &Client) -> Vec<(String, String)> {
    let rows = client
        .find_all(Locator::Css("#word-index tbody tr"))
        .await
        .expect("word_index rows");
    let mut out = Vec::new();
    for row in rows {
        let cells = row.find_all(Locator::Css("td")).await.unwrap();
        out.push((
            cells[0].text().await.unwrap(),
            cells[1].text().await.unwrap(),
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokenizer_panel_shows_the_lecture_word_index_and_follows_edits() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/", (1280, 1500), "#word-index tbody tr").await;

    // The lecture's word_index, in index order.
    let rows = word_index(&client).await;
    let expected: Vec<(String, String)> = LECTURE_WORD_INDEX
        .iter()
        .enumerate()
        .map(|(i, w)| ((i + 1).to_string(), w.to_string()))
        .collect();
    assert_eq!(rows, expected);
    let vocab = client.find(Locator::Css("#vocab-size")).await.unwrap();
    assert_eq!(vocab.text().await.unwrap(), "12");

    // Lecture 8's prefix samples: eleven rows, y as the lecture prints it.
    click(&client, "#ngrams").await;
    eventually("prefix samples and y", || async {
        match client.find(Locator::Css("#y-values")).await {
            Ok(y) => y
                .text()
                .await
                .is_ok_and(|t| t.ends_with("[3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]")),
            Err(_) => false,
        }
    })
    .await;
    let padded_rows = client.find_all(Locator::Css("#padded tr")).await.unwrap();
    assert_eq!(padded_rows.len(), 11);
    assert_eq!(
        padded_rows[0]
            .text()
            .await
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["0", "0", "0", "0", "2", "3"]
    );

    // Replace the text by typing: the word_index follows.
    let textarea = client.find(Locator::Css("#text-input")).await.unwrap();
    textarea.clear().await.unwrap();
    textarea
        .send_keys("나는 말이 좋다\n나는 고양이가 좋다 나는")
        .await
        .unwrap();
    eventually("word_index of the typed text", || async {
        let rows = word_index(&client).await;
        rows.first().map(|r| r.1.as_str()) == Some("나는") && rows.len() == 4
    })
    .await;
    let rows = word_index(&client).await;
    assert_eq!(
        rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ["나는", "좋다", "말이", "고양이가"]
    );
    assert_eq!(vocab.text().await.unwrap(), "5");

    // Back to the lecture text for the screenshot, with the n-gram view on.
    click(&client, "button.link").await;
    eventually("lecture text restored", || async {
        word_index(&client).await.len() == 11
    })
    .await;
    let png = client.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokenizer-panel.png");
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());

    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_trains_in_a_worker_and_generates_the_lecture_sentence() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/", (1280, 1800), "#studio-panel #train").await;
    eventually("the worker is ready", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("idle")
    })
    .await;
    let element = client.find(Locator::Css("#studio-panel")).await.unwrap();
    save_screenshot("studio-before.png", element.screenshot().await.unwrap());

    // Long tasks on the main thread while training (Chromium reports tasks over 50 ms).
    client
        .execute(
            "window.__longTasks = []; new PerformanceObserver(l => l.getEntries().forEach(e => window.__longTasks.push(e.duration))).observe({type: 'longtask', buffered: false});",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "#train").await;
    eventually("training finishes", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("done")
    })
    .await;
    let status = text_of(&client, "#status").await;
    println!("studio after training: {status}");
    assert!(status.contains("200 epochs"), "{status}");
    assert!(status.contains("accuracy 1.0000"), "{status}");
    let points = attr_of(&client, "#curve polyline[data-name^='loss']", "data-points").await;
    assert_eq!(points.as_deref(), Some("200"), "one point per epoch");
    let long: Vec<f64> = serde_json::from_value(
        client
            .execute("return window.__longTasks", vec![])
            .await
            .unwrap(),
    )
    .unwrap();
    // Chromium reports tasks from 50 ms up, their durations rounded to the millisecond: a
    // reported 50.0 (seen once, in a full run on a loaded 2-core machine) is not over 50 ms.
    // A task's duration is wall time, which a busy neighbour stretches (a 181 ms task was seen
    // under `stress-ng --cpu 2`, and 84–94 ms in two full runs of this session): one such task
    // is tolerated, none of 300 ms or more, nor a second one (training on the page's thread,
    // or a render per progress message, would give many).
    let long: Vec<f64> = long.into_iter().filter(|&d| d > 50.0).collect();
    assert!(
        long.len() <= 1 && long.iter().all(|&d| d < 300.0),
        "main-thread tasks over 50 ms while training: {long:?}"
    );
    assert!(
        text_of(&client, "#summary")
            .await
            .contains("simple_rnn (SimpleRNN)")
    );

    click(&client, "#generate").await;
    eventually("generation", || async {
        !text_of(&client, "#generated").await.is_empty()
    })
    .await;
    assert_eq!(
        text_of(&client, "#generated").await,
        "가는 말이 고와야 오는 말이 곱다"
    );
    let element = client.find(Locator::Css("#studio-panel")).await.unwrap();
    save_screenshot("studio-after.png", element.screenshot().await.unwrap());

    // Top-5 next-word bars for each of the five generated words.
    let steps = client
        .find_all(Locator::Css("#steps li.step"))
        .await
        .unwrap();
    assert_eq!(steps.len(), 5);
    let bars = client
        .find_all(Locator::Css("#steps li.step:first-child li.bar"))
        .await
        .unwrap();
    assert_eq!(bars.len(), 5);
    assert!(
        text_of(
            &client,
            "#steps li.step:first-child li.bar.chosen .bar-word"
        )
        .await
            == "말이"
    );

    // Stateful generation (one token at a time, carrying h) also writes the lecture's sentence.
    click(&client, "#stateful").await;
    click(&client, "#generate").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    eventually("stateful generation", || async {
        text_of(&client, "#generated")
            .await
            .starts_with("가는 말이")
    })
    .await;
    click(&client, "#stateful").await;

    // Lecture 7's "hell" → "o" is one click away (character level).
    click(&client, "#preset-hello").await;
    click(&client, "#train").await;
    eventually("hello trains", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("done")
            && text_of(&client, "#status").await.contains("100 epochs")
    })
    .await;
    click(&client, "#generate").await;
    eventually("hello generated", || async {
        text_of(&client, "#generated").await == "hello"
    })
    .await;
    click(&client, "#preset-lecture").await;

    // Lecture 7 side by side: train the many-to-many model, then both columns render.
    click(&client, "#tf-train").await;
    eventually("the comparison renders", || async {
        client
            .find_all(Locator::Css("#tf-free tbody tr"))
            .await
            .map(|r| r.len())
            .unwrap_or(0)
            > 0
    })
    .await;
    let forced = client
        .find_all(Locator::Css("#tf-forced tbody tr"))
        .await
        .unwrap();
    let free = client
        .find_all(Locator::Css("#tf-free tbody tr"))
        .await
        .unwrap();
    assert_eq!(
        forced.len(),
        4,
        "경마장에 있는 말이 뛰고 있다: four next-word steps"
    );
    assert_eq!(free.len(), 4);
    assert_eq!(
        attr_of(&client, "#tf-curve polyline", "data-points")
            .await
            .as_deref(),
        Some("150")
    );
    click(&client, "#tf-sentence-3").await;
    eventually("sentence 3", || async {
        client
            .find_all(Locator::Css("#tf-forced tbody tr"))
            .await
            .map(|r| r.len())
            .unwrap_or(0)
            == 5
    })
    .await;
    assert!(
        text_of(&client, "#tf-forced tbody tr:first-child")
            .await
            .contains("가는")
    );
    assert!(!text_of(&client, "#tf-divergence").await.is_empty());
    client
        .execute(
            "document.querySelector('#teacher-forcing').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    save_screenshot("teacher-forcing.png", client.screenshot().await.unwrap());

    // Load a model file trained natively (the same file the Save button downloads).
    let trained = rnn_playground::textgen::train(
        rnn_playground::lecture::NEXT_WORD_TEXT,
        &rnn_playground::textgen::TextgenConfig {
            seed: 1,
            ..Default::default()
        },
        |_| {},
    )
    .unwrap();
    let file = std::env::temp_dir().join(format!(
        "rnn-playground-e2e-model-{}.safetensors",
        std::process::id()
    ));
    let mut session = rnn_playground::textgen::Session::new(
        rnn_playground::lecture::NEXT_WORD_TEXT,
        &rnn_playground::textgen::TextgenConfig {
            seed: 1,
            ..Default::default()
        },
    )
    .unwrap();
    while !session.finished() {
        session.run_epoch().unwrap();
    }
    assert_eq!(trained.history.batch_loss, session.history().batch_loss);
    std::fs::write(&file, session.model_file().unwrap()).unwrap();
    client
        .find(Locator::Css("#load-model"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    eventually("the model file loads", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("loaded")
    })
    .await;
    click(&client, "#generate").await;
    eventually("generation with the loaded model", || async {
        text_of(&client, "#generated").await == "가는 말이 고와야 오는 말이 곱다"
    })
    .await;
    let _ = std::fs::remove_file(&file);

    // Stop halts a long run; Resume continues it.
    set_field(&client, "#epochs", "100000").await;
    click(&client, "#train").await;
    eventually("a long run is under way", || async {
        text_of(&client, "#status").await.contains("epoch 5")
            || text_of(&client, "#status").await.contains("/100000")
    })
    .await;
    click(&client, "#stop").await;
    eventually("stopped", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("stopped")
    })
    .await;
    let at_stop = text_of(&client, "#status").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        text_of(&client, "#status").await,
        at_stop,
        "no epoch after Stop"
    );

    // Bad input: a learning rate of zero and an empty corpus are explained on the page.
    set_field(&client, "#epochs", "10").await;
    set_field(&client, "#learning-rate", "0").await;
    click(&client, "#train").await;
    eventually("learning-rate error", || async {
        text_of(&client, "#studio-error")
            .await
            .contains("learning rate")
    })
    .await;
    set_field(&client, "#learning-rate", "0.001").await;
    set_field(&client, "#studio-text", "").await;
    click(&client, "#train").await;
    eventually("empty-corpus error", || async {
        text_of(&client, "#studio-error")
            .await
            .contains("two or more words")
    })
    .await;
    // Share by URL: the corpus and the settings come back in a new page.
    set_field(&client, "#studio-text", "가 나 다\n라 마 바").await;
    set_field(&client, "#epochs", "123").await;
    set_field(&client, "#cell", "gru").await;
    click(&client, "#share").await;
    let url: String = serde_json::from_value(
        client
            .execute("return document.querySelector('#share-url').value", vec![])
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(url.contains("#studio="), "{url}");
    client.goto("about:blank").await.unwrap();
    client.goto(&url).await.unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#studio-text"))
        .await
        .unwrap();
    let value = |css: &'static str| {
        let client = client.clone();
        async move {
            let v = client
                .execute(
                    &format!("return document.querySelector('{css}').value"),
                    vec![],
                )
                .await
                .unwrap();
            serde_json::from_value::<String>(v).unwrap()
        }
    };
    assert_eq!(value("#studio-text").await, "가 나 다\n라 마 바");
    assert_eq!(value("#epochs").await, "123");
    assert_eq!(value("#cell").await, "gru");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_reports_a_worker_panic_and_starts_a_new_worker() {
    // `?test-hooks` shows the button that makes the worker panic.
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/?test-hooks", (1280, 1800), "#studio-panel #train").await;
    eventually("the worker is ready", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("idle")
    })
    .await;
    click(&client, "#train").await;
    eventually("training finishes", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("done")
    })
    .await;

    click(&client, "#test-panic").await;
    eventually("the crash is reported", || async {
        text_of(&client, "#studio-error")
            .await
            .contains("test hook")
    })
    .await;
    let message = text_of(&client, "#studio-error").await;
    println!("after a worker panic: {message}");
    assert!(
        message.contains("test hook") && message.contains("멈췄습니다"),
        "the panic's own message, in Korean: {message}"
    );

    // A new worker is started on the next request and gets the last trained model.
    click(&client, "#generate").await;
    eventually("generation from the new worker", || async {
        text_of(&client, "#generated").await == "가는 말이 고와야 오는 말이 곱다"
    })
    .await;
    // And it trains again.
    set_field(&client, "#epochs", "20").await;
    click(&client, "#train").await;
    eventually("training again finishes", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("done")
    })
    .await;
    assert!(text_of(&client, "#status").await.contains("20 epochs"));
    client.close().await.unwrap();
}

/// Data parallelism in the page: 1 and 2 replica workers train lecture 8's model to the same
/// loss and accuracy (the same weights up to float summation order), and the status shows
/// the workers and samples/s; 3 workers too, with Stop and Resume in the middle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_trains_the_same_with_one_two_and_three_workers() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/studio", (1280, 1800), "#studio-panel #train").await;
    wait_for_state(&client, "idle").await;
    let mut finals = Vec::new();
    for workers in ["1", "2", "3"] {
        set_field(&client, "#workers", workers).await;
        click(&client, "#train").await;
        if workers == "3" {
            // Stop and Resume while the three replicas train.
            eventually("training", || async {
                attr_of(&client, "#status", "data-state").await.as_deref() == Some("training")
            })
            .await;
            click(&client, "#stop").await;
            eventually("stopped or done", || async {
                matches!(
                    attr_of(&client, "#status", "data-state").await.as_deref(),
                    Some("stopped" | "done")
                )
            })
            .await;
            if attr_of(&client, "#status", "data-state").await.as_deref() == Some("stopped") {
                click(&client, "#resume").await;
            }
        }
        wait_for_state(&client, "done").await;
        let status = text_of(&client, "#status").await;
        println!("{workers} worker(s): {status}");
        assert!(status.contains("200 epochs"), "{status}");
        assert!(
            status.contains(&format!(" · {workers} worker")),
            "the status names the workers: {status}"
        );
        assert!(status.contains("samples/s"), "{status}");
        let loss = status
            .split("loss ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or_default()
            .to_string();
        let accuracy = status
            .split("accuracy ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or_default()
            .to_string();
        finals.push((loss, accuracy));
    }
    assert_eq!(finals[0], finals[1], "1 vs 2 workers: {finals:?}");
    assert_eq!(finals[0], finals[2], "1 vs 3 workers: {finals:?}");
    assert_eq!(finals[0].1, "1.0000");
    client.close().await.unwrap();
}

/// A trap that is not a panic (what running out of memory ends in) skips the panic hook: the
/// worker's plain-JavaScript error listener reports it, the page says what to do in the
/// user's language, and a new worker trains and generates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_notices_a_worker_that_traps_without_a_panic() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/?test-hooks&lang=en", (1280, 1800), "#studio-panel #train").await;
    eventually("the worker is ready", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("idle")
    })
    .await;
    click(&client, "#train").await;
    eventually("training finishes", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("done")
    })
    .await;
    click(&client, "#test-trap").await;
    eventually("the trap is reported", || async {
        text_of(&client, "#studio-error")
            .await
            .contains("stopped without a panic")
    })
    .await;
    let message = text_of(&client, "#studio-error").await;
    println!("after a worker trap: {message}");
    assert!(
        message.contains("fewer workers") && message.contains("smaller batch"),
        "what to do: {message}"
    );
    assert!(
        !message.contains("멈췄습니다"),
        "the page's language only: {message}"
    );
    click(&client, "#generate").await;
    eventually("generation from the new worker", || async {
        text_of(&client, "#generated").await == "가는 말이 고와야 오는 말이 곱다"
    })
    .await;
    set_field(&client, "#epochs", "20").await;
    click(&client, "#train").await;
    eventually("training again finishes", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("done")
    })
    .await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokenizer_panel_korean_mode_shows_cleaning_morphemes_and_stopwords() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/", (1280, 1400), "#korean-mode").await;
    // A review we wrote, with emoji and punctuation the cleaning removes.
    set_field(
        &client,
        "#text-input",
        "배송이 빨라서 좋아요!! 👍\nㅋㅋㅋ 포장도 꼼꼼해요",
    )
    .await;
    click(&client, "#korean-mode").await;
    eventually("the Korean stages", || async {
        text_of(&client, "#korean-lines").await.contains("re.sub")
    })
    .await;
    let cleaned = text_of(&client, "#korean-lines li:first-child .clean").await;
    assert!(
        cleaned.trim_end().ends_with("배송이 빨라서 좋아요"),
        "{cleaned}"
    );
    assert!(
        !cleaned.contains('!') && !cleaned.contains('👍'),
        "{cleaned}"
    );
    // Every word of the second line is a box of morphemes that joins back to the word.
    let words = client
        .find_all(Locator::Css("#korean-lines li:nth-child(2) .eojeol"))
        .await
        .unwrap();
    let mut joined = Vec::new();
    for w in &words {
        joined.push(
            w.text()
                .await
                .unwrap()
                .split_whitespace()
                .collect::<String>(),
        );
    }
    assert_eq!(joined, vec!["ㅋㅋㅋ", "포장도", "꼼꼼해요"]);
    // '도' is one of the lecture's stopwords: struck through and not in word_index.
    let stops = client
        .find_all(Locator::Css("#korean-lines .morph.stop"))
        .await
        .unwrap();
    let mut stop_texts = Vec::new();
    for s in &stops {
        stop_texts.push(s.text().await.unwrap());
    }
    assert!(stop_texts.contains(&"도".to_string()), "{stop_texts:?}");
    let index = word_index(&client).await;
    assert!(index.iter().any(|(_, w)| w == "포장"), "{index:?}");
    assert!(!index.iter().any(|(_, w)| w == "도"), "{index:?}");
    // The lecture's example sentence, one click away.
    click(&client, "#korean-example").await;
    eventually("the lecture example", || async {
        text_of(&client, "#korean-lines").await.contains("놔두고")
    })
    .await;
    let element = client.find(Locator::Css("#tokenizer-panel")).await.unwrap();
    save_screenshot("tokenizer-korean.png", element.screenshot().await.unwrap());
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentiment_panel_classifies_a_review_with_every_stage() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/", (1280, 1600), "#sentiment-panel #review-input").await;
    // The shipped models load lazily, each with its progress bar, then the lecture's example
    // is classified on its own.
    eventually("a model is ready", || async {
        count(&client, "#sentiment-models .ready").await > 0
    })
    .await;
    eventually("the lecture example is classified", || async {
        text_of(&client, "#sentiment-verdicts")
            .await
            .contains("확률로")
    })
    .await;
    // A review we wrote.
    set_field(
        &client,
        "#review-input",
        "포장이 꼼꼼하고 배송도 빨라서 정말 만족합니다!! 👍",
    )
    .await;
    eventually("our review is classified", || async {
        text_of(&client, "#sentiment-stages").await.contains("꼼꼼")
    })
    .await;
    let stages = text_of(&client, "#sentiment-stages").await;
    println!("sentiment stages:\n{stages}");
    assert!(
        stages.contains("포장이 꼼꼼하고 배송도 빨라서 정말 만족합니다"),
        "{stages}"
    );
    assert!(!stages.contains('👍'), "{stages}");
    let padded = text_of(&client, "#sentiment-padded").await;
    assert_eq!(padded.matches(',').count(), 59, "60 padded ids: {padded}");
    let verdict = text_of(&client, "#sentiment-verdicts .verdict .sentence").await;
    println!("verdict: {verdict}");
    assert!(verdict.contains("긍정 리뷰입니다"), "{verdict}");
    let contributions = client
        .find_all(Locator::Css(
            "#sentiment-verdicts .verdict:first-child .contribution",
        ))
        .await
        .unwrap();
    assert!(!contributions.is_empty());
    let element = client.find(Locator::Css("#sentiment-panel")).await.unwrap();
    save_screenshot("sentiment-panel.png", element.screenshot().await.unwrap());
    // The lecture's four sentences are one click each: the last one is a complaint.
    assert_eq!(count(&client, "#lecture-reviews button.example").await, 4);
    click(&client, "#lecture-review-3").await;
    eventually("the lecture's complaint is classified", || async {
        text_of(&client, "#sentiment-stages")
            .await
            .contains("개짜증나네요")
    })
    .await;
    let verdict = text_of(&client, "#sentiment-verdicts .verdict .sentence").await;
    assert!(verdict.contains("부정 리뷰입니다"), "{verdict}");
    // The linear baseline loads on request and answers beside the RNNs.
    click(
        &client,
        "#sentiment-models li[data-model='linear'] button.load-model",
    )
    .await;
    eventually("the baseline answers too", || async {
        count(&client, "#sentiment-verdicts .verdict").await >= 2
    })
    .await;
    assert!(
        text_of(&client, "#sentiment-verdicts")
            .await
            .contains("linear")
    );
    let element = client.find(Locator::Css("#sentiment-panel")).await.unwrap();
    save_screenshot(
        "sentiment-lecture-example.png",
        element.screenshot().await.unwrap(),
    );
    // Emoji only: an answer and a note, not an error.
    set_field(&client, "#review-input", "😀😀!!").await;
    eventually("the no-words note", || async {
        text_of(&client, "#sentiment-empty")
            .await
            .contains("한국어 단어가 없습니다")
    })
    .await;
    client.close().await.unwrap();
}

/// Reviews we write for the retraining test: rating<TAB>review, the shopping file's format.
fn review_file() -> String {
    let subjects = [
        "배송",
        "포장",
        "품질",
        "디자인",
        "가격",
        "색상",
        "사이즈",
        "마감",
    ];
    let good = [
        "정말 좋아요",
        "최고예요",
        "만족합니다",
        "마음에 들어요",
        "추천합니다",
    ];
    let bad = [
        "너무 별로예요",
        "실망했어요",
        "최악이에요",
        "엉망이에요",
        "비추합니다",
    ];
    let mut out = String::new();
    for (i, s) in subjects.iter().enumerate() {
        for (j, (g, b)) in good.iter().zip(&bad).enumerate() {
            out += &format!("{}\t{s}이 {g}\n", 4 + (i + j) % 2);
            out += &format!("{}\t{s}이 {b}\n", 1 + (i + j) % 2);
        }
    }
    out
}

/// The `best val_accuracy` figure of a retraining status line (empty if it has none).
fn best_val_accuracy(status: &str) -> String {
    status
        .split("best val_accuracy ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentiment_panel_retrains_lecture9_on_a_review_file() {
    let site = site_dir();
    // The page fetches review files by URL, as the lecture does; here from 127.0.0.1.
    std::fs::write(
        std::path::Path::new(&site).join("test-reviews.txt"),
        review_file(),
    )
    .unwrap();
    std::fs::write(
        std::path::Path::new(&site).join("test-garbage.txt"),
        "이건 리뷰 파일이 아닙니다\n그냥 문장\n\u{1}\u{2}\n",
    )
    .unwrap();
    let Page {
        server,
        _driver,
        client,
    } = Page::open("/", (1280, 1800), "#retrain-url").await;
    eventually("a model is ready", || async {
        count(&client, "#sentiment-models .ready").await > 0
    })
    .await;
    // A file that is not a review file is explained.
    set_field(&client, "#data-url", &server.url("/test-garbage.txt")).await;
    click(&client, "#retrain-url").await;
    eventually("the garbage-file message", || async {
        text_of(&client, "#sentiment-error")
            .await
            .contains("학습할 만큼 리뷰가 없습니다")
    })
    .await;
    // Our review file trains lecture 9's SimpleRNN in the worker to the end: first with one
    // worker, then with two replica workers, which must reach the same validation accuracy.
    set_field(&client, "#data-url", &server.url("/test-reviews.txt")).await;
    set_field(&client, "#retrain-workers", "1").await;
    click(&client, "#retrain-url").await;
    eventually_within(
        "retraining with 1 worker",
        Duration::from_secs(90),
        || async {
            attr_of(&client, "#retrain-status", "data-state")
                .await
                .as_deref()
                == Some("done")
        },
    )
    .await;
    let one = text_of(&client, "#retrain-status").await;
    println!("retraining, 1 worker: {one}");
    set_field(&client, "#retrain-workers", "2").await;
    // (The first model's verdicts now fill the column beside the button.)
    client
        .execute("document.querySelector('#retrain-url').click()", vec![])
        .await
        .unwrap();
    eventually_within(
        "retraining with 2 workers starts",
        Duration::from_secs(30),
        || async {
            attr_of(&client, "#retrain-status", "data-state")
                .await
                .as_deref()
                != Some("done")
        },
    )
    .await;
    for _ in 0..6 {
        if attr_of(&client, "#retrain-status", "data-state")
            .await
            .as_deref()
            == Some("done")
        {
            break;
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    eventually("retraining finishes", || async {
        attr_of(&client, "#retrain-status", "data-state")
            .await
            .as_deref()
            == Some("done")
    })
    .await;
    let status = text_of(&client, "#retrain-status").await;
    println!("retraining: {status}");
    assert!(status.contains(" · 2 workers"), "{status}");
    assert_eq!(
        best_val_accuracy(&status),
        best_val_accuracy(&one),
        "1 vs 2 workers:\n{one}\n{status}"
    );
    assert!(!best_val_accuracy(&one).is_empty(), "{one}");
    let points = |name: &'static str| {
        let client = client.clone();
        async move {
            attr_of(
                &client,
                &format!("#retrain-curve polyline[data-name='{name}']"),
                "data-points",
            )
            .await
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(0)
        }
    };
    let (loss, val_loss) = (points("loss").await, points("val_loss").await);
    assert!(
        loss >= 1 && loss == val_loss,
        "train and validation curves: {loss} / {val_loss}"
    );
    assert!(status.contains(&format!("{loss} epochs")), "{status}");
    // The notebook's fit output, as Keras 3 prints it: a header and a finished bar per epoch.
    let log = text_of(&client, "#retrain-log").await;
    assert!(log.starts_with("Epoch 1/15\n"), "{log}");
    assert_eq!(log.matches(" ━━━━━━━━━━━━━━━━━━━━ ").count(), loss, "{log}");
    assert!(
        log.contains("/step - acc: ") && log.contains(" - val_acc: "),
        "{log}"
    );
    // The retrained model joins the panel and classifies.
    eventually("the retrained model is ready", || async {
        count(
            &client,
            "#sentiment-models li[data-model='retrained-simplernn'] .ready",
        )
        .await
            == 1
    })
    .await;
    set_field(&client, "#review-input", "가격이 정말 좋아요").await;
    eventually("a verdict from the retrained model", || async {
        text_of(
            &client,
            "#sentiment-verdicts .verdict[data-model='retrained-simplernn']",
        )
        .await
        .contains("확률로")
    })
    .await;
    let element = client.find(Locator::Css("#sentiment-panel")).await.unwrap();
    save_screenshot(
        "sentiment-retrained.png",
        element.screenshot().await.unwrap(),
    );
    client.close().await.unwrap();
}

/// The shared-memory worker: on a cross-origin isolated host the page trains in
/// `threads/worker.js` (atomics, rayon's pool over web workers sharing the module's memory),
/// says so in the status, and reaches the same validation accuracy as the plain worker on a
/// host without the headers (lecture 9's small batches are not cut: the same arithmetic). Then
/// lecture 11's GRU, whose batches are cut into one shard per pool thread, trains a few batches
/// there (`#/bench`), its record naming the pool's threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retraining_in_the_shared_memory_worker_matches_the_plain_worker() {
    let site = site_dir();
    std::fs::write(
        std::path::Path::new(&site).join("test-reviews-threads.txt"),
        review_file(),
    )
    .unwrap();
    let mut statuses = Vec::new();
    for isolated in [false, true] {
        let server = if isolated {
            support::StaticServer::start_isolated(&site)
        } else {
            support::StaticServer::start(&site)
        };
        let url = server.url("/test-reviews-threads.txt");
        let Page {
            server: _server,
            _driver,
            client,
        } = Page::open_on(server, "/#/sentiment", (1280, 1800), "#retrain-url").await;
        let isolated_page = client
            .execute("return self.crossOriginIsolated === true", vec![])
            .await
            .unwrap();
        assert_eq!(
            isolated_page.as_bool(),
            Some(isolated),
            "crossOriginIsolated"
        );
        eventually("a model is ready", || async {
            count(&client, "#sentiment-models .ready").await > 0
        })
        .await;
        set_field(&client, "#data-url", &url).await;
        set_field(&client, "#retrain-workers", "1").await;
        click(&client, "#retrain-url").await;
        eventually_within("retraining", Duration::from_secs(120), || async {
            attr_of(&client, "#retrain-status", "data-state")
                .await
                .as_deref()
                == Some("done")
        })
        .await;
        let status = text_of(&client, "#retrain-status").await;
        println!("isolated {isolated}: {status}");
        assert_eq!(
            status.contains("threads, shared memory"),
            isolated,
            "the status says which worker trained: {status}"
        );
        statuses.push(status);
        client.close().await.unwrap();
    }
    assert!(
        !best_val_accuracy(&statuses[0]).is_empty(),
        "{}",
        statuses[0]
    );
    assert_eq!(
        best_val_accuracy(&statuses[0]),
        best_val_accuracy(&statuses[1]),
        "plain vs shared memory:\n{}\n{}",
        statuses[0],
        statuses[1]
    );
    let path = "/#/bench?case=lecture11-gru-train&workers=1&steps=3&warmup=1";
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open_on(
        support::StaticServer::start_isolated(&site),
        path,
        (800, 600),
        "#bench-result",
    )
    .await;
    eventually_within(path, Duration::from_secs(120), || async {
        !text_of(&client, "#bench-result").await.is_empty()
    })
    .await;
    let result = text_of(&client, "#bench-result").await;
    println!("shared memory, lecture 11's GRU: {result}");
    let record: serde_json::Value = serde_json::from_str(&result).expect(&result);
    let cores = client
        .execute("return navigator.hardwareConcurrency", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(1);
    assert_eq!(
        record["threads"].as_u64(),
        Some(cores.clamp(1, 8)),
        "{result}"
    );
    assert!(
        record["value"].as_f64().is_some_and(|v| v > 0.0),
        "{result}"
    );
    client.close().await.unwrap();
}

/// A finished run, and a stopped one, come back after a reload: the curves, the settings and
/// the weights (Generate answers as before the reload). Reset forgets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_keeps_its_last_run_across_a_reload() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/studio", (1280, 1800), "#studio-panel #train").await;
    wait_for_state(&client, "idle").await;
    click(&client, "#train").await;
    wait_for_state(&client, "done").await;
    click(&client, "#generate").await;
    eventually("generation", || async {
        !text_of(&client, "#generated").await.is_empty()
    })
    .await;
    let before = text_of(&client, "#generated").await;

    client.refresh().await.unwrap();
    eventually("the run is restored", || async {
        text_of(&client, "#restored").await.contains("200 epochs")
    })
    .await;
    assert!(text_of(&client, "#curve").await.contains("loss ·"));
    wait_for_state(&client, "loaded").await;
    click(&client, "#generate").await;
    eventually("the same generation after the reload", || async {
        text_of(&client, "#generated").await == before
    })
    .await;

    // A stopped run is kept too, at the epoch it stopped.
    set_field(&client, "#epochs", "5000").await;
    click(&client, "#train").await;
    wait_for_state(&client, "training").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    click(&client, "#stop").await;
    wait_for_state(&client, "stopped").await;
    client.refresh().await.unwrap();
    eventually("the stopped run is restored", || async {
        text_of(&client, "#restored").await.contains("epochs")
    })
    .await;
    println!("restored: {}", text_of(&client, "#restored").await);
    assert_eq!(
        client
            .find(Locator::Css("#epochs"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("5000"),
        "the settings came back"
    );
    // Reset forgets it: the next reload starts clean.
    click(&client, "#reset").await;
    client.refresh().await.unwrap();
    wait_for_state(&client, "idle").await;
    assert_eq!(count(&client, "#restored").await, 0);
    client.close().await.unwrap();
}

/// Train, Stop, Resume and Reset pressed in many orders, 100 times: after each Reset the
/// studio is idle with no curve (no message of the forgotten run slips through), and the wasm
/// memory of the worker and of the page stays flat (printed every 10 cycles).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_resume_reset_in_any_order_keep_state_and_memory_flat() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/studio", (1280, 1800), "#studio-panel #train").await;
    wait_for_state(&client, "idle").await;
    set_field(&client, "#epochs", "10000").await;
    let state = |client: &fantoccini::Client| {
        let client = client.clone();
        async move { attr_of(&client, "#status", "data-state").await }
    };
    let mut resets = 0;
    let mut memory = Vec::new();
    for cycle in 0..100 {
        click(&client, "#train").await;
        wait_for_state(&client, "training").await;
        match cycle % 4 {
            // Stop, Resume, Stop.
            0 => {
                click(&client, "#stop").await;
                wait_for_state(&client, "stopped").await;
                click(&client, "#resume").await;
                click(&client, "#stop").await;
                wait_for_state(&client, "stopped").await;
            }
            // Reset while training.
            1 => {}
            // Stop pressed twice (the second click may find the button already disabled).
            2 => {
                click(&client, "#stop").await;
                let _ = client
                    .execute("document.querySelector('#stop').click()", vec![])
                    .await;
                wait_for_state(&client, "stopped").await;
            }
            // Reset twice.
            _ => {
                click(&client, "#reset").await;
                resets += 1;
            }
        }
        click(&client, "#reset").await;
        resets += 1;
        eventually("the worker confirmed every reset", || async {
            attr_of(&client, "#status", "data-resets").await == Some(resets.to_string())
        })
        .await;
        assert_eq!(
            state(&client).await.as_deref(),
            Some("idle"),
            "cycle {cycle}"
        );
        assert!(
            !text_of(&client, "#curve").await.contains("loss ·"),
            "cycle {cycle}: a curve of the forgotten run"
        );
        if cycle % 10 == 9 {
            let worker: f64 = attr_of(&client, "#status", "data-worker-memory")
                .await
                .unwrap()
                .parse()
                .unwrap();
            let page: f64 = attr_of(&client, "#status", "data-page-memory")
                .await
                .unwrap()
                .parse()
                .unwrap();
            println!(
                "after {} cycles: worker wasm memory {worker} B, page wasm memory {page} B",
                cycle + 1
            );
            memory.push((worker, page));
        }
    }
    // Wasm memory grows in 64 KiB pages and never shrinks: a leak grows it cycle after cycle,
    // while a busier moment may add a few pages once (the page once went 1.64 → 1.97 MB at
    // cycle 85 and stayed there). The worker (where training allocates) must stay within 10 %
    // from cycle 10 on; the page, from cycle 50 on, may grow at one of the five readings only,
    // and by less than half.
    let (w10, _) = memory[0];
    let (_, p50) = memory[4];
    let (w100, p100) = memory[9];
    assert!(w100 <= w10 * 1.1, "worker memory grew: {w10} → {w100}");
    let growths = memory[4..].windows(2).filter(|w| w[1].1 > w[0].1).count();
    assert!(
        growths <= 1 && p100 <= p50 * 1.5,
        "page memory grew at {growths} of 5 readings: {p50} → {p100}"
    );
    // Still works.
    set_field(&client, "#epochs", "200").await;
    click(&client, "#train").await;
    wait_for_state(&client, "done").await;
    client.close().await.unwrap();
}
