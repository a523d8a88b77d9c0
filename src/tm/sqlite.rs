//! The translation memory in one SQLite file, behind [`MemoryStore`].
//!
//! One writer connection (writes queue on it, and across processes on
//! SQLite's own lock for up to [`BUSY_TIMEOUT`]) and a small pool of
//! read-only connections: in write-ahead-log mode readers never wait for
//! the writer nor for each other, so lookups from many articles in flight
//! run side by side instead of taking turns on one lock. Every call through
//! the trait runs on tokio's blocking pool, never on an async worker.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, TransactionBehavior, params};

use super::fuzzy::{self, Index};
use super::store::{Lookup, Match, MemoryStore};
use super::{
    BUSY_TIMEOUT, Entry, EntryOrigin, Error, Filter, NewEntry, SCHEMA_VERSION, StatRow,
    canonical_lang, lang, normalize,
};

/// Current time as RFC 3339 UTC, to the second, computed by SQLite so no
/// clock crate is needed.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

const SELECT_ENTRY: &str = "SELECT source, target, source_lang, target_lang, origin, \
     glossary_version, created, updated, source_text FROM entries";

/// [`SELECT_ENTRY`] with the row id as the tenth column.
pub(super) const SELECT_ENTRY_ID: &str = "SELECT source, target, source_lang, target_lang, origin, \
     glossary_version, created, updated, source_text, id FROM entries";

/// The best entry first: human before MT, then newest.
const RANK: &str = "ORDER BY origin = 'human' DESC, updated DESC, id DESC";

/// Most read connections kept open. Each holds its own page cache (2 MB by
/// default), and beyond the cores available more only queue.
const MAX_READERS: usize = 4;

/// Batches at least this long are split across the readers, one part per
/// blocking task; shorter ones cost more to split than to answer.
const SPLIT_AT: usize = 256;

/// The translation memory in one SQLite file.
///
/// `SqliteStore` is cheap to clone (clones share the connections) and
/// `Send + Sync`. Its inherent methods block and serve the command line and
/// TMX import and export; async code goes through [`MemoryStore`], which
/// moves the work to tokio's blocking pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Readers>,
    /// Signalled when a reader goes back to the pool.
    returned: Condvar,
    max_readers: usize,
    /// Fuzzy-match indexes per (source, target) locale pair, built on the
    /// first fuzzy lookup for the pair and brought up to date before each.
    fuzzy: RwLock<HashMap<(String, String), Index>>,
}

/// The read connections: those idle, and how many exist in all.
#[derive(Debug, Default)]
struct Readers {
    idle: Vec<Connection>,
    open: usize,
}

/// A read connection on loan from the pool, given back on drop.
struct Reader<'a> {
    inner: &'a Inner,
    conn: Option<Connection>,
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            lock(&self.inner.readers).idle.push(conn);
            self.inner.returned.notify_one();
        }
    }
}

/// A poisoned lock is still usable: a panic while it was held cannot leave
/// SQLite inconsistent (an open transaction rolls back on drop).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SqliteStore {
    /// Opens the memory at `path`, creating the file, its folder and its
    /// schema on first use.
    pub fn open(path: &Path) -> Result<Self, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| Error::CreateDir { path: dir.into(), source })?;
        }
        let max_readers =
            std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, MAX_READERS));
        let inner = Inner {
            path: path.into(),
            writer: Mutex::new(connect(path)?),
            readers: Mutex::default(),
            returned: Condvar::new(),
            max_readers,
            fuzzy: RwLock::default(),
        };
        inner.migrate()?;
        inner.walk_trees()?;
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The file this memory lives in.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The best entry for `source`: an exact match on the normalised
    /// sentence, human before MT, newest first. Blocks.
    pub fn lookup(
        &self,
        source: &str,
        source_lang: &str,
        target_lang: &str,
    ) -> Result<Option<Entry>, Error> {
        Ok(self.lookup_many(&[source], source_lang, target_lang)?.into_iter().flatten().next())
    }

    /// [`lookup`](Self::lookup) for many sentences in one read transaction;
    /// result `i` answers `sources[i]`. Blocks.
    pub fn lookup_many(
        &self,
        sources: &[&str],
        source_lang: &str,
        target_lang: &str,
    ) -> Result<Vec<Option<Entry>>, Error> {
        let lookups: Vec<Lookup> =
            sources.iter().map(|s| Lookup::exact(*s, source_lang, target_lang)).collect();
        let answers = self.inner.lookup(&lookups)?;
        Ok(answers.into_iter().map(|a| a.into_iter().next().map(|m| m.entry)).collect())
    }

    /// Stores `entries` in one transaction and returns how many were added
    /// or changed, by the rules of [`MemoryStore`]. Blocks.
    pub fn store(&self, entries: &[NewEntry]) -> Result<usize, Error> {
        self.inner.store(entries)
    }

    /// Entry counts per locale pair and origin, sorted. Blocks.
    pub fn stats(&self) -> Result<Vec<StatRow>, Error> {
        let inner = &*self.inner;
        let mut reader = inner.reader()?;
        let mut stmt = reader
            .conn()
            .prepare(
                "SELECT source_lang, target_lang, origin, count(*) FROM entries
                 GROUP BY source_lang, target_lang, origin
                 ORDER BY source_lang, target_lang, origin = 'human' DESC, origin",
            )
            .map_err(|e| inner.err(e))?;
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
            .map_err(|e| inner.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(row.map_err(|e| inner.err(e))?);
        }
        Ok(out)
    }

    /// Number of entries. Blocks.
    pub fn len(&self) -> Result<u64, Error> {
        let inner = &*self.inner;
        let n: i64 = inner
            .reader()?
            .conn()
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .map_err(|e| inner.err(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// True when the memory holds no entry. Blocks.
    pub fn is_empty(&self) -> Result<bool, Error> {
        Ok(self.len()? == 0)
    }

    /// Every entry `filter` selects, sorted by locales, source and origin.
    /// Blocks.
    pub fn entries(&self, filter: &Filter) -> Result<Vec<Entry>, Error> {
        let src = filter.source_lang.as_deref().map(lang).transpose()?;
        let tgt = filter.target_lang.as_deref().map(lang).transpose()?;
        let inner = &*self.inner;
        let mut reader = inner.reader()?;
        let mut stmt = reader
            .conn()
            .prepare(&format!(
                "{SELECT_ENTRY} WHERE (?1 IS NULL OR source_lang = ?1)
                   AND (?2 IS NULL OR target_lang = ?2)
                   AND (?3 = 0 OR origin = 'human')
                 ORDER BY source_lang, target_lang, source, origin = 'human' DESC, origin"
            ))
            .map_err(|e| inner.err(e))?;
        let rows = stmt
            .query_map(params![src, tgt, filter.human_only], read_entry)
            .map_err(|e| inner.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(row.map_err(|e| inner.err(e))?);
        }
        Ok(out)
    }

    /// Up to `limit` entries after row `after`, in row order, each with its
    /// row id (see [`MemoryStore::scan`]). Blocks.
    pub fn scan(&self, after: i64, limit: usize) -> Result<Vec<(i64, Entry)>, Error> {
        let inner = &*self.inner;
        let mut reader = inner.reader()?;
        let mut stmt = reader
            .conn()
            .prepare_cached(&format!("{SELECT_ENTRY_ID} WHERE id > ?1 ORDER BY id LIMIT ?2"))
            .map_err(|e| inner.err(e))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![after, limit], |r| Ok((r.get::<_, i64>(9)?, read_entry(r)?)))
            .map_err(|e| inner.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, entry) = row.map_err(|e| inner.err(e))?;
            out.extend(entry.map(|e| (id, e)));
        }
        Ok(out)
    }

    /// Runs SQLite's own consistency check; `Ok(true)` when the file is
    /// sound. Blocks.
    pub fn check_integrity(&self) -> Result<bool, Error> {
        let inner = &*self.inner;
        let verdict: String = inner
            .reader()?
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| inner.err(e))?;
        Ok(verdict == "ok")
    }

    /// Runs `work` on tokio's blocking pool, or right here when there is no
    /// tokio runtime (a caller on another executor).
    async fn blocking<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T, Error> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => runtime
                .spawn_blocking(move || work(&inner))
                .await
                .map_err(|source| Error::Task { source })?,
            Err(_) => work(&inner),
        }
    }
}

#[async_trait]
impl MemoryStore for SqliteStore {
    async fn lookup(&self, lookups: &[Lookup]) -> Result<Vec<Vec<Match>>, Error> {
        let parts = (lookups.len() / SPLIT_AT).clamp(1, self.inner.max_readers);
        if parts == 1 {
            let lookups = lookups.to_vec();
            return self.blocking(move |inner| inner.lookup(&lookups)).await;
        }
        // A long batch is answered in parts on several readers at once,
        // then put back in order.
        let part_len = lookups.len().div_ceil(parts);
        let answers = futures::future::try_join_all(lookups.chunks(part_len).map(|part| {
            let part = part.to_vec();
            self.blocking(move |inner| inner.lookup(&part))
        }))
        .await?;
        Ok(answers.into_iter().flatten().collect())
    }

    async fn store(&self, entries: &[NewEntry]) -> Result<usize, Error> {
        let entries = entries.to_vec();
        self.blocking(move |inner| inner.store(&entries)).await
    }

    fn describe(&self) -> String {
        self.inner.path.display().to_string()
    }

    async fn stats(&self) -> Result<Vec<StatRow>, Error> {
        let this = self.clone();
        self.blocking(move |_| this.stats()).await
    }

    async fn entries(&self, filter: &Filter) -> Result<Vec<Entry>, Error> {
        let (this, filter) = (self.clone(), filter.clone());
        self.blocking(move |_| this.entries(&filter)).await
    }

    async fn scan(&self, after: i64, limit: usize) -> Result<Vec<(i64, Entry)>, Error> {
        let this = self.clone();
        self.blocking(move |_| this.scan(after, limit)).await
    }
}

impl Inner {
    fn err(&self, source: rusqlite::Error) -> Error {
        classify(&self.path, source)
    }

    /// A read connection: an idle one, a new one while fewer than
    /// `max_readers` exist, or else the next one given back.
    fn reader(&self) -> Result<Reader<'_>, Error> {
        let mut readers = lock(&self.readers);
        loop {
            if let Some(conn) = readers.idle.pop() {
                return Ok(Reader { inner: self, conn: Some(conn) });
            }
            if readers.open < self.max_readers {
                readers.open += 1;
                drop(readers);
                return match connect_reader(&self.path) {
                    Ok(conn) => Ok(Reader { inner: self, conn: Some(conn) }),
                    Err(error) => {
                        lock(&self.readers).open -= 1;
                        self.returned.notify_one();
                        Err(error)
                    }
                };
            }
            readers = self.returned.wait(readers).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn migrate(&self) -> Result<(), Error> {
        let mut conn = lock(&self.writer);
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
        // Read again under the write lock: another process may have created
        // or upgraded the file in the meantime.
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);")
            .map_err(|e| self.err(e))?;
        let found: Option<i64> = tx
            .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        match found {
            Some(v) if v > SCHEMA_VERSION => {
                return Err(Error::TooNew { path: self.path.clone(), found: v });
            }
            Some(SCHEMA_VERSION) => return tx.commit().map_err(|e| self.err(e)),
            _ => {}
        }
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS entries (
                 id INTEGER PRIMARY KEY,
                 source_lang TEXT NOT NULL,
                 target_lang TEXT NOT NULL,
                 source TEXT NOT NULL,
                 origin TEXT NOT NULL,
                 target TEXT NOT NULL,
                 glossary_version TEXT,
                 created TEXT NOT NULL,
                 updated TEXT NOT NULL,
                 source_text TEXT NOT NULL
             );
             CREATE UNIQUE INDEX IF NOT EXISTS entries_key
                 ON entries (source_lang, target_lang, source, origin);",
        )
        .map_err(|e| self.err(e))?;
        // Schema 1 → 2: the written source beside the key. Schema 1 kept
        // only the normalised form, so that is what old entries keep.
        let has_text: bool = tx
            .query_row(
                "SELECT count(*) > 0 FROM pragma_table_info('entries') WHERE name = 'source_text'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !has_text {
            tx.execute_batch(
                "ALTER TABLE entries ADD COLUMN source_text TEXT NOT NULL DEFAULT '';
                 UPDATE entries SET source_text = source;",
            )
            .map_err(|e| self.err(e))?;
            tracing::info!(
                path = %self.path.display(),
                from = found.unwrap_or(1),
                to = SCHEMA_VERSION,
                "translation memory schema upgraded"
            );
        }
        tx.execute_batch("DELETE FROM schema_version;").map_err(|e| self.err(e))?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [SCHEMA_VERSION])
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// A row whose text is not UTF-8 (a damaged leaf page, which no cheap
    /// check finds) is a miss for its own sentence, not a failed batch:
    /// the other sentences of the article are still served, and the next
    /// translation of that one overwrites the damaged row. Other errors
    /// stay errors.
    fn readable<T>(&self, row: rusqlite::Result<Option<T>>) -> Result<Option<T>, Error> {
        use rusqlite::Error as E;
        match row {
            Err(E::FromSqlConversionFailure(..) | E::Utf8Error(..) | E::InvalidColumnType(..)) => {
                tracing::warn!(
                    path = %self.path.display(),
                    "a translation memory entry cannot be read; run `depeche tm check`"
                );
                Ok(None)
            }
            other => other.map_err(|e| self.err(e)),
        }
    }

    /// The check every open makes, before anything is looked up: every page
    /// of the entries table and of its index is visited, each interior
    /// page's cells are parsed and checked, and the two trees must count
    /// the same entries. A damaged page there would make lookups fail or
    /// miss, and a run then pay again for every sentence the memory holds
    /// (See: #15). Leaf contents are checked by `depeche tm check`
    /// (`tm::check`), which reads everything.
    fn walk_trees(&self) -> Result<(), Error> {
        let conn = lock(&self.writer);
        let count = |sql: &str| -> Result<i64, Error> {
            conn.query_row(sql, [], |r| r.get(0)).map_err(|e| self.err(e))
        };
        conn.execute_batch("PRAGMA cell_size_check = ON;").map_err(|e| self.err(e))?;
        let walked = count("SELECT count(*) FROM entries NOT INDEXED").and_then(|rows| {
            Ok((rows, count("SELECT count(*) FROM entries INDEXED BY entries_key")?))
        });
        // Lookups go on without the extra checks.
        conn.execute_batch("PRAGMA cell_size_check = OFF;").map_err(|e| self.err(e))?;
        let (rows, keys) = walked?;
        if rows != keys {
            return Err(Error::Damaged {
                path: self.path.clone(),
                detail: format!("{rows} entries in its table but {keys} in its index"),
            });
        }
        Ok(())
    }

    /// Answers `lookups` in one read transaction, so the whole batch sees
    /// one state of the file.
    fn lookup(&self, lookups: &[Lookup]) -> Result<Vec<Vec<Match>>, Error> {
        let mut reader = self.reader()?;
        let tx = reader.conn().transaction().map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(lookups.len());
        // Locale pairs whose fuzzy index this batch has brought up to date.
        let mut refreshed: Vec<(String, String)> = Vec::new();
        {
            // Entries stored under the bare languages (`fr` → `en`) answer
            // after those of the pair itself (see `locale_pairs`): ?4 and ?5
            // are the broader tags, or the same ones again.
            let select = format!(
                "{SELECT_ENTRY} WHERE source_lang IN (?1, ?4) AND target_lang IN (?2, ?5)
                   AND source = ?3 ORDER BY target_lang <> ?2, source_lang <> ?1, {}",
                RANK.trim_start_matches("ORDER BY ")
            );
            // A constant `LIMIT 1` lets SQLite keep only the best row while
            // sorting; a bound limit made exact lookups two to three times
            // slower (`cargo bench --bench tm`).
            let mut best =
                tx.prepare_cached(&format!("{select} LIMIT 1")).map_err(|e| self.err(e))?;
            let mut ranked =
                tx.prepare_cached(&format!("{select} LIMIT ?6")).map_err(|e| self.err(e))?;
            for l in lookups {
                // Stored locales are canonical; what is not a tag matches nothing.
                let (Some(src), Some(tgt)) = (canonical_lang(&l.src), canonical_lang(&l.tgt))
                else {
                    out.push(Vec::new());
                    continue;
                };
                let (bsrc, btgt) = (
                    super::broader(&src).unwrap_or_else(|| src.clone()),
                    super::broader(&tgt).unwrap_or_else(|| tgt.clone()),
                );
                let mut matches = Vec::new();
                if l.limit <= 1 {
                    let entry = best
                        .query_row(params![src, tgt, l.source_key, bsrc, btgt], read_entry)
                        .optional();
                    matches.extend(self.readable(entry)?.flatten().map(Match::exact));
                } else {
                    let limit = i64::try_from(l.limit).unwrap_or(i64::MAX);
                    let rows = ranked
                        .query_map(params![src, tgt, l.source_key, bsrc, btgt, limit], read_entry)
                        .map_err(|e| self.err(e))?;
                    for row in rows {
                        matches.extend(self.readable(row.map(Some))?.flatten().map(Match::exact));
                    }
                }
                if matches.is_empty()
                    && let Some(fuzzy) = l.fuzzy
                {
                    let pair = (src, tgt);
                    if !refreshed.contains(&pair) {
                        self.refresh_index(&tx, &pair)?;
                        refreshed.push(pair.clone());
                    }
                    let found: Vec<(String, f64)> = {
                        let indexes = self.fuzzy.read().unwrap_or_else(PoisonError::into_inner);
                        indexes.get(&pair).map_or_else(Vec::new, |index| {
                            index
                                .search(&l.source_key, fuzzy.threshold(), fuzzy.max_matches())
                                .into_iter()
                                .map(|c| (c.key.to_owned(), c.similarity))
                                .collect()
                        })
                    };
                    for (key, similarity) in found {
                        // Fuzzy candidates come from the pair itself only.
                        let entry = best
                            .query_row(params![pair.0, pair.1, key, pair.0, pair.1], read_entry)
                            .optional();
                        let entry = self.readable(entry)?.flatten();
                        let quality = fuzzy::percent(similarity);
                        matches.extend(entry.map(|e| Match::fuzzy(e, quality)));
                    }
                }
                out.push(matches);
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }

    /// Brings the fuzzy index of `pair` up to date with the file as `tx`
    /// sees it: the rows added since it was last read (all of them the
    /// first time). Entries are never deleted and an update keeps its row
    /// and its source, so new row ids are all there is to read.
    fn refresh_index(
        &self,
        tx: &rusqlite::Transaction<'_>,
        pair: &(String, String),
    ) -> Result<(), Error> {
        let last = {
            let indexes = self.fuzzy.read().unwrap_or_else(PoisonError::into_inner);
            indexes.get(pair).map(|i| i.last_id)
        };
        // Every row past the last one read, whatever its locales, so that
        // the mark moves on even when none is for this pair; rows are
        // walked in row id order, never through the locale index.
        let mut stmt = tx
            .prepare_cached(
                "SELECT id, CASE WHEN source_lang = ?2 AND target_lang = ?3 THEN source END
                 FROM entries WHERE id > ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![last.unwrap_or(0), pair.0, pair.1], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut added = Vec::new();
        for row in rows {
            added.push(row.map_err(|e| self.err(e))?);
        }
        if added.is_empty() && last.is_some() {
            return Ok(());
        }
        let mut indexes = self.fuzzy.write().unwrap_or_else(PoisonError::into_inner);
        let index = indexes.entry(pair.clone()).or_default();
        for (id, key) in added {
            // Another thread may have read the same rows meanwhile.
            if id <= index.last_id {
                continue;
            }
            if let Some(key) = key {
                index.add(id, &key);
            }
            index.last_id = id;
        }
        Ok(())
    }

    fn store(&self, entries: &[NewEntry]) -> Result<usize, Error> {
        let mut rows = Vec::with_capacity(entries.len());
        for e in entries {
            let e = e.xml_safe();
            let source = normalize(&e.source);
            if source.is_empty() || e.target.trim().is_empty() {
                continue;
            }
            rows.push((source, lang(&e.source_lang)?, lang(&e.target_lang)?, e));
        }
        if rows.is_empty() {
            return Ok(0);
        }
        let mut conn = lock(&self.writer);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let mut changed = 0;
        {
            let mut stmt = tx
                .prepare_cached(&format!(
                    "INSERT INTO entries (source_lang, target_lang, source, origin, target,
                         glossary_version, created, updated, source_text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, {NOW}), coalesce(?8, ?7, {NOW}),
                         ?9)
                     ON CONFLICT (source_lang, target_lang, source, origin) DO UPDATE SET
                         target = excluded.target,
                         source_text = excluded.source_text,
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
                        e.source,
                    ])
                    .map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(changed)
    }
}

impl Reader<'_> {
    #[expect(clippy::expect_used, reason = "only `drop` takes the connection out")]
    fn conn(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("a reader holds its connection until dropped")
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

/// One row of [`SELECT_ENTRY`]; `None` for an origin this version does not
/// know (written by a newer depeche), which is then ignored.
pub(super) fn read_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Entry>> {
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
        source_text: r.get(8)?,
    }))
}

/// The writer connection, which also puts the file in WAL mode.
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

/// A read connection: the file exists and is in WAL mode (the writer saw to
/// both), and `query_only` makes a stray write an error.
fn connect_reader(path: &Path) -> Result<Connection, Error> {
    // The default flags but for CREATE: a reader never makes a new file.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| classify(path, e))?;
    conn.execute_batch("PRAGMA query_only = ON;").map_err(|e| classify(path, e))?;
    Ok(conn)
}

pub(super) fn classify(path: &Path, source: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let path = path.to_path_buf();
    match source.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => Error::Busy { path, source },
        Some(C::NotADatabase) => Error::NotAMemory { path, source },
        Some(C::DatabaseCorrupt) => Error::Damaged { path, detail: source.to_string() },
        _ => Error::Sqlite { path, source },
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
mod tests {
    use super::*;
    use crate::tm::tests::{human, memory, mt};
    use crate::tm::{Fuzzy, MatchKind};

    fn targets(answers: &[Vec<Match>]) -> Vec<Vec<&str>> {
        answers.iter().map(|a| a.iter().map(|m| m.entry.target.as_str()).collect()).collect()
    }

    #[test]
    fn open_creates_folder_and_schema_and_reopens() {
        let (dir, tm) = memory();
        assert!(tm.is_empty().unwrap());
        tm.store(&[human("Bonjour.", "Hello.")]).unwrap();
        drop(tm);
        let again = SqliteStore::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        assert_eq!(again.len().unwrap(), 1);
        assert!(again.check_integrity().unwrap());
    }

    #[test]
    fn newer_schema_is_refused() {
        let (dir, tm) = memory();
        lock(&tm.inner.writer).execute("INSERT INTO schema_version VALUES (99)", []).unwrap();
        drop(tm);
        let err = SqliteStore::open(&dir.path().join("sub/tm.sqlite")).unwrap_err();
        assert!(err.to_string().contains("schema 99 is newer"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_memory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.sqlite");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
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

    #[tokio::test]
    async fn the_trait_ranks_candidates_up_to_the_limit() {
        let (_d, tm) = memory();
        let dated = |e: NewEntry, at: &str| NewEntry { updated: Some(at.into()), ..e };
        tm.store(&[
            dated(mt("Un.", "One (d).", "deepl"), "2025-01-02T00:00:00Z"),
            dated(mt("Un.", "One (g).", "google"), "2025-01-01T00:00:00Z"),
            dated(human("Un.", "One."), "2024-01-01T00:00:00Z"),
        ])
        .unwrap();
        let store: &dyn MemoryStore = &tm;
        let one = Lookup::exact("Un.", "fr-FR", "en-GB");
        let answers = store
            .lookup(&[
                one.clone(),
                one.clone().with_limit(5),
                Lookup::exact("Deux.", "fr-FR", "en-GB"),
                Lookup::exact("Un.", "not a tag", "en-GB"),
            ])
            .await
            .unwrap();
        assert_eq!(
            targets(&answers),
            vec![vec!["One."], vec!["One.", "One (d).", "One (g)."], vec![], vec![]]
        );
        assert!(answers.iter().flatten().all(|m| m.kind == MatchKind::Exact));
        assert_eq!(store.store(&[mt("Deux.", "Two.", "deepl")]).await.unwrap(), 1);
        assert_eq!(store.store(&[mt("Deux.", "Two.", "deepl")]).await.unwrap(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn long_batches_are_split_and_come_back_in_order() {
        let (_d, tm) = memory();
        let n = SPLIT_AT * 3 + 7;
        let entries: Vec<NewEntry> = (0..n)
            .filter(|i| i % 3 != 0)
            .map(|i| mt(&format!("S {i}."), &format!("T {i}."), "d"))
            .collect();
        tm.store(&entries).unwrap();
        let lookups: Vec<Lookup> =
            (0..n).map(|i| Lookup::exact(format!("S {i}."), "fr-FR", "en-GB")).collect();
        // Many articles at once, each with a long batch.
        let answers = futures::future::try_join_all((0..4).map(|_| {
            let tm = tm.clone();
            let lookups = lookups.clone();
            tokio::spawn(async move { MemoryStore::lookup(&tm, &lookups).await })
        }))
        .await
        .unwrap();
        for answer in answers {
            let answer = answer.unwrap();
            assert_eq!(answer.len(), n);
            for (i, a) in answer.iter().enumerate() {
                let expected = (i % 3 != 0).then(|| format!("T {i}."));
                assert_eq!(a.first().map(|m| m.entry.target.clone()), expected, "lookup {i}");
            }
        }
        let open = lock(&tm.inner.readers).open;
        assert!(open <= tm.inner.max_readers, "{open} readers");
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
        let other = SqliteStore::open(&dir.path().join("sub/tm.sqlite")).unwrap();
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

    /// The schema-1 file as depeche wrote it before the written source was
    /// kept: its CREATE statements, verbatim.
    const SCHEMA_1: &str = "CREATE TABLE schema_version (version INTEGER NOT NULL);
         CREATE TABLE entries (
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
         CREATE UNIQUE INDEX entries_key ON entries (source_lang, target_lang, source, origin);
         INSERT INTO schema_version VALUES (1);";

    #[test]
    fn a_schema_1_memory_is_migrated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(SCHEMA_1).unwrap();
            old.execute(
                "INSERT INTO entries (source_lang, target_lang, source, origin, target,
                     glossary_version, created, updated)
                 VALUES ('fr-FR', 'en-GB', 'L''armée a dit.', 'human', 'The army said.', NULL,
                     '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')",
                [],
            )
            .unwrap();
        }
        let tm = SqliteStore::open(&path).unwrap();
        let version: i64 = lock(&tm.inner.writer)
            .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        // The old entry keeps everything, and its key stands as its text.
        let old = tm.lookup("L’armée a dit.", "fr-FR", "en-GB").unwrap().unwrap();
        assert_eq!(old.source_text, "L'armée a dit.");
        assert_eq!(
            (old.target.as_str(), old.updated.as_str()),
            ("The army said.", "2024-01-02T00:00:00Z")
        );
        // New entries keep their written text; reopening changes nothing.
        tm.store(&[human("L’État\u{a0}a dit.", "The State said.")]).unwrap();
        drop(tm);
        let again = SqliteStore::open(&path).unwrap();
        let new = again.lookup("L'État a dit.", "fr-FR", "en-GB").unwrap().unwrap();
        assert_eq!(new.source_text, "L’État\u{a0}a dit.");
        assert_eq!(new.source, "L'État a dit.");
        assert_eq!(again.len().unwrap(), 2);
        assert!(again.check_integrity().unwrap());
    }

    #[test]
    fn the_written_source_is_kept_and_follows_updates() {
        let (_d, tm) = memory();
        tm.store(&[mt("L’armée\u{202f}: oui.", "Army: yes.", "deepl")]).unwrap();
        let all = tm.entries(&Filter::default()).unwrap();
        assert_eq!(all[0].source, "L'armée : oui.");
        assert_eq!(all[0].source_text, "L’armée\u{202f}: oui.");
        tm.store(&[mt("L'armée : oui.", "The army: yes.", "deepl")]).unwrap();
        let all = tm.entries(&Filter::default()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].source_text, "L'armée : oui.", "the text of the latest translation");
    }

    fn fuzzy_lookup(text: &str, fuzzy: Fuzzy) -> Lookup {
        Lookup::exact(text, "fr-FR", "en-GB").with_fuzzy(fuzzy)
    }

    #[tokio::test]
    async fn a_pair_with_no_entries_still_moves_its_mark() {
        let (_d, tm) = memory();
        tm.store(&[human("Le chef a dit non.", "No.")]).unwrap();
        let store: &dyn MemoryStore = &tm;
        let german =
            Lookup::exact("Le chef a dit oui.", "fr-FR", "de-DE").with_fuzzy(Fuzzy::default());
        assert!(store.lookup(std::slice::from_ref(&german)).await.unwrap()[0].is_empty());
        let indexes = tm.inner.fuzzy.read().unwrap();
        let index = indexes.get(&("fr-FR".to_string(), "de-DE".to_string())).unwrap();
        assert_eq!(index.last_id, 1, "the en-GB row is past, not read again");
        assert_eq!(index.len(), 0);
    }

    #[tokio::test]
    async fn the_fuzzy_index_sees_entries_stored_later_by_any_handle() {
        let (dir, tm) = memory();
        let q = "La porte-parole du gouvernement a démenti lundi la rumeur.";
        let store: &dyn MemoryStore = &tm;
        let lookup = fuzzy_lookup(q, Fuzzy::default());
        assert!(store.lookup(std::slice::from_ref(&lookup)).await.unwrap()[0].is_empty());
        // Stored through this handle, then through another process's.
        tm.store(&[human("La porte-parole du gouvernement a démenti mardi la rumeur.", "Tue.")])
            .unwrap();
        let other = SqliteStore::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        other
            .store(&[human("La porte-parole du gouvernement a confirmé lundi la rumeur.", "Conf.")])
            .unwrap();
        let found = store.lookup(&[lookup]).await.unwrap();
        let mut got = targets(&found).remove(0);
        got.sort_unstable();
        assert_eq!(got, vec!["Conf.", "Tue."]);
    }

    #[test]
    fn an_unreadable_row_is_a_miss_for_its_own_sentence_only() {
        // See: #15
        let (dir, tm) = memory();
        tm.store(&[human("Un.", "One."), human("Deux.", "Two.")]).unwrap();
        lock(&tm.inner.writer)
            .execute("UPDATE entries SET target = CAST(x'ff41' AS TEXT) WHERE source = 'Deux.'", [])
            .unwrap();
        let found = tm.lookup_many(&["Un.", "Deux."], "fr-FR", "en-GB").unwrap();
        assert_eq!(found[0].as_ref().map(|e| e.target.as_str()), Some("One."));
        assert!(found[1].is_none());
        // A new translation of the sentence replaces the damaged row.
        tm.store(&[human("Deux.", "Two!")]).unwrap();
        assert_eq!(tm.lookup("Deux.", "fr-FR", "en-GB").unwrap().unwrap().target, "Two!");
        drop(tm);
        assert!(crate::tm::check(&dir.path().join("sub/tm.sqlite")).unwrap().is_sound());
    }

    #[test]
    fn store_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SqliteStore>();
    }
}
