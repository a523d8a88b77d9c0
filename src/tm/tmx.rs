//! TMX 1.4b, the translation memory exchange format every CAT tool reads.
//!
//! Import reads any TMX 1.4b file (UTF-8, or UTF-16 with a byte order
//! mark, or the encoding its declaration names), flattens inline markup
//! (`<ph>`, `<bpt>`/`<ept>`, `<it>`, `<ut>` hold native codes and are
//! dropped; the text inside `<hi>` is kept) and stores one entry per target
//! `<tuv>`. A unit without an `x-depeche-origin` property comes from
//! another tool and counts as human. Malformed input is refused as a whole,
//! before anything is stored, with the file and line of the fault.
//!
//! Export writes one `<tu>` per entry with the origin and glossary version
//! as `<prop>`s, atomically (see [`crate::output::write_atomic`]).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Entry, EntryOrigin, Error, Filter, Memory, MemoryStore, NewEntry, canonical_lang};
use crate::xml;

/// The property carrying an entry's origin (`human`, `mt:deepl`).
pub const ORIGIN_PROP: &str = "x-depeche-origin";

/// The property carrying the glossary version an entry was checked against.
pub const GLOSSARY_PROP: &str = "x-depeche-glossary";

/// What an import read and stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportReport {
    /// `<tu>` elements read.
    pub units: usize,
    /// Source–target pairs found in them.
    pub entries: usize,
    /// Entries added or changed in the memory (the rest were already there).
    pub changed: usize,
    /// Units with no usable translation (only a source, or empty segments).
    pub skipped: usize,
}

/// Reads the TMX file at `path` and stores its translations in `memory`,
/// in one transaction: either all of them are stored or none.
pub fn import(memory: &Memory, path: &Path) -> Result<ImportReport, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let text = decode(path, &bytes)?;
    let parsed = parse(path, &text)?;
    let changed = memory.store(&parsed.entries)?;
    Ok(ImportReport {
        units: parsed.units,
        entries: parsed.entries.len(),
        changed,
        skipped: parsed.skipped,
    })
}

/// [`import`] into any store: the SQLite file or a PostgreSQL database.
/// The store takes the entries in one batch, so all or none are stored.
pub async fn import_into(store: &dyn MemoryStore, path: &Path) -> Result<ImportReport, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let text = decode(path, &bytes)?;
    let parsed = parse(path, &text)?;
    let changed = store.store(&parsed.entries).await?;
    Ok(ImportReport {
        units: parsed.units,
        entries: parsed.entries.len(),
        changed,
        skipped: parsed.skipped,
    })
}

/// [`export`] from any store that can list its entries.
pub async fn export_from(
    store: &dyn MemoryStore,
    path: &Path,
    filter: &Filter,
) -> Result<usize, Error> {
    let entries = store.entries(filter).await?;
    crate::output::write_atomic(path, render(&entries).as_bytes())?;
    Ok(entries.len())
}

/// Writes the entries `filter` selects to `path` as TMX 1.4b and returns
/// how many were written.
pub fn export(memory: &Memory, path: &Path, filter: &Filter) -> Result<usize, Error> {
    let entries = memory.entries(filter)?;
    crate::output::write_atomic(path, render(&entries).as_bytes())?;
    Ok(entries.len())
}

/// The TMX document for `entries`.
pub fn render(entries: &[Entry]) -> String {
    let mut langs = entries.iter().map(|e| e.source_lang.as_str());
    let first = langs.next();
    // `*all*` is TMX's value for "each unit names its own source".
    let srclang = match first {
        Some(l) if langs.all(|other| other == l) => l,
        Some(_) => "*all*",
        None => "fr-FR",
    };
    let mut out = String::with_capacity(entries.len() * 300 + 512);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <tmx version=\"1.4\">\n\
         <header creationtool=\"depeche\" creationtoolversion=\"{}\" segtype=\"sentence\" \
         o-tmf=\"depeche\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\"/>\n\
         <body>\n",
        env!("CARGO_PKG_VERSION"),
        escape_attr(srclang),
    );
    for e in entries {
        let _ = write!(out, "<tu srclang=\"{}\"", escape_attr(&e.source_lang));
        if let Some(d) = tmx_date(&e.created) {
            let _ = write!(out, " creationdate=\"{d}\"");
        }
        if let Some(d) = tmx_date(&e.updated) {
            let _ = write!(out, " changedate=\"{d}\"");
        }
        let _ = writeln!(out, " creationid=\"{}\">", escape_attr(&who(&e.origin)));
        let _ =
            writeln!(out, "  <prop type=\"{ORIGIN_PROP}\">{}</prop>", escape(&e.origin.as_key()));
        if let Some(v) = &e.glossary_version {
            let _ = writeln!(out, "  <prop type=\"{GLOSSARY_PROP}\">{}</prop>", escape(v));
        }
        // The source as written: the normalised key would cost CAT tools
        // their exact matches (typographic apostrophes, no-break spaces).
        let source = if e.source_text.is_empty() { &e.source } else { &e.source_text };
        for (lang, seg) in [(&e.source_lang, source), (&e.target_lang, &e.target)] {
            let _ = writeln!(
                out,
                "  <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
                escape_attr(lang),
                escape(seg)
            );
        }
        out.push_str("</tu>\n");
    }
    out.push_str("</body>\n</tmx>\n");
    out
}

/// `creationid`: who made the translation, as CAT tools show it.
fn who(origin: &EntryOrigin) -> String {
    match origin {
        EntryOrigin::Human => "human".into(),
        EntryOrigin::Mt { provider } => format!("MT!{provider}"),
    }
}

/// XML-escapes text, dropping the characters XML 1.0 cannot carry at all.
fn escape(text: &str) -> Cow<'_, str> {
    escaped(text, xml::escape_text)
}

/// The same for an attribute value.
fn escape_attr(text: &str) -> Cow<'_, str> {
    escaped(text, xml::escape_attr)
}

fn escaped<'a>(text: &'a str, escape: fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    match xml::xml_chars(text) {
        Cow::Borrowed(kept) => escape(kept),
        Cow::Owned(kept) => Cow::Owned(escape(&kept).into_owned()),
    }
}

/// `2025-10-31T15:57:00Z` → `20251031T155700Z`; `None` for other shapes.
fn tmx_date(rfc3339: &str) -> Option<String> {
    let compact: String = rfc3339.chars().filter(|c| !matches!(c, '-' | ':')).collect();
    let ok = compact.len() == 16
        && compact.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    ok.then_some(compact)
}

/// `20251031T155700Z` → `2025-10-31T15:57:00Z`; `None` for other shapes.
fn rfc3339_date(tmx: &str) -> Option<String> {
    let b = tmx.trim().as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|d| std::str::from_utf8(d).ok())
    };
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        digits(0..4)?,
        digits(4..6)?,
        digits(6..8)?,
        digits(9..11)?,
        digits(11..13)?,
        digits(13..15)?
    ))
}

/// The file as text: a byte order mark wins, then the declared encoding,
/// then UTF-8 (see [`crate::xml::decode`]).
fn decode(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    let fail = |line: usize, message: String| Error::Tmx {
        path: path.into(),
        line: u64::try_from(line).unwrap_or(u64::MAX),
        message,
    };
    match xml::decode(bytes, encoding_rs::UTF_8) {
        Ok(decoded) => Ok(decoded.text),
        Err(xml::Error::Undecodable { encoding, line, .. }) => {
            // encoding_rs's spelling (`UTF-8`, `windows-1252`).
            let name = encoding_rs::Encoding::for_label(encoding.as_bytes())
                .map_or(encoding.as_str(), |e| e.name());
            Err(fail(
                line,
                format!("not valid {name} text (save the file as UTF-8, or declare its encoding)"),
            ))
        }
        Err(e) => Err(fail(e.line().max(1), format!("{e} (save the file as UTF-8)"))),
    }
}

/// 1-based line of byte `pos` in `bytes`.
fn line_of(bytes: &[u8], pos: usize) -> u64 {
    u64::try_from(crate::lines::line_of(bytes, pos)).unwrap_or(u64::MAX)
}

/// What [`parse`] found.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) units: usize,
    pub(crate) skipped: usize,
    pub(crate) entries: Vec<NewEntry>,
}

/// One `<tuv>` being read.
#[derive(Debug, Default)]
struct Variant {
    lang: String,
    seg: Option<String>,
    created: Option<String>,
    updated: Option<String>,
}

/// One `<tu>` being read.
#[derive(Debug, Default)]
struct Unit {
    pos: usize,
    srclang: Option<String>,
    origin: Option<EntryOrigin>,
    glossary: Option<String>,
    created: Option<String>,
    updated: Option<String>,
    variants: Vec<Variant>,
}

/// Inline elements whose content is native markup, not text.
const CODE_ELEMENTS: &[&str] = &["bpt", "ept", "it", "ph", "ut"];

/// Reads TMX text; `path` only names the file in errors.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Parsed, Error> {
    let mut p = Parser { path, text, out: Parsed::default() };
    p.run()?;
    Ok(p.out)
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    out: Parsed,
}

impl Parser<'_> {
    fn fail(&self, pos: usize, message: impl Into<String>) -> Error {
        Error::Tmx {
            path: self.path.into(),
            line: line_of(self.text.as_bytes(), pos),
            message: message.into(),
        }
    }

    fn xml(&self, pos: usize, source: quick_xml::Error) -> Error {
        Error::Xml {
            path: self.path.into(),
            line: line_of(self.text.as_bytes(), pos),
            source: super::XmlError(source),
        }
    }

    /// Refuses a character XML 1.0 forbids (NUL and most other control
    /// characters, U+FFFE, U+FFFF) in `raw`, read at byte `pos`: such a
    /// file is not XML, whatever its tool wrote, and the character would
    /// end up in every XLIFF and TMX made from the memory (See: #15).
    fn xml_chars(&self, raw: &str, pos: usize) -> Result<(), Error> {
        let Some((at, c)) = raw.char_indices().find(|&(_, c)| !xml::xml_char(c)) else {
            return Ok(());
        };
        Err(self.fail(
            pos.saturating_add(at),
            format!(
                "character U+{:04X} is not allowed in XML 1.0 (remove it from the file; \
                 nothing was imported)",
                u32::from(c)
            ),
        ))
    }

    fn attr(&self, el: &BytesStart<'_>, name: &str, pos: usize) -> Result<Option<String>, Error> {
        let found = el
            .try_get_attribute(name)
            .map_err(|e| self.xml(pos, quick_xml::Error::InvalidAttr(e)))?;
        found
            .map(|a| xml::attribute_value(&a, xml::no_extra).map_err(|e| self.xml(pos, e)))
            .transpose()
    }

    fn lang_attr(&self, el: &BytesStart<'_>, what: &str, pos: usize) -> Result<String, Error> {
        // TMX 1.1 and 1.2 spelled it `lang`.
        let raw = match self.attr(el, "xml:lang", pos)? {
            Some(v) => v,
            None => self
                .attr(el, "lang", pos)?
                .ok_or_else(|| self.fail(pos, format!("<{what}> has no xml:lang")))?,
        };
        canonical_lang(&raw).ok_or_else(|| {
            self.fail(pos, format!("<{what}> xml:lang {raw:?} is not a language tag (e.g. fr-FR)"))
        })
    }

    fn run(&mut self) -> Result<(), Error> {
        let mut reader = Reader::from_str(self.text);
        reader.config_mut().expand_empty_elements = true;
        // Open elements with their start positions.
        let mut stack: Vec<(String, usize)> = Vec::new();
        let mut header_srclang: Option<String> = None;
        let mut all_langs = false;
        let mut saw_header = false;
        let mut saw_body = false;
        let mut unit: Option<Unit> = None;
        let mut variant: Option<Variant> = None;
        // Text of the `<seg>` or `<prop>` being read, and how many code
        // elements deep inside it the reader is.
        let mut text: Option<String> = None;
        let mut code_depth = 0usize;
        let mut prop_type: Option<String> = None;
        loop {
            let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                    return Err(self.xml(at, e));
                }
            };
            match event {
                Event::Start(el) => {
                    let name = el.name().as_ref().to_string();
                    let parent = stack.last().map(|(n, _)| n.as_str());
                    match (parent, name.as_str()) {
                        (None, "tmx") => {}
                        (None, other) => {
                            return Err(self.fail(
                                pos,
                                format!(
                                    "the root element is <{other}>, not <tmx> (not a TMX file)"
                                ),
                            ));
                        }
                        (Some("tmx"), "header") => {
                            saw_header = true;
                            let src = self.attr(&el, "srclang", pos)?.ok_or_else(|| {
                                self.fail(pos, "<header> has no srclang (TMX 1.4b requires it)")
                            })?;
                            if src.trim() == "*all*" {
                                all_langs = true;
                            } else {
                                header_srclang = Some(canonical_lang(&src).ok_or_else(|| {
                                    self.fail(
                                        pos,
                                        format!("<header> srclang {src:?} is not a language tag"),
                                    )
                                })?);
                            }
                        }
                        (Some("tmx"), "body") => {
                            if !saw_header {
                                return Err(self.fail(
                                    pos,
                                    "<body> before any <header> (TMX 1.4b requires a header first)",
                                ));
                            }
                            saw_body = true;
                        }
                        (Some("body"), "tu") => {
                            let srclang = match self.attr(&el, "srclang", pos)? {
                                Some(s) if s.trim() != "*all*" => {
                                    Some(canonical_lang(&s).ok_or_else(|| {
                                        self.fail(
                                            pos,
                                            format!("<tu> srclang {s:?} is not a language tag"),
                                        )
                                    })?)
                                }
                                _ => None,
                            };
                            unit = Some(Unit {
                                pos,
                                srclang,
                                created: self
                                    .attr(&el, "creationdate", pos)?
                                    .as_deref()
                                    .and_then(rfc3339_date),
                                updated: self
                                    .attr(&el, "changedate", pos)?
                                    .as_deref()
                                    .and_then(rfc3339_date),
                                ..Unit::default()
                            });
                        }
                        (Some("tu"), "prop") => {
                            prop_type = self.attr(&el, "type", pos)?;
                            text = Some(String::new());
                        }
                        (Some("tu"), "tuv") => {
                            variant = Some(Variant {
                                lang: self.lang_attr(&el, "tuv", pos)?,
                                created: self
                                    .attr(&el, "creationdate", pos)?
                                    .as_deref()
                                    .and_then(rfc3339_date),
                                updated: self
                                    .attr(&el, "changedate", pos)?
                                    .as_deref()
                                    .and_then(rfc3339_date),
                                seg: None,
                            });
                        }
                        (Some("tuv"), "seg") => text = Some(String::new()),
                        (Some(_), el_name)
                            if text.is_some() && CODE_ELEMENTS.contains(&el_name) =>
                        {
                            code_depth += 1;
                        }
                        (Some("tmx"), other) => {
                            return Err(self.fail(
                                pos,
                                format!(
                                    "unexpected <{other}> in <tmx> (expected <header> and <body>)"
                                ),
                            ));
                        }
                        (Some("body"), other) => {
                            return Err(self.fail(
                                pos,
                                format!("unexpected <{other}> in <body> (expected <tu>)"),
                            ));
                        }
                        // Notes, user-defined entities, `<hi>` and the like.
                        _ => {}
                    }
                    stack.push((name, pos));
                }
                Event::End(_) => {
                    let Some((name, start)) = stack.pop() else { continue };
                    match name.as_str() {
                        "tu" => {
                            if let Some(u) = unit.take() {
                                self.finish_unit(u, header_srclang.as_deref(), all_langs)?;
                            }
                        }
                        "tuv" => {
                            if let (Some(v), Some(u)) = (variant.take(), unit.as_mut()) {
                                if v.seg.is_none() {
                                    return Err(self.fail(
                                        start,
                                        format!("<tuv xml:lang=\"{}\"> has no <seg>", v.lang),
                                    ));
                                }
                                u.variants.push(v);
                            }
                        }
                        "seg" => {
                            if let Some(v) = variant.as_mut() {
                                v.seg = text.take();
                            }
                        }
                        "prop" if stack.last().is_some_and(|(n, _)| n == "tu") => {
                            let value = text.take().unwrap_or_default();
                            if let Some(u) = unit.as_mut() {
                                self.read_prop(
                                    u,
                                    prop_type.take().as_deref(),
                                    value.trim(),
                                    start,
                                )?;
                            }
                        }
                        n if text.is_some() && CODE_ELEMENTS.contains(&n) => {
                            code_depth = code_depth.saturating_sub(1);
                        }
                        "tmx" if !saw_body => {
                            return Err(self.fail(start, "<tmx> has no <body>"));
                        }
                        _ => {}
                    }
                }
                Event::Text(t) => {
                    self.xml_chars(&t, pos)?;
                    if let Some(buf) = text.as_mut().filter(|_| code_depth == 0) {
                        buf.push_str(&t.xml10_content());
                    } else if stack.is_empty() && !t.trim().is_empty() {
                        return Err(
                            self.fail(pos, "text outside the <tmx> element (not a TMX file)")
                        );
                    }
                }
                Event::CData(c) => {
                    // After `<![CDATA[`.
                    self.xml_chars(&c, pos + 9)?;
                    if let Some(buf) = text.as_mut().filter(|_| code_depth == 0) {
                        buf.push_str(&c);
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = xml::entity(&r, xml::no_extra)
                        .map_err(|e| self.xml(pos, e.0))?
                        .map(|found| found.to_string());
                    let Some(resolved) = resolved else {
                        return Err(self.fail(
                            pos,
                            format!(
                                "undefined entity &{}; (TMX allows only the five XML entities)",
                                &*r
                            ),
                        ));
                    };
                    self.xml_chars(&resolved, pos)?;
                    if let Some(buf) = text.as_mut().filter(|_| code_depth == 0) {
                        buf.push_str(&resolved);
                    }
                }
                Event::Eof => break,
                // Never produced: empty elements are expanded to start + end.
                Event::Empty(_) => {}
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if let Some((name, start)) = stack.last() {
            return Err(
                self.fail(*start, format!("<{name}> is never closed (the file is cut short?)"))
            );
        }
        if !saw_body {
            return Err(self.fail(self.text.len(), "no <tmx> element (not a TMX file)"));
        }
        Ok(())
    }

    fn read_prop(
        &self,
        unit: &mut Unit,
        kind: Option<&str>,
        value: &str,
        pos: usize,
    ) -> Result<(), Error> {
        match kind {
            Some(ORIGIN_PROP) => {
                unit.origin = Some(EntryOrigin::from_key(value).ok_or_else(|| {
                    self.fail(
                        pos,
                        format!("{ORIGIN_PROP} {value:?} is neither human nor mt:<provider>"),
                    )
                })?);
            }
            Some(GLOSSARY_PROP) if !value.is_empty() => unit.glossary = Some(value.into()),
            _ => {}
        }
        Ok(())
    }

    fn finish_unit(
        &mut self,
        unit: Unit,
        header_srclang: Option<&str>,
        all_langs: bool,
    ) -> Result<(), Error> {
        self.out.units += 1;
        let srclang = unit.srclang.as_deref().or(header_srclang);
        let sources: Vec<&Variant> = match srclang {
            Some(lang) => {
                let found: Vec<&Variant> =
                    unit.variants.iter().filter(|v| v.lang == lang).collect();
                if found.is_empty() {
                    return Err(self.fail(
                        unit.pos,
                        format!("<tu> has no <tuv> for {lang}, its source language"),
                    ));
                }
                found
            }
            // `*all*`: any variant may serve as the source of the others.
            None if all_langs => unit.variants.iter().collect(),
            None => return Err(self.fail(unit.pos, "<tu> has no source language")),
        };
        let before = self.out.entries.len();
        for src in sources {
            let Some(source) = src.seg.as_deref().filter(|s| !s.trim().is_empty()) else {
                continue;
            };
            for tgt in unit.variants.iter().filter(|v| v.lang != src.lang) {
                let Some(target) = tgt.seg.as_deref().filter(|s| !s.trim().is_empty()) else {
                    continue;
                };
                let created = tgt.created.clone().or_else(|| unit.created.clone());
                let updated = tgt.updated.clone().or_else(|| unit.updated.clone());
                self.out.entries.push(NewEntry {
                    source: source.into(),
                    target: target.into(),
                    source_lang: src.lang.clone(),
                    target_lang: tgt.lang.clone(),
                    origin: unit.origin.clone().unwrap_or(EntryOrigin::Human),
                    glossary_version: unit.glossary.clone(),
                    updated: updated.or_else(|| created.clone()),
                    created,
                });
            }
        }
        if self.out.entries.len() == before {
            self.out.skipped += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Parsed, Error> {
        parse(Path::new("memory.tmx"), text)
    }

    fn err(text: &str) -> String {
        parse_str(text).unwrap_err().to_string()
    }

    const HEAD: &str = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<header srclang=\"fr-FR\" \
        creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" \
        adminlang=\"en\" datatype=\"plaintext\"/>\n<body>\n";

    fn doc(units: &str) -> String {
        format!("{HEAD}{units}</body>\n</tmx>\n")
    }

    #[test]
    fn reads_units_props_and_dates() {
        let p = parse_str(&doc("<tu creationdate=\"20250102T030405Z\">\n\
             <prop type=\"x-depeche-origin\">mt:deepl</prop>\
             <prop type=\"x-depeche-glossary\">g3</prop>\
             <tuv xml:lang=\"fr-fr\"><seg>Un &amp; deux</seg></tuv>\
             <tuv xml:lang=\"en-GB\"><seg>One &amp; two</seg></tuv>\
             <tuv xml:lang=\"de-DE\"><seg>Eins</seg></tuv></tu>\n"))
        .unwrap();
        assert_eq!(p.units, 1);
        assert_eq!(p.entries.len(), 2);
        let e = &p.entries[0];
        assert_eq!((e.source.as_str(), e.target.as_str()), ("Un & deux", "One & two"));
        assert_eq!((e.source_lang.as_str(), e.target_lang.as_str()), ("fr-FR", "en-GB"));
        assert_eq!(e.origin, EntryOrigin::Mt { provider: "deepl".into() });
        assert_eq!(e.glossary_version.as_deref(), Some("g3"));
        assert_eq!(e.created.as_deref(), Some("2025-01-02T03:04:05Z"));
        assert_eq!(e.updated.as_deref(), Some("2025-01-02T03:04:05Z"));
        assert_eq!(p.entries[1].target_lang, "de-DE");
    }

    #[test]
    fn units_from_other_tools_are_human_and_inline_codes_are_flattened() {
        let p = parse_str(&doc(
            "<tu><tuv xml:lang=\"fr-FR\"><seg>Le <bpt i=\"1\">&lt;b&gt;</bpt>ministre<ept i=\"1\">&lt;/b&gt;</ept> \
             a <hi type=\"x\">dit</hi><ph>&lt;br/&gt;</ph>.<it pos=\"begin\">&lt;i&gt;</it></seg></tuv>\
             <tuv lang=\"EN-GB\"><seg><![CDATA[The minister]]> said&#x2e;</seg></tuv></tu>",
        ))
        .unwrap();
        let e = &p.entries[0];
        assert_eq!(e.source, "Le ministre a dit.");
        assert_eq!(e.target, "The minister said.");
        assert_eq!(e.origin, EntryOrigin::Human);
    }

    #[test]
    fn srclang_all_pairs_every_variant() {
        let text = doc("<tu><tuv xml:lang=\"fr\"><seg>Oui</seg></tuv><tuv xml:lang=\"en\"><seg>Yes</seg></tuv></tu>")
            .replace("srclang=\"fr-FR\"", "srclang=\"*all*\"");
        let p = parse_str(&text).unwrap();
        let pairs: Vec<(&str, &str)> =
            p.entries.iter().map(|e| (e.source_lang.as_str(), e.target_lang.as_str())).collect();
        assert_eq!(pairs, vec![("fr", "en"), ("en", "fr")]);
    }

    #[test]
    fn units_without_translation_are_skipped() {
        let p = parse_str(&doc(
            "<tu><tuv xml:lang=\"fr-FR\"><seg>Seul</seg></tuv></tu>\
             <tu><tuv xml:lang=\"fr-FR\"><seg>Vide</seg></tuv><tuv xml:lang=\"en-GB\"><seg> </seg></tuv></tu>",
        ))
        .unwrap();
        assert_eq!((p.units, p.skipped, p.entries.len()), (2, 2, 0));
    }

    #[test]
    fn malformed_input_names_file_and_line() {
        assert_eq!(
            err(&doc("<tu>\n<tuv xml:lang=\"en-GB\"><seg>Hi</seg></tuv></tu>\n")),
            "memory.tmx:5: <tu> has no <tuv> for fr-FR, its source language"
        );
        assert_eq!(
            err(&doc("<tu>\n<tuv><seg>Hi</seg></tuv></tu>\n")),
            "memory.tmx:6: <tuv> has no xml:lang"
        );
        assert_eq!(
            err(&doc("<tu>\n\n<tuv xml:lang=\"en-GB\"></tuv></tu>\n")),
            "memory.tmx:7: <tuv xml:lang=\"en-GB\"> has no <seg>"
        );
        assert_eq!(
            err("<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"/>"),
            "memory.tmx:2: the root element is <xliff>, not <tmx> (not a TMX file)"
        );
        assert_eq!(
            err("<tmx version=\"1.4\">\n<header/>\n<body/></tmx>"),
            "memory.tmx:2: <header> has no srclang (TMX 1.4b requires it)"
        );
        assert_eq!(
            err(&format!("{HEAD}<tu>\n<tuv xml:lang=\"fr-FR\"><seg>Un</seg></tuv>\n")),
            "memory.tmx:5: <tu> is never closed (the file is cut short?)"
        );
        assert_eq!(
            err(&doc("<tu><prop type=\"x-depeche-origin\">robot</prop></tu>")),
            "memory.tmx:5: x-depeche-origin \"robot\" is neither human nor mt:<provider>"
        );
        assert_eq!(
            err(&doc("\n<tu><tuv xml:lang=\"fr-FR\"><seg>a&nbsp;b</seg></tuv></tu>")),
            "memory.tmx:6: undefined entity &nbsp; (TMX allows only the five XML entities)"
        );
        assert_eq!(err(""), "memory.tmx:1: no <tmx> element (not a TMX file)");
    }

    #[test]
    fn characters_xml_forbids_are_refused_with_their_line() {
        // See: #15
        assert_eq!(
            err(&doc("<tu>\n<tuv xml:lang=\"fr-FR\"><seg>Un\n deux\u{0}</seg></tuv></tu>")),
            "memory.tmx:7: character U+0000 is not allowed in XML 1.0 (remove it from the \
             file; nothing was imported)"
        );
        assert!(
            err(&doc("<tu><tuv xml:lang=\"fr-FR\"><seg>a &#xFFFE;</seg></tuv></tu>"))
                .starts_with("memory.tmx:5: character U+FFFE is not allowed")
        );
        assert!(
            err(&doc("<tu><tuv xml:lang=\"fr-FR\"><seg><![CDATA[\u{1}]]></seg></tuv></tu>"))
                .starts_with("memory.tmx:5: character U+0001 is not allowed")
        );
        assert!(
            err(&doc("<tu><prop type=\"x\">\u{FFFF}</prop></tu>"))
                .starts_with("memory.tmx:5: character U+FFFF is not allowed")
        );
        // Tabs, line ends and every other character pass.
        assert!(
            parse_str(&doc(
                "<tu><tuv xml:lang=\"fr-FR\"><seg>a\tb\r\n\u{FFFD}\u{10000}</seg></tuv></tu>"
            ))
            .is_ok()
        );
    }

    #[test]
    fn not_well_formed_xml_is_an_xml_error_with_its_line() {
        let e = parse_str(&doc("<tu>\n<tuv xml:lang=\"fr-FR\"><seg>Un</tuv></tu>")).unwrap_err();
        assert!(matches!(e, Error::Xml { line: 6, .. }), "{e:?}");
        assert_eq!(e.to_string(), "memory.tmx:6: not well-formed XML");
    }

    #[test]
    fn decodes_utf16_with_bom_and_declared_latin1() {
        let text = doc(
            "<tu><tuv xml:lang=\"fr-FR\"><seg>Armée</seg></tuv><tuv xml:lang=\"en-GB\"><seg>Army</seg></tuv></tu>",
        );
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = decode(Path::new("x.tmx"), &utf16).unwrap();
        assert_eq!(parse_str(&decoded).unwrap().entries[0].source, "Armée");

        let latin = text
            .replace("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>");
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&latin);
        let decoded = decode(Path::new("x.tmx"), &bytes).unwrap();
        assert_eq!(parse_str(&decoded).unwrap().entries[0].source, "Armée");

        let bad = decode(Path::new("x.tmx"), b"<tmx>\n\xff</tmx>").unwrap_err();
        assert_eq!(
            bad.to_string(),
            "x.tmx:2: not valid UTF-8 text (save the file as UTF-8, or declare its encoding)"
        );
    }

    #[test]
    fn render_then_parse_is_lossless() {
        let entry = |source: &str, target: &str, origin: EntryOrigin| Entry {
            source: source.into(),
            source_text: source.into(),
            target: target.into(),
            source_lang: "fr-FR".into(),
            target_lang: "en-GB".into(),
            origin,
            glossary_version: Some("v<2>".into()),
            created: "2025-01-02T03:04:05Z".into(),
            updated: "2025-02-03T04:05:06Z".into(),
        };
        let entries = vec![
            entry("L'« OTAN » & <moi>", "NATO \"&\" 'me'\u{1}", EntryOrigin::Human),
            entry("Deux\n.", "Two.", EntryOrigin::Mt { provider: "deepl".into() }),
        ];
        let xml = render(&entries);
        let back = parse_str(&xml).unwrap();
        assert_eq!(back.entries.len(), 2);
        assert_eq!(back.entries[0].source, "L'« OTAN » & <moi>");
        assert_eq!(back.entries[0].target, "NATO \"&\" 'me'", "control characters are dropped");
        assert_eq!(back.entries[1].source, "Deux\n.");
        assert_eq!(back.entries[1].origin, EntryOrigin::Mt { provider: "deepl".into() });
        assert_eq!(back.entries[1].glossary_version.as_deref(), Some("v<2>"));
        assert_eq!(back.entries[1].created.as_deref(), Some("2025-01-02T03:04:05Z"));
        assert_eq!(back.entries[1].updated.as_deref(), Some("2025-02-03T04:05:06Z"));
        assert!(xml.contains("<header creationtool=\"depeche\""));
        assert!(xml.contains("creationid=\"MT!deepl\""));
    }

    #[test]
    fn dates_convert_both_ways() {
        assert_eq!(tmx_date("2025-10-31T15:57:00Z").as_deref(), Some("20251031T155700Z"));
        assert_eq!(tmx_date("2025-10-31T15:57:00+01:00"), None);
        assert_eq!(rfc3339_date("20251031T155700Z").as_deref(), Some("2025-10-31T15:57:00Z"));
        assert_eq!(rfc3339_date("2025-10-31"), None);
    }
}
