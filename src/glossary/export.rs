//! Glossary export: the termbases for one target locale, in the shapes CAT
//! tools import.
//!
//! Input: a loaded [`Glossary`] and a target locale.
//! Output: a document as a string ([`export`]) in one of three shapes:
//!
//! | format | for | forbidden renderings |
//! |---|---|---|
//! | [`ExportFormat::Tsv`] | OmegaT's own glossary (`glossary/*.txt`, UTF-8, tab-separated: source, target, comment) | in the comment (`not: …`), never as a target |
//! | [`ExportFormat::Tbx`] | TBX-Basic (Trados MultiTerm, memoQ, OmegaT, Okapi) with only French and that locale | `administrativeStatus` `deprecatedTerm-admn-sts` |
//! | [`ExportFormat::Csv`] | memoQ's CSV import, Trados Glossary Converter: a header row naming the languages | their own `forbidden` column |
//!
//! Guarantees: each concept's targets come from [`Entry::resolve`] for the
//! locale, so an en-GB export never offers an en-US term where the
//! termbase has an en-GB one; only the preferred term is offered as the
//! target (admitted ones travel in the comment or note); a do-not-translate
//! name has itself as target; a concept with no rendering in the locale's
//! language is left out. The output is deterministic (file order).

use std::fmt::Write as _;

use super::{Entry, Glossary, Resolved};
use crate::xml::{escape_attr, escape_text};

/// The shape of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportFormat {
    /// TBX-Basic (`martif`), French and the one target locale.
    Tbx,
    /// OmegaT's tab-separated glossary: source, target, comment.
    Tsv,
    /// Comma-separated with a header row, for memoQ and Trados.
    Csv,
}

impl ExportFormat {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Tbx => "tbx",
            ExportFormat::Tsv => "txt",
            ExportFormat::Csv => "csv",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tbx" => Ok(ExportFormat::Tbx),
            "tsv" | "tab" | "omegat" => Ok(ExportFormat::Tsv),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(format!("unknown glossary format {other:?} (use tbx, tsv or csv)")),
        }
    }
}

/// One concept ready for export: its French terms and what the locale
/// expects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Row<'a> {
    /// The concept.
    pub entry: &'a Entry,
    /// The preferred target term (the French term itself for a
    /// do-not-translate name).
    pub target: String,
    /// What [`Entry::resolve`] gave for the locale.
    pub resolved: Resolved,
}

impl Row<'_> {
    /// The comment a translator reads beside the term: domain, other
    /// accepted renderings, rejected ones, do-not-translate, the note.
    pub fn comment(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.entry.domain.is_empty() {
            parts.push(self.entry.domain.clone());
        }
        if self.entry.do_not_translate {
            parts.push("do not translate".into());
        }
        if !self.resolved.alternatives.is_empty() {
            parts.push(format!("also: {}", self.resolved.alternatives.join(", ")));
        }
        if !self.resolved.forbidden.is_empty() {
            parts.push(format!("not: {}", self.resolved.forbidden.join(", ")));
        }
        if let Some(note) = self.entry.note.as_deref().filter(|n| !n.trim().is_empty()) {
            parts.push(note.trim().to_string());
        }
        one_line(&parts.join("; "))
    }
}

/// The concepts that have a rendering for `locale`, in file order.
pub fn rows<'a>(glossary: &'a Glossary, locale: &str) -> Vec<Row<'a>> {
    glossary
        .entries()
        .iter()
        .filter(|e| !e.sources.is_empty())
        .filter_map(|entry| {
            let resolved = entry.resolve(locale);
            let target = resolved.expected.clone().filter(|t| !t.trim().is_empty())?;
            Some(Row { entry, target, resolved })
        })
        .collect()
}

/// The glossary for `locale` in `format`, ending with a newline.
pub fn export(glossary: &Glossary, locale: &str, format: ExportFormat) -> String {
    let rows = rows(glossary, locale);
    match format {
        ExportFormat::Tsv => tsv(&rows),
        ExportFormat::Csv => csv(&rows, locale),
        ExportFormat::Tbx => tbx(&rows, locale),
    }
}

/// OmegaT's format: one line per French term; tabs and line breaks inside
/// a field would split it, so they become spaces.
fn tsv(rows: &[Row<'_>]) -> String {
    let mut out = String::new();
    for row in rows {
        let comment = row.comment();
        for source in &row.entry.sources {
            let _ = writeln!(out, "{}\t{}\t{comment}", one_line(source), one_line(&row.target));
        }
    }
    out
}

/// memoQ and Trados Glossary Converter read the languages from the header
/// (`fr-FR`, `en-GB`); the other columns import as descriptive fields.
fn csv(rows: &[Row<'_>], locale: &str) -> String {
    let mut out = format!("fr-FR,{locale},forbidden,domain,note\n");
    for row in rows {
        let forbidden = row.resolved.forbidden.join(" | ");
        let mut note: Vec<String> = Vec::new();
        if row.entry.do_not_translate {
            note.push("do not translate".into());
        }
        if !row.resolved.alternatives.is_empty() {
            note.push(format!("also: {}", row.resolved.alternatives.join(", ")));
        }
        if let Some(n) = row.entry.note.as_deref().filter(|n| !n.trim().is_empty()) {
            note.push(n.trim().to_string());
        }
        for source in &row.entry.sources {
            let fields =
                [source.as_str(), &row.target, &forbidden, &row.entry.domain, &note.join("; ")];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    let text = one_line(text);
    if text.contains([',', '"']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// TBX-Basic, one `termEntry` per concept, French and `locale` only.
fn tbx(rows: &[Row<'_>], locale: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <martif type=\"TBX-Basic\" xml:lang=\"fr\">\n\
         \x20 <martifHeader>\n\
         \x20   <fileDesc>\n\
         \x20     <sourceDesc>\n",
    );
    let _ = writeln!(out, "          <p>depeche glossary export for {}</p>", escape_text(locale));
    out.push_str(
        "      </sourceDesc>\n\
         \x20   </fileDesc>\n\
         \x20   <encodingDesc>\n\
         \x20     <p type=\"XCSURI\">TBXBasicXCSV02.xcs</p>\n\
         \x20   </encodingDesc>\n\
         \x20 </martifHeader>\n\
         \x20 <text>\n\
         \x20   <body>\n",
    );
    let lang = escape_attr(locale);
    for row in rows {
        let e = row.entry;
        let _ = writeln!(out, "      <termEntry id=\"{}\">", escape_attr(&tbx_id(&e.id)));
        if !e.domain.is_empty() {
            let _ = writeln!(
                out,
                "        <descrip type=\"subjectField\">{}</descrip>",
                escape_text(&e.domain)
            );
        }
        if let Some(note) = e.note.as_deref().filter(|n| !n.trim().is_empty()) {
            let _ = writeln!(out, "        <note>{}</note>", escape_text(note.trim()));
        }
        if e.do_not_translate {
            out.push_str("        <descrip type=\"x-doNotTranslate\">yes</descrip>\n");
        }
        out.push_str("        <langSet xml:lang=\"fr\">\n");
        for (i, source) in e.sources.iter().enumerate() {
            let status = if i == 0 { "preferredTerm-admn-sts" } else { "admittedTerm-admn-sts" };
            tig(&mut out, source, status);
        }
        out.push_str("        </langSet>\n");
        let _ = writeln!(out, "        <langSet xml:lang=\"{lang}\">");
        tig(&mut out, &row.target, "preferredTerm-admn-sts");
        for alt in &row.resolved.alternatives {
            tig(&mut out, alt, "admittedTerm-admn-sts");
        }
        for bad in &row.resolved.forbidden {
            tig(&mut out, bad, "deprecatedTerm-admn-sts");
        }
        out.push_str("        </langSet>\n      </termEntry>\n");
    }
    out.push_str("    </body>\n  </text>\n</martif>\n");
    out
}

fn tig(out: &mut String, term: &str, status: &str) {
    let _ = writeln!(
        out,
        "          <tig>\n            <term>{}</term>\n            \
         <termNote type=\"administrativeStatus\">{status}</termNote>\n          </tig>",
        escape_text(&one_line(term))
    );
}

/// An `xml:id`-safe form of a concept id (an NCName: no leading digit).
fn tbx_id(id: &str) -> String {
    let t: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    if t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') { t } else { format!("c-{t}") }
}

/// `text` with tabs and line breaks as single spaces, trimmed.
fn one_line(text: &str) -> String {
    text.split(['\t', '\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
mod tests {
    use super::*;
    use crate::glossary::{Status, Target};

    fn target(locale: &str, term: &str, status: Status) -> Target {
        Target {
            locale: locale.into(),
            term: term.into(),
            status,
            note: None,
            line: 1,
            no_article: false,
            plural: None,
        }
    }

    fn entry(id: &str, sources: &[&str], targets: Vec<Target>, dnt: bool) -> Entry {
        Entry {
            id: id.into(),
            domain: "defence".into(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            targets,
            do_not_translate: dnt,
            ambiguous: false,
            requires: vec![],
            excludes: vec![],
            acronym: false,
            insertions: false,
            noun: false,
            origin: None,
            house: false,
            note: None,
            path: "t.tbx".into(),
            line: 1,
        }
    }

    fn glossary() -> Glossary {
        Glossary::from_entries(vec![
            entry(
                "def-1",
                &["ministère des Armées", "ministère de la Défense"],
                vec![
                    target("en-GB", "Ministry of Defence", Status::Preferred),
                    target("en-GB", "Ministry of Armies", Status::Forbidden),
                    target("en-US", "Department of Defense", Status::Preferred),
                ],
                false,
            ),
            entry("org-2", &["Caliber.Az"], vec![], true),
            entry("dip-3", &["Brexit"], vec![target("de", "Brexit", Status::Preferred)], false),
        ])
    }

    #[test]
    fn omegat_lines_offer_the_locale_term_and_keep_forbidden_in_the_comment() {
        let tsv = export(&glossary(), "en-GB", ExportFormat::Tsv);
        assert_eq!(
            tsv,
            "ministère des Armées\tMinistry of Defence\tdefence; not: Ministry of Armies\n\
             ministère de la Défense\tMinistry of Defence\tdefence; not: Ministry of Armies\n\
             Caliber.Az\tCaliber.Az\tdefence; do not translate\n"
        );
        let us = export(&glossary(), "en-US", ExportFormat::Tsv);
        assert!(us.starts_with("ministère des Armées\tDepartment of Defense\tdefence\n"), "{us}");
        assert!(!us.contains("Ministry"));
    }

    #[test]
    fn csv_has_a_language_header_and_a_forbidden_column() {
        let csv = export(&glossary(), "en-GB", ExportFormat::Csv);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("fr-FR,en-GB,forbidden,domain,note"));
        assert_eq!(
            lines.next(),
            Some("ministère des Armées,Ministry of Defence,Ministry of Armies,defence,")
        );
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
    }

    #[test]
    fn tbx_holds_one_locale_and_reads_back() {
        let tbx = export(&glossary(), "en-GB", ExportFormat::Tbx);
        assert!(tbx.contains("deprecatedTerm-admn-sts"));
        assert!(!tbx.contains("en-US") && !tbx.contains("Department"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tbx");
        std::fs::write(&path, &tbx).unwrap();
        let back = Glossary::load(&[&path]).unwrap();
        assert_eq!(back.len(), 2);
        let r = back.entries()[0].resolve("en-GB");
        assert_eq!(r.expected.as_deref(), Some("Ministry of Defence"));
        assert_eq!(r.forbidden, ["Ministry of Armies"]);
        assert_eq!(back.entries()[0].sources.len(), 2);
        assert!(back.entries()[1].do_not_translate);
    }
}
