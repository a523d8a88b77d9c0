//! Every network provider against a local server speaking its protocol and
//! failing the ways its documentation says it can: 429 with `Retry-After`,
//! 5xx, exhausted quota, rejected keys, timeouts, resets, malformed JSON, an
//! HTML error page and a wrong number of translations.
//!
//! Each scenario is one table-driven test that runs all providers at once.
//! The servers echo `EN:<source>` for each segment they receive, so a target
//! put on the wrong segment would show.

use std::future::Future;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use depeche::translate::{ProviderError, Translator};
use futures::future::join_all;
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::support::{article, config, resetting_server, targets, translator};

/// The key every provider is given; it must not come back in messages.
const KEY: &str = "test-key-98765";

/// A provider, with the protocol its fake server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    DeepL,
    GoogleV2,
    GoogleV3,
    Azure,
    Libre,
    OpenAi,
    Apertium,
}

const ALL: [P; 7] =
    [P::DeepL, P::GoogleV2, P::GoogleV3, P::Azure, P::Libre, P::OpenAi, P::Apertium];

/// How the echo server answers a batch of `n` segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One translation per segment.
    Echo,
    /// One translation fewer when `n > 1`.
    DropLast,
    /// One translation more when `n > 1`.
    AddOne,
}

impl P {
    fn name(self) -> &'static str {
        match self {
            P::DeepL => "deepl",
            P::GoogleV2 | P::GoogleV3 => "google",
            P::Azure => "azure",
            P::Libre => "libretranslate",
            P::OpenAi => "openai",
            P::Apertium => "apertium",
        }
    }

    fn path(self) -> &'static str {
        match self {
            P::DeepL => "/v2/translate",
            P::GoogleV2 => "/language/translate/v2",
            P::GoogleV3 => "/v3/projects/newsroom/locations/global:translateText",
            P::Azure | P::Libre => "/translate",
            P::OpenAi => "/v1/chat/completions",
            P::Apertium => "/translateChain",
        }
    }

    fn key_env(self) -> Option<&'static str> {
        match self {
            P::DeepL => Some("DEEPL_AUTH_KEY"),
            P::GoogleV2 => Some("GOOGLE_API_KEY"),
            P::GoogleV3 => Some("GOOGLE_ACCESS_TOKEN"),
            P::Azure => Some("AZURE_TRANSLATOR_KEY"),
            P::Libre => Some("LIBRETRANSLATE_API_KEY"),
            P::OpenAi => Some("OPENAI_API_KEY"),
            P::Apertium => None,
        }
    }

    /// A translator for this provider at `uri`; `extra` holds top-level
    /// `[translate]` settings.
    fn translator(self, uri: &str, extra: &str) -> Translator {
        let mut toml = extra.to_string();
        if self == P::GoogleV3 {
            toml.push_str("[google]\nversion = \"v3\"\nproject = \"newsroom\"\n");
        }
        let vars: Vec<(&str, &str)> = self.key_env().map(|e| (e, KEY)).into_iter().collect();
        translator(&config(&toml), self.name(), uri, &vars)
    }

    /// The (id, text) of each segment in a request; ids only for OpenAI.
    fn sources(self, r: &Request) -> Vec<(String, String)> {
        let body = || serde_json::from_slice::<Value>(&r.body).unwrap();
        let strings = |v: &Value| -> Vec<(String, String)> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|t| (String::new(), t.as_str().unwrap().to_string()))
                .collect()
        };
        match self {
            P::DeepL => strings(&body()["text"]),
            P::GoogleV2 | P::Libre => strings(&body()["q"]),
            P::GoogleV3 => strings(&body()["contents"]),
            P::Azure => {
                let v = body();
                let texts: Vec<Value> =
                    v.as_array().unwrap().iter().map(|o| o["Text"].clone()).collect();
                strings(&Value::Array(texts))
            }
            P::OpenAi => {
                let v = body();
                let user: Value =
                    serde_json::from_str(v["messages"][1]["content"].as_str().unwrap()).unwrap();
                user["segments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        (
                            s["id"].as_str().unwrap().to_string(),
                            s["text"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            }
            P::Apertium => {
                let q = form_field(&r.body, "q");
                q.split("</p>")
                    .filter_map(|b| b.strip_prefix("<p>"))
                    .map(|b| (String::new(), unescape(b)))
                    .collect()
            }
        }
    }

    /// The provider's success body carrying `out` as (id, translation).
    fn answer(self, out: &[(String, String)]) -> Value {
        let texts = out.iter().map(|(_, t)| t.as_str());
        match self {
            P::DeepL => json!({"translations": texts
                .map(|t| json!({"detected_source_language": "FR", "text": t}))
                .collect::<Vec<_>>()}),
            P::GoogleV2 => json!({"data": {"translations": texts
                .map(|t| json!({"translatedText": t}))
                .collect::<Vec<_>>()}}),
            P::GoogleV3 => json!({"translations": texts
                .map(|t| json!({"translatedText": t}))
                .collect::<Vec<_>>()}),
            P::Azure => json!(
                texts
                    .map(|t| json!({"translations": [{"text": t, "to": "en"}]}))
                    .collect::<Vec<_>>()
            ),
            P::Libre => json!({"translatedText": texts.collect::<Vec<_>>()}),
            P::OpenAi => {
                let items: Vec<Value> =
                    out.iter().map(|(id, t)| json!({"id": id, "text": t})).collect();
                json!({"id": "chatcmpl-1", "object": "chat.completion", "choices": [{
                    "index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json!({"translations": items}).to_string()},
                }]})
            }
            P::Apertium => {
                let html: String = texts.map(|t| format!("<p>{}</p>", escape(t))).collect();
                json!({"responseData": {"translatedText": html, "translationChain": ["fra", "cat", "eng"]},
                    "responseDetails": null, "responseStatus": 200})
            }
        }
    }

    /// The echo server's answer to `r`.
    fn echo(self, r: &Request, shape: Shape) -> ResponseTemplate {
        let mut out: Vec<(String, String)> =
            self.sources(r).into_iter().map(|(id, t)| (id, format!("EN:{t}"))).collect();
        if out.len() > 1 {
            match shape {
                Shape::Echo => {}
                Shape::DropLast => {
                    out.pop();
                }
                Shape::AddOne => {
                    let last = out.last().cloned().unwrap();
                    out.push(last);
                }
            }
        }
        ResponseTemplate::new(200).set_body_json(self.answer(&out))
    }

    /// The documented answer to too many requests, asking for one second.
    fn rate_limited(self) -> ResponseTemplate {
        let body = match self {
            P::DeepL => json!({"message": "Too many requests"}),
            P::GoogleV2 | P::GoogleV3 => json!({"error": {"code": 429,
                "message": "Resource has been exhausted (e.g. check quota).",
                "status": "RESOURCE_EXHAUSTED"}}),
            P::Azure => json!({"error": {"code": 429001,
                "message": "The server rejected the request because the client has exceeded request limits."}}),
            P::Libre => json!({"error": "Slowdown: 20 per 1 minute"}),
            P::OpenAi => {
                json!({"error": {"message": "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
                "type": "requests", "param": null, "code": "rate_limit_exceeded"}})
            }
            // APy has no rate limiting; a proxy in front of it may.
            P::Apertium => json!({"status": "error", "code": 429, "message": "Too Many Requests",
                "explanation": "Too Many Requests"}),
        };
        ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_json(body)
    }

    /// The documented body of a server-side failure.
    fn server_error(self, status: u16) -> ResponseTemplate {
        let body = match self {
            P::DeepL => json!({"message": "Internal server error"}),
            P::GoogleV2 | P::GoogleV3 => json!({"error": {"code": status,
                "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}),
            P::Azure => json!({"error": {"code": u32::from(status) * 1000,
                "message": "The service is temporarily unavailable."}}),
            P::Libre => json!({"error": "Internal Server Error"}),
            P::OpenAi => {
                json!({"error": {"message": "The server had an error while processing your request.",
                "type": "server_error", "param": null, "code": null}})
            }
            P::Apertium => json!({"status": "error", "code": status,
                "message": "Service Unavailable", "explanation": "internal error"}),
        };
        ResponseTemplate::new(status).set_body_json(body)
    }

    /// The documented answer once the account has no quota left.
    fn quota(self) -> Option<ResponseTemplate> {
        let (status, body) = match self {
            P::DeepL => (456, json!({"message": "Quota exceeded"})),
            P::GoogleV2 | P::GoogleV3 => (
                403,
                json!({"error": {"code": 403,
                "message": "Daily Limit Exceeded",
                "errors": [{"message": "Daily Limit Exceeded", "domain": "usageLimits",
                    "reason": "dailyLimitExceeded"}],
                "status": "PERMISSION_DENIED"}}),
            ),
            P::Azure => (
                403,
                json!({"error": {"code": 403001,
                "message": "The operation is not allowed because the subscription has exceeded its free quota."}}),
            ),
            // The flood ban after repeated 429s: nothing passes until it is lifted.
            P::Libre => (403, json!({"error": "Too many request limits violations"})),
            P::OpenAi => (
                429,
                json!({"error": {
                "message": "You exceeded your current quota, please check your plan and billing details.",
                "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}),
            ),
            P::Apertium => return None,
        };
        Some(ResponseTemplate::new(status).set_body_json(body))
    }

    /// The documented answer to a wrong key.
    fn bad_key(self) -> Option<ResponseTemplate> {
        let (status, body) = match self {
            P::DeepL => (403, json!({"message": "Authorization failure, check auth_key"})),
            P::GoogleV2 => (
                400,
                json!({"error": {"code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}),
            ),
            P::GoogleV3 => (
                401,
                json!({"error": {"code": 401,
                "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
                "status": "UNAUTHENTICATED"}}),
            ),
            P::Azure => (
                401,
                json!({"error": {"code": 401000,
                "message": "The request is not authorized because credentials are missing or invalid."}}),
            ),
            P::Libre => (403, json!({"error": "Invalid API key"})),
            P::OpenAi => (
                401,
                json!({"error": {
                "message": format!("Incorrect API key provided: {KEY}. You can find your API key at https://platform.openai.com/account/api-keys."),
                "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}),
            ),
            P::Apertium => return None,
        };
        Some(ResponseTemplate::new(status).set_body_json(body))
    }

    /// A 200 whose JSON stops halfway: the start of a real answer.
    fn malformed(self) -> ResponseTemplate {
        let full = self.answer(&[(String::new(), "EN:Bonjour.".into())]).to_string();
        let half = full.get(..full.len() / 2).unwrap().to_string();
        ResponseTemplate::new(200).set_body_raw(half, "application/json")
    }
}

/// One field of an `application/x-www-form-urlencoded` body.
fn form_field(body: &[u8], name: &str) -> String {
    let text = std::str::from_utf8(body).unwrap();
    let raw = text
        .split('&')
        .find_map(|kv| kv.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        .unwrap();
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// A server answering `first`, one response each, in order, then `shape`.
async fn server(p: P, first: Vec<ResponseTemplate>, shape: Shape) -> MockServer {
    let s = MockServer::start().await;
    for (i, t) in first.into_iter().enumerate() {
        Mock::given(path(p.path()))
            .respond_with(t)
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap())
            .mount(&s)
            .await;
    }
    Mock::given(path(p.path()))
        .respond_with(move |r: &Request| p.echo(r, shape))
        .with_priority(100)
        .mount(&s)
        .await;
    s
}

/// A server answering `t` to every request.
async fn always(p: P, t: ResponseTemplate) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(path(p.path())).respond_with(t).mount(&s).await;
    s
}

/// Requests the server received.
async fn received(s: &MockServer) -> usize {
    s.received_requests().await.unwrap().len()
}

/// Runs `scenario` for every provider at once.
async fn each<F, Fut>(scenario: F)
where
    F: Fn(P) -> Fut,
    Fut: Future<Output = ()>,
{
    join_all(ALL.iter().map(|p| scenario(*p))).await;
}

fn en(texts: &[&str]) -> Vec<Option<String>> {
    texts.iter().map(|t| Some(format!("EN:{t}"))).collect()
}

/// A proxy to `upstream` that resets the first connection it accepts.
fn reset_once_then_forward(upstream: &str) -> String {
    let up = upstream.trim_start_matches("http://").to_string();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut first = true;
        for client in l.incoming().flatten() {
            if std::mem::take(&mut first) {
                // Closing with unread request bytes makes the kernel send RST.
                let mut one = [0u8; 1];
                let _ = (&client).read(&mut one);
                drop(client);
                continue;
            }
            let Ok(server) = TcpStream::connect(&up) else { continue };
            for (mut from, mut to) in
                [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
            {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_waits_for_retry_after_then_translates() {
    each(|p| async move {
        let s = server(p, vec![p.rate_limited()], Shape::Echo).await;
        let mut a = article(&[&["Bonjour."]]);
        let start = Instant::now();
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(900), "{p:?} did not wait: {waited:?}");
        assert_eq!((st.requests, st.retries, st.translated, st.failed), (2, 1, 1, 0), "{p:?}");
        assert_eq!(received(&s).await, 2, "{p:?}");
        assert_eq!(targets(&a), en(&["Bonjour."]), "{p:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_then_translated() {
    each(|p| async move {
        let s = server(p, vec![p.server_error(500), p.server_error(503)], Shape::Echo).await;
        let mut a = article(&[&["Bonjour."], &["Merci."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.retries, st.translated, st.failed), (3, 2, 2, 0), "{p:?}");
        assert_eq!(received(&s).await, 3, "{p:?}");
        assert_eq!(targets(&a), en(&["Bonjour.", "Merci."]), "{p:?}");

        // Attempts are bounded: max_attempts = 3 fails the batch on the third 503.
        let s = always(p, p.server_error(503)).await;
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.failed), (3, 1), "{p:?}");
        assert_eq!(received(&s).await, 3, "{p:?}");
        let want = format!("{} failed on its side (HTTP 503)", p.name());
        assert!(st.errors[0].to_string().contains(&want), "{p:?}: {:?}", st.errors);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_quota_opens_the_circuit_without_retrying() {
    each(|p| async move {
        let Some(quota) = p.quota() else { return };
        let s = always(p, quota).await;
        let t = p.translator(&s.uri(), "");
        let mut a = article(&[&["Un.", "Deux."], &["Trois."]]);
        let err = t.translate_article(&mut a, "en-GB").await.unwrap_err();
        assert!(matches!(err.error, ProviderError::CircuitOpen { .. }), "{p:?}: {err:?}");
        let msg = err.to_string();
        assert!(msg.contains(&format!("{} quota is exhausted", p.name())), "{p:?}: {msg}");
        assert!(msg.contains("wait for the quota to renew or raise it"), "{p:?}: {msg}");
        assert!(!msg.contains(KEY), "{p:?}: {msg}");
        assert_eq!(received(&s).await, 1, "{p:?}");
        assert_eq!(targets(&a), vec![None, None, None], "{p:?}");

        // Later articles are not sent at all.
        let mut b = article(&[&["Merci."]]);
        let err = t.translate_article(&mut b, "en-GB").await.unwrap_err();
        assert!(err.to_string().contains("quota is exhausted"), "{p:?}: {err}");
        assert_eq!(received(&s).await, 1, "{p:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_key_names_the_variable_without_retrying() {
    each(|p| async move {
        let (Some(reply), Some(env)) = (p.bad_key(), p.key_env()) else { return };
        let s = always(p, reply).await;
        let t = p.translator(&s.uri(), "");
        let mut a = article(&[&["Bonjour."]]);
        let err = t.translate_article(&mut a, "en-GB").await.unwrap_err();
        let msg = err.to_string();
        let want = format!("{} rejected the API key (check {env})", p.name());
        assert!(msg.contains(&want), "{p:?}: {msg}");
        assert!(msg.contains("check the key, then run again"), "{p:?}: {msg}");
        assert!(!msg.contains(KEY), "{p:?}: {msg}");
        assert_eq!(received(&s).await, 1, "{p:?}");
        let mut b = article(&[&["Merci."]]);
        assert!(t.translate_article(&mut b, "en-GB").await.is_err(), "{p:?}");
        assert_eq!(received(&s).await, 1, "{p:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_are_retried_a_bounded_number_of_times() {
    each(|p| async move {
        let s = MockServer::start().await;
        Mock::given(path(p.path()))
            .respond_with(move |r: &Request| {
                p.echo(r, Shape::Echo).set_delay(Duration::from_secs(3))
            })
            .mount(&s)
            .await;
        let t = p.translator(&s.uri(), "timeout_ms = 300\nmax_attempts = 2\n");
        let mut a = article(&[&["Bonjour."]]);
        let start = Instant::now();
        let st = t.translate_article(&mut a, "en-GB").await.unwrap();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(2), "{p:?} waited for the server: {took:?}");
        assert_eq!((st.requests, st.retries, st.failed), (2, 1, 1), "{p:?}");
        assert_eq!(received(&s).await, 2, "{p:?}");
        let want = format!("{} could not be reached", p.name());
        assert!(st.errors[0].to_string().contains(&want), "{p:?}: {:?}", st.errors);
        assert_eq!(targets(&a), vec![None], "{p:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_resets_are_retried() {
    each(|p| async move {
        // Reset once, then a working server behind the same address.
        let s = server(p, vec![], Shape::Echo).await;
        let url = reset_once_then_forward(&s.uri());
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&url, "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.retries, st.translated), (2, 1, 1), "{p:?}: {st:?}");
        assert_eq!(received(&s).await, 1, "{p:?}");
        assert_eq!(targets(&a), en(&["Bonjour."]), "{p:?}");

        // A server that always resets: three attempts, then the segment fails.
        let url = resetting_server();
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&url, "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.failed), (3, 1), "{p:?}");
        let want = format!("{} could not be reached", p.name());
        assert!(st.errors[0].to_string().contains(&want), "{p:?}: {:?}", st.errors);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_resent_once_then_failed() {
    each(|p| async move {
        let s = always(p, p.malformed()).await;
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.translated, st.failed), (2, 0, 1), "{p:?}");
        assert_eq!(received(&s).await, 2, "{p:?}");
        let want = format!("{} sent an unusable response: invalid JSON", p.name());
        assert!(st.errors[0].to_string().contains(&want), "{p:?}: {:?}", st.errors);
        assert_eq!(targets(&a), vec![None], "{p:?}");

        // A batch of two: split, each half resent once, then failed.
        let s = always(p, p.malformed()).await;
        let mut a = article(&[&["Un.", "Deux."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.translated, st.failed), (5, 0, 2), "{p:?}");
        assert_eq!(received(&s).await, 5, "{p:?}");
        assert_eq!(targets(&a), vec![None, None], "{p:?}");

        // Malformed once: the halves come back, each on its own segment.
        let s = server(p, vec![p.malformed()], Shape::Echo).await;
        let mut a = article(&[&["Un.", "Deux."], &["Trois."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.translated, st.failed), (3, 0), "{p:?}");
        assert_eq!(received(&s).await, 3, "{p:?}");
        assert_eq!(targets(&a), en(&["Un.", "Deux.", "Trois."]), "{p:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_error_pages_are_retried_as_server_errors() {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>\n".repeat(100)
    );
    let page = &page;
    each(|p| async move {
        let html = || ResponseTemplate::new(502).set_body_raw(page.clone(), "text/html");
        let s = server(p, vec![html(), html()], Shape::Echo).await;
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.retries, st.translated), (3, 2, 1), "{p:?}");
        assert_eq!(received(&s).await, 3, "{p:?}");
        assert_eq!(targets(&a), en(&["Bonjour."]), "{p:?}");

        let s = always(p, html()).await;
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.failed), (3, 1), "{p:?}");
        let msg = &st.errors[0].to_string();
        assert!(
            msg.contains(&format!("{} failed on its side (HTTP 502)", p.name())),
            "{p:?}: {msg}"
        );
        assert!(!msg.contains('<') && msg.len() < 200, "{p:?}: the page leaked: {msg}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_translation_counts_split_the_batch_and_stay_aligned() {
    each(|p| async move {
        for shape in [Shape::DropLast, Shape::AddOne] {
            let s = server(p, vec![], shape).await;
            let mut a = article(&[&["Un.", "Deux."], &["Trois."]]);
            let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
            assert_eq!((st.translated, st.failed), (3, 0), "{p:?} {shape:?}: {st:?}");
            // [1 2 3] -> [1] + [2 3] -> [2] + [3].
            assert_eq!((st.requests, received(&s).await), (5, 5), "{p:?} {shape:?}");
            assert_eq!(targets(&a), en(&["Un.", "Deux.", "Trois."]), "{p:?} {shape:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn google_user_rate_limit_is_retried() {
    for p in [P::GoogleV2, P::GoogleV3] {
        let limited = ResponseTemplate::new(403).set_body_json(json!({"error": {"code": 403,
            "message": "User Rate Limit Exceeded",
            "errors": [{"message": "User Rate Limit Exceeded", "domain": "usageLimits",
                "reason": "userRateLimitExceeded"}]}}));
        let s = server(p, vec![limited], Shape::Echo).await;
        let mut a = article(&[&["Bonjour."]]);
        let st = p.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.retries, st.translated), (2, 1, 1), "{p:?}");
        assert_eq!(targets(&a), en(&["Bonjour."]), "{p:?}");
    }
}

#[tokio::test]
async fn openai_quota_is_recognised_by_type_alone() {
    // Older answers and some compatible servers leave `code` null.
    let s = always(
        P::OpenAi,
        ResponseTemplate::new(429).set_body_json(json!({"error": {
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "type": "insufficient_quota", "param": null, "code": null}})),
    )
    .await;
    let t = P::OpenAi.translator(&s.uri(), "");
    let err = t.translate_article(&mut article(&[&["Bonjour."]]), "en-GB").await.unwrap_err();
    assert!(err.to_string().contains("openai quota is exhausted"), "{err}");
    assert_eq!(received(&s).await, 1);
}

#[tokio::test]
async fn libretranslate_missing_key_names_the_variable() {
    // Servers started with --api-keys --require-api-key-origin answer 400.
    let s = always(
        P::Libre,
        ResponseTemplate::new(400).set_body_json(
            json!({"error": "Visit https://portal.libretranslate.com to get an API key"}),
        ),
    )
    .await;
    let t = translator(&config(""), "libretranslate", &s.uri(), &[]);
    let err = t.translate_article(&mut article(&[&["Bonjour."]]), "en-GB").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("libretranslate rejected the API key (check LIBRETRANSLATE_API_KEY)"),
        "{err}"
    );
    assert_eq!(received(&s).await, 1);
}

#[tokio::test]
async fn apertium_missing_pair_fails_without_retrying() {
    // Current APy error bodies, and the older `responseStatus` form.
    for body in [
        json!({"status": "error", "code": 400, "message": "Bad Request",
            "explanation": "That pair is not installed"}),
        json!({"responseData": null, "responseDetails": "That pair is not installed",
            "responseStatus": 400}),
    ] {
        let s = always(P::Apertium, ResponseTemplate::new(400).set_body_json(body)).await;
        let mut a = article(&[&["Un.", "Deux."]]);
        let st =
            P::Apertium.translator(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.failed), (1, 2));
        assert_eq!(received(&s).await, 1);
        let msg = &st.errors[0].to_string();
        assert!(
            msg.contains("apertium does not translate fra|cat|eng (That pair is not installed)"),
            "{msg}"
        );
    }
}
