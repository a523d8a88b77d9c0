//! The seam between the pipeline and wherever translations are kept.
//!
//! [`MemoryStore`] is the one trait a store implements: batched lookups and
//! batched stores, both async so that a store may block (SQLite, on tokio's
//! blocking pool) or wait on a network (a database server) without holding
//! an async worker. The pipeline only ever sees `dyn MemoryStore`; which
//! segments to look up and what to record is decided once, in
//! [`tm::apply`](super::apply) and [`tm::record`](super::record).
//!
//! The request and answer types are `#[non_exhaustive]` and every answer is
//! a ranked list: a fuzzy lookup is an exact one with [`Lookup::fuzzy`] set,
//! answered with [`MatchKind::Fuzzy`] candidates when there is no exact
//! match.

use std::fmt;

use async_trait::async_trait;

use super::{Entry, Error, Filter, Fuzzy, NewEntry, StatRow, canonical_lang, normalize};

/// A translation memory: somewhere translations are looked up and kept.
///
/// Contract for every store, so that swapping one for another never
/// changes a run's output:
///
/// - Lookups match on [`Lookup::source_key`] and the two locales, exactly.
///   When nothing matches exactly and [`Lookup::fuzzy`] asks for it, the
///   answer is instead the entries whose key is similar by the measure of
///   [`fuzzy`](super::fuzzy), at or above its threshold: most similar
///   first, at most [`Fuzzy::max_matches`], one entry (the best ranked, as
///   below) per stored sentence. A store that cannot find similar
///   sentences may answer as for an exact lookup: nothing is then offered.
/// - Answers are ranked best first: a [`Human`](super::EntryOrigin::Human)
///   entry before any machine translation, then the most recently updated.
/// - Storing an entry replaces the one from the same origin for the same
///   key and locales, unless the stored one is newer; entries from other
///   origins stay, so a human entry is never overwritten by MT. Entries
///   with an empty source or target are skipped, and a locale that is not
///   a BCP 47 tag is [`Error::BadLanguage`].
///
/// Implementations must not block the calling async thread: blocking work
/// goes to `tokio::task::spawn_blocking` (as [`SqliteStore`](super::SqliteStore)
/// does).
#[async_trait]
pub trait MemoryStore: Send + Sync + fmt::Debug {
    /// Answers every request: answer `i`, best first and at most
    /// [`Lookup::limit`] long, is for `lookups[i]`; an empty answer means no
    /// match.
    async fn lookup(&self, lookups: &[Lookup]) -> Result<Vec<Vec<Match>>, Error>;

    /// Stores `entries` (all or none) and returns how many were added or
    /// changed.
    async fn store(&self, entries: &[NewEntry]) -> Result<usize, Error>;

    /// What to call this store in messages: a file, or a server URL without
    /// its password.
    fn describe(&self) -> String {
        "translation memory".into()
    }

    /// Entry counts per locale pair and origin, sorted by locales, human
    /// first (`depeche tm stats`). Stores that cannot count answer
    /// [`Error::Unsupported`].
    async fn stats(&self) -> Result<Vec<StatRow>, Error> {
        Err(Error::Unsupported { store: self.describe(), what: "counting entries" })
    }

    /// Every entry `filter` selects, sorted by locales, then source (by
    /// code point), then origin with `human` first (`depeche tm export`).
    /// Stores that cannot list answer [`Error::Unsupported`].
    async fn entries(&self, filter: &Filter) -> Result<Vec<Entry>, Error> {
        let _ = filter;
        Err(Error::Unsupported { store: self.describe(), what: "listing entries" })
    }

    /// What the workers sharing this memory coordinate through it (claims
    /// on sentences, traffic limits, the character budget), if anything: a
    /// memory on a server has a [`Coordinator`](crate::coordination::Coordinator),
    /// a file none.
    fn coordinator(&self) -> Option<std::sync::Arc<dyn crate::coordination::Coordinator>> {
        None
    }

    /// Up to `limit` entries stored after position `after`, in the store's
    /// own order, each with its position: `depeche tm copy` reads a memory
    /// of any size page by page, starting from position 0. Stores that
    /// cannot list answer [`Error::Unsupported`].
    async fn scan(&self, after: i64, limit: usize) -> Result<Vec<(i64, Entry)>, Error> {
        let _ = (after, limit);
        Err(Error::Unsupported { store: self.describe(), what: "listing entries" })
    }
}

/// One sentence to find in the memory.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Lookup {
    /// The sentence as matched: [`normalize`]d source text.
    pub source_key: String,
    /// The sentence as written in the article (for stores that score
    /// similarity on the original).
    pub source_text: String,
    /// Source locale, canonical (`fr-FR`).
    pub src: String,
    /// Target locale, canonical (`en-GB`).
    pub tgt: String,
    /// Most candidates wanted in the answer (at least 1).
    pub limit: usize,
    /// Close sentences wanted when there is no exact match.
    pub fuzzy: Option<Fuzzy>,
}

impl Lookup {
    /// An exact lookup of `source_text` from `src` into `tgt`, best match
    /// only. Locales are brought to their canonical spelling; one that is
    /// not a language tag is kept as given, and matches nothing.
    pub fn exact(source_text: impl Into<String>, src: &str, tgt: &str) -> Self {
        let source_text = source_text.into();
        Self {
            source_key: normalize(&source_text),
            source_text,
            src: canonical_lang(src).unwrap_or_else(|| src.to_owned()),
            tgt: canonical_lang(tgt).unwrap_or_else(|| tgt.to_owned()),
            limit: 1,
            fuzzy: None,
        }
    }

    /// The same lookup, answered with fuzzy candidates by `fuzzy` when
    /// nothing matches exactly (unless `fuzzy` is off).
    #[must_use]
    pub fn with_fuzzy(self, fuzzy: Fuzzy) -> Self {
        Self { fuzzy: (!fuzzy.is_off()).then_some(fuzzy), ..self }
    }

    /// The same lookup, answered with up to `limit` candidates (at least 1).
    #[must_use]
    pub fn with_limit(self, limit: usize) -> Self {
        Self { limit: limit.max(1), ..self }
    }
}

/// A stored translation found for a [`Lookup`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Match {
    /// The stored entry: its source is the stored key, which a fuzzy match
    /// may tell apart from the one looked up.
    pub entry: Entry,
    /// How the entry matched.
    pub kind: MatchKind,
}

impl Match {
    /// An exact match on `entry`.
    pub fn exact(entry: Entry) -> Self {
        Self { entry, kind: MatchKind::Exact }
    }

    /// A fuzzy match on `entry`, `quality` percent alike.
    pub fn fuzzy(entry: Entry, quality: u8) -> Self {
        Self { entry, kind: MatchKind::Fuzzy { quality } }
    }
}

/// How a [`Match`] was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchKind {
    /// The stored key equals the one looked up.
    Exact,
    /// The stored key is close to the one looked up.
    Fuzzy {
        /// The similarity in percent, rounded down ([`fuzzy::percent`](super::fuzzy::percent)).
        quality: u8,
    },
}
