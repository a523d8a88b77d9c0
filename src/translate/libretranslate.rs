//! LibreTranslate (`POST /translate` with `q` as a JSON array).
//!
//! No glossary: terms travel as placeholders, restored and verified.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use super::config::provider_config;
use super::http;
use super::placeholder;
use super::registry::{Built, KeyEnv, Setup, Spec};
use super::{Batch, Limits, Provider, ProviderError, TermSupport, primary_lang};

const NAME: &str = "libretranslate";
/// Where the key is read from unless `api_key_env` names another variable.
const KEY_ENV: &str = "LIBRETRANSLATE_API_KEY";
/// LibreTranslate's own default address.
const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:5000";

provider_config! {
    /// `[translate.libretranslate]`: a LibreTranslate server; only the
    /// settings every provider takes.
    pub struct LibreTranslateConfig(NAME) {}
}

/// A LibreTranslate server; the key is optional (servers may not require one).
#[derive(Debug)]
pub(crate) struct LibreTranslate {
    base: String,
    key: Option<SecretString>,
    env: String,
    client: reqwest::Client,
}

impl Spec for LibreTranslateConfig {
    fn key_env(&self) -> KeyEnv {
        // Servers may not require one.
        KeyEnv::Optional(KEY_ENV)
    }

    fn default_endpoint(&self, _env: &dyn Fn(&str) -> Option<String>) -> String {
        DEFAULT_ENDPOINT.to_string()
    }

    fn build(&self, s: &Setup<'_>) -> Result<Built, super::Error> {
        let (env, key) = s.key(NAME, KEY_ENV, false)?;
        let base = s.endpoint(NAME, DEFAULT_ENDPOINT)?;
        let provider = LibreTranslate { base: base.clone(), key, env, client: s.client.clone() };
        Ok(Built { provider: Arc::new(provider), endpoint: base })
    }
}

#[derive(Deserialize)]
struct Reply {
    #[serde(rename = "translatedText")]
    translated: Vec<String>,
}

#[async_trait]
impl Provider for LibreTranslate {
    fn name(&self) -> &'static str {
        NAME
    }

    fn limits(&self) -> Limits {
        // Servers default to no limit; these keep one request well under
        // typical `--char-limit` settings and a few seconds of work.
        Limits { max_segments: 50, max_bytes: 16 * 1024 }
    }

    fn terminology(&self) -> TermSupport {
        TermSupport::Inline
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let (q, slots): (Vec<String>, Vec<_>) =
            batch.items.iter().map(|i| placeholder::protect(i.text, i.terms)).unzip();
        let mut body = json!({
            "q": q,
            "source": primary_lang(batch.source_lang),
            "target": primary_lang(batch.target_lang),
            "format": "text",
        });
        if let (Some(k), Some(map)) = (&self.key, body.as_object_mut()) {
            map.insert("api_key".into(), json!(k.expose_secret()));
        }
        let req = self.client.post(format!("{}/translate", self.base)).json(&body);
        let reply = match http::send(NAME, req, self.key.as_ref()).await? {
            Ok(r) => r,
            Err(f) => {
                let m = f.message.to_ascii_lowercase();
                return Err(match f.status.as_u16() {
                    // Servers that require a key answer 400 when it is missing.
                    400 if m.contains("api key") => {
                        ProviderError::Auth { provider: NAME, env: self.env.clone() }
                    }
                    400 if m.contains("exceeds") => ProviderError::TooLarge { provider: NAME },
                    400 if m.contains("not supported") => {
                        ProviderError::UnsupportedPair { provider: NAME, pair: f.message }
                    }
                    // Repeated 429s get the client banned; say so.
                    403 if m.contains("too many") => ProviderError::QuotaExhausted {
                        provider: NAME,
                        detail: format!(
                            "{} (the server banned this client for flooding)",
                            f.message
                        ),
                    },
                    _ => http::map_failure(NAME, &self.env, f),
                });
            }
        };
        let reply: Reply = http::json(NAME, &reply)?;
        if reply.translated.len() != batch.items.len() {
            return Err(ProviderError::BadResponse {
                provider: NAME,
                detail: format!(
                    "{} translations for {} segments",
                    reply.translated.len(),
                    batch.items.len()
                ),
            });
        }
        reply
            .translated
            .into_iter()
            .zip(&slots)
            .zip(batch.items)
            .map(|((t, s), item)| {
                placeholder::restore(&t, s).map_err(|e| ProviderError::BadResponse {
                    provider: NAME,
                    detail: format!("segment {}: {e}", item.id),
                })
            })
            .collect()
    }
}
