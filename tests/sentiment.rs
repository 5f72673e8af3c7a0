//! The review-sentiment pipeline on reviews we wrote: it learns a separable toy corpus, answers
//! in the lecture's words, survives bad input, and round-trips through files and the CLI.

use std::process::Command;

use rnn_playground::sentiment::{
    SentimentConfig, SentimentModel, accuracy, lecture_sentence, train_sentiment,
};
use rnn_playground::text::reviews::Review;

fn corpus() -> (Vec<Review>, Vec<Review>) {
    let subjects = [
        "배송이",
        "포장이",
        "품질이",
        "디자인이",
        "가격이",
        "색상이",
        "사이즈가",
    ];
    let good = ["정말 좋아요", "최고예요", "만족합니다", "마음에 들어요"];
    let bad = ["너무 별로예요", "실망했어요", "최악이에요", "엉망이에요"];
    let mut train = Vec::new();
    let mut test = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        for (j, (g, b)) in good.iter().zip(&bad).enumerate() {
            let review = |text: String, label| Review {
                text,
                label,
                rating: None,
                id: None,
            };
            // One (subject, predicate) pair of each kind is held out.
            let target = if (i + j) % 7 == 0 {
                &mut test
            } else {
                &mut train
            };
            target.push(review(format!("{s} {g}"), 1));
            target.push(review(format!("{s} {b}"), 0));
        }
    }
    (train, test)
}

fn small_config() -> SentimentConfig {
    SentimentConfig {
        embedding_dim: 16,
        hidden: 16,
        num_words: 100,
        maxlen: 10,
        epochs: 40,
        batch_size: 8,
        validation_split: 0.0,
        optimizer: "adam".into(),
        learning_rate: 0.01,
        seed: 3,
        ..SentimentConfig::default()
    }
}

#[test]
fn lecture_sentence_as_the_lecture_prints_it() {
    assert_eq!(lecture_sentence(0.999_5), "99.95% 확률로 긍정 리뷰입니다.");
    assert_eq!(lecture_sentence(0.3), "70.00% 확률로 부정 리뷰입니다.");
    // The lecture tests `score > 0.5`: exactly 0.5 is negative.
    assert_eq!(lecture_sentence(0.5), "50.00% 확률로 부정 리뷰입니다.");
}

#[test]
fn learns_a_toy_corpus_and_survives_bad_input() {
    let (train, test) = corpus();
    let mut epochs = 0;
    let (model, history) = train_sentiment(&train, &small_config(), &mut |_| epochs += 1).unwrap();
    assert!(epochs > 0);
    let last = history.epochs.last().unwrap();
    assert!(last.accuracy > 0.95, "{last:?}");
    assert!(accuracy(&model, &test).unwrap() >= 0.9);
    assert!(
        model
            .sentiment_predict("배송이 최고예요")
            .unwrap()
            .contains("긍정")
    );
    assert!(
        model
            .sentiment_predict("배송이 최악이에요")
            .unwrap()
            .contains("부정")
    );

    // Every stage is there for the page, with OOV (index 1) for unseen words.
    let stages = model.stages("배송이 최고예요!! 👍 처음보는단어").unwrap();
    assert_eq!(stages.clean.trim(), "배송이 최고예요  처음보는단어".trim());
    assert!(stages.sequence.contains(&1), "{stages:?}");
    assert_eq!(stages.padded.len(), 10);
    let p = model
        .predict(&["배송이 최고예요!! 👍 처음보는단어"])
        .unwrap()[0];
    assert!((stages.probability - p).abs() < 1e-6, "{stages:?} vs {p}");

    // Leaving out "최고" lowers the probability of 긍정 more than leaving out the subject.
    let stages = model.stages("포장이 최고예요").unwrap();
    let contributions = model.contributions(&stages).unwrap();
    assert_eq!(contributions.len(), stages.tokens.len());
    let of = |t: &str| {
        contributions
            .iter()
            .find(|(w, _)| w.starts_with(t))
            .map(|c| c.1)
    };
    let (best, subject) = (of("최고").unwrap(), of("포장").unwrap());
    assert!(best > 0.0 && best > subject, "{contributions:?}");
    assert!(
        model
            .contributions(&model.stages("").unwrap())
            .unwrap()
            .is_empty()
    );

    // Bad input gets an answer, never a panic.
    let long = "좋아요 ".repeat(20_000);
    let odd = [
        "",
        "😀😀",
        "ㅁㄴㅇㄻㄴㅇ리뷰쓰기도 귀찮아",
        long.as_str(),
        "!!!",
    ];
    let p = model.predict(&odd).unwrap();
    assert_eq!(p.len(), odd.len());
    assert!(
        p.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)),
        "{p:?}"
    );

    // Files: a folder round trip gives the same probabilities; the CLI reads it.
    let dir = std::env::temp_dir().join(format!("rnn-playground-sent-{}", std::process::id()));
    model.save(&dir).unwrap();
    let loaded = SentimentModel::load(&dir).unwrap();
    let texts = ["포장이 최고예요", "가격이 실망했어요"];
    assert_eq!(
        model.predict(&texts).unwrap(),
        loaded.predict(&texts).unwrap()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args([
            "sentiment-predict",
            "--model",
            dir.to_str().unwrap(),
            "포장이 최고예요",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed.trim(),
        loaded.sentiment_predict("포장이 최고예요").unwrap()
    );
    let file = dir.join("reviews.txt");
    std::fs::write(&file, "포장이 최고예요\n\n가격이 실망했어요\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args([
            "classify",
            "--model",
            dir.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["text"], "포장이 최고예요");
    assert_eq!(rows[0]["label"], "긍정");
    assert_eq!(rows[2]["label"], "부정");
    assert!(rows[1]["probability"].as_f64().is_some());

    // evaluate-sentiment --probabilities: one line per test review, whose answers give the
    // accuracy it prints.
    let labelled = dir.join("labelled.txt");
    let lines: String = train
        .iter()
        .chain(&test)
        .map(|r| format!("{}\t{}\n", r.label, r.text))
        .collect();
    std::fs::write(&labelled, lines).unwrap();
    let dump = dir.join("probabilities.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args([
            "evaluate-sentiment",
            "--model",
            dir.to_str().unwrap(),
            "--data",
        ])
        .arg(&labelled)
        .args(["--test-fraction", "0.5", "--probabilities"])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&dump)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len() as u64, summary["reviews"].as_u64().unwrap());
    assert_eq!(rows.len(), (train.len() + test.len()) / 2);
    let right = rows
        .iter()
        .filter(|r| (r["probability"].as_f64().unwrap() > 0.5) == (r["label"] == 1))
        .count();
    let accuracy = summary["accuracy"].as_f64().unwrap();
    assert!((right as f64 / rows.len() as f64 - accuracy).abs() < 1e-12);
    assert!(
        rows.iter()
            .all(|r| r["file"] == "labelled.txt" && r.get("text").is_none())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_pooled_bigru_learns_reads_every_step_and_round_trips() {
    let (train, test) = corpus();
    let config = SentimentConfig {
        cell: rnn_playground::nn::CellKind::Gru,
        bidirectional: true,
        mask_zero: true,
        pooling: Some(rnn_playground::sentiment::Pooling::Mean),
        ..small_config()
    };
    let (model, _) = train_sentiment(&train, &config, &mut |_| {}).unwrap();
    assert!(model.model.masks_padding());
    assert!(model.model.summary().contains("GlobalAveragePooling1D"));
    assert!(accuracy(&model, &test).unwrap() >= 0.9);
    let dir = std::env::temp_dir().join(format!("rnn-playground-pooled-{}", std::process::id()));
    model.save(&dir).unwrap();
    let loaded = SentimentModel::load(&dir).unwrap();
    assert_eq!(loaded.model.configs(), model.model.configs());
    assert!(
        loaded
            .model
            .configs()
            .contains(&rnn_playground::nn::LayerConfig::GlobalAveragePooling1D)
    );
    let texts = ["포장이 최고예요", "가격이 실망했어요", ""];
    assert_eq!(
        model.predict(&texts).unwrap(),
        loaded.predict(&texts).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn wrong_files_are_explained() {
    assert!(SentimentModel::load(std::path::Path::new("/nonexistent/model")).is_err());
    let (train, _) = corpus();
    let err = train_sentiment(&train[..3], &small_config(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("too few"), "{err}");
    // A next-word model is not a sentiment model.
    let dir = std::env::temp_dir().join(format!("rnn-playground-notsent-{}", std::process::id()));
    let trained = rnn_playground::textgen::train(
        rnn_playground::lecture::NEXT_WORD_TEXT,
        &rnn_playground::textgen::TextgenConfig {
            epochs: 1,
            ..Default::default()
        },
        |_| {},
    )
    .unwrap();
    trained.save(&dir).unwrap();
    let err = SentimentModel::load(&dir).unwrap_err().to_string();
    assert!(err.contains("not a review-sentiment model"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_truncated_tokenizer_encodes_the_same() {
    use rnn_playground::text::{Tokenizer, TokenizerConfig};
    let texts = [
        "배송 빠름 최고 최고",
        "배송 느림 별로",
        "포장 꼼꼼 최고",
        "색상 예쁨",
    ];
    let mut t = Tokenizer::new(TokenizerConfig {
        num_words: Some(4),
        oov_token: Some("OOV".into()),
        ..TokenizerConfig::default()
    })
    .unwrap();
    t.fit_on_texts(texts);
    let small = t.truncated_to_num_words();
    assert_eq!(small.word_index().len(), 3, "OOV, 최고, 배송");
    assert_eq!(t.texts_to_sequences(texts), small.texts_to_sequences(texts));
    assert!(small.to_json().len() < t.to_json().len());
}

/// The shipped lecture-11 GRU (`data/models/lecture11-gru`).
const SHIPPED_GRU: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/models/lecture11-gru");

fn shipped_gru() -> SentimentModel {
    SentimentModel::load(std::path::Path::new(SHIPPED_GRU)).unwrap()
}

/// One review at a time starts from the cached state after the leading padding; a batch runs
/// the whole padded sequence. Both must give the same probability (the shipped lecture-11 GRU,
/// on the reviews we wrote, a long one cut to maxlen, and an empty one).
#[test]
fn one_review_from_the_padding_cache_equals_the_full_forward() {
    let model = shipped_gru();
    let long = "배송 빠르고 좋아요 ".repeat(40);
    let mut texts: Vec<&str> = rnn_playground::lecture::EXAMPLE_REVIEWS.lines().collect();
    texts.push(&long);
    texts.push("");
    texts.push("이 상품 진짜 좋아요... 저는 강추합니다. 대박");
    let batch = model.predict(&texts).unwrap();
    for (text, want) in texts.iter().zip(&batch) {
        let one = model.predict(&[*text]).unwrap()[0];
        assert!((one - want).abs() < 1e-5, "{text}: {one} vs {want}");
    }
    // The lecture's sentences (issue 6's "done when"), through the shipped GRU.
    assert!(
        model
            .sentiment_predict("이 상품 진짜 좋아요... 저는 강추합니다. 대박")
            .unwrap()
            .contains("긍정")
    );
    assert!(
        model
            .sentiment_predict("판매자님... 너무 짱이에요.. 대박나삼")
            .unwrap()
            .contains("긍정")
    );
    assert!(
        model
            .sentiment_predict("진짜 배송도 늦고 개짜증나네요. 뭐 이런 걸 상품이라고 만듬?")
            .unwrap()
            .contains("부정")
    );
    assert!(
        model
            .sentiment_predict("ㅁㄴㅇㄻㄴㅇ리뷰쓰기도 귀찮아")
            .unwrap()
            .contains("확률로")
    );
}

/// Contributions of a 100,000-character review: only the last maxlen tokens reach the model,
/// so only they can change the probability (and only they are computed).
#[test]
fn contributions_of_a_very_long_review() {
    let model = shipped_gru();
    let long = "배송이 빠르고 포장도 꼼꼼해서 좋아요 ".repeat(5000);
    assert!(long.chars().count() > 100_000);
    let stages = model.stages(&long).unwrap();
    let c = model.contributions(&stages).unwrap();
    assert_eq!(c.len(), stages.tokens.len());
    let first = stages.tokens.len() - model.maxlen;
    assert!(c[..first].iter().all(|(_, d)| *d == 0.0));
    assert!(c[first..].iter().any(|(_, d)| *d != 0.0));
    // Short reviews: the same as before (every token computed).
    let short = model.stages("배송이 빠르고 좋아요").unwrap();
    let c = model.contributions(&short).unwrap();
    assert_eq!(c.len(), short.tokens.len());
    assert!(c.iter().all(|(_, d)| d.is_finite()));
}

/// Weights stored as float16 (the shipped models' files) load into an f32 model that answers
/// what the f32 weights answer, to f16's precision; other dtypes are refused with a message.
#[test]
fn float16_weight_files_load_and_answer_as_float32() {
    use rnn_playground::nn::Storage;
    let shipped = shipped_gru();
    let config = std::fs::read_to_string(SHIPPED_GRU.to_string() + "/model.json").unwrap();
    // Widen the shipped (f16) weights to an f32 file, then store that as f16 again.
    let f32_file = shipped
        .model
        .weights_to_safetensors_as(Storage::F32)
        .unwrap();
    let f16_file = shipped
        .model
        .weights_to_safetensors_as(Storage::F16)
        .unwrap();
    assert!(
        f16_file.len() * 2 - f32_file.len() < 4096,
        "half the bytes (plus the header)"
    );
    let (m32, _) = rnn_playground::nn::Sequential::from_files(&config, &f32_file).unwrap();
    let (m16, _) = rnn_playground::nn::Sequential::from_files(&config, &f16_file).unwrap();
    let ids = candle_core::Tensor::new(
        &[[0u32, 0, 5, 17, 230, 4, 1, 88]],
        &candle_core::Device::Cpu,
    )
    .unwrap();
    let output = |m: &rnn_playground::nn::Sequential| {
        m.forward(&ids)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
    };
    // The shipped weights are already f16 values: storing them as f16 again is exact.
    assert_eq!(output(&m32), output(&m16));
    let texts: Vec<&str> = rnn_playground::lecture::EXAMPLE_REVIEWS.lines().collect();
    let p = shipped.predict(&texts).unwrap();
    assert!(p.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)));
}

/// The default (best) model ships its embedding in 4 bits: the file really holds 4-bit codes, it
/// loads, an f32 copy of what it decodes to answers exactly as it does, and storing it in 4
/// bits again changes no answer by more than a hair.
#[test]
fn the_best_model_ships_a_four_bit_embedding() {
    use rnn_playground::nn::{Sequential, Storage};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/models/best-bigru");
    let bytes = std::fs::read(format!("{dir}/model.safetensors")).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let codes = file.tensor("embedding/embeddings").unwrap();
    assert_eq!(codes.dtype(), safetensors::Dtype::U8);
    assert_eq!(codes.shape(), [12000, 32], "64 columns, two codes per byte");
    let best = SentimentModel::load(std::path::Path::new(dir)).unwrap();
    let config = std::fs::read_to_string(format!("{dir}/model.json")).unwrap();
    let texts: Vec<&str> = rnn_playground::lecture::EXAMPLE_REVIEWS.lines().collect();
    let answers = |storage: Storage| {
        let weights = best.model.weights_to_safetensors_as(storage).unwrap();
        let (model, extras) = Sequential::from_files(&config, &weights).unwrap();
        SentimentModel::from_parts(model, extras)
            .unwrap()
            .predict(&texts)
            .unwrap()
    };
    let shipped = best.predict(&texts).unwrap();
    assert_eq!(answers(Storage::F32), shipped);
    let again = answers(Storage::Q4);
    for (a, b) in shipped.iter().zip(&again) {
        assert!((a - b).abs() < 0.02, "{a} vs {b}");
    }
    assert!(
        best.sentiment_predict("이 상품 진짜 좋아요... 저는 강추합니다. 대박")
            .unwrap()
            .ends_with("긍정 리뷰입니다.")
    );
}

/// `correct_prior` moves the output logit by exactly −ln(p / (1 − p)) (hand-computed: p = 0.75
/// gives −ln 3), so a review the model found 75% positive under a 75% positive prior becomes
/// 50%; it refuses shares outside (0, 1) and models that do not end in Dense(1, sigmoid).
#[test]
fn prior_correction_shifts_the_logit_by_the_prior_log_odds() {
    use candle_core::{Device, Tensor};
    use rnn_playground::nn::{Activation, CellKind, LayerConfig, Sequential};
    use rnn_playground::sentiment::correct_prior;
    let build = |activation| {
        Sequential::from_config(
            &[
                LayerConfig::Embedding {
                    input_dim: 10,
                    output_dim: 4,
                    mask_zero: false,
                },
                LayerConfig::rnn(CellKind::SimpleRnn, 3),
                LayerConfig::Dense {
                    units: 1,
                    activation,
                    use_bias: true,
                },
            ],
            Some(5),
            3,
        )
        .unwrap()
    };
    let ids = Tensor::new(&[[0u32, 1, 2, 3, 4], [5, 6, 7, 8, 9]], &Device::Cpu).unwrap();
    let logits = |m: &Sequential| -> Vec<f32> {
        let out = m.forward_with_logits(&ids).unwrap();
        out.logits
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap()
    };
    let mut model = build(Activation::Sigmoid);
    let before = logits(&model);
    let shift = correct_prior(&mut model, 0.75).unwrap();
    assert!((shift - -(3f32).ln()).abs() < 1e-6, "{shift}");
    for (b, a) in before.iter().zip(logits(&model)) {
        assert!((a - (b - 3f32.ln())).abs() < 1e-5, "{b} → {a}");
    }
    // The probability after is σ(logit − ln 3): 0.75 would become exactly 0.5.
    let p: Vec<f32> = model
        .forward(&ids)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    for (p, b) in p.iter().zip(&before) {
        let want = 1.0 / (1.0 + (-(b - 3f32.ln())).exp());
        assert!((p - want).abs() < 1e-6);
    }
    assert!(correct_prior(&mut model, 1.0).is_err());
    assert!(correct_prior(&mut model, 0.0).is_err());
    assert!(correct_prior(&mut model, f64::NAN).is_err());
    assert!(correct_prior(&mut build(Activation::Softmax), 0.5).is_err());
}

/// Syllable inputs: every syllable of the cleaned review with ▁ between words (no segmenter,
/// no stopwords), and a syllable model keeps its units through its folder.
#[test]
fn a_syllable_model_reads_syllables_and_keeps_its_units() {
    use rnn_playground::sentiment::{TextUnits, syllables};
    assert_eq!(
        syllables("배송 빨라요  좋아"),
        ["배", "송", "▁", "빨", "라", "요", "▁", "좋", "아"]
    );
    assert!(syllables("").is_empty());
    let (train, test) = corpus();
    let config = SentimentConfig {
        units: TextUnits::Syllables,
        mask_zero: true,
        maxlen: 16,
        ..small_config()
    };
    let (model, _) = train_sentiment(&train, &config, &mut |_| {}).unwrap();
    assert_eq!(model.units, TextUnits::Syllables);
    let stages = model.stages("배송이 최고예요!!").unwrap();
    assert_eq!(
        stages.tokens,
        ["배", "송", "이", "▁", "최", "고", "예", "요"]
    );
    assert!(accuracy(&model, &test).unwrap() >= 0.75);
    let dir = std::env::temp_dir().join(format!("rnn-playground-syllables-{}", std::process::id()));
    model.save(&dir).unwrap();
    let back = SentimentModel::load(&dir).unwrap();
    assert_eq!(back.units, TextUnits::Syllables);
    let texts: Vec<&str> = test.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        back.predict(&texts).unwrap(),
        model.predict(&texts).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Distillation's soft targets: binary cross-entropy towards a probability is minimised by
/// predicting that probability, so a model trained towards 0.8 for every review answers about
/// 0.8 (a 0/1 label could never teach that); targets outside [0, 1] are refused.
#[test]
fn soft_targets_are_learned_as_probabilities() {
    use rnn_playground::sentiment::train_sentiment_on_targets;
    let (train, _) = corpus();
    let config = SentimentConfig {
        epochs: 60,
        ..small_config()
    };
    let targets = vec![0.8f32; train.len()];
    let (model, _) = train_sentiment_on_targets(&train, &targets, &config, &mut |_| {}).unwrap();
    let texts: Vec<&str> = train.iter().map(|r| r.text.as_str()).collect();
    let p = model.predict(&texts).unwrap();
    let mean = p.iter().sum::<f32>() / p.len() as f32;
    assert!((mean - 0.8).abs() < 0.05, "mean prediction {mean}");
    assert!(p.iter().all(|&x| (x - 0.8).abs() < 0.15), "{p:?}");
    let bad = vec![1.5f32; train.len()];
    let err = train_sentiment_on_targets(&train, &bad, &config, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("between 0 and 1"), "{err}");
}
