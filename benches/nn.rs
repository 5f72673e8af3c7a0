//! Native benchmark run (`cargo xtask bench` runs it in release mode): prints one JSON record
//! per line, `{"case", "where": "native", "metric", "value"}`.

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
    match rnn_playground::bench::run_matching("native", quick, &filter) {
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
