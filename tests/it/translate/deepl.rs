//! DeepL against a local server speaking its protocol.

use std::time::{Duration, Instant};

use depeche::Origin;
use depeche::translate::{Overrides, ProviderError, Translator};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::support::{FAKE_KEY, article, config, hit, resetting_server, targets, translator};

const KEY: &str = "0123-abcd:fx";

fn deepl(server: &str, extra: &str) -> Translator {
    translator(&config(extra), "deepl", server, &[("DEEPL_AUTH_KEY", KEY)])
}

fn ok(texts: &[&str]) -> ResponseTemplate {
    let t: Vec<_> =
        texts.iter().map(|t| json!({"detected_source_language": "FR", "text": t})).collect();
    ResponseTemplate::new(200).set_body_json(json!({ "translations": t }))
}

/// Number of texts in a DeepL request body.
fn texts(r: &Request) -> usize {
    serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["text"].as_array().unwrap().len()
}

#[tokio::test]
async fn sends_the_documented_request_and_sets_targets() {
    let s = MockServer::start().await;
    let src = "Selon Caliber.Az, le ministère & l'OTAN.";
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .and(header("Authorization", format!("DeepL-Auth-Key {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "text": ["Le plan est signé", "Selon <dnt>Caliber.Az</dnt>, le ministère &amp; l'OTAN."],
            "source_lang": "FR",
            "target_lang": "EN-GB",
            "tag_handling": "xml",
            "ignore_tags": ["dnt"],
        })))
        .respond_with(ok(&["The plan is signed", "According to <dnt>Caliber.Az</dnt>, the ministry &amp; NATO."]))
        .expect(1)
        .mount(&s)
        .await;
    let t = deepl(&s.uri(), "");
    let mut a = article(&[&["LE PLAN EST SIGNÉ"], &[src]]);
    a.paragraphs[1].segments[0].terms = vec![hit(src, "Caliber.Az", None, true)];
    let st = t.translate_article(&mut a, "en-GB").await.unwrap();
    // The body matched: the shouted headline went out in sentence case.
    assert_eq!(st.requests, 1);
    assert_eq!(
        targets(&a),
        vec![
            Some("The plan is signed".to_string()),
            Some("According to Caliber.Az, the ministry & NATO.".to_string())
        ]
    );
    assert_eq!(a.paragraphs[1].segments[0].origin, Origin::Mt { provider: "deepl".into() });
    assert_eq!(st.per_provider["deepl"].chars_sent, st.chars_sent);
}

/// Mounts `first` for the first `n` requests, then a good answer echoing
/// one translation per text.
async fn script(first: ResponseTemplate, n: u64) -> MockServer {
    let s = MockServer::start().await;
    if n > 0 {
        Mock::given(path("/v2/translate"))
            .respond_with(first)
            .up_to_n_times(n)
            .with_priority(1)
            .mount(&s)
            .await;
    }
    Mock::given(path("/v2/translate"))
        .respond_with(|r: &Request| {
            let v: Vec<String> = (0..texts(r)).map(|i| format!("EN {i}")).collect();
            let refs: Vec<&str> = v.iter().map(String::as_str).collect();
            ok(&refs)
        })
        .with_priority(2)
        .mount(&s)
        .await;
    s
}

#[tokio::test]
async fn honours_retry_after_on_429() {
    let s = script(ResponseTemplate::new(429).insert_header("Retry-After", "1"), 1).await;
    let mut a = article(&[&["Bonjour."]]);
    let start = Instant::now();
    let st = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(950), "{:?}", start.elapsed());
    assert_eq!((st.requests, st.retries, st.translated), (2, 1, 1));
}

#[tokio::test]
async fn retries_server_errors_and_html_pages() {
    for first in [
        ResponseTemplate::new(503),
        ResponseTemplate::new(529),
        ResponseTemplate::new(502)
            .set_body_raw("<html><title>502 Bad Gateway</title></html>", "text/html"),
    ] {
        let s = script(first, 2).await;
        let mut a = article(&[&["Bonjour."]]);
        let st = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
        assert_eq!((st.requests, st.retries, st.translated), (3, 2, 1));
        assert_eq!(targets(&a), vec![Some("EN 0".to_string())]);
    }
    // Attempts are bounded: three 503s with max_attempts = 3 fail the segment.
    let s = script(ResponseTemplate::new(503), 3).await;
    let mut a = article(&[&["Bonjour."]]);
    let st = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.requests, st.failed), (3, 1));
    assert!(
        st.errors[0].to_string().contains("deepl failed on its side (HTTP 503)"),
        "{:?}",
        st.errors
    );
}

#[tokio::test]
async fn quota_exhausted_opens_the_circuit_and_keeps_done_work() {
    let s = MockServer::start().await;
    Mock::given(path("/v2/translate"))
        .respond_with(
            ResponseTemplate::new(456).set_body_json(json!({"message": "Quota exceeded"})),
        )
        .expect(1)
        .mount(&s)
        .await;
    let t = deepl(&s.uri(), "");
    let mut a = article(&[&["Bonjour."]]);
    a.paragraphs[0].segments[0].target = None;
    let err = t.translate_article(&mut a, "en-GB").await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err.error, ProviderError::CircuitOpen { .. }));
    assert!(msg.contains("deepl quota is exhausted: Quota exceeded"), "{msg}");
    assert!(msg.contains("wait for the quota"), "{msg}");
    // No further request once the circuit is open.
    let mut b = article(&[&["Merci."]]);
    assert!(t.translate_article(&mut b, "en-GB").await.is_err());
}

#[tokio::test]
async fn bad_key_names_the_variable_and_is_not_retried() {
    let s = MockServer::start().await;
    Mock::given(path("/v2/translate"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message": "Forbidden"})))
        .expect(1)
        .mount(&s)
        .await;
    let mut a = article(&[&["Bonjour."]]);
    let err = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap_err();
    assert!(err.to_string().contains("deepl rejected the API key (check DEEPL_AUTH_KEY)"), "{err}");
}

#[tokio::test]
async fn timeouts_and_resets_are_retried_then_failed() {
    let s = script(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)), 5).await;
    let mut a = article(&[&["Bonjour."]]);
    let t = deepl(&s.uri(), "timeout_ms = 300\nmax_attempts = 2\n");
    let st = t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.requests, st.failed, st.retries), (2, 1, 1));
    assert!(st.errors[0].to_string().contains("deepl could not be reached"), "{:?}", st.errors);

    let url = resetting_server();
    let mut a = article(&[&["Bonjour."]]);
    let st = deepl(&url, "").translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.requests, st.failed), (3, 1));
    assert!(st.errors[0].to_string().contains("could not be reached"), "{:?}", st.errors);
}

#[tokio::test]
async fn malformed_json_is_resent_once_then_failed() {
    let s = script(
        ResponseTemplate::new(200).set_body_raw("{\"translations\": [", "application/json"),
        9,
    )
    .await;
    let mut a = article(&[&["Bonjour."]]);
    let st = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.requests, st.failed, st.translated), (2, 1, 0));
    assert!(
        st.errors[0].to_string().contains("unusable response: invalid JSON"),
        "{:?}",
        st.errors
    );
    assert_eq!(targets(&a), vec![None]);
}

#[tokio::test]
async fn wrong_count_and_too_large_split_the_batch() {
    // A server that drops the last translation of any batch of two or more.
    let s = MockServer::start().await;
    Mock::given(path("/v2/translate"))
        .respond_with(|r: &Request| {
            let n = texts(r);
            let keep = if n > 1 { n - 1 } else { n };
            let v: Vec<String> = (0..keep).map(|i| format!("EN {i}")).collect();
            ok(&v.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .mount(&s)
        .await;
    let mut a = article(&[&["Un.", "Deux."], &["Trois."]]);
    let st = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.translated, st.failed), (3, 0), "{st:?}");
    assert!(st.requests >= 3, "{st:?}");
    assert!(targets(&a).iter().all(|t| t.as_deref() == Some("EN 0")));

    // A 413 nginx page for any batch over one text.
    let s = MockServer::start().await;
    Mock::given(path("/v2/translate"))
        .respond_with(|r: &Request| {
            if texts(r) > 1 {
                ResponseTemplate::new(413).set_body_raw(
                    "<html><title>413 Request Entity Too Large</title></html>",
                    "text/html",
                )
            } else {
                ok(&["EN"])
            }
        })
        .mount(&s)
        .await;
    let mut a = article(&[&["Un.", "Deux.", "Trois.", "Quatre."]]);
    let st = deepl(&s.uri(), "").translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.translated, st.failed, st.requests), (4, 0, 7), "{st:?}");
}

#[tokio::test]
async fn batches_respect_configured_limits_and_run_concurrently() {
    let s = script(ResponseTemplate::new(500), 0).await;
    let mut a = article(&[&["Un.", "Deux.", "Trois.", "Quatre.", "Cinq."]]);
    let st = deepl(&s.uri(), "[deepl]\nmax_segments = 2\n")
        .translate_article(&mut a, "en-GB")
        .await
        .unwrap();
    assert_eq!((st.requests, st.segments_sent, st.translated), (3, 5, 5));
    let sizes: Vec<usize> = s.received_requests().await.unwrap().iter().map(texts).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 5);
    assert!(sizes.iter().all(|n| *n <= 2));
}

#[tokio::test]
async fn chain_falls_back_when_deepl_is_out_of_quota() {
    let d = MockServer::start().await;
    Mock::given(path("/v2/translate")).respond_with(ResponseTemplate::new(456)).mount(&d).await;
    let l = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/translate"))
        .and(body_json(
            json!({"q": ["Bonjour."], "source": "fr", "target": "en", "format": "text"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"translatedText": ["Hello."]})),
        )
        .expect(1)
        .mount(&l)
        .await;
    let cfg = config(&format!(
        "chain = [\"memory\", \"deepl\", \"libretranslate\"]\n[deepl]\nendpoint = \"{}\"\n[libretranslate]\nendpoint = \"{}\"\n",
        d.uri(),
        l.uri()
    ));
    let t = Translator::with_env(&cfg, &Overrides::default(), &|k| {
        (k == "DEEPL_AUTH_KEY").then(|| KEY.to_string())
    })
    .unwrap();
    assert!(t.uses_memory());
    assert_eq!(
        t.describe(),
        format!("memory -> deepl ({}) -> libretranslate ({})", d.uri(), l.uri())
    );
    let mut a = article(&[&["Bonjour."]]);
    let st = t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(targets(&a), vec![Some("Hello.".to_string())]);
    assert_eq!(
        a.paragraphs[0].segments[0].origin,
        Origin::Mt { provider: "libretranslate".into() }
    );
    assert_eq!(st.per_provider["deepl"].translated, 0);
    assert_eq!(st.per_provider["libretranslate"].translated, 1);
    assert!(st.errors[0].to_string().contains("quota"), "{:?}", st.errors);
}

#[tokio::test]
async fn usage_check_glossary_and_host_choice() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/usage"))
        .and(header("Authorization", format!("DeepL-Auth-Key {KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"character_count": 180118, "character_limit": 500000})),
        )
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/glossaries"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"glossaries": []})))
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/glossaries"))
        .and(|r: &Request| {
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            let name = v["name"].as_str().unwrap_or("");
            name.starts_with("depeche-fr-en-")
                && name.len() == "depeche-fr-en-".len() + 8
                && v["dictionaries"]
                    == json!([{"source_lang": "fr", "target_lang": "en",
                        "entries": "ministère des Armées\tMinistry of the Armed Forces\n",
                        "entries_format": "tsv"}])
        })
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"glossary_id": "g-123", "name": "x"})),
        )
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .and(wiremock::matchers::body_partial_json(json!({"glossary_id": "g-123"})))
        .respond_with(ok(&["EN"]))
        .expect(1)
        .mount(&s)
        .await;
    let t = deepl(&s.uri(), "");
    let checks = t.check().await;
    assert_eq!(checks[0].1.as_ref().unwrap(), "180118 of 500000 characters used this period");
    let entries =
        vec![("ministère des Armées".to_string(), "Ministry of the Armed Forces".to_string())];
    let g = t.prepare_glossary(&entries, "fr-FR", "en-GB").await;
    assert_eq!(g[0].1.as_ref().unwrap().as_deref(), Some("g-123"));
    let mut a = article(&[&["Bonjour."]]);
    t.translate_article(&mut a, "en-GB").await.unwrap();

    let o = Overrides { provider: Some("deepl".into()), endpoint: None };
    let free = Translator::with_env(&config(""), &o, &|_| Some("k:fx".into())).unwrap();
    assert_eq!(free.describe(), "deepl (https://api-free.deepl.com)");
    let pro = Translator::with_env(&config(""), &o, &|_| Some("k".into())).unwrap();
    assert_eq!(pro.describe(), "deepl (https://api.deepl.com)");
    let err = Translator::with_env(&config(""), &o, &|_| None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "deepl needs an API key: set the environment variable DEEPL_AUTH_KEY"
    );
    let _ = FAKE_KEY;
}
