//! A damaged memory stops a run before anything is billed and is repaired
//! by `depeche tm check --repair`; TMX files tagged with bare languages
//! serve regional runs; no character XML forbids gets into or out of a
//! memory's TMX. See: #15

use std::path::{Path, PathBuf};

use depeche::tm::{EntryOrigin, Filter, Memory, NewEntry};
use wiremock::MockServer;

use crate::support::{depeche, fixture, validate_xliff, xliff_files};

const ARTICLE: &str = "articles/brief-me-2021-09-25-rappel-ambassadeur.txt";

/// `depeche translate` of the fixture article through `server` with the
/// memory at `tm`, into `out`: exit code, stdout, stderr.
fn translate(server: &MockServer, tm: &Path, out: &Path, to: &str) -> (i32, String, String) {
    let output = depeche()
        .args(["translate", "--no-progress", "--provider", "libretranslate", "--endpoint"])
        .arg(server.uri())
        .arg("--tm")
        .arg(tm)
        .args(["--to", to, "--out"])
        .arg(out)
        .arg(fixture(ARTICLE))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `depeche tm --tm <tm> <args>`: exit code and stdout (stderr appended).
fn tm_cmd(tm: &Path, args: &[&str]) -> (i32, String) {
    let output = depeche().arg("tm").arg("--tm").arg(tm).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

/// A memory of `n` entries, long enough that its table and index have
/// interior pages.
fn filled_memory(path: &Path, n: usize) {
    let memory = Memory::open(path).unwrap();
    let entries: Vec<NewEntry> = (0..n)
        .map(|i| {
            NewEntry::new(
                format!("{i} : le ministre a annoncé jeudi une hausse de {i} % du budget."),
                format!("{i}: the minister announced on Thursday a {i}% budget rise."),
                "fr-FR",
                "en-GB",
                EntryOrigin::Mt { provider: "deepl".into() },
            )
        })
        .collect();
    memory.store(&entries).unwrap();
    assert_eq!(memory.len().unwrap(), n as u64);
    // Closing the last handle folds the write-ahead log into the file.
}

/// Overwrites the cells of every interior b-tree page (page type 0x05 for
/// a table, 0x02 for an index) with `fill`, keeping each page's 12-byte
/// header; returns how many pages were hit.
fn damage_interior_pages(path: &Path, fill: u8) -> usize {
    assert!(!PathBuf::from(format!("{}-wal", path.display())).exists(), "log folded in");
    let mut bytes = std::fs::read(path).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let mut hit = 0;
    for start in (page..bytes.len()).step_by(page) {
        if matches!(bytes[start], 0x02 | 0x05) {
            bytes[start + 12..start + page].fill(fill);
            hit += 1;
        }
    }
    std::fs::write(path, bytes).unwrap();
    hit
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_memory_stops_the_run_before_any_request_and_is_repaired() {
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    let tm = work.path().join("tm.sqlite");
    filled_memory(&tm, 3000);
    let pages = damage_interior_pages(&tm, 0x41);
    assert!(pages >= 2, "{pages} interior pages");

    // The run stops at the start: exit 2, the file and the ways out named,
    // no request made, no XLIFF written.
    let out = work.path().join("out");
    let (code, stdout, stderr) = translate(&server, &tm, &out, "en-GB");
    assert_eq!(code, 2, "{stdout}{stderr}");
    let shown = tm.display().to_string();
    assert!(stderr.contains(&format!("{shown}: the translation memory is damaged")), "{stderr}");
    assert!(stderr.contains("--no-memory"), "{stderr}");
    assert!(stderr.contains(&format!("depeche tm check --repair --tm {shown}")), "{stderr}");
    assert_eq!(requests(&server).await, 0, "nothing may reach the provider");
    assert!(xliff_files(&out).is_empty());

    // `tm check` reports the damage, exit 2, and what repair would save.
    let (code, report) = tm_cmd(&tm, &["check"]);
    assert_eq!(code, 2, "{report}");
    assert!(report.starts_with(&format!("{shown}: damaged\n")), "{report}");
    assert!(report.contains("3000 can be saved"), "{report}");

    // `--repair` saves every entry (the leaves are whole) and keeps the
    // damaged file aside.
    let (code, report) = tm_cmd(&tm, &["check", "--repair"]);
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("repaired: 3000 entries saved, 0 lost"), "{report}");
    let kept: Vec<PathBuf> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("tm.sqlite.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(report.contains(&kept[0].display().to_string()), "{report}");
    let (code, report) = tm_cmd(&tm, &["check"]);
    assert_eq!((code, report), (0, format!("{shown}: sound (schema 2, 3000 entries)\n")));
    let repaired = Memory::open(&tm).unwrap();
    let one = repaired.lookup(
        "1234 : le ministre a annoncé jeudi une hausse de 1234 % du budget.",
        "fr-FR",
        "en-GB",
    );
    assert_eq!(
        one.unwrap().unwrap().target,
        "1234: the minister announced on Thursday a 1234% budget rise."
    );
    drop(repaired);

    // The repaired memory serves runs again.
    let (code, stdout, stderr) = translate(&server, &tm, &out, "en-GB");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(requests(&server).await > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_root_page_is_refused_and_its_leaves_are_saved() {
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    let tm = work.path().join("tm.sqlite");
    filled_memory(&tm, 3000);
    // Whole interior pages zeroed, headers included.
    let mut bytes = std::fs::read(&tm).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    for start in (page..bytes.len()).step_by(page) {
        if matches!(bytes[start], 0x02 | 0x05) {
            bytes[start..start + page].fill(0);
        }
    }
    std::fs::write(&tm, bytes).unwrap();
    let (code, _, stderr) = translate(&server, &tm, &work.path().join("out"), "en-GB");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("translation memory is damaged"), "{stderr}");
    assert_eq!(requests(&server).await, 0);
    let (code, report) = tm_cmd(&tm, &["check", "--repair"]);
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("repaired: 3000 entries saved, 0 lost"), "{report}");
}

#[test]
fn tm_check_passes_a_sound_memory_and_names_a_missing_one() {
    let work = tempfile::tempdir().unwrap();
    let tm = work.path().join("tm.sqlite");
    filled_memory(&tm, 10);
    let (code, report) = tm_cmd(&tm, &["check", "--repair"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report,
        format!("{}: sound (schema 2, 10 entries)\nnothing to repair\n", tm.display())
    );
    let missing = work.path().join("none.sqlite");
    let (code, report) = tm_cmd(&missing, &["check"]);
    assert_eq!(code, 2, "{report}");
    assert!(report.contains("none.sqlite: cannot check the memory"), "{report}");
    assert!(!missing.exists(), "a check never creates a memory");
}

/// The TMX a CAT tool writes with bare language tags: every sentence of
/// the fixture article as `fr`, its reviewed translation as `en`.
fn bare_language_tmx(sources: &[String], srclang: &str) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header \
         creationtool=\"cat\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"cat\" \
         adminlang=\"en\" srclang=\"{srclang}\" datatype=\"plaintext\"/>\n<body>\n"
    );
    for s in sources {
        let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
        xml.push_str(&format!(
            "<tu><tuv xml:lang=\"fr\"><seg>{}</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>REVIEWED {}</seg></tuv></tu>\n",
            esc(s),
            esc(s)
        ));
    }
    xml.push_str("</body>\n</tmx>\n");
    xml
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tmx_in_bare_languages_serves_regional_targets() {
    let server = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    // The article's sentences, as a first run sends them.
    let first = work.path().join("first.sqlite");
    let (code, out, err) = translate(&server, &first, &work.path().join("o1"), "en-GB");
    assert_eq!(code, 0, "{out}{err}");
    let sent = requests(&server).await;
    let sources: Vec<String> = Memory::open(&first)
        .unwrap()
        .entries(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.source_text)
        .collect();
    assert!(sources.len() > 5, "{sources:?}");

    for srclang in ["fr", "*all*"] {
        let tmx = work.path().join("bare.tmx");
        std::fs::write(&tmx, bare_language_tmx(&sources, srclang)).unwrap();
        let tm = work.path().join(format!("bare-{}.sqlite", srclang.len()));
        let (code, report) = tm_cmd(&tm, &["import", tmx.to_str().unwrap()]);
        assert_eq!(code, 0, "{report}");
        // Both British and American runs are served from the `en` entries,
        // nothing is sent, and the targets are the reviewed ones.
        for to in ["en-GB", "en-US"] {
            let out = work.path().join(format!("out-{}-{to}", srclang.len()));
            let (code, stdout, stderr) = translate(&server, &tm, &out, to);
            assert_eq!(code, 0, "{stdout}{stderr}");
            let n = sources.len();
            assert!(
                stdout.contains(&format!("memory     {n} hits of {n} segments")),
                "{srclang} {to}: {stdout}"
            );
            assert_eq!(requests(&server).await, sent, "{srclang} {to}: no request");
            let files = xliff_files(&out);
            let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            validate_xliff(&refs);
            let xliff = std::fs::read_to_string(&files[0]).unwrap();
            assert!(xliff.contains(&format!("target-language=\"{to}\"")), "{xliff}");
            assert_eq!(xliff.matches("REVIEWED ").count(), n, "{xliff}");
        }
    }

    // An entry stored for the exact locale comes before the bare one.
    let tm = work.path().join("bare-2.sqlite");
    Memory::open(&tm)
        .unwrap()
        .store(&[NewEntry::new(&sources[0], "BRITISH.", "fr-FR", "en-GB", EntryOrigin::Human)])
        .unwrap();
    let out = work.path().join("out-exact");
    let (code, stdout, stderr) = translate(&server, &tm, &out, "en-GB");
    assert_eq!(code, 0, "{stdout}{stderr}");
    let xliff = std::fs::read_to_string(&xliff_files(&out)[0]).unwrap();
    assert!(xliff.contains("BRITISH."), "{xliff}");
    assert_eq!(xliff.matches("REVIEWED ").count(), sources.len() - 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn characters_xml_forbids_never_reach_a_tmx() {
    use serde_json::{Value, json};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, Request, ResponseTemplate};

    // A provider whose answers carry U+FFFE, U+FFFF and control characters.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/translate"))
        .respond_with(|r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let out: Vec<String> = v["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| format!("EN\u{FFFE} {}\u{1}\u{FFFF}", q.as_str().unwrap()))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({ "translatedText": out }))
        })
        .mount(&server)
        .await;
    let work = tempfile::tempdir().unwrap();
    let tm = work.path().join("tm.sqlite");
    let (code, out, err) = translate(&server, &tm, &work.path().join("out"), "en-GB");
    assert!(code == 0 || code == 1, "{out}{err}");
    // And one put in through the library: the store drops them too.
    Memory::open(&tm)
        .unwrap()
        .store(&[NewEntry::new(
            "Un\u{0}deux\u{FFFE}.",
            "One\u{0}two\u{1B}.",
            "fr-FR",
            "en-GB",
            EntryOrigin::Human,
        )])
        .unwrap();

    let export = work.path().join("export.tmx");
    let (code, report) = tm_cmd(&tm, &["export", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.contains("<seg>Onetwo.</seg>"), "{text}");
    assert!(text.contains("<seg>EN "), "{text}");
    assert!(
        !text.chars().any(|c| matches!(c, '\u{0}' | '\u{1}' | '\u{1B}' | '\u{FFFE}' | '\u{FFFF}'))
    );
    let lint = std::process::Command::new("xmllint").arg("--noout").arg(&export).output();
    match lint {
        Ok(lint) => assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stderr)),
        Err(e) => eprintln!("xmllint not run ({e}); the characters were checked above"),
    }
    // The export imports back, into either store.
    let (code, report) =
        tm_cmd(&work.path().join("again.sqlite"), &["import", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");

    // A TMX holding NUL is refused whole, with its file and line.
    let bad = work.path().join("bad.tmx");
    let good = std::fs::read_to_string(fixture("tmx/tm-fr-en.tmx")).unwrap();
    let (head, tail) = good.split_once("</seg>").unwrap();
    std::fs::write(&bad, format!("{head}\u{0}</seg>{tail}")).unwrap();
    let line = head.lines().count();
    let fresh = work.path().join("fresh.sqlite");
    let (code, report) = tm_cmd(&fresh, &["import", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{report}");
    assert!(
        report.contains(&format!(
            "bad.tmx:{line}: character U+0000 is not allowed in XML 1.0 (remove it from the file; \
             nothing was imported)"
        )),
        "{report}"
    );
    assert_eq!(Memory::open(&fresh).unwrap().len().unwrap(), 0);
}
