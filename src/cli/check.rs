//! `depeche check`: a deterministic, offline run over fixture articles,
//! compared with the golden XLIFF files (for CI).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::bail;
use clap::Args;

use depeche::check::{Drift, Report, Update};
use depeche::job::{self, CheckSettings};
use depeche::pipeline::{Summary, XliffVersion};

use super::report::Reports;
use super::{Config, Ui};

/// The project's schema validator, looked up from the working directory.
const VALIDATOR: &str = "tests/tools/validate-xliff";

/// Arguments of `depeche check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Fixtures folder: articles in <DIR>/articles, golden files in <DIR>/golden
    #[arg(value_name = "FIXTURES_DIR", default_value = "fixtures")]
    dir: PathBuf,

    /// Article files folder [default: <FIXTURES_DIR>/articles]
    #[arg(long, value_name = "DIR")]
    articles: Option<PathBuf>,

    /// Golden XLIFF folder [default: <FIXTURES_DIR>/golden]
    #[arg(long, value_name = "DIR")]
    golden: Option<PathBuf>,

    /// Target locales, comma-separated
    #[arg(
        long,
        short = 't',
        value_delimiter = ',',
        value_name = "LOCALES",
        default_value = "en-GB",
        value_parser = super::parse_target
    )]
    to: Vec<depeche::Locale>,

    /// Glossary files or folders, instead of the configured ones [default: glossaries/]
    #[arg(long, value_name = "PATH")]
    glossary: Vec<PathBuf>,

    /// Offline provider: none (empty targets) or memory (targets from --tm)
    #[arg(long, value_name = "NAME", default_value = "none")]
    provider: String,

    /// Translation memory fixture: a .tmx file (imported into a temporary
    /// memory) or a depeche memory (copied; the file itself is never changed)
    #[arg(long, value_name = "FILE")]
    tm: Option<PathBuf>,

    /// XLIFF version of the run: 1.2 or 2.1
    #[arg(long, value_name = "VERSION", default_value = "1.2")]
    xliff: XliffVersion,

    /// Also validate every written file against the OASIS schemas with
    /// tests/tools/validate-xliff --checks (needs python3 and xmllint or lxml)
    #[arg(long)]
    schema: bool,

    /// Rewrite the golden files from this run (after a deliberate change)
    #[arg(long)]
    update: bool,

    #[arg(long, value_name = "FORMAT[=PATH]", help = super::report::HELP,
          value_parser = super::report::parse)]
    report: Vec<super::report::ReportArg>,
}

/// Runs `depeche check`.
pub(crate) fn run(args: CheckArgs, config: &Config, ui: Ui) -> anyhow::Result<ExitCode> {
    let reports = Reports::new(args.report.clone())?;
    let mut settings = CheckSettings::new(&args.dir)
        .with_targets(&args.to)?
        .with_glossary(super::glossary_settings(&args.glossary, config))
        .with_xliff(args.xliff)
        .with_update(args.update);
    if let Some(dir) = &args.articles {
        settings = settings.with_articles(dir);
    }
    if let Some(dir) = &args.golden {
        settings = settings.with_golden(dir);
    }
    match (args.provider.as_str(), &args.tm) {
        ("none", _) => {}
        ("memory", Some(tm)) => settings = settings.with_memory_fixture(tm),
        ("memory", None) => {
            bail!("--provider memory needs a translation memory fixture: --tm FILE.tmx")
        }
        (other, _) => bail!(
            "check runs offline: use --provider none or --provider memory --tm FILE, not {other:?}"
        ),
    }
    if args.schema {
        settings = settings.with_schema_validator(find_validator()?);
    }
    let articles = settings.articles().to_path_buf();
    let golden = settings.golden().to_path_buf();
    let glossary: Vec<String> = super::glossary_settings(&args.glossary, config)
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut quiet = depeche::pipeline::NoObserver;
    let mut collector =
        if reports.is_empty() { None } else { Some(reports.collector(&mut quiet, true)?) };
    let summary = super::runtime()?.block_on(async {
        match collector.as_mut() {
            Some(collector) => job::check_with(settings, collector).await,
            None => job::check(settings).await,
        }
    })?;

    let mut text = String::new();
    let targets: Vec<&str> = summary.targets.iter().map(|t| t.as_str()).collect();
    let _ = writeln!(
        text,
        "check      {} articles from {}, provider {}, {}, golden files in {}",
        summary.run.articles_ok + summary.run.failed,
        articles.display(),
        args.provider,
        targets.join(", "),
        golden.display()
    );
    text.push_str(&render(&summary.report, &summary.run, args.update));
    if let Some(changes) = &summary.updates {
        text.push_str(&render_updates(changes, &summary.report, &golden));
    }
    if let Some(collector) = collector {
        let mut report_settings =
            depeche::report::RunSettings::new([&articles], &summary.targets, &args.provider);
        report_settings.xliff = args.xliff.to_string();
        report_settings.glossary = glossary;
        report_settings.golden = Some(golden.display().to_string());
        report_settings.memory = args.tm.as_ref().map(|p| p.display().to_string());
        let (run_report, html) = collector.finish(
            "check",
            &report_settings,
            &summary.run,
            &args.provider,
            summary.passed(),
        );
        let run_report = run_report.with_check(&summary.report);
        text.push_str(&reports.write(&run_report, html)?);
    }
    if ui.quiet {
        for failure in &summary.run.failures {
            eprintln!("{} {failure}", super::error_prefix(ui));
        }
        if !summary.passed() {
            eprintln!("{} depeche check failed: {}", super::error_prefix(ui), result_line(&text));
        }
    } else if reports.summary_to_stderr() {
        eprint!("{}", super::style::summary(&text, ui.color.stderr()));
    } else {
        let text = super::style::summary(&text, ui.color.stdout());
        std::io::stdout().write_all(text.as_bytes())?;
    }
    Ok(if summary.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The figures of the `result` line of a check summary.
fn result_line(text: &str) -> &str {
    text.lines().find_map(|l| l.strip_prefix("result")).map(str::trim).unwrap_or("see the report")
}

fn find_validator() -> anyhow::Result<PathBuf> {
    let script = PathBuf::from(VALIDATOR);
    if !script.is_file() {
        bail!("--schema needs {VALIDATOR}: run depeche check from the project root");
    }
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        bail!("--schema needs python3 (and xmllint or the lxml module) to run {VALIDATOR}");
    }
    Ok(script)
}

/// The per-file lines and the result line.
fn render(report: &Report, summary: &Summary, update: bool) -> String {
    let mut s = String::new();
    let (mut ok, mut drift, mut missing, mut extra, mut invalid, mut terms) = (0, 0, 0, 0, 0, 0);
    for file in &report.files {
        let name = &file.name;
        match &file.drift {
            Drift::Same if file.passed() => {
                ok += 1;
                let _ = writeln!(s, "ok         {name}");
            }
            Drift::Same => {}
            Drift::Changed { diff } => {
                drift += 1;
                let _ = writeln!(s, "drift      {name}: differs from the golden file");
                for line in diff.lines() {
                    let _ = writeln!(s, "           {line}");
                }
            }
            Drift::Renamed { from, diff } => {
                drift += 1;
                let _ = writeln!(
                    s,
                    "drift      {name}: differs from the golden file {from} (the article's text \
                     changed, and with it its id)"
                );
                for line in diff.lines() {
                    let _ = writeln!(s, "           {line}");
                }
            }
            Drift::MissingGolden => {
                missing += 1;
                let _ = writeln!(s, "missing    {name}: written by the run, but no golden file");
            }
            Drift::ExtraGolden => {
                extra += 1;
                let _ = writeln!(s, "extra      {name}: golden file that no article produces");
            }
            _ => {}
        }
        if !file.invalid.is_empty() || !file.golden_invalid.is_empty() {
            invalid += 1;
        }
        for problem in &file.invalid {
            let _ = writeln!(s, "invalid    {name}: {problem}");
        }
        for problem in &file.golden_invalid {
            let _ = writeln!(s, "invalid    golden/{name}: {problem}");
        }
        if !file.violations.is_empty() {
            terms += 1;
        }
        for violation in &file.violations {
            let _ = writeln!(s, "terms      {name}: {violation}");
        }
    }
    for failure in &summary.failures {
        let _ = writeln!(s, "failed     {failure}");
    }
    if !summary.terms.is_empty() {
        let _ = writeln!(s, "glossary   {}", super::translate::terms_line(summary));
    }
    if !summary.qa.is_empty() {
        let _ = writeln!(s, "qa         {}", super::translate::qa_line(summary));
    }
    let _ = writeln!(
        s,
        "result     {} files: {ok} ok, {drift} drifted, {missing} missing, {extra} extra, \
         {invalid} invalid, {terms} with glossary violations; {} articles failed",
        report.files.len(),
        summary.failed
    );
    if !update && drift + missing + extra > 0 {
        let _ = writeln!(
            s,
            "hint       if the change is deliberate, run the same command with --update and \
             commit the golden files"
        );
    }
    s
}

fn render_updates(changes: &[(String, Update)], report: &Report, golden: &Path) -> String {
    let mut s = String::new();
    let (mut added, mut changed, mut removed) = (0, 0, 0);
    for (name, change) in changes {
        match change {
            Update::Added => {
                added += 1;
                let _ = writeln!(s, "added      {}", golden.join(name).display());
            }
            Update::Changed { .. } => {
                changed += 1;
                let _ = writeln!(s, "updated    {}", golden.join(name).display());
            }
            Update::Renamed { from } => {
                changed += 1;
                let _ = writeln!(
                    s,
                    "updated    {} (replaces {})",
                    golden.join(name).display(),
                    golden.join(from).display()
                );
            }
            Update::Removed => {
                removed += 1;
                let _ = writeln!(s, "removed    {}", golden.join(name).display());
            }
            _ => {}
        }
    }
    let skipped = report
        .files
        .iter()
        .filter(|f| !f.invalid.is_empty() && !matches!(f.drift, Drift::Same | Drift::ExtraGolden))
        .count();
    let _ = writeln!(
        s,
        "golden     {added} added, {changed} updated, {removed} removed, {} unchanged{}",
        report.files.len().saturating_sub(added + changed + removed + skipped),
        if skipped > 0 {
            format!(", {skipped} not written because the run's file is invalid")
        } else {
            String::new()
        }
    );
    s
}
