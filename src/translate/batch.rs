//! Batching and checking: an article's segments cut into provider-sized
//! requests, and each answer checked before it is trusted.

use std::collections::BTreeMap;

use super::{BatchItem, Limits, ProviderError};

/// What translating one article cost and produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranslateStats {
    /// Requests sent, over all providers, answered or not.
    pub requests: usize,
    /// Requests that got no translations back: refused (an error status),
    /// unanswered (no connection, a timeout) or answered with an error.
    pub failed_requests: usize,
    /// Segments the providers accepted, over all providers: those of
    /// requests answered with translations (a resent segment counts again).
    pub segments_sent: usize,
    /// Characters of source text the providers accepted, over all providers:
    /// those of requests answered with translations, which is what they
    /// bill. A request refused or never answered adds nothing, so a run
    /// against an endpoint that is down reports 0. See: #12
    pub chars_sent: usize,
    /// Segments that received a machine translation.
    pub translated: usize,
    /// Segments no provider could translate; their target stays empty.
    pub failed: usize,
    /// Segments skipped because they already had a target (translation memory).
    pub skipped: usize,
    /// Requests repeated after a retryable error or an unusable answer.
    pub retries: usize,
    /// The same figures per provider.
    pub per_provider: BTreeMap<String, ProviderUsage>,
    /// What went wrong, once per distinct error.
    pub errors: Vec<super::ProviderFailure>,
    /// What the terminology repair did (`terms = "repair"`).
    pub terms: super::TermStats,
}

impl TranslateStats {
    /// Adds `other` to these figures (for run totals).
    pub fn add(&mut self, other: &TranslateStats) {
        self.requests += other.requests;
        self.failed_requests += other.failed_requests;
        self.segments_sent += other.segments_sent;
        self.chars_sent += other.chars_sent;
        self.translated += other.translated;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.retries += other.retries;
        self.terms.add(&other.terms);
        for (name, u) in &other.per_provider {
            self.per_provider.entry(name.clone()).or_default().add(u);
        }
        for e in &other.errors {
            if !self.errors.contains(e) {
                self.errors.push(e.clone());
            }
        }
    }
}

/// Traffic to one provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProviderUsage {
    /// Requests sent, answered or not.
    pub requests: usize,
    /// Requests that got no translations back.
    pub failed_requests: usize,
    /// Segments of the requests answered with translations.
    pub segments_sent: usize,
    /// Characters of the requests answered with translations (what most
    /// providers bill).
    pub chars_sent: usize,
    /// Segments this provider translated.
    pub translated: usize,
    /// Requests repeated.
    pub retries: usize,
}

impl ProviderUsage {
    /// Adds `other` to these figures.
    pub fn add(&mut self, other: &ProviderUsage) {
        self.requests += other.requests;
        self.failed_requests += other.failed_requests;
        self.segments_sent += other.segments_sent;
        self.chars_sent += other.chars_sent;
        self.translated += other.translated;
        self.retries += other.retries;
    }
}

/// Splits `items` into runs that respect `limits`; a single item larger
/// than the byte limit still travels alone.
pub fn plan(items: &[BatchItem<'_>], limits: Limits) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, item) in items.iter().enumerate() {
        let len = item.text.len();
        let full =
            i > start && (i - start >= limits.max_segments || bytes + len > limits.max_bytes);
        if full {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += len;
    }
    if start < items.len() {
        out.push(start..items.len());
    }
    out
}

/// Text written in capitals (a shouted headline) in sentence case, which
/// engines translate far better; anything else unchanged. The source
/// segment itself stays as written.
pub fn sentence_case_if_shouting(text: &str) -> std::borrow::Cow<'_, str> {
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .collect::<Vec<_>>();
    let shouting = words.len() >= 2
        && text.chars().any(char::is_uppercase)
        && !text.chars().any(char::is_lowercase);
    if !shouting {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut first = true;
    for c in text.chars() {
        if c.is_alphabetic() && first {
            out.push(c);
            first = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Checks an answer against what was sent: one translation per segment,
/// none empty for a non-empty source, inline tags back exactly once.
pub(crate) fn validate(
    provider: &'static str,
    items: &[BatchItem<'_>],
    out: &[String],
) -> Result<(), ProviderError> {
    if out.len() != items.len() {
        return Err(ProviderError::BadResponse {
            provider,
            detail: format!("{} translations for {} segments", out.len(), items.len()),
        });
    }
    for (item, target) in items.iter().zip(out) {
        if !item.text.trim().is_empty() && target.trim().is_empty() {
            return Err(ProviderError::BadResponse {
                provider,
                detail: format!("empty translation for segment {}", item.id),
            });
        }
        if tags(item.text) != tags(target) {
            return Err(ProviderError::BadResponse {
                provider,
                detail: format!("inline tags of segment {} did not come back intact", item.id),
            });
        }
    }
    Ok(())
}

/// The inline tags of `text` (`<` then a letter or `/`, up to `>`), sorted.
fn tags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find('<') {
        let after = rest.get(a..).unwrap_or("");
        let opens_tag = after.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match after.find('>') {
            Some(b) if opens_tag && !after.get(1..b).unwrap_or("<").contains('<') => {
                out.push(after.get(..=b).unwrap_or(""));
                rest = after.get(b + 1..).unwrap_or("");
            }
            _ => rest = after.get(1..).unwrap_or(""),
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&'static str]) -> Vec<BatchItem<'static>> {
        texts.iter().map(|t| BatchItem { id: "x", text: t, terms: &[], previous: None }).collect()
    }

    #[test]
    fn plan_respects_count_and_bytes() {
        let it = items(&["aaaa", "bbbb", "cccc", "dddddddddddd", "e"]);
        let p = plan(&it, Limits { max_segments: 2, max_bytes: 10 });
        assert_eq!(p, vec![0..2, 2..3, 3..4, 4..5]);
        let p = plan(&it, Limits { max_segments: 50, max_bytes: 1000 });
        assert_eq!(p, vec![0..5]);
        assert!(plan(&[], Limits { max_segments: 1, max_bytes: 1 }).is_empty());
    }

    #[test]
    fn shouting_headlines_go_to_sentence_case() {
        assert_eq!(
            sentence_case_if_shouting("L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN"),
            "L’azerbaïdjan et le royaume-uni signent un plan"
        );
        assert_eq!(sentence_case_if_shouting("L'OTAN se réunit."), "L'OTAN se réunit.");
        assert_eq!(sentence_case_if_shouting("OTAN"), "OTAN");
        assert_eq!(sentence_case_if_shouting("2026-2027"), "2026-2027");
    }

    #[test]
    fn validation_catches_count_empty_and_tags() {
        let it = items(&["Le <x id=\"1\"/> plan.", "Bonjour."]);
        let ok = vec!["The <x id=\"1\"/> plan.".to_string(), "Hello.".to_string()];
        assert!(validate("t", &it, &ok).is_ok());
        let short = vec!["The plan.".to_string()];
        assert!(
            validate("t", &it, &short).unwrap_err().to_string().contains("1 translations for 2")
        );
        let empty = vec!["The <x id=\"1\"/> plan.".to_string(), " ".to_string()];
        assert!(validate("t", &it, &empty).unwrap_err().to_string().contains("empty"));
        let lost = vec!["The plan.".to_string(), "Hello.".to_string()];
        assert!(validate("t", &it, &lost).unwrap_err().to_string().contains("tags"));
        assert!(validate("t", &items(&["a < b et c > d"]), &["a < b and c > d".into()]).is_ok());
    }
}
