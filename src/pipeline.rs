//! The pipeline: the one place that knows the order of the stages.
//!
//! ```text
//! files ─map(read item by item → normalise → segment) (blocking pool, 2 articles ahead)
//!       ─flatten ─flat_map(one step per article and target; duplicates set aside)
//!       ─map(terms → memory → translate → qa → write)              (async, provider-bound)
//!       ─buffer_unordered(max_articles_in_flight)
//!       ─for_each(observer + summary)
//! ```
//!
//! A stream pulls, so `buffer_unordered(n)` caps memory at `n` articles in
//! flight (plus two articles read ahead) whatever the size of the batch or
//! of a file: feeds, NewsML and JSON Lines are read one item at a time. Cross-article API limits belong to
//! the translate stage, not to this bound. One bad file becomes an
//! [`Outcome::Failed`] and the rest of the batch goes on.
//!
//! A run that fills no target (no provider, no memory) has nothing to wait
//! for, and goes through the `offline` module instead: one thread per
//! core, each reading files and writing articles in turn, with the same
//! order of claims, bounds and outcomes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::glossary::{self, Matcher};
use crate::ingest;
use crate::locale::Locale;
use crate::model::{Article, CheckId, Origin, QaIssue, Severity};
use crate::output;
use crate::qa::{self, Check};
use crate::segment::{self, Segmenter};
use crate::shard::Shard;
use crate::tm::{self, MemoryStore};
use crate::translate::{ProviderError, ProviderFailure, TranslateStats, Translator};
use crate::xliff;

mod offline;

/// One target of a run: its locale and the glossary matcher that resolves
/// terms for it.
pub(crate) struct Target {
    /// The target locale (`en-GB`).
    pub(crate) locale: Locale,
    /// Glossary terms with their expected rendering in `locale`.
    pub(crate) matcher: Matcher,
}

/// Everything a run needs besides its input files. Built by
/// [`crate::job::translate`] (and the check job) from their settings; the
/// stages below only read it.
pub(crate) struct Pipeline {
    /// One XLIFF per article and target.
    pub(crate) targets: Vec<Target>,
    /// Folder the XLIFF files go to.
    pub(crate) out_dir: PathBuf,
    /// Articles (times targets) in flight at once: the memory bound.
    pub(crate) max_articles_in_flight: usize,
    /// Largest input file read, in bytes.
    pub(crate) max_article_bytes: u64,
    /// The sentence splitter.
    pub(crate) segmenter: Segmenter,
    /// The translation providers (one, or a chain).
    pub(crate) translator: Arc<Translator>,
    /// QA checks run on every target.
    pub(crate) checks: Vec<Box<dyn Check>>,
    /// Rewrite English targets to their locale's spelling before the
    /// checks (`[qa] localise_spelling`).
    pub(crate) localise_spelling: bool,
    /// Version string written into the XLIFF `<tool>` element.
    pub(crate) tool_version: String,
    /// Which XLIFF version to write.
    pub(crate) xliff_version: XliffVersion,
    /// Set to stop starting new files (Ctrl-C); articles in flight finish.
    pub(crate) cancel: Arc<AtomicBool>,
    /// The translation memory: looked up before any provider, fed with
    /// every machine translation before its XLIFF is written.
    pub(crate) memory: Option<Arc<dyn MemoryStore>>,
    /// Version of the glossary in force, stored with memory entries so
    /// that a glossary change re-checks cached translations.
    pub(crate) glossary_version: String,
    /// Which similar sentences from the memory are offered beside targets.
    pub(crate) fuzzy: tm::Fuzzy,
    /// Run everything but the provider calls, and write nothing.
    pub(crate) dry_run: bool,
    /// Most characters the run may send to providers.
    pub(crate) budget: Option<Budget>,
    /// Live counters for progress displays.
    pub(crate) counters: Arc<Counters>,
    /// Only the articles of this share of the batch (`--shard K/N`).
    pub(crate) shard: Option<Shard>,
    /// Sentence claims shared with the other workers of the batch.
    pub(crate) coordinator: Option<Arc<dyn crate::coordination::Coordinator>>,
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
    /// The budget on a server, spent by every worker of the batch, by name.
    shared: Option<(Arc<dyn crate::coordination::Coordinator>, String)>,
}

impl Budget {
    /// A budget of `limit` characters.
    pub fn new(limit: usize) -> Self {
        Self { limit, spent: AtomicUsize::new(0), exhausted: AtomicBool::new(false), shared: None }
    }

    /// The same budget kept on `coordinator` as `name`, so that every
    /// worker of a batch spends from it (`--max-chars` for all of them).
    pub fn shared(
        mut self,
        coordinator: Arc<dyn crate::coordination::Coordinator>,
        name: impl Into<String>,
    ) -> Self {
        self.shared = Some((coordinator, name.into()));
        self
    }

    /// Reserves `chars`; false (and the budget closes) when they do not
    /// fit. A shared budget that cannot be reached falls back to this
    /// worker's own count.
    async fn reserve(&self, chars: usize) -> bool {
        if self.exhausted.load(Ordering::SeqCst) {
            return false;
        }
        if let Some((coordinator, name)) = &self.shared {
            let (limit, cost) = (self.limit as u64, chars as u64);
            match coordinator.reserve(name, limit, cost).await {
                Ok(true) => {
                    self.spent.fetch_add(chars, Ordering::SeqCst);
                    return true;
                }
                Ok(false) => {
                    self.exhausted.store(true, Ordering::SeqCst);
                    return false;
                }
                Err(error) => tracing::warn!(
                    "shared character budget unavailable, counting alone: {}",
                    error_chain(&error)
                ),
            }
        }
        self.reserve_here(chars)
    }

    /// [`reserve`](Self::reserve) on this process's count alone.
    fn reserve_here(&self, chars: usize) -> bool {
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

impl std::fmt::Display for XliffVersion {
    /// `1.2` or `2.1`, as the command line takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::V12 => "1.2",
            Self::V21 => "2.1",
        })
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

/// Why one input, or one article for one target, gave no XLIFF file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read as articles.
    #[error(transparent)]
    Ingest(#[from] ingest::Error),
    /// The XLIFF document could not be made.
    #[error(transparent)]
    Xliff(#[from] xliff::Error),
    /// The XLIFF file could not be written.
    #[error(transparent)]
    Output(#[from] output::Error),
    /// A worker task died (a bug: please report it).
    #[error("internal error in a worker task")]
    Task(#[source] tokio::task::JoinError),
    /// A worker thread panicked on this article (a bug: please report it).
    #[error("internal error in a worker thread: {0}")]
    Panicked(String),
    /// The article has more sentences than one article may have
    /// ([`MAX_ARTICLE_SEGMENTS`]).
    #[error(
        "the article has over {limit} sentences, more than any news article \
         (split it into several files)"
    )]
    TooManySegments {
        /// The bound.
        limit: usize,
    },
}

/// Most sentences one article may have (its paragraphs are bounded by
/// [`ingest::MAX_PARAGRAPHS`] as it is read). Each one costs a few hundred
/// bytes of bookkeeping however short it is; a long news article has a few
/// hundred sentences. Over the bound the article fails alone, before it is
/// translated.
pub const MAX_ARTICLE_SEGMENTS: usize = 200_000;

/// One input (or one article and target) that gave no XLIFF file.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Input path.
    pub origin: String,
    /// Target locale, when the failure is specific to one.
    pub target: Option<Locale>,
    /// What went wrong, with its causes.
    pub error: Arc<Error>,
}

impl std::fmt::Display for Failure {
    /// `origin [target]: error: cause`, naming the file once.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = self.target.as_ref().map(Locale::as_str);
        f.write_str(&failure_line(&self.origin, target, &error_chain(&*self.error)))
    }
}

/// What happened to one input (file, or article and target).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Outcome {
    /// An XLIFF file was written (or was already up to date).
    Written {
        /// Article id.
        id: String,
        /// Input path.
        origin: String,
        /// Target locale.
        target: Locale,
        /// The XLIFF file.
        path: PathBuf,
        /// False when the file already held the same bytes.
        changed: bool,
        /// Figures for the summary.
        stats: Box<ArticleStats>,
        /// QA findings on the targets, unit by unit.
        findings: Vec<Finding>,
        /// Warnings worth showing (dropped characters, memory trouble, ...).
        warnings: Vec<String>,
        /// The article as written: sources, targets, origins, glossary hits
        /// and QA findings, for reports. Dropped after the observer has seen
        /// it, so it adds nothing to what a run holds.
        article: Box<Article>,
    },
    /// The input could not be turned into XLIFF; nothing was written for it.
    Failed(Failure),
    /// The same article (same id: same title, date and text) as one read
    /// earlier in the run under another name: not translated or written
    /// again, so that its XLIFF names one origin whatever the timing.
    Duplicate {
        /// Article id, shared with the first.
        id: String,
        /// This input.
        origin: String,
        /// The input read first, in the order files are given and walked,
        /// which the XLIFF file names.
        first: String,
    },
}

/// A QA finding with the unit it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The segment (XLIFF unit) id.
    pub unit: String,
    /// The finding itself: check id, severity, message.
    pub issue: QaIssue,
}

/// Something worth telling the user before or during a run that is
/// neither an outcome nor a failure.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Notice {
    /// A provider's native glossary is ready for a target.
    NativeGlossary {
        /// The provider (`deepl`).
        provider: String,
        /// The target locale.
        target: Locale,
        /// The provider's id of the glossary.
        id: String,
    },
    /// A provider's native glossary could not be made; the run translates
    /// without it and still verifies every target.
    NativeGlossaryFailed {
        /// The provider (`deepl`).
        provider: String,
        /// The target locale.
        target: Locale,
        /// What the provider answered.
        error: Arc<ProviderError>,
    },
}

/// Receives progress as the run goes; the binary draws bars with it.
pub trait Observer: Send {
    /// The run starts on `files` input files; `counters` grow as it goes.
    fn started(&mut self, _files: usize, _counters: Arc<Counters>) {}
    /// Segments found in a file that is about to be translated.
    fn segments_found(&mut self, _count: usize) {}
    /// One input is done.
    fn outcome(&mut self, _outcome: &Outcome) {}
    /// Something to tell the user.
    fn notice(&mut self, _notice: &Notice) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// Totals for a whole run.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
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
    /// The failures, in the order they happened.
    pub failures: Vec<Failure>,
    /// Input files never started because the run was interrupted.
    pub not_started: usize,
    /// Segments served by the translation memory, over all targets.
    pub memory_hits: usize,
    /// Dry run: segments and characters that would have been sent.
    pub would_send: (usize, usize),
    /// Segments left untranslated because the budget ran out.
    pub over_budget: usize,
    /// QA findings per check, over all targets.
    pub qa: BTreeMap<CheckId, QaCounts>,
    /// Articles read but left to the other shards of a sharded run.
    pub other_shards: usize,
    /// Articles read a second time under another name (see
    /// [`Outcome::Duplicate`]), counted once in the figures above.
    pub duplicates: usize,
}

/// QA findings of one check, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QaCounts {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
}

impl QaCounts {
    /// Counts one finding.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}

impl Summary {
    /// Glossary terms violated over all domains.
    pub fn terms_violated(&self) -> usize {
        self.terms.values().map(|c| c.violated).sum()
    }

    fn add(&mut self, outcome: &Outcome, first_target: Option<&Locale>) {
        match outcome {
            Outcome::Written { target, changed, stats, findings, .. } => {
                self.files_written += 1;
                for finding in findings {
                    self.qa.entry(finding.issue.check).or_default().add(finding.issue.severity);
                }
                if !changed {
                    self.files_unchanged += 1;
                }
                if Some(target) == first_target {
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
            Outcome::Failed(failure) => {
                self.failed += 1;
                self.failures.push(failure.clone());
            }
            Outcome::Duplicate { .. } => self.duplicates += 1,
        }
    }
}

/// How many files are read at once: the next file's reader starts while
/// the articles of the current one go to translation.
const PREPARE_AHEAD: usize = 2;

/// How many articles of one file are read and segmented ahead of
/// translation. A file is read item by item (see [`ingest::read_each`]), so
/// a feed of any size holds at most this many parsed articles besides the
/// ones in flight.
const ITEMS_AHEAD: usize = 2;

/// What the stream between reading and translating carries.
enum Step {
    /// A file was read: this many segments are coming (for progress bars).
    Found(usize),
    /// This many articles of the file belong to other shards.
    OtherShards(usize),
    /// Already decided: a failure of the file or of one of its items.
    Done(Outcome),
    /// One article to translate for the target at this index.
    Translate(Box<Article>, usize),
}

/// What comes out of the translation stage, in completion order.
enum Event {
    Found(usize),
    OtherShards(usize),
    Outcome(Outcome),
}

/// One article of a file, as the reading stage hands it on.
enum Prepared {
    /// Read and segmented, with its segment count.
    Article(Box<Article>, usize),
    /// Left to another shard.
    OtherShard,
    /// The item, or the file, could not be read.
    Failed(Failure),
}

/// Runs the whole pipeline over `files`, reporting to `observer`.
///
/// A file's articles (a feed's items) are read and flattened into the
/// stream one by one, each paired with each target, so
/// `max_articles_in_flight` bounds the articles being translated, and
/// [`ITEMS_AHEAD`] the articles read ahead, whatever the files hold.
pub(crate) async fn run(
    files: Vec<PathBuf>,
    pipeline: Arc<Pipeline>,
    observer: &mut dyn Observer,
) -> Summary {
    if offline(&pipeline) {
        return offline::run(files, pipeline, observer).await;
    }
    let started = Instant::now();
    let mut summary = Summary::default();
    let first_target = pipeline.targets.first().map(|t| t.locale.clone());
    let in_flight = pipeline.max_articles_in_flight.max(1);
    let total = files.len();
    let started_files = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&started_files);
    let cancel = Arc::clone(&pipeline.cancel);
    let targets = pipeline.targets.len();
    let reader = Arc::clone(&pipeline);
    let prepared = futures::stream::iter(files)
        // Checked when the next file is pulled, so an interrupted run stops
        // starting files while the articles in flight finish and are written.
        .take_while(move |_| std::future::ready(!cancel.load(Ordering::Relaxed)))
        .inspect(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .map(move |path| std::future::ready(read_file(path, Arc::clone(&reader))))
        .buffered(PREPARE_AHEAD)
        .flatten();
    // The first name an article was read under, by id: files come in the
    // order given and walked (sorted), so the same article under two names
    // always goes out under the first, and the second is a duplicate.
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let steps = prepared.flat_map(move |prepared| {
        let steps = match prepared {
            Prepared::Article(article, found) => match seen.entry(article.id.clone()) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    vec![Step::Done(Outcome::Duplicate {
                        id: article.id.clone(),
                        origin: article.origin.clone(),
                        first: first.get().clone(),
                    })]
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(article.origin.clone());
                    let mut steps = vec![Step::Found(found)];
                    if targets > 0 {
                        steps.extend((1..targets).map(|i| Step::Translate(article.clone(), i)));
                        steps.push(Step::Translate(article, 0));
                    }
                    steps
                }
            },
            Prepared::OtherShard => vec![Step::OtherShards(1)],
            Prepared::Failed(failure) => vec![Step::Done(Outcome::Failed(failure))],
        };
        futures::stream::iter(steps)
    });
    let mut events = steps
        .map(|step| {
            let pipeline = Arc::clone(&pipeline);
            async move {
                match step {
                    Step::Found(n) => Event::Found(n),
                    Step::OtherShards(n) => Event::OtherShards(n),
                    Step::Done(outcome) => Event::Outcome(outcome),
                    Step::Translate(article, i) => {
                        // Each step is a task of its own, so terms, checks
                        // and XLIFF writing of the articles in flight run
                        // on every worker thread, not on the thread that
                        // drives the stream.
                        let origin = article.origin.clone();
                        let locale = pipeline.targets.get(i).map(|t| t.locale.clone());
                        let task = tokio::spawn(async move {
                            match pipeline.targets.get(i) {
                                Some(target) => {
                                    Some(translate_one(*article, target, &pipeline).await)
                                }
                                None => None,
                            }
                        });
                        match task.await {
                            Ok(Some(outcome)) => Event::Outcome(outcome),
                            Ok(None) => Event::Found(0),
                            Err(join) => {
                                Event::Outcome(failed(origin, locale.as_ref(), Error::Task(join)))
                            }
                        }
                    }
                }
            }
        })
        .buffer_unordered(in_flight);
    while let Some(event) = events.next().await {
        record(event, observer, &mut summary, first_target.as_ref());
    }
    drop(events);
    finish(summary, &pipeline, started, total, started_files.load(Ordering::Relaxed))
}

/// Hands one event of a run to `observer` and `summary`.
fn record(
    event: Event,
    observer: &mut dyn Observer,
    summary: &mut Summary,
    first_target: Option<&Locale>,
) {
    match event {
        Event::Found(n) => observer.segments_found(n),
        Event::OtherShards(n) => summary.other_shards += n,
        Event::Outcome(outcome) => {
            observer.outcome(&outcome);
            summary.add(&outcome, first_target);
        }
    }
}

/// The end of a run: one sync makes every file and rename of the run
/// durable; the time taken and the files never started are noted.
fn finish(
    mut summary: Summary,
    pipeline: &Pipeline,
    started: Instant,
    total: usize,
    started_files: usize,
) -> Summary {
    if summary.files_written > summary.files_unchanged
        && !pipeline.dry_run
        && let Err(error) = output::sync_run(&pipeline.out_dir)
    {
        let origin = pipeline.out_dir.display().to_string();
        let first_target = pipeline.targets.first().map(|t| &t.locale);
        summary.add(&failed(origin, None, error.into()), first_target);
    }
    summary.elapsed = started.elapsed();
    summary.not_started = total.saturating_sub(started_files);
    summary
}

/// Reads, normalises and segments one file on the blocking pool, article
/// by article, as a stream of at most [`ITEMS_AHEAD`] articles ahead; a
/// failure of the file as a whole comes last.
fn read_file(
    path: PathBuf,
    pipeline: Arc<Pipeline>,
) -> futures::stream::BoxStream<'static, Prepared> {
    let origin = path.display().to_string();
    let (tx, rx) = tokio::sync::mpsc::channel(ITEMS_AHEAD);
    let task = {
        let (path, pipeline) = (path.clone(), Arc::clone(&pipeline));
        tokio::task::spawn_blocking(move || prepare(&path, &pipeline, &tx))
    };
    let items = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|prepared| (prepared, rx))
    });
    // A file that cannot be read has no article id: the shard its path
    // falls in reports it.
    let end = futures::stream::once(async move {
        match task.await {
            Ok(read) => file_failure(&path, &pipeline, read),
            Err(_) if !pipeline.shard.is_none_or(|s| s.owns(&origin)) => None,
            Err(join) => Some(Prepared::Failed(failure(origin, None, Error::Task(join)))),
        }
    })
    .filter_map(std::future::ready);
    items.chain(end).boxed()
}

/// Read, normalise and segment one file (blocking work), sending each
/// article on as soon as it is ready; stops early when the run no longer
/// listens.
fn prepare(
    path: &Path,
    pipeline: &Pipeline,
    tx: &tokio::sync::mpsc::Sender<Prepared>,
) -> Result<(), ingest::Error> {
    read_prepared(path, pipeline, &mut |prepared| match tx.blocking_send(prepared) {
        Ok(()) => std::ops::ControlFlow::Continue(()),
        Err(_) => std::ops::ControlFlow::Break(()),
    })
}

/// Reads `path` item by item, segments each article this shard owns and
/// hands it to `each`, which may stop the reading.
fn read_prepared(
    path: &Path,
    pipeline: &Pipeline,
    each: &mut dyn FnMut(Prepared) -> std::ops::ControlFlow<()>,
) -> Result<(), ingest::Error> {
    let opts = ingest::ReadOptions::default().with_max_bytes(pipeline.max_article_bytes);
    let origin = path.display().to_string();
    let mine = |key: &str| pipeline.shard.is_none_or(|s| s.owns(key));
    ingest::read_each(path, &opts, &mut |item| {
        let prepared = match item {
            Ok(mut article) if mine(&article.id) => {
                segment::segment_article(&pipeline.segmenter, &mut article);
                let found = count_segments(&article);
                if found > MAX_ARTICLE_SEGMENTS {
                    let error = Error::TooManySegments { limit: MAX_ARTICLE_SEGMENTS };
                    Prepared::Failed(failure(article.origin, None, error))
                } else {
                    pipeline.counters.segments_found.fetch_add(found, Ordering::Relaxed);
                    Prepared::Article(Box::new(article), found)
                }
            }
            Ok(_) => Prepared::OtherShard,
            // One bad item of a feed is reported on its own, by the shard
            // its file falls in; the others go on.
            Err(_) if !mine(&origin) => return std::ops::ControlFlow::Continue(()),
            Err(error) => Prepared::Failed(failure(origin.clone(), None, error.into())),
        };
        each(prepared)
    })
}

/// What reading `path` as a whole gave, once its items are out: nothing,
/// or the failure of the file (reported by the shard its path falls in).
fn file_failure(
    path: &Path,
    pipeline: &Pipeline,
    read: Result<(), ingest::Error>,
) -> Option<Prepared> {
    let origin = path.display().to_string();
    let mine = pipeline.shard.is_none_or(|s| s.owns(&origin));
    match read {
        Ok(()) => None,
        Err(_) if !mine => None,
        Err(error) => Some(Prepared::Failed(failure(origin, None, error.into()))),
    }
}

/// Terms, translation, QA and the XLIFF file for one article and target.
async fn translate_one(mut article: Article, target: &Target, p: &Pipeline) -> Outcome {
    let locale = target.locale.as_str();
    glossary::annotate(&target.matcher, &mut article);
    let mut memory_hits = 0;
    let mut warnings = Vec::new();
    if let Some(memory) = &p.memory {
        // Cached MT stored under another glossary version is served only if
        // it still passes the glossary checks.
        let verify = |seg: &crate::model::Segment| {
            p.checks
                .iter()
                .all(|c| c.check(seg, locale).iter().all(|i| i.severity != Severity::Error))
        };
        // Segments with no exact match get the memory's close matches as
        // candidates (XLIFF alt-trans, mtc:matches), and are translated.
        let applied =
            tm::apply(memory.as_ref(), &mut article, locale, &p.glossary_version, p.fuzzy, &verify)
                .await;
        match applied {
            Ok(hits) => memory_hits = hits,
            Err(error) => warnings.push(format!("translation memory: {}", error_chain(&error))),
        }
    }
    let mut sent = match p.coordinator.as_ref().filter(|_| !p.dry_run && !p.translator.is_offline())
    {
        Some(coordinator) => {
            let verify = |seg: &crate::model::Segment| {
                p.checks
                    .iter()
                    .all(|c| c.check(seg, locale).iter().all(|i| i.severity != Severity::Error))
            };
            send_claimed(&mut article, locale, p, coordinator.as_ref(), &verify).await
        }
        None => send_open(&mut article, locale, p).await,
    };
    sent.memory_hits += memory_hits;
    warnings.append(&mut sent.warnings);
    sent.warnings = warnings;
    let ready = match serialise(article, target, p, sent) {
        Ok(ready) => ready,
        Err(failure) => return Outcome::Failed(failure),
    };
    if p.dry_run {
        let path = p.out_dir.join(ready.name());
        return ready.outcome(target, path, false);
    }
    // The write runs on the blocking pool, so files in flight wait for
    // the disk side by side instead of holding up the runtime's few
    // worker threads. Durability is one sync at the end of the run.
    let out_dir = p.out_dir.clone();
    let origin = ready.article.origin.clone();
    let write = tokio::task::spawn_blocking(move || {
        let written = write_file(&out_dir, &ready);
        (ready, written)
    })
    .await;
    match write {
        Ok((ready, Ok((path, changed)))) => ready.outcome(target, path, changed),
        Ok((ready, Err(error))) => failed(ready.article.origin, Some(&target.locale), error.into()),
        Err(join) => failed(origin, Some(&target.locale), Error::Task(join)),
    }
}

/// [`translate_one`] when nothing can fill a target (the `none` provider
/// and no memory): terms, QA, the XLIFF document and its file in one go
/// on the calling thread, with nothing to wait for (durability is one
/// sync at the end of the run). See the `offline` module.
fn translate_offline(mut article: Article, target: &Target, p: &Pipeline) -> Outcome {
    glossary::annotate(&target.matcher, &mut article);
    let ready = match serialise(article, target, p, Sent::default()) {
        Ok(ready) => ready,
        Err(failure) => return Outcome::Failed(failure),
    };
    if p.dry_run {
        let path = p.out_dir.join(ready.name());
        return ready.outcome(target, path, false);
    }
    match write_file(&p.out_dir, &ready) {
        Ok((path, changed)) => ready.outcome(target, path, changed),
        Err(error) => failed(ready.article.origin, Some(&target.locale), error.into()),
    }
}

/// True when no step of an article can fill a target or has to wait for
/// anything: see [`translate_offline`].
fn offline(p: &Pipeline) -> bool {
    p.translator.is_offline() && p.memory.is_none()
}

/// An article checked and serialised, its file not written yet.
struct Ready {
    article: Article,
    stats: ArticleStats,
    findings: Vec<Finding>,
    warnings: Vec<String>,
    xml: String,
    locale: String,
}

impl Ready {
    /// The XLIFF file's name: `<id>.<locale>.xlf`.
    fn name(&self) -> String {
        format!("{}.{}.xlf", self.article.id, self.locale)
    }

    fn outcome(self, target: &Target, path: PathBuf, changed: bool) -> Outcome {
        Outcome::Written {
            id: self.article.id.clone(),
            origin: self.article.origin.clone(),
            target: target.locale.clone(),
            path,
            changed,
            stats: Box::new(self.stats),
            findings: self.findings,
            warnings: self.warnings,
            article: Box::new(self.article),
        }
    }
}

/// Spelling, checks, figures and the XLIFF document of a translated
/// article; a document that cannot be made is the article's failure.
fn serialise(
    mut article: Article,
    target: &Target,
    p: &Pipeline,
    sent: Sent,
) -> Result<Ready, Failure> {
    let locale = target.locale.as_str();
    let Sent { translate, would_send, over_budget, memory_hits, mut warnings } = sent;
    if p.localise_spelling {
        qa::spelling::localise(&mut article, locale);
    }
    qa::run(&p.checks, &mut article, locale);
    let mut stats = article_stats(&article, translate);
    stats.memory_hits = memory_hits;
    stats.would_send = would_send;
    stats.over_budget = over_budget;
    let findings = findings(&article);
    let mut opts = xliff::WriteOptions::new(locale, p.translator.describe());
    opts.tool_version.clone_from(&p.tool_version);
    let written = match p.xliff_version {
        XliffVersion::V12 => xliff::write12_report(&article, &opts),
        XliffVersion::V21 => xliff::write20_report(&article, &opts),
    };
    let xml = match written {
        Ok(written) => {
            warnings.extend(written.warnings.iter().map(ToString::to_string));
            written.xml
        }
        Err(error) => return Err(failure(article.origin, Some(&target.locale), error.into())),
    };
    Ok(Ready { article, stats, findings, warnings, xml, locale: locale.to_string() })
}

/// Writes the XLIFF file of `ready` into `out_dir` (durability is one sync
/// at the end of the run); returns its path and whether it changed.
fn write_file(out_dir: &Path, ready: &Ready) -> Result<(PathBuf, bool), output::Error> {
    let path = output::safe_path(out_dir, &ready.name())?;
    output::write_atomic_with(&path, ready.xml.as_bytes(), output::Durability::AtEnd)
        .map(|changed| (path, changed))
}

/// The QA findings of an article's segments, with their unit ids.
fn findings(article: &Article) -> Vec<Finding> {
    article
        .paragraphs
        .iter()
        .flat_map(|p| &p.segments)
        .flat_map(|s| s.issues.iter().map(|i| Finding { unit: s.id.clone(), issue: i.clone() }))
        .collect()
}

/// Segments without a target, and their characters.
/// What sending the open segments of an article did.
#[derive(Default)]
struct Sent {
    translate: TranslateStats,
    would_send: (usize, usize),
    over_budget: usize,
    /// Segments filled from the memory while waiting for other workers.
    memory_hits: usize,
    warnings: Vec<String>,
}

impl Sent {
    fn add(&mut self, other: Sent) {
        self.translate.add(&other.translate);
        self.would_send.0 += other.would_send.0;
        self.would_send.1 += other.would_send.1;
        self.over_budget += other.over_budget;
        self.memory_hits += other.memory_hits;
        self.warnings.extend(other.warnings);
    }
}

/// Sends every segment of `article` that has no target yet (within the
/// budget), and feeds the memory with what came back.
async fn send_open(article: &mut Article, locale: &str, p: &Pipeline) -> Sent {
    let (pending_segments, pending_chars) = pending(article);
    let mut sent = Sent::default();
    if p.translator.is_offline() || pending_segments == 0 {
        return sent;
    }
    if p.dry_run {
        sent.would_send = (pending_segments, pending_chars);
        return sent;
    }
    if let Some(budget) = &p.budget
        && !budget.reserve(pending_chars).await
    {
        sent.over_budget = pending_segments;
        return sent;
    }
    // A provider that shuts off (bad key, quota) leaves the rest
    // untranslated: the file is still written, so finished work is kept,
    // and the segments left count as failed.
    sent.translate = match p.translator.translate_article(article, locale).await {
        Ok(stats) => stats,
        Err(stopped) => TranslateStats {
            failed: pending(article).0,
            errors: vec![ProviderFailure::new(stopped.error)],
            ..stopped.stats
        },
    };
    // Fed before the XLIFF is written: a run killed in between finds these
    // translations in the memory next time instead of paying for them again.
    if let Some(memory) = p.memory.as_ref().filter(|_| sent.translate.translated > 0) {
        let recorded = tm::record(memory.as_ref(), article, locale, &p.glossary_version).await;
        if let Err(error) = recorded {
            sent.warnings.push(format!("translation memory: {}", error_chain(&error)));
        }
    }
    sent
}

/// Longest pause between two looks at the memory for sentences that other
/// workers are translating.
const MAX_POLL: Duration = Duration::from_secs(1);

/// A target no provider ever writes: it hides, for one round of
/// [`send_claimed`], the segments another worker is translating.
const HIDDEN: &str = "\u{0}depeche:claimed-elsewhere";

/// [`send_open`] for a worker among several that share a memory server:
/// each open sentence is sent only by the worker that claims it (see
/// [`crate::coordination`]). Round after round, this worker claims what is
/// still open, sends what it holds (its claims end once the translations
/// are in the memory), and takes from the memory what the others have
/// translated meanwhile, until nothing is open: a sentence another worker
/// holds is waited for, never sent again, unless that worker lets it go or
/// dies, and then this one claims it. A sentence this worker tried and
/// could not translate is not tried again in the same run.
async fn send_claimed(
    article: &mut Article,
    locale: &str,
    p: &Pipeline,
    coordinator: &dyn crate::coordination::Coordinator,
    verify: &(dyn Fn(&crate::model::Segment) -> bool + Sync),
) -> Sent {
    let mut total = Sent::default();
    let mut tried: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    let mut poll = Duration::from_millis(50);
    loop {
        // The open segments not tried yet, with their claim keys.
        let open: Vec<(usize, usize, Vec<u8>)> = open_segments(article)
            .into_iter()
            .map(|(pi, si, source)| {
                (pi, si, crate::coordination::sentence_key(&source, &article.lang, locale))
            })
            .filter(|(_, _, key)| !tried.contains(key))
            .collect();
        if open.is_empty() {
            break;
        }
        let mut keys: Vec<Vec<u8>> = open.iter().map(|(_, _, k)| k.clone()).collect();
        keys.sort_unstable();
        keys.dedup();
        let held = match coordinator.claim(&keys).await {
            Ok(held) => held,
            Err(error) => {
                // The server went away: carry on alone, as one process would.
                total.warnings.push(format!("sentence claims: {}", error_chain(&error)));
                total.add(send_open(article, locale, p).await);
                return total;
            }
        };
        let mine: Vec<Vec<u8>> =
            keys.iter().zip(&held).filter(|(_, h)| **h).map(|(k, _)| k.clone()).collect();
        if !mine.is_empty() {
            // Another worker may have stored some of them between this
            // worker's lookup and its claim.
            total.memory_hits += refill(article, locale, p, verify, &mut total.warnings).await;
        }
        // One round: what this worker holds and is still open; the rest hidden.
        let mut hidden = Vec::new();
        for (pi, si, key) in &open {
            let Some(seg) = article.paragraphs.get_mut(*pi).and_then(|x| x.segments.get_mut(*si))
            else {
                continue;
            };
            if seg.target.is_some() {
                continue;
            }
            if mine.binary_search(key).is_ok() {
                tried.insert(key.clone());
            } else {
                seg.target = Some(HIDDEN.to_string());
                hidden.push((*pi, *si));
            }
        }
        let round = send_open(article, locale, p).await;
        for (pi, si) in &hidden {
            if let Some(seg) = article.paragraphs.get_mut(*pi).and_then(|x| x.segments.get_mut(*si))
                && seg.target.as_deref() == Some(HIDDEN)
            {
                seg.target = None;
            }
        }
        let mut round = round;
        round.translate.skipped = round.translate.skipped.saturating_sub(hidden.len());
        let closed = round.over_budget > 0;
        total.add(round);
        if let Err(error) = coordinator.release(&mine).await {
            total.warnings.push(format!("sentence claims: {}", error_chain(&error)));
        }
        if hidden.is_empty() || closed {
            break;
        }
        tokio::time::sleep(poll).await;
        poll = (poll * 2).min(MAX_POLL);
        total.memory_hits += refill(article, locale, p, verify, &mut total.warnings).await;
    }
    total
}

/// Fills open segments from the memory (exact matches only: the fuzzy
/// candidates were found by the first lookup); returns how many.
async fn refill(
    article: &mut Article,
    locale: &str,
    p: &Pipeline,
    verify: &(dyn Fn(&crate::model::Segment) -> bool + Sync),
    warnings: &mut Vec<String>,
) -> usize {
    let Some(memory) = &p.memory else { return 0 };
    let off = tm::Fuzzy::off();
    match tm::apply(memory.as_ref(), article, locale, &p.glossary_version, off, verify).await {
        Ok(hits) => hits,
        Err(error) => {
            warnings.push(format!("translation memory: {}", error_chain(&error)));
            0
        }
    }
}

/// The segments a provider would be sent: no target, some text; with their
/// paragraph and segment index and their source.
fn open_segments(article: &Article) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (pi, p) in article.paragraphs.iter().enumerate() {
        for (si, s) in p.segments.iter().enumerate() {
            if s.target.is_none() && !s.source.trim().is_empty() {
                out.push((pi, si, s.source.clone()));
            }
        }
    }
    out
}

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
            let violated = seg.issues.iter().any(|i| {
                i.check == CheckId::Terms && i.entry.as_deref() == Some(hit.entry.as_str())
            });
            if violated {
                counts.violated += 1;
            } else {
                counts.applied += 1;
            }
        }
    }
    stats
}

/// A failure outcome.
fn failed(origin: String, target: Option<&Locale>, error: Error) -> Outcome {
    Outcome::Failed(failure(origin, target, error))
}

fn failure(origin: String, target: Option<&Locale>, error: Error) -> Failure {
    Failure { origin, target: target.cloned(), error: Arc::new(error) }
}

/// One line for a failure: `origin [target]: error`, without naming the
/// file twice when the error already starts with it (`file.txt:3: ...`).
pub fn failure_line(origin: &str, target: Option<&str>, error: &str) -> String {
    let target = target.map(|t| format!(" [{t}]")).unwrap_or_default();
    let line = match error.strip_prefix(origin) {
        Some(rest) if rest.starts_with(':') => format!("{origin}{target}{rest}"),
        _ => format!("{origin}{target}: {error}"),
    };
    one_line(&line).into_owned()
}

/// `text` with its control characters escaped (`\n`, `\r`, `\t`, `\u{1b}`),
/// so that a file name holding a newline or a terminal escape cannot forge
/// a line of the console output, a log or a report.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
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
    one_line(&text).into_owned()
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
        // See: #15
        assert_eq!(
            failure_line("a\nerror: b.txt", None, "a\nerror: b.txt: empty\x1b[2J"),
            "a\\nerror: b.txt: empty\\u{1b}[2J"
        );
    }

    #[test]
    fn the_budget_closes_at_the_first_article_that_does_not_fit() {
        let budget = Budget::new(100);
        assert!(budget.reserve_here(60));
        assert!(!budget.reserve_here(50));
        assert!(budget.exhausted());
        assert!(!budget.reserve_here(10), "closed for good once exhausted");
        assert_eq!(budget.spent(), 60);
    }
}
