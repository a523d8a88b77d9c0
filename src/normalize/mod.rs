//! Normalise stage: text as read in, text ready to segment and match out.
//!
//! Input: decoded text (one paragraph, possibly hard-wrapped over several
//! lines). Output: one line of text. Guarantees:
//!
//! - Unicode NFC, so `é` written as `e` + U+0301 and as U+00E9 compare equal;
//! - line breaks, tabs and runs of ordinary spaces become one space, and the
//!   text is trimmed;
//! - no-break (U+00A0) and narrow no-break (U+202F) spaces are kept as
//!   written: French puts them before `: ; ! ?` and inside `« »`, and the
//!   segmenter and the XLIFF writer must see them;
//! - apostrophes are kept as written (`’` stays `’`); matching treats `’`
//!   and `'` alike through [`fold_for_matching`] and [`is_apostrophe`];
//! - invisible characters that only break matching (zero-width space, soft
//!   hyphen, stray byte-order marks, C0 controls) are removed.
//!
//! The sub-modules hold the other normalisation steps the readers use:
//! byte decoding (`encoding`), site boilerplate (`boilerplate`) and
//! French date lines (`date`).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

pub(crate) mod boilerplate;
pub(crate) mod date;
pub(crate) mod encoding;

/// No-break space, written before `:` and inside `« »` in French.
pub const NBSP: char = '\u{a0}';
/// Narrow no-break space, written before `; ! ?` in careful French typography.
pub const NNBSP: char = '\u{202f}';

/// Normalises one paragraph of text.
///
/// ```
/// use depeche::normalize;
/// let text = normalize::text("  Le  ministre\r\na déclaré\u{a0}: « oui »  ");
/// assert_eq!(text, "Le ministre a déclaré\u{a0}: « oui »");
/// ```
pub fn text(input: &str) -> String {
    if is_nfc(input) {
        if is_normal_text(input) {
            return input.to_owned();
        }
        text_of(input.chars(), input.len())
    } else {
        text_of(input.nfc(), input.len())
    }
}

/// True when [`text_of`] would give `input` back unchanged, as it does for
/// most paragraphs: no space at either end (ordinary or no-break), no run
/// of spaces, no other collapsible space and no invisible character. Read
/// as bytes: below 0x80 that is the controls and a doubled space; above,
/// the few characters concerned are spelt out by their UTF-8 bytes.
fn is_normal_text(input: &str) -> bool {
    const ENDS: [char; 3] = [' ', NBSP, NNBSP];
    if input.starts_with(ENDS) || input.ends_with(ENDS) {
        return false;
    }
    let bytes = input.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        let third = bytes.get(i + 2).copied();
        let changed = match b {
            b' ' => next == Some(b' '),
            // C0 controls (tab, line breaks included) and DEL.
            0..0x20 | 0x7f => true,
            // U+0080 to U+009F (C1 controls, U+0085 among them) and the
            // soft hyphen U+00AD.
            0xc2 => matches!(next, Some(0x80..=0x9f | 0xad)),
            // U+200B zero-width space, U+2028 and U+2029 separators,
            // U+2060 word joiner.
            0xe2 => matches!(
                (next, third),
                (Some(0x80), Some(0x8b | 0xa8 | 0xa9)) | (Some(0x81), Some(0xa0))
            ),
            // U+FEFF byte-order mark.
            0xef => next == Some(0xbb) && third == Some(0xbf),
            _ => false,
        };
        if changed {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `input` is certainly in NFC already, as news text almost always
/// is: the quick check answers without composing anything.
pub(crate) fn is_nfc(input: &str) -> bool {
    only_plain_chars(input) || is_nfc_quick(input.chars()) == IsNormalized::Yes
}

/// True when every character of `input` is one the NFC quick check says
/// yes to whatever surrounds it (quick-check value yes, combining class 0):
/// those below U+0300 (Latin with its accents, precomposed), and the
/// general punctuation and currency signs French news is full of (`’`,
/// `«`, `—`, `…`, the narrow no-break space, `€`): U+2002 to U+206F and
/// U+20A0 to U+20BF. Read as UTF-8 bytes, without decoding; anything else
/// goes to the full quick check. A test checks the ranges against the
/// Unicode tables.
fn only_plain_chars(input: &str) -> bool {
    let bytes = input.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            // ASCII, and two-byte characters up to U+02FF.
            0..0xcc => i += if b < 0x80 { 1 } else { 2 },
            0xe2 => {
                let plain = match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(0x80), Some(&c)) => c >= 0x82,
                    (Some(0x81), Some(&c)) => c <= 0xaf,
                    (Some(0x82), Some(&c)) => c >= 0xa0,
                    _ => false,
                };
                if !plain {
                    return false;
                }
                i += 3;
            }
            _ => return false,
        }
    }
    true
}

fn text_of(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for ch in chars {
        if is_collapsible_space(ch) {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible(ch) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    // A no-break space binds two things; at either end it binds nothing.
    let trimmed = out.trim_matches(|c: char| c == NBSP || c == NNBSP || c == ' ');
    if trimmed.len() == out.len() { out } else { trimmed.to_owned() }
}

/// True for the characters French text uses as an apostrophe: `'`, `’`
/// (the typographic one, most common in edited text), `‘` and `ʼ`.
pub fn is_apostrophe(ch: char) -> bool {
    matches!(ch, '\'' | '\u{2019}' | '\u{2018}' | '\u{2bc}')
}

/// The form of `input` used to compare text, never to display it: NFC,
/// lowercase, every apostrophe written `'`, every no-break space written as
/// an ordinary space, spaces collapsed.
///
/// ```
/// use depeche::normalize::fold_for_matching;
/// assert_eq!(fold_for_matching("L’Ambassade"), fold_for_matching("l'ambassade"));
/// ```
pub fn fold_for_matching(input: &str) -> String {
    if is_nfc(input) {
        fold_of(input.chars(), input.len())
    } else {
        fold_of(input.nfc(), input.len())
    }
}

fn fold_of(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for ch in chars {
        if is_collapsible_space(ch) || ch == NBSP || ch == NNBSP || ch == '\u{2009}' {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible(ch) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if is_apostrophe(ch) {
            out.push('\'');
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// Whitespace that carries no typographic meaning: runs of it become one
/// ordinary space.
fn is_collapsible_space(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Characters with no visible form that scraped pages leave in the text and
/// that would split a word or a glossary term in two.
pub(crate) fn is_invisible(ch: char) -> bool {
    matches!(ch, '\u{200b}' | '\u{ad}' | '\u{feff}' | '\u{2060}')
        || (ch.is_control() && !is_collapsible_space(ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unchanged_check_agrees_with_normalising() {
        let samples = [
            "",
            " ",
            "Le ministre a déclaré\u{a0}: « oui »",
            "Le  ministre",
            "a\tb",
            "a\nb",
            " lead",
            "trail ",
            "\u{a0}lead",
            "trail\u{202f}",
            "cyber\u{ad}sécurité",
            "zero\u{200b}width",
            "line\u{2028}sep",
            "para\u{2029}sep",
            "word\u{2060}joiner",
            "bom\u{feff}",
            "next\u{85}line",
            "c1\u{9f}control",
            "del\u{7f}",
            "bell\u{7}",
            "l’ambassade «\u{a0}Hier\u{a0}» — 3\u{202f}%",
            "\u{2009}thin space kept",
            "\u{200a}\u{2010}\u{20ac}\u{2122}\u{fefe}\u{efbf}",
            "a \u{a0}b",
        ];
        for sample in samples {
            let normal = text_of(sample.chars(), sample.len());
            assert_eq!(is_normal_text(sample), normal == sample, "{sample:?}");
            assert_eq!(text(sample), normal, "{sample:?}");
        }
    }

    #[test]
    fn plain_characters_are_nfc_whatever_surrounds_them() {
        use unicode_normalization::char::canonical_combining_class;
        let plain = ('\0'..'\u{300}').chain('\u{2002}'..='\u{206f}').chain('\u{20a0}'..='\u{20bf}');
        for c in plain {
            assert!(only_plain_chars(c.encode_utf8(&mut [0; 4])), "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
        for c in [
            '\u{300}',
            '\u{2000}',
            '\u{2001}',
            '\u{2070}',
            '\u{209f}',
            '\u{20c0}',
            '\u{20d0}',
            'Ω',
            '\u{1f600}',
        ] {
            assert!(!only_plain_chars(c.encode_utf8(&mut [0; 4])), "{c:?}");
        }
        assert!(only_plain_chars("L’armée a dit «\u{a0}non\u{a0}» — 3\u{202f}% €"));
        assert!(!is_nfc("De\u{301}fense"));
    }

    #[test]
    fn text_is_nfc() {
        let decomposed = "De\u{301}fense";
        assert_eq!(text(decomposed), "Défense");
        assert_eq!(text(decomposed).chars().count(), 7);
    }

    #[test]
    fn text_joins_hard_wrapped_lines_and_collapses_spaces() {
        assert_eq!(
            text("Londres et Bakou ont franchi\nune nouvelle   étape\r\n\tdans leur partenariat."),
            "Londres et Bakou ont franchi une nouvelle étape dans leur partenariat."
        );
        assert_eq!(text("   \n\t "), "");
    }

    #[test]
    fn text_keeps_no_break_spaces_and_apostrophes() {
        let input = "«\u{a0}Hier\u{a0}», a-t-il dit\u{202f}; l’ambassade l'a confirmé\u{202f}!";
        assert_eq!(text(input), input);
        assert_eq!(text("\u{a0} Hier\u{a0}:\u{202f}"), "Hier\u{a0}:");
        assert_eq!(text("\u{a0}"), "");
    }

    #[test]
    fn text_drops_invisible_characters() {
        assert_eq!(
            text("cyber\u{ad}sécurité\u{200b} de\u{feff}fense\u{7}"),
            "cybersécurité defense"
        );
    }

    #[test]
    fn apostrophes_match_alike_but_are_kept() {
        assert!(is_apostrophe('’') && is_apostrophe('\''));
        assert!(!is_apostrophe('"'));
        assert_eq!(fold_for_matching("L’AMBASSADE"), "l'ambassade");
        assert_eq!(fold_for_matching("jusqu\u{a0}’à  Bakou"), "jusqu 'à bakou");
        assert_eq!(text("L’AMBASSADE"), "L’AMBASSADE");
    }
}
