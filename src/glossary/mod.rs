//! Glossary: termbases in, term hits on segments out.
//!
//! Input: TBX files (ISO 30042, TBX-Basic or TBX-Core, `termEntry` or
//! `conceptEntry`) and CSV/TSV files (`source, target, locale, domain,
//! note`). Output: a [`Matcher`] for one target locale, which finds the
//! glossary's French terms in text as French news writes them (case,
//! accents, elision, plural and feminine forms, hyphens, line breaks and
//! no-break spaces), longest match first, and returns [`TermHit`]s carrying
//! the expected target for that locale.
//!
//! Guarantees: loading either yields every concept or an error naming the
//! file and line; a concept that needs context (an ambiguous word such as
//! `défense`) is only tagged when its context rule holds; a matcher is
//! immutable, cheap to clone and shareable across threads.

mod check;
pub(crate) mod csv;
pub mod export;
pub(crate) mod fold;
mod matcher;
mod stats;
pub(crate) mod tbx;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Article, CheckId, TermHit, short_hash};

pub use check::Problem;
pub use matcher::Matcher;
pub use stats::{DomainStats, LocaleStats};

/// Why a glossary could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file or folder could not be read.
    #[error("{path}: cannot read the glossary (check the path and its permissions)", path = path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The file is not well-formed XML.
    #[error("{path}:{line}: not well-formed XML", path = path.display())]
    Xml {
        /// The file.
        path: PathBuf,
        /// Line of the error (1-based).
        line: usize,
        /// The parser's complaint.
        #[source]
        source: crate::XmlError,
    },
    /// A CSV/TSV row could not be read.
    #[error("{path}:{line}: malformed row (check quoting and the number of fields)", path = path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Line of the row (1-based).
        line: usize,
        /// The parser's complaint.
        #[source]
        source: ::csv::Error,
    },
    /// The file parses but an entry is incomplete or contradictory.
    #[error("{path}:{line}: {message}", path = path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line of the entry (1-based).
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The file is neither `.tbx`, `.csv` nor `.tsv`.
    #[error("{path}: unknown glossary format (use .tbx, .csv or .tsv)", path = path.display())]
    Format {
        /// The file.
        path: PathBuf,
    },
}

/// How a target term stands in the house style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Status {
    /// The term to use.
    Preferred,
    /// Accepted as well.
    Admitted,
    /// Rejected: a translation must not use it.
    Forbidden,
}

/// A target-language term of a concept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Target {
    /// BCP 47 tag as written in the file (`en-GB`, `en`, `de`).
    pub locale: String,
    /// The term.
    pub term: String,
    /// Preferred, admitted or forbidden.
    pub status: Status,
    /// Usage note (`UK institution; for the US department see ...`).
    pub note: Option<String>,
    /// Line of the term in its file.
    pub line: usize,
    /// The term is a name used without an article in running text
    /// (`France`, `NATO`): TBX `<termNote type="x-article">none</termNote>`.
    pub no_article: bool,
    /// Its plural where it is not the regular plural of the head noun
    /// (`attorneys general`, invariant `aircraft`): TBX
    /// `<termNote type="x-plural">`.
    pub plural: Option<String>,
}

/// One concept: French source terms, target terms per locale, and the
/// rules that decide when and how it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// Concept id, unique across the glossary (`def-0012`).
    pub id: String,
    /// Subject field (`defence`, `diplomacy`, ...).
    pub domain: String,
    /// French terms; the first is the preferred one.
    pub sources: Vec<String>,
    /// Target terms, all locales.
    pub targets: Vec<Target>,
    /// Keep the term verbatim in every target language (names such as
    /// `Caliber.Az`).
    pub do_not_translate: bool,
    /// Only tag the term when a `requires` word is near; with no such
    /// word listed, never tag it automatically.
    pub ambiguous: bool,
    /// Words of which one must occur within a few words of the term.
    pub requires: Vec<String>,
    /// Phrases in which the term is another concept (`défense de fumer`).
    pub excludes: Vec<String>,
    /// Its French terms written in capitals of three letters or more are
    /// acronyms that news also writes in other cases (`OTAN`, `Otan`):
    /// they match in any case. Without it an acronym must be in capitals.
    pub acronym: bool,
    /// One or two words (adjectives) may stand after the first word of a
    /// multiword term: `ministre israélien des Affaires étrangères`.
    pub insertions: bool,
    /// Its terms are nouns that French also uses as adjectives
    /// (`militaire`): tag them only in the noun reading, that is after a
    /// determiner, a number or a quantity word (`les militaires`, `300
    /// militaires`, `un ancien militaire`) or at the start of a sentence or
    /// clause, not after a noun (`intervention militaire`).
    pub noun: bool,
    /// Where the concept comes from (TBX `x-source`, CSV `source_ref`), for
    /// `depeche glossary stats`.
    pub origin: Option<String>,
    /// From a newsroom file (`newsroom*.csv`, `.tsv` or `.tbx`): where it
    /// shares a French term with a shipped concept, it wins.
    pub house: bool,
    /// Free note for translators.
    pub note: Option<String>,
    /// File the concept comes from.
    pub path: PathBuf,
    /// Line of the concept in that file.
    pub line: usize,
}

/// Target terms of one concept for one locale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolved {
    /// The term a translation should use.
    pub expected: Option<String>,
    /// Other accepted renderings.
    pub alternatives: Vec<String>,
    /// Renderings the house style rejects.
    pub forbidden: Vec<String>,
    /// The expected term is a name used without an article.
    pub no_article: bool,
    /// The expected term's plural, where the termbase gives one.
    pub plural: Option<String>,
}

impl Entry {
    /// The preferred French term.
    pub fn term(&self) -> &str {
        self.sources.first().map_or("", String::as_str)
    }

    /// Target terms for `locale`, falling back within the language
    /// (`en-GB` → `en` → `en-US`, `de-DE` → `de` → `de-AT`).
    ///
    /// Forbidden renderings come only from the locale itself and its bare
    /// language, since `Ministry of Defence` is wrong in en-US and right in
    /// en-GB. A do-not-translate concept expects its own French term unless
    /// a target is given.
    pub fn resolve(&self, locale: &str) -> Resolved {
        let want = locale.to_ascii_lowercase();
        let lang = want.split(['-', '_']).next().unwrap_or("").to_string();
        let loc = |t: &Target| t.locale.to_ascii_lowercase().replace('_', "-");
        let same_lang = |t: &Target| {
            let l = loc(t);
            l == lang || l.starts_with(&format!("{lang}-"))
        };
        let accepted = |t: &&Target| t.status != Status::Forbidden;
        let mut order: Vec<String> = vec![want.clone(), lang.clone()];
        let mut others: Vec<String> = self
            .targets
            .iter()
            .filter(|t| same_lang(t))
            .map(loc)
            .filter(|l| !order.contains(l))
            .collect();
        others.sort();
        others.dedup();
        order.extend(others);
        let mut out = Resolved::default();
        for l in &order {
            let mut group: Vec<&Target> =
                self.targets.iter().filter(|t| &loc(t) == l).filter(accepted).collect();
            if group.is_empty() {
                continue;
            }
            group.sort_by_key(|t| t.status);
            out.expected = group.first().map(|t| t.term.clone());
            out.no_article = group.first().is_some_and(|t| t.no_article);
            out.plural = group.first().and_then(|t| t.plural.clone());
            out.alternatives = group.iter().skip(1).map(|t| t.term.clone()).collect();
            break;
        }
        if out.expected.is_none() && self.do_not_translate {
            out.expected = Some(self.term().to_string());
        }
        for t in self.targets.iter().filter(|t| t.status == Status::Forbidden) {
            let l = loc(t);
            if (l == want || l == lang) && !out.forbidden.contains(&t.term) {
                out.forbidden.push(t.term.clone());
            }
        }
        out
    }
}

/// A set of termbases.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    entries: Arc<Vec<Entry>>,
    /// `path:hash;` of every file loaded, in load order.
    fingerprint: Arc<str>,
    /// The domain filter applied by [`Glossary::with_domains`].
    domains: Vec<String>,
}

impl Glossary {
    /// Loads every `.tbx`, `.csv` and `.tsv` file in `paths`.
    ///
    /// A folder contributes the glossary files directly inside it, in name
    /// order (sub-folders such as `tools/` are not read).
    pub fn load(paths: &[&Path]) -> Result<Self, Error> {
        let mut all = Vec::new();
        for path in paths {
            let meta = std::fs::metadata(path)
                .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
            if meta.is_dir() {
                let mut files = Vec::new();
                let dir = std::fs::read_dir(path)
                    .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
                for item in dir {
                    let item =
                        item.map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
                    let p = item.path();
                    if p.is_file() && format_of(&p).is_some() {
                        files.push(p);
                    }
                }
                files.sort();
                all.extend(files);
            } else {
                all.push(path.to_path_buf());
            }
        }
        // Each file is parsed on a thread of its own (the shipped
        // termbases are megabytes of TBX each), then the entries are put
        // together in file order, and the first failing file in that order
        // is the error, as if they had been read one after the other.
        let one = |path: &Path| {
            let (mut entries, mut fingerprint) = (Vec::new(), String::new());
            load_file(path, &mut entries, &mut fingerprint).map(|()| (entries, fingerprint))
        };
        let loaded: Vec<Result<(Vec<Entry>, String), Error>> = std::thread::scope(|scope| {
            let started: Vec<_> = all
                .iter()
                .map(|path| {
                    let thread = std::thread::Builder::new().name("depeche-termbase".into());
                    (path, thread.spawn_scoped(scope, || one(path)).ok())
                })
                .collect();
            started
                .into_iter()
                .map(|(path, thread)| match thread.map(std::thread::ScopedJoinHandle::join) {
                    Some(Ok(loaded)) => loaded,
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                    // No thread to spare: parsed here.
                    None => one(path),
                })
                .collect()
        });
        let mut entries = Vec::new();
        let mut fingerprint = String::new();
        for file in loaded {
            let (more, print) = file?;
            entries.extend(more);
            fingerprint.push_str(&print);
        }
        Ok(Self {
            entries: Arc::new(entries),
            fingerprint: fingerprint.into(),
            domains: Vec::new(),
        })
    }

    /// The version of this glossary: a hash of the files' names and bytes
    /// and of the domain filter, plus `salt` (settings that change what a
    /// cached translation must satisfy, such as term enforcement).
    ///
    /// The translation memory stores it with every machine translation, so
    /// a glossary change re-checks cached translations before serving them.
    pub fn version(&self, salt: &str) -> String {
        short_hash(&format!("{}domains:{}{salt}", self.fingerprint, self.domains.join(",")))
    }

    /// A glossary made of `entries` (for tools and tests that build one in
    /// memory).
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        Self { entries: Arc::new(entries), ..Self::default() }
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the glossary holds no concept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The concepts, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The concept with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Domains present, sorted.
    pub fn domains(&self) -> Vec<String> {
        let mut d: Vec<String> = self.entries.iter().map(|e| e.domain.clone()).collect();
        d.sort();
        d.dedup();
        d
    }

    /// The concepts of the given domains only (case-insensitive); an empty
    /// list keeps everything.
    pub fn with_domains(&self, domains: &[String]) -> Glossary {
        if domains.is_empty() {
            return self.clone();
        }
        let keep: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| domains.iter().any(|d| d.eq_ignore_ascii_case(&e.domain)))
            .cloned()
            .collect();
        Glossary {
            entries: Arc::new(keep),
            fingerprint: Arc::clone(&self.fingerprint),
            domains: domains.to_vec(),
        }
    }

    /// Duplicates, conflicts and gaps, for `depeche glossary check`.
    ///
    /// A problem of [`Severity::Error`](crate::model::Severity::Error)
    /// (a conflict, a concept with no target) should fail the check.
    pub fn check(&self) -> Vec<Problem> {
        check::check(&self.entries)
    }

    /// Concepts, terms and variants per domain and locale, and the sources
    /// the concepts come from, for `depeche glossary stats`.
    pub fn stats(&self) -> Vec<DomainStats> {
        stats::stats(&self.entries)
    }

    /// A matcher for one target locale (`en-GB`, `en-US`, `de`, ...).
    pub fn matcher(&self, target_locale: &str) -> Matcher {
        Matcher::new(&self.entries, target_locale)
    }
}

/// The loader for a file name, by extension.
fn format_of(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "tbx" => Some("tbx"),
        "csv" => Some("csv"),
        "tsv" | "tab" => Some("tsv"),
        _ => None,
    }
}

fn load_file(path: &Path, entries: &mut Vec<Entry>, fingerprint: &mut String) -> Result<(), Error> {
    let Some(format) = format_of(path) else {
        return Err(Error::Format { path: path.to_path_buf() });
    };
    let text = std::fs::read_to_string(path)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    fingerprint.push_str(&format!("{}:{};", path.display(), short_hash(&text)));
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = entries.len();
    match format {
        "tbx" => tbx::parse(path, text, entries)?,
        "tsv" => csv::parse(path, text, b'\t', entries)?,
        _ => csv::parse(path, text, b',', entries)?,
    }
    if is_house(path) {
        for e in entries.iter_mut().skip(first) {
            e.house = true;
        }
    }
    Ok(())
}

/// Whether `path` is a newsroom's own glossary: a file whose name starts
/// with `newsroom` (`newsroom.csv`, `newsroom-sport.tsv`, `newsroom.tbx`).
/// Its concepts take precedence over the shipped termbases (#10).
fn is_house(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().starts_with("newsroom"))
}

/// Attaches term hits to every segment of `article`.
pub fn annotate(matcher: &Matcher, article: &mut Article) {
    for para in &mut article.paragraphs {
        for seg in &mut para.segments {
            seg.terms = matcher.find(&seg.source);
        }
    }
}

/// Term counts of one domain, for the run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TermStats {
    /// Term occurrences found in the source.
    pub found: usize,
    /// Occurrences in translated segments whose target passed verification.
    pub applied: usize,
    /// Occurrences whose target failed verification.
    pub violated: usize,
}

impl TermStats {
    /// Adds `other` into `self`.
    pub fn add(&mut self, other: TermStats) {
        self.found += other.found;
        self.applied += other.applied;
        self.violated += other.violated;
    }
}

/// Terms found, applied and violated per domain in `article`, after QA.
///
/// A hit counts as violated when its segment carries a `terms` issue for
/// its concept; as applied when the segment has a target and no such issue.
pub fn stats(article: &Article) -> BTreeMap<String, TermStats> {
    let mut out: BTreeMap<String, TermStats> = BTreeMap::new();
    for seg in article.paragraphs.iter().flat_map(|p| &p.segments) {
        let translated = seg.target.as_deref().is_some_and(|t| !t.trim().is_empty());
        for hit in &seg.terms {
            let s = out.entry(hit.domain.clone()).or_default();
            s.found += 1;
            let violated = seg.issues.iter().any(|i| {
                i.check == CheckId::Terms && i.entry.as_deref() == Some(hit.entry.as_str())
            });
            if violated {
                s.violated += 1;
            } else if translated {
                s.applied += 1;
            }
        }
    }
    out
}

/// One line per hit, as `depeche glossary match` prints it:
/// `ministère de la Défense → Ministry of Defence [defence]`.
pub fn describe(hit: &TermHit) -> String {
    let target = match (&hit.expected, hit.do_not_translate) {
        (_, true) => format!("{} (do not translate)", hit.expected.as_deref().unwrap_or(&hit.text)),
        (Some(t), false) => t.clone(),
        (None, false) => "(no target for this locale)".to_string(),
    };
    format!("{} → {target} [{}]", hit.term, hit.domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(targets: &[(&str, &str, Status)]) -> Entry {
        Entry {
            id: "t1".into(),
            domain: "defence".into(),
            sources: vec!["ministère de la Défense".into()],
            targets: targets
                .iter()
                .map(|(l, t, s)| Target {
                    locale: (*l).into(),
                    term: (*t).into(),
                    status: *s,
                    note: None,
                    line: 1,
                    no_article: false,
                    plural: None,
                })
                .collect(),
            do_not_translate: false,
            ambiguous: false,
            requires: vec![],
            excludes: vec![],
            acronym: false,
            insertions: false,
            noun: false,
            origin: None,
            house: false,
            note: None,
            path: PathBuf::from("x.tbx"),
            line: 1,
        }
    }

    #[test]
    fn resolve_falls_back_within_the_language() {
        let e = entry(&[
            ("en-GB", "Ministry of Defence", Status::Preferred),
            ("en-GB", "defence ministry", Status::Admitted),
            ("en-US", "Defense Ministry", Status::Preferred),
            ("en-US", "Ministry of Defence", Status::Forbidden),
            ("de", "Verteidigungsministerium", Status::Preferred),
        ]);
        let gb = e.resolve("en-GB");
        assert_eq!(gb.expected.as_deref(), Some("Ministry of Defence"));
        assert_eq!(gb.alternatives, ["defence ministry"]);
        assert!(gb.forbidden.is_empty());
        let us = e.resolve("en-US");
        assert_eq!(us.expected.as_deref(), Some("Defense Ministry"));
        assert_eq!(us.forbidden, ["Ministry of Defence"]);
        assert_eq!(e.resolve("en").expected.as_deref(), Some("Ministry of Defence"));
        assert_eq!(e.resolve("de-DE").expected.as_deref(), Some("Verteidigungsministerium"));
        assert_eq!(e.resolve("es").expected, None);
        let us_only = entry(&[("en-US", "Department of Defense", Status::Preferred)]);
        assert_eq!(us_only.resolve("en-GB").expected.as_deref(), Some("Department of Defense"));
    }

    #[test]
    fn with_domains_filters() {
        let mut a = entry(&[]);
        a.domain = "diplomacy".into();
        let g = Glossary::from_entries(vec![entry(&[]), a]);
        assert_eq!(g.with_domains(&["Diplomacy".to_string()]).len(), 1);
        assert_eq!(g.with_domains(&[]).len(), 2);
        assert_eq!(g.domains(), ["defence", "diplomacy"]);
    }
}
