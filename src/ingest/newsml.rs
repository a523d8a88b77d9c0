//! IPTC NewsML 1.2, NewsML-G2 and bare NITF: the formats news agencies
//! deliver their wires in.
//!
//! - NewsML 1.2 (`<NewsML>` or a lone `<NewsItem>`): one article per story
//!   in each `NewsItem`. A story starts at a `NewsComponent` whose
//!   `NewsLines` give a `HeadLine`, and gathers the text of its own
//!   `ContentItem`s and of the nested components that have no headline of
//!   their own (so a video package's `Title` and `Body` components make one
//!   article, and its clips and pictures are passed over). A story with no
//!   text content at all is skipped; one whose text is empty is reported as
//!   [`Error::NoBody`] on its own.
//! - NewsML-G2 (`<newsItem>`, or `<newsMessage>` holding several): one
//!   article per `newsItem`, its body the `inlineXML` (XHTML or NITF) or
//!   `inlineData` (plain text) of the `contentSet`.
//! - NITF (`<nitf>`): one article.
//!
//! The file is decoded as its XML declaration says (`ISO-8859-15` and the
//! other encodings `encoding_rs` knows), unless a byte-order mark says
//! otherwise; without a declaration it is read like a plain-text file. A
//! `DOCTYPE` and the DTDs it names are never read: only the five XML
//! entities, character references and `&nbsp;` are resolved, and any other
//! entity is refused with its line.
//!
//! The dateline (`Paris, 21 jan 2019 (AFP) -`) goes to `meta["dateline"]`,
//! not into the first paragraph: it is a place and date stamp, not a
//! sentence to translate. Paragraphs that are only whitespace or `<br/>`
//! are dropped, and so are the boilerplate lines the plain-text reader drops
//! (the agency desk signature `asl/tib/pid/cac` among them). The language
//! is the one the item declares; since agencies tag whole packages at once,
//! a body that reads as English under a French tag is flagged in
//! `meta["body_lang_guess"]`, and the tag is kept.

use std::path::Path;

use super::{Draft, Each, Error, ReadOptions};
use crate::model::Role;
use crate::normalize::{self, boilerplate, date};
use crate::xml::{self, Element, Node};

/// Deeper nesting than this is refused: no news format comes near it, and
/// the tree is walked recursively.
const MAX_DEPTH: usize = 256;

/// Reads the news items of a NewsML or NITF document.
pub(crate) fn read(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let xml::Decoded { text, encoding, note, .. } = super::decode_xml(path, bytes, options, false)?;
    if text.trim().is_empty() {
        return Err(Error::Empty { path: path.into() });
    }
    let root = parse(path, &text)?;
    let (format, stories) = match root.name.as_str() {
        "NewsML" | "NewsItem" => ("newsml-1.2", newsml12(&root, options)),
        "newsItem" => ("newsml-g2", vec![g2_item(&root, options)]),
        "newsMessage" => {
            let mut items = Vec::new();
            root.descendants("newsItem", &mut items);
            ("newsml-g2", items.into_iter().map(|i| g2_item(i, options)).collect())
        }
        "nitf" => ("nitf", vec![nitf_document(&root, options)]),
        other => {
            return Err(Error::Unsupported {
                path: path.into(),
                reason: format!(
                    "the root element <{other}> is not NewsML 1.2, NewsML-G2 or NITF; \
                     depeche reads <NewsML>, <newsItem>, <newsMessage> and <nitf>"
                ),
            });
        }
    };
    if stories.is_empty() {
        return Err(Error::NoBody { path: path.into() });
    }
    let several = stories.len() > 1;
    let items = stories.into_iter().enumerate().map(|(i, mut draft)| {
        draft.origin = if several {
            let label = draft.meta.get("source_id").cloned().unwrap_or((i + 1).to_string());
            format!("{}#{label}", path.display())
        } else {
            path.display().to_string()
        };
        draft.meta.insert("format".into(), format.into());
        draft.meta.insert("encoding".into(), encoding.clone());
        if let Some(note) = &note {
            draft.meta.insert("encoding_note".into(), note.clone());
        }
        tidy(&mut draft);
        draft.finish(path)
    });
    for item in items {
        if each(item).is_break() {
            break;
        }
    }
    Ok(())
}

/// Reads a NewsML or NITF file larger than one article item by item: each
/// `NewsItem` of a NewsML 1.2 document, each `newsItem` of a NewsML-G2
/// message, is parsed and handed over on its own, so memory holds one item
/// at a time; an item over [`ReadOptions::max_bytes`] fails alone. A file
/// that is one item (a lone `NewsItem`, `newsItem` or `nitf`) is that item,
/// and fails whole past the limit. See: #15
pub(crate) fn read_stream<R: std::io::BufRead>(
    path: &Path,
    mut input: R,
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let head = input.fill_buf().map_err(|source| Error::Io { path: path.into(), source })?;
    let (encoding, bom) = xml::stream_encoding(head).map_err(|label| Error::Unsupported {
        path: path.into(),
        reason: format!(
            "the XML declaration names the encoding {label:?}, which depeche does not \
             know; re-save the file as UTF-8"
        ),
    })?;
    input.consume(bom);
    let mut name = encoding.name().to_ascii_lowercase();
    if bom > 0 {
        name.push_str(" (bom)");
    }
    let decoded = std::io::BufReader::new(xml::Decoding::new(input, encoding, options.lossy));
    let xml_options =
        xml::Options { max_depth: MAX_DEPTH, ..xml::Options::default() }.with_extra(xml::nbsp);
    let split = |open: &[Element], el: &Element| match open.first().map(|r| r.name.as_str()) {
        None => matches!(el.name.as_str(), "NewsItem" | "newsItem" | "nitf"),
        Some("NewsML") => open.len() == 1 && el.name == "NewsItem",
        Some("newsMessage") => el.name == "newsItem",
        Some(_) => false,
    };
    let mut number = 0;
    let mut any = false;
    let mut on_part = |root: &Element, part: xml::Part| {
        number += 1;
        let item = match part {
            xml::Part::Element(item) => item,
            xml::Part::TooLarge { line, size } => {
                any = true;
                return each(Err(Error::ItemTooLarge {
                    path: path.into(),
                    line,
                    item: number,
                    size,
                    limit: options.max_bytes,
                }));
            }
        };
        let (format, drafts) = match (root.name.as_str(), item.name.as_str()) {
            ("NewsML", _) => {
                let mut shell = root.clone();
                shell.children.push(Node::Element(item));
                ("newsml-1.2", newsml12(&shell, options))
            }
            (_, "NewsItem") => ("newsml-1.2", newsml12(&item, options)),
            (_, "nitf") => ("nitf", vec![nitf_document(&item, options)]),
            _ => ("newsml-g2", vec![g2_item(&item, options)]),
        };
        for mut draft in drafts {
            any = true;
            let label = draft.meta.get("source_id").cloned().unwrap_or(number.to_string());
            draft.origin = format!("{}#{label}", path.display());
            draft.meta.insert("format".into(), format.into());
            draft.meta.insert("encoding".into(), name.clone());
            tidy(&mut draft);
            if each(draft.finish(path)).is_break() {
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    };
    let root = xml::parse_split(decoded, &xml_options, options.max_bytes, &split, &mut on_part)
        .map_err(|e| xml_error(path, e))?;
    if !any {
        if !matches!(
            root.name.as_str(),
            "NewsML" | "newsMessage" | "NewsItem" | "newsItem" | "nitf"
        ) {
            return Err(Error::Unsupported {
                path: path.into(),
                reason: format!(
                    "the root element <{}> is not NewsML 1.2, NewsML-G2 or NITF; \
                     depeche reads <NewsML>, <newsItem>, <newsMessage> and <nitf>",
                    root.name
                ),
            });
        }
        return Err(Error::NoBody { path: path.into() });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The document tree: `crate::xml`'s, with the text of news bodies

/// The text of news bodies: `<br/>` reads as a space, and the elements in
/// [`SKIPPED`] hold none.
trait Body {
    /// The text content.
    fn text(&self) -> String;
    fn push_text(&self, out: &mut String);
    /// The normalised text, when there is any.
    fn value(&self) -> Option<String>;
}

impl Body for Element {
    fn text(&self) -> String {
        let mut out = String::new();
        self.push_text(&mut out);
        out
    }

    fn push_text(&self, out: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if e.name == "br" => out.push(' '),
                Node::Element(e) if SKIPPED.contains(&e.name.as_str()) => {}
                Node::Element(e) => e.push_text(out),
            }
        }
    }

    fn value(&self) -> Option<String> {
        Some(normalize::text(&self.text())).filter(|t| !t.is_empty())
    }
}

/// Parses the document into a tree; a fault gives its line. Entities: the
/// XML ones and `&nbsp;`, which agencies use without declaring it.
fn parse(path: &Path, text: &str) -> Result<Element, Error> {
    let options =
        xml::Options { max_depth: MAX_DEPTH, ..xml::Options::default() }.with_extra(xml::nbsp);
    xml::parse(text, &options).map_err(|e| xml_error(path, e))
}

/// An XML fault as an ingest error, with its line and what to do.
fn xml_error(path: &Path, e: xml::Error) -> Error {
    let line = e.line();
    let reason = match e {
        xml::Error::Syntax { source, .. } => {
            format!("not well-formed XML: {source}; fix the file or get a new copy")
        }
        xml::Error::UndefinedEntity { name, .. } => format!(
            "undefined entity &{name}; (entities from a DTD are not read); \
             write the character itself"
        ),
        xml::Error::TooDeep { limit, .. } => format!("elements nested over {limit} deep"),
        xml::Error::SecondRoot { .. } => "a second root element; one document per file".into(),
        xml::Error::TextOutsideRoot { .. } => "text outside the root element".into(),
        xml::Error::Unclosed { name, .. } => {
            format!("<{name}> is never closed (the file is cut short?)")
        }
        xml::Error::NoRoot => "no root element (not an XML document)".into(),
        other => other.to_string(),
    };
    Error::Malformed { path: path.into(), line, reason }
}

// ---------------------------------------------------------------------------
// Body text: NITF and XHTML

/// Elements whose text is never article text.
const SKIPPED: &[&str] = &[
    "script",
    "style",
    "head",
    "title",
    "img",
    "hr",
    "table",
    "nitf-table",
    "media-reference",
    "media-metadata",
    "media-object",
    "media-producer",
    "identified-content",
];

/// Elements that start a paragraph of their own (or hold such elements).
const BLOCKS: &[&str] = &[
    "p",
    "li",
    "dd",
    "dt",
    "pre",
    "address",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hl1",
    "hl2",
    "blockquote",
    "bq",
    "div",
    "block",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "media",
    "media-caption",
    "body",
    "body.content",
    "body.head",
    "body.end",
];

fn is_block(e: &Element) -> bool {
    BLOCKS.contains(&e.name.as_str()) || e.elements().any(is_block)
}

/// The paragraphs of an NITF or XHTML body, in reading order.
fn blocks(container: &Element, role: Role, out: &mut Vec<(Role, String)>) {
    let mut inline = String::new();
    for node in &container.children {
        let e = match node {
            Node::Text(t) => {
                inline.push_str(t);
                continue;
            }
            Node::Element(e) => e,
        };
        if SKIPPED.contains(&e.name.as_str()) {
            continue;
        }
        if !is_block(e) {
            if e.name == "br" {
                inline.push(' ');
            } else {
                e.push_text(&mut inline);
            }
            continue;
        }
        out.push((role, std::mem::take(&mut inline)));
        match e.name.as_str() {
            "p" | "li" | "dd" | "dt" | "pre" | "address" if !e.elements().any(is_block) => {
                out.push((paragraph_role(e, role), e.text()));
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hl1" | "hl2" => {
                out.push((Role::Heading, e.text()));
            }
            "blockquote" | "bq" => blocks(e, Role::Quote, out),
            "figcaption" | "media-caption" => blocks(e, Role::Caption, out),
            // The NITF body head holds the headline, byline and dateline,
            // which are read on their own.
            "body.head" | "body.end" => {}
            _ => blocks(e, role, out),
        }
    }
    out.push((role, inline));
}

/// A paragraph wholly in bold is an intertitle.
fn paragraph_role(p: &Element, role: Role) -> Role {
    let loose_text = p.children.iter().any(|n| matches!(n, Node::Text(t) if !t.trim().is_empty()));
    let mut bold = p.elements().filter(|e| e.name != "br").peekable();
    let all_bold = bold.peek().is_some() && bold.all(|e| matches!(e.name.as_str(), "strong" | "b"));
    if role == Role::Body && !loose_text && all_bold { Role::Heading } else { role }
}

/// What an NITF document says.
#[derive(Debug, Default)]
struct Nitf {
    title: Option<String>,
    subtitle: Option<String>,
    byline: Option<String>,
    dateline: Option<String>,
    paragraphs: Vec<(Role, String)>,
}

fn nitf(doc: &Element) -> Nitf {
    let body = doc.child("body");
    let head = body.and_then(|b| b.child("body.head"));
    let hedline = head.and_then(|h| h.child("hedline"));
    let mut out = Nitf {
        title: hedline.and_then(|h| h.child("hl1")).and_then(Element::value),
        subtitle: hedline.and_then(|h| h.child("hl2")).and_then(Element::value),
        byline: head.and_then(|h| h.child("byline")).and_then(Element::value),
        dateline: head.and_then(|h| h.child("dateline")).and_then(Element::value),
        paragraphs: Vec::new(),
    };
    if let Some(content) = body.and_then(|b| b.child("body.content")) {
        blocks(content, Role::Body, &mut out.paragraphs);
    }
    out
}

/// The paragraphs of an XHTML document or fragment.
fn xhtml(doc: &Element) -> Vec<(Role, String)> {
    let mut out = Vec::new();
    match doc.child("body") {
        Some(body) => blocks(body, Role::Body, &mut out),
        None => blocks(doc, Role::Body, &mut out),
    }
    out
}

/// Plain text: paragraphs split at blank lines, or, when there are none,
/// one per line, as agency plain-text copy is written.
fn plain(text: &str) -> Vec<(Role, String)> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.trim().lines().collect();
    let blank_lines = lines.iter().any(|l| l.trim().is_empty());
    if blank_lines {
        text.split("\n\n").map(|p| (Role::Body, p.to_owned())).collect()
    } else {
        lines.into_iter().map(|l| (Role::Body, l.to_owned())).collect()
    }
}

// ---------------------------------------------------------------------------
// Dates

/// ISO 8601 in its basic (`20190121T104233+0000`) or extended
/// (`2019-01-21T10:42:33+00:00`) form, or a bare date.
fn iso_date(s: &str) -> Option<date::DateTime> {
    let mut cur = Cursor(s.trim().as_bytes());
    let year = cur.number(4)?;
    cur.skip(b'-');
    let month = cur.number(2)?;
    cur.skip(b'-');
    let day = cur.number(2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut time = None;
    let mut offset = None;
    if cur.skip(b'T') || cur.skip(b't') || cur.skip(b' ') {
        let h = cur.number(2)?;
        cur.skip(b':');
        let m = cur.number(2)?;
        cur.skip(b':');
        let sec = cur.number(2).unwrap_or(0);
        if cur.skip(b'.') || cur.skip(b',') {
            while cur.number(1).is_some() {}
        }
        if h > 23 || m > 59 || sec > 60 {
            return None;
        }
        time = Some((u8::try_from(h).ok()?, u8::try_from(m).ok()?, u8::try_from(sec).ok()?));
        if cur.skip(b'Z') || cur.skip(b'z') {
            offset = Some(0);
        } else if let Some(sign) = [b'+', b'-'].into_iter().find(|s| cur.skip(*s)) {
            let oh = i32::try_from(cur.number(2)?).ok()?;
            cur.skip(b':');
            let om = i32::try_from(cur.number(2).unwrap_or(0)).ok()?;
            let minutes = oh * 60 + om;
            offset = Some(if sign == b'-' { -minutes } else { minutes });
        }
    }
    if !cur.0.is_empty() {
        return None;
    }
    Some(date::DateTime {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
        time,
        offset,
    })
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn skip(&mut self, byte: u8) -> bool {
        match self.0.split_first() {
            Some((b, rest)) if *b == byte => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    fn number(&mut self, digits: usize) -> Option<u32> {
        let head = self.0.get(..digits)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = self.0.get(digits..).unwrap_or_default();
        head.iter().try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(u32::from(d - b'0')))
    }
}

/// Sets `published` from the first of `candidates` that reads as a date,
/// and keeps a local time with no offset apart, as the text reader does.
fn set_published(draft: &mut Draft, candidates: &[Option<String>], options: &ReadOptions) {
    let Some(found) = candidates.iter().flatten().find_map(|c| iso_date(c)) else { return };
    draft.published = Some(found.rfc3339(options.utc_offset_minutes));
    if found.offset.is_none()
        && options.utc_offset_minutes.is_none()
        && let Some(time) = found.local_time()
    {
        draft.meta.insert("published_local_time".into(), time);
    }
}

// ---------------------------------------------------------------------------
// NewsML 1.2

/// What a component passes down to the components it holds.
#[derive(Debug, Clone, Default)]
struct Inherited {
    headline: Option<String>,
    lang: Option<String>,
    publisher: Option<String>,
}

/// One story of a NewsML 1.2 item, while its components are walked.
#[derive(Debug, Default)]
struct Story {
    draft: Draft,
    /// Whether any text content item was found, even an empty one.
    has_text: bool,
}

fn newsml12(root: &Element, options: &ReadOptions) -> Vec<Draft> {
    let items: Vec<&Element> = if root.name == "NewsItem" {
        vec![root]
    } else {
        root.children_named("NewsItem").collect()
    };
    let sent = root.at(&["NewsEnvelope", "DateAndTime"]).and_then(Element::value);
    let mut drafts = Vec::new();
    for item in items {
        let id = item.at(&["Identification", "NewsIdentifier"]);
        let field = |name: &str| id.and_then(|i| i.child(name)).and_then(Element::value);
        let managed = |name: &str| item.at(&["NewsManagement", name]).and_then(Element::value);
        let inherited = Inherited {
            headline: None,
            lang: item.attr_value("xml:lang").or_else(|| root.attr_value("xml:lang")),
            publisher: field("ProviderId"),
        };
        let mut stories = Vec::new();
        for component in item.children_named("NewsComponent") {
            walk_component(component, &inherited, &mut stories, None);
        }
        for story in stories.into_iter().filter(|s| s.has_text) {
            let mut draft = story.draft;
            let date_id = field("DateId");
            set_published(
                &mut draft,
                &[managed("FirstCreated"), date_id, managed("ThisRevisionCreated"), sent.clone()],
                options,
            );
            if let Some(revised) = managed("ThisRevisionCreated").as_deref().and_then(iso_date) {
                draft.meta.insert("revised".into(), revised.rfc3339(options.utc_offset_minutes));
            }
            if let Some(source) = field("PublicIdentifier").or_else(|| field("NewsItemId")) {
                draft.meta.entry("source_id".into()).or_insert(source);
            }
            drafts.push(draft);
        }
    }
    drafts
}

fn walk_component(
    component: &Element,
    inherited: &Inherited,
    stories: &mut Vec<Story>,
    current: Option<usize>,
) {
    let mut here = inherited.clone();
    let described = component.child("DescriptiveMetadata");
    if let Some(lang) = component.attr_value("xml:lang").or_else(|| {
        described.and_then(|d| d.child("Language")).and_then(|l| l.attr_value("FormalName"))
    }) {
        here.lang = Some(lang);
    }
    let admin = component.child("AdministrativeMetadata");
    let party = |role: &str| {
        admin.and_then(|a| a.at(&[role, "Party"])).and_then(|p| p.attr_value("FormalName"))
    };
    if let Some(publisher) = party("Provider").or_else(|| party("Source")) {
        here.publisher = Some(publisher);
    }
    let lines = component.child("NewsLines");
    let line = |name: &str| lines.and_then(|l| l.child(name)).and_then(Element::value);
    let headline = line("HeadLine");
    let mut current = current;
    if headline.is_some() || current.is_none() {
        let mut draft =
            Draft { title: headline.clone(), byline: line("ByLine"), ..Draft::default() };
        if let Some(sub) = line("SubHeadLine") {
            draft.paragraphs.push((Role::Heading, sub));
        }
        if let Some(dateline) = line("DateLine") {
            draft.meta.insert("dateline".into(), dateline);
        }
        if let Some(package) = inherited.headline.as_ref().filter(|p| Some(*p) != headline.as_ref())
        {
            draft.meta.insert("package_headline".into(), package.clone());
        }
        if let Some(role) = component.child("Role").and_then(|r| r.attr_value("FormalName")) {
            draft.meta.insert("component_role".into(), role);
        }
        if let Some(duid) = component.attr_value("Duid") {
            draft.meta.insert("source_id".into(), duid);
        }
        if headline.is_some() {
            here.headline = headline;
        }
        stories.push(Story { draft, has_text: false });
        current = Some(stories.len() - 1);
    }
    let role = component.child("Role").and_then(|r| r.attr_value("FormalName"));
    if let Some(story) = current.and_then(|i| stories.get_mut(i)) {
        if story.draft.lang.is_none() {
            story.draft.lang.clone_from(&here.lang);
        }
        if story.draft.publisher.is_none() {
            story.draft.publisher.clone_from(&here.publisher);
        }
        for item in component.children_named("ContentItem") {
            content_item(item, role.as_deref(), story);
        }
    }
    for child in component.children_named("NewsComponent") {
        walk_component(child, &here, stories, current);
    }
}

/// Adds the text of one NewsML 1.2 content item to its story.
fn content_item(item: &Element, role: Option<&str>, story: &mut Story) {
    let Some(data) = item.child("DataContent") else { return };
    let kind =
        |name: &str| item.child(name).and_then(|m| m.attr_value("FormalName")).unwrap_or_default();
    let media = kind("MediaType").to_ascii_lowercase();
    if ["photo", "graphic", "video", "audio"].contains(&media.as_str()) {
        return;
    }
    let draft = &mut story.draft;
    let paragraphs = if let Some(doc) = data.child("nitf") {
        let found = nitf(doc);
        if draft.title.is_none() {
            draft.title = found.title;
        }
        if draft.byline.is_none() {
            draft.byline = found.byline;
        }
        if let Some(dateline) = found.dateline {
            draft.meta.entry("dateline".into()).or_insert(dateline);
        }
        found.subtitle.into_iter().map(|s| (Role::Heading, s)).chain(found.paragraphs).collect()
    } else if let Some(doc) = data.child("html") {
        xhtml(doc)
    } else if data.elements().any(is_block) {
        // AFP's NewsML 1.2 variant: Format `bcNITF2.5`, and DataContent
        // holds the NITF body's `<p>` elements bare, with no nitf or body
        // wrapper around them.
        let mut out = Vec::new();
        blocks(data, Role::Body, &mut out);
        out
    } else if data.has_element_children() {
        // Some other XML vocabulary: nothing depeche knows how to read.
        return;
    } else {
        plain(&data.text())
    };
    story.has_text = true;
    match role.map(str::to_ascii_lowercase).as_deref() {
        Some("title" | "headline") => {
            let text = paragraphs.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(" ");
            match &draft.title {
                None => draft.title = Some(text),
                Some(title) if same_text(title, &text) => {}
                Some(_) => draft.paragraphs.push((Role::Heading, text)),
            }
        }
        Some("caption") => {
            draft.paragraphs.extend(paragraphs.into_iter().map(|(_, t)| (Role::Caption, t)));
        }
        _ => draft.paragraphs.extend(paragraphs),
    }
}

// ---------------------------------------------------------------------------
// NewsML-G2 and NITF documents

fn of<'a>(parent: Option<&'a Element>, name: &str) -> Option<&'a Element> {
    parent.and_then(|p| p.child(name))
}

fn g2_item(item: &Element, options: &ReadOptions) -> Draft {
    let meta = item.child("itemMeta");
    let content = item.child("contentMeta");
    let text = |parent: Option<&Element>, name: &str| of(parent, name).and_then(Element::value);
    let headline = content.and_then(|c| {
        let mut all = c.children_named("headline");
        let first = all.next();
        c.children_named("headline").find(|h| h.attr("role").is_none()).or(first)
    });
    let creators: Vec<String> = content
        .map(|c| c.children_named("creator").filter_map(|p| of(Some(p), "name")?.value()).collect())
        .unwrap_or_default();
    let provider = of(meta, "provider").and_then(|p| {
        p.attr_value("literal").or_else(|| p.child("name").and_then(Element::value)).or_else(|| {
            p.attr_value("qcode").map(|q| q.rsplit(':').next().unwrap_or(&q).to_owned())
        })
    });
    let mut draft = Draft {
        lang: of(content, "language")
            .and_then(|l| l.attr_value("tag"))
            .or_else(|| item.attr_value("xml:lang")),
        title: headline.and_then(Element::value),
        byline: (!creators.is_empty()).then(|| creators.join(", ")),
        publisher: provider,
        ..Draft::default()
    };
    set_published(
        &mut draft,
        &[
            text(meta, "firstCreated"),
            text(content, "contentCreated"),
            text(meta, "versionCreated"),
        ],
        options,
    );
    if let Some(revised) = text(meta, "versionCreated").as_deref().and_then(iso_date) {
        draft.meta.insert("revised".into(), revised.rfc3339(options.utc_offset_minutes));
    }
    if let Some(guid) = item.attr_value("guid") {
        draft.meta.insert("source_id".into(), guid);
    }
    if let Some(dateline) = text(content, "dateline") {
        draft.meta.insert("dateline".into(), dateline);
    }
    let located = of(content, "located")
        .and_then(|l| l.attr_value("literal").or_else(|| l.child("name").and_then(Element::value)));
    if let Some(located) = located {
        draft.meta.insert("located".into(), located);
    }
    let Some(set) = item.child("contentSet") else { return draft };
    for rendition in set.elements() {
        let paragraphs = match rendition.name.as_str() {
            "inlineXML" => match rendition.elements().next() {
                Some(doc) if doc.name == "nitf" => {
                    let found = nitf(doc);
                    if draft.title.is_none() {
                        draft.title = found.title;
                    }
                    if let Some(byline) = found.byline {
                        draft.byline = Some(byline);
                    }
                    if let Some(dateline) = found.dateline {
                        draft.meta.entry("dateline".into()).or_insert(dateline);
                    }
                    found
                        .subtitle
                        .into_iter()
                        .map(|s| (Role::Heading, s))
                        .chain(found.paragraphs)
                        .collect()
                }
                Some(doc) => xhtml(doc),
                None => Vec::new(),
            },
            "inlineData" => plain(&rendition.text()),
            _ => continue,
        };
        if let Some(kind) = rendition.attr_value("contenttype") {
            draft.meta.insert("content_type".into(), kind);
        }
        // The first rendition with text is the article; the others are
        // the same story in another format.
        let has_text = paragraphs.iter().any(|(_, t)| !t.trim().is_empty());
        draft.paragraphs = paragraphs;
        if has_text {
            break;
        }
    }
    draft
}

fn nitf_document(doc: &Element, options: &ReadOptions) -> Draft {
    let head = doc.child("head");
    let docdata = head.and_then(|h| h.child("docdata"));
    let norm = |name: &str| docdata.and_then(|d| d.child(name)).and_then(|e| e.attr_value("norm"));
    let found = nitf(doc);
    let mut draft = Draft {
        lang: doc.attr_value("xml:lang").or_else(|| doc.child("body")?.attr_value("xml:lang")),
        title: found.title.or_else(|| head.and_then(|h| h.child("title")).and_then(Element::value)),
        byline: found.byline,
        publisher: docdata
            .and_then(|d| d.child("doc.copyright"))
            .and_then(|c| c.attr_value("holder"))
            .or_else(|| doc.at(&["body", "body.head", "distributor"]).and_then(Element::value)),
        paragraphs: found
            .subtitle
            .into_iter()
            .map(|s| (Role::Heading, s))
            .chain(found.paragraphs)
            .collect(),
        ..Draft::default()
    };
    set_published(&mut draft, &[norm("date.issue"), norm("date.release")], options);
    if let Some(dateline) = found.dateline {
        draft.meta.insert("dateline".into(), dateline);
    }
    if let Some(id) =
        docdata.and_then(|d| d.child("doc-id")).and_then(|d| d.attr_value("id-string"))
    {
        draft.meta.insert("source_id".into(), id);
    }
    draft
}

// ---------------------------------------------------------------------------
// Finishing touches

/// Drops boilerplate paragraphs and a repeat of the headline, tidies the
/// language tag and flags a body in another language than the tag says.
fn tidy(draft: &mut Draft) {
    let mut kept = Vec::with_capacity(draft.paragraphs.len());
    let mut removed = 0;
    let mut paragraphs = std::mem::take(&mut draft.paragraphs).into_iter();
    let mut title_seen = false;
    while let Some((role, text)) = paragraphs.next() {
        if text.trim().is_empty() {
            continue;
        }
        // Press releases repeat their headline as the first heading.
        let repeats_title = draft.title.as_deref().is_some_and(|t| same_text(t, &text));
        if repeats_title && !title_seen && kept.is_empty() {
            title_seen = true;
            continue;
        }
        match boilerplate::matches(&text) {
            None => kept.push((role, text)),
            Some((_, boilerplate::Scope::Line)) => removed += 1,
            Some((_, boilerplate::Scope::Rest)) => {
                removed += 1 + paragraphs.filter(|(_, t)| !t.trim().is_empty()).count();
                break;
            }
        }
    }
    draft.paragraphs = kept;
    if removed > 0 {
        draft.meta.insert("boilerplate_lines".into(), removed.to_string());
    }
    if let Some(tag) = draft.lang.take() {
        draft.meta.insert("lang_tag".into(), tag.clone());
        draft.lang = Some(crate::locale::source_tag(&tag));
    }
    let tagged_french = draft.lang.as_deref().is_none_or(|l| l.starts_with("fr"));
    let body: Vec<&str> = draft.paragraphs.iter().map(|(_, t)| t.as_str()).collect();
    if tagged_french && reads_as_english(&body.join(" ")) {
        draft.meta.insert("body_lang_guess".into(), "en".into());
    }
}

/// Whether a body tagged French is in fact English, by counting the most
/// common words of each language; a tie or a short text is left alone.
fn reads_as_english(text: &str) -> bool {
    const FRENCH: &[&str] = &[
        "le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "que", "qui", "sur",
        "au", "aux", "ont", "sont", "pas", "par", "avec", "il", "elle", "ce", "cette",
    ];
    const ENGLISH: &[&str] = &[
        "the", "of", "and", "to", "is", "for", "with", "that", "at", "by", "from", "was", "were",
        "after", "during", "his", "her", "their", "he", "she", "are", "has", "had", "talks",
    ];
    let (mut french, mut english) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if FRENCH.contains(&word.as_str()) {
            french += 1;
        } else if ENGLISH.contains(&word.as_str()) {
            english += 1;
        }
    }
    english >= 5 && english > 2 * french
}

fn same_text(a: &str, b: &str) -> bool {
    normalize::fold_for_matching(a) == normalize::fold_for_matching(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Article;

    fn read_all(
        path: &Path,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<crate::ingest::Items, Error> {
        let (items, end) = crate::ingest::collect(|each| read(path, bytes, options, each));
        end.map_or(Ok(items), Err)
    }

    fn read_str(xml: &str) -> crate::ingest::Items {
        read_all(Path::new("wire.xml"), xml.as_bytes(), &ReadOptions::default()).unwrap()
    }

    fn one(xml: &str) -> Article {
        let mut items = read_str(xml);
        assert_eq!(items.len(), 1);
        items.pop().unwrap().unwrap()
    }

    #[test]
    fn iso_dates_basic_and_extended() {
        let d = iso_date("20190121T104233+0000").unwrap();
        assert_eq!(d.rfc3339(None), "2019-01-21T10:42:33+00:00");
        assert_eq!(
            iso_date("20190121T104233Z").unwrap().rfc3339(None),
            "2019-01-21T10:42:33+00:00"
        );
        let d = iso_date("2018-11-21T16:25:32-05:00").unwrap();
        assert_eq!(d.rfc3339(None), "2018-11-21T16:25:32-05:00");
        assert_eq!(iso_date("20190603").unwrap().rfc3339(None), "2019-06-03");
        let local = iso_date("20200609T120204").unwrap();
        assert_eq!(local.rfc3339(None), "2020-06-09");
        assert_eq!(local.rfc3339(Some(120)), "2020-06-09T12:02:04+02:00");
        assert_eq!(iso_date("20191321"), None);
        assert_eq!(iso_date("20190121T254233Z"), None);
        assert_eq!(iso_date("21 janvier 2019"), None);
    }

    #[test]
    fn bare_nitf_reads_headline_byline_dateline_and_body() {
        let a = one(concat!(
            r#"<?xml version="1.0"?><nitf xml:lang="fr"><head><title>Titre de tête</title>"#,
            r#"<docdata><doc-id id-string="X1"/><date.issue norm="20240301T090500+0100"/></docdata></head>"#,
            "<body><body.head><hedline><hl1>Le titre</hl1><hl2>Le sous-titre</hl2></hedline>",
            "<byline>Par Jeanne Dupont</byline><dateline>Lyon, 1er mars</dateline></body.head>",
            "<body.content><p>Premier &amp; seul paragraphe&nbsp;!</p><hl2>Intertitre</hl2>",
            "<block><p>Deuxième.</p></block><bq><block><p>Une citation.</p></block></bq>",
            "<media><media-caption>Une légende.</media-caption></media>",
            "</body.content></body></nitf>"
        ));
        assert_eq!(a.title.as_deref(), Some("Le titre"));
        assert_eq!(a.published.as_deref(), Some("2024-03-01T09:05:00+01:00"));
        assert_eq!(a.byline.as_deref(), Some("Par Jeanne Dupont"));
        assert_eq!(a.lang, "fr-FR");
        assert_eq!(a.meta["format"], "nitf");
        assert_eq!(a.meta["dateline"], "Lyon, 1er mars");
        assert_eq!(a.meta["source_id"], "X1");
        let got: Vec<(Role, &str)> =
            a.paragraphs.iter().map(|p| (p.role, p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (Role::Title, "Le titre"),
                (Role::Heading, "Le sous-titre"),
                (Role::Body, "Premier & seul paragraphe\u{a0}!"),
                (Role::Heading, "Intertitre"),
                (Role::Body, "Deuxième."),
                (Role::Quote, "Une citation."),
                (Role::Caption, "Une légende."),
            ]
        );
    }

    #[test]
    fn xhtml_bold_paragraphs_are_headings_and_the_repeated_headline_goes() {
        let a = one(concat!(
            r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g1">"#,
            "<contentMeta><headline>Un titre</headline><language tag='fr-CA'/></contentMeta>",
            r#"<contentSet><inlineXML contenttype="application/xhtml+xml">"#,
            r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Un titre</h1><div>"#,
            "<p><strong>Intertitre</strong></p><p><strong>Gras</strong> puis texte<br/>suite</p>",
            "<ul><li>Un point</li></ul></div></body></html></inlineXML></contentSet></newsItem>"
        ));
        assert_eq!(a.lang, "fr-CA");
        let got: Vec<(Role, &str)> =
            a.paragraphs.iter().map(|p| (p.role, p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (Role::Title, "Un titre"),
                (Role::Heading, "Intertitre"),
                (Role::Body, "Gras puis texte suite"),
                (Role::Body, "Un point"),
            ]
        );
    }

    #[test]
    fn a_news_message_gives_one_result_per_item() {
        let items = read_str(concat!(
            "<newsMessage><itemSet>",
            "<newsItem guid='a'><contentMeta><headline>Un</headline></contentMeta>",
            "<contentSet><inlineData contenttype='text/plain'>Texte un.</inlineData></contentSet></newsItem>",
            "<newsItem guid='b'><contentMeta><headline>Deux</headline></contentMeta></newsItem>",
            "</itemSet></newsMessage>"
        ));
        assert_eq!(items.len(), 2);
        let first = items[0].as_ref().unwrap();
        assert_eq!(first.origin, "wire.xml#a");
        assert_eq!(first.paragraphs[1].text, "Texte un.");
        assert!(matches!(items[1], Err(Error::NoBody { .. })));
    }

    #[test]
    fn undefined_entities_and_bad_nesting_give_a_line() {
        let err = read_all(
            Path::new("w.xml"),
            b"<nitf>\n<body>&eacute;</body></nitf>",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Malformed { line: 2, .. }), "{err}");
        assert!(err.to_string().contains("undefined entity &eacute;"), "{err}");
        let err = read_all(Path::new("w.xml"), b"<nitf>\n<body>\n</nitf>", &ReadOptions::default())
            .unwrap_err();
        assert!(matches!(err, Error::Malformed { line: 3, .. }), "{err}");
        let deep = format!("<nitf>{}", "<div>".repeat(MAX_DEPTH + 1));
        let err =
            read_all(Path::new("w.xml"), deep.as_bytes(), &ReadOptions::default()).unwrap_err();
        assert!(err.to_string().contains("nested over"), "{err}");
        let err = read_all(Path::new("w.xml"), b"<rss/>", &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    }

    #[test]
    fn declared_encodings_are_honoured() {
        let mut bytes =
            b"<?xml version='1.0' encoding='ISO-8859-15'?><nitf><body><body.head><hedline><hl1>"
                .to_vec();
        bytes.extend_from_slice(
            b"\xc9t\xe9 \xa4</hl1></hedline></body.head><body.content><p>\xbd \xe0 \xbc</p>",
        );
        bytes.extend_from_slice(b"</body.content></body></nitf>");
        let items = read_all(Path::new("w.xml"), &bytes, &ReadOptions::default()).unwrap();
        let a = items[0].as_ref().unwrap();
        assert_eq!(a.title.as_deref(), Some("Été €"));
        assert_eq!(a.paragraphs[1].text, "œ à Œ");
        assert_eq!(a.meta["encoding"], "iso-8859-15");
        let err = read_all(
            Path::new("w.xml"),
            b"<?xml version='1.0' encoding='klingon'?><nitf/>",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"klingon\""), "{err}");
    }

    #[test]
    fn english_under_a_french_tag_is_flagged() {
        assert!(reads_as_english(
            "The union secretary talks during a press conference after the meeting of the board, \
             regarding the fate of their chairman."
        ));
        assert!(!reads_as_english(
            "Le procès de deux anciens fonctionnaires de la police aux frontières s'est ouvert lundi."
        ));
        assert_eq!(crate::locale::source_tag("FR"), "fr-FR");
        assert_eq!(crate::locale::source_tag("fr-ch"), "fr-CH");
        assert_eq!(crate::locale::source_tag("en-GB"), "en-GB");
    }
}
