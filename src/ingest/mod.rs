//! Ingest stage: files in, [`Article`]s out.
//!
//! Input: a path (file or folder). Output: articles with metadata and
//! paragraphs (role + normalised text), no segments yet, and a stable id.
//! Guarantees: bytes are decoded (UTF-8 with or without BOM, UTF-16 with a
//! BOM, Windows-1252, ISO-8859-1) and the encoding used is recorded in
//! `meta["encoding"]`; UTF-32 is refused by name rather than misread as
//! UTF-16; an XML file is known by its root element however long the
//! comments and doctype before it; a text or HTML file larger than
//! [`ReadOptions::max_bytes`] is refused before it is read, while feeds,
//! NewsML and JSON Lines are read item by item ([`read_each`]) with that
//! limit on each item, so memory stays flat in the file size; a file that cannot be read gives an [`Error`]
//! naming the file and what to do, never a panic.

use std::fs::File;
use std::io::{BufRead as _, Read as _};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use crate::model::{Article, Paragraph, Role, article_id};
use crate::normalize;

pub(crate) mod feed;
pub(crate) mod html;
pub(crate) mod jsonl;
pub(crate) mod newsml;
mod rfc822;
pub(crate) mod txt;

/// Default for [`ReadOptions::max_bytes`]: 10 MiB, far above any news
/// article (the longest long-reads are a few hundred KB of text).
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Most paragraphs one article may have. Each costs a few hundred bytes of
/// bookkeeping however short it is, so a file of millions of one-word lines
/// would take a hundred times its size in memory; a long news article has a
/// few hundred paragraphs. Over the bound the article fails alone, as soon
/// as its lines are counted.
pub const MAX_PARAGRAPHS: usize = 200_000;

/// Why a file could not be ingested.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: cannot read the file (check that it exists and is readable)")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than the article size limit.
    #[error(
        "{path}: the file is {}, over the {} limit for one article; \
         if it really is one article, raise the limit (--max-article-bytes, or \
         max_article_bytes in depeche.toml)",
        human_size(*.size),
        human_size(*.limit)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (at least `limit + 1` when it could not be known in advance).
        size: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
    /// One item of a feed, NewsML or JSON Lines file is larger than the
    /// article size limit; the other items are read.
    #[error(
        "{path}:{line}: item {item} is {}, over the {} limit for one article; \
         if it really is one article, raise the limit (--max-article-bytes, or \
         max_article_bytes in depeche.toml)",
        human_size(*.size),
        human_size(*.limit)
    )]
    ItemTooLarge {
        /// The file.
        path: PathBuf,
        /// 1-based line where the item starts.
        line: usize,
        /// 1-based number of the item in the file.
        item: usize,
        /// Its size in bytes, as far as it was read.
        size: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
    /// The file is empty or holds only whitespace.
    #[error("{path}: the file is empty; nothing to translate")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Every line of the file is site boilerplate.
    #[error(
        "{path}: the file holds only site boilerplate ({removed} line(s) such as \
         \"Loading...\" or share buttons) and no article text; check the scraper output"
    )]
    OnlyBoilerplate {
        /// The file.
        path: PathBuf,
        /// How many boilerplate lines were found.
        removed: usize,
    },
    /// The file is in a format depeche reads, but not well-formed.
    #[error("{path}:{line}: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line of the fault (0 when unknown).
        line: usize,
        /// What is wrong, and what to do.
        reason: String,
    },
    /// The file is not in a format depeche reads.
    #[error("{path}: {reason}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What was found, and what depeche reads instead.
        reason: String,
    },
    /// The file has a header (title, date) but no body paragraph.
    #[error(
        "{path}: no article text after the title and date; check that the file holds the article body"
    )]
    NoBody {
        /// The file.
        path: PathBuf,
    },
    /// The article has more paragraphs than any news article
    /// ([`MAX_PARAGRAPHS`]).
    #[error(
        "{path}: the article has over {limit} paragraphs, more than any news article \
         (split it into several files)"
    )]
    TooManyParagraphs {
        /// The file.
        path: PathBuf,
        /// The bound.
        limit: usize,
    },
    /// The file is not text in any supported encoding.
    #[error("{path}: {reason}")]
    NotText {
        /// The file.
        path: PathBuf,
        /// Why, and what to do.
        reason: String,
    },
    /// The bytes are neither UTF-8 nor plausible Windows-1252.
    #[error(
        "{path}:{line}: byte 0x{byte:02x} at offset {offset} is not valid utf-8, and the file \
         does not read as windows-1252 either; re-save it as utf-8 (or read it lossily)"
    )]
    InvalidBytes {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: usize,
        /// Byte offset of the first bad byte.
        offset: usize,
        /// The bad byte.
        byte: u8,
    },
}

/// How files are read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Files larger than this many bytes are refused ([`Error::TooLarge`])
    /// without being read. Default [`DEFAULT_MAX_BYTES`].
    pub max_bytes: u64,
    /// Read invalid UTF-8 that is not Windows-1252 anyway, replacing bad
    /// bytes with U+FFFD and saying so in `meta["encoding_note"]`, instead
    /// of failing with [`Error::InvalidBytes`]. Default `false`: a
    /// replacement character in a translation is worse than a clear error.
    pub lossy: bool,
    /// UTC offset in minutes for date lines that give a time but no offset
    /// (`1er mars 2024 à 9h05`). Default `None`: such articles get a bare
    /// date in `published` and the time in `meta["published_local_time"]`.
    pub utc_offset_minutes: Option<i32>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { max_bytes: DEFAULT_MAX_BYTES, lossy: false, utc_offset_minutes: None }
    }
}

impl ReadOptions {
    /// Sets [`ReadOptions::max_bytes`].
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Sets [`ReadOptions::lossy`].
    pub fn with_lossy(mut self, lossy: bool) -> Self {
        self.lossy = lossy;
        self
    }

    /// Sets [`ReadOptions::utc_offset_minutes`].
    pub fn with_utc_offset_minutes(mut self, minutes: Option<i32>) -> Self {
        self.utc_offset_minutes = minutes;
        self
    }
}

/// Reads one file into its articles, with the default [`ReadOptions`].
pub fn read_path(path: &Path) -> Result<Vec<Article>, Error> {
    read_path_with(path, &ReadOptions::default())
}

/// Reads one file into its articles.
///
/// A file of several articles (a feed, JSON Lines) fails as a whole at its
/// first bad item; [`read_items`] keeps the good ones apart from the bad.
pub fn read_path_with(path: &Path, options: &ReadOptions) -> Result<Vec<Article>, Error> {
    read_items(path, options)?.into_iter().collect()
}

/// Reads one file into its articles, one result per article, so that one
/// bad item of a feed or JSON Lines file does not lose the others. The
/// outer error is for the file as a whole (unreadable, too large, not a
/// format depeche reads).
pub fn read_items(path: &Path, options: &ReadOptions) -> Result<Items, Error> {
    let (items, end) = collect(|each| read_each(path, options, each));
    end.map_or(Ok(items), Err)
}

/// Runs a reader that hands articles over one by one and keeps them all,
/// with the error it ended on, if any (the items read before it are whole).
pub(crate) fn collect(read: impl FnOnce(Each<'_>) -> Result<(), Error>) -> (Items, Option<Error>) {
    let mut items = Vec::new();
    let end = read(&mut |item| {
        items.push(item);
        ControlFlow::Continue(())
    })
    .err();
    (items, end)
}

/// What [`read_each`] hands each article to; `Break` stops the reading.
pub type Each<'a> = &'a mut dyn FnMut(Result<Article, Error>) -> ControlFlow<()>;

/// Reads one file and hands each article to `each` as soon as it is read,
/// so that a feed, NewsML or JSON Lines file of any size is never held
/// whole: memory stays at one item (and a read buffer) at a time.
///
/// [`ReadOptions::max_bytes`] is the limit of one article: a text or HTML
/// file past it is refused whole, without being read; a feed, NewsML or
/// JSON Lines file can be larger, and each item past it fails alone
/// ([`Error::ItemTooLarge`], with its line) while the others are read.
/// The error returned is for the file as a whole; it can come after some
/// items were handed over (a feed cut short after its first items).
pub fn read_each(path: &Path, options: &ReadOptions, each: Each<'_>) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.into(), source };
    let file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > options.max_bytes {
        return read_streamed(path, file, size, options, each);
    }
    let bytes = read_limited(path, file, size, options.max_bytes)?;
    if let Some(name) = utf32(&bytes) {
        return Err(utf32_error(path, name));
    }
    // A page is one article: whether the callee asks for more or not,
    // the file is read.
    match Format::detect(path, &bytes) {
        Format::Text => each(txt::read(path, &bytes, options)).continue_value().map_or(Ok(()), Ok),
        Format::Html => each(html::read(path, &bytes, options)).continue_value().map_or(Ok(()), Ok),
        Format::Feed => feed::read(path, &bytes, options, each),
        Format::NewsMl => newsml::read(path, &bytes, options, each),
        Format::JsonLines => jsonl::read(path, &bytes, options, each),
    }
}

/// How much of a file larger than one article is read to tell its format.
const STREAM_HEAD: usize = 1024 * 1024;

/// A file larger than one article: read item by item when its format has
/// items, else refused unread.
fn read_streamed(
    path: &Path,
    file: File,
    size: u64,
    options: &ReadOptions,
    each: Each<'_>,
) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.into(), source };
    let mut reader = std::io::BufReader::with_capacity(STREAM_HEAD, file);
    let head = reader.fill_buf().map_err(io)?;
    if let Some(name) = utf32(head) {
        return Err(utf32_error(path, name));
    }
    let too_large = || Error::TooLarge { path: path.into(), size, limit: options.max_bytes };
    match Format::detect(path, head) {
        Format::Feed => feed::read_stream(path, reader, options, each),
        Format::NewsMl => newsml::read_stream(path, reader, options, each),
        Format::JsonLines => jsonl::read_stream(path, reader, options, each),
        Format::Text | Format::Html => Err(too_large()),
    }
}

fn utf32_error(path: &Path, name: &str) -> Error {
    Error::NotText {
        path: path.into(),
        reason: format!(
            "the file is {name}, which depeche does not read; re-save it as UTF-8 \
             (or UTF-16 with a byte-order mark)"
        ),
    }
}

/// The articles of one file, each read or refused on its own.
pub type Items = Vec<Result<Article, Error>>;

/// The input formats depeche reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Scraped plain text (`.txt`).
    Text,
    /// An article page (`.html`, `.htm`).
    Html,
    /// An RSS 0.9x/1.0/2.0 or Atom feed: one article per item.
    Feed,
    /// IPTC NewsML 1.2 or NewsML-G2, or a bare NITF document.
    NewsMl,
    /// JSON Lines: one article object per line.
    JsonLines,
}

impl Format {
    /// The format of a file: by extension, and for `.xml` (or an extension
    /// that lies) by its first element, so that an HTML page saved as a feed
    /// is read as a page.
    pub fn detect(path: &Path, bytes: &[u8]) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => return Format::Text,
            "jsonl" | "ndjson" => return Format::JsonLines,
            _ => {}
        }
        match sniff(bytes) {
            Some(format) => format,
            None if matches!(ext.as_str(), "html" | "htm") => Format::Html,
            None => Format::Text,
        }
    }
}

/// The format named by the first element of an XML or HTML document.
///
/// The prolog (declaration, comments, doctype) can be of any length: the
/// head is decoded 4 KiB first, then sixteen times more each time the
/// prolog runs past its end, so the work stays linear in the file size.
fn sniff(bytes: &[u8]) -> Option<Format> {
    let mut max = SNIFF_HEAD;
    loop {
        // Decoded as the XML readers will decode it, so that a UTF-16 wire
        // is recognised too.
        let head = crate::xml::decode_head(bytes, max).to_ascii_lowercase();
        let complete = max >= bytes.len();
        match sniff_head(&head) {
            Sniffed::Format(format) => return format,
            Sniffed::CutShort if !complete => max = max.saturating_mul(16),
            Sniffed::CutShort => return None,
        }
    }
}

/// How much of a file [`sniff`] decodes first.
const SNIFF_HEAD: usize = 4096;

/// What the head of a document tells.
enum Sniffed {
    /// The format (or `None`: not a document depeche recognises by content).
    Format(Option<Format>),
    /// The prolog or the root element's name runs past the end of the head.
    CutShort,
}

fn sniff_head(head: &str) -> Sniffed {
    let mut rest = head;
    // Skip the declaration, comments, processing instructions and doctypes
    // other than HTML's.
    loop {
        rest = rest.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if rest.starts_with("<!doctype html") {
            return Sniffed::Format(Some(Format::Html));
        }
        let skip = ["<?", "<!--", "<!"].iter().find(|p| rest.starts_with(**p));
        let Some(prefix) = skip else { break };
        // A doctype's internal subset (`[<!ENTITY ...> ]`) holds `>` of its own.
        let subset = *prefix == "<!"
            && rest.find('[').is_some_and(|open| rest.find('>').is_none_or(|gt| open < gt));
        let end = match *prefix {
            "<!--" => "-->",
            _ if subset => "]>",
            _ => ">",
        };
        match rest.find(end) {
            Some(i) => rest = rest.get(i + end.len()..).unwrap_or(""),
            None => return Sniffed::CutShort,
        }
    }
    if rest.is_empty() || (rest.starts_with('<') && !rest.contains(['>', '/', ' ', '\n'])) {
        return Sniffed::CutShort;
    }
    let Some(tag) = rest.strip_prefix('<') else { return Sniffed::Format(None) };
    let name: String =
        tag.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
    let local = name.rsplit(':').next().unwrap_or(&name);
    Sniffed::Format(match local {
        "rss" | "feed" | "rdf" => Some(Format::Feed),
        "newsml" | "newsitem" | "newsmessage" | "nitf" => Some(Format::NewsMl),
        "html" | "head" | "body" => Some(Format::Html),
        _ => None,
    })
}

/// The name of the UTF-32 encoding the bytes are in, by their byte-order
/// mark or the pattern of a `<` in four-byte units. `encoding_rs` (and the
/// WHATWG standard it follows) has no UTF-32, and would read the mark
/// `FF FE 00 00` as UTF-16LE and the text as garbage.
fn utf32(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xff\xfe\0\0") || bytes.starts_with(b"<\0\0\0") {
        Some("UTF-32LE")
    } else if bytes.starts_with(b"\0\0\xfe\xff") || bytes.starts_with(b"\0\0\0<") {
        Some("UTF-32BE")
    } else {
        None
    }
}

/// An XML document's text (NewsML, NITF, feeds): what a byte-order mark or
/// the declaration says (see [`crate::xml::decode_declared`]), else the
/// same detection as for text files. A declaration naming an encoding
/// depeche does not know is refused, unless `lenient` (feeds), when it is
/// passed over.
pub(crate) fn decode_xml(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    lenient: bool,
) -> Result<crate::xml::Decoded, Error> {
    use crate::xml;
    match xml::decode_declared(bytes, options.lossy) {
        Ok(Some(decoded)) => return Ok(decoded),
        Ok(None) => {}
        Err(xml::Error::UnknownEncoding { .. }) if lenient => {}
        Err(xml::Error::UnknownEncoding { label }) => {
            return Err(Error::Unsupported {
                path: path.into(),
                reason: format!(
                    "the XML declaration names the encoding {label:?}, which depeche does not \
                     know; re-save the file as UTF-8"
                ),
            });
        }
        Err(xml::Error::Undecodable { encoding: name, from: xml::Source::Bom, .. }) => {
            return Err(Error::NotText {
                path: path.into(),
                reason: format!(
                    "the file starts with a {name} byte-order mark but is not valid {name}"
                ),
            });
        }
        Err(e) => {
            let name = match &e {
                xml::Error::Undecodable { encoding, .. } => encoding.as_str(),
                _ => "its encoding",
            };
            return Err(Error::NotText {
                path: path.into(),
                reason: format!(
                    "the file declares {name} but holds bytes {name} leaves undefined \
                     ({e}); fix the declaration or re-save the file as UTF-8"
                ),
            });
        }
    }
    let decoded = normalize::encoding::decode(bytes, options.lossy).map_err(|e| match e {
        normalize::encoding::DecodeError::Binary(reason) => {
            Error::NotText { path: path.into(), reason }
        }
        normalize::encoding::DecodeError::Invalid { offset, byte, line } => {
            Error::InvalidBytes { path: path.into(), line, offset, byte }
        }
    })?;
    Ok(crate::xml::Decoded {
        text: decoded.text,
        encoding: decoded.encoding.to_owned(),
        note: decoded.note,
        source: crate::xml::Source::Fallback,
    })
}

/// What a reader found in one article, before normalisation and ids.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    /// Path or URL of the article.
    pub(crate) origin: String,
    /// Language tag, when the source says (default `fr-FR`).
    pub(crate) lang: Option<String>,
    /// Headline.
    pub(crate) title: Option<String>,
    /// RFC 3339 time or bare date.
    pub(crate) published: Option<String>,
    /// Author line.
    pub(crate) byline: Option<String>,
    /// Publisher or site name.
    pub(crate) publisher: Option<String>,
    /// Body paragraphs (not the title) with their roles, as found.
    pub(crate) paragraphs: Vec<(Role, String)>,
    /// Metadata; `format` and `encoding` at least.
    pub(crate) meta: BTreeMap<String, String>,
}

impl Draft {
    /// The article: text normalised, empty paragraphs dropped, the title as
    /// paragraph `p1`, ids given. Fails when no body text is left.
    pub(crate) fn finish(self, path: &Path) -> Result<Article, Error> {
        self.finish_with(path, false)
    }

    /// [`Draft::finish`], but a headline alone makes an article: a feed
    /// item with a title and no description is still a headline to
    /// translate.
    pub(crate) fn finish_headline(self, path: &Path) -> Result<Article, Error> {
        self.finish_with(path, true)
    }

    fn finish_with(self, path: &Path, headline_alone: bool) -> Result<Article, Error> {
        let title = self.title.map(|t| normalize::text(&t)).filter(|t| !t.is_empty());
        let mut paragraphs = Vec::with_capacity(self.paragraphs.len() + 1);
        if let Some(t) = &title {
            paragraphs.push((Role::Title, t.clone()));
        }
        let before = paragraphs.len();
        for (role, text) in self.paragraphs {
            let text = normalize::text(&text);
            if !text.is_empty() {
                paragraphs.push((role, text));
            }
        }
        if paragraphs.len() == before && !(headline_alone && before > 0) {
            return Err(Error::NoBody { path: path.into() });
        }
        if paragraphs.len() > MAX_PARAGRAPHS {
            return Err(Error::TooManyParagraphs { path: path.into(), limit: MAX_PARAGRAPHS });
        }
        let paragraphs: Vec<Paragraph> = paragraphs
            .into_iter()
            .enumerate()
            .map(|(i, (role, text))| Paragraph::new(format!("p{}", i + 1), role, text))
            .collect();
        let full_text: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
        let id = article_id(self.published.as_deref(), title.as_deref(), &full_text.join("\n\n"));
        Ok(Article {
            id,
            origin: self.origin,
            // A tag that is not BCP 47 (`enUS-`) would be sent to providers
            // and then refused by the XLIFF writers after translation: the
            // article is read as French, the default. See: #15
            lang: self
                .lang
                .filter(|l| language_tags::LanguageTag::parse(l).is_ok())
                .unwrap_or_else(|| "fr-FR".into()),
            title,
            published: self.published,
            byline: self.byline.map(|b| normalize::text(&b)).filter(|b| !b.is_empty()),
            publisher: self.publisher.map(|p| normalize::text(&p)).filter(|p| !p.is_empty()),
            paragraphs,
            meta: self.meta,
        })
    }
}

/// Reads at most `limit` bytes; the size check comes first so that a huge
/// file is refused without being loaded, and the bounded read still holds
/// for files whose size is unknown in advance (pipes, `/dev/zero`).
fn read_limited(path: &Path, file: File, size: u64, limit: u64) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io { path: path.into(), source };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(Error::TooLarge { path: path.into(), size: read, limit });
    }
    Ok(bytes)
}

/// `10 MiB`, `52.4 MB`: sizes for error messages.
fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1_000_000 {
        #[expect(clippy::cast_precision_loss, reason = "one decimal is shown")]
        let mb = bytes as f64 / 1_000_000.0;
        format!("{mb:.1} MB ({bytes} bytes)")
    } else {
        format!("{bytes} bytes")
    }
}

/// Lists the article files under `inputs` (files as given, folders walked
/// recursively in name order, hidden files skipped, each folder entered
/// once however many links lead to it).
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            crate::walk::files(input, &is_article_file, &mut out)
                .map_err(|(path, source)| Error::Io { path, source })?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// File extensions read as articles when walking a folder.
fn is_article_file(path: &Path) -> bool {
    const READ: &[&str] =
        &["txt", "text", "html", "htm", "xml", "rss", "atom", "nitf", "jsonl", "ndjson"];
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| READ.iter().any(|r| e.eq_ignore_ascii_case(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(DEFAULT_MAX_BYTES), "10 MiB");
        assert_eq!(human_size(52_428_801), "52.4 MB (52428801 bytes)");
        assert_eq!(human_size(900), "900 bytes");
    }

    #[test]
    fn article_files_by_extension() {
        assert!(is_article_file(Path::new("a/b.txt")));
        assert!(is_article_file(Path::new("a/b.TXT")));
        assert!(!is_article_file(Path::new("a/b.xlf")));
        assert!(!is_article_file(Path::new("a/txt")));
    }
}
