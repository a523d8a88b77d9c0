//! Apertium against the real APy server (fra|cat|eng pivot).

use depeche::Origin;

use super::support::{apy_url, article, config, hit, targets, translator};

const TITLE: &str = "L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN DE COOPÉRATION";
const S1: &str = "Les ministères de la Défense de l'Azerbaïdjan et du Royaume-Uni ont signé un plan bilatéral de coopération pour la période 2026-2027.";
const S2: &str = "Selon Caliber.Az, le ministère des Armées a salué cet accord.";
const S3: &str = "Les drones sécuritaires seront livrés à Bakou.";

#[tokio::test]
async fn translates_an_article_through_the_pivot_with_terms() {
    let cfg = config("");
    let t = translator(&cfg, "apertium", apy_url(), &[]);
    assert!(!t.is_offline());
    let mut a = article(&[&[TITLE], &[S1, S2], &[S3]]);
    a.paragraphs[1].segments[1].terms = vec![
        hit(S2, "Caliber.Az", None, true),
        hit(S2, "ministère des Armées", Some("Ministry of the Armed Forces"), false),
    ];
    let stats = t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(stats.requests, 1, "{stats:?}");
    assert_eq!((stats.translated, stats.failed), (4, 0), "{stats:?}");
    assert_eq!(stats.per_provider["apertium"].segments_sent, 4);
    let out: Vec<String> = targets(&a).into_iter().map(Option::unwrap).collect();
    // Sentence case went to the engine, the source stays as written.
    assert_eq!(a.paragraphs[0].segments[0].source, TITLE);
    assert!(out[0].starts_with("The ") && out[0].contains("cooperation"), "{}", out[0]);
    assert!(out[0].chars().filter(|c| c.is_uppercase()).count() < 5, "{}", out[0]);
    assert!(out[1].contains("2026-2027") && out[1].contains("Azerbaijan"), "{}", out[1]);
    assert!(out[2].contains("Caliber.Az"), "{}", out[2]);
    assert!(out[2].contains("Ministry of the Armed Forces"), "{}", out[2]);
    for o in &out {
        assert!(!o.contains(['*', '#', '@']), "engine marks left: {o}");
        assert!(!o.to_lowercase().contains("glossterm"), "placeholder left: {o}");
    }
    for s in a.paragraphs.iter().flat_map(|p| &p.segments) {
        assert_eq!(s.origin, Origin::Mt { provider: "apertium".into() });
    }
    // Deterministic engine: the same article gives the same targets.
    let mut b = article(&[&[TITLE], &[S1, S2], &[S3]]);
    b.paragraphs[1].segments[1].terms = a.paragraphs[1].segments[1].terms.clone();
    t.translate_article(&mut b, "en-GB").await.unwrap();
    assert_eq!(targets(&a), targets(&b));
}

#[tokio::test]
async fn segments_with_targets_are_skipped_and_unknown_pairs_fail_cleanly() {
    let cfg = config("");
    let t = translator(&cfg, "apertium", apy_url(), &[]);
    let mut a = article(&[&["Bonjour."], &[S3]]);
    a.paragraphs[0].segments[0].target = Some("Hello (from memory).".into());
    let stats = t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((stats.skipped, stats.translated, stats.requests), (1, 1, 1));
    assert_eq!(a.paragraphs[0].segments[0].target.as_deref(), Some("Hello (from memory)."));

    let cfg = config("[apertium]\npair = \"fra|deu\"\n");
    let t = translator(&cfg, "apertium", apy_url(), &[]);
    let mut a = article(&[&[S3]]);
    let stats = t.translate_article(&mut a, "de-DE").await.unwrap();
    assert_eq!((stats.translated, stats.failed), (0, 1));
    assert!(
        stats.errors[0].to_string().contains("apertium does not translate"),
        "{:?}",
        stats.errors
    );
    assert_eq!(targets(&a), vec![None]);
}

#[tokio::test]
async fn check_makes_one_translation() {
    let cfg = config("");
    let t = translator(&cfg, "apertium", apy_url(), &[]);
    let checks = t.check().await;
    assert_eq!(checks.len(), 1);
    let (name, res) = &checks[0];
    assert_eq!(name, "apertium");
    let answer = res.as_ref().unwrap();
    assert!(answer.starts_with("bonjour -> ") && answer.len() > "bonjour -> ".len(), "{answer}");
    assert_eq!(t.describe(), format!("apertium ({})", apy_url()));
}
