//! Reports: a run's summary rendered for people and CI systems.
//!
//! Input: the [`Outcome`]s of a translate or check run, seen one by one
//! through a [`Collector`] (an [`Observer`] that passes everything on to
//! the observer it wraps), then the run's [`Summary`]. Output: a
//! [`RunReport`], the data every format renders:
//!
//! | format | renderer | for |
//! |---|---|---|
//! | `json` | [`json()`] | programs: a stable schema with a `version` field ([`SCHEMA_VERSION`]) |
//! | `junit` | [`junit()`] | CI test views: one test case per article and target, valid against the Ant and Jenkins JUnit schemas |
//! | `github` | [`github()`] | GitHub Actions annotations (`::error file=...,line=...::`) on the source articles |
//! | `html` | [`HtmlReport`] | reviewers: a self-contained folder, an index and one page per article, source and target side by side |
//!
//! Guarantees: no report holds a credential. Settings, provider names and
//! errors pass through [`redact`], which removes passwords from URLs and the
//! values of key, token and signature parameters; API keys themselves never
//! reach the library's errors. The HTML pages are written while the run
//! goes, so the collector keeps one small row per article, never the text.

mod github;
mod html;
mod json;
mod junit;
mod lines;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::{Drift, Report as CheckFiles};
use crate::locale::Locale;
use crate::model::{Article, CheckId, Origin, Severity};
use crate::pipeline::{Counters, Notice, Observer, Outcome, QaCounts, Summary};

pub use crate::redact::redact;
pub use github::github;
pub use html::{HtmlReport, INDEX_PAGE_ROWS, MAX_PAGE_BYTES};
pub use json::json;
pub use junit::junit;

/// The version of the JSON report's schema. It changes only when a field is
/// removed or changes meaning; new fields may appear within a version.
pub const SCHEMA_VERSION: u32 = 1;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A report file or folder could not be written.
    #[error(transparent)]
    Output(#[from] crate::output::Error),
    /// The report folder could not be made.
    #[error("{}: cannot create the report folder", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The JSON report could not be serialised.
    #[error("cannot serialise the JSON report")]
    Json(#[source] serde_json::Error),
}

/// A run's settings as a report shows them: what was asked, with any
/// credential removed (see [`redact`]).
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct RunSettings {
    /// The article files or folders given.
    pub inputs: Vec<String>,
    /// The target locales.
    pub targets: Vec<Locale>,
    /// Where the XLIFF files went (absent for a check, which writes none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_dir: Option<String>,
    /// The provider chain, with endpoints (`libretranslate (http://...)`).
    pub provider: String,
    /// XLIFF version written.
    pub xliff: String,
    /// Termbase files or folders.
    pub glossary: Vec<String>,
    /// Glossary mode (`repair`, `force`, `off`), for translate runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_mode: Option<String>,
    /// The translation memory file, when one was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// Nothing was sent or written.
    pub dry_run: bool,
    /// Character budget of the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<usize>,
    /// Glossary violations fail the run.
    pub strict_terms: bool,
    /// The golden folder, for check runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub golden: Option<String>,
}

impl RunSettings {
    /// Settings for these inputs and targets; the rest as the defaults.
    pub fn new(
        inputs: impl IntoIterator<Item = impl AsRef<Path>>,
        targets: &[Locale],
        provider: impl Into<String>,
    ) -> Self {
        Self {
            inputs: inputs.into_iter().map(|p| p.as_ref().display().to_string()).collect(),
            targets: targets.to_vec(),
            provider: provider.into(),
            xliff: "1.2".into(),
            ..Self::default()
        }
    }

    /// The same settings with every credential removed.
    fn redacted(&self) -> Self {
        let mut out = self.clone();
        out.provider = redact(&self.provider);
        out.inputs = self.inputs.iter().map(|s| redact(s)).collect();
        out.out_dir = self.out_dir.as_deref().map(redact);
        out.memory = self.memory.as_deref().map(redact);
        out
    }
}

/// Everything a report shows: the JSON report's schema.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RunReport {
    /// Always `depeche-report`.
    pub schema: &'static str,
    /// [`SCHEMA_VERSION`].
    pub version: u32,
    /// The depeche version that wrote it.
    pub tool_version: &'static str,
    /// `translate` or `check`.
    pub command: String,
    /// Whether the run counts as a success (exit code 0).
    pub passed: bool,
    /// What was asked.
    pub settings: RunSettings,
    /// Figures over the whole run.
    pub totals: Totals,
    /// What the providers were sent and answered.
    pub provider: ProviderReport,
    /// One entry per article and target, sorted by article id then target.
    pub articles: Vec<ArticleReport>,
    /// Inputs, or article and target pairs, that gave no XLIFF file.
    pub failures: Vec<FailureReport>,
    /// The comparison with the golden files (check runs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckReport>,
}

/// Figures over the whole run.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Totals {
    /// Articles written for every target.
    pub articles_ok: usize,
    /// Inputs or article/target pairs that failed.
    pub failed: usize,
    /// XLIFF files written or already up to date.
    pub files_written: usize,
    /// Paragraphs, once per article.
    pub paragraphs: usize,
    /// Sentences, once per article.
    pub segments: usize,
    /// Source characters, once per article.
    pub chars: usize,
    /// Segments that got a target, over all targets.
    pub translated: usize,
    /// Segments served by the translation memory.
    pub memory_hits: usize,
    /// Segments with at least one QA finding, over all targets.
    pub flagged_segments: usize,
    /// Segments whose target is machine translation, over all targets.
    pub mt_segments: usize,
    /// Article/target pairs with at least one QA finding.
    pub flagged_articles: usize,
    /// Glossary figures per domain.
    pub terms: BTreeMap<String, TermTotals>,
    /// QA findings per check id, by severity.
    pub qa: BTreeMap<CheckId, SeverityCounts>,
    /// Input files never started (an interrupted run).
    pub not_started: usize,
    /// Wall time, in milliseconds.
    pub elapsed_ms: u64,
}

/// Glossary figures of one domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TermTotals {
    /// Term occurrences found in the sources.
    pub found: usize,
    /// Found terms whose expected rendering is in the target.
    pub applied: usize,
    /// Found terms the target gets wrong.
    pub violated: usize,
}

/// Findings of one check, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
}

impl From<QaCounts> for SeverityCounts {
    fn from(c: QaCounts) -> Self {
        Self { error: c.errors, warning: c.warnings }
    }
}

/// What the providers were sent and answered.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ProviderReport {
    /// The provider chain (`memory -> deepl`), credentials removed.
    pub name: String,
    /// True when no network provider was used.
    pub offline: bool,
    /// Segments machine-translated.
    pub translated: usize,
    /// Segments no provider could translate.
    pub failed: usize,
    /// Requests sent, answered or not.
    pub requests: usize,
    /// Requests that got no translations back (refused, unanswered).
    pub failed_requests: usize,
    /// Segments the providers accepted: those of requests answered with
    /// translations (a resent segment counts again).
    pub segments_sent: usize,
    /// Characters the providers accepted (what they bill); 0 when the
    /// endpoint was down.
    pub chars_sent: usize,
    /// Requests repeated after a retryable error.
    pub retries: usize,
    /// The same figures per provider.
    pub per_provider: BTreeMap<String, ProviderUsageReport>,
    /// Distinct errors, credentials removed.
    pub errors: Vec<String>,
}

/// One provider's traffic.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ProviderUsageReport {
    /// Requests sent, answered or not.
    pub requests: usize,
    /// Requests that got no translations back.
    pub failed_requests: usize,
    /// Segments accepted.
    pub segments: usize,
    /// Characters accepted.
    pub chars: usize,
}

/// One article and target.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ArticleReport {
    /// Article id.
    pub id: String,
    /// The headline, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The input file (or URL) it came from.
    pub origin: String,
    /// Target locale.
    pub target: Locale,
    /// The XLIFF file (its name only for check runs, whose files are temporary).
    pub file: String,
    /// False when the file already held the same bytes.
    pub changed: bool,
    /// Paragraphs.
    pub paragraphs: usize,
    /// Sentences.
    pub segments: usize,
    /// Source characters.
    pub chars: usize,
    /// Segments with a target.
    pub translated: usize,
    /// Where the targets came from.
    pub origins: OriginCounts,
    /// Segments with at least one QA finding.
    pub flagged_segments: usize,
    /// Glossary figures per domain.
    pub terms: BTreeMap<String, TermTotals>,
    /// Every glossary term found, in order.
    pub term_hits: Vec<TermHitReport>,
    /// Every QA finding, in order.
    pub findings: Vec<FindingReport>,
    /// Warnings of the run about this file (dropped characters, memory trouble).
    pub warnings: Vec<String>,
    /// The golden-file comparison (check runs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<FileCheck>,
}

impl ArticleReport {
    /// Findings of severity error.
    pub fn errors(&self) -> impl Iterator<Item = &FindingReport> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }

    /// True when this article and target count as passed: no QA error and,
    /// in a check, no drift, invalid file or glossary violation.
    pub fn passed(&self) -> bool {
        self.errors().next().is_none() && self.check.as_ref().is_none_or(FileCheck::passed)
    }

    /// The findings of one check.
    pub fn count(&self, check: CheckId) -> usize {
        self.findings.iter().filter(|f| f.check == check).count()
    }
}

/// Segments by the origin of their target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OriginCounts {
    /// Machine translation by a provider.
    pub mt: usize,
    /// Translation memory matches.
    pub memory: usize,
    /// Human translations.
    pub human: usize,
    /// No target.
    pub none: usize,
}

/// A glossary term found in a source sentence.
#[derive(Debug, Clone, Serialize)]
pub struct TermHitReport {
    /// The sentence (XLIFF unit) id.
    pub unit: String,
    /// The glossary concept id.
    pub entry: String,
    /// The source text matched.
    pub text: String,
    /// The expected target term, if the glossary has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The concept's domain.
    pub domain: String,
}

/// A QA finding on one sentence.
#[derive(Debug, Clone, Serialize)]
pub struct FindingReport {
    /// The check that raised it.
    pub check: CheckId,
    /// Error or warning.
    pub severity: Severity,
    /// The sentence (XLIFF unit) id.
    pub unit: String,
    /// What is wrong.
    pub message: String,
    /// The glossary concept involved, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Line of the source file where the sentence starts (1 when it cannot
    /// be found, as in a feed whose text is escaped).
    pub line: usize,
}

/// How one file compares with its golden file.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct FileCheck {
    /// `same`, `changed`, `renamed`, `missing_golden` or `extra_golden`.
    pub drift: &'static str,
    /// The golden file it was compared with, when it has another name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub golden: Option<String>,
    /// The differences, as a diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Why the file (or its golden file) is invalid.
    pub invalid: Vec<String>,
    /// Glossary violations (`unit: note`).
    pub violations: Vec<String>,
}

impl FileCheck {
    /// True when the file matches its golden file and is valid, with no
    /// glossary violation.
    pub fn passed(&self) -> bool {
        self.drift == "same" && self.invalid.is_empty() && self.violations.is_empty()
    }
}

/// The comparison with the golden files.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CheckReport {
    /// Files compared.
    pub files: usize,
    /// Files that match and are valid, with no glossary violation.
    pub ok: usize,
    /// Golden files no article produces.
    pub extra_golden: Vec<String>,
}

/// An input, or an article and target, that gave no XLIFF file.
#[derive(Debug, Clone, Serialize)]
pub struct FailureReport {
    /// The input path.
    pub origin: String,
    /// The target, when the failure concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Locale>,
    /// What went wrong, with its causes, credentials removed.
    pub error: String,
}

/// An [`Observer`] that records one [`ArticleReport`] per outcome (and
/// writes its HTML page when asked), then passes the outcome on.
pub struct Collector<'a> {
    inner: &'a mut dyn Observer,
    articles: Vec<ArticleReport>,
    html: Option<HtmlReport>,
    /// Check runs name files, not paths: their folder is temporary.
    names_only: bool,
}

impl std::fmt::Debug for Collector<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector").field("articles", &self.articles.len()).finish_non_exhaustive()
    }
}

impl<'a> Collector<'a> {
    /// Records outcomes, then passes everything on to `inner`.
    pub fn new(inner: &'a mut dyn Observer) -> Self {
        Self { inner, articles: Vec::new(), html: None, names_only: false }
    }

    /// Also writes the HTML report's article pages as outcomes arrive.
    pub fn with_html(mut self, html: HtmlReport) -> Self {
        self.html = Some(html);
        self
    }

    /// Records file names instead of paths (the files of a check run are
    /// temporary).
    pub fn with_file_names(mut self) -> Self {
        self.names_only = true;
        self
    }

    /// The report of the run, from what was recorded and the run's summary.
    /// `passed` is the run's own verdict (its exit code).
    pub fn finish(
        self,
        command: &str,
        settings: &RunSettings,
        summary: &Summary,
        provider: &str,
        passed: bool,
    ) -> (RunReport, Option<HtmlReport>) {
        let mut articles = self.articles;
        articles.sort_by(|a, b| (&a.id, &a.target).cmp(&(&b.id, &b.target)));
        let t = &summary.translate;
        let mut errors: Vec<String> = t.errors.iter().map(|e| redact(&e.to_string())).collect();
        errors.sort();
        errors.dedup();
        let provider = ProviderReport {
            name: redact(provider),
            offline: t.requests == 0 && t.per_provider.is_empty(),
            translated: t.translated,
            failed: t.failed,
            requests: t.requests,
            failed_requests: t.failed_requests,
            segments_sent: t.segments_sent,
            chars_sent: t.chars_sent,
            retries: t.retries,
            per_provider: t
                .per_provider
                .iter()
                .map(|(name, u)| {
                    let usage = ProviderUsageReport {
                        requests: u.requests,
                        failed_requests: u.failed_requests,
                        segments: u.segments_sent,
                        chars: u.chars_sent,
                    };
                    (name.clone(), usage)
                })
                .collect(),
            errors,
        };
        let totals = Totals {
            articles_ok: summary.articles_ok,
            failed: summary.failed,
            files_written: summary.files_written,
            paragraphs: summary.paragraphs,
            segments: summary.segments,
            chars: summary.chars,
            translated: summary.translated,
            memory_hits: summary.memory_hits,
            flagged_segments: articles.iter().map(|a| a.flagged_segments).sum(),
            mt_segments: articles.iter().map(|a| a.origins.mt).sum(),
            flagged_articles: articles.iter().filter(|a| !a.findings.is_empty()).count(),
            terms: summary
                .terms
                .iter()
                .map(|(d, c)| {
                    let totals =
                        TermTotals { found: c.found, applied: c.applied, violated: c.violated };
                    (d.clone(), totals)
                })
                .collect(),
            qa: summary.qa.iter().map(|(check, c)| (*check, (*c).into())).collect(),
            not_started: summary.not_started,
            elapsed_ms: u64::try_from(summary.elapsed.as_millis()).unwrap_or(u64::MAX),
        };
        let failures = summary
            .failures
            .iter()
            .map(|f| FailureReport {
                origin: f.origin.clone(),
                target: f.target.clone(),
                error: redact(&crate::pipeline::error_chain(&*f.error)),
            })
            .collect();
        let report = RunReport {
            schema: "depeche-report",
            version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION"),
            command: command.to_string(),
            passed,
            settings: settings.redacted(),
            totals,
            provider,
            articles,
            failures,
            check: None,
        };
        (report, self.html)
    }

    fn record(&mut self, outcome: &Outcome) {
        let Outcome::Written {
            id,
            origin,
            target,
            path,
            changed,
            stats,
            findings,
            warnings,
            article,
        } = outcome
        else {
            return;
        };
        let source_lines = lines::SourceLines::read(Path::new(origin));
        let mut origins = OriginCounts::default();
        let mut term_hits = Vec::new();
        let mut unit_lines: BTreeMap<&str, usize> = BTreeMap::new();
        for seg in article.paragraphs.iter().flat_map(|p| &p.segments) {
            match &seg.origin {
                Origin::Mt { .. } => origins.mt += 1,
                Origin::Tm { .. } => origins.memory += 1,
                Origin::Human => origins.human += 1,
                _ => origins.none += 1,
            }
            for hit in &seg.terms {
                term_hits.push(TermHitReport {
                    unit: seg.id.clone(),
                    entry: hit.entry.clone(),
                    text: hit.text.clone(),
                    expected: hit.expected.clone(),
                    domain: hit.domain.clone(),
                });
            }
            if !seg.issues.is_empty() {
                unit_lines.insert(&seg.id, source_lines.line_of(&seg.source));
            }
        }
        let findings: Vec<FindingReport> = findings
            .iter()
            .map(|f| FindingReport {
                check: f.issue.check,
                severity: f.issue.severity,
                unit: f.unit.clone(),
                message: f.issue.message.clone(),
                entry: f.issue.entry.clone(),
                line: unit_lines.get(f.unit.as_str()).copied().unwrap_or(1),
            })
            .collect();
        let flagged_segments = article
            .paragraphs
            .iter()
            .flat_map(|p| &p.segments)
            .filter(|s| !s.issues.is_empty())
            .count();
        let file = if self.names_only {
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        } else {
            path.display().to_string()
        };
        let row = ArticleReport {
            id: id.clone(),
            title: article.title.clone(),
            origin: origin.clone(),
            target: target.clone(),
            file,
            changed: *changed,
            paragraphs: stats.paragraphs,
            segments: stats.segments,
            chars: stats.chars,
            translated: stats.translated,
            origins,
            flagged_segments,
            terms: stats
                .terms
                .iter()
                .map(|(d, c)| {
                    let totals =
                        TermTotals { found: c.found, applied: c.applied, violated: c.violated };
                    (d.clone(), totals)
                })
                .collect(),
            term_hits,
            findings,
            warnings: warnings.iter().map(|w| redact(w)).collect(),
            check: None,
        };
        if let Some(html) = &mut self.html {
            html.article(article, &row);
        }
        self.articles.push(row);
    }
}

impl Observer for Collector<'_> {
    fn started(&mut self, files: usize, counters: std::sync::Arc<Counters>) {
        self.inner.started(files, counters);
    }

    fn segments_found(&mut self, count: usize) {
        self.inner.segments_found(count);
    }

    fn outcome(&mut self, outcome: &Outcome) {
        self.record(outcome);
        self.inner.outcome(outcome);
    }

    fn notice(&mut self, notice: &Notice) {
        self.inner.notice(notice);
    }
}

impl RunReport {
    /// Adds a check run's golden-file comparison: each article's file gets
    /// its drift, validity and glossary violations, and `passed` follows.
    pub fn with_check(mut self, files: &CheckFiles) -> Self {
        let mut extra = Vec::new();
        let mut ok = 0;
        for file in &files.files {
            let (drift, golden, diff) = match &file.drift {
                Drift::Same => ("same", None, None),
                Drift::Changed { diff } => ("changed", None, Some(diff.clone())),
                Drift::Renamed { from, diff } => {
                    ("renamed", Some(from.clone()), Some(diff.clone()))
                }
                Drift::MissingGolden => ("missing_golden", None, None),
                Drift::ExtraGolden => ("extra_golden", None, None),
            };
            let mut invalid = file.invalid.clone();
            invalid.extend(file.golden_invalid.iter().map(|p| format!("golden file: {p}")));
            let check =
                FileCheck { drift, golden, diff, invalid, violations: file.violations.clone() };
            if check.passed() {
                ok += 1;
            }
            match self.articles.iter_mut().find(|a| a.file == file.name) {
                Some(article) => article.check = Some(check),
                None => extra.push(file.name.clone()),
            }
        }
        self.check = Some(CheckReport { files: files.files.len(), ok, extra_golden: extra });
        self
    }

    /// Articles with at least one finding of `check`.
    pub fn articles_with(&self, check: CheckId) -> usize {
        self.articles.iter().filter(|a| a.count(check) > 0).count()
    }
}

/// The article of an outcome, for renderers that need its text.
pub(crate) fn segments(article: &Article) -> impl Iterator<Item = &crate::model::Segment> {
    article.paragraphs.iter().flat_map(|p| &p.segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_redacted() {
        let settings = RunSettings::new(
            ["in"],
            &[Locale::british_english()],
            "deepl (https://k:v@api.example/?auth_key=zz)",
        );
        let redacted = settings.redacted();
        assert_eq!(redacted.provider, "deepl (https://***@api.example/?auth_key=***)");
    }
}
