//! Escaping for the writers: one function for character data, one for
//! attribute values, and the characters XML 1.0 allows at all.

use std::borrow::Cow;

/// Escapes character data. `>` is escaped too, so `]]>` can never appear;
/// quotes are left alone (they need no escaping in content); a carriage
/// return becomes `&#13;`, since a parser would turn a raw one into `\n`.
pub(crate) fn escape_text(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Escapes an attribute value for double quotes. Tab, newline and carriage
/// return become character references: attribute-value normalisation
/// would turn raw ones into spaces.
pub(crate) fn escape_attr(value: &str) -> Cow<'_, str> {
    escape(value, true)
}

/// Escapes text that a provider receives inside markup (DeepL and Azure
/// tag handling, Google's HTML mode, Apertium's deformatter): quotes too,
/// so the same text is safe in an attribute.
pub(crate) fn escape_markup(text: &str) -> String {
    escape(text, true).into_owned()
}

/// Reverses [`escape_markup`] on what an engine sends back, which may use
/// the numeric forms of quotes (`&#39;`, `&#34;`); `&amp;` last, so an
/// escaped entity name stays as written.
pub(crate) fn unescape_markup(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&#34;", "\"")
        .replace("&#13;", "\r")
        .replace("&#10;", "\n")
        .replace("&#9;", "\t")
        .replace("&amp;", "&")
}

fn escape(text: &str, attr: bool) -> Cow<'_, str> {
    // Every character that is escaped is ASCII, so the text is scanned as
    // bytes (a byte under 0x80 is always a whole character in UTF-8) and
    // copied in runs between them.
    let special = |b: u8| match b {
        b'&' | b'<' | b'>' | b'\r' => true,
        b'"' | b'\t' | b'\n' => attr,
        _ => false,
    };
    let Some(first) = text.bytes().position(special) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut run = 0;
    for (i, b) in text.bytes().enumerate().skip(first) {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            b'"' if attr => "&quot;",
            b'\t' if attr => "&#9;",
            b'\n' if attr => "&#10;",
            _ => continue,
        };
        out.push_str(text.get(run..i).unwrap_or_default());
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(text.get(run..).unwrap_or_default());
    Cow::Owned(out)
}

/// True when every character of `text` is one XML 1.0 allows: the same as
/// `text.chars().all(xml_char)`, read as bytes. Below 0x80 the forbidden
/// characters are the controls other than tab, newline and carriage
/// return; above, `&str` holds no surrogates, so only U+FFFE and U+FFFF
/// (`EF BF BE`, `EF BF BF`) remain.
pub(crate) fn all_xml_chars(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\t' | b'\n' | b'\r' => {}
            0..0x20 => return false,
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                return false;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// True for the characters XML 1.0 allows in a document
/// (<https://www.w3.org/TR/xml/#charsets>).
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` without the characters XML 1.0 forbids (a writer that does not
/// report them drops them this way).
pub(crate) fn xml_chars(text: &str) -> Cow<'_, str> {
    if all_xml_chars(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| xml_char(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_for_engines_round_trips() {
        let text = "a < b & \"c\" l'OTAN";
        assert_eq!(escape_markup(text), "a &lt; b &amp; &quot;c&quot; l'OTAN");
        assert_eq!(unescape_markup(&escape_markup(text)), text);
        assert_eq!(unescape_markup("l&#39;ONU &#34;x&#34; &amp;lt;"), "l'ONU \"x\" &lt;");
    }

    #[test]
    fn escaping_keeps_quotes_in_text_and_breaks_cdata_end() {
        assert_eq!(
            escape_text(r#"a & b <c> "d" 'e' ]]>"#),
            r#"a &amp; b &lt;c&gt; "d" 'e' ]]&gt;"#
        );
        assert_eq!(escape_attr("a\"b'\tc\nd\re"), "a&quot;b'&#9;c&#10;d&#13;e");
        assert!(matches!(escape_text("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_byte_check_agrees_with_the_character_check() {
        for text in [
            "",
            "été à Noël",
            "a\u{1}b",
            "tab\tnl\ncr\r",
            "\u{fffe}",
            "x\u{ffff}",
            "\u{fffd}\u{effe}\u{efbf}",
            "\u{d7ff}\u{e000}\u{10000}",
            "\u{7f}\u{80}\u{9f}",
            "\u{0}",
        ] {
            assert_eq!(all_xml_chars(text), text.chars().all(xml_char), "{text:?}");
        }
    }

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(xml_chars("a\u{1}b\u{fffe}c\td"), "abc\td");
        assert!(matches!(xml_chars("été"), Cow::Borrowed(_)));
    }
}
