//! `depeche merge`: reviewed XLIFF back to the final article, and the
//! confirmed sentences into the translation memory as human work.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use depeche::job::{self, MergeSettings};
use depeche::kit::{Decision, Reason};
use depeche::merge::{self, Format, Merged};

use super::Config;

/// Arguments of `depeche merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Reviewed XLIFF files (1.2 or 2.x), folders holding them, or kit
    /// folders made by depeche kit, as the translator returned them
    #[arg(required = true, value_name = "FILE.xlf|KIT_DIR")]
    inputs: Vec<PathBuf>,

    /// Output folder for the articles [default: out]
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,

    /// Output format: txt (the scraped-article shape), md or json
    #[arg(long, default_value = "txt", value_name = "FORMAT")]
    format: Format,

    /// Keep the source text for missing targets and use unreviewed
    /// translations as they are (with a warning) instead of refusing the file
    #[arg(long)]
    allow_untranslated: bool,

    /// Translation memory: a file, or a postgres://user@host/db URL
    /// [default: .depeche/tm.sqlite next to the config file]
    #[arg(long, value_name = "FILE|URL")]
    tm: Option<String>,

    /// Do not feed the confirmed translations to the translation memory
    #[arg(long, conflicts_with = "tm")]
    no_memory: bool,
}

/// Runs `depeche merge`.
pub(crate) fn run(args: MergeArgs, config: &Config, ui: super::Ui) -> anyhow::Result<ExitCode> {
    let verbose = ui.verbose;
    let settings = MergeSettings::new(&args.inputs)
        .with_out_dir(args.out.clone().unwrap_or_else(|| config.run.out.clone()))
        .with_format(args.format)
        .with_allow_untranslated(args.allow_untranslated)
        .with_memory(super::memory_settings(args.tm.as_deref(), args.no_memory, config, true)?);
    let summary = super::runtime()?.block_on(job::merge(settings))?;

    // Under -q only the errors are printed: no summary, no warnings.
    let mut stdout = super::summary_out(ui);
    let mut stderr = std::io::stderr().lock();
    let mut warnings: Box<dyn std::io::Write> =
        if ui.quiet { Box::new(std::io::sink()) } else { Box::new(std::io::stderr()) };
    for (_, error) in &summary.failures {
        writeln!(stderr, "{} {}", super::error_prefix(ui), super::chain(&**error))?;
    }
    let (mut written, mut unchanged_files) = (0usize, 0usize);
    for file in &summary.files {
        let m = &file.merged;
        warn_allowed(&mut warnings, &file.input, m)?;
        written += usize::from(file.changed);
        unchanged_files += usize::from(!file.changed);
        let fed = match file.stored {
            Some(n) => format!(
                "; memory: {n} stored, {} unchanged, {} skipped",
                m.entries.len().saturating_sub(n),
                m.skipped
            ),
            None => String::new(),
        };
        let note = if file.changed { "" } else { " (unchanged)" };
        writeln!(
            stdout,
            "{} -> {}{note}: {}{fed}",
            file.input.display(),
            file.output.display(),
            plural(
                m.article.paragraphs.len() + usize::from(m.article.title.is_some()),
                "paragraph"
            ),
        )?;
        if let Some(decisions) = &file.decisions {
            write_decisions(&mut stdout, decisions, verbose > 0)?;
        }
        if verbose > 0 {
            writeln!(stdout, "  article {} ({})", m.article.id, m.article.lang)?;
        }
    }
    writeln!(
        stdout,
        "merged     {} ({written} written, {unchanged_files} unchanged), {} failed",
        plural(summary.files.len(), "article"),
        summary.failures.len()
    )?;
    match &summary.memory {
        Some(path) => writeln!(
            stdout,
            "memory     {} human translations stored, {} unchanged, {} skipped (not reviewed) in {}",
            summary.stored(),
            summary.unchanged_entries(),
            summary.skipped(),
            path.display()
        )?,
        None => writeln!(stdout, "memory     not fed (--no-memory)")?,
    }
    Ok(if summary.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// What merge took from a kit file and what it skipped, by reason:
/// `  took 12: 10 translated in the returned file, 2 the memory's human
/// translation`, then the skipped ones with their ids.
fn write_decisions(
    out: &mut impl std::io::Write,
    decisions: &[Decision],
    verbose: bool,
) -> anyhow::Result<()> {
    for taken in [true, false] {
        let mut by_reason: Vec<(Reason, Vec<String>)> = Vec::new();
        for d in decisions.iter().filter(|d| d.reason.taken() == taken) {
            match by_reason.iter_mut().find(|(r, _)| *r == d.reason) {
                Some((_, ids)) => ids.push(d.id.clone()),
                None => by_reason.push((d.reason, vec![d.id.clone()])),
            }
        }
        let n: usize = by_reason.iter().map(|(_, ids)| ids.len()).sum();
        let parts: Vec<String> = by_reason
            .iter()
            .map(|(r, ids)| {
                if taken && !verbose {
                    format!("{} {}", ids.len(), r.describe())
                } else {
                    format!("{} {} ({})", ids.len(), r.describe(), merge::id_list(ids))
                }
            })
            .collect();
        let what = if taken { "took" } else { "skipped" };
        if n > 0 {
            writeln!(out, "  {what} {n}: {}", parts.join("; "))?;
        } else if taken {
            writeln!(out, "  took 0")?;
        }
    }
    Ok(())
}

/// What `--allow-untranslated` let through, as warnings naming the units.
fn warn_allowed(stderr: &mut impl std::io::Write, file: &Path, m: &Merged) -> anyhow::Result<()> {
    if !m.kept_source.is_empty() {
        writeln!(
            stderr,
            "warning: {}: {} not translated, kept in the source language ({})",
            file.display(),
            count(m.kept_source.len()),
            merge::id_list(&m.kept_source)
        )?;
    }
    if !m.used_unreviewed.is_empty() {
        writeln!(
            stderr,
            "warning: {}: {} not reviewed, used as they are and not added to the memory ({})",
            file.display(),
            count(m.used_unreviewed.len()),
            merge::id_list(&m.used_unreviewed)
        )?;
    }
    Ok(())
}

fn count(n: usize) -> String {
    plural(n, "unit")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
