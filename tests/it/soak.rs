//! Fault soak (issue #15): articles through `depeche translate` against a
//! seeded fault-injecting server speaking the DeepL and OpenAI-compatible
//! protocols.
//!
//! The server translates a text `t` as `EN:t`, so every target tells which
//! source it belongs to. Per request it draws a fault from the seed: 429
//! with and without Retry-After, 5xx, HTML error pages, connections cut
//! mid-body, truncated and malformed JSON, wrong counts, answers out of
//! order, redirects on the same host, silence and trickled bodies; and, in
//! small runs of their own, a fault that ends the provider's run (456
//! quota, a redirect to another host, an endless body). What must hold:
//!
//! - every article is written as an XLIFF that passes the schemas, each
//!   target its own source's translation, and what was not translated is
//!   in the report with its reason;
//! - characters billed at most 1.5 times the text, requests at most twice
//!   the ideal (what the same run needs from a well-behaved server);
//! - peak memory flat in the number of articles;
//! - killed (SIGKILL) at seeded points and run again with the memory on,
//!   the run completes and the pair bills at most 1.5 times the text
//!   (each run's requests keep their own allowance; the pair's are printed).
//!
//! CI runs 200 articles and 3 kill points. The full soak (2,000 articles,
//! ten kill points) runs by hand:
//! `DEPECHE_SOAK_ARTICLES=2000 DEPECHE_SOAK_KILLS=10 cargo test --release --test it soak:: -- --nocapture`
//! (`DEPECHE_SOAK_SEED` picks another schedule).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::validate_xliff;

/// The protocol a soak server speaks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Protocol {
    DeepL,
    OpenAi,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::DeepL => "deepl",
            Protocol::OpenAi => "openai",
        }
    }
}

/// What the server does with one request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    Answer,
    RateLimited { retry_after: bool },
    ServerError(u16),
    HtmlErrorPage,
    CutMidBody,
    TruncatedJson,
    MalformedJson,
    WrongCount,
    Reordered,
    RedirectSameHost,
    Silence,
    Trickle,
    // Once per run:
    Quota,
    RedirectElsewhere,
    EndlessBody,
}

/// A number in [0, 1) from `seed` and `n` (splitmix64).
fn unit(seed: u64, n: u64) -> f64 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The seeded schedule: the fault of request `n`. About one request in
/// five is spoiled.
fn fault(seed: u64, n: u64) -> Fault {
    const TABLE: &[(f64, Fault)] = &[
        (0.02, Fault::RateLimited { retry_after: true }),
        (0.02, Fault::RateLimited { retry_after: false }),
        (0.015, Fault::ServerError(500)),
        (0.015, Fault::ServerError(503)),
        (0.015, Fault::HtmlErrorPage),
        (0.02, Fault::CutMidBody),
        (0.01, Fault::TruncatedJson),
        (0.01, Fault::MalformedJson),
        (0.02, Fault::WrongCount),
        (0.02, Fault::Reordered),
        (0.02, Fault::RedirectSameHost),
        (0.005, Fault::Silence),
        (0.005, Fault::Trickle),
    ];
    let mut x = unit(seed, n);
    for (p, f) in TABLE {
        if x < *p {
            return *f;
        }
        x -= p;
    }
    Fault::Answer
}

/// What a soak server saw and billed.
#[derive(Debug, Default, Clone)]
struct Bill {
    /// Translation requests received (a redirect and the request it led
    /// to count as two).
    requests: usize,
    /// Requests refused as too many (429).
    refused: usize,
    /// Answers with status 200 (each billed, usable or not).
    billed_requests: usize,
    /// Characters of the texts of those answers.
    chars: usize,
    /// Faults served, by name.
    faults: std::collections::BTreeMap<String, usize>,
}

/// A soak server on 127.0.0.1.
struct Server {
    url: String,
    bill: Arc<Mutex<Bill>>,
    /// Connections the host it redirects to received (must stay 0).
    elsewhere: Arc<AtomicUsize>,
}

impl Server {
    fn bill(&self) -> Bill {
        self.bill.lock().unwrap().clone()
    }
}

/// Starts a server speaking `protocol` with the faults of `seed` (none
/// when `seed` is `None`); `terminal` is the request that gets the fault
/// ending the run, with that fault.
fn server(protocol: Protocol, seed: Option<u64>, terminal: Option<(u64, Fault)>) -> Server {
    // Another host: the same loopback under another name, which the
    // client must not follow to.
    let trip = TcpListener::bind("127.0.0.1:0").unwrap();
    let trip_port = trip.local_addr().unwrap().port();
    let elsewhere = Arc::new(AtomicUsize::new(0));
    let hits = Arc::clone(&elsewhere);
    std::thread::spawn(move || {
        for _ in trip.incoming() {
            hits.fetch_add(1, Ordering::SeqCst);
        }
    });
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let bill = Arc::new(Mutex::new(Bill::default()));
    let state = Arc::clone(&bill);
    let counter = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let state = Arc::clone(&state);
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                let _ = serve(s, protocol, seed, terminal, trip_port, &state, &counter);
            });
        }
    });
    Server { url, bill, elsewhere }
}

/// Reads one HTTP/1.1 request: the path and the body.
fn read_request(s: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut r = BufReader::new(s.try_clone()?);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let path = line.split(' ').nth(1).unwrap_or("/").to_string();
    let mut len = 0;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok((path, body))
}

fn respond(s: &mut TcpStream, status: &str, headers: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    s.flush()
}

/// The texts of a request, with their ids (OpenAI) or positions (DeepL).
fn texts(protocol: Protocol, body: &[u8]) -> Vec<(String, String)> {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match protocol {
        Protocol::DeepL => v["text"]
            .as_array()
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, t)| (i.to_string(), t.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        Protocol::OpenAi => {
            let content = v.pointer("/messages/1/content").and_then(Value::as_str).unwrap_or("");
            let c: Value = serde_json::from_str(content).unwrap_or(Value::Null);
            c["segments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| {
                            let id = s["id"].as_str().unwrap_or("").to_string();
                            (id, s["text"].as_str().unwrap_or("").to_string())
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
    }
}

/// The answer body carrying `out` (id, translation) in `protocol`.
fn answer(protocol: Protocol, out: &[(String, String)]) -> Vec<u8> {
    let v = match protocol {
        Protocol::DeepL => {
            let t: Vec<Value> = out
                .iter()
                .map(|(_, t)| json!({"detected_source_language": "FR", "text": t}))
                .collect();
            json!({ "translations": t })
        }
        Protocol::OpenAi => {
            let t: Vec<Value> = out.iter().map(|(id, t)| json!({"id": id, "text": t})).collect();
            let content = json!({ "translations": t }).to_string();
            json!({"choices": [{"index": 0, "finish_reason": "stop",
                "message": {"role": "assistant", "content": content}}]})
        }
    };
    v.to_string().into_bytes()
}

fn serve(
    mut s: TcpStream,
    protocol: Protocol,
    seed: Option<u64>,
    terminal: Option<(u64, Fault)>,
    trip_port: u16,
    state: &Mutex<Bill>,
    counter: &AtomicUsize,
) -> std::io::Result<()> {
    let (path, body) = read_request(&mut s)?;
    let translate = match protocol {
        Protocol::DeepL => path.ends_with("/v2/translate"),
        Protocol::OpenAi => path.ends_with("/v1/chat/completions"),
    };
    if !translate {
        return respond(&mut s, "404 Not Found", "", br#"{"message":"not found"}"#);
    }
    let n = counter.fetch_add(1, Ordering::SeqCst) as u64;
    let texts = texts(protocol, &body);
    let redirected = path.starts_with("/moved/");
    let f = match (seed, terminal) {
        (_, Some((at, f))) if at == n => f,
        // A redirected request is answered: a redirect loop is another test.
        _ if redirected => Fault::Answer,
        (Some(seed), _) => fault(seed, n),
        (None, _) => Fault::Answer,
    };
    let chars: usize = texts.iter().map(|(_, t)| t.chars().count()).sum();
    {
        let mut b = state.lock().unwrap();
        b.requests += 1;
        *b.faults.entry(format!("{f:?}")).or_default() += 1;
        let billed = matches!(
            f,
            Fault::Answer
                | Fault::TruncatedJson
                | Fault::MalformedJson
                | Fault::WrongCount
                | Fault::Reordered
                | Fault::CutMidBody
                | Fault::EndlessBody
        );
        if billed {
            b.billed_requests += 1;
            b.chars += chars;
        }
        if matches!(f, Fault::RateLimited { .. }) {
            b.refused += 1;
        }
    }
    let mut out: Vec<(String, String)> =
        texts.iter().map(|(id, t)| (id.clone(), format!("EN:{t}"))).collect();
    let json_type = "Content-Type: application/json\r\n";
    match f {
        Fault::Answer => respond(&mut s, "200 OK", json_type, &answer(protocol, &out)),
        Fault::RateLimited { retry_after } => {
            let h = if retry_after { "Retry-After: 1\r\n" } else { "" };
            respond(&mut s, "429 Too Many Requests", h, br#"{"message":"Too many requests"}"#)
        }
        Fault::ServerError(code) => {
            let status = if code == 500 { "500 Internal Server Error" } else { "503 Unavailable" };
            respond(&mut s, status, json_type, br#"{"message":"internal error"}"#)
        }
        Fault::HtmlErrorPage => respond(
            &mut s,
            "502 Bad Gateway",
            "Content-Type: text/html\r\n",
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        ),
        Fault::CutMidBody => {
            let body = answer(protocol, &out);
            let head = format!(
                "HTTP/1.1 200 OK\r\n{json_type}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            s.write_all(head.as_bytes())?;
            s.write_all(body.get(..body.len() / 2).unwrap_or(&[]))?;
            s.shutdown(Shutdown::Both)
        }
        Fault::TruncatedJson => {
            let body = answer(protocol, &out);
            respond(&mut s, "200 OK", json_type, body.get(..body.len() * 2 / 3).unwrap_or(&[]))
        }
        Fault::MalformedJson => respond(
            &mut s,
            "200 OK",
            "Content-Type: text/html\r\n",
            b"<html><head><title>Maintenance</title></head><body>Back soon</body></html>",
        ),
        Fault::WrongCount => {
            out.pop();
            respond(&mut s, "200 OK", json_type, &answer(protocol, &out))
        }
        Fault::Reordered => {
            // Reversed, or shifted by one, by the seed. Ids travel with
            // their texts, so a reordered OpenAI answer is still right, as
            // that protocol intends; DeepL's answers go by position.
            if seed.is_some_and(|seed| unit(seed ^ 0xABCD, n) < 0.5) {
                out.reverse();
            } else if !out.is_empty() {
                out.rotate_left(1);
            }
            respond(&mut s, "200 OK", json_type, &answer(protocol, &out))
        }
        Fault::RedirectSameHost => {
            let h = format!("Location: /moved{path}\r\n");
            respond(&mut s, "307 Temporary Redirect", &h, b"")
        }
        Fault::Silence => {
            // Holds the connection until the client gives up.
            let mut sink = [0u8; 64];
            let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
            let _ = s.read(&mut sink);
            Ok(())
        }
        Fault::Trickle => {
            let head = format!(
                "HTTP/1.1 200 OK\r\n{json_type}Content-Length: 10000000\r\nConnection: close\r\n\r\n{{"
            );
            s.write_all(head.as_bytes())?;
            let until = Instant::now() + Duration::from_secs(60);
            while Instant::now() < until {
                s.write_all(b" ")?;
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(())
        }
        Fault::Quota => match protocol {
            Protocol::DeepL => respond(&mut s, "456 Quota Exceeded", json_type, br#"{"message":"Quota exceeded"}"#),
            Protocol::OpenAi => respond(
                &mut s,
                "429 Too Many Requests",
                json_type,
                br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
            ),
        },
        Fault::RedirectElsewhere => {
            let h = format!("Location: http://localhost:{trip_port}{path}\r\n");
            respond(&mut s, "307 Temporary Redirect", &h, b"")
        }
        Fault::EndlessBody => {
            s.write_all(format!("HTTP/1.1 200 OK\r\n{json_type}Connection: close\r\n\r\n").as_bytes())?;
            let chunk = vec![b' '; 1 << 16];
            loop {
                s.write_all(&chunk)?;
            }
        }
    }
}

/// Sentences the articles are made of; `{n}` makes each one unique.
const SENTENCES: &[&str] = &[
    "Le ministère de la Défense a confirmé {n} déplacements de troupes dans la région.",
    "Selon un communiqué publié jeudi, {n} personnes ont été évacuées.",
    "Les autorités ont annoncé l'ouverture d'une enquête.",
    "Le porte-parole du gouvernement a démenti ces informations lors d'une conférence de presse tenue à Paris.",
    "Au moins {n} soldats ont été blessés.",
    "La délégation a quitté la capitale après trois jours de négociations difficiles avec les représentants de l'opposition.",
    "Le président doit se rendre à Bruxelles la semaine prochaine.",
    "Les échanges commerciaux ont atteint {n} millions d'euros l'an dernier, selon les douanes.",
    "Aucune victime n'est à déplorer.",
    "L'ambassadeur a été convoqué au ministère des Affaires étrangères pour la {n}e fois cette année.",
];

/// Writes `n` articles into `dir`: a headline and three paragraphs each,
/// every sentence unique but for a line of boilerplate that wire copy
/// repeats (every tenth article).
fn articles(dir: &Path, n: usize, seed: u64) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|a| {
            let mut k = 0u64;
            let mut sentence = |a: usize| {
                k += 1;
                let pick = (unit(seed, (a as u64) << 8 | k) * SENTENCES.len() as f64) as usize;
                SENTENCES[pick.min(SENTENCES.len() - 1)]
                    .replace("{n}", &format!("{}", a * 40 + k as usize + 2))
            };
            let mut text = format!("Dépêche numéro {a} sur la situation\n\n");
            for p in 0..3 {
                let count = 2 + (unit(seed, (a as u64) << 16 | p) * 3.0) as usize;
                let para: Vec<String> = (0..count).map(|_| sentence(a)).collect();
                text.push_str(&para.join(" "));
                text.push_str("\n\n");
            }
            if a % 10 == 0 {
                text.push_str("L'AFP n'a pas pu joindre les autorités locales.\n");
            }
            let path = dir.join(format!("depeche-{a:05}.txt"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

/// Settings of a soak run: timeouts of seconds so silence and trickles
/// cost little (not shorter: a debug build writing its memory on a loaded
/// machine can be that slow to read an answer), fast backoff, and requests
/// of ten texts so that the run makes enough requests to meet every fault.
fn settings(dir: &Path) -> PathBuf {
    let path = dir.join("soak.toml");
    std::fs::write(
        &path,
        "[translate]\nconcurrency = 4\nread_timeout_ms = 3000\ntimeout_ms = 4000\n\
         backoff_initial_ms = 50\nbackoff_max_ms = 1000\nmax_attempts = 4\n\
         give_up_after_secs = 60\n\n[translate.deepl]\nmax_segments = 10\n\n\
         [translate.openai]\nmax_segments = 10\n",
    )
    .unwrap();
    path
}

/// What one run of the binary gave.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stderr: String,
    /// Peak resident memory, KiB.
    peak_kib: i64,
    took: Duration,
}

/// `depeche translate` over `inputs` into `out` with the memory at `tm`
/// (none: `--no-memory`); when `kill` is given, SIGKILLed as soon as it
/// says so.
fn translate(
    work: &Path,
    protocol: Protocol,
    url: &str,
    inputs: &Path,
    out: &Path,
    tm: Option<&Path>,
    kill: Option<&dyn Fn() -> bool>,
) -> Run {
    let log = work.join("output.log");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("depeche"));
    cmd.current_dir(work)
        .env("DEEPL_AUTH_KEY", "soak-key")
        .env("OPENAI_API_KEY", "soak-key")
        .env("RUST_LOG", "off")
        .args(["translate", "--no-progress", "--terms", "off", "--provider", protocol.name()])
        .arg("--config")
        .arg(settings(work))
        .arg("--endpoint")
        .arg(url)
        .arg("--out")
        .arg(out)
        .arg("--report")
        .arg(format!("json={}", out.with_extension("json").display()));
    match tm {
        Some(tm) => cmd.arg("--tm").arg(tm),
        None => cmd.arg("--no-memory"),
    };
    // The summary (stdout) and the messages (stderr), in one file.
    let file = std::fs::File::create(&log).unwrap();
    cmd.arg(inputs).stdin(Stdio::null()).stdout(file.try_clone().unwrap()).stderr(file);
    let start = Instant::now();
    // Waited for below with wait4, which gives the peak memory too.
    #[expect(clippy::zombie_processes, reason = "reaped by wait4 below")]
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    if let Some(kill) = kill {
        while !kill() {
            std::thread::sleep(Duration::from_millis(2));
            if start.elapsed() > Duration::from_secs(600) {
                break;
            }
        }
        // SAFETY: pid is our own child, not yet waited for.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, once.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stderr: std::fs::read_to_string(&log).unwrap_or_default(),
        peak_kib: usage.ru_maxrss,
        took: start.elapsed(),
    }
}

/// Checks every XLIFF of `out` and its report; returns the units and the
/// translated ones.
fn check_output(out: &Path, articles: usize, run: &Run) -> (usize, usize) {
    let files = crate::support::xliff_files(out);
    assert_eq!(files.len(), articles, "every article is written\n{}", run.stderr);
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    for chunk in paths.chunks(200) {
        validate_xliff(chunk);
    }
    let (mut units, mut translated) = (0, 0);
    for f in &files {
        let doc = depeche::xliff::read_file(f).unwrap();
        for file in doc.files {
            for u in file.units {
                units += 1;
                let Some(target) = u.target else { continue };
                translated += 1;
                let back = target.strip_prefix("EN:").unwrap_or(&target);
                assert_eq!(
                    fold(back),
                    fold(&u.source),
                    "a target in the wrong unit ({})",
                    f.display()
                );
            }
        }
    }
    let report = report(out);
    assert_eq!(report["totals"]["translated"].as_u64(), Some(translated as u64));
    // The reasons, and how many segments each left.
    for e in report["provider"]["errors"].as_array().into_iter().flatten() {
        let e = e.as_str().unwrap_or("");
        let listed = e.split("(segments ").nth(1).and_then(|s| s.split(')').next());
        let segments = listed.map_or(0, |s| s.split(',').count());
        let reason: String = e.chars().take(110).collect();
        eprintln!("  {segments:>4} segments: {reason}");
    }
    if translated < units {
        // What was left untranslated is in the report, with the reason.
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert_eq!(report["passed"], false);
        let errors = report["provider"]["errors"].as_array().unwrap();
        assert!(!errors.is_empty(), "no reason given for {} segments", units - translated);
    }
    (units, translated)
}

/// The JSON report written beside `out`.
fn report(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap()).unwrap()
}

/// True when the report beside `out` gives a reason containing `what`.
fn reported(out: &Path, what: &str) -> bool {
    let r = report(out);
    r["provider"]["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e.as_str().is_some_and(|e| e.contains(what)))
}

fn fold(text: &str) -> String {
    text.replace(['’'], "'").replace(['\u{a0}', '\u{202f}'], " ").to_lowercase()
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// See: #15
#[test]
fn fault_soak_keeps_every_article_and_the_bill_within_bounds() {
    let n = env_or("DEPECHE_SOAK_ARTICLES", 200) as usize;
    let kills = env_or("DEPECHE_SOAK_KILLS", 3);
    let seed = env_or("DEPECHE_SOAK_SEED", 15);
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let inputs = w.join("in");
    articles(&inputs, n, seed);
    let small = w.join("in-small");
    articles(&small, n / 10, seed);

    // The ideal, from a well-behaved server: requests, and the text.
    let good = server(Protocol::DeepL, None, None);
    let ideal_run = translate(w, Protocol::DeepL, &good.url, &inputs, &w.join("ideal"), None, None);
    assert_eq!(ideal_run.code, Some(0), "{}", ideal_run.stderr);
    let ideal = good.bill();
    let text = ideal.chars;
    let small_run =
        translate(w, Protocol::DeepL, &good.url, &small, &w.join("ideal-small"), None, None);
    assert_eq!(small_run.code, Some(0), "{}", small_run.stderr);
    let small_requests = good.bill().requests - ideal.requests;
    let small_text = good.bill().chars - text;
    eprintln!(
        "ideal: {n} articles, {} requests, {text} characters, {:.1?}, peak {} MiB ({} articles: {} MiB)",
        ideal.requests,
        ideal_run.took,
        ideal_run.peak_kib >> 10,
        n / 10,
        small_run.peak_kib >> 10
    );

    // DeepL with every fault but those that end the run (below).
    let faulty = server(Protocol::DeepL, Some(seed), None);
    let out = w.join("deepl");
    let run = translate(w, Protocol::DeepL, &faulty.url, &inputs, &out, None, None);
    let bill = faulty.bill();
    let (units, translated) = check_output(&out, n, &run);
    eprintln!(
        "deepl soak: {} requests ({} refused as too many, {} billed), {} characters billed for \
         {text} ({:.2}x), requests {:.2}x ideal; {translated} of {units} units translated; \
         {:.1?}, peak {} MiB\nfaults: {:?}",
        bill.requests,
        bill.refused,
        bill.billed_requests,
        bill.chars,
        bill.chars as f64 / text as f64,
        bill.requests as f64 / ideal.requests as f64,
        run.took,
        run.peak_kib >> 10,
        bill.faults
    );
    assert!(bill.chars * 2 <= text * 3, "{} characters billed for {text}", bill.chars);
    assert!(
        bill.requests <= 2 * ideal.requests,
        "{} requests, ideal {}",
        bill.requests,
        ideal.requests
    );
    // Memory flat: ten times the articles, not ten times the memory.
    assert!(
        run.peak_kib < small_run.peak_kib * 2,
        "peak {} KiB for {n} articles, {} KiB for {}",
        run.peak_kib,
        small_run.peak_kib,
        n / 10
    );

    // The OpenAI-compatible protocol on a quarter of the articles.
    let quarter = w.join("in-quarter");
    articles(&quarter, n / 4, seed);
    let good = server(Protocol::OpenAi, None, None);
    let r =
        translate(w, Protocol::OpenAi, &good.url, &quarter, &w.join("ideal-openai"), None, None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let ideal_openai = good.bill();
    let faulty = server(Protocol::OpenAi, Some(seed), None);
    let out = w.join("openai");
    let run = translate(w, Protocol::OpenAi, &faulty.url, &quarter, &out, None, None);
    let bill = faulty.bill();
    let (units, translated) = check_output(&out, n / 4, &run);
    eprintln!(
        "openai soak: {} requests ({} refused), {} characters billed for {} ({:.2}x), requests \
         {:.2}x ideal; {translated} of {units} units translated; {:.1?}",
        bill.requests,
        bill.refused,
        bill.chars,
        ideal_openai.chars,
        bill.chars as f64 / ideal_openai.chars as f64,
        bill.requests as f64 / ideal_openai.requests as f64,
        run.took
    );
    assert!(bill.chars * 2 <= ideal_openai.chars * 3);
    assert!(bill.requests <= 2 * ideal_openai.requests);

    // The faults that end a provider's run, each in the middle of a small
    // run with the others: what was done is kept, the rest is reported.
    let at = small_requests as u64 / 2;
    for (protocol, end, reason) in [
        (Protocol::DeepL, Fault::Quota, "deepl quota is exhausted"),
        (Protocol::DeepL, Fault::EndlessBody, "larger than 32 MiB"),
        (Protocol::OpenAi, Fault::RedirectElsewhere, "which is not followed"),
    ] {
        let faulty = server(protocol, Some(seed), Some((at, end)));
        let out = w.join(format!("{end:?}"));
        let run = translate(w, protocol, &faulty.url, &small, &out, None, None);
        let (units, translated) = check_output(&out, n / 10, &run);
        eprintln!("{end:?} at request {at}: {translated} of {units} units translated");
        assert!(reported(&out, reason), "{end:?}: {}", run.stderr);
        assert!(translated > 0 && translated < units, "{end:?}: {translated} of {units}");
        assert_eq!(faulty.elsewhere.load(Ordering::SeqCst), 0, "the text went to another host");
        let billed = faulty.bill().chars;
        assert!(billed * 2 <= small_text * 3, "{end:?}: {billed} characters for {small_text}");
    }

    // SIGKILL at seeded points, each followed by a run with the memory.
    for k in 0..kills {
        let point = 1 + (unit(seed ^ 0x5EED, k) * (ideal.billed_requests as f64 * 0.9)) as usize;
        let s = server(Protocol::DeepL, Some(seed.wrapping_add(k + 1)), None);
        let tm = w.join(format!("tm-{k}.sqlite"));
        let out = w.join(format!("kill-{k}"));
        let bill = Arc::clone(&s.bill);
        let reached = move || bill.lock().unwrap().billed_requests >= point;
        let killed =
            translate(w, Protocol::DeepL, &s.url, &inputs, &out, Some(&tm), Some(&reached));
        let at_kill = s.bill();
        let rerun = translate(w, Protocol::DeepL, &s.url, &inputs, &out, Some(&tm), None);
        let total = s.bill();
        let (units, translated) = check_output(&out, n, &rerun);
        let hits = report(&out)["totals"]["memory_hits"].as_u64().unwrap_or(0);
        eprintln!(
            "kill {k} after {point} billed requests ({:?}, exit {:?}): {} characters billed before \
             the kill, {} in all for {text} ({:.2}x), {} requests ({:.2}x ideal); rerun: {hits} \
             segments from the memory, {translated} of {units} translated, {:.1?}",
            killed.took,
            killed.code,
            at_kill.chars,
            total.chars,
            total.chars as f64 / text as f64,
            total.requests,
            total.requests as f64 / ideal.requests as f64,
            rerun.took
        );
        assert_eq!(killed.code, None, "the first run ended before the kill\n{}", killed.stderr);
        assert!(rerun.code.is_some_and(|c| c <= 1), "{}", rerun.stderr);
        assert!(total.chars * 2 <= text * 3, "kill {k}: {} characters for {text}", total.chars);
        // Requests are not bounded by the ideal here: the rerun's articles
        // come with holes (what the memory had), so its requests are
        // smaller and more; each run keeps its own allowance all the same.
    }
}
