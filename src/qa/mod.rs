//! QA stage: translated segments in, findings on them out.
//!
//! Every check sees each segment with a target and may add [`QaIssue`]s.
//! Checks read only the target text and the source's term hits, never how
//! the target was produced, so they apply to any translation: a provider's,
//! the memory's or a human's.
//!
//! Besides the glossary (`terms`) and `numbers`, the damage checks
//! ([`damage_checks`]) look for what terminology enforcement and
//! word-by-word engines do to English: an adjective stranded after a term,
//! "the" before a name that takes none, a term's number lost, a doubled
//! word, a placeholder or tag left behind. `spelling` holds an English
//! target to its locale's standard (British or American), and
//! [`spelling::localise`] can rewrite it first (`[qa] localise_spelling`).

pub mod article;
pub mod doubled;
pub mod markup;
pub mod numbers;
pub mod spelling;
pub mod stranded;
pub mod term_number;
pub mod terms;
mod text;

use serde::Deserialize;

use crate::model::{Article, CheckId, QaIssue, Segment};

/// One QA check.
pub trait Check: Send + Sync {
    /// Which check this is; its findings carry the same id.
    fn id(&self) -> CheckId;
    /// Findings on one segment.
    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue>;
}

/// `[qa]` in `depeche.toml`: what the QA stage may change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QaConfig {
    /// Rewrite British spellings in en-US targets (and American ones in
    /// en-GB targets) before the checks run; names are kept.
    pub localise_spelling: bool,
}

/// Runs `checks` over every translated segment of `article`.
pub fn run(checks: &[Box<dyn Check>], article: &mut Article, target_lang: &str) {
    for para in &mut article.paragraphs {
        for seg in &mut para.segments {
            if seg.target.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            let mut found = Vec::new();
            for check in checks {
                found.extend(check.check(seg, target_lang));
            }
            seg.issues = found;
        }
    }
}

/// The checks every run applies: glossary terms, numbers, the damage
/// checks and spelling. Checks that only know English return nothing for
/// other targets.
pub fn default_checks() -> Vec<Box<dyn Check>> {
    let mut checks: Vec<Box<dyn Check>> =
        vec![Box::new(terms::TermCheck::new()), Box::new(numbers::NumberCheck::new())];
    checks.extend(damage_checks());
    checks.push(Box::new(spelling::SpellingCheck::new()));
    checks
}

/// The checks for damage that terminology enforcement and word-by-word
/// translation do to a sentence: `stranded_adjective`,
/// `article_before_name`, `term_number`, `doubled_word` and
/// `leftover_markup`. The translator's terminology repair runs them on a
/// repaired candidate and on the plain translation to keep the better one.
pub fn damage_checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(stranded::StrandedAdjective::new()),
        Box::new(article::ArticleBeforeName::new()),
        Box::new(term_number::TermNumber::new()),
        Box::new(doubled::DoubledWord::new()),
        Box::new(markup::LeftoverMarkup::new()),
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::TermHit;

    /// A hit on `text` (also its lemma) rendered `expected`.
    pub(crate) fn hit(text: &str, expected: &str, alternatives: &[&str]) -> TermHit {
        TermHit {
            entry: format!("e-{text}"),
            start: 0,
            end: text.len(),
            text: text.into(),
            term: text.into(),
            expected: Some(expected.into()),
            alternatives: alternatives.iter().map(|s| s.to_string()).collect(),
            forbidden: Vec::new(),
            domain: "defence".into(),
            do_not_translate: false,
            no_article: false,
            plural: None,
        }
    }

    #[test]
    fn damage_checks_have_their_own_ids() {
        let ids: Vec<&str> = damage_checks().iter().map(|c| c.id().as_str()).collect();
        assert_eq!(
            ids,
            [
                "stranded_adjective",
                "article_before_name",
                "term_number",
                "doubled_word",
                "leftover_markup"
            ]
        );
        assert_eq!(default_checks().len(), 8);
    }

    #[test]
    fn odd_text_never_panics() {
        let texts = [
            "",
            " ",
            "GLOSSTERM",
            "glossterm9999999999999999999999",
            "<",
            "</",
            "&lt;",
            "&lt;dnt",
            "<dnt",
            "é<dnt>é</dnt>é",
            "the",
            "the the",
            "\u{2019}s",
            "«Défense»",
            "\"",
            "the NATO\u{2019}",
            "links military",
            "Ministry of Defence British",
        ];
        let mut h = hit("ministères", "Ministry of Defence", &["military", "NATO", ""]);
        h.no_article = true;
        h.plural = Some(String::new());
        for (i, source) in texts.iter().enumerate() {
            for target in texts {
                // Offsets past the end and inside a character.
                h.start = [0, 1, 500][i % 3];
                h.end = h.start + 2;
                let mut seg = Segment::new("p1.s1", *source);
                seg.target = Some(target.into());
                seg.terms = vec![h.clone()];
                for lang in ["en-GB", "en-US", "de-DE", "es-ES", "xx"] {
                    for c in default_checks() {
                        c.check(&seg, lang);
                    }
                    spelling::localise_text(&seg, lang);
                }
            }
        }
    }

    #[test]
    fn non_english_targets_get_only_language_neutral_findings() {
        let mut seg = Segment::new("p1.s1", "Les ministères de la Défense.");
        seg.target = Some("Die Verteidigungsministerien militärisch und GLOSSTERM1.".into());
        seg.terms = vec![hit("ministères de la Défense", "Verteidigungsministerium", &[])];
        let ids: Vec<CheckId> = default_checks()
            .iter()
            .filter(|c| !matches!(c.id(), CheckId::Terms | CheckId::Numbers))
            .flat_map(|c| c.check(&seg, "de-DE"))
            .map(|i| i.check)
            .collect();
        assert_eq!(ids, [CheckId::LeftoverMarkup]);
    }
}
