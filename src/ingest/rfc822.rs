//! RFC 822 / RFC 2822 dates, as RSS `pubDate` writes them:
//! `Mon, 10 Feb 2025 11:33:28 GMT`, `Mon, 10 Feb 2025 13:18:02 +0100`.
//!
//! Read leniently, as feeds write them: the weekday and the seconds may be
//! missing, month names may be spelt out, years may have two digits, and
//! the zone may be a numeric offset (`+0100`, `+01:00`), `GMT`/`UT`/`UTC`/`Z`,
//! a North American or central European abbreviation, or absent (then the
//! time has no known offset). Impossible dates and times are rejected.

use crate::normalize::date::DateTime;

/// Reads an RFC 822 date; `None` when `text` is not one.
pub(crate) fn parse(text: &str) -> Option<DateTime> {
    let mut words = text.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()).peekable();
    // An optional weekday, with or without its comma.
    if words.peek().is_some_and(|w| w.chars().next().is_some_and(char::is_alphabetic)) {
        words.next();
    }
    let first = words.next()?;
    // `10-Feb-2025` is seen too.
    let (day, month, year) = if first.contains('-') {
        let mut parts = first.split('-');
        let day = parts.next()?;
        let month = parts.next()?;
        let year = parts.next()?;
        (day.to_owned(), month.to_owned(), year.to_owned())
    } else {
        (first.to_owned(), words.next()?.to_owned(), words.next()?.to_owned())
    };
    let day: u8 = day.trim_end_matches(',').parse().ok()?;
    let month = month_number(month.trim_end_matches([',', '.']))?;
    let year = full_year(year.trim_end_matches(','))?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let time = match words.next() {
        Some(t) => Some(time(t)?),
        None => None,
    };
    let offset = match words.next() {
        Some(zone) if time.is_some() => zone_offset(zone)?,
        Some(_) => return None,
        None => None,
    };
    if words.next().is_some_and(|w| !w.starts_with('(')) {
        return None;
    }
    Some(DateTime { year, month, day, time, offset })
}

fn month_number(name: &str) -> Option<u8> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = name.to_ascii_lowercase();
    let prefix: String = lower.chars().take(3).collect();
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    // A full name must be the right one (`Marchxyz` is not March).
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = FULL.get(index)?;
    let ok = lower.len() == 3 || *full == lower || (index == 8 && lower == "sept");
    if !ok {
        return None;
    }
    u8::try_from(index + 1).ok()
}

fn full_year(text: &str) -> Option<u16> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: u16 = text.parse().ok()?;
    let year = match text.len() {
        2 if year < 50 => 2000 + year,
        2 => 1900 + year,
        4 => year,
        _ => return None,
    };
    (1900..=2100).contains(&year).then_some(year)
}

fn time(text: &str) -> Option<(u8, u8, u8)> {
    let mut parts = text.split(':');
    let h: u8 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let s: u8 = match parts.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // A leap second reads as the last second of its minute.
    Some((h, m, s.min(59)))
}

/// The zone in minutes east of UTC: `Some(None)` for a zone that says the
/// offset is unknown (`-0000`, military letters), `None` for no zone at all.
fn zone_offset(zone: &str) -> Option<Option<i32>> {
    let upper = zone.to_ascii_uppercase();
    let named = match upper.as_str() {
        "GMT" | "UT" | "UTC" | "Z" => Some(0),
        "EDT" => Some(-4 * 60),
        "EST" | "CDT" => Some(-5 * 60),
        "CST" | "MDT" => Some(-6 * 60),
        "MST" | "PDT" => Some(-7 * 60),
        "PST" => Some(-8 * 60),
        "CET" | "MET" | "BST" => Some(60),
        "CEST" | "MEST" => Some(120),
        _ => None,
    };
    if let Some(minutes) = named {
        return Some(Some(minutes));
    }
    if upper.len() == 1 && upper.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(None);
    }
    let (sign, digits) = match upper.strip_prefix('+') {
        Some(rest) => (1, rest),
        None => (-1, upper.strip_prefix('-')?),
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i32 = digits.parse().ok()?;
    let (hours, minutes) = (value / 100, value % 100);
    if hours > 14 || minutes > 59 {
        return None;
    }
    if value == 0 && sign < 0 {
        return Some(None);
    }
    Some(Some(sign * (hours * 60 + minutes)))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc3339(text: &str) -> Option<String> {
        parse(text).map(|d| d.rfc3339(None))
    }

    #[test]
    fn feed_dates_read() {
        assert_eq!(
            rfc3339("Mon, 10 Feb 2025 11:33:28 GMT").as_deref(),
            Some("2025-02-10T11:33:28+00:00")
        );
        assert_eq!(
            rfc3339("Mon, 10 Feb 2025 13:18:02 +0100").as_deref(),
            Some("2025-02-10T13:18:02+01:00")
        );
        assert_eq!(rfc3339("10 Feb 25 13:18 EST").as_deref(), Some("2025-02-10T13:18:00-05:00"));
        assert_eq!(
            rfc3339("Tuesday, 4 February 2025 08:00:00 CET").as_deref(),
            Some("2025-02-04T08:00:00+01:00")
        );
        assert_eq!(rfc3339("Wed, 17 Oct 2018").as_deref(), Some("2018-10-17"));
    }

    #[test]
    fn a_time_without_zone_keeps_no_offset() {
        let d = parse("Mon, 10 Feb 2025 13:18:02").unwrap();
        assert_eq!(d.offset, None);
        assert_eq!(d.rfc3339(Some(60)), "2025-02-10T13:18:02+01:00");
        assert_eq!(parse("Mon, 10 Feb 2025 13:18:02 -0000").unwrap().offset, None);
    }

    #[test]
    fn impossible_or_other_dates_are_refused() {
        assert_eq!(parse("Mon, 31 Feb 2025 11:33:28 GMT"), None);
        assert_eq!(parse("Mon, 10 Feb 2025 25:33:28 GMT"), None);
        assert_eq!(parse("Mon, 10 Fex 2025 11:33:28 GMT"), None);
        assert_eq!(parse("2025-02-10T11:33:28Z"), None);
        assert_eq!(parse("Mon, 10 Feb 2025 11:33:28 +2500"), None);
        assert_eq!(parse(""), None);
    }
}
