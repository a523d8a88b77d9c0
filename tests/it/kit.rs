//! Translation kits: made from the fixture XLIFF, translated in the real
//! OmegaT (Debian's package, headless) or edited as a translator would,
//! and merged back into articles and the memory. See: #11

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{depeche, fixture, ttk_readback, validate_xliff, xliff_files};

/// The jar Debian's `omegat` package installs.
const OMEGAT_JAR: &str = "/usr/share/omegat/OmegaT.jar";

/// The fixture XLIFF: every article translated offline with the memory
/// provider and `fixtures/tmx/fixture-articles-apertium.tmx` (machine
/// translation by Apertium, state needs-review-translation).
fn fixture_xliff() -> PathBuf {
    fixture("golden-memory")
}

fn kit(dir: &Path, extra: &[&str]) -> String {
    let out = depeche()
        .arg("kit")
        .arg(fixture_xliff())
        .arg("--out")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[derive(Debug, serde::Deserialize)]
struct Manifest {
    files: Vec<KitFile>,
}

#[derive(Debug, serde::Deserialize)]
struct KitFile {
    name: String,
    sentences: Vec<Sentence>,
}

#[derive(Debug, serde::Deserialize)]
struct Sentence {
    id: String,
    source: String,
    mt: Option<String>,
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("depeche-kit.json")).unwrap()).unwrap()
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A TMX of (source, target) pairs, in OmegaT's own 1.1 shape when `omegat`.
fn tmx(pairs: &[(String, String)], omegat: bool) -> String {
    let (lang, src, tgt) =
        if omegat { ("lang", "FR-FR", "EN-GB") } else { ("xml:lang", "fr-FR", "en-GB") };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.1\">\n<header creationtool=\"OmegaT\" \
         creationtoolversion=\"3.6.0_10\" segtype=\"sentence\" o-tmf=\"OmegaT TMX\" adminlang=\"EN-US\" \
         srclang=\"{src}\" datatype=\"plaintext\"/>\n<body>\n"
    );
    for (s, t) in pairs {
        out.push_str(&format!(
            "<tu><tuv {lang}=\"{src}\"><seg>{}</seg></tuv><tuv {lang}=\"{tgt}\"><seg>{}</seg></tuv></tu>\n",
            esc(s),
            esc(t)
        ));
    }
    out.push_str("</body>\n</tmx>\n");
    out
}

/// Runs OmegaT headless on the project `dir`; fails, saying how to install
/// it, when Debian's package is missing.
fn omegat(dir: &Path, config: &Path, mode: &[&str]) {
    assert!(
        Path::new(OMEGAT_JAR).is_file(),
        "OmegaT is not installed ({OMEGAT_JAR} missing): install it with \
         `apt-get install -y --no-install-recommends omegat` (the CI does, in .ci/run)"
    );
    let mut child = Command::new("java")
        .arg("-Djava.awt.headless=true")
        .arg("-jar")
        .arg(OMEGAT_JAR)
        .arg(dir)
        .args(mode)
        .arg(format!("--config-dir={}", config.display()))
        .args(["--disable-project-locking", "--no-team", "--quiet"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run java for OmegaT ({e}): install omegat"));
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "OmegaT {mode:?} failed on {}", dir.display());
            return;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("OmegaT {mode:?} took more than 90 s on {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The `<seg>` texts of the first language of each `<tu>` in a TMX OmegaT wrote.
fn tmx_sources(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for tu in text.split("<tu>").skip(1) {
        let seg = tu.split("<seg>").nth(1).unwrap().split("</seg>").next().unwrap();
        out.push(
            seg.replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    out
}

#[test]
fn omegat_translates_the_kit_in_french_and_merge_teaches_the_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    let config = tmp.path().join("omegat-config");
    let stdout = kit(&dir, &["--no-memory"]);
    assert!(stdout.contains("7 files, 113 sentences"), "{stdout}");
    let m = manifest(&dir);
    let sources: Vec<&Sentence> = m.files.iter().flat_map(|f| &f.sentences).collect();
    assert!(dir.join("omegat.project").is_file());
    assert!(dir.join("tm/mt-apertium.tmx").is_file());
    assert!(dir.join("README.txt").is_file());
    assert!(dir.join("glossary/depeche-en-GB.utf8").is_file());
    let source_files = xliff_files(&dir.join("source"));
    validate_xliff(&source_files.iter().map(PathBuf::as_path).collect::<Vec<_>>());

    // The translator's project memory: a human translation of every
    // sentence, which OmegaT inserts from tm/auto/.
    let human: Vec<(String, String)> =
        sources.iter().map(|s| (s.source.clone(), format!("[human] {}", s.id))).collect();
    std::fs::write(dir.join("tm/auto/project.tmx"), tmx(&human, false)).unwrap();

    // 1. OmegaT sees every sentence, in French.
    let pseudo = tmp.path().join("segments.tmx");
    omegat(
        &dir,
        &config,
        &[
            "--mode=console-createpseudotranslatetmx",
            &format!("--pseudotranslatetmx={}", pseudo.display()),
            "--pseudotranslatetype=equal",
        ],
    );
    let mut seen = tmx_sources(&pseudo);
    let mut want: Vec<String> = sources.iter().map(|s| s.source.clone()).collect();
    seen.sort();
    seen.dedup();
    want.sort();
    want.dedup();
    assert_eq!(seen, want, "OmegaT's segments are not the kit's French sentences");

    // 2. console-translate fills every segment from tm/auto/ and never
    //    inserts the machine translation of tm/.
    omegat(&dir, &config, &["--mode=console-translate"]);
    let stats = std::fs::read_to_string(dir.join("omegat/project_stats.txt")).unwrap();
    let remaining = stats.lines().find(|l| l.starts_with("Remaining:")).unwrap();
    assert_eq!(remaining.split_whitespace().nth(1), Some("0"), "{stats}");
    let target_files = xliff_files(&dir.join("target"));
    assert_eq!(target_files.len(), 7);
    validate_xliff(&target_files.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    let saved = std::fs::read_to_string(&target_files[0]).unwrap();
    assert!(saved.contains("[human] p1.s1"), "{saved}");
    assert!(!saved.contains("Speech of Oslo"), "machine translation was inserted");

    // 3. merge stores every sentence and rebuilds the articles.
    let tm = tmp.path().join("tm.sqlite");
    let out = tmp.path().join("out");
    let merged = depeche()
        .args(["merge"])
        .arg(&dir)
        .arg("--tm")
        .arg(&tm)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&merged.stdout);
    assert!(merged.status.success(), "{text}{}", String::from_utf8_lossy(&merged.stderr));
    assert!(text.contains("memory     113 human translations stored"), "{text}");
    assert!(text.contains("  took 8: 8 translated in the returned file"), "{text}");
    let article =
        std::fs::read_to_string(out.join("2021-09-25-rappel-ambassadeur-69847dee.en-GB.txt"))
            .unwrap();
    assert!(article.contains("[human] p1.s1"), "{article}");
    assert!(article.starts_with("Brief.me\n\n[human] p1.s1\n\n2021-09-25\n"), "{article}");

    // 4. The memory learned: a new kit gets every sentence from it.
    let again = tmp.path().join("kit2");
    let stdout = kit(&again, &["--tm", tm.to_str().unwrap()]);
    assert!(stdout.contains("113 human translations (113 from the memory)"), "{stdout}");
    let auto = std::fs::read_to_string(again.join("tm/auto/depeche-memory.tmx")).unwrap();
    assert!(auto.contains("[human] p2.s1"));
    assert!(!auto.contains("Speech of Oslo"), "machine translation in tm/auto/");
}

/// A target file is OmegaT's copy of the source file with the translated
/// targets; this edits one as OmegaT would save it.
fn set_target(xml: &str, id: &str, text: &str) -> String {
    let (head, rest) = xml.split_once(&format!("<trans-unit id=\"{id}\"")).unwrap();
    let (unit, rest) = rest.split_once("<target").unwrap();
    let (attrs, rest) = rest.split_once('>').unwrap();
    let (_, tail) = rest.split_once("</target>").unwrap();
    format!("{head}<trans-unit id=\"{id}\"{unit}<target{attrs}>{}</target>{tail}", esc(text))
}

#[test]
fn merge_takes_what_the_translator_confirmed_and_never_the_machine_translation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    kit(&dir, &["--no-memory"]);
    let m = manifest(&dir);
    let file = m.files.iter().find(|f| f.name.contains("rappel-ambassadeur")).unwrap();
    let s = |id: &str| file.sentences.iter().find(|s| s.id == id).unwrap();

    // project_save.tmx: p1.s1 translated, p2.s1 left as the MT it offered.
    let save = vec![
        (s("p1.s1").source.clone(), "Ambassador recalled".to_string()),
        (s("p2.s1").source.clone(), s("p2.s1").mt.clone().unwrap()),
    ];
    std::fs::create_dir_all(dir.join("omegat")).unwrap();
    std::fs::write(dir.join("omegat/project_save.tmx"), tmx(&save, true)).unwrap();
    // target/: p2.s2 translated, p2.s3 the MT, p2.s4 still French; the
    // rest translated so only the rule decides.
    let source = std::fs::read_to_string(dir.join("source").join(&file.name)).unwrap();
    let mut target = source.clone();
    target = set_target(&target, "p2.s2", "“This exceptional decision”, said the minister.");
    target = set_target(&target, "p2.s3", s("p2.s3").mt.as_deref().unwrap());
    target = set_target(&target, "p2.s5", "Translated p2.s5.");
    std::fs::create_dir_all(dir.join("target")).unwrap();
    std::fs::write(dir.join("target").join(&file.name), &target).unwrap();
    validate_xliff(&[&dir.join("target").join(&file.name)]);
    // The other files were not returned translated.
    for f in m.files.iter().filter(|f| f.name != file.name) {
        std::fs::copy(dir.join("source").join(&f.name), dir.join("target").join(&f.name)).unwrap();
    }

    let tm = tmp.path().join("tm.sqlite");
    let out = tmp.path().join("out");
    let run = |extra: &[&str]| {
        depeche()
            .arg("merge")
            .arg(&dir)
            .arg("--tm")
            .arg(&tm)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    // Unfinished files are refused, naming the sentences.
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("rappel-ambassadeur"), "{err}");
    assert!(
        err.contains(
            "not reviewed yet, still machine translation or awaiting review (p2.s1, p2.s3)"
        ),
        "{err}"
    );

    let done = run(&["--allow-untranslated", "-v"]);
    let text = String::from_utf8_lossy(&done.stdout);
    assert!(done.status.success(), "{text}{}", String::from_utf8_lossy(&done.stderr));
    let ours = text
        .lines()
        .skip_while(|l| !l.contains("rappel-ambassadeur"))
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(ours.contains("memory: 3 stored"), "{ours}");
    assert!(
        ours.contains(
            "  took 3: 1 confirmed in OmegaT (project_save.tmx) (p1.s1); \
             2 translated in the returned file (p2.s2, p2.s5)"
        ),
        "{ours}"
    );
    assert!(
        ours.contains("skipped 3: 2 same as the machine translation offered (p2.s1, p2.s3); 1 not translated (p2.s4)"),
        "{ours}"
    );
    assert!(text.contains("skipped 8: 8 not translated"), "{text}");
    let article =
        std::fs::read_to_string(out.join("2021-09-25-rappel-ambassadeur-69847dee.en-GB.txt"))
            .unwrap();
    assert!(article.contains("Ambassador recalled"), "{article}");
    assert!(article.contains("said the minister."), "{article}");

    // What the memory learned is human work only: a new kit offers it.
    let again = tmp.path().join("kit2");
    let stdout = kit(&again, &["--tm", tm.to_str().unwrap()]);
    assert!(stdout.contains("(3 from the memory)"), "{stdout}");
}

#[test]
fn a_kit_never_overwrites_a_translators_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    kit(&dir, &["--no-memory"]);
    kit(&dir, &["--no-memory"]);
    std::fs::create_dir_all(dir.join("omegat")).unwrap();
    std::fs::write(dir.join("omegat/project_save.tmx"), tmx(&[], true)).unwrap();
    let out = depeche().arg("kit").arg(fixture_xliff()).arg("--out").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("holds a translator's work"), "{err}");
    let busy = tmp.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "x").unwrap();
    let out = depeche().arg("kit").arg(fixture_xliff()).arg("--out").arg(&busy).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a depeche kit"));
}

#[test]
fn the_plain_kit_is_valid_xliff_that_translate_toolkit_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    kit(&dir, &["--format", "xliff", "--no-memory"]);
    let files = xliff_files(&dir);
    assert_eq!(files.len(), 7);
    validate_xliff(&files.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    let view = ttk_readback(&files[0]);
    assert_eq!(view.units, 20);
    assert!(view.sources[0].starts_with("Discours d'Oslo"), "{:?}", view.sources);
    assert!(view.targets.iter().all(String::is_empty), "machine translation as a target");
    // The machine translation is an alt-trans candidate translate-toolkit sees.
    let script = format!(
        "from translate.storage import factory\n\
         st = factory.getobject({:?})\n\
         u = st.units[0]\n\
         print([(a.target, a.xmlelement.get('origin')) for a in u.getalttrans()])\n",
        files[0].display().to_string()
    );
    let out = Command::new("python3").arg("-c").arg(&script).output().unwrap();
    let alt = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(alt.contains("Speech of Oslo") && alt.contains("apertium"), "{alt}");
    let tbx = std::fs::read_to_string(dir.join("glossary-en-GB.tbx")).unwrap();
    assert!(tbx.contains("xml:lang=\"en-GB\"") && !tbx.contains("xml:lang=\"en-US\""));
    assert!(dir.join("memory.tmx").is_file());

    // Returned with the MT confirmed as is: never stored as human work.
    let xml = std::fs::read_to_string(&files[0]).unwrap();
    let mt = "Speech of Oslo: the \"just war\" costs praises on the right at Obama";
    let confirmed = xml.replacen(
        "</source>\n          <note",
        &format!(
            "</source>\n          <target state=\"translated\">{}</target>\n          <note",
            esc(mt)
        ),
        1,
    );
    assert_ne!(confirmed, xml);
    std::fs::write(&files[0], confirmed).unwrap();
    validate_xliff(&[&files[0]]);
    let out = depeche()
        .arg("merge")
        .arg(&dir)
        .arg("--allow-untranslated")
        .arg("--tm")
        .arg(tmp.path().join("tm.sqlite"))
        .arg("--out")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("memory     0 human translations stored"), "{text}");
    assert!(text.contains("1 same as the machine translation offered"), "{text}");
}

#[test]
fn omegat_sees_every_sentence_of_a_kit_made_without_machine_translation() {
    // fixtures/golden: the articles with `--provider none` (no <target>),
    // which OmegaT 3.6 reads as 0 segments when given directly.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    let out = depeche()
        .arg("kit")
        .arg(fixture("golden"))
        .arg("--out")
        .arg(&dir)
        .arg("--no-memory")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("0 machine translations"), "{stdout}");
    assert!(!dir.join("tm").read_dir().unwrap().any(|e| e.unwrap().path().is_file()));
    let pseudo = tmp.path().join("segments.tmx");
    omegat(
        &dir,
        &tmp.path().join("omegat-config"),
        &[
            "--mode=console-createpseudotranslatetmx",
            &format!("--pseudotranslatetmx={}", pseudo.display()),
            "--pseudotranslatetype=equal",
        ],
    );
    let m = manifest(&dir);
    let mut want: Vec<String> =
        m.files.iter().flat_map(|f| &f.sentences).map(|s| s.source.clone()).collect();
    let mut seen = tmx_sources(&pseudo);
    want.sort();
    want.dedup();
    seen.sort();
    seen.dedup();
    assert_eq!(seen, want);
}

#[test]
fn near_human_translations_are_offered_in_tm_never_inserted() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("kit1");
    kit(&first, &["--no-memory"]);
    let sentence = manifest(&first).files[0].sentences[1].source.clone();
    // The same sentence with its last word changed: a near twin.
    let (head, _) = sentence.trim_end_matches('.').rsplit_once(' ').unwrap();
    let twin = format!("{head} autrement.");
    let import = tmp.path().join("near.tmx");
    std::fs::write(&import, tmx(&[(twin.clone(), "NEAR HUMAN".into())], false)).unwrap();
    let tm = tmp.path().join("tm.sqlite");
    depeche().args(["tm", "import"]).arg(&import).arg("--tm").arg(&tm).assert().success();

    for format in ["omegat", "xliff"] {
        let dir = tmp.path().join(format);
        kit(&dir, &["--format", format, "--tm", tm.to_str().unwrap()]);
        let near = if format == "omegat" { "tm/depeche-near.tmx" } else { "memory.tmx" };
        let text = std::fs::read_to_string(dir.join(near)).unwrap();
        assert!(text.contains("NEAR HUMAN") && text.contains(&esc(&twin)), "{format}: {text}");
        if format == "omegat" {
            assert!(
                !dir.join("tm/auto/depeche-memory.tmx").exists(),
                "a near match is never inserted"
            );
        }
    }
}
