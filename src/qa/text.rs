//! The target text as the damage checks read it: words with their byte
//! spans, their case and what stands between them, and where a term hit's
//! renderings occur.

use crate::glossary::fold;
use crate::model::{CheckId, QaIssue, Severity, TermHit};

/// One word of a text.
#[derive(Debug, Clone)]
pub(crate) struct Word<'a> {
    /// Byte offset of the first character.
    pub(crate) start: usize,
    /// Byte offset just past the last character.
    pub(crate) end: usize,
    /// The word as written.
    pub(crate) text: &'a str,
    /// Lowercase, accents stripped.
    pub(crate) key: String,
}

impl Word<'_> {
    /// Starts with a capital letter (`Ministry`, `NATO`).
    pub(crate) fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Has letters and no lowercase letter (`NATO`, `DEFENCE`).
    pub(crate) fn is_all_caps(&self) -> bool {
        self.text.chars().any(char::is_alphabetic) && !self.text.chars().any(char::is_lowercase)
    }

    /// Made of letters only (no digit).
    pub(crate) fn is_alphabetic(&self) -> bool {
        self.text.chars().all(char::is_alphabetic)
    }
}

/// The words of `text`: runs of letters and digits, apostrophes splitting
/// them (`Defence's` is `Defence` and `s`).
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    fold::tokens(text, false, |t, key| {
        out.push(Word {
            start: t.start,
            end: t.end,
            text: text.get(t.start..t.end).unwrap_or_default(),
            key: key.to_string(),
        });
    });
    out
}

/// The text between words `a` and `b` of `text` (indexes into `words`);
/// `None` when either is missing.
pub(crate) fn gap<'t>(text: &'t str, words: &[Word<'_>], a: usize, b: usize) -> Option<&'t str> {
    let (a, b) = (words.get(a)?, words.get(b)?);
    text.get(a.end..b.start)
}

/// True when only spaces stand between words `a` and `b`.
pub(crate) fn spaced(text: &str, words: &[Word<'_>], a: usize, b: usize) -> bool {
    gap(text, words, a, b).is_some_and(|g| !g.is_empty() && g.chars().all(char::is_whitespace))
}

/// The accepted target renderings of a hit: the expected term (or, for a
/// do-not-translate term, the term itself), its alternatives and its
/// irregular plural.
pub(crate) fn renderings(hit: &TermHit) -> Vec<&str> {
    let first = match (hit.expected.as_deref(), hit.do_not_translate) {
        (Some(e), _) => e,
        (None, true) => hit.term.as_str(),
        (None, false) => return Vec::new(),
    };
    std::iter::once(first)
        .chain(hit.alternatives.iter().map(String::as_str))
        .chain(hit.plural.as_deref())
        .filter(|r| !r.trim().is_empty())
        .collect()
}

/// Word ranges `(first, past_last)` of `words` where `term` occurs, in any
/// case, its words in an English plural (`-s`, `-es`, `-ies`, `-men`) or
/// as written. Stricter than the `terms` check, which also allows German
/// and Spanish endings: "war" must not be found in "warn".
pub(crate) fn find(words: &[Word<'_>], term: &str) -> Vec<(usize, usize)> {
    let term = self::words(term);
    let n = term.len();
    if n == 0 || words.len() < n {
        return Vec::new();
    }
    (0..=words.len() - n)
        .filter(|&s| {
            words
                .get(s..s + n)
                .is_some_and(|w| w.iter().zip(&term).all(|(w, t)| inflects(&t.key, &w.key)))
        })
        .map(|s| (s, s + n))
        .collect()
}

/// True when `word` is `base` or an English plural of it.
fn inflects(base: &str, word: &str) -> bool {
    if word == base {
        return true;
    }
    if let Some(rest) = word.strip_prefix(base) {
        return matches!(rest, "s" | "es");
    }
    let swap = |from: &str, to: &str| {
        base.strip_suffix(from).is_some_and(|stem| word.strip_prefix(stem) == Some(to))
    };
    swap("y", "ies") || swap("man", "men")
}

/// True for an English target (`en`, `en-GB`, `en-US`...).
pub(crate) fn is_english(lang: &str) -> bool {
    primary(lang) == "en"
}

/// The language subtag of a locale, lowercase.
pub(crate) fn primary(lang: &str) -> String {
    lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

/// A finding of one of the damage checks.
pub(crate) fn issue(
    check: CheckId,
    severity: Severity,
    message: String,
    hit: Option<&TermHit>,
) -> QaIssue {
    QaIssue {
        check,
        severity,
        message,
        entry: hit.map(|h| h.entry.clone()),
        domain: hit.map(|h| h.domain.clone()),
    }
}

/// The target of a segment, when it has text.
pub(crate) fn target(segment: &crate::model::Segment) -> Option<&str> {
    segment.target.as_deref().filter(|t| !t.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_gaps() {
        let t = "The Ministry of Defence's plan, signed.";
        let w = words(t);
        let keys: Vec<&str> = w.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["the", "ministry", "of", "defence", "s", "plan", "signed"]);
        assert!(spaced(t, &w, 0, 1));
        assert!(!spaced(t, &w, 3, 4));
        assert_eq!(gap(t, &w, 5, 6), Some(", "));
        assert_eq!(gap(t, &w, 6, 7), None);
        assert_eq!(find(&w, "ministry of defence"), [(1, 4)]);
        assert_eq!(find(&words("two defence ministries"), "Defence Ministry"), [(1, 3)]);
        assert_eq!(find(&words("two servicemen"), "serviceman"), [(1, 2)]);
        assert!(find(&words("a warning to warn"), "war").is_empty());
    }
}
