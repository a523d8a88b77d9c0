//! Bytes to text: the encoding of an XML document, in the order XML 1.0
//! (appendix F) gives: a byte-order mark, then the byte pattern of a UTF-16
//! `<?xml`, then the `encoding` of the declaration, then the caller's
//! fallback.
//!
//! One departure from the letter of the standard, kept from the feed
//! reader: a declared single-byte encoding (`ISO-8859-1`) is not believed
//! when the bytes are valid UTF-8 holding non-ASCII text, since a wrong
//! declaration is far likelier than Latin-1 text that happens to be valid
//! UTF-8.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::{Error, Source};

/// Decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// The text, without byte-order mark.
    pub(crate) text: String,
    /// The encoding used, lowercase, as readers record it in
    /// `meta["encoding"]`: `iso-8859-15`, `utf-16le (bom)`, `windows-1252
    /// (lossy)`.
    pub(crate) encoding: String,
    /// What a lossy read replaced, when it replaced anything.
    pub(crate) note: Option<String>,
    /// How the encoding was chosen.
    pub(crate) source: Source,
}

/// The encoding a byte-order mark names, and the mark's length.
pub(crate) fn bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

/// What the start of the document says about its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Bom(&'static Encoding, usize),
    /// UTF-16 without a mark, told by `<?` as two-byte units.
    Utf16(&'static Encoding),
    /// The declaration's label.
    Label(String),
    Nothing,
}

fn found(bytes: &[u8]) -> Found {
    if let Some((encoding, len)) = bom(bytes) {
        return Found::Bom(encoding, len);
    }
    if bytes.starts_with(b"<\0?\0") {
        return Found::Utf16(UTF_16LE);
    }
    if bytes.starts_with(b"\0<\0?") {
        return Found::Utf16(UTF_16BE);
    }
    declared_label(bytes).map_or(Found::Nothing, Found::Label)
}

/// The `encoding="..."` of an ASCII-compatible XML declaration at the
/// start of the bytes (leading whitespace forgiven).
fn declared_label(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = bytes.get(start..)?.strip_prefix(b"<?xml")?;
    let end = rest.windows(2).take(512).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(rest.get(..end)?).ok()?;
    let value = decl.split("encoding").nth(1)?.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let label = value.get(1..)?.split(quote).next()?.trim();
    (!label.is_empty()).then(|| label.to_owned())
}

/// Decodes what a byte-order mark, a UTF-16 pattern or the declaration
/// decides. `Ok(None)` when the document is UTF-8 (with or without a mark,
/// declared or not) or nothing decides: the caller's fallback reads it.
pub(crate) fn decode_declared(bytes: &[u8], lossy: bool) -> Result<Option<Decoded>, Error> {
    let (encoding, body, source, label) = match found(bytes) {
        Found::Bom(enc, _) if enc == UTF_8 => return Ok(None),
        Found::Bom(enc, len) => {
            let label = format!("{} (bom)", enc.name().to_ascii_lowercase());
            (enc, bytes.get(len..).unwrap_or_default(), Source::Bom, label)
        }
        Found::Utf16(enc) => (enc, bytes, Source::Declaration, enc.name().to_ascii_lowercase()),
        Found::Label(label) => {
            let Some(enc) = Encoding::for_label(label.as_bytes()) else {
                return Err(Error::UnknownEncoding { label });
            };
            // UTF-8 is the fallback's; UTF-16 declared in ASCII bytes is a lie.
            if enc == UTF_8 || enc == UTF_16LE || enc == UTF_16BE {
                return Ok(None);
            }
            if std::str::from_utf8(bytes).is_ok_and(|s| !s.is_ascii()) {
                return Ok(None);
            }
            (enc, bytes, Source::Declaration, enc.name().to_ascii_lowercase())
        }
        Found::Nothing => return Ok(None),
    };
    decode_with(encoding, body, source, label, lossy).map(Some)
}

/// Decodes the document: a byte-order mark, the declaration, else
/// `fallback`; strict (bytes the encoding leaves undefined are an error).
pub(crate) fn decode(bytes: &[u8], fallback: &'static Encoding) -> Result<Decoded, Error> {
    if let Some(decoded) = decode_declared(bytes, false)? {
        return Ok(decoded);
    }
    let (body, source) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (rest, Source::Bom),
        None if declared_label(bytes).is_some() => (bytes, Source::Declaration),
        None => (bytes, Source::Fallback),
    };
    let encoding = if source == Source::Fallback { fallback } else { UTF_8 };
    decode_with(encoding, body, source, encoding.name().to_ascii_lowercase(), false)
}

fn decode_with(
    encoding: &'static Encoding,
    body: &[u8],
    source: Source,
    label: String,
    lossy: bool,
) -> Result<Decoded, Error> {
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) {
        return Ok(Decoded { text: text.into_owned(), encoding: label, note: None, source });
    }
    let (text, _) = encoding.decode_without_bom_handling(body);
    let name = encoding.name().to_ascii_lowercase();
    // The first replacement character marks the first bad byte.
    let line = match std::str::from_utf8(body) {
        Err(e) if encoding == UTF_8 => crate::lines::line_of(body, e.valid_up_to()),
        _ => text.find('\u{fffd}').map_or(1, |at| crate::lines::line_of(text.as_bytes(), at)),
    };
    if !lossy {
        return Err(Error::Undecodable { encoding: name, line, from: source });
    }
    let note = format!("bytes undefined in {name} replaced by U+FFFD, the first on line {line}");
    Ok(Decoded {
        text: text.into_owned(),
        encoding: format!("{label} (lossy)"),
        note: Some(note),
        source,
    })
}

/// The first `max` bytes as text, in the encoding the document names (or
/// UTF-8), replacing what does not decode: enough to see the root element.
pub(crate) fn decode_head(bytes: &[u8], max: usize) -> String {
    let head = bytes.get(..bytes.len().min(max)).unwrap_or(bytes);
    let encoding = match found(head) {
        Found::Bom(enc, _) | Found::Utf16(enc) => enc,
        Found::Label(label) => Encoding::for_label(label.as_bytes())
            .filter(|e| *e != UTF_16LE && *e != UTF_16BE)
            .unwrap_or(UTF_8),
        Found::Nothing => UTF_8,
    };
    // `decode` strips a mark of the encoding's own.
    encoding.decode(head).0.into_owned()
}

/// The `encoding` label of the declaration at the start of `bytes`, for
/// the readers that stream (see `super::stream`).
pub(super) fn label(bytes: &[u8]) -> Option<String> {
    declared_label(bytes)
}
