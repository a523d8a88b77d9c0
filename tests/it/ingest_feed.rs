//! RSS and Atom feeds: one article per item, on the real feeds of
//! `fixtures/feeds/` and on small feeds written here.

use std::path::{Path, PathBuf};

use depeche::ingest::{self, Error, Items, ReadOptions};
use depeche::{Article, Role};

use crate::support::{depeche, validate_xliff, xliff_files};

const BFMTV: &str = "bfmtv_moyen-orient_2025-02-10.rss.xml";
const FRANCEINFO: &str = "franceinfo_monde_2025-02-10.rss.xml";
const FIGARO: &str = "lefigaro_flash-actu_2025-02-10.rss.xml";
const LIBERATION: &str = "liberation_a-la-une_2025-02-10.rss.xml";
const CERCLE_PSY: &str = "le-cercle-psy_no-xml-decl_iso-8859-1.rss.xml";

fn feed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds").join(name)
}

fn items(path: &Path) -> Items {
    ingest::read_items(path, &ReadOptions::default()).unwrap()
}

fn articles(name: &str) -> Vec<Article> {
    ingest::read_path(&feed(name)).unwrap()
}

fn body(a: &Article) -> Vec<&str> {
    a.paragraphs.iter().filter(|p| p.role == Role::Body).map(|p| p.text.as_str()).collect()
}

fn captions(a: &Article) -> Vec<&str> {
    a.paragraphs.iter().filter(|p| p.role == Role::Caption).map(|p| p.text.as_str()).collect()
}

fn meta<'a>(a: &'a Article, key: &str) -> Option<&'a str> {
    a.meta.get(key).map(String::as_str)
}

#[test]
fn every_item_of_the_real_feeds_is_read() {
    for (name, count) in
        [(BFMTV, 30), (FRANCEINFO, 20), (FIGARO, 20), (LIBERATION, 20), (CERCLE_PSY, 10)]
    {
        let read = items(&feed(name));
        assert_eq!(read.len(), count, "{name}");
        for article in read.iter().flatten() {
            assert_eq!(meta(article, "format"), Some("feed"), "{name}");
            assert_eq!(article.lang, "fr-FR", "{name}");
            assert_eq!(article.paragraphs[0].role, Role::Title, "{name}");
            assert!(article.paragraphs.len() >= 2, "{name}: {:?}", article.title);
        }
    }
}

#[test]
fn bfmtv_cdata_html_descriptions() {
    let all = articles(BFMTV);
    let first = &all[0];
    assert_eq!(
        first.title.as_deref(),
        Some(
            "Gaza: un otage relâché par le Hamas ignorait que sa femme et ses enfants sont morts le 7-Octobre"
        )
    );
    assert_eq!(first.published.as_deref(), Some("2025-02-10T11:33:28+00:00"));
    assert_eq!(first.publisher.as_deref(), Some("Home Moyen-Orient - actualités"));
    assert_eq!(
        first.origin,
        "https://www.bfmtv.com/international/moyen-orient/israel/gaza-un-otage-relache-par-le-hamas-ignorait-que-sa-femme-et-ses-enfants-sont-morts-le-7-octobre_AN-202502100452.html"
    );
    // `<br /><br /><img …/>` after the text: one paragraph, no image.
    assert_eq!(
        body(first),
        [
            "Lors d'une mise en scène orchestrée par le Hamas, un otage israélien libéré ce samedi a déclaré au micro être \"heureux de retrouver\" sa femme et ses filles. Sans savoir qu'elles avaient été assassinées lors de l'attaque du 7-Octobre."
        ]
    );
    for a in &all {
        for p in &a.paragraphs {
            assert!(!p.text.contains('<') && !p.text.contains("img"), "{}", p.text);
        }
    }
}

#[test]
fn franceinfo_hex_references_and_tracking_links() {
    let all = articles(FRANCEINFO);
    let first = &all[0];
    assert_eq!(
        first.title.as_deref(),
        Some("Le chanteur Ed Sheeran interrompu par la police lors d'un concert de rue en Inde")
    );
    // `&#xE9;`, `&#xE0;` and `&#xA0;` (kept as a no-break space).
    assert_eq!(
        body(first),
        [
            "La star britannique est actuellement en tournée dans six\u{a0}villes indiennes et a notamment donné un concert à guichets fermés à Bombay."
        ]
    );
    assert_eq!(first.published.as_deref(), Some("2025-02-10T13:18:02+01:00"));
    // `#xtor=RSS-3-[general]` is tracking, not part of the article's address.
    assert_eq!(
        first.origin,
        "https://www.francetvinfo.fr/culture/musique/le-chanteur-ed-sheeran-interrompu-par-la-police-lors-d-un-concert-de-rue-en-inde_7066466.html"
    );
    assert!(all.iter().all(|a| !a.origin.contains('#')));
    let barrage = &all[5];
    assert_eq!(
        barrage.title.as_deref(),
        Some("La Chine va construire le plus gros barrage hydroélectrique au monde")
    );
    assert!(body(barrage)[0].contains("au pied des sommets de l’Himalaya"), "{:?}", body(barrage));
    let click_day = &all[15];
    assert!(click_day.title.as_deref().unwrap().contains("au cœur du \"click day\""));
    assert!(
        all.iter().all(|a| a.paragraphs.iter().all(|p| !p.text.contains("&#"))),
        "an undecoded character reference is left"
    );
}

#[test]
fn figaro_media_descriptions_become_captions() {
    let all = articles(FIGARO);
    let first = &all[0];
    assert_eq!(
        first.title.as_deref(),
        Some(
            "Affaire du baiser forcé : l'absence de Jenni Hermoso après le scandale n'était «pas une punition», assure la sélectionneuse"
        )
    );
    assert_eq!(first.published.as_deref(), Some("2025-02-10T13:33:56+01:00"));
    assert_eq!(first.publisher.as_deref(), Some("Le Figaro - Le Flash Actu"));
    assert_eq!(captions(first), ["Montserrat Tomé"]);
    assert_eq!(first.paragraphs.last().unwrap().role, Role::Caption);
    assert_eq!(
        captions(&all[1]),
        [
            "Le nouveau président de la Syrie pour une phase de transition, Ahmed al-Sharaa, à Ankara, en Turquie, le 4 février 2025."
        ]
    );
    // 20 `media:description`, one per item.
    assert_eq!(all.iter().map(|a| captions(a).len()).sum::<usize>(), 20);
}

#[test]
fn liberation_one_line_cdata_feed() {
    let read = items(&feed(LIBERATION));
    let first = read[0].as_ref().unwrap();
    assert_eq!(
        first.title.as_deref(),
        Some(
            "«C’est une histoire d’espoir brisé» : au Sénégal, comment le groupe minier français Eramet croque la Grande Côte"
        )
    );
    assert_eq!(first.byline.as_deref(), Some("Agnès Faivre"));
    assert_eq!(first.publisher.as_deref(), Some("Libération"));
    assert_eq!(first.published.as_deref(), Some("2025-02-10T10:00:00+00:00"));
    assert_eq!(
        body(first),
        [
            "Pour l’extraction de son précieux sable minéralisé, la multinationale déplace depuis 2014 des villages entiers et avale des terres agricoles, laissant derrière elle des communautés amères et inquiètes."
        ]
    );
    assert_eq!(
        captions(first),
        [
            "Vue aérienne de la mine mobile d'Eramet et de son usine flottante, dans le désert de Lompoul (Sénégal) le 21 décembre 2024."
        ]
    );
    // The whole file is one line.
    assert_eq!(meta(first, "line"), Some("1"));
    let second = read[1].as_ref().unwrap();
    assert_eq!(second.byline.as_deref(), Some("Amaelle Guiton, Elise Viniacourt"));
}

#[test]
fn iso_8859_1_feed_without_declaration() {
    let read = items(&feed(CERCLE_PSY));
    let first = read[0].as_ref().unwrap();
    assert_eq!(meta(first, "encoding"), Some("windows-1252"));
    assert_eq!(
        first.title.as_deref(),
        Some("Perturbateurs endocriniens : quels effets sur le cerveau ?")
    );
    assert_eq!(first.published.as_deref(), Some("2018-10-17T10:30:00+00:00"));
    assert_eq!(
        body(first),
        [
            "Si leur impact semble discret au premier abord, nombre d'études montrent que les perturbateurs endocriniens pourraient être à l'origine de troubles neuro-développementaux chez l'enfant."
        ]
    );
    // The mangled `simplificationet#8230;` is repaired, not fatal.
    let second = read[1].as_ref().unwrap();
    assert_eq!(
        second.title.as_deref(),
        Some("Masters en Psycho\u{a0}: une simplification… très complexe")
    );
    let third = read[2].as_ref().unwrap();
    assert!(body(third)[0].starts_with("«\u{a0}L'oisiveté est mère de tous les vices\u{a0}»"));
    // Item 4 is empty in the feed: refused alone, with its line.
    let empty = read[3].as_ref().unwrap_err();
    assert!(matches!(empty, Error::Malformed { line: 29, .. }), "{empty:?}");
    assert!(
        empty.to_string().ends_with(":29: item 4 has no text; nothing to translate"),
        "{empty}"
    );
    assert_eq!(read.iter().filter(|r| r.is_ok()).count(), 9);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_item_with_only_a_title_gives_its_headline() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad-item.rss",
        r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Défense &amp; sécurité</title><language>fr-fr</language>
<item><title>Premier</title><description>&lt;p&gt;Un.&lt;/p&gt;&lt;p&gt;Deux.&lt;/p&gt;</description></item>
<item>
  <title>Sans texte</title>
  <link>https://example.org/b</link>
</item>
<item><title>Troisième</title><description>Trois.</description><pubDate>Tue, 11 Feb 2025 08:00:00 +0100</pubDate></item>
</channel></rss>
"#,
    );
    let read = items(&path);
    assert_eq!(read.len(), 3);
    let first = read[0].as_ref().unwrap();
    assert_eq!(body(first), ["Un.", "Deux."]);
    assert_eq!(first.publisher.as_deref(), Some("Défense & sécurité"));
    // A title alone is a headline to translate (see: #15).
    let second = read[1].as_ref().unwrap();
    assert_eq!(second.title.as_deref(), Some("Sans texte"));
    assert_eq!(second.paragraphs.len(), 1);
    assert_eq!(second.paragraphs[0].role, Role::Title);
    let third = read[2].as_ref().unwrap();
    assert_eq!(third.title.as_deref(), Some("Troisième"));
    assert_eq!(third.published.as_deref(), Some("2025-02-11T08:00:00+01:00"));
    assert_eq!(ingest::read_path(&path).unwrap().len(), 3);
}

#[test]
fn a_malformed_feed_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "broken.rss",
        "<rss version=\"2.0\"><channel><title>T</title>\n<item><title>A</title>\n<description>Texte.</descrption>\n</item></channel></rss>\n",
    );
    let err = ingest::read_items(&path, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Malformed { line: 3, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("broken.rss:3: the feed is not well-formed XML"), "{text}");

    let truncated = write(
        dir.path(),
        "truncated.rss",
        "<rss version=\"2.0\"><channel><title>T</title>\n<item><title>A</title>\n<description>Texte.",
    );
    let err = ingest::read_items(&truncated, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Malformed { line: 3, .. }), "{err:?}");
}

#[test]
fn translate_writes_one_valid_xliff_per_item() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "fixtures/feeds/franceinfo_monde_2025-02-10.rss.xml", "--no-progress"])
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let files = xliff_files(out.path());
    assert_eq!(files.len(), 20);
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    validate_xliff(&paths);
    let all = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect::<Vec<_>>();
    assert!(all.iter().any(|x| x.contains("Le chanteur Ed Sheeran interrompu par la police")));
}
