//! French word lists shared by the matcher and the checks: determiners and
//! numerals, accent-folded and lowercase as the glossary's keys are.

/// French determiners and numerals before a plural noun.
pub(crate) const PLURAL_DETERMINERS: &[&str] = &[
    "des",
    "les",
    "ces",
    "mes",
    "tes",
    "ses",
    "nos",
    "vos",
    "leurs",
    "aux",
    "plusieurs",
    "quelques",
    "certains",
    "certaines",
    "nombreux",
    "nombreuses",
    "differents",
    "differentes",
    "divers",
    "diverses",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "cent",
    "cents",
    "mille",
];

/// French determiners before a singular noun that English renders
/// singular too. The definite article is not one: "la vie du soldat" is
/// as often "the life of soldiers".
pub(crate) const SINGULAR_DETERMINERS: &[&str] = &["un", "une", "chaque"];
