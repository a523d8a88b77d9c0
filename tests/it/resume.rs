//! Resumable runs and cost control, against a local server that speaks the
//! LibreTranslate protocol and counts what it is sent.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wiremock::MockServer;

use crate::support::{fixture, root, validate_xliff, xliff_files};

/// Segments in the fixture articles (the run summary's count).
const FIXTURE_SEGMENTS: usize = 113;

async fn server(delay: Duration) -> MockServer {
    crate::support::echo_libretranslate(delay).await
}

/// Requests received so far and the segments they carried.
async fn received(server: &MockServer) -> (usize, usize) {
    let requests = server.received_requests().await.unwrap_or_default();
    let segments = requests
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            v["q"].as_array().map_or(0, Vec::len)
        })
        .sum();
    (requests.len(), segments)
}

/// `depeche translate fixtures/articles` through the server, one file at a time.
fn command(server: &MockServer, work: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("depeche"));
    cmd.current_dir(root())
        .args(["translate", "--no-progress", "-j", "1", "--provider", "libretranslate"])
        // Glossary terms travel as placeholders up front: one request shape
        // per segment, whatever the echo server answers.
        .args(["--terms", "force"])
        .arg("--endpoint")
        .arg(server.uri())
        .arg("--tm")
        .arg(work.join("tm.sqlite"))
        .arg("--out")
        .arg(work.join("out"))
        .args(extra)
        .arg(fixture("articles"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(server: &MockServer, work: &Path, extra: &[&str]) -> (i32, String) {
    let out = command(server, work, extra).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), stdout + &String::from_utf8_lossy(&out.stderr))
}

/// Waits until the run has written its first XLIFF file, so a test can
/// interrupt it part-way however long the binary takes to start (a debug
/// build loading the termbases on a busy machine).
async fn first_file_written(out_dir: &Path) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        let written = std::fs::read_dir(out_dir).is_ok_and(|entries| {
            entries.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".xlf"))
        });
        if written {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no XLIFF file in {} after 60 s", out_dir.display());
}

fn fixture_count() -> usize {
    std::fs::read_dir(fixture("articles"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "txt"))
        .count()
}

fn validate_dir(dir: &Path) -> Vec<PathBuf> {
    let files = xliff_files(dir);
    if !files.is_empty() {
        let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
        validate_xliff(&refs);
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_sends_nothing_and_rewrites_nothing() {
    let server = server(Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let (requests, segments) = received(&server).await;
    assert_eq!(segments, FIXTURE_SEGMENTS, "{out}");
    assert!(out.contains("memory     0 hits"), "{out}");
    let files = validate_dir(&work.path().join("out"));
    assert_eq!(files.len(), fixture_count());
    let mtimes: Vec<_> =
        files.iter().map(|f| std::fs::metadata(f).unwrap().modified().unwrap()).collect();

    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(received(&server).await.0, requests, "no request on the second run:\n{out}");
    assert!(
        out.contains(&format!(
            "memory     {FIXTURE_SEGMENTS} hits of {FIXTURE_SEGMENTS} segments (100.0% hit rate)"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("({} unchanged)", files.len())), "{out}");
    let again: Vec<_> =
        files.iter().map(|f| std::fs::metadata(f).unwrap().modified().unwrap()).collect();
    assert_eq!(mtimes, again);
    // Cached MT keeps saying it is machine output from that provider.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains(r#"state="needs-review-translation" state-qualifier="leveraged-mt""#));
    assert!(text.contains("libretranslate"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_leaves_whole_files_and_resumes_without_paying_twice() {
    let server = server(Duration::from_millis(250)).await;
    let work = tempfile::tempdir().unwrap();
    let out_dir = work.path().join("out");
    let mut child = command(&server, work.path(), &[]).spawn().unwrap();
    // Kill it part-way: some articles are written, others in flight or not started.
    first_file_written(&out_dir).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let first = validate_dir(&out_dir);
    assert!(first.len() < fixture_count(), "the run was killed before the end");
    let (_, sent_first) = received(&server).await;

    // Every file there is whole; the rerun finishes the batch.
    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let files = validate_dir(&out_dir);
    assert_eq!(files.len(), fixture_count(), "{out}");
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".xlf"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (_, sent_total) = received(&server).await;
    // The rerun paid only for what the first run had not stored: at most the
    // one batch in flight when it was killed is sent twice.
    let second = sent_total - sent_first;
    assert!(second < FIXTURE_SEGMENTS, "{second}");
    assert!(sent_total <= FIXTURE_SEGMENTS + 40, "{sent_first} + {second}");
    // A third run has nothing left to pay for.
    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(received(&server).await.1, sent_total, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_finishes_what_is_in_flight_and_says_what_remains() {
    let server = server(Duration::from_millis(300)).await;
    let work = tempfile::tempdir().unwrap();
    let child = command(&server, work.path(), &[]).spawn().unwrap();
    first_file_written(&work.path().join("out")).await;
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: plain kill(2) on our own child process.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("files not started; run the same command again"), "{stdout}");
    let files = validate_dir(&work.path().join("out"));
    assert!(!files.is_empty() && files.len() < fixture_count(), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_reports_the_cost_after_memory_hits_and_sends_nothing() {
    let server = server(Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    // Fill the memory with one article first.
    let cmd = command(&server, work.path(), &[]);
    let reference = fixture("articles/lagazette-2025-10-31-azerbaidjan-royaume-uni.txt");
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let mut one = Command::new(cmd.get_program());
    one.current_dir(root()).args(&args[..args.len() - 1]).arg(&reference);
    assert!(one.output().unwrap().status.success());
    let (before, _) = received(&server).await;
    std::fs::remove_dir_all(work.path().join("out")).unwrap();

    let (code, out) = run(&server, work.path(), &["--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(received(&server).await.0, before, "a dry run sends nothing");
    assert!(!work.path().join("out").exists(), "a dry run writes nothing");
    // The reference article has 13 segments, served by the memory.
    let expected = FIXTURE_SEGMENTS - 13;
    assert!(out.contains(&format!("would be sent {expected} segments")), "{out}");
    assert!(out.contains("memory     13 hits"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_budget_stops_sending_and_reports_what_is_left() {
    let server = server(Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    let (code, out) = run(&server, work.path(), &["--max-chars", "6000"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("character budget reached"), "{out}");
    let requests = server.received_requests().await.unwrap();
    let chars: usize = requests
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            v["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q.as_str().unwrap().chars().count())
                .sum::<usize>()
        })
        .sum();
    assert!(chars > 0 && chars <= 6000, "{chars}");
    // Everything is still written: untranslated segments wait for a later run.
    let files = validate_dir(&work.path().join("out"));
    assert_eq!(files.len(), fixture_count());
}

#[tokio::test(flavor = "multi_thread")]
async fn human_translations_in_the_memory_win_and_are_marked_exact_matches() {
    let server = server(Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    let source =
        "Londres et Bakou ont franchi une nouvelle étape dans leur partenariat stratégique.";
    let human = "London and Baku have taken a new step in their strategic partnership.";
    let tmx = work.path().join("human.tmx");
    std::fs::write(
        &tmx,
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="fr-FR" datatype="plaintext"/>
<body><tu><tuv xml:lang="fr-FR"><seg>{source}</seg></tuv><tuv xml:lang="en-GB"><seg>{human}</seg></tuv></tu></body></tmx>
"#
        ),
    )
    .unwrap();
    let import = Command::new(assert_cmd::cargo::cargo_bin("depeche"))
        .args(["tm", "import"])
        .arg(&tmx)
        .arg("--tm")
        .arg(work.path().join("tm.sqlite"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let (_, segments) = received(&server).await;
    assert_eq!(segments, FIXTURE_SEGMENTS - 1, "the human sentence is not sent");
    let file = xliff_files(&work.path().join("out"))
        .into_iter()
        .find(|f| f.to_string_lossy().contains("azerbaidjan"))
        .unwrap();
    let doc = depeche::xliff::read_file(&file).unwrap();
    let unit = doc.files[0].units.iter().find(|u| u.source == source).unwrap();
    assert_eq!(unit.target.as_deref(), Some(human));
    assert_eq!(unit.state.as_deref(), Some("translated"));
    assert_eq!(unit.state_qualifier.as_deref(), Some("exact-match"));
}
