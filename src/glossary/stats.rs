//! What a glossary holds, for `depeche glossary stats`: concepts, terms and
//! variants per domain and locale, and the sources the concepts come from.

use std::collections::BTreeMap;

use super::{Entry, Status};

/// Counts of one domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainStats {
    /// Subject field (`defence`, `diplomacy`, ...).
    pub domain: String,
    /// Concepts.
    pub concepts: usize,
    /// Per locale (`fr` for the French source terms, then the targets as
    /// written in the files, lowercased): concepts with a term in that
    /// locale, accepted terms, and the variants among them (accepted terms
    /// beyond the first of a concept).
    pub locales: BTreeMap<String, LocaleStats>,
    /// Concepts per source (the first word of the `x-source` data category:
    /// `eurovoc`, `cldr+iso-codes`, `curated`...; `unrecorded` when the
    /// file gives none).
    pub sources: BTreeMap<String, usize>,
}

/// Counts of one locale within a domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocaleStats {
    /// Concepts with at least one accepted term in the locale.
    pub concepts: usize,
    /// Accepted terms (preferred and admitted; French: all source terms).
    pub terms: usize,
    /// Terms beyond the first of their concept.
    pub variants: usize,
}

/// The source group of a concept: the first word of its `x-source`.
fn source_of(e: &Entry) -> String {
    e.origin
        .as_deref()
        .and_then(|o| o.split_whitespace().next())
        .map_or_else(|| "unrecorded".to_string(), str::to_ascii_lowercase)
}

pub(super) fn stats(entries: &[Entry]) -> Vec<DomainStats> {
    let mut by_domain: BTreeMap<&str, DomainStats> = BTreeMap::new();
    for e in entries {
        let d = by_domain
            .entry(e.domain.as_str())
            .or_insert_with(|| DomainStats { domain: e.domain.clone(), ..DomainStats::default() });
        d.concepts += 1;
        *d.sources.entry(source_of(e)).or_default() += 1;
        let mut per_locale: BTreeMap<String, usize> = BTreeMap::new();
        per_locale.insert("fr".into(), e.sources.len());
        for t in e.targets.iter().filter(|t| t.status != Status::Forbidden) {
            *per_locale.entry(t.locale.to_ascii_lowercase().replace('_', "-")).or_default() += 1;
        }
        for (locale, n) in per_locale.into_iter().filter(|(_, n)| *n > 0) {
            let l = d.locales.entry(locale).or_default();
            l.concepts += 1;
            l.terms += n;
            l.variants += n - 1;
        }
    }
    by_domain.into_values().collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn counts_per_domain_locale_and_source() {
        let mut entries = Vec::new();
        crate::glossary::csv::parse(
            Path::new("g.csv"),
            "source,target,locale,domain,origin\n\
             OTAN,NATO,en,defence,curated nato\n\
             OTAN,North Atlantic Treaty Organization,en,defence,\n\
             OTAN,NATO,de,defence,\n\
             ONU,UN,en,diplomacy,\n",
            b',',
            &mut entries,
        )
        .unwrap();
        let s = stats(&entries);
        assert_eq!(s.len(), 2);
        let def = &s[0];
        assert_eq!((def.domain.as_str(), def.concepts), ("defence", 1));
        assert_eq!(def.locales["en"], LocaleStats { concepts: 1, terms: 2, variants: 1 });
        assert_eq!(def.locales["de"].terms, 1);
        assert_eq!(def.locales["fr"].terms, 1);
        assert_eq!(def.sources["curated"], 1);
        assert_eq!(s[1].sources["unrecorded"], 1);
    }
}
