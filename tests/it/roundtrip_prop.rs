//! Property tests of the XLIFF writers and reader over arbitrary Unicode:
//! whatever the 1.2 and 2.1 writers write, the reader reads back with the
//! same units, sources and targets. The characters XML 1.0 forbids (C0
//! controls but tab, newline and carriage return; U+FFFE, U+FFFF) cannot
//! be in any XML file: the writers drop them and report each as a warning,
//! so they are the one difference allowed. A sample of the written files
//! also passes the OASIS schemas. See: #15

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use depeche::Role;
use depeche::fuzz::{self, Version};
use depeche::model::Article;
use depeche::xliff::{self, WriteOptions};

use crate::support;

/// Text fragments that have broken XML writers: markup and entities,
/// CDATA ends, XML-forbidden and bidi control characters, NUL, line ends
/// of every kind, white space alone, and any character at all.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Zéèàç0-9 ,.'«»-]{1,12}",
        1 => prop::sample::select(vec![
            "<", ">", "&", "\"", "'", "&amp;", "&#0;", "&lt;b&gt;", "]]>", "<![CDATA[x]]>",
            "<mrk mtype=\"term\">", "</target>", "<g id=\"1\">gras</g>", "<x id=\"2\"/>",
            "<?pi x?>", "<!-- c -->",
        ]).prop_map(String::from),
        1 => prop::sample::select(vec![
            '\0', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}', '\u{fffe}',
            '\u{ffff}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
            '\u{feff}', '\u{a0}', '\u{202f}', '\t', '\n', '\r', ' ', '\u{10ffff}', '\u{1f600}',
        ]).prop_map(String::from),
        1 => prop::sample::select(vec!["\r\n", "\r", "  ", " \n ", "\t\t", "cessez-le-feu", "OTAN"])
            .prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..12).prop_map(|parts| parts.concat())
}

type Paragraphs = Vec<(Role, Vec<fuzz::SourceTarget>)>;

fn paragraphs() -> impl Strategy<Value = Paragraphs> {
    let segment = (text(), prop::option::of(text()));
    let role = prop::sample::select(vec![Role::Title, Role::Body, Role::Heading]);
    prop::collection::vec((role, prop::collection::vec(segment, 1..4)), 1..4)
}

fn articles() -> impl Strategy<Value = (Article, bool)> {
    (paragraphs(), any::<bool>()).prop_map(|(paras, marks)| (fuzz::article(paras, marks), marks))
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    #[test]
    fn xliff12_reads_back_what_it_writes((article, _marks) in articles()) {
        if let Err(violation) = fuzz::roundtrip(&article, Version::V12) {
            prop_assert!(false, "{violation}");
        }
    }

    #[test]
    fn xliff21_reads_back_what_it_writes((article, _marks) in articles()) {
        if let Err(violation) = fuzz::roundtrip(&article, Version::V21) {
            prop_assert!(false, "{violation}");
        }
    }
}

/// Each forbidden character dropped is reported, once per text field.
#[test]
fn forbidden_characters_are_dropped_and_reported() {
    let article = fuzz::article(
        vec![(Role::Body, vec![("a\0b\u{fffe}c".into(), Some("\u{1}x".into()))])],
        false,
    );
    let written = xliff::write12_report(&article, &WriteOptions::new("en-GB", "none")).unwrap();
    let doc = xliff::read(&written.xml).unwrap();
    let unit = &doc.files[0].units[0];
    assert_eq!(unit.source, "abc");
    assert_eq!(unit.target.as_deref(), Some("x"));
    let dropped: Vec<Vec<char>> = written.warnings.iter().map(|w| w.dropped.clone()).collect();
    assert_eq!(dropped, vec![vec!['\0', '\u{fffe}'], vec!['\u{1}']], "{:?}", written.warnings);
}

/// A fixed-seed sample of generated articles, written in both versions,
/// passes `tests/tools/validate-xliff --checks` (the OASIS schemas).
#[test]
fn a_sample_passes_the_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[15; 32]),
    );
    let strategy = articles();
    let mut paths = Vec::new();
    for i in 0..16 {
        let (article, marks) = strategy.new_tree(&mut runner).unwrap().current();
        let opts = WriteOptions { mark_terms: marks, ..WriteOptions::new("en-GB", "none") };
        for (version, xml) in [
            ("12", xliff::write12(&article, &opts).unwrap()),
            ("21", xliff::write20(&article, &opts).unwrap()),
        ] {
            let path = dir.path().join(format!("sample-{i}.{version}.xlf"));
            std::fs::write(&path, xml).unwrap();
            paths.push(path);
        }
    }
    let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    support::validate_xliff(&refs);
}
