//! Offline throughput of the whole pipeline (`none` provider, glossary on).
//!
//! Builds corpora of 1,000 and 5,000 articles from `fixtures/articles`
//! (each copy made unique by one extra paragraph), runs the pipeline over
//! each in a fresh child process, and prints articles/s, MB/s of source text
//! and the child's peak resident memory.
//!
//! Run: `cargo bench --bench pipeline` (add sizes as arguments to change them).

// A benchmark writes its own input files directly.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use depeche::job::{self, GlossarySettings, TranslateSettings};
use depeche::pipeline::NoObserver;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("child") {
        let dir = PathBuf::from(args.get(1).ok_or("child needs a folder")?);
        return child(&dir);
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![1000, 5000]
    } else {
        args.iter().filter_map(|a| a.parse().ok()).collect()
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sources = common::read_fixtures(&root.join("fixtures/articles"))?;
    println!(
        "pipeline, offline (provider none, glossaries/ on), {} fixture articles",
        sources.len()
    );
    println!(
        "{:>8} {:>10} {:>12} {:>10} {:>12}",
        "articles", "seconds", "articles/s", "MB/s", "peak RSS MB"
    );
    for size in sizes {
        let corpus = tempfile::tempdir()?;
        let bytes = common::build_corpus(&sources, size, corpus.path())?;
        let exe = std::env::current_exe()?;
        let started = Instant::now();
        let out = std::process::Command::new(exe).arg("child").arg(corpus.path()).output()?;
        let secs = started.elapsed().as_secs_f64();
        let report = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!("child failed: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        let mut fields = report.split_whitespace();
        let ok: usize = fields.next().and_then(|f| f.parse().ok()).unwrap_or(0);
        let run_secs: f64 = fields.next().and_then(|f| f.parse().ok()).unwrap_or(secs);
        let rss_kb: f64 = fields.next().and_then(|f| f.parse().ok()).unwrap_or(0.0);
        println!(
            "{:>8} {:>10.2} {:>12.0} {:>10.2} {:>12.1}",
            ok,
            run_secs,
            ok as f64 / run_secs,
            bytes as f64 / 1e6 / run_secs,
            rss_kb / 1024.0
        );
    }
    Ok(())
}

/// Runs the pipeline over `dir` and prints `ok seconds peak_rss_kb`.
fn child(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir()?;
    let settings = TranslateSettings::new([dir])
        .with_out_dir(out.path())
        .with_glossary(GlossarySettings::paths([root.join("glossaries")]));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let started = Instant::now();
    let summary = runtime.block_on(job::translate(settings, &mut NoObserver))?.run;
    let secs = started.elapsed().as_secs_f64();
    if summary.failed > 0 {
        return Err(
            format!("{} failures, first: {:?}", summary.failed, summary.failures.first()).into()
        );
    }
    println!("{} {secs} {}", summary.articles_ok, common::peak_rss_kb());
    Ok(())
}
