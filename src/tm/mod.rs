//! Translation memory: earlier translations, served again by exact match.
//!
//! Input: segmented [`Article`]s whose segments may lack a target.
//! Output: the same articles with `target` and [`Origin::Tm`] set on every
//! segment the memory holds a translation for ([`apply`]), and, after
//! translation, the new translations recorded for the next run
//! ([`record`]).
//!
//! Where the translations live is a [`MemoryStore`]: batched, async lookups
//! and stores, answered in ranked candidates so that fuzzy matching can be
//! added without changing the trait. [`apply`] and [`record`] are the one
//! place that decides which segments are looked up, when a cached machine
//! translation is still good, and what is kept; a store only finds and
//! keeps entries.
//!
//! The default store, [`SqliteStore`] (also named [`Memory`]), is one
//! SQLite file (by default `.depeche/tm.sqlite` next to the config file,
//! see [`default_path`]), created on first use. Guarantees:
//!
//! - Two processes may use one file at once: SQLite's write-ahead log lets
//!   readers run beside one writer, writers queue for up to
//!   [`BUSY_TIMEOUT`], and every write is one transaction, so no entry is
//!   lost or half-written. Within a process, lookups run side by side on a
//!   small pool of read connections, off the async threads.
//! - A crash (even `SIGKILL`) in the middle of a write leaves the file as it
//!   was before that transaction: the write-ahead log is rolled back on the
//!   next open.
//! - Matching is on the normalised source ([`normalize`]): NFC, runs of
//!   whitespace collapsed to one space, typographic apostrophes unified.
//! - A human entry outranks every machine translation of the same sentence
//!   and is never overwritten by one; among equals the newest wins.
//! - Nothing secret is stored: an origin is `human` or a provider name.
//!
//! Several workers on several machines share one memory on a PostgreSQL
//! server instead: [`PostgresStore`], with the same contract, opened from a
//! `postgres://` URL ([`Location`]). [`copy`] moves a memory between the
//! two, and [`tmx`] reads and writes either.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use unicode_normalization::UnicodeNormalization as _;

use crate::model::{Article, MemoryMatch, Origin, Segment};

pub mod check;
mod coordinate;
pub mod fuzzy;
mod postgres;
mod sqlite;
mod store;
pub mod tmx;

pub use check::{CheckReport, RepairReport, check, repair};
pub use fuzzy::Fuzzy;
#[cfg(test)]
pub(crate) use postgres::entry_key;
pub use postgres::{
    FUZZY_CANDIDATES, POOL_SIZE, PostgresStore, PostgresUrl, SERVER_SCHEMA_VERSION, redact,
    trigram_bar,
};
pub use sqlite::SqliteStore;
pub use store::{Lookup, Match, MatchKind, MemoryStore};

/// The SQLite store under the name it had before [`MemoryStore`] existed.
pub type Memory = SqliteStore;

/// How long a write waits for another process to finish its own.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema this version reads and writes.
///
/// 1: entries keyed by the normalised source only.
/// 2: `source_text`, the source as written, beside the key (filled from the
///    key for entries stored under schema 1).
const SCHEMA_VERSION: i64 = 2;

/// The file name under `.depeche/`.
const FILE_NAME: &str = "tm.sqlite";

/// Why the translation memory failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The folder for the memory could not be created.
    #[error("{path}: cannot create the translation memory folder")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// Another process held the memory longer than [`BUSY_TIMEOUT`].
    #[error(
        "{path}: the translation memory is busy in another depeche process (waited {}s); \
         try again when it has finished",
        BUSY_TIMEOUT.as_secs()
    )]
    Busy {
        /// The memory file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not a translation memory, or it is damaged.
    #[error(
        "{path}: not a depeche translation memory, or a damaged one (move it away to start anew)"
    )]
    NotAMemory {
        /// The memory file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is a translation memory whose pages are damaged: lookups
    /// would fail or miss, and every sentence be paid for again.
    #[error(
        "{path}: the translation memory is damaged ({detail}); run `depeche tm check --repair \
         --tm {path}` to save its readable entries into a fresh file, or run with --no-memory"
    )]
    Damaged {
        /// The memory file.
        path: PathBuf,
        /// What the check found.
        detail: String,
    },
    /// The file was written by a newer depeche.
    #[error(
        "{path}: translation memory schema {found} is newer than this depeche reads \
         ({SCHEMA_VERSION}); upgrade depeche"
    )]
    TooNew {
        /// The memory file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
    },
    /// Any other database failure.
    #[error("{path}: translation memory error")]
    Sqlite {
        /// The memory file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A language tag that is not a BCP 47 tag.
    #[error("{tag:?} is not a language tag (expected one like fr-FR)")]
    BadLanguage {
        /// The rejected tag.
        tag: String,
    },
    /// A TMX file could not be read.
    #[error("{path}: cannot read the file")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// A TMX file is not well-formed XML.
    #[error("{path}:{line}: not well-formed XML")]
    Xml {
        /// The file.
        path: PathBuf,
        /// 1-based line of the fault.
        line: u64,
        /// The parser's finding.
        #[source]
        source: XmlError,
    },
    /// A TMX file is well-formed but not valid TMX 1.4b.
    #[error("{path}:{line}: {message}")]
    Tmx {
        /// The file.
        path: PathBuf,
        /// 1-based line of the fault.
        line: u64,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// An export could not be written.
    #[error(transparent)]
    Write(#[from] crate::output::Error),
    /// The blocking task doing the work stopped before it finished (the
    /// runtime shut down, or the task panicked).
    #[error("the translation memory task stopped before it finished")]
    Task {
        /// Why the task ended.
        #[source]
        source: tokio::task::JoinError,
    },
    /// A fuzzy threshold out of range.
    #[error(
        "fuzzy_threshold {value} is out of range (expected a similarity from {} to 1, \
         such as 0.75)",
        fuzzy::MIN_THRESHOLD
    )]
    FuzzyThreshold {
        /// The rejected value.
        value: f64,
    },
    /// A store cannot do what was asked (a listing, a count).
    #[error("{store}: this translation memory does not support {what}")]
    Unsupported {
        /// Which store.
        store: String,
        /// What it was asked to do.
        what: &'static str,
    },
    /// A memory location that is neither a file path nor a PostgreSQL URL
    /// depeche can use.
    #[error("{location}: {reason}")]
    BadLocation {
        /// The location, without any password.
        location: String,
        /// What is wrong, and how to fix it.
        reason: String,
    },
    /// The database server holds a schema written by a newer depeche.
    #[error(
        "{store}: translation memory schema {found} is newer than this depeche reads \
         ({expected}); upgrade depeche"
    )]
    ServerTooNew {
        /// The server, without any password.
        store: String,
        /// The version found on the server.
        found: i64,
        /// The version this depeche writes.
        expected: i64,
    },
    /// The database server could not be reached or refused the connection.
    #[error("{store}: cannot connect to the translation memory server{hint}")]
    Connect {
        /// The server, without any password.
        store: String,
        /// The likely fix, in parentheses, or nothing.
        hint: String,
        /// The client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A store other than SQLite failed.
    #[error("{store}: translation memory error")]
    Store {
        /// Which store (a name, a file or a server).
        store: String,
        /// The store's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

pub use crate::xml::XmlError;

impl Error {
    /// True when the memory itself is damaged, so that going on without it
    /// would pay again for what it holds: the run must stop instead.
    pub fn is_damaged(&self) -> bool {
        matches!(self, Self::Damaged { .. } | Self::NotAMemory { .. })
    }
}

/// Who produced a stored translation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EntryOrigin {
    /// A machine translation.
    Mt {
        /// The provider name (`deepl`).
        provider: String,
    },
    /// A human translation or review, from depeche or another tool.
    Human,
}

impl EntryOrigin {
    /// The stored form: `human` or `mt:<provider>`.
    pub fn as_key(&self) -> String {
        match self {
            EntryOrigin::Human => "human".into(),
            EntryOrigin::Mt { provider } => format!("mt:{provider}"),
        }
    }

    /// Reads the stored form back; `None` for anything else.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "human" => Some(EntryOrigin::Human),
            _ => key
                .strip_prefix("mt:")
                .filter(|p| !p.is_empty())
                .map(|p| EntryOrigin::Mt { provider: p.into() }),
        }
    }

    /// The name written into a segment's [`Origin::Tm`] `source`.
    fn producer(&self) -> String {
        match self {
            EntryOrigin::Human => "human".into(),
            EntryOrigin::Mt { provider } => provider.clone(),
        }
    }
}

impl fmt::Display for EntryOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_key())
    }
}

/// One stored translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The normalised source sentence: the lookup key.
    pub source: String,
    /// The source sentence as it was written when stored (typographic
    /// apostrophes, no-break spaces), what exports give back. Entries stored
    /// before schema 2 only had the key, which then stands here too.
    pub source_text: String,
    /// The target sentence, as stored.
    pub target: String,
    /// Source locale (`fr-FR`).
    pub source_lang: String,
    /// Target locale (`en-GB`).
    pub target_lang: String,
    /// Who produced the target.
    pub origin: EntryOrigin,
    /// Version of the glossary the target was checked against, if known.
    pub glossary_version: Option<String>,
    /// When the entry was first stored (RFC 3339 UTC).
    pub created: String,
    /// When its target last changed (RFC 3339 UTC).
    pub updated: String,
}

/// A translation to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The source sentence as written: kept as is, and normalised into
    /// the lookup key.
    pub source: String,
    /// The target sentence.
    pub target: String,
    /// Source locale.
    pub source_lang: String,
    /// Target locale.
    pub target_lang: String,
    /// Who produced the target.
    pub origin: EntryOrigin,
    /// Version of the glossary the target was checked against.
    pub glossary_version: Option<String>,
    /// Creation time to keep (RFC 3339 UTC), for imports; `None` means now.
    pub created: Option<String>,
    /// Change time to keep (RFC 3339 UTC), for imports; `None` means now.
    pub updated: Option<String>,
}

impl NewEntry {
    /// An entry produced now.
    pub fn new(
        source: impl Into<String>,
        target: impl Into<String>,
        source_lang: impl Into<String>,
        target_lang: impl Into<String>,
        origin: EntryOrigin,
    ) -> Self {
        Self {
            source: source.into(),
            target: target.into(),
            source_lang: source_lang.into(),
            target_lang: target_lang.into(),
            origin,
            glossary_version: None,
            created: None,
            updated: None,
        }
    }
}

impl NewEntry {
    /// The entry without the characters XML 1.0 forbids (NUL and most
    /// other control characters, U+FFFE, U+FFFF), which no TMX or XLIFF
    /// can carry and PostgreSQL's text cannot hold (NUL): every store drops
    /// them on the way in, whatever put them there (a provider's answer,
    /// the library), so that both stores keep the same text (See: #15).
    pub(crate) fn xml_safe(&self) -> std::borrow::Cow<'_, Self> {
        use crate::xml::xml_chars;
        let clean = |t: &str| matches!(xml_chars(t), std::borrow::Cow::Borrowed(_));
        let version_clean = self.glossary_version.as_deref().is_none_or(clean);
        if clean(&self.source) && clean(&self.target) && version_clean {
            return std::borrow::Cow::Borrowed(self);
        }
        std::borrow::Cow::Owned(Self {
            source: xml_chars(&self.source).into_owned(),
            target: xml_chars(&self.target).into_owned(),
            glossary_version: self.glossary_version.as_deref().map(|v| xml_chars(v).into_owned()),
            ..self.clone()
        })
    }
}

/// Entries for one locale pair and origin, as `depeche tm stats` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    /// Source locale.
    pub source_lang: String,
    /// Target locale.
    pub target_lang: String,
    /// Who produced the targets.
    pub origin: EntryOrigin,
    /// Number of entries.
    pub entries: u64,
}

/// Which entries an export or a listing covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this source locale.
    pub source_lang: Option<String>,
    /// Only this target locale.
    pub target_lang: Option<String>,
    /// Only human entries.
    pub human_only: bool,
}

/// Where a translation memory lives: a SQLite file, or a PostgreSQL
/// database shared by several workers. Shown without any password.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Location {
    /// A SQLite file, created on first use.
    File(PathBuf),
    /// A database on a PostgreSQL server.
    Postgres(PostgresUrl),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL names a server (its password
    /// found as [`PostgresUrl::parse`] says); anything else is a file path.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if PostgresUrl::is_url(text) {
            PostgresUrl::parse(text).map(Self::Postgres)
        } else {
            Ok(Self::File(PathBuf::from(text)))
        }
    }

    /// Opens the memory, creating the file or the schema on first use.
    pub async fn open(&self) -> Result<std::sync::Arc<dyn MemoryStore>, Error> {
        Ok(match self {
            Self::File(path) => std::sync::Arc::new(SqliteStore::open(path)?),
            Self::Postgres(url) => std::sync::Arc::new(PostgresStore::open(url).await?),
        })
    }

    /// True for a file that does not exist yet (a server always exists).
    pub fn is_missing_file(&self) -> bool {
        matches!(self, Self::File(path) if !path.exists())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => write!(f, "{url}"),
        }
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Self {
        Self::File(path)
    }
}

/// Entries read per page by [`copy`].
pub const COPY_PAGE: usize = 1000;

/// What [`copy`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyReport {
    /// Entries read from the source memory.
    pub read: usize,
    /// Entries added or changed in the destination (the rest it held
    /// already, or held newer).
    pub changed: usize,
}

/// Copies every entry of `from` into `to` (SQLite to PostgreSQL, or back),
/// [`COPY_PAGE`] entries at a time, so a memory of any size goes through
/// in constant memory. Each entry keeps its origin, glossary version,
/// written source and dates, and the destination's own rules apply: an
/// entry it holds newer, or from a human, stays. Copying again changes
/// nothing.
pub async fn copy(from: &dyn MemoryStore, to: &dyn MemoryStore) -> Result<CopyReport, Error> {
    let mut report = CopyReport::default();
    let mut after = 0;
    loop {
        let page = from.scan(after, COPY_PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        let entries: Vec<NewEntry> = page
            .into_iter()
            .map(|(_, e)| NewEntry {
                source: e.source_text,
                target: e.target,
                source_lang: e.source_lang,
                target_lang: e.target_lang,
                origin: e.origin,
                glossary_version: e.glossary_version,
                created: Some(e.created),
                updated: Some(e.updated),
            })
            .collect();
        report.read += entries.len();
        report.changed += to.store(&entries).await?;
    }
    Ok(report)
}

/// Where the memory lives by default: `.depeche/tm.sqlite` in the folder
/// of the config file, or in the working directory when there is none.
pub fn default_path(config_dir: Option<&Path>) -> PathBuf {
    let dir = Path::new(".depeche");
    match config_dir.filter(|d| !d.as_os_str().is_empty()) {
        Some(base) => base.join(dir).join(FILE_NAME),
        None => dir.join(FILE_NAME),
    }
}

/// The form a source sentence is matched in: NFC, every run of whitespace
/// (including no-break spaces) one ASCII space, trimmed, and the
/// typographic apostrophes `’` and `ʼ` written `'`.
pub fn normalize(text: &str) -> String {
    if crate::normalize::is_nfc(text) {
        normalize_of(text.chars(), text.len())
    } else {
        normalize_of(text.nfc(), text.len())
    }
}

fn normalize_of(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for ch in chars {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(match ch {
            '\u{2019}' | '\u{02BC}' => '\'',
            other => other,
        });
    }
    out
}

/// The canonical spelling of a BCP 47 tag (`fr-fr` → `fr-FR`, `zh_hant` →
/// `zh-Hant`), so tags from different tools match; `None` when `tag` is
/// not a tag.
pub fn canonical_lang(tag: &str) -> Option<String> {
    crate::Locale::parse(tag).ok().map(|l| l.to_string())
}

/// The locale pairs whose entries answer a lookup from `src` into `tgt`,
/// best first: the pair itself, then entries stored under the bare
/// language of the source, of the target, then of both (`fr-FR` → `en-GB`
/// is also served by `fr` → `en-GB`, `fr-FR` → `en` and `fr` → `en`). TMX
/// files from many CAT tools tag their segments `fr` and `en`; without
/// this, such a memory would import and never serve a run (See: #15). A
/// broader tag keeps the script (`zh-Hant-TW` → `zh-Hant`), which changes
/// the writing, and drops only the region and variants. Tags are
/// canonical.
pub(crate) fn locale_pairs(src: &str, tgt: &str) -> Vec<(String, String)> {
    let (bs, bt) = (broader(src), broader(tgt));
    let mut pairs = vec![(src.to_owned(), tgt.to_owned())];
    for pair in [
        bs.clone().map(|s| (s, tgt.to_owned())),
        bt.clone().map(|t| (src.to_owned(), t)),
        bs.zip(bt),
    ]
    .into_iter()
    .flatten()
    {
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    pairs
}

/// The language (and script) of a canonical tag, when the tag says more:
/// `en-GB` → `en`, `zh-Hant-TW` → `zh-Hant`, `fr` → `None`.
fn broader(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let mut out = parts.next()?.to_owned();
    if let Some(script) = parts.next()
        && script.len() == 4
        && script.chars().all(|c| c.is_ascii_alphabetic())
    {
        out.push('-');
        out.push_str(script);
    }
    (out != tag).then_some(out)
}

fn lang(tag: &str) -> Result<String, Error> {
    canonical_lang(tag).ok_or_else(|| Error::BadLanguage { tag: tag.into() })
}

/// Fills, from the memory, every segment of `article` that has no target
/// yet, and returns how many were filled. The open segments go to `store`
/// a few thousand at a time.
///
/// A filled segment gets [`Origin::Tm`] (`exact` for an exact match) with
/// `source` `human` or the provider name. A machine translation stored
/// under another glossary version is used only when `verify` (the glossary
/// check, given the segment with the candidate target) accepts it;
/// otherwise the segment stays empty so the provider translates it anew.
///
/// A segment with no exact match gets, in [`Segment::matches`], the
/// translations of the stored sentences most like it, as `fuzzy` asks; its
/// target stays empty, so it is still translated.
pub async fn apply(
    store: &dyn MemoryStore,
    article: &mut Article,
    target_lang: &str,
    glossary_version: &str,
    fuzzy: Fuzzy,
    verify: &(dyn Fn(&Segment) -> bool + Sync),
) -> Result<usize, Error> {
    let src = canonical_lang(&article.lang).unwrap_or_else(|| article.lang.clone());
    let tgt = canonical_lang(target_lang).unwrap_or_else(|| target_lang.to_owned());
    // Asked in slices of LOOKUP_CHUNK sentences, so that what a lookup
    // holds (keys, copies for the store, answers) stays small beside the
    // article however many sentences it has. See: #15
    let open: Vec<(usize, usize)> = article
        .paragraphs
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| {
            p.segments
                .iter()
                .enumerate()
                .filter(|(_, s)| needs_target(s))
                .map(move |(si, _)| (pi, si))
        })
        .collect();
    let mut hits = 0;
    for chunk in open.chunks(LOOKUP_CHUNK) {
        let lookups: Vec<Lookup> = chunk
            .iter()
            .filter_map(|&(pi, si)| article.paragraphs.get(pi)?.segments.get(si))
            .map(|s| Lookup::exact(s.source.as_str(), &src, &tgt).with_fuzzy(fuzzy))
            .collect();
        let answers = store.lookup(&lookups).await?;
        drop(lookups);
        for (&(pi, si), answer) in chunk.iter().zip(answers) {
            let Some(seg) = article.paragraphs.get_mut(pi).and_then(|p| p.segments.get_mut(si))
            else {
                continue;
            };
            if fill(seg, answer, glossary_version, verify) {
                hits += 1;
            }
        }
    }
    Ok(hits)
}

/// Sentences looked up in the memory at once by [`apply`].
const LOOKUP_CHUNK: usize = 4096;

/// Fills one segment from its answer: fuzzy candidates beside it, or the
/// exact match as its target when it is current or passes `verify`. True
/// when the segment got a target.
fn fill(
    seg: &mut Segment,
    answer: Vec<Match>,
    glossary_version: &str,
    verify: &(dyn Fn(&Segment) -> bool + Sync),
) -> bool {
    if answer.iter().any(|m| matches!(m.kind, MatchKind::Fuzzy { .. })) {
        seg.matches = answer
            .into_iter()
            .filter_map(|Match { entry, kind }| match kind {
                MatchKind::Fuzzy { quality } => Some(MemoryMatch {
                    producer: entry.origin.producer(),
                    source: entry.source_text,
                    target: entry.target,
                    quality,
                }),
                MatchKind::Exact => None,
            })
            .collect();
        return false;
    }
    let Some(Match { entry, kind }) = answer.into_iter().next() else { return false };
    let current = entry.origin == EntryOrigin::Human
        || entry.glossary_version.as_deref() == Some(glossary_version);
    let candidate = Segment {
        target: Some(entry.target),
        origin: Origin::Tm {
            exact: matches!(kind, MatchKind::Exact),
            source: entry.origin.producer(),
        },
        ..seg.clone()
    };
    if current || verify(&candidate) {
        *seg = candidate;
        return true;
    }
    false
}

/// Stores the translations of `article` worth keeping, a few thousand at a time: every
/// segment with a non-empty target whose origin is [`Origin::Mt`] (or
/// [`Origin::Human`], a reviewed segment), with `glossary_version`. Returns
/// how many entries were added or changed.
pub async fn record(
    store: &dyn MemoryStore,
    article: &Article,
    target_lang: &str,
    glossary_version: &str,
) -> Result<usize, Error> {
    let mut entries = article.paragraphs.iter().flat_map(|p| &p.segments).filter_map(|seg| {
        let origin = match &seg.origin {
            Origin::Mt { provider } => EntryOrigin::Mt { provider: provider.clone() },
            Origin::Human => EntryOrigin::Human,
            Origin::None | Origin::Tm { .. } => return None,
        };
        let target = seg.target.as_deref().filter(|t| !t.trim().is_empty())?;
        Some(NewEntry {
            glossary_version: Some(glossary_version.into()),
            ..NewEntry::new(&seg.source, target, &article.lang, target_lang, origin)
        })
    });
    // Stored in slices, as `apply` looks up, so that a long article's
    // entries are never all copied at once.
    let mut stored = 0;
    loop {
        let chunk: Vec<NewEntry> = entries.by_ref().take(LOOKUP_CHUNK).collect();
        if chunk.is_empty() {
            return Ok(stored);
        }
        stored += store.store(&chunk).await?;
    }
}

fn needs_target(seg: &Segment) -> bool {
    seg.target.as_deref().is_none_or(|t| t.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::model::{Paragraph, Role};

    /// A fresh memory in a folder the store has to create.
    pub(super) fn memory() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let tm = SqliteStore::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        (dir, tm)
    }

    pub(super) fn mt(source: &str, target: &str, provider: &str) -> NewEntry {
        NewEntry::new(
            source,
            target,
            "fr-FR",
            "en-GB",
            EntryOrigin::Mt { provider: provider.into() },
        )
    }

    pub(super) fn human(source: &str, target: &str) -> NewEntry {
        NewEntry::new(source, target, "fr-FR", "en-GB", EntryOrigin::Human)
    }

    fn article(sources: &[&str]) -> Article {
        let mut p = Paragraph::new("p1", Role::Body, sources.join(" "));
        p.segments = sources
            .iter()
            .enumerate()
            .map(|(i, s)| Segment::new(format!("p1.s{}", i + 1), *s))
            .collect();
        Article { lang: "fr-FR".into(), paragraphs: vec![p], ..Article::default() }
    }

    #[test]
    fn normalize_collapses_space_and_apostrophes() {
        assert_eq!(normalize("  L’armée\u{a0}\u{202f}a  dit\n"), "L'armée a dit");
        // NFD input (e + combining acute) matches the NFC spelling.
        assert_eq!(normalize("arme\u{301}e"), "armée");
        assert_eq!(normalize(" \t "), "");
    }

    #[test]
    fn language_tags_are_canonical() {
        assert_eq!(canonical_lang("fr-fr").as_deref(), Some("fr-FR"));
        assert_eq!(canonical_lang("EN_gb").as_deref(), Some("en-GB"));
        assert_eq!(canonical_lang("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(canonical_lang("es-419").as_deref(), Some("es-419"));
        assert_eq!(canonical_lang("fr--FR"), None);
        assert_eq!(canonical_lang("*all*"), None);
        assert_eq!(canonical_lang(""), None);
    }

    #[test]
    fn bare_languages_answer_after_the_exact_pair() {
        let pairs = |s, t| locale_pairs(s, t);
        let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
        };
        assert_eq!(
            pairs("fr-FR", "en-GB"),
            owned(&[("fr-FR", "en-GB"), ("fr", "en-GB"), ("fr-FR", "en"), ("fr", "en")])
        );
        assert_eq!(pairs("fr", "en-US"), owned(&[("fr", "en-US"), ("fr", "en")]));
        assert_eq!(pairs("fr", "de"), owned(&[("fr", "de")]));
        assert_eq!(pairs("fr", "zh-Hant-TW"), owned(&[("fr", "zh-Hant-TW"), ("fr", "zh-Hant")]));
        assert_eq!(pairs("fr", "es-419"), owned(&[("fr", "es-419"), ("fr", "es")]));
    }

    #[test]
    fn default_path_sits_next_to_the_config() {
        assert_eq!(default_path(Some(Path::new("conf"))), Path::new("conf/.depeche/tm.sqlite"));
        assert_eq!(default_path(Some(Path::new(""))), Path::new(".depeche/tm.sqlite"));
        assert_eq!(default_path(None), Path::new(".depeche/tm.sqlite"));
    }

    #[test]
    fn a_lookup_carries_the_key_and_canonical_locales() {
        let l = Lookup::exact("L’armée  a dit.", "fr-fr", "EN_gb");
        assert_eq!(l.source_key, "L'armée a dit.");
        assert_eq!(l.source_text, "L’armée  a dit.");
        assert_eq!((l.src.as_str(), l.tgt.as_str()), ("fr-FR", "en-GB"));
        assert_eq!(l.limit, 1);
        assert_eq!(l.with_limit(0).limit, 1);
    }

    #[tokio::test]
    async fn apply_fills_open_segments_and_marks_the_origin() {
        let (_d, tm) = memory();
        let current =
            NewEntry { glossary_version: Some("g1".into()), ..mt("Deux.", "Two.", "deepl") };
        tm.store(&[human("Un.", "One."), current]).unwrap();
        let mut a = article(&["Un.", "Deux.", "Trois."]);
        // Human entries and MT under the current glossary need no check.
        let hits =
            apply(&tm, &mut a, "en-GB", "g1", Fuzzy::off(), &|_| panic!("no check expected"))
                .await
                .unwrap();
        assert_eq!(hits, 2);
        let segs = &a.paragraphs[0].segments;
        assert_eq!(segs[0].target.as_deref(), Some("One."));
        assert_eq!(segs[0].origin, Origin::Tm { exact: true, source: "human".into() });
        assert_eq!(segs[1].target.as_deref(), Some("Two."));
        assert_eq!(segs[1].origin, Origin::Tm { exact: true, source: "deepl".into() });
        assert_eq!(segs[2].target, None);
        assert_eq!(segs[2].origin, Origin::None);
    }

    #[tokio::test]
    async fn stale_mt_is_rechecked_and_dropped_when_it_violates_the_glossary() {
        let (_d, tm) = memory();
        let with = |source: &str, target: &str, version: &str| NewEntry {
            glossary_version: Some(version.into()),
            ..mt(source, target, "deepl")
        };
        tm.store(&[
            with("Le ministère des Armées.", "The Ministry of Defence.", "g1"),
            with("Les armées.", "The armies.", "g1"),
            with("Le budget.", "The budget.", "g2"),
        ])
        .unwrap();
        let checked = Mutex::new(Vec::new());
        let verify = |seg: &Segment| {
            checked.lock().unwrap().push(seg.source.clone());
            assert!(matches!(seg.origin, Origin::Tm { .. }));
            seg.target.as_deref() != Some("The armies.")
        };
        let mut a = article(&["Le ministère des Armées.", "Les armées.", "Le budget."]);
        assert_eq!(apply(&tm, &mut a, "en-GB", "g2", Fuzzy::off(), &verify).await.unwrap(), 2);
        let segs = &a.paragraphs[0].segments;
        assert_eq!(segs[0].target.as_deref(), Some("The Ministry of Defence."));
        assert_eq!(segs[1].target, None, "violates the new glossary: translate again");
        assert_eq!(segs[1].origin, Origin::None);
        assert_eq!(segs[2].target.as_deref(), Some("The budget."));
        // Only the two entries stored under the old glossary were checked.
        assert_eq!(*checked.lock().unwrap(), vec!["Le ministère des Armées.", "Les armées."]);
    }

    #[tokio::test]
    async fn close_sentences_are_offered_but_the_segment_is_still_translated() {
        let (_d, tm) = memory();
        tm.store(&[
            human(
                "Le chef d’état-major a démenti jeudi.",
                "The chief of staff denied on Thursday.",
            ),
            human("Un.", "One."),
        ])
        .unwrap();
        let mut a = article(&["Le chef d’état-major a démenti lundi.", "Un.", "Sans rapport."]);
        let hits = apply(&tm, &mut a, "en-GB", "g", Fuzzy::default(), &|_| true).await.unwrap();
        assert_eq!(hits, 1, "only the exact match fills a target");
        let segs = &a.paragraphs[0].segments;
        assert_eq!(segs[0].target, None);
        assert_eq!(segs[0].origin, Origin::None);
        assert_eq!(
            segs[0].matches,
            vec![MemoryMatch {
                source: "Le chef d’état-major a démenti jeudi.".into(),
                target: "The chief of staff denied on Thursday.".into(),
                quality: 90,
                producer: "human".into(),
            }]
        );
        assert!(segs[1].matches.is_empty() && segs[2].matches.is_empty());
    }

    #[tokio::test]
    async fn apply_leaves_segments_that_already_have_a_target() {
        let (_d, tm) = memory();
        tm.store(&[human("Un.", "One.")]).unwrap();
        let mut a = article(&["Un."]);
        a.paragraphs[0].segments[0].target = Some("Uno.".into());
        assert_eq!(apply(&tm, &mut a, "en-GB", "g", Fuzzy::off(), &|_| true).await.unwrap(), 0);
        assert_eq!(a.paragraphs[0].segments[0].target.as_deref(), Some("Uno."));
    }

    #[tokio::test]
    async fn record_keeps_mt_and_human_but_not_tm_or_empty_targets() {
        let (_d, tm) = memory();
        let mut a = article(&["Un.", "Deux.", "Trois.", "Quatre."]);
        let segs = &mut a.paragraphs[0].segments;
        segs[0].target = Some("One.".into());
        segs[0].origin = Origin::Mt { provider: "deepl".into() };
        segs[1].target = Some("Two.".into());
        segs[1].origin = Origin::Tm { exact: true, source: "deepl".into() };
        segs[2].target = Some(" ".into());
        segs[2].origin = Origin::Mt { provider: "deepl".into() };
        segs[3].target = Some("Four.".into());
        segs[3].origin = Origin::Human;
        assert_eq!(record(&tm, &a, "en-GB", "g7").await.unwrap(), 2);
        let one = tm.lookup("Un.", "fr-FR", "en-GB").unwrap().unwrap();
        assert_eq!(one.glossary_version.as_deref(), Some("g7"));
        assert_eq!(one.origin, EntryOrigin::Mt { provider: "deepl".into() });
        assert_eq!(
            tm.lookup("Quatre.", "fr-FR", "en-GB").unwrap().unwrap().origin,
            EntryOrigin::Human
        );
    }

    #[test]
    fn apply_runs_without_a_tokio_runtime() {
        // A caller on another executor: the store then works in place.
        let (_d, tm) = memory();
        tm.store(&[human("Un.", "One.")]).unwrap();
        let mut a = article(&["Un."]);
        let hits =
            futures::executor::block_on(apply(&tm, &mut a, "en-GB", "g", Fuzzy::off(), &|_| true));
        assert_eq!(hits.unwrap(), 1);
    }
}
