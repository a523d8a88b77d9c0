//! The fuzz targets' entry points and the invariants they check, shared by
//! the cargo-fuzz crate (`fuzz/`, nightly) and by the replay of its corpus
//! and crashers as ordinary tests (`tests/it/fuzz_replay.rs`, stable), so
//! that both check exactly the same thing. Not part of the API. See: #15
//!
//! Input: the bytes of one file (or, for the writer and matcher targets, a
//! small encoding of an article or of a glossary and a text, described at
//! [`Target`]). Output: `Ok` when every invariant holds, else the
//! [`Violation`]. A panic, a hang or runaway memory is a finding too; the
//! fuzzer catches those itself (`-timeout`, `-rss_limit_mb`).
//!
//! Invariants, for every input:
//! - readers return articles or an error whose message can be printed;
//! - every article's paragraphs split into segments that are slices of the
//!   paragraph, in order, with only white space between them, so that the
//!   segments join back to the paragraph;
//! - what the XLIFF 1.2 and 2.1 writers write, the reader reads back with
//!   the same units, sources and targets (the characters XML 1.0 forbids
//!   dropped, as the writers document), and [`crate::check::validate`]
//!   finds nothing wrong in it;
//! - every term hit is a non-empty span on character boundaries of its
//!   segment, holding the text the hit reports.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::glossary::{Glossary, Matcher};
use crate::ingest::ReadOptions;
use crate::model::{Article, Origin, Paragraph, Role, Segment};
use crate::segment::Segmenter;
use crate::xliff::{self, WriteOptions};

/// One fuzz target: a parser and the invariants checked on what it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// Scraped plain text (`.txt`).
    Text,
    /// An HTML article page.
    Html,
    /// An RSS or Atom feed.
    Feed,
    /// NewsML 1.2 or G2.
    NewsMl,
    /// A bare NITF document (read by the NewsML reader).
    Nitf,
    /// JSON Lines.
    JsonLines,
    /// A TBX termbase, then the matcher built from it.
    Tbx,
    /// A CSV glossary, then the matcher built from it.
    Csv,
    /// A TMX translation memory.
    Tmx,
    /// Any XLIFF document: the reader and `check`'s structural validation.
    XliffRead,
    /// An article built from the input (see [`article_from`]), written as
    /// XLIFF 1.2 and 2.1 and read back.
    XliffRoundTrip,
    /// The French sentence segmenter.
    Segmenter,
    /// The term matcher: a CSV glossary, a line `---`, then the text; or,
    /// without that line, the shipped glossaries over the whole input.
    Matcher,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 13] = [
        Target::Text,
        Target::Html,
        Target::Feed,
        Target::NewsMl,
        Target::Nitf,
        Target::JsonLines,
        Target::Tbx,
        Target::Csv,
        Target::Tmx,
        Target::XliffRead,
        Target::XliffRoundTrip,
        Target::Segmenter,
        Target::Matcher,
    ];

    /// The name of the cargo-fuzz target and of its corpus folder.
    pub fn name(self) -> &'static str {
        match self {
            Target::Text => "text",
            Target::Html => "html",
            Target::Feed => "feed",
            Target::NewsMl => "newsml",
            Target::Nitf => "nitf",
            Target::JsonLines => "jsonl",
            Target::Tbx => "tbx",
            Target::Csv => "csv",
            Target::Tmx => "tmx",
            Target::XliffRead => "xliff_read",
            Target::XliffRoundTrip => "xliff_roundtrip",
            Target::Segmenter => "segmenter",
            Target::Matcher => "matcher",
        }
    }

    /// The file name a reader is given, so that errors read as usual.
    fn file_name(self) -> &'static str {
        match self {
            Target::Text => "fuzz.txt",
            Target::Html => "fuzz.html",
            Target::JsonLines => "fuzz.jsonl",
            Target::Tbx => "fuzz.tbx",
            Target::Csv | Target::Matcher => "fuzz.csv",
            Target::Tmx => "fuzz.tmx",
            _ => "fuzz.xml",
        }
    }
}

/// An invariant that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation(pub String);

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Violation {}

fn fail<T>(message: impl Into<String>) -> Result<T, Violation> {
    Err(Violation(message.into()))
}

/// Runs `target` on `data` and checks its invariants.
pub fn run(target: Target, data: &[u8]) -> Result<(), Violation> {
    let path = PathBuf::from(target.file_name());
    let options = ReadOptions::default();
    match target {
        Target::Text => articles(vec![crate::ingest::txt::read(&path, data, &options)]),
        Target::Html => articles(vec![crate::ingest::html::read(&path, data, &options)]),
        // Files of many articles are read in memory, and item by item as
        // the bytes come when larger than one article: both paths run.
        Target::Feed => {
            items(crate::ingest::collect(|each| {
                crate::ingest::feed::read(&path, data, &options, each)
            }))?;
            items(crate::ingest::collect(|each| {
                crate::ingest::feed::read_stream(&path, data, &options, each)
            }))
        }
        Target::NewsMl | Target::Nitf => {
            items(crate::ingest::collect(|each| {
                crate::ingest::newsml::read(&path, data, &options, each)
            }))?;
            items(crate::ingest::collect(|each| {
                crate::ingest::newsml::read_stream(&path, data, &options, each)
            }))
        }
        Target::JsonLines => {
            items(crate::ingest::collect(|each| {
                crate::ingest::jsonl::read(&path, data, &options, each)
            }))?;
            items(crate::ingest::collect(|each| {
                crate::ingest::jsonl::read_stream(&path, data, &options, each)
            }))
        }
        Target::Tbx => {
            let text = String::from_utf8_lossy(data);
            let mut entries = Vec::new();
            match crate::glossary::tbx::parse(&path, &text, &mut entries) {
                Ok(()) => terms(&Glossary::from_entries(entries).matcher("en-GB"), SAMPLE),
                Err(error) => printable(&error),
            }
        }
        Target::Csv => {
            let text = String::from_utf8_lossy(data);
            let mut entries = Vec::new();
            match crate::glossary::csv::parse(&path, &text, b',', &mut entries) {
                Ok(()) => terms(&Glossary::from_entries(entries).matcher("en-GB"), SAMPLE),
                Err(error) => printable(&error),
            }
        }
        Target::Tmx => {
            let text = String::from_utf8_lossy(data);
            match crate::tm::tmx::parse(&path, &text) {
                Ok(_) => Ok(()),
                Err(error) => printable(&error),
            }
        }
        Target::XliffRead => {
            let text = String::from_utf8_lossy(data);
            if let Err(error) = xliff::read(&text) {
                printable(&error)?;
            }
            // The structural check of `depeche check` reads the same text.
            let _ = crate::check::validate(&text);
            Ok(())
        }
        Target::XliffRoundTrip => {
            let (version, article) = article_from(data);
            roundtrip(&article, version)
        }
        Target::Segmenter => {
            let text = String::from_utf8_lossy(data);
            segments_join(&text, &segmenter().split(&text))
        }
        Target::Matcher => {
            let text = String::from_utf8_lossy(data);
            match text.split_once("\n---\n") {
                Some((glossary, text)) => {
                    let mut entries = Vec::new();
                    if crate::glossary::csv::parse(&path, glossary, b',', &mut entries).is_err() {
                        return Ok(());
                    }
                    terms(&Glossary::from_entries(entries).matcher("en-GB"), text)
                }
                None => terms(shipped_matcher(), &text),
            }
        }
    }
}

/// A text with a few terms of the shipped glossaries, for the matchers
/// built from fuzzed termbases.
const SAMPLE: &str = "Le ministre des Affaires étrangères a salué l'accord de cessez-le-feu \
     signé par l'OTAN, l'ONU et les États-Unis.";

/// The XLIFF versions the writers produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Version {
    /// XLIFF 1.2.
    V12,
    /// XLIFF 2.1.
    V21,
}

/// An article made from arbitrary bytes, for the writer round trip: the
/// first byte picks the XLIFF version (bit 0) and term markup (bit 1); the
/// rest, read as UTF-8 with bad bytes replaced, is split into paragraphs
/// at U+001E, each paragraph into segments at U+001D, each segment into
/// source and target at U+001F (no U+001F: no target).
pub fn article_from(data: &[u8]) -> (Version, Article) {
    let (flags, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
    let version = if flags & 1 == 0 { Version::V12 } else { Version::V21 };
    let text = String::from_utf8_lossy(rest);
    let paragraphs = text
        .split('\u{1e}')
        .enumerate()
        .map(|(i, para)| {
            let segments = para.split('\u{1d}').map(|seg| match seg.split_once('\u{1f}') {
                Some((source, target)) => (source.to_string(), Some(target.to_string())),
                None => (seg.to_string(), None),
            });
            (if i == 0 { Role::Title } else { Role::Body }, segments.collect())
        })
        .collect();
    (version, article(paragraphs, flags & 2 != 0))
}

/// A segment's source, and its target if it has one.
pub type SourceTarget = (String, Option<String>);

/// An article of the given paragraphs (role, then source and target of
/// each segment), ids `p1.s1`, ...; with `mark_terms`, the shipped
/// glossaries' terms are attached so that the writers mark them.
pub fn article(paragraphs: Vec<(Role, Vec<SourceTarget>)>, mark_terms: bool) -> Article {
    let matcher = shipped_matcher();
    let paragraphs = paragraphs
        .into_iter()
        .enumerate()
        .map(|(i, (role, segments))| {
            let id = format!("p{}", i + 1);
            let mut para = Paragraph::new(&id, role, String::new());
            for (j, (source, target)) in segments.into_iter().enumerate() {
                let mut seg = Segment::new(format!("{id}.s{}", j + 1), source);
                if mark_terms {
                    seg.terms = matcher.find(&seg.source);
                }
                if let Some(target) = target {
                    seg.target = Some(target);
                    seg.origin = Origin::Mt { provider: "fuzz".into() };
                }
                para.segments.push(seg);
            }
            para.text =
                para.segments.iter().map(|s| s.source.as_str()).collect::<Vec<_>>().join(" ");
            para
        })
        .collect();
    Article {
        id: "fuzz".into(),
        origin: "fuzz.txt".into(),
        lang: "fr-FR".into(),
        title: None,
        published: None,
        byline: None,
        publisher: None,
        paragraphs,
        meta: Default::default(),
    }
}

/// Writes `article` in `version` and reads it back: the reader must give
/// one unit per segment, in order, with the segment's id, its source and
/// its target (absent when empty), both without the characters XML 1.0
/// forbids; and `check`'s structural validation must pass.
pub fn roundtrip(article: &Article, version: Version) -> Result<(), Violation> {
    let opts = WriteOptions { mark_terms: true, ..WriteOptions::new("en-GB", "fuzz") };
    let written = match version {
        Version::V12 => xliff::write12_report(article, &opts),
        Version::V21 => xliff::write20_report(article, &opts),
    };
    let xml = match written {
        Ok(written) => written.xml,
        // Refusals are typed and name the article; none is expected here,
        // since the ids are generated unique and non-empty.
        Err(error) => return fail(format!("{version:?} writer refused the article: {error}")),
    };
    let doc = match xliff::read(&xml) {
        Ok(doc) => doc,
        Err(error) => {
            return fail(format!("{version:?}: the reader refused what the writer wrote: {error}"));
        }
    };
    let problems = crate::check::validate(&xml);
    if !problems.is_empty() {
        return fail(format!("{version:?}: written file invalid: {problems:?}"));
    }
    // 1.2: one trans-unit per segment; 2.x: one unit per paragraph, with a
    // <segment> per segment.
    let read: Vec<(&str, &str, Option<&str>)> = match version {
        Version::V12 => doc
            .files
            .iter()
            .flat_map(|f| &f.units)
            .map(|u| (u.id.as_str(), u.source.as_str(), u.target.as_deref()))
            .collect(),
        Version::V21 => doc
            .files
            .iter()
            .flat_map(|f| &f.units)
            .flat_map(|u| &u.segments)
            .map(|s| (s.id.as_str(), s.source.as_str(), s.target.as_deref()))
            .collect(),
    };
    let segments: Vec<&Segment> = article.paragraphs.iter().flat_map(|p| &p.segments).collect();
    if read.len() != segments.len() {
        return fail(format!(
            "{version:?}: {} segments written, {} read back",
            segments.len(),
            read.len()
        ));
    }
    for (&(id, source, target), seg) in read.iter().zip(&segments) {
        let expected_source = crate::xml::xml_chars(&seg.source);
        let expected_target =
            seg.target.as_deref().map(crate::xml::xml_chars).filter(|t| !t.is_empty());
        if id != xliff::nmtoken(&seg.id)
            || source != expected_source
            || target != expected_target.as_deref()
        {
            return fail(format!(
                "{version:?}: {id:?} read back as source {source:?} target {target:?}, \
                 written from {:?} source {expected_source:?} target {expected_target:?}",
                seg.id
            ));
        }
    }
    Ok(())
}

/// The items a reader hands over, and the error it ends with, if any.
type Read = (crate::ingest::Items, Option<crate::ingest::Error>);

/// Items read before a fault are whole articles too.
fn items((items, end): Read) -> Result<(), Violation> {
    articles(items)?;
    match end {
        Some(error) => printable(&error),
        None => Ok(()),
    }
}

fn articles(items: Vec<Result<Article, crate::ingest::Error>>) -> Result<(), Violation> {
    for item in items {
        match item {
            Ok(mut article) => article_invariants(&mut article)?,
            Err(error) => printable(&error)?,
        }
    }
    Ok(())
}

/// Segments join back to their paragraph, terms sit on character
/// boundaries, and the article survives both writers.
fn article_invariants(article: &mut Article) -> Result<(), Violation> {
    let segmenter = segmenter();
    for para in &article.paragraphs {
        segments_join(&para.text, &segmenter.split(&para.text))?;
    }
    crate::segment::segment_article(segmenter, article);
    let matcher = shipped_matcher();
    for para in &article.paragraphs {
        for seg in &para.segments {
            terms(matcher, &seg.source)?;
        }
    }
    crate::glossary::annotate(matcher, article);
    roundtrip(article, Version::V12)?;
    roundtrip(article, Version::V21)
}

/// The segments of `text` are non-empty slices of it, in order, each
/// trimmed, with only white space outside them.
pub fn segments_join(text: &str, segments: &[&str]) -> Result<(), Violation> {
    let base = text.as_ptr() as usize;
    let mut at = 0;
    for seg in segments {
        let start = (seg.as_ptr() as usize).wrapping_sub(base);
        let end = start.wrapping_add(seg.len());
        if seg.is_empty() || seg.trim().len() != seg.len() {
            return fail(format!("segment {seg:?} is empty or untrimmed"));
        }
        let Some(gap) = text.get(at..start) else {
            return fail(format!("segment {seg:?} at {start} is not a slice after byte {at}"));
        };
        if text.get(start..end) != Some(*seg) || !gap.trim().is_empty() {
            return fail(format!("text {gap:?} between segments is lost before {seg:?}"));
        }
        at = end;
    }
    match text.get(at..) {
        Some(rest) if rest.trim().is_empty() => Ok(()),
        rest => fail(format!("text {rest:?} after the last segment is lost")),
    }
}

/// Every hit of `matcher` in `text` is a non-empty span on character
/// boundaries that holds the text the hit reports, and hits do not
/// overlap.
pub fn terms(matcher: &Matcher, text: &str) -> Result<(), Violation> {
    let mut last_end = 0;
    for hit in matcher.find(text) {
        let span = text.get(hit.start..hit.end);
        if hit.start >= hit.end || span != Some(hit.text.as_str()) {
            return fail(format!(
                "hit {}..{} ({:?}) is not a span of the text (holds {span:?})",
                hit.start, hit.end, hit.text
            ));
        }
        if hit.start < last_end {
            return fail(format!("hit {}..{} overlaps the one before", hit.start, hit.end));
        }
        last_end = hit.end;
    }
    Ok(())
}

fn printable(error: &dyn std::error::Error) -> Result<(), Violation> {
    let mut source = Some(error);
    while let Some(e) = source {
        if e.to_string().is_empty() {
            return fail(format!("an error prints as nothing: {error:?}"));
        }
        source = e.source();
    }
    Ok(())
}

fn segmenter() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(Segmenter::french)
}

/// The matcher of the glossaries shipped in `glossaries/` (empty when the
/// folder is not there).
fn shipped_matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("glossaries");
        Glossary::load(&[&dir]).unwrap_or_default().matcher("en-GB")
    })
}
