//! TBX reader (ISO 30042): TBX-Basic / TBX 2008 (`martif`, `termEntry`,
//! `langSet`, `tig`) and TBX-Core 2019 (`tbx`, `conceptEntry`, `langSec`,
//! `termSec`).
//!
//! Data categories read: `subjectField` (the domain), entry-level `note`,
//! `administrativeStatus` (`preferredTerm-admn-sts`, `admittedTerm-admn-sts`,
//! `deprecatedTerm-admn-sts` or `supersededTerm-admn-sts` = forbidden),
//! `usageNote`, and the matching rules of this project, written as
//! private data categories (`x-` prefix, as TBX allows):
//! `x-doNotTranslate`, `x-ambiguous`, `x-contextRequires`,
//! `x-contextExcludes` (values separated by `|`), `x-acronym`,
//! `x-insertions` and `x-noun` (`yes`), and `x-source` (where the concept comes from).

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::{Entry, Error, Status, Target};
use crate::xml;

/// What the text being collected will become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Domain,
    EntryNote,
    Term,
    Status,
    TermNote,
    Dnt,
    Ambiguous,
    Requires,
    Excludes,
    Acronym,
    Insertions,
    Noun,
    Source,
    Article,
    Plural,
}

struct TermBuild {
    text: String,
    status: Option<Status>,
    note: Option<String>,
    line: usize,
    no_article: bool,
    plural: Option<String>,
}

/// Parses `text` (the content of `path`) and appends its concepts.
pub(crate) fn parse(path: &Path, text: &str, out: &mut Vec<Entry>) -> Result<(), Error> {
    let mut reader = Reader::from_str(text);
    let mut lines = crate::lines::LineCounter::new(text);
    let mut source_lang = "fr".to_string();
    let mut entry: Option<Entry> = None;
    let mut lang: Option<String> = None;
    let mut term: Option<TermBuild> = None;
    let mut field: Option<(Field, String)> = None;
    let invalid =
        |line: usize, message: String| Error::Invalid { path: path.to_path_buf(), line, message };
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|source| Error::Xml {
            path: path.to_path_buf(),
            line: lines.line(
                usize::try_from(reader.error_position()).unwrap_or(usize::MAX).min(text.len()),
            ),
            source: crate::XmlError(source),
        })?;
        let line = lines.line(before.min(text.len()));
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "martif" | "tbx" => {
                        if let Some(l) = attr(&e, "xml:lang") {
                            source_lang = l.to_ascii_lowercase();
                        }
                    }
                    "termEntry" | "conceptEntry" => {
                        let id = attr(&e, "id").unwrap_or_else(|| format!("line-{line}"));
                        entry = Some(Entry {
                            id,
                            domain: String::new(),
                            sources: Vec::new(),
                            targets: Vec::new(),
                            do_not_translate: false,
                            ambiguous: false,
                            requires: Vec::new(),
                            excludes: Vec::new(),
                            acronym: false,
                            insertions: false,
                            noun: false,
                            origin: None,
                            house: false,
                            note: None,
                            path: path.to_path_buf(),
                            line,
                        });
                    }
                    "langSet" | "langSec" => {
                        let Some(l) = attr(&e, "xml:lang") else {
                            return Err(invalid(
                                line,
                                "language section without xml:lang (add xml:lang=\"en-GB\")".into(),
                            ));
                        };
                        lang = Some(l);
                    }
                    "tig" | "ntig" | "termSec" => {
                        term = Some(TermBuild {
                            text: String::new(),
                            status: None,
                            note: None,
                            line,
                            no_article: false,
                            plural: None,
                        });
                    }
                    "term" => field = Some((Field::Term, String::new())),
                    "descrip" | "admin" | "termNote" | "note" => {
                        let kind = attr(&e, "type");
                        let f = match (name.as_ref(), kind.as_deref()) {
                            (_, Some("subjectField")) => Some(Field::Domain),
                            (_, Some("administrativeStatus" | "normativeAuthorization")) => {
                                Some(Field::Status)
                            }
                            (_, Some("usageNote")) => Some(Field::TermNote),
                            (_, Some("x-doNotTranslate")) => Some(Field::Dnt),
                            (_, Some("x-ambiguous")) => Some(Field::Ambiguous),
                            (_, Some("x-contextRequires")) => Some(Field::Requires),
                            (_, Some("x-contextExcludes")) => Some(Field::Excludes),
                            (_, Some("x-acronym")) => Some(Field::Acronym),
                            (_, Some("x-insertions")) => Some(Field::Insertions),
                            (_, Some("x-noun")) => Some(Field::Noun),
                            (_, Some("x-source")) => Some(Field::Source),
                            ("termNote", Some("x-article")) => Some(Field::Article),
                            ("termNote", Some("x-plural")) => Some(Field::Plural),
                            ("note", _) if term.is_some() => Some(Field::TermNote),
                            ("note", _) => Some(Field::EntryNote),
                            _ => None,
                        };
                        field = f.map(|f| (f, String::new()));
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some((_, buf)) = field.as_mut() {
                    buf.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, buf)) = field.as_mut() {
                    buf.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, buf)) = field.as_mut() {
                    match xml::entity(&r, xml::no_extra).ok().flatten() {
                        Some(found) => found.push_to(buf),
                        None => {
                            return Err(invalid(
                                line,
                                format!("unknown entity &{}; (use a character instead)", &*r),
                            ));
                        }
                    }
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "term" | "descrip" | "admin" | "termNote" | "note" => {
                        if let Some((f, value)) = field.take() {
                            apply(f, value.trim(), entry.as_mut(), term.as_mut())
                                .map_err(|m| invalid(line, m))?;
                        }
                    }
                    "tig" | "ntig" | "termSec" => {
                        let (Some(t), Some(e), Some(l)) = (term.take(), entry.as_mut(), &lang)
                        else {
                            continue;
                        };
                        if t.text.is_empty() {
                            return Err(invalid(t.line, "empty <term> (write the term)".into()));
                        }
                        let is_source = l.to_ascii_lowercase() == source_lang
                            || l.to_ascii_lowercase().starts_with(&format!("{source_lang}-"));
                        if is_source {
                            if t.status != Some(Status::Forbidden) {
                                e.sources.push(t.text);
                            }
                        } else {
                            e.targets.push(Target {
                                locale: l.clone(),
                                term: t.text,
                                status: t.status.unwrap_or(Status::Preferred),
                                note: t.note,
                                line: t.line,
                                no_article: t.no_article,
                                plural: t.plural,
                            });
                        }
                    }
                    "langSet" | "langSec" => lang = None,
                    "termEntry" | "conceptEntry" => {
                        if let Some(mut e) = entry.take() {
                            if e.sources.is_empty() {
                                return Err(invalid(
                                    e.line,
                                    format!(
                                        "concept {} has no French term (add a langSet xml:lang=\"{source_lang}\")",
                                        e.id
                                    ),
                                ));
                            }
                            if e.domain.is_empty() {
                                e.domain = "general".into();
                            }
                            out.push(e);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Stores a collected value where it belongs.
fn apply(
    field: Field,
    value: &str,
    entry: Option<&mut Entry>,
    term: Option<&mut TermBuild>,
) -> Result<(), String> {
    let list = |v: &str| -> Vec<String> {
        v.split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    };
    match (field, term, entry) {
        (Field::Term, Some(t), _) => t.text = value.to_string(),
        (Field::Status, Some(t), _) => {
            t.status = Some(match value {
                "preferredTerm-admn-sts" | "preferred" | "preferredTerm" => Status::Preferred,
                "admittedTerm-admn-sts" | "admitted" | "admittedTerm" => Status::Admitted,
                "deprecatedTerm-admn-sts"
                | "supersededTerm-admn-sts"
                | "deprecated"
                | "superseded"
                | "deprecatedTerm"
                | "supersededTerm" => Status::Forbidden,
                other => {
                    return Err(format!(
                        "unknown administrativeStatus {other:?} (use preferredTerm-admn-sts, admittedTerm-admn-sts or deprecatedTerm-admn-sts)"
                    ));
                }
            })
        }
        (Field::TermNote, Some(t), _) => t.note = Some(value.to_string()),
        (Field::Article, Some(t), _) => {
            t.no_article = match value {
                "none" => true,
                "the" | "" => false,
                other => {
                    return Err(format!(
                        "unknown x-article {other:?} (use \"none\" for a name used without \"the\")"
                    ));
                }
            }
        }
        (Field::Plural, Some(t), _) => t.plural = Some(value.to_string()).filter(|v| !v.is_empty()),
        (_, Some(_), _) => {}
        (Field::Domain, None, Some(e)) => e.domain = value.to_string(),
        (Field::EntryNote | Field::TermNote, None, Some(e)) => {
            e.note = Some(match e.note.take() {
                Some(n) => format!("{n} {value}"),
                None => value.to_string(),
            })
        }
        (Field::Dnt, None, Some(e)) => e.do_not_translate = flag(value)?,
        (Field::Ambiguous, None, Some(e)) => e.ambiguous = flag(value)?,
        (Field::Requires, None, Some(e)) => e.requires.extend(list(value)),
        (Field::Excludes, None, Some(e)) => e.excludes.extend(list(value)),
        (Field::Acronym, None, Some(e)) => e.acronym = flag(value)?,
        (Field::Insertions, None, Some(e)) => e.insertions = flag(value)?,
        (Field::Noun, None, Some(e)) => e.noun = flag(value)?,
        (Field::Source, None, Some(e)) => e.origin = Some(value.to_string()),
        _ => {}
    }
    Ok(())
}

fn flag(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        other => Err(format!("expected yes or no, found {other:?}")),
    }
}

/// An attribute value by qualified name, unescaped.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    xml::attribute(e, name, xml::no_extra).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="fr">
<martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="d1">
  <descrip type="subjectField">defence</descrip>
  <descrip type="x-contextExcludes">défense de fumer | légitime défense</descrip>
  <langSet xml:lang="fr"><tig><term>défense</term></tig></langSet>
  <langSet xml:lang="en-GB"><tig><term>defence</term>
    <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig></langSet>
  <langSet xml:lang="en-US"><tig><term>defense</term></tig>
    <tig><term>defence</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
</termEntry>
<termEntry id="d2"><descrip type="subjectField">diplomacy</descrip>
  <admin type="x-doNotTranslate">yes</admin>
  <langSet xml:lang="fr"><tig><term>Caliber.Az</term></tig></langSet>
</termEntry>
</body></text></martif>"#;

    #[test]
    fn reads_tbx_basic() {
        let mut out = Vec::new();
        parse(Path::new("g.tbx"), SAMPLE, &mut out).unwrap();
        assert_eq!(out.len(), 2);
        let d = &out[0];
        assert_eq!((d.id.as_str(), d.domain.as_str(), d.line), ("d1", "defence", 5));
        assert_eq!(d.excludes, ["défense de fumer", "légitime défense"]);
        assert_eq!(d.targets.len(), 3);
        assert_eq!(d.targets[2].status, Status::Forbidden);
        assert_eq!(d.targets[2].line, 12);
        assert!(out[1].do_not_translate);
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = SAMPLE.replace("<term>defense</term>", "<term></term>");
        let err = parse(Path::new("g.tbx"), &bad, &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "g.tbx:11: empty <term> (write the term)");
        let broken = SAMPLE.replace("</termEntry>\n<termEntry id=\"d2\">", "</termEntr>");
        let err = parse(Path::new("g.tbx"), &broken, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().starts_with("g.tbx:13: not well-formed XML"), "{err}");
        let nofr = SAMPLE
            .replace(r#"<langSet xml:lang="fr"><tig><term>Caliber.Az</term></tig></langSet>"#, "");
        let err = parse(Path::new("g.tbx"), &nofr, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().starts_with("g.tbx:14: concept d2 has no French term"), "{err}");
    }

    #[test]
    fn reads_article_and_plural_of_english_terms() {
        let text = SAMPLE.replace(
            "<termEntry id=\"d2\">",
            r#"<termEntry id="d3"><langSet xml:lang="fr"><tig><term>procureur général</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>attorney general</term><termNote type="x-plural">attorneys general</termNote></tig></langSet>
</termEntry>
<termEntry id="d4"><langSet xml:lang="fr"><tig><term>OTAN</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>NATO</term><termNote type="x-article">none</termNote></tig></langSet>
</termEntry>
<termEntry id="d2">"#,
        );
        let mut out = Vec::new();
        parse(Path::new("g.tbx"), &text, &mut out).unwrap();
        let ag = out[1].resolve("en-GB");
        assert_eq!(ag.plural.as_deref(), Some("attorneys general"));
        assert!(!ag.no_article);
        let nato = out[2].resolve("en-US");
        assert!(nato.no_article && nato.plural.is_none());
        let bad = text.replace(">none<", ">a<");
        let err = parse(Path::new("g.tbx"), &bad, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("unknown x-article \"a\""), "{err}");
    }
}
