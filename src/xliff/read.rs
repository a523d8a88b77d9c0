//! XLIFF reader: 1.2 and 2.x documents in, a flat [`Document`] out.
//!
//! Built for what CAT tools save, not only for what depeche writes: extra
//! namespaces and foreign elements are skipped, `<seg-source>` and
//! `<mrk mtype="seg">` segmentation is kept as [`SubSegment`]s, inline codes
//! (`<g>`, `<x/>`, `<ph>`, `<bpt>`/`<ept>`, 2.x `<pc>`, `<ph/>`, ...) are
//! flattened to their text, CRLF line ends are normalised as XML requires.

use std::path::Path;

use super::Error;
use crate::xml::{self, Element, Namespace, Node};

const NS12: &str = "urn:oasis:names:tc:xliff:document:1.2";
const NS2: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// A parsed XLIFF document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Document {
    /// The `version` attribute: `1.2`, `2.0`, `2.1`.
    pub version: String,
    /// The `<file>`s, in document order.
    pub files: Vec<File>,
}

/// One `<file>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct File {
    /// `original` (1.2, required) or `original` (2.x, optional; else the file id).
    pub original: String,
    /// Source language tag.
    pub source_lang: String,
    /// Target language tag, when the file has one.
    pub target_lang: Option<String>,
    /// Phases declared in the 1.2 header (who produced which targets).
    pub phases: Vec<Phase>,
    /// File-level notes (1.2 header notes, 2.x file `<notes>`).
    pub notes: Vec<Note>,
    /// The translatable units, in document order.
    pub units: Vec<Unit>,
}

/// A 1.2 `<phase>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Phase {
    /// `phase-name`, referenced by targets.
    pub name: String,
    /// `process-name`.
    pub process: String,
    /// `tool-id`: for depeche's `mt-*` phases, the MT provider.
    pub tool_id: Option<String>,
}

/// A note on a file or a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Note {
    /// 1.2 `from`, 2.x `category` (depeche writes `glossary`, `qa`, `depeche`).
    pub from: Option<String>,
    /// 1.2 `annotates`, 2.x `appliesTo`: `source`, `target`, `general`.
    pub annotates: Option<String>,
    /// 1 (highest) to 10.
    pub priority: Option<u8>,
    /// The note text.
    pub text: String,
}

/// One translatable unit: a 1.2 `<trans-unit>` or a 2.x `<unit>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unit {
    /// The unit id.
    pub id: String,
    /// Id of the innermost enclosing `<group>`: the paragraph, in 1.2 files
    /// depeche writes.
    pub group: Option<String>,
    /// 1.2 `restype` of that group (`x-title`, `heading`, ...), 2.x `type`
    /// of the unit or group.
    pub kind: Option<String>,
    /// Source text, inline codes flattened.
    pub source: String,
    /// Target text; `None` when there is no `<target>` or it is empty.
    pub target: Option<String>,
    /// 1.2 target `state`; 2.x: the state of the least advanced segment.
    pub state: Option<String>,
    /// 1.2 target `state-qualifier`; 2.x: `subState` of that segment.
    pub state_qualifier: Option<String>,
    /// 1.2 `phase-name` of the target (or of the unit).
    pub phase: Option<String>,
    /// 1.2 `approved="yes"`: a reviewer confirmed the target (translate-toolkit,
    /// Okapi and Pootle mark review this way). Always false in 2.x.
    pub approved: bool,
    /// The unit's notes.
    pub notes: Vec<Note>,
    /// Sentence segments inside the unit: 1.2 `<seg-source>` marks, 2.x
    /// `<segment>`s. Empty for a 1.2 unit without `<seg-source>`.
    pub segments: Vec<SubSegment>,
}

/// A segment inside a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubSegment {
    /// 1.2 `mid`, 2.x segment `id` (may be empty in 2.x).
    pub id: String,
    /// Source text.
    pub source: String,
    /// Target text; `None` when absent or empty.
    pub target: Option<String>,
    /// 2.x `state` (1.2 marks have none).
    pub state: Option<String>,
    /// 2.x `subState` (1.2 marks have none).
    pub sub_state: Option<String>,
}

/// Parses an XLIFF 1.2, 2.0 or 2.1 document from a string.
pub fn read(xml: &str) -> Result<Document, Error> {
    parse(xml, "<input>")
}

/// Reads and parses the XLIFF file at `path` (UTF-8 or UTF-16, with or
/// without BOM, or the encoding its declaration names).
pub fn read_file(path: &Path) -> Result<Document, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
    let decoded = xml::decode(&bytes, encoding_rs::UTF_8).map_err(|e| Error::Io {
        path: path.into(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    parse(&decoded.text, &path.display().to_string())
}

fn parse(xml: &str, path: &str) -> Result<Document, Error> {
    let root = dom(xml, path)?;
    let not = |reason: String| Error::NotXliff { path: path.to_string(), reason };
    if root.name != "xliff" {
        return Err(not(format!("root element is <{}>, not <xliff>", root.name)));
    }
    let version = root.attr("version").unwrap_or_default().to_string();
    let v12 = root.ns == Namespace::None || root.in_ns(NS12);
    match (version.as_str(), v12, root.in_ns(NS2)) {
        ("1.2", true, _) => Ok(Document { files: read12(&root), version }),
        ("2.0" | "2.1", _, true) => Ok(Document { files: read2(&root), version }),
        _ => Err(not(format!(
            "unsupported XLIFF version {version:?} (this reader takes 1.2, 2.0 and 2.1)"
        ))),
    }
}

// ---- the tree: `crate::xml`'s, read with XLIFF's eyes

/// XLIFF's view of an element: the XLIFF namespaces (or none: some tools
/// write 1.2 without one) are XLIFF, anything else is foreign and skipped.
trait Xliff {
    fn attr_owned(&self, key: &str) -> Option<String>;
    fn is_xliff(&self) -> bool;
    /// Child elements in the XLIFF namespace named `name`.
    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a;
    fn kid<'a>(&'a self, name: &'a str) -> Option<&'a Element> {
        self.kids(name).next()
    }
    fn elems(&self) -> impl Iterator<Item = &Element>;
}

impl Xliff for Element {
    fn attr_owned(&self, key: &str) -> Option<String> {
        self.attr(key).map(str::to_string)
    }

    fn is_xliff(&self) -> bool {
        self.ns == Namespace::None || self.in_ns(NS12) || self.in_ns(NS2)
    }

    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is_xliff() && e.name == name)
    }

    fn elems(&self) -> impl Iterator<Item = &Element> {
        self.elements()
    }
}

/// The document's root element. Attributes keep their names as written:
/// unprefixed ones by local name, `xml:lang` and foreign ones by their
/// qualified name, so they never shadow XLIFF attributes.
fn dom(xml: &str, path: &str) -> Result<Element, Error> {
    let not = |reason: String| Error::NotXliff { path: path.to_string(), reason };
    let syntax = |line: usize, source: quick_xml::Error| Error::Xml {
        path: path.to_string(),
        line,
        source: crate::XmlError(source),
    };
    xml::parse(xml, &xml::Options::default()).map_err(|e| match e {
        xml::Error::Syntax { line, source } => syntax(line, source.0),
        xml::Error::Unclosed { line, name } => {
            syntax(line, quick_xml::errors::IllFormedError::MissingEndTag(name).into())
        }
        xml::Error::UndefinedEntity { line, name } => not(format!(
            "line {line}: unknown entity &{name}; (XLIFF uses only the five XML entities)"
        )),
        xml::Error::NoRoot => not("empty document".into()),
        other => not(other.to_string()),
    })
}

// ---- text flattening

/// The text of an element, inline codes flattened: `<g>`, `<mrk>`, `<pc>`
/// keep their content; `<x/>`, `<bx/>`, `<ex/>` and 2.x placeholders vanish;
/// `<ph>`, `<bpt>`, `<ept>`, `<it>` hold native code, of which only a
/// `<sub>` (translatable text inside code) is kept.
fn flatten(el: &Element) -> String {
    let mut out = String::new();
    flatten_into(el, &mut out, false);
    out
}

fn flatten_into(el: &Element, out: &mut String, in_code: bool) {
    for node in &el.children {
        match node {
            Node::Text(t) if !in_code => out.push_str(t),
            Node::Text(_) => {}
            Node::Element(e) if !e.is_xliff() => {}
            Node::Element(e) => match e.name.as_str() {
                "g" | "mrk" | "pc" => flatten_into(e, out, in_code),
                "sub" => flatten_into(e, out, false),
                "ph" | "bpt" | "ept" | "it" => flatten_into(e, out, true),
                _ => {}
            },
        }
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

fn note(el: &Element, from: &str, annotates: &str) -> Note {
    Note {
        from: el.attr_owned(from),
        annotates: el.attr_owned(annotates),
        priority: el.attr("priority").and_then(|p| p.trim().parse().ok()),
        text: flatten(el),
    }
}

// ---- XLIFF 1.2

fn read12(root: &Element) -> Vec<File> {
    root.kids("file")
        .map(|f| {
            let mut file = File {
                original: f.attr_owned("original").unwrap_or_default(),
                source_lang: f.attr_owned("source-language").unwrap_or_default(),
                target_lang: f.attr_owned("target-language"),
                ..File::default()
            };
            if let Some(h) = f.kid("header") {
                for p in h.kids("phase-group").flat_map(|g| g.kids("phase")) {
                    file.phases.push(Phase {
                        name: p.attr_owned("phase-name").unwrap_or_default(),
                        process: p.attr_owned("process-name").unwrap_or_default(),
                        tool_id: p.attr_owned("tool-id"),
                    });
                }
                file.notes = h.kids("note").map(|n| note(n, "from", "annotates")).collect();
            }
            if let Some(body) = f.kid("body") {
                units12(body, None, &mut file.units);
            }
            file
        })
        .collect()
}

fn units12(parent: &Element, group: Option<&Element>, out: &mut Vec<Unit>) {
    for el in parent.elems().filter(|e| e.is_xliff()) {
        match el.name.as_str() {
            "group" => units12(el, Some(el), out),
            "trans-unit" => out.push(unit12(el, group)),
            _ => {}
        }
    }
}

fn unit12(tu: &Element, group: Option<&Element>) -> Unit {
    let target = tu.kid("target");
    let mut segments: Vec<SubSegment> = Vec::new();
    if let Some(seg_source) = tu.kid("seg-source") {
        let mut marks = Vec::new();
        seg_marks(seg_source, &mut marks);
        let mut target_marks = Vec::new();
        if let Some(t) = target {
            seg_marks(t, &mut target_marks);
        }
        segments = marks
            .into_iter()
            .map(|m| {
                let id = m.attr_owned("mid").unwrap_or_default();
                let target = target_marks
                    .iter()
                    .find(|t| t.attr("mid") == Some(id.as_str()))
                    .and_then(|t| non_empty(flatten(t)));
                SubSegment { source: flatten(m), id, target, state: None, sub_state: None }
            })
            .collect();
    }
    Unit {
        id: tu.attr_owned("id").unwrap_or_default(),
        group: group.and_then(|g| g.attr_owned("id")),
        kind: group.and_then(|g| g.attr_owned("restype")),
        source: tu.kid("source").map(flatten).unwrap_or_default(),
        target: target.map(flatten).and_then(non_empty),
        state: target.and_then(|t| t.attr_owned("state")),
        state_qualifier: target.and_then(|t| t.attr_owned("state-qualifier")),
        phase: target
            .and_then(|t| t.attr_owned("phase-name"))
            .or_else(|| tu.attr_owned("phase-name")),
        approved: tu.attr("approved") == Some("yes"),
        notes: tu.kids("note").map(|n| note(n, "from", "annotates")).collect(),
        segments,
    }
}

/// `<mrk mtype="seg">` elements under `el`, outermost only.
fn seg_marks<'a>(el: &'a Element, out: &mut Vec<&'a Element>) {
    for e in el.elems().filter(|e| e.is_xliff()) {
        if e.name == "mrk" && e.attr("mtype") == Some("seg") {
            out.push(e);
        } else {
            seg_marks(e, out);
        }
    }
}

// ---- XLIFF 2.x

fn read2(root: &Element) -> Vec<File> {
    let source_lang = root.attr_owned("srcLang").unwrap_or_default();
    let target_lang = root.attr_owned("trgLang");
    root.kids("file")
        .map(|f| {
            let mut file = File {
                original: f
                    .attr_owned("original")
                    .or_else(|| f.attr_owned("id"))
                    .unwrap_or_default(),
                source_lang: source_lang.clone(),
                target_lang: target_lang.clone(),
                notes: notes2(f),
                ..File::default()
            };
            units2(f, None, &mut file.units);
            file
        })
        .collect()
}

fn notes2(el: &Element) -> Vec<Note> {
    el.kids("notes")
        .flat_map(|n| n.kids("note"))
        .map(|n| note(n, "category", "appliesTo"))
        .collect()
}

fn units2(parent: &Element, group: Option<&Element>, out: &mut Vec<Unit>) {
    for el in parent.elems().filter(|e| e.is_xliff()) {
        match el.name.as_str() {
            "group" => units2(el, Some(el), out),
            "unit" => out.push(unit2(el, group)),
            _ => {}
        }
    }
}

/// Rank of a 2.x state, least advanced first.
fn rank2(state: &str) -> u8 {
    match state {
        "initial" => 0,
        "translated" => 1,
        "reviewed" => 2,
        "final" => 3,
        _ => 0,
    }
}

fn unit2(u: &Element, group: Option<&Element>) -> Unit {
    let mut source = String::new();
    let mut target = String::new();
    let mut segments = Vec::new();
    let mut least: Option<(&str, Option<&str>)> = None;
    for part in u.elems().filter(|e| e.is_xliff() && (e.name == "segment" || e.name == "ignorable"))
    {
        let src = part.kid("source").map(flatten).unwrap_or_default();
        let trg = part.kid("target").map(flatten);
        source.push_str(&src);
        // An ignorable without target stands for itself in the target.
        target.push_str(trg.as_deref().unwrap_or(if part.name == "ignorable" { &src } else { "" }));
        if part.name == "segment" {
            let state = part.attr("state").unwrap_or("initial");
            if least.is_none_or(|(s, _)| rank2(state) < rank2(s)) {
                least = Some((state, part.attr("subState")));
            }
            segments.push(SubSegment {
                id: part.attr_owned("id").unwrap_or_default(),
                source: src,
                target: trg.and_then(non_empty),
                state: Some(state.to_string()),
                sub_state: part.attr_owned("subState"),
            });
        }
    }
    let any_target = segments.iter().any(|s| s.target.is_some());
    Unit {
        id: u.attr_owned("id").unwrap_or_default(),
        group: group.and_then(|g| g.attr_owned("id")),
        kind: u.attr_owned("type").or_else(|| group.and_then(|g| g.attr_owned("type"))),
        source,
        target: if any_target { non_empty(target) } else { None },
        state: least.map(|(s, _)| s.to_string()),
        state_qualifier: least.and_then(|(_, q)| q.map(str::to_string)),
        phase: None,
        approved: false,
        notes: notes2(u),
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_inline_codes_and_normalises_crlf() {
        let xml = "<?xml version=\"1.0\"?>\r\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" \
            xmlns:okp=\"okapi-framework:xliff-extensions\">\r\n<file source-language=\"fr\" datatype=\"x\" original=\"o\">\
            <body><trans-unit id=\"1\" okp:x=\"y\"><source>A<g id=\"1\">b</g><x id=\"2\"/>c<ph id=\"3\">&lt;br/&gt;</ph>d\r\ne&#13;</source>\
            <target state=\"translated\"><bpt id=\"1\">&lt;b&gt;</bpt>X<ept id=\"1\">&lt;/b&gt;</ept> &amp; Y<okp:foo>z</okp:foo></target>\
            </trans-unit></body></file></xliff>";
        let doc = read(xml).unwrap();
        let u = &doc.files[0].units[0];
        assert_eq!(u.source, "Abcd\ne\r");
        assert_eq!(u.target.as_deref(), Some("X & Y"));
        assert_eq!(u.state.as_deref(), Some("translated"));
    }

    #[test]
    fn rejects_what_is_not_xliff() {
        assert!(matches!(read("<html/>"), Err(Error::NotXliff { .. })));
        let e = read("<xliff version=\"1.2\"><file>").unwrap_err();
        assert!(matches!(e, Error::Xml { .. } | Error::NotXliff { .. }), "{e:?}");
        let v = read("<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.2\"/>")
            .unwrap_err();
        assert!(v.to_string().contains("unsupported XLIFF version \"2.2\""), "{v}");
    }
}
