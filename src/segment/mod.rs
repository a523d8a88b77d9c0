//! Segment stage: paragraphs in, sentences out.
//!
//! Input: an [`Article`] whose paragraphs hold normalised text. Output: the
//! same article with every paragraph's `segments` filled, ids `p3.s1`, ...
//! Guarantees: the segments of a paragraph, joined with single spaces, give
//! back the paragraph text (when sentences are separated by single spaces);
//! no segment is empty; no input makes the segmenter panic.
//!
//! Sentences are found with SRX-style rules: break and no-break rules, each
//! a pair of regexes for the text before and after a candidate position,
//! tried in order until one matches (the French set is in `fr.srx`).

mod srx;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::model::{Article, Segment};

/// The French rules, shipped with the crate.
const FRENCH_SRX: &str = include_str!("fr.srx");

/// How far back (in bytes) a `beforebreak` pattern may look. Bounds the
/// work per candidate position, so segmentation stays linear in the text.
const MAX_LOOKBEHIND: usize = 160;

/// The same for a `beforebreak` starting with `^`, which must see the
/// paragraph from its start (to count quotes, for instance); such a rule
/// does not apply further than this into a paragraph.
const MAX_ANCHORED_LOOKBEHIND: usize = 4096;

/// Errors from loading segmentation rules.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rule file is not well-formed XML.
    #[error("{origin}:{line}: invalid SRX document (fix the XML markup)")]
    Xml {
        /// File name or other label of the rules.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// What the XML reader found.
        #[source]
        source: crate::XmlError,
    },
    /// The document has no `<languagerule>` with the requested name.
    #[error("{origin}: no languagerule named `{name}` (check languagerulename)")]
    MissingLanguageRule {
        /// File name or other label of the rules.
        origin: String,
        /// The language rule that was asked for.
        name: String,
    },
    /// A pattern is not a valid Rust regex.
    #[error("{origin}:{line}: invalid {part} pattern (use Rust regex syntax, without look-around)")]
    Regex {
        /// File name or other label of the rules.
        origin: String,
        /// 1-based line of the `<rule>` tag.
        line: usize,
        /// `beforebreak` or `afterbreak`.
        part: &'static str,
        /// The regex compiler's message.
        #[source]
        source: regex::Error,
    },
}

/// One compiled rule. `None` stands for an empty pattern, which always matches.
#[derive(Debug, Clone)]
struct Rule {
    brk: bool,
    /// `beforebreak`, anchored at its end (`(?:…)$`).
    before: Option<Regex>,
    /// How far back `before` may look.
    lookbehind: usize,
    /// For a `beforebreak` starting with `^`: the same pattern without the
    /// anchor, a necessary condition that fails fast near the position, so
    /// the paragraph is scanned from its start only when it may match.
    prefilter: Option<Regex>,
    /// `afterbreak`, anchored at its start (`^(?:…)`).
    after: Option<Regex>,
}

#[derive(Debug, Clone)]
struct Rules {
    rules: Vec<Rule>,
    /// Unanchored `beforebreak` patterns of the break rules: a break can only
    /// happen where one of them ends, so only those positions are examined.
    candidates: Vec<Regex>,
    /// A break rule has an empty `beforebreak`: every position is a candidate.
    every_position: bool,
}

/// A French sentence splitter.
///
/// Cheap to clone (the compiled rules are shared).
#[derive(Debug, Clone)]
pub struct Segmenter {
    rules: Arc<Rules>,
}

static FRENCH: LazyLock<Segmenter> = LazyLock::new(|| {
    #[expect(clippy::expect_used, reason = "the built-in rules are checked by the unit tests")]
    Segmenter::from_srx(FRENCH_SRX, "src/segment/fr.srx", "French")
        .expect("built-in French SRX rules compile")
});

impl Default for Segmenter {
    fn default() -> Self {
        Self::french()
    }
}

impl Segmenter {
    /// The rule set for French news.
    pub fn french() -> Self {
        FRENCH.clone()
    }

    /// Builds a segmenter from the `<languagerule>` named `language_rule` of
    /// an SRX 2.0 document. `origin` names the document in error messages.
    ///
    /// Patterns use the syntax of the `regex` crate (no look-around, no
    /// back-references); each one is compiled on its own, so capture groups
    /// in a rule cannot shift the groups of another.
    pub fn from_srx(srx: &str, origin: &str, language_rule: &str) -> Result<Self, Error> {
        let specs = srx::parse(srx, origin, language_rule)?;
        let mut rules = Vec::with_capacity(specs.len());
        let mut candidates = Vec::new();
        let mut every_position = false;
        for spec in specs {
            let compile = |pattern: String, part: &'static str| {
                Regex::new(&pattern).map_err(|source| Error::Regex {
                    origin: origin.to_owned(),
                    line: spec.line,
                    part,
                    source,
                })
            };
            let before = if spec.before.is_empty() {
                None
            } else {
                Some(compile(format!("(?:{})$", spec.before), "beforebreak")?)
            };
            let after = if spec.after.is_empty() {
                None
            } else {
                Some(compile(format!("^(?:{})", spec.after), "afterbreak")?)
            };
            if spec.brk {
                if spec.before.is_empty() {
                    every_position = true;
                } else {
                    candidates.push(compile(format!("(?:{})", spec.before), "beforebreak")?);
                }
            }
            let (lookbehind, prefilter) = match spec.before.strip_prefix('^') {
                Some(rest) => {
                    (MAX_ANCHORED_LOOKBEHIND, Some(compile(format!("(?:{rest})$"), "beforebreak")?))
                }
                None => (MAX_LOOKBEHIND, None),
            };
            rules.push(Rule { brk: spec.brk, before, lookbehind, prefilter, after });
        }
        Ok(Self { rules: Arc::new(Rules { rules, candidates, every_position }) })
    }

    /// Splits `text` into trimmed sentences.
    ///
    /// The sentences are in order, none is empty, and each is a slice of
    /// `text`, so its offset is `s.as_ptr() - text.as_ptr()`.
    pub fn split<'a>(&self, text: &'a str) -> Vec<&'a str> {
        let breaks = self.breaks(text);
        let mut out = Vec::with_capacity(breaks.len() + 1);
        let mut start = 0;
        for end in breaks.into_iter().chain(std::iter::once(text.len())) {
            if let Some(sentence) = text.get(start..end).map(str::trim)
                && !sentence.is_empty()
            {
                out.push(sentence);
            }
            start = end;
        }
        out
    }

    /// Byte offsets, in increasing order, where a sentence ends.
    fn breaks(&self, text: &str) -> Vec<usize> {
        let rules = self.local_rules();
        let rules = &*rules;
        let mut positions: Vec<usize> = if rules.every_position {
            text.char_indices().map(|(i, _)| i).skip(1).collect()
        } else {
            let mut found = Vec::new();
            for re in &rules.candidates {
                found.extend(re.find_iter(text).map(|m| m.end()));
            }
            if rules.candidates.len() > 1 {
                found.sort_unstable();
                found.dedup();
            }
            found
        };
        positions.retain(|&p| p > 0 && p < text.len() && Self::is_break(rules, text, p));
        positions
    }

    /// This thread's copy of the rules. A regex used from several threads
    /// lends its scratch space through a lock to every thread but the
    /// first, and a paragraph asks the rules a few dozen questions; a copy
    /// per thread (the compiled programs stay shared) asks without one.
    fn local_rules(&self) -> Rc<Rules> {
        thread_local! {
            /// The rules last used on this thread, and the shared ones
            /// they copy (held, so the pointer stays theirs).
            static LOCAL: RefCell<Option<(Arc<Rules>, Rc<Rules>)>> = const { RefCell::new(None) };
        }
        LOCAL.with(|slot| {
            let mut slot = slot.borrow_mut();
            match &*slot {
                Some((shared, local)) if Arc::ptr_eq(shared, &self.rules) => Rc::clone(local),
                _ => {
                    let local = Rc::new(Rules::clone(&self.rules));
                    *slot = Some((Arc::clone(&self.rules), Rc::clone(&local)));
                    local
                }
            }
        })
    }

    /// Applies the rule cascade of `rules` at byte offset `pos`: the first
    /// rule whose two patterns match decides; no match means no break.
    fn is_break(rules: &Rules, text: &str, pos: usize) -> bool {
        let (Some(head), Some(tail)) = (text.get(..pos), text.get(pos..)) else {
            return false;
        };
        for rule in &rules.rules {
            if rule.after.as_ref().is_some_and(|re| !re.is_match(tail)) {
                continue;
            }
            if let Some(re) = &rule.prefilter
                && !re.is_match_at(head, window_start(head, pos, rule.lookbehind))
            {
                continue;
            }
            if let Some(re) = &rule.before {
                let from = window_start(head, pos, rule.lookbehind);
                // `is_match_at` keeps the text before `from` as context, so
                // `^` and `\b` still see the real paragraph start and word edges.
                if !re.is_match_at(head, from) {
                    continue;
                }
            }
            return rule.brk;
        }
        false
    }
}

/// The first char boundary of `text` at most `len` bytes before `pos`.
fn window_start(text: &str, pos: usize, len: usize) -> usize {
    let mut from = pos.saturating_sub(len);
    while from < pos && !text.is_char_boundary(from) {
        from += 1;
    }
    from
}

/// Fills the segments of every paragraph of `article`.
pub fn segment_article(segmenter: &Segmenter, article: &mut Article) {
    for para in &mut article.paragraphs {
        para.segments = segmenter
            .split(&para.text)
            .into_iter()
            .enumerate()
            .map(|(i, s)| Segment::new(format!("{}.s{}", para.id, i + 1), s))
            .collect();
    }
}

#[cfg(test)]
mod tests;
