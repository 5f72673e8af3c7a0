//! Browser tests (wasm-bindgen-test in headless Chromium): the core gives the lecture's answers
//! when compiled to wasm32, and the tokenizer panel renders and reacts to edits in a real DOM.
//!
//! Run by `cargo xtask test` (`cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]

use rnn_playground::text::Tokenizer;
use rnn_playground::text::pipeline::{PipelineOptions, tokenize_lines};
use rnn_playground::web::{LECTURE_TEXT, TokenizerPanel};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn lecture_pipeline_in_wasm() {
    let lines: Vec<&str> = LECTURE_TEXT.lines().collect();
    let out = tokenize_lines(
        &lines,
        &PipelineOptions {
            ngrams: true,
            ..PipelineOptions::default()
        },
    )
    .unwrap();
    assert_eq!(out.word_index["말이"], 1);
    assert_eq!(out.word_index["곱다"], 11);
    assert_eq!(out.vocab_size, 12);
    assert_eq!(out.padded[0], vec![0, 0, 0, 0, 2, 3]);
    assert_eq!(out.y.unwrap(), vec![3, 1, 4, 5, 1, 7, 1, 9, 10, 1, 11]);
}

#[wasm_bindgen_test]
fn tokenizer_json_round_trip_in_wasm() {
    let mut tokenizer = Tokenizer::default();
    tokenizer.fit_on_texts(LECTURE_TEXT.lines());
    let back = Tokenizer::from_json(&tokenizer.to_json()).unwrap();
    assert_eq!(back.word_index(), tokenizer.word_index());
}

/// Let Leptos' scheduled effects run (they are queued as microtasks / tasks).
async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn word_index_rows(root: &web_sys::Element) -> Vec<(String, String)> {
    let rows = root.query_selector_all("#word-index tbody tr").unwrap();
    (0..rows.length())
        .map(|i| {
            let row: web_sys::Element = rows.item(i).unwrap().dyn_into().unwrap();
            let cells = row.query_selector_all("td").unwrap();
            let text = |j| cells.item(j).unwrap().text_content().unwrap_or_default();
            (text(0), text(1))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn panel_shows_the_lecture_word_index_and_follows_edits() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let host: web_sys::HtmlElement = root.clone().dyn_into().unwrap();
    let _handle = leptos::mount::mount_to(host, TokenizerPanel);
    next_tick().await;

    let rows = word_index_rows(&root);
    assert_eq!(rows.len(), 11);
    assert_eq!(rows[0], ("1".to_string(), "말이".to_string()));
    assert_eq!(rows[10], ("11".to_string(), "곱다".to_string()));
    let vocab = root.query_selector("#vocab-size").unwrap().unwrap();
    assert_eq!(vocab.text_content().unwrap(), "12");

    // Type a new text: the tables follow.
    let textarea: web_sys::HtmlTextAreaElement = root
        .query_selector("#text-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    textarea.set_value("오는 말이 곱다\n오는 정");
    textarea
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    next_tick().await;
    let rows = word_index_rows(&root);
    assert_eq!(
        rows,
        vec![
            ("1".to_string(), "오는".to_string()),
            ("2".to_string(), "말이".to_string()),
            ("3".to_string(), "곱다".to_string()),
            ("4".to_string(), "정".to_string()),
        ]
    );
    assert_eq!(vocab_text(&root), "5");

    // padding=post moves the zeros of the second row ("오는 정" = [1, 4]) to its end.
    let post: web_sys::HtmlElement = root
        .query_selector("#padding-post")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    post.click();
    next_tick().await;
    let padded = root.query_selector_all("#padded tr").unwrap();
    let second = padded.item(1).unwrap().text_content().unwrap();
    assert_eq!(second, "140");
    root.remove();
}

fn vocab_text(root: &web_sys::Element) -> String {
    root.query_selector("#vocab-size")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
}

/// Lecture 8's model trains in the browser to the same result as natively.
#[wasm_bindgen_test]
fn lecture8_model_trains_in_wasm() {
    use rnn_playground::textgen::{TextgenConfig, train};
    let mut good = 0;
    for seed in 0..5 {
        let config = TextgenConfig {
            seed,
            ..TextgenConfig::default()
        };
        let trained = train(LECTURE_TEXT, &config, |_| {}).unwrap();
        let accuracy = trained.history.epochs.last().unwrap().accuracy;
        if accuracy == 1.0
            && trained.sentence_generation("가는", 5).unwrap() == "가는 말이 고와야 오는 말이 곱다"
            && trained.sentence_generation("경마장에", 4).unwrap() == "경마장에 있는 말이 뛰고 있다"
        {
            good += 1;
        }
    }
    assert!(
        good >= 4,
        "only {good} of 5 seeds learned the lecture in wasm"
    );
}

/// The same seed gives the same losses in wasm as natively would (determinism).
#[wasm_bindgen_test]
fn training_is_deterministic_in_wasm() {
    use rnn_playground::textgen::{TextgenConfig, train};
    let config = TextgenConfig {
        epochs: 5,
        seed: 7,
        ..TextgenConfig::default()
    };
    let a = train(LECTURE_TEXT, &config, |_| {}).unwrap();
    let b = train(LECTURE_TEXT, &config, |_| {}).unwrap();
    assert_eq!(a.history.batch_loss, b.history.batch_loss);
}

/// The segmenter gives Okt's answer in wasm too: the lecture's example and every sentence we
/// wrote, per word (as the page asks) and per text. The page's build has no lexicon inside:
/// it is installed from the file, as the worker does with what the page fetched.
#[wasm_bindgen_test]
fn segmenter_in_wasm() {
    use rnn_playground::lecture::{EXAMPLE_REVIEWS, OKT_EXAMPLE};
    use rnn_playground::segment::Segmenter;
    use rnn_playground::segment::eval::read_labels;
    use rnn_playground::text::korean::clean_korean;
    assert!(Segmenter::install(b"not a lexicon").is_err());
    let s = Segmenter::install(include_bytes!("../data/segmenter/okt-lexicon.bin")).unwrap();
    let (labels, _) = read_labels(include_str!("data/okt_our_sentences.jsonl"));
    for r in &labels {
        assert_eq!(s.segment_clean(&r.text), r.morphs, "{}", r.text);
    }
    assert_eq!(s.segment(OKT_EXAMPLE.0), OKT_EXAMPLE.1);
    assert_eq!(s.segment_words(OKT_EXAMPLE.0).concat(), OKT_EXAMPLE.1);
    for review in EXAMPLE_REVIEWS.lines() {
        let clean = clean_korean(review);
        assert_eq!(s.segment_words(&clean).concat(), s.segment_clean(&clean));
    }
    assert!(s.segment("😀 !!").is_empty());
}

/// Keras' own files read in the browser's wasm: a `.keras` saved by Keras 3.15 and an `.h5`
/// saved by tf-keras 2.21 predict what Keras predicted, and a `.keras` written here reads back.
#[wasm_bindgen_test]
fn keras_files_in_wasm() {
    use candle_core::{Device, Tensor};
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("data/keras_files/expected.json")).unwrap();
    for (name, bytes) in [
        (
            "k3_bilstm_tagger",
            &include_bytes!("data/keras_files/k3_bilstm_tagger.keras")[..],
        ),
        (
            "tfk_gru_reset_before_tagger",
            &include_bytes!("data/keras_files/tfk_gru_reset_before_tagger.h5")[..],
        ),
    ] {
        let (model, extras) = rnn_playground::keras::read(bytes, name)
            .unwrap()
            .build()
            .unwrap();
        let rows: Vec<Vec<u32>> = serde_json::from_value(expected[name]["input"].clone()).unwrap();
        let x = Tensor::from_vec(rows.concat(), (rows.len(), rows[0].len()), &Device::Cpu).unwrap();
        let got = model
            .forward(&x)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let mut want = Vec::new();
        fn flat(v: &serde_json::Value, out: &mut Vec<f64>) {
            match v {
                serde_json::Value::Array(a) => a.iter().for_each(|x| flat(x, out)),
                v => out.push(v.as_f64().unwrap()),
            }
        }
        flat(&expected[name]["output"], &mut want);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!((f64::from(*g) - w).abs() < 1e-5, "{name}");
        }
        let again =
            rnn_playground::keras::write_keras(&model, &extras, "2026-12-06@00:00:00").unwrap();
        let (back, _) = rnn_playground::keras::read(&again, name)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(back.summary(), model.summary());
    }
}

/// The page and the training worker exchange these in bincode (gloo-worker's codec), which
/// reads fields by position and cannot skip one: a message of each job must come back equal,
/// a benchmark record with its absent fields too (its own serde skips them for the JSON).
#[wasm_bindgen_test]
fn worker_messages_survive_the_worker_codec() {
    use rnn_playground::bench::{BenchRecord, ReplicaStagesMs};
    use rnn_playground::lab::{LabReply, LabRequest};
    use rnn_playground::web::protocol::*;

    fn round_trip<T>(message: T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let bytes = bincode::serialize(&message).unwrap();
        let back: T = bincode::deserialize(&bytes).unwrap();
        assert_eq!(back, message);
    }
    let failed = |kind| JobError::new(kind, rnn_playground::i18n::Text::new("한국어", "English"));
    let replica = Some(ReplicaInfo {
        index: 1,
        count: 2,
        run: 7,
        direct: true,
    });
    let logs = rnn_playground::train::EpochLogs {
        epoch: 1,
        loss: 0.5,
        accuracy: 0.75,
        val_loss: None,
        val_accuracy: Some(0.5),
        samples_per_s: 100.0,
        steps: 3,
        seconds: 0.25,
    };
    let record = |workers, stages_ms| BenchRecord {
        case: "lecture11-gru-train".into(),
        place: "wasm".into(),
        metric: "samples_per_s".into(),
        value: 812.5,
        workers,
        threads: None,
        stages_ms,
    };
    let stages = ReplicaStagesMs {
        shard: 50.0,
        wait: 10.0,
        step: 5.0,
        between: 10.0,
    };
    for request in [
        StudioRequest::Train {
            text: LECTURE_TEXT.into(),
            config: Default::default(),
            replica,
        }
        .into(),
        StudioRequest::Stop.into(),
        StudioRequest::Reset.into(),
        TeacherForcingRequest::Compare { index: 2 }.into(),
        ReviewsRequest::Load {
            name: "gru".into(),
            config_json: "{}".into(),
            weights: vec![1, 2, 3],
        }
        .into(),
        RetrainRequest::Train {
            text: "5\t좋아요".into(),
            config: Default::default(),
            replica: None,
        }
        .into(),
        NotebookRequest::Resume {
            cell: rnn_playground::nn::CellKind::Gru,
            checkpoint: BlobRef::Bytes(vec![0, 255]),
        }
        .into(),
        NotebookRequest::Stop.into(),
        LabRequest::Gradients(Default::default()).into(),
        TokenizerRequest::Preprocess {
            lines: vec!["말이 곱다".into()],
            stopwords: Vec::new(),
        }
        .into(),
        BenchRequest::Train {
            case: "lecture11-gru-train".into(),
            steps: 30,
            warmup: 1,
            batch: None,
            replica,
        }
        .into(),
        WorkerRequest::LoadSegmenter { bytes: vec![9; 4] }.into(),
    ] {
        round_trip::<ToWorker>(request);
    }
    for reply in [
        StudioReply::Progress {
            epochs: vec![logs.clone()],
        }
        .into(),
        StudioReply::Failed(failed(ErrorKind::Training)).into(),
        TeacherForcingReply::Failed(failed(ErrorKind::NotLoaded)).into(),
        ReviewsReply::Loaded {
            name: RETRAINED_MODEL.into(),
        }
        .into(),
        RetrainReply::Batch {
            epoch: 1,
            batch: 2,
            batches: 3,
        }
        .into(),
        RetrainReply::Epoch { logs: logs.clone() }.into(),
        NotebookReply::Epoch { logs }.into(),
        NotebookReply::Failed(failed(ErrorKind::Fetch)).into(),
        FromWorker::Lab(Err(failed(ErrorKind::BadInput))),
        FromWorker::Lab(Ok(LabReply::Lookup(
            rnn_playground::lab::embeddings::Lookup {
                words: vec!["groot".into()],
                ids: vec![1],
                vectors: vec![vec![0.5, -0.5]],
            },
        ))),
        TokenizerReply::Preprocessed {
            lines: vec!["말이 곱다".into()],
            stopwords: Vec::new(),
            result: Err(failed(ErrorKind::NotLoaded)),
        }
        .into(),
        BenchReply::Done {
            index: 0,
            record: record(Some(1), Vec::new()),
        }
        .into(),
        BenchReply::Done {
            index: 1,
            record: record(None, vec![stages, stages]),
        }
        .into(),
        WorkerReply::Ready.into(),
        WorkerReply::Crashed {
            message: "boom".into(),
        }
        .into(),
    ] {
        round_trip::<FromWorker>(reply);
    }
}
