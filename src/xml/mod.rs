//! The one XML toolkit every reader and writer uses: bytes to text
//! ([`decode`]), a small element tree with line numbers ([`parse`]),
//! escaping ([`escape_text`], [`escape_attr`]) and the entity policy
//! ([`entity`], [`attribute`]).
//!
//! Input: the bytes of an XML file (NewsML, NITF, feeds, XLIFF, TMX, TBX).
//! Output: text, a tree, or attribute values and entity replacements for
//! the readers that stream. This module knows nothing of the stages.
//!
//! # Entities and DTDs
//!
//! One policy, for every file depeche reads, because every one of them may
//! come from outside (a wire, a CAT tool, a feed on the web):
//!
//! - the five predefined entities (`&amp;` `&lt;` `&gt;` `&quot;`
//!   `&apos;`) and character references (`&#233;`, `&#xE9;`) are
//!   resolved; a reader may name a few more with fixed one-character
//!   replacements (NITF's `&nbsp;`, the HTML entities of a feed), never
//!   entities defined by the document;
//! - a `DOCTYPE` is skipped: its internal subset is never expanded, so an
//!   entity it declares is undefined when used, and "billion laughs"
//!   expands to nothing;
//! - nothing is ever fetched: an external DTD (`SYSTEM "http://..."`), an
//!   external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) and a
//!   parameter entity (`%p;`) are never read;
//! - expansion is bounded: a reference is replaced once, by a fixed string,
//!   and the replacement is never read again (attribute values resolve
//!   with a depth of one).
//!
//! A strict reader (NewsML, XLIFF, TMX, TBX) refuses an undefined entity
//! with its line; the feed reader keeps it as written, since feeds are
//! often sloppy and the text still reads.

mod encoding;
mod escape;
mod stream;
mod tree;

use std::fmt;

use quick_xml::events::{BytesRef, BytesStart};

pub(crate) use encoding::{Decoded, bom, decode, decode_declared, decode_head};
pub(crate) use escape::{
    all_xml_chars, escape_attr, escape_markup, escape_text, unescape_markup, xml_char, xml_chars,
};
pub(crate) use stream::{Decoding, Lines, Part, parse_split, stream_encoding};
pub(crate) use tree::{Element, Namespace, Node, Options, parse};

/// What the XML parser found wrong.
///
/// quick-xml's messages already spell out their cause ("ill-formed
/// document: expected `</term>`...") and then name the same cause again as
/// their source, so a chain printed in full says it twice. This wrapper ends
/// the chain at the parser's message.
#[derive(Debug)]
pub struct XmlError(pub quick_xml::Error);

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for XmlError {}

impl From<quick_xml::Error> for XmlError {
    fn from(error: quick_xml::Error) -> Self {
        Self(error)
    }
}

/// Why bytes could not be read as an XML document. Lines are 1-based; the
/// caller adds the file name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum Error {
    /// Not well-formed XML, as the parser reports it.
    #[error("line {line}: not well-formed XML")]
    Syntax {
        /// Line of the fault.
        line: usize,
        /// The parser's finding.
        #[source]
        source: XmlError,
    },
    /// An entity the policy does not define (one from a DTD, or a typo).
    #[error("line {line}: undefined entity &{name};")]
    UndefinedEntity {
        /// Line of the reference.
        line: usize,
        /// The entity name, without `&` and `;`.
        name: String,
    },
    /// Elements nested deeper than [`Options::max_depth`].
    #[error("line {line}: elements nested over {limit} deep")]
    TooDeep {
        /// Line of the element past the limit.
        line: usize,
        /// The limit.
        limit: usize,
    },
    /// A second root element.
    #[error("line {line}: a second root element")]
    SecondRoot {
        /// Line of the second root.
        line: usize,
    },
    /// Text after or before the root element.
    #[error("line {line}: text outside the root element")]
    TextOutsideRoot {
        /// Line of the text.
        line: usize,
    },
    /// An element still open at the end of the input.
    #[error("line {line}: <{name}> is never closed")]
    Unclosed {
        /// Line where the element starts.
        line: usize,
        /// Its local name.
        name: String,
    },
    /// No element at all.
    #[error("no root element")]
    NoRoot,
    /// The declaration names an encoding `encoding_rs` does not know.
    #[error("the XML declaration names the unknown encoding {label:?}")]
    UnknownEncoding {
        /// The label as written.
        label: String,
    },
    /// The bytes are not valid in the encoding the BOM or declaration names.
    #[error("line {line}: bytes that are not valid {encoding}")]
    Undecodable {
        /// The encoding, lowercase (`iso-8859-15`).
        encoding: String,
        /// Line of the first bad byte, as far as it can be told.
        line: usize,
        /// How the encoding was chosen.
        from: Source,
    },
}

impl Error {
    /// The line the error names (0 when there is none).
    pub(crate) fn line(&self) -> usize {
        match self {
            Error::Syntax { line, .. }
            | Error::UndefinedEntity { line, .. }
            | Error::TooDeep { line, .. }
            | Error::SecondRoot { line }
            | Error::TextOutsideRoot { line }
            | Error::Unclosed { line, .. }
            | Error::Undecodable { line, .. } => *line,
            Error::NoRoot | Error::UnknownEncoding { .. } => 0,
        }
    }
}

/// How the encoding of a document was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A byte-order mark.
    Bom,
    /// The `encoding` of the XML declaration (or, for UTF-16 without a
    /// BOM, the byte pattern of `<?xml`, XML 1.0 appendix F).
    Declaration,
    /// Neither: the caller's fallback.
    Fallback,
}

/// Extra named entities a reader accepts besides the predefined five: a
/// fixed table, never one the document defines.
pub(crate) type Extra = fn(&str) -> Option<&'static str>;

/// No entities besides the predefined five.
pub(crate) fn no_extra(_: &str) -> Option<&'static str> {
    None
}

/// `&nbsp;` only: NITF and XHTML bodies from agencies use it without
/// declaring it.
pub(crate) fn nbsp(name: &str) -> Option<&'static str> {
    (name == "nbsp").then_some("\u{a0}")
}

/// Resolves an entity or character reference under the policy: a
/// character reference, a predefined entity, or one of `extra`. `Ok(None)`
/// for any other name, which the caller refuses or keeps as written.
pub(crate) fn entity(r: &BytesRef<'_>, extra: Extra) -> Result<Option<Replacement>, XmlError> {
    if let Some(c) = r.resolve_char_ref()? {
        return Ok(Some(Replacement::Char(c)));
    }
    let name: &str = r;
    Ok(quick_xml::escape::resolve_predefined_entity(name)
        .or_else(|| extra(name))
        .map(Replacement::Str))
}

/// What an entity reference stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replacement {
    /// A character reference.
    Char(char),
    /// A named entity.
    Str(&'static str),
}

impl Replacement {
    /// Appends the replacement to `out`.
    pub(crate) fn push_to(self, out: &mut String) {
        match self {
            Replacement::Char(c) => out.push(c),
            Replacement::Str(s) => out.push_str(s),
        }
    }
}

impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replacement::Char(c) => write!(f, "{c}"),
            Replacement::Str(s) => f.write_str(s),
        }
    }
}

/// An attribute value by qualified name (`xml:lang`), normalised as XML
/// 1.0 says, entities resolved under the policy; `Ok(None)` when absent.
pub(crate) fn attribute(
    e: &BytesStart<'_>,
    name: &str,
    extra: Extra,
) -> Result<Option<String>, quick_xml::Error> {
    let Some(found) = e.try_get_attribute(name)? else { return Ok(None) };
    attribute_value(&found, extra).map(Some)
}

/// One attribute's value, normalised, entities resolved under the policy.
pub(crate) fn attribute_value(
    a: &quick_xml::events::attributes::Attribute<'_>,
    extra: Extra,
) -> Result<String, quick_xml::Error> {
    // Depth 1: a replacement is never expanded again.
    let value = a.normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 1, |name| {
        quick_xml::escape::resolve_predefined_entity(name).or_else(|| extra(name))
    })?;
    Ok(value.into_owned())
}

#[cfg(test)]
mod tests;
