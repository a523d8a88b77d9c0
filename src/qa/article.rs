//! "the" before a name that takes no article (`article_before_name`).
//!
//! French puts an article before country and organisation names
//! (`l'Azerbaïdjan`, `l'OTAN`); English does not ("Azerbaijan", "NATO").
//! An engine that translates around a protected name keeps the article:
//! "Ministry of Defence of the Azerbaijan", "the NATO said". The termbase
//! marks those names (`no_article` on the hit); this check reports "the"
//! (any case) right before the hit's expected rendering, or a one-word
//! alternative (longer alternatives are full names that do take "the":
//! "the French Republic", "the North Atlantic Treaty Organization").
//!
//! A name used as a modifier takes the article of its noun ("the NATO
//! summit", "the Iran deal", "the NATO-led mission"), so "the" is reported
//! only when the name ends its noun phrase: at the end of the sentence,
//! before punctuation, a possessive `'s`, a function word or a verb in
//! `-ed` ("the Azerbaijan and", "the NATO said", "the Azerbaijan
//! announced"). Findings are warnings. English
//! targets only.

use crate::model::{CheckId, QaIssue, Segment, Severity};

use super::Check;
use super::text::{self, Word};

/// The `article_before_name` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleBeforeName;

impl ArticleBeforeName {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

/// Words after which a name has ended its noun phrase.
const PHRASE_END: &[&str] = &[
    "and", "or", "but", "nor", "of", "to", "in", "at", "on", "with", "for", "by", "from", "as",
    "is", "was", "are", "were", "has", "have", "had", "said", "says", "will", "would", "could",
    "should", "can", "may", "might", "must", "which", "who", "that", "after", "before", "since",
    "during", "over", "under", "into", "against", "also", "its", "their", "his", "her", "than",
    "because", "while", "when", "if", "did", "does", "do",
];

impl Check for ArticleBeforeName {
    fn id(&self) -> CheckId {
        CheckId::ArticleBeforeName
    }

    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue> {
        let Some(target) = text::target(segment).filter(|_| text::is_english(target_lang)) else {
            return Vec::new();
        };
        let words = text::words(target);
        let mut out = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for hit in segment.terms.iter().filter(|h| h.no_article) {
            let renderings = text::renderings(hit);
            let names = renderings.iter().enumerate().filter(|(i, r)| {
                *i == 0 || (text::words(r).len() == 1 && hit.plural.as_deref() != Some(**r))
            });
            for (_, name) in names {
                for (s, e) in text::find(&words, name) {
                    let Some(the) = s.checked_sub(1) else { continue };
                    let is_the = words.get(the).is_some_and(|w| w.key == "the");
                    if !is_the
                        || seen.contains(&s)
                        || !text::spaced(target, &words, the, s)
                        || !ends_phrase(target, &words, e)
                    {
                        continue;
                    }
                    seen.push(s);
                    let written = match (words.get(the), words.get(e - 1)) {
                        (Some(a), Some(b)) => target.get(a.start..b.end).unwrap_or(name),
                        _ => name,
                    };
                    out.push(text::issue(
                        CheckId::ArticleBeforeName,
                        Severity::Warning,
                        format!("{written:?}: {name:?} takes no article in English"),
                        Some(hit),
                    ));
                }
            }
        }
        out
    }
}

/// True when the name ending before word `e` ends its noun phrase.
fn ends_phrase(target: &str, words: &[Word<'_>], e: usize) -> bool {
    let Some(next) = words.get(e) else { return true };
    let gap = text::gap(target, words, e - 1, e).unwrap_or_default();
    if gap.trim().is_empty() {
        // A function word, or a verb in the past ("the Azerbaijan
        // announced").
        return PHRASE_END.contains(&next.key.as_str())
            || (!next.is_capitalised() && next.key.ends_with("ed"));
    }
    // "the Azerbaijan's" is the possessive of the name; "the NATO-led" and
    // "the NATO/EU" make a modifier.
    let possessive = next.key == "s" && matches!(gap, "'" | "\u{2019}");
    possessive || !gap.contains(['-', '\u{2010}', '\u{2011}', '/', '\'', '\u{2019}'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::tests::hit;

    fn run(target: &str) -> Vec<String> {
        let mut az = hit("Azerbaïdjan", "Azerbaijan", &[]);
        az.no_article = true;
        let mut nato = hit("OTAN", "NATO", &["North Atlantic Treaty Organization"]);
        nato.no_article = true;
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some(target.into());
        seg.terms = vec![az, nato];
        ArticleBeforeName.check(&seg, "en-GB").into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn the_before_a_name() {
        assert_eq!(
            run("the Ministry of Defence of the Azerbaijan."),
            ["\"the Azerbaijan\": \"Azerbaijan\" takes no article in English"]
        );
        assert_eq!(run("THE NATO said on Monday").len(), 1);
        assert_eq!(run("the NATO and the EU").len(), 1);
        assert_eq!(run("the NATO's members").len(), 1);
        assert_eq!(run("The NATO, the EU").len(), 1);
    }

    #[test]
    fn good_english_is_left_alone() {
        for good in [
            "Azerbaijan and NATO signed.",
            "the NATO summit opened.",
            "the NATO-led mission",
            "the North Atlantic Treaty Organization said.",
            "the Azerbaijan government said.",
            "the Azerbaijani army",
        ] {
            assert!(run(good).is_empty(), "{good}");
        }
    }

    #[test]
    fn hits_without_the_flag_are_left_alone() {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some("the Azerbaijan.".into());
        seg.terms = vec![hit("Azerbaïdjan", "Azerbaijan", &[])];
        assert!(ArticleBeforeName.check(&seg, "en-GB").is_empty());
        seg.terms[0].no_article = true;
        assert!(ArticleBeforeName.check(&seg, "es-ES").is_empty());
    }
}
