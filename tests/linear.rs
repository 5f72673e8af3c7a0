#![cfg(not(target_arch = "wasm32"))]
//! The linear baseline against scikit-learn (tests/data/linear_reference.json, made by
//! scripts/linear_reference.py on sentences we wrote): the TF-IDF vocabulary, idf and rows of
//! both term kinds, and the logistic regression's weights and probabilities; then the model
//! folder round trip and its refusals.

use rnn_playground::classifier::ReviewClassifier;
use rnn_playground::linear::logistic::{LogisticFit, fit_logistic};
use rnn_playground::linear::ngrams::{morpheme_ngrams, syllable_ngrams};
use rnn_playground::linear::tfidf::Tfidf;
use rnn_playground::linear::{LinearConfig, LinearSentiment};
use rnn_playground::segment::eval::read_labels;
use rnn_playground::sentiment::wilson_interval;

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!("data/linear_reference.json")).unwrap()
}

fn docs() -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let (labels, _) = read_labels(include_str!("data/okt_our_sentences.jsonl"));
    labels
        .iter()
        .map(|r| (morpheme_ngrams(&r.morphs), syllable_ngrams(&r.text)))
        .unzip()
}

fn check_block(tfidf: &Tfidf, docs: &[Vec<String>], r: &serde_json::Value, kind: &str) {
    let vocabulary = r[format!("{kind}_vocabulary")].as_object().unwrap();
    assert_eq!(tfidf.len(), vocabulary.len(), "{kind}");
    for (term, col) in vocabulary {
        assert_eq!(
            tfidf.vocabulary.get(term).map(|&c| c as u64),
            col.as_u64(),
            "{kind}: {term:?}"
        );
    }
    for (ours, theirs) in tfidf
        .idf
        .iter()
        .zip(r[format!("{kind}_idf")].as_array().unwrap())
    {
        assert!((*ours as f64 - theirs.as_f64().unwrap()).abs() < 1e-5);
    }
    for (i, want) in r[format!("{kind}_rows")]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let got = tfidf.transform(&docs[i]);
        let want = want.as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{kind} row {i}");
        for ((c, v), w) in got.iter().zip(want) {
            assert_eq!(*c as u64, w[0].as_u64().unwrap());
            assert!(
                (*v as f64 - w[1].as_f64().unwrap()).abs() < 1e-5,
                "{kind} row {i}"
            );
        }
    }
}

#[test]
fn tfidf_and_logistic_regression_give_scikit_learns_numbers() {
    let r = reference();
    let (morph_docs, syllable_docs) = docs();
    let model_m = Tfidf::fit(&morph_docs, 1, usize::MAX);
    let model_s = Tfidf::fit(&syllable_docs, 1, usize::MAX);
    check_block(&model_m, &morph_docs, &r, "morpheme");
    check_block(&model_s, &syllable_docs, &r, "syllable");

    let model = LinearSentiment {
        morphemes: model_m,
        syllables: model_s,
        weights: Vec::new(),
        bias: 0.0,
    };
    let rows: Vec<_> = morph_docs
        .iter()
        .zip(&syllable_docs)
        .map(|(m, s)| model.row(m, s))
        .collect();
    let labels: Vec<u8> = r["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap() as u8)
        .collect();
    let columns = model.morphemes.len() + model.syllables.len();
    let fit = LogisticFit {
        c: 3.5,
        max_iters: 2000,
    };
    let (w, b) = fit_logistic(&rows, &labels, &vec![1.0; rows.len()], columns, &fit).unwrap();
    let coef = r["coef"].as_array().unwrap();
    let worst = w
        .iter()
        .zip(coef)
        .map(|(a, c)| (*a as f64 - c.as_f64().unwrap()).abs())
        .fold(0.0, f64::max);
    assert!(worst < 2e-3, "largest weight difference {worst}");
    assert!((b as f64 - r["intercept"].as_f64().unwrap()).abs() < 2e-3);
    let model = LinearSentiment {
        weights: w,
        bias: b,
        ..model
    };
    for (row, p) in rows.iter().zip(r["probability"].as_array().unwrap()) {
        let z = model.bias
            + row
                .iter()
                .map(|&(c, v)| model.weights[c as usize] * v)
                .sum::<f32>();
        let ours = 1.0 / (1.0 + (-z as f64).exp());
        assert!((ours - p.as_f64().unwrap()).abs() < 1e-3);
    }
}

#[test]
fn a_linear_model_folder_round_trips_and_loads_as_a_classifier() {
    let texts = [
        "배송이 빨라서 정말 좋아요",
        "포장도 꼼꼼하고 최고예요 추천합니다",
        "품질이 좋아요 또 살게요",
        "너무 별로예요 실망했어요",
        "배송이 늦고 최악이에요",
        "환불하고 싶어요 별로",
    ];
    let labels = [1, 1, 1, 0, 0, 0];
    let config = LinearConfig {
        min_df: 1,
        ..LinearConfig::default()
    };
    let model = LinearSentiment::train(&texts, &labels, &[1.0; 6], &config).unwrap();
    let p = model.predict(&["정말 좋아요 추천", "최악 실망"]).unwrap();
    assert!(p[0] > 0.5 && p[1] < 0.5, "{p:?}");
    let (json, weights) = model.to_files().unwrap();
    // The tables are stored in float16: saving what was loaded gives the same files, and the
    // answers move by little.
    let reloaded = LinearSentiment::from_files(&json, &weights).unwrap();
    assert_eq!(
        reloaded.to_files().unwrap(),
        (json.clone(), weights.clone())
    );
    assert_eq!(reloaded.morphemes.vocabulary, model.morphemes.vocabulary);
    let q = reloaded
        .predict(&["정말 좋아요 추천", "최악 실망"])
        .unwrap();
    assert!(
        p.iter().zip(&q).all(|(a, b)| (a - b).abs() < 1e-3),
        "{p:?} {q:?}"
    );
    let dir = std::env::temp_dir().join(format!("rnn-playground-linear-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("model.json"), &json).unwrap();
    std::fs::write(dir.join("model.safetensors"), &weights).unwrap();
    let loaded = ReviewClassifier::load(&dir).unwrap();
    assert!(matches!(loaded, ReviewClassifier::Linear(_)));
    assert_eq!(loaded.predict(&["정말 좋아요 추천"]).unwrap(), q[..1]);
    assert!(
        loaded
            .sentiment_predict("정말 좋아요")
            .unwrap()
            .contains("긍정")
    );
    // Pruning keeps the strongest terms; the contributions name each morpheme.
    let small = model.prune(3);
    assert_eq!(small.morphemes.len(), 3);
    assert_eq!(small.syllables.len(), 3);
    let c = model.contributions("정말 좋아요").unwrap();
    assert_eq!(
        c.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
        ["정말", "좋아요"]
    );
    // Cut weights, other kinds, mismatched sizes.
    assert!(LinearSentiment::from_files(&json, &weights[..weights.len() / 2]).is_err());
    assert!(LinearSentiment::from_files("{}", &weights).is_err());
    let fewer = json.replacen("\"morpheme_terms\":[", "\"morpheme_terms\":[\"없는말\",", 1);
    assert!(LinearSentiment::from_files(&fewer, &weights).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn wilson_intervals_by_hand() {
    // 1,242 reviews, 1,052 right: p = 0.8470, interval ≈ 0.8259–0.8660.
    let (lo, hi) = wilson_interval(1052, 1242);
    assert!(
        (lo - 0.8259).abs() < 5e-4 && (hi - 0.8660).abs() < 5e-4,
        "{lo} {hi}"
    );
    assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
    let (lo, hi) = wilson_interval(10, 10);
    assert!(hi > 0.9999 && lo > 0.69 && lo < 0.73);
}

/// `train-sentiment --model linear` as a user runs it: a shopping file (`label<TAB>review`) and
/// a movie file (NSMC's format) of sentences we wrote, 2-fold cross-validation; the folder
/// classifies and its card gives the folds.
#[test]
fn train_sentiment_linear_writes_a_folder_with_its_cross_validation() {
    let dir =
        std::env::temp_dir().join(format!("rnn-playground-linear-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = [
        "배송이 빨라서 좋아요",
        "품질이 최고예요 추천합니다",
        "정말 만족해요 또 살게요",
        "포장이 꼼꼼하고 좋아요",
    ];
    let bad = [
        "배송이 늦어서 별로예요",
        "품질이 최악이에요 실망",
        "환불하고 싶어요 별로",
        "포장이 엉망이고 실망했어요",
    ];
    let mut shopping = String::new();
    let mut movies = String::from("id\tdocument\tlabel\n");
    for i in 0..6 {
        for (label, texts) in [(1, &good), (0, &bad)] {
            for (k, t) in texts.iter().enumerate() {
                shopping.push_str(&format!("{label}\t{t} {i}\n"));
                movies.push_str(&format!(
                    "{}\t영화 {t} {i}\t{label}\n",
                    1000 + i * 100 + k * 10 + label
                ));
            }
        }
    }
    std::fs::write(dir.join("shop.txt"), shopping).unwrap();
    std::fs::write(dir.join("movies.txt"), movies).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args([
            "train-sentiment",
            "--model",
            "linear",
            "--cv-folds",
            "2",
            "--shopping-weight",
            "2",
            "--data",
        ])
        .arg(dir.join("movies.txt"))
        .arg(dir.join("shop.txt"))
        .arg("--out")
        .arg(dir.join("model"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["shopping_cv_reviews"], 48);
    assert!(summary["shopping_cv"].as_f64().unwrap() > 0.8, "{summary}");
    let card = std::fs::read_to_string(dir.join("model/MODEL_CARD.md")).unwrap();
    assert!(
        card.contains("2-fold cross-validation") && card.contains("| all | 48 |"),
        "{card}"
    );
    let classify = std::process::Command::new(env!("CARGO_BIN_EXE_rnn-playground"))
        .args(["sentiment-predict", "--model"])
        .arg(dir.join("model"))
        .arg("배송이 빨라서 정말 좋아요")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&classify.stdout).contains("긍정 리뷰입니다"));
    std::fs::remove_dir_all(&dir).unwrap();
}
