//! The `numbers` QA check through a whole `depeche translate` run: a
//! LibreTranslate server that echoes its input keeps French number
//! formatting, which an English reader misreads (`3,5` as thirty-five,
//! `40.000` as forty), so those units get a warning note and the others none.

use std::path::Path;
use std::process::Command;

use crate::support::{fixture, validate_xliff, xliff_files};

const AFP: &str = "articles/afp-2019-01-21-policiers-frontieres-cocaine.txt";

/// A short article of decimals, times and years.
const BUDGET: &str = "Le Monde

Le budget des armées progresse de 3,5 % en 2026

31 octobre 2025 15:57

Le budget des armées progresse de 3,5 % en 2026, à 50,5 milliards d'euros.

La séance a été levée à 15 h 57, après 2 heures de débat.

La loi de programmation couvre la période 2024-2030.
";

/// `(unit id, source, numbers notes)` of every unit of `file`.
fn numbers_notes(file: &Path) -> Vec<(String, String, Vec<String>)> {
    let doc = depeche::xliff::read_file(file).unwrap();
    doc.files[0]
        .units
        .iter()
        .map(|u| {
            let notes = u
                .notes
                .iter()
                .filter(|n| n.from.as_deref() == Some("qa") && n.text.ends_with("[numbers]"))
                .map(|n| n.text.clone())
                .collect();
            (u.id.clone(), u.source.clone(), notes)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn french_number_formats_left_in_english_are_flagged() {
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let budget = dir.path().join("budget.txt");
    std::fs::write(&budget, BUDGET).unwrap();
    let out_dir = dir.path().join("out");
    let out = Command::new(assert_cmd::cargo::cargo_bin("depeche"))
        .args(["translate", "--no-progress", "--no-memory", "--provider", "libretranslate"])
        .arg("--endpoint")
        .arg(server.uri())
        .arg("--out")
        .arg(&out_dir)
        .arg(fixture(AFP))
        .arg(&budget)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // Warnings never fail a run.
    assert_eq!(out.status.code(), Some(0), "{text}");

    let files = xliff_files(&out_dir);
    assert_eq!(files.len(), 2, "{files:?}");
    validate_xliff(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());

    let afp = files.iter().find(|f| f.to_string_lossy().contains("policiers")).unwrap();
    let flagged: Vec<_> =
        numbers_notes(afp).into_iter().filter(|(_, _, n)| !n.is_empty()).collect();
    assert_eq!(flagged.len(), 1, "{flagged:#?}");
    let (id, source, notes) = &flagged[0];
    assert_eq!(id, "p9.s1");
    assert!(source.starts_with("Les ex-policiers auraient empoché"), "{source}");
    assert_eq!(
        notes,
        &[
            "warning: number 540.000 of the source is written 540.000 in the target (en-GB: 540,000) [numbers]",
            "warning: number 620.000 of the source is written 620.000 in the target (en-GB: 620,000) [numbers]",
            "warning: number 40.000 of the source is written 40.000 in the target (en-GB: 40,000) [numbers]",
        ]
    );

    let other = files.iter().find(|f| !f.to_string_lossy().contains("policiers")).unwrap();
    let decimal =
        "warning: number 3,5 of the source is written 3,5 in the target (en-GB: 3.5) [numbers]";
    let units: Vec<(String, Vec<String>)> =
        numbers_notes(other).into_iter().map(|(id, _, notes)| (id, notes)).collect();
    let want =
        |id: &str, notes: &[&str]| (id.to_string(), notes.iter().map(|n| n.to_string()).collect());
    assert_eq!(
        units,
        [
            want("p1.s1", &[decimal]),
            want(
                "p2.s1",
                &[
                    decimal,
                    "warning: number 50,5 of the source is written 50,5 in the target (en-GB: 50.5) [numbers]",
                ]
            ),
            // Times, small integers and year ranges read the same in English.
            want("p3.s1", &[]),
            want("p4.s1", &[]),
        ]
    );

    let xml = std::fs::read_to_string(other).unwrap();
    let unit = xml.split("<trans-unit").find(|u| u.contains("50,5 milliards")).unwrap();
    assert!(unit.contains(r#"state="needs-review-translation""#), "{unit}");
    assert!(
        unit.contains(r#"<note from="qa" annotates="target" priority="2">warning: number 3,5"#),
        "{unit}"
    );
}
