//! `depeche tm check`: whether a memory file is sound, and a way out when
//! it is not.
//!
//! Input: the path of a SQLite memory, sound or damaged (a damaged one
//! cannot be opened as a [`SqliteStore`]: every open walks its trees and
//! refuses it, so that no run pays again for what it holds; See: #15).
//! Output: a [`CheckReport`] ([`check`]), or a fresh memory holding every
//! entry that could still be read, with the damaged file kept aside under
//! a new name ([`repair`]).
//!
//! Guarantees: [`check`] never writes to the file; [`repair`] never loses
//! what the damaged file held (it is renamed, not deleted), and puts the
//! fresh file in place only once every readable entry is in it.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension as _, params};

use super::sqlite::{SELECT_ENTRY_ID, read_entry};
use super::{Entry, Error, NewEntry, SCHEMA_VERSION, SqliteStore, canonical_lang};

/// Most problems [`check`] lists (SQLite's own check stops there too).
pub const MAX_PROBLEMS: usize = 20;

/// Entries read per query while the table reads cleanly.
const CHUNK: i64 = 1000;

/// What [`check`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckReport {
    /// The schema version the file records, if it could be read.
    pub schema: Option<i64>,
    /// What is wrong, one finding a line (empty for a sound memory).
    pub problems: Vec<String>,
    /// Entries read back whole.
    pub readable: u64,
    /// Stored rows that could not be read (damaged pages, bad text, an
    /// unknown origin or locale).
    pub unreadable: u64,
}

impl CheckReport {
    /// True when nothing is wrong: runs may use the memory.
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty() && self.unreadable == 0
    }
}

/// What [`repair`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RepairReport {
    /// Entries copied into the fresh memory.
    pub saved: u64,
    /// Rows of the damaged file that could not be read.
    pub lost: u64,
    /// Where the damaged file now is.
    pub kept: PathBuf,
}

/// Checks the memory file at `path` without changing it: SQLite's
/// `integrity_check` (every page, every index entry against its row), the
/// schema version, and every entry read back. Problems are reported, not
/// returned as errors; an error means the check itself could not run (no
/// such file, or another process held the file too long).
pub fn check(path: &Path) -> Result<CheckReport, Error> {
    let conn = connect(path)?;
    let mut report = CheckReport::default();
    let problem = |report: &mut CheckReport, text: String| {
        if report.problems.len() < MAX_PROBLEMS {
            report.problems.push(text);
        }
    };
    match integrity(&conn) {
        Ok(found) => found.into_iter().for_each(|p| problem(&mut report, p)),
        Err(e) => problem(&mut report, format!("integrity check: {e}")),
    }
    match conn
        .query_row("SELECT max(version) FROM schema_version", [], |r| r.get::<_, Option<i64>>(0))
    {
        Ok(Some(v)) if v > SCHEMA_VERSION => {
            report.schema = Some(v);
            problem(
                &mut report,
                format!("schema {v} is newer than this depeche reads ({SCHEMA_VERSION})"),
            );
        }
        Ok(v) => report.schema = v,
        Err(e) => problem(&mut report, format!("schema version: {e}")),
    }
    let (readable, unreadable) = salvage(&conn, |_| {});
    (report.readable, report.unreadable) = (readable, unreadable);
    if unreadable > 0 {
        problem(&mut report, format!("{unreadable} entries cannot be read"));
    }
    Ok(report)
}

/// Copies every entry of the damaged memory at `path` that can still be
/// read into a fresh memory, then renames the damaged file (and its
/// write-ahead log) to `<name>.damaged-<unix time>` and puts the fresh one
/// in its place. Run it while no other depeche process uses the memory.
pub fn repair(path: &Path) -> Result<RepairReport, Error> {
    let conn = connect(path)?;
    let fresh_path = with_suffix(path, ".repairing");
    remove_with_logs(&fresh_path);
    let fresh = SqliteStore::open(&fresh_path)?;
    let mut batch: Vec<NewEntry> = Vec::with_capacity(usize::try_from(CHUNK).unwrap_or(1000));
    let mut failed: Option<Error> = None;
    let mut flush = |batch: &mut Vec<NewEntry>| {
        if failed.is_none()
            && let Err(e) = fresh.store(batch)
        {
            failed = Some(e);
        }
        batch.clear();
    };
    let (saved, lost) = salvage(&conn, |entry| {
        batch.push(NewEntry {
            source: entry.source_text,
            target: entry.target,
            source_lang: entry.source_lang,
            target_lang: entry.target_lang,
            origin: entry.origin,
            glossary_version: entry.glossary_version,
            created: Some(entry.created),
            updated: Some(entry.updated),
        });
        if batch.len() >= 1000 {
            flush(&mut batch);
        }
    });
    flush(&mut batch);
    if let Some(e) = failed {
        return Err(e);
    }
    drop((fresh, conn));
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let kept = with_suffix(path, &format!(".damaged-{stamp}"));
    let moved = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|source| Error::Read { path: from.into(), source })
    };
    moved(path, &kept)?;
    for log in ["-wal", "-shm"] {
        let from = with_suffix(path, log);
        if from.exists() {
            moved(&from, &with_suffix(&kept, log))?;
        }
    }
    moved(&fresh_path, path)?;
    Ok(RepairReport { saved, lost, kept })
}

/// A connection that never creates the file and never writes to it.
fn connect(path: &Path) -> Result<Connection, Error> {
    if !path.is_file() {
        return Err(Error::Read {
            path: path.into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such memory file"),
        });
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|source| Error::Sqlite { path: path.into(), source })?;
    conn.busy_timeout(super::BUSY_TIMEOUT)
        .and_then(|()| conn.execute_batch("PRAGMA query_only = ON;"))
        .map_err(|source| Error::Sqlite { path: path.into(), source })?;
    Ok(conn)
}

/// SQLite's findings, `ok` left out.
fn integrity(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA integrity_check({MAX_PROBLEMS})"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let row = row?;
        if row != "ok" {
            out.push(row);
        }
    }
    Ok(out)
}

/// Hands every entry that can be read to `keep`, in row order, and returns
/// how many were kept and how many rows could not be read.
///
/// Rows are read a chunk at a time while the table reads cleanly; past a
/// damaged page, one by one by row id (each read walks down from the root,
/// so it reaches every row whose own pages are sound), up to the highest
/// row id the table or its index still shows. Row ids are dense: entries
/// are never deleted, and an update keeps its row.
fn salvage(conn: &Connection, mut keep: impl FnMut(Entry)) -> (u64, u64) {
    let highest =
        |sql: &str| conn.query_row(sql, [], |r| r.get::<_, Option<i64>>(0)).ok().flatten();
    let mut last = [
        highest("SELECT max(id) FROM entries"),
        highest("SELECT max(rowid) FROM entries INDEXED BY entries_key"),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);
    let (mut kept, mut lost) = (0u64, 0u64);
    let mut usable = |entry: Option<Entry>, kept: &mut u64, lost: &mut u64| match entry {
        Some(e)
            if canonical_lang(&e.source_lang).is_some()
                && canonical_lang(&e.target_lang).is_some() =>
        {
            keep(e);
            *kept += 1;
        }
        _ => *lost += 1,
    };
    let chunk_sql = format!("{SELECT_ENTRY_ID} WHERE id > ?1 ORDER BY id LIMIT ?2");
    let one_sql = format!("{SELECT_ENTRY_ID} WHERE id = ?1");
    let mut after = 0i64;
    loop {
        // The rows from `after` on, up to the first that cannot be read.
        let mut rows = Vec::new();
        let read = conn.prepare_cached(&chunk_sql).and_then(|mut stmt| {
            let found = stmt
                .query_map(params![after, CHUNK], |r| Ok((r.get::<_, i64>(9)?, read_entry(r)?)))?;
            for row in found {
                rows.push(row?);
            }
            Ok(())
        });
        let got = rows.len();
        for (id, entry) in rows {
            usable(entry, &mut kept, &mut lost);
            after = id;
        }
        last = last.max(after);
        if read.is_ok() && got > 0 {
            continue;
        }
        if after >= last {
            break;
        }
        // A damaged page in the way, or a gap before rows the index still
        // shows: step over one row id.
        after += 1;
        let one = conn
            .prepare_cached(&one_sql)
            .and_then(|mut stmt| stmt.query_row(params![after], read_entry).optional());
        match one {
            Ok(Some(entry)) => usable(entry, &mut kept, &mut lost),
            Ok(None) => {}
            Err(_) => lost += 1,
        }
    }
    (kept, lost)
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Removes a leftover file and its logs, if any (an earlier repair that
/// was stopped).
fn remove_with_logs(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}
