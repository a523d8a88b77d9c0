//! Scraped plain-text articles.
//!
//! The shape scrapers save (blank lines separate blocks):
//!
//! ```text
//! Lagazette                                   <- publisher line (optional)
//!
//! L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT…    <- title
//!
//! 31 Octobre 2025 15:57 (UTC+01:00)           <- date line (optional)
//! L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT…    <- title repeats: dropped
//!
//! Londres et Bakou ont franchi…               <- body paragraphs
//!
//! Des priorités communes pour la sécurité…    <- heading
//!
//! L’ambassade a également souligné…
//!
//! Loading...                                  <- boilerplate: dropped
//! ```
//!
//! The header is everything up to and including the block of the date
//! line (searched in the first [`HEADER_BLOCKS`] blocks), or, with no date
//! line, the leading one-line blocks without final punctuation. In it, the
//! first of two or more distinct lines is the publisher when it is short
//! ([`is_publisher_like`]); the next is the title; a line starting with
//! `Par` is the byline; any further line is a deck, kept as a heading, or
//! when it reads as a sentence, a standfirst, kept as the first body
//! paragraph.
//! Repeats of the title anywhere in the header or at the start of the body
//! are dropped.
//!
//! In the body, a block is one paragraph hard-wrapped over several lines,
//! unless its lines are too long to be wrapped or a line stops well short of
//! the wrap width ([`split_block`]). A short paragraph without final
//! punctuation, followed by a longer one, is a heading ([`is_heading_like`]).

use std::collections::HashSet;
use std::path::Path;

use super::{Error, ReadOptions};
use crate::model::{Article, Paragraph, Role, article_id};
use crate::normalize::{self, boilerplate, date, encoding};

/// How many leading blocks may hold the date line.
const HEADER_BLOCKS: usize = 4;
/// A line longer than this (in characters) was not hard-wrapped.
const MAX_WRAP: usize = 100;
/// Longest heading, in characters.
const MAX_HEADING_CHARS: usize = 100;
/// Longest heading, in words.
const MAX_HEADING_WORDS: usize = 14;

/// Reads one scraped text article.
pub(crate) fn read(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<Article, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty { path: path.into() });
    }
    let decoded = encoding::decode(bytes, options.lossy).map_err(|e| match e {
        encoding::DecodeError::Binary(reason) => Error::NotText { path: path.into(), reason },
        encoding::DecodeError::Invalid { offset, byte, line } => {
            Error::InvalidBytes { path: path.into(), line, offset, byte }
        }
    })?;
    let text = if decoded.text.contains('\r') {
        decoded.text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        decoded.text
    };
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let filled = lines.iter().filter(|l| !is_blank(l)).count();
    if filled == 0 {
        return Err(Error::Empty { path: path.into() });
    }
    // Every paragraph has at least one line: counted before any paragraph
    // is built, a file of millions of short lines fails in little memory.
    if filled > super::MAX_PARAGRAPHS {
        return Err(Error::TooManyParagraphs { path: path.into(), limit: super::MAX_PARAGRAPHS });
    }
    let stripped = boilerplate::strip(&lines);
    if stripped.lines.iter().all(|l| is_blank(l)) {
        return Err(Error::OnlyBoilerplate { path: path.into(), removed: stripped.removed });
    }

    let blocks = blocks(&stripped.lines);
    let (header, body_blocks) = split_header(&blocks);
    let title_key = header.title.as_deref().map(normalize::fold_for_matching);
    let is_title_repeat =
        |p: &str| title_key.as_deref().is_some_and(|t| normalize::fold_for_matching(p) == t);

    let mut body: Vec<String> = header.lead.clone();
    for block in body_blocks {
        for paragraph in split_block(&block) {
            let paragraph = normalize::text(&paragraph.join("\n"));
            if paragraph.is_empty() || (body.is_empty() && is_title_repeat(&paragraph)) {
                continue;
            }
            body.push(paragraph);
        }
    }
    if body.is_empty() {
        return Err(Error::NoBody { path: path.into() });
    }

    let roles = body_roles(&body);
    let mut paragraphs = Vec::with_capacity(body.len() + 1 + header.decks.len());
    let title_para = header.title.iter().map(|t| (Role::Title, t.clone()));
    let deck_paras = header.decks.iter().map(|d| (Role::Heading, d.clone()));
    let body_paras = roles.into_iter().zip(body);
    for (i, (role, text)) in title_para.chain(deck_paras).chain(body_paras).enumerate() {
        paragraphs.push(Paragraph::new(format!("p{}", i + 1), role, text));
    }

    let published = header.date.map(|d| d.rfc3339(options.utc_offset_minutes));
    let full_text: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    let id = article_id(published.as_deref(), header.title.as_deref(), &full_text.join("\n\n"));

    let mut meta = std::collections::BTreeMap::new();
    meta.insert("encoding".to_owned(), decoded.encoding.to_owned());
    meta.insert("format".to_owned(), "text".to_owned());
    if let Some(note) = decoded.note {
        meta.insert("encoding_note".to_owned(), note);
    }
    if stripped.removed > 0 {
        meta.insert("boilerplate_lines".to_owned(), stripped.removed.to_string());
    }
    if let Some(d) = header.date
        && d.offset.is_none()
        && options.utc_offset_minutes.is_none()
        && let Some(time) = d.local_time()
    {
        meta.insert("published_local_time".to_owned(), time);
    }

    Ok(Article {
        id,
        origin: path.display().to_string(),
        lang: "fr-FR".into(),
        title: header.title,
        published,
        byline: header.byline,
        publisher: header.publisher,
        paragraphs,
        meta,
    })
}

/// A line with nothing [`normalize::text`] would keep.
fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || c.is_control() || normalize::is_invisible(c))
}

/// Groups lines into blocks separated by empty lines.
fn blocks<'a>(lines: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&'a str>> = Vec::new();
    let mut current = Vec::new();
    for line in lines {
        if is_blank(line) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(*line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// What the header lines say.
#[derive(Debug, Default, PartialEq)]
struct Header {
    publisher: Option<String>,
    title: Option<String>,
    byline: Option<String>,
    decks: Vec<String>,
    /// Body text found in the header (a standfirst above the date line).
    lead: Vec<String>,
    date: Option<date::DateTime>,
}

/// Splits the header from the body blocks (see the module docs).
fn split_header<'b, 'a>(blocks: &'b [Vec<&'a str>]) -> (Header, Vec<Vec<&'a str>>) {
    let date_at = blocks.iter().take(HEADER_BLOCKS).enumerate().find_map(|(b, block)| {
        block.iter().enumerate().find_map(|(l, line)| date::parse(line).map(|d| (b, l, d)))
    });
    let mut header_lines: Vec<&str> = Vec::new();
    let mut body: Vec<Vec<&'a str>> = Vec::new();
    let mut date = None;
    match date_at {
        Some((b, l, d)) => {
            date = Some(d);
            for block in blocks.iter().take(b) {
                header_lines.extend(block.iter().copied());
            }
            let date_block = blocks.get(b).map(Vec::as_slice).unwrap_or_default();
            header_lines.extend(date_block.iter().take(l).copied());
            // After the date, title repeats and a byline still belong to the
            // header; the first other line starts the body.
            let before: Vec<String> = header_lines.iter().map(|h| key(h)).collect();
            let after = date_block.get(l + 1..).unwrap_or_default();
            let body_from = after
                .iter()
                .position(|line| !before.contains(&key(line)) && !is_byline(line))
                .unwrap_or(after.len());
            header_lines.extend(after.iter().take(body_from).copied());
            let rest = after.get(body_from..).unwrap_or_default();
            if !rest.is_empty() {
                body.push(rest.to_vec());
            }
            body.extend(blocks.iter().skip(b + 1).cloned());
        }
        None => {
            let header_blocks = blocks
                .iter()
                .take(3)
                .take_while(|block| matches!(block.as_slice(), [line] if !ends_sentence(line)))
                .count();
            // Keep at least one body block: a one-line article is body text.
            let header_blocks = header_blocks.min(blocks.len().saturating_sub(1));
            for block in blocks.iter().take(header_blocks) {
                header_lines.extend(block.iter().copied());
            }
            body.extend(blocks.iter().skip(header_blocks).cloned());
        }
    }

    let mut header = Header { date, ..Header::default() };
    let mut seen = HashSet::new();
    let mut named: Vec<String> = Vec::new();
    for line in header_lines {
        let text = normalize::text(line);
        if !seen.insert(key(&text)) {
            continue;
        }
        if is_byline(&text) && header.byline.is_none() {
            header.byline = Some(text);
        } else {
            named.push(text);
        }
    }
    let mut named = named.into_iter().peekable();
    if let Some(first) = named.next() {
        if named.peek().is_some() && is_publisher_like(&first) {
            header.publisher = Some(first);
            header.title = named.next();
        } else {
            header.title = Some(first);
        }
    }
    // A sentence before the date line is a standfirst, not a deck.
    let (decks, lead): (Vec<String>, Vec<String>) = named.partition(|l| is_heading_like(l));
    header.decks = decks;
    header.lead = lead;
    (header, body)
}

/// Comparison key for header lines: title repeats differ at most in
/// apostrophes, spaces and case.
fn key(line: &str) -> String {
    normalize::fold_for_matching(line)
}

/// A site or agency name: a few words, no final punctuation.
fn is_publisher_like(line: &str) -> bool {
    line.chars().count() <= 40 && line.split_whitespace().count() <= 4 && !ends_sentence(line)
}

/// `Par Jean Dupont`, `Par Jean Dupont et Marie Martin, à Bakou`.
fn is_byline(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let first = words.next().is_some_and(|w| w == "Par" || w == "PAR" || w == "By");
    let second = words.next().is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    first && second && line.split_whitespace().count() <= 10 && !ends_sentence(line)
}

/// Splits a block into paragraphs, each a list of lines.
///
/// A hard-wrapped paragraph has lines no longer than the wrap width, and
/// each line but the last is close to it (the next word did not fit). So a
/// line longer than [`MAX_WRAP`] is a paragraph on its own (the scraper
/// wrote one paragraph per line), and a line shorter than 60% of the
/// block's longest wrapped line ends its paragraph (a heading, or the end
/// of a paragraph written without a blank line after it).
fn split_block<'a>(block: &[&'a str]) -> Vec<Vec<&'a str>> {
    let width = block.iter().map(|l| l.chars().count()).filter(|&n| n <= MAX_WRAP).max();
    let mut out = Vec::new();
    let mut current: Vec<&'a str> = Vec::new();
    for line in block {
        let len = line.chars().count();
        if len > MAX_WRAP {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(vec![*line]);
            continue;
        }
        current.push(line);
        if width.is_some_and(|w| len * 10 < w * 6) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Roles of the body paragraphs: a heading-like paragraph is a heading when
/// a body paragraph follows it and no heading-like one precedes it.
fn body_roles(body: &[String]) -> Vec<Role> {
    let like: Vec<bool> = body.iter().map(|p| is_heading_like(p)).collect();
    (0..body.len())
        .map(|i| {
            let this = like.get(i).copied().unwrap_or(false);
            let prev_like = i.checked_sub(1).and_then(|p| like.get(p)).copied().unwrap_or(false);
            let next_body = like.get(i + 1).is_some_and(|next| !next);
            if this && next_body && !prev_like { Role::Heading } else { Role::Body }
        })
        .collect()
}

/// Short, starts like a sentence, and has no final punctuation.
fn is_heading_like(paragraph: &str) -> bool {
    let starts_well = paragraph
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '«' | '"' | '“'));
    starts_well
        && paragraph.chars().count() <= MAX_HEADING_CHARS
        && paragraph.split_whitespace().count() <= MAX_HEADING_WORDS
        && paragraph.chars().any(char::is_alphabetic)
        && !ends_sentence(paragraph)
}

/// Whether `line` ends with sentence punctuation, looking through closing
/// quotes and brackets (`… »`, `."`).
fn ends_sentence(line: &str) -> bool {
    let mut chars = line.trim_end().chars().rev().peekable();
    while chars.peek().is_some_and(|c| {
        matches!(c, '»' | '"' | '”' | '’' | ')' | ']') || *c == normalize::NBSP || c.is_whitespace()
    }) {
        chars.next();
    }
    chars.next().is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | ':' | ';' | ','))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> Article {
        read(Path::new("t.txt"), text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    fn roles(a: &Article) -> Vec<(Role, &str)> {
        a.paragraphs.iter().map(|p| (p.role, p.text.as_str())).collect()
    }

    const BODY: &str =
        "Londres et Bakou ont franchi une nouvelle étape dans leur partenariat stratégique.";

    #[test]
    fn sentence_punctuation() {
        assert!(ends_sentence("Il a signé."));
        assert!(ends_sentence("« Nous signons. »"));
        assert!(ends_sentence("Il a dit \"oui\"."));
        assert!(ends_sentence("Quand ?"));
        assert!(!ends_sentence("Un partenariat stratégique renforcé"));
        assert!(!ends_sentence("Damas dénonce un \"complot\""));
    }

    #[test]
    fn heading_detection() {
        assert!(is_heading_like("Des priorités communes pour la sécurité régionale"));
        assert!(is_heading_like("Axe terroriste"));
        assert!(is_heading_like("2027 : l’échéance"));
        assert!(!is_heading_like("Fin de la réunion."));
        assert!(!is_heading_like("et la suite sans majuscule"));
        assert!(!is_heading_like(BODY));
        assert!(!is_heading_like(&"Mot ".repeat(20)));
        let body: Vec<String> =
            ["Intro.", "Un titre", "Texte.", "Deux", "Lignes", "Texte.", "Fin sans point"]
                .map(String::from)
                .to_vec();
        assert_eq!(
            body_roles(&body),
            [Role::Body, Role::Heading, Role::Body, Role::Body, Role::Body, Role::Body, Role::Body]
        );
    }

    #[test]
    fn hard_wrapped_paragraphs_are_unwrapped() {
        let block = [
            "Londres et Bakou ont franchi une nouvelle étape dans leur partenariat",
            "stratégique. Les ministères de la Défense de l’Azerbaïdjan et du",
            "Royaume-Uni ont signé un plan.",
            "Un partenariat stratégique renforcé",
            "Le Royaume-Uni figure parmi les partenaires européens les plus actifs",
            "en Azerbaïdjan.",
        ];
        let paragraphs = split_block(&block);
        assert_eq!(paragraphs.len(), 3, "{paragraphs:?}");
        assert_eq!(paragraphs.first().map(Vec::len), Some(3));
        let long = "x".repeat(150);
        let one_per_line = ["Axe terroriste", long.as_str(), long.as_str()];
        assert_eq!(split_block(&one_per_line).len(), 3);
    }

    #[test]
    fn header_with_publisher_title_repeats_and_date() {
        let text = format!(
            "Lagazette\n\nTITRE DU JOUR\n\n31 Octobre 2025 15:57 (UTC+01:00)\nTITRE DU JOUR\nTitre du jour\n\n{BODY}\n"
        );
        let a = article(&text);
        assert_eq!(a.publisher.as_deref(), Some("Lagazette"));
        assert_eq!(a.title.as_deref(), Some("TITRE DU JOUR"));
        assert_eq!(a.published.as_deref(), Some("2025-10-31T15:57:00+01:00"));
        assert_eq!(roles(&a), [(Role::Title, "TITRE DU JOUR"), (Role::Body, BODY)]);
        assert!(a.id.starts_with("2025-10-31-titre-jour-"), "{}", a.id);
    }

    #[test]
    fn header_without_date_or_publisher() {
        let a = article(&format!("Le roi de Jordanie appelle Assad à partir\n\n{BODY}\n"));
        assert_eq!(a.publisher, None);
        assert_eq!(a.published, None);
        assert_eq!(a.title.as_deref(), Some("Le roi de Jordanie appelle Assad à partir"));
        let a = article(&format!("AFP\n\nUn titre\n\n{BODY}\n"));
        assert_eq!((a.publisher.as_deref(), a.title.as_deref()), (Some("AFP"), Some("Un titre")));
        let a = article(BODY);
        assert_eq!((a.title, a.paragraphs.len()), (None, 1));
    }

    #[test]
    fn byline_deck_and_body_after_the_date() {
        let text = format!(
            "Le Devoir\n\nUn titre\nUn sous-titre\n\nPar Jean Dupont\n15 novembre 2011\n{BODY}\n\nFin.\n"
        );
        let a = article(&text);
        assert_eq!(a.byline.as_deref(), Some("Par Jean Dupont"));
        assert_eq!(a.published.as_deref(), Some("2011-11-15"));
        assert_eq!(
            roles(&a),
            [
                (Role::Title, "Un titre"),
                (Role::Heading, "Un sous-titre"),
                (Role::Body, BODY),
                (Role::Body, "Fin.")
            ]
        );
    }

    #[test]
    fn a_standfirst_above_the_date_is_body_text() {
        let text = format!(
            "Le Figaro\n\nUn titre\n\nParis s'inquiète des liens entre deux groupes.\n\nPublié le 15/11/2011\n\n{BODY}\n"
        );
        let a = article(&text);
        assert_eq!(a.published.as_deref(), Some("2011-11-15"));
        assert_eq!(
            roles(&a),
            [
                (Role::Title, "Un titre"),
                (Role::Body, "Paris s'inquiète des liens entre deux groupes."),
                (Role::Body, BODY)
            ]
        );
    }

    #[test]
    fn related_article_lists_and_old_mac_line_ends() {
        let text = format!(
            "PressAfrik\r\rQuatre soldats tués\r\r{BODY}\r\rAutres articles\r-\rTchad: un ex-membre accuse\r"
        );
        let a = article(&text);
        assert_eq!(roles(&a), [(Role::Title, "Quatre soldats tués"), (Role::Body, BODY)]);
        assert_eq!(a.meta.get("boilerplate_lines").map(String::as_str), Some("3"));
    }

    #[test]
    fn time_without_offset() {
        let text = format!("Un titre\n\n1er mars 2024 à 9h05\n\n{BODY}\n");
        let a = article(&text);
        assert_eq!(a.published.as_deref(), Some("2024-03-01"));
        assert_eq!(a.meta.get("published_local_time").map(String::as_str), Some("09:05"));
        let options = ReadOptions::default().with_utc_offset_minutes(Some(60));
        let a = read(Path::new("t.txt"), text.as_bytes(), &options).unwrap();
        assert_eq!(a.published.as_deref(), Some("2024-03-01T09:05:00+01:00"));
        assert_eq!(a.meta.get("published_local_time"), None);
    }

    #[test]
    fn same_text_in_another_encoding_gives_the_same_id() {
        let text = format!("Le Figaro\n\nDu Sahara au Nigeria\n\n15 novembre 2011\n\n{BODY}\n");
        let utf8 = article(&text);
        let crlf = text.replace('\n', "\r\n");
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&crlf);
        let other = read(Path::new("t.txt"), &cp1252, &ReadOptions::default()).unwrap();
        assert_eq!(other.meta.get("encoding").map(String::as_str), Some("windows-1252"));
        assert_eq!(utf8.meta.get("encoding").map(String::as_str), Some("utf-8"));
        assert_eq!(utf8.id, other.id);
        assert_eq!(utf8.paragraphs, other.paragraphs);
    }
}
