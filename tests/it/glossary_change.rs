//! A glossary change re-checks cached machine translations: an entry that
//! now violates a term is translated again, the others are served from the
//! memory; and once re-translated under the new glossary, an entry is not
//! paid for again on the next run.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use wiremock::MockServer;

use crate::support::{fixture, root, xliff_files};

/// Segments in the fixture articles (the run summary's count).
const FIXTURE_SEGMENTS: usize = 113;

async fn server() -> MockServer {
    crate::support::echo_libretranslate(std::time::Duration::ZERO).await
}

/// Every text the server has been sent, in order.
async fn sent(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .flat_map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            v["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `depeche translate fixtures/articles` from the project root, so that the
/// default `glossaries/` applies unless `--glossary` is given.
fn run(server: &MockServer, work: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("depeche"))
        .current_dir(root())
        .arg("--config")
        .arg(work.join("depeche.toml"))
        .args(["translate", "--no-progress", "--provider", "libretranslate"])
        .arg("--endpoint")
        .arg(server.uri())
        .arg("--tm")
        .arg(work.join("tm.sqlite"))
        .arg("--out")
        .arg(work.join("out"))
        .args(extra)
        .arg(fixture("articles"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// Sources of the units flagged by the terminology check, over every file.
fn violating_sources(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for file in xliff_files(dir) {
        let doc = depeche::xliff::read_file(&file).unwrap();
        for unit in &doc.files[0].units {
            if unit
                .notes
                .iter()
                .any(|n| n.from.as_deref() == Some("qa") && n.text.contains("[terms"))
            {
                out.push(unit.source.clone());
            }
        }
    }
    out.sort();
    out
}

/// The `violated` figures of the summary's `terms` line, summed.
fn violated(summary: &str) -> usize {
    let line = summary.lines().find(|l| l.starts_with("terms ")).unwrap_or("");
    line.split(';')
        .filter_map(|part| {
            let part = part.trim().strip_suffix(" violated")?;
            part.rsplit(' ').next()?.parse::<usize>().ok()
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_glossary_change_resends_only_the_entries_that_now_violate_it() {
    let server = server().await;
    let work = tempfile::tempdir().unwrap();
    // Providers get no term hints: targets keep the French terms, so the
    // terminology check is what decides.
    std::fs::write(work.path().join("depeche.toml"), "[translate]\nenforce_terms = false\n")
        .unwrap();
    let tiny = work.path().join("tiny.csv");
    std::fs::write(
        &tiny,
        "source,target,locale,domain,note,forbidden,dnt\n\
         hydravion de reconnaissance,reconnaissance seaplane,en,defence,,,\n",
    )
    .unwrap();

    // Run 1: a glossary none of the articles use; nothing violates it.
    let (code, out) = run(&server, work.path(), &["--glossary", tiny.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let first = sent(&server).await;
    assert_eq!(first.len(), FIXTURE_SEGMENTS, "{out}");
    assert!(violating_sources(&work.path().join("out")).is_empty(), "{out}");
    assert_eq!(violated(&out), 0, "{out}");

    // Run 2: the newsroom glossaries. Cached entries are re-checked; those
    // that now violate a term go back to the provider, the rest are hits.
    std::fs::remove_dir_all(work.path().join("out")).unwrap();
    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let second: Vec<String> = sent(&server).await.split_off(first.len());
    assert!(
        !second.is_empty() && second.len() < FIXTURE_SEGMENTS,
        "some but not all entries are re-sent: {} of {FIXTURE_SEGMENTS}\n{out}",
        second.len()
    );
    let hits = FIXTURE_SEGMENTS - second.len();
    assert!(
        out.contains(&format!("memory     {hits} hits of {FIXTURE_SEGMENTS} segments")),
        "{out}"
    );
    // Exactly the segments flagged by QA were re-sent (titles in capitals
    // are sent in sentence case).
    let flagged = violating_sources(&work.path().join("out"));
    let mut resent: Vec<String> = second.iter().map(|s| s.to_lowercase()).collect();
    resent.sort();
    let mut expected: Vec<String> = flagged.iter().map(|s| s.to_lowercase()).collect();
    expected.sort();
    assert_eq!(resent, expected, "{out}");
    // The provider still gets the terms wrong (no hints), and QA says so.
    let violations = violated(&out);
    assert!(violations >= second.len(), "{violations} violations\n{out}");

    // Run 3, same glossary: the re-translations were stored under the new
    // glossary version, and the entries that passed still pass, so nothing
    // is sent. The violations stay visible in the XLIFF for the reviewer.
    let (code, out) = run(&server, work.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let total = sent(&server).await.len();
    assert_eq!(total, first.len() + second.len(), "run 3 sends nothing:\n{out}");
    assert!(
        out.contains(&format!(
            "memory     {FIXTURE_SEGMENTS} hits of {FIXTURE_SEGMENTS} segments (100.0% hit rate)"
        )),
        "{out}"
    );
    assert_eq!(violating_sources(&work.path().join("out")), flagged, "{out}");
    assert_eq!(violated(&out), violations, "{out}");

    // Back to the first glossary: another version again, and every cached
    // entry passes it, so still nothing is sent.
    let (code, out) = run(&server, work.path(), &["--glossary", tiny.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(sent(&server).await.len(), total, "{out}");
}
