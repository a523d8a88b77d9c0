//! The check job: a deterministic, offline run over fixture articles,
//! compared with golden XLIFF files (for CI).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use super::{Error, GlossarySettings, MemorySettings, parse_targets};
use crate::check::{self, Drift, Report, Update};
use crate::locale::Locale;
use crate::model::CheckId;
use crate::pipeline::{Outcome, Summary, XliffVersion};
use crate::tm::{self, Memory};
use crate::translate::{Overrides, TranslateConfig};

/// The offline provider a check runs with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckProvider {
    /// Empty targets: the XLIFF as handed to human translators.
    #[default]
    None,
    /// Targets from a translation memory fixture.
    Memory,
}

/// What `depeche check` does, as data.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    articles: PathBuf,
    golden: PathBuf,
    targets: Vec<Locale>,
    glossary: GlossarySettings,
    provider: CheckProvider,
    memory_fixture: Option<PathBuf>,
    xliff: XliffVersion,
    validator: Option<PathBuf>,
    update: bool,
}

impl CheckSettings {
    /// Articles in `<dir>/articles`, golden files in `<dir>/golden`, en-GB,
    /// the `none` provider, XLIFF 1.2, the glossaries in `glossaries/`.
    pub fn new(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        Self {
            articles: dir.join("articles"),
            golden: dir.join("golden"),
            targets: vec![Locale::british_english()],
            glossary: GlossarySettings::default(),
            provider: CheckProvider::None,
            memory_fixture: None,
            xliff: XliffVersion::default(),
            validator: None,
            update: false,
        }
    }

    /// The article folder, instead of `<dir>/articles`.
    pub fn with_articles(mut self, dir: impl Into<PathBuf>) -> Self {
        self.articles = dir.into();
        self
    }

    /// The golden folder, instead of `<dir>/golden`.
    pub fn with_golden(mut self, dir: impl Into<PathBuf>) -> Self {
        self.golden = dir.into();
        self
    }

    /// Target locales (checked as for translate).
    pub fn with_targets<I, S>(mut self, targets: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.targets = parse_targets(targets)?;
        Ok(self)
    }

    /// Which termbases apply.
    pub fn with_glossary(mut self, glossary: GlossarySettings) -> Self {
        self.glossary = glossary;
        self
    }

    /// Targets from a memory fixture: a `.tmx` file (imported into a
    /// scratch memory) or a depeche memory (copied; never changed).
    pub fn with_memory_fixture(mut self, path: impl Into<PathBuf>) -> Self {
        self.provider = CheckProvider::Memory;
        self.memory_fixture = Some(path.into());
        self
    }

    /// XLIFF 1.2 or 2.1.
    pub fn with_xliff(mut self, version: XliffVersion) -> Self {
        self.xliff = version;
        self
    }

    /// Also run this schema validator (`validate-xliff`, needs python3)
    /// with `--checks` on every written file.
    pub fn with_schema_validator(mut self, script: impl Into<PathBuf>) -> Self {
        self.validator = Some(script.into());
        self
    }

    /// Rewrite the golden files from this run (after a deliberate change).
    pub fn with_update(mut self, update: bool) -> Self {
        self.update = update;
        self
    }

    /// The article folder.
    pub fn articles(&self) -> &Path {
        &self.articles
    }

    /// The golden folder.
    pub fn golden(&self) -> &Path {
        &self.golden
    }

    /// The offline provider.
    pub fn provider(&self) -> CheckProvider {
        self.provider
    }
}

/// What a check found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CheckSummary {
    /// The run over the fixture articles.
    pub run: Summary,
    /// Each written or golden file: drift, validity, glossary violations.
    pub report: Report,
    /// What `--update` changed in the golden folder (None without it).
    pub updates: Option<Vec<(String, Update)>>,
    /// The target locales.
    pub targets: Vec<Locale>,
}

impl CheckSummary {
    /// True when every article ran, every file matches its golden file (or
    /// the golden files were updated to match), every file is valid and no
    /// glossary term is violated.
    pub fn passed(&self) -> bool {
        if self.run.failed > 0 {
            return false;
        }
        match self.updates {
            // The golden files now match: what still fails is the run itself.
            Some(_) => {
                !self.report.files.iter().any(|f| !f.invalid.is_empty() || !f.violations.is_empty())
            }
            None => self.report.passed(),
        }
    }
}

/// Runs a check job.
pub async fn check(settings: CheckSettings) -> Result<CheckSummary, Error> {
    check_with(settings, &mut crate::pipeline::NoObserver).await
}

/// Runs a check job, telling `observer` about every file of the run as
/// [`translate`](super::translate()) does (reports record them this way).
pub async fn check_with(
    settings: CheckSettings,
    observer: &mut dyn crate::pipeline::Observer,
) -> Result<CheckSummary, Error> {
    if !settings.articles.is_dir() {
        return Err(Error::NothingToRead {
            what: format!(
                "{}: no such folder (give the fixtures folder, or --articles DIR)",
                settings.articles.display()
            ),
        });
    }
    // Everything the run writes goes to a temporary folder, never into the fixtures.
    let scratch = tempfile::tempdir().map_err(|source| Error::Io {
        path: std::env::temp_dir(),
        what: "cannot create a temporary folder",
        source,
    })?;
    let out_dir = scratch.path().join("run");
    let memory = match (&settings.provider, &settings.memory_fixture) {
        (CheckProvider::Memory, Some(path)) => {
            let memory: Arc<dyn tm::MemoryStore> = Arc::new(scratch_memory(path, scratch.path())?);
            MemorySettings::Open(memory)
        }
        (CheckProvider::Memory, None) => {
            return Err(Error::Settings(
                "--provider memory needs a translation memory fixture: --tm FILE.tmx".into(),
            ));
        }
        (CheckProvider::None, _) => MemorySettings::Off,
    };
    let provider = match settings.provider {
        CheckProvider::None => "none",
        CheckProvider::Memory => "memory",
    };
    let mut translate = super::TranslateSettings::new([&settings.articles])
        .with_out_dir(&out_dir)
        .with_translate(TranslateConfig::default())
        .with_overrides(Overrides { provider: Some(provider.into()), endpoint: None })
        .with_glossary(settings.glossary.clone())
        .with_memory(memory)
        .with_xliff(settings.xliff);
    translate.targets.clone_from(&settings.targets);
    let mut recorder = Recorder { violations: BTreeMap::new(), inner: observer };
    let summary = super::translate(translate, &mut recorder).await?.run;
    let violations = recorder.violations;

    let mut report =
        check::compare(&out_dir, &settings.golden, &settings.articles).map_err(|source| {
            Error::Golden {
                path: settings.golden.clone(),
                what: "cannot compare with the golden files",
                source,
            }
        })?;
    for file in &mut report.files {
        if let Some(found) = violations.get(&file.name) {
            file.violations.clone_from(found);
        }
    }
    if let Some(script) = &settings.validator {
        schema_check(script, &out_dir, &mut report)?;
    }
    let updates = if settings.update {
        Some(check::update(&report, &settings.golden).map_err(|source| Error::Golden {
            path: settings.golden.clone(),
            what: "cannot update the golden files",
            source,
        })?)
    } else {
        None
    };
    Ok(CheckSummary { run: summary, report, updates, targets: settings.targets })
}

/// Keeps the glossary violations of each written file, by file name, and
/// passes everything on to the caller's observer.
struct Recorder<'a> {
    violations: BTreeMap<String, Vec<String>>,
    inner: &'a mut dyn crate::pipeline::Observer,
}

impl crate::pipeline::Observer for Recorder<'_> {
    fn started(&mut self, files: usize, counters: Arc<crate::pipeline::Counters>) {
        self.inner.started(files, counters);
    }

    fn segments_found(&mut self, count: usize) {
        self.inner.segments_found(count);
    }

    fn outcome(&mut self, outcome: &Outcome) {
        if let Some((name, lines)) = term_violations(outcome) {
            self.violations.insert(name, lines);
        }
        self.inner.outcome(outcome);
    }

    fn notice(&mut self, notice: &crate::pipeline::Notice) {
        self.inner.notice(notice);
    }
}

/// A memory in `dir` holding the fixture at `path`: a TMX file is imported,
/// a depeche memory is copied, so the run can never change the fixture.
fn scratch_memory(path: &Path, dir: &Path) -> Result<Memory, Error> {
    let target = dir.join("tm.sqlite");
    let is_tmx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tmx"));
    if !is_tmx {
        std::fs::copy(path, &target).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            what: "cannot read the translation memory fixture",
            source,
        })?;
    }
    let memory = Memory::open(&target)
        .map_err(|source| Error::Memory { path: path.to_path_buf(), source })?;
    if is_tmx {
        tm::tmx::import(&memory, path).map_err(|source| Error::MemoryFixture {
            path: path.to_path_buf(),
            source: Box::new(source),
        })?;
    }
    Ok(memory)
}

/// Runs the schema validator on every written file and files its
/// complaints under the file they concern.
fn schema_check(script: &Path, out_dir: &Path, report: &mut Report) -> Result<(), Error> {
    let paths: Vec<PathBuf> = report
        .files
        .iter()
        .filter(|f| f.drift != Drift::ExtraGolden)
        .map(|f| out_dir.join(&f.name))
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    let out = Command::new("python3").arg(script).arg("--checks").args(&paths).output().map_err(
        |source| Error::Io {
            path: script.to_path_buf(),
            what: "cannot run it with python3",
            source,
        },
    )?;
    if out.status.code() == Some(2) {
        return Err(Error::Settings(format!(
            "{} could not validate (install xmllint or lxml): {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
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

/// The `terms` findings of one written file, as `unit-id: note`.
fn term_violations(outcome: &Outcome) -> Option<(String, Vec<String>)> {
    let Outcome::Written { path, findings, .. } = outcome else { return None };
    let name = path.file_name()?.to_str()?.to_string();
    let lines = findings
        .iter()
        .filter(|f| f.issue.check == CheckId::Terms)
        .map(|f| format!("{}: {}", f.unit, crate::xliff::qa_note(&f.issue)))
        .collect();
    Some((name, lines))
}
