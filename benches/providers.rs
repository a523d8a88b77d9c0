//! Throughput of the translate stage against a local provider that answers
//! after a fixed delay and enforces its own rate limit.
//!
//! Run: `cargo bench --bench providers`. Reports requests, segments per
//! request, wall time, the lower bound set by latency, concurrency and the
//! rate limit, their ratio, and peak RSS.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use depeche::model::{Article, Paragraph, Role, Segment};
use depeche::translate::{Overrides, TranslateConfig, Translator};
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ARTICLES: usize = 500;
const LATENCY: Duration = Duration::from_millis(50);
const CONCURRENCY: usize = 8;
const CLIENT_RPS: f64 = 150.0;
const SERVER_RPS: f64 = 200.0;

const SENTENCES: &[&str] = &[
    "Les ministères de la Défense de l'Azerbaïdjan et du Royaume-Uni ont signé un plan bilatéral de coopération pour la période 2026-2027.",
    "Le document a été paraphé à Bakou par les chefs des délégations lors d'une réunion de travail.",
    "Les deux parties ont examiné les perspectives de coopération dans les domaines de la sécurité militaire et de la formation.",
    "Selon le ministère, des échanges d'expérience sont prévus entre les académies militaires des deux pays.",
    "Le chef d'état-major des armées a salué un partenariat « fondé sur la confiance ».",
    "Une délégation britannique se rendra en Azerbaïdjan au printemps prochain.",
];

fn article(i: usize) -> Article {
    let mut paragraphs = vec![Paragraph::new("p1", Role::Title, "COOPÉRATION MILITAIRE RENFORCÉE")];
    paragraphs[0].segments = vec![Segment::new("p1.s1", "COOPÉRATION MILITAIRE RENFORCÉE")];
    for p in 0..3 {
        let id = format!("p{}", p + 2);
        let sents: Vec<&str> =
            (0..3).map(|k| SENTENCES[(i + p * 3 + k) % SENTENCES.len()]).collect();
        let mut para = Paragraph::new(&id, Role::Body, sents.join(" "));
        para.segments = sents
            .iter()
            .enumerate()
            .map(|(k, s)| Segment::new(format!("{id}.s{}", k + 1), format!("{s} ({i})")))
            .collect();
        paragraphs.push(para);
    }
    Article { id: format!("a{i}"), lang: "fr-FR".into(), paragraphs, ..Article::default() }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

async fn run() {
    let server = MockServer::start().await;
    // The server's own limit: a token bucket, 429 when it runs dry.
    let bucket = Arc::new(Mutex::new((SERVER_RPS, Instant::now())));
    let rejected = Arc::new(Mutex::new(0usize));
    let (b, rj) = (bucket.clone(), rejected.clone());
    Mock::given(wiremock::matchers::path("/translate"))
        .respond_with(move |r: &Request| {
            let mut g = b.lock().unwrap();
            let now = Instant::now();
            g.0 = (g.0 + now.duration_since(g.1).as_secs_f64() * SERVER_RPS).min(SERVER_RPS);
            g.1 = now;
            if g.0 < 1.0 {
                *rj.lock().unwrap() += 1;
                return ResponseTemplate::new(429).insert_header("Retry-After", "1");
            }
            g.0 -= 1.0;
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let out: Vec<String> = v["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| format!("EN {}", q.as_str().unwrap().len()))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"translatedText": out}))
                .set_delay(LATENCY)
        })
        .mount(&server)
        .await;

    let cfg: TranslateConfig = toml::from_str(&format!(
        "concurrency = {CONCURRENCY}\nrequests_per_second = {CLIENT_RPS}\n"
    ))
    .unwrap();
    let o = Overrides { provider: Some("libretranslate".into()), endpoint: Some(server.uri()) };
    let t = Arc::new(Translator::with_env(&cfg, &o, &|_| None).unwrap());

    let start = Instant::now();
    let totals = futures::stream::iter(0..ARTICLES)
        .map(|i| {
            let t = t.clone();
            async move {
                let mut a = article(i);
                t.translate_article(&mut a, "en-GB").await.unwrap()
            }
        })
        .buffer_unordered(64)
        .fold(depeche::translate::TranslateStats::default(), |mut acc, s| async move {
            acc.add(&s);
            acc
        })
        .await;
    let wall = start.elapsed().as_secs_f64();

    let requests = totals.requests;
    let latency_bound = LATENCY.as_secs_f64() * requests.div_ceil(CONCURRENCY) as f64;
    // The first second's burst comes free from the token bucket.
    let rate_bound = (requests as f64 - CLIENT_RPS).max(0.0) / CLIENT_RPS;
    let bound = latency_bound.max(rate_bound);
    println!("articles            {ARTICLES}");
    println!("requests            {requests}");
    println!("segments            {} translated, {} failed", totals.translated, totals.failed);
    println!("segments/request    {:.1}", totals.segments_sent as f64 / requests.max(1) as f64);
    println!("retries             {} (server 429s: {})", totals.retries, rejected.lock().unwrap());
    println!("wall time           {wall:.3} s");
    println!(
        "lower bound         {bound:.3} s (latency x ceil(requests/{CONCURRENCY}) = {latency_bound:.3} s, \
         rate {CLIENT_RPS}/s = {rate_bound:.3} s)"
    );
    println!("ratio               {:.3} (target <= 1.15)", wall / bound);
    println!("peak RSS            {} KiB", common::peak_rss_kb());
}
