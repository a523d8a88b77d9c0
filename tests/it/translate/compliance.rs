//! Terminology compliance with the real Apertium server, on the fixture
//! articles: the share of glossary hits whose expected target appears in
//! the machine translation, with and without enforcement.

use crate::support::{depeche, validate_xliff, xliff_files};
use crate::translate::support::apy_url;

/// Runs the fixtures through Apertium and returns (found, applied, violated)
/// summed over the domains of the run summary.
fn run(enforce: bool) -> (usize, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("depeche.toml");
    std::fs::write(&config, format!("[translate]\nenforce_terms = {enforce}\n")).unwrap();
    let out = dir.path().join("out");
    let assert = depeche()
        .args(["translate", "fixtures/articles", "--no-progress", "--no-memory"])
        .args(["--provider", "apertium", "--endpoint", apy_url(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let files = xliff_files(&out);
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    validate_xliff(&refs);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let line =
        stdout.lines().find(|l| l.starts_with("terms")).unwrap_or_else(|| panic!("{stdout}"));
    let mut totals = (0, 0, 0);
    for part in line.trim_start_matches("terms").split(';') {
        let numbers: Vec<usize> = part
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse().unwrap())
            .collect();
        let [found, applied, violated] = numbers[..] else { panic!("{line}") };
        totals = (totals.0 + found, totals.1 + applied, totals.2 + violated);
    }
    totals
}

#[test]
fn enforcement_reaches_98_percent_with_apertium() {
    let (found, applied, violated) = run(true);
    let (found_raw, applied_raw, violated_raw) = run(false);
    assert_eq!(found, found_raw, "the same hits are found either way");
    assert!(found > 100, "the fixtures hold many glossary terms: {found}");
    assert_eq!(applied + violated, found);
    assert_eq!(applied_raw + violated_raw, found_raw);
    let with = applied as f64 / found as f64;
    let without = applied_raw as f64 / found_raw as f64;
    eprintln!(
        "terminology compliance with apertium: {:.1}% with enforcement ({applied}/{found}), \
         {:.1}% without ({applied_raw}/{found_raw})",
        100.0 * with,
        100.0 * without
    );
    assert!(with >= 0.98, "with enforcement: {with:.3}");
    assert!(without < with, "enforcement must help: {without:.3} vs {with:.3}");
}
