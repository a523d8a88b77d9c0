//! A DeepL glossary made from the termbase: created once per language pair,
//! found again by content hash, and named in every translate request.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{depeche, fixture, validate_xliff, xliff_files};

/// A DeepL server that echoes each text as its translation.
async fn deepl(existing: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/glossaries"))
        .and(header("authorization", "DeepL-Auth-Key test-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(existing))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/glossaries"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"glossary_id": "g-123"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/translate"))
        .respond_with(|r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let out: Vec<Value> = v["text"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| json!({"detected_source_language": "FR", "text": t}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({ "translations": out }))
        })
        .mount(&server)
        .await;
    server
}

fn run(server: &MockServer, out: &std::path::Path) {
    let reference = fixture("articles/lagazette-2025-10-31-azerbaidjan-royaume-uni.txt");
    depeche()
        .env("DEEPL_AUTH_KEY", "test-key")
        .args(["translate", "--no-progress", "--no-memory", "--provider", "deepl", "--endpoint"])
        .arg(server.uri())
        .arg("--out")
        .arg(out)
        .arg(reference)
        .assert()
        .success();
}

#[tokio::test(flavor = "multi_thread")]
async fn deepl_gets_a_glossary_from_the_termbase_and_uses_it() {
    let server = deepl(json!({"glossaries": []})).await;
    let out = tempfile::tempdir().unwrap();
    run(&server, out.path());
    let requests = server.received_requests().await.unwrap();
    let created: Vec<&Request> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/v3/glossaries")
        .collect();
    assert_eq!(created.len(), 1);
    let body: Value = serde_json::from_slice(&created[0].body).unwrap();
    let name = body["name"].as_str().unwrap();
    assert!(name.starts_with("depeche-fr-en-"), "{name}");
    let dictionary = &body["dictionaries"][0];
    assert_eq!(dictionary["source_lang"], "fr");
    assert_eq!(dictionary["target_lang"], "en");
    assert_eq!(dictionary["entries_format"], "tsv");
    let tsv = dictionary["entries"].as_str().unwrap();
    assert!(tsv.contains("ministère de la Défense\tMinistry of Defence\n"), "{tsv}");
    assert!(tsv.contains("Caliber.Az\tCaliber.Az\n"), "do-not-translate terms map to themselves");
    // A context-bound term would be forced where it means something else.
    assert!(!tsv.lines().any(|l| l.to_lowercase().starts_with("défense\t")), "{tsv}");

    let translate: Vec<&Request> =
        requests.iter().filter(|r| r.url.path() == "/v2/translate").collect();
    assert!(!translate.is_empty());
    for r in &translate {
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["glossary_id"], "g-123");
        assert_eq!(v["source_lang"], "FR");
        assert_eq!(v["target_lang"], "EN-GB");
    }
    let files = xliff_files(out.path());
    validate_xliff(&[files[0].as_path()]);

    // A glossary with the same content already on the account is reused.
    let server2 = deepl(json!({"glossaries": [{"glossary_id": "g-old", "name": name}]})).await;
    let out2 = tempfile::tempdir().unwrap();
    run(&server2, out2.path());
    let requests = server2.received_requests().await.unwrap();
    assert!(
        !requests.iter().any(|r| r.method.as_str() == "POST" && r.url.path() == "/v3/glossaries")
    );
    let first = requests.iter().find(|r| r.url.path() == "/v2/translate").unwrap();
    let v: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(v["glossary_id"], "g-old");
}
