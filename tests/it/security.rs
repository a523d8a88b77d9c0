//! Security properties of the real binary, kept in CI (See: #15):
//!
//! - keys and endpoint credentials never come out of depeche, whatever a
//!   server echoes back: every byte of stdout, stderr and every file a run
//!   leaves behind (XLIFF, reports, memory, TMX, kits, merged articles) is
//!   searched for them;
//! - nothing is written outside the output folder, whatever the article
//!   names or ids hold, and not through a link planted in that folder;
//! - depeche connects to the configured provider and nowhere else, whatever
//!   its inputs reference (entities, DTDs, XInclude, images, style sheets,
//!   enclosures): a tripwire server records any connection.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{echo_libretranslate, fixture, xliff_files};

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// The fake key: distinctive, so that any copy of it is found.
const KEY: &str = "dpch-KEY-5e1f0a9b7c";
/// The password of the endpoint URL.
const PASSWORD: &str = "dpch-PASS-c3d2e1";
/// The user of the endpoint URL.
const USER: &str = "newsroom";

/// Every variable a provider reads a key from.
const KEY_VARS: [&str; 6] = [
    "DEEPL_AUTH_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_ACCESS_TOKEN",
    "AZURE_TRANSLATOR_KEY",
    "LIBRETRANSLATE_API_KEY",
    "OPENAI_API_KEY",
];

/// Standard base64, to find credentials sent as HTTP basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every form of a secret that must not come out: the key, the password,
/// and the basic-authentication header value carrying the password.
fn secrets() -> Vec<String> {
    vec![KEY.into(), PASSWORD.into(), base64(format!("{USER}:{PASSWORD}").as_bytes())]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir`, recursively, links not followed.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// One line per entry under `dir` (links not followed): kind, size,
/// modification time and link target, keyed by path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let line = if meta.file_type().is_symlink() {
                format!("link -> {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_string()
            } else {
                format!("file {} {modified:?}", meta.len())
            };
            out.insert(path, line);
        }
    }
    out
}

/// What changed in `after` against `before`, outside `allowed`.
fn changes_outside(
    before: &BTreeMap<PathBuf, String>,
    after: &BTreeMap<PathBuf, String>,
    allowed: &[&Path],
) -> Vec<String> {
    let keys: std::collections::BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|p| !allowed.iter().any(|a| p.starts_with(a)))
        .filter(|p| before.get(*p) != after.get(*p))
        .map(|p| format!("{}: {:?} -> {:?}", p.display(), before.get(p), after.get(p)))
        .collect()
}

/// `depeche` run in `work` with no key in its environment but `vars`, every
/// log on and backtraces asked for.
fn depeche_in(work: &Path, vars: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("depeche"));
    cmd.current_dir(work);
    for var in KEY_VARS {
        cmd.env_remove(var);
    }
    cmd.env_remove("DEPECHE_CONFIG")
        .envs(vars.iter().copied())
        .env("RUST_BACKTRACE", "full")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

// ---------------------------------------------------------------------------
// 1. Keys and endpoint credentials
// ---------------------------------------------------------------------------

/// A provider protocol, as a user configures it.
struct Protocol {
    /// `--provider` value.
    provider: &'static str,
    /// The variable holding the key.
    var: &'static str,
    /// Whether the endpoint is given in `depeche.toml` (else `--endpoint`).
    in_config: bool,
}

const PROTOCOLS: [Protocol; 3] = [
    Protocol { provider: "deepl", var: "DEEPL_AUTH_KEY", in_config: false },
    Protocol { provider: "openai", var: "OPENAI_API_KEY", in_config: true },
    Protocol { provider: "libretranslate", var: "LIBRETRANSLATE_API_KEY", in_config: true },
];

/// What a hostile server adds to everything it says: the key, the
/// password and the request's own credentials, as a server that echoes
/// what it was sent would.
fn echo_of(r: &Request) -> String {
    let auth: Vec<String> = r
        .headers
        .get_all("authorization")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    let body = String::from_utf8_lossy(&r.body);
    let body_key = if body.contains(KEY) { KEY } else { "-" };
    format!("[you are {USER}:{PASSWORD}, key {body_key}, auth {}]", auth.join(" | "))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A 200 answer in `provider`'s protocol whose every translation carries
/// [`echo_of`] the request.
fn echoing_answer(provider: &str, r: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let echo = echo_of(r);
    let en = |t: &str| format!("EN {t} {echo}");
    let answer = match (provider, r.url.path()) {
        ("deepl", "/v2/usage") => {
            json!({"character_count": 1, "character_limit": 500000, "note": echo})
        }
        ("deepl", "/v2/translate") => {
            let t: Vec<Value> = strings(&body["text"])
                .iter()
                .map(|t| json!({"detected_source_language": "FR", "text": en(t)}))
                .collect();
            json!({ "translations": t })
        }
        ("libretranslate", "/translate") => {
            json!({ "translatedText": strings(&body["q"]).iter().map(|q| en(q)).collect::<Vec<_>>() })
        }
        ("libretranslate", "/languages") => {
            json!([{"code": "fr", "name": echo, "targets": ["en"]}])
        }
        ("openai", "/v1/chat/completions") => {
            let user: Value =
                serde_json::from_str(body["messages"][1]["content"].as_str().unwrap_or("{}"))
                    .unwrap_or(Value::Null);
            let t: Vec<Value> = user["segments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| json!({"id": s["id"], "text": en(s["text"].as_str().unwrap_or(""))}))
                        .collect()
                })
                .unwrap_or_default();
            json!({"choices": [{"index": 0, "finish_reason": "stop", "message": {
                "role": "assistant", "content": json!({"translations": t}).to_string()}}]})
        }
        ("openai", "/v1/models") => json!({"data": [{"id": echo}]}),
        (_, path) => return ResponseTemplate::new(404).set_body_string(format!("{path} {echo}")),
    };
    ResponseTemplate::new(200).set_body_json(answer)
}

/// A server answering `status` (200: [`echoing_answer`]; else an error
/// body quoting [`echo_of`] the request, in a header too).
async fn hostile_server(provider: &'static str, status: u16) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(move |r: &Request| {
            if status == 200 {
                return echoing_answer(provider, r);
            }
            let echo = echo_of(r);
            let body = json!({"error": {"message": format!("denied {echo}")}, "message": format!("denied {echo}")});
            ResponseTemplate::new(status)
                .set_body_raw(body.to_string(), "application/json")
                .insert_header("x-echo", echo.as_str())
        })
        .mount(&s)
        .await;
    s
}

/// `http://USER:PASSWORD@127.0.0.1:PORT`.
fn with_credentials(server: &MockServer) -> String {
    server.uri().replacen("http://", &format!("http://{USER}:{PASSWORD}@"), 1)
}

/// A work folder with one article and a `depeche.toml` naming `endpoint`
/// when the protocol takes it from there.
fn key_workspace(p: &Protocol, endpoint: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir(work.path().join("articles")).unwrap();
    let name = "brief-me-2021-09-25-rappel-ambassadeur.txt";
    std::fs::copy(fixture("articles").join(name), work.path().join("articles").join(name)).unwrap();
    let mut config = "[translate]\nmax_attempts = 2\nbackoff_initial_ms = 10\n\
                      backoff_max_ms = 20\ntimeout_ms = 10000\n"
        .to_string();
    if p.in_config {
        config.push_str(&format!("\n[translate.{}]\nendpoint = \"{endpoint}\"\n", p.provider));
    }
    std::fs::write(work.path().join("depeche.toml"), config).unwrap();
    work
}

/// Runs `args` in `work` with the key set; returns the output, after
/// checking that none of it holds a secret.
fn run_checked(work: &Path, p: &Protocol, what: &str, args: &[&str]) -> Output {
    let out = depeche_in(work, &[(p.var, KEY)])
        .env("RUST_LOG", "trace")
        .arg("-vv")
        .arg("--config")
        .arg(work.join("depeche.toml"))
        .args(args)
        .output()
        .unwrap();
    let all = text(&out);
    for secret in secrets() {
        let lines: Vec<&str> = all.lines().filter(|l| l.contains(&secret)).take(5).collect();
        assert!(lines.is_empty(), "{what}: {secret} in the output:\n{}", lines.join("\n"));
    }
    out
}

/// Fails when any file under `work` holds a secret; returns how many files
/// were searched.
fn assert_no_secret_in_files(what: &str, work: &Path) -> usize {
    // The configuration is the user's own file, not something depeche wrote.
    let files: Vec<PathBuf> =
        files_under(work).into_iter().filter(|f| !f.ends_with("depeche.toml")).collect();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in secrets() {
            assert!(!contains(&bytes, secret.as_bytes()), "{what}: {secret} in {}", file.display());
        }
    }
    files.len()
}

/// The server really received the key and the credentials, and echoed
/// them: redaction, not luck, keeps them out.
async fn assert_secrets_were_sent(what: &str, server: &MockServer) {
    let requests = server.received_requests().await.unwrap();
    assert!(!requests.is_empty(), "{what}: no request reached the server");
    for r in &requests {
        let echo = echo_of(r);
        assert!(echo.contains(KEY), "{what}: a request without the key: {echo}");
        assert!(echo.contains(&secrets()[2]), "{what}: a request without credentials: {echo}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_and_endpoint_credentials_never_come_out_whatever_the_server_echoes() {
    for p in &PROTOCOLS {
        let what = format!("{} / 200 echoing", p.provider);
        let server = hostile_server(p.provider, 200).await;
        let endpoint = with_credentials(&server);
        let work = key_workspace(p, &endpoint);
        let w = work.path();
        let mut args: Vec<String> = ["translate", "--no-progress", "--provider", p.provider]
            .iter()
            .map(ToString::to_string)
            .collect();
        if !p.in_config {
            args.extend(["--endpoint".into(), endpoint.clone()]);
        }
        args.extend(
            [
                "--tm=tm.sqlite",
                "--out=out",
                "--report=json=report.json",
                "--report=junit=junit.xml",
                "--report=html=report-html",
                "--report=github=-",
                "articles",
            ]
            .map(String::from),
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_checked(w, p, &what, &args);
        assert_eq!(out.status.code(), Some(0), "{what}:\n{}", text(&out));
        assert_secrets_were_sent(&what, &server).await;
        // The targets are there, with the echo cut out of them.
        let xliff = xliff_files(&w.join("out"));
        assert_eq!(xliff.len(), 1, "{what}:\n{}", text(&out));
        let written = std::fs::read_to_string(&xliff[0]).unwrap();
        assert!(written.contains("you are newsroom:"), "{what}: no echo reached the target");

        // Everything made from this run's files.
        let more: [(&str, Vec<&str>); 6] = [
            ("tm export", vec!["tm", "export", "--tm=tm.sqlite", "memory.tmx"]),
            ("kit omegat", vec!["kit", "--tm=tm.sqlite", "--out=kit-omegat", "out"]),
            (
                "kit xliff",
                vec!["kit", "--format=xliff", "--tm=tm.sqlite", "--out=kit-xliff", "out"],
            ),
            (
                "merge",
                vec!["merge", "--allow-untranslated", "--tm=tm.sqlite", "--out=merged", "out"],
            ),
            ("tm stats", vec!["tm", "stats", "--tm=tm.sqlite"]),
            ("providers", vec!["providers"]),
        ];
        for (step, args) in more {
            let out = run_checked(w, p, &format!("{what}, {step}"), &args);
            assert!(out.status.success(), "{what}, {step}:\n{}", text(&out));
        }
        let mut args = vec!["providers", "--check", "--provider", p.provider];
        if !p.in_config {
            args.extend(["--endpoint", &endpoint]);
        }
        let out = run_checked(w, p, &format!("{what}, providers --check"), &args);
        assert!(out.status.success(), "{what}, providers --check:\n{}", text(&out));
        for must in ["tm.sqlite", "memory.tmx", "report.json", "junit.xml"] {
            assert!(w.join(must).is_file(), "{what}: no {must}");
        }
        for must in ["report-html", "kit-omegat", "kit-xliff", "merged"] {
            assert!(w.join(must).is_dir(), "{what}: no {must}");
        }
        let searched = assert_no_secret_in_files(&what, w);
        assert!(searched > 15, "{what}: only {searched} files");

        // The same against servers that refuse, echoing everything in the
        // error body and a header.
        for status in [400, 403, 500] {
            let what = format!("{} / {status} echoing", p.provider);
            let server = hostile_server(p.provider, status).await;
            let endpoint = with_credentials(&server);
            let work = key_workspace(p, &endpoint);
            let w = work.path();
            let mut args = vec!["translate", "--no-progress", "--provider", p.provider];
            if !p.in_config {
                args.extend(["--endpoint", &endpoint]);
            }
            args.extend([
                "--tm=tm.sqlite",
                "--out=out",
                "--report=json=report.json",
                "--report=junit=junit.xml",
                "--report=html=report-html",
                "--report=github=-",
                "articles",
            ]);
            let out = run_checked(w, p, &what, &args);
            assert_eq!(out.status.code(), Some(1), "{what}:\n{}", text(&out));
            assert_secrets_were_sent(&what, &server).await;
            let mut check = vec!["providers", "--check", "--provider", p.provider];
            if !p.in_config {
                check.extend(["--endpoint", &endpoint]);
            }
            let out = run_checked(w, p, &format!("{what}, providers --check"), &check);
            assert_eq!(out.status.code(), Some(1), "{what}, providers --check:\n{}", text(&out));
            assert_no_secret_in_files(&what, w);
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Nothing outside the output folder
// ---------------------------------------------------------------------------

/// 300 bytes of title: longer than any file name a file system takes.
fn long_name() -> String {
    "tres-long ".repeat(30)
}

/// Articles whose names, titles and ids try to leave the output folder.
fn hostile_articles(dir: &Path, abs: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let abs = abs.display();
    let item = |guid: &str, link: &str, title: &str, text: &str| {
        format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><link>{link}</link>\
             <title>{title}</title><description>{text}</description>\
             <pubDate>Mon, 10 Feb 2025 08:00:00 +0100</pubDate></item>\n"
        )
    };
    let feed = [
        item("../../feed-escape", "../../feed-link", "../../../feed-titre", "Le ministre parle."),
        item(
            &format!("{abs}/feed-abs"),
            &format!("file://{abs}/x"),
            &format!("{abs}/feed-abs"),
            "Le préfet parle.",
        ),
        item("long", "long", &long_name(), "Le maire parle."),
        item("c1", "c1", "Deux cas", "Le même texte."),
        item("c2", "c2", "DEUX CAS", "Le même texte."),
    ]
    .concat();
    std::fs::write(
        dir.join("feed.xml"),
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
             <title>Fil</title><link>https://example.org/</link>\n{feed}</channel></rss>\n"
        ),
    )
    .unwrap();
    let newsml = std::fs::read_to_string(
        fixture("newsml").join("afp_newsml-1.2_fr_2019-01-21_policiers-frontieres.xml"),
    )
    .unwrap()
    .replace(
        "<NewsItemId>TX-PAR-RHO61</NewsItemId>",
        "<NewsItemId>../../newsml-escape</NewsItemId>",
    )
    .replace("urn:newsml:afp.com:20190121T104233Z:TX-PAR-RHO61:1", &format!("{abs}/newsml-abs"));
    std::fs::write(dir.join("agency.xml"), newsml).unwrap();
    let lines = [
        json!({"id": "../../jsonl-escape", "url": "../../x", "title": "../../jsonl", "body": "Un."}),
        json!({"id": format!("{abs}/jsonl-abs"), "title": format!("{abs}/jsonl-abs"), "body": "Deux."}),
        json!({"id": "nul\u{0}/../x", "title": "nul\u{0}/../titre", "body": "Trois\u{0}."}),
        json!({"id": long_name(), "title": long_name(), "body": "Quatre."}),
    ];
    let jsonl: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("wire.jsonl"), jsonl).unwrap();
    // File names that differ only by case, and the longest name Linux takes.
    std::fs::write(dir.join("Cas.txt"), "Cas\n\nLe texte du premier.\n").unwrap();
    std::fs::write(dir.join("cas.txt"), "Cas\n\nLe texte du second.\n").unwrap();
    let long_file = format!("{}.txt", "n".repeat(251));
    std::fs::write(dir.join(long_file), "Long\n\nUn nom de 255 octets.\n").unwrap();
}

/// A work folder: `parent/` holds the inputs, the output folders and
/// `outside/`, the files links point at.
struct Tree {
    _tmp: tempfile::TempDir,
    parent: PathBuf,
    outside: PathBuf,
}

impl Tree {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let parent = tmp.path().canonicalize().unwrap().join("parent");
        let outside = parent.join("outside");
        std::fs::create_dir_all(outside.join("dir")).unwrap();
        std::fs::write(outside.join("dir").join("keep.txt"), "precious").unwrap();
        Self { _tmp: tmp, parent, outside }
    }

    /// `name` in the output folder `dir` replaced by a link to a file
    /// outside, which holds `precious`; returns the file linked to.
    fn plant_file_link(&self, dir: &Path, name: &str) -> PathBuf {
        let victim = self.outside.join(format!("victim-{name}"));
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        victim
    }

    /// The folder `dir/name` replaced by a link to `outside/dir`.
    fn plant_dir_link(&self, dir: &Path, name: &str) {
        let link = dir.join(name);
        if link.is_dir() {
            std::fs::remove_dir_all(&link).unwrap();
        }
        std::os::unix::fs::symlink(self.outside.join("dir"), &link).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        depeche_in(&self.parent, &[]).args(args).output().unwrap()
    }
}

/// The names of the regular files directly under `dir`.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn article_names_and_ids_never_lead_outside_the_output_folder() {
    let tree = Tree::new();
    let p = &tree.parent;
    hostile_articles(&p.join("in"), p);
    let before = snapshot(p);
    let out = tree.run(&[
        "translate",
        "--no-progress",
        "--provider=none",
        "--no-memory",
        "--out=out",
        "--report=html=report",
        "in",
    ]);
    let all = text(&out);
    let after = snapshot(p);
    let escaped = changes_outside(&before, &after, &[&p.join("out"), &p.join("report")]);
    assert!(escaped.is_empty(), "written outside the output folder: {escaped:#?}\n{all}");
    assert_eq!(out.status.code(), Some(0), "{all}");
    // Every article written, each under its own plain, lower-case name:
    // a case-insensitive file system (or a zip opened on one) sees the
    // same files. 5 feed items, the NewsML item, 4 JSON lines, 3 texts.
    let names = names_in(&p.join("out"));
    assert_eq!(names.len(), 13, "{names:#?}\n{all}");
    for name in &names {
        assert!(name.len() < 100, "{name}");
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b)), "{name}");
        // Lower case but for the locale, which is the same in every name.
        assert_eq!(
            name.replace(".en-GB.", ".en-gb.").to_lowercase(),
            name.replace(".en-GB.", ".en-gb.")
        );
    }
    let lower: std::collections::HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), names.len());
    assert!(names.iter().filter(|n| n.contains("-deux-cas-")).count() == 2, "{names:#?}");
    assert!(names.iter().filter(|n| n.contains("-cas-")).count() == 4, "{names:#?}");

    // Links planted where the next run writes, to files outside: the
    // XLIFF files replace them.
    let victims: Vec<PathBuf> =
        names.iter().map(|n| tree.plant_file_link(&p.join("out"), n)).collect();
    let before = snapshot(p);
    let out = tree.run(&[
        "translate",
        "--no-progress",
        "--provider=none",
        "--no-memory",
        "--out=out",
        "in",
    ]);
    let all = text(&out);
    let after = snapshot(p);
    let escaped = changes_outside(&before, &after, &[&p.join("out")]);
    assert!(escaped.is_empty(), "written through a link: {escaped:#?}\n{all}");
    for victim in &victims {
        assert_eq!(std::fs::read_to_string(victim).unwrap(), "precious");
    }
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert_eq!(names_in(&p.join("out")), names, "{all}");

    // The report's page folder made a link to a folder outside: refused.
    tree.plant_dir_link(&p.join("report"), "articles");
    let before = snapshot(p);
    let out = tree.run(&[
        "translate",
        "--no-progress",
        "--provider=none",
        "--no-memory",
        "--out=out",
        "--report=html=report",
        "in",
    ]);
    let all = text(&out);
    let after = snapshot(p);
    let escaped = changes_outside(&before, &after, &[&p.join("out")]);
    assert!(escaped.is_empty(), "written through a link: {escaped:#?}\n{all}");
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("report/articles: a symbolic link"), "{all}");
}

#[test]
fn merged_article_names_stay_in_the_output_folder() {
    let tree = Tree::new();
    let p = &tree.parent;
    std::fs::create_dir_all(p.join("reviewed")).unwrap();
    let golden = std::fs::read_to_string(
        fixture("golden").join("2021-09-25-rappel-ambassadeur-69847dee.en-GB.xlf"),
    )
    .unwrap();
    let ids = [
        "../../merge-escape".to_string(),
        format!("{}/merge-abs", p.display()),
        long_name(),
        "Cas".into(),
        "cas".into(),
        "nul&#0;../x".into(),
    ];
    for (i, id) in ids.iter().enumerate() {
        let doc =
            golden.replace("id: 2021-09-25-rappel-ambassadeur-69847dee", &format!("id: {id}"));
        std::fs::write(p.join("reviewed").join(format!("m{i}.en-GB.xlf")), doc).unwrap();
    }
    let merge = ["merge", "--allow-untranslated", "--no-memory", "--out=merged", "reviewed"];
    let before = snapshot(p);
    let out = tree.run(&merge);
    let all = text(&out);
    let after = snapshot(p);
    let escaped = changes_outside(&before, &after, &[&p.join("merged")]);
    assert!(escaped.is_empty(), "written outside the output folder: {escaped:#?}\n{all}");
    // Every article is written under a plain name, the long one cut to a
    // length file systems take; the id holding NUL is refused by the
    // XML reader, naming the file and line.
    let names = names_in(&p.join("merged"));
    assert_eq!(names.len(), 5, "{names:#?}\n{all}");
    assert!(names.iter().all(|n| n.len() < 140 && !n.starts_with('.')), "{names:#?}");
    assert!(names.contains(&"merge-escape.en-GB.txt".to_string()), "{names:#?}");
    assert!(all.contains("m5.en-GB.xlf:6: not well-formed XML"), "{all}");
    assert_eq!(out.status.code(), Some(1), "{all}");
    // Both names that differ only by case are written, each with its text
    // (a case-insensitive file system cannot hold both: see the README).
    assert!(names.contains(&"Cas.en-GB.txt".to_string()), "{names:#?}\n{all}");
    assert!(names.contains(&"cas.en-GB.txt".to_string()), "{names:#?}\n{all}");

    // A link planted where the next run writes.
    let victims: Vec<PathBuf> =
        names.iter().map(|n| tree.plant_file_link(&p.join("merged"), n)).collect();
    let before = snapshot(p);
    let out = tree.run(&merge);
    let all = text(&out);
    let after = snapshot(p);
    let escaped = changes_outside(&before, &after, &[&p.join("merged")]);
    assert!(escaped.is_empty(), "written through a link: {escaped:#?}\n{all}");
    for victim in &victims {
        assert_eq!(std::fs::read_to_string(victim).unwrap(), "precious");
    }
    assert_eq!(names_in(&p.join("merged")), names, "{all}");
}

#[test]
fn kits_are_not_written_through_a_planted_link() {
    let tree = Tree::new();
    let p = &tree.parent;
    std::fs::create_dir_all(p.join("xlf")).unwrap();
    let golden = fixture("golden").join("2021-09-25-rappel-ambassadeur-69847dee.en-GB.xlf");
    std::fs::copy(&golden, p.join("xlf").join("Article.en-GB.xlf")).unwrap();
    for format in ["omegat", "xliff"] {
        let kit = format!("--out=kit-{format}");
        let args = ["kit", "--no-memory", "--format", format, &kit, "xlf"];
        let out = tree.run(&args);
        assert!(out.status.success(), "{format}: {}", text(&out));
        let dir = p.join(format!("kit-{format}"));
        // Every folder of the kit, and every file, in turn replaced by a link.
        let mut entries: Vec<PathBuf> = snapshot(&dir).into_keys().collect();
        entries.sort();
        for entry in entries {
            if !entry.exists() {
                continue;
            }
            let rel = entry.strip_prefix(&dir).unwrap().to_path_buf();
            let parent = entry.parent().unwrap().to_path_buf();
            let name = rel.file_name().unwrap().to_string_lossy().into_owned();
            if entry.is_dir() {
                tree.plant_dir_link(&parent, &name);
            } else {
                tree.plant_file_link(&parent, &name);
            }
            let before = snapshot(p);
            let out = tree.run(&args);
            let after = snapshot(p);
            let escaped = changes_outside(&before, &after, &[&dir]);
            assert!(
                escaped.is_empty(),
                "{format}, link at {}: written through it: {escaped:#?}\n{}",
                rel.display(),
                text(&out)
            );
            // Put the kit back for the next link.
            std::fs::remove_dir_all(&dir).unwrap();
            let out = tree.run(&args);
            assert!(out.status.success(), "{format}: {}", text(&out));
        }
    }
}

// ---------------------------------------------------------------------------
// 3. No connection but the configured provider
// ---------------------------------------------------------------------------

/// A server on 127.0.0.1 that records every connection made to it.
struct Tripwire {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Tripwire {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                stream.set_read_timeout(Some(std::time::Duration::from_millis(200))).unwrap();
                let mut head = [0u8; 256];
                let n = stream.read(&mut head).unwrap_or(0);
                seen2.lock().unwrap().push(String::from_utf8_lossy(&head[..n]).into_owned());
            }
        });
        Self { addr, seen, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr)
    }

    fn connections(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Tripwire {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// A paragraph long enough for a page to be taken for an article.
const LONG: &str = "Les communes les plus exposées recevront des moyens supplémentaires dès le \
                    mois prochain, a précisé le préfet, qui a rappelé que la sécheresse de \
                    l’été dernier avait multiplié les départs de feu dans les massifs forestiers \
                    du département et mobilisé plusieurs centaines de pompiers.";

/// Inputs of every kind, each referencing the tripwire every way its
/// format allows.
fn baited_inputs(dir: &Path, t: &Tripwire) {
    let articles = dir.join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    let u = |p: &str| t.url(p);
    let doctype = |root: &str| {
        format!(
            "<!DOCTYPE {root} SYSTEM \"{dtd}\" [\n<!ENTITY ext SYSTEM \"{ent}\">\n\
             <!ENTITY % param SYSTEM \"{param}\">\n%param;\n]>\n",
            dtd = u(&format!("{root}.dtd")),
            ent = u("entity"),
            param = u("param.dtd"),
        )
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <title>Page piégée</title><base href=\"{base}\">\
         <link rel=\"stylesheet\" href=\"{css}\"><link rel=\"preload\" href=\"{pre}\">\
         <script src=\"{js}\"></script><meta http-equiv=\"refresh\" content=\"0; url={refresh}\">\
         <style>@import url({imp}); body {{ background: url('{bg}') }}</style></head>\
         <body><article><h1>Le ministre en visite</h1>\
         <p>Le ministre des Armées s’est rendu à Brest mardi pour rencontrer les équipages \
         des sous-marins nucléaires et les familles des marins, avant de visiter le chantier \
         naval où sont construits les nouveaux bâtiments de la marine. <img src=\"{img}\" \
         srcset=\"{srcset} 2x\"></p><iframe src=\"{iframe}\"></iframe>\
         <p style=\"background:url({inline})\">La visite a duré deux heures, pendant \
         lesquelles le ministre a écouté les officiers présenter les besoins de la flotte \
         et les retards pris par les programmes d’équipement depuis trois ans.</p>\
         <video poster=\"{poster}\"><source src=\"{video}\"></video><object data=\"{obj}\"></object>\
         <svg><image href=\"{svg}\"/></svg><p>Il a rencontré les marins de la base, \
         qui lui ont parlé de leurs conditions de vie à bord et de la durée des missions, \
         avant de repartir pour Paris en fin de journée.</p>\
         </article></body></html>",
        base = u("base/"),
        css = u("style.css"),
        pre = u("preload"),
        js = u("script.js"),
        refresh = u("refresh"),
        imp = u("import.css"),
        bg = u("bg.png"),
        img = u("img.png"),
        srcset = u("img2.png"),
        iframe = u("iframe"),
        inline = u("inline.png"),
        poster = u("poster.png"),
        video = u("video.mp4"),
        obj = u("object"),
        svg = u("svg.png"),
    );
    std::fs::write(articles.join("page.html"), html).unwrap();
    let xhtml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}<html xmlns=\"http://www.w3.org/1999/xhtml\" \
         xmlns:xi=\"http://www.w3.org/2001/XInclude\"><head><title>XHTML</title></head><body>\
         <p>Le préfet a parlé &ext; lundi devant les maires du département, réunis \
         pour préparer la saison des incendies, et leur a demandé de signaler sans attendre \
         tout départ de feu aux services de secours.</p><xi:include href=\"{}\" parse=\"text\"/>\
         <p>Il a annoncé des mesures.</p><p>{LONG}</p><p>{LONG}</p></body></html>",
        doctype("html"),
        u("xinclude")
    );
    std::fs::write(articles.join("page-xhtml.xml"), xhtml).unwrap();
    let rss = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet href=\"{xsl}\"?>\n{dt}\
         <rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:xi=\"http://www.w3.org/2001/XInclude\" xmlns:media=\"http://search.yahoo.com/mrss/\">\
         <channel><title>Fil</title><link>{link}</link><image><url>{logo}</url></image>\
         <item><title>Le général parle</title><link>{link}</link>\
         <enclosure url=\"{enc}\" type=\"image/jpeg\" length=\"1\"/>\
         <media:content url=\"{media}\"/><xi:include href=\"{xi}\"/>\
         <description>&lt;p&gt;Le général a parlé.&lt;img src=\"{img}\"&gt;&lt;/p&gt;</description>\
         <content:encoded><![CDATA[<p>Le général a parlé à Paris.</p><img src=\"{img}\">\
         <iframe src=\"{iframe}\"></iframe><link rel=\"stylesheet\" href=\"{css}\">]]></content:encoded>\
         </item></channel></rss>\n",
        xsl = u("feed.xsl"),
        dt = doctype("rss"),
        link = u("item"),
        logo = u("logo.png"),
        enc = u("enclosure.jpg"),
        media = u("media.jpg"),
        xi = u("xinclude"),
        img = u("feed-img.png"),
        iframe = u("feed-iframe"),
        css = u("feed.css"),
    );
    std::fs::write(articles.join("feed.xml"), rss).unwrap();
    let newsml = std::fs::read_to_string(
        fixture("newsml").join("afp_newsml-1.2_fr_2019-01-21_policiers-frontieres.xml"),
    )
    .unwrap()
    .replacen(
        "<NewsML Version=\"1.2\">",
        &format!("{}<NewsML Version=\"1.2\">", doctype("NewsML")),
        1,
    )
    .replace("http://www.afp.com/dtd/AFPCatalog.xml", &u("catalog.xml"))
    .replacen(
        "<NewsComponent>",
        &format!(
            "<NewsComponent><NewsComponent><ContentItem Href=\"{}\"/></NewsComponent>",
            u("newsml-item.xml")
        ),
        1,
    );
    std::fs::write(articles.join("agency.xml"), newsml).unwrap();
    let jsonl = json!({
        "title": "Le maire parle", "url": u("jsonl"), "image": u("jsonl.png"),
        "body": format!("Le maire a parlé. <img src=\"{}\">\n\nIl a conclu.", u("jsonl-img.png")),
    });
    std::fs::write(articles.join("wire.jsonl"), format!("{jsonl}\n")).unwrap();

    let glossaries = dir.join("glossaries");
    std::fs::create_dir_all(&glossaries).unwrap();
    let tbx = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}<martif type=\"TBX\" xml:lang=\"fr\" \
         xmlns:xi=\"http://www.w3.org/2001/XInclude\"><martifHeader><fileDesc><sourceDesc>\
         <p>Défense</p></sourceDesc></fileDesc></martifHeader><text><body>\
         <xi:include href=\"{}\"/><termEntry id=\"c1\"><langSet xml:lang=\"fr\"><tig>\
         <term>ministre des Armées</term></tig></langSet><langSet xml:lang=\"en\"><tig>\
         <term>Armed Forces Minister</term></tig></langSet></termEntry></body></text></martif>\n",
        doctype("martif"),
        u("tbx-include")
    );
    std::fs::write(glossaries.join("defence.tbx"), tbx).unwrap();

    let tmx = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}<tmx version=\"1.4\"><header \
         creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" \
         adminlang=\"en\" srclang=\"fr-FR\" datatype=\"plaintext\"/><body><tu>\
         <tuv xml:lang=\"fr-FR\"><seg>Le maire a parlé.</seg></tuv><tuv xml:lang=\"en-GB\">\
         <seg>The mayor spoke.</seg></tuv></tu></body></tmx>\n",
        doctype("tmx")
    );
    std::fs::write(dir.join("memory.tmx"), tmx).unwrap();
}

/// Puts the tripwire's DTD, entities and XInclude into an XLIFF file
/// `depeche translate` wrote.
fn bait_xliff(path: &Path, t: &Tripwire) {
    let xml = std::fs::read_to_string(path).unwrap();
    let doctype = format!(
        "<!DOCTYPE xliff SYSTEM \"{}\" [\n<!ENTITY ext SYSTEM \"{}\">\n\
         <!ENTITY % param SYSTEM \"{}\">\n%param;\n]>\n",
        t.url("xliff.dtd"),
        t.url("xliff-entity"),
        t.url("xliff-param")
    );
    let xml = xml
        .replacen(
            "<xliff ",
            &format!("{doctype}<xliff xmlns:xi=\"http://www.w3.org/2001/XInclude\" "),
            1,
        )
        .replacen("<body>", &format!("<body><xi:include href=\"{}\"/>", t.url("xliff-include")), 1);
    std::fs::write(path, xml).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn inputs_never_make_depeche_connect_anywhere_but_the_provider() {
    let tripwire = Tripwire::start();
    let provider = echo_libretranslate(std::time::Duration::ZERO).await;
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    baited_inputs(w, &tripwire);
    std::fs::write(w.join("depeche.toml"), "").unwrap();
    let run = |what: &str, args: &[&str]| {
        let out = depeche_in(w, &[]).args(args).output().unwrap();
        let seen = tripwire.connections();
        assert!(seen.is_empty(), "{what} connected to the tripwire: {seen:#?}\n{}", text(&out));
        out
    };

    let out = run(
        "translate",
        &[
            "translate",
            "--no-progress",
            "--provider=libretranslate",
            "--endpoint",
            &provider.uri(),
            "--tm=tm.sqlite",
            "--out=out",
            "--glossary=glossaries",
            "--report=html=report",
            "articles",
        ],
    );
    let all = text(&out);
    let sent = provider.received_requests().await.unwrap();
    assert!(!sent.is_empty(), "the provider was not used:\n{all}");
    // Every input is read: two pages, the feed item, the NewsML item and
    // the JSON line.
    let xliff = xliff_files(&w.join("out"));
    assert_eq!(xliff.len(), 5, "{all}");
    for file in &xliff {
        bait_xliff(file, &tripwire);
    }
    let out = run("glossary check", &["glossary", "check", "glossaries"]);
    assert!(text(&out).contains("1 concept in 1 file"), "{}", text(&out));
    let out = run("tm import", &["tm", "import", "--tm=tm.sqlite", "memory.tmx"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run("kit", &["kit", "--tm=tm.sqlite", "--glossary=glossaries", "--out=kit", "out"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(
        "kit xliff",
        &["kit", "--format=xliff", "--tm=tm.sqlite", "--glossary=glossaries", "--out=kit2", "out"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out =
        run("merge", &["merge", "--allow-untranslated", "--tm=tm.sqlite", "--out=merged", "out"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(
        "merge kit",
        &["merge", "--allow-untranslated", "--tm=tm.sqlite", "--out=merged2", "kit"],
    );
    assert!(out.status.success(), "{}", text(&out));
    std::fs::create_dir_all(w.join("fixtures/golden")).unwrap();
    let check =
        ["check", "--articles=articles", "--golden=fixtures/golden", "--glossary=glossaries"];
    let out = run("check --update", &[&check[..], &["--update"]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let out = run("check", &check);
    assert!(out.status.success(), "{}", text(&out));
    run("check memory", &[&check[..], &["--provider=memory", "--tm=memory.tmx"]].concat());
    let calls = provider.received_requests().await.unwrap().len();
    assert_eq!(calls, sent.len(), "only translate calls the provider");
    // The tripwire really catches a connection.
    drop(TcpStream::connect(tripwire.addr).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(tripwire.connections().len(), 1);
}
