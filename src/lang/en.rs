//! English: noun number, the adjectives of news copy, and British and
//! American spelling.
//!
//! ```
//! use depeche::lang::en;
//!
//! assert_eq!(en::plural("Chief of Staff"), "Chiefs of Staff");
//! assert_eq!(en::plural("defence ministry"), "defence ministries");
//! assert!(en::is_plural("soldiers") && !en::is_plural("soldier"));
//! assert_eq!(en::singular("servicemen"), "serviceman");
//! assert!(en::is_adjective("British") && en::is_adjective("military"));
//! assert_eq!(en::respell("Defence", en::Spelling::American).as_deref(), Some("Defense"));
//! assert_eq!(en::respell("program", en::Spelling::British), None); // also British
//! assert_eq!(en::respell("organised", en::Spelling::American).as_deref(), Some("organized"));
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Words after which a term's head noun has ended: in `Chief of Staff` the
/// plural goes on `Chief`.
const HEAD_ENDS: &[&str] = &["of", "for", "on", "in", "to", "at", "against", "with"];

/// Nouns whose plural is the singular (`two aircraft`), or that are plural
/// only and take no `-s` (`the troops`, `the police`).
const INVARIANT: &[&str] = &[
    "aircraft",
    "spacecraft",
    "hovercraft",
    "personnel",
    "staff",
    "police",
    "headquarters",
    "series",
    "species",
    "corps",
    "troops",
    "barracks",
    "crossroads",
    "means",
    "sheep",
    "deer",
    "offspring",
    "people",
];

/// Mass nouns of news copy: a French plural (`des renseignements`,
/// `des équipements`) is rendered by their singular.
const UNCOUNTABLE: &[&str] = &[
    "advice",
    "aid",
    "ammunition",
    "armour",
    "armor",
    "artillery",
    "assistance",
    "cavalry",
    "cooperation",
    "co-operation",
    "damage",
    "defence",
    "defense",
    "diplomacy",
    "equipment",
    "evidence",
    "funding",
    "governance",
    "hardware",
    "infantry",
    "information",
    "intelligence",
    "justice",
    "knowledge",
    "leadership",
    "legislation",
    "logistics",
    "machinery",
    "news",
    "peace",
    "progress",
    "research",
    "security",
    "shipping",
    "software",
    "support",
    "surveillance",
    "terrorism",
    "traffic",
    "training",
    "unrest",
    "violence",
    "warfare",
    "weaponry",
];

/// Irregular plurals, singular first.
const IRREGULAR: &[(&str, &str)] = &[
    ("man", "men"),
    ("woman", "women"),
    ("child", "children"),
    ("person", "people"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("mouse", "mice"),
    ("goose", "geese"),
    ("crisis", "crises"),
    ("analysis", "analyses"),
    ("basis", "bases"),
    ("thesis", "theses"),
    ("hypothesis", "hypotheses"),
    ("diagnosis", "diagnoses"),
    ("criterion", "criteria"),
    ("phenomenon", "phenomena"),
    ("knife", "knives"),
    ("wife", "wives"),
    ("life", "lives"),
    ("half", "halves"),
    ("leaf", "leaves"),
    ("wolf", "wolves"),
    ("thief", "thieves"),
    ("shelf", "shelves"),
    ("self", "selves"),
    ("hero", "heroes"),
    ("veto", "vetoes"),
    ("embargo", "embargoes"),
    ("torpedo", "torpedoes"),
    ("echo", "echoes"),
    ("potato", "potatoes"),
    ("tomato", "tomatoes"),
];

/// Words in `-man` that are not compounds of `man` (`Germans`, `humans`).
const NOT_MAN: &[&str] = &["human", "german", "roman", "shaman", "talisman", "caiman", "ottoman"];

/// Words in `-men` that are not plurals of `-man` (`specimen`).
const NOT_MEN: &[&str] = &["specimen", "abdomen", "regimen", "omen", "amen", "stamen", "yemen"];

/// Words in `-s` that are not plurals: function words, `-ss`, `-us`, `-is`
/// and `-ics` nouns are handled by rule, these are the rest.
const NOT_PLURAL_S: &[&str] = &[
    "as", "has", "was", "is", "its", "his", "hers", "ours", "yours", "theirs", "this", "thus",
    "yes", "plus", "less", "unless", "whereas", "perhaps", "always", "news", "gas", "atlas",
    "lens", "bias", "canvas", "alias", "chaos", "ethos", "kudos", "pathos", "congress",
];

/// The English adjectives of `en-adjectives.txt`, lowercase.
static ADJECTIVES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("en-adjectives.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// The plural of a term: its head noun (the last word before the first of
/// `of`, `for`, `on`, `in`, `to`, `at`, `against`, `with`, else the last
/// word) takes its plural; the other words and the case of each are kept.
///
/// Irregular plurals (`man`/`men`, `child`/`children`, `crisis`/`crises`,
/// `knife`/`knives`), `-y` after a consonant (`-ies`), sibilants (`-es`)
/// and invariant nouns (`aircraft`, `personnel`, `staff`, `police`,
/// `headquarters`, `series`, `species`, `corps`, `troops`) are handled;
/// `chief` takes `chiefs`. A hyphenated head such as `commander-in-chief`
/// pluralises its first part.
pub fn plural(term: &str) -> String {
    let words: Vec<(usize, &str)> = word_spans(term);
    let head = words
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, (_, w))| HEAD_ENDS.contains(&w.to_lowercase().as_str()))
        .map(|(i, _)| i - 1)
        .or_else(|| words.len().checked_sub(1));
    let Some(&(at, word)) = head.and_then(|i| words.get(i)) else {
        return term.to_string();
    };
    let mut out = String::with_capacity(term.len() + 3);
    out.push_str(term.get(..at).unwrap_or_default());
    out.push_str(&plural_word(word));
    out.push_str(term.get(at + word.len()..).unwrap_or_default());
    out
}

/// The plural of one word (see [`plural`]), in the word's case.
pub fn plural_word(word: &str) -> String {
    if let Some((first, rest)) = split_hyphenated_head(word) {
        return format!("{}{rest}", plural_word(first));
    }
    let lower = word.to_lowercase();
    if lower.is_empty() || is_invariant(&lower) || is_uncountable(&lower) {
        return word.to_string();
    }
    let regular = |suffix: &str| recase(word, &format!("{lower}{suffix}"));
    if let Some((_, p)) = IRREGULAR.iter().find(|(s, _)| *s == lower) {
        return recase(word, p);
    }
    if let Some(stem) = lower.strip_suffix("man").filter(|_| !NOT_MAN.contains(&lower.as_str())) {
        return recase(word, &format!("{stem}men"));
    }
    // `NGOs`, `UAVs`: a short acronym takes a lowercase `s`; a word in
    // capitals (`MINISTRIES`) follows the rules below.
    if is_acronym(word) && (word.chars().count() <= 3 || !word.chars().any(is_vowel)) {
        return format!("{word}s");
    }
    if let Some(stem) = lower.strip_suffix('y')
        && stem.chars().last().is_some_and(|c| c.is_alphabetic() && !is_vowel(c))
    {
        return recase(word, &format!("{stem}ies"));
    }
    if ["s", "x", "z", "ch", "sh"].iter().any(|s| lower.ends_with(s)) {
        return regular("es");
    }
    regular("s")
}

/// The singular of a plural noun (`ministries` → `ministry`, `servicemen`
/// → `serviceman`); a word that is not a plural comes back as it is.
pub fn singular(word: &str) -> String {
    let lower = word.to_lowercase();
    if !is_plural(&lower) {
        return word.to_string();
    }
    if let Some((s, _)) = IRREGULAR.iter().find(|(_, p)| *p == lower) {
        return recase(word, s);
    }
    if let Some(stem) = lower.strip_suffix("men") {
        return recase(word, &format!("{stem}man"));
    }
    if let Some(stem) = lower.strip_suffix("ies") {
        return recase(word, &format!("{stem}y"));
    }
    if let Some(stem) = lower.strip_suffix("es")
        && ["ss", "x", "zz", "ch", "sh"].iter().any(|s| stem.ends_with(s))
    {
        return recase(word, stem);
    }
    match lower.strip_suffix('s') {
        Some(stem) => recase(word, stem),
        None => word.to_string(),
    }
}

/// True when the noun `word` is a plural by its form (`soldiers`,
/// `ministries`, `servicemen`, `crises`). Invariant and mass nouns
/// (`aircraft`, `intelligence`) are never plural by their form, nor are
/// `-ss`, `-us`, `-is` and `-ics` words (`congress`, `status`, `crisis`,
/// `politics`) or function words (`this`, `has`).
pub fn is_plural(word: &str) -> bool {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches(['\'', '\u{2019}']);
    if lower.chars().count() < 3 || is_invariant(lower) || is_uncountable(lower) {
        return false;
    }
    if IRREGULAR.iter().any(|(_, p)| *p == lower) {
        return true;
    }
    if lower.ends_with("men") {
        return !NOT_MEN.contains(&lower);
    }
    lower.ends_with('s')
        && !["ss", "us", "is", "ics", "'s"].iter().any(|s| lower.ends_with(s))
        && !NOT_PLURAL_S.contains(&lower)
}

/// True for nouns whose plural is the singular, or plural-only nouns with
/// no `-s` form (`aircraft`, `personnel`, `staff`, `troops`, `police`).
pub fn is_invariant(word: &str) -> bool {
    let lower = word.to_lowercase();
    INVARIANT.contains(&lower.as_str())
}

/// True for mass nouns of news copy (`intelligence`, `equipment`,
/// `security`): their singular renders a French plural.
pub fn is_uncountable(word: &str) -> bool {
    let lower = word.to_lowercase();
    UNCOUNTABLE.contains(&lower.as_str())
}

/// True for the nationality and relational adjectives of news copy listed
/// in `src/lang/en-adjectives.txt` (`British`, `Azerbaijani`, `military`,
/// `nuclear`, `diplomatic`), in any case.
pub fn is_adjective(word: &str) -> bool {
    ADJECTIVES.contains(word.to_lowercase().as_str())
}

/// An English spelling standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spelling {
    /// `defence`, `programme`, `organise`, `centre`, `travelled`.
    British,
    /// `defense`, `program`, `organize`, `center`, `traveled`.
    American,
}

impl Spelling {
    /// The standard of an English locale: `en-US` (and `en-PH`) spell the
    /// American way; `en-GB`, `en-IE`, `en-AU`, `en-NZ`, `en-ZA` and
    /// `en-IN` the British way. Other locales, bare `en` and Canadian
    /// English (which mixes both) have none, so nothing is checked.
    pub fn of(locale: &str) -> Option<Self> {
        let lower = locale.to_ascii_lowercase().replace('_', "-");
        let mut parts = lower.split('-');
        if parts.next() != Some("en") {
            return None;
        }
        match parts.find(|p| p.len() == 2 || p.len() == 3)? {
            "us" | "ph" => Some(Self::American),
            "gb" | "uk" | "ie" | "au" | "nz" | "za" | "in" => Some(Self::British),
            _ => None,
        }
    }

    /// `British` or `American`, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::British => "British",
            Self::American => "American",
        }
    }
}

/// `word` in the `to` spelling, when it is the other standard's spelling of
/// a word listed in `src/lang/en-spelling.tsv` or generated from its word
/// families (`defence` → `defense`, `organisation` → `organization`,
/// `travelled` → `traveled`, `armoured` → `armored`, and back).
///
/// The case is kept (`Centre` → `Center`, `DEFENCE` → `DEFENSE`). A word
/// that is right in both standards (`program` in British English, `meter`)
/// or that is not listed gives `None`. Whether the word is part of a name
/// is the caller's business.
pub fn respell(word: &str, to: Spelling) -> Option<String> {
    let lower = word.to_lowercase();
    let table = match to {
        Spelling::American => &SPELLING.to_us,
        Spelling::British => &SPELLING.to_gb,
    };
    table.get(lower.as_str()).map(|other| recase(word, other))
}

/// The spelling tables, built once from the data file and the families.
struct SpellingTables {
    /// British form → American form, where the British one is wrong in en-US.
    to_us: HashMap<String, String>,
    /// American form → British form, where the American one is wrong in en-GB.
    to_gb: HashMap<String, String>,
}

/// Stems whose British `-ise` verbs and `-isation` nouns are `-ize` and
/// `-ization` in American English. Verbs in `-ise` in both (`advise`,
/// `comprise`, `exercise`, `promise`, `revise`, `supervise`, `surprise`,
/// `televise`) are not stems of this kind and are not listed.
const ISE_STEMS: &[&str] = &[
    "apologis",
    "authoris",
    "capitalis",
    "categoris",
    "centralis",
    "characteris",
    "civilis",
    "colonis",
    "computeris",
    "criminalis",
    "criticis",
    "decentralis",
    "decriminalis",
    "demilitaris",
    "democratis",
    "demobilis",
    "demonis",
    "denuclearis",
    "destabilis",
    "digitalis",
    "economis",
    "emphasis",
    "energis",
    "equalis",
    "familiaris",
    "finalis",
    "formalis",
    "globalis",
    "harmonis",
    "hospitalis",
    "immobilis",
    "immunis",
    "industrialis",
    "internationalis",
    "jeopardis",
    "legalis",
    "legitimis",
    "liberalis",
    "localis",
    "marginalis",
    "maximis",
    "memorialis",
    "militaris",
    "minimis",
    "mobilis",
    "modernis",
    "monopolis",
    "nationalis",
    "neutralis",
    "normalis",
    "optimis",
    "organis",
    "penalis",
    "polaris",
    "popularis",
    "prioritis",
    "privatis",
    "publicis",
    "radicalis",
    "rationalis",
    "realis",
    "recognis",
    "regularis",
    "reorganis",
    "revitalis",
    "sanitis",
    "scrutinis",
    "socialis",
    "specialis",
    "stabilis",
    "standardis",
    "sterilis",
    "stigmatis",
    "subsidis",
    "summaris",
    "symbolis",
    "sympathis",
    "synchronis",
    "terroris",
    "theoris",
    "unionis",
    "urbanis",
    "utilis",
    "vandalis",
    "victimis",
    "visualis",
    "weaponis",
    "westernis",
];

/// Endings of the `-ise` family: `organise`, `organised`, `organisation`,
/// `organisational`, `recognisable`.
const ISE_ENDINGS: &[&str] =
    &["e", "es", "ed", "ing", "er", "ers", "ation", "ations", "ational", "able", "ably"];

/// British `-our` words, American `-or` (`armour`, `armoured`, `armoury`).
const OUR_WORDS: &[&str] = &[
    "ardour",
    "armour",
    "behaviour",
    "clamour",
    "colour",
    "demeanour",
    "endeavour",
    "favour",
    "fervour",
    "flavour",
    "harbour",
    "honour",
    "humour",
    "labour",
    "neighbour",
    "odour",
    "parlour",
    "rancour",
    "rumour",
    "saviour",
    "splendour",
    "tumour",
    "valour",
    "vapour",
    "vigour",
];

/// Endings of the `-our` family. `-ous`, `-ary` and `-ific` words are
/// spelt `-or-` in both (`humorous`, `honorary`, `honorific`).
const OUR_ENDINGS: &[&str] = &[
    "", "s", "ed", "ing", "able", "ably", "ful", "ite", "ites", "er", "ers", "hood", "hoods",
    "less", "y", "al",
];

/// Verbs whose final `l` British English doubles before `-ed`, `-ing`,
/// `-er` (`travelled`, `cancelling`, `modeller`).
const L_VERBS: &[&str] = &[
    "cancel", "channel", "counsel", "dial", "duel", "equal", "fuel", "funnel", "grovel", "jewel",
    "label", "level", "libel", "marshal", "model", "panel", "parcel", "pedal", "pencil", "quarrel",
    "refuel", "rival", "shovel", "signal", "spiral", "total", "travel", "tunnel",
];

static SPELLING: LazyLock<SpellingTables> = LazyLock::new(|| {
    let mut t = SpellingTables { to_us: HashMap::new(), to_gb: HashMap::new() };
    let mut both = |gb: String, us: String| {
        t.to_gb.insert(us.clone(), gb.clone());
        t.to_us.insert(gb, us);
    };
    for stem in ISE_STEMS {
        let us_stem = format!("{}z", stem.strip_suffix('s').unwrap_or(stem));
        for end in ISE_ENDINGS {
            both(format!("{stem}{end}"), format!("{us_stem}{end}"));
        }
    }
    for word in OUR_WORDS {
        let us = format!("{}or", word.strip_suffix("our").unwrap_or(word));
        for end in OUR_ENDINGS {
            both(format!("{word}{end}"), format!("{us}{end}"));
        }
    }
    for verb in L_VERBS {
        for end in ["ed", "ing", "er", "ers"] {
            both(format!("{verb}l{end}"), format!("{verb}{end}"));
        }
    }
    for (gb, us, direction) in spelling_pairs() {
        if direction != Some("to-gb") {
            t.to_us.insert(gb.to_string(), us.to_string());
        }
        if direction != Some("to-us") {
            t.to_gb.insert(us.to_string(), gb.to_string());
        }
    }
    t
});

/// The lines of `en-spelling.tsv`: British, American and the direction.
fn spelling_pairs() -> impl Iterator<Item = (&'static str, &'static str, Option<&'static str>)> {
    include_str!("en-spelling.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.trim(), f.next()?.trim(), f.next().map(str::trim)))
        })
}

/// Byte offset and text of each space-separated word of `text`.
fn word_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, text.get(s..i).unwrap_or_default()));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.get(s..).unwrap_or_default()));
    }
    out
}

/// `commander-in-chief` → (`commander`, `-in-chief`).
fn split_hyphenated_head(word: &str) -> Option<(&str, &str)> {
    ["-in-", "-of-", "-at-"].iter().find_map(|sep| word.find(sep).map(|at| word.split_at(at)))
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Two or more letters or digits with no lowercase letter (`NGO`, `UAV`).
fn is_acronym(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().all(|c| c.is_alphanumeric())
        && word.chars().any(char::is_alphabetic)
        && !word.chars().any(char::is_lowercase)
}

/// `new` (a lowercase form) in the case of `original`: the characters they
/// share keep the original's case, the rest follow it (all capitals, or
/// lowercase).
fn recase(original: &str, new: &str) -> String {
    let upper = is_acronym(original) && original.chars().count() > 1;
    let mut out = String::with_capacity(new.len());
    let mut orig = original.chars();
    let mut same = true;
    for c in new.chars() {
        let o = orig.next();
        match o {
            Some(o) if same && o.to_lowercase().eq(c.to_lowercase()) => out.push(o),
            _ => {
                same = false;
                if upper {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The singular of a term: its head noun (as for [`plural`]) loses its
/// plural (`armed forces` → `armed force`, `Ministries of Defence` →
/// `Ministry of Defence`).
pub fn singular_term(term: &str) -> String {
    let words: Vec<(usize, &str)> = word_spans(term);
    let head = words
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, (_, w))| HEAD_ENDS.contains(&w.to_lowercase().as_str()))
        .map(|(i, _)| i - 1)
        .or_else(|| words.len().checked_sub(1));
    let Some(&(at, word)) = head.and_then(|i| words.get(i)) else {
        return term.to_string();
    };
    let mut out = String::with_capacity(term.len());
    out.push_str(term.get(..at).unwrap_or_default());
    out.push_str(&singular(word));
    out.push_str(term.get(at + word.len()..).unwrap_or_default());
    out
}

/// Acronyms read as words (`NATO`, `UNESCO`): their article follows the
/// word's sound, as for ordinary words.
const WORD_ACRONYMS: &[&str] =
    &["NATO", "UNESCO", "UNICEF", "OPEC", "ASEAN", "AQIM", "ISIS", "ISIL", "AFRICOM", "ECOWAS"];

/// The indefinite article before `words` is "an": a vowel sound first
/// (`an attack`, `an FBI agent`, not `a US diplomat`, `a union`).
pub fn takes_an(words: &str) -> bool {
    let first = words.split_whitespace().next().unwrap_or("");
    let letters: String = first.chars().take_while(|c| c.is_alphanumeric()).collect();
    let Some(c) = letters.chars().next() else { return false };
    let acronym = letters.chars().count() > 1 && letters.chars().all(|c| !c.is_lowercase());
    if acronym && !WORD_ACRONYMS.contains(&letters.as_str()) {
        // Letters read one by one: A, E, F, H, I, L, M, N, O, R, S, X start with a vowel sound.
        return "AEFHILMNORSX".contains(c);
    }
    let lower = letters.to_lowercase();
    if ["hour", "honest", "honour", "honor", "heir"].iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if ["uni", "unesco", "use", "usu", "eu", "one", "once", "ur"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return false;
    }
    "aeiou".contains(c.to_ascii_lowercase())
}

#[cfg(test)]
mod term_tests {
    use super::*;

    #[test]
    fn singular_terms_and_articles() {
        assert_eq!(singular_term("armed forces"), "armed force");
        assert_eq!(singular_term("Ministries of Defence"), "Ministry of Defence");
        assert_eq!(singular_term("news"), "news");
        assert!(takes_an("attack") && takes_an("FBI agent") && takes_an("hour"));
        assert!(!takes_an("US diplomat") && !takes_an("union") && !takes_an("soldier"));
        assert!(takes_an("OSCE mission") && takes_an("AQIM cell"));
        assert!(!takes_an("NATO ally") && !takes_an("UNESCO site"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_of_terms_puts_the_plural_on_the_head() {
        assert_eq!(plural("Ministry of Defence"), "Ministries of Defence");
        assert_eq!(plural("Chief of Staff"), "Chiefs of Staff");
        assert_eq!(plural("defence ministry"), "defence ministries");
        assert_eq!(plural("war against terrorism"), "wars against terrorism");
        assert_eq!(plural("ambassador to France"), "ambassadors to France");
        assert_eq!(plural("soldier"), "soldiers");
        assert_eq!(plural("serviceman"), "servicemen");
        assert_eq!(plural("commander-in-chief"), "commanders-in-chief");
        assert_eq!(plural(""), "");
    }

    #[test]
    fn plural_rules_and_irregulars() {
        let cases = [
            ("man", "men"),
            ("woman", "women"),
            ("child", "children"),
            ("Chairman", "Chairmen"),
            ("German", "Germans"),
            ("ally", "allies"),
            ("Ally", "Allies"),
            ("envoy", "envoys"),
            ("bus", "buses"),
            ("tax", "taxes"),
            ("church", "churches"),
            ("ambush", "ambushes"),
            ("chief", "chiefs"),
            ("crisis", "crises"),
            ("embargo", "embargoes"),
            ("radio", "radios"),
            ("aircraft", "aircraft"),
            ("personnel", "personnel"),
            ("staff", "staff"),
            ("police", "police"),
            ("headquarters", "headquarters"),
            ("series", "series"),
            ("species", "species"),
            ("corps", "corps"),
            ("troops", "troops"),
            ("MINISTRY", "MINISTRIES"),
            ("NGO", "NGOs"),
        ];
        for (one, many) in cases {
            assert_eq!(plural_word(one), many, "{one}");
        }
    }

    #[test]
    fn singular_undoes_plural() {
        for w in ["soldier", "ministry", "tax", "church", "serviceman", "woman", "crisis", "ally"] {
            assert_eq!(singular(&plural_word(w)), w, "{w}");
        }
        assert_eq!(singular("soldier"), "soldier");
        assert_eq!(singular("Ministries"), "Ministry");
        assert_eq!(singular("aircraft"), "aircraft");
    }

    #[test]
    fn is_plural_by_form() {
        for w in ["soldiers", "ministries", "men", "servicemen", "children", "crises", "Allies"] {
            assert!(is_plural(w), "{w}");
        }
        for w in [
            "soldier",
            "congress",
            "status",
            "crisis",
            "politics",
            "this",
            "has",
            "news",
            "aircraft",
            "troops",
            "specimen",
            "Yemen",
            "us",
            "intelligence",
        ] {
            assert!(!is_plural(w), "{w}");
        }
    }

    #[test]
    fn invariant_and_uncountable() {
        assert!(is_invariant("Aircraft") && is_invariant("staff"));
        assert!(!is_invariant("soldier"));
        assert!(is_uncountable("intelligence") && is_uncountable("Equipment"));
        assert!(!is_uncountable("weapon"));
    }

    #[test]
    fn adjectives_are_listed_in_any_case() {
        for w in ["British", "AZERBAIJANI", "military", "nuclear", "diplomatic", "French"] {
            assert!(is_adjective(w), "{w}");
        }
        for w in ["ministry", "general", "secretary", "army", ""] {
            assert!(!is_adjective(w), "{w}");
        }
    }

    #[test]
    fn spelling_of_locales() {
        assert_eq!(Spelling::of("en-US"), Some(Spelling::American));
        assert_eq!(Spelling::of("en_gb"), Some(Spelling::British));
        assert_eq!(Spelling::of("en-AU"), Some(Spelling::British));
        assert_eq!(Spelling::of("en"), None);
        assert_eq!(Spelling::of("en-CA"), None);
        assert_eq!(Spelling::of("de-DE"), None);
    }

    #[test]
    fn respell_both_ways() {
        let us = |w| respell(w, Spelling::American);
        let gb = |w| respell(w, Spelling::British);
        let cases = [
            ("defence", "defense"),
            ("programme", "program"),
            ("organise", "organize"),
            ("organisation", "organization"),
            ("Organisations", "Organizations"),
            ("recognised", "recognized"),
            ("centre", "center"),
            ("armour", "armor"),
            ("armoured", "armored"),
            ("labour", "labor"),
            ("colour", "color"),
            ("favourite", "favorite"),
            ("travelled", "traveled"),
            ("cancelling", "canceling"),
            ("analyse", "analyze"),
            ("manoeuvres", "maneuvers"),
            ("DEFENCE", "DEFENSE"),
        ];
        for (b, a) in cases {
            assert_eq!(us(b).as_deref(), Some(a), "{b}");
        }
        for (b, a) in cases.iter().filter(|(b, _)| *b != "programme") {
            assert_eq!(gb(a).as_deref(), Some(*b), "{a}");
        }
        // Right in both standards, or one way only.
        for w in ["program", "meter", "license", "practice", "tire", "check", "story"] {
            assert_eq!(gb(w), None, "{w}");
        }
        for w in ["advise", "exercise", "surprise", "emphasis", "humorous", "honorary", "size"] {
            assert_eq!(us(w), None, "{w}");
            assert_eq!(gb(w), None, "{w}");
        }
        assert_eq!(us("analyses"), None);
        assert_eq!(us("licence").as_deref(), Some("license"));
    }

    #[test]
    fn data_files_are_well_formed() {
        for line in include_str!("en-spelling.tsv").lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            assert!(f.len() == 2 || f.len() == 3, "{line:?}");
            assert!(f.len() == 2 || matches!(f[2], "to-us" | "to-gb"), "{line:?}");
            assert_ne!(f[0], f[1], "{line:?}");
            assert!(f[0].chars().all(|c| c.is_ascii_lowercase()), "{line:?}");
        }
        for line in include_str!("en-adjectives.txt").lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            assert!(line.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{line:?}");
        }
    }
}
