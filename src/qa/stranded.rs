//! Adjectives left in French order after a term (`stranded_adjective`).
//!
//! French puts most adjectives after the noun (`les ministères de la
//! Défense britannique et azerbaïdjanais`, `liens militaires et
//! sécuritaires`); an engine that translates around a protected term, or
//! word by word, leaves them there: "Ministry of Defence British and
//! azerbaidjanès", "links military and of security". English puts them
//! before the noun.
//!
//! Two patterns, both anchored on a term hit of the segment:
//! - a listed adjective (see [`crate::lang::en::is_adjective`]) right after
//!   a rendering of a term whose last word is not itself an adjective:
//!   "Ministry of Defence British";
//! - a rendering that is itself a listed adjective, right after a plural
//!   noun: "links military".
//!
//! Besides term hits, the French adjectives of `SOURCE_ADJECTIVES` in the
//! source anchor the second pattern: the termbases tag `militaire` only as
//! a noun (`les militaires`), so `liens militaires` has no hit, yet
//! "links military" is the same fault.
//!
//! In both, the adjective must end its phrase: what follows it is the end
//! of the sentence, punctuation, `of`, or `and`/`or` not followed by an
//! adjective and its noun ("NATO military and civilian staff" is good
//! English). Findings are warnings. English targets only.

use crate::lang::en;
use crate::model::{CheckId, QaIssue, Segment, Severity, TermHit};

use super::Check;
use super::text::{self, Word};

/// The `stranded_adjective` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct StrandedAdjective;

impl StrandedAdjective {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

/// Adjectives that coordinate with a listed one before a noun ("military
/// and civilian personnel"), besides the listed ones.
const COORDINATED: &[&str] = &[
    "civilian",
    "civil",
    "political",
    "social",
    "cultural",
    "commercial",
    "technical",
    "scientific",
    "religious",
    "ethnic",
    "administrative",
    "technological",
    "educational",
    "intelligence",
    "police",
    "security",
    "trade",
    "energy",
    "defence",
    "defense",
];

/// French adjectives of the domain and their English adjective: each one
/// in the source anchors the "links military" pattern like a term hit whose
/// rendering is that adjective.
const SOURCE_ADJECTIVES: &[(&str, &str)] = &[
    ("militaire", "military"),
    ("militaires", "military"),
    ("nucléaire", "nuclear"),
    ("nucléaires", "nuclear"),
    ("atomique", "atomic"),
    ("atomiques", "atomic"),
    ("diplomatique", "diplomatic"),
    ("diplomatiques", "diplomatic"),
    ("stratégique", "strategic"),
    ("stratégiques", "strategic"),
    ("balistique", "ballistic"),
    ("balistiques", "ballistic"),
    ("naval", "naval"),
    ("navale", "naval"),
    ("navals", "naval"),
    ("navales", "naval"),
];

/// Anchors for the French adjectives of the source that no term hit
/// covers (see [`SOURCE_ADJECTIVES`]).
fn source_adjectives(segment: &Segment) -> Vec<TermHit> {
    let source = segment.source.as_str();
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in source.char_indices().chain(std::iter::once((source.len(), ' '))) {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let Some(word) = source.get(s..i) else { continue };
                let lower = word.to_lowercase();
                let Some(&(_, english)) = SOURCE_ADJECTIVES.iter().find(|(fr, _)| *fr == lower)
                else {
                    continue;
                };
                if segment.terms.iter().any(|h| h.start < i && s < h.end) {
                    continue;
                }
                out.push(TermHit {
                    entry: String::new(),
                    start: s,
                    end: i,
                    text: word.to_string(),
                    term: lower,
                    expected: Some(english.to_string()),
                    alternatives: Vec::new(),
                    forbidden: Vec::new(),
                    domain: String::new(),
                    do_not_translate: false,
                    no_article: false,
                    plural: None,
                });
            }
            _ => {}
        }
    }
    out
}

/// Plural-looking words that are verbs or adverbs before an adjective
/// ("remains nuclear", "goes nuclear").
const NOT_NOUNS: &[&str] = &[
    "does",
    "goes",
    "remains",
    "seems",
    "becomes",
    "looks",
    "sounds",
    "appears",
    "gets",
    "turns",
    "stays",
    "proves",
    "grows",
    "sometimes",
    "nevertheless",
    "towards",
    "besides",
    "makes",
    "keeps",
    "considers",
    "calls",
    "deems",
    "finds",
    "wants",
    "needs",
];

impl Check for StrandedAdjective {
    fn id(&self) -> CheckId {
        CheckId::StrandedAdjective
    }

    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue> {
        let Some(target) = text::target(segment).filter(|_| text::is_english(target_lang)) else {
            return Vec::new();
        };
        let words = text::words(target);
        let mut found: Vec<(usize, QaIssue)> = Vec::new();
        let anchors = source_adjectives(segment);
        for hit in segment.terms.iter().chain(&anchors).filter(|h| !h.do_not_translate) {
            for rendering in text::renderings(hit) {
                let last_is_adjective =
                    text::words(rendering).last().is_some_and(|w| en::is_adjective(w.text));
                for (s, e) in text::find(&words, rendering) {
                    let issue = if last_is_adjective {
                        after_plural_noun(target, &words, s, e, hit)
                    } else {
                        adjective_after(target, &words, s, e, hit)
                    };
                    if let Some((at, issue)) = issue
                        && !found.iter().any(|(a, _)| *a == at)
                    {
                        found.push((at, issue));
                    }
                }
            }
        }
        found.into_iter().map(|(_, i)| i).collect()
    }
}

/// "Ministry of Defence British": the word at `e`, right after the
/// rendering at `s..e`, is a listed adjective that ends its phrase.
fn adjective_after(
    target: &str,
    words: &[Word<'_>],
    s: usize,
    e: usize,
    hit: &TermHit,
) -> Option<(usize, QaIssue)> {
    let adjective = words.get(e)?;
    let last = e.checked_sub(1)?;
    if !en::is_adjective(adjective.text)
        || !text::spaced(target, words, last, e)
        || !ends_phrase(target, words, e)
    {
        return None;
    }
    let phrase = target.get(words.get(s)?.start..words.get(last)?.end)?;
    Some((e, message(hit, adjective.text, phrase)))
}

/// "links military": the rendering at `s..e` is a listed adjective, right
/// after a plural noun, and ends its phrase.
fn after_plural_noun(
    target: &str,
    words: &[Word<'_>],
    s: usize,
    e: usize,
    hit: &TermHit,
) -> Option<(usize, QaIssue)> {
    let before = s.checked_sub(1)?;
    let last = e.checked_sub(1)?;
    let noun = words.get(before)?;
    let adjective = words.get(last)?;
    let plural_noun = noun.is_alphabetic()
        && !noun.is_capitalised()
        && en::is_plural(noun.text)
        && !NOT_NOUNS.contains(&noun.key.as_str())
        && !noun.key.ends_with("ly");
    if !plural_noun || !text::spaced(target, words, before, s) || !ends_phrase(target, words, last)
    {
        return None;
    }
    Some((last, message(hit, adjective.text, noun.text)))
}

/// True when the adjective at `i` ends its phrase: nothing, punctuation or
/// `of` follows, or `and`/`or` and something other than an adjective with
/// its noun.
fn ends_phrase(target: &str, words: &[Word<'_>], i: usize) -> bool {
    let Some(next) = words.get(i + 1) else { return true };
    let gap = text::gap(target, words, i, i + 1).unwrap_or_default();
    if gap.chars().any(|c| !c.is_whitespace()) {
        // A hyphen or slash makes a compound ("military-led"); other
        // punctuation ends the phrase.
        return !gap.contains(['-', '\u{2010}', '\u{2011}', '/']);
    }
    match next.key.as_str() {
        "of" => true,
        "and" | "or" => {
            let Some(other) = words.get(i + 2) else { return true };
            let coordinated = en::is_adjective(other.text)
                || COORDINATED.contains(&other.key.as_str())
                || other.is_capitalised();
            let then_noun = words.get(i + 3).is_some_and(|n| n.is_alphabetic())
                && text::spaced(target, words, i + 2, i + 3);
            !(coordinated && then_noun)
        }
        _ => false,
    }
}

fn message(hit: &TermHit, adjective: &str, phrase: &str) -> QaIssue {
    text::issue(
        CheckId::StrandedAdjective,
        Severity::Warning,
        format!(
            "adjective {adjective:?} after {phrase:?} (for {:?}): English puts it before the noun",
            hit.text
        ),
        Some(hit).filter(|h| !h.entry.is_empty()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::tests::hit;

    fn run(hits: Vec<TermHit>, target: &str) -> Vec<String> {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some(target.into());
        seg.terms = hits;
        StrandedAdjective.check(&seg, "en-GB").into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn adjective_after_a_term() {
        let mod_ = || hit("ministères de la Défense", "Ministry of Defence", &["defence ministry"]);
        assert_eq!(
            run(vec![mod_()], "The Ministry of Defence British and azerbaidjanès signed."),
            [
                "adjective \"British\" after \"Ministry of Defence\" (for \"ministères de la Défense\"): English puts it before the noun"
            ]
        );
        assert_eq!(run(vec![mod_()], "talks with the defence ministry British.").len(), 1);
        // Good English.
        for good in [
            "The British Ministry of Defence signed.",
            "The Ministry of Defence British Army liaison.",
            "The Ministry of Defence military and civilian staff.",
            "The Ministry of Defence military-led review.",
        ] {
            assert!(run(vec![mod_()], good).is_empty(), "{good}");
        }
    }

    // See: #10
    #[test]
    fn french_adjectives_of_the_source_anchor_without_a_term_hit() {
        let mut seg = Segment::new(
            "p1.s1",
            "Les deux pays renforcent leurs liens militaires et sécuritaires.",
        );
        seg.target =
            Some("The two countries strengthen their links military and of security.".into());
        let issues = StrandedAdjective.check(&seg, "en-GB");
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].entry, None);
        assert!(issues[0].message.contains("\"military\" after \"links\""), "{issues:?}");
        seg.target = Some("The two countries strengthen their military and security links.".into());
        assert!(StrandedAdjective.check(&seg, "en-GB").is_empty());
    }

    #[test]
    fn adjective_rendering_after_a_plural_noun() {
        let mil = || hit("militaires", "military", &[]);
        assert_eq!(run(vec![mil()], "They strengthen links military and of security.").len(), 1);
        assert_eq!(run(vec![mil()], "ties military.").len(), 1);
        for good in [
            "They strengthen military links.",
            "the military and the police",
            "Mali's military said.",
            "the conflict remains military.",
            "the forces military commanders",
        ] {
            assert!(run(vec![mil()], good).is_empty(), "{good}");
        }
    }

    #[test]
    fn other_languages_are_skipped() {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some("Ministry of Defence British.".into());
        seg.terms = vec![hit("ministère de la Défense", "Ministry of Defence", &[])];
        assert!(StrandedAdjective.check(&seg, "de-DE").is_empty());
    }
}
