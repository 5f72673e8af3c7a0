#![cfg(not(target_arch = "wasm32"))]
//! The shipped best model's parts on reviews we wrote: an ensemble folder packs an RNN and a
//! linear model and answers the logit mean of theirs (hand-computed from the members'
//! answers), refuses broken folders with a reason; fine-tuning keeps the RNN's tokenizer and
//! learns the new reviews; a masked model trains with length buckets.

use rnn_playground::classifier::ReviewClassifier;
use rnn_playground::ensemble::{Ensemble, MemberFiles, combine_logits, pack};
use rnn_playground::linear::{LinearConfig, LinearSentiment};
use rnn_playground::nn::Storage;
use rnn_playground::segment::Segmenter;
use rnn_playground::segment::preprocess;
use rnn_playground::sentiment::{
    SentimentConfig, SentimentModel, SentimentSession, train_sentiment,
};
use rnn_playground::text::reviews::Review;

const GOOD: [&str; 6] = [
    "배송이 정말 빨라요 최고예요",
    "포장이 꼼꼼하고 만족합니다",
    "품질이 좋아서 마음에 들어요",
    "색상이 예쁘고 정말 좋아요",
    "가격이 착하고 만족합니다",
    "사이즈가 딱 맞아서 최고예요",
];
const BAD: [&str; 6] = [
    "배송이 너무 늦어서 실망했어요",
    "포장이 엉망이라 최악이에요",
    "품질이 별로라서 실망했어요",
    "색상이 사진과 달라서 별로예요",
    "가격에 비해 너무 별로예요",
    "사이즈가 안 맞아서 최악이에요",
];

fn reviews() -> Vec<Review> {
    GOOD.iter()
        .map(|t| (t, 1))
        .chain(BAD.iter().map(|t| (t, 0)))
        .map(|(t, label)| Review {
            text: t.to_string(),
            label,
            rating: None,
            id: None,
        })
        .collect()
}

fn small_config() -> SentimentConfig {
    SentimentConfig {
        embedding_dim: 8,
        hidden: 8,
        num_words: 60,
        maxlen: 12,
        epochs: 30,
        batch_size: 4,
        validation_split: 0.0,
        optimizer: "adam".into(),
        learning_rate: 0.02,
        seed: 5,
        mask_zero: true,
        ..SentimentConfig::default()
    }
}

fn members() -> (SentimentModel, LinearSentiment) {
    let (rnn, history) = train_sentiment(&reviews(), &small_config(), &mut |_| {}).unwrap();
    assert_eq!(
        history.epochs.last().unwrap().accuracy,
        1.0,
        "a masked, bucketed RNN learns"
    );
    let texts: Vec<&str> = GOOD.iter().chain(BAD.iter()).copied().collect();
    let labels: Vec<u8> = (0..12).map(|i| u8::from(i < 6)).collect();
    let config = LinearConfig {
        min_df: 1,
        ..LinearConfig::default()
    };
    let linear = LinearSentiment::train(&texts, &labels, &[1.0; 12], &config).unwrap();
    (rnn, linear)
}

fn files(rnn: &SentimentModel, linear: &LinearSentiment, w: f32) -> Vec<MemberFiles> {
    let (rnn_json, rnn_weights) = rnn.to_compact_files(Storage::Q4).unwrap();
    let (lin_json, lin_weights) = linear.to_files().unwrap();
    vec![
        MemberFiles {
            name: "rnn".into(),
            weight: w,
            config_json: rnn_json,
            weights: rnn_weights,
        },
        MemberFiles {
            name: "linear".into(),
            weight: 1.0 - w,
            config_json: lin_json,
            weights: lin_weights,
        },
    ]
}

#[test]
fn an_ensemble_folder_answers_the_logit_mean_of_its_members() {
    let (rnn, linear) = members();
    let (json, weights) = pack(&files(&rnn, &linear, 0.25)).unwrap();
    assert!(Ensemble::is_ensemble(&json));
    let ensemble = Ensemble::from_files(&json, &weights).unwrap();
    assert_eq!(ensemble.members.len(), 2);
    let texts = [
        "배송이 빨라요 최고예요",
        "포장이 엉망이라 실망했어요",
        "ㅋㅋ",
    ];
    let per_member = ensemble.member_predictions(&texts).unwrap();
    // The members as packed: the RNN with its 4-bit embedding, the linear tables in float16.
    let (rnn_json, rnn_weights) = rnn.to_compact_files(Storage::Q4).unwrap();
    let (m, extras) = rnn_playground::nn::Sequential::from_files(&rnn_json, &rnn_weights).unwrap();
    let rnn_q4 = SentimentModel::from_parts(m, extras).unwrap();
    assert_eq!(per_member[0], rnn_q4.predict(&texts).unwrap());
    let (lin_json, lin_weights) = linear.to_files().unwrap();
    let lin16 = LinearSentiment::from_files(&lin_json, &lin_weights).unwrap();
    assert_eq!(per_member[1], lin16.predict(&texts).unwrap());
    let p = ensemble.predict(&texts).unwrap();
    for i in 0..texts.len() {
        let (a, b) = (per_member[0][i] as f64, per_member[1][i] as f64);
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let want = 1.0 / (1.0 + (-(0.25 * logit(a) + 0.75 * logit(b))).exp());
        assert!(
            (p[i] as f64 - want).abs() < 1e-5,
            "{}: {} vs {want}",
            texts[i],
            p[i]
        );
    }
    assert!(p[0] > 0.5 && p[1] < 0.5, "{p:?}");
    // The review panel's view: the RNN's stages with the ensemble's probability.
    let (stages, pushes) = ensemble.explain(texts[0]).unwrap();
    assert_eq!(stages.probability, p[0]);
    assert_eq!(stages.padded.len(), 12);
    assert_eq!(
        pushes.iter().map(|(w, _)| w.clone()).collect::<Vec<_>>(),
        stages.morphs
    );

    // Through a folder, as the CLI and evaluate-sentiment load it.
    let dir = std::env::temp_dir().join(format!("rnn-playground-ensemble-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("model.json"), &json).unwrap();
    std::fs::write(dir.join("model.safetensors"), &weights).unwrap();
    let loaded = ReviewClassifier::load(&dir).unwrap();
    assert!(matches!(loaded, ReviewClassifier::Ensemble(_)));
    assert_eq!(loaded.predict(&texts).unwrap(), p);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn members_are_stored_as_objects_with_lean_tokenizers_and_old_folders_still_load() {
    let (rnn, linear) = members();
    let (json, weights) = pack(&files(&rnn, &linear, 0.5)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let config = &value["members"][0]["config"];
    assert!(config.is_object(), "{config}");
    let tokenizer = config["tokenizer"].as_str().unwrap();
    assert!(!tokenizer.contains("index_word"), "{tokenizer}");
    assert!(tokenizer.contains(r#""word_index":{"#), "{tokenizer}");
    let texts = ["배송이 빨라요 최고예요", "포장이 엉망이라 실망했어요"];
    let p = Ensemble::from_files(&json, &weights)
        .unwrap()
        .predict(&texts)
        .unwrap();
    // The first shipped ensembles held each member's model.json as a string, its tokenizer
    // in Keras' format: they load and answer the same, and `compact` rewrites them as above.
    let mut old = value.clone();
    for m in old["members"].as_array_mut().unwrap() {
        let mut c = m["config"].clone();
        if let Some(t) = c.get("tokenizer").and_then(|t| t.as_str()) {
            let keras = rnn_playground::text::Tokenizer::from_json(t)
                .unwrap()
                .to_json_compact();
            assert!(keras.contains("index_word"));
            c["tokenizer"] = keras.into();
        }
        m["config"] = c.to_string().into();
    }
    let old = old.to_string();
    assert!(old.len() > json.len());
    let old_p = Ensemble::from_files(&old, &weights)
        .unwrap()
        .predict(&texts)
        .unwrap();
    assert_eq!(old_p, p);
    let compacted = rnn_playground::ensemble::compact(&old).unwrap();
    assert_eq!(compacted, json);
}

#[test]
fn broken_ensembles_are_refused_with_a_reason() {
    let (rnn, linear) = members();
    let mut one = files(&rnn, &linear, 0.5);
    one.truncate(1);
    assert!(pack(&one).unwrap_err().to_string().contains("at least two"));
    let mut same = files(&rnn, &linear, 0.5);
    same[1].name = "rnn".into();
    assert!(pack(&same).unwrap_err().to_string().contains("repeated"));
    let mut negative = files(&rnn, &linear, 0.5);
    negative[0].weight = -1.0;
    assert!(pack(&negative).is_err());
    // Weights are normalised to sum to 1.
    let (json, _) = pack(
        &files(&rnn, &linear, 0.5)
            .into_iter()
            .map(|mut m| {
                m.weight *= 4.0;
                m
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["members"][0]["weight"], 0.5);
    // Weights of a member that are not in the file.
    let (json, weights) = pack(&files(&rnn, &linear, 0.5)).unwrap();
    let (lin_json, lin_weights) = linear.to_files().unwrap();
    let err = Ensemble::from_files(&json, &lin_weights)
        .unwrap_err()
        .to_string();
    assert!(err.contains("belongs to no member"), "{err}");
    let err = Ensemble::from_files(&lin_json, &weights)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not of kind ensemble") || err.contains("ensemble"),
        "{err}"
    );
    assert!(Ensemble::from_files("{", &weights).is_err());
}

#[test]
fn fine_tuning_keeps_the_tokenizer_and_learns_the_new_reviews() {
    let (rnn, _) = members();
    let vocabulary = rnn.tokenizer.to_json();
    // New reviews with the labels turned around: a fine-tuned model must follow them.
    let texts: Vec<&str> = GOOD.iter().chain(BAD.iter()).copied().collect();
    let tokens = preprocess(Segmenter::required().unwrap(), &texts, &rnn.stopwords);
    let flipped: Vec<u8> = (0..12).map(|i| u8::from(i >= 6)).collect();
    let before = rnn.predict(&texts).unwrap();
    assert!(before[0] > 0.5);
    let config = SentimentConfig {
        epochs: 40,
        ..small_config()
    };
    let mut session = SentimentSession::fine_tune(rnn, &tokens, &flipped, &config).unwrap();
    while !session.finished() {
        session.run_batch(&mut []).unwrap();
    }
    let (tuned, _) = session.into_model().unwrap();
    assert_eq!(tuned.tokenizer.to_json(), vocabulary);
    let after = tuned.predict(&texts).unwrap();
    let right = after
        .iter()
        .zip(&flipped)
        .filter(|(p, l)| (**p > 0.5) == (**l == 1))
        .count();
    assert_eq!(right, 12, "{after:?}");
    assert!(combine_logits(&[(1.0, after[0])]) - after[0] < 1e-5);
}

/// The shipped best model (data/models/best) loads as an ensemble of two RNNs (the morpheme one
/// reads every step by attention pooling) and the linear model and gives the lecture's verdicts on its four sentences (positive, negative, positive,
/// negative, as the lecture's notebook prints them).
#[test]
fn the_shipped_best_model_answers_the_lectures_four_sentences() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/models/best");
    let ReviewClassifier::Ensemble(best) = ReviewClassifier::load(&dir).unwrap() else {
        panic!("data/models/best is not an ensemble");
    };
    let names: Vec<&str> = best.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["bigru-att-movie", "bigru-syl-movie", "linear"]);
    let rnn_layers = match &best.members[0].model {
        rnn_playground::ensemble::MemberModel::Rnn(m) => m.model.configs().to_vec(),
        _ => panic!("the first member is the morpheme RNN"),
    };
    assert!(rnn_layers.contains(&rnn_playground::nn::LayerConfig::AttentionPooling1D));
    let total: f32 = best.members.iter().map(|m| m.weight).sum();
    assert!((total - 1.0).abs() < 1e-6);
    let texts: Vec<&str> = rnn_playground::lecture::SENTIMENT_PREDICT_EXAMPLES.to_vec();
    let p = best.predict(&texts).unwrap();
    let labels: Vec<bool> = p.iter().map(|&p| p > 0.5).collect();
    assert_eq!(labels, [true, false, true, false], "{p:?}");
}
