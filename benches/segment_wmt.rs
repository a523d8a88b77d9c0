//! Sentence segmentation on the WMT fixtures: boundary precision, recall and
//! F1 per file and overall, then throughput.
//!
//! `cargo bench --bench segment_wmt`; set `SEGMENT_WMT_DIFF=1` to also list
//! every boundary where the rules and the reference disagree.

// A benchmark writes its own input files directly.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use depeche::segment::Segmenter;

#[path = "../tests/it/segment_wmt.rs"]
#[allow(dead_code, reason = "the module's tests only run in the test binary")]
mod segment_wmt;

/// Measure for at least this long, for a stable figure.
const MIN_DURATION: Duration = Duration::from_secs(2);

fn main() {
    let segmenter = Segmenter::french();
    let (per_file, total) = segment_wmt::evaluate(&segmenter);

    println!("| file | boundaries | found | correct | P | R | F1 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let rows = per_file.iter().map(|(n, s)| (n.trim_end_matches("-src.fr.sgm"), s));
    for (name, s) in rows.chain(std::iter::once(("**all**", &total))) {
        println!(
            "| {name} | {} | {} | {} | {:.3} | {:.3} | {:.3} |",
            s.expected,
            s.found,
            s.true_pos,
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    if std::env::var_os("SEGMENT_WMT_DIFF").is_some() {
        for line in segment_wmt::disagreements(&segmenter) {
            println!("{line}");
        }
    }

    // Throughput on the running text of every file, as paragraphs.
    let mut paragraphs = Vec::new();
    for path in segment_wmt::source_files() {
        let sgm = std::fs::read_to_string(path).unwrap_or_default();
        paragraphs.extend(segment_wmt::read_runs(&sgm).into_iter().map(|r| r.text));
    }
    let bytes: usize = paragraphs.iter().map(String::len).sum();
    let start = Instant::now();
    let mut rounds = 0u64;
    let mut sentences = 0usize;
    while start.elapsed() < MIN_DURATION {
        for p in &paragraphs {
            sentences += black_box(segmenter.split(black_box(p))).len();
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes as f64 * rounds as f64) / 1e6;
    println!(
        "\nthroughput: {:.1} MB/s ({} paragraphs, {bytes} bytes, {rounds} rounds, {} sentences/round)",
        mb / secs,
        paragraphs.len(),
        sentences / usize::try_from(rounds).unwrap_or(1).max(1)
    );
}
