//! No key in any output: every provider runs with a recognisable fake key
//! against servers that fail and echo the whole request back.

use depeche::translate::{Overrides, provider_list};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::support::{FAKE_KEY, article, config, translator};

/// The password of the endpoint URL.
const PASSWORD: &str = "PASSWORD-DO-NOT-LEAK-456";

/// Answers `status` with the request's headers and body echoed in the body.
async fn echoing(status: u16) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(move |r: &Request| {
            let headers: Vec<String> = r
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("")))
                .collect();
            let echo = format!(
                "{{\"message\": \"denied {} {} {}\", \"error\": {{\"message\": \"denied {}\"}}}}",
                r.url,
                headers.join(" | ").replace('"', "'"),
                String::from_utf8_lossy(&r.body).replace('"', "'"),
                headers.join(" | ").replace('"', "'") + " " + PASSWORD,
            );
            ResponseTemplate::new(status).set_body_raw(echo, "application/json")
        })
        .mount(&s)
        .await;
    s
}

#[tokio::test]
async fn no_provider_shows_the_key_anywhere() {
    let cases: [(&str, &str, &str); 6] = [
        ("deepl", "DEEPL_AUTH_KEY", ""),
        ("google", "GOOGLE_API_KEY", ""),
        ("google", "GOOGLE_ACCESS_TOKEN", "[google]\nproject = \"p\"\n"),
        ("azure", "AZURE_TRANSLATOR_KEY", ""),
        ("libretranslate", "LIBRETRANSLATE_API_KEY", ""),
        ("openai", "OPENAI_API_KEY", ""),
    ];
    for (provider, var, extra) in cases {
        for status in [400, 401, 429, 500] {
            let s = echoing(status).await;
            let cfg = config(&format!("max_attempts = 2\ngive_up_after_secs = 1\n{extra}"));
            // Credentials in the endpoint, as a proxy may need. See: #15
            let endpoint = s.uri().replacen("http://", &format!("http://newsroom:{PASSWORD}@"), 1);
            let t = translator(&cfg, provider, &endpoint, &[(var, FAKE_KEY)]);
            let mut a = article(&[&["Bonjour."]]);
            let result = t.translate_article(&mut a, "en-GB").await;
            let checks = t.check().await;
            // The echo really carries the key, so redaction is what is tested.
            let received = s.received_requests().await.unwrap();
            assert!(!received.is_empty(), "{provider}: no request reached the server");
            let mut outputs = vec![
                format!("{result:?}"),
                format!("{t:?}"),
                format!("{cfg:?}"),
                format!("{a:?}"),
                format!("{checks:?}"),
                t.describe(),
            ];
            match &result {
                Ok(stats) => outputs.extend(stats.errors.iter().map(ToString::to_string)),
                Err(e) => {
                    outputs.push(e.to_string());
                    let mut src = std::error::Error::source(e);
                    while let Some(s) = src {
                        outputs.push(s.to_string());
                        src = s.source();
                    }
                }
            }
            for (_, r) in &checks {
                if let Err(e) = r {
                    outputs.push(e.to_string());
                }
            }
            // What a panic or a log line could print is in `outputs` too.
            for out in &outputs {
                assert!(!out.contains(FAKE_KEY), "{provider} HTTP {status} leaked the key: {out}");
                assert!(
                    !out.contains(PASSWORD),
                    "{provider} HTTP {status} leaked the password: {out}"
                );
            }
            assert!(
                outputs.iter().any(|o| o.contains(provider)),
                "{provider}: outputs should name the provider"
            );
        }
    }
    let listed = format!("{:?}", provider_list(&config(""), &Overrides::default()));
    assert!(!listed.contains(FAKE_KEY));
}
