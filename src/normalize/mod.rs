//! Normalise stage: text as read in, text ready to segment and match out.
//!
//! Guarantees: Unicode NFC; runs of ordinary spaces collapsed; no-break and
//! narrow no-break spaces kept as written; apostrophes kept as written (the
//! matcher treats ’ and ' alike).

use unicode_normalization::UnicodeNormalization;

/// Normalises one paragraph of text.
pub fn text(input: &str) -> String {
    let nfc: String = input.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut prev_space = false;
    for ch in nfc.chars() {
        let space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if space {
            if !prev_space {
                out.push(' ');
            }
        } else {
            out.push(ch);
        }
        prev_space = space;
    }
    out.trim_matches(' ').to_string()
}
