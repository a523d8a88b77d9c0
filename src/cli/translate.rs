//! `depeche translate`: the main job.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;

use depeche::Locale;
use depeche::job::{self, TranslateSettings, TranslateSummary};
use depeche::pipeline::{Summary, XliffVersion};
use depeche::translate::{Overrides, TermsMode};

use super::progress::Progress;
use super::report::Reports;
use super::{Config, Ui};

/// Arguments of `depeche translate`.
#[derive(Debug, Args)]
pub(crate) struct TranslateArgs {
    /// Article files or folders (folders are read recursively): text, HTML, RSS/Atom,
    /// NewsML/NITF, JSON Lines
    #[arg(required = true, value_name = "PATH")]
    inputs: Vec<PathBuf>,

    /// Target locales, comma-separated (e.g. en-GB,de-DE), checked against the IANA
    /// language subtag registry [default: en-GB]
    #[arg(long, short = 't', value_delimiter = ',', value_name = "LOCALES",
          value_parser = super::parse_target)]
    to: Vec<Locale>,

    /// Output folder for the XLIFF files [default: out]
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,

    #[arg(long, value_name = "NAME", help = super::providers::provider_help(),
          value_parser = super::providers::parse_provider)]
    provider: Option<String>,

    /// Base URL of the provider (self-hosted servers, proxies)
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Glossary files or folders, instead of the configured ones [default: glossaries/]
    #[arg(long, value_name = "PATH")]
    glossary: Vec<PathBuf>,

    /// How the glossary acts: repair (translate, verify, repair only the sentences that
    /// break a term), force (enforce every term up front) or off (only check)
    /// [default: repair, or `terms` in [translate]]
    #[arg(long, value_name = "MODE")]
    terms: Option<TermsMode>,

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

    /// Translation memory: a file, or a postgres://user@host/db URL shared by several
    /// workers (password from the URL, PGPASSWORD or ~/.pgpass)
    /// [default: .depeche/tm.sqlite next to the config file]
    #[arg(long, value_name = "FILE|URL")]
    tm: Option<String>,

    /// Neither read nor feed the translation memory
    #[arg(long, conflicts_with = "tm")]
    no_memory: bool,

    /// Do everything but call the provider: report what would be sent, write nothing
    #[arg(long)]
    dry_run: bool,

    /// Stop sending to providers once this many characters would be exceeded
    #[arg(long, value_name = "N")]
    max_chars: Option<usize>,

    /// Take only share K of N of the articles (by article id, so N processes started
    /// with 1/N to N/N on the same inputs split the batch between them)
    #[arg(long, value_name = "K/N")]
    shard: Option<depeche::Shard>,

    /// Hide the progress bars
    #[arg(long)]
    no_progress: bool,

    #[arg(long, value_name = "FORMAT[=PATH]", help = super::report::HELP,
          value_parser = super::report::parse)]
    report: Vec<super::report::ReportArg>,
}

/// Runs `depeche translate`.
pub(crate) fn run(args: TranslateArgs, config: &Config, ui: Ui) -> anyhow::Result<ExitCode> {
    let verbose = ui.verbose;
    let reports = Reports::new(args.report.clone())?;
    let targets: Vec<String> = if args.to.is_empty() {
        config.run.to.clone()
    } else {
        args.to.iter().map(ToString::to_string).collect()
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let settings = TranslateSettings::new(&args.inputs)
        .with_targets(&targets)?
        .with_out_dir(args.out.clone().unwrap_or_else(|| config.run.out.clone()))
        .with_translate({
            let mut translate = config.translate.clone();
            translate.terms = args.terms.unwrap_or(translate.terms);
            translate
        })
        .with_overrides(Overrides { provider: args.provider.clone(), endpoint: args.endpoint })
        .with_glossary(super::glossary_settings(&args.glossary, config))
        .with_memory(super::memory_settings(args.tm.as_deref(), args.no_memory, config, false)?)
        .with_fuzzy(config.memory.fuzzy()?)
        .with_max_articles_in_flight(args.jobs.unwrap_or(config.run.max_articles_in_flight))
        .with_max_article_bytes(args.max_article_bytes.unwrap_or(config.run.max_article_bytes))
        .with_xliff(args.xliff.unwrap_or(config.run.xliff))
        .with_dry_run(args.dry_run)
        .with_max_chars(args.max_chars.or(config.run.max_chars))
        .with_strict_terms(args.strict_terms || config.glossary.strict_terms)
        .with_qa(config.qa.clone())
        .with_cancel(Arc::clone(&cancel))
        .with_shard(args.shard);
    let mut report_settings = depeche::report::RunSettings::new(
        &args.inputs,
        settings.targets(),
        args.provider.clone().unwrap_or_else(|| "configured".into()),
    );
    report_settings.out_dir =
        Some(args.out.clone().unwrap_or_else(|| config.run.out.clone()).display().to_string());
    report_settings.xliff = args.xliff.unwrap_or(config.run.xliff).to_string();
    report_settings.glossary = super::glossary_settings(&args.glossary, config)
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    report_settings.terms_mode = Some(args.terms.unwrap_or(config.translate.terms).to_string());
    report_settings.dry_run = args.dry_run;
    report_settings.max_chars = args.max_chars.or(config.run.max_chars);
    report_settings.strict_terms = args.strict_terms || config.glossary.strict_terms;
    report_settings.memory =
        match super::memory_settings(args.tm.as_deref(), args.no_memory, config, false)? {
            depeche::job::MemorySettings::Always(p)
            | depeche::job::MemorySettings::WhenNeeded(p) => Some(p.display().to_string()),
            // A server's URL is shown without its password.
            depeche::job::MemorySettings::At { location, .. } => Some(location.to_string()),
            _ => None,
        };
    let mut progress = Progress::new(
        settings.targets().len(),
        !args.no_progress && verbose == 0 && !ui.quiet,
        verbose > 0,
    )
    .quiet(ui.quiet);
    let runtime = super::runtime()?;
    let ran = runtime.block_on(async {
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
        if reports.is_empty() {
            let summary = job::translate(settings, &mut progress).await;
            return summary.map(|s| (s, None)).map_err(super::providers::explain_job_error);
        }
        let mut collector = reports.collector(&mut progress, false)?;
        let summary = job::translate(settings, &mut collector)
            .await
            .map_err(super::providers::explain_job_error)?;
        report_settings.provider.clone_from(&summary.provider);
        if !summary.memory {
            report_settings.memory = None;
        }
        let recorded = collector.finish(
            "translate",
            &report_settings,
            &summary.run,
            &summary.provider,
            summary.passed(),
        );
        anyhow::Ok((summary, Some(recorded)))
    });
    let (summary, recorded) = ran?;
    let mut text = report(&summary);
    if let Some((run_report, html)) = recorded {
        text.push_str(&reports.write(&run_report, html)?);
    }
    progress.finish();
    // Under -q the failures were printed as they happened; nothing else is.
    if !ui.quiet {
        if reports.summary_to_stderr() {
            eprint!("{}", super::style::summary(&text, ui.color.stderr()));
        } else {
            let text = super::style::summary(&text, ui.color.stdout());
            std::io::stdout().write_all(text.as_bytes())?;
        }
    }
    let violations = summary.run.terms_violated();
    if summary.strict_terms && violations > 0 {
        eprintln!("{} {violations} glossary violations (--strict-terms)", super::error_prefix(ui));
    }
    Ok(if summary.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// QA findings per check and severity on one line:
/// `numbers: 2 errors, 3 warnings; terms: 1 error`.
pub(super) fn qa_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let parts: Vec<String> = summary
        .qa
        .iter()
        .map(|(check, c)| {
            let mut counts = Vec::new();
            if c.errors > 0 {
                counts.push(plural(c.errors, "error"));
            }
            if c.warnings > 0 {
                counts.push(plural(c.warnings, "warning"));
            }
            format!("{check}: {}", counts.join(", "))
        })
        .collect();
    parts.join("; ")
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

/// ` (N failed)` after a request count, when some got no translations back:
/// their characters are not counted as sent.
fn failed_requests(n: usize) -> String {
    if n == 0 { String::new() } else { format!(" ({n} failed)") }
}

/// The one-screen summary printed after a run.
fn report(job: &TranslateSummary) -> String {
    let summary = &job.run;
    let targets: Vec<&str> = job.targets.iter().map(Locale::as_str).collect();
    let out_dir = &job.out_dir;
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
    if summary.duplicates > 0 {
        // See: #15
        let _ = writeln!(
            s,
            "duplicates {} (the same article as one read before under another name; written once)",
            summary.duplicates
        );
    }
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
    } else if job.glossary_concepts == 0 {
        // Said, not left out: a run from the wrong folder must not look
        // like a run whose articles held no terms.
        let _ = writeln!(
            s,
            "terms      no glossary loaded (looked in {}); no terminology applied, \
             point at termbases with --glossary",
            depeche::job::searched(&job.glossary_paths)
        );
    }
    if !summary.qa.is_empty() {
        let _ = writeln!(s, "qa         {}", qa_line(summary));
    } else if summary.translated > 0 {
        let _ = writeln!(s, "qa         no findings in {} translated segments", summary.translated);
    }
    if !job.offline {
        let t = &summary.translate;
        let _ = writeln!(
            s,
            "translate  {}: {} segments translated, {} failed, {} requests{}, {} characters sent, {} retries",
            depeche::report::redact(&job.provider),
            t.translated,
            t.failed,
            t.requests,
            failed_requests(t.failed_requests),
            t.chars_sent,
            t.retries
        );
        if t.reused > 0 {
            let _ = writeln!(
                s,
                "           {} repeated sentences took the translation made for their first occurrence",
                t.reused
            );
        }
        if t.rate_limited > 0 {
            let _ = writeln!(
                s,
                "           {} answers said \"too many requests\": each was waited out and sent again",
                t.rate_limited
            );
        }
        let r = &t.terms;
        if r.plain + r.repaired + r.flagged > 0 {
            let _ = writeln!(
                s,
                "repair     {} sentences with terms: {} kept them as translated, {} repaired, {} left flagged; {} requests, {} characters for repairs",
                r.plain + r.repaired + r.flagged,
                r.plain,
                r.repaired,
                r.flagged,
                r.requests,
                r.chars
            );
        }
        for (name, usage) in &t.per_provider {
            let _ = writeln!(
                s,
                "           {name}: {} requests{}, {} segments, {} characters",
                usage.requests,
                failed_requests(usage.failed_requests),
                usage.segments_sent,
                usage.chars_sent
            );
        }
        let mut errors: Vec<String> = t.errors.iter().map(ToString::to_string).collect();
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
    if job.memory {
        let looked = summary.segments * targets.len();
        let rate =
            if looked > 0 { 100.0 * summary.memory_hits as f64 / looked as f64 } else { 0.0 };
        let _ = writeln!(
            s,
            "memory     {} hits of {looked} segments ({rate:.1}% hit rate)",
            summary.memory_hits
        );
    }
    if job.dry_run && !job.offline {
        let _ = writeln!(
            s,
            "dry run    {} would be sent {} segments, {} characters (after memory hits); \
             nothing was sent or written",
            depeche::report::redact(&job.provider),
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
    if let Some(shard) = job.shard {
        let _ = writeln!(
            s,
            "shard      {shard}: {} articles left to the other shards",
            summary.other_shards
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
    for failure in &summary.failures {
        let _ = writeln!(s, "failed     {failure}");
    }
    s
}
