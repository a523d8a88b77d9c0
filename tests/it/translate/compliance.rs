//! Terminology compliance with the real Apertium server, on the fixture
//! articles: the share of glossary hits whose expected target appears in
//! the machine translation in each terminology mode, and what repair
//! changes compared with a plain translation.

use crate::support::{depeche, validate_xliff, xliff_files};
use crate::translate::support::apy_url;

/// What one run printed and wrote.
struct Run {
    /// (found, applied, violated) summed over the domains of the summary.
    totals: (usize, usize, usize),
    stdout: String,
    /// Every target of every XLIFF file, in file and unit order.
    targets: Vec<String>,
}

/// Runs the fixtures through Apertium with `--terms mode`.
fn run(mode: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = depeche()
        .args(["translate", "fixtures/articles", "--no-progress", "--no-memory", "--to", "en-US"])
        .args(["--provider", "apertium", "--endpoint", apy_url(), "--terms", mode])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let files = xliff_files(&out);
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    validate_xliff(&refs);
    let mut targets = Vec::new();
    for f in &files {
        let xml = std::fs::read_to_string(f).unwrap();
        for piece in xml.split("<target").skip(1) {
            let body = piece.split_once('>').map_or("", |(_, b)| b);
            targets.push(body.split("</target>").next().unwrap_or("").to_string());
        }
    }
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
    Run { totals, stdout, targets }
}

#[test]
fn repair_keeps_the_terms_and_changes_only_what_breaks() {
    let force = run("force");
    let repair = run("repair");
    let off = run("off");
    let (found, applied, violated) = force.totals;
    assert_eq!(repair.totals.0, found, "the same hits are found in every mode");
    assert_eq!(off.totals.0, found);
    assert!(found > 100, "the fixtures hold many glossary terms: {found}");
    assert_eq!(applied + violated, found);
    let share = |(f, a, _): (usize, usize, usize)| a as f64 / f as f64;
    let changed = |r: &Run| r.targets.iter().zip(&off.targets).filter(|(a, b)| a != b).count();
    assert_eq!(repair.targets.len(), off.targets.len());
    eprintln!(
        "terms applied with apertium: force {:.1}%, repair {:.1}%, off {:.1}%; \
         sentences changed from off: force {}, repair {} of {}",
        100.0 * share(force.totals),
        100.0 * share(repair.totals),
        100.0 * share(off.totals),
        changed(&force),
        changed(&repair),
        off.targets.len()
    );
    assert!(share(force.totals) >= 0.98, "force: {:?}", force.totals);
    assert!(share(repair.totals) >= 0.93, "repair: {:?}", repair.totals);
    assert!(share(off.totals) < share(repair.totals), "repair must help: {:?}", off.totals);
    assert!(changed(&repair) < changed(&force), "repair touches fewer sentences than force");
    let line = repair.stdout.lines().find(|l| l.starts_with("repair")).expect("repair line");
    assert!(line.contains("repaired") && line.contains("left flagged"), "{line}");

    // The damage enforcement did on the fixtures is gone.
    let all = repair.targets.join("\n");
    for bad in
        ["two soldier", "soldier supplemental", "the Mali", "the Syria", "ambassador of the 15"]
    {
        assert!(!has_phrase(&all, bad), "{bad:?} in a repaired target");
    }
    let forced = force.targets.join("\n");
    assert!(has_phrase(&forced, "the Mali"), "force mode still enforces up front");
}

/// `phrase` occurs in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, m)| {
        let before =
            text.get(..i).unwrap_or("").chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text
            .get(i + m.len()..)
            .unwrap_or("")
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}
