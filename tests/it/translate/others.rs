//! LibreTranslate, OpenAI-compatible, Azure and Google against local
//! servers speaking their protocols.

use depeche::Origin;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::support::{article, config, hit, targets, translator};

const SRC: &str = "Le ministère des Armées a reçu Caliber.Az.";

fn terms() -> Vec<depeche::TermHit> {
    vec![
        hit(SRC, "ministère des Armées", Some("Ministry of the Armed Forces"), false),
        hit(SRC, "Caliber.Az", None, true),
    ]
}

#[tokio::test]
async fn libretranslate_sends_q_as_array_with_placeholders() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/translate"))
        .and(body_json(json!({
            "q": ["Le GLOSSTERM1 a reçu GLOSSTERM2.", "Bonjour."],
            "source": "fr", "target": "en", "format": "text", "api_key": "lt-key",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"translatedText": ["The GLOSSTERM1 received GLOSSTERM2.", "Hello."]}),
        ))
        .expect(1)
        .mount(&s)
        .await;
    let t = translator(
        &config(""),
        "libretranslate",
        &s.uri(),
        &[("LIBRETRANSLATE_API_KEY", "lt-key")],
    );
    let mut a = article(&[&[SRC, "Bonjour."]]);
    a.paragraphs[0].segments[0].terms = terms();
    let st = t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(st.translated, 2);
    assert_eq!(
        targets(&a)[0].as_deref(),
        Some("The Ministry of the Armed Forces received Caliber.Az.")
    );

    // A lost placeholder fails that segment only, after one resend.
    let s = MockServer::start().await;
    Mock::given(path("/translate"))
        .respond_with(|r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let out: Vec<String> = v["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| {
                    q.as_str().unwrap().replace("GLOSSTERM2", "Caliber").replace("Bonjour", "Hello")
                })
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"translatedText": out}))
        })
        .mount(&s)
        .await;
    let t = translator(&config(""), "libretranslate", &s.uri(), &[]);
    let mut a = article(&[&[SRC, "Bonjour."]]);
    a.paragraphs[0].segments[0].terms = terms();
    let st = t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!((st.translated, st.failed), (1, 1), "{st:?}");
    assert!(
        st.errors[0].to_string().contains("placeholder GLOSSTERM2 came back 0 times"),
        "{:?}",
        st.errors
    );
    assert_eq!(targets(&a), vec![None, Some("Hello.".to_string())]);

    // 429 Slowdown is retried; 403 flood ban opens the circuit.
    let s = MockServer::start().await;
    Mock::given(path("/translate"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": "Too many request limits violations"})),
        )
        .expect(1)
        .mount(&s)
        .await;
    let t = translator(&config(""), "libretranslate", &s.uri(), &[]);
    let err = t.translate_article(&mut article(&[&["Bonjour."]]), "en").await.unwrap_err();
    assert!(err.to_string().contains("banned this client"), "{err}");
}

#[tokio::test]
async fn openai_answers_are_keyed_by_id_and_checked() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("Authorization", "Bearer sk-test"))
        .and(|r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let system = v["messages"][0]["content"].as_str().unwrap();
            let user: Value = serde_json::from_str(v["messages"][1]["content"].as_str().unwrap()).unwrap();
            v["model"] == "mistral-small"
                && v["temperature"] == 0.2
                && system.contains("ministère des Armées => Ministry of the Armed Forces")
                && system.contains("Caliber.Az => Caliber.Az (do not translate)")
                && user == json!({"segments": [{"id": "p1.s1", "text": SRC}, {"id": "p1.s2", "text": "Bonjour."}]})
                && v["response_format"]["json_schema"]["schema"]["properties"]["translations"]["items"]
                    ["properties"]["id"]["enum"]
                    == json!(["p1.s1", "p1.s2"])
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content":
                json!({"translations": [{"id": "p1.s2", "text": "Hello."},
                    {"id": "p1.s1", "text": "The Ministry of the Armed Forces received Caliber.Az."}]}).to_string()}}]
        })))
        .expect(1)
        .mount(&s)
        .await;
    let cfg = config("[openai]\nmodel = \"mistral-small\"\ntemperature = 0.2\n");
    let t = translator(&cfg, "openai", &s.uri(), &[("OPENAI_API_KEY", "sk-test")]);
    let mut a = article(&[&[SRC, "Bonjour."]]);
    a.paragraphs[0].segments[0].terms = terms();
    t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(targets(&a)[1].as_deref(), Some("Hello."));
    assert_eq!(a.paragraphs[0].segments[0].origin, Origin::Mt { provider: "openai".into() });

    // insufficient_quota is not retried; rate_limit_exceeded is.
    let s = MockServer::start().await;
    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(429).set_body_json(
            json!({"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}),
        ))
        .expect(1)
        .mount(&s)
        .await;
    let t = translator(&config(""), "openai", &s.uri(), &[]);
    let err = t.translate_article(&mut article(&[&["Bonjour."]]), "en").await.unwrap_err();
    assert!(err.to_string().contains("openai quota is exhausted"), "{err}");

    // An answer with a wrong id is not trusted.
    let s = MockServer::start().await;
    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"choices": [{"finish_reason": "stop",
            "message": {"content": "{\"translations\":[{\"id\":\"zzz\",\"text\":\"Hello.\"}]}"}}]})))
        .mount(&s)
        .await;
    let t = translator(&config(""), "openai", &s.uri(), &[]);
    let mut a = article(&[&["Bonjour."]]);
    let st = t.translate_article(&mut a, "en").await.unwrap();
    assert_eq!((st.failed, st.requests), (1, 2));
    assert!(st.errors[0].to_string().contains("segment p1.s1 missing"), "{:?}", st.errors);
}

#[tokio::test]
async fn azure_uses_key_region_and_dynamic_dictionary() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/translate"))
        .and(query_param("api-version", "3.0"))
        .and(query_param("from", "fr"))
        .and(query_param("to", "en"))
        .and(header("Ocp-Apim-Subscription-Key", "az-key"))
        .and(header("Ocp-Apim-Subscription-Region", "westeurope"))
        .and(body_json(json!([{"Text": "Le <mstrans:dictionary translation=\"Ministry of the Armed Forces\">ministère des Armées</mstrans:dictionary> a reçu <mstrans:dictionary translation=\"Caliber.Az\">Caliber.Az</mstrans:dictionary>."}])))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!([{"translations": [{"text": "The Ministry of the Armed Forces received Caliber.Az.", "to": "en"}]}]),
        ))
        .expect(1)
        .mount(&s)
        .await;
    let vars = [("AZURE_TRANSLATOR_KEY", "az-key"), ("AZURE_TRANSLATOR_REGION", "westeurope")];
    let t = translator(&config(""), "azure", &s.uri(), &vars);
    let mut a = article(&[&[SRC]]);
    a.paragraphs[0].segments[0].terms = terms();
    t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(
        targets(&a)[0].as_deref(),
        Some("The Ministry of the Armed Forces received Caliber.Az.")
    );

    let s = MockServer::start().await;
    Mock::given(path("/translate"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": 403001, "message": "free quota used up"}})),
        )
        .expect(1)
        .mount(&s)
        .await;
    let t = translator(&config(""), "azure", &s.uri(), &vars);
    let err = t.translate_article(&mut article(&[&["Bonjour."]]), "en").await.unwrap_err();
    assert!(err.to_string().contains("azure quota is exhausted: free quota used up"), "{err}");
}

#[tokio::test]
async fn google_v2_and_v3_requests() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/language/translate/v2"))
        .and(header("x-goog-api-key", "g-key"))
        .and(body_json(
            json!({"q": ["Bonjour."], "source": "fr", "target": "en", "format": "text"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"translations": [{"translatedText": "Hello."}]}})),
        )
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/projects/newsroom/locations/us-central1:translateText"))
        .and(header("Authorization", "Bearer g-token"))
        .and(body_json(json!({
            "contents": ["Bonjour."], "mimeType": "text/plain",
            "sourceLanguageCode": "fr", "targetLanguageCode": "en",
            "glossaryConfig": {"glossary": "projects/newsroom/locations/us-central1/glossaries/defence", "ignoreCase": true},
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "translations": [{"translatedText": "Hi."}],
            "glossaryTranslations": [{"translatedText": "Hello (glossary)."}],
        })))
        .expect(1)
        .mount(&s)
        .await;
    let t = translator(&config(""), "google", &s.uri(), &[("GOOGLE_API_KEY", "g-key")]);
    let mut a = article(&[&["Bonjour."]]);
    t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(targets(&a)[0].as_deref(), Some("Hello."));

    let cfg = config(
        "[google]\nversion = \"v3\"\nproject = \"newsroom\"\nlocation = \"us-central1\"\n\
         glossary = \"projects/newsroom/locations/us-central1/glossaries/defence\"\n",
    );
    let t = translator(&cfg, "google", &s.uri(), &[("GOOGLE_ACCESS_TOKEN", "g-token")]);
    let mut a = article(&[&["Bonjour."]]);
    t.translate_article(&mut a, "en-GB").await.unwrap();
    assert_eq!(targets(&a)[0].as_deref(), Some("Hello (glossary)."));

    let s = MockServer::start().await;
    Mock::given(path("/language/translate/v2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {"code": 403, "message": "Daily Limit Exceeded", "status": "PERMISSION_DENIED"}})))
        .expect(1)
        .mount(&s)
        .await;
    let t = translator(&config(""), "google", &s.uri(), &[("GOOGLE_API_KEY", "g-key")]);
    let err = t.translate_article(&mut article(&[&["Bonjour."]]), "en").await.unwrap_err();
    assert!(err.to_string().contains("google quota is exhausted: Daily Limit Exceeded"), "{err}");
}
