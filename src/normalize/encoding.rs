//! Bytes to text: which encoding a scraped file is in.
//!
//! In order:
//!
//! 1. a byte-order mark decides: UTF-8 (`utf-8 (bom)`), UTF-16 LE or BE;
//! 2. a file that starts like a PDF, a zip archive (docx, odt), gzip or an
//!    image, holds NUL bytes, or is more than 1% control characters is not
//!    text;
//! 3. valid UTF-8 is `utf-8`;
//! 4. otherwise the bytes are read as Windows-1252 (`windows-1252`, which
//!    French sites and Windows editors still produce; ISO-8859-1 text reads
//!    the same, since Windows-1252 only adds characters in 0x80–0x9F) when
//!    that reading looks like French: no byte Windows-1252 leaves undefined,
//!    accented letters and typographic punctuation rather than symbols,
//!    seldom three non-ASCII bytes in a row, and hardly any valid UTF-8
//!    sequence (a file that has those is UTF-8 with a few broken bytes);
//! 5. anything else is an error naming the first bad byte, unless the
//!    caller asked for a lossy read, which replaces each bad sequence with
//!    U+FFFD and says how many there were (`utf-8 (lossy)`).

/// Decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// The text, without byte-order mark.
    pub(crate) text: String,
    /// The encoding used, as recorded in `meta["encoding"]`.
    pub(crate) encoding: &'static str,
    /// What a lossy read replaced, when it replaced anything.
    pub(crate) note: Option<String>,
}

/// Why the bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// Not a text file: the reason says what it looks like.
    Binary(String),
    /// Invalid UTF-8 that does not read as Windows-1252 either.
    Invalid {
        /// Byte offset of the first bad byte in the file.
        offset: usize,
        /// The bad byte.
        byte: u8,
        /// 1-based line of that byte.
        line: usize,
    },
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Decodes a file's bytes.
pub(crate) fn decode(bytes: &[u8], lossy: bool) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, encoding_rs::UTF_16LE, "utf-16le (bom)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, encoding_rs::UTF_16BE, "utf-16be (bom)");
    }
    let (body, bom_len) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    if let Some(reason) = binary_reason(body) {
        return Err(DecodeError::Binary(reason));
    }
    let error = match std::str::from_utf8(body) {
        Ok(text) => {
            let encoding = if bom_len > 0 { "utf-8 (bom)" } else { "utf-8" };
            return Ok(Decoded { text: text.to_owned(), encoding, note: None });
        }
        Err(error) => error,
    };
    // A byte-order mark says UTF-8, so such a file is never Windows-1252.
    if bom_len == 0 && looks_like_windows_1252(body) {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
        return Ok(Decoded { text: text.into_owned(), encoding: "windows-1252", note: None });
    }
    let first_bad = error.valid_up_to();
    if lossy {
        let bad = count_invalid(body);
        let text = String::from_utf8_lossy(body).into_owned();
        let line = line_of(body, first_bad);
        let note =
            format!("{bad} invalid utf-8 sequence(s) replaced by U+FFFD, the first on line {line}");
        return Ok(Decoded { text, encoding: "utf-8 (lossy)", note: Some(note) });
    }
    Err(DecodeError::Invalid {
        offset: first_bad + bom_len,
        byte: body.get(first_bad).copied().unwrap_or_default(),
        line: line_of(body, first_bad),
    })
}

fn utf16(
    body: &[u8],
    encoding: &'static encoding_rs::Encoding,
    label: &'static str,
) -> Result<Decoded, DecodeError> {
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(Decoded { text: text.into_owned(), encoding: label, note: None }),
        None => Err(DecodeError::Binary(format!(
            "the file starts with a {label} byte-order mark but is not valid utf-16"
        ))),
    }
}

/// Why `bytes` is not a text file, if it is not.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "a pdf document; extract its text first"),
        (b"PK\x03\x04", "a zip archive (docx, odt, epub?); save the article as plain text"),
        (b"\x1f\x8b", "gzip-compressed; decompress it first"),
        (b"\x89PNG", "a png image, not an article"),
        (b"\xff\xd8\xff", "a jpeg image, not an article"),
        (b"GIF8", "a gif image, not an article"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(format!("the file is {what}"));
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Some(format!(
            "the file holds NUL bytes (the first at offset {offset}): a binary file, or utf-16 \
             without a byte-order mark; save the article as utf-8 text"
        ));
    }
    let controls = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    if controls * 100 > bytes.len() {
        return Some(format!(
            "{controls} of its {} bytes are control characters: not a text file",
            bytes.len()
        ));
    }
    None
}

/// Whether invalid-UTF-8 `bytes` read as French text in Windows-1252.
fn looks_like_windows_1252(bytes: &[u8]) -> bool {
    // Bytes that Windows-1252 leaves undefined.
    const UNDEFINED: [u8; 5] = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
    let mut high = 0usize;
    let mut wordlike = 0usize;
    let mut in_long_runs = 0usize;
    let mut run = 0usize;
    for &b in bytes.iter().chain(std::iter::once(&b' ')) {
        // A no-break space (0xA0) is a space: `é\u{a0}»` and `«\u{a0}à` are
        // French typography, not a run of multi-byte characters.
        if b == 0xa0 {
            high += 1;
            wordlike += 1;
        }
        if b < 0x80 || b == 0xa0 {
            if run >= 3 {
                in_long_runs += run;
            }
            run = 0;
            continue;
        }
        if UNDEFINED.contains(&b) {
            return false;
        }
        high += 1;
        run += 1;
        let ch = windows_1252_char(b);
        if ch.is_alphabetic() || "’‘“”«»–—…€•°²³\u{a0}§©®™·¿¡½¼¾×".contains(ch)
        {
            wordlike += 1;
        }
    }
    let valid_sequences = count_valid_multibyte(bytes);
    let invalid = count_invalid(bytes);
    high > 0
        && wordlike * 10 >= high * 9
        && in_long_runs * 10 < high
        && valid_sequences * 10 < invalid.max(1)
}

fn windows_1252_char(b: u8) -> char {
    let one = [b];
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&one);
    text.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Number of well-formed multi-byte UTF-8 sequences in `bytes`.
fn count_valid_multibyte(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(text) => return count + text.chars().filter(|c| c.len_utf8() > 1).count(),
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // The prefix is valid by construction.
                count += std::str::from_utf8(valid)
                    .map_or(0, |t| t.chars().filter(|c| c.len_utf8() > 1).count());
                let skip = e.error_len().unwrap_or(after.len()).max(1);
                rest = after.get(skip..).unwrap_or_default();
            }
        }
    }
    count
}

/// Number of invalid UTF-8 sequences in `bytes`.
fn count_invalid(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = bytes;
    while let Err(e) = std::str::from_utf8(rest) {
        count += 1;
        let after = rest.get(e.valid_up_to()..).unwrap_or_default();
        let skip = e.error_len().unwrap_or(after.len()).max(1);
        rest = after.get(skip..).unwrap_or_default();
    }
    count
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    crate::lines::line_of(bytes, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRENCH: &str = "L’ambassade a souligné « la coopération » en matière de défense, \
                          notamment en mer Caspienne, où la Défense et le cœur du dossier…";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(FRENCH.as_bytes(), false).unwrap();
        assert_eq!((plain.text.as_str(), plain.encoding), (FRENCH, "utf-8"));
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice(FRENCH.as_bytes());
        let with_bom = decode(&bom, false).unwrap();
        assert_eq!((with_bom.text.as_str(), with_bom.encoding), (FRENCH, "utf-8 (bom)"));
    }

    #[test]
    fn windows_1252_and_latin1_bytes() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(FRENCH);
        assert!(!unmappable);
        let decoded = decode(&bytes, false).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (FRENCH, "windows-1252"));
        // ISO-8859-1 bytes (no 0x80–0x9F) read the same.
        let latin1 = b"D\xe9fense nationale : l'arm\xe9e fran\xe7aise \xe0 l'\xe9tranger";
        let decoded = decode(latin1, false).unwrap();
        assert_eq!(decoded.text, "Défense nationale : l'armée française à l'étranger");
        assert_eq!(decoded.encoding, "windows-1252");
        // No-break spaces inside guillemets next to accented letters.
        let quoted =
            b"\xab\xa0\xe0 la fin\xa0\xbb, dit l'arm\xe9e\xa0\xbb ; \xab\xa0\xe9t\xe9\xa0\xbb";
        let decoded = decode(quoted, false).unwrap();
        assert_eq!(decoded.text, "«\u{a0}à la fin\u{a0}», dit l'armée\u{a0}» ; «\u{a0}été\u{a0}»");
        assert_eq!(decoded.encoding, "windows-1252");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(FRENCH.encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = decode(&bytes, false).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (FRENCH, "utf-16le (bom)"));
    }

    #[test]
    fn utf8_with_a_stray_byte_is_an_error_or_a_lossy_read() {
        let mut bytes = FRENCH.as_bytes().to_vec();
        bytes.extend_from_slice(b"\nsecond line \xff end");
        let err = decode(&bytes, false).unwrap_err();
        let offset = FRENCH.len() + "\nsecond line ".len();
        assert_eq!(err, DecodeError::Invalid { offset, byte: 0xff, line: 2 });
        let lossy = decode(&bytes, true).unwrap();
        assert_eq!(lossy.encoding, "utf-8 (lossy)");
        assert!(lossy.text.ends_with("second line \u{fffd} end"));
        assert_eq!(
            lossy.note.as_deref(),
            Some("1 invalid utf-8 sequence(s) replaced by U+FFFD, the first on line 2")
        );
    }

    #[test]
    fn symbol_soup_is_not_windows_1252() {
        // High bytes in long runs, decoding to symbols: another encoding.
        let bytes = b"abc \xa4\xa6\xa8\xac\xaf\xb1 \xb4\xb8\xb6\xbc\xac def";
        assert!(matches!(decode(bytes, false), Err(DecodeError::Invalid { offset: 4, .. })));
        // A BOM says UTF-8: broken bytes after it are not re-read as 1252.
        let bytes = b"\xef\xbb\xbfD\xe9fense";
        assert_eq!(
            decode(bytes, false),
            Err(DecodeError::Invalid { offset: 4, byte: 0xe9, line: 1 })
        );
    }

    #[test]
    fn binary_files_are_named() {
        let reason = |bytes: &[u8]| match decode(bytes, false) {
            Err(DecodeError::Binary(reason)) => reason,
            other => panic!("expected binary, got {other:?}"),
        };
        assert!(reason(b"%PDF-1.7\n%\xe2\xe3").contains("pdf"));
        assert!(reason(b"PK\x03\x04\x14\x00").contains("zip"));
        assert!(reason(b"\x89PNG\r\n\x1a\n").contains("png"));
        assert!(reason(b"text\0more").contains("NUL bytes (the first at offset 4)"));
        let utf16_without_bom: Vec<u8> =
            "Défense".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(reason(&utf16_without_bom).contains("utf-16 without a byte-order mark"));
        assert!(reason(b"a\x01\x02\x03\x04b").contains("control characters"));
    }
}
