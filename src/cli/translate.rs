//! `depeche translate`: the main job.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, bail};
use clap::Args;

use depeche::glossary::Glossary;
use depeche::model::short_hash;
use depeche::pipeline::{self, Budget, Context, Summary, XliffVersion};
use depeche::segment::Segmenter;
use depeche::tm::{self, Memory};
use depeche::translate::{Overrides, Translator};
use depeche::{ingest, qa};

use super::Config;
use super::progress::Progress;

/// Arguments of `depeche translate`.
#[derive(Debug, Args)]
pub(crate) struct TranslateArgs {
    /// Article files or folders (folders are read recursively): text, HTML, RSS/Atom,
    /// NewsML/NITF, JSON Lines
    #[arg(required = true, value_name = "PATH")]
    inputs: Vec<PathBuf>,

    /// Target locales, comma-separated (e.g. en-GB,de-DE) [default: en-GB]
    #[arg(long, short = 't', value_delimiter = ',', value_name = "LOCALES")]
    to: Vec<String>,

    /// Output folder for the XLIFF files [default: out]
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,

    /// Translation provider: deepl, google, azure, libretranslate, apertium,
    /// openai, memory or none (empty targets for human translation)
    #[arg(long, value_name = "NAME")]
    provider: Option<String>,

    /// Base URL of the provider (self-hosted servers, proxies)
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Glossary files or folders, instead of the configured ones [default: glossaries/]
    #[arg(long, value_name = "PATH")]
    glossary: Vec<PathBuf>,

    /// Fail the run (exit 1) on any glossary violation
    #[arg(long)]
    strict_terms: bool,

    /// How many files are processed at once [default: 16]
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,

    /// Largest input file read, in bytes [default: 10485760]
    #[arg(long, value_name = "BYTES")]
    max_article_bytes: Option<u64>,

    /// XLIFF version of the output: 1.2 or 2.1 [default: 1.2]
    #[arg(long, value_name = "VERSION")]
    xliff: Option<XliffVersion>,

    /// Translation memory file [default: .depeche/tm.sqlite next to the config file]
    #[arg(long, value_name = "FILE")]
    tm: Option<PathBuf>,

    /// Neither read nor feed the translation memory
    #[arg(long, conflicts_with = "tm")]
    no_memory: bool,

    /// Do everything but call the provider: report what would be sent, write nothing
    #[arg(long)]
    dry_run: bool,

    /// Stop sending to providers once this many characters would be exceeded
    #[arg(long, value_name = "N")]
    max_chars: Option<usize>,

    /// Hide the progress bars
    #[arg(long)]
    no_progress: bool,
}

/// Runs `depeche translate`.
pub(crate) fn run(args: TranslateArgs, config: &Config, verbose: u8) -> anyhow::Result<ExitCode> {
    let targets = if args.to.is_empty() { config.run.to.clone() } else { args.to.clone() };
    let targets = validate_locales(targets)?;
    let out_dir = args.out.clone().unwrap_or_else(|| config.run.out.clone());
    let strict_terms = args.strict_terms || config.glossary.strict_terms;

    let overrides = Overrides { provider: args.provider.clone(), endpoint: args.endpoint.clone() };
    let translator = Arc::new(
        Translator::new(&config.translate, &overrides)
            .context("cannot set up the translation provider")?,
    );

    let (glossary, glossary_version) = load_glossary(&args.glossary, config)?;
    let matchers = targets.iter().map(|t| glossary.matcher(t)).collect();

    for input in &args.inputs {
        if !input.exists() {
            bail!("{}: no such file or folder", input.display());
        }
    }
    let files = ingest::discover(&args.inputs).context("cannot list the input files")?;
    if files.is_empty() {
        bail!(
            "no article files found in the given paths (depeche reads .txt, .html, .rss, .atom, .xml, .nitf and .jsonl files)"
        );
    }
    if !args.dry_run {
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("{}: cannot create the output folder", out_dir.display()))?;
        // A killed run may have left a temporary file behind; never an XLIFF.
        depeche::output::remove_stale_temporaries(&out_dir);
    }

    // The memory serves every run that can call a provider (and any chain
    // that names it); a `none` run leaves targets to humans and needs none.
    let memory: Option<Arc<dyn tm::MemoryStore>> = if args.no_memory || !config.memory.enabled {
        None
    } else if args.tm.is_some() || !translator.is_offline() || translator.uses_memory() {
        let path = args
            .tm
            .clone()
            .or_else(|| config.memory.path.clone())
            .unwrap_or_else(|| tm::default_path(config.path.as_deref().and_then(Path::parent)));
        let memory = Memory::open(&path)
            .with_context(|| format!("{}: cannot open the translation memory", path.display()))?;
        Some(Arc::new(memory))
    } else {
        None
    };
    let max_chars = args.max_chars.or(config.run.max_chars);

    let ctx = Arc::new(Context {
        targets: targets.clone(),
        out_dir: out_dir.clone(),
        max_articles_in_flight: args.jobs.unwrap_or(config.run.max_articles_in_flight).max(1),
        max_article_bytes: args.max_article_bytes.unwrap_or(config.run.max_article_bytes),
        segmenter: Segmenter::french(),
        matchers,
        translator: Arc::clone(&translator),
        checks: qa::default_checks(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        xliff_version: args.xliff.unwrap_or(config.run.xliff),
        cancel: Arc::new(AtomicBool::new(false)),
        memory: memory.clone(),
        glossary_version,
        dry_run: args.dry_run,
        budget: max_chars.map(Budget::new),
        counters: Arc::default(),
    });

    let mut progress = Progress::new(
        files.len(),
        !args.no_progress && verbose == 0,
        verbose > 0,
        Arc::clone(&ctx.counters),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    if !translator.is_offline() && !args.dry_run && config.translate.enforce_terms {
        for target in &targets {
            let entries = native_glossary_entries(&glossary, target);
            let prepared = runtime.block_on(translator.prepare_glossary(&entries, "fr-FR", target));
            for (name, result) in prepared {
                match result {
                    Ok(Some(id)) if verbose > 0 => {
                        progress.println(&format!("{name}: glossary {id} for {target}"));
                    }
                    Ok(_) => {}
                    Err(error) => progress.println(&format!(
                        "warning: {name}: no native glossary for {target}, translating without \
                         it (targets are still verified): {}",
                        pipeline::error_chain(&error)
                    )),
                }
            }
        }
    }
    let cancel = Arc::clone(&ctx.cancel);
    let summary = runtime.block_on(async {
        // Ctrl-C: stop starting files, let those in flight finish and be
        // written, then report what remains. A second Ctrl-C kills at once.
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.store(true, Ordering::Relaxed);
                eprintln!("interrupted: finishing the articles in flight (Ctrl-C again to abort)");
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
        pipeline::run(files, ctx, &mut progress).await
    });
    progress.finish();

    let text = report(&summary, &targets, &out_dir, &translator, memory.is_some(), args.dry_run);
    std::io::stdout().write_all(text.as_bytes())?;
    let violations = summary.terms_violated();
    let interrupted = summary.not_started > 0;
    let untranslated = summary.translate.failed > 0 || summary.over_budget > 0;
    let code =
        if summary.failed > 0 || interrupted || untranslated || (strict_terms && violations > 0) {
            1
        } else {
            0
        };
    if strict_terms && violations > 0 {
        eprintln!("error: {violations} glossary violations (--strict-terms)");
    }
    Ok(ExitCode::from(code))
}

/// Source and target pairs for a provider-side glossary (DeepL, Google v3).
///
/// Only concepts that are safe everywhere go in: an ambiguous or
/// context-bound term (`défense`) would be forced where it means something
/// else, so those are left to inline enforcement and QA.
fn native_glossary_entries(glossary: &Glossary, target: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in glossary.entries() {
        if entry.ambiguous || !entry.requires.is_empty() || !entry.excludes.is_empty() {
            continue;
        }
        let expected = if entry.do_not_translate { None } else { entry.resolve(target).expected };
        for source in &entry.sources {
            let target_term = expected.clone().unwrap_or_else(|| source.clone());
            if entry.do_not_translate || expected.is_some() {
                out.push((source.clone(), target_term));
            }
        }
    }
    out
}

/// Checks that every locale looks like a BCP 47 tag (`en`, `en-GB`).
pub(super) fn validate_locales(targets: Vec<String>) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in targets {
        let t = t.trim().to_string();
        let ok = !t.is_empty()
            && t.split('-').all(|p| {
                !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ok {
            bail!("{t:?} is not a locale; use tags such as en-GB or de-DE");
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.is_empty() {
        bail!("no target locale given; use --to en-GB");
    }
    Ok(out)
}

/// Loads the termbases of this run, with a version string: a hash of the
/// files' names and bytes, of the domain filter and of whether terms are
/// enforced, stored with translation
/// memory entries so that a glossary change re-checks cached translations.
pub(super) fn load_glossary(
    flags: &[PathBuf],
    config: &Config,
) -> anyhow::Result<(Glossary, String)> {
    let paths: Vec<&Path> = if flags.is_empty() {
        config.glossary.paths.iter().map(PathBuf::as_path).filter(|p| p.exists()).collect()
    } else {
        flags.iter().map(PathBuf::as_path).collect()
    };
    let glossary = Glossary::load(&paths).context("cannot load the glossary")?;
    let glossary = glossary.with_domains(&config.glossary.domains);
    let mut fingerprint = String::new();
    for path in &paths {
        let mut files = vec![path.to_path_buf()];
        if path.is_dir() {
            files = std::fs::read_dir(path)
                .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            files.retain(|f| {
                f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(e.to_ascii_lowercase().as_str(), "tbx" | "csv" | "tsv")
                })
            });
            files.sort();
        }
        for file in files {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let _ = write!(
                fingerprint,
                "{}:{};",
                file.display(),
                short_hash(&String::from_utf8_lossy(&bytes))
            );
        }
    }
    // Turning enforcement on must re-check translations cached without it.
    let _ = write!(
        fingerprint,
        "domains:{};enforce:{}",
        config.glossary.domains.join(","),
        config.translate.enforce_terms
    );
    Ok((glossary, short_hash(&fingerprint)))
}

/// Glossary figures per domain on one line:
/// `defence: 69 found, 69 applied, 0 violated; diplomacy: ...`.
pub(super) fn terms_line(summary: &Summary) -> String {
    let mut line = String::new();
    for (domain, c) in &summary.terms {
        let _ = write!(
            line,
            "{}{domain}: {} found, {} applied, {} violated",
            if line.is_empty() { "" } else { "; " },
            c.found,
            c.applied,
            c.violated
        );
    }
    line
}

/// The one-screen summary printed after a run.
fn report(
    summary: &Summary,
    targets: &[String],
    out_dir: &Path,
    translator: &Translator,
    memory: bool,
    dry_run: bool,
) -> String {
    let mut s = String::new();
    let secs = summary.elapsed.as_secs_f64();
    let _ = writeln!(
        s,
        "articles   {} ok, {} failed ({} target{}: {})",
        summary.articles_ok,
        summary.failed,
        targets.len(),
        if targets.len() == 1 { "" } else { "s" },
        targets.join(", ")
    );
    let _ = writeln!(
        s,
        "text       {} paragraphs, {} segments, {} characters",
        summary.paragraphs, summary.segments, summary.chars
    );
    let _ = writeln!(
        s,
        "xliff      {} files in {} ({} unchanged)",
        summary.files_written,
        out_dir.display(),
        summary.files_unchanged
    );
    if !summary.terms.is_empty() {
        let _ = writeln!(s, "terms      {}", terms_line(summary));
    }
    if !translator.is_offline() {
        let t = &summary.translate;
        let _ = writeln!(
            s,
            "translate  {}: {} segments translated, {} failed, {} requests, {} characters sent, {} retries",
            translator.describe(),
            t.translated,
            t.failed,
            t.requests,
            t.chars_sent,
            t.retries
        );
        for (name, usage) in &t.per_provider {
            let _ = writeln!(
                s,
                "           {name}: {} requests, {} segments, {} characters",
                usage.requests, usage.segments_sent, usage.chars_sent
            );
        }
        let mut errors: Vec<&String> = t.errors.iter().collect();
        errors.sort();
        errors.dedup();
        for error in errors.iter().take(5) {
            let _ = writeln!(s, "           error: {error}");
        }
    } else {
        let _ = writeln!(
            s,
            "translate  no translation provider configured: targets left empty for human \
             translation (set --provider or [translate] provider in depeche.toml)"
        );
    }
    if memory {
        let looked = summary.segments * targets.len();
        let rate =
            if looked > 0 { 100.0 * summary.memory_hits as f64 / looked as f64 } else { 0.0 };
        let _ = writeln!(
            s,
            "memory     {} hits of {looked} segments ({rate:.1}% hit rate)",
            summary.memory_hits
        );
    }
    if dry_run && !translator.is_offline() {
        let _ = writeln!(
            s,
            "dry run    {} would be sent {} segments, {} characters (after memory hits); \
             nothing was sent or written",
            translator.describe(),
            summary.would_send.0,
            summary.would_send.1
        );
    }
    if summary.over_budget > 0 {
        let _ = writeln!(
            s,
            "budget     character budget reached: {} segments left untranslated; \
             raise --max-chars or run again to continue",
            summary.over_budget
        );
    }
    let rate = if secs > 0.0 { summary.articles_ok as f64 / secs } else { 0.0 };
    let _ = writeln!(s, "time       {secs:.2} s ({rate:.0} articles/s)");
    if summary.not_started > 0 {
        let _ = writeln!(
            s,
            "interrupted {} files not started; run the same command again to finish",
            summary.not_started
        );
    }
    for line in &summary.failures {
        let _ = writeln!(s, "failed     {line}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_are_checked_and_deduplicated() {
        let ok = validate_locales(vec!["en-GB".into(), " de-DE".into(), "en-GB".into()]).unwrap();
        assert_eq!(ok, vec!["en-GB", "de-DE"]);
        assert!(validate_locales(vec!["en GB".into()]).is_err());
        assert!(validate_locales(vec!["../x".into()]).is_err());
        assert!(validate_locales(vec![]).is_err());
    }
}
