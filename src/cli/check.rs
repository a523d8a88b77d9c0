//! `depeche check`: a deterministic, offline run over fixture articles,
//! compared with the golden XLIFF files (for CI).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;

use depeche::check::{self, Drift, Report, Update};
use depeche::ingest;
use depeche::pipeline::{self, Context, NoObserver, Summary, XliffVersion};
use depeche::tm::{self, Memory};
use depeche::translate::{Overrides, TranslateConfig, Translator};

use super::Config;

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
        default_value = "en-GB"
    )]
    to: Vec<String>,

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
}

/// Runs `depeche check`.
pub(crate) fn run(args: CheckArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let articles = args.articles.clone().unwrap_or_else(|| args.dir.join("articles"));
    let golden = args.golden.clone().unwrap_or_else(|| args.dir.join("golden"));
    if !articles.is_dir() {
        bail!(
            "{}: no such folder (give the fixtures folder, or --articles DIR)",
            articles.display()
        );
    }
    if !matches!(args.provider.as_str(), "none" | "memory") {
        bail!(
            "check runs offline: use --provider none or --provider memory --tm FILE, not {:?}",
            args.provider
        );
    }
    if args.provider == "memory" && args.tm.is_none() {
        bail!("--provider memory needs a translation memory fixture: --tm FILE.tmx");
    }
    let validator = if args.schema { Some(find_validator()?) } else { None };
    let files = ingest::discover(std::slice::from_ref(&articles))
        .with_context(|| format!("{}: cannot list the articles", articles.display()))?;
    if files.is_empty() {
        bail!(
            "{}: no article files (depeche reads .txt, .html, .rss, .atom, .xml, .nitf and .jsonl files)",
            articles.display()
        );
    }

    // Everything the run writes goes to a temporary folder, never into the fixtures.
    let scratch = tempfile::tempdir().context("cannot create a temporary folder")?;
    let out_dir = scratch.path().join("run");
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("{}: cannot create the folder", out_dir.display()))?;
    let memory: Option<Arc<dyn tm::MemoryStore>> = match &args.tm {
        Some(path) => Some(Arc::new(scratch_memory(path, scratch.path())?)),
        None => None,
    };

    let overrides = Overrides { provider: Some(args.provider.clone()), endpoint: None };
    let translator = Arc::new(
        Translator::new(&TranslateConfig::default(), &overrides)
            .context("cannot set up the translation provider")?,
    );
    let (glossary, glossary_version) = super::translate::load_glossary(&args.glossary, config)?;
    let targets = super::translate::validate_locales(args.to.clone())?;
    let mut ctx = Context::new(&glossary, targets.clone(), out_dir.clone(), translator);
    ctx.memory = memory;
    ctx.glossary_version = glossary_version;
    ctx.xliff_version = args.xliff;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(pipeline::run(files, Arc::new(ctx), &mut NoObserver));

    let mut report = check::compare(&out_dir, &golden, &articles)
        .context("cannot compare with the golden files")?;
    if let Some(script) = validator {
        schema_check(&script, &out_dir, &mut report)?;
    }

    let mut text = String::new();
    let _ = writeln!(
        text,
        "check      {} articles from {}, provider {}, {}, golden files in {}",
        summary.articles_ok + summary.failed,
        articles.display(),
        args.provider,
        targets.join(", "),
        golden.display()
    );
    text.push_str(&render(&report, &summary, args.update));
    let mut code = if report.passed() && summary.failed == 0 { 0 } else { 1 };
    if args.update {
        let changes = check::update(&report, &golden)
            .with_context(|| format!("{}: cannot update the golden files", golden.display()))?;
        text.push_str(&render_updates(&changes, &report, &golden));
        // The golden files now match: what still fails is the run itself.
        let broken = report.files.iter().any(|f| !f.invalid.is_empty() || !f.violations.is_empty());
        code = if broken || summary.failed > 0 { 1 } else { 0 };
    }
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(ExitCode::from(code))
}

/// A memory in `dir` holding the fixture at `path`: a TMX file is imported,
/// a depeche memory is copied, so the run can never change the fixture.
fn scratch_memory(path: &Path, dir: &Path) -> anyhow::Result<Memory> {
    let target = dir.join("tm.sqlite");
    let is_tmx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tmx"));
    if !is_tmx {
        std::fs::copy(path, &target).with_context(|| {
            format!("{}: cannot read the translation memory fixture", path.display())
        })?;
    }
    let memory = Memory::open(&target)
        .with_context(|| format!("{}: cannot open the translation memory", path.display()))?;
    if is_tmx {
        tm::tmx::import(&memory, path).context("cannot import the translation memory fixture")?;
    }
    Ok(memory)
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

/// Runs the schema validator on every written file and files its
/// complaints under the file they concern.
fn schema_check(script: &Path, out_dir: &Path, report: &mut Report) -> anyhow::Result<()> {
    let paths: Vec<PathBuf> = report
        .files
        .iter()
        .filter(|f| f.drift != Drift::ExtraGolden)
        .map(|f| out_dir.join(&f.name))
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    let out = Command::new("python3")
        .arg(script)
        .arg("--checks")
        .args(&paths)
        .output()
        .with_context(|| format!("cannot run python3 {}", script.display()))?;
    if out.status.code() == Some(2) {
        bail!(
            "{} could not validate (install xmllint or lxml): {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("INVALID ") else { continue };
        let (path, why) = rest.split_once(": ").unwrap_or((rest, "invalid"));
        let name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if let Some(file) = report.files.iter_mut().find(|f| f.name == name) {
            file.invalid.push(format!("schema: {why}"));
        }
    }
    Ok(())
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
    for line in &summary.failures {
        let _ = writeln!(s, "failed     {line}");
    }
    if !summary.terms.is_empty() {
        let _ = writeln!(s, "glossary   {}", super::translate::terms_line(summary));
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
