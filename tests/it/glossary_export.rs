//! `depeche glossary export`: one target locale, in the shapes OmegaT,
//! Trados and memoQ import, forbidden renderings never offered as
//! targets. See: #11

use crate::support::depeche;

fn export(args: &[&str]) -> String {
    let out = depeche().args(["glossary", "export"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The target column of the line whose source is `source`.
fn target<'a>(tsv: &'a str, source: &str) -> Option<&'a str> {
    tsv.lines().find_map(|l| {
        let mut f = l.split('\t');
        (f.next() == Some(source)).then(|| f.next().unwrap_or_default())
    })
}

#[test]
fn omegat_tsv_offers_the_locale_term_and_keeps_forbidden_ones_in_the_comment() {
    let gb = export(&["--to", "en-GB", "--format", "tsv", "glossaries"]);
    assert!(gb.lines().all(|l| l.split('\t').count() == 3), "not three columns");
    assert_eq!(target(&gb, "Royaume-Uni"), Some("United Kingdom"));
    assert_eq!(target(&gb, "ministère des Armées"), Some("Ministry of the Armed Forces"));
    assert_eq!(target(&gb, "ministère de la Défense"), Some("Ministry of Defence"));
    // Forbidden renderings only ever in the comment, marked.
    let line = gb.lines().find(|l| l.starts_with("Royaume-Uni\t")).unwrap();
    assert!(line.contains("; not: England;"), "{line}");
    // `Angleterre → England` is right; England is forbidden only for the UK.
    assert_eq!(target(&gb, "Angleterre"), Some("England"));
    assert!(gb.lines().all(|l| l.split('\t').nth(1) != Some("Ministry of Armies")));
    // The locale decides the spelling.
    let us = export(&["--to", "en-US", "--format", "tsv", "glossaries"]);
    assert_eq!(target(&us, "ministère de la Défense"), Some("Defense Ministry"));
}

#[test]
fn tbx_holds_french_and_one_locale_with_deprecated_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("en-GB.tbx");
    let out = depeche()
        .args(["glossary", "export", "--to", "en-GB", "--format", "tbx", "--out"])
        .arg(&path)
        .arg("glossaries")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tbx = std::fs::read_to_string(&path).unwrap();
    let langs: std::collections::BTreeSet<&str> =
        tbx.split("<langSet xml:lang=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert_eq!(langs.into_iter().collect::<Vec<_>>(), ["en-GB", "fr"]);
    assert!(tbx.contains("<term>England</term>\n            <termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote>"));
    // depeche reads its own export back.
    let check = depeche().args(["glossary", "check"]).arg(&path).output().unwrap();
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("concepts in 1 file"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn csv_has_a_language_header_and_a_forbidden_column() {
    let csv = export(&["--to", "en-GB", "--format", "csv", "glossaries"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("fr-FR,en-GB,forbidden,domain,note"));
    let uk = csv.lines().find(|l| l.starts_with("Royaume-Uni,")).unwrap();
    assert!(uk.starts_with("Royaume-Uni,United Kingdom,England,diplomacy,"), "{uk}");
}
