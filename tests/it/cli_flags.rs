//! The command line refuses nonsense and fits in scripts: target locales
//! checked against the IANA registry, `-q`, `--color` and `NO_COLOR`, shell
//! completions, the manual page and suggestions for mistyped names.

use crate::support::depeche;

/// Runs `depeche args` from the project root: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = depeche().env_remove("NO_COLOR").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn nonsense_targets_are_refused_with_a_suggestion() {
    // See: #12
    let cases = [
        ("english", "did you mean en-GB or en-US?"),
        ("klingon-XX", "unknown language \"klingon\""),
        ("tlh-XX", "region \"XX\" is reserved for private use"),
        ("en-UK", "did you mean en-GB?"),
        ("fr-FR", "source language"),
        ("de-DE,xyz", "language \"xyz\" is not in the IANA language subtag registry"),
    ];
    for (to, hint) in cases {
        for command in ["translate", "check"] {
            let input = if command == "translate" { "fixtures/articles" } else { "fixtures" };
            let (code, stdout, stderr) = run(&[command, input, "--to", to]);
            assert_eq!(code, Some(2), "{command} --to {to}: {stdout}{stderr}");
            assert!(stderr.contains(hint), "{command} --to {to}: {stderr}");
            assert!(stdout.is_empty(), "nothing runs: {stdout}");
        }
    }
}

#[test]
fn a_configured_target_is_checked_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("depeche.toml");
    std::fs::write(&config, "[run]\nto = [\"en-UK\"]\n").unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = run(&[
        "translate",
        "fixtures/articles",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("did you mean en-GB?"), "{stderr}");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn targets_are_canonicalised_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, stdout, stderr) =
        run(&["translate", "fixtures/articles", "--to", "EN-gb,en_GB", "--out", out, "-q"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "-q prints nothing on success");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".en-GB.xlf")), "{names:?}");
}

#[test]
fn quiet_still_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("empty.txt");
    std::fs::write(&bad, "").unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run(&[
        "translate",
        bad.to_str().unwrap(),
        "fixtures/articles/brief-me-2021-09-25-rappel-ambassadeur.txt",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains("empty.txt"), "{stderr}");
    let (code, _, stderr) = run(&["translate", "fixtures/articles", "-q", "-v"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn quiet_silences_merge_and_kit_but_not_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged");
    let out = out.to_str().unwrap();
    // Untranslated units: warnings (silenced) with --allow-untranslated...
    let (code, stdout, stderr) =
        run(&["merge", "fixtures/golden", "--out", out, "--no-memory", "--allow-untranslated"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("merged ") && stderr.contains("warning: "), "{stdout}{stderr}");
    let (code, stdout, stderr) = run(&[
        "merge",
        "fixtures/golden",
        "--out",
        out,
        "--no-memory",
        "--allow-untranslated",
        "-q",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stdout}{stderr}");
    // ...errors (kept) without it.
    let (code, stdout, stderr) =
        run(&["merge", "fixtures/golden", "--out", out, "--no-memory", "-q"]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.lines().count() >= 1 && stderr.lines().all(|l| l.starts_with("error: ")));

    let kit = dir.path().join("kit");
    let (code, stdout, stderr) = run(&[
        "kit",
        "fixtures/golden-memory",
        "--out",
        kit.to_str().unwrap(),
        "--no-memory",
        "-q",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stdout}{stderr}");
    assert!(kit.join("omegat.project").is_file(), "the kit is still made");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let base = ["translate", "fixtures/articles", "--no-progress", "--out", out];
    let (_, plain, _) = run(&[&base[..], &["--color", "never"]].concat());
    let (_, coloured, _) = run(&[&base[..], &["--color", "always"]].concat());
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(coloured.contains("\x1b[1marticles"), "{coloured:?}");
    // auto: a pipe gets no colour, whatever NO_COLOR says.
    let (_, auto, _) = run(&base);
    assert!(!auto.contains('\x1b'));
    // NO_COLOR turns colour off under auto but not an explicit --color always.
    let out =
        depeche().env("NO_COLOR", "1").args(base).args(["--color", "always"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    // Errors on stderr follow the same choice.
    let (code, _, stderr) = run(&["translate", "fixtures/no-such", "--color", "always"]);
    assert_eq!(code, Some(2));
    assert!(stderr.starts_with("\x1b[31m\x1b[1merror:\x1b[0m "), "{stderr:?}");
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_depeche()"),
        ("zsh", "#compdef depeche"),
        ("fish", "complete -c depeche"),
        ("elvish", "edit:completion:arg-completer[depeche]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, stdout, stderr) = run(&["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {stderr}");
        assert!(stdout.contains(marker), "{shell}");
        assert!(stdout.contains("translate") && stdout.contains("--report"), "{shell}");
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("possible values"), "{stderr}");
}

#[test]
fn the_manual_comes_from_the_same_definitions() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, Some(0));
    assert!(page.contains(".TH depeche 1"));
    for sub in ["translate", "check", "merge", "completions"] {
        assert!(page.contains(sub), "{sub}");
    }
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let translate = std::fs::read_to_string(dir.path().join("depeche-translate.1")).unwrap();
    assert!(translate.contains(".TH depeche-translate 1"), "{translate}");
    assert!(translate.contains("\\-\\-report"), "options are documented");
    assert!(dir.path().join("depeche.1").is_file() && dir.path().join("depeche-check.1").is_file());
    // man(1) itself reads it, where installed.
    if std::process::Command::new("man").arg("--version").output().is_ok() {
        let out = std::process::Command::new("man")
            .arg("-l")
            .arg(dir.path().join("depeche-translate.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        if out.status.success() {
            assert!(String::from_utf8_lossy(&out.stdout).contains("report"));
        }
    }
}

#[test]
fn mistyped_provider_names_get_a_suggestion() {
    let (code, _, stderr) = run(&["translate", "fixtures/articles", "--provider", "deepel"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("did you mean deepl?"), "{stderr}");
    let (code, _, stderr) = run(&["providers", "--provider", "libretranslat"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("did you mean libretranslate?"), "{stderr}");
    // A name from the configuration file gets the same help.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("depeche.toml");
    std::fs::write(&config, "[translate]\nprovider = \"apertuim\"\n").unwrap();
    let (code, _, stderr) =
        run(&["translate", "fixtures/articles", "--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("did you mean apertium?"), "{stderr}");
    // Nothing close: no guess, the list.
    let (_, _, stderr) = run(&["translate", "fixtures/articles", "--provider", "zzzzzz"]);
    assert!(!stderr.contains("did you mean") && stderr.contains("known: none"), "{stderr}");
}
