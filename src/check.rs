//! Golden-file checks: the XLIFF files of a run against the committed ones.
//!
//! Input: a folder of XLIFF files just written by the pipeline, the folder
//! of golden files they should match and the folder the articles were read
//! from. Output: a [`Report`] with, per file, its drift from the golden file
//! (a line diff), the structural problems of the written file and of the
//! golden file; the check job adds the glossary violations the run found.
//!
//! Guarantees:
//! - the comparison is deterministic: the writers put no timestamp in a
//!   file, and the fields that may legitimately change without a change in
//!   behaviour are masked on both sides ([`mask`]);
//! - input paths are made portable ([`portable_paths`]) before anything is
//!   compared or stored, so the golden files do not depend on where the
//!   fixtures are checked out;
//! - golden files are only ever written through [`crate::output::write_atomic`].

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::lines::LineIndex;
use crate::output;
use crate::{xliff, xml};

/// Prefix that replaces the articles folder in golden files.
pub const PORTABLE_PREFIX: &str = "articles/";

/// Most diff lines shown per file; the rest is counted.
const MAX_DIFF_LINES: usize = 40;

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

/// Why a check could not run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A folder or file could not be read.
    #[error("{path}: cannot read it")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// A golden file could not be written or removed.
    #[error("cannot update the golden files")]
    Write(#[source] output::Error),
}

/// How one written file compares with its golden file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Drift {
    /// Same content once masked.
    Same,
    /// Different content: a unified-style diff, golden (`-`) to written (`+`).
    Changed {
        /// The first differing lines, with context.
        diff: String,
    },
    /// The article's file name changed (its text did, and the id hashes
    /// it): the golden file of the same input and target language, and
    /// the diff from it.
    Renamed {
        /// Name of the golden file it replaces.
        from: String,
        /// The first differing lines, golden (`-`) to written (`+`).
        diff: String,
    },
    /// The run wrote the file but there is no golden file for it.
    MissingGolden,
    /// A golden file that no article of the run produced.
    ExtraGolden,
}

/// The check of one file name.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FileReport {
    /// File name, the same in the output and golden folders.
    pub name: String,
    /// Drift from the golden file.
    pub drift: Drift,
    /// Problems of the written file (empty when valid).
    pub invalid: Vec<String>,
    /// Problems of the golden file (empty when valid or absent).
    pub golden_invalid: Vec<String>,
    /// Glossary violations the run found in this file's targets, as
    /// `unit-id: note` (filled by the check job from the run's findings).
    pub violations: Vec<String>,
    /// The written file in its golden form (portable paths), if any.
    golden_form: Option<String>,
}

impl FileReport {
    /// True when nothing is wrong with this file.
    pub fn passed(&self) -> bool {
        self.drift == Drift::Same
            && self.invalid.is_empty()
            && self.golden_invalid.is_empty()
            && self.violations.is_empty()
    }
}

/// The check of a whole run, one entry per file name, in name order.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// Every file of the output or golden folder.
    pub files: Vec<FileReport>,
}

impl Report {
    /// True when every file passed.
    pub fn passed(&self) -> bool {
        self.files.iter().all(FileReport::passed)
    }
}

/// What `--update` did to one golden file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Update {
    /// A new golden file.
    Added,
    /// A golden file replaced by one of a new name (see [`Drift::Renamed`]).
    Renamed {
        /// The name of the removed golden file.
        from: String,
    },
    /// A golden file rewritten; the diff of the change.
    Changed {
        /// The first differing lines, old (`-`) to new (`+`).
        diff: String,
    },
    /// A golden file no article produces any more, removed.
    Removed,
}

/// Masks the fields that change without a change in behaviour, so that
/// golden files survive a release:
///
/// - every `tool-version="…"` attribute (1.2 `<tool>`, 2.x header), which
///   carries the crate version;
/// - every `date="…"` attribute (XLIFF 1.2 allows one on `<file>`, `<phase>`
///   and `<count-group>`): depeche writes none, but a CAT tool re-saving a
///   golden file adds the time of saving.
///
/// Nothing else in a file depends on time or on the machine: the writers
/// put no timestamps in, ids come from the text and input paths are made
/// portable first ([`portable_paths`]).
pub fn mask(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    loop {
        let next = ["tool-version=\"", " date=\""]
            .iter()
            .filter_map(|key| rest.find(key).map(|at| (at, key.len())))
            .min();
        let Some((at, key_len)) = next else { break };
        let value_start = at + key_len;
        let (head, tail) = rest.split_at(value_start);
        out.push_str(head);
        match tail.find('"') {
            Some(end) => {
                out.push('*');
                rest = tail.get(end..).unwrap_or_default();
            }
            None => {
                rest = tail;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rewrites the input paths in `xml` (the `original` attribute and the
/// `origin:` note) from `input_dir` to [`PORTABLE_PREFIX`], so that
/// `fixtures/articles/x.txt` and `/home/ci/build/fixtures/articles/x.txt`
/// both read `articles/x.txt`.
pub fn portable_paths(xml: &str, input_dir: &Path) -> String {
    let mut dir = input_dir.display().to_string();
    while dir.len() > 1 && dir.ends_with('/') {
        dir.pop();
    }
    let raw = format!("{dir}/");
    // The path appears escaped as an attribute (`original`) and as text (the
    // `origin:` note), which escape quotes differently.
    let mut out = xml.replace(xml::escape_attr(&raw).as_ref(), PORTABLE_PREFIX);
    out = out.replace(xml::escape_text(&raw).as_ref(), PORTABLE_PREFIX);
    if out.contains(&raw) {
        out = out.replace(&raw, PORTABLE_PREFIX);
    }
    out
}

/// The problems of an XLIFF document, empty when it is valid: it must be
/// well-formed XLIFF 1.2 or 2.x that [`xliff::read`] accepts, and, checked
/// here because the reader forgives them, have its source and target
/// languages set, unique unit and group ids within each file, at most one
/// target per unit (1.2) or segment (2.x), and states from the version's
/// enumeration (1.2 `state` and `state-qualifier` allow `x-` extensions).
pub fn validate(xml: &str) -> Vec<String> {
    match xliff::read(xml) {
        Ok(_) => {}
        Err(xliff::Error::Xml { line, source, .. }) => {
            return vec![format!("line {line}: not well-formed XML: {source}")];
        }
        Err(xliff::Error::NotXliff { reason, .. }) => return vec![reason],
        Err(error) => return vec![crate::pipeline::error_chain(&error)],
    }
    let mut scan = Scan::default();
    let mut reader = Reader::from_str(xml);
    // Built once: a scan from the start for each element made `check`
    // quadratic in the file size. See: #15
    let lines = LineIndex::new(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                scan.open(&e, &reader, &lines);
                scan.stack.push(local(&e));
            }
            Ok(Event::Empty(e)) => {
                scan.open(&e, &reader, &lines);
                scan.stack.push(local(&e));
                scan.close();
            }
            Ok(Event::End(_)) => scan.close(),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => {
                scan.problems.push(format!("not well-formed XML: {error}"));
                break;
            }
        }
    }
    scan.problems
}

const STATES_12: &[&str] = &[
    "final",
    "needs-adaptation",
    "needs-l10n",
    "needs-review-adaptation",
    "needs-review-l10n",
    "needs-review-translation",
    "needs-translation",
    "new",
    "signed-off",
    "translated",
];

const QUALIFIERS_12: &[&str] = &[
    "exact-match",
    "fuzzy-match",
    "id-match",
    "leveraged-glossary",
    "leveraged-inherited",
    "leveraged-mt",
    "leveraged-repository",
    "leveraged-tm",
    "mt-suggestion",
    "rejected-grammar",
    "rejected-inaccurate",
    "rejected-length",
    "rejected-spelling",
    "tm-suggestion",
];

const STATES_2: &[&str] = &["initial", "translated", "reviewed", "final"];

/// State of the structural scan in [`validate`].
#[derive(Debug, Default)]
struct Scan {
    v2: bool,
    stack: Vec<String>,
    /// Ids of units and of groups seen in the current `<file>`.
    unit_ids: HashSet<String>,
    group_ids: HashSet<String>,
    file_ids: HashSet<String>,
    /// Targets in the current unit (1.2) or segment (2.x).
    targets: usize,
    problems: Vec<String>,
}

impl Scan {
    fn open(&mut self, e: &BytesStart<'_>, reader: &Reader<&[u8]>, lines: &LineIndex) {
        let name = local(e);
        let at = lines.line(usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX));
        let attr = |key: &str| attr(e, key);
        let parent = self.stack.last().map(String::as_str);
        match (self.v2, name.as_str()) {
            (_, "xliff") => {
                self.v2 = attr("version").is_some_and(|v| v.starts_with('2'));
                if self.v2 {
                    self.need_lang(attr("srcLang"), "<xliff> srcLang", at);
                    self.need_lang(attr("trgLang"), "<xliff> trgLang", at);
                }
            }
            (false, "file") => {
                self.unit_ids.clear();
                self.group_ids.clear();
                self.need_lang(attr("source-language"), "<file> source-language", at);
                self.need_lang(attr("target-language"), "<file> target-language", at);
            }
            (true, "file") => {
                self.unit_ids.clear();
                self.group_ids.clear();
                self.unique("file", attr("id"), at, Kind::File);
            }
            (false, "trans-unit") | (true, "unit") => {
                self.unique(&name, attr("id"), at, Kind::Unit);
                self.targets = 0;
            }
            (_, "group") => self.unique("group", attr("id"), at, Kind::Group),
            (true, "segment") => {
                self.targets = 0;
                if let Some(state) = attr("state").filter(|s| !STATES_2.contains(&s.as_str())) {
                    self.problems.push(format!(
                        "line {at}: state {state:?} is not an XLIFF 2 state ({})",
                        STATES_2.join(", ")
                    ));
                }
            }
            (false, "target") if parent == Some("trans-unit") => {
                self.count_target("trans-unit", at);
                for (key, allowed) in [("state", STATES_12), ("state-qualifier", QUALIFIERS_12)] {
                    let Some(value) = attr(key) else { continue };
                    if !allowed.contains(&value.as_str()) && !value.starts_with("x-") {
                        self.problems.push(format!(
                            "line {at}: {key} {value:?} is not in the XLIFF 1.2 enumeration"
                        ));
                    }
                }
            }
            (true, "target") if parent == Some("segment") || parent == Some("ignorable") => {
                self.count_target("segment", at);
            }
            _ => {}
        }
    }

    fn close(&mut self) {
        self.stack.pop();
    }

    fn need_lang(&mut self, value: Option<String>, what: &str, at: usize) {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            self.problems.push(format!("line {at}: {what} is missing"));
        }
    }

    fn unique(&mut self, what: &str, id: Option<String>, at: usize, kind: Kind) {
        let Some(id) = id.filter(|i| !i.is_empty()) else {
            self.problems.push(format!("line {at}: <{what}> has no id"));
            return;
        };
        let seen = match kind {
            Kind::File => &mut self.file_ids,
            Kind::Unit => &mut self.unit_ids,
            Kind::Group => &mut self.group_ids,
        };
        if !seen.insert(id.clone()) {
            self.problems.push(format!("line {at}: <{what}> id {id:?} appears twice"));
        }
    }

    fn count_target(&mut self, within: &str, at: usize) {
        self.targets += 1;
        if self.targets == 2 {
            self.problems.push(format!("line {at}: a second <target> in one <{within}>"));
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    File,
    Unit,
    Group,
}

fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == key).map(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.as_ref().to_string())
    })
}

/// A unified-style diff of the first differing lines of `old` and `new`
/// (`-` old, `+` new, three lines of context, at most 40 lines, then a
/// count of what was left out). Empty when the texts are equal.
pub fn diff(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = line_ops(&a, &b);
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    let mut shown = 0;
    let mut hidden = 0;
    for hunk in hunks(&ops) {
        let (old_start, new_start) = hunk.first().map(|op| op.at()).unwrap_or_default();
        let old_len = hunk.iter().filter(|op| !matches!(op, Op::Insert(..))).count();
        let new_len = hunk.iter().filter(|op| !matches!(op, Op::Delete(..))).count();
        if shown >= MAX_DIFF_LINES {
            hidden += hunk.iter().filter(|op| !matches!(op, Op::Equal(..))).count();
            continue;
        }
        let _ = writeln!(out, "@@ -{},{old_len} +{},{new_len} @@", old_start + 1, new_start + 1);
        for op in hunk {
            if shown >= MAX_DIFF_LINES {
                if !matches!(op, Op::Equal(..)) {
                    hidden += 1;
                }
                continue;
            }
            let (mark, line) = match op {
                Op::Equal(i, _) => (' ', a.get(i)),
                Op::Delete(i, _) => ('-', a.get(i)),
                Op::Insert(_, j) => ('+', b.get(j)),
            };
            let _ = writeln!(out, "{mark}{}", line.copied().unwrap_or_default());
            shown += 1;
        }
    }
    if hidden > 0 {
        let _ = writeln!(out, "… {hidden} more changed lines");
    }
    if a.len() == b.len() && ops.iter().all(|op| matches!(op, Op::Equal(..))) {
        // Only the final newline differs.
        out.push_str("\\ the files differ in their final line end\n");
    }
    out
}

/// One line of an edit script: indices into the old and new line lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal(usize, usize),
    Delete(usize, usize),
    Insert(usize, usize),
}

impl Op {
    fn at(&self) -> (usize, usize) {
        match *self {
            Op::Equal(i, j) | Op::Delete(i, j) | Op::Insert(i, j) => (i, j),
        }
    }
}

/// Longest-common-subsequence edit script. The common prefix and suffix
/// are taken off first; what is left is compared with a quadratic table,
/// or, past a size where that would be slow, replaced as a whole (the diff
/// is then correct, only less minimal).
fn line_ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(a.len().min(b.len()) - prefix)
        .take_while(|(x, y)| x == y)
        .count();
    let mid_a = a.get(prefix..a.len() - suffix).unwrap_or_default();
    let mid_b = b.get(prefix..b.len() - suffix).unwrap_or_default();
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Equal(i, i)).collect();
    let (n, m) = (mid_a.len(), mid_b.len());
    if n.saturating_mul(m) > 4_000_000 {
        ops.extend((0..n).map(|i| Op::Delete(prefix + i, prefix)));
        ops.extend((0..m).map(|j| Op::Insert(prefix + n, prefix + j)));
    } else {
        // lcs[i][j]: length of the LCS of mid_a[i..] and mid_b[j..].
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                let value = if mid_a.get(i) == mid_b.get(j) {
                    lcs.get((i + 1) * width + j + 1).copied().unwrap_or(0) + 1
                } else {
                    let down = lcs.get((i + 1) * width + j).copied().unwrap_or(0);
                    let right = lcs.get(i * width + j + 1).copied().unwrap_or(0);
                    down.max(right)
                };
                if let Some(cell) = lcs.get_mut(i * width + j) {
                    *cell = value;
                }
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            let (oi, oj) = (prefix + i, prefix + j);
            if i < n && j < m && mid_a.get(i) == mid_b.get(j) {
                ops.push(Op::Equal(oi, oj));
                i += 1;
                j += 1;
            } else if j < m
                && (i == n
                    || lcs.get(i * width + j + 1).copied().unwrap_or(0)
                        > lcs.get((i + 1) * width + j).copied().unwrap_or(0))
            {
                ops.push(Op::Insert(oi, oj));
                j += 1;
            } else {
                ops.push(Op::Delete(oi, oj));
                i += 1;
            }
        }
    }
    let (ea, eb) = (a.len() - suffix, b.len() - suffix);
    ops.extend((0..suffix).map(|k| Op::Equal(ea + k, eb + k)));
    ops
}

/// Groups an edit script into hunks: each change with up to three lines of
/// context on either side, hunks closer than that merged.
fn hunks(ops: &[Op]) -> Vec<Vec<Op>> {
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Equal(..)))
        .map(|(k, _)| k)
        .collect();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for k in changed {
        let start = k.saturating_sub(CONTEXT);
        let end = (k + CONTEXT + 1).min(ops.len());
        match ranges.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => ranges.push((start, end)),
        }
    }
    ranges.into_iter().filter_map(|(s, e)| ops.get(s..e).map(<[Op]>::to_vec)).collect()
}

/// The `.xlf` files directly in `dir`, by name; an absent folder has none.
fn xliff_files(dir: &Path) -> Result<BTreeMap<String, PathBuf>, Error> {
    let io = |source| Error::Io { path: dir.into(), source };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(io(e)),
    };
    let mut out = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(io)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if name.ends_with(".xlf") && !name.starts_with('.') && path.is_file() {
            out.insert(name, path);
        }
    }
    Ok(out)
}

fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Compares the XLIFF files of `out_dir` (just written from the articles
/// in `input_dir`) with those of `golden_dir`: drift, validity of both
/// sides and the glossary violations of each written file.
///
/// Files are paired by name. Since an article's id (and so its file name)
/// hashes its text, an edited article gets a new name: a written file with
/// no golden file of its name is then paired with the golden file no run
/// produced that has the same input path and target language, and reported
/// as [`Drift::Renamed`] with the diff of the two.
pub fn compare(out_dir: &Path, golden_dir: &Path, input_dir: &Path) -> Result<Report, Error> {
    let written = xliff_files(out_dir)?;
    let golden = xliff_files(golden_dir)?;
    let mut orphans: BTreeMap<(String, Option<String>), String> = BTreeMap::new();
    for (name, path) in &golden {
        if !written.contains_key(name)
            && let Some(key) = read_text(path).ok().as_deref().and_then(origin_key)
        {
            orphans.entry(key).or_insert_with(|| name.clone());
        }
    }
    let mut paired: BTreeMap<String, String> = BTreeMap::new();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for (name, path) in &written {
        let xml = portable_paths(&read_text(path)?, input_dir);
        if !golden.contains_key(name)
            && let Some(old) = origin_key(&xml).and_then(|key| orphans.remove(&key))
        {
            paired.insert(name.clone(), old);
        }
        texts.insert(name.clone(), xml);
    }
    let taken: BTreeSet<&String> = paired.values().collect();
    let names: BTreeSet<&String> =
        written.keys().chain(golden.keys().filter(|n| !taken.contains(n))).collect();
    let mut report = Report::default();
    for name in names {
        let golden_form = texts.get(name).cloned();
        let old_name = paired.get(name).unwrap_or(name);
        let expected = match golden.get(old_name) {
            Some(path) => Some(read_text(path)?),
            None => None,
        };
        let drift = match (&golden_form, &expected) {
            (Some(new), Some(old)) => {
                let (old, new) = (mask(old), mask(new));
                let diff = diff(&format!("golden/{old_name}"), &format!("run/{name}"), &old, &new);
                match paired.get(name) {
                    Some(from) => Drift::Renamed { from: from.clone(), diff },
                    None if diff.is_empty() => Drift::Same,
                    None => Drift::Changed { diff },
                }
            }
            (Some(_), None) => Drift::MissingGolden,
            (None, _) => Drift::ExtraGolden,
        };
        report.files.push(FileReport {
            name: name.clone(),
            drift,
            invalid: golden_form.as_deref().map(validate).unwrap_or_default(),
            golden_invalid: expected.as_deref().map(validate).unwrap_or_default(),
            violations: Vec::new(),
            golden_form,
        });
    }
    Ok(report)
}

/// The input path and target language of a document's first file.
fn origin_key(xml: &str) -> Option<(String, Option<String>)> {
    let doc = xliff::read(xml).ok()?;
    let file = doc.files.first()?;
    Some((file.original.clone(), file.target_lang.clone()))
}

/// Brings `golden_dir` in line with a [`compare`] report: adds the missing
/// golden files, rewrites the changed ones and removes those no article
/// produces. A written file that is invalid is never made golden; a golden
/// file that differs only in masked fields is left as it is. Returns what
/// changed, by file name.
pub fn update(report: &Report, golden_dir: &Path) -> Result<Vec<(String, Update)>, Error> {
    let mut changes = Vec::new();
    for file in &report.files {
        let path = output::safe_path(golden_dir, &file.name).map_err(Error::Write)?;
        match (&file.drift, &file.golden_form) {
            (Drift::ExtraGolden, _) => {
                remove(&path)?;
                changes.push((file.name.clone(), Update::Removed));
            }
            (Drift::Same, _) | (_, None) => {}
            (_, Some(_)) if !file.invalid.is_empty() => {}
            (drift, Some(xml)) => {
                output::write_atomic(&path, xml.as_bytes()).map_err(Error::Write)?;
                let change = match drift {
                    Drift::Changed { diff } => Update::Changed { diff: diff.clone() },
                    Drift::Renamed { from, .. } => {
                        remove(&output::safe_path(golden_dir, from).map_err(Error::Write)?)?;
                        Update::Renamed { from: from.clone() }
                    }
                    _ => Update::Added,
                };
                changes.push((file.name.clone(), change));
            }
        }
    }
    if !changes.is_empty() {
        output::sync_dir(golden_dir).map_err(Error::Write)?;
    }
    Ok(changes)
}

fn remove(path: &Path) -> Result<(), Error> {
    std::fs::remove_file(path)
        .map_err(|source| Error::Write(output::Error::Io { path: path.into(), source }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="/tmp/fx/articles/a.txt" source-language="fr-FR" target-language="en-GB" datatype="plaintext">
    <header>
      <tool tool-id="depeche" tool-name="depeche" tool-version="0.1.0"/>
      <note from="depeche">origin: /tmp/fx/articles/a.txt</note>
    </header>
    <body>
      <group id="p1" restype="x-paragraph">
        <trans-unit id="p1.s1">
          <source>Londres et Bakou.</source>
          <target state="needs-review-translation" state-qualifier="exact-match">Londres and Baku.</target>
          <note from="qa" annotates="target" priority="1">error: expected "London" for "londres" [terms, diplomacy]</note>
        </trans-unit>
      </group>
    </body>
  </file>
</xliff>
"#;

    #[test]
    fn masking_ignores_the_tool_version_and_dates() {
        let newer = DOC.replace("tool-version=\"0.1.0\"", "tool-version=\"2.3.4-beta\"");
        assert_ne!(DOC, newer);
        assert_eq!(mask(DOC), mask(&newer));
        assert!(mask(DOC).contains("tool-version=\"*\""));
        let dated = DOC.replace("datatype=", "date=\"2025-01-01T00:00:00Z\" datatype=");
        assert_eq!(mask(DOC), mask(&dated).replace("date=\"*\" ", ""));
        // Real content is not masked.
        let edited = DOC.replace("Bakou.", "Bakou !");
        assert_ne!(mask(DOC), mask(&edited));
    }

    #[test]
    fn paths_become_portable() {
        let out = portable_paths(DOC, Path::new("/tmp/fx/articles/"));
        assert!(out.contains("original=\"articles/a.txt\""), "{out}");
        assert!(out.contains("origin: articles/a.txt"), "{out}");
        assert!(!out.contains("/tmp/fx"));
    }

    #[test]
    fn a_valid_document_has_no_problems() {
        assert_eq!(validate(DOC), Vec::<String>::new());
    }

    #[test]
    fn structural_problems_are_found() {
        let two_targets = DOC.replace(
            "</target>",
            "</target>\n          <target state=\"translated\">again</target>",
        );
        let problems = validate(&two_targets);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("second <target> in one <trans-unit>"), "{problems:?}");

        let bad_state = DOC.replace("needs-review-translation", "done");
        assert!(validate(&bad_state)[0].contains("state \"done\" is not in the XLIFF 1.2"));
        assert!(validate(&DOC.replace("needs-review-translation", "x-house")).is_empty());

        let dup = DOC.replace("</group>", "</group><group id=\"p1\"><trans-unit id=\"p1.s1\"><source>x</source></trans-unit></group>");
        let problems = validate(&dup);
        assert!(problems.iter().any(|p| p.contains("<trans-unit> id \"p1.s1\" appears twice")));
        assert!(problems.iter().any(|p| p.contains("<group> id \"p1\" appears twice")));

        let no_lang = DOC.replace(" target-language=\"en-GB\"", "");
        assert_eq!(validate(&no_lang), vec!["line 3: <file> target-language is missing"]);

        let broken = DOC.replace("</source>", "</sorce>");
        let problems = validate(&broken);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("line 11: not well-formed XML"), "{problems:?}");
    }

    #[test]
    fn diff_shows_the_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\ni\n";
        let d = diff("old", "new", old, new);
        assert_eq!(d, "--- old\n+++ new\n@@ -2,7 +2,8 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n+i\n");
        assert_eq!(diff("x", "y", old, old), "");
    }

    #[test]
    fn long_diffs_are_cut() {
        let old: String = (0..200).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..200).map(|i| format!("LINE {i}\n")).collect();
        let d = diff("old", "new", &old, &new);
        assert!(d.ends_with("… 360 more changed lines\n"), "{d}");
        assert_eq!(d.lines().filter(|l| l.starts_with(['-', '+'])).count(), 2 + 40);
    }
}
