//! `depeche tm` and the translation memory file, across processes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use depeche::tm::{EntryOrigin, Memory};

use crate::support::{depeche, fixture};

/// A fresh folder and the memory path inside it (not created yet).
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let tm = dir.path().join("tm.sqlite");
    (dir, tm)
}

fn import(tm: &Path, file: &Path) -> assert_cmd::assert::Assert {
    depeche().arg("tm").arg("--tm").arg(tm).arg("import").arg(file).assert()
}

/// Writes a TMX of `n` generated French → en-GB units whose sources all
/// start with `tag`, so two files never share a sentence.
fn generate_tmx(path: &Path, tag: &str, n: usize) {
    const SUBJECTS: &[&str] = &["Le ministre", "L’ambassadeur", "La porte-parole", "Le général"];
    const VERBS: &[&str] = &["a annoncé", "a démenti", "a confirmé", "a précisé"];
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header \
         creationtool=\"test\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" \
         adminlang=\"en\" srclang=\"fr-FR\" datatype=\"plaintext\"/>\n<body>\n",
    );
    for i in 0..n {
        let s = SUBJECTS[i % SUBJECTS.len()];
        let v = VERBS[(i / 4) % VERBS.len()];
        let _ = writeln!(
            xml,
            "<tu><prop type=\"x-depeche-origin\">mt:deepl</prop>\
             <tuv xml:lang=\"fr-FR\"><seg>{tag} {i} : {s} {v} jeudi une hausse de {i} % du budget.</seg></tuv>\
             <tuv xml:lang=\"en-GB\"><seg>{tag} {i}: the official announced a {i}% budget rise.</seg></tuv></tu>"
        );
    }
    xml.push_str("</body>\n</tmx>\n");
    std::fs::write(path, xml).unwrap();
}

fn spawn_import(tm: &Path, file: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_depeche"))
        .arg("tm")
        .arg("--tm")
        .arg(tm)
        .arg("import")
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn import_export_round_trip_keeps_every_field() {
    let (dir, tm) = scratch();
    import(&tm, &fixture("tmx/tm-fr-en.tmx"))
        .success()
        .stdout(predicate::str::contains("2 units, 2 translations (2 new or changed)"));
    import(&tm, &fixture("tmx/inline-and-props.tmx")).success().stdout(predicate::str::contains(
        "3 units, 3 translations (3 new or changed), 1 units skipped",
    ));
    // Importing the same file again changes nothing.
    import(&tm, &fixture("tmx/tm-fr-en.tmx")).success().stdout(predicate::str::contains("(0 new"));

    let exported = dir.path().join("out/export.tmx");
    depeche()
        .args(["tm", "export"])
        .arg(&exported)
        .arg("--tm")
        .arg(&tm)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("export.tmx: 5 translations written\n"));

    let copy = dir.path().join("copy.sqlite");
    import(&copy, &exported).success();
    let (a, b) = (Memory::open(&tm).unwrap(), Memory::open(&copy).unwrap());
    let all = depeche::tm::Filter::default();
    let (original, reimported) = (a.entries(&all).unwrap(), b.entries(&all).unwrap());
    assert_eq!(original.len(), 5);
    assert_eq!(original, reimported, "origin, glossary version and dates survive");

    let inline = a.lookup("Le ministère des Armées a réagi.", "fr-FR", "en-GB").unwrap().unwrap();
    assert_eq!(inline.target, "The Ministry of the Armed Forces responded.");
    assert_eq!(inline.origin, EntryOrigin::Mt { provider: "deepl".into() });
    assert_eq!(inline.glossary_version.as_deref(), Some("g1"));
    assert_eq!(inline.created, "2025-03-01T08:00:00Z");
    assert_eq!(inline.updated, "2025-03-10T09:15:00Z");
    // `L’ambassadeur` was stored normalised, and a unit without a
    // depeche origin counts as human.
    let human = a.lookup("L'ambassadeur a démenti.", "fr-FR", "de-DE").unwrap().unwrap();
    assert_eq!(
        (human.target.as_str(), human.origin),
        ("Der Botschafter dementierte.", EntryOrigin::Human)
    );

    // Filters: only en-GB, only human.
    let filtered = dir.path().join("human-en.tmx");
    depeche()
        .args(["tm", "export", "--to", "en-GB", "--human-only"])
        .arg(&filtered)
        .arg("--tm")
        .arg(&tm)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("human-en.tmx: 3 translations written\n"));
    let text = std::fs::read_to_string(&filtered).unwrap();
    assert_eq!(text.matches("<tu ").count(), 3);
    assert!(!text.contains("de-DE") && !text.contains("mt:deepl"));
}

/// An independent TMX reader (translate-toolkit) must load what we export.
#[test]
fn export_loads_in_translate_toolkit() {
    let has_toolkit = Command::new("python3")
        .args(["-c", "import translate.storage.tmx"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        has_toolkit,
        "translate-toolkit is missing: `pip install translate-toolkit` (bash .ci/run installs it)"
    );
    let (dir, tm) = scratch();
    import(&tm, &fixture("tmx/inline-and-props.tmx")).success();
    let exported = dir.path().join("export.tmx");
    depeche().args(["tm", "export"]).arg(&exported).arg("--tm").arg(&tm).assert().success();
    let script = "import sys\n\
        from translate.storage import factory\n\
        store = factory.getobject(sys.argv[1])\n\
        for u in store.units:\n    print(u.source, '=>', u.target)\n";
    let out = Command::new("python3").args(["-c", script]).arg(&exported).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // translate-toolkit reads the first two variants of each unit.
    let mut lines: Vec<String> =
        String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect();
    lines.sort();
    // The source as the TMX wrote it (`’`), not the normalised key. See: #11
    assert_eq!(
        lines,
        vec![
            "Le ministère des Armées a réagi. => The Ministry of the Armed Forces responded.",
            "L’ambassadeur a démenti. => Der Botschafter dementierte.",
            "L’ambassadeur a démenti. => The ambassador denied it.",
        ]
    );
}

#[test]
fn stats_show_entries_per_pair_and_origin() {
    let (_dir, tm) = scratch();
    import(&tm, &fixture("tmx/tm-fr-en.tmx")).success();
    import(&tm, &fixture("tmx/inline-and-props.tmx")).success();
    let out = depeche().args(["tm", "stats", "--tm"]).arg(&tm).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let (first, table) = text.split_once('\n').unwrap();
    assert_eq!(first, tm.display().to_string());
    assert_eq!(
        table,
        "source     target     origin                 entries\n\
         fr-FR      de-DE      human                        1\n\
         fr-FR      en-GB      human                        3\n\
         fr-FR      en-GB      mt:deepl                     1\n\
         total                                              5\n"
    );
}

#[test]
fn malformed_tmx_is_refused_with_file_and_line() {
    let (_dir, tm) = scratch();
    import(&tm, &fixture("tmx/malformed-no-source.tmx")).code(2).stderr(predicate::str::contains(
        "malformed-no-source.tmx:6: <tu> has no <tuv> for fr-FR, its source language",
    ));
    import(&tm, &fixture("tmx/malformed-xml.tmx")).code(2).stderr(predicate::str::ends_with(
        "malformed-xml.tmx:6: not well-formed XML: ill-formed document: \
             expected `</seg>`, but `</tuv>` was found\n",
    ));
    // The valid unit before the fault was not stored: imports are whole.
    assert_eq!(Memory::open(&tm).unwrap().len().unwrap(), 0);
    import(&tm, &fixture("tmx/README.md")).code(2).stderr(predicate::str::contains(
        "README.md:1: text outside the <tmx> element (not a TMX file)",
    ));
    import(&tm, Path::new("/nonexistent/x.tmx"))
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/x.tmx: cannot read the file"));
}

#[test]
fn human_entries_outrank_mt_across_imports() {
    let (dir, tm) = scratch();
    let tmx = |origin: &str, target: &str| {
        format!(
            "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header creationtool=\"t\" \
             creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" \
             srclang=\"fr-FR\" datatype=\"plaintext\"/><body><tu>{origin}\
             <tuv xml:lang=\"fr-FR\"><seg>Le ministre a parlé.</seg></tuv>\
             <tuv xml:lang=\"en-GB\"><seg>{target}</seg></tuv></tu></body></tmx>"
        )
    };
    let human = dir.path().join("human.tmx");
    let mt = dir.path().join("mt.tmx");
    std::fs::write(&human, tmx("", "The Minister spoke.")).unwrap();
    std::fs::write(
        &mt,
        tmx("<prop type=\"x-depeche-origin\">mt:google</prop>", "The minister talked."),
    )
    .unwrap();
    import(&tm, &human).success();
    import(&tm, &mt).success();
    let memory = Memory::open(&tm).unwrap();
    assert_eq!(memory.len().unwrap(), 2, "both kept");
    let best = memory.lookup("Le ministre a parlé.", "fr-FR", "en-GB").unwrap().unwrap();
    assert_eq!(best.target, "The Minister spoke.");
    assert_eq!(best.origin, EntryOrigin::Human);
}

#[test]
fn default_memory_lives_next_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir(&conf).unwrap();
    std::fs::write(conf.join("depeche.toml"), "").unwrap();
    depeche()
        .current_dir(dir.path())
        .args(["--config", "conf/depeche.toml", "tm", "import"])
        .arg(fixture("tmx/tm-fr-en.tmx"))
        .assert()
        .success();
    assert!(conf.join(".depeche/tm.sqlite").is_file());
    // Without a config file: the working directory.
    depeche().current_dir(dir.path()).args(["tm", "stats"]).assert().success();
    assert!(dir.path().join(".depeche/tm.sqlite").is_file());
}

#[test]
fn two_processes_importing_at_once_lose_nothing() {
    let (dir, tm) = scratch();
    let (a, b) = (dir.path().join("a.tmx"), dir.path().join("b.tmx"));
    generate_tmx(&a, "A", 20_000);
    generate_tmx(&b, "B", 20_000);
    let mut first = spawn_import(&tm, &a);
    let mut second = spawn_import(&tm, &b);
    for child in [&mut first, &mut second] {
        let status = child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert!(status.success(), "{err}");
    }
    let memory = Memory::open(&tm).unwrap();
    assert_eq!(memory.len().unwrap(), 40_000);
    assert!(memory.check_integrity().unwrap());
    let hit = memory.lookup(
        "B 19999 : Le général a précisé jeudi une hausse de 19999 % du budget.",
        "fr-FR",
        "en-GB",
    );
    assert_eq!(
        hit.unwrap().unwrap().target,
        "B 19999: the official announced a 19999% budget rise."
    );
}

#[test]
fn a_killed_import_leaves_a_consistent_memory() {
    let (dir, tm) = scratch();
    import(&tm, &fixture("tmx/tm-fr-en.tmx")).success();
    let big = dir.path().join("big.tmx");
    const UNITS: u64 = 40_000;
    generate_tmx(&big, "K", 40_000);

    let wal = dir.path().join("tm.sqlite-wal");
    let mut child = spawn_import(&tm, &big);
    // Kill once the transaction is spilling pages into the write-ahead log,
    // that is, in the middle of the writes.
    let start = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 512 * 1024
        && start.elapsed() < Duration::from_secs(60)
        && child.try_wait().unwrap().is_none()
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
    // Readers are not blocked by the write, and do not see it before it commits.
    let started = Instant::now();
    depeche().args(["tm", "stats", "--tm"]).arg(&tm).assert().success().stdout(
        predicate::str::ends_with("total                                              2\n"),
    );
    assert!(started.elapsed() < Duration::from_secs(5), "stats waited for the writer");
    assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());

    let memory = Memory::open(&tm).unwrap();
    assert!(memory.check_integrity().unwrap());
    // The import is one transaction: none of it, or (had it committed) all.
    let n = memory.len().unwrap();
    assert!(n == 2 || n == 2 + UNITS, "{n} entries after the kill");
    drop(memory);

    import(&tm, &big).success();
    let memory = Memory::open(&tm).unwrap();
    assert_eq!(memory.len().unwrap(), 2 + UNITS);
    assert!(memory.check_integrity().unwrap());
}
