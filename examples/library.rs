//! depeche as a library: the three jobs a newsroom runs, with no command
//! line involved.
//!
//! 1. translate the fixture articles offline (the `memory` provider, from
//!    the Apertium translations in `fixtures/tmx`), into a scratch folder;
//! 2. merge a reviewed XLIFF file back into the final English article;
//! 3. check the fixtures against the golden XLIFF files, as CI does.
//!
//! Run it from the project root: `cargo run --example library`.

use std::path::PathBuf;
use std::process::ExitCode;

use depeche::job::{self, CheckSettings, MemorySettings, MergeSettings, TranslateSettings};
use depeche::pipeline::{Observer, Outcome};
use depeche::translate::Overrides;

/// Prints one line per written file: what a program would log.
struct Log;

impl Observer for Log {
    fn outcome(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Written { path, stats, .. } => {
                println!("  wrote {} ({} segments)", path.display(), stats.segments);
            }
            Outcome::Failed(failure) => println!("  failed {failure}"),
            _ => {}
        }
    }
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir()?;

    // 1. Translate: settings in, a typed summary out.
    let memory = scratch.path().join("tm.sqlite");
    let tmx = root.join("fixtures/tmx/fixture-articles-apertium.tmx");
    let imported = depeche::tm::tmx::import(&depeche::tm::Memory::open(&memory)?, &tmx)?;
    println!("memory: {} entries imported from {}", imported.changed, tmx.display());
    let settings = TranslateSettings::new([root.join("fixtures/articles")])
        .with_targets(["en-GB"])?
        .with_out_dir(scratch.path().join("xliff"))
        .with_overrides(Overrides { provider: Some("memory".into()), endpoint: None })
        .with_glossary(job::GlossarySettings::paths([root.join("glossaries")]))
        .with_memory(MemorySettings::Always(memory.clone()));
    println!("translate:");
    let translated = job::translate(settings, &mut Log).await?;
    println!(
        "  {} articles, {} segments, {} from the memory, passed: {}",
        translated.run.articles_ok,
        translated.run.segments,
        translated.run.memory_hits,
        translated.passed()
    );

    // 2. Merge a reviewed file into the final article and the memory.
    let merged = job::merge(
        MergeSettings::new([root.join("fixtures/reviewed")])
            .with_out_dir(scratch.path().join("final"))
            .with_memory(MemorySettings::Always(memory)),
    )
    .await?;
    for file in &merged.files {
        println!("merge: {} -> {}", file.input.display(), file.output.display());
    }
    println!("  {} human translations stored, passed: {}", merged.stored(), merged.passed());

    // 3. Check the fixtures against the golden files.
    let checked = job::check(
        CheckSettings::new(root.join("fixtures"))
            .with_glossary(job::GlossarySettings::paths([root.join("glossaries")])),
    )
    .await?;
    println!(
        "check: {} files compared with {}, passed: {}",
        checked.report.files.len(),
        root.join("fixtures/golden").display(),
        checked.passed()
    );
    let all = translated.passed() && merged.passed() && checked.passed();
    Ok(if all { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
