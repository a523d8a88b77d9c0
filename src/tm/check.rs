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

use std::collections::BTreeMap;
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
    /// Entries [`repair`] would save: those read, and those still whole on
    /// the leaf pages under a damaged page.
    pub recoverable: u64,
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
    let mut lost_ids = Vec::new();
    let (readable, unreadable) = salvage(&conn, |_, _| {}, &mut lost_ids);
    (report.readable, report.unreadable) = (readable, unreadable);
    if unreadable > 0 {
        problem(&mut report, format!("{unreadable} entries cannot be read through the tables"));
    }
    report.recoverable = if report.problems.is_empty() {
        readable
    } else {
        u64::try_from(gather(path, &conn).0.len()).unwrap_or(u64::MAX)
    };
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
    // The write-ahead log into the file, so that the leaf pages read
    // below are the latest; a log that cannot be applied is still read
    // through SQLite.
    if let Ok(writer) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE) {
        let _ = writer.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
    let (found, lost) = gather(path, &conn);
    let saved = u64::try_from(found.len()).unwrap_or(u64::MAX);
    let mut batch: Vec<NewEntry> = Vec::with_capacity(1000);
    for entry in found.into_values() {
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
            fresh.store(&batch)?;
            batch.clear();
        }
    }
    fresh.store(&batch)?;
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

/// Every entry that can be read, by row id: through SQLite first, then
/// from the leaf pages for the rows SQLite cannot reach (a damaged root
/// hides them all); and how many rows neither way could read.
fn gather(path: &Path, conn: &Connection) -> (BTreeMap<i64, Entry>, u64) {
    let mut found = BTreeMap::new();
    let mut lost_ids = Vec::new();
    salvage(conn, |id, e| drop(found.insert(id, e)), &mut lost_ids);
    let (leaves, bad) = scan_leaves(path);
    for (id, entry) in leaves {
        found.entry(id).or_insert(entry);
    }
    let unread = lost_ids.iter().filter(|id| !found.contains_key(id)).count();
    (found, u64::try_from(unread).unwrap_or(u64::MAX).max(bad))
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
fn salvage(
    conn: &Connection,
    mut keep: impl FnMut(i64, Entry),
    lost_ids: &mut Vec<i64>,
) -> (u64, u64) {
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
    let mut usable = |id: i64, entry: Option<Entry>, kept: &mut u64, lost: &mut u64| match entry {
        Some(e)
            if canonical_lang(&e.source_lang).is_some()
                && canonical_lang(&e.target_lang).is_some() =>
        {
            keep(id, e);
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
            usable(id, entry, &mut kept, &mut lost);
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
            Ok(Some(entry)) => usable(after, entry, &mut kept, &mut lost),
            Ok(None) => {}
            Err(_) => {
                lost += 1;
                lost_ids.push(after);
            }
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

/// Reads the entries straight from the leaf pages of the file, without
/// going through its b-trees: what [`salvage`] cannot reach when an
/// interior page (a table's root, say) is damaged is still on its leaves.
/// Returns the entries found, by row id, and how many entry-shaped cells
/// could not be read. Every byte is bounds-checked: a damaged page gives
/// nothing, never a panic.
///
/// The layout is SQLite's documented file format
/// (<https://www.sqlite.org/fileformat2.html>): a leaf page of a table
/// b-tree starts with 0x0D, then its cells (payload size, row id, record),
/// a long record continuing on a chain of overflow pages.
fn scan_leaves(path: &Path) -> (Vec<(i64, Entry)>, u64) {
    let Ok(file) = std::fs::File::open(path) else { return (Vec::new(), 0) };
    let pages = Pages::new(file);
    let Some(pages) = pages else { return (Vec::new(), 0) };
    let mut found = Vec::new();
    let mut bad = 0u64;
    for number in 1..=pages.count {
        let Some(page) = pages.read(number) else { continue };
        let head = if number == 1 { 100 } else { 0 };
        if page.get(head) != Some(&0x0D) {
            continue;
        }
        let cells = be16(&page, head + 3).unwrap_or(0);
        for i in 0..cells {
            let Some(at) = be16(&page, head + 8 + 2 * i) else { break };
            match pages.cell(&page, at).map(|(rowid, record)| (rowid, entry_of(&record))) {
                Some((rowid, Some(entry))) => found.push((rowid, entry)),
                Some((_, None)) => {}
                None => bad += 1,
            }
        }
    }
    (found, bad)
}

/// A database file read a page at a time.
struct Pages {
    file: std::cell::RefCell<std::fs::File>,
    size: usize,
    usable: usize,
    count: u64,
}

impl Pages {
    fn new(mut file: std::fs::File) -> Option<Self> {
        use std::io::Read as _;
        let mut head = [0u8; 100];
        file.read_exact(&mut head).ok()?;
        if head.get(..16)? != b"SQLite format 3\0" {
            return None;
        }
        let size = match be16(&head, 16)? {
            1 => 65536,
            n if n.is_power_of_two() && (512..=32768).contains(&n) => n,
            _ => return None,
        };
        let usable = size.checked_sub(usize::from(*head.get(20)?))?;
        let len = file.metadata().ok()?.len();
        let count = len / u64::try_from(size).ok()?;
        Some(Self { file: std::cell::RefCell::new(file), size, usable, count })
    }

    fn read(&self, number: u64) -> Option<Vec<u8>> {
        use std::io::{Read as _, Seek as _, SeekFrom};
        if number == 0 || number > self.count {
            return None;
        }
        let mut page = vec![0u8; self.size];
        let mut file = self.file.try_borrow_mut().ok()?;
        file.seek(SeekFrom::Start((number - 1).checked_mul(u64::try_from(self.size).ok()?)?))
            .ok()?;
        file.read_exact(&mut page).ok()?;
        Some(page)
    }

    /// The row id and record of the table leaf cell at `at` in `page`,
    /// with its overflow pages followed; `None` when it does not add up.
    fn cell(&self, page: &[u8], at: usize) -> Option<(i64, Vec<u8>)> {
        let (payload, n) = varint(page.get(at..)?)?;
        let (rowid, m) = varint(page.get(at + n..)?)?;
        let start = at + n + m;
        let payload = usize::try_from(payload).ok()?;
        let u = self.usable;
        let max_local = u.checked_sub(35)?;
        let local = if payload <= max_local {
            payload
        } else {
            let min_local = (u.checked_sub(12)? * 32 / 255).checked_sub(23)?;
            let k = min_local + (payload - min_local) % u.checked_sub(4)?;
            if k <= max_local { k } else { min_local }
        };
        let mut record = page.get(start..start.checked_add(local)?)?.to_vec();
        if local < payload {
            let mut next = u64::from(be32(page, start + local)?);
            // A chain never has more pages than the file.
            let mut hops = 0u64;
            while record.len() < payload {
                hops += 1;
                if next == 0 || hops > self.count {
                    return None;
                }
                let over = self.read(next)?;
                let take = (payload - record.len()).min(u - 4);
                record.extend_from_slice(over.get(4..4 + take)?);
                next = u64::from(be32(&over, 0)?);
            }
        }
        Some((i64::try_from(rowid).ok()?, record))
    }
}

/// One SQLite record as an entry of the memory's table (schema 2, or
/// schema 1 whose rows lack the written source); `None` for any other
/// record (another table's, or a damaged one).
fn entry_of(record: &[u8]) -> Option<Entry> {
    let (header_len, mut at) = varint(record)?;
    let header_len = usize::try_from(header_len).ok()?;
    let mut types = Vec::new();
    while at < header_len {
        let (t, n) = varint(record.get(at..header_len)?)?;
        types.push(t);
        at += n;
    }
    let mut body = header_len;
    let mut values: Vec<Option<String>> = Vec::with_capacity(types.len());
    for t in &types {
        let (len, text) = match *t {
            0 => (0, false),
            t if t >= 13 && t % 2 == 1 => (usize::try_from((t - 13) / 2).ok()?, true),
            _ => return None,
        };
        let bytes = record.get(body..body.checked_add(len)?)?;
        body += len;
        values.push(if text { Some(String::from_utf8(bytes.to_vec()).ok()?) } else { None });
    }
    let text = |i: usize| values.get(i).cloned().flatten();
    if !matches!(values.len(), 9 | 10) || values.first()?.is_some() {
        return None;
    }
    let origin = super::EntryOrigin::from_key(&text(4)?)?;
    let (source_lang, target_lang) = (text(1)?, text(2)?);
    if canonical_lang(&source_lang).as_ref() != Some(&source_lang)
        || canonical_lang(&target_lang).as_ref() != Some(&target_lang)
    {
        return None;
    }
    let source = text(3)?;
    Some(Entry {
        source_text: text(9).filter(|t| !t.is_empty()).unwrap_or_else(|| source.clone()),
        source,
        target: text(5)?,
        source_lang,
        target_lang,
        origin,
        glossary_version: text(6),
        created: text(7)?,
        updated: text(8)?,
    })
}

/// SQLite's variable-length integer: its value and length in bytes.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().take(9).enumerate() {
        if i == 8 {
            return Some(((value << 8) | u64::from(b), 9));
        }
        value = (value << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at + 2)?;
    Some(usize::from(u16::from_be_bytes([*b.first()?, *b.get(1)?])))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests damage their own files")]
mod tests {
    use super::*;
    use crate::tm::tests::{human, mt};

    #[test]
    fn varints_read_as_sqlite_writes_them() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xFF; 9]), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81]), None, "cut short");
        assert_eq!(varint(&[]), None);
    }

    #[test]
    fn a_sound_memory_checks_clean_and_its_leaves_give_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.sqlite");
        let tm = SqliteStore::open(&path).unwrap();
        // Long targets spill onto overflow pages.
        let long = "x".repeat(9000);
        tm.store(&[human("Un.", "One."), mt("Deux.", &long, "deepl")]).unwrap();
        drop(tm);
        let report = check(&path).unwrap();
        assert!(report.is_sound(), "{report:?}");
        assert_eq!((report.schema, report.readable, report.recoverable), (Some(2), 2, 2));
        let (found, bad) = scan_leaves(&path);
        assert_eq!(bad, 0);
        let targets: Vec<&str> = found.iter().map(|(_, e)| e.target.as_str()).collect();
        assert_eq!(targets, vec!["One.", long.as_str()]);
    }

    #[test]
    fn garbage_is_no_memory_and_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.sqlite");
        let mut bytes = b"SQLite format 3\0".to_vec();
        bytes.extend([0x10, 0x00, 1, 1, 0, 64, 32, 32]);
        bytes.resize(4096 * 3, 0x0D);
        std::fs::write(&path, &bytes).unwrap();
        let (found, _) = scan_leaves(&path);
        assert!(found.is_empty());
        assert!(!check(&path).unwrap().is_sound());
    }
}
