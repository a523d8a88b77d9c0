//! Folding and tokenising text the way matching needs it.
//!
//! A token is a run of letters and digits, lowercased, with accents
//! stripped (`DÉFENSE`, `défense` and `DEFENSE` fold alike, since all-caps
//! headlines often drop accents). Apostrophes split tokens, so the elided
//! article of `l’ambassade` is a token of its own. Tokens keep their byte
//! span in the original text, so no offset map is needed.
//!
//! One accent survives folding: a word whose stem ends in `é` (`attaqué`,
//! `frappées`, `allié`, `armée`) gets [`ACUTE`] at the end of its key, so
//! that past participles never fold onto nouns in `-e` (`attaque`,
//! `frappe`) and `entrée` never onto `entre` (#10). Headlines in capitals
//! that drop the accent (`ARMEE`) are looked up both ways by the matcher.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Marks a key whose word ends in `é` (after plural and feminine endings).
pub(crate) const ACUTE: char = '\u{b4}';

/// One token of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte offset of the first character.
    pub(crate) start: usize,
    /// Byte offset just past the last character.
    pub(crate) end: usize,
    /// The token continues a multiword term begun by the previous token:
    /// only spaces (any kind, line breaks included), hyphens, apostrophes or
    /// a lone dot (`Caliber.Az`) stand between them.
    pub(crate) glued: bool,
    /// The token has letters and none of them is lowercase (`OTAN`).
    pub(crate) upper: bool,
}

/// Calls `f` for each token of `text` with its folded, normalised key.
///
/// `buf` is scratch space reused across tokens to avoid an allocation per
/// word, which is what keeps matching fast.
pub(crate) fn tokens(text: &str, normalise: bool, f: impl FnMut(Token, &str)) {
    tokens_with(text, normalise, &mut String::with_capacity(32), f);
}

/// [`tokens`] with the caller's scratch buffer, so that a caller that
/// tokenises many texts (the matcher) allocates it once.
pub(crate) fn tokens_with(
    text: &str,
    normalise: bool,
    buf: &mut String,
    mut f: impl FnMut(Token, &str),
) {
    buf.clear();
    let mut start = None::<usize>;
    let mut has_lower = false;
    let mut has_letter = false;
    let mut gap_glue = true;
    let mut gap_len = 0usize;
    let mut gap_dot = false;
    let mut first = true;
    // Length of `buf` just after the last `é`, to tell `attaqué` from
    // `attaque`.
    let mut acute_at = None::<usize>;
    // Generic rather than `&mut dyn FnMut`: the call per token is inlined.
    #[inline]
    fn finish<F: FnMut(Token, &str)>(
        normalise: bool,
        (start, end): (usize, usize),
        buf: &mut String,
        acute_at: Option<usize>,
        glued: bool,
        upper: bool,
        f: &mut F,
    ) {
        if normalise {
            let acute = acute_at
                .and_then(|at| buf.get(at..))
                .is_some_and(|rest| matches!(rest, "" | "e" | "s" | "es"));
            normalise_key(buf);
            if acute {
                buf.push(ACUTE);
            }
        }
        f(Token { start, end, glued, upper }, buf);
        buf.clear();
    }
    let mut glued_for_current = false;
    for (i, c) in text.char_indices() {
        let word = if c.is_ascii() { c.is_ascii_alphanumeric() } else { is_word_char(c) };
        if word {
            if start.is_none() {
                start = Some(i);
                glued_for_current = !first && gap_glue && !(gap_dot && gap_len > 1);
                has_lower = false;
                has_letter = false;
                acute_at = None;
            }
            if c.is_ascii() {
                if c.is_ascii_lowercase() {
                    has_lower = true;
                    has_letter = true;
                } else if c.is_ascii_uppercase() {
                    has_letter = true;
                }
                buf.push(c.to_ascii_lowercase());
            } else if let Some(folded) = fold_latin1(c) {
                // Latin-1 letters are most of French text beyond ASCII:
                // answer them from a table rather than Unicode lookups.
                has_letter = true;
                has_lower |= c >= '\u{DF}';
                buf.push_str(folded);
                if c == 'é' || c == 'É' {
                    acute_at = Some(buf.len());
                }
            } else {
                if c.is_lowercase() {
                    has_lower = true;
                }
                if c.is_alphabetic() {
                    has_letter = true;
                }
                fold_into(c, buf);
            }
        } else {
            if let Some(s) = start.take() {
                finish(
                    normalise,
                    (s, i),
                    buf,
                    acute_at,
                    glued_for_current,
                    has_letter && !has_lower,
                    &mut f,
                );
                first = false;
                gap_glue = true;
                gap_len = 0;
                gap_dot = false;
            }
            gap_len += 1;
            if c == '.' {
                gap_dot = true;
            } else if !is_glue(c) {
                gap_glue = false;
            }
        }
    }
    if let Some(s) = start {
        finish(
            normalise,
            (s, text.len()),
            buf,
            acute_at,
            glued_for_current,
            has_letter && !has_lower,
            &mut f,
        );
    }
}

/// Folded keys of `text`, for building patterns (tests and loaders).
pub(crate) fn keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokens(text, true, |_, k| out.push(k.to_string()));
    out
}

/// Letters, digits, and combining marks (so decomposed text stays one word).
fn is_word_char(c: char) -> bool {
    if ('\u{C0}'..='\u{FF}').contains(&c) {
        return c != '\u{D7}' && c != '\u{F7}';
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Folded spelling of a Latin-1 letter (`É` → `e`), or `None` for any
/// other character.
fn fold_latin1(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' => "c",
        'È'..='Ë' | 'è'..='ë' => "e",
        'Ì'..='Ï' | 'ì'..='ï' => "i",
        'Ð' | 'ð' => "d",
        'Ñ' | 'ñ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' => "o",
        'Ù'..='Ü' | 'ù'..='ü' => "u",
        'Ý' | 'ý' | 'ÿ' => "y",
        'Þ' | 'þ' => "th",
        'ß' => "ss",
        _ => return None,
    })
}

/// Characters that may sit inside a multiword term.
fn is_glue(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'
                | '\u{2011}'
                | '\u{00AD}'
                | '\''
                | '\u{2019}'
                | '\u{2018}'
                | '\u{02BC}'
        )
}

/// Pushes the lowercase, accentless spelling of `c`.
pub(crate) fn fold_into(c: char, out: &mut String) {
    if let Some(f) = fold_latin1(c) {
        out.push_str(f);
        return;
    }
    for l in c.to_lowercase() {
        match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            l if l.is_ascii() => out.push(l),
            l if is_combining_mark(l) => {}
            l => decompose_canonical(l, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            }),
        }
    }
}

/// Lowercase, accentless copy of `text` (whole string, no tokenising).
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            fold_into(c, &mut out);
        }
    }
    out
}

/// Reduces a folded French word to a key shared by its inflected forms.
///
/// A light, predictable normaliser rather than a full stemmer: it removes
/// the plural and feminine endings news text actually varies
/// (`ministères`, `alliées`, `nationaux`, `défensives`, `européenne`) and
/// nothing else, so `défense` and `défensive` stay apart and a term never
/// matches a mere word of the same root. Words of three letters or fewer
/// (`uni`, `ue`, `les`) are left alone.
pub(crate) fn normalise_key(w: &mut String) {
    if w.len() <= 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    if w.ends_with("eaux") {
        // bureaux, cordeaux: plural of -eau, not of -al.
        w.pop();
    } else if w.ends_with("aux") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push_str("al");
    } else if w.ends_with('s') || w.ends_with('x') {
        w.pop();
    }
    // Every ending below ends in `e`: most words stop here.
    if !w.ends_with('e') {
        return;
    }
    const ENDINGS: &[(&str, &str)] = &[
        ("ee", "e"),
        ("ive", "if"),
        ("elle", "el"),
        ("enne", "en"),
        ("ere", "er"),
        ("ale", "al"),
        ("aise", "ai"),
        ("oise", "oi"),
        ("aine", "ain"),
    ];
    for (from, to) in ENDINGS {
        // `-ée` needs a longer word so that `armée` (army) keeps apart from
        // `arme` (weapon) while `alliée` joins `allié`.
        let min = if *from == "ee" { 6 } else { from.len() + 2 };
        if w.len() >= min && w.ends_with(from) {
            w.truncate(w.len() - from.len());
            w.push_str(to);
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(String, bool, bool, String)> {
        let mut out = Vec::new();
        tokens(text, true, |t, k| {
            out.push((
                k.to_string(),
                t.glued,
                t.upper,
                text.get(t.start..t.end).unwrap().to_string(),
            ))
        });
        out
    }

    #[test]
    fn folds_case_accents_and_elision() {
        let t = all("L’AZERBAÏDJAN, d'Azerbaïdjan");
        let keys: Vec<_> = t.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(keys, ["l", "azerbaidjan", "d", "azerbaidjan"]);
        assert_eq!(t[1].3, "AZERBAÏDJAN");
        assert!(t[1].1 && !t[2].1, "the comma breaks a term, the apostrophe does not");
        assert!(t[1].2 && !t[3].2);
    }

    #[test]
    fn inflections_share_a_key() {
        for group in [
            &["ministère", "ministères", "MINISTERES"][..],
            &["allié", "alliés", "alliée", "alliées"],
            &["militaire", "militaires"],
            &["national", "nationale", "nationaux", "nationales"],
            &["défensif", "défensive", "défensives"],
            &["européen", "européenne", "européennes"],
            &["cordeau", "cordeaux"],
        ] {
            let k: Vec<_> = group.iter().map(|w| keys(w)).collect();
            assert!(k.windows(2).all(|p| p[0] == p[1]), "{group:?} -> {k:?}");
        }
        assert_ne!(keys("défense"), keys("défensive"));
        assert_ne!(keys("armée"), keys("arme"));
        assert_eq!(keys("armées"), keys("ARMÉE"));
    }

    // See: #10
    #[test]
    fn participles_keep_apart_from_nouns() {
        for (participle, noun) in
            [("attaqué", "attaque"), ("frappées", "frappe"), ("entrée", "entre")]
        {
            assert_ne!(keys(participle), keys(noun), "{participle} / {noun}");
        }
        assert_eq!(keys("alliées"), keys("allié"));
        assert_eq!(keys("ARMEE")[0].to_string() + "\u{b4}", keys("armée")[0]);
    }

    #[test]
    fn spaces_hyphens_and_dots_glue() {
        let t = all("Royaume\u{a0}-\nUni Caliber.Az. Fin");
        assert_eq!(t.iter().map(|x| x.1).collect::<Vec<_>>(), [false, true, true, true, false]);
    }

    #[test]
    fn decomposed_accents_fold_like_precomposed() {
        assert_eq!(keys("de\u{301}fense"), keys("défense"));
        assert_eq!(fold("Œuvre À"), "oeuvre a");
    }
}
