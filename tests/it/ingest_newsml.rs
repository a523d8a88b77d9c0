//! Ingest of agency wire files: NewsML 1.2, NewsML-G2 and NITF
//! (`fixtures/newsml/`, real files from AFP, SDA-ATS, Belga, GlobeNewswire
//! and the IPTC examples).

use std::path::{Path, PathBuf};

use depeche::ingest::{self, Error, ReadOptions};
use depeche::{Article, Role};

use crate::support::{depeche, fixture, validate_xliff, xliff_files};

const AFP: &str = "afp_newsml-1.2_fr_2019-01-21_policiers-frontieres.xml";
const ATS: &str = "ats-sda_newsml-1.2_fr_iso-8859-15.xml";
const BELGA: &str = "belga_newsml-1.2_fr_video-fgtb.xml";
const GLOBENEWSWIRE: &str = "globenewswire_newsml-g2_fr-FR_xhtml.xml";
const IPTC_ITEM: &str = "iptc_LISTING_1_A_NewsML-G2_News_Item.xml";
const IPTC_TEXT: &str = "iptc_LISTING_2_NewsML-G2_Text_Document.xml";

fn newsml(name: &str) -> PathBuf {
    fixture("newsml").join(name)
}

fn read_one(name: &str) -> Article {
    let mut articles = ingest::read_path(&newsml(name)).unwrap();
    assert_eq!(articles.len(), 1, "{name}");
    articles.pop().unwrap()
}

fn meta<'a>(a: &'a Article, key: &str) -> Option<&'a str> {
    a.meta.get(key).map(String::as_str)
}

fn texts(a: &Article, role: Role) -> Vec<&str> {
    a.paragraphs.iter().filter(|p| p.role == role).map(|p| p.text.as_str()).collect()
}

#[test]
fn every_file_is_detected_as_newsml() {
    for name in [AFP, ATS, BELGA, GLOBENEWSWIRE, IPTC_ITEM, IPTC_TEXT] {
        let bytes = std::fs::read(newsml(name)).unwrap();
        assert_eq!(ingest::Format::detect(&newsml(name), &bytes), ingest::Format::NewsMl, "{name}");
    }
}

#[test]
fn afp_dispatch_reads_clean() {
    let a = read_one(AFP);
    assert_eq!(
        a.title.as_deref(),
        Some("France: deux ex-policiers aux frontières devant la justice pour trafic de cocaïne")
    );
    assert_eq!(a.published.as_deref(), Some("2019-01-21T10:42:33+00:00"));
    assert_eq!(a.lang, "fr-FR");
    assert_eq!(a.publisher.as_deref(), Some("AFP"));
    assert_eq!(meta(&a, "format"), Some("newsml-1.2"));
    assert_eq!(meta(&a, "encoding"), Some("utf-8"));
    assert_eq!(meta(&a, "dateline"), Some("Paris, 21 jan 2019 (AFP) -"));
    assert_eq!(meta(&a, "revised"), Some("2019-01-21T10:42:34+00:00"));
    assert_eq!(meta(&a, "source_id"), Some("urn:newsml:afp.com:20190121T104233Z:TX-PAR-RHO61:1"));
    // 11 <p>: two empty ones, nine of text, and the desk signature.
    let body = texts(&a, Role::Body);
    assert_eq!(body.len(), 9);
    assert_eq!(a.paragraphs.len(), 10);
    assert_eq!(a.paragraphs[0].role, Role::Title);
    assert!(body[0].starts_with("Le procès de deux anciens fonctionnaires"), "{}", body[0]);
    assert_eq!(body[8], "Le verdict est attendu le 7 février.");
    assert!(body.iter().any(|p| p.contains("entre 540.000 et 620.000 euros")));
    for p in &a.paragraphs {
        assert!(!p.text.trim().is_empty(), "empty paragraph {}", p.id);
        assert_eq!(p.text, p.text.trim(), "{}", p.id);
        assert!(!p.text.contains('\r'), "{}", p.id);
        assert!(!p.text.contains("asl/tib"), "desk signature kept in {}", p.id);
    }
    // The dateline is metadata, not article text.
    assert!(!body[0].contains("(AFP)"));
    assert_eq!(meta(&a, "boilerplate_lines"), Some("1"));
}

#[test]
fn sda_ats_iso_8859_15_with_external_dtd_reads() {
    let a = read_one(ATS);
    assert_eq!(meta(&a, "encoding"), Some("iso-8859-15"));
    assert_eq!(a.title.as_deref(), Some("Un taureau entre dans un magasin à Landquart (GR)"));
    assert_eq!(a.published.as_deref(), Some("2019-06-03T17:47:29+02:00"));
    assert_eq!(a.lang, "fr-FR");
    assert_eq!(meta(&a, "lang_tag"), Some("FR"));
    assert_eq!(meta(&a, "dateline"), Some("Landquart GR"));
    assert_eq!(a.publisher.as_deref(), Some("ats"));
    let body = texts(&a, Role::Body);
    assert_eq!(body.len(), 3);
    assert!(body[0].starts_with("Un taureau âgé d'un an est entré dans un magasin Denner"));
    assert!(body[2].contains("propriétaire") && body[2].contains("transporté"), "{}", body[2]);
    assert!(a.paragraphs.iter().all(|p| !p.text.contains('\u{fffd}')));
}

#[test]
fn belga_video_package_gives_its_clip_story_flagged_as_english() {
    let a = read_one(BELGA);
    // The package headline names the story; the clip has its own headline,
    // and the Title component repeats it.
    assert_eq!(
        a.title.as_deref(),
        Some(
            "\"Nous avons la confiance de l'ensemble des centrales et régionales\" (Miranda Ulens)"
        )
    );
    assert_eq!(
        meta(&a, "package_headline"),
        Some("Le bureau fédéral de la FGTB acte l'éviction du président Robert Vertenueil")
    );
    assert_eq!(meta(&a, "component_role"), Some("Video"));
    // Tagged French, the shot list is English: the tag is kept, and flagged.
    assert_eq!(a.lang, "fr-FR");
    assert_eq!(meta(&a, "body_lang_guess"), Some("en"));
    let body = texts(&a, Role::Body);
    assert_eq!(body.len(), 2);
    assert_eq!(body[0], "TRADE UNIONS FGTB ABVV CHAIRMAN DEBATE");
    assert!(body[1].starts_with("00:00:00:00 - 00:00:32:04 ABVV/FGTB"), "{}", body[1]);
    // No offset on the times: the date alone, the time kept apart.
    assert_eq!(a.published.as_deref(), Some("2020-06-09"));
    assert_eq!(meta(&a, "published_local_time"), Some("12:02"));
    assert_eq!(a.publisher.as_deref(), Some("BELGA"));
    let assumed = ReadOptions::default().with_utc_offset_minutes(Some(120));
    let a = ingest::read_path_with(&newsml(BELGA), &assumed).unwrap().pop().unwrap();
    assert_eq!(a.published.as_deref(), Some("2020-06-09T12:02:04+02:00"));
}

#[test]
fn globenewswire_g2_xhtml_press_release() {
    let a = read_one(GLOBENEWSWIRE);
    assert_eq!(meta(&a, "format"), Some("newsml-g2"));
    assert_eq!(meta(&a, "content_type"), Some("application/xhtml+xml"));
    assert_eq!(
        a.title.as_deref(),
        Some(
            "CORRECTION ET MISE À JOUR - Les réseaux mobiles dans les régions rurales au Canada \
             sont parmi les plus rapides au monde"
        )
    );
    assert_eq!(a.published.as_deref(), Some("2020-05-26T15:31:00+00:00"));
    assert_eq!(a.lang, "fr-FR");
    assert_eq!(a.publisher.as_deref(), Some("globenewswire.com"));
    // The <h1> repeating the headline is not a paragraph; the bold line is
    // an intertitle.
    assert_eq!(a.paragraphs.len(), 17);
    assert_eq!(texts(&a, Role::Title).len(), 1);
    assert_eq!(
        texts(&a, Role::Heading),
        [
            "Les réseaux mobiles dans les régions rurales au Canada sont parmi les plus rapides au monde"
        ]
    );
    let body = texts(&a, Role::Body);
    assert_eq!(body.len(), 15);
    assert!(body[0].starts_with("Le communiqué suivant corrige et remplace"));
    assert!(
        body[4].starts_with("TORONTO, 26 mai 2020 (GLOBE NEWSWIRE) -- Les vitesses"),
        "{}",
        body[4]
    );
    // Links and <br/> inside a paragraph stay inline.
    assert!(
        body.iter().any(|p| p.contains("d’Opensignal, State of Mobile Network Experience 2020"))
    );
    assert!(body.iter().any(|p| p.starts_with("À propos de TELUS TELUS (TSX")));
    assert!(a.paragraphs.iter().all(|p| !p.text.is_empty() && !p.text.contains('<')));
}

#[test]
fn iptc_examples_structure() {
    let a = read_one(IPTC_TEXT);
    assert_eq!(meta(&a, "format"), Some("newsml-g2"));
    assert_eq!(meta(&a, "content_type"), Some("application/nitf+xml"));
    assert_eq!(a.title.as_deref(), Some("Fed to halt QE to avert \"bubble\""));
    assert_eq!(a.byline.as_deref(), Some("By Meredith Jameson, Staff Reporter"));
    assert_eq!(a.lang, "en-US");
    assert_eq!(a.published.as_deref(), Some("2016-11-21T15:21:06-05:00"));
    assert_eq!(meta(&a, "located"), Some("New York, NY"));
    let body = texts(&a, Role::Body);
    assert_eq!(body.len(), 2);
    assert!(body[0].starts_with("(New York, NY - October 21) Et, sent luptat"), "{}", body[0]);
    assert!(body[1].ends_with("esto cons dolutpat, si."), "{}", body[1]);
    // The news-item listing has a headline and an empty inlineXML: that
    // item is refused on its own, the file is not.
    let items = ingest::read_items(&newsml(IPTC_ITEM), &ReadOptions::default()).unwrap();
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Err(Error::NoBody { path }) if path.ends_with(IPTC_ITEM)));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn malformed_files_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let afp = std::fs::read_to_string(newsml(AFP)).unwrap();
    // Cut short in the body: the open elements are named.
    let cut = afp.find("<p>Neuf membres").unwrap();
    let path = write(dir.path(), "cut.xml", &afp.as_bytes()[..cut]);
    let err = ingest::read_path(&path).unwrap_err();
    let Error::Malformed { line, reason, .. } = &err else { panic!("{err:?}") };
    // The innermost open element is named, with the line it starts on.
    let body_line = afp.lines().position(|l| l.starts_with("<body.content>")).unwrap() + 1;
    assert_eq!(*line, body_line);
    assert!(reason.contains("<body.content> is never closed"), "{reason}");
    // A mismatched end tag.
    let broken = afp.replacen("</body.content>", "</body.contents>", 1);
    let line_of_tag = broken.lines().position(|l| l.contains("</body.contents>")).unwrap() + 1;
    let path = write(dir.path(), "mismatch.xml", broken.as_bytes());
    let err = ingest::read_path(&path).unwrap_err();
    assert!(matches!(err, Error::Malformed { line, .. } if line == line_of_tag), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&format!("{}:{line_of_tag}: ", path.display())), "{message}");
    assert!(message.contains("body.contents"), "{message}");
    // Entities from an external DTD are not fetched: refused with the line.
    let ats = std::fs::read(newsml(ATS)).unwrap();
    let with_entity = String::from_utf8_lossy(&ats).replacen("Animaux", "&animaux;", 1);
    let path = write(dir.path(), "entity.xml", with_entity.as_bytes());
    let err = ingest::read_path(&path).unwrap_err();
    assert!(matches!(err, Error::Malformed { line: 35, .. }), "{err:?}");
    assert!(err.to_string().contains("undefined entity &animaux;"), "{err}");
}

#[test]
fn translate_an_afp_dispatch_end_to_end() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", &format!("fixtures/newsml/{AFP}"), "--no-progress", "--out"])
        .arg(out.path())
        .assert()
        .code(0);
    let files = xliff_files(out.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    validate_xliff(&refs);
    let xliff = std::fs::read_to_string(&files[0]).unwrap();
    assert!(xliff.contains("Le verdict est attendu le 7 février."));
    assert!(!xliff.contains("asl/tib/pid/cac"));
}
