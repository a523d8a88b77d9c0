//! Fuzzy matches: how alike two sentences are, and an index that finds the
//! stored sentences close to a new one without comparing it to each.
//!
//! Similarity is word-based edit distance on the normalised source
//! ([`normalize`](super::normalize)):
//!
//! ```text
//! similarity(a, b) = 1 − word_levenshtein(a, b) / max(words(a), words(b))
//! ```
//!
//! where a word is a run of letters and digits, compared without case, and
//! every other character but a space (punctuation, an apostrophe) is a word
//! of its own. One word changed in a sentence of twelve words leaves 11/12
//! ≈ 92 %; the default threshold, 75 %, lets through one change in four
//! words.
//!
//! An index keeps, per locale pair, every distinct stored source as word
//! ids plus an inverted index from word to sentences. A lookup reads the
//! posting lists of only the query's rarest words (prefix filtering: a
//! sentence that shares none of them cannot reach the threshold), drops
//! candidates whose length alone rules them out, and computes the exact
//! distance, bounded, on those left.

use std::collections::HashMap;

use super::Error;

/// The similarity below which nothing is offered, by default (75 %).
pub const DEFAULT_THRESHOLD: f64 = 0.75;

/// Candidates offered per sentence, by default.
pub const DEFAULT_MAX_MATCHES: usize = 3;

/// The lowest threshold accepted: below half the words in common a match
/// helps no translator, and the index would have to read most of itself.
pub const MIN_THRESHOLD: f64 = 0.5;

/// Slack for comparing ratios computed in floating point.
const EPS: f64 = 1e-9;

/// What fuzzy matching offers: candidates at or above `threshold`, at most
/// `max_matches` of them per sentence (none turns fuzzy matching off).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fuzzy {
    threshold: f64,
    max_matches: usize,
}

impl Default for Fuzzy {
    /// 75 %, three candidates.
    fn default() -> Self {
        Self { threshold: DEFAULT_THRESHOLD, max_matches: DEFAULT_MAX_MATCHES }
    }
}

impl Fuzzy {
    /// Candidates at or above `threshold` (between [`MIN_THRESHOLD`] and 1),
    /// at most `max_matches` per sentence.
    pub fn new(threshold: f64, max_matches: usize) -> Result<Self, Error> {
        if !(MIN_THRESHOLD..=1.0).contains(&threshold) {
            return Err(Error::FuzzyThreshold { value: threshold });
        }
        Ok(Self { threshold, max_matches })
    }

    /// No fuzzy matching.
    pub fn off() -> Self {
        Self { max_matches: 0, ..Self::default() }
    }

    /// The lowest similarity offered (0.5 to 1).
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Most candidates per sentence.
    pub fn max_matches(&self) -> usize {
        self.max_matches
    }

    /// True when nothing is ever offered.
    pub fn is_off(&self) -> bool {
        self.max_matches == 0
    }
}

/// The words of a sentence as fuzzy matching compares them: runs of letters
/// and digits, lowercased, and every other character but whitespace alone.
pub fn words(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for ch in sentence.chars() {
        if ch.is_alphanumeric() {
            word.extend(ch.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !ch.is_whitespace() {
            out.push(ch.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// How alike two sentences are, from 0 to 1, by the formula of this
/// module; both are [`normalize`](super::normalize)d first. Two sentences
/// with no words are alike (1).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (words(&super::normalize(a)), words(&super::normalize(b)));
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let d = distance(&a, &b, longest).unwrap_or(longest);
    1.0 - d as f64 / longest as f64
}

/// True when `similarity` is at or above `threshold`, with the slack this
/// module allows for ratios computed in floating point.
pub(crate) fn reaches(similarity: f64, threshold: f64) -> bool {
    similarity + EPS >= threshold
}

/// The similarity as a whole percentage, rounded down so that a match is
/// never shown better than it is.
pub fn percent(similarity: f64) -> u8 {
    // Clamped to 0..=100 first, so the cast cannot truncate.
    ((similarity * 100.0) + EPS).floor().clamp(0.0, 100.0) as u8
}

/// Word-level Levenshtein distance between `a` and `b`, or `None` once it
/// is sure to exceed `max` (the row minimum only grows).
fn distance<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        let mut best = i + 1;
        let mut diag = i;
        let mut left = i + 1;
        if let Some(first) = row.first_mut() {
            *first = left;
        }
        for (j, (y, cell)) in b.iter().zip(row.iter_mut().skip(1)).enumerate() {
            let up = prev.get(j + 1).copied().unwrap_or(usize::MAX);
            let value = if x == y { diag } else { 1 + diag.min(up).min(left) };
            *cell = value;
            best = best.min(value);
            diag = up;
            left = value;
        }
        if best > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev.last().copied().filter(|d| *d <= max)
}

/// A query word the index has never seen: it matches no stored word.
const UNKNOWN: u32 = u32::MAX;

/// The stored sentences of one locale pair, indexed for fuzzy lookups.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Highest entry row id read so far: rows are only ever added (an
    /// update keeps its row and its source), so refreshing reads past it.
    pub(crate) last_id: i64,
    /// Word → word id.
    vocab: HashMap<Box<str>, u32>,
    /// Word id → the sentences holding it, ascending.
    postings: Vec<Vec<u32>>,
    /// Sentence id → its normalised source.
    keys: Vec<Box<str>>,
    /// The word ids of every sentence, one after the other, in order
    /// (`words`) and sorted (`sorted`); sentence `i` is at
    /// `starts[i]..starts[i + 1]`. Flat, so that candidates read in id
    /// order read memory in order.
    words: Vec<u32>,
    sorted: Vec<u32>,
    starts: Vec<usize>,
    /// Normalised source → sentence id, so a sentence stored from several
    /// origins is indexed once.
    by_key: HashMap<Box<str>, u32>,
}

/// One indexed sentence, borrowed from the [`Index`].
struct Doc<'a> {
    key: &'a str,
    words: &'a [u32],
    /// `words`, sorted: for counting the words in common.
    sorted: &'a [u32],
}

/// A stored sentence close to the one looked up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate<'a> {
    /// Its normalised source, the lookup key of its entries.
    pub(crate) key: &'a str,
    /// Its similarity to the sentence looked up.
    pub(crate) similarity: f64,
}

impl Index {
    /// Adds the entry at row `id` with normalised source `key`.
    pub(crate) fn add(&mut self, id: i64, key: &str) {
        self.last_id = self.last_id.max(id);
        if self.by_key.contains_key(key) {
            return;
        }
        let Ok(doc) = u32::try_from(self.keys.len()) else { return };
        let mut ids = Vec::new();
        for w in words(key) {
            let next = u32::try_from(self.postings.len()).unwrap_or(UNKNOWN);
            let id = *self.vocab.entry(w.into_boxed_str()).or_insert(next);
            if id == next {
                self.postings.push(Vec::new());
            }
            if let Some(list) = self.postings.get_mut(id as usize) {
                // A word twice in one sentence is listed once.
                if list.last() != Some(&doc) {
                    list.push(doc);
                }
            }
            ids.push(id);
        }
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.words.extend_from_slice(&ids);
        ids.sort_unstable();
        self.sorted.extend_from_slice(&ids);
        self.starts.push(self.words.len());
        self.keys.push(key.into());
        self.by_key.insert(key.into(), doc);
    }

    /// Sentence `id`.
    fn doc(&self, id: u32) -> Option<Doc<'_>> {
        let i = id as usize;
        let range = *self.starts.get(i)?..*self.starts.get(i + 1)?;
        Some(Doc {
            key: self.keys.get(i)?,
            words: self.words.get(range.clone())?,
            sorted: self.sorted.get(range)?,
        })
    }

    /// Number of distinct sentences indexed.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The stored sentences at or above `threshold` similarity to `key` (a
    /// normalised source), best first (newest first among equals), at most
    /// `limit`; `key` itself is never among them.
    pub(crate) fn search(&self, key: &str, threshold: f64, limit: usize) -> Vec<Candidate<'_>> {
        let query: Vec<u32> = words(key)
            .iter()
            .map(|w| self.vocab.get(w.as_str()).copied().unwrap_or(UNKNOWN))
            .collect();
        let n = query.len();
        if n == 0 || limit == 0 {
            return Vec::new();
        }
        let mut sorted_query = query.clone();
        sorted_query.sort_unstable();
        // The query's distinct words, rarest first, with their counts.
        let mut distinct: Vec<(u32, usize)> = Vec::new();
        for w in &sorted_query {
            match distinct.last_mut() {
                Some((d, count)) if d == w => *count += 1,
                _ => distinct.push((*w, 1)),
            }
        }
        distinct.sort_by_key(|(w, _)| self.postings.get(*w as usize).map_or(0, Vec::len));

        // The best `limit` so far, best first; once full, the bar rises to
        // the worst of them, which prunes the rest harder.
        let mut best: Vec<(f64, u32)> = Vec::with_capacity(limit.min(64) + 1);
        let mut bar = threshold;
        // One bit per stored sentence: each is compared at most once.
        let mut seen = vec![0u64; self.keys.len().div_ceil(64)];
        let mut read = 0;
        for (pos, &(w, count)) in distinct.iter().enumerate() {
            // A match needs at least ceil(bar·max(n, m)) ≥ ceil(bar·n) words
            // in common (each edit loses at most one), so it shares at least
            // one of any n − ceil(bar·n) + 1 of the query's words: the rarest
            // ones are read, and once that many are, no sentence is left.
            if read >= n + 1 - needed(bar, n) {
                break;
            }
            let before = read;
            read += count;
            let Some(list) = self.postings.get(w as usize) else { continue };
            // A sentence first met here has none of the words read before,
            // so it may lack at most `slack` of the words still to come: it
            // must hold one of the next ones that add up to more than that.
            let mut must: Vec<u32> = Vec::new();
            let mut must_bar = f64::NAN;
            for &id in list {
                let (word, bit) = ((id / 64) as usize, 1u64 << (id % 64));
                match seen.get_mut(word) {
                    Some(w) if *w & bit == 0 => *w |= bit,
                    _ => continue,
                }
                if must_bar.to_bits() != bar.to_bits() {
                    must_bar = bar;
                    must = next_words(&distinct, pos, (n - before).saturating_sub(needed(bar, n)));
                }
                let Some(doc) = self.doc(id) else { continue };
                if !must.is_empty() && !must.iter().any(|t| doc.sorted.binary_search(t).is_ok()) {
                    continue;
                }
                let Some(similarity) = doc.similarity(&query, &sorted_query, bar) else {
                    continue;
                };
                if doc.key == key {
                    continue;
                }
                let at = best
                    .iter()
                    .position(|(s, i)| similarity > *s || (similarity == *s && id > *i))
                    .unwrap_or(best.len());
                best.insert(at, (similarity, id));
                best.truncate(limit);
                if best.len() == limit {
                    bar = best.last().map_or(threshold, |(s, _)| s.max(threshold));
                }
            }
        }
        best.into_iter()
            .filter_map(|(similarity, id)| {
                Some(Candidate { key: self.keys.get(id as usize)?, similarity })
            })
            .collect()
    }
}

/// The words after `pos` in `distinct` (rarest first) whose counts add up
/// to more than `slack`; empty when all of them do not.
fn next_words(distinct: &[(u32, usize)], pos: usize, slack: usize) -> Vec<u32> {
    let mut out = Vec::new();
    let mut sum = 0;
    for &(w, count) in distinct.iter().skip(pos + 1) {
        out.push(w);
        sum += count;
        if sum > slack {
            return out;
        }
    }
    Vec::new()
}

/// The fewest words a sentence must share with a query of `n` words to
/// reach `threshold`: ceil(threshold · n), at least 1.
fn needed(threshold: f64, n: usize) -> usize {
    ((threshold * n as f64) - EPS).ceil().max(1.0) as usize
}

impl Doc<'_> {
    /// The similarity of this sentence to `query` (whose words, sorted, are
    /// `sorted_query`), or `None` when it is under `threshold`. Cheap
    /// bounds first: the length difference alone, then the words in common
    /// (every edit loses at most one), and only then the edit distance.
    fn similarity(&self, query: &[u32], sorted_query: &[u32], threshold: f64) -> Option<f64> {
        let (n, m) = (query.len(), self.words.len());
        let longest = n.max(m);
        if (n.min(m) as f64) < threshold * longest as f64 - EPS {
            return None;
        }
        let max_edits = ((1.0 - threshold) * longest as f64 + EPS).floor() as usize;
        if longest - common(sorted_query, self.sorted) > max_edits {
            return None;
        }
        let d = distance(query, self.words, max_edits)?;
        let similarity = 1.0 - d as f64 / longest as f64;
        (similarity + EPS >= threshold).then_some(similarity)
    }
}

/// How many words two sorted lists have in common, repeats counted.
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_letters_digits_and_punctuation() {
        assert_eq!(
            words("L'armée a tiré 3 obus, dit-il."),
            ["l", "'", "armée", "a", "tiré", "3", "obus", ",", "dit", "-", "il", "."]
        );
        assert!(words("  ").is_empty());
        assert_eq!(words("ÉTAT-Major"), ["état", "-", "major"]);
    }

    #[test]
    fn distance_counts_word_edits_and_stops_past_the_bound() {
        let w = |s: &str| words(s);
        assert_eq!(distance(&w("a b c d"), &w("a b c d"), 4), Some(0));
        assert_eq!(distance(&w("a b c d"), &w("a x c d"), 4), Some(1));
        assert_eq!(distance(&w("a b c d"), &w("a c d"), 4), Some(1));
        assert_eq!(distance(&w("a b c d"), &w("a b c d e f"), 4), Some(2));
        assert_eq!(distance(&w("a b c d"), &w("d c b a"), 4), Some(4));
        assert_eq!(distance(&w("a b c d"), &w("w x y z"), 3), None);
        assert_eq!(distance(&w(""), &w("a b"), 2), Some(2));
        assert_eq!(distance(&w("a"), &w("a b c d"), 2), None, "length alone is over");
    }

    #[test]
    fn similarity_is_one_minus_word_edits_over_the_longer_sentence() {
        let a = "Le ministre des Armées a annoncé jeudi une hausse du budget.";
        // 12 words (the full stop is one); one changed.
        let b = "Le ministre des Armées a annoncé mardi une hausse du budget.";
        assert!((similarity(a, b) - 11.0 / 12.0).abs() < 1e-12);
        assert_eq!(percent(similarity(a, b)), 91);
        assert!((similarity(a, a) - 1.0).abs() < 1e-12);
        // Case, apostrophes and spaces do not count: normalised first.
        assert!((similarity("L’Armée  a dit.", "l'armée a dit.") - 1.0).abs() < 1e-12);
        // One word added to four: 1 − 1/5.
        assert!((similarity("Le chef a dit", "Le chef a bien dit") - 0.8).abs() < 1e-12);
        assert!(similarity("Bonjour.", "Au revoir, madame.") < 0.5);
        assert!((similarity("", "") - 1.0).abs() < 1e-12);
        assert_eq!(similarity("", "Un."), 0.0);
    }

    #[test]
    fn percent_rounds_down_and_stays_in_range() {
        assert_eq!(percent(0.75), 75);
        assert_eq!(percent(0.999), 99);
        assert_eq!(percent(1.0), 100);
        assert_eq!(percent(2.0 / 3.0), 66);
        assert_eq!(percent(-1.0), 0);
    }

    #[test]
    fn settings_refuse_thresholds_out_of_range() {
        assert!(Fuzzy::new(0.75, 3).is_ok());
        assert!(Fuzzy::new(1.0, 1).is_ok());
        for bad in [0.49, 1.01, f64::NAN, -0.1] {
            let err = Fuzzy::new(bad, 3).unwrap_err();
            assert!(err.to_string().contains("fuzzy_threshold"), "{err}");
        }
        assert!(Fuzzy::off().is_off());
        assert_eq!(Fuzzy::default().max_matches(), 3);
    }

    fn index(sentences: &[&str]) -> Index {
        let mut index = Index::default();
        for (i, s) in sentences.iter().enumerate() {
            index.add(i64::try_from(i).unwrap() + 1, &super::super::normalize(s));
        }
        index
    }

    #[test]
    fn search_finds_close_sentences_best_first_and_honours_the_threshold() {
        let idx = index(&[
            "Le ministre des Armées a annoncé jeudi une hausse du budget.",
            "Le ministre des Armées a annoncé mardi une baisse du budget.",
            "La porte-parole a démenti.",
            "Le ministre des Armées a annoncé jeudi une hausse du budget.",
        ]);
        assert_eq!(idx.len(), 3, "a sentence stored twice is indexed once");
        assert_eq!(idx.last_id, 4);
        let q = "Le ministre des Armées a annoncé lundi une hausse du budget.";
        let found = idx.search(q, 0.75, 3);
        let keys: Vec<(&str, u8)> = found.iter().map(|c| (c.key, percent(c.similarity))).collect();
        assert_eq!(
            keys,
            [
                ("Le ministre des Armées a annoncé jeudi une hausse du budget.", 91),
                ("Le ministre des Armées a annoncé mardi une baisse du budget.", 83),
            ]
        );
        assert_eq!(idx.search(q, 0.85, 3).len(), 1, "83 % is under 85 %");
        assert_eq!(idx.search(q, 0.75, 1).len(), 1, "the limit holds");
        // The sentence itself is an exact match, not a fuzzy one.
        let own = idx.search("La porte-parole a démenti.", 0.5, 3);
        assert!(own.is_empty(), "{own:?}");
        assert!(idx.search("", 0.75, 3).is_empty());
        assert!(idx.search("Rien à voir avec tout cela.", 0.5, 3).is_empty());
    }

    #[test]
    fn search_agrees_with_a_full_scan() {
        // Every candidate the index finds, and none it misses, on sentences
        // that share many words in different orders and lengths.
        let base = ["le", "chef", "de", "l'armée", "a", "dit", "que", "la", "guerre", "continue"];
        let mut sentences = Vec::new();
        for i in 0..60usize {
            let mut s: Vec<&str> = base.iter().copied().skip(i % 3).collect();
            s.rotate_left(i % 4);
            if i % 5 == 0 {
                s.push("jeudi");
            }
            if i % 7 == 0 {
                s.retain(|w| *w != "la");
            }
            sentences.push(format!("{} {i}", s.join(" ")));
        }
        let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
        let idx = index(&refs);
        for t in [0.5, 0.6, 0.75, 0.9] {
            for q in &sentences {
                let q = format!("{q} .");
                let mut expected: Vec<&str> =
                    refs.iter().copied().filter(|s| similarity(s, &q) + EPS >= t).collect();
                expected.sort_unstable();
                let mut got: Vec<&str> =
                    idx.search(&q, t, usize::MAX).iter().map(|c| c.key).collect();
                got.sort_unstable();
                assert_eq!(got, expected, "threshold {t}, query {q}");
            }
        }
    }
}
