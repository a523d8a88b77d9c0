//! A second run over already-translated articles: every sentence a memory
//! hit, nothing sent.
//!
//! Builds 1,000 unique articles from `fixtures/articles` (as the pipeline
//! bench does), starts a local LibreTranslate-protocol server that answers
//! `EN <text>`, and runs the pipeline twice with the same translation memory
//! and output folder, each run in a fresh child process so that time and
//! peak memory are its own. Prints, per run: articles, wall seconds,
//! milliseconds per article, requests the server received, memory hits and
//! the child's peak resident memory.
//!
//! Run: `cargo bench --bench resume` (add a size as argument to change it).

// A benchmark writes its own input files directly.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use depeche::job::{self, GlossarySettings, MemorySettings, TranslateSettings};
use depeche::pipeline::NoObserver;
use depeche::translate::Overrides;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("child") {
        let arg = |i: usize| args.get(i).cloned().ok_or("child needs: corpus tm out endpoint");
        return child(Path::new(&arg(1)?), Path::new(&arg(2)?), Path::new(&arg(3)?), &arg(4)?);
    }
    let size: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sources = common::read_fixtures(&root.join("fixtures/articles"))?;
    let work = tempfile::tempdir()?;
    let corpus = work.path().join("articles");
    std::fs::create_dir(&corpus)?;
    common::build_corpus(&sources, size, &corpus)?;
    let tm = work.path().join("tm.sqlite");
    let out = work.path().join("out");

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let server = runtime.block_on(echo_server());
    println!(
        "resume: {size} articles, libretranslate at {} (local echo), glossaries/ on",
        server.uri()
    );
    println!(
        "{:<6} {:>8} {:>9} {:>11} {:>9} {:>9} {:>9} {:>12}",
        "run", "articles", "seconds", "ms/article", "requests", "segments", "hits", "peak RSS MB"
    );
    let mut seen = 0;
    for run in ["first", "second"] {
        let exe = std::env::current_exe()?;
        let output = std::process::Command::new(exe)
            .arg("child")
            .arg(&corpus)
            .arg(&tm)
            .arg(&out)
            .arg(server.uri())
            .output()?;
        if !output.status.success() {
            return Err(format!("child failed: {}", String::from_utf8_lossy(&output.stderr)).into());
        }
        let report = String::from_utf8_lossy(&output.stdout).into_owned();
        let fields: Vec<f64> = report.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let field = |i: usize| fields.get(i).copied().unwrap_or(0.0);
        let (ok, secs, segments, hits, rss_kb) = (field(0), field(1), field(2), field(3), field(4));
        let received = runtime.block_on(server.received_requests()).unwrap_or_default().len();
        println!(
            "{:<6} {:>8} {:>9.2} {:>11.2} {:>9} {:>9} {:>9} {:>12.1}",
            run,
            ok,
            secs,
            1000.0 * secs / ok.max(1.0),
            received - seen,
            segments,
            hits,
            rss_kb / 1024.0
        );
        seen = received;
    }
    Ok(())
}

/// A LibreTranslate server answering `EN <text>` for each `q`.
async fn echo_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/translate"))
        .respond_with(|r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            let out: Vec<String> = v
                .get("q")
                .and_then(Value::as_array)
                .map(|q| q.iter().map(|t| format!("EN {}", t.as_str().unwrap_or(""))).collect())
                .unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(json!({ "translatedText": out }))
        })
        .mount(&server)
        .await;
    server
}

/// Runs the pipeline over `corpus` and prints
/// `ok seconds segments_sent memory_hits peak_rss_kb`.
fn child(
    corpus: &Path,
    tm: &Path,
    out: &Path,
    endpoint: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let overrides =
        Overrides { provider: Some("libretranslate".into()), endpoint: Some(endpoint.to_string()) };
    let settings = TranslateSettings::new([corpus])
        .with_out_dir(out)
        .with_overrides(overrides)
        .with_glossary(GlossarySettings::paths([root.join("glossaries")]))
        .with_memory(MemorySettings::Always(tm.to_path_buf()));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let started = Instant::now();
    let summary = runtime.block_on(job::translate(settings, &mut NoObserver))?.run;
    let secs = started.elapsed().as_secs_f64();
    if summary.failed > 0 || summary.translate.failed > 0 {
        return Err(format!(
            "{} failures, {} segments untranslated, first: {:?} {:?}",
            summary.failed,
            summary.translate.failed,
            summary.failures.first(),
            summary.translate.errors.first()
        )
        .into());
    }
    println!(
        "{} {secs} {} {} {}",
        summary.articles_ok,
        summary.translate.segments_sent,
        summary.memory_hits,
        common::peak_rss_kb()
    );
    Ok(())
}
