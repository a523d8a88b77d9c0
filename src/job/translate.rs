//! The translate job: articles in, one XLIFF file per article and target.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::{Error, GlossarySettings, MemorySettings, parse_targets};
use crate::glossary::Glossary;
use crate::ingest;
use crate::locale::Locale;
use crate::pipeline::{self, Budget, Notice, Observer, Pipeline, Summary, Target, XliffVersion};
use crate::qa::{self, QaConfig};
use crate::segment::Segmenter;
use crate::shard::Shard;
use crate::tm::Fuzzy;
use crate::translate::{Overrides, TermsMode, TranslateConfig, Translator};

/// What `depeche translate` does, as data. Start from
/// [`TranslateSettings::new`] and change what differs from the defaults.
#[derive(Debug, Clone)]
pub struct TranslateSettings {
    pub(super) inputs: Vec<PathBuf>,
    pub(super) targets: Vec<Locale>,
    pub(super) out_dir: PathBuf,
    pub(super) translate: TranslateConfig,
    pub(super) overrides: Overrides,
    pub(super) glossary: GlossarySettings,
    pub(super) memory: MemorySettings,
    pub(super) fuzzy: Fuzzy,
    pub(super) max_articles_in_flight: usize,
    pub(super) max_article_bytes: u64,
    pub(super) xliff: XliffVersion,
    pub(super) dry_run: bool,
    pub(super) max_chars: Option<usize>,
    pub(super) strict_terms: bool,
    pub(super) qa: QaConfig,
    pub(super) cancel: Arc<AtomicBool>,
    pub(super) shard: Option<Shard>,
}

impl TranslateSettings {
    /// Translate the articles under `inputs` (files or folders) into en-GB,
    /// into `out/`, with the offline `none` provider, the glossaries in
    /// `glossaries/` when present, no memory, 16 articles in flight, 10 MiB
    /// per file, XLIFF 1.2.
    pub fn new(inputs: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            inputs: inputs.into_iter().map(Into::into).collect(),
            targets: vec![Locale::british_english()],
            out_dir: PathBuf::from("out"),
            translate: TranslateConfig::default(),
            overrides: Overrides::default(),
            glossary: GlossarySettings::default(),
            memory: MemorySettings::Off,
            fuzzy: Fuzzy::default(),
            max_articles_in_flight: 16,
            max_article_bytes: ingest::DEFAULT_MAX_BYTES,
            xliff: XliffVersion::default(),
            dry_run: false,
            max_chars: None,
            strict_terms: false,
            qa: QaConfig::default(),
            cancel: Arc::default(),
            shard: None,
        }
    }

    /// Target locales, parsed and checked (`en-GB`, `de-DE`); duplicates in
    /// any spelling count once, French is refused.
    pub fn with_targets<I, S>(mut self, targets: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.targets = parse_targets(targets)?;
        Ok(self)
    }

    /// The folder the XLIFF files go to.
    pub fn with_out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = dir.into();
        self
    }

    /// The `[translate]` settings: providers, traffic limits, enforcement.
    pub fn with_translate(mut self, config: TranslateConfig) -> Self {
        self.translate = config;
        self
    }

    /// A provider or endpoint that replaces the configured one.
    pub fn with_overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// Which termbases apply.
    pub fn with_glossary(mut self, glossary: GlossarySettings) -> Self {
        self.glossary = glossary;
        self
    }

    /// The translation memory.
    pub fn with_memory(mut self, memory: MemorySettings) -> Self {
        self.memory = memory;
        self
    }

    /// Which similar sentences the memory offers beside a target that has
    /// no exact match (75 %, three candidates, by default).
    pub fn with_fuzzy(mut self, fuzzy: Fuzzy) -> Self {
        self.fuzzy = fuzzy;
        self
    }

    /// Articles (times targets) translated at once: the memory bound.
    pub fn with_max_articles_in_flight(mut self, n: usize) -> Self {
        self.max_articles_in_flight = n.max(1);
        self
    }

    /// Largest input file read, in bytes.
    pub fn with_max_article_bytes(mut self, bytes: u64) -> Self {
        self.max_article_bytes = bytes;
        self
    }

    /// XLIFF 1.2 or 2.1.
    pub fn with_xliff(mut self, version: XliffVersion) -> Self {
        self.xliff = version;
        self
    }

    /// Do everything but call providers, and write nothing.
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Stop sending to providers once this many characters would be exceeded.
    pub fn with_max_chars(mut self, max_chars: Option<usize>) -> Self {
        self.max_chars = max_chars;
        self
    }

    /// Count any glossary violation as a failure of the run.
    pub fn with_strict_terms(mut self, strict: bool) -> Self {
        self.strict_terms = strict;
        self
    }

    /// The `[qa]` settings: whether spelling is localised before the checks.
    pub fn with_qa(mut self, qa: QaConfig) -> Self {
        self.qa = qa;
        self
    }

    /// A flag that, once set (Ctrl-C), stops starting new files; the
    /// articles in flight finish and are written.
    pub fn with_cancel(mut self, cancel: Arc<AtomicBool>) -> Self {
        self.cancel = cancel;
        self
    }

    /// Only the articles of this share of the batch: N processes started
    /// with `1/N` to `N/N` on the same inputs split it between them, by
    /// article id (see [`Shard`]).
    pub fn with_shard(mut self, shard: Option<Shard>) -> Self {
        self.shard = shard;
        self
    }

    /// The target locales.
    pub fn targets(&self) -> &[Locale] {
        &self.targets
    }
}

/// What a translate run did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TranslateSummary {
    /// The pipeline's figures and failures.
    pub run: Summary,
    /// The target locales, in the order given.
    pub targets: Vec<Locale>,
    /// Where the XLIFF files went.
    pub out_dir: PathBuf,
    /// The provider chain (`deepl`, `memory → apertium`, `none`).
    pub provider: String,
    /// True when no provider produces targets (`none`, or the memory alone).
    pub offline: bool,
    /// True when a translation memory was open.
    pub memory: bool,
    /// Nothing was sent or written.
    pub dry_run: bool,
    /// Glossary violations count as failures.
    pub strict_terms: bool,
    /// Concepts in the glossary of the run.
    pub glossary_concepts: usize,
    /// The share of the batch this run took, if sharded.
    pub shard: Option<Shard>,
    /// Where termbases were looked for, to say so when none was loaded.
    pub glossary_paths: Vec<PathBuf>,
}

impl TranslateSummary {
    /// True when every article was written with every segment translated
    /// (or left to humans by the `none` provider), nothing was left by an
    /// interruption or the budget, and, under strict terms, no glossary term
    /// was violated.
    pub fn passed(&self) -> bool {
        let r = &self.run;
        r.failed == 0
            && r.not_started == 0
            && r.translate.failed == 0
            && r.over_budget == 0
            && !(self.strict_terms && r.terms_violated() > 0)
    }
}

/// Runs a translate job.
pub async fn translate(
    settings: TranslateSettings,
    observer: &mut dyn Observer,
) -> Result<TranslateSummary, Error> {
    let mut translator =
        Translator::new(&settings.translate, &settings.overrides).map_err(Error::Provider)?;
    // The termbases load on a thread of their own while this one walks the
    // inputs and builds the sentence splitter and the checks: none of these
    // has a side effect, and their errors still come in the order below.
    let loading = {
        let glossary = settings.glossary.clone();
        std::thread::Builder::new()
            .name("depeche-glossary".into())
            .spawn(move || glossary.load())
            .ok()
    };
    let found = discover(&settings.inputs);
    let segmenter = Segmenter::french();
    let checks = qa::default_checks();
    let loaded = match loading.map(std::thread::JoinHandle::join) {
        Some(Ok(loaded)) => loaded,
        // A panic there is a bug; it goes on as if it had happened here.
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread to spare: the termbases load here.
        None => settings.glossary.load(),
    };
    let glossary = loaded?;
    // Strict terms with no terms to be strict about would pass every run:
    // refuse before anything is read or sent.
    if settings.strict_terms && glossary.is_empty() {
        return Err(Error::Settings(format!(
            "--strict-terms: no glossary loaded (looked in {}); put the termbases (.tbx, .csv) \
             there, or point at them with --glossary FILE_OR_FOLDER",
            searched(&settings.glossary.paths)
        )));
    }
    let files = found?;
    if !settings.dry_run {
        std::fs::create_dir_all(&settings.out_dir).map_err(|source| Error::Io {
            path: settings.out_dir.clone(),
            what: "cannot create the output folder",
            source,
        })?;
        // A killed run may have left a temporary file behind; never an XLIFF.
        crate::output::remove_stale_temporaries(&settings.out_dir);
    }
    // The memory serves every run that can call a provider (and any chain
    // that names it); a `none` run leaves targets to humans and needs none.
    let memory = settings.memory.open(!translator.is_offline() || translator.uses_memory()).await?;
    // Workers sharing a memory server share its traffic limits, their
    // character budget and their claims on sentences too.
    let coordinator = memory.as_ref().and_then(|m| m.coordinator());
    if let Some(coordinator) = &coordinator {
        translator.share_traffic(coordinator);
    }
    let translator = Arc::new(translator);
    let budget = settings.max_chars.map(|limit| {
        let budget = Budget::new(limit);
        match &coordinator {
            Some(c) => budget.shared(Arc::clone(c), batch_name(&settings, &files, limit)),
            None => budget,
        }
    });
    if !translator.is_offline() && !settings.dry_run && settings.translate.terms != TermsMode::Off {
        for target in &settings.targets {
            prepare_native_glossary(&translator, &glossary, target, observer).await;
        }
    }
    // Changing how terms act must re-check translations cached another way.
    let glossary_version = glossary.version(&format!(";terms:{}", settings.translate.terms));
    let targets = settings
        .targets
        .iter()
        .map(|locale| Target { locale: locale.clone(), matcher: glossary.matcher(locale.as_str()) })
        .collect();
    let pipeline = Pipeline {
        targets,
        out_dir: settings.out_dir.clone(),
        max_articles_in_flight: settings.max_articles_in_flight.max(1),
        max_article_bytes: settings.max_article_bytes,
        segmenter,
        translator: Arc::clone(&translator),
        checks,
        localise_spelling: settings.qa.localise_spelling,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        xliff_version: settings.xliff,
        cancel: Arc::clone(&settings.cancel),
        memory: memory.clone(),
        glossary_version,
        fuzzy: settings.fuzzy,
        dry_run: settings.dry_run,
        budget,
        counters: Arc::default(),
        shard: settings.shard,
        coordinator,
    };
    observer.started(files.len(), Arc::clone(&pipeline.counters));
    let run = pipeline::run(files, Arc::new(pipeline), observer).await;
    Ok(TranslateSummary {
        run,
        targets: settings.targets,
        out_dir: settings.out_dir,
        provider: translator.describe(),
        offline: translator.is_offline(),
        memory: memory.is_some(),
        dry_run: settings.dry_run,
        strict_terms: settings.strict_terms,
        glossary_concepts: glossary.len(),
        shard: settings.shard,
        glossary_paths: settings.glossary.paths,
    })
}

/// The name of a batch's shared character budget: the same for every
/// worker started on the same files and targets with the same share count
/// and limit, whatever its share and wherever it runs.
fn batch_name(settings: &TranslateSettings, files: &[PathBuf], limit: usize) -> String {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update([0]);
    }
    for t in &settings.targets {
        h.update(t.as_str().as_bytes());
        h.update([0]);
    }
    h.update(settings.shard.map_or(1, |s| s.count()).to_be_bytes());
    h.update(limit.to_be_bytes());
    let digest: String = h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("batch-{digest}")
}

/// `glossaries/`, `a.tbx, b/`: the places termbases were looked for.
pub fn searched(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            if p.extension().is_none() && !name.ends_with('/') { format!("{name}/") } else { name }
        })
        .collect();
    if names.is_empty() { "nowhere".into() } else { names.join(", ") }
}

/// The article files under `inputs`, each of which must exist.
pub(super) fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if let Some(path) = inputs.iter().find(|p| !p.exists()) {
        return Err(Error::NoSuchInput { path: path.clone() });
    }
    let files = ingest::discover(inputs).map_err(Error::Discover)?;
    if files.is_empty() {
        let what = format!(
            "no article files found in {} (depeche reads .txt, .html, .rss, .atom, .xml, .nitf \
             and .jsonl files)",
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
        return Err(Error::NothingToRead { what });
    }
    Ok(files)
}

/// Gives each provider with a native glossary (DeepL, Google v3) the
/// termbase's entries for `target`, reporting what happened.
async fn prepare_native_glossary(
    translator: &Translator,
    glossary: &Glossary,
    target: &Locale,
    observer: &mut dyn Observer,
) {
    let entries = native_glossary_entries(glossary, target.as_str());
    let source = Locale::french();
    let prepared = translator.prepare_glossary(&entries, source.as_str(), target.as_str()).await;
    for (provider, result) in prepared {
        let notice = match result {
            Ok(Some(id)) => Notice::NativeGlossary { provider, target: target.clone(), id },
            Ok(None) => continue,
            Err(error) => Notice::NativeGlossaryFailed {
                provider,
                target: target.clone(),
                error: Arc::new(error),
            },
        };
        observer.notice(&notice);
    }
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
