//! CSV/TSV reader, for quick newsroom edits.
//!
//! Columns: `source, target, locale, domain, note`, by position, or by
//! name when the first row is a header naming them. A header may add
//! `forbidden` (renderings the house style rejects, `|`-separated),
//! `dnt` (`yes` keeps the term verbatim), `requires`, `excludes` (context
//! rules, `|`-separated), `flags` (`acr` acronym in any case, `ins`
//! adjectives may be inserted, `amb` ambiguous, `noun` noun reading
//! only (after a determiner), `noart` the target is a
//! name used without "the"; `;`-separated), `plural` (the target's plural
//! where it is irregular), `origin` (where the concept comes from) and
//! `id`. Lines starting with `#` are comments.
//! Rows that share source term and domain form one concept, one locale
//! per row.

use std::collections::HashMap;
use std::path::Path;

use super::{Entry, Error, Status, Target, fold};

const COLUMNS: &[&str] = &[
    "source",
    "target",
    "locale",
    "domain",
    "note",
    "forbidden",
    "dnt",
    "requires",
    "excludes",
    "id",
    "flags",
    "origin",
    "plural",
];

/// Parses `text` (the content of `path`) and appends its concepts.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    delimiter: u8,
    out: &mut Vec<Entry>,
) -> Result<(), Error> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let invalid =
        |line: usize, message: String| Error::Invalid { path: path.to_path_buf(), line, message };
    let mut index: HashMap<&str, usize> =
        COLUMNS.iter().take(5).enumerate().map(|(i, c)| (*c, i)).collect();
    let mut first = true;
    // Rows come in order: counting from the previous row keeps the line
    // numbers of a large glossary linear in its size.
    let mut lines = crate::lines::LineCounter::new(text);
    let mut by_key: HashMap<(Vec<String>, String, String), usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|source| Error::Csv {
            path: path.to_path_buf(),
            line: source.position().map_or(0, |p| line_of(text, &mut lines, p.byte())),
            source,
        })?;
        // Counted from the byte offset: the reader's own line count skips
        // comment lines.
        let line = record.position().map_or(0, |p| line_of(text, &mut lines, p.byte()));
        if first {
            first = false;
            if record.get(0).is_some_and(|f| f.eq_ignore_ascii_case("source")) {
                index.clear();
                for (i, name) in record.iter().enumerate() {
                    let name = name.to_ascii_lowercase();
                    let Some(known) = COLUMNS.iter().find(|c| **c == name) else {
                        return Err(invalid(
                            line,
                            format!("unknown column {name:?} (known: {})", COLUMNS.join(", ")),
                        ));
                    };
                    index.insert(known, i);
                }
                for needed in ["source", "target", "locale"] {
                    if !index.contains_key(needed) {
                        return Err(invalid(line, format!("missing column {needed:?} in header")));
                    }
                }
                continue;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |c: &str| index.get(c).and_then(|&i| record.get(i)).unwrap_or("").trim();
        let list = |c: &str| -> Vec<String> {
            get(c).split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        };
        let source = get("source");
        if source.is_empty() {
            return Err(invalid(line, "empty source term (first column)".into()));
        }
        let locale = get("locale");
        let target = get("target");
        let forbidden = list("forbidden");
        if locale.is_empty() && (!target.is_empty() || !forbidden.is_empty()) {
            return Err(invalid(line, "missing locale (write en-GB, en-US, en, de, es...)".into()));
        }
        let dnt = match get("dnt").to_ascii_lowercase().as_str() {
            "" | "no" | "false" | "0" => false,
            "yes" | "true" | "1" => true,
            other => return Err(invalid(line, format!("dnt must be yes or no, found {other:?}"))),
        };
        let domain = match get("domain") {
            "" => "general".to_string(),
            d => d.to_string(),
        };
        let key = (fold::keys(source), domain.clone(), get("id").to_string());
        let slot = match by_key.get(&key) {
            Some(&i) => i,
            None => {
                let id = match get("id") {
                    "" => format!(
                        "{}-{line}",
                        path.file_stem().and_then(|s| s.to_str()).unwrap_or("csv")
                    ),
                    id => id.to_string(),
                };
                out.push(Entry {
                    id,
                    domain,
                    sources: vec![source.to_string()],
                    targets: Vec::new(),
                    do_not_translate: false,
                    ambiguous: false,
                    requires: Vec::new(),
                    excludes: Vec::new(),
                    acronym: false,
                    insertions: false,
                    noun: false,
                    origin: None,
                    house: false,
                    note: None,
                    path: path.to_path_buf(),
                    line,
                });
                by_key.insert(key, out.len() - 1);
                out.len() - 1
            }
        };
        let Some(entry) = out.get_mut(slot) else { continue };
        entry.do_not_translate |= dnt;
        let mut no_article = false;
        for flag in get("flags").split(';').map(str::trim).filter(|f| !f.is_empty()) {
            match flag {
                "noart" => no_article = true,
                "acr" => entry.acronym = true,
                "ins" => entry.insertions = true,
                "amb" => entry.ambiguous = true,
                "noun" => entry.noun = true,
                other => {
                    return Err(invalid(
                        line,
                        format!("unknown flag {other:?} (known: acr, ins, amb, noun, noart)"),
                    ));
                }
            }
        }
        if entry.origin.is_none() && !get("origin").is_empty() {
            entry.origin = Some(get("origin").to_string());
        }
        entry.requires.extend(list("requires"));
        entry.excludes.extend(list("excludes"));
        let note = Some(get("note")).filter(|n| !n.is_empty()).map(String::from);
        if !target.is_empty() {
            entry.targets.push(Target {
                locale: locale.to_string(),
                term: target.to_string(),
                status: Status::Preferred,
                note: note.clone(),
                line,
                no_article,
                plural: Some(get("plural")).filter(|p| !p.is_empty()).map(String::from),
            });
        } else if entry.note.is_none() {
            entry.note = note;
        }
        for f in forbidden {
            entry.targets.push(Target {
                locale: locale.to_string(),
                term: f,
                status: Status::Forbidden,
                note: None,
                line,
                no_article: false,
                plural: None,
            });
        }
    }
    Ok(())
}

/// 1-based line of the record starting at byte `byte`.
///
/// The reader reports a record as starting where it began looking, before
/// any comment or blank line it skipped, so those are skipped here too.
fn line_of(text: &str, lines: &mut crate::lines::LineCounter<'_>, byte: u64) -> usize {
    let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    let bytes = text.as_bytes();
    let mut line = lines.line(start);
    loop {
        let rest = bytes.get(start..).unwrap_or_default();
        let skip = rest.first().is_some_and(|&b| b == b'#' || b == b'\n' || b == b'\r');
        match rest.iter().position(|&b| b == b'\n') {
            Some(nl) if skip => {
                start += nl + 1;
                line += 1;
            }
            _ => return line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_merge_into_concepts() {
        let text = "source,target,locale,domain,note,forbidden\n\
                    # a comment\n\
                    drone kamikaze,kamikaze drone,en,defence,,suicide plane\n\
                    drone kamikaze,Kamikazedrohne,de,defence,,\n\
                    Caliber.Az,,,diplomacy,news site,\n";
        let mut out = Vec::new();
        parse(Path::new("n.csv"), text, b',', &mut out).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].targets.len(), 3, "{:?}", out[0].targets);
        assert_eq!(out[0].targets[1].status, Status::Forbidden);
        assert_eq!(out[0].line, 3);
        assert_eq!(out[1].note.as_deref(), Some("news site"));
    }

    #[test]
    fn tsv_without_header_is_positional() {
        let mut out = Vec::new();
        parse(Path::new("n.tsv"), "OTAN\tNATO\ten\tdefence\t\n", b'\t', &mut out).unwrap();
        assert_eq!(out[0].targets[0].term, "NATO");
        assert_eq!(out[0].domain, "defence");
    }

    #[test]
    fn errors_name_the_line() {
        let err =
            parse(Path::new("n.csv"), "a,b,en,x,\n,b,en,x,\n", b',', &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "n.csv:2: empty source term (first column)");
        let err = parse(Path::new("n.csv"), "a,b,,x,\n", b',', &mut Vec::new()).unwrap_err();
        assert!(err.to_string().starts_with("n.csv:1: missing locale"));
    }
}
