//! Keras' own files in the page: a `.keras` file dropped on the gates lab shows that model's
//! gates, a `.keras` picked in the studio generates, the studio's "Download .keras" gives a
//! file Keras' layout reads back to the same model, and the Keras-file worker is downloaded
//! only once a student uses a Keras file.

use candle_core::{Device, Tensor};
use fantoccini::Locator;
use rnn_playground::keras;
use rnn_playground::nn::{Activation, CellKind, LayerConfig, ModelExtras, Sequential};
use rnn_playground::text::{Tokenizer, TokenizerConfig};
use serde_json::{Value, json};

use super::{Page, attr_of, click, count, eventually, screenshot, set_field, text_of};

/// A small LSTM review classifier with a tokenizer fitted on sentences written here.
fn classifier() -> (Vec<u8>, String) {
    let mut tokenizer = Tokenizer::new(TokenizerConfig {
        oov_token: Some("OOV".into()),
        ..TokenizerConfig::default()
    })
    .unwrap();
    let lines = [
        "배송 빠르다 좋다",
        "배송 늦다 최악",
        "품질 좋다 강추",
        "상품 별로 실망",
    ];
    let tokens: Vec<Vec<String>> = lines
        .iter()
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect();
    tokenizer.fit_on_texts(tokens.iter());
    let model = Sequential::from_config(
        &[
            LayerConfig::Embedding {
                input_dim: 20,
                output_dim: 6,
                mask_zero: false,
            },
            LayerConfig::rnn(CellKind::Lstm, 4),
            LayerConfig::Dense {
                units: 1,
                activation: Activation::Sigmoid,
                use_bias: true,
            },
        ],
        Some(12),
        3,
    )
    .unwrap();
    let bytes = keras::write_keras(&model, &ModelExtras::default(), "2026-12-06@00:00:00").unwrap();
    (bytes, tokenizer.to_json())
}

/// Drop `files` (name, bytes) on the element `css` as a browser drop event carries them.
async fn drop_files(client: &fantoccini::Client, css: &str, files: &[(&str, &[u8])]) {
    let files: Vec<Value> = files
        .iter()
        .map(|(name, bytes)| json!({"name": name, "bytes": bytes}))
        .collect();
    client
        .execute(
            "const [css, files] = arguments;
             const dt = new DataTransfer();
             for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
             const target = document.querySelector(css);
             target.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
             target.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));",
            vec![json!(css), Value::Array(files)],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keras_file_dropped_on_the_gates_lab_shows_its_gates() {
    let Page {
        server,
        _driver,
        client,
    } = Page::open("/#/labs/gates", (1280, 1900), "#gates-maps .gate-map").await;
    let keras_worker = |server: &super::support::StaticServer| {
        server
            .requested()
            .iter()
            .filter(|p| p.contains("keras_worker"))
            .count()
    };
    assert_eq!(
        keras_worker(&server),
        0,
        "no Keras code before a Keras file"
    );
    let (bytes, tokenizer) = classifier();
    drop_files(
        &client,
        "#gates-file-drop",
        &[
            ("review.keras", &bytes),
            ("review.tokenizer.json", tokenizer.as_bytes()),
        ],
    )
    .await;
    eventually("the dropped model's gates", || async {
        attr_of(&client, "#gates-own", "aria-pressed")
            .await
            .as_deref()
            == Some("true")
            && count(&client, "#gates-maps .gate-map").await == 4
            && text_of(&client, "#gates-status")
                .await
                .contains("리뷰입니다")
    })
    .await;
    assert!(keras_worker(&server) > 0);
    assert_eq!(
        attr_of(&client, "#gates-file-status", "data-state")
            .await
            .as_deref(),
        Some("done")
    );
    // The verdict is the model's own, computed natively from the same files.
    let text = "배송 빠르다 좋다";
    set_field(&client, "#gates-text", text).await;
    let picked = keras::read_picked(&[
        ("review.keras".into(), bytes.clone()),
        ("t.json".into(), tokenizer.clone().into_bytes()),
    ])
    .unwrap();
    let native = rnn_playground::sentiment::SentimentModel::from_parts(picked.model, picked.extras)
        .unwrap()
        .sentiment_predict(text)
        .unwrap();
    eventually("the page says what the model says", || async {
        text_of(&client, "#gates-status").await == native
    })
    .await;
    screenshot(&client, "keras-gates-own.png").await;
    // A file that is not a model: a reason in the page's language, the lab still works.
    drop_files(
        &client,
        "#gates-file-drop",
        &[("notes.keras", b"PK\x03\x04 not a zip")],
    )
    .await;
    eventually("the refusal", || async {
        attr_of(&client, "#gates-file-status", "data-state")
            .await
            .as_deref()
            == Some("failed")
            && text_of(&client, "#gates-file-status")
                .await
                .contains("Keras 모델 파일이 아닙니다")
    })
    .await;
    click(&client, "#gates-lecture11-gru").await;
    eventually("the shipped GRU still answers", || async {
        count(&client, "#gates-maps .gate-map").await == 3
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_loads_a_keras_file_and_downloads_one() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/studio", (1280, 1400), "#studio-panel #train").await;
    // Lecture 8's model trained natively, saved as Keras 3 saves it, with its tokenizer.
    let config = rnn_playground::textgen::TextgenConfig {
        seed: 1,
        ..Default::default()
    };
    let mut session =
        rnn_playground::textgen::Session::new(rnn_playground::lecture::NEXT_WORD_TEXT, &config)
            .unwrap();
    while !session.finished() {
        session.run_epoch().unwrap();
    }
    let (model, extras) = Sequential::from_single_file(&session.model_file().unwrap()).unwrap();
    let keras_bytes = keras::write_keras(&model, &extras, "2026-12-06@00:00:00").unwrap();
    let dir = std::env::temp_dir().join(format!("rnn-playground-e2e-keras-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (file, tok) = (
        dir.join("next_word.keras"),
        dir.join("next_word.tokenizer.json"),
    );
    std::fs::write(&file, &keras_bytes).unwrap();
    std::fs::write(&tok, extras.tokenizer.clone().unwrap()).unwrap();
    // Both files at once through the picker (chromedriver: one path per line).
    client
        .find(Locator::Css("#load-model"))
        .await
        .unwrap()
        .send_keys(&format!("{}\n{}", file.display(), tok.display()))
        .await
        .unwrap();
    eventually("the .keras model loads", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("loaded")
    })
    .await;
    assert!(
        text_of(&client, "#summary")
            .await
            .contains("simple_rnn (SimpleRNN)")
    );
    click(&client, "#generate").await;
    eventually("generation with the Keras file", || async {
        text_of(&client, "#generated").await == "가는 말이 고와야 오는 말이 곱다"
    })
    .await;
    // Download .keras: capture what the page hands the browser.
    client
        .execute(
            "window.__downloads = [];
             const create = URL.createObjectURL;
             URL.createObjectURL = (blob) => {
               window.__downloads.push(blob.arrayBuffer().then(b => Array.from(new Uint8Array(b))));
               return create(blob);
             };",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "#save-keras").await;
    eventually("two files: the model and its tokenizer", || async {
        client
            .execute("return window.__downloads.length", vec![])
            .await
            .unwrap()
            .as_u64()
            == Some(2)
    })
    .await;
    let got = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; Promise.all(window.__downloads).then(done);",
            vec![],
        )
        .await
        .unwrap();
    let files: Vec<Vec<u8>> = serde_json::from_value(got).unwrap();
    let back = keras::read(&files[0], "download.keras").unwrap();
    let (again, _) = back.build().unwrap();
    let tokenizer: Value = serde_json::from_slice(&files[1]).unwrap();
    assert_eq!(tokenizer["class_name"], "Tokenizer");
    let x = Tensor::from_vec(vec![0u32, 0, 0, 1, 2, 0, 0, 3, 4, 5], (2, 5), &Device::Cpu).unwrap();
    let a = model
        .forward(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    let b = again
        .forward(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    for (p, q) in a.iter().zip(&b) {
        assert!(
            (p - q).abs() < 1e-6,
            "the downloaded model predicts as the loaded one"
        );
    }
    screenshot(&client, "keras-studio.png").await;
    // The downloaded pair dropped back onto the studio loads and generates the same.
    click(&client, "#reset").await;
    eventually("the studio forgot the model", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("idle")
    })
    .await;
    drop_files(
        &client,
        "#load-model-drop",
        &[
            ("rnn-playground-model.keras", &files[0]),
            ("rnn-playground-model.tokenizer.json", &files[1]),
        ],
    )
    .await;
    eventually("the dropped .keras loads", || async {
        attr_of(&client, "#status", "data-state").await.as_deref() == Some("loaded")
            && attr_of(&client, "#load-model-status", "data-state")
                .await
                .as_deref()
                == Some("done")
    })
    .await;
    click(&client, "#generate").await;
    eventually("generation with the dropped file", || async {
        text_of(&client, "#generated").await == "가는 말이 고와야 오는 말이 곱다"
    })
    .await;
    std::fs::remove_dir_all(&dir).ok();
}
