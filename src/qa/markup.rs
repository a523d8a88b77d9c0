//! Placeholders and markup left in the target (`leftover_markup`).
//!
//! Terminology enforcement sends terms to engines as placeholders
//! (`GLOSSTERM1`) or inside markup (DeepL `<dnt>`, Azure
//! `<mstrans:dictionary translation="...">`, Google `<span
//! class="notranslate">`), and CAT tools add inline codes (`<x id="1"/>`,
//! `<g id="1">`, `<ph>`). When the engine mangles one, the restore step can
//! leave it in the text. The check reports, as an error, every placeholder
//! (`GLOSSTERM` and digits, in any case) and every tag of those kinds (or
//! their escaped forms, `&lt;dnt&gt;`) found in the target but not in the
//! source. Any target language.

use crate::model::{CheckId, QaIssue, Segment, Severity};

use super::Check;
use super::text;

/// The `leftover_markup` check.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeftoverMarkup;

impl LeftoverMarkup {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

/// Tag names that never belong in a news sentence: enforcement markup,
/// XLIFF and TMX inline codes, and the HTML an engine may return.
const TAGS: &[&str] = &[
    "dnt",
    "mstrans:dictionary",
    "span",
    "x",
    "g",
    "ph",
    "bpt",
    "ept",
    "bx",
    "ex",
    "it",
    "mrk",
    "pc",
    "sc",
    "ec",
    "notranslate",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "br",
    "p",
    "div",
    "a",
    "sup",
    "sub",
];

const PLACEHOLDER: &str = "glossterm";

impl Check for LeftoverMarkup {
    fn id(&self) -> CheckId {
        CheckId::LeftoverMarkup
    }

    fn check(&self, segment: &Segment, _target_lang: &str) -> Vec<QaIssue> {
        let Some(target) = text::target(segment) else { return Vec::new() };
        let source = segment.source.to_lowercase();
        let mut found: Vec<String> = Vec::new();
        for item in placeholders(target).into_iter().chain(tags(target)) {
            if !source.contains(&item.to_lowercase()) && !found.contains(&item) {
                found.push(item);
            }
        }
        found
            .into_iter()
            .map(|item| {
                text::issue(
                    CheckId::LeftoverMarkup,
                    Severity::Error,
                    format!("{item:?} left in the target (a placeholder or markup of the engine)"),
                    None,
                )
            })
            .collect()
    }
}

/// `GLOSSTERM12`, in any case, as written.
fn placeholders(target: &str) -> Vec<String> {
    let lower = target.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find(PLACEHOLDER)) {
        let start = from + at;
        let digits_at = start + PLACEHOLDER.len();
        let digits = lower
            .get(digits_at..)
            .map_or(0, |rest| rest.bytes().take_while(u8::is_ascii_digit).count());
        if digits > 0
            && let Some(written) = target.get(start..digits_at + digits)
        {
            out.push(written.to_string());
        }
        from = digits_at;
    }
    out
}

/// Tags of [`TAGS`] as written, up to their name (`<dnt>`, `</dnt>`,
/// `<mstrans:dictionary`, `<span class="notranslate">`, `&lt;dnt&gt;`).
fn tags(target: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [("<", '>'), ("&lt;", ';')] {
        let mut from = 0;
        while let Some(at) = target.get(from..).and_then(|rest| rest.find(open)) {
            let start = from + at;
            from = start + open.len();
            let Some(rest) = target.get(from..) else { break };
            let name_part = rest.strip_prefix('/').unwrap_or(rest);
            let name: String = name_part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
                .collect();
            let after = name_part.get(name.len()..).unwrap_or_default();
            let ends_name = after.is_empty()
                || after.starts_with([' ', '>', '/'])
                || (open == "&lt;" && after.starts_with("&gt;"));
            if name.is_empty() || !ends_name || !TAGS.contains(&name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            // The whole tag when it closes within the next 80 bytes, else
            // its opening up to the name.
            let end_of_name = from + (rest.len() - name_part.len()) + name.len();
            let tail = target.get(end_of_name..).unwrap_or_default();
            let closing = match open {
                "<" => tail.find(close).map(|e| e + 1),
                _ => tail.find("&gt;").map(|e| e + 4),
            };
            let end = closing.filter(|e| *e <= 80).map_or(end_of_name, |e| end_of_name + e);
            if let Some(written) = target.get(start..end) {
                out.push(written.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str, target: &str) -> Vec<String> {
        let mut seg = Segment::new("p1.s1", source);
        seg.target = Some(target.into());
        LeftoverMarkup.check(&seg, "en-GB").into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn placeholders_and_tags_are_reported() {
        assert_eq!(
            run("Le ministère", "The GLOSSTERM1 said."),
            ["\"GLOSSTERM1\" left in the target (a placeholder or markup of the engine)"]
        );
        assert_eq!(run("x", "The Glossterm12 said.").len(), 1);
        assert_eq!(run("x", "The <dnt>Caliber.Az</dnt> site").len(), 2);
        assert_eq!(
            run("x", r#"the <mstrans:dictionary translation="NATO">OTAN</mstrans:dictionary>"#)
                .len(),
            2
        );
        assert_eq!(run("x", r#"the <span class="notranslate">NATO</span> said"#).len(), 2);
        assert_eq!(run("x", r#"the <x id="1"/> minister"#).len(), 1);
        assert_eq!(run("x", "the &lt;dnt&gt;NATO&lt;/dnt&gt; said").len(), 2);
    }

    #[test]
    fn text_and_source_markup_pass() {
        assert!(run("x", "The glossterm is a word; 3 < 4 and a <b>").len() == 1);
        assert!(run("x", "Prices rose 3 <5 percent, GLOSSTERMS aside.").is_empty());
        assert!(run("le <b>ministre</b>", "the <b>minister</b>").is_empty());
    }
}
