//! A word written twice in a row (`doubled_word`).
//!
//! Restoring a term next to the engine's own rendering of it, or an
//! article the engine already wrote, doubles a word: "the the Ministry",
//! "of of Defence". The check reports a word repeated with only spaces
//! between, in any case, when the word is lowercase (or a function word
//! capitalised at the start of a sentence: "The the"). Doublings that are
//! good grammar are allowed: English "that that" and "had had", "is is"
//! ("what it is is"), emphatic "very very", "so so", "bye bye"; German
//! relative pronouns after an article ("die die", "der der", "das das");
//! Spanish "que que" is reported. Capitalised repeats are names ("Sirhan
//! Sirhan", "Boutros Boutros-Ghali") and numbers are quantities, so neither
//! is reported. Findings are warnings. English, German and Spanish targets.

use crate::model::{CheckId, QaIssue, Segment, Severity};

use super::Check;
use super::text;

/// The `doubled_word` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct DoubledWord;

impl DoubledWord {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

/// Function words of each language: repeated, they are reported even when
/// the first is capitalised at the start of a sentence.
const FUNCTION: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "and", "or", "by", "from",
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "und", "von", "zu", "mit", "el", "la",
    "los", "las", "de", "del", "en", "y", "un", "una", "por", "para", "con",
];

/// Doublings that can be good grammar, per language.
fn allowed(lang: &str, word: &str) -> bool {
    match lang {
        "en" => matches!(
            word,
            "that"
                | "had"
                | "is"
                | "do"
                | "very"
                | "so"
                | "bye"
                | "no"
                | "yes"
                | "far"
                | "long"
                | "ha"
                | "well"
                | "really"
                | "many"
                | "much"
                | "more"
                | "again"
                | "too"
        ),
        "de" => matches!(word, "die" | "der" | "das" | "den" | "dem" | "des" | "sie" | "man"),
        "es" => matches!(word, "muy" | "no" | "si" | "ya" | "poco"),
        _ => true,
    }
}

impl Check for DoubledWord {
    fn id(&self) -> CheckId {
        CheckId::DoubledWord
    }

    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue> {
        let lang = text::primary(target_lang);
        let Some(target) =
            text::target(segment).filter(|_| matches!(lang.as_str(), "en" | "de" | "es"))
        else {
            return Vec::new();
        };
        let words = text::words(target);
        let mut out = Vec::new();
        for (i, pair) in words.windows(2).enumerate() {
            let [a, b] = pair else { continue };
            if a.key != b.key
                || !a.is_alphabetic()
                || b.is_capitalised()
                || (a.is_capitalised() && !FUNCTION.contains(&a.key.as_str()))
                || allowed(&lang, &a.key)
                || !text::spaced(target, &words, i, i + 1)
            {
                continue;
            }
            let written = target.get(a.start..b.end).unwrap_or(a.text);
            out.push(text::issue(
                CheckId::DoubledWord,
                Severity::Warning,
                format!("{written:?}: word written twice"),
                None,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(target: &str, lang: &str) -> Vec<String> {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some(target.into());
        DoubledWord.check(&seg, lang).into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn doubled_words_are_reported() {
        assert_eq!(
            run("the the Ministry of Defence", "en-GB"),
            ["\"the the\": word written twice"]
        );
        assert_eq!(run("The the Ministry", "en-US").len(), 1);
        assert_eq!(run("Ministry of of Defence", "en-GB").len(), 1);
        assert_eq!(run("de de la defensa", "es-ES").len(), 1);
        assert_eq!(run("und und", "de-DE").len(), 1);
    }

    #[test]
    fn good_doublings_pass() {
        for good in [
            "He said that that was wrong.",
            "She had had enough.",
            "What it is is a plan.",
            "Sirhan Sirhan was tried.",
            "It was very, very late.",
            "in 2020 2021 figures",
            "the, the",
        ] {
            assert!(run(good, "en-GB").is_empty(), "{good}");
        }
        assert!(run("Er sagt, die die Regierung stützen", "de-DE").is_empty());
        assert!(run("the the", "fr-FR").is_empty());
    }
}
