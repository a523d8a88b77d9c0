//! Ingest of the scraped-text fixtures and of bad input.

// The helpers below are test code too, outside `#[test]` functions.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use depeche::ingest::{self, Error, ReadOptions};
use depeche::{Article, Role};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn read_one(name: &str) -> Article {
    let mut articles = ingest::read_path(&fixture(name)).unwrap();
    assert_eq!(articles.len(), 1);
    articles.pop().unwrap()
}

fn meta<'a>(a: &'a Article, key: &str) -> Option<&'a str> {
    a.meta.get(key).map(String::as_str)
}

fn by_role(a: &Article, role: Role) -> Vec<&str> {
    a.paragraphs.iter().filter(|p| p.role == role).map(|p| p.text.as_str()).collect()
}

const REFERENCE: &str = "articles/lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";
const REFERENCE_TITLE: &str = "L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN DE COOPERATION EN MATIERE DE DEFENSE JUSQU’EN 2027";

#[test]
fn reference_article_structure() {
    let a = read_one(REFERENCE);
    assert_eq!(a.origin, fixture(REFERENCE).display().to_string());
    assert_eq!(a.lang, "fr-FR");
    assert_eq!(a.publisher.as_deref(), Some("Lagazette"));
    assert_eq!(a.title.as_deref(), Some(REFERENCE_TITLE));
    assert_eq!(a.published.as_deref(), Some("2025-10-31T15:57:00+01:00"));
    assert_eq!(meta(&a, "encoding"), Some("utf-8"));
    assert_eq!(meta(&a, "format"), Some("text"));
    assert_eq!(meta(&a, "boilerplate_lines"), Some("2"));

    let roles: Vec<Role> = a.paragraphs.iter().map(|p| p.role).collect();
    use Role::{Body as B, Heading as H, Title as T};
    assert_eq!(roles, [T, B, B, B, H, B, B, H, B, B, B]);
    let ids: Vec<&str> = a.paragraphs.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11"]);
    assert_eq!(by_role(&a, Role::Title), [REFERENCE_TITLE]);
    assert_eq!(
        by_role(&a, Role::Heading),
        [
            "Des priorités communes pour la sécurité régionale",
            "Un partenariat stratégique renforcé"
        ]
    );
    let body = by_role(&a, Role::Body);
    assert_eq!(body.len(), 8);
    let starts = [
        "Londres et Bakou",
        "Selon l’ambassade",
        "« Le Royaume-Uni est fier",
        "L’ambassade a également",
        "Cette signature",
        "Le Royaume-Uni figure",
        "Pour Bakou",
        "En conclusion",
    ];
    for (text, start) in body.iter().zip(starts) {
        assert!(text.starts_with(start), "{text:?} should start with {start:?}");
    }
    assert_eq!(
        body.get(2).copied(),
        Some(
            "« Le Royaume-Uni est fier de sa coopération étroite avec l’Azerbaïdjan dans le \
             domaine de la défense et de son rôle au sein du partenariat stratégique. Hier, les \
             ministères de la Défense britannique et azerbaïdjanais ont signé le plan de \
             coopération bilatérale en matière de défense pour 2026/27 », a indiqué la \
             représentation diplomatique britannique sur le réseau social X."
        )
    );
    for p in &a.paragraphs {
        assert!(!p.text.contains("Loading") && !p.text.contains("Voir Plus"), "{}", p.text);
        assert!(p.segments.is_empty());
    }
    assert!(
        a.id.starts_with("2025-10-31-azerbaidjan-royaume-uni-signent-plan-cooperation-"),
        "{}",
        a.id
    );
    assert_eq!(a.id, read_one(REFERENCE).id, "ids are stable");
}

/// Per fixture: name, publisher, published, encoding, headings, body paragraph count.
type Expected =
    (&'static str, &'static str, &'static str, &'static str, &'static [&'static str], usize);

const FIXTURES: &[Expected] = &[
    (
        "afp-2019-01-21-policiers-frontieres-cocaine.txt",
        "AFP",
        "2019-01-21T10:42:00+00:00",
        "utf-8 (bom)",
        &[],
        9,
    ),
    ("brief-me-2021-09-25-rappel-ambassadeur.txt", "Brief.me", "2021-09-25", "utf-8", &[], 1),
    ("essahraa-2017-10-25-mali-deux-soldats-tues.txt", "Essahraa", "2017-10-25", "utf-8", &[], 5),
    (
        "lagazette-2025-10-31-azerbaidjan-royaume-uni.txt",
        "Lagazette",
        "2025-10-31T15:57:00+01:00",
        "utf-8",
        &[
            "Des priorités communes pour la sécurité régionale",
            "Un partenariat stratégique renforcé",
        ],
        8,
    ),
    (
        "ledevoir-2011-11-15-roi-jordanie-assad.txt",
        "Le Devoir",
        "2011-11-15",
        "utf-8",
        &["Damas dénonce un \"complot\"", "La Syrie est de plus en plus isolée"],
        13,
    ),
    (
        "lefigaro-2011-11-15-sahara-nigeria-front-terroriste.txt",
        "Le Figaro",
        "2011-11-15",
        "windows-1252",
        &["Axe terroriste", "Un succès rapide"],
        8,
    ),
    (
        "lesechos-2009-12-11-discours-oslo-guerre-juste.txt",
        "Les Echos",
        "2009-12-11",
        "utf-8",
        &[],
        15,
    ),
];

#[test]
fn every_fixture_article_reads_with_its_header_encoding_and_structure() {
    let found = ingest::discover(&[fixture("articles")]).unwrap();
    let names: Vec<&str> =
        found.iter().filter_map(|p| p.file_name()).filter_map(|n| n.to_str()).collect();
    let expected: Vec<&str> = FIXTURES.iter().map(|f| f.0).collect();
    assert_eq!(names, expected, "discover lists the fixtures in name order");

    for &(name, publisher, published, encoding, headings, bodies) in FIXTURES {
        let a = read_one(&format!("articles/{name}"));
        assert_eq!(a.publisher.as_deref(), Some(publisher), "{name}");
        assert_eq!(a.published.as_deref(), Some(published), "{name}");
        assert_eq!(meta(&a, "encoding"), Some(encoding), "{name}");
        assert_eq!(meta(&a, "format"), Some("text"), "{name}");
        assert_eq!(by_role(&a, Role::Heading), headings, "{name}");
        assert_eq!(by_role(&a, Role::Body).len(), bodies, "{name}");
        let first = a.paragraphs.first().unwrap();
        assert_eq!((first.id.as_str(), first.role), ("p1", Role::Title), "{name}");
        assert_eq!(Some(first.text.as_str()), a.title.as_deref(), "{name}");
        assert_eq!(by_role(&a, Role::Title).len(), 1, "{name}");
        let date = published.get(..10).unwrap();
        assert!(a.id.starts_with(date), "{name}: {}", a.id);
        for (i, p) in a.paragraphs.iter().enumerate() {
            assert_eq!(p.id, format!("p{}", i + 1), "{name}");
            assert!(!p.text.is_empty() && p.text == p.text.trim(), "{name}: {:?}", p.text);
            assert!(!p.text.contains(['\n', '\r', '\u{feff}', '\u{fffd}']), "{name}: {:?}", p.text);
            for boilerplate in
                ["Loading", "Partager", "Abonnez", "Inscrivez", "Trier par", "asl/tib", "©"]
            {
                assert!(!p.text.contains(boilerplate), "{name}: {:?}", p.text);
            }
        }
    }
}

#[test]
fn windows_1252_fixture_decodes_its_french_letters() {
    let bytes =
        std::fs::read(fixture("articles/lefigaro-2011-11-15-sahara-nigeria-front-terroriste.txt"))
            .unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is not utf-8");
    let a = read_one("articles/lefigaro-2011-11-15-sahara-nigeria-front-terroriste.txt");
    assert_eq!(a.title.as_deref(), Some("Du Sahara au Nigeria, le front terroriste s'étend"));
    let text: Vec<&str> = a.paragraphs.iter().map(|p| p.text.as_str()).collect();
    let text = text.join("\n");
    // œ is 0x9C, defined in Windows-1252 but not in ISO-8859-1.
    assert!(text.contains("une nouvelle menace au cœur du continent"));
    assert!(text.contains("Soupçonnés de longue date"));
}

#[test]
fn crlf_and_bom_fixture_reads_clean() {
    let bytes =
        std::fs::read(fixture("articles/afp-2019-01-21-policiers-frontieres-cocaine.txt")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf") && bytes.windows(2).any(|w| w == b"\r\n"));
    let a = read_one("articles/afp-2019-01-21-policiers-frontieres-cocaine.txt");
    assert_eq!(
        a.title.as_deref(),
        Some("France: deux ex-policiers aux frontières devant la justice pour trafic de cocaïne")
    );
    assert_eq!(
        by_role(&a, Role::Body).last().copied(),
        Some("Le verdict est attendu le 7 février."),
        "the desk signature and copyright line are dropped"
    );
}

#[test]
fn hard_wrapped_fixture_gives_one_line_paragraphs() {
    let a = read_one("articles/lesechos-2009-12-11-discours-oslo-guerre-juste.txt");
    assert_eq!(
        by_role(&a, Role::Body).first().copied(),
        Some(
            "La droite américaine a salué vendredi le discours prononcé la veille à Oslo par \
             Barack Obama, satisfaite que le prix Nobel de la paix 2009 ait défendu le concept \
             de \"guerre juste\" contre les ennemis des Etats-Unis."
        )
    );
}

#[test]
fn time_without_offset_is_kept_apart_unless_an_offset_is_assumed() {
    let path = fixture("articles/essahraa-2017-10-25-mali-deux-soldats-tues.txt");
    let a = read_one("articles/essahraa-2017-10-25-mali-deux-soldats-tues.txt");
    assert_eq!(meta(&a, "published_local_time"), Some("11:31"));
    let options = ReadOptions::default().with_utc_offset_minutes(Some(0));
    let a = ingest::read_path_with(&path, &options).unwrap().pop().unwrap();
    assert_eq!(a.published.as_deref(), Some("2017-10-25T11:31:00+00:00"));
}

fn error(name: &str) -> Error {
    ingest::read_path(&fixture(name)).unwrap_err()
}

fn bad(name: &str) -> String {
    fixture(name).display().to_string()
}

#[test]
fn empty_files_are_refused() {
    for name in ["bad/empty.txt", "bad/whitespace-only.txt"] {
        let err = error(name);
        assert!(matches!(err, Error::Empty { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("{}: the file is empty; nothing to translate", bad(name))
        );
    }
}

#[test]
fn binary_files_are_refused() {
    let err = error("bad/binary.txt");
    assert!(matches!(err, Error::NotText { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}: the file is a png image, not an article", bad("bad/binary.txt"))
    );
    let err = error("bad/utf16-without-bom.txt");
    assert!(matches!(err, Error::NotText { .. }), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("utf-16 without a byte-order mark; save the article as utf-8 text"),
        "{err}"
    );
}

#[test]
fn a_file_of_only_boilerplate_is_refused() {
    let err = error("bad/only-boilerplate.txt");
    assert!(matches!(err, Error::OnlyBoilerplate { removed: 3, .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!(
        "{}: the file holds only site boilerplate (3 line(s)",
        bad("bad/only-boilerplate.txt")
    )));
}

#[test]
fn a_header_without_body_is_refused() {
    let err = error("bad/title-only.txt");
    assert!(matches!(err, Error::NoBody { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no article text after the title and date; check that the file holds the article body",
            bad("bad/title-only.txt")
        )
    );
}

#[test]
fn invalid_bytes_are_refused_or_read_lossily_on_request() {
    let err = error("bad/invalid-bytes.txt");
    assert!(matches!(err, Error::InvalidBytes { line: 5, offset: 164, byte: 0xff, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:5: byte 0xff at offset 164 is not valid utf-8, and the file does not read as \
             windows-1252 either; re-save it as utf-8 (or read it lossily)",
            bad("bad/invalid-bytes.txt")
        )
    );
    let options = ReadOptions::default().with_lossy(true);
    let a =
        ingest::read_path_with(&fixture("bad/invalid-bytes.txt"), &options).unwrap().pop().unwrap();
    assert_eq!(meta(&a, "encoding"), Some("utf-8 (lossy)"));
    assert_eq!(
        meta(&a, "encoding_note"),
        Some("2 invalid utf-8 sequence(s) replaced by U+FFFD, the first on line 5")
    );
    assert!(by_role(&a, Role::Body).first().unwrap().contains("2026-2027 \u{fffd}\u{fffd} dans"));
}

#[test]
fn missing_files_and_folders_are_io_errors() {
    let err = error("bad/no-such-file.txt");
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: cannot read the file (check that it exists and is readable)",
            bad("bad/no-such-file.txt")
        )
    );
    assert!(matches!(ingest::read_path(&fixture("bad")), Err(Error::Io { .. })));
}

/// A 50 MB file is refused before it is read, with the limit in the
/// message; raising the limit reads it.
#[test]
fn a_50_mb_file_is_over_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "Lagazette\n\nUn très long article\n\n31 octobre 2025\n").unwrap();
    let paragraph =
        format!("{}\n\n", "Les ministères de la Défense ont signé un plan. ".repeat(20));
    let mut written = 0;
    while written < 50 * 1024 * 1024 {
        file.write_all(paragraph.as_bytes()).unwrap();
        written += paragraph.len();
    }
    file.flush().unwrap();
    drop(file);
    let size = std::fs::metadata(&path).unwrap().len();

    let err = ingest::read_path(&path).unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { size: s, limit: ingest::DEFAULT_MAX_BYTES, .. } if s == size),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.starts_with(&format!("{}: the file is 52.4 MB", path.display())), "{message}");
    assert!(
        message.ends_with(
            "over the 10 MiB limit for one article; if it really is one article, raise the limit \
             (--max-article-bytes, or max_article_bytes in depeche.toml)"
        ),
        "{message}"
    );

    let options = ReadOptions::default().with_max_bytes(60 * 1024 * 1024);
    let a = ingest::read_path_with(&path, &options).unwrap().pop().unwrap();
    assert_eq!(a.title.as_deref(), Some("Un très long article"));
    assert!(a.paragraphs.len() > 50_000);
}

#[test]
fn discover_walks_folders_in_order_and_skips_hidden_and_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/.hidden")).unwrap();
    for name in ["b/2.txt", "b/1.TXT", "a.txt", "notes.md", ".draft.txt", "b/.hidden/x.txt"] {
        std::fs::File::create(root.join(name)).unwrap();
    }
    let given = root.join("notes.md");
    let found = ingest::discover(&[root.to_path_buf(), given.clone()]).unwrap();
    let expected = [root.join("a.txt"), root.join("b/1.TXT"), root.join("b/2.txt"), given];
    assert_eq!(found, expected);
}
