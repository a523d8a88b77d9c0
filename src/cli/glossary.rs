//! `depeche glossary`: check the termbases, and show which terms an article
//! holds.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use depeche::glossary::export::ExportFormat;
use depeche::glossary::{DomainStats, Glossary, Problem};
use depeche::model::{Severity, TermHit};
use depeche::segment::{self, Segmenter};
use depeche::{glossary, ingest};

use super::Config;

/// Arguments of `depeche glossary`.
#[derive(Debug, Args)]
pub(crate) struct GlossaryArgs {
    #[command(subcommand)]
    command: GlossaryCommand,
}

#[derive(Debug, Subcommand)]
enum GlossaryCommand {
    /// Load the termbases and report conflicts, missing targets and
    /// duplicates (exit 1 on any error)
    Check {
        /// Glossary files or folders [default: the configured ones, glossaries/]
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show concepts, terms and variants per domain and locale, and the
    /// sources the concepts come from
    Stats {
        /// Glossary files or folders [default: the configured ones, glossaries/]
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Write the glossary for one target locale in a shape CAT tools import:
    /// tsv (OmegaT), tbx (TBX-Basic: Trados, memoQ), csv (memoQ, Trados
    /// Glossary Converter)
    Export {
        /// Target locale (en-GB, en-US, de-DE...)
        #[arg(long, short = 't', value_name = "LOCALE")]
        to: String,
        /// tsv, tbx or csv
        #[arg(long, default_value = "tsv", value_name = "FORMAT")]
        format: ExportFormat,
        /// File to write [default: standard output]
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
        /// Glossary files or folders [default: the configured ones, glossaries/]
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// List the glossary terms found in articles, with the expected target
    Match {
        /// Target locale whose renderings are shown [default: the first
        /// configured target, en-GB]
        #[arg(long, short = 't', value_name = "LOCALE")]
        to: Option<String>,
        /// Glossary files or folders, instead of the configured ones
        #[arg(long, value_name = "PATH")]
        glossary: Vec<PathBuf>,
        /// Article files or folders
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// Runs `depeche glossary`.
pub(crate) fn run(args: GlossaryArgs, config: &Config, verbose: u8) -> anyhow::Result<ExitCode> {
    match args.command {
        GlossaryCommand::Check { paths } => check(&paths, config),
        GlossaryCommand::Stats { paths } => {
            let glossary = load(&glossary_paths(&paths, config)?)?;
            std::io::stdout().write_all(stats_table(&glossary.stats()).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        GlossaryCommand::Export { to, format, out, paths } => {
            export(&to, format, out.as_deref(), &paths, config)
        }
        GlossaryCommand::Match { to, glossary, files } => {
            let locale = to
                .or_else(|| config.run.to.first().cloned())
                .unwrap_or_else(|| "en-GB".to_string());
            matches(&locale, &glossary, &files, config, verbose > 0)
        }
    }
}

/// The termbase paths of this command: the flags, or the configured paths
/// that exist.
fn glossary_paths(flags: &[PathBuf], config: &Config) -> anyhow::Result<Vec<PathBuf>> {
    if !flags.is_empty() {
        return Ok(flags.to_vec());
    }
    let paths: Vec<PathBuf> =
        config.glossary.paths.iter().filter(|p| p.exists()).cloned().collect();
    if paths.is_empty() {
        let listed: Vec<String> =
            config.glossary.paths.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "no glossary found (looked for {}); give a path, or set [glossary] paths in depeche.toml",
            if listed.is_empty() { "nothing".to_string() } else { listed.join(", ") }
        );
    }
    Ok(paths)
}

fn load(paths: &[PathBuf]) -> anyhow::Result<Glossary> {
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    Glossary::load(&refs).context("cannot load the glossary")
}

/// The glossary files `paths` stand for, as [`Glossary::load`] reads them.
fn glossary_files(paths: &[PathBuf]) -> usize {
    let is_glossary = |p: &Path| {
        p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(e.to_ascii_lowercase().as_str(), "tbx" | "csv" | "tsv" | "tab")
        })
    };
    paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                std::fs::read_dir(p).map_or(0, |dir| {
                    dir.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|f| f.is_file() && is_glossary(f))
                        .count()
                })
            } else {
                1
            }
        })
        .sum()
}

/// `depeche glossary export`: one locale, to a file or standard output.
fn export(
    to: &str,
    format: ExportFormat,
    out: Option<&Path>,
    flags: &[PathBuf],
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let locale = depeche::Locale::parse(to).with_context(|| format!("--to {to}"))?;
    let glossary = load(&glossary_paths(flags, config)?)?.with_domains(&config.glossary.domains);
    let text = glossary::export::export(&glossary, locale.as_str(), format);
    match out {
        Some(path) => {
            depeche::output::write_atomic(path, text.as_bytes())?;
            let n = glossary::export::rows(&glossary, locale.as_str()).len();
            eprintln!("wrote {} ({n} concepts for {locale})", path.display());
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn check(flags: &[PathBuf], config: &Config) -> anyhow::Result<ExitCode> {
    let paths = glossary_paths(flags, config)?;
    let glossary = load(&paths)?;
    let problems = glossary.check();
    let out = check_report(&glossary, &problems, glossary_files(&paths));
    std::io::stdout().write_all(out.as_bytes())?;
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Every problem, then `N concepts in M files (defence: a, ...); X errors, Y warnings`.
fn check_report(glossary: &Glossary, problems: &[Problem], files: usize) -> String {
    let mut out = String::new();
    for p in problems {
        let _ = writeln!(out, "{p}");
    }
    let mut per_domain: BTreeMap<&str, usize> = BTreeMap::new();
    for e in glossary.entries() {
        *per_domain.entry(e.domain.as_str()).or_default() += 1;
    }
    let domains: Vec<String> = per_domain.iter().map(|(d, n)| format!("{d}: {n}")).collect();
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    let _ = writeln!(
        out,
        "{} concept{} in {files} file{} ({}); {errors} error{}, {warnings} warning{}",
        glossary.len(),
        plural(glossary.len()),
        plural(files),
        domains.join(", "),
        plural(errors),
        plural(warnings)
    );
    out
}

/// Two Markdown tables: concepts / terms (variants) per domain and locale,
/// then concepts per domain and source.
fn stats_table(stats: &[DomainStats]) -> String {
    let mut locales: Vec<&String> = stats.iter().flat_map(|d| d.locales.keys()).collect();
    locales.sort_by_key(|l| (l.as_str() != "fr", l.as_str()));
    locales.dedup();
    let mut out = String::from("| domain | concepts |");
    for l in &locales {
        let _ = write!(out, " {l} |");
    }
    out.push_str("\n|---|---:|");
    out.push_str(&"---:|".repeat(locales.len()));
    out.push('\n');
    let mut total = 0;
    for d in stats {
        total += d.concepts;
        let _ = write!(out, "| {} | {} |", d.domain, d.concepts);
        for l in &locales {
            match d.locales.get(*l) {
                Some(s) => {
                    let _ = write!(out, " {} / {} ({}) |", s.concepts, s.terms, s.variants);
                }
                None => out.push_str(" 0 |"),
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\n{total} concept{}; per locale: concepts with a term / terms (variants)\n",
        plural(total)
    );
    let mut sources: Vec<&String> = stats.iter().flat_map(|d| d.sources.keys()).collect();
    sources.sort();
    sources.dedup();
    out.push_str("| source |");
    for d in stats {
        let _ = write!(out, " {} |", d.domain);
    }
    out.push_str(" all |\n|---|");
    out.push_str(&"---:|".repeat(stats.len() + 1));
    out.push('\n');
    for src in sources {
        let _ = write!(out, "| {src} |");
        let mut all = 0;
        for d in stats {
            let n = d.sources.get(src).copied().unwrap_or(0);
            all += n;
            let _ = write!(out, " {n} |");
        }
        let _ = writeln!(out, " {all} |");
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn matches(
    locale: &str,
    flags: &[PathBuf],
    inputs: &[PathBuf],
    config: &Config,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let paths = glossary_paths(flags, config)?;
    let glossary = load(&paths)?.with_domains(&config.glossary.domains);
    let matcher = glossary.matcher(locale);
    let segmenter = Segmenter::french();
    for input in inputs {
        if !input.exists() {
            bail!("{}: no such file or folder", input.display());
        }
    }
    let files = ingest::discover(inputs).context("cannot list the input files")?;
    if files.is_empty() {
        bail!(
            "no article files found in the given paths (depeche reads .txt, .html, .rss, .atom, .xml, .nitf and .jsonl files)"
        );
    }
    let mut out = String::new();
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        let articles = ingest::read_path(file).with_context(|| format!("{}", file.display()))?;
        for mut article in articles {
            segment::segment_article(&segmenter, &mut article);
            glossary::annotate(&matcher, &mut article);
            let _ = writeln!(out, "{} ({}, {locale})", file.display(), article.id);
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for seg in article.paragraphs.iter().flat_map(|p| &p.segments) {
                // With -v, the sentence and each hit's concept id, so that
                // hits can be judged in context (fixtures/term-gold/GUIDE.md).
                if verbose && !seg.terms.is_empty() {
                    let _ = writeln!(out, "  {:<7} « {} »", seg.id, seg.source);
                }
                for hit in &seg.terms {
                    let _ = write!(out, "  {:<7} {}", seg.id, line(hit));
                    if verbose {
                        let _ = write!(out, " {{{}}}", hit.entry);
                    }
                    out.push('\n');
                    *counts.entry(hit.domain.clone()).or_default() += 1;
                }
            }
            let _ = writeln!(out, "  {}", count_line(&counts));
            for (d, n) in counts {
                *total.entry(d).or_default() += n;
            }
        }
    }
    if files.len() > 1 {
        let _ = writeln!(out, "all {} files: {}", files.len(), count_line(&total));
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `ministères de la Défense → Ministry of Defence (also: defence ministry, MoD) [defence]`.
fn line(hit: &TermHit) -> String {
    let mut s = format!("{} → ", hit.text);
    match (&hit.expected, hit.do_not_translate) {
        (expected, true) => {
            let _ = write!(s, "{} (do not translate)", expected.as_deref().unwrap_or(&hit.text));
        }
        (Some(t), false) => s.push_str(t),
        (None, false) => s.push_str("(no target for this locale)"),
    }
    if !hit.alternatives.is_empty() {
        let _ = write!(s, " (also: {})", hit.alternatives.join(", "));
    }
    if !hit.forbidden.is_empty() {
        let _ = write!(s, " (not: {})", hit.forbidden.join(", "));
    }
    let _ = write!(s, " [{}]", hit.domain);
    s
}

/// `12 terms (defence: 7, diplomacy: 5)`.
fn count_line(counts: &BTreeMap<String, usize>) -> String {
    let n: usize = counts.values().sum();
    let per: Vec<String> = counts.iter().map(|(d, c)| format!("{d}: {c}")).collect();
    if per.is_empty() {
        "0 terms".to_string()
    } else {
        format!("{n} term{} ({})", plural(n), per.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_line_lists_domains() {
        let mut c = BTreeMap::new();
        assert_eq!(count_line(&c), "0 terms");
        c.insert("defence".to_string(), 2);
        c.insert("diplomacy".to_string(), 1);
        assert_eq!(count_line(&c), "3 terms (defence: 2, diplomacy: 1)");
    }
}
