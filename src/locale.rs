//! Locales: BCP 47 language tags, parsed once and used everywhere.
//!
//! A [`Locale`] is what a target (`--to en-GB`), an article's language, a
//! memory key, a glossary lookup and an output file name agree on. It is
//! parsed from user input, from agency files, feeds, HTML pages, TMX and
//! XLIFF, so parsing is forgiving about case and separators (`EN_gb`,
//! `en-gb` and `en-GB` are one locale) and strict about everything else:
//! the language must be a known ISO 639-1 code or a three-letter ISO 639-2/3
//! code, the region two letters or three digits, the script four letters.
//!
//! The canonical spelling follows RFC 5646 §2.1.1: language lowercase,
//! script title case, region uppercase (`zh-Hant-TW`, `es-419`).
//!
//! What a user names as a target goes further: [`Locale::parse_target`]
//! checks every subtag against the IANA Language Subtag Registry (as the
//! `language-tags` crate ships it), replaces deprecated subtags by their
//! preferred values (`iw` → `he`) and refuses French, the source language,
//! so a well-formed tag that names nothing (`tlh-XX`, `en-UK`) is refused
//! with a suggestion rather than given its own output files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A BCP 47 language tag in canonical case.
///
/// ```
/// use depeche::Locale;
///
/// let l: Locale = "EN_gb".parse()?;
/// assert_eq!(l.as_str(), "en-GB");
/// assert_eq!(l.language(), "en");
/// assert_eq!(l.region(), Some("GB"));
/// assert!("english".parse::<Locale>().is_err());
/// # Ok::<(), depeche::locale::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locale {
    tag: String,
    /// Byte length of the language subtag, a prefix of `tag`.
    language_len: usize,
    /// The region subtag's byte range in `tag`, if any.
    region: Option<(usize, usize)>,
}

/// Why a string is not a locale.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Empty, or not made of `-`-separated letters and digits.
    #[error("{tag:?} is not a locale; use tags such as en-GB or de-DE")]
    Syntax {
        /// The rejected text.
        tag: String,
    },
    /// The language subtag is not an ISO 639 code.
    #[error("{tag:?}: unknown language {language:?}; {}", language_hint(language))]
    UnknownLanguage {
        /// The rejected text.
        tag: String,
        /// Its language part.
        language: String,
    },
    /// A subtag is well formed but not in the IANA Language Subtag
    /// Registry, or is reserved for private use.
    #[error("{tag:?}: {what}; {hint}")]
    Unregistered {
        /// The rejected text.
        tag: String,
        /// What is wrong with it (`region "UK" is not in the IANA language
        /// subtag registry`).
        what: String,
        /// A tag to use instead, or how to find one.
        hint: String,
    },
    /// The target is French, the language the articles are written in.
    #[error("{tag:?} is the source language of the articles (French); use a target such as en-GB")]
    Source {
        /// The rejected text.
        tag: String,
    },
}

impl Locale {
    /// Parses `tag` (see the module docs for what is accepted).
    pub fn parse(tag: &str) -> Result<Self, Error> {
        let raw = tag.trim();
        let syntax = || Error::Syntax { tag: raw.to_string() };
        let mut out = String::with_capacity(raw.len());
        let mut language_len = 0;
        let mut region = None;
        for (i, part) in raw.split(['-', '_']).enumerate() {
            if part.is_empty() || part.len() > 8 || !part.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(syntax());
            }
            if i == 0 {
                let language = part.to_ascii_lowercase();
                if !language.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(syntax());
                }
                let known = match language.len() {
                    2 => ISO_639_1.contains(&language.as_str()),
                    // ISO 639-2/3: too many to list; the syntax is the check.
                    3 => true,
                    _ => false,
                };
                if !known {
                    return Err(Error::UnknownLanguage { tag: raw.to_string(), language });
                }
                language_len = language.len();
                out.push_str(&language);
                continue;
            }
            out.push('-');
            let start = out.len();
            let is_region = (part.len() == 2 && part.bytes().all(|b| b.is_ascii_alphabetic()))
                || (part.len() == 3 && part.bytes().all(|b| b.is_ascii_digit()));
            if is_region && region.is_none() {
                out.push_str(&part.to_ascii_uppercase());
                region = Some((start, out.len()));
            } else if part.len() == 4 && i == 1 && part.bytes().all(|b| b.is_ascii_alphabetic()) {
                // Script: title case (`Hant`).
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_uppercase());
                }
                out.push_str(&chars.as_str().to_ascii_lowercase());
            } else {
                out.push_str(&part.to_ascii_lowercase());
            }
        }
        if out.is_empty() {
            return Err(syntax());
        }
        Ok(Self { tag: out, language_len, region })
    }

    /// A target locale a user named (`--to`, `[run] to`): [`Locale::parse`],
    /// then every subtag checked against the IANA Language Subtag Registry,
    /// deprecated subtags replaced by their preferred values, private-use
    /// subtags and French (the source language) refused.
    ///
    /// ```
    /// use depeche::Locale;
    ///
    /// assert_eq!(Locale::parse_target("EN-gb")?.as_str(), "en-GB");
    /// assert_eq!(Locale::parse_target("iw-IL")?.as_str(), "he-IL");
    /// let refused = Locale::parse_target("en-UK").unwrap_err().to_string();
    /// assert!(refused.contains("did you mean en-GB?"), "{refused}");
    /// assert!(Locale::parse_target("fr-FR").is_err());
    /// # Ok::<(), depeche::locale::Error>(())
    /// ```
    pub fn parse_target(tag: &str) -> Result<Self, Error> {
        let locale = Self::parse(tag)?;
        let raw = tag.trim().to_string();
        let parsed = language_tags::LanguageTag::parse(locale.as_str())
            .map_err(|_| Error::Syntax { tag: raw.clone() })?;
        if let Err(why) = parsed.validate() {
            return Err(unregistered(&raw, &locale, &parsed, &why));
        }
        if let Some(what) = private_use(&parsed) {
            return Err(Error::Unregistered {
                tag: raw,
                what,
                hint: "no translation engine knows it; use a tag such as en-GB or de-DE".into(),
            });
        }
        // Preferred values (`iw` → `he`, `BU` → `MM`); a tag the registry
        // cannot canonicalise in one way is kept as written.
        let canonical = match parsed.canonicalize() {
            Ok(canonical) => Self::parse(canonical.as_str()).unwrap_or(locale),
            Err(_) => locale,
        };
        if canonical.language() == "fr" {
            return Err(Error::Source { tag: raw });
        }
        Ok(canonical)
    }

    /// Like [`Locale::parse`], but a bare `fr` becomes `fr-FR`: the form
    /// readers give French sources whose files name only the language.
    pub fn parse_source(tag: &str) -> Result<Self, Error> {
        let locale = Self::parse(tag)?;
        if locale.tag == "fr" { Ok(Self::french()) } else { Ok(locale) }
    }

    /// `fr-FR`, the source locale of every article unless it says otherwise.
    pub fn french() -> Self {
        Self { tag: "fr-FR".to_string(), language_len: 2, region: Some((3, 5)) }
    }

    /// `en-GB`, the default target.
    pub fn british_english() -> Self {
        Self { tag: "en-GB".to_string(), language_len: 2, region: Some((3, 5)) }
    }

    /// The whole tag in canonical case (`en-GB`).
    pub fn as_str(&self) -> &str {
        &self.tag
    }

    /// The language subtag, lowercase (`en`).
    pub fn language(&self) -> &str {
        self.tag.get(..self.language_len).unwrap_or(&self.tag)
    }

    /// The region subtag, uppercase (`GB`), if any.
    pub fn region(&self) -> Option<&str> {
        self.region.and_then(|(a, b)| self.tag.get(a..b))
    }

    /// True when both name the same language (`en-GB` and `en-US`).
    pub fn same_language(&self, other: &Locale) -> bool {
        self.language() == other.language()
    }

    /// The tags to try, most specific first: `en-GB`, then `en`.
    pub fn fallbacks(&self) -> impl Iterator<Item = &str> {
        let language = (self.tag.len() > self.language_len).then(|| self.language());
        std::iter::once(self.as_str()).chain(language)
    }
}

/// The tag a reader records for an article's language: the canonical
/// [`Locale::parse_source`] form (`fr` → `fr-FR`, `en_us` → `en-US`), or,
/// for what is not a locale, the text as given with `_` read as `-`, so the
/// XLIFF writer reports it rather than a reader guessing.
pub(crate) fn source_tag(raw: &str) -> String {
    match Locale::parse_source(raw) {
        Ok(locale) => locale.tag,
        Err(_) => raw.trim().replace('_', "-"),
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

impl FromStr for Locale {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for Locale {
    fn as_ref(&self) -> &str {
        &self.tag
    }
}

impl PartialEq<str> for Locale {
    fn eq(&self, other: &str) -> bool {
        self.tag == other
    }
}

impl PartialEq<&str> for Locale {
    fn eq(&self, other: &&str) -> bool {
        self.tag == *other
    }
}

impl Serialize for Locale {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.tag)
    }
}

impl<'de> Deserialize<'de> for Locale {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why a well-formed tag is not a usable target, with a suggestion.
fn unregistered(
    raw: &str,
    locale: &Locale,
    parsed: &language_tags::LanguageTag,
    why: &language_tags::ValidationError,
) -> Error {
    use language_tags::ValidationError as V;
    let registry = "is not in the IANA language subtag registry";
    let (what, hint) = match why {
        V::PrimaryLanguageNotInRegistry => {
            let language = parsed.primary_language();
            (
                format!("language {language:?} {registry}"),
                language_hint(&language.to_ascii_lowercase()),
            )
        }
        V::RegionNotInRegistry => {
            let region = parsed.region().unwrap_or_default().to_ascii_uppercase();
            let hint = match region_alias(&region) {
                Some(better) => {
                    format!("did you mean {}-{better}?", locale.language())
                }
                None => format!(
                    "use a registered region, such as {0}-GB or {0}-US (ISO 3166 codes)",
                    locale.language()
                ),
            };
            (format!("region {region:?} {registry}"), hint)
        }
        V::ScriptNotInRegistry => (
            format!("script {:?} {registry}", parsed.script().unwrap_or_default()),
            "use an ISO 15924 script such as Latn, Cyrl or Hans".to_string(),
        ),
        other => (other.to_string(), "use a tag such as en-GB or de-DE".to_string()),
    };
    Error::Unregistered { tag: raw.to_string(), what, hint }
}

/// The private-use part of a tag (`qaa`, `Qaaa`, `XA`..`XZ`, `QM`..`QZ`,
/// `AA`, `ZZ`, `x-...`), described, if any.
fn private_use(parsed: &language_tags::LanguageTag) -> Option<String> {
    let language = parsed.primary_language().to_ascii_lowercase();
    if ("qaa"..="qtz").contains(&language.as_str()) || language == "x" {
        return Some(format!("language {language:?} is reserved for private use"));
    }
    if parsed.private_use().is_some() {
        return Some("private-use subtags (x-...) name no language".to_string());
    }
    if let Some(region) = parsed.region().map(str::to_ascii_uppercase) {
        let r = region.as_str();
        if matches!(r, "AA" | "ZZ") || ("QM"..="QZ").contains(&r) || ("XA"..="XZ").contains(&r) {
            return Some(format!("region {region:?} is reserved for private use"));
        }
    }
    let script = parsed.script().unwrap_or_default();
    if ("Qaaa"..="Qabx").contains(&script) {
        return Some(format!("script {script:?} is reserved for private use"));
    }
    None
}

/// Regions people write that the registry spells otherwise.
fn region_alias(region: &str) -> Option<&'static str> {
    Some(match region {
        "UK" | "EN" | "EW" => "GB",
        "USA" => "US",
        "EL" => "GR",
        "SP" => "ES",
        "GE" => "DE",
        _ => return None,
    })
}

/// A suggestion for a language written as a name (`english`, `anglais`)
/// or as an ISO 639-2 code the registry spells with two letters (`eng`).
fn language_hint(language: &str) -> String {
    const NAMES: &[(&[&str], &str)] = &[
        (&["english", "anglais", "eng", "en"], "en-GB or en-US"),
        (&["german", "deutsch", "allemand", "deu", "ger"], "de-DE"),
        (&["spanish", "espanol", "español", "espagnol", "spa"], "es-ES"),
        (&["italian", "italien", "italiano", "ita"], "it-IT"),
        (&["portuguese", "portugais", "portugues", "por"], "pt-PT or pt-BR"),
        (&["dutch", "neerlandais", "néerlandais", "nld", "dut"], "nl-NL"),
        (&["russian", "russe", "rus"], "ru-RU"),
        (&["arabic", "arabe", "ara"], "ar"),
        (&["chinese", "chinois", "zho", "chi"], "zh-Hans-CN"),
        (&["japanese", "japonais", "jpn"], "ja-JP"),
        (&["polish", "polonais", "pol"], "pl-PL"),
        (&["ukrainian", "ukrainien", "ukr"], "uk-UA"),
        (&["turkish", "turc", "tur"], "tr-TR"),
        (&["azerbaijani", "azeri", "aze"], "az-AZ"),
        (&["french", "francais", "français", "fra", "fre"], "a language other than French"),
    ];
    let lower = language.to_lowercase();
    NAMES
        .iter()
        .find(|(names, _)| names.contains(&lower.as_str()))
        .map(|(_, tag)| format!("did you mean {tag}?"))
        .unwrap_or_else(|| "use an ISO 639 code such as en, de or es".to_string())
}

/// ISO 639-1 two-letter language codes (the 183 current codes plus `iw`,
/// `in` and `ji`, which older agency files still use).
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "in", "io", "is", "it", "iu", "iw", "ja", "ji", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb",
    "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt",
    "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or",
    "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se",
    "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te",
    "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz",
    "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(tag: &str) -> String {
        Locale::parse(tag).map(|l| l.to_string()).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn tags_take_their_canonical_case() {
        assert_eq!(canon("en-GB"), "en-GB");
        assert_eq!(canon("EN-gb"), "en-GB");
        assert_eq!(canon(" en_us "), "en-US");
        assert_eq!(canon("zh-hant-tw"), "zh-Hant-TW");
        assert_eq!(canon("es-419"), "es-419");
        assert_eq!(canon("de"), "de");
        assert_eq!(canon("fil-PH"), "fil-PH");
        assert_eq!(canon("sl-rozaj"), "sl-rozaj");
    }

    #[test]
    fn nonsense_is_refused_with_a_hint() {
        for bad in ["", "english", "klingon-XX", "en GB", "../x", "e1", "en--GB", "x"] {
            let err = Locale::parse(bad).unwrap_err().to_string();
            assert!(err.contains("en") || err.contains("ISO 639"), "{bad}: {err}");
        }
        assert!(matches!(Locale::parse("qq-GB"), Err(Error::UnknownLanguage { .. })));
    }

    #[test]
    fn parts_and_fallbacks() {
        let l = Locale::parse("en-gb").unwrap();
        assert_eq!((l.language(), l.region()), ("en", Some("GB")));
        assert_eq!(l.fallbacks().collect::<Vec<_>>(), ["en-GB", "en"]);
        let bare = Locale::parse("de").unwrap();
        assert_eq!(bare.region(), None);
        assert_eq!(bare.fallbacks().collect::<Vec<_>>(), ["de"]);
        assert!(l.same_language(&Locale::parse("en-US").unwrap()));
        let script = Locale::parse("sr-Latn").unwrap();
        assert_eq!(script.region(), None);
    }

    #[test]
    fn sources_default_to_france() {
        assert_eq!(Locale::parse_source("FR").unwrap(), Locale::french());
        assert_eq!(Locale::parse_source("fr-ch").unwrap().as_str(), "fr-CH");
        assert_eq!(Locale::french().region(), Some("FR"));
        assert_eq!(Locale::british_english(), Locale::parse("en-GB").unwrap());
    }

    #[test]
    fn targets_are_checked_against_the_registry() {
        let target = |t: &str| {
            Locale::parse_target(t).map(|l| l.to_string()).unwrap_or_else(|e| format!("error: {e}"))
        };
        assert_eq!(target("EN-gb"), "en-GB");
        assert_eq!(target("de"), "de");
        assert_eq!(target("zh-hans-cn"), "zh-Hans-CN");
        assert_eq!(target("es-419"), "es-419");
        // Deprecated subtags take their preferred value.
        assert_eq!(target("iw"), "he");
        // Well formed, but not registered or private use.
        let refused = [
            ("english", "did you mean en-GB or en-US?"),
            ("eng", "did you mean en-GB or en-US?"),
            ("klingon-XX", "use an ISO 639 code"),
            ("tlh-XX", "private use"),
            ("en-UK", "did you mean en-GB?"),
            ("en-QQ", "private use"),
            ("en-YY", "use a registered region, such as en-GB"),
            ("xyz", "not in the IANA language subtag registry"),
            ("sr-Abcd", "ISO 15924"),
            ("fr-FR", "source language"),
            ("FR", "source language"),
        ];
        for (tag, hint) in refused {
            let got = target(tag);
            assert!(got.starts_with("error: ") && got.contains(hint), "{tag}: {got}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let l: Locale = serde_json::from_str("\"en-us\"").unwrap();
        assert_eq!(serde_json::to_string(&l).unwrap(), "\"en-US\"");
        assert!(serde_json::from_str::<Locale>("\"klingon\"").is_err());
    }
}
