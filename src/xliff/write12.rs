//! XLIFF 1.2 writer.
//!
//! Layout (validated against the OASIS 1.2 strict schema):
//! `<file>` per article and target locale; a `<header>` with the phases that
//! produced targets, the `<tool>`s and the article metadata as notes; one
//! `<group>` per paragraph (`restype` tells its role) holding one
//! `<trans-unit>` per sentence, so each sentence has its own state and notes.

use std::collections::{BTreeMap, HashSet};

use super::{
    Cleaner, Error, Label, Status, WriteOptions, Written, distinct_terms, is_language_tag,
    markable_terms, needs_preserve, qa_note, term_note,
};
use crate::model::{Article, Paragraph, Role, Segment};
use crate::xml::{escape_attr, escape_text, xml_chars};

/// `tool-id` of this program in `<tool>` and `<phase>`.
const TOOL_ID: &str = "depeche";

/// The `restype` of a paragraph: the schema's own value when it has one
/// (`heading`, `caption`), an `x-` extension otherwise.
pub(crate) fn restype(role: Role) -> &'static str {
    match role {
        Role::Title => "x-title",
        Role::Heading => "heading",
        Role::Body => "x-paragraph",
        Role::Quote => "x-quote",
        Role::Caption => "caption",
    }
}

/// Serialises one article for one target locale.
pub(crate) fn write(article: &Article, opts: &WriteOptions) -> Result<Written, Error> {
    check(article, opts)?;
    let mut w = Xml::new();
    let mut clean = Cleaner::new(&article.id);
    w.decl()?;
    w.open("xliff", &[("version", "1.2"), ("xmlns", "urn:oasis:names:tc:xliff:document:1.2")])?;

    let original = if article.origin.is_empty() { &article.id } else { &article.origin };
    let original = clean.clean(original, || "origin".into());
    w.open(
        "file",
        &[
            ("original", &original),
            ("source-language", source_lang(article)),
            ("target-language", &opts.target_lang),
            ("datatype", "plaintext"),
            ("tool-id", TOOL_ID),
        ],
    )?;
    header(&mut w, &mut clean, article, opts)?;
    w.open("body", &[])?;
    for para in &article.paragraphs {
        paragraph(&mut w, &mut clean, para, opts)?;
    }
    w.close("body")?;
    w.close("file")?;
    w.close("xliff")?;
    Ok(Written { xml: w.finish()?, warnings: clean.warnings })
}

/// The language tag of the source, `fr-FR` when ingest left it empty.
pub(crate) fn source_lang(article: &Article) -> &str {
    if article.lang.is_empty() { "fr-FR" } else { &article.lang }
}

/// Refuses what would give an invalid file: bad language tags, empty or
/// repeated ids.
pub(crate) fn check(article: &Article, opts: &WriteOptions) -> Result<(), Error> {
    for (what, tag) in [("source", source_lang(article)), ("target", opts.target_lang.as_str())] {
        if !is_language_tag(tag) {
            return Err(Error::Lang { article: article.id.clone(), what, tag: tag.to_string() });
        }
    }
    let mut seen = HashSet::new();
    for para in &article.paragraphs {
        let ids = std::iter::once(&para.id).chain(para.segments.iter().map(|s| &s.id));
        for id in ids {
            if id.is_empty() {
                return Err(Error::EmptyId { article: article.id.clone() });
            }
            if !seen.insert(id.as_str()) {
                return Err(Error::DuplicateId { article: article.id.clone(), id: id.clone() });
            }
        }
    }
    Ok(())
}

fn header(
    w: &mut Xml,
    clean: &mut Cleaner,
    article: &Article,
    opts: &WriteOptions,
) -> Result<(), Error> {
    // phase name -> (tool id, description), sorted for a stable header.
    let mut phases: BTreeMap<String, (String, String)> = BTreeMap::new();
    for seg in article.paragraphs.iter().flat_map(|p| &p.segments) {
        let label = Label::of(seg);
        if let Some(phase) = label.phase {
            let entry = match &label.provider {
                Some(p) => (p.clone(), format!("machine translation by {p}")),
                None => (TOOL_ID.to_string(), "translation memory".to_string()),
            };
            phases.entry(phase).or_insert(entry);
        }
    }
    w.open("header", &[])?;
    if !phases.is_empty() {
        w.open("phase-group", &[])?;
        for (name, (tool, what)) in &phases {
            let what = clean.clean(what, || "header phase".into());
            w.open(
                "phase",
                &[("phase-name", name), ("process-name", "translation"), ("tool-id", tool)],
            )?;
            w.leaf("note", &[], &escape_text(&what))?;
            w.close("phase")?;
        }
        w.close("phase-group")?;
    }
    w.empty(
        "tool",
        &[("tool-id", TOOL_ID), ("tool-name", "depeche"), ("tool-version", &opts.tool_version)],
    )?;
    let mut providers: Vec<&str> =
        phases.values().map(|(t, _)| t.as_str()).filter(|t| *t != TOOL_ID).collect();
    providers.dedup();
    for p in providers {
        w.empty("tool", &[("tool-id", p), ("tool-name", p)])?;
    }
    let mut meta: Vec<(String, &str)> = vec![
        ("id".into(), &article.id),
        ("origin".into(), &article.origin),
        ("provider".into(), &opts.provider),
    ];
    meta.extend(super::article_fields(article));
    for (key, value) in meta.iter().filter(|(_, v)| !v.is_empty()) {
        let text = clean.clean(value, || format!("header {key}"));
        w.leaf("note", &[("from", TOOL_ID)], &escape_text(&format!("{key}: {text}")))?;
    }
    w.close("header")
}

fn paragraph(
    w: &mut Xml,
    clean: &mut Cleaner,
    para: &Paragraph,
    opts: &WriteOptions,
) -> Result<(), Error> {
    if para.segments.is_empty() && para.text.is_empty() {
        return Ok(());
    }
    w.open("group", &[("id", &para.id), ("restype", restype(para.role))])?;
    if para.segments.is_empty() {
        // Not segmented: the paragraph is its own unit, so no text is lost.
        let whole = Segment::new(para.id.clone(), para.text.clone());
        unit(w, clean, &whole, opts)?;
    }
    for seg in &para.segments {
        unit(w, clean, seg, opts)?;
    }
    w.close("group")
}

fn unit(w: &mut Xml, clean: &mut Cleaner, seg: &Segment, opts: &WriteOptions) -> Result<(), Error> {
    let label = Label::of(seg);
    let target =
        seg.target.as_deref().filter(|t| !t.is_empty() && label.status != Status::Untranslated);
    let preserve = needs_preserve(&seg.source) || target.is_some_and(needs_preserve);
    let mut attrs = vec![("id", seg.id.as_str())];
    if preserve {
        attrs.push(("xml:space", "preserve"));
    }
    w.open("trans-unit", &attrs)?;
    w.leaf("source", &[], &source_content(clean, seg, opts))?;

    let mut tattrs = vec![("state", label.status.xliff12())];
    if let Some(q) = label.qualifier {
        tattrs.push(("state-qualifier", q));
    }
    if let Some(p) = &label.phase {
        tattrs.push(("phase-name", p));
    }
    // An empty <target> carries the state of an untranslated unit: 1.2 has
    // no other place for it, the schema and translate-toolkit accept it, and
    // CAT tools treat an empty target as untranslated.
    let text = match target {
        Some(t) => escape_text(&clean.clean(t, || format!("{} target", seg.id))).into_owned(),
        None => String::new(),
    };
    w.leaf("target", &tattrs, &text)?;
    alt_trans(w, clean, seg)?;

    for hit in distinct_terms(&seg.terms) {
        let note = clean
            .clean(&term_note(hit, &opts.target_lang), || format!("{} glossary note", seg.id))
            .into_owned();
        w.leaf(
            "note",
            &[("from", "glossary"), ("annotates", "source"), ("priority", "3")],
            &escape_text(&note),
        )?;
    }
    for issue in &seg.issues {
        let priority = match issue.severity {
            crate::model::Severity::Error => "1",
            crate::model::Severity::Warning => "2",
        };
        let note = clean.clean(&qa_note(issue), || format!("{} qa note", seg.id)).into_owned();
        w.leaf(
            "note",
            &[("from", "qa"), ("annotates", "target"), ("priority", priority)],
            &escape_text(&note),
        )?;
    }
    w.close("trans-unit")
}

/// The memory's fuzzy matches as `<alt-trans>` proposals, best first: the
/// stored source and its translation, `match-quality` the similarity in
/// percent, and a note saying who translated it. They never touch the
/// unit's `<target>`.
fn alt_trans(w: &mut Xml, clean: &mut Cleaner, seg: &Segment) -> Result<(), Error> {
    for m in &seg.matches {
        let quality = m.quality.to_string();
        let mut attrs = vec![("match-quality", quality.as_str()), ("origin", "memory")];
        // `tool-id` must name a declared <tool>; depeche always is.
        attrs.push(("tool-id", TOOL_ID));
        if needs_preserve(&m.source) || needs_preserve(&m.target) {
            attrs.push(("xml:space", "preserve"));
        }
        w.open("alt-trans", &attrs)?;
        let source = clean.clean(&m.source, || format!("{} memory match source", seg.id));
        w.leaf("source", &[], &escape_text(&source))?;
        let target = clean.clean(&m.target, || format!("{} memory match target", seg.id));
        w.leaf("target", &[], &escape_text(&target))?;
        let note = super::match_note(m);
        let note = clean.clean(&note, || format!("{} memory match note", seg.id));
        w.leaf("note", &[("from", TOOL_ID)], &escape_text(&note))?;
        w.close("alt-trans")?;
    }
    Ok(())
}

/// The escaped content of `<source>`, with `<mrk mtype="term">` around
/// glossary terms when asked.
fn source_content(clean: &mut Cleaner, seg: &Segment, opts: &WriteOptions) -> String {
    let place = || format!("{} source", seg.id);
    if !opts.mark_terms || seg.terms.is_empty() {
        return escape_text(&clean.clean(&seg.source, place)).into_owned();
    }
    let mut raw = String::new();
    let mut out = String::new();
    let mut at = 0;
    for hit in markable_terms(&seg.source, &seg.terms) {
        let (Some(before), Some(term)) =
            (seg.source.get(at..hit.start), seg.source.get(hit.start..hit.end))
        else {
            continue;
        };
        raw.push_str(before);
        raw.push_str(term);
        out.push_str(&escape_text(&xml_chars(before)));
        out.push_str(&format!(
            "<mrk mtype=\"term\" comment=\"{}\">{}</mrk>",
            escape_attr(&xml_chars(&hit.entry)),
            escape_text(&xml_chars(term))
        ));
        at = hit.end;
    }
    let rest = seg.source.get(at..).unwrap_or("");
    out.push_str(&escape_text(&xml_chars(rest)));
    // Report once for the whole source, as the unmarked path does.
    raw.push_str(rest);
    let _ = clean.clean(&raw, place);
    out
}

/// An XML writer with our escaping: indentation between elements, never
/// inside text. It lays the document out as quick-xml's indenting writer
/// does (two spaces a level, a line break before every tag that does not
/// follow text), straight into one string: no event values, no attribute
/// buffers, no `io::Write` between the markup and its bytes.
pub(crate) struct Xml {
    out: String,
    /// Depth of the element being written, in levels.
    depth: usize,
    /// The next tag starts a new line (false right after text and at the
    /// very start).
    line_break: bool,
}

/// Spaces one level indents by.
const INDENT: usize = 2;

impl Xml {
    pub(crate) fn new() -> Self {
        Self { out: String::with_capacity(16 * 1024), depth: 0, line_break: false }
    }

    pub(crate) fn decl(&mut self) -> Result<(), Error> {
        self.tag("<?", "xml version=\"1.0\" encoding=\"UTF-8\"", &[], "?>");
        Ok(())
    }

    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), Error> {
        self.tag("<", name, attrs, ">");
        self.depth += 1;
        Ok(())
    }

    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), Error> {
        self.tag("<", name, attrs, "/>");
        Ok(())
    }

    pub(crate) fn close(&mut self, name: &str) -> Result<(), Error> {
        self.depth = self.depth.saturating_sub(1);
        self.tag("</", name, &[], ">");
        Ok(())
    }

    /// An element holding already-escaped content on one line; empty
    /// content gives `<name/>`, so no indentation lands inside it.
    pub(crate) fn leaf(
        &mut self,
        name: &str,
        attrs: &[(&str, &str)],
        escaped: &str,
    ) -> Result<(), Error> {
        if escaped.is_empty() {
            return self.empty(name, attrs);
        }
        self.open(name, attrs)?;
        self.out.push_str(escaped);
        self.line_break = false;
        self.close(name)
    }

    /// `before name attrs after` on a line of its own unless it follows
    /// text. Attribute values are escaped here (`escape_attr`, which leaves
    /// apostrophes alone).
    fn tag(&mut self, before: &str, name: &str, attrs: &[(&str, &str)], after: &str) {
        if self.line_break {
            self.out.push('\n');
            self.out.extend(std::iter::repeat_n(' ', self.depth * INDENT));
        }
        self.out.push_str(before);
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape_attr(v));
            self.out.push('"');
        }
        self.out.push_str(after);
        self.line_break = true;
    }

    pub(crate) fn finish(mut self) -> Result<String, Error> {
        self.out.push('\n');
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn article() -> Article {
        let mut title = Paragraph::new("p1", Role::Title, "Titre");
        title.segments.push(Segment::new("p1.s1", "Titre & <co>"));
        let mut body = Paragraph::new("p2", Role::Body, "Une phrase.");
        let mut s = Segment::new("p2.s1", "L'armée « dit » ]]> non.");
        s.target = Some("The army \"says\" ]]> no.".into());
        s.origin = Origin::Mt { provider: "deepl".into() };
        body.segments.push(s);
        Article {
            id: "2025-10-31-titre-1a2b3c4d".into(),
            origin: "corpus/a.txt".into(),
            lang: "fr-FR".into(),
            title: Some("Titre".into()),
            paragraphs: vec![title, body],
            ..Article::default()
        }
    }

    #[test]
    fn writes_groups_units_and_states() {
        let opts =
            WriteOptions { tool_version: "0.0.0".into(), ..WriteOptions::new("en-GB", "deepl") };
        let xml = write(&article(), &opts).unwrap().xml;
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\"")
        );
        assert!(xml.contains("<group id=\"p1\" restype=\"x-title\">"));
        assert!(xml.contains("<source>Titre &amp; &lt;co&gt;</source>"));
        assert!(xml.contains("<target state=\"needs-translation\"/>"));
        assert!(xml.contains("<source>L'armée « dit » ]]&gt; non.</source>"));
        assert!(xml.contains(
            "<target state=\"needs-review-translation\" state-qualifier=\"leveraged-mt\" \
             phase-name=\"mt-deepl\">The army \"says\" ]]&gt; no.</target>"
        ));
        assert!(xml.contains(
            "<phase phase-name=\"mt-deepl\" process-name=\"translation\" tool-id=\"deepl\">"
        ));
        assert!(xml.contains("<note from=\"depeche\">title: Titre</note>"));
        assert!(!xml.contains("&apos;"));
        assert_eq!(xml, write(&article(), &opts).unwrap().xml, "output must be deterministic");
    }

    #[test]
    fn refuses_duplicate_ids_and_bad_languages() {
        let mut a = article();
        a.paragraphs[1].segments[0].id = "p1.s1".into();
        let opts = WriteOptions::new("en-GB", "none");
        assert!(matches!(write(&a, &opts), Err(Error::DuplicateId { id, .. }) if id == "p1.s1"));
        let bad = WriteOptions::new("en_GB", "none");
        let err = write(&article(), &bad).unwrap_err().to_string();
        assert_eq!(
            err,
            "article 2025-10-31-titre-1a2b3c4d: target language \"en_GB\" is not a BCP 47 tag (write it like fr-FR)"
        );
    }
}
