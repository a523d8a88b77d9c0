//! English morphology: plurals of terms.

/// Words after which a multiword term's head noun has ended.
const HEAD_ENDS: &[&str] = &["of", "for", "on", "in", "to", "at", "against", "with"];

/// Nouns whose plural is the same word.
const INVARIANT: &[&str] = &[
    "aircraft",
    "personnel",
    "staff",
    "police",
    "headquarters",
    "series",
    "species",
    "corps",
    "troops",
    "forces",
    "arms",
    "means",
    "news",
];

/// Plural of an English term: its head noun (the last word before the
/// first of/for/on/in/to/at/against/with, else the last word) takes its
/// plural, keeping its case.
pub fn plural(term: &str) -> String {
    let words: Vec<&str> = term.split(' ').collect();
    let head = words
        .iter()
        .position(|w| HEAD_ENDS.contains(&w.to_ascii_lowercase().as_str()))
        .and_then(|i| i.checked_sub(1))
        .unwrap_or(words.len().saturating_sub(1));
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == head { plural_word(w) } else { (*w).to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plural of one word, keeping its case (`Ministry` → `Ministries`).
pub fn plural_word(word: &str) -> String {
    let lower = word.to_lowercase();
    if word.is_empty()
        || INVARIANT.contains(&lower.as_str())
        || word.chars().all(|c| !c.is_lowercase())
    {
        return word.to_string();
    }
    let compound_man = ["sman", "eman", "woman", "gunman", "airman", "chairman", "militiaman"]
        .iter()
        .any(|e| lower.ends_with(e));
    if let Some(stem) = word.strip_suffix("man").filter(|_| compound_man || lower == "man") {
        return format!("{stem}men");
    }
    if let Some(stem) = word.strip_suffix("child") {
        return format!("{stem}children");
    }
    let vowel_before = |s: &str| s.chars().next_back().is_some_and(|c| "aeiouAEIOU".contains(c));
    if let Some(stem) = word.strip_suffix('y').filter(|s| !vowel_before(s) && !s.is_empty()) {
        return format!("{stem}ies");
    }
    if ["s", "x", "z", "ch", "sh"].iter().any(|e| lower.ends_with(e)) {
        return format!("{word}es");
    }
    format!("{word}s")
}

/// Singular of an English term: its head noun loses a regular plural
/// ending (`armed forces` → `armed force`, `embassies` → `embassy`).
pub fn singular(term: &str) -> String {
    let words: Vec<&str> = term.split(' ').collect();
    let head = words
        .iter()
        .position(|w| HEAD_ENDS.contains(&w.to_ascii_lowercase().as_str()))
        .and_then(|i| i.checked_sub(1))
        .unwrap_or(words.len().saturating_sub(1));
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == head { singular_word(w) } else { (*w).to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

fn singular_word(word: &str) -> String {
    let lower = word.to_lowercase();
    if ["news", "series", "species", "headquarters", "arms", "means"].contains(&lower.as_str()) {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if ["ses", "xes", "zes", "ches", "shes"].iter().any(|e| lower.ends_with(e)) {
        return word.get(..word.len() - 2).unwrap_or(word).to_string();
    }
    if let Some(stem) = word
        .strip_suffix("men")
        .filter(|_| lower.ends_with("smen") || lower.ends_with("women") || lower == "men")
    {
        return format!("{stem}man");
    }
    match word.strip_suffix('s') {
        Some(stem) if !lower.ends_with("ss") && !stem.is_empty() => stem.to_string(),
        _ => word.to_string(),
    }
}

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

/// Acronyms read as words (`NATO`, `UNESCO`): their article follows the
/// word's sound, as for ordinary words.
const WORD_ACRONYMS: &[&str] =
    &["NATO", "UNESCO", "UNICEF", "OPEC", "ASEAN", "AQIM", "ISIS", "ISIL", "AFRICOM", "ECOWAS"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_nouns_take_the_plural() {
        assert_eq!(plural("Ministry of Defence"), "Ministries of Defence");
        assert_eq!(plural("soldier"), "soldiers");
        assert_eq!(plural("chief of staff"), "chiefs of staff");
        assert_eq!(plural("armed forces"), "armed forces");
        assert_eq!(plural("servicewoman"), "servicewomen");
        assert_eq!(plural("military attaché"), "military attachés");
        assert_eq!(plural("embassy"), "embassies");
        assert_eq!(plural("NATO"), "NATO");
        assert_eq!(plural("aircraft"), "aircraft");
        assert_eq!(plural("coalition force"), "coalition forces");
        assert_eq!(plural("attack"), "attacks");
        assert_eq!(plural("witness"), "witnesses");
    }

    #[test]
    fn singulars_and_articles() {
        assert_eq!(singular("armed forces"), "armed force");
        assert_eq!(singular("embassies"), "embassy");
        assert_eq!(singular("Ministries of Defence"), "Ministry of Defence");
        assert_eq!(singular("news"), "news");
        assert!(takes_an("attack") && takes_an("FBI agent") && takes_an("hour"));
        assert!(!takes_an("US diplomat") && !takes_an("union") && !takes_an("soldier"));
        assert!(takes_an("OSCE mission") && takes_an("AQIM cell"));
        assert!(!takes_an("NATO ally") && !takes_an("UNESCO site"));
    }
}
