//! Batching: an article's segments cut into provider-sized requests.

use super::{Batch, BatchItem, Limits, Provider, ProviderError};
use crate::model::{Article, Origin};

/// What translating one article cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TranslateStats {
    /// Requests sent.
    pub requests: usize,
    /// Segments sent to the provider.
    pub segments_sent: usize,
    /// Characters of source text sent.
    pub chars_sent: usize,
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

/// Translates every segment of `article` into `target_lang` with `provider`.
pub async fn translate_article(
    provider: &dyn Provider,
    article: &mut Article,
    target_lang: &str,
) -> Result<TranslateStats, ProviderError> {
    let source_lang = article.lang.clone();
    let mut stats = TranslateStats::default();
    let targets: Vec<String> = {
        let items: Vec<BatchItem<'_>> = article
            .paragraphs
            .iter()
            .flat_map(|p| &p.segments)
            .map(|s| BatchItem { id: &s.id, text: &s.source, terms: &s.terms })
            .collect();
        let mut targets = Vec::with_capacity(items.len());
        for range in plan(&items, provider.limits()) {
            let Some(chunk) = items.get(range) else { continue };
            let batch = Batch { source_lang: &source_lang, target_lang, items: chunk };
            let out = provider.translate(&batch).await?;
            if out.len() != chunk.len() {
                return Err(ProviderError::BadResponse {
                    provider: provider.name(),
                    detail: format!("{} translations for {} segments", out.len(), chunk.len()),
                });
            }
            if provider.produces_targets() {
                stats.requests += 1;
                stats.segments_sent += chunk.len();
                stats.chars_sent += chunk.iter().map(|i| i.text.chars().count()).sum::<usize>();
            }
            targets.extend(out);
        }
        targets
    };
    let produces = provider.produces_targets();
    let segs = article.paragraphs.iter_mut().flat_map(|p| &mut p.segments);
    for (seg, target) in segs.zip(targets) {
        if produces {
            seg.target = Some(target);
            seg.origin = Origin::Mt { provider: provider.name().to_string() };
        } else {
            seg.target = None;
            seg.origin = Origin::None;
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&'static str]) -> Vec<BatchItem<'static>> {
        texts.iter().map(|t| BatchItem { id: "x", text: t, terms: &[] }).collect()
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
}
