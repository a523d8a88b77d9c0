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

/// Builds the client a provider uses: keep-alive and the three timeouts.
pub(crate) fn client(t: Timeouts) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
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
    let resp = req.send().await.map_err(|e| transport(provider, e))?;
    let status = resp.status();
    let retry_after = retry_after(resp.headers(), SystemTime::now());
    let body = resp.bytes().await.map_err(|e| transport(provider, e))?.to_vec();
    if status.is_success() {
        return Ok(Ok(Reply { body }));
    }
    let text = redact(&String::from_utf8_lossy(&body), key);
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

/// Removes the key from text that came back from a server, in case the
/// server echoes request headers into its error pages.
pub(crate) fn redact(text: &str, key: Option<&SecretString>) -> String {
    match key.map(|k| k.expose_secret()).filter(|k| k.len() >= 4) {
        Some(k) => text.replace(k, "[redacted]"),
        None => text.to_string(),
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
        assert_eq!(redact("bad key SECRET-123!", Some(&key)), "bad key [redacted]!");
    }
}
