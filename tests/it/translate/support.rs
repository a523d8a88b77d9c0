//! Shared helpers: articles, translators pointed at local servers, and the
//! real Apertium APy server started once per test process.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use depeche::model::{Article, Paragraph, Role, Segment, TermHit};
use depeche::translate::{Overrides, TranslateConfig, Translator};

/// A fake key that must never show up in any output.
pub(crate) const FAKE_KEY: &str = "SECRET-KEY-DO-NOT-LEAK-123";

/// An article with one segment per text; the first paragraph is the title.
pub(crate) fn article(paragraphs: &[&[&str]]) -> Article {
    let paragraphs = paragraphs
        .iter()
        .enumerate()
        .map(|(pi, sents)| {
            let role = if pi == 0 { Role::Title } else { Role::Body };
            let mut p = Paragraph::new(format!("p{}", pi + 1), role, sents.join(" "));
            p.segments = sents
                .iter()
                .enumerate()
                .map(|(si, s)| Segment::new(format!("p{}.s{}", pi + 1, si + 1), *s))
                .collect();
            p
        })
        .collect();
    Article { id: "a1".into(), lang: "fr-FR".into(), paragraphs, ..Article::default() }
}

/// A glossary hit on `needle` in `text`.
pub(crate) fn hit(text: &str, needle: &str, expected: Option<&str>, dnt: bool) -> TermHit {
    let start = text.find(needle).expect("needle in text");
    TermHit {
        entry: format!("c-{needle}"),
        start,
        end: start + needle.len(),
        text: needle.into(),
        term: needle.into(),
        expected: expected.map(Into::into),
        alternatives: vec![],
        forbidden: vec![],
        domain: "defence".into(),
        do_not_translate: dnt,
        no_article: false,
        plural: None,
    }
}

/// Test settings: fast backoff, short timeouts, a rate-limit deadline of
/// seconds instead of minutes, and every glossary hit sent
/// up front (`terms = "force"`), so that each provider's wire format for
/// terms is what the tests see.
pub(crate) fn config(toml_extra: &str) -> TranslateConfig {
    let defaults = [
        "terms = \"force\"",
        "timeout_ms = 2000",
        "backoff_initial_ms = 20",
        "backoff_max_ms = 3000",
        "max_attempts = 3",
        "give_up_after_secs = 3",
    ];
    let mut text: String = defaults
        .iter()
        .filter(|l| !toml_extra.contains(l.split(' ').next().unwrap()))
        .map(|l| format!("{l}\n"))
        .collect();
    text.push_str(toml_extra);
    toml::from_str(&text).expect("test config parses")
}

/// A translator for `provider` at `endpoint`, with `vars` as its environment.
pub(crate) fn translator(
    cfg: &TranslateConfig,
    provider: &str,
    endpoint: &str,
    vars: &[(&str, &str)],
) -> Translator {
    let env: HashMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let o = Overrides { provider: Some(provider.into()), endpoint: Some(endpoint.into()) };
    Translator::with_env(cfg, &o, &|k| env.get(k).cloned()).expect("translator builds")
}

/// All targets of an article, in order.
pub(crate) fn targets(a: &Article) -> Vec<Option<String>> {
    a.paragraphs.iter().flat_map(|p| &p.segments).map(|s| s.target.clone()).collect()
}

/// A server that accepts connections and closes them at once (a reset).
pub(crate) fn resetting_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            // Read the request head, then close without answering.
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            drop(s);
        }
    });
    format!("http://{addr}")
}

/// The base URL of a running APy: `DEPECHE_APY_URL`, or one this test
/// process starts on a free loopback port and that dies with it.
pub(crate) fn apy_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("DEPECHE_APY_URL") {
            return u;
        }
        let installed = Command::new("/usr/bin/python3")
            .args(["-c", "import apertium_apy"])
            .status()
            .is_ok_and(|s| s.success())
            && std::path::Path::new("/usr/share/apertium/modes").is_dir();
        assert!(
            installed,
            "Apertium APy is not installed; run `bash .ci/apertium.sh` (Debian packages \
             apertium-apy apertium-fra-cat apertium-eng-cat apertium-fr-es apertium-eng-spa)"
        );
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/apy_loopback.py");
        let (tx, rx) = std::sync::mpsc::channel();
        // The death signal follows the thread that spawned the child, so
        // that thread lives as long as the test process.
        std::thread::spawn(move || {
            let mut cmd = Command::new("/usr/bin/python3");
            cmd.args([script, "-p", &port.to_string(), "/usr/share/apertium/modes"])
                .env("LC_ALL", "C.UTF-8")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // SAFETY: prctl is async-signal-safe and touches no shared state.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    Ok(())
                });
            }
            let mut child = cmd.spawn().expect("spawn APy");
            tx.send(child.id()).unwrap();
            // Blocking here keeps this thread, and so the child, alive.
            let _ = child.wait();
        });
        rx.recv().unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !get_ok(port, "/listPairs") {
            assert!(Instant::now() < deadline, "APy did not answer on {url} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        // APy starts a pair's pipeline on its first request, which on two
        // busy cores can take longer than a provider's read timeout: start
        // the pairs the tests use here, so that the tests time depeche.
        for pair in ["fra|cat", "cat|eng", "fra|spa"] {
            let path = format!("/translate?langpair={}&q=bonjour", pair.replace('|', "%7C"));
            let warm = Instant::now() + Duration::from_secs(60);
            while !get_ok_within(port, &path, Duration::from_secs(30)) && Instant::now() < warm {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        url
    })
}

fn get_ok_within(port: u16, path: &str, timeout: Duration) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.set_read_timeout(Some(timeout));
    if s.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes()).is_err() {
        return false;
    }
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.starts_with("HTTP/1.1 200") || buf.starts_with("HTTP/1.0 200")
}

fn get_ok(port: u16, path: &str) -> bool {
    get_ok_within(port, path, Duration::from_secs(2))
}
