//! A term's number lost in translation (`term_number`).
//!
//! A protected term is rendered by the glossary's form, the singular, so an
//! engine that restores it without inflecting it turns "deux soldats tués"
//! into "two soldier fatalities" and "des terroristes" into "the
//! terrorist". The check compares, per glossary entry of the segment:
//!
//! - the number of the French hits: plural when the matched text is a
//!   plural of the entry's lemma (`soldats` for `soldat`, `ministères de la
//!   Défense` for `ministère de la Défense`, `-aux` for `-al`), or when a
//!   plural determiner comes right before it (`des`, `les`, `ces`, `deux`,
//!   `plusieurs`...; invariant French nouns such as `pays` need it);
//!   singular when `un`, `une` or `chaque` comes right before a singular
//!   form. Nouns French uses in the plural for one thing (`élections`,
//!   `obsèques`) have no number;
//! - the number of every rendering of the entry in the target: the head
//!   noun of the rendering (see [`crate::lang::en::plural`]) as written,
//!   or the hit's irregular plural (`plural` from the termbase).
//!
//! It reports a plural source whose renderings are all singular, and a
//! singular source whose renderings are all plural. Good translations
//! change number often, so a rendering only counts as singular when an
//! article, a demonstrative, a possessive or a numeral comes right before
//! it ("the terrorist", "two soldier fatalities"; a bare "preparing for
//! war" is a mass use), and never when its head has no number: adjectives
//! (`military`), invariant and mass nouns (`aircraft`, `staff`,
//! `intelligence`), `-ing` nouns (`fighting`), acronyms, one-word names,
//! and a singular noun used as a modifier ("missile launchers" for
//! `lanceurs de missiles`) unless a numeral comes before it. Names that
//! take no article and do-not-translate terms are skipped. Findings are
//! warnings. English targets only.

use crate::glossary::fold;
use crate::lang::{en, fr};
use crate::model::{CheckId, QaIssue, Segment, Severity, TermHit};

use super::Check;
use super::text::{self, Word};

/// The `term_number` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct TermNumber;

impl TermNumber {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

/// French nouns used in the plural for one thing: "les élections
/// présidentielles" is "the presidential election".
const FR_PLURAL_ONLY: &[&str] = &["elections", "obseques", "funerailles", "represailles"];

/// English words that make a singular noun after them countable and
/// singular: an article, a demonstrative or a possessive. A bare singular
/// ("preparing for war", "overseas deployment") is read as a mass use and
/// not counted.
const EN_DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "its", "his", "her", "their", "our", "my", "your", "each",
    "every", "another", "one", "either", "neither",
];

/// English words before a plural noun: "two soldier fatalities" is wrong
/// even though "soldier" is a modifier there.
const EN_NUMERALS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "several",
    "many",
    "numerous",
    "dozens",
];

/// Words that may follow a noun without making it a modifier.
const EN_FUNCTION: &[&str] = &[
    "and",
    "or",
    "but",
    "nor",
    "of",
    "to",
    "in",
    "at",
    "on",
    "with",
    "for",
    "by",
    "from",
    "as",
    "is",
    "was",
    "are",
    "were",
    "has",
    "have",
    "had",
    "said",
    "says",
    "say",
    "will",
    "would",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "which",
    "who",
    "whom",
    "whose",
    "that",
    "after",
    "before",
    "since",
    "during",
    "over",
    "under",
    "into",
    "against",
    "also",
    "than",
    "because",
    "while",
    "when",
    "if",
    "did",
    "does",
    "do",
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "its",
    "their",
    "his",
    "her",
    "our",
    "there",
    "here",
    "who",
    "not",
    "all",
    "both",
    "accused",
    "believed",
    "killed",
    "wounded",
    "based",
    "stationed",
    "deployed",
    "involved",
    "according",
    "near",
    "across",
    "behind",
    "between",
    "among",
    "amid",
    "without",
    "within",
    "out",
    "up",
    "down",
    "off",
    "about",
    "around",
    "through",
    "per",
    "like",
    "now",
    "then",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    Singular,
    Plural,
    /// No number to compare (adjective, mass noun, name, modifier).
    None,
}

impl Check for TermNumber {
    fn id(&self) -> CheckId {
        CheckId::TermNumber
    }

    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue> {
        let Some(target) = text::target(segment).filter(|_| text::is_english(target_lang)) else {
            return Vec::new();
        };
        let tokens = source_tokens(&segment.source);
        let words = text::words(target);
        let mut out = Vec::new();
        let mut entries: Vec<&str> = Vec::new();
        for hit in &segment.terms {
            if hit.do_not_translate || hit.no_article || entries.contains(&hit.entry.as_str()) {
                continue;
            }
            entries.push(&hit.entry);
            let hits: Vec<&TermHit> =
                segment.terms.iter().filter(|h| h.entry == hit.entry).collect();
            let numbers: Vec<Number> =
                hits.iter().map(|h| source_number(h, &segment.source, &tokens)).collect();
            let wanted = if numbers.iter().all(|n| *n == Number::Plural) {
                Number::Plural
            } else if numbers.iter().all(|n| *n == Number::Singular) {
                Number::Singular
            } else {
                continue;
            };
            let found = rendered(hit, target, &words);
            if found.is_empty() || found.iter().any(|(n, _)| *n != opposite(wanted)) {
                continue;
            }
            let written: Vec<&str> = found.iter().map(|(_, w)| *w).collect();
            let message = match wanted {
                Number::Plural => format!(
                    "{:?} is plural but its rendering {} is singular (plural: {:?})",
                    hit.text,
                    quoted(&written),
                    plural_of(hit),
                ),
                _ => format!(
                    "{:?} is singular but its rendering {} is plural",
                    hit.text,
                    quoted(&written)
                ),
            };
            out.push(text::issue(CheckId::TermNumber, Severity::Warning, message, Some(hit)));
        }
        out
    }
}

/// The plural the reviewer should see: the termbase's, or the expected
/// term's head made plural (unless the expected term is already plural).
fn plural_of(hit: &TermHit) -> String {
    let expected = hit.expected.as_deref().unwrap_or_default();
    let head_is_plural = expected.split_whitespace().last().is_some_and(en::is_plural);
    match &hit.plural {
        Some(p) => p.clone(),
        None if head_is_plural => expected.to_string(),
        None => en::plural(expected),
    }
}

/// Digits other than a lone `1`: `2`, `30`, and the `000` of `30.000`.
fn is_numeral(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && key.trim_start_matches('0') != "1"
}

fn opposite(n: Number) -> Number {
    match n {
        Number::Singular => Number::Plural,
        Number::Plural => Number::Singular,
        Number::None => Number::None,
    }
}

fn quoted(items: &[&str]) -> String {
    let mut items: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    items.dedup();
    items.join(", ")
}

/// A token of the French source: where it ends and its folded key.
struct Token {
    end: usize,
    key: String,
}

fn source_tokens(source: &str) -> Vec<Token> {
    let mut out = Vec::new();
    fold::tokens(source, false, |t, key| {
        out.push(Token { end: t.end, key: key.to_string() });
    });
    out
}

fn keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    fold::tokens(text, false, |_, k| out.push(k.to_string()));
    out
}

/// The number of a French hit (see the module docs).
fn source_number(hit: &TermHit, source: &str, tokens: &[Token]) -> Number {
    let text = keys(&hit.text);
    let lemma = keys(&hit.term);
    let by_form = text.len() == lemma.len()
        && text.iter().zip(&lemma).any(|(t, l)| t != l && french_plural_of(l, t));
    let before = tokens.iter().take_while(|t| t.end <= hit.start).last();
    // Only the word right before the hit, with nothing but a space or an
    // elision between them.
    let adjacent = |t: &&Token| {
        source.get(t.end..hit.start).is_some_and(|gap| {
            gap.chars().count() == 1
                && gap.chars().all(|c| c.is_whitespace() || matches!(c, '\'' | '\u{2019}'))
        })
    };
    let determiner = before.filter(adjacent).map(|t| t.key.as_str()).unwrap_or_default();
    let plural_determiner = fr::PLURAL_DETERMINERS.contains(&determiner) || is_numeral(determiner);
    if by_form || plural_determiner {
        return Number::Plural;
    }
    let head = lemma.first().map(String::as_str).unwrap_or_default();
    if text.first().is_some_and(|t| FR_PLURAL_ONLY.contains(&t.as_str())) {
        return Number::None;
    }
    let same_form = text == lemma && !head.ends_with(['s', 'x', 'z']);
    if same_form && fr::SINGULAR_DETERMINERS.contains(&determiner) {
        return Number::Singular;
    }
    Number::None
}

/// True when `word` is a French plural of `lemma`: `-s`, `-x`, `-al` →
/// `-aux`, `-ail` → `-aux`.
fn french_plural_of(lemma: &str, word: &str) -> bool {
    if let Some(rest) = word.strip_prefix(lemma) {
        return matches!(rest, "s" | "x");
    }
    let aux = |stem: &str| word.strip_prefix(stem).is_some_and(|r| r == "aux");
    lemma.strip_suffix("al").is_some_and(aux) || lemma.strip_suffix("ail").is_some_and(aux)
}

/// Every occurrence of a rendering of `hit` in the target, with its number.
fn rendered<'t>(hit: &TermHit, target: &'t str, words: &[Word<'_>]) -> Vec<(Number, &'t str)> {
    let mut out: Vec<(usize, usize, Number)> = Vec::new();
    // The irregular plural first: "attorneys general" also reads as an
    // inflection of "attorney general".
    let mut renderings = text::renderings(hit);
    renderings.sort_by_key(|r| hit.plural.as_deref() != Some(*r));
    for rendering in renderings {
        let is_plural_form = hit.plural.as_deref() == Some(rendering);
        for (s, e) in text::find(words, rendering) {
            if out.iter().any(|&(a, b, _)| a < e && s < b) {
                continue;
            }
            let n = if is_plural_form {
                Number::Plural
            } else {
                occurrence_number(rendering, target, words, s, e)
            };
            out.push((s, e, n));
        }
    }
    out.into_iter()
        .filter_map(|(s, e, n)| {
            let (a, b) = (words.get(s)?, words.get(e.checked_sub(1)?)?);
            Some((n, target.get(a.start..b.end)?))
        })
        .collect()
}

/// The number of one occurrence `s..e` of `rendering` in the target.
fn occurrence_number(
    rendering: &str,
    target: &str,
    words: &[Word<'_>],
    s: usize,
    e: usize,
) -> Number {
    let rwords = text::words(rendering);
    let head = rwords
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, w)| {
            matches!(w.key.as_str(), "of" | "for" | "on" | "in" | "to" | "at" | "against" | "with")
        })
        .map_or(rwords.len().saturating_sub(1), |(i, _)| i - 1);
    let (Some(r), Some(t)) = (rwords.get(head), words.get(s + head)) else {
        return Number::None;
    };
    let name = rwords.len() == 1 && r.is_capitalised();
    if name
        || r.key.ends_with("ing")
        || r.is_all_caps()
        || en::is_adjective(r.text)
        || en::is_invariant(r.text)
        || en::is_uncountable(r.text)
    {
        return Number::None;
    }
    let number = if t.key == r.key {
        if en::is_plural(r.text) { Number::Plural } else { Number::Singular }
    } else if en::is_plural(t.text) {
        Number::Plural
    } else {
        Number::None
    };
    if number != Number::Singular {
        return number;
    }
    // A singular counts only after a determiner or a numeral; and a head
    // that ends the rendering may be a modifier of the next noun ("missile
    // launchers"), unless a numeral comes first ("two soldier
    // fatalities").
    let before = s.checked_sub(1).and_then(|p| words.get(p));
    let numeral =
        before.is_some_and(|w| EN_NUMERALS.contains(&w.key.as_str()) || is_numeral(&w.key));
    let possessive = before.is_some_and(|w| w.key == "s")
        && s.checked_sub(2).is_some_and(|p| !text::spaced(target, words, p, p + 1));
    let determined =
        numeral || possessive || before.is_some_and(|w| EN_DETERMINERS.contains(&w.key.as_str()));
    let modifier = head + 1 == rwords.len()
        && words.get(e).is_some_and(|n| {
            n.is_alphabetic()
                && !n.is_capitalised()
                && !EN_FUNCTION.contains(&n.key.as_str())
                && !n.key.ends_with("ed")
                && text::spaced(target, words, e - 1, e)
        });
    if !determined || (modifier && !numeral) { Number::None } else { Number::Singular }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::tests::hit;

    fn seg(source: &str, text: &str, lemma: &str, expected: &str, target: &str) -> Segment {
        let mut h = hit(text, expected, &[]);
        h.term = lemma.into();
        h.start = source.find(text).unwrap();
        h.end = h.start + text.len();
        let mut seg = Segment::new("p1.s1", source);
        seg.target = Some(target.into());
        seg.terms = vec![h];
        seg
    }

    fn run(source: &str, text: &str, lemma: &str, expected: &str, target: &str) -> Vec<String> {
        let s = seg(source, text, lemma, expected, target);
        TermNumber.check(&s, "en-GB").into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn plural_source_singular_rendering() {
        assert_eq!(
            run("deux soldats tués", "soldats", "soldat", "soldier", "two soldier fatalities"),
            [
                "\"soldats\" is plural but its rendering \"soldier\" is singular (plural: \"soldiers\")"
            ]
        );
        assert_eq!(
            run(
                "Il a rappelé des ambassadeurs.",
                "ambassadeurs",
                "ambassadeur",
                "ambassador",
                "He recalled of the ambassador."
            )
            .len(),
            1
        );
        assert_eq!(
            run("les pays voisins", "pays", "pays", "country", "He visited the country.").len(),
            1
        );
        assert_eq!(
            run(
                "Les ministères de la Défense britannique et azerbaïdjanais",
                "ministères de la Défense",
                "ministère de la Défense",
                "Ministry of Defence",
                "The Ministry of Defence British and azerbaidjanès"
            )
            .len(),
            1
        );
    }

    #[test]
    fn agreeing_or_numberless_renderings_pass() {
        for (source, text, lemma, expected, target) in [
            ("deux soldats tués", "soldats", "soldat", "soldier", "two soldiers killed"),
            ("des liens militaires", "militaires", "militaire", "military", "military links"),
            ("des lanceurs de missiles", "missiles", "missile", "missile", "missile launchers"),
            (
                "des renseignements",
                "renseignements",
                "renseignement",
                "intelligence",
                "intelligence",
            ),
            ("deux avions", "avions", "avion", "aircraft", "two aircraft"),
            (
                "les ministères de la Défense",
                "ministères de la Défense",
                "ministère de la Défense",
                "Ministry of Defence",
                "the Ministries of Defence",
            ),
            ("le pays", "pays", "pays", "country", "the country"),
        ] {
            assert!(run(source, text, lemma, expected, target).is_empty(), "{target}");
        }
    }

    #[test]
    fn singular_source_plural_rendering() {
        assert_eq!(
            run("un soldat a été tué", "soldat", "soldat", "soldier", "soldiers were killed"),
            ["\"soldat\" is singular but its rendering \"soldiers\" is plural"]
        );
        assert!(run("un soldat", "soldat", "soldat", "soldier", "a soldier").is_empty());
        assert_eq!(
            run("30.000 soldats", "soldats", "soldat", "soldier", "30.000 soldier supplemental")
                .len(),
            1
        );
    }

    #[test]
    fn french_plurals() {
        assert!(french_plural_of("soldat", "soldats"));
        assert!(french_plural_of("general", "generaux"));
        assert!(french_plural_of("travail", "travaux"));
        assert!(french_plural_of("feu", "feux"));
        assert!(!french_plural_of("pays", "pays"));
        assert!(!french_plural_of("arme", "armee"));
        // The determiner must touch the term: "des" two words away is not it.
        assert!(
            run("des chars et soldats", "soldats", "soldat", "soldier", "the soldier").len() == 1
        );
        assert!(run("des jeunes pays", "pays", "pays", "country", "the country").is_empty());
        assert!(run("l’otage", "otage", "otage", "hostage", "the hostages").is_empty());
    }

    #[test]
    fn irregular_plural_of_the_termbase() {
        let mut s = seg(
            "des procureurs généraux",
            "procureurs généraux",
            "procureur général",
            "attorney general",
            "the attorneys general",
        );
        s.terms[0].plural = Some("attorneys general".into());
        assert!(TermNumber.check(&s, "en-US").is_empty());
        s.target = Some("the attorney general".into());
        assert_eq!(TermNumber.check(&s, "en-US").len(), 1);
    }
}
