//! What a faulty server can cost (issue #15): answers that cannot be used
//! are resent and split only as far as the run's allowance pays for, and
//! every request has a total deadline, so a server trickling its answer
//! cannot hold a run.
//!
//! The servers speak the DeepL protocol and translate `t` as `EN:t`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::support::{article, config, translator};
use super::traffic::{articles, fold, pairs, run};

/// How the server spoils its answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// None: the well-behaved server that sets the ideal.
    None,
    /// One translation fewer than texts sent.
    WrongCount,
    /// An inline tag added to every translation.
    DamagedTags,
    /// The translations in reverse order.
    Reversed,
}

/// What the server billed: requests, those answered with translations,
/// and the characters of their texts.
#[derive(Debug, Default)]
struct Bill {
    requests: usize,
    answered: usize,
    chars: usize,
}

async fn deepl(fault: Fault) -> (MockServer, Arc<Mutex<Bill>>) {
    let server = MockServer::start().await;
    let bill = Arc::new(Mutex::new(Bill::default()));
    let state = Arc::clone(&bill);
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .respond_with(move |r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let texts: Vec<&str> =
                v["text"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
            let mut out: Vec<String> = texts.iter().map(|t| format!("EN:{t}")).collect();
            match fault {
                Fault::None => {}
                Fault::WrongCount => {
                    out.pop();
                }
                Fault::DamagedTags => out.iter_mut().for_each(|t| t.push_str(" <b>")),
                Fault::Reversed => out.reverse(),
            }
            let mut b = state.lock().unwrap();
            b.requests += 1;
            b.answered += 1;
            b.chars += texts.iter().map(|t| t.chars().count()).sum::<usize>();
            let out: Vec<Value> = out
                .into_iter()
                .map(|t| json!({"detected_source_language": "FR", "text": t}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({ "translations": out }))
        })
        .mount(&server)
        .await;
    (server, bill)
}

/// Every target over the XLIFF in `out` is its own source's translation;
/// returns the units translated and in all.
fn each_target_in_its_unit(out: &Path) -> (usize, usize) {
    let units = pairs(out);
    let mut translated = 0;
    for (source, target) in &units {
        let Some(target) = target else { continue };
        translated += 1;
        let back = target.strip_prefix("EN:").unwrap_or(target);
        assert_eq!(fold(back), fold(source), "a target in the wrong unit");
    }
    (translated, units.len())
}

// See: #15
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_answering_wrong_costs_at_most_half_the_text_again() {
    let work = tempfile::tempdir().unwrap();
    let files = articles(work.path(), 7);
    // Requests of ten texts, so that the run makes a dozen.
    let settings = work.path().join("depeche.toml");
    std::fs::write(&settings, "[translate.deepl]\nmax_segments = 10\n").unwrap();
    let settings = settings.to_str().unwrap();
    let args = ["--terms", "off", "--config", settings];
    // The ideal: what the same run costs against a well-behaved server.
    let (server, bill) = deepl(Fault::None).await;
    let out = work.path().join("ideal");
    let (code, stderr, _) = run(&server.uri(), &files, &out, &args);
    assert_eq!(code, 0, "{stderr}");
    let (ideal, text) = {
        let b = bill.lock().unwrap();
        (b.requests, b.chars)
    };
    assert!(text > 15_000, "{text} characters of text");
    for fault in [Fault::WrongCount, Fault::DamagedTags, Fault::Reversed] {
        let (server, bill) = deepl(fault).await;
        let out = work.path().join(format!("{fault:?}"));
        let (code, stderr, took) = run(&server.uri(), &files, &out, &args);
        let b = bill.lock().unwrap();
        let (translated, units) = each_target_in_its_unit(&out);
        eprintln!(
            "{fault:?}: {} requests ({ideal} ideal), {} characters billed for {text}, \
             {translated} of {units} units translated, {took:.1?}",
            b.requests, b.chars
        );
        assert!(b.chars * 2 <= text * 3, "{fault:?}: {} characters for {text}", b.chars);
        assert!(b.requests <= 2 * ideal, "{fault:?}: {} requests for {ideal}", b.requests);
        // Every article is written; what was not translated is reported
        // with the reason.
        assert_eq!(super::super::support::xliff_files(&out).len(), 7, "{stderr}");
        if translated < units {
            assert_eq!(code, 1, "{stderr}");
            assert!(stderr.contains("the run's allowance for resends is spent"), "{stderr}");
            assert!(stderr.contains("half the requests the run first sent"), "{stderr}");
        }
    }
}

/// A server that sends its headers at once, then its body one byte every
/// 200 ms, for ever.
fn trickling_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = s.read(&mut buf);
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Content-Length: 100000000\r\n\r\n{\"translations\": [";
                if s.write_all(head.as_bytes()).is_err() {
                    return;
                }
                while s.write_all(b" ").is_ok() {
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
        }
    });
    format!("http://{addr}")
}

// See: #15
#[test]
fn a_server_trickling_its_answers_ends_the_run_within_30_seconds() {
    let url = trickling_server();
    let work = tempfile::tempdir().unwrap();
    let files = articles(work.path(), 7);
    let out = work.path().join("out");
    // From a folder without glossaries: with one, DeepL's glossary call
    // goes first and meets the deadline too (10 s more).
    let start = Instant::now();
    let output = crate::support::depeche()
        .current_dir(work.path())
        .env("DEEPL_AUTH_KEY", "test-key")
        .args(["translate", "--no-progress", "--no-memory", "--provider", "deepl"])
        .arg("--endpoint")
        .arg(&url)
        .arg("--out")
        .arg(&out)
        .args(&files)
        .output()
        .unwrap();
    let took = start.elapsed();
    let code = output.status.code().unwrap();
    let stderr =
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    eprintln!("trickling server, 7 articles: {took:.1?}\n{stderr}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("deepl is not answering: 3 requests in a row timed out"), "{stderr}");
    assert!(stderr.contains("read_timeout_ms, timeout_ms"), "{stderr}");
    assert_eq!(super::super::support::xliff_files(&out).len(), 7, "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_deadline_cuts_a_trickle_and_is_configurable() {
    let url = trickling_server();
    let t = translator(
        &config("timeout_ms = 1500\nread_timeout_ms = 10000\nmax_attempts = 1\n"),
        "deepl",
        &url,
        &[("DEEPL_AUTH_KEY", "k")],
    );
    let start = Instant::now();
    let st = t.translate_article(&mut article(&[&["Bonjour."]]), "en-GB").await.unwrap();
    let took = start.elapsed();
    assert!((Duration::from_millis(1400)..Duration::from_secs(4)).contains(&took), "{took:?}");
    assert_eq!((st.requests, st.failed, st.chars_sent), (1, 1, 0), "{st:?}");
    assert!(st.errors[0].to_string().contains("deepl could not be reached"), "{:?}", st.errors);
}
