//! Several workers on one batch, through the binary, against a local server
//! speaking the DeepL protocol that records every text it is sent, and a
//! real PostgreSQL memory: sharded workers pay for each sentence once, a
//! worker killed mid-run costs at most what it had in flight, and the
//! rate limits and Retry-After pauses hold for all workers together.
//! See: #14

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::pg::{self, PASSWORD};
use crate::support::{root, validate_xliff, xliff_files};

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    /// When it arrived, from the server's start.
    at: Duration,
    /// The worker, told apart by its API key.
    key: String,
    texts: Vec<String>,
}

/// A DeepL `/v2/translate` that answers `EN <text>` after `delay`, records
/// every request, and answers the first request after `throttle_after`
/// requests with 429 and `Retry-After: 2` (none when `None`).
#[derive(Clone)]
struct DeepL {
    seen: Arc<Mutex<Vec<Seen>>>,
    start: Instant,
    delay: Duration,
    throttle_after: Option<usize>,
}

impl Respond for DeepL {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        let texts: Vec<String> = body["text"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        let key = r
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().trim_start_matches("DeepL-Auth-Key ").to_string())
            .unwrap_or_default();
        let mut seen = self.seen.lock().unwrap();
        if self.throttle_after == Some(seen.len()) {
            seen.push(Seen { at: self.start.elapsed(), key, texts: Vec::new() });
            return ResponseTemplate::new(429).insert_header("Retry-After", "2");
        }
        seen.push(Seen { at: self.start.elapsed(), key, texts: texts.clone() });
        let out: Vec<Value> = texts
            .iter()
            .map(|t| json!({"detected_source_language": "FR", "text": format!("EN {t}")}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({ "translations": out }))
            .set_delay(self.delay)
    }
}

async fn deepl(delay: Duration, throttle_after: Option<usize>) -> (MockServer, DeepL) {
    let server = MockServer::start().await;
    let responder = DeepL { seen: Arc::default(), start: Instant::now(), delay, throttle_after };
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .respond_with(responder.clone())
        .mount(&server)
        .await;
    (server, responder)
}

impl DeepL {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn texts(&self) -> Vec<String> {
        self.seen().into_iter().flat_map(|s| s.texts).collect()
    }
}

/// Sentences shared by articles in several shards: wire copy repeated
/// across feeds.
fn wire(i: usize) -> String {
    format!(
        "Selon une dépêche commune numéro {i}, les ministres de la Défense se réuniront à Bruxelles."
    )
}

/// `n` one-article JSON Lines files: a title and six sentences, four of
/// the article's own and two taken from eight wire sentences, so that a
/// third of what the batch holds repeats across articles (and so across
/// shards).
fn batch(dir: &Path, n: usize) -> PathBuf {
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
        body.push_str(&wire(a % 8));
        body.push(' ');
        body.push_str(&wire((a * 3 + 1) % 8));
        let line =
            json!({"title": format!("Dépêche numéro {a} du jour"), "lang": "fr", "body": body});
        std::fs::write(input.join(format!("article-{a:02}.jsonl")), format!("{line}\n")).unwrap();
    }
    input
}

/// A `depeche translate` worker for share `k` of `n`, with its own key.
fn worker(
    k: usize,
    n: usize,
    input: &Path,
    out: &Path,
    mt: &MockServer,
    tm: &str,
    config: Option<&Path>,
) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("depeche"));
    cmd.current_dir(root());
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.args(["translate", "--no-progress", "--provider", "deepl", "--terms", "off", "-j", "2"])
        .args(["--endpoint", &mt.uri(), "--tm", tm, "--shard", &format!("{k}/{n}"), "--out"])
        .arg(out)
        .arg(input)
        .env("DEEPL_AUTH_KEY", format!("worker-{k}:fx"))
        .env("PGPASSWORD", PASSWORD)
        .env("DEPECHE_CLAIM_LEASE", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn wait_ok(child: Child) -> Output {
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The distinct sources of every XLIFF in `out` (normalised), after
/// checking that there is one valid file per article.
fn sources(out: &Path, articles: usize) -> BTreeSet<String> {
    let files = xliff_files(out);
    assert_eq!(files.len(), articles, "{files:?}");
    validate_xliff(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    let mut all = BTreeSet::new();
    for f in &files {
        for unit in &depeche::xliff::read_file(f).unwrap().files[0].units {
            all.insert(depeche::tm::normalize(&unit.source));
        }
    }
    all
}

/// `xliff      N files in ... (M unchanged)` of a summary: N − M.
fn written(out: &Output) -> usize {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("xliff      ")).unwrap();
    let n: usize = line.split(' ').next().unwrap().parse().unwrap();
    let unchanged: usize =
        line.rsplit('(').next().unwrap().split(' ').next().unwrap().parse().unwrap();
    n - unchanged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_shards_pay_for_each_sentence_once() {
    let Some(server) = pg::server() else { return pg::skip("four shards") };
    let tm = server.url_without_password(&server.fresh_db());
    let dir = tempfile::tempdir().unwrap();
    let articles = 24;
    let input = batch(dir.path(), articles);
    let out = dir.path().join("out");
    let (mt, deepl) = deepl(Duration::from_millis(100), None).await;
    let children: Vec<Child> =
        (1..=4).map(|k| worker(k, 4, &input, &out, &mt, &tm, None).spawn().unwrap()).collect();
    let outputs: Vec<Output> = children.into_iter().map(wait_ok).collect();

    let unique = sources(&out, articles);
    let sent = deepl.texts();
    let distinct: BTreeSet<String> = sent.iter().map(|t| depeche::tm::normalize(t)).collect();
    // 24 titles, 96 own sentences, 8 wire sentences met 48 times.
    assert_eq!(unique.len(), 24 + 96 + 8);
    assert_eq!(sent.len(), unique.len(), "texts sent: {}, unique: {}", sent.len(), unique.len());
    assert_eq!(distinct, unique);
    // Every XLIFF written once: by exactly one shard.
    assert_eq!(outputs.iter().map(written).sum::<usize>(), articles);
    let keys: BTreeSet<String> = deepl.seen().into_iter().map(|s| s.key).collect();
    assert_eq!(keys.len(), 4, "every worker sent its share: {keys:?}");
    // The claims are all let go at the end.
    let db = tm.rsplit('/').next().unwrap();
    assert_eq!(server.query(db, "SELECT count(*) FROM depeche.claims"), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_run_costs_only_what_it_had_in_flight() {
    let Some(server) = pg::server() else { return pg::skip("killed worker") };
    let db = server.fresh_db();
    let tm = server.url_without_password(&db);
    let dir = tempfile::tempdir().unwrap();
    let articles = 32;
    let input = batch(dir.path(), articles);
    let out = dir.path().join("out");
    let (mt, deepl) = deepl(Duration::from_millis(250), None).await;
    let mut children: Vec<Child> =
        (1..=4).map(|k| worker(k, 4, &input, &out, &mt, &tm, None).spawn().unwrap()).collect();
    // Shard 2 dies (SIGKILL) once it has had two answers and sent a third.
    let deadline = Instant::now() + Duration::from_secs(60);
    while deepl.seen().iter().filter(|s| s.key == "worker-2:fx").count() < 3 {
        assert!(Instant::now() < deadline, "shard 2 never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let victim = children.remove(1);
    // SAFETY: kill has no memory-safety preconditions; the pid is our child's.
    unsafe { libc::kill(victim.id() as i32, libc::SIGKILL) };
    let killed = victim.wait_with_output().unwrap();
    assert!(!killed.status.success());
    // What it had sent but not stored is lost: those texts may be paid again.
    let stored: BTreeSet<String> = server
        .query(&db, "SELECT string_agg(source, E'\\n') FROM depeche.entries")
        .lines()
        .map(str::to_string)
        .collect();
    let lost: BTreeSet<String> = deepl
        .seen()
        .into_iter()
        .filter(|s| s.key == "worker-2:fx")
        .flat_map(|s| s.texts)
        .map(|t| depeche::tm::normalize(&t))
        .filter(|t| !stored.contains(t))
        .collect();
    for child in children {
        wait_ok(child);
    }
    // Started again, it finishes its share.
    wait_ok(worker(2, 4, &input, &out, &mt, &tm, None).spawn().unwrap());

    let unique = sources(&out, articles);
    let sent = deepl.texts();
    let mut times: HashMap<String, usize> = HashMap::new();
    for t in &sent {
        *times.entry(depeche::tm::normalize(t)).or_default() += 1;
    }
    let twice: Vec<(&String, &usize)> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.iter().all(|(t, n)| **n == 2 && lost.contains(*t)),
        "paid twice beyond what was in flight at the kill ({} lost): {twice:?}",
        lost.len()
    );
    assert!(
        sent.len() <= unique.len() + lost.len(),
        "{} > {} + {}",
        sent.len(),
        unique.len(),
        lost.len()
    );
    assert_eq!(times.len(), unique.len(), "every sentence translated");
    assert!(
        !std::fs::read_dir(&out)
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().starts_with('.') }),
        "no temporary file left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_retry_after_hold_for_all_workers_together() {
    let Some(server) = pg::server() else { return pg::skip("shared limits") };
    let tm = server.url_without_password(&server.fresh_db());
    let dir = tempfile::tempdir().unwrap();
    let articles = 16;
    let input = batch(dir.path(), articles);
    let out = dir.path().join("out");
    // 4 requests a second for the key, whoever sends them; the 6th request
    // is told to wait 2 s.
    let config = dir.path().join("depeche.toml");
    std::fs::write(
        &config,
        "[translate]\nrequests_per_second = 4.0\n[translate.deepl]\nmax_segments = 3\n",
    )
    .unwrap();
    let (mt, deepl) = deepl(Duration::from_millis(20), Some(5)).await;
    let children: Vec<Child> = (1..=3)
        .map(|k| worker(k, 3, &input, &out, &mt, &tm, Some(&config)).spawn().unwrap())
        .collect();
    for child in children {
        wait_ok(child);
    }
    sources(&out, articles);
    let seen = deepl.seen();
    assert!(seen.len() > 20, "{}", seen.len());
    // Rate: after the burst of 4, at most 4 a second in any window.
    let times: Vec<f64> = seen.iter().map(|s| s.at.as_secs_f64()).collect();
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..].iter().take_while(|u| **u < t + 2.0).count();
        assert!(in_window <= 4 + 8 + 1, "{in_window} requests within 2 s from {t:.2} s");
    }
    let span = times.last().unwrap() - times.first().unwrap();
    assert!(
        span >= (seen.len() as f64 - 4.0) / 4.0 - 0.5,
        "{} requests in {span:.2} s",
        seen.len()
    );
    // Retry-After: nobody sent anything while the lane was paused.
    let throttled = seen[5].at.as_secs_f64();
    let during: Vec<f64> =
        times.iter().copied().filter(|t| *t > throttled + 0.3 && *t < throttled + 1.8).collect();
    assert!(during.is_empty(), "requests during the pause at {throttled:.2} s: {during:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_character_budget_is_spent_by_all_workers_together() {
    let Some(server) = pg::server() else { return pg::skip("shared budget") };
    let tm = server.url_without_password(&server.fresh_db());
    let dir = tempfile::tempdir().unwrap();
    let input = batch(dir.path(), 16);
    let out = dir.path().join("out");
    let (mt, deepl) = deepl(Duration::ZERO, None).await;
    let children: Vec<Child> = (1..=3)
        .map(|k| {
            let mut cmd = worker(k, 3, &input, &out, &mt, &tm, None);
            cmd.args(["--max-chars", "2000"]);
            cmd.spawn().unwrap()
        })
        .collect();
    let mut closed = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        closed += usize::from(text.contains("character budget reached"));
    }
    let chars: usize = deepl.texts().iter().map(|t| t.chars().count()).sum();
    assert!(chars <= 2000, "{chars} characters sent for a budget of 2000");
    assert!(chars > 1000, "{chars}");
    assert!(closed >= 1, "some worker met the closed budget");
}
