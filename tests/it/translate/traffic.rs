//! The traffic layer under real limits (issue #13): rate limits are waited
//! out instead of failing work, the lane backs off as a whole, a dead
//! endpoint is found in seconds, and characters count as sent only once
//! the provider accepted them.
//!
//! The servers speak the DeepL protocol and echo `EN:<source>`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::support::{article, config, targets, translator};
use crate::support::{depeche, fixture};

/// What a rate-limited server saw.
#[derive(Debug, Default)]
struct Seen {
    /// When each admitted request arrived.
    admitted: Vec<Instant>,
    /// Requests answered 429.
    refused: usize,
    /// Most requests admitted within any one second.
    per_second_peak: usize,
}

/// The DeepL answer echoing every text of `r`.
fn echo(r: &Request) -> ResponseTemplate {
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    let out: Vec<Value> = v["text"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| json!({"detected_source_language": "FR", "text": format!("EN:{}", t.as_str().unwrap())}))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({ "translations": out }))
}

/// A DeepL server admitting `per_second` requests in any one second, each
/// answered after `latency`; the others get 429 with `Retry-After: 1` at
/// once, as DeepL answers under load. With `retry_after` false the 429
/// carries no header.
async fn limited_deepl(
    per_second: usize,
    latency: Duration,
    retry_after: bool,
) -> (MockServer, Arc<Mutex<Seen>>) {
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let state = Arc::clone(&seen);
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .respond_with(move |r: &Request| {
            let now = Instant::now();
            let mut s = state.lock().unwrap();
            let recent = s
                .admitted
                .iter()
                .filter(|t| now.duration_since(**t) < Duration::from_secs(1))
                .count();
            if recent >= per_second {
                s.refused += 1;
                let refused = ResponseTemplate::new(429)
                    .set_body_json(json!({"message": "Too many requests"}));
                return if retry_after {
                    refused.insert_header("Retry-After", "1")
                } else {
                    refused
                };
            }
            s.admitted.push(now);
            s.per_second_peak = s.per_second_peak.max(recent + 1);
            echo(r).set_delay(latency)
        })
        .mount(&server)
        .await;
    // The native glossary is made once, before any translation.
    Mock::given(method("GET"))
        .and(path("/v3/glossaries"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"glossaries": []})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/glossaries"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"glossary_id": "g-1"})))
        .mount(&server)
        .await;
    (server, seen)
}

/// `n` article files in `dir`, made from the fixture articles in turn,
/// each with a paragraph of its own so that no two are the same article.
pub(super) fn articles(dir: &Path, n: usize) -> Vec<PathBuf> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(fixture("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    sources.sort();
    (0..n)
        .map(|i| {
            let src = &sources[i % sources.len()];
            // Bytes: one fixture is in Windows-1252, and ASCII suits both.
            let mut text = std::fs::read(src).unwrap();
            text.extend(format!("\n\nMise a jour numero {i} de la depeche.\n").bytes());
            let stem = src.file_stem().unwrap().to_str().unwrap();
            let path = dir.join(format!("{stem}-{i:03}.txt"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

/// Runs `depeche translate` with DeepL at `endpoint` over `files`; returns
/// the exit code, stdout (the summary) then stderr, and the time it took.
pub(super) fn run(
    endpoint: &str,
    files: &[PathBuf],
    out: &Path,
    extra: &[&str],
) -> (i32, String, Duration) {
    let start = Instant::now();
    let output = depeche()
        .env("DEEPL_AUTH_KEY", "test-key")
        .args(["translate", "--no-progress", "--no-memory", "--provider", "deepl"])
        .args(extra)
        .arg("--endpoint")
        .arg(endpoint)
        .arg("--out")
        .arg(out)
        .args(files)
        .output()
        .unwrap();
    let took = start.elapsed();
    let text =
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    (output.status.code().unwrap(), text, took)
}

/// Trans-units and those with a translation, over every XLIFF in `dir`.
fn units(dir: &Path) -> (usize, usize, usize) {
    let (mut files, mut units, mut translated) = (0, 0, 0);
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        files += 1;
        units += text.matches("<trans-unit ").count();
        let n = text.matches("<trans-unit ").count();
        translated += n - text.matches("<target state=\"needs-translation\"/>").count();
    }
    (files, units, translated)
}

/// The summary's `translate` line.
fn summary_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.starts_with("translate  ")).unwrap_or("")
}

// See: #13
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_batch_is_slower_but_complete() {
    // 2 requests/s, 429 + Retry-After, 500 ms latency: the scenario that
    // lost 209 of 545 segments before.
    let (server, seen) = limited_deepl(2, Duration::from_millis(500), true).await;
    let work = tempfile::tempdir().unwrap();
    let files = articles(work.path(), 22);
    let out = work.path().join("out");
    let (code, stderr, took) = run(&server.uri(), &files, &out, &[]);
    let (n, units, translated) = units(&out);
    let seen = seen.lock().unwrap();
    eprintln!(
        "22 articles at 2 requests/s, 500 ms: {took:.1?}, {} requests answered, {} refused \
         (429); {translated} of {units} units translated\n{stderr}",
        seen.admitted.len(),
        seen.refused
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(n, 22, "{stderr}");
    assert_eq!(translated, units, "every segment translated: {stderr}");
    assert!(summary_line(&stderr).contains(" 0 failed"), "{stderr}");
    assert!(seen.per_second_peak <= 2);
    let refused = format!("{} answers said \"too many requests\"", seen.refused);
    assert!(seen.refused == 0 || stderr.contains(&refused), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_without_retry_after_are_waited_out_past_max_attempts() {
    // Far more refusals than max_attempts = 3 allows for other errors.
    let (server, seen) = limited_deepl(1, Duration::from_millis(50), false).await;
    let t = translator(
        &config(
            "concurrency = 4\nbackoff_initial_ms = 100\nbackoff_max_ms = 400\n[deepl]\nmax_segments = 1\n",
        ),
        "deepl",
        &server.uri(),
        &[("DEEPL_AUTH_KEY", "k")],
    );
    let texts = ["Un.", "Deux.", "Trois.", "Quatre.", "Cinq.", "Six."];
    let mut a = article(&[&texts]);
    let st = t.translate_article(&mut a, "en-GB").await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!((st.translated, st.failed), (6, 0), "{st:?}");
    assert!(seen.refused > 3, "{seen:?}");
    assert_eq!(st.rate_limited, seen.refused, "{st:?}");
    assert_eq!(st.requests, seen.admitted.len() + seen.refused);
    // Characters count once per accepted request, not per attempt.
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    assert_eq!(st.chars_sent, chars);
    let want: Vec<Option<String>> = texts.iter().map(|t| Some(format!("EN:{t}"))).collect();
    assert_eq!(targets(&a), want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_only_refuses_is_given_up_after_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/translate"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"message": "Too many requests"})),
        )
        .mount(&server)
        .await;
    let t = translator(
        &config("give_up_after_secs = 2\n"),
        "deepl",
        &server.uri(),
        &[("DEEPL_AUTH_KEY", "k")],
    );
    let mut a = article(&[&["Bonjour."], &["Merci."]]);
    let start = Instant::now();
    let err = t.translate_article(&mut a, "en-GB").await.unwrap_err();
    let took = start.elapsed();
    assert!((Duration::from_secs(2)..Duration::from_secs(5)).contains(&took), "{took:?}");
    let msg = err.to_string();
    assert!(msg.contains("deepl answered nothing but \"too many requests\" for 2 s"), "{msg}");
    assert!(msg.contains("give_up_after_secs"), "{msg}");
    // The next article is not sent at all.
    let before = server.received_requests().await.unwrap().len();
    assert!(t.translate_article(&mut article(&[&["Oui."]]), "en-GB").await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

/// A server that accepts connections and never answers.
pub(super) fn silent_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    format!("http://{addr}")
}

// See: #13
#[test]
fn a_server_that_never_answers_ends_the_run_within_30_seconds() {
    let url = silent_server();
    let work = tempfile::tempdir().unwrap();
    let files = articles(work.path(), 7);
    let out = work.path().join("out");
    let (code, stderr, took) = run(&url, &files, &out, &[]);
    eprintln!("silent server, 7 articles: {took:.1?}\n{stderr}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("deepl is not answering: 3 requests in a row timed out"), "{stderr}");
    assert!(stderr.contains("check that the server at the endpoint is up"), "{stderr}");
    // The work is written, with nothing counted as sent.
    assert_eq!(units(&out).0, 7, "{stderr}");
    assert!(summary_line(&stderr).contains(" 0 characters sent"), "{stderr}");
}

#[test]
fn a_refused_connection_ends_the_run_at_once() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let work = tempfile::tempdir().unwrap();
    let files = articles(work.path(), 7);
    let out = work.path().join("out");
    let (code, stderr, took) = run(&format!("http://127.0.0.1:{port}"), &files, &out, &[]);
    eprintln!("refused connections, 7 articles: {took:.1?}\n{stderr}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("deepl is not answering: 3 requests in a row could not connect"),
        "{stderr}"
    );
    assert_eq!(units(&out).0, 7, "{stderr}");
    assert!(summary_line(&stderr).contains(" 0 characters sent"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_timeout_stops_a_silent_request_and_is_configurable() {
    let url = silent_server();
    let t = translator(
        &config("read_timeout_ms = 300\ntimeout_ms = 20000\nmax_attempts = 2\n"),
        "deepl",
        &url,
        &[("DEEPL_AUTH_KEY", "k")],
    );
    let start = Instant::now();
    let st = t.translate_article(&mut article(&[&["Bonjour."]]), "en-GB").await.unwrap();
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
    assert_eq!((st.requests, st.failed, st.chars_sent), (2, 1, 0), "{st:?}");
    assert!(st.errors[0].to_string().contains("deepl could not be reached"), "{:?}", st.errors);
}

/// What a counting server saw: the texts of each request, in order.
#[derive(Debug, Default)]
struct Texts {
    requests: Vec<Vec<String>>,
}

impl Texts {
    fn all(&self) -> usize {
        self.requests.iter().map(Vec::len).sum()
    }
}

/// A DeepL server answering after `latency`, recording every request's
/// texts; with `reverse`, it answers the translations in reverse order, as
/// a faulty proxy or server might.
async fn counting_deepl(latency: Duration, reverse: bool) -> (MockServer, Arc<Mutex<Texts>>) {
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Texts::default()));
    let state = Arc::clone(&seen);
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .respond_with(move |r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let texts: Vec<String> = v["text"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            let mut out: Vec<Value> = texts
                .iter()
                .map(|t| json!({"detected_source_language": "FR", "text": format!("EN:{t}")}))
                .collect();
            if reverse {
                out.reverse();
            }
            state.lock().unwrap().requests.push(texts);
            ResponseTemplate::new(200)
                .set_body_json(json!({ "translations": out }))
                .set_delay(latency)
        })
        .mount(&server)
        .await;
    (server, seen)
}

/// Every unit's source and target text, over every XLIFF in `dir`, read
/// back through the library's XLIFF reader.
pub(super) fn pairs(dir: &Path) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let doc = depeche::xliff::read_file(&e.unwrap().path()).unwrap();
        for f in doc.files {
            for u in f.units {
                out.push((u.source, u.target));
            }
        }
    }
    out
}

/// The sentences of `files` as depeche segments them, once each.
fn unique_sources(units: &[(String, Option<String>)]) -> usize {
    units.iter().map(|(s, _)| s.as_str()).collect::<std::collections::HashSet<_>>().len()
}

// See: #13
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentences_of_several_articles_share_requests_and_repeats_are_sent_once() {
    let (server, seen) = counting_deepl(Duration::from_millis(100), false).await;
    let work = tempfile::tempdir().unwrap();
    // 23 articles made from 7 fixtures: most sentences repeat, as wire copy does.
    let files = articles(work.path(), 23);
    let out = work.path().join("out");
    let (code, stderr, took) = run(&server.uri(), &files, &out, &["--terms", "off"]);
    let units = pairs(&out);
    let seen = seen.lock().unwrap();
    let unique = unique_sources(&units);
    eprintln!(
        "23 articles at 100 ms: {took:.2?}, {} requests, {} texts for {} units ({unique} unique)\n{stderr}",
        seen.requests.len(),
        seen.all(),
        units.len()
    );
    assert_eq!(code, 0, "{stderr}");
    // Every unit got the translation of its own source.
    for (source, target) in &units {
        let target = target.as_deref().unwrap_or("");
        assert!(target.starts_with("EN:"), "{source:?} -> {target:?}");
    }
    // Each distinct sentence was sent once, and requests were filled
    // across articles (DeepL takes 50 texts per request).
    assert_eq!(seen.all(), unique, "texts sent against unique sentences");
    // Each article's own last sentence tells which article a text came
    // from: one request per article at least was the old way; shared
    // requests carry several articles' sentences. (Request counts against
    // the ideal are measured in release by `cargo bench --bench traffic`.)
    let own = |r: &Vec<String>| r.iter().filter(|t| t.starts_with("Mise a jour numero")).count();
    assert!(seen.requests.len() < 23, "{} requests for 23 articles", seen.requests.len());
    assert!(seen.requests.iter().any(|r| own(r) > 1), "no request was shared by two articles");
    let reused = units.len() - unique;
    assert!(stderr.contains(&format!("{reused} repeated")), "{stderr}");
}

// See: #13, #15
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_out_of_order_never_land_in_the_wrong_unit() {
    let (server, seen) = counting_deepl(Duration::from_millis(20), true).await;
    let work = tempfile::tempdir().unwrap();
    let files = articles(work.path(), 7);
    let out = work.path().join("out");
    let (code, stderr, _) = run(&server.uri(), &files, &out, &["--terms", "off"]);
    let units = pairs(&out);
    let mut translated = 0;
    for (source, target) in &units {
        let Some(target) = target else { continue };
        translated += 1;
        let back = target.strip_prefix("EN:").unwrap_or(target);
        assert_eq!(fold(back), fold(source), "a target in the wrong unit");
    }
    // Detected on the first answer of several texts; from then on one
    // text per request, as far as the run's allowance for resends pays
    // for them (see `resend.rs`): what it cannot pay for is reported.
    let seen = seen.lock().unwrap();
    let singles = seen.requests.iter().filter(|r| r.len() == 1).count();
    eprintln!("{} requests, {singles} of one text; {translated} translated", seen.requests.len());
    assert!(translated > 0 && singles > 0, "{stderr}");
    assert!(stderr.contains("one text per request from now on"), "{stderr}");
    if translated < units.len() {
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("the run's allowance for resends is spent"), "{stderr}");
    }
}

/// `text` with typographic apostrophes and spaces as the engine receives them.
pub(super) fn fold(text: &str) -> String {
    text.replace(['’'], "'").replace(['\u{a0}', '\u{202f}'], " ").to_lowercase()
}
