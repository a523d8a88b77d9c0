//! XLIFF: articles in, XLIFF documents out (and back, for `merge` and TM import).
//!
//! Input: a translated, QA-checked [`Article`] and a target locale.
//! Output: one XLIFF document per article and target locale, as a string
//! ([`write12`], [`write20`]); [`read`] parses XLIFF 1.2 and 2.x back into a
//! [`Document`], including files re-saved by CAT tools.
//!
//! Guarantees of the writers:
//! - the output is deterministic: no timestamps, a fixed attribute order, so
//!   golden files and `depeche check` can compare bytes;
//! - ids come from the model (`p3` for a paragraph, `p3.s2` for a sentence),
//!   so they are stable across runs; a duplicate is an error, never renamed;
//! - characters that XML 1.0 forbids (C0 controls other than tab, newline and
//!   carriage return; U+FFFE, U+FFFF) are dropped and reported as
//!   [`Warning`]s, since no conforming parser would load the file otherwise;
//! - nothing is indented inside `<source>`, `<target>` or `<note>`, so the
//!   text a CAT tool shows is exactly the segment text.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use crate::model::{Article, MemoryMatch, Origin, QaIssue, Segment, Severity, TermHit};
use crate::xml::xml_char;

pub(crate) mod read;
pub(crate) mod write12;
pub(crate) mod write20;

pub use read::{Document, File, Note, Phase, SubSegment, Unit, read, read_file};

/// Why a document could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Serialisation failed.
    #[error("cannot write XLIFF")]
    Write(#[source] std::io::Error),
    /// A language tag the schemas would reject.
    #[error("article {article}: {what} language {tag:?} is not a BCP 47 tag (write it like fr-FR)")]
    Lang {
        /// Article id.
        article: String,
        /// `source` or `target`.
        what: &'static str,
        /// The rejected tag.
        tag: String,
    },
    /// Two units would share an id, which XLIFF forbids within a file.
    #[error(
        "article {article}: id {id:?} appears twice (paragraph and segment ids must be unique)"
    )]
    DuplicateId {
        /// Article id.
        article: String,
        /// The repeated id.
        id: String,
    },
    /// A paragraph or segment has an empty id.
    #[error("article {article}: a paragraph or segment has an empty id")]
    EmptyId {
        /// Article id.
        article: String,
    },
    /// The file could not be read.
    #[error("{path}: cannot read the XLIFF file")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The text is not well-formed XML.
    #[error("{path}:{line}: not well-formed XML")]
    Xml {
        /// The file, or `<input>` when reading a string.
        path: String,
        /// Line of the error (1-based).
        line: usize,
        /// The parser's complaint.
        #[source]
        source: crate::XmlError,
    },
    /// Well-formed XML that is not an XLIFF document this reader knows.
    #[error("{path}: {reason}")]
    NotXliff {
        /// The file, or `<input>` when reading a string.
        path: String,
        /// What was found instead, and what is accepted.
        reason: String,
    },
}

/// What the writer needs to know besides the article.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Target locale (`en-GB`).
    pub target_lang: String,
    /// Name of the provider configured for the run (recorded in the header;
    /// each segment's own origin names the provider that produced it).
    pub provider: String,
    /// Version written in `<tool tool-version>`; golden files mask it.
    pub tool_version: String,
    /// Wrap glossary terms of the source in `<mrk mtype="term">` (1.2) or
    /// `<mrk type="term">` (2.x). Off by default: CAT tools turn inline
    /// markup into tags the translator has to carry over, and the glossary
    /// notes already name every term.
    pub mark_terms: bool,
}

impl WriteOptions {
    /// Options for `target_lang`, with this crate's version and no term markup.
    pub fn new(target_lang: impl Into<String>, provider: impl Into<String>) -> Self {
        Self {
            target_lang: target_lang.into(),
            provider: provider.into(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            mark_terms: false,
        }
    }
}

/// Something the writer changed to keep the document loadable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Article id.
    pub article: String,
    /// Where: `p2.s1 source`, `p2.s1 target`, `header`, ...
    pub place: String,
    /// The characters dropped, each once, in order of appearance.
    pub dropped: Vec<char>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars: Vec<String> =
            self.dropped.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
        write!(
            f,
            "article {}: {}: dropped {}, which XML 1.0 forbids (fix the source text or its decoding)",
            self.article,
            self.place,
            chars.join(", ")
        )
    }
}

/// A written document and what had to be changed to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// The XLIFF document, UTF-8, ending with a newline.
    pub xml: String,
    /// Forbidden characters dropped on the way, one entry per text field.
    pub warnings: Vec<Warning>,
}

/// Writes `article` as an XLIFF 1.2 document.
///
/// Forbidden characters are dropped and logged as warnings; call
/// [`write12_report`] to get them as data.
pub fn write12(article: &Article, opts: &WriteOptions) -> Result<String, Error> {
    write12_report(article, opts).map(log_warnings)
}

/// Writes `article` as an XLIFF 1.2 document and returns what was dropped.
pub fn write12_report(article: &Article, opts: &WriteOptions) -> Result<Written, Error> {
    write12::write(article, opts)
}

/// Writes `article` as an XLIFF 2.1 document (forbidden characters are
/// dropped and logged, as in [`write12`]).
pub fn write20(article: &Article, opts: &WriteOptions) -> Result<String, Error> {
    write20_report(article, opts).map(log_warnings)
}

/// Writes `article` as an XLIFF 2.1 document and returns what was dropped.
pub fn write20_report(article: &Article, opts: &WriteOptions) -> Result<Written, Error> {
    write20::write(article, opts)
}

fn log_warnings(written: Written) -> String {
    for w in &written.warnings {
        tracing::debug!("{w}");
    }
    written.xml
}

/// How a segment's target is labelled, whatever the XLIFF version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// No target at all.
    Untranslated,
    /// A target nobody vouches for (machine output, fuzzy match, unknown).
    NeedsReview,
    /// A target a human produced or approved.
    Translated,
}

impl Status {
    /// The XLIFF 1.2 `state` this status is written as.
    pub(crate) fn xliff12(self) -> &'static str {
        match self {
            Status::Untranslated => "needs-translation",
            Status::NeedsReview => "needs-review-translation",
            Status::Translated => "translated",
        }
    }
}

/// The label of one segment, derived from its origin and QA findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    pub(crate) status: Status,
    /// XLIFF 1.2 `state-qualifier`.
    pub(crate) qualifier: Option<&'static str>,
    /// Phase that produced the target (`mt-deepl`, `tm`).
    pub(crate) phase: Option<String>,
    /// The MT provider behind the target, if any.
    pub(crate) provider: Option<String>,
}

impl Label {
    pub(crate) fn of(seg: &Segment) -> Self {
        let has_target = seg.target.as_deref().is_some_and(|t| !t.is_empty());
        let mt = |p: &str| Label {
            status: Status::NeedsReview,
            qualifier: Some("leveraged-mt"),
            phase: Some(format!("mt-{}", nmtoken(p))),
            provider: Some(p.to_string()),
        };
        let mut label = match &seg.origin {
            _ if !has_target => {
                Label { status: Status::Untranslated, qualifier: None, phase: None, provider: None }
            }
            Origin::None => {
                Label { status: Status::NeedsReview, qualifier: None, phase: None, provider: None }
            }
            Origin::Mt { provider } => mt(provider),
            // A TM hit whose stored target came from a provider is cached MT:
            // it still needs the review any MT output needs.
            Origin::Tm { source, .. } if !source.eq_ignore_ascii_case("human") => mt(source),
            Origin::Tm { exact: true, .. } => Label {
                status: Status::Translated,
                qualifier: Some("exact-match"),
                phase: Some("tm".into()),
                provider: None,
            },
            Origin::Tm { exact: false, .. } => Label {
                status: Status::NeedsReview,
                qualifier: Some("fuzzy-match"),
                phase: Some("tm".into()),
                provider: None,
            },
            Origin::Human => {
                Label { status: Status::Translated, qualifier: None, phase: None, provider: None }
            }
        };
        // A QA finding reopens even a human translation: someone must look.
        if has_target && !seg.issues.is_empty() {
            label.status = Status::NeedsReview;
        }
        label
    }
}

/// The glossary note of one term hit:
/// `ministère de la Défense → Ministry of Defence (also: MoD) (not: Defence Ministry) [defence]`.
pub(crate) fn term_note(hit: &TermHit, target_lang: &str) -> String {
    // Built with pushes into one string: a note is written for every term
    // of every sentence.
    let mut note = String::with_capacity(2 * hit.text.len() + 48);
    note.push_str(&hit.text);
    note.push_str(" → ");
    match (&hit.expected, hit.do_not_translate) {
        (Some(e), _) => note.push_str(e),
        (None, true) => note.push_str(&hit.text),
        (None, false) => {
            note.push_str("(no ");
            note.push_str(target_lang);
            note.push_str(" term)");
        }
    }
    let mut list = |label: &str, items: &[String]| {
        if items.is_empty() {
            return;
        }
        note.push_str(label);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                note.push_str(", ");
            }
            note.push_str(item);
        }
        note.push(')');
    };
    list(" (also: ", &hit.alternatives);
    list(" (not: ", &hit.forbidden);
    let tags = [
        (!hit.domain.is_empty()).then_some(hit.domain.as_str()),
        hit.do_not_translate.then_some("do not translate"),
    ];
    let mut tags = tags.into_iter().flatten().peekable();
    if tags.peek().is_some() {
        note.push_str(" [");
        for (i, tag) in tags.enumerate() {
            if i > 0 {
                note.push_str(", ");
            }
            note.push_str(tag);
        }
        note.push(']');
    }
    note
}

/// The term hits worth a note: one per concept and matched text, in order.
pub(crate) fn distinct_terms(terms: &[TermHit]) -> Vec<&TermHit> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut out = Vec::new();
    for hit in terms {
        let key = (hit.entry.as_str(), hit.text.as_str());
        if !seen.contains(&key) {
            seen.push(key);
            out.push(hit);
        }
    }
    out
}

/// What a translator reads beside a fuzzy match: its similarity and who
/// translated it (`91% memory match, human translation`).
pub(crate) fn match_note(m: &MemoryMatch) -> String {
    let who = match m.producer.as_str() {
        "human" => "human translation".to_string(),
        provider => format!("machine translation by {provider}"),
    };
    format!("{}% memory match, {who}", m.quality)
}

/// The QA note of one finding: `error: expected "Ministry of Defence" [terms, defence]`.
pub(crate) fn qa_note(issue: &QaIssue) -> String {
    let severity = match issue.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut tags = vec![issue.check.as_str()];
    if let Some(d) = issue.domain.as_deref().filter(|d| !d.is_empty()) {
        tags.push(d);
    }
    format!("{severity}: {} [{}]", issue.message, tags.join(", "))
}

/// Term hits usable as inline markup: inside the text, on character
/// boundaries, not overlapping, left to right.
pub(crate) fn markable_terms<'a>(source: &str, terms: &'a [TermHit]) -> Vec<&'a TermHit> {
    let mut hits: Vec<&TermHit> =
        terms.iter().filter(|h| h.start < h.end && source.get(h.start..h.end).is_some()).collect();
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut out: Vec<&TermHit> = Vec::new();
    for h in hits {
        if out.last().is_none_or(|prev| prev.end <= h.start) {
            out.push(h);
        }
    }
    out
}

/// Collects the forbidden characters met while writing one article.
#[derive(Debug)]
pub(crate) struct Cleaner {
    article: String,
    pub(crate) warnings: Vec<Warning>,
}

impl Cleaner {
    pub(crate) fn new(article: &str) -> Self {
        Self { article: article.to_string(), warnings: Vec::new() }
    }

    /// `text` without the characters XML 1.0 forbids; any dropped are
    /// recorded under `place`.
    pub(crate) fn clean<'a>(
        &mut self,
        text: &'a str,
        place: impl FnOnce() -> String,
    ) -> Cow<'a, str> {
        if crate::xml::all_xml_chars(text) {
            return Cow::Borrowed(text);
        }
        let mut dropped = Vec::new();
        let kept: String = text
            .chars()
            .filter(|&c| {
                let ok = xml_char(c);
                if !ok && !dropped.contains(&c) {
                    dropped.push(c);
                }
                ok
            })
            .collect();
        self.warnings.push(Warning { article: self.article.clone(), place: place(), dropped });
        Cow::Owned(kept)
    }
}

/// `value` as an XML NMTOKEN: anything but ASCII letters, digits, `.`, `_`
/// and `-` becomes `-`.
pub(crate) fn nmtoken(value: &str) -> String {
    let t: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    if t.is_empty() { "x".into() } else { t }
}

/// A syntactic BCP 47 check, as strict as `xs:language`:
/// `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// True when an XML processor that collapses whitespace would change `text`.
pub(crate) fn needs_preserve(text: &str) -> bool {
    text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace)
        // Tab and line breaks looked for as bytes, not as a set of chars.
        || text.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r'))
        || text.contains("  ")
}

/// The article's metadata as `key: value` header notes, in the order both
/// writers use: title, date, byline, publisher, then `meta.*`.
pub(crate) fn article_fields(article: &Article) -> Vec<(String, &str)> {
    let optional = [
        ("title", &article.title),
        ("published", &article.published),
        ("byline", &article.byline),
        ("publisher", &article.publisher),
    ];
    let mut fields: Vec<(String, &str)> =
        optional.iter().filter_map(|(k, v)| v.as_deref().map(|v| (k.to_string(), v))).collect();
    fields.extend(article.meta.iter().map(|(k, v)| (format!("meta.{k}"), v.as_str())));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckId;

    #[test]
    fn forbidden_chars_are_dropped_and_reported_once() {
        let mut c = Cleaner::new("a1");
        let out = c.clean("x\u{1}y\u{1}\u{FFFE}z\u{1F600}\u{A0}", || "p1.s1 source".into());
        assert_eq!(out, "xyz\u{1F600}\u{A0}");
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(c.warnings[0].dropped, vec!['\u{1}', '\u{FFFE}']);
        assert_eq!(
            c.warnings[0].to_string(),
            "article a1: p1.s1 source: dropped U+0001, U+FFFE, which XML 1.0 forbids \
             (fix the source text or its decoding)"
        );
        assert!(matches!(c.clean("fine\t\n", String::new), Cow::Borrowed(_)));
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn preserve_is_asked_for_exactly_where_whitespace_would_collapse() {
        let before = |text: &str| {
            text.starts_with(char::is_whitespace)
                || text.ends_with(char::is_whitespace)
                || text.contains(['\t', '\n', '\r'])
                || text.contains("  ")
        };
        for text in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            "a\tb",
            "a\nb",
            "a\rb",
            "a\t",
            "\ta",
            " a",
            "a ",
            "a\u{a0}",
            "\u{2003}a",
            "é  è",
            "a\u{a0} b",
            "ab\r",
        ] {
            assert_eq!(needs_preserve(text), before(text), "{text:?}");
        }
    }

    #[test]
    fn term_notes_read_the_same_however_built() {
        let mut hit = TermHit {
            text: "ministère de la Défense".into(),
            expected: Some("Ministry of Defence".into()),
            alternatives: vec!["MoD".into(), "Defence Ministry".into()],
            forbidden: vec!["Defense Department".into()],
            domain: "defence".into(),
            entry: "c1".into(),
            start: 0,
            end: 0,
            term: String::new(),
            do_not_translate: false,
            no_article: false,
            plural: None,
        };
        assert_eq!(
            term_note(&hit, "en-GB"),
            "ministère de la Défense → Ministry of Defence (also: MoD, Defence Ministry) \
             (not: Defense Department) [defence]"
        );
        hit.expected = None;
        hit.do_not_translate = true;
        hit.alternatives.clear();
        assert_eq!(
            term_note(&hit, "en-GB"),
            "ministère de la Défense → ministère de la Défense (not: Defense Department) \
             [defence, do not translate]"
        );
        hit.do_not_translate = false;
        hit.forbidden.clear();
        hit.domain.clear();
        assert_eq!(term_note(&hit, "en-GB"), "ministère de la Défense → (no en-GB term)");
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("fr-FR"));
        assert!(is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag("en_GB"));
        assert!(!is_language_tag(""));
        assert!(!is_language_tag("en-"));
    }

    #[test]
    fn labels_follow_origin_and_issues() {
        let mut seg = Segment::new("p1.s1", "Bonjour.");
        assert_eq!(Label::of(&seg).status, Status::Untranslated);
        seg.target = Some("Hello.".into());
        seg.origin = Origin::Mt { provider: "deepl".into() };
        let l = Label::of(&seg);
        assert_eq!(
            (l.status, l.qualifier, l.phase.as_deref()),
            (Status::NeedsReview, Some("leveraged-mt"), Some("mt-deepl"))
        );
        seg.origin = Origin::Tm { exact: true, source: "human".into() };
        assert_eq!(Label::of(&seg).status, Status::Translated);
        assert_eq!(Label::of(&seg).qualifier, Some("exact-match"));
        seg.origin = Origin::Tm { exact: true, source: "deepl".into() };
        assert_eq!(Label::of(&seg).provider.as_deref(), Some("deepl"));
        seg.origin = Origin::Human;
        seg.issues.push(QaIssue {
            check: CheckId::Terms,
            severity: Severity::Error,
            message: "m".into(),
            entry: None,
            domain: None,
        });
        assert_eq!(Label::of(&seg).status, Status::NeedsReview);
    }

    #[test]
    fn overlapping_or_broken_term_ranges_are_not_marked() {
        let hit = |s, e| TermHit {
            entry: "e".into(),
            start: s,
            end: e,
            text: String::new(),
            term: String::new(),
            expected: None,
            alternatives: vec![],
            forbidden: vec![],
            domain: String::new(),
            do_not_translate: false,
            no_article: false,
            plural: None,
        };
        let src = "é abc def";
        let terms = [hit(3, 6), hit(4, 9), hit(1, 3), hit(7, 10), hit(7, 11)];
        let got: Vec<(usize, usize)> =
            markable_terms(src, &terms).iter().map(|h| (h.start, h.end)).collect();
        assert_eq!(got, vec![(3, 6), (7, 10)]);
    }
}
