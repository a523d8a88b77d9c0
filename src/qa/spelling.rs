//! British or American spelling, per target locale (`spelling`).
//!
//! An en-US target should write "defense", "program", "organize", "center",
//! "armor", "traveled"; an en-GB one "defence", "programme", "organise",
//! "centre", "armour", "travelled". Engines mix them (DeepL and Google
//! often ignore the region; a memory filled for one locale serves another).
//! The check reports, as a warning, each word of the other standard, from
//! the word lists of [`crate::lang::en::respell`]; with `[qa]
//! localise_spelling = true` the pipeline first rewrites them with
//! [`localise`].
//!
//! Names keep their own spelling: "Ministry of Defence" in an en-US text
//! and "Department of Defense" in an en-GB one are right. So a word is
//! left alone when it is
//! - capitalised inside a sentence (part of a name: "the Defence
//!   Secretary", "Labour"), or at its start followed by another capitalised
//!   word ("Defence Secretary Ben Wallace said");
//! - written in capitals (acronyms, headlines);
//! - inside a rendering the glossary expects for this locale, or inside a
//!   do-not-translate term of the segment's hits;
//! - inside quotation marks around a name (every word of four letters or
//!   more capitalised: «"Centre for Strategic Studies"»).

use crate::lang::en::{self, Spelling};
use crate::model::{Article, CheckId, QaIssue, Segment, Severity};

use super::Check;
use super::text::{self, Word};

/// The `spelling` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpellingCheck;

impl SpellingCheck {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

impl Check for SpellingCheck {
    fn id(&self) -> CheckId {
        CheckId::Spelling
    }

    fn check(&self, segment: &Segment, target_lang: &str) -> Vec<QaIssue> {
        let (Some(target), Some(spelling)) = (text::target(segment), Spelling::of(target_lang))
        else {
            return Vec::new();
        };
        let other = match spelling {
            Spelling::British => Spelling::American,
            Spelling::American => Spelling::British,
        };
        let mut out: Vec<QaIssue> = Vec::new();
        for found in findings(segment, target, spelling) {
            let message = format!(
                "{:?} is {} spelling; {target_lang} writes {:?}",
                found.written,
                other.name(),
                found.replacement
            );
            if !out.iter().any(|i| i.message == message) {
                out.push(text::issue(CheckId::Spelling, Severity::Warning, message, None));
            }
        }
        out
    }
}

/// A word of the other standard in a target.
struct Finding {
    start: usize,
    end: usize,
    written: String,
    replacement: String,
}

/// The words of `target` spelt the other standard's way, names left out.
fn findings(segment: &Segment, target: &str, spelling: Spelling) -> Vec<Finding> {
    let words = text::words(target);
    let protected = protected_spans(segment, target, &words);
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(replacement) = en::respell(word.text, spelling) else { continue };
        if word.is_all_caps()
            || is_name(target, &words, i)
            || protected.iter().any(|&(a, b)| a <= word.start && word.end <= b)
        {
            continue;
        }
        out.push(Finding {
            start: word.start,
            end: word.end,
            written: word.text.to_string(),
            replacement,
        });
    }
    out
}

/// True when the capitalised word `i` is part of a name (see the module
/// docs).
fn is_name(target: &str, words: &[Word<'_>], i: usize) -> bool {
    let Some(word) = words.get(i) else { return false };
    if !word.is_capitalised() {
        return false;
    }
    if !starts_sentence(target, word.start) {
        return true;
    }
    words
        .get(i + 1)
        .is_some_and(|next| next.is_capitalised() && text::spaced(target, words, i, i + 1))
}

/// True when nothing but quotes and brackets stand between the start of
/// the text or the end of the previous sentence and byte `at`.
fn starts_sentence(target: &str, at: usize) -> bool {
    let before = target.get(..at).unwrap_or_default();
    let before = before.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '"' | '\'' | '“' | '‘' | '«' | '(' | '[' | '\u{2014}' | '-')
    });
    before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '»', '”'])
}

/// Byte spans where the spelling is someone else's: the glossary's
/// renderings and do-not-translate terms of the segment's hits, and quoted
/// names.
fn protected_spans(segment: &Segment, target: &str, words: &[Word<'_>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for hit in &segment.terms {
        for rendering in text::renderings(hit) {
            for (s, e) in text::find(words, rendering) {
                if let (Some(a), Some(b)) = (words.get(s), words.get(e.saturating_sub(1))) {
                    out.push((a.start, b.end));
                }
            }
        }
    }
    out.extend(quoted_names(target));
    out
}

/// Spans of quotations whose words of four letters or more are all
/// capitalised.
fn quoted_names(target: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (open, close) in [('"', '"'), ('“', '”'), ('«', '»'), ('‘', '’')] {
        let mut from = 0;
        while let Some(a) = target.get(from..).and_then(|r| r.find(open)) {
            let start = from + a + open.len_utf8();
            let Some(b) = target.get(start..).and_then(|r| r.find(close)) else { break };
            let end = start + b;
            let inner = target.get(start..end).unwrap_or_default();
            let long: Vec<Word<'_>> =
                text::words(inner).into_iter().filter(|w| w.text.chars().count() >= 4).collect();
            if !long.is_empty() && long.iter().all(Word::is_capitalised) {
                out.push((start, end));
            }
            from = end + close.len_utf8();
        }
    }
    out
}

/// Rewrites the other standard's spellings in `target` to the spelling of
/// `target_lang` (the names of the module docs kept); `None` when there is
/// nothing to change or the locale has no spelling standard.
pub fn localise_text(segment: &Segment, target_lang: &str) -> Option<String> {
    let target = text::target(segment)?;
    let spelling = Spelling::of(target_lang)?;
    let found = findings(segment, target, spelling);
    if found.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(target.len());
    let mut at = 0;
    for f in found {
        out.push_str(target.get(at..f.start)?);
        out.push_str(&f.replacement);
        at = f.end;
    }
    out.push_str(target.get(at..)?);
    Some(out)
}

/// Rewrites every target of `article` to the spelling of `target_lang`
/// (see [`localise_text`]); returns how many segments changed.
pub fn localise(article: &mut Article, target_lang: &str) -> usize {
    let mut changed = 0;
    for seg in article.paragraphs.iter_mut().flat_map(|p| p.segments.iter_mut()) {
        if let Some(new) = localise_text(seg, target_lang) {
            seg.target = Some(new);
            changed += 1;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::tests::hit;

    fn seg(target: &str) -> Segment {
        let mut seg = Segment::new("p1.s1", "s");
        seg.target = Some(target.into());
        seg
    }

    fn run(target: &str, lang: &str) -> Vec<String> {
        SpellingCheck.check(&seg(target), lang).into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn other_standard_is_reported() {
        assert_eq!(
            run("The defence programme was organised.", "en-US"),
            [
                "\"defence\" is British spelling; en-US writes \"defense\"",
                "\"programme\" is British spelling; en-US writes \"program\"",
                "\"organised\" is British spelling; en-US writes \"organized\"",
            ]
        );
        assert_eq!(
            run("Armored vehicles traveled to the center.", "en-GB"),
            [
                "\"Armored\" is American spelling; en-GB writes \"Armoured\"",
                "\"traveled\" is American spelling; en-GB writes \"travelled\"",
                "\"center\" is American spelling; en-GB writes \"centre\"",
            ]
        );
        assert!(run("The defense program was organized.", "en-US").is_empty());
        assert!(run("The defence programme was organised.", "en-GB").is_empty());
        assert!(run("The defence programme.", "de-DE").is_empty());
        assert!(run("The defence programme.", "en").is_empty());
    }

    #[test]
    fn names_are_kept() {
        for name in [
            "The Ministry of Defence said so.",
            "The Department of Defense said so.",
            "Defence Secretary Ben Wallace said so.",
            "the Labour party and the Pentagon's Defense Intelligence Agency",
            "a report by the \"Centre for Strategic Studies\" said",
            "DEFENCE BUDGET RISES",
        ] {
            assert!(run(name, "en-US").is_empty() && run(name, "en-GB").is_empty(), "{name}");
        }
        // A capitalised word that starts a sentence is not a name.
        assert_eq!(run("Defence spending rose.", "en-US").len(), 1);
        assert_eq!(run("He said. Defense spending rose.", "en-GB").len(), 1);
    }

    #[test]
    fn glossary_renderings_and_dnt_terms_are_kept() {
        let mut s = seg("the defence ministry and the centre-right");
        s.terms = vec![hit("ministère de la Défense", "defence ministry", &[])];
        let found: Vec<String> =
            SpellingCheck.check(&s, "en-US").into_iter().map(|i| i.message).collect();
        assert_eq!(found, ["\"centre\" is British spelling; en-US writes \"center\""]);
        let mut s = seg("cited by the defence blog");
        let mut d = hit("defence blog", "defence blog", &[]);
        d.do_not_translate = true;
        d.expected = None;
        s.terms = vec![d];
        assert!(SpellingCheck.check(&s, "en-US").is_empty());
    }

    #[test]
    fn localise_rewrites_with_the_same_exceptions() {
        let s = seg("Defence spending: the Ministry of Defence's programme was organised, \
                     travelling to the centre of the \"Centre for Defence Studies\".");
        assert_eq!(
            localise_text(&s, "en-US").as_deref(),
            Some(
                "Defense spending: the Ministry of Defence's program was organized, \
                 traveling to the center of the \"Centre for Defence Studies\"."
            )
        );
        assert_eq!(localise_text(&s, "en-GB"), None);
        assert_eq!(
            localise_text(&seg("armored units"), "en-AU").as_deref(),
            Some("armoured units")
        );
        let mut a = Article::default();
        let mut p = crate::model::Paragraph::new("p1", crate::model::Role::Body, "x");
        p.segments = vec![seg("the defence centre"), seg("no change"), Segment::new("p1.s3", "y")];
        a.paragraphs.push(p);
        assert_eq!(localise(&mut a, "en-US"), 1);
        assert_eq!(a.paragraphs[0].segments[0].target.as_deref(), Some("the defense center"));
    }
}
