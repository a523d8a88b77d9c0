//! The `depeche` command line, run as a user runs it.

use std::path::Path;

use predicates::prelude::*;

use crate::support::{depeche, fixture, root, validate_xliff, xliff_files};

/// Validates every XLIFF file in `dir`.
fn validate_all(dir: &Path) {
    let files = xliff_files(dir);
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    validate_xliff(&refs);
}

/// Number of article files in `fixtures/articles`.
fn fixture_articles() -> usize {
    std::fs::read_dir(fixture("articles"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "txt"))
        .count()
}

/// The commands in the README's first screen (before the first `---`).
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first_screen = readme.split("\n---\n").next().unwrap();
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in first_screen.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if in_block && !line.trim().is_empty() {
            commands.push(line.trim().to_string());
        }
    }
    commands
}

#[test]
fn readme_first_screen_commands_work() {
    let commands = readme_commands();
    assert_eq!(commands.len(), 2, "two commands expected: {commands:?}");

    // The main job: run exactly its arguments, with the output in a temp dir.
    let main_job = &commands[0];
    let args: Vec<&str> = main_job.split_once(" -- ").unwrap().1.split_whitespace().collect();
    assert_eq!(args[..2], ["translate", "fixtures/articles"]);
    let out = tempfile::tempdir().unwrap();
    let args: Vec<String> = args
        .iter()
        .map(|a| if *a == "out/" { out.path().display().to_string() } else { a.to_string() })
        .collect();
    depeche()
        .args(&args)
        .assert()
        .success()
        .stdout(predicate::str::contains("no translation provider configured"));
    assert_eq!(xliff_files(out.path()).len(), fixture_articles());
    validate_all(out.path());

    // The test command is the CI script, which runs the test suite.
    assert_eq!(commands[1], "bash .ci/run");
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("cargo test"), ".ci/run must run the tests");
    assert!(ci.contains("cargo clippy") && ci.contains("cargo fmt"));
}

#[test]
fn several_targets_give_one_file_per_article_and_locale() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "fixtures/articles", "--to", "en-GB,de-DE", "--no-progress", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("2 targets: en-GB, de-DE"));
    let files = xliff_files(out.path());
    assert_eq!(files.len(), 2 * fixture_articles());
    let en = files.iter().filter(|f| f.to_string_lossy().ends_with(".en-GB.xlf")).count();
    assert_eq!(en, fixture_articles());
    validate_all(out.path());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let locale = if file.to_string_lossy().ends_with(".de-DE.xlf") { "de-DE" } else { "en-GB" };
        assert!(text.contains(&format!("target-language=\"{locale}\"")), "{}", file.display());
    }
}

#[test]
fn a_bad_file_is_reported_and_the_rest_of_the_batch_is_written() {
    let input = tempfile::tempdir().unwrap();
    let reference = "lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";
    std::fs::copy(fixture("articles").join(reference), input.path().join(reference)).unwrap();
    std::fs::write(input.path().join("empty.txt"), b"").unwrap();
    std::fs::write(input.path().join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "--no-progress", "--out"])
        .arg(out.path())
        .arg(input.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 ok, 2 failed"))
        .stderr(predicate::str::contains("empty.txt"))
        .stderr(predicate::str::contains("binary.txt"));
    let files = xliff_files(out.path());
    assert_eq!(files.len(), 1, "{files:?}");
    validate_all(out.path());
    // No temporary or partial files are left behind.
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
}

#[test]
fn a_second_run_rewrites_nothing() {
    let out = tempfile::tempdir().unwrap();
    let run = || {
        depeche()
            .args(["translate", "fixtures/articles", "--no-progress", "--out"])
            .arg(out.path())
            .assert()
            .success()
    };
    run();
    let n = fixture_articles();
    run()
        .stdout(predicate::str::contains(format!("{n} files in")))
        .stdout(predicate::str::contains(format!("({n} unchanged)")));
}

#[test]
fn fatal_errors_exit_2_and_say_what_to_do() {
    depeche().args(["translate", "--no-such-flag", "x"]).assert().code(2);
    depeche()
        .args(["translate", "fixtures/no-such-folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fixtures/no-such-folder: no such file or folder"));
    depeche()
        .args(["translate", "fixtures/articles", "--to", "en GB"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a locale"));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("depeche.toml");
    std::fs::write(&config, "[run]\nto = [\"en-GB\"]\nmax_articles = 3\n").unwrap();
    depeche()
        .args(["translate", "fixtures/articles", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("depeche.toml: invalid config"))
        .stderr(predicate::str::contains("line 3"))
        .stderr(predicate::str::contains("max_articles"));
}

#[test]
fn the_example_config_runs() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args([
            "translate",
            "fixtures/articles",
            "--no-progress",
            "--config",
            "depeche.example.toml",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    assert_eq!(xliff_files(out.path()).len(), fixture_articles());
}

#[test]
fn progress_bars_stay_off_when_stderr_is_not_a_terminal() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "fixtures/articles", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    assert!(Path::new(out.path()).exists());
}

#[test]
fn xliff_21_on_request_validates() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "fixtures/articles", "--no-progress", "--xliff", "2.1", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let files = xliff_files(out.path());
    assert_eq!(files.len(), fixture_articles());
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("version=\"2.1\""), "{text}");
    validate_all(out.path());
    depeche().args(["translate", "fixtures/articles", "--xliff", "3"]).assert().code(2);
}

#[test]
fn the_reference_article_becomes_the_expected_xliff() {
    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "--no-progress", "--out"])
        .arg(out.path())
        .arg(fixture("articles/lagazette-2025-10-31-azerbaidjan-royaume-uni.txt"))
        .assert()
        .success();
    let files = xliff_files(out.path());
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("2025-10-31-azerbaidjan-royaume-uni-"), "{name}");
    assert!(name.ends_with(".en-GB.xlf"), "{name}");
    validate_xliff(&[files[0].as_path()]);

    let doc = depeche::xliff::read_file(&files[0]).unwrap();
    let file = &doc.files[0];
    assert_eq!(file.source_lang, "fr-FR");
    assert_eq!(file.target_lang.as_deref(), Some("en-GB"));
    let notes: Vec<&str> = file.notes.iter().map(|n| n.text.as_str()).collect();
    assert!(notes.contains(&"published: 2025-10-31T15:57:00+01:00"), "{notes:?}");
    assert!(notes.contains(&"publisher: Lagazette"), "{notes:?}");

    // Paragraphs in order, with their roles.
    let mut groups: Vec<(String, String)> = Vec::new();
    for unit in &file.units {
        let group = unit.group.clone().unwrap();
        if groups.last().map(|g| &g.0) != Some(&group) {
            groups.push((group, unit.kind.clone().unwrap_or_default()));
        }
    }
    let kinds: Vec<&str> = groups.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "x-title").count(), 1, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "x-paragraph").count(), 8, "{kinds:?}");
    let headings: Vec<&str> = file
        .units
        .iter()
        .filter(|u| u.kind.as_deref() == Some("heading"))
        .map(|u| u.source.as_str())
        .collect();
    assert_eq!(
        headings,
        [
            "Des priorités communes pour la sécurité régionale",
            "Un partenariat stratégique renforcé"
        ]
    );

    // The quoted paragraph: two sentences, the attribution with the second.
    let quote: Vec<&str> = file
        .units
        .iter()
        .filter(|u| u.group.as_deref() == Some("p4"))
        .map(|u| u.source.as_str())
        .collect();
    assert_eq!(quote.len(), 2, "{quote:?}");
    assert!(quote[0].starts_with("« Le Royaume-Uni est fier"));
    assert!(quote[0].ends_with("partenariat stratégique."));
    assert!(quote[1].starts_with("Hier, les ministères"));
    assert!(quote[1].ends_with(
        "», a indiqué la représentation diplomatique britannique sur le réseau social X."
    ));

    // Untranslated targets wait for a human; nothing from the boilerplate.
    for unit in &file.units {
        assert_eq!(unit.state.as_deref(), Some("needs-translation"), "{}", unit.id);
        assert!(unit.target.is_none());
        assert!(!unit.source.contains("Loading") && !unit.source.contains("Voir Plus"));
    }
    assert_eq!(file.units.len(), 13);
}

/// `-v` reaches the library's logs: retries show at `-vv` and not by
/// default, and `RUST_LOG` overrides the level. See: #8
#[test]
fn verbose_flags_show_the_library_logs() {
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("depeche.toml");
    std::fs::write(
        &config,
        "[translate]\nmax_attempts = 2\nbackoff_initial_ms = 10\nbackoff_max_ms = 10\n",
    )
    .unwrap();
    // Port 9 (discard) on loopback: nothing listens, every attempt fails fast.
    let run = |extra: &[&str], env: Option<&str>| {
        let mut cmd = depeche();
        if let Some(level) = env {
            cmd.env("RUST_LOG", level);
        } else {
            cmd.env_remove("RUST_LOG");
        }
        let out = cmd
            .current_dir(root())
            .arg("-c")
            .arg(&config)
            .args(extra)
            .args(["translate", "--no-progress", "--no-memory", "--provider", "libretranslate"])
            .args(["--endpoint", "http://127.0.0.1:9", "--out"])
            .arg(work.path().join("out"))
            .arg(fixture("articles/brief-me-2021-09-25-rappel-ambassadeur.txt"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "segments left untranslated");
        String::from_utf8(out.stderr).unwrap()
    };
    let retry = "retrying: libretranslate could not be reached";
    assert!(!run(&[], None).contains(retry));
    let debug = run(&["-vv"], None);
    assert!(debug.contains(retry), "{debug}");
    assert!(!debug.contains('\u{1b}'), "no colour codes when stderr is not a terminal");
    assert!(run(&[], Some("depeche=debug")).contains(retry));
}

/// Targets are locales: nonsense and the source language are refused
/// before anything is read, and one locale in two spellings is one target.
/// See: #8
#[test]
fn targets_are_parsed_as_locales() {
    let work = tempfile::tempdir().unwrap();
    for (bad, says) in [
        ("english", "unknown language \"english\""),
        ("klingon-XX", "unknown language \"klingon\""),
        ("fr-FR", "source language"),
    ] {
        depeche()
            .current_dir(root())
            .args(["translate", "--no-progress", "--to", bad, "--out"])
            .arg(work.path().join("out"))
            .arg(fixture("articles"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    let out = work.path().join("same");
    depeche()
        .current_dir(root())
        .args(["translate", "--no-progress", "--to", "EN-gb,en_GB,en-GB", "--out"])
        .arg(&out)
        .arg(fixture("articles/brief-me-2021-09-25-rappel-ambassadeur.txt"))
        .assert()
        .success()
        .stdout(predicate::str::contains("(1 target: en-GB)"));
    let files = xliff_files(&out);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].to_string_lossy().ends_with(".en-GB.xlf"));
    validate_all(&out);
}
