//! Sharded runs on one machine, and the PostgreSQL memory against SQLite.
//!
//! Starts a throwaway PostgreSQL server (Debian's binaries, as the tests
//! do: `tests/it/pg.rs`) and a local server speaking the DeepL protocol
//! that answers after 100 ms and counts the texts it is sent, then:
//!
//! 1. translates one batch (a third of its sentences repeated across
//!    articles, `--terms off`) with 1, 2 and 4 `depeche translate` workers
//!    at once, `--shard K/N`, sharing a fresh PostgreSQL memory and a limit
//!    of `RATES` requests a second for the key; prints wall time, articles
//!    and sentences a second, and texts sent against unique sentences;
//! 2. times lookups on a memory of `ENTRIES` entries in both stores: exact
//!    lookups in batches of 50 (an article's sentences), and fuzzy ones.
//!
//! Run: `cargo bench --bench shards` (add the article count as argument).

#![allow(clippy::disallowed_methods, reason = "a benchmark writes its own input files")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    unreachable_pub,
    dead_code,
    reason = "benchmark code may stop on a broken setup"
)]

#[path = "../tests/it/pg.rs"]
mod pg;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use depeche::tm::{EntryOrigin, Fuzzy, Location, Lookup, MemoryStore, NewEntry};

/// Requests a second allowed for the key, all workers together: a tight
/// limit, which the workers share, and one the workers hardly reach.
const RATES: [f64; 2] = [20.0, 200.0];

/// Entries in the memories whose lookups are timed.
const ENTRIES: usize = 20_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let articles: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(96);
    let Some(server) = pg::server() else {
        pg::skip("the shards benchmark");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let mt = runtime.block_on(deepl(Duration::from_millis(100)));
    let work = tempfile::tempdir().unwrap();
    let input = batch(work.path(), articles);
    println!(
        "shards: {articles} articles (a third of their sentences repeated across articles), \
         DeepL protocol at {} answering after 100 ms, --terms off, \
         4 articles in flight per worker",
        mt.uri()
    );
    println!(
        "{:>6} {:<7} {:>8} {:>10} {:>12} {:>10} {:>8} {:>8}",
        "limit", "workers", "seconds", "articles/s", "sentences/s", "requests", "texts", "unique"
    );
    for (rate, n) in RATES.iter().flat_map(|r| [(*r, 1usize), (*r, 2), (*r, 4)]) {
        let db = server.fresh_db();
        let tm = server.url_without_password(&db);
        let out = work.path().join(format!("out-{n}"));
        let before = runtime.block_on(mt.received_requests()).unwrap().len();
        let config = work.path().join("depeche.toml");
        std::fs::write(&config, format!("[translate]\nrequests_per_second = {rate}\n")).unwrap();
        let started = Instant::now();
        let children: Vec<_> = (1..=n)
            .map(|k| {
                Command::new(env!("CARGO_BIN_EXE_depeche"))
                    .arg("--config")
                    .arg(&config)
                    .args(["translate", "--no-progress", "--provider", "deepl", "--terms", "off"])
                    .args(["-j", "4", "--endpoint", &mt.uri(), "--tm", &tm])
                    .args(["--shard", &format!("{k}/{n}"), "--out"])
                    .arg(&out)
                    .arg(&input)
                    .env("DEEPL_AUTH_KEY", "bench:fx")
                    .env("PGPASSWORD", pg::PASSWORD)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let secs = started.elapsed().as_secs_f64();
        let requests = runtime.block_on(mt.received_requests()).unwrap();
        let texts: Vec<String> = requests[before..]
            .iter()
            .flat_map(|r| {
                let v: Value = serde_json::from_slice(&r.body).unwrap();
                v["text"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let unique = unique_sentences(&out);
        let sentences: usize =
            server.query(&db, "SELECT count(*) FROM depeche.entries").parse().unwrap();
        println!(
            "{:>6} {n:<7} {secs:>8.2} {:>10.1} {:>12.1} {:>10} {:>8} {:>8}",
            format!("{rate}/s"),
            articles as f64 / secs,
            sentences as f64 / secs,
            requests.len() - before,
            texts.len(),
            unique
        );
    }
    runtime.block_on(lookups(server));
}

/// The distinct normalised sources of the XLIFF files in `out`.
fn unique_sentences(out: &Path) -> usize {
    let mut all = BTreeSet::new();
    for e in std::fs::read_dir(out).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "xlf") {
            for unit in &depeche::xliff::read_file(&path).unwrap().files[0].units {
                all.insert(depeche::tm::normalize(&unit.source));
            }
        }
    }
    all.len()
}

/// A DeepL `/v2/translate` answering `EN <text>` after `delay`.
async fn deepl(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .respond_with(move |r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            let out: Vec<Value> = v["text"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|t| {
                            json!({"detected_source_language": "FR",
                                        "text": format!("EN {}", t.as_str().unwrap_or(""))})
                        })
                        .collect()
                })
                .unwrap_or_default();
            ResponseTemplate::new(200)
                .set_body_json(json!({ "translations": out }))
                .set_delay(delay)
        })
        .mount(&server)
        .await;
    server
}

/// Wire copy repeated across articles.
fn wire(i: usize) -> String {
    format!(
        "Selon une dépêche commune numéro {i}, les ministres de la Défense se réuniront à Bruxelles."
    )
}

/// `n` one-article JSON Lines files of a title and six sentences, two of
/// them from a pool of wire sentences shared across articles.
fn batch(dir: &Path, n: usize) -> std::path::PathBuf {
    let input = dir.join("batch");
    std::fs::create_dir_all(&input).unwrap();
    for a in 0..n {
        let mut body = String::new();
        for s in 0..4 {
            let _ = write!(
                body,
                "Le correspondant {a} rapporte le fait numéro {s} sur la frontière orientale. "
            );
        }
        body.push_str(&wire(a % 16));
        body.push(' ');
        body.push_str(&wire((a * 3 + 1) % 16));
        let line =
            json!({"title": format!("Dépêche numéro {a} du jour"), "lang": "fr", "body": body});
        std::fs::write(input.join(format!("article-{a:03}.jsonl")), format!("{line}\n")).unwrap();
    }
    input
}

/// A templated sentence, different for each `i`: the worst case for
/// fuzzy lookups, each sharing most of its words with thousands of others.
fn templated(i: usize) -> String {
    const WHO: &[&str] = &["Le ministre", "L’ambassadeur", "La porte-parole", "Le général"];
    const DID: &[&str] = &["a annoncé", "a démenti", "a confirmé", "a précisé"];
    format!(
        "{} {} jeudi une hausse de {} % du budget de la région {}.",
        WHO[i % 4],
        DID[(i / 4) % 4],
        i % 97,
        i / 16
    )
}

/// Lookup rates of the two stores on the same `ENTRIES` entries: news
/// sentences (the WMT fixtures and variants of them), then templated ones.
async fn lookups(server: &pg::Server) {
    let news = news_sentences(ENTRIES);
    let words = vocabulary(&news[..1000]);
    let templates: Vec<String> = (0..ENTRIES).map(templated).collect();
    type Near<'a> = Box<dyn Fn(usize) -> String + 'a>;
    let kinds: [(&str, &[String], Near<'_>); 2] = [
        // A stored sentence with one more word changed: no exact match.
        ("news", &news, Box::new(|i| changed(&news[i % 1000], &words, 1, 7 + i as u64))),
        ("templated", &templates, Box::new(|i| templated(i * 7).replace("jeudi", "mardi"))),
    ];
    println!("\nlookups: {ENTRIES} entries, batches of 50 sentences (one article)");
    println!(
        "{:<10} {:<9} {:>10} {:>10} {:>10}",
        "sentences", "store", "stored/s", "exact/s", "fuzzy/s"
    );
    for (kind, sentences, near) in &kinds {
        let dir = tempfile::tempdir().unwrap();
        let places = [
            ("sqlite", Location::File(dir.path().join("tm.sqlite"))),
            ("postgres", Location::parse(&server.url(&server.fresh_db())).unwrap()),
        ];
        for (name, place) in places {
            let store = place.open().await.unwrap();
            let entries: Vec<NewEntry> = sentences
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    NewEntry::new(
                        s.as_str(),
                        format!("EN {i}"),
                        "fr-FR",
                        "en-GB",
                        EntryOrigin::Human,
                    )
                })
                .collect();
            let started = Instant::now();
            for chunk in entries.chunks(1000) {
                store.store(chunk).await.unwrap();
            }
            let stored = entries.len() as f64 / started.elapsed().as_secs_f64();
            let exact = rate(store.as_ref(), 4000, |i| {
                Lookup::exact(sentences[(i * 5) % sentences.len()].as_str(), "fr-FR", "en-GB")
            })
            .await;
            let fuzzy = rate(store.as_ref(), 1000, |i| {
                Lookup::exact(near(i), "fr-FR", "en-GB").with_fuzzy(Fuzzy::default())
            })
            .await;
            println!("{kind:<10} {name:<9} {stored:>10.0} {exact:>10.0} {fuzzy:>10.0}");
        }
    }
}

/// Lookups a second over `n` lookups made by `make`, in batches of 50.
async fn rate(store: &dyn MemoryStore, n: usize, make: impl Fn(usize) -> Lookup) -> f64 {
    let all: Vec<Lookup> = (0..n).map(make).collect();
    let started = Instant::now();
    for chunk in all.chunks(50) {
        store.lookup(chunk).await.unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// The words of `sentences`, sorted and deduplicated.
fn vocabulary(sentences: &[String]) -> Vec<String> {
    let mut words: Vec<String> =
        sentences.iter().flat_map(|s| s.split_whitespace()).map(str::to_owned).collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// `sentence` with `edits` of its words replaced by others from `words`.
fn changed(sentence: &str, words: &[String], edits: usize, seed: u64) -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
    let mut next = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m.max(1) as u64) as usize
    };
    let mut out: Vec<&str> = sentence.split_whitespace().collect();
    for _ in 0..edits {
        let at = next(out.len());
        let word = words[next(words.len())].as_str();
        out[at] = word;
    }
    out.join(" ")
}

/// `n` distinct news sentences: the French sentences of the WMT fixtures
/// (as `benches/tm.rs` takes them), then variants with one to three words
/// replaced.
fn news_sentences(n: usize) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wmt");
    let mut base = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for part in text.split("<seg").skip(1) {
            let seg = part.split_once('>').map_or("", |(_, rest)| rest);
            let seg = seg.split("</seg>").next().unwrap_or_default().trim();
            if seg.split_whitespace().count() >= 4 {
                base.push(seg.to_owned());
            }
        }
    }
    let words = vocabulary(&base);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    let mut i = 0usize;
    while out.len() < n {
        let edits = if i < base.len() { 0 } else { 1 + i % 3 };
        let sentence = changed(&base[i % base.len()], &words, edits, i as u64);
        if seen.insert(sentence.clone()) {
            out.push(sentence);
        }
        i += 1;
    }
    out
}
