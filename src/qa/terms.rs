//! Terminology verification: does the target use the glossary's terms?
//!
//! For each term hit of a translated segment: the expected target term,
//! or one of its alternatives, must appear in the target, in any case and
//! with an allowed inflection (plural `-s`/`-es`/`-ies`/`-men`, German and
//! Spanish plural and case endings, possessive `'s`); no forbidden rendering
//! may appear; a do-not-translate term must appear exactly as written.

use crate::glossary::fold;
use crate::model::{CheckId, QaIssue, Segment, Severity, TermHit};

use super::Check;

/// The `terms` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct TermCheck;

impl TermCheck {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

impl Check for TermCheck {
    fn id(&self) -> CheckId {
        CheckId::Terms
    }

    fn check(&self, segment: &Segment, _target_lang: &str) -> Vec<QaIssue> {
        let Some(target) = segment.target.as_deref().filter(|t| !t.trim().is_empty()) else {
            return Vec::new();
        };
        let words = words(target);
        let mut issues = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for hit in &segment.terms {
            if seen.contains(&hit.entry.as_str()) {
                continue;
            }
            seen.push(&hit.entry);
            issues.extend(verify(hit, target, &words));
        }
        issues
    }
}

/// The hits of `hits` that `target` breaks (expected term missing, a
/// forbidden rendering used, a do-not-translate term changed), each
/// concept once.
pub(crate) fn broken<'a>(hits: &'a [TermHit], target: &str) -> Vec<&'a TermHit> {
    let words = words(target);
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for hit in hits {
        if seen.contains(&hit.entry.as_str()) {
            continue;
        }
        seen.push(&hit.entry);
        if !verify(hit, target, &words).is_empty() {
            out.push(hit);
        }
    }
    out
}

fn issue(hit: &TermHit, message: String) -> QaIssue {
    QaIssue {
        check: CheckId::Terms,
        severity: Severity::Error,
        message,
        entry: Some(hit.entry.clone()),
        domain: Some(hit.domain.clone()),
    }
}

/// Findings for one hit against one target.
fn verify(hit: &TermHit, target: &str, words: &[Word]) -> Vec<QaIssue> {
    let mut out = Vec::new();
    if hit.do_not_translate {
        let keep = hit.expected.as_deref().unwrap_or(&hit.term);
        if !target.contains(keep) {
            out.push(issue(
                hit,
                format!("expected {keep:?} verbatim for {:?} (do not translate)", hit.term),
            ));
        }
        return out;
    }
    let Some(expected) = hit.expected.as_deref() else { return out };
    let accepted: Vec<(usize, usize)> = std::iter::once(expected)
        .chain(hit.alternatives.iter().map(String::as_str))
        .flat_map(|t| occurrences(words, t))
        .collect();
    if accepted.is_empty() {
        out.push(issue(hit, format!("expected {expected:?} for {:?}", hit.term)));
    }
    for bad in &hit.forbidden {
        // A forbidden rendering inside an accepted one is not a use of it.
        let used = occurrences(words, bad)
            .into_iter()
            .any(|(s, e)| !accepted.iter().any(|&(a, b)| a <= s && e <= b));
        if used {
            out.push(issue(
                hit,
                format!("forbidden {bad:?} for {:?} (use {expected:?})", hit.term),
            ));
        }
    }
    out
}

/// A folded word of the target and its token index.
struct Word {
    key: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    fold::tokens(text, false, |_, k| out.push(Word { key: k.to_string() }));
    out
}

/// Token ranges of `words` where `term` occurs, inflections allowed.
fn occurrences(words: &[Word], term: &str) -> Vec<(usize, usize)> {
    let term: Vec<Word> = self::words(term);
    let n = term.len();
    if n == 0 || words.len() < n {
        return Vec::new();
    }
    (0..=words.len() - n)
        .filter(|&s| {
            words.get(s..s + n).is_some_and(|w| {
                w.iter().zip(&term).all(|(w, t)| inflects_or_singular(&t.key, &w.key))
            })
        })
        .map(|s| (s, s + n))
        .collect()
}

/// True when `word` is `base` or an inflected form of it.
fn inflects(base: &str, word: &str) -> bool {
    if word == base {
        return true;
    }
    // Plurals and case endings of English, German and Spanish terms:
    // ministries, forces, Streitkräften, Ministeriums, fuerzas, misiones.
    if let Some(rest) = word.strip_prefix(base) {
        return matches!(rest, "s" | "es" | "n" | "en" | "e" | "er" | "ern" | "ns");
    }
    if let Some(stem) = base.strip_suffix('y') {
        return word.strip_prefix(stem).is_some_and(|r| r == "ies");
    }
    if let Some(stem) = base.strip_suffix("man") {
        return word.strip_prefix(stem).is_some_and(|r| r == "men");
    }
    false
}

/// As [`inflects`], and also the singular of a plural term (`force` for
/// `forces`), as a singular French source gives it: the `terms` check
/// verifies the wording, number agreement is `term_number`'s concern.
fn inflects_or_singular(base: &str, word: &str) -> bool {
    inflects(base, word)
        || base
            .strip_prefix(word)
            .is_some_and(|rest| matches!(rest, "s" | "es") && word.chars().count() > 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(expected: &str, alternatives: &[&str], forbidden: &[&str], dnt: bool) -> TermHit {
        TermHit {
            entry: "def-1".into(),
            start: 0,
            end: 1,
            text: "x".into(),
            term: "ministère de la Défense".into(),
            expected: Some(expected.into()),
            alternatives: alternatives.iter().map(|s| s.to_string()).collect(),
            forbidden: forbidden.iter().map(|s| s.to_string()).collect(),
            domain: "defence".into(),
            do_not_translate: dnt,
            no_article: false,
            plural: None,
        }
    }

    fn run(h: TermHit, target: &str) -> Vec<String> {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some(target.into());
        seg.terms = vec![h];
        TermCheck.check(&seg, "en-GB").into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn inflections_pass() {
        let h = || hit("Ministry of Defence", &["defence ministry"], &[], false);
        assert!(run(h(), "The MINISTRY OF DEFENCE said.").is_empty());
        assert!(run(h(), "The Ministry of Defence's plan.").is_empty());
        assert!(run(h(), "Both defence ministries signed.").is_empty());
        assert_eq!(
            run(h(), "The war office said."),
            ["expected \"Ministry of Defence\" for \"ministère de la Défense\""]
        );
    }

    #[test]
    fn forbidden_and_dnt() {
        let h = hit("Ministry of Defense", &[], &["Ministry of Defence"], false);
        assert_eq!(run(h.clone(), "The Ministry of Defense said.").len(), 0);
        assert_eq!(
            run(h, "The Ministry of Defence said."),
            [
                "expected \"Ministry of Defense\" for \"ministère de la Défense\"",
                "forbidden \"Ministry of Defence\" for \"ministère de la Défense\" (use \"Ministry of Defense\")"
            ]
        );
        let d = hit("Caliber.Az", &[], &[], true);
        assert!(run(d.clone(), "cited by Caliber.Az.").is_empty());
        assert_eq!(run(d, "cited by caliber az").len(), 1);
    }

    #[test]
    fn empty_target_is_skipped() {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some("  ".into());
        seg.terms = vec![hit("Ministry of Defence", &[], &[], false)];
        assert!(TermCheck.check(&seg, "en-GB").is_empty());
    }
}
