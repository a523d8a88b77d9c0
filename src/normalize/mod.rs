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
        text_of(input.chars(), input.len())
    } else {
        text_of(input.nfc(), input.len())
    }
}

/// Whether `input` is certainly in NFC already, as news text almost always
/// is: the quick check answers without composing anything.
pub(crate) fn is_nfc(input: &str) -> bool {
    is_nfc_quick(input.chars()) == IsNormalized::Yes
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
