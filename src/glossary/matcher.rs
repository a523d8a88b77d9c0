//! French-aware term matching.
//!
//! Text and glossary terms go through the same tokeniser ([`fold`]):
//! lowercase, accents off, apostrophes, hyphens, no-break spaces and line
//! breaks as separators, light plural/feminine normalisation. Each distinct
//! token key gets an id, and the terms form a trie over ids. Matching walks
//! the trie from each token and keeps the longest term starting there that
//! passes its context rule; of overlapping terms the longest is kept, so
//! `ministère de la Défense` wins over `Défense` and hits never overlap.
//!
//! Beyond the listed terms (#10): systematic spelling variants are
//! generated (the article of Arabic names, `al-`/`el-`/`Al `; hyphenated
//! prefixes written solid), acronyms of entries marked as such match in
//! any case, and terms of entries that allow it match with one or two
//! adjectives after their first word. Where terms of several concepts
//! coincide, a newsroom concept is tried first.
//!
//! Building is linear in the number of terms: one hash lookup per term
//! word, with keys hashed so that every bit of the (node, word) pair
//! reaches the bucket index.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

use super::fold::{self, Token};
use super::{Entry, Resolved};
use crate::lang::fr;
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
            .field("words", &(self.inner.short.len() + self.inner.vocab.len()))
            .field("trie_nodes", &self.inner.terminals.len())
            .finish()
    }
}

#[derive(Default)]
struct Inner {
    locale: String,
    /// Word ids of keys of up to 16 bytes, packed into an integer (see
    /// [`pack`]): nearly every word, hashed and compared without a string.
    short: FxMap<Packed, u32>,
    /// Word ids of longer keys.
    vocab: FxMap<Box<str>, u32>,
    /// (node << 32 | token id) -> child node; node 0 is the root.
    trie: FxMap<u64, u32>,
    /// Word id -> the node one word deep along it (0: no term starts with
    /// the word). The same edges as the root's in `trie`, looked up for
    /// every word of the text by index rather than by hash.
    root: Vec<u32>,
    terminals: Vec<Vec<Terminal>>,
    /// Nodes one word deep under which a term allows insertions.
    insert_after: Vec<bool>,
    /// Ids of words that are never an inserted adjective (articles,
    /// prepositions, conjunctions).
    function_words: Vec<u32>,
    /// Ids of the words after which a `noun` term is a noun.
    determiners: Vec<u32>,
    rules: Vec<Rule>,
    hits: Vec<TermHit>,
}

#[derive(Debug, Clone, Copy)]
struct Terminal {
    entry: u32,
    /// Bit i set: token i of the term is an acronym and must be written in
    /// capitals in the text too (`OTAN`, not a lowercase word).
    acronyms: u64,
    /// One or two words may stand after the first word of the term.
    insertions: bool,
}

/// Words that cannot be an adjective inserted into a term.
const FUNCTION_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "cette", "d", "dans", "de", "des", "du", "en", "est", "et",
    "l", "la", "le", "les", "leur", "ou", "par", "pour", "qu", "que", "qui", "sa", "se", "ses",
    "son", "sur", "un", "une",
];

/// Words after which a `noun` term is read as a noun, besides the
/// determiners and numerals of [`fr`]: singular and possessive
/// determiners, quantity words and adjectives that stand before a noun
/// (`le militaire`, `des dizaines de militaires`, `un ancien militaire`).
const NOUN_MARKERS: &[&str] = &[
    "le", "la", "l", "du", "de", "d", "au", "ce", "cet", "cette", "mon", "ma", "ton", "ta", "son",
    "sa", "notre", "votre", "leur", "tous", "toutes", "autres", "ancien", "anciens", "ex", "jeune",
    "jeunes", "simple", "simples", "haut", "hauts", "entre", "dont",
];

/// Prefixes written either with a hyphen or solid (`contre-terrorisme`,
/// `contreterrorisme`).
const SOLID_PREFIXES: &[&str] = &["anti", "contre", "para", "pro", "ultra", "néo", "co", "semi"];

/// Spelling variants of `term` that French news writes for the same name:
/// the article of an Arabic name as `al-`, `el-`, `Al ` or `El ` (Al-Qaïda,
/// al-Qaida, el-Qaida), and a hyphenated prefix written solid. Diaeresis,
/// case, hyphen-or-space and elision already fold alike.
fn variants(term: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = term.to_lowercase();
    for article in ["al-", "el-", "al ", "el "] {
        if let Some(rest) = lower.strip_prefix(article)
            && rest.chars().next().is_some_and(char::is_alphabetic)
        {
            let name = term.get(article.len()..).unwrap_or_default();
            let other = if article.starts_with('a') { "el-" } else { "al-" };
            out.push(format!("{other}{name}"));
        }
    }
    for prefix in SOLID_PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix).and_then(|r| r.strip_prefix('-'))
            && !rest.contains([' ', '-'])
            && rest.chars().count() >= 4
        {
            out.push(format!("{prefix}{rest}"));
        }
    }
    out
}

/// Buffers that `find` reuses from call to call on one thread. Matching
/// runs once per segment, and allocating these afresh for each one cost
/// about as much as the matching itself (`cargo bench --bench glossary`).
#[derive(Default)]
struct Scratch {
    /// The tokens of the text with their vocabulary ids (0: unknown).
    toks: Vec<(Token, u32)>,
    /// Best (longest accepted) term starting at each token: (first token,
    /// last token, entry).
    found: Vec<(usize, usize, u32)>,
    /// Terms ending under the current first token: (last token, node,
    /// words inserted after the first).
    candidates: Vec<(usize, u32, usize)>,
    /// The tokeniser's buffer for the folded key.
    key: String,
    /// A key with [`fold::ACUTE`] appended.
    marked: String,
    /// Overlap resolution: indices into `found`, longest first.
    order: Vec<usize>,
    /// Overlap resolution: tokens covered by a kept term.
    taken: Vec<bool>,
    /// Overlap resolution: which of `found` are kept.
    keep: Vec<bool>,
    /// The hits, built here before the returned vector is allocated.
    hits: Vec<TermHit>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[derive(Debug, Default)]
struct Rule {
    /// Context words of one word, sorted: looked up for each word around
    /// a candidate (a list such as every nationality adjective has
    /// hundreds).
    requires_one: Vec<u32>,
    /// Context phrases of several words, all of which must be around.
    requires: Vec<Vec<u32>>,
    excludes: Vec<Vec<u32>>,
    /// Noun reading only (see [`Entry::noun`]).
    noun: bool,
}

impl Matcher {
    pub(super) fn new(entries: &[Entry], locale: &str) -> Self {
        let mut inner = Inner { locale: locale.to_string(), ..Inner::default() };
        inner.root.push(0);
        inner.terminals.push(Vec::new());
        inner.insert_after.push(false);
        inner.function_words = FUNCTION_WORDS.iter().map(|w| inner.intern(w)).collect();
        let markers =
            fr::PLURAL_DETERMINERS.iter().chain(fr::SINGULAR_DETERMINERS).chain(NOUN_MARKERS);
        inner.determiners = markers.map(|w| inner.intern(w)).collect();
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
            let Resolved { expected, alternatives, forbidden, no_article, plural } =
                entry.resolve(locale);
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
                no_article,
                plural,
            });
            // An ambiguous word with no context to decide is never forced.
            let usable = !entry.ambiguous || !requires.is_empty();
            let (one, many): (Vec<Vec<u32>>, Vec<Vec<u32>>) =
                requires.into_iter().partition(|r| r.len() == 1);
            let mut requires_one: Vec<u32> = one.into_iter().flatten().collect();
            requires_one.sort_unstable();
            requires_one.dedup();
            inner.rules.push(Rule { requires_one, requires: many, excludes, noun: entry.noun });
            if !usable {
                continue;
            }
            for source in &entry.sources {
                inner.insert(source, index32, entry);
                for variant in variants(source) {
                    inner.insert(&variant, index32, entry);
                }
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
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.find_with(text, &mut scratch),
            // Only reachable if `find` were ever re-entered on one thread.
            Err(_) => self.find_with(text, &mut Scratch::default()),
        })
    }

    fn find_with(&self, text: &str, scratch: &mut Scratch) -> Vec<TermHit> {
        let inner = &*self.inner;
        let Scratch { toks, found, candidates, key: buf, marked, order, taken, keep, hits } =
            scratch;
        toks.clear();
        found.clear();
        fold::tokens_with(text, true, buf, |t, key| {
            let mut id = inner.id(key);
            // A headline in capitals may drop the accent of `ARMÉE`: an
            // unknown `ARMEE` is looked up as the word in `-é`.
            if id == 0 && t.upper && key.ends_with('e') {
                marked.clear();
                marked.push_str(key);
                marked.push(fold::ACUTE);
                id = inner.id(marked);
            }
            toks.push((t, id));
        });
        let toks = toks.as_slice();
        for i in 0..toks.len() {
            candidates.clear();
            let Some(&(_, id)) = toks.get(i) else { break };
            if id == 0 {
                continue;
            }
            let first = inner.root.get(id as usize).copied().unwrap_or(0);
            if first == 0 {
                continue;
            }
            inner.walk(toks, first, i, i + 1, 0, candidates);
            if inner.insert_after.get(first as usize).copied().unwrap_or(false) {
                for skip in 1..=2 {
                    if !(1..=skip).all(|k| inner.insertable(text, toks, i + k)) {
                        break;
                    }
                    inner.walk(toks, first, i, i + 1 + skip, skip, candidates);
                }
            }
            candidates.sort_by_key(|&(last, _, skip)| (std::cmp::Reverse(last), skip));
            let best = candidates.iter().find_map(|&(last, node, skip)| {
                let terms = inner.terminals.get(node as usize)?;
                terms
                    .iter()
                    .filter(|t| skip == 0 || t.insertions)
                    .find(|t| inner.accepts(text, t, toks, i, last, skip))
                    .map(|t| (i, last, t.entry))
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
            order.clear();
            order.extend(0..found.len());
            order.sort_by_key(|&k| found.get(k).map(|&(a, b, _)| (usize::MAX - (b - a), a)));
            taken.clear();
            taken.resize(toks.len(), false);
            keep.clear();
            keep.resize(found.len(), false);
            for &k in order.iter() {
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
        // The hits' strings are allocated before the vector that returns
        // them: the many small blocks then reuse those the caller freed
        // after the previous call, and the one large block comes last. The
        // other way round, the large request made the allocator first merge
        // all those freed blocks, and every string after it took the slow
        // path (about a tenth of matching time).
        hits.clear();
        for &(first, last, entry) in found.iter() {
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
        let mut out = Vec::with_capacity(hits.len());
        out.append(hits);
        out
    }
}

impl Inner {
    /// The id of word `key`, 0 if no term has it.
    #[inline]
    fn id(&self, key: &str) -> u32 {
        match pack(key) {
            Some(packed) => self.short.get(&Packed(packed)),
            None => self.vocab.get(key),
        }
        .copied()
        .unwrap_or(0)
    }

    fn intern(&mut self, key: &str) -> u32 {
        let known = self.id(key);
        if known != 0 {
            return known;
        }
        let id = u32::try_from(self.short.len() + self.vocab.len() + 1).unwrap_or(u32::MAX);
        match pack(key) {
            Some(packed) => self.short.insert(Packed(packed), id),
            None => self.vocab.insert(key.into(), id),
        };
        self.root.push(0);
        id
    }

    fn intern_all(&mut self, phrase: &str) -> Vec<u32> {
        fold::keys(phrase).iter().map(|k| self.intern(k)).collect()
    }

    fn insert(&mut self, source: &str, index: u32, entry: &Entry) {
        let mut parts: Vec<(String, bool)> = Vec::new();
        fold::tokens(source, true, |t, key| {
            let original = source.get(t.start..t.end).unwrap_or_default();
            let letters = original.chars().filter(|c| c.is_alphabetic()).count();
            // An entry marked as an acronym matches `Otan` and `otan` too;
            // a two-letter one (`UE`) stays in capitals, as it is too
            // likely a word.
            let acronym = t.upper && letters >= 2 && !(entry.acronym && letters >= 3);
            parts.push((key.to_string(), acronym));
        });
        if parts.is_empty() {
            return;
        }
        let all_caps = parts.iter().all(|p| p.1);
        let mut node = 0u32;
        let mut acronyms = 0u64;
        let insertions = entry.insertions && parts.len() >= 2;
        for (n, (key, acronym)) in parts.iter().enumerate() {
            let id = self.intern(key);
            // A term written wholly in capitals with several words is a
            // heading style, not a string of acronyms.
            if *acronym && (parts.len() == 1 || !all_caps) && n < 64 {
                acronyms |= 1 << n;
            }
            let edge = edge(node, id);
            node = match self.trie.get(&edge) {
                Some(&child) => child,
                None => {
                    let child = u32::try_from(self.terminals.len()).unwrap_or(u32::MAX);
                    self.terminals.push(Vec::new());
                    self.insert_after.push(false);
                    self.trie.insert(edge, child);
                    child
                }
            };
            if n == 0
                && let Some(slot) = self.root.get_mut(id as usize)
            {
                *slot = node;
            }
            if n == 0
                && insertions
                && let Some(flag) = self.insert_after.get_mut(node as usize)
            {
                *flag = true;
            }
        }
        if let Some(t) = self.terminals.get_mut(node as usize)
            && !t.iter().any(|x| x.entry == index)
        {
            let terminal = Terminal { entry: index, acronyms, insertions };
            // A newsroom's own concept is tried before the shipped ones.
            if entry.house {
                t.insert(0, terminal);
            } else {
                t.push(terminal);
            }
        }
    }

    /// Follows the trie from `node` (the term's first word, token `first`)
    /// along tokens from `from`, pushing every node that ends a term.
    fn walk(
        &self,
        toks: &[(Token, u32)],
        mut node: u32,
        first: usize,
        from: usize,
        skip: usize,
        out: &mut Vec<(usize, u32, usize)>,
    ) {
        if skip == 0 && self.terminals.get(node as usize).is_some_and(|t| !t.is_empty()) {
            out.push((first, node, 0));
        }
        let mut j = from;
        while let Some(&(tok, id)) = toks.get(j) {
            if id == 0 || !tok.glued {
                break;
            }
            let Some(&next) = self.trie.get(&edge(node, id)) else { break };
            node = next;
            if self.terminals.get(node as usize).is_some_and(|t| !t.is_empty()) {
                out.push((j, node, skip));
            }
            j += 1;
        }
    }

    /// Whether token `k` may be an adjective inserted into a term: joined
    /// to its neighbours, lowercase, a word and not a function word.
    fn insertable(&self, text: &str, toks: &[(Token, u32)], k: usize) -> bool {
        let Some(&(tok, id)) = toks.get(k) else { return false };
        let lowercase = text
            .get(tok.start..tok.end)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_lowercase);
        tok.glued && lowercase && !self.function_words.contains(&id)
    }

    /// Whether the word at token `first` (not the first token) is read as a
    /// noun: after a determiner, a number or a quantity word, or after
    /// punctuation that starts a clause (`Syrie : militaires tués`).
    fn noun_reading(&self, text: &str, toks: &[(Token, u32)], first: usize) -> bool {
        let (Some(&(tok, _)), Some(&(prev, prev_id))) = (toks.get(first), toks.get(first - 1))
        else {
            return true;
        };
        if !tok.glued {
            return true;
        }
        let number = text
            .get(prev.start..prev.end)
            .and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_ascii_digit());
        number || self.determiners.contains(&prev_id)
    }

    /// Whether a term spanning tokens `first..=last` may be tagged.
    /// `skip` words stand inserted after the first.
    fn accepts(
        &self,
        text: &str,
        term: &Terminal,
        toks: &[(Token, u32)],
        first: usize,
        last: usize,
        skip: usize,
    ) -> bool {
        let mut mask = term.acronyms;
        let mut n = first;
        while mask != 0 {
            if mask & 1 == 1 && !toks.get(n).is_some_and(|t| t.0.upper) {
                return false;
            }
            mask >>= 1;
            n += if n == first { 1 + skip } else { 1 };
        }
        let Some(rule) = self.rules.get(term.entry as usize) else { return true };
        if rule.noun && first > 0 && !self.noun_reading(text, toks, first) {
            return false;
        }
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
        if rule.requires.is_empty() && rule.requires_one.is_empty() {
            return true;
        }
        let lo = first.saturating_sub(CONTEXT_WINDOW);
        let hi = (last + 1 + CONTEXT_WINDOW).min(toks.len());
        // The window around the term, the term itself left out; searched in
        // place rather than copied, as this runs for every candidate.
        let window = toks.get(lo..hi).unwrap_or_default();
        let outside = |k: usize| lo + k < first || lo + k > last;
        let around = |w: u32| window.iter().enumerate().any(|(k, t)| t.1 == w && outside(k));
        window
            .iter()
            .enumerate()
            .any(|(k, t)| outside(k) && rule.requires_one.binary_search(&t.1).is_ok())
            || rule.requires.iter().any(|words| words.iter().all(|&w| around(w)))
    }
}

/// A key of up to 16 bytes as one integer, its bytes in order and zeros
/// after them. Keys never contain a zero byte (they are letters and
/// digits), so distinct keys pack to distinct integers.
///
/// Read as whole words rather than byte by byte or through a copy of
/// variable length: this runs for every word of the text.
#[inline]
fn pack(key: &str) -> Option<u128> {
    let b = key.as_bytes();
    let n = b.len();
    if n > 16 {
        return None;
    }
    if n >= 8 {
        // The first eight bytes, then bytes 8.. taken from the last eight
        // with those already read shifted out.
        let lo = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
        let tail = u64::from_le_bytes(b.get(n - 8..)?.try_into().ok()?);
        let hi = tail.checked_shr(8 * (16 - n) as u32).unwrap_or(0);
        return Some(u128::from(lo) | u128::from(hi) << 64);
    }
    let mut v = 0u64;
    for (k, &x) in b.iter().enumerate() {
        v |= u64::from(x) << (8 * k);
    }
    Some(u128::from(v))
}

/// A packed key ([`pack`]) in the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed(u128);

impl Hash for Packed {
    /// Mixed into one word before FxHash sees it: FxHash's multiply carries
    /// each input bit only upwards, and words that differ only in their
    /// last letters (`terme1`, `terme2`) differ only in high bits, so they
    /// fell into a few probe chains.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        let lo = self.0 as u64;
        let hi = (self.0 >> 64) as u64;
        let x = lo ^ hi.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        state.write_u64(x ^ (x >> 29));
    }
}

/// The trie key of the edge from `node` along word `id`.
fn edge(node: u32, id: u32) -> u64 {
    u64::from(node) << 32 | u64::from(id)
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

    /// The multiply leaves the low bits of the hash a function of the low
    /// bits of the input only, and the table picks buckets by the low bits:
    /// every edge `node << 32 | id` with the same word `id` fell into one
    /// probe chain, which made building quadratic (#10). The rotation
    /// brings the well-mixed high bits down, as rustc-hash 2 does.
    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
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
                no_article: false,
                plural: None,
            }],
            do_not_translate: false,
            ambiguous: false,
            requires: vec![],
            excludes: vec![],
            acronym: false,
            insertions: false,
            noun: false,
            origin: None,
            house: false,
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

    // See: #10
    #[test]
    fn noun_terms_only_after_a_determiner() {
        let mut e = entry("m", &["militaire"], "soldier");
        e.noun = true;
        let m = Matcher::new(&[e], "en");
        let text = "Militaires tués ; les militaires, 300 militaires, des dizaines de \
                    militaires, un ancien militaire ; Syrie : militaires ; l'intervention \
                    militaire, les puissances militaires, économique et militaire";
        let got: Vec<_> = m.find(text).into_iter().map(|h| h.start).collect();
        let nouns: Vec<_> = text.match_indices("ilitaire").map(|(i, _)| i - 1).take(6).collect();
        assert_eq!(got, nouns);
    }

    // See: #10
    #[test]
    fn acronyms_in_any_case_when_marked() {
        let mut e = entry("o", &["OTAN"], "NATO");
        e.acronym = true;
        let mut ue = entry("u", &["UE"], "EU");
        ue.acronym = true;
        let m = Matcher::new(&[e, ue], "en");
        let got: Vec<_> =
            m.find("l'Otan, l'OTAN, otan ; l'UE et ue").into_iter().map(|h| h.text).collect();
        assert_eq!(got, ["Otan", "OTAN", "otan", "UE"]);
    }

    // See: #10
    #[test]
    fn adjectives_inserted_where_allowed() {
        let mut e = entry("m", &["ministre des Affaires étrangères"], "Foreign Minister");
        e.insertions = true;
        let plain = entry("d", &["ministère de la Défense"], "Ministry of Defence");
        let m = Matcher::new(&[e, plain], "en");
        let text = "le ministre israélien des Affaires étrangères, le ministère russe de la \
                    Défense, le ministre et des Affaires étrangères";
        let got: Vec<_> = m.find(text).into_iter().map(|h| h.text).collect();
        assert_eq!(got, ["ministre israélien des Affaires étrangères"]);
        let two = m.find("le ministre français délégué des Affaires étrangères");
        assert_eq!(two.len(), 1);
        assert!(m.find("le ministre Laurent Fabius des Affaires étrangères").is_empty());
    }

    // See: #10
    #[test]
    fn generated_variants_and_participles() {
        let m = Matcher::new(
            &[
                entry("q", &["Al-Qaïda"], "al-Qaeda"),
                entry("a", &["attaque"], "attack"),
                entry("c", &["contre-terrorisme"], "counter-terrorism"),
            ],
            "en",
        );
        let got: Vec<_> = m
            .find("el-Qaida, al Qaida, AL-QAÏDA ; une attaque, il a attaqué, ATTAQUE ; le contreterrorisme")
            .into_iter()
            .map(|h| h.text)
            .collect();
        assert_eq!(
            got,
            ["el-Qaida", "al Qaida", "AL-QAÏDA", "attaque", "ATTAQUE", "contreterrorisme"]
        );
    }

    // See: #10
    #[test]
    fn newsroom_concepts_come_first() {
        let shipped = entry("s", &["frappe"], "strike");
        let mut house = entry("h", &["frappe"], "hit");
        house.house = true;
        let m = Matcher::new(&[shipped, house], "en");
        assert_eq!(m.find("une frappe")[0].entry, "h");
    }

    // See: #10
    #[test]
    fn edge_keys_spread_over_buckets() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<FxHasher>::default();
        let mask = (1u64 << 16) - 1;
        let buckets: std::collections::HashSet<u64> =
            (0..1000u32).map(|node| build.hash_one(edge(node, 7)) & mask).collect();
        assert!(buckets.len() > 900, "{} buckets for 1000 edges", buckets.len());
    }

    #[test]
    fn packed_keys_are_the_padded_bytes() {
        for key in [
            "",
            "l",
            "otan",
            "defense",
            "ministre",
            "cooperation",
            "azerbaidjan\u{b4}",
            "0123456789abcdef",
        ] {
            let mut padded = [0u8; 16];
            padded[..key.len()].copy_from_slice(key.as_bytes());
            assert_eq!(pack(key), Some(u128::from_le_bytes(padded)), "{key}");
        }
        assert_eq!(pack("0123456789abcdefg"), None);
    }

    // Words that differ only in their last letters or digits must not
    // share buckets either, or building turns quadratic again (#10).
    #[test]
    fn packed_keys_spread_over_buckets() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<FxHasher>::default();
        let mask = (1u64 << 16) - 1;
        for stem in ["terme", "cooperation"] {
            let buckets: std::collections::HashSet<u64> = (0..1000u32)
                .filter_map(|n| pack(&format!("{stem}{n}")))
                .map(|k| build.hash_one(Packed(k)) & mask)
                .collect();
            assert!(buckets.len() > 900, "{} buckets for 1000 {stem} words", buckets.len());
        }
    }

    #[test]
    fn matcher_is_shareable() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Matcher>();
    }
}
