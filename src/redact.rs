//! Credentials out of text meant for people and files: endpoint URLs carry
//! passwords (`https://user:pass@host`) and keys in query parameters, and
//! they end up in summaries, XLIFF notes and reports. Everything that shows
//! a provider's endpoint passes through [`redact`]. See: #12

/// Removes credentials from text that may hold URLs: the user and password
/// of `scheme://user:pass@host`, and the values of query parameters that
/// carry keys, tokens or signatures (`?key=...`, `&api_key=...`).
///
/// ```
/// use depeche::redact::redact;
///
/// assert_eq!(
///     redact("libretranslate (https://bob:s3cret@mt.example/?api_key=abc&x=1)"),
///     "libretranslate (https://***@mt.example/?api_key=***&x=1)"
/// );
/// ```
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(tail.len());
        let (url, after) = tail.split_at(end);
        out.push_str(&redact_url(url));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// [`redact`] for one URL without its scheme.
fn redact_url(url: &str) -> String {
    const SECRET: &[&str] = &[
        "key",
        "api_key",
        "apikey",
        "api-key",
        "auth_key",
        "token",
        "access_token",
        "password",
        "pass",
        "secret",
        "sig",
        "signature",
        "x-goog-api-key",
        "subscription-key",
        "code",
    ];
    let authority_end = url.find(['/', '?', '#']).unwrap_or(url.len());
    let (authority, path) = url.split_at(authority_end);
    let mut out = match authority.rfind('@') {
        Some(at) => format!("***{}", authority.get(at..).unwrap_or_default()),
        None => authority.to_string(),
    };
    let Some(q) = path.find('?') else {
        out.push_str(path);
        return out;
    };
    let (before, query) = path.split_at(q);
    out.push_str(before);
    out.push('?');
    let query = query.get(1..).unwrap_or_default();
    let (query, fragment) = match query.find('#') {
        Some(h) => query.split_at(h),
        None => (query, ""),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET.contains(&name.to_ascii_lowercase().as_str()) => {
                format!("{name}=***")
            }
            _ => pair.to_string(),
        })
        .collect();
    out.push_str(&params.join("&"));
    out.push_str(fragment);
    out
}

/// Decodes standard base64 (as in an HTTP `Authorization: Basic` header)
/// into text; `None` when it is not base64 of UTF-8 text.
pub(crate) fn decode_base64(encoded: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(encoded.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in encoded.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_removed_from_urls() {
        assert_eq!(redact("no url here"), "no url here");
        assert_eq!(
            redact("openai (https://user:hunter2@llm.example:8443/v1)"),
            "openai (https://***@llm.example:8443/v1)"
        );
        assert_eq!(
            redact("GET http://h/translate?q=1&key=AIzaSECRET&KEY=x#frag failed"),
            "GET http://h/translate?q=1&key=***&KEY=***#frag failed"
        );
        assert_eq!(
            redact("a https://x/?token=t b https://y/?sig=s"),
            "a https://x/?token=*** b https://y/?sig=***"
        );
        assert_eq!(redact("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
    }

    #[test]
    fn basic_authentication_is_decoded() {
        assert_eq!(decode_base64("bmV3c3Jvb206aHVudGVyMg==").as_deref(), Some("newsroom:hunter2"));
        assert_eq!(decode_base64("YQ").as_deref(), Some("a"));
        assert_eq!(decode_base64("not base64!"), None);
    }
}
