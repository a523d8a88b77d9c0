//! Fuzzy matches from the translation memory in the XLIFF a run writes,
//! and exports that give back the sentences as they were written.
//! See: #11

// Offsets come from `find` on the same string, so they sit on char bounds.
#![allow(clippy::string_slice)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use wiremock::MockServer;

use depeche::tm::{EntryOrigin, Memory, NewEntry};

use crate::support::{depeche, fixture, root, validate_xliff, xliff_files};

/// A sentence of the Mali fixture article, as written.
const SENTENCE: &str = "Le nord du Mali était tombé en mars-avril 2012 sous la coupe de groupes \
                        djihadistes liés à al-Qaïda.";

/// Its near twin in the memory: one word of 23 changed (96 %, 95 shown).
const TWIN: &str = "Le nord du Mali était tombé en mars-avril 2013 sous la coupe de groupes \
                    djihadistes liés à al-Qaïda.";
const TWIN_EN: &str =
    "Northern Mali fell to jihadist groups linked to al-Qaeda in March-April 2013.";

/// The start of its machine translation by the echo server (the glossary
/// repairs a term further on).
const MT_START: &str = ">EN Le nord du Mali était tombé en mars-avril 2012 sous la coupe";

/// A folder holding only the Mali article, a memory with the human
/// translation of its twin, and a config file.
fn setup(config: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let article = "essahraa-2017-10-25-mali-deux-soldats-tues.txt";
    std::fs::copy(fixture("articles").join(article), input.join(article)).unwrap();
    let memory = Memory::open(&dir.path().join("tm.sqlite")).unwrap();
    memory.store(&[NewEntry::new(TWIN, TWIN_EN, "fr-FR", "en-GB", EntryOrigin::Human)]).unwrap();
    std::fs::write(dir.path().join("depeche.toml"), config).unwrap();
    (dir, input)
}

/// `depeche translate` of `input` through the echo server; the one XLIFF
/// it wrote.
fn translate(server: &MockServer, work: &Path, input: &Path, xliff: &str) -> PathBuf {
    let out = Command::new(assert_cmd::cargo::cargo_bin("depeche"))
        .current_dir(root())
        .arg("--config")
        .arg(work.join("depeche.toml"))
        .args(["translate", "--no-progress", "--provider", "libretranslate", "--xliff", xliff])
        .arg("--endpoint")
        .arg(server.uri())
        .arg("--tm")
        .arg(work.join("tm.sqlite"))
        .arg("--out")
        .arg(work.join(format!("out-{xliff}")))
        .arg(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let files = xliff_files(&work.join(format!("out-{xliff}")));
    assert_eq!(files.len(), 1, "{files:?}");
    validate_xliff(&[files[0].as_path()]);
    files[0].clone()
}

/// The XML of the unit (1.2 `<trans-unit>`, 2.1 `<unit>`) whose source is
/// `SENTENCE`.
fn unit_of<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    let at = xml.find(&format!(">{SENTENCE}<")).expect("the sentence is in the file");
    let start = xml[..at].rfind(open).unwrap();
    let end = at + xml[at..].find(close).unwrap();
    &xml[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sentence_with_one_word_changed_gets_its_twin_as_a_candidate_in_12_and_21() {
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let (dir, input) = setup("");
    let work = dir.path();

    let xml = std::fs::read_to_string(translate(&server, work, &input, "1.2")).unwrap();
    let unit = unit_of(&xml, "<trans-unit ", "</trans-unit>");
    // Still machine translated: the candidate never replaces the MT.
    assert!(unit.contains(MT_START), "{unit}");
    assert!(unit.contains("state-qualifier=\"leveraged-mt\""), "{unit}");
    assert!(
        unit.contains("<alt-trans match-quality=\"95\" origin=\"memory\" tool-id=\"depeche\">"),
        "{unit}"
    );
    assert!(unit.contains(&format!("<source>{TWIN}</source>")), "{unit}");
    assert!(unit.contains(&format!("<target>{TWIN_EN}</target>")), "{unit}");
    assert!(unit.contains("<note from=\"depeche\">95% memory match, human translation</note>"));
    // Only that sentence has a close twin.
    assert_eq!(xml.matches("<alt-trans").count(), 1);

    // A fresh memory: the first run stored its MT of the sentence, which
    // is now an exact match.
    let (dir, input) = setup("");
    let xml = std::fs::read_to_string(translate(&server, dir.path(), &input, "2.1")).unwrap();
    let unit = unit_of(&xml, "<unit ", "</unit>");
    assert!(unit.contains(MT_START), "{unit}");
    assert!(
        unit.contains("<mtc:matches xmlns:mtc=\"urn:oasis:names:tc:xliff:matches:2.0\">"),
        "{unit}"
    );
    let at = unit.find(&format!(">{SENTENCE}<")).unwrap();
    let segment = &unit[unit[..at].rfind("<segment id=\"").unwrap()..];
    let id = segment.split('"').nth(1).unwrap();
    assert!(
        unit.contains(&format!(
            "ref=\"#{id}\" type=\"tm\" origin=\"memory\" similarity=\"95\" matchQuality=\"95\" \
             subType=\"depeche:human\">"
        )),
        "{unit}"
    );
    assert!(unit.contains(&format!("<source>{TWIN}</source>")), "{unit}");
    assert!(unit.contains(&format!("<target>{TWIN_EN}</target>")), "{unit}");
    assert_eq!(xml.matches("<mtc:match ").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_threshold_and_the_count_are_honoured() {
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    // 95 % is under 96 %: nothing offered.
    let (dir, input) = setup("[memory]\nfuzzy_threshold = 0.96\n");
    let xml = std::fs::read_to_string(translate(&server, dir.path(), &input, "1.2")).unwrap();
    assert!(!xml.contains("<alt-trans"), "{xml}");
    assert!(xml.contains(MT_START));

    let (dir, input) = setup("[memory]\nfuzzy_max_matches = 0\n");
    let xml = std::fs::read_to_string(translate(&server, dir.path(), &input, "2.1")).unwrap();
    assert!(!xml.contains("mtc:"), "{xml}");

    let (dir, _) = setup("[memory]\nfuzzy_threshold = 1.5\n");
    depeche()
        .arg("--config")
        .arg(dir.path().join("depeche.toml"))
        .args(["translate", "--no-progress", "--provider", "none", "--out"])
        .arg(dir.path().join("out"))
        .arg(fixture("articles"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("fuzzy_threshold 1.5 is out of range"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_sources_as_written() {
    // What a run stores: every source as the XLIFF shows it.
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let (dir, input) = setup("");
    let lagazette = "lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";
    std::fs::copy(fixture("articles").join(lagazette), input.join(lagazette)).unwrap();
    let work = dir.path();
    let out = Command::new(assert_cmd::cargo::cargo_bin("depeche"))
        .current_dir(root())
        .args(["translate", "--no-progress", "--provider", "libretranslate", "--endpoint"])
        .arg(server.uri())
        .arg("--tm")
        .arg(work.join("tm.sqlite"))
        .arg("--out")
        .arg(work.join("out"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tmx = work.join("memory.tmx");
    depeche()
        .args(["tm", "export"])
        .arg(&tmx)
        .arg("--tm")
        .arg(work.join("tm.sqlite"))
        .assert()
        .success();
    let exported = std::fs::read_to_string(&tmx).unwrap();
    let mut typographic = 0;
    for file in xliff_files(&work.join("out")) {
        for unit in &depeche::xliff::read_file(&file).unwrap().files[0].units {
            let escaped =
                unit.source.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            assert!(exported.contains(&format!("<seg>{escaped}</seg>")), "{escaped}");
            typographic += usize::from(unit.source.contains('’'));
        }
    }
    assert!(typographic > 0, "the fixtures have typographic apostrophes");

    // Imported text keeps its no-break spaces and apostrophes, both ways.
    let written = "L’ambassadeur a déclaré\u{a0}: «\u{202f}non\u{202f}».";
    let import = work.join("in.tmx");
    std::fs::write(
        &import,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header \
             creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" \
             adminlang=\"en\" srclang=\"fr-FR\" datatype=\"plaintext\"/><body>\
             <tu><tuv xml:lang=\"fr-FR\"><seg>{written}</seg></tuv>\
             <tuv xml:lang=\"en-GB\"><seg>The ambassador said: “no”.</seg></tuv></tu></body></tmx>"
        ),
    )
    .unwrap();
    let tm = work.join("import.sqlite");
    depeche().args(["tm", "import"]).arg(&import).arg("--tm").arg(&tm).assert().success();
    depeche().args(["tm", "export"]).arg(&tmx).arg("--tm").arg(&tm).assert().success();
    let exported = std::fs::read_to_string(&tmx).unwrap();
    assert!(exported.contains(&format!("<seg>{written}</seg>")), "{exported}");
    // The key is still the normalised form.
    let memory = Memory::open(&tm).unwrap();
    let entry = memory.lookup("L'ambassadeur a déclaré : « non ».", "fr-FR", "en-GB").unwrap();
    assert_eq!(entry.unwrap().source_text, written);
}

#[test]
fn a_memory_from_before_the_written_source_opens_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tm.sqlite");
    {
        // Schema 1, as the depeche before it created it.
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL);
             CREATE TABLE entries (
                 id INTEGER PRIMARY KEY,
                 source_lang TEXT NOT NULL,
                 target_lang TEXT NOT NULL,
                 source TEXT NOT NULL,
                 origin TEXT NOT NULL,
                 target TEXT NOT NULL,
                 glossary_version TEXT,
                 created TEXT NOT NULL,
                 updated TEXT NOT NULL
             );
             CREATE UNIQUE INDEX entries_key
                 ON entries (source_lang, target_lang, source, origin);
             INSERT INTO schema_version (version) VALUES (1);
             INSERT INTO entries (source_lang, target_lang, source, origin, target,
                 glossary_version, created, updated)
             VALUES ('fr-FR', 'en-GB', 'L''armée a dit.', 'mt:deepl', 'The army said.', 'g1',
                 '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    depeche()
        .args(["tm", "stats", "--tm"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicates::str::contains("mt:deepl"));
    let tmx = dir.path().join("out.tmx");
    depeche().args(["tm", "export"]).arg(&tmx).arg("--tm").arg(&path).assert().success();
    let exported = std::fs::read_to_string(&tmx).unwrap();
    // Only the key was kept before: that is what the old entry gives back.
    assert!(exported.contains("<seg>L'armée a dit.</seg>"), "{exported}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 =
        conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    let text: String = conn.query_row("SELECT source_text FROM entries", [], |r| r.get(0)).unwrap();
    assert_eq!(text, "L'armée a dit.");
}
