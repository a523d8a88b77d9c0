//! The fuzz corpus and every crasher the fuzzers found, replayed on stable
//! through the same entry points and invariants as the cargo-fuzz targets
//! (`depeche::fuzz`). See: #15
//!
//! Layout: `fuzz/corpus/<target>/` holds the committed seeds,
//! `fuzz/regressions/<target>/` the inputs that once failed (each fixed).

use std::path::{Path, PathBuf};

use depeche::fuzz::{self, Target};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    out.sort();
    out
}

/// Runs every input of `target`; returns how many there were.
fn replay(target: Target) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = files(&root.join("corpus").join(target.name()));
    inputs.extend(files(&root.join("regressions").join(target.name())));
    let mut failures = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).unwrap();
        if let Err(violation) = fuzz::run(target, &data) {
            failures.push(format!("{}: {violation}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}:\n{}", target.name(), failures.join("\n"));
    inputs.len()
}

#[test]
fn every_target_has_a_seed_corpus_and_replays_clean() {
    for target in Target::ALL {
        let count = replay(target);
        assert!(count > 0, "fuzz/corpus/{} is empty", target.name());
    }
}

#[test]
fn every_corpus_folder_names_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for kind in ["corpus", "regressions"] {
        let Ok(dirs) = std::fs::read_dir(root.join(kind)) else { continue };
        for dir in dirs {
            let name = dir.unwrap().file_name().into_string().unwrap();
            assert!(
                Target::ALL.iter().any(|t| t.name() == name),
                "fuzz/{kind}/{name} matches no target in depeche::fuzz::Target"
            );
        }
    }
}

#[test]
fn every_target_has_a_cargo_fuzz_binary() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .unwrap();
    for target in Target::ALL {
        assert!(
            manifest.contains(&format!("name = \"{}\"", target.name())),
            "fuzz/Cargo.toml has no target {}",
            target.name()
        );
    }
}

/// The invariants themselves catch what they are for: a segment that
/// drops text, and a hit off a character boundary.
#[test]
fn invariants_reject_what_they_guard_against() {
    let text = "Un. Deux.";
    assert!(fuzz::segments_join(text, &[text.get(0..3).unwrap(), text.get(4..9).unwrap()]).is_ok());
    assert!(fuzz::segments_join(text, &[text.get(0..3).unwrap()]).is_err(), "lost tail");
    assert!(fuzz::segments_join(text, &[text.get(4..9).unwrap()]).is_err(), "lost head");
    assert!(fuzz::segments_join(text, &["Un."]).is_err(), "not a slice of the text");
}
