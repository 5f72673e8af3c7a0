//! `rnn-playground segment`, `build-okt-lexicon` and `segment-eval`: Okt's morphemes.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use rnn_playground::segment::Segmenter;
use rnn_playground::segment::eval::{self, LabeledReview};
use rnn_playground::segment::lexicon::Lexicon;

use super::{read_file, read_input};

#[derive(Args)]
pub struct SegmentArgs {
    /// One text per line; stdin when absent.
    file: Option<PathBuf>,
    /// A lexicon file from build-okt-lexicon (the shipped one when absent).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
}

#[derive(Args)]
pub struct SegmentEvalArgs {
    /// JSON lines {"text", "morphs"} (scripts/okt_silver_labels.py's test.jsonl).
    #[arg(long, value_name = "FILE")]
    test: PathBuf,
    /// A lexicon file from build-okt-lexicon (the shipped one when absent).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Also print up to N reviews where we differ from Okt (to stderr).
    #[arg(long, default_value_t = 0)]
    show_differences: usize,
}

#[derive(Args)]
pub struct BuildOktLexiconArgs {
    /// scripts/okt_lexicon.py's lexicon.tsv: word<TAB>class bits<TAB>frequency.
    #[arg(long, value_name = "FILE")]
    table: PathBuf,
    /// The lexicon file to write (data/segmenter/okt-lexicon.bin).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn load_segmenter(model: Option<&PathBuf>) -> Result<Segmenter, String> {
    match model {
        None => Ok(Segmenter::shipped().clone()),
        Some(path) if path.is_dir() => Err(format!(
            "{} is a folder, not a segmenter lexicon: give a lexicon file such as data/segmenter/okt-lexicon.bin (build one with `rnn-playground build-okt-lexicon`)",
            path.display()
        )),
        Some(path) => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Segmenter::from_lexicon_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

pub fn segment(args: SegmentArgs) -> Result<(), String> {
    let segmenter = load_segmenter(args.model.as_ref())?;
    let input = read_input(args.file.as_ref())?;
    let lines: Vec<&str> = input.lines().collect();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    // Batches keep memory flat on big files; words repeat, and each batch parses a distinct
    // word once.
    for chunk in lines.chunks(4096) {
        for morphs in segmenter.segment_batch(chunk) {
            let json = serde_json::to_string(&morphs).map_err(|e| e.to_string())?;
            writeln!(stdout, "{json}").map_err(|e| format!("cannot write output: {e}"))?;
        }
    }
    stdout
        .flush()
        .map_err(|e| format!("cannot write output: {e}"))
}

pub fn build_lexicon(args: BuildOktLexiconArgs) -> Result<(), String> {
    let table = read_file(&args.table)?;
    let bytes = Lexicon::build(&table).map_err(|e| format!("{}: {e}", args.table.display()))?;
    let words = Lexicon::from_bytes(&bytes)
        .map_err(|e| e.to_string())?
        .len();
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&args.out, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    eprintln!(
        "wrote {} ({words} words, {} bytes)",
        args.out.display(),
        bytes.len()
    );
    Ok(())
}

fn read_labels(path: &std::path::Path) -> Result<Vec<LabeledReview>, String> {
    let (reviews, skipped) = eval::read_labels(&read_file(path)?);
    if skipped > 0 {
        eprintln!(
            "{}: skipped {skipped} lines that were not labels",
            path.display()
        );
    }
    if reviews.is_empty() {
        return Err(format!("{}: no labeled reviews", path.display()));
    }
    Ok(reviews)
}

pub fn evaluate(args: SegmentEvalArgs) -> Result<(), String> {
    let segmenter = load_segmenter(args.model.as_ref())?;
    let test = read_labels(&args.test)?;
    let e = eval::evaluate(&segmenter, &test);
    let json = serde_json::json!({
        "reviews": test.len(),
        "f1": e.score.f1(),
        "precision": e.score.precision(),
        "recall": e.score.recall(),
        "exact": e.exact as f64 / test.len() as f64,
        "reviews_per_s": e.reviews_per_s,
    });
    println!("{json}");
    let mut shown = 0;
    for r in &test {
        if shown >= args.show_differences {
            break;
        }
        let ours = segmenter.segment_clean(&r.text);
        if ours != r.morphs {
            eprintln!("okt:  {}\nours: {}", r.morphs.join(" "), ours.join(" "));
            shown += 1;
        }
    }
    Ok(())
}
