//! Reads the rules of one `<languagerule>` from an SRX 2.0 document.
//!
//! Only what the segmenter uses is read: `<rule break="yes|no">` with its
//! `<beforebreak>` and `<afterbreak>` patterns, in document order. Header
//! options and `<maprules>` are ignored: the caller names the language rule.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Error;

/// One rule as written in the SRX file, before compilation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleSpec {
    /// `break="yes"` (the default in SRX) or `break="no"`.
    pub(crate) brk: bool,
    /// Pattern that must match the text ending at the break position.
    pub(crate) before: String,
    /// Pattern that must match the text starting at the break position.
    pub(crate) after: String,
    /// 1-based line of the `<rule>` tag, for error messages.
    pub(crate) line: usize,
}

/// Which pattern element the reader is inside.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    None,
    Before,
    After,
}

/// Returns the rules of the language rule named `name`, in order.
pub(crate) fn parse(xml: &str, origin: &str, name: &str) -> Result<Vec<RuleSpec>, Error> {
    let mut reader = Reader::from_str(xml);
    let mut rules = Vec::new();
    let mut found = false;
    let mut in_lang = false;
    let mut current: Option<RuleSpec> = None;
    let mut part = Part::None;

    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|source| Error::Xml {
            origin: origin.to_owned(),
            line: line_of(xml, usize::try_from(reader.error_position()).unwrap_or(0)),
            source: crate::XmlError(source),
        })?;
        let (start, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "languagerule" => in_lang = false,
                    "rule" => rules.extend(current.take()),
                    "beforebreak" | "afterbreak" => part = Part::None,
                    _ => {}
                }
                continue;
            }
            Event::Text(t) => {
                push(&mut current, part, &t.xml10_content());
                continue;
            }
            Event::CData(t) => {
                push(&mut current, part, &t);
                continue;
            }
            Event::GeneralRef(r) => {
                if let Some(c) = resolve(&r) {
                    push(&mut current, part, c.encode_utf8(&mut [0; 4]));
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match start.local_name().as_ref() {
            "languagerule" => {
                let rule_name = start
                    .try_get_attribute("languagerulename")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                in_lang = rule_name == name && !empty;
                found |= rule_name == name;
            }
            "rule" if in_lang => {
                // SRX: a rule without `break` is a break rule.
                let brk = start
                    .try_get_attribute("break")
                    .ok()
                    .flatten()
                    .is_none_or(|a| a.value.trim() != "no");
                let rule = RuleSpec {
                    brk,
                    before: String::new(),
                    after: String::new(),
                    line: line_of(xml, pos),
                };
                if empty {
                    rules.push(rule);
                } else {
                    current = Some(rule);
                }
            }
            "beforebreak" if current.is_some() && !empty => part = Part::Before,
            "afterbreak" if current.is_some() && !empty => part = Part::After,
            _ => {}
        }
    }
    if found {
        Ok(rules)
    } else {
        Err(Error::MissingLanguageRule { origin: origin.to_owned(), name: name.to_owned() })
    }
}

/// Appends pattern text to the element being read.
fn push(current: &mut Option<RuleSpec>, part: Part, text: &str) {
    if let Some(rule) = current {
        match part {
            Part::Before => rule.before.push_str(text),
            Part::After => rule.after.push_str(text),
            Part::None => {}
        }
    }
}

/// The character an entity or character reference stands for.
fn resolve(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        _ => match r.as_ref() {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
    }
}

/// 1-based line number of byte offset `pos` in `text`.
fn line_of(text: &str, pos: usize) -> usize {
    crate::lines::line_of(text.as_bytes(), pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<srx version="2.0"><body><languagerules>
<languagerule languagerulename="Other"><rule><beforebreak>x</beforebreak></rule></languagerule>
<languagerule languagerulename="French">
  <rule break="no">
    <beforebreak>\bM\.\s+</beforebreak>
    <afterbreak/>
  </rule>
  <rule break="yes"><beforebreak>[.!?]&amp;\s+</beforebreak><afterbreak><![CDATA[<\p{Lu}]]></afterbreak></rule>
  <rule/>
</languagerule>
</languagerules></body></srx>"#;

    #[test]
    fn reads_rules_of_the_named_language_in_order() {
        let rules = parse(DOC, "test.srx", "French").unwrap();
        assert_eq!(rules.len(), 3);
        assert!(!rules[0].brk);
        assert_eq!(rules[0].before, r"\bM\.\s+");
        assert_eq!(rules[0].after, "");
        assert_eq!(rules[0].line, 5);
        assert!(rules[1].brk);
        assert_eq!(rules[1].before, r"[.!?]&\s+");
        assert_eq!(rules[1].after, r"<\p{Lu}");
        assert!(rules[2].brk);
        assert_eq!(rules[2].before, "");
    }

    #[test]
    fn missing_language_rule_is_an_error() {
        let err = parse(DOC, "test.srx", "German").unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.srx: no languagerule named `German` (check languagerulename)"
        );
    }

    #[test]
    fn malformed_xml_is_an_error() {
        let err =
            parse("<srx><languagerule languagerulename=\"French\">\n</srx>", "bad.srx", "French")
                .unwrap_err();
        assert!(err.to_string().starts_with("bad.srx:2: "), "{err}");
    }
}
