//! French-aware term matching.
//!
//! Text and glossary terms go through the same tokeniser ([`fold`]):
//! lowercase, accents off, apostrophes, hyphens, no-break spaces and line
//! breaks as separators, light plural/feminine normalisation. Each distinct
//! token key gets an id, and the terms form a trie over ids. Matching walks
//! the trie from each token and keeps the longest term starting there that
//! passes its context rule; of overlapping terms the longest is kept, so
//! `ministère de la Défense` wins over `Défense` and hits never overlap.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::fold::{self, Token};
use super::{Entry, Resolved};
use crate::model::TermHit;

/// Tokens on either side of a hit searched for a `requires` word.
const CONTEXT_WINDOW: usize = 12;

/// Finds glossary terms in text, for one target locale.
///
/// Built once per run by [`Glossary::matcher`](super::Glossary::matcher);
/// immutable, so clones share one compiled trie and can be used from any
/// thread.
#[derive(Clone)]
pub struct Matcher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Matcher {
    // The compiled tables run to hundreds of thousands of items: show their
    // sizes, not their contents.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("locale", &self.inner.locale)
            .field("concepts", &self.inner.hits.len())
            .field("words", &self.inner.vocab.len())
            .field("trie_nodes", &self.inner.terminals.len())
            .finish()
    }
}

#[derive(Default)]
struct Inner {
    locale: String,
    vocab: FxMap<Box<str>, u32>,
    /// (node << 32 | token id) -> child node; node 0 is the root.
    trie: FxMap<u64, u32>,
    terminals: Vec<Vec<Terminal>>,
    rules: Vec<Rule>,
    hits: Vec<TermHit>,
}

#[derive(Debug, Clone, Copy)]
struct Terminal {
    entry: u32,
    /// Bit i set: token i of the term is an acronym and must be written in
    /// capitals in the text too (`OTAN`, not a lowercase word).
    acronyms: u64,
}

#[derive(Debug, Default)]
struct Rule {
    requires: Vec<Vec<u32>>,
    excludes: Vec<Vec<u32>>,
}

impl Matcher {
    pub(super) fn new(entries: &[Entry], locale: &str) -> Self {
        let mut inner = Inner { locale: locale.to_string(), ..Inner::default() };
        inner.terminals.push(Vec::new());
        for (index, entry) in entries.iter().enumerate() {
            let Ok(index32) = u32::try_from(index) else { break };
            let requires: Vec<Vec<u32>> = entry
                .requires
                .iter()
                .map(|r| inner.intern_all(r))
                .filter(|r| !r.is_empty())
                .collect();
            let excludes: Vec<Vec<u32>> = entry
                .excludes
                .iter()
                .map(|r| inner.intern_all(r))
                .filter(|r| !r.is_empty())
                .collect();
            let Resolved { expected, alternatives, forbidden } = entry.resolve(locale);
            inner.hits.push(TermHit {
                entry: entry.id.clone(),
                start: 0,
                end: 0,
                text: String::new(),
                term: entry.term().to_string(),
                expected,
                alternatives,
                forbidden,
                domain: entry.domain.clone(),
                do_not_translate: entry.do_not_translate,
            });
            // An ambiguous word with no context to decide is never forced.
            let usable = !entry.ambiguous || !requires.is_empty();
            inner.rules.push(Rule { requires, excludes });
            if !usable {
                continue;
            }
            for source in &entry.sources {
                inner.insert(source, index32);
            }
        }
        Self { inner: Arc::new(inner) }
    }

    /// The target locale this matcher resolves expected terms for.
    pub fn locale(&self) -> &str {
        &self.inner.locale
    }

    /// Term hits in `text`, left to right; of overlapping candidates the
    /// longest wins.
    pub fn find(&self, text: &str) -> Vec<TermHit> {
        let inner = &*self.inner;
        let mut toks: Vec<(Token, u32)> = Vec::with_capacity(text.len() / 6 + 1);
        fold::tokens(text, true, |t, key| {
            toks.push((t, inner.vocab.get(key).copied().unwrap_or(0)));
        });
        // Best (longest accepted) term starting at each token.
        let mut found: Vec<(usize, usize, u32)> = Vec::new();
        let mut candidates: Vec<(usize, u32)> = Vec::new();
        for i in 0..toks.len() {
            candidates.clear();
            let mut node = 0u32;
            let mut j = i;
            while let Some(&(tok, id)) = toks.get(j) {
                if id == 0 || (j > i && !tok.glued) {
                    break;
                }
                let Some(&next) = inner.trie.get(&(u64::from(node) << 32 | u64::from(id))) else {
                    break;
                };
                node = next;
                if inner.terminals.get(node as usize).is_some_and(|t| !t.is_empty()) {
                    candidates.push((j, node));
                }
                j += 1;
            }
            let best = candidates.iter().rev().find_map(|&(last, node)| {
                let terms = inner.terminals.get(node as usize)?;
                terms.iter().find(|t| inner.accepts(t, &toks, i, last)).map(|t| (i, last, t.entry))
            });
            found.extend(best);
        }
        // Of overlapping terms the longest wins, wherever it starts:
        // `PLAN DE COOPERATION EN MATIERE DE DEFENSE` is a plan about
        // defence cooperation, not a cooperation plan followed by a stray
        // word. Ties go to the leftmost.
        let overlapping = found.windows(2).any(|w| match w {
            [(_, last, _), (next, _, _)] => next <= last,
            _ => false,
        });
        if overlapping {
            let mut order: Vec<usize> = (0..found.len()).collect();
            order.sort_by_key(|&k| found.get(k).map(|&(a, b, _)| (usize::MAX - (b - a), a)));
            let mut taken = vec![false; toks.len()];
            let mut keep = vec![false; found.len()];
            for k in order {
                let Some(&(a, b, _)) = found.get(k) else { continue };
                let Some(span) = taken.get_mut(a..=b) else { continue };
                if span.iter().all(|t| !t) {
                    span.iter_mut().for_each(|t| *t = true);
                    if let Some(slot) = keep.get_mut(k) {
                        *slot = true;
                    }
                }
            }
            let mut kept = keep.iter();
            found.retain(|_| kept.next().copied().unwrap_or(false));
        }
        let mut hits = Vec::with_capacity(found.len());
        for (first, last, entry) in found {
            if let (Some(a), Some(b), Some(template)) =
                (toks.get(first), toks.get(last), inner.hits.get(entry as usize))
            {
                let (start, end) = (a.0.start, b.0.end);
                let mut hit = template.clone();
                hit.start = start;
                hit.end = end;
                hit.text = text.get(start..end).unwrap_or_default().to_string();
                hits.push(hit);
            }
        }
        hits
    }
}

impl Inner {
    fn intern(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.vocab.get(key) {
            return id;
        }
        let id = u32::try_from(self.vocab.len() + 1).unwrap_or(u32::MAX);
        self.vocab.insert(key.into(), id);
        id
    }

    fn intern_all(&mut self, phrase: &str) -> Vec<u32> {
        fold::keys(phrase).iter().map(|k| self.intern(k)).collect()
    }

    fn insert(&mut self, source: &str, entry: u32) {
        let mut parts: Vec<(String, bool)> = Vec::new();
        fold::tokens(source, true, |t, key| {
            let original = source.get(t.start..t.end).unwrap_or_default();
            let acronym = t.upper && original.chars().filter(|c| c.is_alphabetic()).count() >= 2;
            parts.push((key.to_string(), acronym));
        });
        if parts.is_empty() {
            return;
        }
        let all_caps = parts.iter().all(|p| p.1);
        let mut node = 0u32;
        let mut acronyms = 0u64;
        for (n, (key, acronym)) in parts.iter().enumerate() {
            let id = self.intern(key);
            // A term written wholly in capitals with several words is a
            // heading style, not a string of acronyms.
            if *acronym && (parts.len() == 1 || !all_caps) && n < 64 {
                acronyms |= 1 << n;
            }
            let edge = u64::from(node) << 32 | u64::from(id);
            node = match self.trie.get(&edge) {
                Some(&child) => child,
                None => {
                    let child = u32::try_from(self.terminals.len()).unwrap_or(u32::MAX);
                    self.terminals.push(Vec::new());
                    self.trie.insert(edge, child);
                    child
                }
            };
        }
        if let Some(t) = self.terminals.get_mut(node as usize)
            && !t.iter().any(|x| x.entry == entry)
        {
            t.push(Terminal { entry, acronyms });
        }
    }

    /// Whether a term spanning tokens `first..=last` may be tagged.
    fn accepts(&self, term: &Terminal, toks: &[(Token, u32)], first: usize, last: usize) -> bool {
        let mut mask = term.acronyms;
        let mut n = first;
        while mask != 0 {
            if mask & 1 == 1 && !toks.get(n).is_some_and(|t| t.0.upper) {
                return false;
            }
            mask >>= 1;
            n += 1;
        }
        let Some(rule) = self.rules.get(term.entry as usize) else { return true };
        for phrase in &rule.excludes {
            let len = phrase.len();
            let from = (first + 1).saturating_sub(len);
            for s in from..=last {
                let Some(window) = toks.get(s..s + len) else { continue };
                let same = window.iter().zip(phrase).all(|(t, id)| t.1 == *id)
                    && window.iter().skip(1).all(|t| t.0.glued);
                if same {
                    return false;
                }
            }
        }
        if rule.requires.is_empty() {
            return true;
        }
        let lo = first.saturating_sub(CONTEXT_WINDOW);
        let hi = (last + 1 + CONTEXT_WINDOW).min(toks.len());
        let around: Vec<u32> = toks
            .get(lo..hi)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|(k, _)| lo + k < first || lo + k > last)
            .map(|(_, t)| t.1)
            .collect();
        rule.requires.iter().any(|words| words.iter().all(|w| around.contains(w)))
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (FxHash): token keys are short and
/// not attacker-chosen, and hashing every word of the text with SipHash
/// would cost more than the rest of matching.
#[derive(Debug, Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(rest) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::glossary::{Status, Target};

    fn entry(id: &str, sources: &[&str], en: &str) -> Entry {
        Entry {
            id: id.into(),
            domain: "defence".into(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            targets: vec![Target {
                locale: "en".into(),
                term: en.into(),
                status: Status::Preferred,
                note: None,
                line: 1,
            }],
            do_not_translate: false,
            ambiguous: false,
            requires: vec![],
            excludes: vec![],
            note: None,
            path: PathBuf::from("t.tbx"),
            line: 1,
        }
    }

    #[test]
    fn longest_match_wins_and_spans_are_exact() {
        let mut def = entry("d", &["défense"], "defence");
        def.excludes = vec!["défense de fumer".into()];
        let m = Matcher::new(
            &[def, entry("m", &["ministère de la Défense"], "Ministry of Defence")],
            "en-GB",
        );
        let text = "Les ministères de la\u{a0}Défense ; la défense ; défense de fumer";
        let hits = m.find(text);
        let got: Vec<_> = hits.iter().map(|h| (h.entry.as_str(), h.text.as_str())).collect();
        assert_eq!(got, [("m", "ministères de la\u{a0}Défense"), ("d", "défense")]);
        assert_eq!(text.get(hits[0].start..hits[0].end).unwrap(), "ministères de la\u{a0}Défense");
        assert_eq!(hits[0].expected.as_deref(), Some("Ministry of Defence"));
    }

    #[test]
    fn acronyms_need_capitals() {
        let m = Matcher::new(&[entry("o", &["OTAN"], "NATO")], "en");
        assert_eq!(m.find("l'OTAN et l’otan").len(), 1);
    }

    #[test]
    fn requires_and_ambiguous() {
        let mut e = entry("a", &["allié"], "ally");
        e.ambiguous = true;
        let never = Matcher::new(std::slice::from_ref(&e), "en");
        assert!(never.find("les alliés militaires").is_empty());
        e.requires = vec!["militaire".into(), "OTAN".into()];
        let m = Matcher::new(&[e], "en");
        assert_eq!(m.find("les alliés militaires").len(), 1);
        assert!(m.find("ses alliés politiques").is_empty());
    }

    #[test]
    fn matcher_is_shareable() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Matcher>();
    }
}
