//! French date lines, as news sites print them.
//!
//! A whole line must be a date (optionally with a time and a UTC offset) to
//! be read as one, so a body sentence that mentions a date is never taken
//! for the publication date. Accepted, in any case, with or without
//! accents:
//!
//! - `31 Octobre 2025 15:57 (UTC+01:00)`, `1er mars 2024 à 9h05`,
//!   `mardi 4 février 2025 - 10:32`, `31 OCTOBRE 2025`, `4 févr. 2025`;
//! - `15/11/2011`, `15.11.2011 à 20h31`;
//! - `2025-10-31`, `2025-10-31T15:57:00+01:00`, `mer, 2017-10-25 11:31`;
//! - an optional `Publié le`, `Mis à jour le`, `Modifié le` or `Le` before,
//!   a weekday before the day, and `UTC`, `GMT`, `Z`, `UTC+1`, `GMT-05:00`,
//!   `+0100` after the time.
//!
//! Impossible dates (`31 février 2025`) and times (`25h00`) are rejected.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// A date read from a date line, with its time and offset when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateTime {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
    /// Hour, minute, second.
    pub(crate) time: Option<(u8, u8, u8)>,
    /// Minutes east of UTC, when the line says.
    pub(crate) offset: Option<i32>,
}

impl DateTime {
    /// RFC 3339 text: `2025-10-31T15:57:00+01:00`.
    ///
    /// A time with no offset on the line takes `assumed_offset`; with no
    /// assumption either, only the date is given (`2025-10-31`), because an
    /// RFC 3339 time needs an offset and guessing one would be silently
    /// wrong for sites outside Paris.
    pub(crate) fn rfc3339(&self, assumed_offset: Option<i32>) -> String {
        let mut out = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        if let (Some((h, m, s)), Some(offset)) = (self.time, self.offset.or(assumed_offset)) {
            let sign = if offset < 0 { '-' } else { '+' };
            let abs = offset.unsigned_abs();
            let _ = write!(out, "T{h:02}:{m:02}:{s:02}{sign}{:02}:{:02}", abs / 60, abs % 60);
        }
        out
    }

    /// The local time as written (`09:05`), for when it is known but
    /// cannot go into [`DateTime::rfc3339`] for want of an offset.
    pub(crate) fn local_time(&self) -> Option<String> {
        self.time.map(|(h, m, _)| format!("{h:02}:{m:02}"))
    }
}

const PREFIX: &str =
    r"(?:(?:publie|mis a jour|mise a jour|modifie|actualise|cree)(?: le)?\s*:?\s*|le\s+)?";
const WEEKDAY: &str = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)\.?,?\s+)?";
const TIME: &str = r"(?P<h>\d{1,2})\s*(?:h\s*(?P<mi>\d{2})?|:\s*(?P<mi2>\d{2})(?::(?P<s>\d{2}))?)";
const OFFSET: &str = r"\(?\s*(?:(?:utc|gmt)\s*(?P<sg>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?|(?P<sg2>[+-])(?P<oh2>\d{2}):?(?P<om2>\d{2})|(?P<z>utc|gmt|z))\s*\)?";

#[expect(clippy::expect_used, reason = "the patterns are constants, checked by the unit tests")]
static LINE: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    let tail = format!(r"(?:(?:\s*(?:,|-|\||a|@)\s*|\s+|t){TIME})?(?:\s*{OFFSET})?\s*$");
    let long = format!(
        r"^{PREFIX}{WEEKDAY}(?P<d>\d{{1,2}})(?:er)?\s+(?P<mon>[a-z]+)\.?\s+(?P<y>\d{{4}}){tail}"
    );
    let numeric =
        format!(r"^{PREFIX}{WEEKDAY}(?P<d>\d{{1,2}})[/.](?P<m>\d{{1,2}})[/.](?P<y>\d{{4}}){tail}");
    let iso = format!(r"^{PREFIX}{WEEKDAY}(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){tail}");
    [long, numeric, iso].map(|p| Regex::new(&p).expect("valid date pattern"))
});

/// Reads `line` as a date line; `None` when it is not one, or names an
/// impossible date.
pub(crate) fn parse(line: &str) -> Option<DateTime> {
    // Date lines are short; a long line is a sentence. Every form has a
    // four-digit year, which most lines tried here lack.
    if line.chars().count() > 80 || !has_year_digits(line) {
        return None;
    }
    let folded = fold(line);
    LOCAL.with(|line| {
        line.iter().find_map(|re| re.captures(&folded)).and_then(|c| from_captures(&c))
    })
}

thread_local! {
    /// This thread's copy of [`LINE`] (see `boilerplate::LOCAL`).
    static LOCAL: [Regex; 3] = LINE.clone();
}

/// True when `line` has four ASCII digits in a row.
fn has_year_digits(line: &str) -> bool {
    let mut run = 0;
    for b in line.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run == 4 {
            return true;
        }
    }
    false
}

fn from_captures(caps: &Captures<'_>) -> Option<DateTime> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = u16::try_from(num("y")?).ok().filter(|y| (1900..=2100).contains(y))?;
    let month = match caps.name("mon") {
        Some(name) => month_number(name.as_str())?,
        None => u8::try_from(num("m")?).ok()?,
    };
    let day = u8::try_from(num("d")?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let time = match num("h") {
        Some(h) => {
            let m = num("mi").or_else(|| num("mi2")).unwrap_or(0);
            let s = num("s").unwrap_or(0);
            if h > 23 || m > 59 || s > 59 {
                return None;
            }
            Some((u8::try_from(h).ok()?, u8::try_from(m).ok()?, u8::try_from(s).ok()?))
        }
        None => None,
    };
    let offset = offset(caps)?;
    Some(DateTime { year, month, day, time, offset })
}

/// The offset in minutes: `Some(None)` when the line gives none, `None` when
/// the one given is impossible.
fn offset(caps: &Captures<'_>) -> Option<Option<i32>> {
    if caps.name("z").is_some() {
        return Some(Some(0));
    }
    let (sign, hours, minutes) = match (caps.name("sg"), caps.name("sg2")) {
        (Some(sg), _) => (sg, caps.name("oh"), caps.name("om")),
        (None, Some(sg)) => (sg, caps.name("oh2"), caps.name("om2")),
        (None, None) => return Some(None),
    };
    let hours: i32 = hours?.as_str().parse().ok()?;
    let minutes: i32 = minutes.map_or(Some(0), |m| m.as_str().parse().ok())?;
    if hours > 14 || minutes > 59 {
        return None;
    }
    let total = hours * 60 + minutes;
    Some(Some(if sign.as_str() == "-" { -total } else { total }))
}

/// Month number for a French month name or abbreviation, accents folded.
fn month_number(name: &str) -> Option<u8> {
    Some(match name {
        "janvier" | "janv" | "jan" => 1,
        "fevrier" | "fevr" | "fev" => 2,
        "mars" | "mar" => 3,
        "avril" | "avr" => 4,
        "mai" => 5,
        "juin" => 6,
        "juillet" | "juil" => 7,
        "aout" => 8,
        "septembre" | "sept" | "sep" => 9,
        "octobre" | "oct" => 10,
        "novembre" | "nov" => 11,
        "decembre" | "dec" => 12,
        _ => return None,
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Lowercase, accents off, dashes and minus signs as `-`, every kind of
/// space as one ordinary space: the patterns then stay ASCII.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for ch in line.trim().chars().flat_map(char::to_lowercase) {
        let folded = match ch {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'û' | 'ù' | 'ü' => 'u',
            'ç' => 'c',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if folded == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(line: &str) -> Option<String> {
        parse(line).map(|d| d.rfc3339(None))
    }

    #[test]
    fn reads_the_reference_date_line() {
        assert_eq!(
            rfc("31 Octobre 2025 15:57 (UTC+01:00)").as_deref(),
            Some("2025-10-31T15:57:00+01:00")
        );
    }

    #[test]
    fn month_names_in_any_case_with_or_without_accents() {
        for line in ["31 octobre 2025", "31 OCTOBRE 2025", "31 Octobre 2025", "31 oct. 2025"] {
            assert_eq!(rfc(line).as_deref(), Some("2025-10-31"), "{line}");
        }
        for line in ["4 février 2025", "4 fevrier 2025", "4 FÉVRIER 2025", "4 févr. 2025"] {
            assert_eq!(rfc(line).as_deref(), Some("2025-02-04"), "{line}");
        }
        assert_eq!(rfc("15 août 2024").as_deref(), Some("2024-08-15"));
        assert_eq!(rfc("15 aout 2024").as_deref(), Some("2024-08-15"));
        assert_eq!(rfc("3 décembre 2009").as_deref(), Some("2009-12-03"));
    }

    #[test]
    fn first_of_the_month_and_french_hours() {
        let d = parse("1er mars 2024 à 9h05");
        assert_eq!(
            d,
            Some(DateTime { year: 2024, month: 3, day: 1, time: Some((9, 5, 0)), offset: None })
        );
        let d = d.unwrap();
        // No offset on the line: the date alone, unless one is assumed.
        assert_eq!(d.rfc3339(None), "2024-03-01");
        assert_eq!(d.rfc3339(Some(60)), "2024-03-01T09:05:00+01:00");
        assert_eq!(d.local_time().as_deref(), Some("09:05"));
        assert_eq!(parse("1er mars 2024 à 9 h").and_then(|d| d.time), Some((9, 0, 0)));
    }

    #[test]
    fn weekday_dash_and_time() {
        let d = parse("mardi 4 février 2025 - 10:32").unwrap();
        assert_eq!((d.year, d.month, d.day, d.time), (2025, 2, 4, Some((10, 32, 0))));
        assert_eq!(d.rfc3339(Some(60)), "2025-02-04T10:32:00+01:00");
        let d = parse("lundi 21 janvier 2019 - 10:42 (UTC)").unwrap();
        assert_eq!(d.rfc3339(None), "2019-01-21T10:42:00+00:00");
    }

    #[test]
    fn prefixes_and_numeric_dates() {
        assert_eq!(rfc("Publié le 15/11/2011").as_deref(), Some("2011-11-15"));
        assert_eq!(
            rfc("Mis à jour le 15.11.2011 à 20h31 GMT+1").as_deref(),
            Some("2011-11-15T20:31:00+01:00")
        );
        assert_eq!(rfc("Le 2 mai 2023").as_deref(), Some("2023-05-02"));
    }

    #[test]
    fn iso_dates() {
        assert_eq!(rfc("2025-10-31").as_deref(), Some("2025-10-31"));
        assert_eq!(rfc("2025-10-31T15:57:00+01:00").as_deref(), Some("2025-10-31T15:57:00+01:00"));
        assert_eq!(rfc("2025-10-31T14:57:00Z").as_deref(), Some("2025-10-31T14:57:00+00:00"));
        assert_eq!(rfc("2025-10-31 15:57 -0500").as_deref(), Some("2025-10-31T15:57:00-05:00"));
        assert_eq!(rfc("2025-10-31 15:57 UTC−05:00").as_deref(), Some("2025-10-31T15:57:00-05:00"));
        let d = parse("mer, 2017-10-25 11:31").unwrap();
        assert_eq!(d.time, Some((11, 31, 0)));
        assert_eq!(d.rfc3339(None), "2017-10-25");
    }

    #[test]
    fn impossible_or_partial_dates_are_rejected() {
        for line in [
            "31 fevrier 2025",
            "31 février",
            "29 février 2025",
            "31 avril 2024",
            "0 mai 2024",
            "31 brumaire 2025",
            "13/13/2025",
            "2025-02-30",
            "31 octobre 2025 25h00",
            "31 octobre 2025 15:61",
            "31 octobre 2025 15:57 (UTC+19:00)",
            "31 octobre 1850",
        ] {
            assert_eq!(parse(line), None, "{line}");
        }
        assert!(parse("29 février 2024").is_some(), "2024 is a leap year");
    }

    #[test]
    fn sentences_are_not_date_lines() {
        assert_eq!(parse("Le 31 octobre 2025, Londres et Bakou ont signé un plan."), None);
        assert_eq!(parse("Londres et Bakou"), None);
        assert_eq!(parse(""), None);
    }
}
