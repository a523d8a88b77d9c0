//! RSS and Atom feeds: one article per item.
//!
//! RSS 0.9x and 2.0, RSS 1.0 (RDF) and Atom 1.0 (and 0.3) are read with the
//! usual extensions (`content:encoded`, Dublin Core, Media RSS). Each item
//! or entry becomes one article:
//!
//! - title: `title`, HTML tags stripped and entities decoded;
//! - published: `pubDate` (RFC 822), `dc:date`, Atom `published` or
//!   `updated`, or a French date line, as RFC 3339;
//! - byline: `author`, `dc:creator` or Atom `author/name`;
//! - publisher: the channel (feed) title;
//! - origin: the item link, without tracking (`#xtor=…`, `utm_…`);
//! - lang: the item's, else the channel's language, else `fr-FR`;
//! - body: `content:encoded`, else `description` (Atom `content`, else
//!   `summary`), the HTML in it split into paragraphs at `<p>`, `<br>` and
//!   other blocks, tags and images dropped; each `media:description` is a
//!   caption after the body.
//!
//! A feed that is not well-formed XML is refused with the line of the fault;
//! an item without text is refused alone, with its number and line, and the
//! other items are still read.

use std::borrow::Cow;
use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::LazyLock;

use dom_query::{Document, NodeRef};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use regex::{Captures, Regex};

use super::{Draft, Each, Error, ReadOptions, rfc822};
use crate::model::{Article, Role};
use crate::normalize::date;
use crate::xml;

/// Reads the items of a feed held in memory, handing each to `each`.
pub(crate) fn read(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let decoded = super::decode_xml(path, bytes, options, true)?;
    let enc = Enc { name: decoded.encoding.clone(), note: decoded.note.clone() };
    read_from(path, decoded.text.as_bytes(), &enc, options, each)
}

/// Reads the items of a feed larger than one article as the bytes come:
/// the encoding is the byte-order mark's or the declaration's (UTF-8 when
/// neither says, or names one depeche does not know).
pub(crate) fn read_stream<R: BufRead>(
    path: &Path,
    mut input: R,
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let head = input.fill_buf().map_err(|source| Error::Io { path: path.into(), source })?;
    let (encoding, bom) = xml::stream_encoding(head).unwrap_or((encoding_rs::UTF_8, 0));
    input.consume(bom);
    let mut name = encoding.name().to_ascii_lowercase();
    if bom > 0 {
        name.push_str(" (bom)");
    }
    let enc = Enc { name, note: None };
    let decoded = xml::Decoding::new(input, encoding, options.lossy);
    read_from(path, std::io::BufReader::new(decoded), &enc, options, each)
}

/// How the feed was decoded, for each article's metadata.
struct Enc {
    name: String,
    note: Option<String>,
}

/// The feed's items, each handed to `each` as soon as its end tag is read.
fn read_from<R: BufRead>(
    path: &Path,
    input: R,
    enc: &Enc,
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let mut handed = 0;
    let parsed = parse(path, input, options.max_bytes, &mut |kind, channel, number, item| {
        handed += 1;
        let article = match item.over {
            Some(size) => Err(Error::ItemTooLarge {
                path: path.into(),
                line: item.line,
                item: number,
                size,
                limit: options.max_bytes,
            }),
            None => article(path, number, item, channel, kind, enc, options),
        };
        each(article)
    })?;
    if handed == 0 {
        return Err(Error::Malformed {
            path: path.into(),
            line: parsed.root_line,
            reason: format!(
                "the {} feed has no <item> or <entry>; nothing to translate",
                parsed.kind.name()
            ),
        });
    }
    Ok(())
}

/// Which kind of feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rss,
    Rdf,
    Atom,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Rss => "rss",
            Kind::Rdf => "rss 1.0",
            Kind::Atom => "atom",
        }
    }
}

/// How the text of an element is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Plain text.
    Plain,
    /// Escaped HTML (or HTML in CDATA).
    Html,
    /// XHTML elements inline (Atom `type="xhtml"`).
    Xhtml,
}

/// The text of one element.
#[derive(Debug, Clone)]
struct Field {
    text: String,
    markup: Markup,
}

#[derive(Debug, Default)]
struct Channel {
    title: Option<Field>,
    lang: Option<String>,
}

#[derive(Debug, Default)]
struct Item {
    line: usize,
    /// Offset of the start tag in the decoded text.
    start: u64,
    /// Its size once it passed the per-article limit: its text is no
    /// longer kept, and the item fails alone.
    over: Option<u64>,
    title: Option<Field>,
    link: Option<String>,
    guid: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    creators: Vec<String>,
    content: Option<Field>,
    description: Option<Field>,
    captions: Vec<Field>,
    lang: Option<String>,
}

/// Where the text being collected goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    ChannelTitle,
    ChannelLang,
    Title,
    Link,
    Guid,
    Published,
    Updated,
    Creator,
    Content,
    Description,
    Caption,
    ItemLang,
}

struct Capture {
    target: Target,
    /// Open elements when the capture started.
    depth: usize,
    markup: Markup,
    text: String,
}

struct Parsed {
    kind: Kind,
    root_line: usize,
}

/// What [`parse`] hands each finished item to, with the feed's kind, the
/// channel as read so far and the item's number.
type OnItem<'a> = &'a mut dyn FnMut(Kind, &Channel, usize, Item) -> ControlFlow<()>;

/// The state of one walk over the XML.
struct Walk {
    /// Open elements, as `prefix:local` with conventional prefixes.
    stack: Vec<String>,
    kind: Option<Kind>,
    root_line: usize,
    channel: Channel,
    /// Items closed by the last event, not yet handed over.
    done: Vec<Item>,
    /// Offset of the event being read.
    pos: u64,
    /// The open item and the depth of its element.
    item: Option<(Item, usize)>,
    capture: Option<Capture>,
}

/// Walks the XML once, collecting the channel and its items.
/// Deeper element nesting than this refuses the feed as a whole. It is
/// above [`super::html::MAX_HTML_DEPTH`], so that XHTML content nested too
/// deep fails its own item, not the feed; no feed comes near it.
const MAX_DEPTH: usize = 1024;

fn parse<R: BufRead>(
    path: &Path,
    input: R,
    limit: u64,
    on_item: OnItem<'_>,
) -> Result<Parsed, Error> {
    let mut reader = NsReader::from_reader(xml::Lines::new(input));
    // Feeds are written by hand-rolled templates: a lone `&` in a title is
    // common and costs nothing to read as itself.
    reader.config_mut().allow_dangling_amp = true;
    let mut walk = Walk {
        stack: Vec::new(),
        kind: None,
        root_line: 1,
        channel: Channel::default(),
        done: Vec::new(),
        pos: 0,
        item: None,
        capture: None,
    };
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        let pos = reader.buffer_position();
        let line = reader.get_mut().line(pos);
        walk.pos = pos;
        walk.bound(limit);
        buf.clear();
        let (prefix, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok((ns, event)) => (key_prefix(&ns), event),
            Err(e) => {
                let at = reader.error_position();
                let line = reader.get_mut().line(at).max(line);
                let reason = match &e {
                    quick_xml::Error::Io(io) => format!("{io}"),
                    _ => format!("the feed is not well-formed XML: {e}; re-fetch or fix it"),
                };
                return Err(Error::Malformed { path: path.into(), line, reason });
            }
        };
        match event {
            Event::Start(_) if walk.stack.len() >= MAX_DEPTH => {
                return Err(Error::Malformed {
                    path: path.into(),
                    line,
                    reason: format!("elements nested over {MAX_DEPTH} deep; the feed is damaged"),
                });
            }
            Event::Start(e) => walk.start(&e, &prefix, false, line),
            Event::Empty(e) => walk.start(&e, &prefix, true, line),
            Event::End(_) => walk.end(),
            Event::Text(t) => walk.push_text(&t.xml10_content()),
            Event::CData(t) => walk.push_text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                // An entity XML does not define is kept as written rather
                // than failing the whole feed (see `crate::xml`).
                let resolved = match xml::entity(&r, html_entity) {
                    Ok(Some(replacement)) => replacement.to_string(),
                    Ok(None) | Err(_) => format!("&{};", &*r),
                };
                walk.push_text(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
        let kind = walk.kind.unwrap_or(Kind::Rss);
        for item in std::mem::take(&mut walk.done) {
            number += 1;
            if on_item(kind, &walk.channel, number, item).is_break() {
                return Ok(Parsed { kind, root_line: walk.root_line });
            }
        }
    }
    if let Some(open) = walk.stack.last() {
        let end = reader.buffer_position();
        return Err(Error::Malformed {
            path: path.into(),
            line: reader.get_mut().line(end.saturating_add(1)),
            reason: format!("the feed ends inside <{open}> (is the file truncated?); re-fetch it"),
        });
    }
    let Some(kind) = walk.kind else {
        return Err(Error::Malformed {
            path: path.into(),
            line: 1,
            reason: "no XML element found; this is not an RSS or Atom feed".into(),
        });
    };
    Ok(Parsed { kind, root_line: walk.root_line })
}

impl Walk {
    /// Past `limit` bytes, the open item keeps none of its text: it will
    /// fail alone, and a hostile item cannot take the memory.
    fn bound(&mut self, limit: u64) {
        let Some((item, _)) = self.item.as_mut() else { return };
        let size = self.pos.saturating_sub(item.start);
        if size <= limit {
            return;
        }
        if item.over.is_none() {
            let line = item.line;
            *item = Item { line, start: item.start, ..Item::default() };
            self.capture = None;
        }
        item.over = Some(size);
    }

    fn start(&mut self, e: &BytesStart<'_>, prefix: &str, is_empty: bool, line: usize) {
        let local = e.local_name().into_inner().to_owned();
        if let Some(c) = self.capture.as_mut() {
            // Inside a field: XHTML content keeps its tags for the HTML
            // reader; anything else only contributes its text.
            if c.markup != Markup::Plain {
                c.text.push('<');
                c.text.push_str(&local);
                c.text.push('>');
            }
            if !is_empty {
                self.stack.push(local);
            }
            return;
        }
        let name = format!("{prefix}{local}");
        if self.stack.is_empty() {
            self.root_line = line;
            self.kind = Some(match name.as_str() {
                "rdf:RDF" => Kind::Rdf,
                "atom:feed" => Kind::Atom,
                _ => Kind::Rss,
            });
        }
        let parent = self.stack.last().map_or("", String::as_str);
        let depth = self.stack.len();
        let mut target = None;
        if let Some((item, item_depth)) = self.item.as_mut() {
            let direct = depth == *item_depth + 1;
            if item.over.is_some() {
                self.stack.extend((!is_empty).then_some(name));
                return;
            }
            if name == "atom:link" && direct {
                let rel = attr(e, "rel");
                if rel.as_deref().is_none_or(|r| r == "alternate") && item.link.is_none() {
                    item.link = attr(e, "href");
                }
            } else {
                target = item_target(&name, e, direct, parent);
            }
        } else if name == "item" || name == "atom:entry" {
            let item = Item { line, start: self.pos, lang: attr(e, "xml:lang"), ..Item::default() };
            if is_empty {
                self.done.push(item);
            } else {
                self.item = Some((item, depth));
            }
        } else {
            if depth <= 1
                && let Some(lang) = attr(e, "xml:lang")
            {
                self.channel.lang = Some(lang);
            }
            if matches!(parent, "channel" | "atom:feed") {
                target = match name.as_str() {
                    "title" => Some((Target::ChannelTitle, Markup::Html)),
                    "atom:title" => atom_markup(e).map(|m| (Target::ChannelTitle, m)),
                    "language" | "dc:language" => Some((Target::ChannelLang, Markup::Plain)),
                    _ => None,
                };
            }
        }
        if let Some((target, markup)) = target {
            self.capture = Some(Capture { target, depth, markup, text: String::new() });
            if is_empty {
                self.finish_capture();
            }
        }
        if !is_empty {
            self.stack.push(name);
        }
    }

    fn end(&mut self) {
        let closed = self.stack.pop().unwrap_or_default();
        let depth = self.stack.len();
        if self.capture.as_ref().is_some_and(|c| c.depth == depth) {
            self.finish_capture();
        } else if let Some(c) = self.capture.as_mut().filter(|c| c.markup != Markup::Plain) {
            // Closing tags matter to the HTML reader (`</p>`).
            c.text.push_str("</");
            c.text.push_str(&closed);
            c.text.push('>');
        }
        if self.item.as_ref().is_some_and(|(_, d)| *d == depth)
            && let Some((item, _)) = self.item.take()
        {
            self.done.push(item);
        }
    }

    fn push_text(&mut self, text: &str) {
        let Some(c) = self.capture.as_mut() else { return };
        if c.markup == Markup::Xhtml {
            // The text of XHTML elements is already unescaped; it goes back
            // to the HTML reader, which unescapes again.
            for ch in text.chars() {
                match ch {
                    '&' => c.text.push_str("&amp;"),
                    '<' => c.text.push_str("&lt;"),
                    _ => c.text.push(ch),
                }
            }
        } else {
            c.text.push_str(text);
        }
    }

    fn finish_capture(&mut self) {
        let Some(c) = self.capture.take() else { return };
        let field = Field { text: c.text, markup: c.markup };
        if c.target == Target::ChannelTitle {
            self.channel.title.get_or_insert(field);
            return;
        }
        if c.target == Target::ChannelLang {
            if !field.text.trim().is_empty() {
                self.channel.lang.get_or_insert(field.text.trim().to_owned());
            }
            return;
        }
        let Some((item, _)) = self.item.as_mut() else { return };
        let plain = || field.text.trim().to_owned();
        let set = |slot: &mut Option<String>| {
            if slot.is_none() && !field.text.trim().is_empty() {
                *slot = Some(field.text.trim().to_owned());
            }
        };
        match c.target {
            Target::Title => {
                item.title.get_or_insert(field);
            }
            Target::Link => set(&mut item.link),
            Target::Guid => set(&mut item.guid),
            Target::Published => set(&mut item.published),
            Target::Updated => set(&mut item.updated),
            Target::ItemLang => set(&mut item.lang),
            Target::Creator => {
                let name = plain();
                if !name.is_empty() && !item.creators.contains(&name) {
                    item.creators.push(name);
                }
            }
            Target::Content => {
                if item.content.is_none() && has_text(&field) {
                    item.content = Some(field);
                }
            }
            Target::Description => {
                if item.description.is_none() && has_text(&field) {
                    item.description = Some(field);
                }
            }
            Target::Caption => item.captions.push(field),
            Target::ChannelTitle | Target::ChannelLang => {}
        }
    }
}

/// What a child of an item holds, and how its text is written.
fn item_target(
    name: &str,
    e: &BytesStart<'_>,
    direct: bool,
    parent: &str,
) -> Option<(Target, Markup)> {
    if name == "media:description" {
        let markup =
            if attr(e, "type").as_deref() == Some("html") { Markup::Html } else { Markup::Plain };
        return Some((Target::Caption, markup));
    }
    if name == "atom:name" && parent == "atom:author" {
        return Some((Target::Creator, Markup::Plain));
    }
    if !direct {
        return None;
    }
    Some(match name {
        "title" => (Target::Title, Markup::Html),
        "atom:title" => (Target::Title, atom_markup(e)?),
        "link" => (Target::Link, Markup::Plain),
        "guid" => (Target::Guid, Markup::Plain),
        "pubDate" | "dc:date" | "atom:published" | "atom:issued" => {
            (Target::Published, Markup::Plain)
        }
        "atom:updated" | "atom:modified" | "dc:modified" => (Target::Updated, Markup::Plain),
        "author" | "dc:creator" => (Target::Creator, Markup::Plain),
        "content:encoded" => (Target::Content, Markup::Html),
        "atom:content" if attr(e, "src").is_none() => (Target::Content, atom_markup(e)?),
        "description" => (Target::Description, Markup::Html),
        "atom:summary" => (Target::Description, atom_markup(e)?),
        "dc:language" => (Target::ItemLang, Markup::Plain),
        _ => return None,
    })
}

/// How an Atom text construct is written; `None` for content that is not
/// text (an image, a PDF).
fn atom_markup(e: &BytesStart<'_>) -> Option<Markup> {
    match attr(e, "type").as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("text" | "text/plain") => Some(Markup::Plain),
        Some("html" | "text/html") => Some(Markup::Html),
        Some("xhtml" | "application/xhtml+xml") => Some(Markup::Xhtml),
        Some(other) if other.starts_with("text/") => Some(Markup::Plain),
        Some(_) => None,
    }
}

fn has_text(field: &Field) -> bool {
    // Too deep to read counts as text, so that `article` refuses the item
    // by name instead of its body vanishing.
    too_deep(field) || paragraphs(field).iter().any(|p| !crate::normalize::text(p).is_empty())
}

/// Whether the field is HTML nested past [`super::html::MAX_HTML_DEPTH`].
fn too_deep(field: &Field) -> bool {
    matches!(field.markup, Markup::Html | Markup::Xhtml)
        && super::html::nested_over(&field.text, super::html::MAX_HTML_DEPTH).is_some()
}

/// The conventional prefix of a namespace, so that `<dc:creator>` is found
/// whatever prefix the feed binds to Dublin Core.
fn key_prefix(ns: &ResolveResult<'_>) -> String {
    let uri = match ns {
        ResolveResult::Unbound => return String::new(),
        // An undeclared prefix is common in hand-written feeds: take it at
        // its word.
        ResolveResult::Unknown(prefix) => return format!("{prefix}:"),
        ResolveResult::Bound(ns) => ns.into_inner().to_owned(),
    };
    let prefix = match uri.trim_end_matches('/') {
        "http://www.w3.org/2005/Atom" | "http://purl.org/atom/ns#" => "atom:",
        "http://purl.org/rss/1.0/modules/content" => "content:",
        "http://purl.org/dc/elements/1.1" | "http://purl.org/dc/terms" => "dc:",
        "http://search.yahoo.com/mrss" => "media:",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => "rdf:",
        "http://purl.org/rss/1.0"
        | "http://my.netscape.com/rdf/simple/0.9"
        | "http://backend.userland.com/rss2" => "",
        _ => "other:",
    };
    prefix.to_owned()
}

/// An attribute's value, entities decoded; `None` when absent or broken.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let value = xml::attribute(e, name, xml::no_extra).ok()??;
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// One item into one article.
fn article(
    path: &Path,
    number: usize,
    item: Item,
    channel: &Channel,
    kind: Kind,
    enc: &Enc,
    options: &ReadOptions,
) -> Result<Article, Error> {
    let line = item.line;
    let title = item.title.as_ref().map(one_line).filter(|t| !t.is_empty());
    let mut meta = std::collections::BTreeMap::new();
    meta.insert("format".to_owned(), "feed".to_owned());
    meta.insert("feed_format".to_owned(), kind.name().to_owned());
    meta.insert("encoding".to_owned(), enc.name.clone());
    if let Some(note) = &enc.note {
        meta.insert("encoding_note".to_owned(), note.clone());
    }
    meta.insert("item".to_owned(), number.to_string());
    meta.insert("line".to_owned(), line.to_string());
    if let Some(guid) = &item.guid {
        meta.insert("guid".to_owned(), guid.clone());
    }
    let raw_date = item.published.as_deref().or(item.updated.as_deref());
    let mut published = None;
    if let Some(raw) = raw_date {
        match parse_date(raw) {
            Some(d) => {
                let text = d.rfc3339(options.utc_offset_minutes);
                if text.len() == 10
                    && let Some(time) = d.local_time()
                {
                    meta.insert("published_local_time".to_owned(), time);
                }
                published = Some(text);
            }
            // Kept so that a date format depeche does not read is not lost.
            None => {
                meta.insert("published_raw".to_owned(), raw.to_owned());
            }
        }
    }
    let body = item.content.as_ref().or(item.description.as_ref());
    let max = super::html::MAX_HTML_DEPTH;
    if body.into_iter().chain(item.title.as_ref()).chain(&item.captions).any(too_deep) {
        return Err(Error::Malformed {
            path: path.into(),
            line,
            reason: format!(
                "item {number}: its HTML is nested over {max} deep, more than any browser \
                 shows; the feed is damaged or hostile"
            ),
        });
    }
    let mut paragraphs: Vec<(Role, String)> =
        body.map(paragraphs).unwrap_or_default().into_iter().map(|p| (Role::Body, p)).collect();
    for caption in &item.captions {
        let text = one_line(caption);
        if !text.is_empty() && !paragraphs.iter().any(|(_, p)| *p == text) {
            paragraphs.push((Role::Caption, text));
        }
    }
    let link = item.link.or_else(|| item.guid.filter(|g| g.starts_with("http")));
    let draft = Draft {
        origin: link.map_or_else(|| format!("{}:{line}", path.display()), |l| clean_link(&l)),
        lang: item.lang.or_else(|| channel.lang.clone()).map(|l| crate::locale::source_tag(&l)),
        title: title.clone(),
        published,
        byline: (!item.creators.is_empty()).then(|| byline(&item.creators)),
        publisher: channel.title.as_ref().map(one_line),
        paragraphs,
        meta,
    };
    // An item with a title and no description is a headline, and a
    // headline is text to translate.
    draft.finish_headline(path).map_err(|e| match e {
        Error::NoBody { .. } => Error::Malformed {
            path: path.into(),
            line,
            reason: format!("item {number} has no text; nothing to translate"),
        },
        other => other,
    })
}

/// `Jean Dupont, Marie Martin`; RSS `author` is an e-mail address, with
/// the name in brackets when there is one.
fn byline(creators: &[String]) -> String {
    let names: Vec<String> = creators
        .iter()
        .map(|c| {
            let inner = c.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')'));
            match inner {
                Some(name) if c.contains('@') => name.trim().to_owned(),
                _ => c.clone(),
            }
        })
        .collect();
    names.join(", ")
}

/// An RFC 822, ISO 8601 or French date.
fn parse_date(raw: &str) -> Option<date::DateTime> {
    let raw = raw.trim();
    if let Some(d) = rfc822::parse(raw) {
        return Some(d);
    }
    // The date module reads whole seconds.
    static FRACTION: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(\d{2}:\d{2}:\d{2})[.,]\d+").ok());
    let trimmed = match FRACTION.as_ref() {
        Some(re) => re.replace(raw, "$1"),
        None => Cow::Borrowed(raw),
    };
    date::parse(&trimmed)
}

/// The link without the tracking that feeds add to it (`#xtor=RSS-3-[general]`,
/// `?utm_source=rss`), which would make the same article look different
/// from one fetch to the next.
fn clean_link(link: &str) -> String {
    let link = link.trim();
    let (base, fragment) = match link.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (link, None),
    };
    let tracking = |part: &str| {
        let lower = part.to_ascii_lowercase();
        ["xtor=", "utm_", "at_medium", "at_campaign", "xts="].iter().any(|t| lower.starts_with(t))
    };
    let mut out = match base.split_once('?') {
        Some((start, query)) => {
            let kept: Vec<&str> =
                query.split('&').filter(|p| !p.is_empty() && !tracking(p)).collect();
            if kept.is_empty() { start.to_owned() } else { format!("{start}?{}", kept.join("&")) }
        }
        None => base.to_owned(),
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty() && !tracking(f)) {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// A field as one line: a title, a caption, a channel name.
fn one_line(field: &Field) -> String {
    let text = match field.markup {
        Markup::Plain => repair(&field.text),
        Markup::Html | Markup::Xhtml => html_blocks(&field.text).join(" "),
    };
    crate::normalize::text(&text)
}

/// A body field as paragraphs.
fn paragraphs(field: &Field) -> Vec<String> {
    match field.markup {
        Markup::Plain => {
            static BLANK: LazyLock<Option<Regex>> =
                LazyLock::new(|| Regex::new(r"\n[ \t\r]*\n").ok());
            let text = repair(&field.text);
            match BLANK.as_ref() {
                Some(re) => re.split(&text).map(str::to_owned).collect(),
                None => vec![text],
            }
        }
        Markup::Html | Markup::Xhtml => html_blocks(&field.text),
    }
}

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "table",
    "figure",
    "figcaption",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "dd",
    "dt",
    "dl",
    "aside",
];

/// HTML to paragraphs of text: blocks and line breaks split, other tags
/// (images, links, emphasis) dropped, scripts and comments skipped,
/// entities decoded. Parsed by the same HTML parser as article pages
/// (`dom_query`, see `html.rs`), so a feed's HTML reads as a browser
/// reads it.
fn html_blocks(html: &str) -> Vec<String> {
    // The walk below recurses: nesting past the bound gives no text here,
    // and `article` refuses such an item by name.
    if super::html::nested_over(html, super::html::MAX_HTML_DEPTH).is_some() {
        return Vec::new();
    }
    let doc = Document::fragment(html);
    let mut out = Vec::new();
    let mut current = String::new();
    blocks_of(&doc.root(), &mut current, &mut out);
    out.push(current);
    out.into_iter().map(|p| repair(&p)).filter(|p| !p.trim().is_empty()).collect()
}

fn blocks_of(node: &NodeRef<'_>, current: &mut String, out: &mut Vec<String>) {
    for child in node.children() {
        if child.is_text() {
            current.push_str(&child.text());
            continue;
        }
        if !child.is_element() {
            continue;
        }
        let name = child.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        match name.as_str() {
            "script" | "style" => {}
            "img" if !current.ends_with(char::is_whitespace) => current.push(' '),
            block if BLOCKS.contains(&block) => {
                out.push(std::mem::take(current));
                blocks_of(&child, current, out);
                out.push(std::mem::take(current));
            }
            _ => blocks_of(&child, current, out),
        }
    }
}

/// `#233`, `#xE9`; code points 128–159 are read as Windows-1252, as
/// browsers do (`&#146;` is a right quote).
fn numeric_ref(num: &str) -> Option<char> {
    let code = match num.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => num.parse().ok()?,
    };
    if (0x80..0xa0).contains(&code) {
        let byte = [u8::try_from(code).ok()?];
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        return text.chars().next();
    }
    char::from_u32(code).filter(|c| *c != '\0')
}

/// Text mangled on its way into the feed: `simplificationet#8230;` is
/// `simplification&#8230;` with its `&` written out as `et` by a French
/// template engine; `&amp;#233;` double-escaped.
fn repair(text: &str) -> String {
    static MANGLED: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(\p{L})et#([0-9]{2,7});").ok());
    let Some(re) = MANGLED.as_ref() else { return text.to_owned() };
    re.replace_all(text, |c: &Captures<'_>| {
        let letter = c.get(1).map_or("", |m| m.as_str());
        let whole = c.get(0).map_or("", |m| m.as_str()).to_owned();
        c.get(2).and_then(|m| numeric_ref(m.as_str())).map_or(whole, |ch| format!("{letter}{ch}"))
    })
    .into_owned()
}

/// The HTML named character references seen in French news feeds.
fn html_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "thinsp" | "ensp" | "emsp" => " ",
        "shy" => "\u{ad}",
        "laquo" => "«",
        "raquo" => "»",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "hellip" => "…",
        "ndash" => "–",
        "mdash" => "—",
        "middot" => "·",
        "bull" => "•",
        "deg" => "°",
        "euro" => "€",
        "pound" => "£",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "sect" => "§",
        "times" => "×",
        "ordm" => "º",
        "ordf" => "ª",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "auml" => "ä",
        "atilde" => "ã",
        "aelig" => "æ",
        "ccedil" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "ecirc" => "ê",
        "euml" => "ë",
        "igrave" => "ì",
        "iacute" => "í",
        "icirc" => "î",
        "iuml" => "ï",
        "ntilde" => "ñ",
        "ograve" => "ò",
        "oacute" => "ó",
        "ocirc" => "ô",
        "ouml" => "ö",
        "otilde" => "õ",
        "oslash" => "ø",
        "oelig" => "œ",
        "ugrave" => "ù",
        "uacute" => "ú",
        "ucirc" => "û",
        "uuml" => "ü",
        "yuml" => "ÿ",
        "Agrave" => "À",
        "Aacute" => "Á",
        "Acirc" => "Â",
        "Auml" => "Ä",
        "AElig" => "Æ",
        "Ccedil" => "Ç",
        "Egrave" => "È",
        "Eacute" => "É",
        "Ecirc" => "Ê",
        "Euml" => "Ë",
        "Icirc" => "Î",
        "Iuml" => "Ï",
        "Ntilde" => "Ñ",
        "Ocirc" => "Ô",
        "Ouml" => "Ö",
        "OElig" => "Œ",
        "Ugrave" => "Ù",
        "Ucirc" => "Û",
        "Uuml" => "Ü",
        "Yuml" => "Ÿ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(
        path: &Path,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<super::super::Items, Error> {
        let (items, end) = crate::ingest::collect(|each| read(path, bytes, options, each));
        end.map_or(Ok(items), Err)
    }

    fn read_bytes(bytes: &[u8]) -> Vec<Article> {
        read_all(Path::new("f.xml"), bytes, &ReadOptions::default())
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect()
    }

    fn texts(a: &Article) -> Vec<(Role, &str)> {
        a.paragraphs.iter().map(|p| (p.role, p.text.as_str())).collect()
    }

    #[test]
    fn atom_entries() {
        let feed = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title type="text">Le Blog Défense</title>
  <entry>
    <title type="html">L&apos;OTAN &lt;em&gt;renforce&lt;/em&gt; son flanc est</title>
    <link rel="self" href="https://example.org/self"/>
    <link rel="alternate" href="https://example.org/otan?utm_source=rss&amp;id=3"/>
    <updated>2025-02-10T09:15:30.250+01:00</updated>
    <author><name>Jean Dupont</name><email>jd@example.org</email></author>
    <summary>Résumé.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Premier &amp; seul <b>paragraphe</b>.</p><p>3 &lt; 5.</p></div></content>
  </entry>
  <entry>
    <title>Brève</title>
    <id>urn:x</id>
    <published>2025-02-09</published>
    <summary type="html">&lt;p&gt;Un.&lt;br&gt;Deux.&lt;/p&gt;</summary>
  </entry>
</feed>"#;
        let all = read_bytes(feed.as_bytes());
        assert_eq!(all.len(), 2);
        let a = &all[0];
        assert_eq!(a.title.as_deref(), Some("L'OTAN renforce son flanc est"));
        assert_eq!(a.origin, "https://example.org/otan?id=3");
        assert_eq!(a.published.as_deref(), Some("2025-02-10T09:15:30+01:00"));
        assert_eq!(a.byline.as_deref(), Some("Jean Dupont"));
        assert_eq!(a.publisher.as_deref(), Some("Le Blog Défense"));
        assert_eq!(a.lang, "fr-FR");
        assert_eq!(a.meta.get("feed_format").map(String::as_str), Some("atom"));
        assert_eq!(
            texts(a),
            [
                (Role::Title, "L'OTAN renforce son flanc est"),
                (Role::Body, "Premier & seul paragraphe."),
                (Role::Body, "3 < 5.")
            ]
        );
        let b = &all[1];
        assert_eq!(b.origin, "f.xml:13");
        assert_eq!(b.published.as_deref(), Some("2025-02-09"));
        assert_eq!(texts(b)[1..], [(Role::Body, "Un."), (Role::Body, "Deux.")]);
    }

    #[test]
    fn rss_1_0_rdf_with_dublin_core() {
        let feed = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="https://example.org/"><title>Revue</title><d:language>fr-CA</d:language></channel>
  <item rdf:about="https://example.org/1">
    <title>Un titre</title>
    <link>https://example.org/1#xtor=RSS-1</link>
    <description>Court.</description>
    <content:encoded><![CDATA[<p>Long&nbsp;texte.</p><img src="x.jpg"><p>Suite&#8230;</p>]]></content:encoded>
    <d:date>2025-02-10T08:00:00Z</d:date>
    <d:creator>A. B.</d:creator>
    <d:creator>C. D.</d:creator>
  </item>
</rdf:RDF>"#;
        let all = read_bytes(feed.as_bytes());
        let a = &all[0];
        assert_eq!(a.meta.get("feed_format").map(String::as_str), Some("rss 1.0"));
        assert_eq!(a.origin, "https://example.org/1");
        assert_eq!(a.lang, "fr-CA");
        assert_eq!(a.published.as_deref(), Some("2025-02-10T08:00:00+00:00"));
        assert_eq!(a.byline.as_deref(), Some("A. B., C. D."));
        // content:encoded wins over the description.
        assert_eq!(texts(a)[1..], [(Role::Body, "Long\u{a0}texte."), (Role::Body, "Suite…")]);
    }

    #[test]
    fn declared_latin1_sloppy_entities_and_french_dates() {
        let mut feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"0.91\"><channel><title>Arm\xe9es</title>\n".to_vec();
        feed.extend_from_slice(
            b"<item><title>AT&T &eacute;t&eacute; \xe0 Paris</title><author>redac@example.org (Marie Curie)</author>\
              <pubDate>4 f\xe9vrier 2025 \xe0 10h32</pubDate><description>Texte.</description></item></channel></rss>",
        );
        let all = read_bytes(&feed);
        let a = &all[0];
        assert_eq!(a.meta.get("encoding").map(String::as_str), Some("windows-1252"));
        assert_eq!(a.publisher.as_deref(), Some("Armées"));
        assert_eq!(a.title.as_deref(), Some("AT&T été à Paris"));
        assert_eq!(a.byline.as_deref(), Some("Marie Curie"));
        assert_eq!(a.published.as_deref(), Some("2025-02-04"));
        assert_eq!(a.meta.get("published_local_time").map(String::as_str), Some("10:32"));
        let with_offset = read_all(
            Path::new("f.xml"),
            &feed,
            &ReadOptions::default().with_utc_offset_minutes(Some(60)),
        )
        .unwrap();
        let a = with_offset[0].as_ref().unwrap();
        assert_eq!(a.published.as_deref(), Some("2025-02-04T10:32:00+01:00"));
    }

    #[test]
    fn an_unread_date_is_kept_raw() {
        let feed = "<rss><channel><item><title>T</title><pubDate>hier soir</pubDate>\
                    <description>Texte.</description></item></channel></rss>";
        let a = &read_bytes(feed.as_bytes())[0];
        assert_eq!(a.published, None);
        assert_eq!(a.meta.get("published_raw").map(String::as_str), Some("hier soir"));
    }

    #[test]
    fn a_feed_without_items_is_refused() {
        let err = read_all(
            Path::new("f.xml"),
            b"<rss>\n<channel><title>T</title></channel></rss>",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.xml:1: the rss feed has no <item> or <entry>; nothing to translate"
        );
    }

    // See: #15
    #[test]
    fn nesting_past_the_bound_refuses_the_feed_or_the_item() {
        let deep = |n: usize| format!("{}{}", "<x>".repeat(n), "</x>".repeat(n));
        let feed = |inner: &str| {
            format!(
                "<rss version=\"2.0\"><channel><title>F</title>{inner}<item><title>T</title>\
                 <description>Texte.</description></item></channel></rss>"
            )
        };
        assert_eq!(read_bytes(feed(&deep(MAX_DEPTH - 10)).as_bytes()).len(), 1);
        let err =
            read_all(Path::new("f.xml"), feed(&deep(30_000)).as_bytes(), &ReadOptions::default())
                .unwrap_err()
                .to_string();
        assert!(err.ends_with("f.xml:1: elements nested over 1024 deep; the feed is damaged"));
    }

    #[test]
    fn html_becomes_paragraphs() {
        assert_eq!(
            html_blocks(
                "Un<br/>Deux <a href=\"x\">lien</a><script>var a = '<p>';</script><!-- <p>x</p> --><p>Trois &amp; &#146;quatre&#x2019;</p>"
            ),
            ["Un", "Deux lien", "Trois & ’quatre’"]
        );
        assert_eq!(html_blocks("a<img src=\"x\">b"), ["a b"]);
        assert_eq!(html_blocks("x &unknown; y"), ["x &unknown; y"]);
    }

    #[test]
    fn tracking_is_removed_from_links() {
        assert_eq!(clean_link(" https://a.fr/x.html#xtor=RSS-3-[general] "), "https://a.fr/x.html");
        assert_eq!(clean_link("https://a.fr/x?utm_source=rss&utm_medium=feed"), "https://a.fr/x");
        assert_eq!(clean_link("https://a.fr/x?page=2#section"), "https://a.fr/x?page=2#section");
    }

    #[test]
    fn language_tags() {
        assert_eq!(crate::locale::source_tag("fr"), "fr-FR");
        assert_eq!(crate::locale::source_tag("fr-fr"), "fr-FR");
        assert_eq!(crate::locale::source_tag("en_us"), "en-US");
        assert_eq!(crate::locale::source_tag("de"), "de");
    }
}
