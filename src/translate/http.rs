//! HTTP plumbing shared by the providers: the client, sending, and turning
//! a status, headers and body into a [`ProviderError`].

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::{Error, ProviderError};

/// How long a request may take: to connect, between two reads (a server
/// that accepted the request and went silent), and in all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) total: Duration,
    pub(crate) connect: Duration,
    pub(crate) read: Duration,
}

/// The largest answer read from a provider. The largest legitimate one
/// (50 texts of DeepL's 128 KiB request, a model's answer) is a small part
/// of it; past it the answer is refused, so an endless body cannot take
/// the machine's memory.
pub(crate) const MAX_ANSWER_BYTES: usize = 32 << 20;

/// Redirects followed at most, and only on the same scheme, host and port:
/// the article text is never posted to a host the configuration did not
/// name.
const MAX_REDIRECTS: usize = 5;

/// Builds the client a provider uses: keep-alive, the three timeouts, and
/// redirects kept on the configured host.
pub(crate) fn client(t: Timeouts) -> Result<reqwest::Client, Error> {
    let redirects = reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt.previous().first().is_some_and(|first| {
            first.scheme() == attempt.url().scheme()
                && first.host_str() == attempt.url().host_str()
                && first.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if attempt.previous().len() > MAX_REDIRECTS || !same_origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .redirect(redirects)
        .user_agent(concat!("depeche/", env!("CARGO_PKG_VERSION")))
        .timeout(t.total)
        .connect_timeout(t.connect.min(t.total))
        .read_timeout(t.read.min(t.total))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(Error::Client)
}

/// A successful answer: status 2xx and the body.
pub(crate) struct Reply {
    /// Response body.
    pub(crate) body: Vec<u8>,
}

/// A non-2xx answer, for the provider-specific mapping.
#[derive(Debug)]
pub(crate) struct Failure {
    /// HTTP status.
    pub(crate) status: StatusCode,
    /// Wait asked for by `Retry-After`.
    pub(crate) retry_after: Option<Duration>,
    /// The message extracted from the body, redacted and shortened.
    pub(crate) message: String,
    /// The raw body as text (redacted), for provider codes.
    pub(crate) body: String,
}

/// Sends `req`; transport failures become [`ProviderError::Transport`]
/// (without the URL, which may carry parameters), HTTP errors a [`Failure`].
pub(crate) async fn send(
    provider: &'static str,
    req: RequestBuilder,
    key: Option<&SecretString>,
) -> Result<Result<Reply, Failure>, ProviderError> {
    send_capped(provider, req, key, MAX_ANSWER_BYTES).await
}

/// [`send`] with a cap on the answer's size.
async fn send_capped(
    provider: &'static str,
    req: RequestBuilder,
    key: Option<&SecretString>,
    cap: usize,
) -> Result<Result<Reply, Failure>, ProviderError> {
    let (client, request) = req.build_split();
    let request = request.map_err(|e| transport(provider, e))?;
    let secrets = Secrets::of(&request, key);
    let mut resp = client.execute(request).await.map_err(|e| transport(provider, e))?;
    let status = resp.status();
    let retry_after = retry_after(resp.headers(), SystemTime::now());
    if status.is_redirection() {
        // Only the host is named: the rest of the address may carry
        // parameters.
        let to = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| resp.url().join(l).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "an address it did not give".into());
        return Err(ProviderError::BadRequest {
            provider,
            detail: format!(
                "the endpoint redirected to {to}, which is not followed (the text would go to \
                 another host than the one configured); set the endpoint to the new address"
            ),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport(provider, e))? {
        if body.len() + chunk.len() > cap {
            return Err(ProviderError::BadRequest {
                provider,
                detail: format!(
                    "the answer is larger than {} MiB and was not read to its end",
                    cap >> 20
                ),
            });
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_success() {
        // A server that echoes the key or the endpoint's password inside its
        // answer must not have it written into targets, the memory or the TMX.
        if let Ok(text) = std::str::from_utf8(&body)
            && secrets.found_in(text)
        {
            body = secrets.remove(text).into_bytes();
        }
        return Ok(Ok(Reply { body }));
    }
    let text = secrets.remove(&String::from_utf8_lossy(&body));
    Ok(Err(Failure { status, retry_after, message: message_of(&text), body: text }))
}

fn transport(provider: &'static str, e: reqwest::Error) -> ProviderError {
    ProviderError::Transport { provider, source: Box::new(e.without_url()) }
}

/// The generic mapping of a failure; providers handle their own codes
/// (quota, auth variants) first and fall back to this.
pub(crate) fn map_failure(provider: &'static str, env: &str, f: Failure) -> ProviderError {
    let code = f.status.as_u16();
    match code {
        401 | 403 => ProviderError::Auth { provider, env: env.to_string() },
        413 => ProviderError::TooLarge { provider },
        429 => ProviderError::RateLimited { provider, retry_after: f.retry_after },
        408 | 500..=599 => {
            ProviderError::Server { provider, status: code, retry_after: f.retry_after }
        }
        _ => ProviderError::BadRequest { provider, detail: format!("HTTP {code}: {}", f.message) },
    }
}

/// Parses the JSON body of a successful reply.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    reply: &Reply,
) -> Result<T, ProviderError> {
    serde_json::from_slice(&reply.body).map_err(|e| ProviderError::BadResponse {
        provider,
        detail: format!(
            "invalid JSON ({e}): {}",
            message_of(&String::from_utf8_lossy(&reply.body))
        ),
    })
}

/// `Retry-After` as seconds or as an HTTP date, relative to `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What a server must not be able to make depeche repeat: the key, and
/// the credentials of an endpoint URL (`https://user:pass@host`), which
/// the client sends as basic authentication, both the password and the
/// encoded header value. See: #15
struct Secrets(Vec<String>);

impl Secrets {
    /// The secrets `request` carries, with `key`. Values under 4 bytes are
    /// not secrets worth cutting out of every text (and would damage it).
    fn of(request: &reqwest::Request, key: Option<&SecretString>) -> Self {
        let mut all: Vec<String> = key.map(|k| k.expose_secret().to_string()).into_iter().collect();
        for value in request.headers().get_all(reqwest::header::AUTHORIZATION) {
            let Some(token) = value.to_str().ok().and_then(|v| v.strip_prefix("Basic ")) else {
                continue;
            };
            all.push(token.trim().to_string());
            if let Some((_, password)) = crate::redact::decode_base64(token.trim())
                .as_deref()
                .and_then(|c| c.split_once(':'))
            {
                all.push(password.to_string());
            }
        }
        all.retain(|s| s.len() >= 4);
        // The longest first, so that a secret holding another goes whole.
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self(all)
    }

    fn found_in(&self, text: &str) -> bool {
        self.0.iter().any(|s| text.contains(s.as_str()))
    }

    /// `text` with every secret replaced by `[redacted]`.
    fn remove(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.0 {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "[redacted]");
            }
        }
        out
    }
}

/// A short, single-line message from an error body: the JSON `message`
/// (or `error.message`, `error`, `explanation`, APy's `responseDetails`)
/// when there is one, the `<title>` of an HTML page, otherwise the start of
/// the text.
pub(crate) fn message_of(body: &str) -> String {
    let trimmed = body.trim();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
        let candidates = [
            v.pointer("/error/message"),
            v.get("explanation"),
            v.get("message"),
            v.get("error"),
            v.get("detail"),
            v.get("responseDetails"),
        ];
        if let Some(s) = candidates.into_iter().flatten().find_map(|c| c.as_str()) {
            return shorten(s);
        }
    }
    if trimmed.starts_with('<') {
        let lower = trimmed.to_ascii_lowercase();
        if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>"))
            && let Some(t) = trimmed.get(a + 7..b)
        {
            return format!("HTML page: {}", shorten(t));
        }
        return "HTML page".to_string();
    }
    if trimmed.is_empty() { "empty body".to_string() } else { shorten(trimmed) }
}

fn shorten(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", one_line.get(..i).unwrap_or("")),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn test_client() -> reqwest::Client {
        let s = Duration::from_secs(5);
        client(Timeouts { total: s, connect: s, read: s }).unwrap()
    }

    // See: #15
    #[tokio::test]
    async fn redirects_stay_on_the_configured_host() {
        let elsewhere = MockServer::start().await;
        Mock::given(path("/v2/translate"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .expect(0)
            .mount(&elsewhere)
            .await;
        let endpoint = MockServer::start().await;
        Mock::given(path("/v2/translate"))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("Location", format!("{}/v2/translate?k=1", elsewhere.uri())),
            )
            .mount(&endpoint)
            .await;
        Mock::given(path("/old"))
            .respond_with(ResponseTemplate::new(308).insert_header("Location", "/new"))
            .mount(&endpoint)
            .await;
        Mock::given(path("/new"))
            .respond_with(ResponseTemplate::new(200).set_body_string("moved"))
            .mount(&endpoint)
            .await;
        let c = test_client();
        let req = c.post(format!("{}/v2/translate", endpoint.uri())).body("Bonjour.");
        let err = send("deepl", req, None).await.err().unwrap();
        let text = err.to_string();
        assert!(matches!(err, ProviderError::BadRequest { .. }), "{text}");
        assert!(text.contains("redirected to 127.0.0.1, which is not followed"), "{text}");
        assert!(!text.contains("k=1"), "{text}");
        // On the same host, a moved path is followed.
        let req = c.post(format!("{}/old", endpoint.uri())).body("Bonjour.");
        let reply = send("deepl", req, None).await.unwrap().unwrap();
        assert_eq!(reply.body, b"moved");
        elsewhere.verify().await;
    }

    // See: #15
    #[tokio::test]
    async fn answers_are_capped_and_keys_echoed_in_them_removed() {
        let server = MockServer::start().await;
        Mock::given(path("/big"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 4 << 20]))
            .mount(&server)
            .await;
        Mock::given(path("/echo"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string(r#"{"translations":[{"text":"Hello sk-SECRET-42"}]}"#),
            )
            .mount(&server)
            .await;
        let c = test_client();
        let err = send_capped("deepl", c.get(format!("{}/big", server.uri())), None, 1 << 20)
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
        let key = SecretString::from("sk-SECRET-42");
        let reply = send("deepl", c.get(format!("{}/echo", server.uri())), Some(&key))
            .await
            .unwrap()
            .unwrap();
        let body = String::from_utf8(reply.body).unwrap();
        assert_eq!(body, r#"{"translations":[{"text":"Hello [redacted]"}]}"#);
    }

    #[test]
    fn retry_after_in_seconds_and_as_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:07 GMT"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:27:00 GMT"));
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn messages_from_json_html_and_text() {
        assert_eq!(message_of(r#"{"message":"Quota exceeded"}"#), "Quota exceeded");
        assert_eq!(message_of(r#"{"error":{"code":403001,"message":"free quota"}}"#), "free quota");
        assert_eq!(
            message_of(r#"{"error":"Slowdown: 20 per 1 minute"}"#),
            "Slowdown: 20 per 1 minute"
        );
        assert_eq!(
            message_of("<html><head><title>413 Request Entity Too Large</title></head></html>"),
            "HTML page: 413 Request Entity Too Large"
        );
        assert_eq!(
            message_of(r#"{"responseData":null,"responseDetails":"That pair is not installed"}"#),
            "That pair is not installed"
        );
        assert_eq!(message_of("   "), "empty body");
        assert!(message_of(&"x".repeat(500)).chars().count() <= 201);
    }

    #[test]
    fn redaction() {
        let key = SecretString::from("SECRET-123");
        let request = test_client().get("http://newsroom:hunter2@127.0.0.1:9/x").build().unwrap();
        let secrets = Secrets::of(&request, Some(&key));
        assert_eq!(secrets.remove("bad key SECRET-123!"), "bad key [redacted]!");
        // The endpoint's password, and the header that carries it.
        assert_eq!(
            secrets.remove("hunter2, Basic bmV3c3Jvb206aHVudGVyMg=="),
            "[redacted], Basic [redacted]"
        );
        assert!(!secrets.found_in("newsroom"));
    }
}
