//! The traffic layer against a local server speaking the DeepL protocol,
//! with configurable latency, rate limit and faults (issue #13).
//!
//! Run: `cargo bench --bench traffic`. For each scenario it prints the wall
//! time, the requests (answered, refused with 429, failed with 503), the
//! segments translated and failed, and the lower bound
//! max(requests x latency / concurrency, requests / rate) with the ratio
//! of the two. The 23-article scenario is then run by the official DeepL
//! Python client (`pip install deepl`), one article at a time, against the
//! same server, as the peer. `TRAFFIC_FULL=1` adds the long scenarios
//! (200 articles at 1 request/s and 1 s latency, 5,000 articles).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use depeche::model::{Article, Paragraph, Role, Segment};
use depeche::translate::{Overrides, TranslateConfig, TranslateStats, Translator};
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Requests in flight per provider, as the default configuration has it.
const CONCURRENCY: usize = 4;
/// Articles in flight, as the pipeline's default.
const ARTICLES_IN_FLIGHT: usize = 16;
/// Sentences per article: 558 sentences over 23 articles in the issue.
const SENTENCES_PER_ARTICLE: usize = 24;

const SENTENCES: &[&str] = &[
    "Les ministères de la Défense de l'Azerbaïdjan et du Royaume-Uni ont signé un plan bilatéral de coopération pour la période 2026-2027.",
    "Le document a été paraphé à Bakou par les chefs des délégations lors d'une réunion de travail.",
    "Les deux parties ont examiné les perspectives de coopération dans les domaines de la sécurité militaire et de la formation.",
    "Selon le ministère, des échanges d'expérience sont prévus entre les académies militaires des deux pays.",
    "Le chef d'état-major des armées a salué un partenariat « fondé sur la confiance ».",
    "Une délégation britannique se rendra en Azerbaïdjan au printemps prochain.",
    "Le procès de deux anciens fonctionnaires de la police aux frontières s'est ouvert lundi à Paris.",
    "Deux soldats maliens ont été tués dans une attaque contre leur poste dans le centre du pays.",
];

/// How the server behaves.
#[derive(Debug, Clone, Copy)]
struct Server {
    latency: Duration,
    /// Requests admitted in any one second; the rest get 429 with
    /// `Retry-After: 1`.
    per_second: Option<usize>,
    /// One admitted request in this many fails with 503.
    fault_every: Option<usize>,
}

#[derive(Debug, Default)]
struct Seen {
    admitted: Vec<Instant>,
    refused: usize,
    faults: usize,
    ok: usize,
}

async fn start(cfg: Server) -> (MockServer, Arc<Mutex<Seen>>) {
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let state = Arc::clone(&seen);
    Mock::given(wiremock::matchers::path("/v2/translate"))
        .respond_with(move |r: &Request| {
            let now = Instant::now();
            let mut s = state.lock().unwrap();
            if let Some(limit) = cfg.per_second {
                // Only the last second matters; older entries are dropped.
                s.admitted.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
                if s.admitted.len() >= limit {
                    s.refused += 1;
                    return ResponseTemplate::new(429)
                        .insert_header("Retry-After", "1")
                        .set_body_json(json!({"message": "Too many requests"}));
                }
                s.admitted.push(now);
            }
            let n = s.ok + s.faults + 1;
            if cfg.fault_every.is_some_and(|k| n % k == 0) {
                s.faults += 1;
                return ResponseTemplate::new(503)
                    .set_body_json(json!({"message": "Service unavailable"}))
                    .set_delay(cfg.latency);
            }
            s.ok += 1;
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let out: Vec<Value> = v["text"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let t = t.as_str().unwrap();
                    json!({"detected_source_language": "FR", "text": format!("EN {}", t.len()),
                        "billed_characters": t.chars().count()})
                })
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({ "translations": out }))
                .set_delay(cfg.latency)
        })
        .mount(&server)
        .await;
    (server, seen)
}

fn sentences(i: usize) -> Vec<String> {
    (0..SENTENCES_PER_ARTICLE)
        .map(|k| format!("{} ({i}.{k})", SENTENCES[(i + k) % SENTENCES.len()]))
        .collect()
}

fn article(i: usize) -> Article {
    let sents = sentences(i);
    let paragraphs = sents
        .chunks(4)
        .enumerate()
        .map(|(p, chunk)| {
            let id = format!("p{}", p + 1);
            let role = if p == 0 { Role::Title } else { Role::Body };
            let mut para = Paragraph::new(&id, role, chunk.join(" "));
            para.segments = chunk
                .iter()
                .enumerate()
                .map(|(k, s)| Segment::new(format!("{id}.s{}", k + 1), s.as_str()))
                .collect();
            para
        })
        .collect();
    Article { id: format!("a{i}"), lang: "fr-FR".into(), paragraphs, ..Article::default() }
}

/// Translates `n` articles through depeche against `cfg`; prints the figures.
async fn scenario(name: &str, n: usize, cfg: Server) {
    scenario_at(name, n, cfg, CONCURRENCY).await;
}

/// [`scenario`] with `concurrency` requests in flight at most.
async fn scenario_at(name: &str, n: usize, cfg: Server, concurrency: usize) {
    let (server, seen) = start(cfg).await;
    let toml = format!("concurrency = {concurrency}\nterms = \"off\"\n");
    let config: TranslateConfig = toml::from_str(&toml).unwrap();
    let o = Overrides { provider: Some("deepl".into()), endpoint: Some(server.uri()) };
    let t = Arc::new(
        Translator::with_env(&config, &o, &|k| (k == "DEEPL_AUTH_KEY").then(|| "k".into()))
            .unwrap(),
    );
    let start = Instant::now();
    let totals = futures::stream::iter(0..n)
        .map(|i| {
            let t = Arc::clone(&t);
            async move {
                let mut a = article(i);
                t.translate_article(&mut a, "en-GB").await.unwrap_or_default()
            }
        })
        .buffer_unordered(ARTICLES_IN_FLIGHT)
        .fold(TranslateStats::default(), |mut acc, s| async move {
            acc.add(&s);
            acc
        })
        .await;
    let wall = start.elapsed().as_secs_f64();
    // Copied out: the server's responder takes the same lock.
    let (ok, refused, faults) = {
        let s = seen.lock().unwrap();
        (s.ok, s.refused, s.faults)
    };
    // The work the server had to admit; a refusal costs it nothing.
    let requests = (ok + faults) as f64;
    let latency_bound = requests * cfg.latency.as_secs_f64() / concurrency as f64;
    let rate_bound = cfg.per_second.map_or(0.0, |r| requests / r as f64);
    let bound = latency_bound.max(rate_bound);
    println!("{name}");
    println!(
        "  articles {n}, segments {} translated / {} failed",
        totals.translated, totals.failed
    );
    println!(
        "  requests {} ({} answered, {} refused 429, {} failed 503), {:.1} segments/request",
        totals.requests,
        ok,
        refused,
        faults,
        totals.segments_sent as f64 / ok.max(1) as f64
    );
    println!(
        "  wall {wall:.2} s, lower bound {bound:.2} s (latency {latency_bound:.2} s, rate {rate_bound:.2} s), ratio {:.2}",
        wall / bound.max(1e-9)
    );
    if n == 23 {
        peer(&server.uri(), n).await;
    }
}

/// The official DeepL Python client, one article at a time, against `url`.
async fn peer(url: &str, n: usize) {
    let articles: Vec<Vec<String>> = (0..n).map(sentences).collect();
    let script = r#"
import json, sys, time
try:
    import deepl
except ImportError:
    print("  peer: the deepl package is not installed (pip install deepl)")
    sys.exit(0)
url, articles = sys.argv[1], json.load(sys.stdin)
t = deepl.Translator("k", server_url=url)
start = time.monotonic()
for sents in articles:
    t.translate_text(sents, source_lang="FR", target_lang="EN-GB")
wall = time.monotonic() - start
print(f"  peer: deepl-python {deepl.__version__}, one article at a time: {len(articles)} requests, wall {wall:.2f} s")
"#;
    let input = serde_json::to_vec(&articles).unwrap();
    let url = url.to_string();
    let out = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = std::process::Command::new("python3")
            .args(["-c", script, &url])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(&input).ok()?;
        child.wait_with_output().ok()
    })
    .await
    .unwrap();
    match out {
        Some(o) => print!("{}", String::from_utf8_lossy(&o.stdout)),
        None => println!("  peer: python3 could not be run"),
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let ms = Duration::from_millis;
        let fast = Server { latency: ms(100), per_second: None, fault_every: None };
        scenario("23 articles, 100 ms latency, no rate limit", 23, fast).await;
        // 12 requests in two rounds of 6: the concurrency at which the
        // fewest requests take the fewest rounds.
        scenario_at("23 articles, 100 ms latency, no rate limit, concurrency 6", 23, fast, 6).await;
        scenario_at("23 articles, 100 ms latency, no rate limit, concurrency 8", 23, fast, 8).await;
        let limited = Server { latency: ms(500), per_second: Some(2), fault_every: None };
        scenario("22 articles, 500 ms latency, 2 requests/s with 429 + Retry-After", 22, limited)
            .await;
        scenario("500 articles, 100 ms latency, no rate limit", 500, fast).await;
        let faulty = Server { latency: ms(100), per_second: Some(20), fault_every: Some(20) };
        scenario(
            "500 articles, 100 ms latency, 20 requests/s, one request in 20 fails 503",
            500,
            faulty,
        )
        .await;
        if std::env::var_os("TRAFFIC_FULL").is_some() {
            let slow = Server { latency: ms(1000), per_second: Some(1), fault_every: None };
            scenario("200 articles, 1 s latency, 1 request/s with 429 + Retry-After", 200, slow)
                .await;
            scenario("5000 articles, 100 ms latency, no rate limit", 5000, fast).await;
        }
        println!("peak RSS {} KiB", common::peak_rss_kb());
    });
}
