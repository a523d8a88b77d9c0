//! Terminology repair: the text side.
//!
//! A sentence is first translated plainly; when its target breaks a
//! glossary term, the translator builds at most one repaired candidate from
//! the functions here and keeps it only if it satisfies the terms without
//! new damage (see [`super::Translator`]). Two ways to place a term:
//!
//! - **substitution**: the engine's own rendering of the term, asked for
//!   alone, is found in the plain target and replaced by the glossary's
//!   term; the sentence around it stays as the engine wrote it, so
//!   agreement, word order and articles survive;
//! - **anchoring**: the sentence is re-sent with the term protected
//!   (placeholder, markup or prompt); the words of the plain target that
//!   the protected term took the place of are found by aligning the two
//!   outputs, and replaced. When no anchor is found, the re-sent output is
//!   the candidate itself.
//!
//! What is put in is inflected: a plural French term gives the plural of
//! the English head noun (`ministères de la Défense` → `Ministries of
//! Defence`, irregular plurals from the termbase's `x-plural`), and a name
//! used without an article (`x-article` `none`) loses a "the" before it.

use crate::glossary::fold;
use crate::lang::en;
use crate::model::TermHit;

/// Figures of the terminology stage (`terms = "repair"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermStats {
    /// Sentences with glossary terms whose plain translation kept them all.
    pub plain: usize,
    /// Sentences whose terms were repaired.
    pub repaired: usize,
    /// Sentences whose broken terms could not be repaired without new
    /// damage: the plain translation is kept and QA flags it.
    pub flagged: usize,
    /// Requests sent for repairs (term renderings and re-sent sentences),
    /// included in the run's request count.
    pub requests: usize,
    /// Of those requests, the ones that got no translations back.
    pub failed_requests: usize,
    /// Characters the provider accepted for repairs, included in the run's
    /// character count.
    pub chars: usize,
    /// Repair requests repeated, included in the run's retries.
    pub retries: usize,
    /// Repair requests answered "too many requests", included in the run's count.
    pub rate_limited: usize,
}

impl TermStats {
    /// Adds `other` to these figures.
    pub fn add(&mut self, other: &TermStats) {
        self.plain += other.plain;
        self.repaired += other.repaired;
        self.flagged += other.flagged;
        self.requests += other.requests;
        self.failed_requests += other.failed_requests;
        self.chars += other.chars;
        self.retries += other.retries;
        self.rate_limited += other.rate_limited;
    }
}

/// The target text a hit should have in this sentence: the expected term
/// (or the source as written, for do-not-translate terms), in the plural
/// when the French term is plural and the target is English.
pub(crate) fn rendering(hit: &TermHit, target_lang: &str) -> Option<String> {
    if hit.do_not_translate {
        return Some(hit.expected.clone().unwrap_or_else(|| hit.text.clone()));
    }
    let expected = hit.expected.as_deref()?;
    let english = target_lang.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("en"));
    if english && source_is_plural(hit) {
        return Some(hit.plural.clone().unwrap_or_else(|| en::plural(expected)));
    }
    if english && source_is_singular_of_plural(hit) {
        return Some(en::singular_term(expected));
    }
    Some(expected.to_string())
}

/// The French term was matched in the singular of a plural lemma (`force`
/// for `forces`).
fn source_is_singular_of_plural(hit: &TermHit) -> bool {
    let first = |s: &str| s.split_whitespace().next().unwrap_or("").to_lowercase();
    let (seen, lemma) = (first(&hit.text), first(&hit.term));
    seen != lemma && lemma.chars().any(char::is_lowercase) && lemma == format!("{seen}s")
}

/// The words inserted inside a multiword term as matched (`israélien` in
/// `ministre israélien des Affaires étrangères`): the matched text has the
/// lemma's first word, then the inserted words, then the rest of the lemma
/// (a variant such as an acronym's expansion is not an insertion).
pub(crate) fn inserted_words(hit: &TermHit) -> Option<String> {
    let seen: Vec<&str> = hit.text.split_whitespace().collect();
    let lemma: Vec<&str> = hit.term.split_whitespace().collect();
    let extra = seen.len().checked_sub(lemma.len()).filter(|&e| e > 0)?;
    // Same word, allowing the plural the text may add (`ministres`).
    let same = |a: &str, b: &str| {
        let (a, b) = (fold::fold(a), fold::fold(b));
        a == b || a.strip_prefix(b.as_str()).is_some_and(|r| matches!(r, "s" | "x" | "es"))
    };
    let first_same = seen.first().zip(lemma.first()).is_some_and(|(a, b)| same(a, b));
    let tail = seen.get(1 + extra..)?;
    let tail_same = tail.len() == lemma.len() - 1
        && tail.iter().zip(lemma.iter().skip(1)).all(|(a, b)| same(a, b));
    (first_same && tail_same).then(|| seen.get(1..1 + extra).map(|w| w.join(" "))).flatten()
}

/// The French term was matched in a plural form of a singular lemma
/// (`soldats` for `soldat`, `généraux` for `général`).
pub(crate) fn source_is_plural(hit: &TermHit) -> bool {
    let first = |s: &str| s.split_whitespace().next().unwrap_or("").to_lowercase();
    let (seen, lemma) = (first(&hit.text), first(&hit.term));
    if seen == lemma || lemma.is_empty() || lemma.chars().all(|c| !c.is_lowercase()) {
        return false;
    }
    if lemma.ends_with(['s', 'x', 'z']) {
        return false;
    }
    let stem_al = lemma.strip_suffix("al").map(|s| format!("{s}aux"));
    let stem_ail = lemma.strip_suffix("ail").map(|s| format!("{s}aux"));
    seen == format!("{lemma}s")
        || seen == format!("{lemma}x")
        || stem_al.is_some_and(|p| p == seen)
        || stem_ail.is_some_and(|p| p == seen)
}

/// Hits with words inserted inside them (`ministre israélien des Affaires
/// étrangères`): protecting them would drop the inserted words, so they
/// are only ever repaired by substitution.
pub(crate) fn has_insertion(hit: &TermHit) -> bool {
    inserted_words(hit).is_some()
}

/// Byte range of the first occurrence of `needle` in `hay`, in any case,
/// on word boundaries.
pub(crate) fn find_words(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    let lower_needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    for (start, _) in hay.char_indices() {
        if !boundary_before(hay, start) {
            continue;
        }
        let mut it = hay.get(start..).unwrap_or("").char_indices();
        let mut k = 0;
        let mut end = start;
        let mut ok = true;
        while k < lower_needle.len() {
            let Some((off, c)) = it.next() else {
                ok = false;
                break;
            };
            for lc in c.to_lowercase() {
                if lower_needle.get(k) != Some(&lc) {
                    ok = false;
                    break;
                }
                k += 1;
            }
            if !ok {
                break;
            }
            end = start + off + c.len_utf8();
        }
        if ok && boundary_after(hay, end) {
            return Some((start, end));
        }
    }
    None
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

fn boundary_before(s: &str, at: usize) -> bool {
    s.get(..at).and_then(|p| p.chars().next_back()).is_none_or(|c| !is_word_char(c))
}

fn boundary_after(s: &str, at: usize) -> bool {
    s.get(at..).and_then(|p| p.chars().next()).is_none_or(|c| !is_word_char(c))
}

/// Replaces `range` of `text` by `value`, adapting case at the start of
/// the sentence and dropping a "the" before a name used without one.
pub(crate) fn put(text: &str, range: (usize, usize), value: &str, no_article: bool) -> String {
    let (mut start, end) = range;
    let mut value = value.to_string();
    if no_article {
        let before = text.get(..start).unwrap_or("");
        let trimmed = before.trim_end();
        if let Some(cut) = trimmed.len().checked_sub(3) {
            let word = trimmed.get(cut..).unwrap_or("");
            if word.eq_ignore_ascii_case("the") && boundary_before(trimmed, cut) {
                start = cut;
            }
        }
    }
    let at_sentence_start = text.get(..start).unwrap_or("").trim().is_empty();
    if at_sentence_start {
        value = capitalise(&value);
    }
    let mut before = text.get(..start).unwrap_or("").to_string();
    // `a`/`an` before the new words follows their first sound, also across
    // an opening quote (`an "sweep operation"` → `a "sweep operation"`).
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || "\"'«“‘(".contains(c));
    let last = trimmed.rsplit(|c: char| !is_word_char(c)).next().unwrap_or("");
    if matches!(last, "a" | "an" | "A" | "An") {
        let right = if en::takes_an(&value) { "an" } else { "a" };
        if !last.eq_ignore_ascii_case(right) {
            let cut = trimmed.len() - last.len();
            let cased = if last.starts_with('A') { capitalise(right) } else { right.to_string() };
            let gap = before.get(trimmed.len()..).unwrap_or("").to_string();
            before = format!("{}{cased}{gap}", trimmed.get(..cut).unwrap_or(""));
        }
    }
    let after = text.get(end..).unwrap_or("");
    match stranded_adjectives(after) {
        // `the Foreign Minister Italian confirmed` → `the Italian Foreign
        // Minister confirmed`: adjectives the engine left after the term
        // go before it, in English order.
        Some((adjectives, rest)) => {
            let lead = if at_sentence_start { capitalise(&adjectives) } else { adjectives };
            format!("{before}{lead} {value}{rest}")
        }
        None => format!("{before}{value}{after}"),
    }
}

/// Words after which a stranded adjective ends its phrase: it then belongs
/// to the term before it, not to a noun after it.
const PHRASE_ENDS: &[&str] = &[
    "and", "or", "of", "has", "have", "had", "is", "are", "was", "were", "will", "would", "said",
    "says", "in", "at", "on", "for", "to", "that", "which", "who", "the", "a", "an", "with",
    "from", "by", "since", "after", "before",
];

/// Adjectives (one, or two joined by `and`) that open `after` and end
/// their phrase there, and the rest of the text after them.
fn stranded_adjectives(after: &str) -> Option<(String, &str)> {
    let mut rest = after.strip_prefix(' ')?;
    let mut taken: Vec<&str> = Vec::new();
    loop {
        let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let word = rest.get(..len)?;
        if word.is_empty() || !en::is_adjective(word) {
            return None;
        }
        taken.push(word);
        rest = rest.get(len..)?;
        match rest.strip_prefix(" and ") {
            Some(more)
                if taken.len() == 1 && more.split(' ').next().is_some_and(en::is_adjective) =>
            {
                rest = more;
            }
            _ => break,
        }
    }
    let next = rest.trim_start().split(|c: char| !is_word_char(c)).next().unwrap_or("");
    let lower = next.to_lowercase();
    // A past-tense verb (`confirmed`) also ends the phrase.
    let ends = next.is_empty() || PHRASE_ENDS.contains(&lower.as_str()) || lower.ends_with("ed");
    ends.then(|| (taken.join(" and "), rest))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Substitution: replaces, in `target`, the engine's rendering of the hit
/// (`engine`, the term translated alone) by `value`. Also tries the
/// engine rendering's plural, since the sentence may inflect it.
pub(crate) fn substitute(
    target: &str,
    engine: &str,
    value: &str,
    no_article: bool,
) -> Option<String> {
    let engine = engine.trim().trim_end_matches(['.', '!', '?']).trim();
    if engine.is_empty() {
        return None;
    }
    let plural = en::plural(engine);
    let range = find_words(target, &plural).or_else(|| find_words(target, engine))?;
    Some(put(target, range, value, no_article))
}

/// A word of a text with its byte range and folded key.
struct Word {
    start: usize,
    end: usize,
    key: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let w = text.get(s..i).unwrap_or("");
                out.push(Word { start: s, end: i, key: fold::fold(w) });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Anchoring: `resent` is the sentence translated again with the hit
/// protected and put back as `value`. Aligns the words of `plain` with
/// those of `resent` around `value`, and returns `plain` with the words
/// standing where `value` stands replaced by it. `None` when the two
/// outputs do not share the words on both sides of the term, or the
/// replaced stretch is implausibly long.
pub(crate) fn anchor(plain: &str, resent: &str, value: &str, no_article: bool) -> Option<String> {
    let (vs, ve) = find_words(resent, value)?;
    let p = words(plain);
    let r = words(resent);
    let before: Vec<&Word> = r.iter().filter(|w| w.end <= vs).collect();
    let after: Vec<&Word> = r.iter().filter(|w| w.start >= ve).collect();
    // Longest run of the re-sent words before the term that ends a prefix
    // of the plain words, matched from the right; the same after it.
    let mut left = 0;
    while left < before.len()
        && left < p.len()
        && before.get(left).map(|w| &w.key) == p.get(left).map(|w| &w.key)
    {
        left += 1;
    }
    let mut right = 0;
    while right < after.len()
        && right + left < p.len()
        && after.get(after.len() - 1 - right).map(|w| &w.key)
            == p.get(p.len() - 1 - right).map(|w| &w.key)
    {
        right += 1;
    }
    // Both sides must be fully accounted for, or the outputs differ in
    // more than the term.
    if left < before.len() || right < after.len() {
        return None;
    }
    let gap = p.get(left..p.len() - right)?;
    let (first, last) = (gap.first()?, gap.last()?);
    let term_words = value.split_whitespace().count();
    if gap.len() > 2 * term_words + 3 {
        return None;
    }
    Some(put(plain, (first.start, last.end), value, no_article))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(text: &str, term: &str, expected: &str) -> TermHit {
        TermHit {
            entry: "e".into(),
            start: 0,
            end: text.len(),
            text: text.into(),
            term: term.into(),
            expected: Some(expected.into()),
            alternatives: vec![],
            forbidden: vec![],
            domain: "defence".into(),
            do_not_translate: false,
            no_article: false,
            plural: None,
        }
    }

    #[test]
    fn plural_french_terms_render_plural() {
        let h = hit("ministères de la Défense", "ministère de la Défense", "Ministry of Defence");
        assert!(source_is_plural(&h));
        assert_eq!(rendering(&h, "en-GB").as_deref(), Some("Ministries of Defence"));
        assert_eq!(rendering(&h, "de-DE").as_deref(), Some("Ministry of Defence"));
        assert!(source_is_plural(&hit("généraux", "général", "general")));
        assert!(source_is_plural(&hit("soldats", "soldat", "soldier")));
        assert!(!source_is_plural(&hit("soldat", "soldat", "soldier")));
        assert!(!source_is_plural(&hit("forces armées", "forces armées", "armed forces")));
        assert!(!source_is_plural(&hit("OTAN", "OTAN", "NATO")));
        let mut ag = hit("procureurs généraux", "procureur général", "attorney general");
        ag.plural = Some("attorneys general".into());
        assert_eq!(rendering(&ag, "en-US").as_deref(), Some("attorneys general"));
    }

    #[test]
    fn singular_of_a_plural_lemma_and_inserted_words() {
        let f = hit("force", "forces", "forces");
        assert_eq!(rendering(&f, "en-GB").as_deref(), Some("force"));
        let m = hit(
            "ministre syrien des Affaires étrangères",
            "ministre des Affaires étrangères",
            "Foreign Minister",
        );
        assert_eq!(inserted_words(&m).as_deref(), Some("syrien"));
        assert!(has_insertion(&m));
        assert_eq!(inserted_words(&hit("OTAN", "OTAN", "NATO")), None);
        let expansion = hit("al-Qaida au Maghreb islamique", "AQMI", "AQIM");
        assert_eq!(inserted_words(&expansion), None);
        assert!(!has_insertion(&expansion));
    }

    #[test]
    fn a_and_an_follow_the_new_words() {
        assert_eq!(put("He is an envoy.", (9, 14), "US diplomat", false), "He is a US diplomat.");
        assert_eq!(put("A plan.", (2, 6), "attack", false), "An attack.");
        assert_eq!(put("for an \"plan\"", (8, 12), "sweep", false), "for a \"sweep\"");
    }

    #[test]
    fn adjectives_left_after_a_term_go_before_it() {
        let text = "as the Minister of exterior affairs Italian confirmed it.";
        assert_eq!(
            put(text, (7, 35), "Foreign Minister", false),
            "as the Italian Foreign Minister confirmed it."
        );
        let text = "The ministries of defence British and Azerbaijani have signed.";
        assert_eq!(
            put(text, (4, 25), "Ministries of Defence", false),
            "The British and Azerbaijani Ministries of Defence have signed."
        );
        // An adjective that opens the next noun phrase stays.
        let text = "the Ministry of Defence military officials said";
        assert_eq!(put(text, (4, 23), "Ministry of Defence", false), text);
    }

    #[test]
    fn finds_words_in_any_case_on_boundaries() {
        assert_eq!(
            find_words("The ministry of defence said", "Ministry of Defence"),
            Some((4, 23))
        );
        assert_eq!(find_words("paramilitary", "military"), None);
        assert_eq!(find_words("Élysée", "élysée"), Some((0, 8)));
    }

    #[test]
    fn substitution_keeps_the_sentence_and_inflects() {
        let out = substitute(
            "The ministries of defence have signed.",
            "ministry of defence",
            "Ministries of Defence",
            false,
        );
        assert_eq!(out.as_deref(), Some("The Ministries of Defence have signed."));
        let out = substitute("The Azerbaijan has said it.", "Azerbaijan", "Azerbaijan", true);
        assert_eq!(out.as_deref(), Some("Azerbaijan has said it."));
        assert_eq!(substitute("Nothing here.", "ministry", "Ministry", false), None);
    }

    #[test]
    fn anchoring_replaces_what_the_protected_term_stood_for() {
        let plain = "The Israeli minister of the foreign Affairs has talked.";
        let resent = "The Israeli Minister of Foreign Affairs has talked.";
        assert_eq!(
            anchor(plain, resent, "Minister of Foreign Affairs", false).as_deref(),
            Some("The Israeli Minister of Foreign Affairs has talked.")
        );
        let resent = "Yesterday the Minister of Foreign Affairs spoke.";
        assert_eq!(anchor(plain, resent, "Minister of Foreign Affairs", false), None);
    }
}
