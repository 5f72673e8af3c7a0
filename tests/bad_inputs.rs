//! The bad-input catalogue: one list of inputs that break careless programs (empty text,
//! whitespace, jamo only, emoji only, 100,000 characters, mixed scripts, a script tag, invalid
//! UTF-8, a 0-byte model file, a model of another kind), each with the answer every entry point
//! must give. The CLI's subcommands run here natively; the page's main actions run against the
//! same catalogue in headless Chromium (the `page` module, with the `e2e` feature, run by
//! `cargo xtask test`'s end-to-end step).
//!
//! An answer is either output (exit 0, stdout containing a text), a note (exit 0, stderr
//! containing a text) or an error (exit ≠ 0, stderr containing the message). Never a panic.

#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What an entry point must answer.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Exit 0 and stdout contains this.
    Out(&'static str),
    /// Exit 0 and stderr contains this (a note beside the normal answer).
    Note(&'static str),
    /// A non-zero exit and stderr contains this message.
    Fails(&'static str),
}
use Expect::*;

/// A text input and the answer of each text entry point.
struct TextEntry {
    name: &'static str,
    bytes: fn() -> Vec<u8>,
    tokenize: Expect,
    segment: Expect,
    classify: Expect,
    train_textgen: Expect,
    train_sentiment: Expect,
    /// The page: the tokenizer panel, the review panel and the studio's training (see `page`).
    #[cfg_attr(not(feature = "e2e"), allow(dead_code))]
    page: PageExpect,
}

/// What the page must show for a text entry (CSS selector → text it contains).
#[allow(dead_code)] // read by the `page` module (e2e feature)
#[derive(Clone, Copy)]
struct PageExpect {
    /// `#word-index` (the table) or `.error` (the panel's message).
    tokenizer: (&'static str, &'static str),
    /// The review panel: `#sentiment-empty` (the no-words note), `#sentiment-verdicts` or
    /// `#sentiment-error`.
    review: (&'static str, &'static str),
    /// The studio after Train: `#studio-error` with the message, or `#status` training.
    studio: (&'static str, &'static str),
}

const NO_WORDS: &str = "no Korean words are left after cleaning";
const NOT_TWO_WORDS: &str = "no line with two or more words";
const NO_REVIEWS: &str = "no reviews could be read";
const NOT_UTF8: &str = "is not UTF-8 text";

fn long_text() -> Vec<u8> {
    // 100,000 characters on one line.
    "좋아요 ".repeat(25_000).into_bytes()
}

fn catalogue() -> Vec<TextEntry> {
    vec![
        TextEntry {
            name: "empty",
            bytes: Vec::new,
            tokenize: Out(r#""word_index":{}"#),
            segment: Out(""),
            classify: Out(""),
            train_textgen: Fails(NOT_TWO_WORDS),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#vocab-size", "1"),
                review: ("#sentiment-verdicts", ""),
                studio: ("#studio-error", NOT_TWO_WORDS),
            },
        },
        TextEntry {
            name: "whitespace only",
            bytes: || b"   \n\t  \n".to_vec(),
            tokenize: Out(r#""word_index":{}"#),
            segment: Out("[]\n[]"),
            classify: Note(NO_WORDS),
            train_textgen: Fails(NOT_TWO_WORDS),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#vocab-size", "1"),
                review: ("#sentiment-empty", "한국어 단어가 없습니다"),
                studio: ("#studio-error", NOT_TWO_WORDS),
            },
        },
        TextEntry {
            name: "jamo only",
            bytes: || "ㅁㄴㅇㄻㄴㅇ".as_bytes().to_vec(),
            tokenize: Out(r#""word_index":{"ㅁㄴㅇㄻㄴㅇ":1}"#),
            segment: Out(r#"["ㅁㄴㅇㄻㄴㅇ"]"#),
            classify: Out(r#""text":"ㅁㄴㅇㄻㄴㅇ","probability":"#),
            train_textgen: Fails(NOT_TWO_WORDS),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#word-index", "ㅁㄴㅇㄻㄴㅇ"),
                review: ("#sentiment-tokens", "ㅁㄴㅇㄻㄴㅇ"),
                studio: ("#studio-error", NOT_TWO_WORDS),
            },
        },
        TextEntry {
            name: "emoji only",
            bytes: || "😀😂👍🎉".as_bytes().to_vec(),
            tokenize: Out(r#""word_index":{"😀😂👍🎉":1}"#),
            segment: Out("[]"),
            classify: Note(NO_WORDS),
            train_textgen: Fails(NOT_TWO_WORDS),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#word-index", "😀😂👍🎉"),
                review: ("#sentiment-empty", "한국어 단어가 없습니다"),
                studio: ("#studio-error", NOT_TWO_WORDS),
            },
        },
        TextEntry {
            name: "100,000 characters",
            bytes: long_text,
            tokenize: Out(r#""word_counts":{"좋아요":25000}"#),
            segment: Out(r#"["좋아요","좋아요","#),
            classify: Out(r#""probability":"#),
            train_textgen: Fails("split long lines into sentences"),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#word-index", "좋아요"),
                review: ("#sentiment-tokens", "좋아요"),
                studio: ("#studio-error", "split long lines into sentences"),
            },
        },
        TextEntry {
            name: "mixed scripts",
            bytes: || "Hello 안녕 Привет مرحبا 你好 123".as_bytes().to_vec(),
            tokenize: Out(
                r#""word_index":{"hello":1,"안녕":2,"привет":3,"مرحبا":4,"你好":5,"123":6}"#,
            ),
            segment: Out(r#"["안녕"]"#),
            classify: Out(r#""probability":"#),
            train_textgen: Out(r#""epoch":2"#),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#word-index", "привет"),
                review: ("#sentiment-tokens", "안녕"),
                studio: ("#status", ""),
            },
        },
        TextEntry {
            name: "a script tag",
            bytes: || b"<script>alert(1)</script>".to_vec(),
            tokenize: Out(r#""word_index":{"script":1,"alert":2,"1":3}"#),
            segment: Out("[]"),
            classify: Note(NO_WORDS),
            train_textgen: Out(r#""epoch":2"#),
            train_sentiment: Fails(NO_REVIEWS),
            page: PageExpect {
                tokenizer: ("#word-index", "script"),
                review: ("#sentiment-empty", "한국어 단어가 없습니다"),
                studio: ("#status", ""),
            },
        },
        TextEntry {
            name: "invalid UTF-8",
            bytes: || vec![0xff, 0xfe, b'A', 0x80, b'\n'],
            tokenize: Fails(NOT_UTF8),
            segment: Fails(NOT_UTF8),
            classify: Fails(NOT_UTF8),
            train_textgen: Fails(NOT_UTF8),
            train_sentiment: Fails(NOT_UTF8),
            // A text box cannot hold invalid UTF-8; the page reads files as UTF-8 with
            // replacement characters (the retraining file test covers a file of no reviews).
            page: PageExpect {
                tokenizer: ("#word-index", "�a�"),
                review: ("#sentiment-empty", "한국어 단어가 없습니다"),
                studio: ("#studio-error", NOT_TWO_WORDS),
            },
        },
        TextEntry {
            name: "over the page's 1 MB limit",
            bytes: || "가나다 라마 ".repeat(75_000).into_bytes(),
            tokenize: Out(r#""가나다":1"#),
            segment: Out(r#"["가나다","#),
            classify: Out(r#""probability":"#),
            train_textgen: Fails("at most 1000000 bytes"),
            train_sentiment: Fails(NO_REVIEWS),
            // The page speaks Korean by default.
            page: PageExpect {
                tokenizer: (".error", "최대 1000000바이트"),
                review: ("#sentiment-error", "최대 1000000바이트"),
                studio: ("#studio-error", "최대 1000000바이트"),
            },
        },
    ]
}

/// A model file and what each model-taking entry point answers.
struct ModelEntry {
    name: &'static str,
    path: fn(&Path) -> PathBuf,
    summary: Expect,
    classify: Expect,
    generate: Expect,
    segment: Expect,
    /// The studio's "load model": where the message shows (the file reader's status line, or
    /// the studio's error once the worker refused a model it read) and what it says; an empty
    /// message when the model loads.
    #[allow(dead_code)] // read by the `page` module (e2e feature)
    page_load: (&'static str, &'static str),
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn model_catalogue() -> Vec<ModelEntry> {
    vec![
        ModelEntry {
            name: "a 0-byte model file",
            path: |dir| {
                let p = dir.join("empty.safetensors");
                std::fs::write(&p, b"").unwrap();
                p
            },
            summary: Fails("not valid safetensors"),
            classify: Fails("not valid safetensors"),
            generate: Fails("not valid safetensors"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("#load-model-status", "not valid safetensors"),
        },
        ModelEntry {
            name: "a truncated model file",
            path: |dir| {
                let p = dir.join("cut.safetensors");
                let whole = std::fs::read(lecture8_model()).unwrap();
                std::fs::write(&p, &whole[..whole.len() / 2]).unwrap();
                p
            },
            summary: Fails("not valid safetensors"),
            classify: Fails("not valid safetensors"),
            generate: Fails("not valid safetensors"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("#load-model-status", "not valid safetensors"),
        },
        ModelEntry {
            name: "lecture 8's next-word model",
            path: |_| lecture8_model(),
            summary: Out("simple_rnn (SimpleRNN)"),
            classify: Fails("not a review-sentiment model"),
            generate: Out("말이"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("", ""),
        },
        ModelEntry {
            name: "a zip that is not a Keras file",
            path: |dir| {
                use std::io::Write;
                let p = dir.join("notes.keras");
                let mut out = std::io::Cursor::new(Vec::new());
                let mut z = zip::ZipWriter::new(&mut out);
                z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
                    .unwrap();
                z.write_all(b"not a model").unwrap();
                z.finish().unwrap();
                std::fs::write(&p, out.into_inner()).unwrap();
                p
            },
            summary: Fails("config.json"),
            classify: Fails("config.json"),
            generate: Fails("config.json"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("#load-model-status", "config.json"),
        },
        ModelEntry {
            name: "a Keras file with a layer we do not compute (Conv1D)",
            path: |_| root().join("tests/data/keras_files/k3_unsupported_conv1d.keras"),
            summary: Fails("Conv1D"),
            classify: Fails("Conv1D"),
            generate: Fails("Conv1D"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("#load-model-status", "Conv1D"),
        },
        ModelEntry {
            name: "a Keras next-word model without its tokenizer",
            path: |_| root().join("tests/data/keras_files/k3_lecture8_next_word.keras"),
            summary: Out("embedding_1 (Embedding)"),
            classify: Fails("not a review-sentiment model"),
            generate: Fails("not a next-word model"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("#studio-error", "not a next-word model"),
        },
        ModelEntry {
            name: "the segmenter's lexicon file",
            path: |_| root().join("data/segmenter/okt-lexicon.bin"),
            summary: Fails("not valid safetensors"),
            classify: Fails("not valid safetensors"),
            generate: Fails("not valid safetensors"),
            segment: Out(r#"["말","이","#),
            page_load: ("#load-model-status", "not valid safetensors"),
        },
        ModelEntry {
            name: "a review classifier (model folder)",
            path: |_| root().join("data/models/best-bigru"),
            summary: Out("bidirectional (Bidirection"),
            classify: Out(r#""probability":"#),
            generate: Fails("not a next-word model"),
            segment: Fails("not a segmenter lexicon"),
            page_load: ("", ""),
        },
    ]
}

/// A next-word model in one file (lecture 8's architecture, 1 epoch; made for the fuzz seeds).
fn lecture8_model() -> PathBuf {
    root().join("fuzz/seeds/weights/textgen-single-file.safetensors")
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args(args)
        .output()
        .expect("run rnn-playground");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(what: &str, args: &[&str], expect: Expect) {
    let (ok, stdout, stderr) = run(args);
    assert!(!stderr.contains("panicked"), "{what}: a panic\n{stderr}");
    let shown = |s: &str| s.chars().take(300).collect::<String>();
    match expect {
        Out(text) => assert!(
            ok && stdout.contains(text),
            "{what}: expected exit 0 and stdout with {text:?}; got ok={ok}\nstdout: {}\nstderr: {}",
            shown(&stdout),
            shown(&stderr)
        ),
        Note(text) => assert!(
            ok && stderr.contains(text),
            "{what}: expected exit 0 and the note {text:?}; got ok={ok}\nstderr: {}",
            shown(&stderr)
        ),
        Fails(text) => assert!(
            !ok && stderr.contains(text),
            "{what}: expected an error saying {text:?}; got ok={ok}\nstdout: {}\nstderr: {}",
            shown(&stdout),
            shown(&stderr)
        ),
    }
}

#[test]
fn every_cli_text_command_answers_every_catalogue_entry() {
    let dir = tempdir("text");
    let best = root().join("data/models/best-bigru");
    let best = best.to_str().unwrap();
    for entry in catalogue() {
        let file = dir.join("input.txt");
        std::fs::write(&file, (entry.bytes)()).unwrap();
        let f = file.to_str().unwrap();
        let out = dir.join("out");
        let out = out.to_str().unwrap();
        let name = entry.name;
        check(
            &format!("tokenize, {name}"),
            &["tokenize", f],
            entry.tokenize,
        );
        check(&format!("segment, {name}"), &["segment", f], entry.segment);
        check(
            &format!("classify, {name}"),
            &["classify", "--model", best, f],
            entry.classify,
        );
        check(
            &format!("train-textgen, {name}"),
            &["train-textgen", "--text", f, "--epochs", "2", "--out", out],
            entry.train_textgen,
        );
        check(
            &format!("train-sentiment, {name}"),
            &[
                "train-sentiment",
                "--data",
                f,
                "--epochs",
                "1",
                "--out",
                out,
            ],
            entry.train_sentiment,
        );
    }
}

#[test]
fn every_cli_model_command_answers_every_model_file() {
    let dir = tempdir("models");
    let input = dir.join("review.txt");
    std::fs::write(&input, "말이 좋아요\n").unwrap();
    let input = input.to_str().unwrap();
    for entry in model_catalogue() {
        let path = (entry.path)(&dir);
        let m = path.to_str().unwrap();
        let name = entry.name;
        check(
            &format!("summary, {name}"),
            &["summary", "--model", m],
            entry.summary,
        );
        check(
            &format!("classify, {name}"),
            &["classify", "--model", m, input],
            entry.classify,
        );
        check(
            &format!("generate, {name}"),
            &["generate", "--model", m, "--seed-text", "말이"],
            entry.generate,
        );
        check(
            &format!("segment --model, {name}"),
            &["segment", "--model", m, input],
            entry.segment,
        );
    }
}

/// The lecture's `sentiment_predict` on the text entries: the sentence always, and the note
/// where no Korean word is left.
#[test]
fn sentiment_predict_answers_with_a_note_when_no_words_are_left() {
    let best = root().join("data/models/best-bigru");
    let best = best.to_str().unwrap();
    for entry in catalogue() {
        let Ok(text) = String::from_utf8((entry.bytes)()) else {
            continue; // a command-line argument is always valid text
        };
        if text.len() > 100_000 {
            continue; // Linux refuses an argument of 128 KiB or more; `classify` reads files
        }
        let expect = match entry.classify {
            Note(note) => Note(note),
            _ => Out("확률로"),
        };
        if text.is_empty() {
            check(
                "sentiment-predict, empty",
                &["sentiment-predict", "--model", best, ""],
                Note(NO_WORDS),
            );
            continue;
        }
        check(
            &format!("sentiment-predict, {}", entry.name),
            &["sentiment-predict", "--model", best, &text],
            expect,
        );
    }
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rnn-playground-bad-inputs-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(feature = "e2e")]
mod support;

/// The same catalogue in the page: the tokenizer panel, the review panel and the studio on
/// `#/`, in headless Chromium, one page for every entry (as a student would keep typing).
#[cfg(feature = "e2e")]
mod page {
    use super::*;

    use super::support::browser::{
        Page, click, eventually, screenshot, set_field, text_of, wait_for_state,
    };

    /// Wait until `css` shows `text` (an empty `text`: until `css` is there).
    async fn shows(client: &fantoccini::Client, what: &str, (css, text): (&str, &str)) {
        eventually(&format!("{what}: {css} shows {text:?}"), || async {
            let shown = text_of(client, css).await;
            (text.is_empty() || shown.contains(text))
                && client.find(fantoccini::Locator::Css(css)).await.is_ok()
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_page_action_answers_every_catalogue_entry() {
        let Page {
            server: _server,
            _driver,
            client,
        } = Page::open("/", (1280, 2400), "#sentiment-panel #review-input").await;
        // A script that ran would call alert: count the calls (there must be none).
        client
            .execute(
                "window.__alerts = 0; window.alert = () => { window.__alerts += 1; }; \
                 window.__scripts = document.scripts.length;",
                vec![],
            )
            .await
            .unwrap();
        eventually("a review model is ready", || async {
            text_of(&client, "#sentiment-verdicts")
                .await
                .contains("확률로")
        })
        .await;
        set_field(&client, "#epochs", "3").await;
        for entry in catalogue() {
            let text = String::from_utf8_lossy(&(entry.bytes)()).into_owned();
            let name = entry.name;
            println!("page, {name}");
            set_field(&client, "#text-input", &text).await;
            shows(&client, &format!("tokenizer, {name}"), entry.page.tokenizer).await;
            set_field(&client, "#review-input", &text).await;
            shows(&client, &format!("review, {name}"), entry.page.review).await;
            set_field(&client, "#studio-text", &text).await;
            click(&client, "#train").await;
            match entry.page.studio {
                ("#status", _) => {
                    // It trains: wait for the end of the 3 epochs.
                    wait_for_state(&client, "done").await;
                }
                expected => shows(&client, &format!("studio, {name}"), expected).await,
            }
        }
        screenshot(&client, "bad-inputs-last.png").await;
        let alerts = client
            .execute("return window.__alerts", vec![])
            .await
            .unwrap();
        assert_eq!(alerts, serde_json::json!(0), "a script from the input ran");
        let scripts = client
            .execute("return document.scripts.length - window.__scripts", vec![])
            .await
            .unwrap();
        assert_eq!(scripts, serde_json::json!(0), "the input added a <script>");

        // Model files through the studio's "load model": a bad file gives its message, and the
        // model trained last still generates.
        let dir = tempdir("page-models");
        for entry in model_catalogue() {
            let path = (entry.path)(&dir);
            if path.is_dir() {
                continue; // a folder cannot be picked in a file input
            }
            let input = client
                .find(fantoccini::Locator::Css("#load-model"))
                .await
                .unwrap();
            input.send_keys(path.to_str().unwrap()).await.unwrap();
            if entry.page_load.1.is_empty() {
                wait_for_state(&client, "loaded").await;
            } else {
                shows(&client, &format!("load {}", entry.name), entry.page_load).await;
            }
            // Clear the file input so that the next file is a change.
            client
                .execute("document.querySelector('#load-model').value = ''", vec![])
                .await
                .unwrap();
        }
        set_field(&client, "#seed-text", "말이").await;
        click(&client, "#generate").await;
        eventually("the last loaded model still generates", || async {
            text_of(&client, "#generated").await.starts_with("말이")
        })
        .await;
        client.close().await.unwrap();
    }
}
