//! Native benchmark run (`cargo xtask bench` runs it in release mode): prints one JSON record
//! per line, `{"case", "where": "native", "metric", "value"}`.

/// The shipped lecture-11 GRU classifier (model.json, weights).
/// The best model (the page's default verdict: an ensemble folder).
const SHIPPED_BEST: (&str, &[u8]) = (
    include_str!("../data/models/best/model.json"),
    include_bytes!("../data/models/best/model.safetensors"),
);

const SHIPPED_GRU: (&str, &[u8]) = (
    include_str!("../data/models/lecture11-gru/model.json"),
    include_bytes!("../data/models/lecture11-gru/model.safetensors"),
);

fn main() {
    rnn_playground::init_native();
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `--case NAME`: only the cases whose name contains NAME (for profiling one of them).
    let filter = args
        .iter()
        .position(|a| a == "--case")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_default();
    let mut result = rnn_playground::bench::run_matching("native", quick, &filter);
    if "classify-one-review".contains(filter.as_str())
        && let Ok(records) = result.as_mut()
    {
        match rnn_playground::bench::classify_one_review(
            "native",
            "classify-one-review",
            SHIPPED_GRU.0,
            SHIPPED_GRU.1,
            if quick { 200 } else { 1000 },
        ) {
            Ok(r) => records.extend(r),
            Err(e) => {
                eprintln!("benchmark failed: {e}");
                std::process::exit(1);
            }
        }
    }
    if "classify-one-review-best".contains(filter.as_str())
        && let Ok(records) = result.as_mut()
    {
        match rnn_playground::bench::classify_one_review_best(
            "native",
            SHIPPED_BEST.0,
            SHIPPED_BEST.1,
            if quick { 200 } else { 1000 },
        ) {
            Ok(r) => records.extend(r),
            Err(e) => {
                eprintln!("benchmark failed: {e}");
                std::process::exit(1);
            }
        }
    }
    if "segmenter-load".contains(filter.as_str())
        && let Ok(records) = result.as_mut()
    {
        let lexicon = rnn_playground::segment::SHIPPED_LEXICON;
        match rnn_playground::bench::segmenter_load("native", lexicon, 5) {
            Ok(r) => records.extend(r),
            Err(e) => {
                eprintln!("benchmark failed: {e}");
                std::process::exit(1);
            }
        }
    }
    match result {
        Ok(records) => {
            for r in records {
                println!("{}", serde_json::to_string(&r).expect("plain data"));
            }
        }
        Err(e) => {
            eprintln!("benchmark failed: {e}");
            std::process::exit(1);
        }
    }
}
