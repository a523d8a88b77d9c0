//! Merge: reviewed XLIFF in, the final target-language article out.
//!
//! Input: an XLIFF 1.2 or 2.x [`Document`] as depeche wrote it and as a CAT
//! tool saved it back after review. Output: one [`Merged`] per `<file>`: the
//! target-language article (title, headings and paragraphs in order, the
//! header metadata), the confirmed sentence pairs to feed back into the
//! translation memory as human work, and the units still needing work.
//!
//! Guarantees:
//!
//! - Only targets a human stood behind become memory entries; the rule is
//!   [`Confirmation::of`], the same for every caller.
//! - An unfinished file is refused as a whole ([`Error::Unfinished`]) unless
//!   [`Options::allow_untranslated`] is set, so no half-reviewed article is
//!   ever published by mistake.
//! - Output names ([`Article::file_name`]) are plain file names: they can
//!   never escape the output folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::Role;
use crate::tm::{EntryOrigin, NewEntry};
use crate::xliff::{self, Document, File, Unit, is_language_tag};

/// How many unit ids an error message lists before saying how many more.
const MAX_IDS_SHOWN: usize = 10;

/// Why a file could not be merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read or is not XLIFF.
    #[error(transparent)]
    Read(#[from] xliff::Error),
    /// The file is not XML at all.
    #[error(
        "{path}: not an XLIFF file (it is not XML); give the .xlf files depeche translate wrote, \
         as the CAT tool saved them"
    )]
    NotXml {
        /// The file.
        path: PathBuf,
    },
    /// The document holds no `<file>` or no unit.
    #[error("{path}: the XLIFF file holds no translatable unit; nothing to merge")]
    Empty {
        /// The XLIFF file.
        path: PathBuf,
    },
    /// The `<file>` has no target language, so the output cannot be named.
    #[error("{path}: the file has no target language (set target-language in 1.2, trgLang in 2.x)")]
    NoTargetLanguage {
        /// The XLIFF file.
        path: PathBuf,
    },
    /// The target language is not a language tag.
    #[error("{path}: target language {tag:?} is not a BCP 47 tag (write it like en-GB)")]
    BadTargetLanguage {
        /// The XLIFF file.
        path: PathBuf,
        /// The rejected tag.
        tag: String,
    },
    /// Some units are untranslated or not reviewed.
    #[error(
        "{path}: {}; finish them or use --allow-untranslated",
        unfinished(untranslated, unreviewed)
    )]
    Unfinished {
        /// The XLIFF file.
        path: PathBuf,
        /// Units with no target.
        untranslated: Vec<String>,
        /// Units whose target no human confirmed (machine translation,
        /// fuzzy match, a state asking for review).
        unreviewed: Vec<String>,
    },
}

/// What a merge may accept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Keep the source text for missing targets and use unreviewed targets
    /// as they are, instead of refusing the file.
    pub allow_untranslated: bool,
}

impl Options {
    /// Options that refuse unfinished files.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`allow_untranslated`](Self::allow_untranslated).
    pub fn allow_untranslated(mut self, allow: bool) -> Self {
        self.allow_untranslated = allow;
        self
    }
}

/// Where a sentence's target stands after review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Confirmation {
    /// No target.
    Untranslated,
    /// A target nobody confirmed: machine translation, a fuzzy match, or a
    /// state asking for (re)translation or review.
    Unreviewed,
    /// A target a human translated, reviewed or signed off.
    Confirmed,
}

impl Confirmation {
    /// The rule, for one target with its XLIFF `state` and qualifier (1.2
    /// `state-qualifier`, 2.x `subState`) and the 1.2 `approved` flag:
    ///
    /// - no target, or an empty one: untranslated;
    /// - `approved="yes"` (1.2): confirmed;
    /// - state `signed-off` or `final` (1.2), `reviewed` or `final` (2.x):
    ///   confirmed;
    /// - state `translated`: confirmed unless the qualifier says the text is
    ///   a machine or memory suggestion (`leveraged-mt`, `mt-suggestion`,
    ///   `fuzzy-match`, `tm-suggestion`, `rejected-*`, or a 2.x subState
    ///   such as `depeche:mt-deepl`, `depeche:tm`, `pipeline:mt`);
    /// - anything else (`needs-review-translation`, `needs-translation`,
    ///   `new`, no state, 2.x `initial`): unreviewed.
    pub fn of(
        target: Option<&str>,
        state: Option<&str>,
        qualifier: Option<&str>,
        approved: bool,
    ) -> Self {
        if target.is_none_or(|t| t.trim().is_empty()) {
            return Confirmation::Untranslated;
        }
        if approved {
            return Confirmation::Confirmed;
        }
        match state.map(str::trim) {
            Some("signed-off" | "final" | "reviewed") => Confirmation::Confirmed,
            Some("translated") if !qualifier.is_some_and(machine_qualifier) => {
                Confirmation::Confirmed
            }
            _ => Confirmation::Unreviewed,
        }
    }
}

/// True for a qualifier (1.2) or subState (2.x) naming machine output or an
/// unconfirmed suggestion. A 2.x subState is `prefix:value`; only the value
/// counts.
fn machine_qualifier(qualifier: &str) -> bool {
    let q = qualifier.trim().to_ascii_lowercase();
    let value = q.rsplit(':').next().unwrap_or_default();
    matches!(
        value,
        "leveraged-mt" | "mt-suggestion" | "fuzzy-match" | "tm-suggestion" | "mt" | "tm"
    ) || value.starts_with("mt-")
        || value.starts_with("rejected-")
}

/// The target-language article rebuilt from one reviewed `<file>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Article {
    /// Article id: the `id:` header note, or a slug of the XLIFF file name.
    pub id: String,
    /// Target language (`en-GB`).
    pub lang: String,
    /// Source language (`fr-FR`).
    pub source_lang: String,
    /// The translated headline (the title paragraph), if the file has one.
    pub title: Option<String>,
    /// Publication date as written in the `published:` note.
    pub published: Option<String>,
    /// The `publisher:` note.
    pub publisher: Option<String>,
    /// Where the source article came from (the `origin:` note).
    pub origin: Option<String>,
    /// Headings and body paragraphs in reading order, the title excluded.
    pub paragraphs: Vec<Paragraph>,
}

/// One rebuilt paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Paragraph {
    /// Paragraph id (`p3`), or the unit id when the file has no groups.
    pub id: String,
    /// `paragraph`, `heading`, `quote` or `caption`.
    #[serde(serialize_with = "role_name")]
    pub role: Role,
    /// The sentences, joined with one space.
    pub text: String,
}

fn role_name<S: serde::Serializer>(role: &Role, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(role.as_str())
}

/// One merged `<file>`: the article, the memory entries and what was let
/// through under [`Options::allow_untranslated`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Merged {
    /// The rebuilt article.
    pub article: Article,
    /// Confirmed sentence pairs, as human translations.
    pub entries: Vec<NewEntry>,
    /// Sentences with a target not fed to the memory (not confirmed).
    pub skipped: usize,
    /// Units kept in the source language (no target).
    pub kept_source: Vec<String>,
    /// Units whose unconfirmed target was used as it is.
    pub used_unreviewed: Vec<String>,
}

/// Output format of the rebuilt article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Plain text in the scraped-article shape the ingest reads.
    #[default]
    Txt,
    /// Markdown: `#` title, `##` headings.
    Md,
    /// JSON: id, lang, title, published, publisher, paragraphs.
    Json,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Json => "json",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "txt" | "text" => Ok(Format::Txt),
            "md" | "markdown" => Ok(Format::Md),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format {other:?} (use txt, md or json)")),
        }
    }
}

/// Reads the XLIFF file at `path` and merges each of its `<file>`s.
pub fn merge_path(path: &Path, options: Options) -> Result<Vec<Merged>, Error> {
    if !looks_like_xml(path) {
        return Err(Error::NotXml { path: path.into() });
    }
    let doc = xliff::read_file(path)?;
    merge_document(&doc, path, options)
}

/// False when the first characters of the file cannot start an XML
/// document; unreadable files pass, so the reader reports why.
fn looks_like_xml(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 256];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return true;
    };
    let head = head.get(..n).unwrap_or_default();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b == b'<')
}

/// Merges each `<file>` of `doc`, read from `path` (named in errors and
/// used for the id when the file carries no `id:` note).
pub fn merge_document(doc: &Document, path: &Path, options: Options) -> Result<Vec<Merged>, Error> {
    if doc.files.iter().all(|f| f.units.is_empty()) {
        return Err(Error::Empty { path: path.into() });
    }
    let stem = file_stem_slug(path);
    let many = doc.files.len() > 1;
    doc.files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.units.is_empty())
        .map(|(i, f)| {
            let fallback = if many { format!("{stem}-{}", i + 1) } else { stem.clone() };
            merge_file(f, path, &fallback, options)
        })
        .collect()
}

/// One sentence of the file: the unit (or 2.x segment) that holds it.
struct Sentence<'a> {
    id: String,
    source: &'a str,
    target: Option<&'a str>,
    confirmation: Confirmation,
}

/// Merges one `<file>`; `fallback_id` names the article when the file has
/// no `id:` note.
fn merge_file(
    file: &File,
    path: &Path,
    fallback_id: &str,
    options: Options,
) -> Result<Merged, Error> {
    let lang = file
        .target_lang
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| Error::NoTargetLanguage { path: path.into() })?;
    if !is_language_tag(lang) {
        return Err(Error::BadTargetLanguage { path: path.into(), tag: lang.into() });
    }

    // Paragraphs: consecutive units of one group (1.2 as depeche writes it),
    // or one unit each (2.x units, ungrouped 1.2 files).
    let mut paragraphs: Vec<(String, Role, Vec<Sentence<'_>>)> = Vec::new();
    for unit in &file.units {
        let sentences = sentences(unit);
        let same_group = unit.group.is_some()
            && paragraphs.last().is_some_and(|(id, _, _)| Some(id) == unit.group.as_ref());
        match paragraphs.last_mut() {
            Some((_, _, list)) if same_group => list.extend(sentences),
            _ => {
                let id = unit.group.clone().unwrap_or_else(|| unit.id.clone());
                paragraphs.push((id, role_of(unit.kind.as_deref()), sentences));
            }
        }
    }

    let all = || paragraphs.iter().flat_map(|(_, _, s)| s);
    let untranslated: Vec<String> = all()
        .filter(|s| s.confirmation == Confirmation::Untranslated)
        .map(|s| s.id.clone())
        .collect();
    let unreviewed: Vec<String> = all()
        .filter(|s| s.confirmation == Confirmation::Unreviewed)
        .map(|s| s.id.clone())
        .collect();
    if !options.allow_untranslated && (!untranslated.is_empty() || !unreviewed.is_empty()) {
        return Err(Error::Unfinished { path: path.into(), untranslated, unreviewed });
    }

    let entries: Vec<NewEntry> = all()
        .filter(|s| s.confirmation == Confirmation::Confirmed)
        .filter_map(|s| {
            let target = s.target?;
            Some(NewEntry::new(
                s.source.trim(),
                target.trim(),
                file.source_lang.as_str(),
                lang,
                EntryOrigin::Human,
            ))
        })
        .collect();

    let note = |key: &str| header_note(file, key);
    let mut article = Article {
        id: note("id").map(|id| slug(&id)).filter(|id| !id.is_empty()).unwrap_or_else(|| {
            if fallback_id.is_empty() { "article".into() } else { fallback_id.into() }
        }),
        lang: lang.into(),
        source_lang: file.source_lang.clone(),
        title: None,
        published: note("published"),
        publisher: note("publisher"),
        origin: note("origin").or_else(|| Some(file.original.clone()).filter(|o| !o.is_empty())),
        paragraphs: Vec::new(),
    };
    for (id, role, sentences) in &paragraphs {
        let text = join(sentences.iter().map(|s| s.target.unwrap_or(s.source)));
        if text.is_empty() {
            continue;
        }
        if *role == Role::Title && article.title.is_none() {
            article.title = Some(text);
        } else {
            article.paragraphs.push(Paragraph { id: id.clone(), role: *role, text });
        }
    }
    Ok(Merged {
        article,
        skipped: unreviewed.len(),
        entries,
        kept_source: untranslated,
        used_unreviewed: unreviewed,
    })
}

/// The sentences of a unit: its 2.x segments (or 1.2 `<seg-source>` marks
/// when every one has a target), else the unit itself.
fn sentences(unit: &Unit) -> Vec<Sentence<'_>> {
    let marks_aligned = unit.segments.len() > 1 && unit.segments.iter().all(|s| s.target.is_some());
    let two = unit.segments.iter().any(|s| s.state.is_some());
    if two && !unit.segments.is_empty() {
        let many = unit.segments.len() > 1;
        return unit
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| Sentence {
                id: match (s.id.is_empty(), many) {
                    (false, _) => s.id.clone(),
                    (true, true) => format!("{}#{}", unit.id, i + 1),
                    (true, false) => unit.id.clone(),
                },
                source: &s.source,
                target: s.target.as_deref(),
                confirmation: Confirmation::of(
                    s.target.as_deref(),
                    s.state.as_deref(),
                    s.sub_state.as_deref(),
                    false,
                ),
            })
            .collect();
    }
    // 1.2: the state covers the whole target, marks included.
    let confirmation = Confirmation::of(
        unit.target.as_deref(),
        unit.state.as_deref(),
        unit.state_qualifier.as_deref(),
        unit.approved,
    );
    if marks_aligned {
        return unit
            .segments
            .iter()
            .map(|s| Sentence {
                id: format!("{}#{}", unit.id, s.id),
                source: &s.source,
                target: s.target.as_deref(),
                confirmation,
            })
            .collect();
    }
    vec![Sentence {
        id: unit.id.clone(),
        source: &unit.source,
        target: unit.target.as_deref(),
        confirmation,
    }]
}

/// The role of a paragraph from its 1.2 `restype` or 2.x `type`.
fn role_of(kind: Option<&str>) -> Role {
    let kind = kind.unwrap_or_default().trim().to_ascii_lowercase();
    let value = kind.rsplit(':').next().unwrap_or_default();
    let value = value.strip_prefix("x-").unwrap_or(value);
    match value {
        "title" | "h1" => Role::Title,
        "heading" | "h2" | "h3" | "h4" | "h5" | "h6" => Role::Heading,
        "quote" => Role::Quote,
        "caption" => Role::Caption,
        _ => Role::Body,
    }
}

/// The value of the `key: value` header note, if any. Notes from other
/// tools (a `from`/`category` other than depeche) are not metadata.
fn header_note(file: &File, key: &str) -> Option<String> {
    file.notes
        .iter()
        .filter(|n| n.from.as_deref().is_none_or(|f| f == "depeche"))
        .find_map(|n| {
            let (k, v) = n.text.split_once(':')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
        .filter(|v| !v.is_empty())
}

/// Sentences joined with one space. Line breaks and runs of ordinary
/// spaces inside a target collapse, since a blank line would split the
/// paragraph in the text output; no-break spaces (French `« »`, `:`) stay.
fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts {
        let words = part.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty());
        for word in words {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// The longest slug kept whole: with `.<locale>.<ext>` after it, a file
/// name stays well under the 255 bytes file systems take.
const MAX_SLUG_BYTES: usize = 120;

/// A plain file-name slug: ASCII letters, digits, `-`, `_` and inner dots;
/// anything else becomes `-`. A longer one is cut to [`MAX_SLUG_BYTES`]
/// and ends with a hash of the whole text, so two long ids stay apart.
/// See: #15
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '_' | '.');
        if c == '.' && out.ends_with('.') {
            continue;
        }
        if keep {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(['-', '.']);
    if out.len() <= MAX_SLUG_BYTES {
        return out.to_string();
    }
    // ASCII only, so any byte is a character boundary.
    let head = out.get(..MAX_SLUG_BYTES - 9).unwrap_or_default().trim_end_matches(['-', '.']);
    format!("{head}-{}", crate::model::short_hash(text))
}

/// The file name without `.xlf`/`.xliff` and a trailing locale
/// (`article.en-GB.xlf` → `article`), as a slug.
fn file_stem_slug(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut stem = name.as_str();
    for ext in [".xlf", ".xliff", ".xlf2", ".sdlxliff", ".mqxliff"] {
        if stem.len() > ext.len()
            && let Some(head) = stem.get(..stem.len() - ext.len())
            && stem.get(stem.len() - ext.len()..).is_some_and(|t| t.eq_ignore_ascii_case(ext))
        {
            stem = head;
            break;
        }
    }
    if let Some((head, tail)) = stem.rsplit_once('.')
        && is_language_tag(tail)
        && tail.contains('-')
    {
        stem = head;
    }
    slug(stem)
}

/// The message part of [`Error::Unfinished`].
fn unfinished(untranslated: &[String], unreviewed: &[String]) -> String {
    let mut parts = Vec::new();
    if !untranslated.is_empty() {
        let n = untranslated.len();
        let lead = if n == 1 { "1 unit is".to_string() } else { format!("{n} units are") };
        parts.push(format!("{lead} not translated yet ({})", id_list(untranslated)));
    }
    if !unreviewed.is_empty() {
        let n = unreviewed.len();
        let lead = match (n, parts.is_empty()) {
            (1, true) => "1 unit is".to_string(),
            (1, false) => "1 is".to_string(),
            (_, true) => format!("{n} units are"),
            (_, false) => format!("{n} are"),
        };
        parts.push(format!(
            "{lead} not reviewed yet, still machine translation or awaiting review ({})",
            id_list(unreviewed)
        ));
    }
    parts.join(" and ")
}

/// `p4.s2, p7.s1, …`: the first ten ids, then how many more.
pub fn id_list(ids: &[String]) -> String {
    let mut out = ids.iter().take(MAX_IDS_SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > MAX_IDS_SHOWN {
        let _ = write!(out, " and {} more", ids.len() - MAX_IDS_SHOWN);
    }
    out
}

impl Article {
    /// `<id>.<lang>.<ext>`: a plain file name, safe to join to any folder.
    pub fn file_name(&self, format: Format) -> String {
        format!("{}.{}.{}", self.id, self.lang, format.extension())
    }

    /// The article in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Txt => self.to_txt(),
            Format::Md => self.to_md(),
            Format::Json => {
                let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
                json.push('\n');
                json
            }
        }
    }

    /// Publisher line, title, date line, then one block per paragraph, each
    /// separated by a blank line: the shape the text ingest reads back.
    fn to_txt(&self) -> String {
        let blocks = [self.publisher.as_deref(), self.title.as_deref(), self.published.as_deref()];
        let head = blocks.into_iter().flatten().map(str::to_string);
        let body = self.paragraphs.iter().map(|p| p.text.clone());
        let mut out = head.chain(body).collect::<Vec<_>>().join("\n\n");
        out.push('\n');
        out
    }

    fn to_md(&self) -> String {
        let mut blocks = Vec::new();
        if let Some(title) = &self.title {
            blocks.push(format!("# {}", md_escape(title)));
        }
        let meta: Vec<&str> =
            [self.publisher.as_deref(), self.published.as_deref()].into_iter().flatten().collect();
        if !meta.is_empty() {
            blocks.push(format!("*{}*", meta.join(" · ").replace('*', "\\*")));
        }
        for p in &self.paragraphs {
            blocks.push(match p.role {
                Role::Heading | Role::Title => format!("## {}", md_escape(&p.text)),
                Role::Quote => format!("> {}", p.text),
                Role::Caption => format!("*{}*", p.text.replace('*', "\\*")),
                Role::Body => md_escape(&p.text),
            });
        }
        let mut out = blocks.join("\n\n");
        out.push('\n');
        out
    }
}

/// Escapes what would turn the start of a paragraph into Markdown syntax
/// (a heading, list, quote or numbered item).
fn md_escape(text: &str) -> String {
    let starts_block = text.starts_with(['#', '>', '-', '+', '*', '=', '|', '`', '~'])
        || text.find(|c: char| !c.is_ascii_digit()).filter(|&i| i > 0).is_some_and(|i| {
            text.get(i..).is_some_and(|r| r.starts_with(". ") || r.starts_with(") "))
        });
    if !starts_block {
        return text.to_string();
    }
    match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) if i > 0 => {
            let (digits, rest) = text.split_at(i);
            format!("{digits}\\{rest}")
        }
        _ => format!("\\{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(
        target: Option<&str>,
        state: Option<&str>,
        q: Option<&str>,
        approved: bool,
    ) -> Confirmation {
        Confirmation::of(target, state, q, approved)
    }

    #[test]
    fn confirmation_rule() {
        use Confirmation::*;
        let t = Some("Hello.");
        assert_eq!(c(None, Some("translated"), None, true), Untranslated);
        assert_eq!(c(Some("  "), Some("final"), None, false), Untranslated);
        assert_eq!(c(t, Some("translated"), None, false), Confirmed);
        assert_eq!(c(t, Some("translated"), Some("exact-match"), false), Confirmed);
        assert_eq!(c(t, Some("translated"), Some("leveraged-mt"), false), Unreviewed);
        assert_eq!(c(t, Some("translated"), Some("leveraged-mt"), true), Confirmed);
        assert_eq!(c(t, Some("signed-off"), Some("leveraged-mt"), false), Confirmed);
        assert_eq!(c(t, Some("final"), None, false), Confirmed);
        assert_eq!(c(t, Some("needs-review-translation"), Some("leveraged-mt"), false), Unreviewed);
        assert_eq!(c(t, Some("needs-review-translation"), None, false), Unreviewed);
        assert_eq!(c(t, Some("needs-translation"), None, false), Unreviewed);
        assert_eq!(c(t, None, None, false), Unreviewed);
        // 2.x
        assert_eq!(c(t, Some("reviewed"), Some("depeche:mt-deepl"), false), Confirmed);
        assert_eq!(c(t, Some("translated"), Some("depeche:mt-deepl"), false), Unreviewed);
        assert_eq!(c(t, Some("translated"), Some("pipeline:mt"), false), Unreviewed);
        assert_eq!(c(t, Some("translated"), Some("depeche:tm"), false), Unreviewed);
        assert_eq!(c(t, Some("initial"), None, false), Unreviewed);
        assert_eq!(c(t, Some("translated"), Some("rejected-grammar"), false), Unreviewed);
    }

    #[test]
    fn roles_from_restype_and_type() {
        assert_eq!(role_of(Some("x-title")), Role::Title);
        assert_eq!(role_of(Some("depeche:title")), Role::Title);
        assert_eq!(role_of(Some("heading")), Role::Heading);
        assert_eq!(role_of(Some("x-quote")), Role::Quote);
        assert_eq!(role_of(Some("depeche:paragraph")), Role::Body);
        assert_eq!(role_of(None), Role::Body);
    }

    #[test]
    fn slugs_never_leave_the_folder() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("2025-10-31-a-854e3849"), "2025-10-31-a-854e3849");
        assert_eq!(slug(".hidden..x"), "hidden.x");
        assert_eq!(slug("été / 2025"), "t-2025");
        assert_eq!(file_stem_slug(Path::new("dir/a b.en-GB.xlf")), "a-b");
        assert_eq!(file_stem_slug(Path::new("x.XLIFF")), "x");
        assert_eq!(file_stem_slug(Path::new("v1.2.xlf")), "v1.2");
        // See: #15
        let (a, b) = (slug(&"a".repeat(300)), slug(&format!("{}b", "a".repeat(299))));
        assert_eq!(a.len(), MAX_SLUG_BYTES);
        assert_ne!(a, b);
    }

    #[test]
    fn join_keeps_no_break_spaces_and_collapses_breaks() {
        let parts = ["Il a dit\u{a0}: « oui ».", " Puis\nil est parti. ", "", "Fin."];
        assert_eq!(join(parts.into_iter()), "Il a dit\u{a0}: « oui ». Puis il est parti. Fin.");
    }

    #[test]
    fn unfinished_message_lists_ids() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = Error::Unfinished {
            path: "a.xlf".into(),
            untranslated: ids(&["p4.s2", "p7.s1", "p9.s1"]),
            unreviewed: vec![],
        };
        assert_eq!(
            e.to_string(),
            "a.xlf: 3 units are not translated yet (p4.s2, p7.s1, p9.s1); finish them or use \
             --allow-untranslated"
        );
        let e = Error::Unfinished {
            path: "a.xlf".into(),
            untranslated: ids(&["p1.s1"]),
            unreviewed: ids(&["p2.s1", "p3.s1"]),
        };
        assert_eq!(
            e.to_string(),
            "a.xlf: 1 unit is not translated yet (p1.s1) and 2 are not reviewed yet, still \
             machine translation or awaiting review (p2.s1, p3.s1); finish them or use \
             --allow-untranslated"
        );
        let many: Vec<String> = (1..=12).map(|i| format!("p{i}.s1")).collect();
        assert!(id_list(&many).ends_with("p10.s1 and 2 more"));
    }

    #[test]
    fn markdown_escapes_block_starts() {
        assert_eq!(md_escape("# not a heading"), "\\# not a heading");
        assert_eq!(md_escape("2025. A year"), "2025\\. A year");
        assert_eq!(md_escape("2025 was a year"), "2025 was a year");
    }

    const XLF: &str = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a.txt" source-language="fr-FR" target-language="en-GB" datatype="plaintext">
<header><note from="depeche">id: art-1</note><note from="depeche">publisher: Lagazette</note>
<note from="depeche">published: 2025-10-31</note><note from="other">title: nope</note></header>
<body>
<group id="p1" restype="x-title"><trans-unit id="p1.s1"><source>TITRE</source><target state="translated">TITLE</target></trans-unit></group>
<group id="p2" restype="x-paragraph">
<trans-unit id="p2.s1"><source>Un.</source><target state="final">One.</target></trans-unit>
<trans-unit id="p2.s2"><source>Deux.</source><target state="needs-review-translation" state-qualifier="leveraged-mt">Two.</target></trans-unit>
</group>
<group id="p3" restype="heading"><trans-unit id="p3.s1"><source>Intertitre</source><target state="needs-translation"/></trans-unit></group>
</body></file></xliff>"#;

    #[test]
    fn refuses_unfinished_and_allows_on_request() {
        let doc = xliff::read(XLF).unwrap();
        let err = merge_document(&doc, Path::new("a.xlf"), Options::new()).unwrap_err();
        match &err {
            Error::Unfinished { untranslated, unreviewed, .. } => {
                assert_eq!(untranslated, &["p3.s1"]);
                assert_eq!(unreviewed, &["p2.s2"]);
            }
            other => panic!("{other:?}"),
        }
        let merged =
            merge_document(&doc, Path::new("a.xlf"), Options::new().allow_untranslated(true))
                .unwrap();
        let m = &merged[0];
        assert_eq!(m.article.id, "art-1");
        assert_eq!(m.article.title.as_deref(), Some("TITLE"));
        assert_eq!(m.article.paragraphs[0].text, "One. Two.");
        assert_eq!(m.article.paragraphs[1].text, "Intertitre");
        assert_eq!(m.article.paragraphs[1].role, Role::Heading);
        assert_eq!(m.entries.len(), 2);
        assert_eq!(m.skipped, 1);
        assert_eq!(m.kept_source, ["p3.s1"]);
        assert_eq!(
            m.article.render(Format::Txt),
            "Lagazette\n\nTITLE\n\n2025-10-31\n\nOne. Two.\n\nIntertitre\n"
        );
        assert_eq!(
            m.article.render(Format::Md),
            "# TITLE\n\n*Lagazette · 2025-10-31*\n\nOne. Two.\n\n## Intertitre\n"
        );
        assert_eq!(m.article.file_name(Format::Json), "art-1.en-GB.json");
    }
}
