//! No key in any output of the real binary: every provider runs end to end
//! with a recognisable fake key, against a hostile server that fails and
//! echoes the whole request back (key included) and against a server that
//! answers in the provider's documented format, so that the XLIFF files and
//! the translation memory get written too. Then stdout, stderr and every
//! file the run left behind are searched for the key's bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{fixture, root, xliff_files};

/// The fake key; it must never come back out of depeche.
const KEY: &str = "SECRET-KEY-DO-NOT-LEAK-123";

/// Every variable a provider reads a key from.
const KEY_VARS: [&str; 6] = [
    "DEEPL_AUTH_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_ACCESS_TOKEN",
    "AZURE_TRANSLATOR_KEY",
    "LIBRETRANSLATE_API_KEY",
    "OPENAI_API_KEY",
];

/// Two small fixture articles, with defence and diplomacy terms in them.
const ARTICLES: [&str; 2] = [
    "brief-me-2021-09-25-rappel-ambassadeur.txt",
    "essahraa-2017-10-25-mali-deux-soldats-tues.txt",
];

/// One provider as a user would configure it.
struct Case {
    /// `--provider` value.
    provider: &'static str,
    /// A label for messages (`google v3`).
    label: &'static str,
    /// The variable holding the key.
    var: &'static str,
    /// Extra `depeche.toml` text.
    config: &'static str,
}

const CASES: [Case; 6] = [
    Case { provider: "deepl", label: "deepl", var: "DEEPL_AUTH_KEY", config: "" },
    Case { provider: "google", label: "google v2", var: "GOOGLE_API_KEY", config: "" },
    Case {
        provider: "google",
        label: "google v3",
        var: "GOOGLE_ACCESS_TOKEN",
        config: "[translate.google]\nproject = \"p\"\n",
    },
    Case { provider: "azure", label: "azure", var: "AZURE_TRANSLATOR_KEY", config: "" },
    Case {
        provider: "libretranslate",
        label: "libretranslate",
        var: "LIBRETRANSLATE_API_KEY",
        config: "",
    },
    Case { provider: "openai", label: "openai", var: "OPENAI_API_KEY", config: "" },
];

/// Everything a request carried, as one line of text.
fn echo_of(r: &Request) -> String {
    let headers: Vec<String> = r
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes())))
        .collect();
    format!(
        "{} {} | {} | {}",
        r.method,
        r.url,
        headers.join(" | "),
        String::from_utf8_lossy(&r.body)
    )
}

/// A hostile answer: `status`, and a body that quotes the key first (as
/// "incorrect API key provided: ..." pages do), then the whole request.
fn hostile(status: u16, r: &Request) -> ResponseTemplate {
    let echo = echo_of(r);
    let quoted = if echo.contains(KEY) { format!("you sent {KEY}; ") } else { String::new() };
    let body = json!({
        "error": {"message": format!("denied: {quoted}{echo}"), "type": "invalid_request_error"},
        "message": format!("denied: {quoted}{echo}"),
        "request": echo,
    });
    ResponseTemplate::new(status)
        .set_body_raw(body.to_string(), "application/json")
        .insert_header("x-echo", quoted.as_str())
}

/// A server answering every request with `status`.
async fn failing(status: u16) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(move |r: &Request| hostile(status, r)).mount(&s).await;
    s
}

/// A server answering the first request with 500 and every later one with 400.
async fn flaky_then_rejecting() -> MockServer {
    let s = MockServer::start().await;
    let seen = Arc::new(AtomicUsize::new(0));
    Mock::given(any())
        .respond_with(move |r: &Request| {
            let status = if seen.fetch_add(1, Ordering::SeqCst) == 0 { 500 } else { 400 };
            hostile(status, r)
        })
        .mount(&s)
        .await;
    s
}

/// `EN <text>`: what the well-behaved servers make of every text.
fn en(text: &str) -> String {
    format!("EN {text}")
}

/// The text of each string of a JSON array.
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Azure's dynamic dictionary: the service puts the given translation in
/// place of the marked span.
fn azure_dictionary(text: &str) -> String {
    let re = regex::Regex::new(
        r#"<mstrans:dictionary translation="([^"]*)">[^<]*</mstrans:dictionary>"#,
    )
    .unwrap();
    re.replace_all(text, "$1").replace("&quot;", "\"").replace("&amp;", "&")
}

/// A well-behaved answer for `label`, in that provider's documented format.
fn good(label: &str, r: &Request) -> ResponseTemplate {
    let path = r.url.path();
    let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let answer = match (label, path) {
        ("deepl", "/v2/usage") => json!({"character_count": 1200, "character_limit": 500000}),
        ("deepl", "/v2/translate") => {
            let t: Vec<Value> = strings(&body["text"])
                .iter()
                .map(|t| json!({"detected_source_language": "FR", "text": en(t)}))
                .collect();
            json!({ "translations": t })
        }
        ("google v2", "/language/translate/v2") => {
            let t: Vec<Value> =
                strings(&body["q"]).iter().map(|q| json!({"translatedText": en(q)})).collect();
            json!({"data": {"translations": t}})
        }
        ("google v3", "/v3/projects/p/locations/global:translateText") => {
            let t: Vec<Value> = strings(&body["contents"])
                .iter()
                .map(|q| json!({"translatedText": en(q), "detectedLanguageCode": "fr"}))
                .collect();
            json!({ "translations": t })
        }
        ("azure", "/translate") => {
            let rows: Vec<Value> = body
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    let text = azure_dictionary(row["Text"].as_str().unwrap());
                    json!({"translations": [{"text": en(&text), "to": "en"}]})
                })
                .collect();
            Value::Array(rows)
        }
        ("libretranslate", "/translate") => {
            let t: Vec<String> = strings(&body["q"]).iter().map(|q| en(q)).collect();
            json!({ "translatedText": t })
        }
        ("openai", "/v1/chat/completions") => {
            let user: Value =
                serde_json::from_str(body["messages"][1]["content"].as_str().unwrap()).unwrap();
            let t: Vec<Value> = user["segments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| json!({"id": s["id"], "text": en(s["text"].as_str().unwrap())}))
                .collect();
            json!({"choices": [{"index": 0, "finish_reason": "stop", "message": {
                "role": "assistant", "content": json!({"translations": t}).to_string()}}]})
        }
        _ => return ResponseTemplate::new(404).set_body_string(format!("no route {path}")),
    };
    ResponseTemplate::new(200).set_body_json(answer)
}

/// A server that translates correctly for `label`.
async fn answering(label: &'static str) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(move |r: &Request| good(label, r)).mount(&s).await;
    s
}

/// A work folder with the two articles and a `depeche.toml`.
fn workspace(case: &Case) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let articles = work.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    for name in ARTICLES {
        std::fs::copy(fixture("articles").join(name), articles.join(name)).unwrap();
    }
    let config = format!(
        "[translate]\nmax_attempts = 2\nbackoff_initial_ms = 10\nbackoff_max_ms = 50\n\
         timeout_ms = 10000\n\n{}",
        case.config
    );
    std::fs::write(work.path().join("depeche.toml"), config).unwrap();
    work
}

/// `depeche` run in `work`, with only `case`'s key in the environment
/// (plus the Azure region) and every log turned on.
fn depeche_in(work: &Path, case: &Case) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("depeche"));
    cmd.current_dir(work);
    for var in KEY_VARS {
        cmd.env_remove(var);
    }
    cmd.env(case.var, KEY)
        .env("AZURE_TRANSLATOR_REGION", "westeurope")
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .arg("-v")
        .arg("--config")
        .arg(work.join("depeche.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// `depeche -v translate` over the two articles through `server`.
fn translate(work: &Path, case: &Case, server: &MockServer) -> Output {
    let mut cmd = depeche_in(work, case);
    cmd.args(["translate", "--no-progress", "--provider", case.provider])
        .arg("--endpoint")
        .arg(server.uri())
        .arg("--tm")
        .arg(work.join("tm.sqlite"))
        .arg("--out")
        .arg(work.join("out"))
        .arg("--glossary")
        .arg(root().join("glossaries"))
        .arg(work.join("articles"));
    cmd.output().unwrap()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Fails if the key is in the run's output or in any file under `work`;
/// returns the files searched.
fn assert_no_key(what: &str, output: &Output, work: &Path) -> Vec<PathBuf> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stdout.contains(KEY), "{what}: key on stdout:\n{stdout}");
    assert!(!stderr.contains(KEY), "{what}: key on stderr:\n{stderr}");
    let files = files_under(work);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(!contains(&bytes, KEY.as_bytes()), "{what}: key in {}", file.display());
    }
    files
}

/// Asserts the server really received the key, so that redaction, not
/// luck, keeps it out of the output.
async fn assert_key_was_sent(what: &str, server: &MockServer) {
    let requests = server.received_requests().await.unwrap();
    assert!(!requests.is_empty(), "{what}: no request reached the server");
    assert!(requests.iter().all(|r| echo_of(r).contains(KEY)), "{what}: a request had no key");
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_keys_never_show_and_the_run_says_which_variable_to_check() {
    for case in &CASES {
        let what = format!("{} / 403", case.label);
        let work = workspace(case);
        let server = failing(403).await;
        let out = translate(work.path(), case, &server);
        assert_key_was_sent(&what, &server).await;
        assert_no_key(&what, &out, work.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: segments failed:\n{all}");
        assert!(
            all.contains(&format!("{} rejected the API key (check {})", case.provider, case.var)),
            "{what}: the run should name the variable:\n{all}"
        );
        assert!(all.contains("check the key, then run again"), "{what}:\n{all}");
        // The article files are still written, with empty targets.
        assert_eq!(xliff_files(&work.path().join("out")).len(), ARTICLES.len(), "{what}:\n{all}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_that_quote_the_key_are_redacted() {
    for case in &CASES {
        let what = format!("{} / 500 then 400", case.label);
        let work = workspace(case);
        let server = flaky_then_rejecting().await;
        let out = translate(work.path(), case, &server);
        assert_key_was_sent(&what, &server).await;
        assert_no_key(&what, &out, work.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{what}:\n{all}");
        let requests = server.received_requests().await.unwrap();
        assert!(requests.len() >= 2, "{what}: the 500 is retried:\n{all}");
        // The server's message reached the user, with the key cut out of it.
        assert!(all.contains("HTTP 400: denied: you sent [redacted]"), "{what}:\n{all}");
        assert!(all.contains("fix the request settings in [translate]"), "{what}:\n{all}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn successful_runs_keep_the_key_out_of_xliff_and_memory() {
    for case in &CASES {
        let what = format!("{} / 200", case.label);
        let work = workspace(case);
        let server = answering(case.label).await;
        let out = translate(work.path(), case, &server);
        assert_key_was_sent(&what, &server).await;
        let all = text(&out);
        assert_eq!(out.status.code(), Some(0), "{what}:\n{all}");
        assert!(all.contains("translated, 0 failed"), "{what}:\n{all}");
        let files = assert_no_key(&what, &out, work.path());
        let xliff = xliff_files(&work.path().join("out"));
        assert_eq!(xliff.len(), ARTICLES.len(), "{what}:\n{all}");
        let doc = depeche::xliff::read_file(&xliff[0]).unwrap();
        let first = doc.files[0].units.iter().find_map(|u| u.target.clone()).unwrap();
        assert!(first.starts_with("EN "), "{what}: {first}");
        assert!(
            files.iter().any(|f| f.file_name().is_some_and(|n| n == "tm.sqlite")),
            "{what}: {files:?}"
        );
        // Searched above while closed; the memory really holds the MT.
        let memory = depeche::tm::Memory::open(&work.path().join("tm.sqlite")).unwrap();
        assert!(memory.len().unwrap() > 10, "{what}");
        drop(memory);
        assert_no_key(&format!("{what}, memory reopened"), &out, work.path());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn providers_and_providers_check_never_print_the_key() {
    // The listing, with every key set.
    let work = workspace(&CASES[0]);
    let mut cmd = depeche_in(work.path(), &CASES[0]);
    for var in KEY_VARS {
        cmd.env(var, KEY);
    }
    let out = cmd.arg("providers").output().unwrap();
    assert_no_key("providers", &out, work.path());
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{listed}");
    for var in KEY_VARS.iter().filter(|v| **v != "GOOGLE_ACCESS_TOKEN") {
        assert!(listed.contains(&format!("{var} (set)")), "{listed}");
    }

    // The check, against a server that answers and one that rejects.
    for case in &CASES {
        let work = workspace(case);
        let ok = answering(case.label).await;
        let out = depeche_in(work.path(), case)
            .args(["providers", "--check", "--provider", case.provider, "--endpoint"])
            .arg(ok.uri())
            .output()
            .unwrap();
        let what = format!("{} / providers --check", case.label);
        assert_key_was_sent(&what, &ok).await;
        assert_no_key(&what, &out, work.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(0), "{what}:\n{all}");
        assert!(all.contains(&format!("ok      {}: ", case.provider)), "{what}:\n{all}");

        let bad = failing(403).await;
        let out = depeche_in(work.path(), case)
            .args(["providers", "--check", "--provider", case.provider, "--endpoint"])
            .arg(bad.uri())
            .output()
            .unwrap();
        let what = format!("{} / providers --check, rejected", case.label);
        assert_key_was_sent(&what, &bad).await;
        assert_no_key(&what, &out, work.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{what}:\n{all}");
        assert!(all.contains(&format!("check {}", case.var)), "{what}:\n{all}");

        let bad = failing(400).await;
        let out = depeche_in(work.path(), case)
            .args(["providers", "--check", "--provider", case.provider, "--endpoint"])
            .arg(bad.uri())
            .output()
            .unwrap();
        let what = format!("{} / providers --check, 400", case.label);
        assert_key_was_sent(&what, &bad).await;
        assert_no_key(&what, &out, work.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{what}:\n{all}");
        assert!(all.contains("denied: you sent [redacted]"), "{what}:\n{all}");
    }
}
