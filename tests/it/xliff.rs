//! XLIFF writer and reader: schema validity, translate-toolkit read-back,
//! round trip through our own reader, and CAT-tool files.

// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use depeche::model::{
    Article, CheckId, Origin, Paragraph, QaIssue, Role, Segment, Severity, TermHit,
};
use depeche::xliff::{self, WriteOptions};

use crate::support::{root, ttk_readback, validate_xliff};

fn term(source: &str, text: &str, expected: Option<&str>, dnt: bool) -> TermHit {
    let start = source.find(text).unwrap();
    TermHit {
        entry: format!("c-{}", text.len()),
        start,
        end: start + text.len(),
        text: text.into(),
        term: text.to_lowercase(),
        expected: expected.map(String::from),
        alternatives: if dnt { vec![] } else { vec!["MoD".into()] },
        forbidden: if dnt { vec![] } else { vec!["Defence Ministry".into()] },
        domain: "defence".into(),
        do_not_translate: dnt,
        no_article: false,
        plural: None,
    }
}

fn seg(id: &str, source: &str, target: Option<&str>, origin: Origin) -> Segment {
    Segment { target: target.map(String::from), origin, ..Segment::new(id, source) }
}

/// An article with every role, every origin, term hits, QA findings and
/// text that tests escaping: `& < > " ' ]]>`, emoji, NBSP, U+0001, U+FFFE.
fn article() -> Article {
    let mut title = Paragraph::new("p1", Role::Title, "");
    let src = "Le ministère de la Défense & Caliber.Az : « <accord> » signé";
    let mut s = seg(
        "p1.s1",
        src,
        Some("Ministry of Defence & Caliber.Az: \"<deal>\" signed"),
        Origin::Mt { provider: "deepl".into() },
    );
    s.terms = vec![
        term(src, "ministère de la Défense", Some("Ministry of Defence"), false),
        term(src, "Caliber.Az", None, true),
    ];
    title.segments.push(s);

    let mut heading = Paragraph::new("p2", Role::Heading, "");
    heading.segments.push(seg("p2.s1", "L'OTAN dit ]]> non\u{a0}!", None, Origin::None));

    let mut body = Paragraph::new("p3", Role::Body, "");
    body.segments.push(seg(
        "p3.s1",
        "Un 🚀 décolle.",
        Some("A 🚀 takes off."),
        Origin::Tm { exact: true, source: "human".into() },
    ));
    let mut qa = seg(
        "p3.s2",
        "Le ministre\u{1} parle.",
        Some("The minister\u{fffe} speaks."),
        Origin::Tm { exact: true, source: "deepl".into() },
    );
    qa.issues.push(QaIssue {
        check: CheckId::Terms,
        severity: Severity::Error,
        message: "expected \"Minister for the Armed Forces\"".into(),
        entry: Some("c-1".into()),
        domain: Some("defence".into()),
    });
    body.segments.push(qa);
    body.segments.push(seg("p3.s3", "C'est « fini ».", Some("It's \"over\"."), Origin::Human));
    body.segments.push(seg(
        "p3.s4",
        "Presque.",
        Some("Almost."),
        Origin::Tm { exact: false, source: "human".into() },
    ));

    let mut quote = Paragraph::new("p4", Role::Quote, "");
    quote.segments.push(seg("p4.s1", "« Nous   restons. »", Some("\"We stay.\""), Origin::Human));
    let caption = Paragraph::new("p5", Role::Caption, "Photo : AFP");

    Article {
        id: "2025-10-31-ministere-defense-1a2b3c4d".into(),
        origin: "https://example.org/a?x=1&y='2'".into(),
        lang: "fr-FR".into(),
        title: Some("Le ministère & « Caliber.Az »".into()),
        published: Some("2025-10-31T15:57:00+01:00".into()),
        byline: None,
        publisher: Some("Le Quotidien".into()),
        paragraphs: vec![title, heading, body, quote, caption],
        meta: [("format".to_string(), "txt".to_string())].into(),
    }
}

fn opts() -> WriteOptions {
    WriteOptions { tool_version: "0.0.0-test".into(), ..WriteOptions::new("en-GB", "deepl") }
}

/// Writes `xml` as the pipeline names it: `<article.id>.<target>.xlf`.
fn save(dir: &Path, a: &Article, target: &str, xml: &str) -> PathBuf {
    let path = dir.join(format!("{}.{target}.xlf", a.id));
    std::fs::write(&path, xml).unwrap();
    path
}

/// Source segments as the writer sees them (forbidden characters dropped).
fn expected_sources(a: &Article) -> Vec<String> {
    a.paragraphs
        .iter()
        .flat_map(|p| {
            if p.segments.is_empty() {
                vec![p.text.clone()]
            } else {
                p.segments.iter().map(|s| s.source.replace(['\u{1}', '\u{fffe}'], "")).collect()
            }
        })
        .collect()
}

#[test]
fn xliff12_validates_and_translate_toolkit_reads_it_back() {
    let a = article();
    let dir = tempfile::tempdir().unwrap();
    for mark_terms in [false, true] {
        let written = xliff::write12_report(&a, &WriteOptions { mark_terms, ..opts() }).unwrap();
        let path = save(dir.path(), &a, "en-GB", &written.xml);
        validate_xliff(&[&path]);
        let ttk = ttk_readback(&path);
        assert_eq!(ttk.units, 8, "mark_terms={mark_terms}");
        assert_eq!(ttk.sources, expected_sources(&a), "mark_terms={mark_terms}");
        assert_eq!(ttk.targets[0], "Ministry of Defence & Caliber.Az: \"<deal>\" signed");
        assert_eq!(ttk.targets[1], "");
        assert_eq!(ttk.targets[3], "The minister speaks.");
    }
}

#[test]
fn xliff12_layout_states_and_notes() {
    let xml = xliff::write12_report(&article(), &opts()).unwrap().xml;
    let expect = [
        r#"<file original="https://example.org/a?x=1&amp;y='2'" source-language="fr-FR" target-language="en-GB" datatype="plaintext" tool-id="depeche">"#,
        r#"<phase phase-name="mt-deepl" process-name="translation" tool-id="deepl">"#,
        r#"<tool tool-id="depeche" tool-name="depeche" tool-version="0.0.0-test"/>"#,
        r#"<note from="depeche">publisher: Le Quotidien</note>"#,
        r#"<note from="depeche">published: 2025-10-31T15:57:00+01:00</note>"#,
        r#"<group id="p1" restype="x-title">"#,
        r#"<group id="p2" restype="heading">"#,
        r#"<group id="p3" restype="x-paragraph">"#,
        r#"<group id="p5" restype="caption">"#,
        r#"<target state="needs-review-translation" state-qualifier="leveraged-mt" phase-name="mt-deepl">Ministry of Defence &amp; Caliber.Az: "&lt;deal&gt;" signed</target>"#,
        r#"<note from="glossary" annotates="source" priority="3">ministère de la Défense → Ministry of Defence (also: MoD) (not: Defence Ministry) [defence]</note>"#,
        r#"<note from="glossary" annotates="source" priority="3">Caliber.Az → Caliber.Az [defence, do not translate]</note>"#,
        "<source>L'OTAN dit ]]&gt; non\u{a0}!</source>",
        r#"<target state="needs-translation"/>"#,
        r#"<target state="translated" state-qualifier="exact-match" phase-name="tm">A 🚀 takes off.</target>"#,
        r#"<target state="needs-review-translation" state-qualifier="leveraged-mt" phase-name="mt-deepl">The minister speaks.</target>"#,
        r#"<note from="qa" annotates="target" priority="1">error: expected "Minister for the Armed Forces" [terms, defence]</note>"#,
        r#"<target state="translated">It's "over".</target>"#,
        r#"<target state="needs-review-translation" state-qualifier="fuzzy-match" phase-name="tm">Almost.</target>"#,
        r#"<trans-unit id="p4.s1" xml:space="preserve">"#,
    ];
    for line in expect {
        assert!(xml.contains(line), "missing {line}\nin\n{xml}");
    }
    assert!(!xml.contains("&apos;") && !xml.contains("]]>"));
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{fffe}'));
}

#[test]
fn forbidden_characters_are_reported() {
    let w = xliff::write12_report(&article(), &opts()).unwrap();
    let report: Vec<String> = w.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        report,
        [
            "article 2025-10-31-ministere-defense-1a2b3c4d: p3.s2 source: dropped U+0001, which XML 1.0 forbids (fix the source text or its decoding)",
            "article 2025-10-31-ministere-defense-1a2b3c4d: p3.s2 target: dropped U+FFFE, which XML 1.0 forbids (fix the source text or its decoding)",
        ]
    );
    // The plain entry point writes the same document.
    assert_eq!(xliff::write12(&article(), &opts()).unwrap(), w.xml);
}

#[test]
fn xliff12_round_trips_through_the_reader() {
    let a = article();
    let xml = xliff::write12(&a, &WriteOptions { mark_terms: true, ..opts() }).unwrap();
    let doc = xliff::read(&xml).unwrap();
    assert_eq!(doc.version, "1.2");
    let [file] = doc.files.as_slice() else { panic!("one file expected") };
    assert_eq!(file.original, a.origin);
    assert_eq!((file.source_lang.as_str(), file.target_lang.as_deref()), ("fr-FR", Some("en-GB")));
    assert!(file.notes.iter().any(|n| n.text == "title: Le ministère & « Caliber.Az »"));
    assert_eq!(
        file.phases.iter().map(|p| (p.name.as_str(), p.tool_id.as_deref())).collect::<Vec<_>>(),
        [("mt-deepl", Some("deepl")), ("tm", Some("depeche"))]
    );

    let ids: Vec<&str> = file.units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["p1.s1", "p2.s1", "p3.s1", "p3.s2", "p3.s3", "p3.s4", "p4.s1", "p5"]);
    let sources: Vec<String> = file.units.iter().map(|u| u.source.clone()).collect();
    assert_eq!(sources, expected_sources(&a));
    let groups: Vec<(Option<&str>, Option<&str>)> =
        file.units.iter().map(|u| (u.group.as_deref(), u.kind.as_deref())).collect();
    assert_eq!(groups[0], (Some("p1"), Some("x-title")));
    assert_eq!(groups[6], (Some("p4"), Some("x-quote")));

    let u = &file.units[0];
    assert_eq!(u.target.as_deref(), Some("Ministry of Defence & Caliber.Az: \"<deal>\" signed"));
    assert_eq!(
        (u.state.as_deref(), u.state_qualifier.as_deref(), u.phase.as_deref()),
        (Some("needs-review-translation"), Some("leveraged-mt"), Some("mt-deepl"))
    );
    assert_eq!(u.notes.len(), 2);
    assert_eq!(u.notes[1].text, "Caliber.Az → Caliber.Az [defence, do not translate]");
    assert_eq!(
        (u.notes[1].from.as_deref(), u.notes[1].annotates.as_deref()),
        (Some("glossary"), Some("source"))
    );

    let untranslated = &file.units[1];
    assert_eq!(
        (untranslated.target.as_deref(), untranslated.state.as_deref()),
        (None, Some("needs-translation"))
    );
    assert_eq!(file.units[3].notes[0].from.as_deref(), Some("qa"));
    assert_eq!(file.units[3].notes[0].priority, Some(1));
    assert_eq!(file.units[6].source, "« Nous   restons. »");
}

#[test]
fn reads_segmented_and_cat_tool_files() {
    let fixtures = root().join("fixtures/xliff");
    let seg = xliff::read_file(&fixtures.join("xliff12-segmented.xlf")).unwrap();
    let u = &seg.files[0].units[1];
    assert_eq!(u.id, "p1");
    assert_eq!(u.segments.len(), 2);
    assert_eq!(
        u.segments[0].source,
        "Le ministre des Armées a annoncé jeudi une hausse du budget."
    );
    assert_eq!(
        u.segments[1].target.as_deref(),
        Some("The Chief of the Defence Staff travelled to Brussels.")
    );
    assert_eq!(u.state_qualifier.as_deref(), Some("leveraged-mt"));
    assert_eq!(u.notes[0].priority, Some(2));

    let omegat = xliff::read_file(&fixtures.join("valid-12-copysource.xlf")).unwrap();
    let u = &omegat.files[0].units[1];
    assert_eq!(u.state.as_deref(), Some("needs-translation"));
    assert_eq!(u.target.as_deref(), Some(u.source.as_str()), "OmegaT copies the source");

    for name in ["xliff20-glossary-notes.xlf", "valid-21.xlf"] {
        let doc = xliff::read_file(&fixtures.join(name)).unwrap();
        let f = &doc.files[0];
        assert_eq!(f.target_lang.as_deref(), Some("en-GB"));
        let u = &f.units[0];
        assert_eq!(u.id, "u1");
        assert_eq!(u.segments.len(), 2);
        assert_eq!(
            u.source,
            "Le ministre des Armées a annoncé jeudi une hausse du budget. \
             Le chef d'état-major des armées s'est rendu à Bruxelles."
        );
        assert_eq!(
            u.segments[1].target.as_deref(),
            Some("The Chief of the Defence Staff travelled to Brussels.")
        );
        assert_eq!(
            (u.state.as_deref(), u.state_qualifier.as_deref()),
            (Some("translated"), Some("pipeline:mt"))
        );
        assert_eq!(u.notes[0].from.as_deref(), Some("glossary"));
        assert_eq!(u.notes[0].annotates.as_deref(), Some("source"));
    }
}

#[test]
fn reads_crlf_and_foreign_namespaces_as_cat_tools_save_them() {
    let xml = std::fs::read_to_string(root().join("fixtures/xliff/xliff12-segmented.xlf"))
        .unwrap()
        .replace('\n', "\r\n")
        .replace(
            "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">",
            "<xliff xmlns:okp=\"okapi-framework:xliff-extensions\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" version=\"1.2\">",
        )
        .replace("<source>Hausse", "<source><okp:engine>x</okp:engine>Hausse");
    let doc = xliff::read(&xml).unwrap();
    assert_eq!(doc.files[0].units[0].source, "Hausse du budget des armées");
    assert_eq!(doc.files[0].units.len(), 2);
}

#[test]
fn xliff21_validates_and_round_trips() {
    let a = article();
    let dir = tempfile::tempdir().unwrap();
    for mark_terms in [false, true] {
        let w = xliff::write20_report(&a, &WriteOptions { mark_terms, ..opts() }).unwrap();
        assert_eq!(w.warnings.len(), 2);
        let path = save(dir.path(), &a, "en-GB", &w.xml);
        validate_xliff(&[&path]);
        assert!(w.xml.contains(r#"<unit id="p1" type="depeche:title">"#));
        assert!(w.xml.contains(r#"<segment id="p2.s1" state="initial">"#));
        assert!(w.xml.contains(r#"<segment id="p3.s1" state="reviewed" subState="depeche:tm">"#));
        assert!(w.xml.contains(
            r#"<gls:translation source="glossary">Ministry of Defence</gls:translation>"#
        ));
        assert_eq!(w.xml.contains(r##"<gls:glossEntry ref="#p1.s1-t3">"##), mark_terms);

        let doc = xliff::read(&w.xml).unwrap();
        assert_eq!(doc.version, "2.1");
        let file = &doc.files[0];
        let units: Vec<&str> = file.units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(units, ["p1", "p2", "p3", "p4", "p5"]);
        let sources: Vec<String> =
            file.units.iter().flat_map(|u| u.segments.iter().map(|s| s.source.clone())).collect();
        assert_eq!(sources, expected_sources(&a));
        let p3 = &file.units[2];
        assert_eq!(p3.source, "Un 🚀 décolle. Le ministre parle. C'est « fini ». Presque.");
        assert_eq!(p3.state.as_deref(), Some("translated"), "least advanced segment");
        assert_eq!(p3.segments[1].target.as_deref(), Some("The minister speaks."));
        assert_eq!(
            p3.notes[0].text,
            "p3.s2: error: expected \"Minister for the Armed Forces\" [terms, defence]"
        );
        assert_eq!(file.units[1].target, None);
    }
}
