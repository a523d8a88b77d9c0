//! Number verification: every number of the French source must be in the
//! target, written the target locale's way, and the target must bring no
//! number of its own.
//!
//! Numbers are compared as values, not as text: `3 000`, `3 000` and
//! `90.000` (agency copy) are thousands in French, `3,5` is a decimal; a
//! target is read with its locale's conventions (`3,000` and `3.5` in
//! English, `3.000` and `3,5` in German), so `3,5` left as is in an English
//! target reads as another number and is reported. Times (`15 h 57`,
//! `15h57`, `3:57 pm`), short year ranges (`2026/27`), ordinals (`1er`,
//! `21st`) and amounts with `million`/`milliards`/`billion` are normalised
//! first. Numbers written as words on one side (`deux`, `two`, `XXIe`) are
//! not reported. Every finding is a warning: a number that moved is worth a
//! look but never blocks a run.

use crate::model::{CheckId, QaIssue, Segment, Severity};

use super::Check;

/// The `numbers` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct NumberCheck;

impl NumberCheck {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

impl Check for NumberCheck {
    fn id(&self) -> CheckId {
        CheckId::Numbers
    }

    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue> {
        let Some(target) = segment.target.as_deref().filter(|t| !t.trim().is_empty()) else {
            return Vec::new();
        };
        compare(&segment.source, target, target_lang)
            .into_iter()
            .map(|message| QaIssue {
                check: CheckId::Numbers,
                severity: Severity::Warning,
                message,
                entry: None,
                domain: None,
            })
            .collect()
    }
}

/// How a locale writes numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conv {
    /// `3,000.5` (English, Swiss German, Mexican Spanish, ...).
    Dot,
    /// `3.000,5` or `3 000,5` (French, German, Spanish, ...).
    Comma,
}

impl Conv {
    fn of(lang: &str) -> Self {
        let lang = lang.to_ascii_lowercase();
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        let dot = matches!(primary, "en" | "ja" | "zh" | "ko" | "he" | "th" | "hi" | "ms" | "ga")
            || matches!(lang.as_str(), "de-ch" | "de-li" | "es-mx" | "es-us" | "it-ch");
        if dot { Self::Dot } else { Self::Comma }
    }

    fn other(self) -> Self {
        match self {
            Self::Dot => Self::Comma,
            Self::Comma => Self::Dot,
        }
    }

    fn decimal(self) -> u8 {
        match self {
            Self::Dot => b'.',
            Self::Comma => b',',
        }
    }
}

/// Which language's number words to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    French,
    English,
    German,
    Spanish,
    None,
}

impl Words {
    fn of(lang: &str) -> Self {
        match lang.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("en") => Self::English,
            Some("de") => Self::German,
            Some("es") => Self::Spanish,
            Some("fr") => Self::French,
            _ => Self::None,
        }
    }
}

/// One number found in a text.
#[derive(Debug, Clone, PartialEq)]
struct Num {
    /// Normalised value: `3000`, `3.5`, `15:57`; `?3,5` for a target number
    /// its locale cannot read (it matches nothing).
    value: String,
    /// The value scaled by a following `million`/`milliards`/`billion`.
    scaled: Option<String>,
    /// The value read with the other convention, for a target number.
    other: Option<String>,
    /// The number as written (spaces made plain).
    raw: String,
}

/// What one side of a segment holds.
#[derive(Debug, Default)]
struct Scan {
    nums: Vec<Num>,
    /// Values written as words (`deux`, `two`, `XXIe`): they excuse a
    /// number on the other side but are never required.
    words: Vec<String>,
}

/// Messages for the differences between `source` (French) and `target`.
fn compare(source: &str, target: &str, target_lang: &str) -> Vec<String> {
    let conv = Conv::of(target_lang);
    let src = scan(source, Conv::Comma, Words::French, true);
    let tgt = scan(target, conv, Words::of(target_lang), false);
    if src.nums.is_empty() && tgt.nums.is_empty() {
        return Vec::new();
    }

    let mut used = vec![false; tgt.nums.len()];
    let mut missing: Vec<&Num> = Vec::new();
    for s in &src.nums {
        if !take(&tgt.nums, &mut used, |t| t.value == s.value) {
            missing.push(s);
        }
    }
    // Only then the scaled readings, so that `18,4 milliards` takes `18.4`
    // before it could take `18,400,000,000`.
    missing.retain(|s| {
        !take(&tgt.nums, &mut used, |t| {
            s.other.as_deref() == Some(t.value.as_str())
                || s.scaled.as_deref() == Some(t.value.as_str())
                || t.scaled.as_deref() == Some(s.value.as_str())
                || (s.scaled.is_some() && s.scaled == t.scaled)
        })
    });
    let mut tgt_words = tgt.words;
    missing.retain(|s| !remove_one(&mut tgt_words, &s.value));
    let mut src_words = src.words;
    for (t, u) in tgt.nums.iter().zip(used.iter_mut()) {
        if !*u && remove_one(&mut src_words, &t.value) {
            *u = true;
        }
    }

    let mut out = Vec::new();
    for s in missing {
        let same = |t: &Num| t.other.as_deref() == Some(s.value.as_str());
        let misread = tgt.nums.iter().zip(used.iter_mut()).find(|(t, u)| !**u && same(t));
        if let Some((t, u)) = misread {
            *u = true;
            out.push(format!(
                "number {} of the source is written {} in the target ({target_lang}: {})",
                s.raw,
                t.raw,
                written(&s.value, conv)
            ));
            continue;
        }
        let want = src.nums.iter().filter(|n| n.value == s.value).count();
        let have = tgt.nums.iter().filter(|n| n.value == s.value).count();
        if have > 0 {
            out.push(format!(
                "number {} of the source is missing from the target ({want} in the source, {have} in the target)",
                s.raw
            ));
        } else {
            out.push(format!("number {} of the source is missing from the target", s.raw));
        }
    }
    for (t, _) in tgt.nums.iter().zip(&used).filter(|(_, u)| !**u) {
        out.push(format!("number {} of the target is not in the source", t.raw));
    }
    out
}

/// Marks the first unused number matching `pred` as used.
fn take(nums: &[Num], used: &mut [bool], pred: impl Fn(&Num) -> bool) -> bool {
    for (n, u) in nums.iter().zip(used.iter_mut()) {
        if !*u && pred(n) {
            *u = true;
            return true;
        }
    }
    false
}

fn remove_one(values: &mut Vec<String>, value: &str) -> bool {
    match values.iter().position(|v| v == value) {
        Some(i) => {
            values.swap_remove(i);
            true
        }
        None => false,
    }
}

/// `value` as the target locale writes it (`3.5` or `3,5`).
/// Thousands are grouped from five digits on (`40,000`, `2026`).
fn written(value: &str, conv: Conv) -> String {
    if value.contains(':') {
        return value.to_string();
    }
    let (int_part, frac) = value.split_once('.').unwrap_or((value, ""));
    let (dec, group) = match conv {
        Conv::Dot => ('.', ','),
        Conv::Comma => (',', '.'),
    };
    let mut out = String::new();
    let n = int_part.len();
    for (k, c) in int_part.chars().enumerate() {
        if n > 4 && k > 0 && (n - k) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(dec);
        out.push_str(frac);
    }
    out
}

/// Byte length of a space character at `i` (space, no-break, narrow
/// no-break, thin), or 0.
fn space_len(b: &[u8], i: usize) -> usize {
    match (b.get(i), b.get(i + 1), b.get(i + 2)) {
        (Some(b' '), _, _) => 1,
        (Some(0xC2), Some(0xA0), _) => 2,
        (Some(0xE2), Some(0x80), Some(0xAF | 0x89)) => 3,
        _ => 0,
    }
}

fn is_digit(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

fn is_alpha(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_alphabetic)
}

/// Byte length of the letter at `i` (`é`, `ü` included), or 0.
fn letter_len(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .filter(|c| c.is_alphabetic())
        .map_or(0, char::len_utf8)
}

/// End of the run of letters starting at `i`.
fn letters_end(text: &str, mut i: usize) -> usize {
    loop {
        match letter_len(text, i) {
            0 => return i,
            n => i += n,
        }
    }
}

/// End of the run of ASCII digits starting at `i`.
fn digits_end(b: &[u8], mut i: usize) -> usize {
    while is_digit(b, i) {
        i += 1;
    }
    i
}

/// Every number of `text`, read with `conv`, and the number words of
/// `words`. `lenient` (the French source) reads a number its convention
/// rejects with the other one (`1.5` in French copy).
fn scan(text: &str, conv: Conv, words: Words, lenient: bool) -> Scan {
    let b = text.as_bytes();
    let mut out = Scan::default();
    let mut i = 0;
    while i < b.len() {
        if is_digit(b, i) {
            i = number(text, i, conv, lenient, &mut out.nums);
        } else if letter_len(text, i) > 0 {
            i = word_run(text, i, words, &mut out.words);
        } else {
            i += 1;
        }
    }
    out
}

/// A digit group and the separator before it.
struct Group<'a> {
    sep: u8,
    digits: &'a str,
}

/// Reads the number starting at `start`, pushes its values, returns where
/// scanning resumes.
fn number(text: &str, start: usize, conv: Conv, lenient: bool, nums: &mut Vec<Num>) -> usize {
    let b = text.as_bytes();
    let mut end = digits_end(b, start);
    let mut groups = vec![Group { sep: 0, digits: text.get(start..end).unwrap_or("") }];
    loop {
        if matches!(b.get(end), Some(b',' | b'.')) && is_digit(b, end + 1) {
            let e = digits_end(b, end + 1);
            let sep = b.get(end).copied().unwrap_or(0);
            groups.push(Group { sep, digits: text.get(end + 1..e).unwrap_or("") });
            end = e;
            continue;
        }
        // `3 000`: a space groups thousands only after one to three digits,
        // before exactly three, so `en 2019 150 soldats` stays two numbers.
        let sl = space_len(b, end);
        let spaced_so_far = groups.iter().skip(1).all(|g| g.sep == b' ')
            && groups.first().is_some_and(|g| g.digits.len() <= 3);
        if sl > 0 && spaced_so_far && digits_end(b, end + sl) == end + sl + 3 {
            groups
                .push(Group { sep: b' ', digits: text.get(end + sl..end + sl + 3).unwrap_or("") });
            end += sl + 3;
            continue;
        }
        break;
    }
    let raw = plain(text.get(start..end).unwrap_or(""));

    if let [only] = groups.as_slice() {
        return single(text, start, end, only.digits, raw, nums);
    }
    // `12.30pm`
    if let [h, m] = groups.as_slice() {
        let hour = h.digits.parse::<u32>().ok().filter(|h| (1..=12).contains(h));
        let minutes = m.digits.parse::<u32>().ok().filter(|m| *m < 60 && m.to_string().len() <= 2);
        if let (Some(hour), Some(minutes), b'.', 2) = (hour, minutes, m.sep, m.digits.len()) {
            let (hour, e) = meridiem(b, end, hour);
            if e != end {
                let raw = plain(text.get(start..e).unwrap_or(""));
                nums.push(Num { value: clock(hour, minutes), scaled: None, other: None, raw });
                return e;
            }
        }
    }
    let value =
        read(&groups, conv).or_else(|| if lenient { read(&groups, conv.other()) } else { None });
    match value {
        Some(value) => {
            let (scaled, _) = scale_after(text, end, &value);
            // `19,000` in French copy of English agency text: a decimal
            // by the rules, thousands more likely; either is accepted.
            let ambiguous =
                matches!(groups.as_slice(), [_, g] if g.sep == b',' && g.digits.len() == 3);
            let other = if !lenient || ambiguous { read(&groups, conv.other()) } else { None };
            nums.push(Num { value, scaled, other, raw });
        }
        // `31.10.2025`: not one number but several.
        None if lenient || groups.len() > 2 => {
            for g in &groups {
                nums.push(Num {
                    value: int(g.digits),
                    scaled: None,
                    other: None,
                    raw: g.digits.into(),
                });
            }
        }
        None => {
            let other = read(&groups, conv.other());
            nums.push(Num { value: format!("?{raw}"), scaled: None, other, raw });
        }
    }
    end
}

/// A number without separators: maybe a time, a year range, an hour with
/// am/pm or an amount in millions.
fn single(
    text: &str,
    start: usize,
    end: usize,
    digits: &str,
    raw: String,
    nums: &mut Vec<Num>,
) -> usize {
    let b = text.as_bytes();
    let value = int(digits);
    let hour =
        if digits.len() <= 2 { value.parse::<u32>().ok().filter(|h| *h <= 24) } else { None };
    if let Some(h) = hour {
        if let Some((minutes, e)) = time_after(b, end) {
            let (h, e) = meridiem(b, e, h);
            let raw = plain(text.get(start..e).unwrap_or(""));
            nums.push(Num { value: clock(h, minutes), scaled: None, other: None, raw });
            return e;
        }
        if h <= 12 {
            let (h2, e) = meridiem(b, end, h);
            if e != end {
                let raw = plain(text.get(start..e).unwrap_or(""));
                nums.push(Num { value: h2.to_string(), scaled: None, other: None, raw });
                return e;
            }
        }
    }
    // `2026/27`, `2026-27`: the second year in full.
    if digits.len() == 4 {
        let dash = match b.get(end) {
            Some(b'/' | b'-') => 1,
            Some(0xE2) if b.get(end + 1) == Some(&0x80) && matches!(b.get(end + 2), Some(0x93)) => {
                3
            }
            _ => 0,
        };
        if dash > 0 && digits_end(b, end + dash) == end + dash + 2 {
            let short = text.get(end + dash..end + dash + 2).unwrap_or("");
            nums.push(Num { value, scaled: None, other: None, raw });
            let full = format!("{}{short}", digits.get(..2).unwrap_or(""));
            nums.push(Num { value: int(&full), scaled: None, other: None, raw: short.into() });
            return end + dash + 2;
        }
    }
    let (scaled, _) = scale_after(text, end, &value);
    nums.push(Num { value, scaled, other: None, raw });
    end
}

/// Minutes of a time whose hour ends at `i` (`h57`, ` h 57`, `:57`,
/// ` heures 30`), and where the time ends.
fn time_after(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let minutes = |j: usize| -> Option<(u32, usize)> {
        let e = digits_end(b, j);
        if e != j + 2 {
            return None;
        }
        let m = std::str::from_utf8(b.get(j..e)?).ok()?.parse::<u32>().ok()?;
        (m < 60).then_some((m, e))
    };
    if b.get(i) == Some(&b':') {
        return minutes(i + 1);
    }
    let mut j = i + space_len(b, i);
    if !matches!(b.get(j), Some(b'h' | b'H')) {
        return None;
    }
    j += 1;
    if b.get(j..j + 5).is_some_and(|w| w.eq_ignore_ascii_case(b"eures")) {
        j += 5;
    } else if b.get(j..j + 4).is_some_and(|w| w.eq_ignore_ascii_case(b"eure")) {
        j += 4;
    }
    j += space_len(b, j);
    // `15 h` alone is the hour 15, as the plain number already says.
    minutes(j)
}

/// Applies a following `am`/`pm`/`a.m.`/`p.m.` to `hour`.
fn meridiem(b: &[u8], i: usize, hour: u32) -> (u32, usize) {
    let j = i + space_len(b, i);
    let lower = |k: usize| b.get(k).map(u8::to_ascii_lowercase);
    let (pm, e) = match (lower(j), lower(j + 1), lower(j + 2), lower(j + 3)) {
        (Some(c @ (b'a' | b'p')), Some(b'.'), Some(b'm'), Some(b'.')) => (c == b'p', j + 4),
        (Some(c @ (b'a' | b'p')), Some(b'm'), _, _) => (c == b'p', j + 2),
        _ => return (hour, i),
    };
    if hour == 0 || hour > 12 || (is_alpha(b, e) && b.get(e - 1) != Some(&b'.')) {
        return (hour, i);
    }
    let h = match (pm, hour) {
        (true, h) if h < 12 => h + 12,
        (false, 12) => 0,
        (_, h) => h,
    };
    (h, e)
}

fn clock(hour: u32, minutes: u32) -> String {
    if minutes == 0 { hour.to_string() } else { format!("{hour}:{minutes:02}") }
}

/// The value times a scale word after `i` (`18,4 milliards`, `$3bn`).
fn scale_after(text: &str, i: usize, value: &str) -> (Option<String>, usize) {
    let j = i + space_len(text.as_bytes(), i);
    let e = letters_end(text, j);
    let word = text.get(j..e).unwrap_or("").to_lowercase();
    let zeros = match word.as_str() {
        "mille" | "milles" | "thousand" | "tausend" | "mil" => 3,
        "million" | "millions" | "mio" | "millionen" | "millón" | "millones" | "milioni" => 6,
        "milliard" | "milliards" | "billion" | "billions" | "bn" | "milliarde" | "milliarden"
        | "mrd" | "miliardi" => 9,
        _ => return (None, i),
    };
    (Some(shift(value, zeros)), e)
}

/// `value` times ten to the `zeros`.
fn shift(value: &str, zeros: usize) -> String {
    let (int_part, frac) = value.split_once('.').unwrap_or((value, ""));
    let mut digits = format!("{int_part}{frac}");
    let point = int_part.len() + zeros;
    while digits.len() < point {
        digits.push('0');
    }
    let (a, b) = (digits.get(..point).unwrap_or(""), digits.get(point..).unwrap_or(""));
    let a = int(a);
    let b = b.trim_end_matches('0');
    if b.is_empty() { a } else { format!("{a}.{b}") }
}

/// Reads separated digit groups with `conv`: thousands groups of exactly
/// three digits after a first group of one to three, then an optional
/// decimal part. `None` when the groups make no number in that convention.
fn read(groups: &[Group<'_>], conv: Conv) -> Option<String> {
    let dec = conv.decimal();
    let (first, rest) = groups.split_first()?;
    let (last, middle) = rest.split_last()?;
    let (int_groups, frac) =
        if last.sep == dec { (middle, Some(last.digits)) } else { (rest, None) };
    if let Some(g) = int_groups.first() {
        if first.digits.len() > 3 || g.sep == dec {
            return None;
        }
        if !int_groups.iter().all(|x| x.sep == g.sep && x.digits.len() == 3) {
            return None;
        }
    }
    let mut whole = first.digits.to_string();
    for g in int_groups {
        whole.push_str(g.digits);
    }
    let whole = int(&whole);
    match frac.map(|f| f.trim_end_matches('0')) {
        Some(f) if !f.is_empty() => Some(format!("{whole}.{f}")),
        _ => Some(whole),
    }
}

/// Digits without leading zeros (`0` stays).
fn int(digits: &str) -> String {
    let t = digits.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.into() }
}

/// `text` with its no-break and thin spaces made plain.
fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ")
}

/// Reads the run of letters (and of number words joined by hyphens,
/// spaces or `et`/`and`) at `start`; pushes the values of number words.
fn word_run(text: &str, start: usize, words: Words, out: &mut Vec<String>) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut in_number = false;
    loop {
        let s = i;
        i = letters_end(text, i);
        let word = text.get(s..i).unwrap_or("");
        if let Some(v) = roman_ordinal(word) {
            out.push(v.to_string());
        }
        // No number word is longer (`quatre-vingts` is read in parts).
        let lower = if word.len() <= 14 { word.to_lowercase() } else { String::new() };
        match number_word(&lower, words) {
            Some(v) => {
                out.push(v.to_string());
                in_number = true;
                if v == 100 {
                    current = current.max(1) * 100;
                } else if v >= 1000 {
                    total += current.max(1) * v;
                    current = 0;
                } else if v == 20 && (2..10).contains(&current) && words == Words::French {
                    current *= 20;
                } else {
                    current += v;
                }
            }
            None if in_number && matches!(lower.as_str(), "et" | "and" | "y" | "und") => {}
            None => {
                if in_number {
                    out.push((total + current).to_string());
                }
                return i.max(start + 1);
            }
        }
        // Continue through `-` or one space when another letter follows.
        let sep = match b.get(i) {
            Some(b'-') => 1,
            _ => space_len(b, i),
        };
        if in_number && sep > 0 && letter_len(text, i + sep) > 0 {
            i += sep;
            continue;
        }
        if in_number {
            out.push((total + current).to_string());
        }
        return i.max(start + 1);
    }
}

/// `XXIe`, `Ier`, `IIIe`: an upper-case roman numeral with a French
/// ordinal ending.
fn roman_ordinal(word: &str) -> Option<u32> {
    let split = word.find(|c: char| !matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))?;
    let (roman, suffix) = (word.get(..split)?, word.get(split..)?);
    // One letter alone is a numeral only as `Ier`, `Ve`, `Xe`: `Le`, `Ce`,
    // `De` and `Me` are words.
    let known = roman.len() > 1 || matches!(roman, "I" | "V" | "X");
    if !known || !matches!(suffix, "e" | "er" | "re" | "ème" | "eme" | "è") {
        return None;
    }
    let val = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        _ => 1000,
    };
    let vals: Vec<i64> = roman.chars().map(val).collect();
    let mut total = 0i64;
    for (k, v) in vals.iter().enumerate() {
        if vals.get(k + 1).is_some_and(|n| n > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    u32::try_from(total).ok().filter(|t| *t > 0)
}

/// The value of a lower-case number word.
fn number_word(w: &str, words: Words) -> Option<u64> {
    let v = match words {
        Words::French => match w {
            "un" | "une" | "premier" | "première" | "premiers" | "premières" => 1,
            "deux" | "deuxième" | "second" | "seconde" => 2,
            "trois" | "troisième" => 3,
            "quatre" | "quatrième" => 4,
            "cinq" | "cinquième" => 5,
            "six" | "sixième" => 6,
            "sept" | "septième" => 7,
            "huit" | "huitième" => 8,
            "neuf" | "neuvième" => 9,
            "dix" | "dixième" | "dizaine" | "dizaines" => 10,
            "onze" => 11,
            "douze" | "douzaine" | "douzaines" => 12,
            "treize" => 13,
            "quatorze" => 14,
            "quinze" | "quinzaine" => 15,
            "seize" => 16,
            "vingt" | "vingts" | "vingtaine" | "vingtième" => 20,
            "trente" | "trentaine" => 30,
            "quarante" | "quarantaine" => 40,
            "cinquante" | "cinquantaine" => 50,
            "soixante" | "soixantaine" => 60,
            "cent" | "cents" | "centaine" | "centaines" => 100,
            "mille" | "millier" | "milliers" => 1000,
            "million" | "millions" => 1_000_000,
            "milliard" | "milliards" => 1_000_000_000,
            _ => return None,
        },
        Words::English => match w {
            "one" | "first" => 1,
            "two" | "second" | "twice" => 2,
            "three" | "third" => 3,
            "four" | "fourth" => 4,
            "five" | "fifth" => 5,
            "six" | "sixth" => 6,
            "seven" | "seventh" => 7,
            "eight" | "eighth" => 8,
            "nine" | "ninth" => 9,
            "ten" | "tenth" | "tens" => 10,
            "eleven" => 11,
            "twelve" | "dozen" | "dozens" => 12,
            "thirteen" => 13,
            "fourteen" => 14,
            "fifteen" => 15,
            "sixteen" => 16,
            "seventeen" => 17,
            "eighteen" => 18,
            "nineteen" => 19,
            "twenty" | "twentieth" => 20,
            "thirty" => 30,
            "forty" => 40,
            "fifty" => 50,
            "sixty" => 60,
            "seventy" => 70,
            "eighty" => 80,
            "ninety" => 90,
            "hundred" | "hundreds" => 100,
            "thousand" | "thousands" => 1000,
            "million" | "millions" => 1_000_000,
            "billion" | "billions" => 1_000_000_000,
            _ => return None,
        },
        Words::German => match w {
            "eins" | "erste" | "ersten" => 1,
            "zwei" | "zweite" | "zweiten" => 2,
            "drei" | "dritte" | "dritten" => 3,
            "vier" => 4,
            "fünf" => 5,
            "sechs" => 6,
            "sieben" => 7,
            "acht" => 8,
            "neun" => 9,
            "zehn" => 10,
            "elf" => 11,
            "zwölf" => 12,
            "zwanzig" => 20,
            "dreißig" => 30,
            "hundert" => 100,
            "tausend" => 1000,
            _ => return None,
        },
        Words::Spanish => match w {
            "uno" | "una" | "primero" | "primera" | "primer" => 1,
            "dos" | "segundo" | "segunda" => 2,
            "tres" | "tercero" | "tercera" | "tercer" => 3,
            "cuatro" => 4,
            "cinco" => 5,
            "seis" => 6,
            "siete" => 7,
            "ocho" => 8,
            "nueve" => 9,
            "diez" => 10,
            "once" => 11,
            "doce" | "docena" => 12,
            "veinte" => 20,
            "treinta" => 30,
            "cien" | "ciento" | "cientos" => 100,
            "mil" => 1000,
            _ => return None,
        },
        Words::None => return None,
    };
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// French sources and their published English renderings (WMT news
    /// test sets and the fixture articles): the human translation passes.
    const AGREE: &[(&str, &str)] = &[
        (
            "Les plus fiables estiment que le nombre de morts supplémentaires pour ce groupe d'âge se situe entre 200 000 et 400 000, mais personne ne le sait vraiment.",
            "The most reliable estimates extra deaths for this age group are between 200,000 and 400,000, but nobody really knows.",
        ),
        (
            "A cette distance correspond 25 000 explosions.",
            "This period corresponds to 25,000 explosions.",
        ),
        (
            "L'ONU donne un bilan même plus élevé avec 979 morts et 1 902 blessés.",
            "The UN has reported even higher numbers with 979 dead and 1,902 injured.",
        ),
        (
            "Lors du 111e Congrès, les législateurs ont proposé 77 amendements, et introduit 66 lors du 110e.",
            "In the 111th Congress, lawmakers offered 77 such amendments, and they introduced 66 in the 110th.",
        ),
        (
            "L'armée a acheté des cordeaux détonants à la société anonyme STV Group pour 40 millions de couronnes.",
            "The Army purchased the detonating cords from STV Group, Inc. for CZK 40 million.",
        ),
        (
            "Le dernier amendement à avoir été ajouté - le 27e - a été ratifié en 1992 mais proposé au Congrès en 1789.",
            "The last amendment to be added - the 27th - was ratified in 1992, but it was actually proposed by Congress in 1789.",
        ),
        (
            "Les Iraniens pourraient \"dans un avenir proche arrêter un autre des quelques 1 800 citoyens français vivant en Iran\", dit-il.",
            "He said that the Iranians might arrest in the near future another of some 1800 French citizens who live in Iran.",
        ),
        (
            "Pour la deuxième année consécutive, la fondation Walmart Foundation a donné plus de$150 000 pour acheter et transporter les couronnes.",
            "For the second year, the Walmart Foundation donated more than $150,000 to purchase, and transport the wreaths.",
        ),
        (
            "Selon l'Indem, les coûts de la corruption s'élèveraient, à l'échelle de la Russie toute entière, à plus de 300 milliards de dollars par an.",
            "Nationwide, Indem estimates that corruption costs Russia more than $300 billion a year.",
        ),
        (
            "L'Irak a connu en octobre son mois le plus meurtrier en cinq ans et demi, selon des chiffres publiés vendredi 1er novembre par les autorités irakiennes.",
            "October was the bloodiest month in Iraq in five and a half years, according to figures published by the Iraqi authorities on Friday, 01 November.",
        ),
        (
            "Son endettement, encore relativement modeste, a explosé ces dernières années et S&P l'estime à 33,5% du PIB, contre moins de 10% avant la crise de 2008-2009.",
            "Its debt, which is still relatively modest, has exploded in recent years. S&P estimates it as 33.5% of the GDP, as opposed to 10% prior to the crisis of 2008-2009.",
        ),
        (
            "Kiev a besoin par ailleurs de liquidités pour régler ses importations de gaz à la Russie, qui l'accuse de ne pas avoir payé une facture de 882 millions de dollars.",
            "Moreover, Kiev needs liquid assets to pay for its gas imports from Russia, which accuses it of not having paid a bill of 882 million dollars.",
        ),
        (
            "Détenus plus de 1 000 jours, les quatre otages d'Aqmi (Al-Qaida au Maghreb islamique) Daniel Larribe, Thierry Dol, Pierre Legrand et Marc Féret ont été libérés mardi.",
            "Four AQMI (Al-Qaeda in the Islamic Maghreb) hostages, Daniel Larribe, Thierry Dol, Pierre Legrand and Marc Feret, were freed on Tuesday after being held for over 1,000 days.",
        ),
        (
            "Selon les chercheurs, 17% des armes proviennent des lieux de conflits militaires, 14% sont volés au moment de la fabrication et 5% sont issus de \"fouilles clandestines\".",
            "According to researchers' data, 17% of the time the weapons are received from armed conflict areas, 14% is theft during production, 5% is \"black archaeology.\"",
        ),
        (
            "Gates a exhorté les deux parties à réduire le conflit potentiel afin d'éviter tous retards des plans américains de réduction du nombre de troupes américaines, de 115 000 à 50 000 avant la fin du mois d'août.",
            "Gates urged both sides to reduce the potential for conflict to prevent any delays in U.S. plans to cut the number of American troops from 115,000 to 50,000 by the end of August.",
        ),
        (
            "Le pays a été classé 154e dans un récent sondage sur la perception globale de la corruption.",
            "The country was ranked 154th in a recent survey on global perceptions of corruption.",
        ),
        (
            "En 2010, 3,158 agressions sexuelles ont été enregistrées d'après le centre d'intervention.",
            "In 2010 there were 3,158 sexual assaults reported, according to the Office.",
        ),
        (
            "Le président américain devait recevoir vendredi 1er novembre 2013 le premier ministre irakien Nouri Al Maliki, en quête d'aide des États-Unis pour lutter contre la plus forte vague de violence depuis cinq ans.",
            "The American President will receive the Iraqi Prime Minister, Nouri Al Maliki, who is seeking the United States' help in the struggle against the strongest wave of violence in five years, on 1 November 2013.",
        ),
        (
            "En effet, d'après la propre estimation du Pentagone, ce chiffre représente environ 13,5% des 19,000 incidents survenus cette année-là.",
            "And by the Pentagon's own estimate, that figure accounts for approximately 13.5 percent of the estimated 19,000 incidents that occurred that year.",
        ),
        (
            "Depuis, quelques centaines d'irréductibles du M23, sont retranchés à près de 2.000 mètres d'altitude sur les collines agricoles de Chanzu.",
            "Since then, several hundred M23 diehards have been cut off in the farmland hills of Chanzu, at an altitude of almost 2,000 metres.",
        ),
        (
            "\"Ça n'a pas cessé depuis ce matin\", a indiqué à l'AFP un habitant de Jomba, joint par téléphone vers 12h30.",
            "\"The fighting has not stopped since morning,\" a resident of Jomba told the AFP by telephone at around 12.30pm.",
        ),
        (
            "Leur soif de pouvoir au niveau mondial a conduit dans les années 1859 à 1871 à la formulation d'un plan de trois guerres mondiales par Albert Pike, un franc-maçon initié au 33e degré.",
            "Their thirst for global power led in the years of 1859 - 1871 to the formulation of a three-world-war plan by the freemason leader of the 33rd degree, Albert Pike.",
        ),
        (
            "Des données présentées l'an dernier au Parlement indiquent que parmi les 1218 soldats libérés pour des raisons médicales, 199 n'avaient pas atteint la durée de service requise.",
            "The data presented to parliament last year indicates that, of the 1,218 soldiers discharged for medical reasons, 199 had not reached the length of service required.",
        ),
        (
            "Le pays réclame l'aide du Fonds monétaire international, qui lui avait accordé en 2010 un crédit de 15,3 milliards de dollars et n'en a débloqué pour l'instant que 3,4 milliards.",
            "The International Monetary Fund, in 2010, had given the former a 15,300 million dollars loan, but this time it has released just 3,400 million.",
        ),
        (
            "À Bunagana, où s'étaient réfugiées environ 5000 personnes entre lundi et mercredi selon l'ONU, le mouvement de retour s'est inversé.",
            "At Bunagana, to which around 5,000 people fled between Monday and Wednesday according to the UN, the process of returning was reversed.",
        ),
        (
            "La libération de Clotilde Reiss (qui interviendra le 16 août) \"nécessitera le versement aux Iraniens d'une large somme d'argent\" (230 000 euros de caution).",
            "The release of Clotilde Reiss (which will take place on 16 August) would involve paying the Iranians a large sum of money (230 000 Eur as a caution).",
        ),
        (
            "Une façon d'expliquer sa décision d'envoyer 30.000 soldats supplémentaires en Afghanistan neuf jours plus tôt.",
            "A way to explain his decision to send 30 000 additional troops to Afghanistan nine days earlier.",
        ),
        (
            "Selon les données officielles du ministère, le nombre de ces crimes a diminué en Russie de 7% et s'élève à 22,9 milles tandis que les cas avérés de vol ont baissé de 7,8%.",
            "According to official statistics, the number of such crimes in Russia dropped 7%, amounting to 22,900, while the number of cases of theft dropped by 7.8%.",
        ),
        (
            "La troisième devrait réduire la population mondiale entre 1 et 0,5 milliard d'individus.",
            "The third will reduce the world's population down to 0.5 - 1 billion people.",
        ),
        (
            "Classé en février, le procès impliquait au départ 17 plaignants. Ce nombre s'est élevé à 28 les mois suivants - 25 femmes et 3 hommes.",
            "Filed in February, the suit initially involved 17 plaintiffs but grew to 28 in the following months - 25 women and three men.",
        ),
        (
            "C'était l'attaque sur le QG de la Mission de l'ONU qu'ils avaient érigé à peine cinq jours plus tôt à Bagdad en 2003.",
            "That was the attack on the UN Mission HQ they had set up only 5 days earlier in Baghdad 2003.",
        ),
        (
            "Les 17 enfants ont été relâchés après huit heures, ainsi qu'un des instituteurs.",
            "All 17 of the captured children, together with their teacher, were released after eight hours.",
        ),
        (
            "Parmi les victimes du massacre du 23 Novembre lié aux élections il y avait30 journalistes.",
            "The victims of the massacre on November 23rd, which was related to the elections, included 30 reporters.",
        ),
        // The fixture articles.
        (
            "Les ex-policiers auraient empoché au total entre 540.000 et 620 000 euros, à raison de 40.000 euros par \"mule\" récupérée.",
            "The former officers allegedly pocketed between 540,000 and 620,000 euros in all, at 40,000 euros per \"mule\" recovered.",
        ),
        (
            "L’Azerbaïdjan et le Royaume-Uni ont signé un plan bilatéral de coopération pour la période 2026-2027.",
            "Azerbaijan and the United Kingdom signed a bilateral cooperation plan for 2026-27.",
        ),
        (
            "« … pour 2026/27 », a indiqué la représentation.",
            "\"… for 2026-2027\", the mission said.",
        ),
        ("31 Octobre 2025 15:57 (UTC+01:00)", "31 October 2025 15:57 (UTC+01:00)"),
        ("Publié à 15 h 57, le 31 octobre", "Published at 3:57 pm on 31 October"),
        ("lundi 21 janvier 2019 - 10:42 (UTC)", "Monday 21 January 2019, 10.42am (UTC)"),
        ("Il évoque la guerre du XXIe siècle.", "He speaks of the war of the 21st century."),
        (
            "Le chiffre d'affaires atteint 18,4 milliards d'euros, en hausse de 3,5 %.",
            "Turnover reached €18.4bn, up 3.5 per cent.",
        ),
        (
            "Le nord du Mali était tombé en mars-avril 2012 sous la coupe de groupes djihadistes.",
            "Northern Mali fell to jihadist groups in March-April 2012.",
        ),
        ("Deux soldats tués", "2 soldiers killed"),
    ];

    #[test]
    fn human_translations_pass() {
        assert!(AGREE.len() >= 30);
        for (source, target) in AGREE {
            assert_eq!(
                compare(source, target, "en-GB"),
                Vec::<String>::new(),
                "{source}\n{target}"
            );
        }
    }

    /// Cases with the expected findings.
    const DIFFER: &[(&str, &str, &str, &[&str])] = &[
        // A number changed.
        (
            "Le départ d'Eide intervient alors que l'administration Obama a décidé d'envoyer 30 000 soldats supplémentaires en Afghanistan.",
            "Eide's departure comes as the Obama administration has decided to send an additional 3,000 U.S. troops to Afghanistan.",
            "en-GB",
            &[
                "number 30 000 of the source is missing from the target",
                "number 3,000 of the target is not in the source",
            ],
        ),
        // A number dropped.
        (
            "964 personnes sont mortes dans les violences en octobre, dont 855 civils, 65 policiers et 44 soldats.",
            "964 people (of which 855 civilians and 44 soldiers) were killed in acts of violence during October.",
            "en-GB",
            &["number 65 of the source is missing from the target"],
        ),
        // A number added.
        (
            "Eide a déclaré qu'il respecterait l'engagement qu'il avait pris envers sa famille, en mars, de ne passer que deux ans à Kaboul.",
            "Eide said he was fulfilling a commitment he made to his family in March 2008 to spend only two years in Kabul.",
            "en-GB",
            &["number 2008 of the target is not in the source"],
        ),
        // French formatting left in an English target.
        (
            "Le chômage atteint 3,5 %.",
            "Unemployment reaches 3,5 %.",
            "en-GB",
            &["number 3,5 of the source is written 3,5 in the target (en-GB: 3.5)"],
        ),
        (
            "Les ex-policiers auraient empoché 40.000 euros par \"mule\" récupérée.",
            "The ex-police officers would have pocketed 40.000 euros by \"mule\" recovered.",
            "en-GB",
            &["number 40.000 of the source is written 40.000 in the target (en-GB: 40,000)"],
        ),
        (
            "Le chômage atteint 3,5 %.",
            "Die Arbeitslosigkeit erreicht 3.5 %.",
            "de-DE",
            &["number 3,5 of the source is written 3.5 in the target (de-DE: 3,5)"],
        ),
        // A repeated number given once.
        (
            "3 soldats et 3 policiers",
            "3 soldiers and police officers",
            "en-GB",
            &[
                "number 3 of the source is missing from the target (2 in the source, 1 in the target)",
            ],
        ),
        // A wrong hour.
        (
            "L'attaque a eu lieu à 15 h 57.",
            "The attack took place at 5:57 pm.",
            "en-GB",
            &[
                "number 15 h 57 of the source is missing from the target",
                "number 5:57 pm of the target is not in the source",
            ],
        ),
    ];

    #[test]
    fn differences_are_reported() {
        for (source, target, lang, want) in DIFFER {
            assert_eq!(compare(source, target, lang), *want, "{source}\n{target}");
        }
    }

    #[test]
    fn comma_locales_keep_the_comma() {
        let src = "Le budget atteint 3 000 euros, soit 3,5 % de plus, le 1er mars 2026/27.";
        assert!(
            compare(
                src,
                "Das Budget erreicht 3.000 Euro, also 3,5 % mehr, am 1. März 2026/27.",
                "de-DE"
            )
            .is_empty()
        );
        assert!(
            compare(
                src,
                "El presupuesto alcanza 3000 euros, un 3,5 % más, el 1 de marzo 2026/27.",
                "es-ES"
            )
            .is_empty()
        );
        assert_eq!(
            compare(
                src,
                "El presupuesto alcanza 3.000 euros, un 3.5 % más, el 1 de marzo 2026/27.",
                "es-ES"
            ),
            ["number 3,5 of the source is written 3.5 in the target (es-ES: 3,5)"]
        );
    }

    #[test]
    fn reading_numbers() {
        let values = |text: &str, conv| -> Vec<String> {
            scan(text, conv, Words::None, conv == Conv::Comma)
                .nums
                .into_iter()
                .map(|n| n.value)
                .collect()
        };
        assert_eq!(
            values("3\u{202f}000 et 3\u{a0}000,50 et 1.234.567", Conv::Comma),
            ["3000", "3000.5", "1234567"]
        );
        assert_eq!(
            values("15h57, 15 h, 9h05 et 12/11/2011", Conv::Comma),
            ["15:57", "15", "9:05", "12", "11", "2011"]
        );
        assert_eq!(
            values("3:57 pm, 12 a.m., 7pm and 3,000.25", Conv::Dot),
            ["15:57", "0", "19", "3000.25"]
        );
        assert_eq!(
            values("en 2019 150 soldats, 1939-45", Conv::Comma),
            ["2019", "150", "1939", "1945"]
        );
        assert_eq!(values("3,5 and 31.10.2025", Conv::Dot), ["?3,5", "31", "10", "2025"]);
        assert_eq!(shift("18.4", 9), "18400000000");
        assert_eq!(shift("0.5", 3), "500");
        assert_eq!(roman_ordinal("XXIe"), Some(21));
        assert_eq!(roman_ordinal("XIXe"), Some(19));
        assert_eq!(roman_ordinal("Ier"), Some(1));
        assert_eq!(roman_ordinal("Le"), None);
        assert_eq!(roman_ordinal("Mme"), None);
    }

    #[test]
    fn words_excuse_digits() {
        assert!(compare("vingt-cinq soldats", "25 soldiers", "en-GB").is_empty());
        assert!(compare("quatre-vingt-dix blessés", "90 wounded", "en-GB").is_empty());
        assert!(compare("25 soldats", "twenty-five soldiers", "en-GB").is_empty());
        assert!(compare("2 millions de dollars", "two million dollars", "en-GB").is_empty());
        assert_eq!(
            compare("deux soldats", "3 soldiers", "en-GB"),
            ["number 3 of the target is not in the source"]
        );
    }

    #[test]
    fn issues_are_warnings_and_empty_targets_are_skipped() {
        let mut seg = Segment::new("p1.s1", "Le chômage atteint 3,5 %.");
        seg.target = Some("EN Le chômage atteint 3,5 %.".into());
        let issues = NumberCheck.check(&seg, "en-GB");
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].check.as_str(), issues[0].severity), ("numbers", Severity::Warning));
        seg.target = Some(" ".into());
        assert!(NumberCheck.check(&seg, "en-GB").is_empty());
        seg.target = None;
        assert!(NumberCheck.check(&seg, "en-GB").is_empty());
    }
}
