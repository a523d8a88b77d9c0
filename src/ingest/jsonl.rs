//! JSON Lines: one article object per line, as scrapers and newsroom
//! exports write them.
//!
//! ```text
//! {"title": "…", "published": "2025-10-31T15:57:00+01:00", "publisher": "Lagazette",
//!  "url": "https://…", "author": "…", "lang": "fr", "body": "First paragraph.\n\nSecond."}
//! ```
//!
//! The body is `body` (or `text`, `content`): paragraphs separated by blank
//! lines; or `paragraphs`: a list of strings or of `{"role": "heading",
//! "text": "…"}` objects. Dates are kept as given when they are RFC 3339 or
//! ISO dates. A line that is not a JSON object, or has no text, is refused
//! with its line number; the other lines are still read.

use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{Draft, Each, Error, ReadOptions};
use crate::model::Role;
use crate::normalize::encoding;

/// One article object; unknown keys are kept in the metadata.
#[derive(Debug, Deserialize)]
struct Line {
    #[serde(alias = "headline")]
    title: Option<String>,
    #[serde(alias = "date", alias = "datePublished", alias = "pubDate")]
    published: Option<String>,
    #[serde(alias = "site", alias = "source")]
    publisher: Option<String>,
    #[serde(alias = "author", alias = "authors")]
    byline: Option<Value>,
    #[serde(alias = "link", alias = "origin")]
    url: Option<String>,
    #[serde(alias = "language")]
    lang: Option<String>,
    #[serde(alias = "text", alias = "content")]
    body: Option<String>,
    paragraphs: Option<Vec<Value>>,
    id: Option<Value>,
}

/// Reads the articles of a JSON Lines file held in memory.
pub(crate) fn read(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let decoded = encoding::decode(bytes, options.lossy).map_err(|e| decode_error(path, e))?;
    let mut any = false;
    for (i, line) in decoded.text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        any = true;
        if each(article(path, i + 1, line, decoded.encoding)).is_break() {
            return Ok(());
        }
    }
    if !any {
        return Err(Error::Empty { path: path.into() });
    }
    Ok(())
}

/// Reads the articles of a JSON Lines file larger than one article, line
/// by line: each line is decoded on its own (UTF-8, else Windows-1252 as
/// for a text file; UTF-16 with a byte-order mark as a whole), and a line
/// longer than [`ReadOptions::max_bytes`] fails alone, its text not kept.
pub(crate) fn read_stream<R: BufRead>(
    path: &Path,
    mut input: R,
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.into(), source };
    let head = input.fill_buf().map_err(io)?;
    match crate::xml::bom(head) {
        Some((bom, len)) if bom == encoding_rs::UTF_8 => input.consume(len),
        Some((bom, len)) => {
            input.consume(len);
            let decoded = crate::xml::Decoding::new(input, bom, options.lossy);
            return read_lines(path, std::io::BufReader::new(decoded), options, each);
        }
        None => {}
    }
    read_lines(path, input, options, each)
}

fn read_lines<R: BufRead>(
    path: &Path,
    mut input: R,
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let mut line = Vec::new();
    let mut number = 0;
    let mut any = false;
    while let Some(size) = next_line(&mut input, &mut line, options.max_bytes)
        .map_err(|source| Error::Io { path: path.into(), source })?
    {
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) && size <= options.max_bytes {
            continue;
        }
        any = true;
        let item = if size > options.max_bytes {
            Err(Error::ItemTooLarge {
                path: path.into(),
                line: number,
                item: number,
                size,
                limit: options.max_bytes,
            })
        } else {
            match encoding::decode(&line, options.lossy) {
                Ok(decoded) => article(path, number, &decoded.text, decoded.encoding),
                Err(e) => Err(line_error(path, number, e)),
            }
        };
        if each(item).is_break() {
            return Ok(());
        }
    }
    if !any {
        return Err(Error::Empty { path: path.into() });
    }
    Ok(())
}

/// Reads one line, its end (`\n`, `\r\n`) left out, into `line`, keeping
/// at most `limit` bytes of it; returns its whole length, or `None` at the
/// end of the input.
fn next_line<R: BufRead>(
    input: &mut R,
    line: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<Option<u64>> {
    line.clear();
    let mut size = 0u64;
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        any = true;
        let end = buf.iter().position(|b| *b == b'\n');
        let chunk = buf.get(..end.unwrap_or(buf.len())).unwrap_or_default();
        let room = usize::try_from(limit.saturating_sub(line.len() as u64)).unwrap_or(usize::MAX);
        line.extend_from_slice(chunk.get(..chunk.len().min(room)).unwrap_or_default());
        size += chunk.len() as u64;
        let used = chunk.len() + usize::from(end.is_some());
        input.consume(used);
        if end.is_some() {
            break;
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
        size = size.saturating_sub(1);
    }
    Ok(any.then_some(size))
}

fn decode_error(path: &Path, e: encoding::DecodeError) -> Error {
    match e {
        encoding::DecodeError::Binary(reason) => Error::NotText { path: path.into(), reason },
        encoding::DecodeError::Invalid { offset, byte, line } => {
            Error::InvalidBytes { path: path.into(), line, offset, byte }
        }
    }
}

/// A line that does not decode: that line fails, with its number.
fn line_error(path: &Path, number: usize, e: encoding::DecodeError) -> Error {
    let reason = match e {
        encoding::DecodeError::Binary(reason) => reason,
        encoding::DecodeError::Invalid { byte, .. } => format!(
            "byte 0x{byte:02x} is not valid utf-8, and the line does not read as \
             windows-1252 either; re-save the file as utf-8"
        ),
    };
    Error::Malformed { path: path.into(), line: number, reason }
}

/// One line into one article.
fn article(
    path: &Path,
    number: usize,
    line: &str,
    encoding: &str,
) -> Result<crate::model::Article, Error> {
    let bad = |reason: String| Error::Malformed { path: path.into(), line: number, reason };
    let parsed: Line = serde_json::from_str(line)
        .map_err(|e| bad(format!("not a JSON article object ({e}); write one object per line")))?;
    let mut paragraphs: Vec<(Role, String)> = Vec::new();
    if let Some(list) = parsed.paragraphs {
        for p in list {
            match p {
                Value::String(text) => paragraphs.push((Role::Body, text)),
                Value::Object(o) => {
                    let text = o.get("text").and_then(Value::as_str).unwrap_or_default();
                    let role = match o.get("role").and_then(Value::as_str) {
                        Some("heading") => Role::Heading,
                        Some("quote") => Role::Quote,
                        Some("caption") => Role::Caption,
                        _ => Role::Body,
                    };
                    paragraphs.push((role, text.to_string()));
                }
                _ => return Err(bad("`paragraphs` holds a value that is not text".into())),
            }
        }
    } else if let Some(body) = parsed.body {
        let body = body.replace("\r\n", "\n");
        paragraphs.extend(body.split("\n\n").map(|p| (Role::Body, p.to_string())));
    }
    let byline = match parsed.byline {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(list)) => {
            let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            Some(names.join(", "))
        }
        _ => None,
    };
    let mut draft = Draft {
        origin: parsed.url.unwrap_or_else(|| format!("{}:{number}", path.display())),
        lang: parsed.lang.map(|l| if l.eq_ignore_ascii_case("fr") { "fr-FR".into() } else { l }),
        title: parsed.title,
        published: parsed.published.filter(|p| looks_like_iso_date(p)),
        byline,
        publisher: parsed.publisher,
        paragraphs,
        ..Draft::default()
    };
    draft.meta.insert("format".into(), "jsonl".into());
    draft.meta.insert("encoding".into(), encoding.into());
    draft.meta.insert("line".into(), number.to_string());
    if let Some(id) = parsed.id {
        let id = match id {
            Value::String(s) => s,
            other => other.to_string(),
        };
        draft.meta.insert("source_id".into(), id);
    }
    draft.finish(path).map_err(|e| match e {
        Error::NoBody { .. } => bad("no article text (`body` or `paragraphs`)".into()),
        other => other,
    })
}

/// `2025-10-31` or `2025-10-31T15:57:00+01:00`: kept as given.
fn looks_like_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::ingest::Items;

    fn read_all(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<Items, Error> {
        let (items, end) = crate::ingest::collect(|each| read(path, bytes, options, each));
        end.map_or(Ok(items), Err)
    }

    fn read_str(text: &str) -> Items {
        read_all(Path::new("feed.jsonl"), text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    #[test]
    fn articles_come_one_per_line_and_bad_lines_are_named() {
        let items = read_str(concat!(
            r#"{"title": "L’OTAN renforce son flanc est", "published": "2025-02-10", "publisher": "Le Monde", "url": "https://example.org/a", "body": "Premier paragraphe.\n\nSecond paragraphe."}"#,
            "\n\n",
            "not json\n",
            r#"{"title": "Sans texte"}"#,
            "\n",
            r#"{"headline": "Titre", "paragraphs": ["Un.", {"role": "heading", "text": "Intertitre"}, "Deux."], "author": ["A. B.", "C. D."]}"#,
            "\n"
        ));
        assert_eq!(items.len(), 4);
        let first = items[0].as_ref().unwrap();
        assert_eq!(first.title.as_deref(), Some("L’OTAN renforce son flanc est"));
        assert_eq!(first.published.as_deref(), Some("2025-02-10"));
        assert_eq!(first.origin, "https://example.org/a");
        assert_eq!(first.paragraphs.len(), 3);
        assert_eq!(first.paragraphs[0].role, Role::Title);
        let bad = items[1].as_ref().unwrap_err().to_string();
        assert!(bad.starts_with("feed.jsonl:3: not a JSON article object"), "{bad}");
        let empty = items[2].as_ref().unwrap_err().to_string();
        assert!(empty.starts_with("feed.jsonl:4: no article text"), "{empty}");
        let last = items[3].as_ref().unwrap();
        assert_eq!(last.paragraphs[2].role, Role::Heading);
        assert_eq!(last.byline.as_deref(), Some("A. B., C. D."));
    }

    #[test]
    fn an_empty_file_is_an_error() {
        let err = read_all(Path::new("e.jsonl"), b"\n\n", &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, Error::Empty { .. }));
    }
}
