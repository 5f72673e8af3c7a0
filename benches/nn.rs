//! Native benchmark run (`cargo xtask bench` runs it in release mode): prints one JSON record
//! per line, `{"case", "where": "native", "metric", "value"}`.

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    match rnn_playground::bench::run_all("native", quick) {
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
