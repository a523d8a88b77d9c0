//! The data that flows between stages: articles, paragraphs, segments and
//! the annotations later stages attach to them.
//!
//! Ids are stable: the same article text gives the same article, paragraph
//! and segment ids, so re-runs, golden files and diffs stay meaningful.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One news article, from ingest to the XLIFF writer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable, filename-safe id: date, short slug and short content hash.
    pub id: String,
    /// Where the article came from: a path or a URL.
    pub origin: String,
    /// BCP 47 language tag of the source text (`fr-FR`).
    pub lang: String,
    /// The headline, once, as written.
    pub title: Option<String>,
    /// Publication time as RFC 3339 (`2025-10-31T15:57:00+01:00`), or a
    /// bare date (`2025-10-31`) when the source gave no time.
    pub published: Option<String>,
    /// Author line, when the source has one.
    pub byline: Option<String>,
    /// Publisher or site name.
    pub publisher: Option<String>,
    /// The article body, in reading order (the title is paragraph 1).
    pub paragraphs: Vec<Paragraph>,
    /// Free-form metadata (for instance `encoding`, `format`).
    pub meta: BTreeMap<String, String>,
}

/// What a paragraph is in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The headline.
    Title,
    /// An intertitle between body paragraphs.
    Heading,
    /// Body text.
    Body,
    /// A paragraph set apart as a quotation.
    Quote,
    /// A picture or video caption.
    Caption,
}

impl Role {
    /// The lowercase name used in XLIFF `restype` values and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Heading => "heading",
            Role::Body => "paragraph",
            Role::Quote => "quote",
            Role::Caption => "caption",
        }
    }
}

/// One paragraph: its text as read and, once segmented, its sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// `p1`, `p2`, ... in reading order.
    pub id: String,
    /// Title, heading, body, ...
    pub role: Role,
    /// The normalised paragraph text.
    pub text: String,
    /// The sentences of `text`, filled by the segment stage.
    pub segments: Vec<Segment>,
}

impl Paragraph {
    /// A paragraph with no segments yet.
    pub fn new(id: impl Into<String>, role: Role, text: impl Into<String>) -> Self {
        Self { id: id.into(), role, text: text.into(), segments: Vec::new() }
    }
}

/// Where a segment's target came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// No target yet.
    #[default]
    None,
    /// Machine translation by the named provider.
    Mt {
        /// Provider name, as in `Provider::name`.
        provider: String,
    },
    /// A translation memory match.
    Tm {
        /// True for an exact match.
        exact: bool,
        /// Who produced the stored target (a provider name, or `human`).
        source: String,
    },
    /// A human translation or review.
    Human,
}

/// One sentence: the unit of translation and of alignment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// `p3.s2`: paragraph id plus sentence number, stable across runs.
    pub id: String,
    /// Source sentence, as written (trimmed).
    pub source: String,
    /// Target sentence, when one exists.
    pub target: Option<String>,
    /// Where the target came from.
    pub origin: Origin,
    /// Glossary terms found in the source.
    pub terms: Vec<TermHit>,
    /// QA findings on the target.
    pub issues: Vec<QaIssue>,
    /// Earlier translations of similar sentences from the translation
    /// memory, best first: offered to the translator beside the target,
    /// never put in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<MemoryMatch>,
}

/// A fuzzy match from the translation memory: a similar sentence stored
/// earlier, and its translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryMatch {
    /// The stored source sentence, as written.
    pub source: String,
    /// Its stored translation.
    pub target: String,
    /// How alike the two sources are, in percent (rounded down).
    pub quality: u8,
    /// Who produced the translation: `human`, or a provider name.
    pub producer: String,
}

impl Segment {
    /// An untranslated segment.
    pub fn new(id: impl Into<String>, source: impl Into<String>) -> Self {
        Self { id: id.into(), source: source.into(), ..Self::default() }
    }
}

/// A glossary term found in a source segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermHit {
    /// Concept id of the glossary entry.
    pub entry: String,
    /// Byte range of the match in the segment source.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// The source text matched, as written.
    pub text: String,
    /// The preferred source term of the entry (its lemma).
    pub term: String,
    /// Expected target term for the run's target locale, when the
    /// glossary has one.
    pub expected: Option<String>,
    /// Other accepted target renderings.
    pub alternatives: Vec<String>,
    /// Target renderings the house style rejects.
    pub forbidden: Vec<String>,
    /// Domain of the entry (`defence`, `diplomacy`, ...).
    pub domain: String,
    /// The term must be kept verbatim in the target.
    pub do_not_translate: bool,
    /// The expected term is a name used without an article (`France`,
    /// `NATO`): no "the" before it.
    #[serde(default)]
    pub no_article: bool,
    /// The expected term's plural where it is irregular (`attorneys
    /// general`); otherwise the head noun takes the regular plural.
    #[serde(default)]
    pub plural: Option<String>,
}

/// How serious a QA finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look.
    Warning,
    /// The target is wrong as it stands.
    Error,
}

/// Which QA check raised a finding: a closed set, so reports, notes and
/// summaries never compare names as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckId {
    /// Glossary compliance: expected terms, forbidden renderings, names kept.
    Terms,
    /// Numbers of the source present in the target, in its locale's format.
    Numbers,
    /// An English adjective left after a term's rendering ("Ministry of
    /// Defence British", "links military").
    StrandedAdjective,
    /// "the" before a name that takes no article ("the Azerbaijan").
    ArticleBeforeName,
    /// A term's number lost: a French plural rendered singular, or back.
    TermNumber,
    /// A word written twice in a row ("the the").
    DoubledWord,
    /// A placeholder or markup of the engine left in the target.
    LeftoverMarkup,
    /// British spelling in an American target, or the reverse.
    Spelling,
}

impl CheckId {
    /// The id as written in notes and reports (`terms`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Terms => "terms",
            Self::Numbers => "numbers",
            Self::StrandedAdjective => "stranded_adjective",
            Self::ArticleBeforeName => "article_before_name",
            Self::TermNumber => "term_number",
            Self::DoubledWord => "doubled_word",
            Self::LeftoverMarkup => "leftover_markup",
            Self::Spelling => "spelling",
        }
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A QA finding on one segment's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QaIssue {
    /// The check that raised it.
    pub check: CheckId,
    /// Warning or error.
    pub severity: Severity,
    /// What is wrong, for the reviewer.
    pub message: String,
    /// The glossary concept involved, if any.
    pub entry: Option<String>,
    /// Domain of that concept, if any.
    pub domain: Option<String>,
}

/// Builds a stable, filename-safe article id: `2025-10-31-azerbaidjan-royaume-uni-1a2b3c4d`.
///
/// The slug comes from the title (ASCII only, at most six words), the hash
/// from the whole text, so two articles with one title still differ.
pub fn article_id(published: Option<&str>, title: Option<&str>, text: &str) -> String {
    let date = published
        .and_then(|p| p.get(..10))
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        .unwrap_or("undated");
    let slug = slug(title.unwrap_or(""), 6, 48);
    let hash = short_hash(text);
    if slug.is_empty() { format!("{date}-{hash}") } else { format!("{date}-{slug}-{hash}") }
}

/// First 8 hex digits of the SHA-256 of `text`.
pub fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Lowercase ASCII slug of at most `max_words` words and `max_len` bytes.
///
/// French letters lose their accents (`é` → `e`, `œ` → `oe`); anything else
/// that is not a letter or digit separates words. Short function words are
/// dropped so the slug carries the content words.
pub fn slug(text: &str, max_words: usize, max_len: usize) -> String {
    const STOP: &[&str] = &[
        "l", "d", "le", "la", "les", "de", "du", "des", "un", "une", "et", "en", "a", "au", "aux",
        "qu", "que", "pour", "sur", "dans", "par", "s", "n", "c", "j",
    ];
    let mut ascii = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match fold_char(ch) {
            Some(s) => ascii.push_str(s),
            None if ch.is_ascii_alphanumeric() => ascii.push(ch),
            None => ascii.push(' '),
        }
    }
    let mut out = String::new();
    for word in ascii.split_whitespace().filter(|w| !STOP.contains(w)).take(max_words) {
        if out.len() + word.len() + 1 > max_len {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// ASCII spelling of a lowercase accented Latin letter.
fn fold_char(ch: char) -> Option<&'static str> {
    Some(match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        _ => return None,
    })
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_accents_and_drops_function_words() {
        assert_eq!(
            slug("L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN", 6, 48),
            "azerbaidjan-royaume-uni-signent-plan"
        );
    }

    #[test]
    fn article_id_is_stable_and_safe() {
        let a = article_id(Some("2025-10-31T15:57:00+01:00"), Some("../../etc/passwd"), "x");
        assert_eq!(a, article_id(Some("2025-10-31T15:57:00+01:00"), Some("../../etc/passwd"), "x"));
        assert!(a.starts_with("2025-10-31-etc-passwd-"));
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        assert!(article_id(None, None, "x").starts_with("undated-"));
    }
}
