//! The pipeline: the one place that knows the order of the stages.
//!
//! ```text
//! files ─map(prepare: read → normalise → segment)            (blocking pool)
//!       ─map(per target: terms → translate → qa → write)     (async, provider-bound)
//!       ─buffer_unordered(max_articles_in_flight)
//!       ─for_each(observer + summary)
//! ```
//!
//! A stream pulls, so `buffer_unordered(n)` caps memory at `n` files in
//! flight whatever the size of the batch. Cross-article API limits belong to
//! the translate stage, not to this bound. One bad file becomes an
//! [`Outcome::Failed`] and the rest of the batch goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::glossary::{self, Matcher};
use crate::ingest;
use crate::model::{Article, Origin, Severity};
use crate::output;
use crate::qa::{self, Check};
use crate::segment::{self, Segmenter};
use crate::tm::{self, MemoryStore};
use crate::translate::{TranslateStats, Translator};
use crate::xliff;

/// What a run needs besides its input files.
pub struct Context {
    /// Target locales, one XLIFF per article and locale.
    pub targets: Vec<String>,
    /// Folder the XLIFF files go to.
    pub out_dir: PathBuf,
    /// How many files are processed at once (the memory bound).
    pub max_articles_in_flight: usize,
    /// Largest input file read, in bytes.
    pub max_article_bytes: u64,
    /// The sentence splitter.
    pub segmenter: Segmenter,
    /// One glossary matcher per target locale, in `targets` order.
    pub matchers: Vec<Matcher>,
    /// The translation providers (one, or a chain).
    pub translator: Arc<Translator>,
    /// QA checks run on every target.
    pub checks: Vec<Box<dyn Check>>,
    /// Version string written into the XLIFF `<tool>` element.
    pub tool_version: String,
    /// Which XLIFF version to write.
    pub xliff_version: XliffVersion,
    /// Set to stop starting new files (Ctrl-C); files in flight finish.
    pub cancel: Arc<AtomicBool>,
    /// The translation memory: looked up before any provider, fed with
    /// every machine translation before its XLIFF is written.
    pub memory: Option<Arc<dyn MemoryStore>>,
    /// Version of the glossary in force (a content hash), stored with TM
    /// entries so that a glossary change re-checks cached translations.
    pub glossary_version: String,
    /// Run everything but the provider calls, and write nothing.
    pub dry_run: bool,
    /// Most characters the run may send to providers.
    pub budget: Option<Budget>,
    /// Live counters for progress displays.
    pub counters: Arc<Counters>,
}

impl Context {
    /// A context with the default settings: French segmentation, the
    /// default QA checks, 16 files in flight, 10 MiB per file, XLIFF 1.2, no
    /// memory, no budget. Set the public fields to change them.
    pub fn new(
        glossary: &crate::glossary::Glossary,
        targets: Vec<String>,
        out_dir: PathBuf,
        translator: Arc<Translator>,
    ) -> Self {
        Self {
            matchers: targets.iter().map(|t| glossary.matcher(t)).collect(),
            targets,
            out_dir,
            max_articles_in_flight: 16,
            max_article_bytes: ingest::DEFAULT_MAX_BYTES,
            segmenter: Segmenter::french(),
            translator,
            checks: qa::default_checks(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            xliff_version: XliffVersion::default(),
            cancel: Arc::default(),
            memory: None,
            glossary_version: String::new(),
            dry_run: false,
            budget: None,
            counters: Arc::default(),
        }
    }
}

/// Figures that grow while a run goes, for progress bars: read them at any
/// time from another thread.
#[derive(Debug, Default)]
pub struct Counters {
    /// Segments found in the files read so far.
    pub segments_found: AtomicUsize,
}

/// A character budget shared by every article of a run (`--max-chars`).
///
/// An article is sent only when all its untranslated characters fit in
/// what is left; once one does not fit, sending stops for the whole run, so
/// the order in which articles are translated stays predictable.
#[derive(Debug)]
pub struct Budget {
    limit: usize,
    spent: AtomicUsize,
    exhausted: AtomicBool,
}

impl Budget {
    /// A budget of `limit` characters.
    pub fn new(limit: usize) -> Self {
        Self { limit, spent: AtomicUsize::new(0), exhausted: AtomicBool::new(false) }
    }

    /// Reserves `chars`; false (and the budget closes) when they do not fit.
    fn reserve(&self, chars: usize) -> bool {
        if self.exhausted.load(Ordering::SeqCst) {
            return false;
        }
        let granted = self
            .spent
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |spent| {
                spent.checked_add(chars).filter(|total| *total <= self.limit)
            })
            .is_ok();
        if !granted {
            self.exhausted.store(true, Ordering::SeqCst);
        }
        granted
    }

    /// True once an article did not fit.
    pub fn exhausted(&self) -> bool {
        self.exhausted.load(Ordering::SeqCst)
    }

    /// Characters reserved so far.
    pub fn spent(&self) -> usize {
        self.spent.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("targets", &self.targets)
            .field("out_dir", &self.out_dir)
            .field("translator", &self.translator.describe())
            .finish_non_exhaustive()
    }
}

/// The XLIFF version of the output files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub enum XliffVersion {
    /// XLIFF 1.2, which every CAT tool reads.
    #[default]
    #[serde(rename = "1.2")]
    V12,
    /// XLIFF 2.1, with the glossary module.
    #[serde(rename = "2.1")]
    V21,
}

impl std::str::FromStr for XliffVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "1.2" => Ok(Self::V12),
            "2" | "2.0" | "2.1" => Ok(Self::V21),
            other => Err(format!("unknown XLIFF version {other:?} (use 1.2 or 2.1)")),
        }
    }
}

/// Figures for one written XLIFF file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleStats {
    /// Paragraphs in the article.
    pub paragraphs: usize,
    /// Sentences in the article.
    pub segments: usize,
    /// Characters of source text.
    pub chars: usize,
    /// Segments that got a target.
    pub translated: usize,
    /// What the provider calls cost.
    pub translate: TranslateStats,
    /// Per domain: (terms found, terms applied, terms violated).
    pub terms: BTreeMap<String, TermCounts>,
    /// Segments with at least one QA error.
    pub segments_with_errors: usize,
    /// Segments served by the translation memory.
    pub memory_hits: usize,
    /// Segments and characters a dry run would have sent.
    pub would_send: (usize, usize),
    /// Segments left untranslated because the budget ran out.
    pub over_budget: usize,
}

/// Glossary figures for one domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermCounts {
    /// Term occurrences found in the source.
    pub found: usize,
    /// Found terms whose expected target is in the translation.
    pub applied: usize,
    /// Found terms the translation gets wrong.
    pub violated: usize,
}

/// What happened to one input (file, or article and target).
#[derive(Debug, Clone)]
pub enum Outcome {
    /// An XLIFF file was written (or was already up to date).
    Written {
        /// Article id.
        id: String,
        /// Input path.
        origin: String,
        /// Target locale.
        target: String,
        /// The XLIFF file.
        path: PathBuf,
        /// False when the file already held the same bytes.
        changed: bool,
        /// Figures for the summary.
        stats: Box<ArticleStats>,
        /// Warnings worth showing (dropped characters, ...).
        warnings: Vec<String>,
    },
    /// The input could not be turned into XLIFF; nothing was written for it.
    Failed {
        /// Input path.
        origin: String,
        /// Target locale, when the failure is specific to one.
        target: Option<String>,
        /// The error, with its causes, for the user.
        error: String,
    },
}

/// Receives progress as the run goes; the binary draws bars with it.
pub trait Observer: Send {
    /// Segments found in a file that is about to be translated.
    fn segments_found(&mut self, _count: usize) {}
    /// One input is done.
    fn outcome(&mut self, _outcome: &Outcome) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// Totals for a whole run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Distinct articles written for every target.
    pub articles_ok: usize,
    /// Inputs or article/target pairs that failed.
    pub failed: usize,
    /// XLIFF files written or already up to date.
    pub files_written: usize,
    /// Files left untouched because their content did not change.
    pub files_unchanged: usize,
    /// Paragraphs (counted once per article, not per target).
    pub paragraphs: usize,
    /// Sentences (once per article).
    pub segments: usize,
    /// Source characters (once per article).
    pub chars: usize,
    /// Segments that got a target, over all targets.
    pub translated: usize,
    /// Provider figures, over all targets.
    pub translate: TranslateStats,
    /// Glossary figures per domain, over all targets.
    pub terms: BTreeMap<String, TermCounts>,
    /// Segments with a QA error, over all targets.
    pub segments_with_errors: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// The failures, one line each (see [`failure_line`]).
    pub failures: Vec<String>,
    /// Input files never started because the run was interrupted.
    pub not_started: usize,
    /// Segments served by the translation memory, over all targets.
    pub memory_hits: usize,
    /// Dry run: segments and characters that would have been sent.
    pub would_send: (usize, usize),
    /// Segments left untranslated because the budget ran out.
    pub over_budget: usize,
}

impl Summary {
    /// Glossary terms violated over all domains.
    pub fn terms_violated(&self) -> usize {
        self.terms.values().map(|c| c.violated).sum()
    }

    fn add(&mut self, outcome: &Outcome, first_target: &str) {
        match outcome {
            Outcome::Written { target, changed, stats, .. } => {
                self.files_written += 1;
                if !changed {
                    self.files_unchanged += 1;
                }
                if target == first_target {
                    self.articles_ok += 1;
                    self.paragraphs += stats.paragraphs;
                    self.segments += stats.segments;
                    self.chars += stats.chars;
                }
                self.translated += stats.translated;
                self.translate.add(&stats.translate);
                self.memory_hits += stats.memory_hits;
                self.would_send.0 += stats.would_send.0;
                self.would_send.1 += stats.would_send.1;
                self.over_budget += stats.over_budget;
                self.segments_with_errors += stats.segments_with_errors;
                for (domain, c) in &stats.terms {
                    let t = self.terms.entry(domain.clone()).or_default();
                    t.found += c.found;
                    t.applied += c.applied;
                    t.violated += c.violated;
                }
            }
            Outcome::Failed { origin, target, error } => {
                self.failed += 1;
                self.failures.push(failure_line(origin, target.as_deref(), error));
            }
        }
    }
}

/// Runs the whole pipeline over `files`, reporting to `observer`.
pub async fn run(files: Vec<PathBuf>, ctx: Arc<Context>, observer: &mut dyn Observer) -> Summary {
    let started = Instant::now();
    let mut summary = Summary::default();
    let first_target = ctx.targets.first().cloned().unwrap_or_default();
    let in_flight = ctx.max_articles_in_flight.max(1);
    let total = files.len();
    let started_files = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&started_files);
    let cancel = Arc::clone(&ctx.cancel);
    let mut outcomes = futures::stream::iter(files)
        // Checked when the next file is pulled, so an interrupted run stops
        // starting files while those in flight finish and are written.
        .take_while(move |_| std::future::ready(!cancel.load(Ordering::Relaxed)))
        .inspect(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .map(|path| {
            let ctx = Arc::clone(&ctx);
            async move { process_file(path, ctx).await }
        })
        .buffer_unordered(in_flight);
    while let Some((segments, results)) = outcomes.next().await {
        observer.segments_found(segments);
        for outcome in results {
            observer.outcome(&outcome);
            summary.add(&outcome, &first_target);
        }
    }
    if summary.files_written > summary.files_unchanged && !ctx.dry_run {
        // One folder sync makes every rename of the run durable.
        if let Err(error) = output::sync_dir(&ctx.out_dir) {
            let origin = ctx.out_dir.display().to_string();
            summary.failures.push(failure_line(&origin, None, &error_chain(&error)));
            summary.failed += 1;
        }
    }
    summary.elapsed = started.elapsed();
    summary.not_started = total.saturating_sub(started_files.load(Ordering::Relaxed));
    summary
}

/// One file through every stage, for every target. Returns the number of
/// segments found and one outcome per article and target (or one failure).
async fn process_file(path: PathBuf, ctx: Arc<Context>) -> (usize, Vec<Outcome>) {
    let origin = path.display().to_string();
    let prepared = {
        let ctx = Arc::clone(&ctx);
        tokio::task::spawn_blocking(move || prepare(&path, &ctx)).await
    };
    let items = match prepared {
        Ok(Ok(items)) => items,
        Ok(Err(error)) => return (0, vec![failed(origin, None, &error)]),
        Err(join) => return (0, vec![failed(origin, None, &join)]),
    };
    // One bad item of a feed is reported on its own; the others go on.
    let mut outcomes = Vec::with_capacity(items.len() * ctx.targets.len());
    let mut articles = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Ok(article) => articles.push(article),
            Err(error) => outcomes.push(failed(origin.clone(), None, &error)),
        }
    }
    let segments: usize = articles.iter().map(count_segments).sum();
    ctx.counters.segments_found.fetch_add(segments, Ordering::Relaxed);
    // The articles of one file (a feed's items) and their targets go through
    // translation side by side, under the same bound as files.
    let jobs = articles.iter().flat_map(|a| ctx.targets.iter().enumerate().map(move |t| (a, t)));
    let translated: Vec<Outcome> = futures::stream::iter(jobs)
        .map(|(article, (i, target))| {
            let ctx = &ctx;
            async move {
                match ctx.matchers.get(i) {
                    Some(matcher) => translate_one(article.clone(), target, matcher, ctx).await,
                    None => Outcome::Failed {
                        origin: article.origin.clone(),
                        target: Some(target.clone()),
                        error: "no glossary matcher for this target".into(),
                    },
                }
            }
        })
        .buffer_unordered(ctx.max_articles_in_flight.max(1))
        .collect()
        .await;
    outcomes.extend(translated);
    (segments, outcomes)
}

/// Read, normalise and segment one file (blocking work).
fn prepare(path: &Path, ctx: &Context) -> Result<ingest::Items, ingest::Error> {
    let opts = ingest::ReadOptions::default().with_max_bytes(ctx.max_article_bytes);
    let mut items = ingest::read_items(path, &opts)?;
    for article in items.iter_mut().flatten() {
        segment::segment_article(&ctx.segmenter, article);
    }
    Ok(items)
}

/// Terms, translation, QA and the XLIFF file for one article and target.
async fn translate_one(
    mut article: Article,
    target: &str,
    matcher: &Matcher,
    ctx: &Context,
) -> Outcome {
    glossary::annotate(matcher, &mut article);
    let mut memory_hits = 0;
    let mut warnings = Vec::new();
    if let Some(memory) = &ctx.memory {
        // Cached MT stored under another glossary version is served only if
        // it still passes the glossary checks.
        let verify = |seg: &crate::model::Segment| {
            ctx.checks
                .iter()
                .all(|c| c.check(seg, target).iter().all(|i| i.severity != Severity::Error))
        };
        let applied =
            tm::apply(memory.as_ref(), &mut article, target, &ctx.glossary_version, &verify).await;
        match applied {
            Ok(hits) => memory_hits = hits,
            Err(error) => warnings.push(format!("translation memory: {}", error_chain(&error))),
        }
    }
    let (pending_segments, pending_chars) = pending(&article);
    let mut would_send = (0, 0);
    let mut over_budget = 0;
    let translate = if ctx.translator.is_offline() || pending_segments == 0 {
        TranslateStats::default()
    } else if ctx.dry_run {
        would_send = (pending_segments, pending_chars);
        TranslateStats::default()
    } else if ctx.budget.as_ref().is_some_and(|b| !b.reserve(pending_chars)) {
        over_budget = pending_segments;
        TranslateStats::default()
    } else {
        // A provider that shuts off (bad key, quota) leaves the rest
        // untranslated: the file is still written, so finished work is kept,
        // and the segments left count as failed.
        match ctx.translator.translate_article(&mut article, target).await {
            Ok(stats) => stats,
            Err(error) => TranslateStats {
                failed: pending(&article).0,
                errors: vec![error_chain(&error)],
                ..Default::default()
            },
        }
    };
    // Fed before the XLIFF is written: a run killed in between finds these
    // translations in the memory next time instead of paying for them again.
    if let Some(memory) = ctx.memory.as_ref().filter(|_| !ctx.dry_run && translate.translated > 0) {
        let recorded = tm::record(memory.as_ref(), &article, target, &ctx.glossary_version).await;
        if let Err(error) = recorded {
            warnings.push(format!("translation memory: {}", error_chain(&error)));
        }
    }
    qa::run(&ctx.checks, &mut article, target);
    let mut stats = article_stats(&article, translate);
    stats.memory_hits = memory_hits;
    stats.would_send = would_send;
    stats.over_budget = over_budget;
    let mut opts = xliff::WriteOptions::new(target, ctx.translator.describe());
    opts.tool_version.clone_from(&ctx.tool_version);
    let written = match ctx.xliff_version {
        XliffVersion::V12 => xliff::write12_report(&article, &opts),
        XliffVersion::V21 => xliff::write20_report(&article, &opts),
    };
    let xml = match written {
        Ok(written) => {
            warnings.extend(written.warnings.iter().map(ToString::to_string));
            written.xml
        }
        Err(error) => return failed(article.origin.clone(), Some(target), &error),
    };
    if ctx.dry_run {
        let path = ctx.out_dir.join(format!("{}.{target}.xlf", article.id));
        return Outcome::Written {
            id: article.id,
            origin: article.origin,
            target: target.to_string(),
            path,
            changed: false,
            stats: Box::new(stats),
            warnings,
        };
    }
    let name = format!("{}.{target}.xlf", article.id);
    // The write (with its fsync) runs on the blocking pool, so files in
    // flight wait for the disk side by side instead of holding up the
    // runtime's few worker threads.
    let out_dir = ctx.out_dir.clone();
    let write = tokio::task::spawn_blocking(move || {
        let path = output::safe_path(&out_dir, &name)?;
        output::write_atomic(&path, xml.as_bytes()).map(|changed| (path, changed))
    })
    .await;
    let write = match write {
        Ok(result) => result,
        Err(join) => return failed(article.origin, Some(target), &join),
    };
    match write {
        Ok((path, changed)) => Outcome::Written {
            id: article.id,
            origin: article.origin,
            target: target.to_string(),
            path,
            changed,
            stats: Box::new(stats),
            warnings,
        },
        Err(error) => failed(article.origin, Some(target), &error),
    }
}

/// Segments without a target, and their characters.
fn pending(article: &Article) -> (usize, usize) {
    article
        .paragraphs
        .iter()
        .flat_map(|p| &p.segments)
        .filter(|s| s.target.is_none() && !s.source.trim().is_empty())
        .fold((0, 0), |(n, c), s| (n + 1, c + s.source.chars().count()))
}

fn count_segments(article: &Article) -> usize {
    article.paragraphs.iter().map(|p| p.segments.len()).sum()
}

fn article_stats(article: &Article, translate: TranslateStats) -> ArticleStats {
    let mut stats =
        ArticleStats { paragraphs: article.paragraphs.len(), translate, ..ArticleStats::default() };
    for seg in article.paragraphs.iter().flat_map(|p| &p.segments) {
        stats.segments += 1;
        stats.chars += seg.source.chars().count();
        let has_target = seg.target.as_deref().is_some_and(|t| !t.is_empty());
        if has_target && seg.origin != Origin::None {
            stats.translated += 1;
        }
        if seg.issues.iter().any(|i| i.severity == Severity::Error) {
            stats.segments_with_errors += 1;
        }
        for hit in &seg.terms {
            let counts = stats.terms.entry(hit.domain.clone()).or_default();
            counts.found += 1;
            if !has_target {
                continue;
            }
            let violated = seg
                .issues
                .iter()
                .any(|i| i.check == "terms" && i.entry.as_deref() == Some(hit.entry.as_str()));
            if violated {
                counts.violated += 1;
            } else {
                counts.applied += 1;
            }
        }
    }
    stats
}

/// A failure with its whole cause chain in one line.
fn failed(origin: String, target: Option<&str>, error: &dyn std::error::Error) -> Outcome {
    Outcome::Failed { origin, target: target.map(str::to_string), error: error_chain(error) }
}

/// One line for a failure: `origin [target]: error`, without naming the
/// file twice when the error already starts with it (`file.txt:3: ...`).
pub fn failure_line(origin: &str, target: Option<&str>, error: &str) -> String {
    let target = target.map(|t| format!(" [{t}]")).unwrap_or_default();
    match error.strip_prefix(origin) {
        Some(rest) if rest.starts_with(':') => format!("{origin}{target}{rest}"),
        _ => format!("{origin}{target}: {error}"),
    }
}

/// Formats an error and its sources as `outer: inner: root`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_lines_name_the_file_once() {
        assert_eq!(
            failure_line("a.txt", None, "a.txt: the file is empty"),
            "a.txt: the file is empty"
        );
        assert_eq!(failure_line("f.jsonl", None, "f.jsonl:3: not JSON"), "f.jsonl:3: not JSON");
        assert_eq!(
            failure_line("a.txt", Some("en-GB"), "deepl rejected the API key"),
            "a.txt [en-GB]: deepl rejected the API key"
        );
        assert_eq!(failure_line("a.txt", None, "a.txtx: other"), "a.txt: a.txtx: other");
    }

    #[test]
    fn the_budget_closes_at_the_first_article_that_does_not_fit() {
        let budget = Budget::new(100);
        assert!(budget.reserve(60));
        assert!(!budget.reserve(50));
        assert!(budget.exhausted());
        assert!(!budget.reserve(10), "closed for good once exhausted");
        assert_eq!(budget.spent(), 60);
    }
}
