//! Translation memory: earlier translations, served again by exact match.
//!
//! Input: segmented [`Article`]s whose segments may lack a target.
//! Output: the same articles with `target` and [`Origin::Tm`] set on every
//! segment the memory holds a translation for, and, after translation, the
//! new machine translations recorded for the next run.
//!
//! The store is one SQLite file (by default `.depeche/tm.sqlite` next to the
//! config file, see [`default_path`]), created on first use. Guarantees:
//!
//! - Two processes may use one file at once: SQLite's write-ahead log lets
//!   readers run beside one writer, writers queue for up to
//!   [`BUSY_TIMEOUT`], and every write is one transaction, so no entry is
//!   lost or half-written.
//! - A crash (even `SIGKILL`) in the middle of a write leaves the file as it
//!   was before that transaction: the write-ahead log is rolled back on the
//!   next open.
//! - Matching is on the normalised source ([`normalize`]): NFC, runs of
//!   whitespace collapsed to one space, typographic apostrophes unified.
//! - A human entry outranks every machine translation of the same sentence
//!   and is never overwritten by one; among equals the newest wins.
//! - Nothing secret is stored: an origin is `human` or a provider name.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};
use unicode_normalization::UnicodeNormalization as _;

use crate::model::{Article, Origin, Segment};

pub mod tmx;

/// How long a write waits for another process to finish its own.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema this version reads and writes.
const SCHEMA_VERSION: i64 = 1;

/// The file name under `.depeche/`.
const FILE_NAME: &str = "tm.sqlite";

/// Current time as RFC 3339 UTC, to the second, computed by SQLite so no
/// clock crate is needed.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

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
}

pub use crate::xml_error::XmlError;

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
    /// The normalised source sentence.
    pub source: String,
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
    /// The source sentence (normalised on the way in).
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

/// The translation memory: one SQLite file.
///
/// `Memory` is `Send + Sync`; share it through an `Arc`. Its operations
/// block, so async code calls them from `spawn_blocking`.
#[derive(Debug)]
pub struct Memory {
    path: PathBuf,
    conn: Mutex<Connection>,
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
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.nfc() {
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
    let mut out = String::with_capacity(tag.len());
    for (i, part) in tag.trim().split(['-', '_']).enumerate() {
        let valid =
            !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid || (i == 0 && !part.bytes().all(|b| b.is_ascii_alphabetic())) {
            return None;
        }
        if i > 0 {
            out.push('-');
        }
        match (i, part.len()) {
            (0, _) => out.push_str(&part.to_ascii_lowercase()),
            // Region (`GB`, `419`) upper, script (`Hant`) title case.
            (_, 2) | (_, 3) if part.bytes().all(|b| b.is_ascii_digit()) || part.len() == 2 => {
                out.push_str(&part.to_ascii_uppercase())
            }
            (_, 4) => {
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_uppercase());
                }
                out.push_str(&chars.as_str().to_ascii_lowercase());
            }
            _ => out.push_str(&part.to_ascii_lowercase()),
        }
    }
    Some(out)
}

fn lang(tag: &str) -> Result<String, Error> {
    canonical_lang(tag).ok_or_else(|| Error::BadLanguage { tag: tag.into() })
}

const SELECT_ENTRY: &str = "SELECT source, target, source_lang, target_lang, origin, \
     glossary_version, created, updated FROM entries";

/// The best entry first: human before MT, then newest.
const RANK: &str = "ORDER BY origin = 'human' DESC, updated DESC, id DESC";

impl Memory {
    /// Opens the memory at `path`, creating the file, its folder and its
    /// schema on first use.
    pub fn open(path: &Path) -> Result<Self, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| Error::CreateDir { path: dir.into(), source })?;
        }
        let memory = Self { path: path.into(), conn: Mutex::new(connect(path)?) };
        memory.migrate()?;
        Ok(memory)
    }

    /// The file this memory lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held cannot leave SQLite inconsistent
        // (the transaction rolls back on drop), so a poisoned lock is usable.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn err(&self, source: rusqlite::Error) -> Error {
        classify(&self.path, source)
    }

    fn migrate(&self) -> Result<(), Error> {
        let mut conn = self.conn();
        // The common case, a file already at this schema, needs only a read,
        // so opening never waits for another process's long write.
        match stored_version(&conn).map_err(|e| self.err(e))? {
            Some(v) if v > SCHEMA_VERSION => {
                return Err(Error::TooNew { path: self.path.clone(), found: v });
            }
            Some(SCHEMA_VERSION) => return Ok(()),
            _ => {}
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS entries (
                 id INTEGER PRIMARY KEY,
                 source_lang TEXT NOT NULL,
                 target_lang TEXT NOT NULL,
                 source TEXT NOT NULL,
                 origin TEXT NOT NULL,
                 target TEXT NOT NULL,
                 glossary_version TEXT,
                 created TEXT NOT NULL,
                 updated TEXT NOT NULL
             );
             CREATE UNIQUE INDEX IF NOT EXISTS entries_key
                 ON entries (source_lang, target_lang, source, origin);",
        )
        .map_err(|e| self.err(e))?;
        let found: Option<i64> = tx
            .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        match found {
            None => {
                tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [SCHEMA_VERSION])
                    .map_err(|e| self.err(e))?;
            }
            Some(v) if v > SCHEMA_VERSION => {
                return Err(Error::TooNew { path: self.path.clone(), found: v });
            }
            Some(_) => {}
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// The best entry for `source`: an exact match on the normalised
    /// sentence, human before MT, newest first.
    pub fn lookup(
        &self,
        source: &str,
        source_lang: &str,
        target_lang: &str,
    ) -> Result<Option<Entry>, Error> {
        Ok(self.lookup_many(&[source], source_lang, target_lang)?.into_iter().flatten().next())
    }

    /// [`lookup`](Self::lookup) for many sentences in one read transaction;
    /// result `i` answers `sources[i]`.
    pub fn lookup_many(
        &self,
        sources: &[&str],
        source_lang: &str,
        target_lang: &str,
    ) -> Result<Vec<Option<Entry>>, Error> {
        let (Some(src), Some(tgt)) = (canonical_lang(source_lang), canonical_lang(target_lang))
        else {
            return Ok(vec![None; sources.len()]);
        };
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(sources.len());
        {
            let mut stmt = tx
                .prepare_cached(&format!(
                    "{SELECT_ENTRY} WHERE source_lang = ?1 AND target_lang = ?2 AND source = ?3 \
                     {RANK} LIMIT 1"
                ))
                .map_err(|e| self.err(e))?;
            for source in sources {
                let key = normalize(source);
                let entry = stmt
                    .query_row(params![src, tgt, key], read_entry)
                    .optional()
                    .map_err(|e| self.err(e))?
                    .flatten();
                out.push(entry);
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }

    /// Stores `entries` in one transaction and returns how many were added
    /// or changed.
    ///
    /// An entry replaces the one from the same origin for the same sentence
    /// and locales (unless the stored one is newer); entries from other
    /// origins stay, so a human entry is never overwritten by MT. Entries
    /// with an empty source or target are skipped.
    pub fn store(&self, entries: &[NewEntry]) -> Result<usize, Error> {
        let mut rows = Vec::with_capacity(entries.len());
        for e in entries {
            let source = normalize(&e.source);
            if source.is_empty() || e.target.trim().is_empty() {
                continue;
            }
            rows.push((source, lang(&e.source_lang)?, lang(&e.target_lang)?, e));
        }
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let mut changed = 0;
        {
            let mut stmt = tx
                .prepare_cached(&format!(
                    "INSERT INTO entries (source_lang, target_lang, source, origin, target,
                         glossary_version, created, updated)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, {NOW}), coalesce(?8, ?7, {NOW}))
                     ON CONFLICT (source_lang, target_lang, source, origin) DO UPDATE SET
                         target = excluded.target,
                         glossary_version = excluded.glossary_version,
                         updated = excluded.updated
                     WHERE excluded.updated >= entries.updated
                       AND (entries.target IS NOT excluded.target
                            OR entries.glossary_version IS NOT excluded.glossary_version)"
                ))
                .map_err(|e| self.err(e))?;
            for (source, src, tgt, e) in &rows {
                changed += stmt
                    .execute(params![
                        src,
                        tgt,
                        source,
                        e.origin.as_key(),
                        e.target,
                        e.glossary_version,
                        e.created,
                        e.updated,
                    ])
                    .map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(changed)
    }

    /// Fills, from exact matches, every segment of `article` that has no
    /// target yet, and returns how many were filled.
    ///
    /// A filled segment gets [`Origin::Tm`] with `exact: true` and `source`
    /// `human` or the provider name. A machine translation stored under
    /// another glossary version is used only when `verify` (the glossary
    /// check, given the segment with the candidate target) accepts it;
    /// otherwise the segment stays empty so the provider translates it anew.
    pub fn apply(
        &self,
        article: &mut Article,
        target_lang: &str,
        glossary_version: &str,
        verify: &dyn Fn(&Segment) -> bool,
    ) -> Result<usize, Error> {
        let open: Vec<&str> = article
            .paragraphs
            .iter()
            .flat_map(|p| &p.segments)
            .filter(|s| needs_target(s))
            .map(|s| s.source.as_str())
            .collect();
        if open.is_empty() {
            return Ok(0);
        }
        let found = self.lookup_many(&open, &article.lang, target_lang)?;
        let mut found = found.into_iter();
        let mut hits = 0;
        for seg in article.paragraphs.iter_mut().flat_map(|p| p.segments.iter_mut()) {
            if !needs_target(seg) {
                continue;
            }
            let Some(Some(entry)) = found.next() else { continue };
            let current = entry.origin == EntryOrigin::Human
                || entry.glossary_version.as_deref() == Some(glossary_version);
            let candidate = Segment {
                target: Some(entry.target),
                origin: Origin::Tm { exact: true, source: entry.origin.producer() },
                ..seg.clone()
            };
            if current || verify(&candidate) {
                *seg = candidate;
                hits += 1;
            }
        }
        Ok(hits)
    }

    /// Stores the translations of `article` worth keeping: every segment
    /// with a non-empty target whose origin is [`Origin::Mt`] (or
    /// [`Origin::Human`], a reviewed segment). Returns how many entries were
    /// added or changed.
    pub fn record(
        &self,
        article: &Article,
        target_lang: &str,
        glossary_version: &str,
    ) -> Result<usize, Error> {
        let entries: Vec<NewEntry> = article
            .paragraphs
            .iter()
            .flat_map(|p| &p.segments)
            .filter_map(|seg| {
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
            })
            .collect();
        if entries.is_empty() {
            return Ok(0);
        }
        self.store(&entries)
    }

    /// Entry counts per locale pair and origin, sorted.
    pub fn stats(&self) -> Result<Vec<StatRow>, Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT source_lang, target_lang, origin, count(*) FROM entries
                 GROUP BY source_lang, target_lang, origin
                 ORDER BY source_lang, target_lang, origin = 'human' DESC, origin",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let origin: String = r.get(2)?;
                let n: i64 = r.get(3)?;
                let (source_lang, target_lang) = (r.get(0)?, r.get(1)?);
                Ok(EntryOrigin::from_key(&origin).map(|origin| StatRow {
                    source_lang,
                    target_lang,
                    origin,
                    entries: u64::try_from(n).unwrap_or(0),
                }))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(row.map_err(|e| self.err(e))?);
        }
        Ok(out)
    }

    /// Number of entries.
    pub fn len(&self) -> Result<u64, Error> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// True when the memory holds no entry.
    pub fn is_empty(&self) -> Result<bool, Error> {
        Ok(self.len()? == 0)
    }

    /// Every entry `filter` selects, sorted by locales, source and origin.
    pub fn entries(&self, filter: &Filter) -> Result<Vec<Entry>, Error> {
        let src = filter.source_lang.as_deref().map(lang).transpose()?;
        let tgt = filter.target_lang.as_deref().map(lang).transpose()?;
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "{SELECT_ENTRY} WHERE (?1 IS NULL OR source_lang = ?1)
                   AND (?2 IS NULL OR target_lang = ?2)
                   AND (?3 = 0 OR origin = 'human')
                 ORDER BY source_lang, target_lang, source, origin = 'human' DESC, origin"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![src, tgt, filter.human_only], read_entry)
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(row.map_err(|e| self.err(e))?);
        }
        Ok(out)
    }

    /// Runs SQLite's own consistency check; `Ok(true)` when the file is sound.
    pub fn check_integrity(&self) -> Result<bool, Error> {
        let verdict: String = self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(verdict == "ok")
    }
}

/// The schema version the file records, if it has the table yet.
fn stored_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
}

fn needs_target(seg: &Segment) -> bool {
    seg.target.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// One row of [`SELECT_ENTRY`]; `None` for an origin this version does not
/// know (written by a newer depeche), which is then ignored.
fn read_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Entry>> {
    let origin: String = r.get(4)?;
    let Some(origin) = EntryOrigin::from_key(&origin) else { return Ok(None) };
    Ok(Some(Entry {
        source: r.get(0)?,
        target: r.get(1)?,
        source_lang: r.get(2)?,
        target_lang: r.get(3)?,
        origin,
        glossary_version: r.get(5)?,
        created: r.get(6)?,
        updated: r.get(7)?,
    }))
}

fn connect(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path).map_err(|e| classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| classify(path, e))?;
    // WAL: readers never block the writer, and a killed writer leaves only
    // an uncommitted tail of the log, discarded on the next open. NORMAL
    // sync is durable at every checkpoint and consistent at every commit.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "translation memory not in WAL mode");
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(|e| classify(path, e))?;
    Ok(conn)
}

fn classify(path: &Path, source: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let path = path.to_path_buf();
    match source.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => Error::Busy { path, source },
        Some(C::NotADatabase | C::DatabaseCorrupt) => Error::NotAMemory { path, source },
        _ => Error::Sqlite { path, source },
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
mod tests {
    use super::*;
    use crate::model::Paragraph;
    use crate::model::Role;

    fn memory() -> (tempfile::TempDir, Memory) {
        let dir = tempfile::tempdir().unwrap();
        let tm = Memory::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        (dir, tm)
    }

    fn mt(source: &str, target: &str, provider: &str) -> NewEntry {
        NewEntry::new(
            source,
            target,
            "fr-FR",
            "en-GB",
            EntryOrigin::Mt { provider: provider.into() },
        )
    }

    fn human(source: &str, target: &str) -> NewEntry {
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
    fn default_path_sits_next_to_the_config() {
        assert_eq!(default_path(Some(Path::new("conf"))), Path::new("conf/.depeche/tm.sqlite"));
        assert_eq!(default_path(Some(Path::new(""))), Path::new(".depeche/tm.sqlite"));
        assert_eq!(default_path(None), Path::new(".depeche/tm.sqlite"));
    }

    #[test]
    fn open_creates_folder_and_schema_and_reopens() {
        let (dir, tm) = memory();
        assert!(tm.is_empty().unwrap());
        tm.store(&[human("Bonjour.", "Hello.")]).unwrap();
        drop(tm);
        let again = Memory::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        assert_eq!(again.len().unwrap(), 1);
        assert!(again.check_integrity().unwrap());
    }

    #[test]
    fn newer_schema_is_refused() {
        let (dir, tm) = memory();
        tm.conn().execute("INSERT INTO schema_version VALUES (99)", []).unwrap();
        drop(tm);
        let err = Memory::open(&dir.path().join("sub/tm.sqlite")).unwrap_err();
        assert!(err.to_string().contains("schema 99 is newer"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_memory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.sqlite");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let err = Memory::open(&path).unwrap_err();
        assert!(matches!(err, Error::NotAMemory { .. }), "{err:?}");
        assert!(err.to_string().contains("tm.sqlite: not a depeche translation memory"));
    }

    #[test]
    fn lookup_matches_the_normalised_source() {
        let (_d, tm) = memory();
        tm.store(&[mt("L’armée  a dit.", "The army said.", "deepl")]).unwrap();
        let hit = tm.lookup("L'armée a dit.", "fr-fr", "en-GB").unwrap().unwrap();
        assert_eq!(hit.target, "The army said.");
        assert_eq!(hit.source, "L'armée a dit.");
        assert_eq!(hit.origin, EntryOrigin::Mt { provider: "deepl".into() });
        assert_eq!(hit.created.len(), "2025-01-01T00:00:00Z".len());
        assert!(tm.lookup("L'armée a dit.", "fr-FR", "en-US").unwrap().is_none());
        assert!(tm.lookup("L'armée a menti.", "fr-FR", "en-GB").unwrap().is_none());
    }

    #[test]
    fn human_outranks_mt_and_is_never_overwritten() {
        let (_d, tm) = memory();
        tm.store(&[human("Le ministre.", "The Minister.")]).unwrap();
        tm.store(&[mt("Le ministre.", "The minister.", "deepl")]).unwrap();
        let hit = tm.lookup("Le ministre.", "fr-FR", "en-GB").unwrap().unwrap();
        assert_eq!(hit.target, "The Minister.");
        assert_eq!(hit.origin, EntryOrigin::Human);
        // MT stored before the human entry loses as well.
        tm.store(&[mt("Le budget.", "The budget MT.", "deepl")]).unwrap();
        tm.store(&[human("Le budget.", "The budget.")]).unwrap();
        assert_eq!(
            tm.lookup("Le budget.", "fr-FR", "en-GB").unwrap().unwrap().target,
            "The budget."
        );
    }

    #[test]
    fn mt_replaces_mt_from_the_same_provider() {
        let (_d, tm) = memory();
        assert_eq!(tm.store(&[mt("Un.", "One.", "deepl")]).unwrap(), 1);
        assert_eq!(tm.store(&[mt("Un.", "One.", "deepl")]).unwrap(), 0, "unchanged");
        assert_eq!(tm.store(&[mt("Un.", "A.", "deepl")]).unwrap(), 1);
        assert_eq!(tm.len().unwrap(), 1);
        assert_eq!(tm.lookup("Un.", "fr-FR", "en-GB").unwrap().unwrap().target, "A.");
        tm.store(&[mt("Un.", "Single.", "google")]).unwrap();
        assert_eq!(tm.len().unwrap(), 2);
    }

    #[test]
    fn newest_wins_between_equals_and_older_imports_do_not_overwrite() {
        let (_d, tm) = memory();
        let dated = |target: &str, provider: &str, at: &str| NewEntry {
            updated: Some(at.into()),
            created: Some(at.into()),
            ..mt("Deux.", target, provider)
        };
        tm.store(&[dated("Two (g).", "google", "2025-01-02T00:00:00Z")]).unwrap();
        tm.store(&[dated("Two (d).", "deepl", "2025-01-01T00:00:00Z")]).unwrap();
        assert_eq!(tm.lookup("Deux.", "fr-FR", "en-GB").unwrap().unwrap().target, "Two (g).");
        assert_eq!(tm.store(&[dated("Old.", "google", "2024-01-01T00:00:00Z")]).unwrap(), 0);
        assert_eq!(tm.lookup("Deux.", "fr-FR", "en-GB").unwrap().unwrap().target, "Two (g).");
    }

    #[test]
    fn lookup_many_answers_in_order() {
        let (_d, tm) = memory();
        tm.store(&[human("A.", "a."), human("C.", "c.")]).unwrap();
        let found = tm.lookup_many(&["C.", "B.", "A."], "fr-FR", "en-GB").unwrap();
        let targets: Vec<Option<&str>> =
            found.iter().map(|e| e.as_ref().map(|e| e.target.as_str())).collect();
        assert_eq!(targets, vec![Some("c."), None, Some("a.")]);
        assert_eq!(tm.lookup_many(&["A."], "*all*", "en-GB").unwrap(), vec![None]);
    }

    #[test]
    fn apply_fills_open_segments_and_marks_the_origin() {
        let (_d, tm) = memory();
        let current =
            NewEntry { glossary_version: Some("g1".into()), ..mt("Deux.", "Two.", "deepl") };
        tm.store(&[human("Un.", "One."), current]).unwrap();
        let mut a = article(&["Un.", "Deux.", "Trois."]);
        // Human entries and MT under the current glossary need no check.
        let hits = tm.apply(&mut a, "en-GB", "g1", &|_| panic!("no check expected")).unwrap();
        assert_eq!(hits, 2);
        let segs = &a.paragraphs[0].segments;
        assert_eq!(segs[0].target.as_deref(), Some("One."));
        assert_eq!(segs[0].origin, Origin::Tm { exact: true, source: "human".into() });
        assert_eq!(segs[1].target.as_deref(), Some("Two."));
        assert_eq!(segs[1].origin, Origin::Tm { exact: true, source: "deepl".into() });
        assert_eq!(segs[2].target, None);
        assert_eq!(segs[2].origin, Origin::None);
    }

    #[test]
    fn stale_mt_is_rechecked_and_dropped_when_it_violates_the_glossary() {
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
        let checked = std::cell::RefCell::new(Vec::new());
        let verify = |seg: &Segment| {
            checked.borrow_mut().push(seg.source.clone());
            assert!(matches!(seg.origin, Origin::Tm { .. }));
            seg.target.as_deref() != Some("The armies.")
        };
        let mut a = article(&["Le ministère des Armées.", "Les armées.", "Le budget."]);
        assert_eq!(tm.apply(&mut a, "en-GB", "g2", &verify).unwrap(), 2);
        let segs = &a.paragraphs[0].segments;
        assert_eq!(segs[0].target.as_deref(), Some("The Ministry of Defence."));
        assert_eq!(segs[1].target, None, "violates the new glossary: translate again");
        assert_eq!(segs[1].origin, Origin::None);
        assert_eq!(segs[2].target.as_deref(), Some("The budget."));
        // Only the two entries stored under the old glossary were checked.
        assert_eq!(*checked.borrow(), vec!["Le ministère des Armées.", "Les armées."]);
    }

    #[test]
    fn apply_leaves_segments_that_already_have_a_target() {
        let (_d, tm) = memory();
        tm.store(&[human("Un.", "One.")]).unwrap();
        let mut a = article(&["Un."]);
        a.paragraphs[0].segments[0].target = Some("Uno.".into());
        assert_eq!(tm.apply(&mut a, "en-GB", "g", &|_| true).unwrap(), 0);
        assert_eq!(a.paragraphs[0].segments[0].target.as_deref(), Some("Uno."));
    }

    #[test]
    fn record_keeps_mt_and_human_but_not_tm_or_empty_targets() {
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
        assert_eq!(tm.record(&a, "en-GB", "g7").unwrap(), 2);
        let one = tm.lookup("Un.", "fr-FR", "en-GB").unwrap().unwrap();
        assert_eq!(one.glossary_version.as_deref(), Some("g7"));
        assert_eq!(one.origin, EntryOrigin::Mt { provider: "deepl".into() });
        assert_eq!(
            tm.lookup("Quatre.", "fr-FR", "en-GB").unwrap().unwrap().origin,
            EntryOrigin::Human
        );
    }

    #[test]
    fn stats_count_per_pair_and_origin() {
        let (_d, tm) = memory();
        tm.store(&[
            human("Un.", "One."),
            mt("Un.", "One.", "deepl"),
            mt("Deux.", "Two.", "deepl"),
            NewEntry::new("Un.", "Eins.", "fr-FR", "de-DE", EntryOrigin::Human),
        ])
        .unwrap();
        let rows: Vec<(String, String, String, u64)> = tm
            .stats()
            .unwrap()
            .into_iter()
            .map(|r| (r.source_lang, r.target_lang, r.origin.as_key(), r.entries))
            .collect();
        let row = |s: &str, t: &str, o: &str, n| (s.to_string(), t.to_string(), o.to_string(), n);
        assert_eq!(
            rows,
            vec![
                row("fr-FR", "de-DE", "human", 1),
                row("fr-FR", "en-GB", "human", 1),
                row("fr-FR", "en-GB", "mt:deepl", 2)
            ]
        );
    }

    #[test]
    fn bad_language_tags_are_errors_on_store() {
        let (_d, tm) = memory();
        let err =
            tm.store(&[NewEntry::new("a", "b", "fr FR", "en", EntryOrigin::Human)]).unwrap_err();
        assert_eq!(err.to_string(), "\"fr FR\" is not a language tag (expected one like fr-FR)");
    }

    #[test]
    fn two_handles_on_one_file_write_and_read_at_once() {
        let (dir, tm) = memory();
        let other = Memory::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        std::thread::scope(|s| {
            for (who, handle) in [("a", &tm), ("b", &other)] {
                s.spawn(move || {
                    for i in 0..50 {
                        let e = mt(&format!("{who} {i}."), &format!("{who} {i} en."), "deepl");
                        assert_eq!(handle.store(&[e]).unwrap(), 1);
                        assert!(
                            handle
                                .lookup(&format!("{who} {i}."), "fr-FR", "en-GB")
                                .unwrap()
                                .is_some()
                        );
                    }
                });
            }
        });
        assert_eq!(tm.len().unwrap(), 100);
        assert!(other.check_integrity().unwrap());
    }

    #[test]
    fn memory_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Memory>();
    }
}
