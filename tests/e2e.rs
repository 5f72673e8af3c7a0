//! End-to-end: the site that Trunk built, served on 127.0.0.1, driven in headless Chromium
//! through chromedriver (fantoccini). Checks that the tokenizer panel shows the lecture's
//! word_index, that it follows edits, and saves a screenshot to `target/e2e/`.
//!
//! `cargo xtask test` builds the site and runs this with `--features e2e`, setting
//! `RNN_PLAYGROUND_SITE` (the built site), `CHROME` and `CHROMEDRIVER`.

mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};
use support::{Chromedriver, StaticServer};

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

/// Poll until `check` holds (the page updates asynchronously after an input event).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokenizer_panel_shows_the_lecture_word_index_and_follows_edits() {
    let site = std::env::var("RNN_PLAYGROUND_SITE")
        .expect("RNN_PLAYGROUND_SITE must point at the built site (run `cargo xtask test`)");
    let server = StaticServer::start(site.as_ref());
    let driver = Chromedriver::start().await;
    let client = driver.client(1280, 1500).await;

    client.goto(&server.url("/")).await.expect("open the page");
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#word-index tbody tr"))
        .await
        .expect("the tokenizer panel renders (did the wasm load?)");

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
    client
        .find(Locator::Css("#ngrams"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
    client
        .find(Locator::Css("button.link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
