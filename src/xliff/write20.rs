//! XLIFF 2.1 writer.
//!
//! Layout (validated against the OASIS 2.1 core and module schemas): one
//! `<file>` per article; the article metadata as file `<notes>`; one `<unit>`
//! per paragraph (`type="depeche:title"`, ...) holding one `<segment>` per
//! sentence, with `<ignorable>` spaces between them so the unit reads as the
//! paragraph. Term hits go to the glossary module (`gls:glossary`) and, as in
//! 1.2, to notes; QA findings to notes. 2.x notes live on the unit, so each
//! note starts with the id of the segment it is about. Fuzzy matches from
//! the translation memory go to the translation candidates module
//! (`mtc:matches`), each pointing at its segment.

use super::write12::{Xml, check, source_lang};
use super::{
    Cleaner, Error, Label, Status, WriteOptions, Written, distinct_terms, markable_terms,
    needs_preserve, qa_note, term_note,
};
use crate::model::{Article, Paragraph, Segment, Severity};
use crate::xml::{escape_attr, escape_text};

/// Serialises one article for one target locale.
pub(crate) fn write(article: &Article, opts: &WriteOptions) -> Result<Written, Error> {
    check(article, opts)?;
    let mut w = Xml::new();
    let mut clean = Cleaner::new(&article.id);
    w.decl()?;
    w.open(
        "xliff",
        &[
            ("xmlns", "urn:oasis:names:tc:xliff:document:2.0"),
            ("xmlns:gls", "urn:oasis:names:tc:xliff:glossary:2.0"),
            ("version", "2.1"),
            ("srcLang", source_lang(article)),
            ("trgLang", &opts.target_lang),
        ],
    )?;
    let original = if article.origin.is_empty() { &article.id } else { &article.origin };
    let original = clean.clean(original, || "origin".into());
    w.open("file", &[("id", "f1"), ("original", &original)])?;

    let mut meta: Vec<(String, &str)> = vec![
        ("id".into(), &article.id),
        ("provider".into(), &opts.provider),
        ("tool".into(), "depeche"),
        ("tool-version".into(), &opts.tool_version),
    ];
    meta.extend(super::article_fields(article));
    w.open("notes", &[])?;
    for (n, (key, value)) in meta.iter().filter(|(_, v)| !v.is_empty()).enumerate() {
        let text = clean.clean(value, || format!("header {key}"));
        let id = format!("n{}", n + 1);
        w.leaf(
            "note",
            &[("id", &id), ("category", "depeche")],
            &escape_text(&format!("{key}: {text}")),
        )?;
    }
    w.close("notes")?;
    for para in &article.paragraphs {
        unit(&mut w, &mut clean, para, opts)?;
    }
    w.close("file")?;
    w.close("xliff")?;
    Ok(Written { xml: w.finish()?, warnings: clean.warnings })
}

fn unit(
    w: &mut Xml,
    clean: &mut Cleaner,
    para: &Paragraph,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let whole;
    let segments: &[Segment] = if para.segments.is_empty() {
        if para.text.is_empty() {
            return Ok(());
        }
        whole = [Segment::new(para.id.clone(), para.text.clone())];
        &whole
    } else {
        &para.segments
    };
    let kind = format!("depeche:{}", para.role.as_str());
    w.open("unit", &[("id", &para.id), ("type", &kind)])?;

    let entries: Vec<_> = segments
        .iter()
        .flat_map(|s| distinct_terms(&s.terms).into_iter().map(move |h| (s, h)))
        .collect();
    if !entries.is_empty() {
        w.open("gls:glossary", &[])?;
        for (seg, hit) in &entries {
            // Point at the term's <mrk> only when it is written (never in a
            // source that lost forbidden characters, see `source_content`);
            // a dangling fragment reference is an error. See: #15
            let marked = opts.mark_terms
                && crate::xml::all_xml_chars(&seg.source)
                && markable_terms(&seg.source, &seg.terms).iter().any(|m| std::ptr::eq(*m, *hit));
            let reference = format!("#{}", term_id(seg, hit.start));
            let attrs: Vec<(&str, &str)> =
                if marked { vec![("ref", reference.as_str())] } else { Vec::new() };
            w.open("gls:glossEntry", &attrs)?;
            let term = clean.clean(&hit.text, || format!("{} glossary term", seg.id));
            w.leaf("gls:term", &[("source", "glossary")], &escape_text(&term))?;
            let rendering = match (&hit.expected, hit.do_not_translate) {
                (Some(e), _) => Some(e.as_str()),
                (None, true) => Some(hit.text.as_str()),
                (None, false) => None,
            };
            for t in rendering.into_iter().chain(hit.alternatives.iter().map(String::as_str)) {
                let t = clean.clean(t, || format!("{} glossary translation", seg.id));
                w.leaf("gls:translation", &[("source", "glossary")], &escape_text(&t))?;
            }
            let note = term_note(hit, &opts.target_lang);
            let def = clean.clean(&note, || format!("{} glossary note", seg.id));
            w.leaf("gls:definition", &[("source", "glossary")], &escape_text(&def))?;
            w.close("gls:glossEntry")?;
        }
        w.close("gls:glossary")?;
    }

    matches(w, clean, segments)?;

    let mut notes: Vec<(&str, &str, Option<&str>, String)> = Vec::new();
    for seg in segments {
        for hit in distinct_terms(&seg.terms) {
            notes.push((
                "glossary",
                "source",
                None,
                format!("{}: {}", seg.id, term_note(hit, &opts.target_lang)),
            ));
        }
        for issue in &seg.issues {
            let priority = if issue.severity == Severity::Error { "1" } else { "2" };
            notes.push(("qa", "target", Some(priority), format!("{}: {}", seg.id, qa_note(issue))));
        }
    }
    if !notes.is_empty() {
        w.open("notes", &[])?;
        for (n, (category, applies, priority, text)) in notes.iter().enumerate() {
            let id = format!("n{}", n + 1);
            let mut attrs =
                vec![("id", id.as_str()), ("category", *category), ("appliesTo", *applies)];
            if let Some(p) = priority {
                attrs.push(("priority", p));
            }
            let text = clean.clean(text, || format!("{} note", para.id));
            w.leaf("note", &attrs, &escape_text(&text))?;
        }
        w.close("notes")?;
    }

    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            // The space between sentences, so the unit's text is the paragraph.
            w.open("ignorable", &[])?;
            w.leaf("source", &[], " ")?;
            w.close("ignorable")?;
        }
        segment(w, clean, seg, opts)?;
    }
    w.close("unit")
}

/// The memory's fuzzy matches of every segment of the unit, in the
/// translation candidates module: `ref` names the segment, `similarity` and
/// `matchQuality` are the similarity in percent, `subType` says who
/// translated it (`depeche:human`, `depeche:mt-deepl`). The namespace is
/// declared here, so files without matches stay as they were.
fn matches(w: &mut Xml, clean: &mut Cleaner, segments: &[Segment]) -> Result<(), Error> {
    if segments.iter().all(|s| s.matches.is_empty()) {
        return Ok(());
    }
    w.open("mtc:matches", &[("xmlns:mtc", MTC_NS)])?;
    for seg in segments {
        let reference = format!("#{}", super::nmtoken(&seg.id));
        for (n, m) in seg.matches.iter().enumerate() {
            let id = format!("{}-m{}", super::nmtoken(&seg.id), n + 1);
            let quality = m.quality.to_string();
            let who = match m.producer.as_str() {
                "human" => "depeche:human".to_string(),
                p => format!("depeche:mt-{}", super::nmtoken(p)),
            };
            w.open(
                "mtc:match",
                &[
                    ("id", id.as_str()),
                    ("ref", reference.as_str()),
                    ("type", "tm"),
                    ("origin", "memory"),
                    ("similarity", quality.as_str()),
                    ("matchQuality", quality.as_str()),
                    ("subType", who.as_str()),
                ],
            )?;
            let preserve = needs_preserve(&m.source) || needs_preserve(&m.target);
            let space: &[(&str, &str)] = if preserve { &[("xml:space", "preserve")] } else { &[] };
            let source = clean.clean(&m.source, || format!("{} memory match source", seg.id));
            w.leaf("source", space, &escape_text(&source))?;
            let target = clean.clean(&m.target, || format!("{} memory match target", seg.id));
            w.leaf("target", space, &escape_text(&target))?;
            w.close("mtc:match")?;
        }
    }
    w.close("mtc:matches")
}

/// The translation candidates module's namespace.
const MTC_NS: &str = "urn:oasis:names:tc:xliff:matches:2.0";

fn term_id(seg: &Segment, start: usize) -> String {
    format!("{}-t{start}", super::nmtoken(&seg.id))
}

fn segment(
    w: &mut Xml,
    clean: &mut Cleaner,
    seg: &Segment,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let label = Label::of(seg);
    let target =
        seg.target.as_deref().filter(|t| !t.is_empty() && label.status != Status::Untranslated);
    // 2.x states: initial (no target), translated (needs review), reviewed
    // (a human stands behind it); the 1.2 qualifier travels as subState.
    let state = match label.status {
        Status::Untranslated => "initial",
        Status::NeedsReview => "translated",
        Status::Translated => "reviewed",
    };
    let sub = label.phase.as_ref().map(|p| format!("depeche:{p}"));
    let id = super::nmtoken(&seg.id);
    let mut attrs = vec![("id", id.as_str()), ("state", state)];
    if let Some(s) = &sub {
        attrs.push(("subState", s));
    }
    w.open("segment", &attrs)?;
    let preserve = needs_preserve(&seg.source) || target.is_some_and(needs_preserve);
    let space: &[(&str, &str)] = if preserve { &[("xml:space", "preserve")] } else { &[] };
    w.leaf("source", space, &source_content(clean, seg, opts))?;
    if let Some(t) = target {
        let t = clean.clean(t, || format!("{} target", seg.id));
        w.leaf("target", space, &escape_text(&t))?;
    }
    w.close("segment")
}

fn source_content(clean: &mut Cleaner, seg: &Segment, opts: &WriteOptions) -> String {
    let source = clean.clean(&seg.source, || format!("{} source", seg.id)).into_owned();
    if !opts.mark_terms || source != seg.source {
        // Term offsets point into the original text; once characters are
        // dropped they no longer do, so the terms stay unmarked.
        return escape_text(&source).into_owned();
    }
    let mut out = String::new();
    let mut at = 0;
    for hit in markable_terms(&seg.source, &seg.terms) {
        let (Some(before), Some(term)) =
            (seg.source.get(at..hit.start), seg.source.get(hit.start..hit.end))
        else {
            continue;
        };
        out.push_str(&escape_text(before));
        out.push_str(&format!(
            "<mrk id=\"{}\" type=\"term\">{}</mrk>",
            escape_attr(&term_id(seg, hit.start)),
            escape_text(term)
        ));
        at = hit.end;
    }
    out.push_str(&escape_text(seg.source.get(at..).unwrap_or("")));
    out
}
