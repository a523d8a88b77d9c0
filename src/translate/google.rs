//! Google Cloud Translation: v2 (`/language/translate/v2`, API key) and
//! v3 (`/v3/projects/{p}/locations/{l}:translateText`, bearer token).
//!
//! Terminology: v3 `glossaryConfig` when a glossary is configured; with v2,
//! protected terms are sent as their target inside `notranslate` spans.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::config::provider_config;
use super::http;
use super::primary_lang;
use super::registry::{Built, KeyEnv, Setup, Spec};
use super::{Batch, BatchItem, Limits, Provider, ProviderError, TermSupport};
use crate::xml::{escape_markup, unescape_markup};

const NAME: &str = "google";
/// Google's Translation API host.
const DEFAULT_ENDPOINT: &str = "https://translation.googleapis.com";
/// Where the v2 API key is read from unless `api_key_env` names another variable.
const KEY_ENV_V2: &str = "GOOGLE_API_KEY";
/// Where the v3 bearer token is read from unless `api_key_env` names another variable.
const KEY_ENV_V3: &str = "GOOGLE_ACCESS_TOKEN";

provider_config! {
    /// `[translate.google]`: Google Cloud Translation, v2 (API key) or v3
    /// (bearer token and project).
    pub struct GoogleConfig(NAME) {
        /// Model path (v3).
        pub model: Option<String>,
        /// Cloud project (v3); setting it selects v3 unless `version` says otherwise.
        pub project: Option<String>,
        /// Cloud location (v3, default `global`).
        pub location: Option<String>,
        /// API version: `v2` or `v3`.
        pub version: Option<String>,
        /// Glossary resource name (v3).
        pub glossary: Option<String>,
    }
}

impl GoogleConfig {
    /// True when the settings select the v3 API.
    fn is_v3(&self) -> bool {
        match self.version.as_deref() {
            Some(v) => v == "v3",
            None => self.project.is_some(),
        }
    }
}

/// A Google Cloud Translation client.
#[derive(Debug)]
pub(crate) struct Google {
    base: String,
    key: SecretString,
    env: String,
    /// `projects/P/locations/L` for v3; none for v2.
    parent: Option<String>,
    glossary: Option<String>,
    model: Option<String>,
    client: reqwest::Client,
}

impl Spec for GoogleConfig {
    fn key_env(&self) -> KeyEnv {
        KeyEnv::Required(if self.is_v3() { KEY_ENV_V3 } else { KEY_ENV_V2 })
    }

    fn default_endpoint(&self, _env: &dyn Fn(&str) -> Option<String>) -> String {
        DEFAULT_ENDPOINT.to_string()
    }

    fn build(&self, s: &Setup<'_>) -> Result<Built, super::Error> {
        let v3 = self.is_v3();
        if let Some(v) = self.version.as_deref().filter(|v| !matches!(*v, "v2" | "v3")) {
            return Err(super::Error::Config {
                detail: format!("[translate.google] version `{v}`: use \"v2\" or \"v3\""),
            });
        }
        let parent = if v3 {
            let project = self.project.clone().ok_or_else(|| super::Error::Config {
                detail: "[translate.google] v3 needs `project`".into(),
            })?;
            let location = self.location.clone().unwrap_or_else(|| "global".into());
            Some(format!("projects/{project}/locations/{location}"))
        } else {
            None
        };
        let default_env = if v3 { KEY_ENV_V3 } else { KEY_ENV_V2 };
        let (env, key) = s.key(NAME, default_env, true)?;
        let key =
            key.ok_or_else(|| super::Error::MissingKey { provider: NAME, env: env.clone() })?;
        let base = s.endpoint(NAME, DEFAULT_ENDPOINT)?;
        let provider = Google {
            base: base.clone(),
            key,
            env,
            parent,
            glossary: self.glossary.clone(),
            model: self.model.clone(),
            client: s.client.clone(),
        };
        Ok(Built { provider: Arc::new(provider), endpoint: base })
    }
}

/// v2 HTML: the text escaped, protected terms replaced by their target in
/// a `notranslate` span.
fn protected_html(item: &BatchItem<'_>) -> String {
    let keep = |t: &crate::model::TermHit| t.do_not_translate || t.expected.is_some();
    let render = |_: &str, target: &str| {
        format!("<span class=\"notranslate\">{}</span>", escape_markup(target))
    };
    super::placeholder::splice_terms(item, keep, escape_markup, render).0
}

impl Google {
    fn failure(&self, f: http::Failure) -> ProviderError {
        let m = f.message.to_ascii_lowercase();
        match f.status.as_u16() {
            403 if m.contains("daily limit") => {
                ProviderError::QuotaExhausted { provider: NAME, detail: f.message }
            }
            403 if m.contains("rate limit") => {
                ProviderError::RateLimited { provider: NAME, retry_after: f.retry_after }
            }
            // A wrong v2 key is a 400 (`API_KEY_INVALID`), not a 401/403.
            400 if m.contains("api key") => {
                ProviderError::Auth { provider: NAME, env: self.env.clone() }
            }
            400 if m.contains("too long") || m.contains("too many") || m.contains("exceed") => {
                ProviderError::TooLarge { provider: NAME }
            }
            400 if m.contains("language") && m.contains("support") => {
                ProviderError::UnsupportedPair { provider: NAME, pair: f.message }
            }
            _ => http::map_failure(NAME, &self.env, f),
        }
    }
}

#[async_trait]
impl Provider for Google {
    fn name(&self) -> &'static str {
        NAME
    }

    fn limits(&self) -> Limits {
        if self.parent.is_some() {
            // v3: 1,024 items and 30K code points; bytes bound code points.
            Limits { max_segments: 1024, max_bytes: 30_000 }
        } else {
            // v2: 128 segments; Google recommends 5K code points per request.
            Limits { max_segments: 128, max_bytes: 30_000 }
        }
    }

    fn terminology(&self) -> TermSupport {
        if self.glossary.is_some() { TermSupport::Native } else { TermSupport::Inline }
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let (src, tgt) = (primary_lang(batch.source_lang), primary_lang(batch.target_lang));
        let (req, pointer, html) = match &self.parent {
            Some(parent) => {
                let contents: Vec<&str> = batch.items.iter().map(|i| i.text).collect();
                let mut body = json!({
                    "contents": contents,
                    "mimeType": "text/plain",
                    "sourceLanguageCode": src,
                    "targetLanguageCode": tgt,
                });
                let mut pointer = "/translations";
                if let Some(map) = body.as_object_mut() {
                    if let Some(g) = &self.glossary {
                        map.insert(
                            "glossaryConfig".into(),
                            json!({"glossary": g, "ignoreCase": true}),
                        );
                        pointer = "/glossaryTranslations";
                    }
                    if let Some(m) = &self.model {
                        map.insert("model".into(), json!(m));
                    }
                }
                let req = self
                    .client
                    .post(format!("{}/v3/{parent}:translateText", self.base))
                    .bearer_auth(self.key.expose_secret())
                    .json(&body);
                (req, pointer, false)
            }
            None => {
                let html = batch
                    .items
                    .iter()
                    .any(|i| i.terms.iter().any(|t| t.do_not_translate || t.expected.is_some()));
                let q: Vec<String> = batch
                    .items
                    .iter()
                    .map(|i| if html { protected_html(i) } else { i.text.to_string() })
                    .collect();
                let body = json!({
                    "q": q, "source": src, "target": tgt,
                    "format": if html { "html" } else { "text" },
                });
                // The key goes in a header: a URL may end up in logs.
                let req = self
                    .client
                    .post(format!("{}/language/translate/v2", self.base))
                    .header("x-goog-api-key", self.key.expose_secret())
                    .json(&body);
                (req, "/data/translations", html)
            }
        };
        let reply = http::send(NAME, req, Some(&self.key)).await?.map_err(|f| self.failure(f))?;
        let v: Value = http::json(NAME, &reply)?;
        let rows = v.pointer(pointer).and_then(Value::as_array).ok_or_else(|| {
            ProviderError::BadResponse {
                provider: NAME,
                detail: format!("no {pointer} in the answer"),
            }
        })?;
        if rows.len() != batch.items.len() {
            return Err(ProviderError::BadResponse {
                provider: NAME,
                detail: format!("{} translations for {} segments", rows.len(), batch.items.len()),
            });
        }
        rows.iter()
            .map(|r| {
                let t = r.get("translatedText").and_then(Value::as_str).ok_or_else(|| {
                    ProviderError::BadResponse {
                        provider: NAME,
                        detail: "a translation has no text".into(),
                    }
                })?;
                Ok(if html { strip_spans(&unescape_markup(t)) } else { t.to_string() })
            })
            .collect()
    }
}

/// Removes the `notranslate` spans added for v2, keeping their text.
fn strip_spans(s: &str) -> String {
    s.replace("<span class=\"notranslate\">", "").replace("</span>", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::config::Section as _;

    #[test]
    fn a_project_selects_v3_and_its_token_unless_the_version_says_otherwise() {
        let v3: GoogleConfig = toml::from_str("project = \"p\"").unwrap();
        assert!(v3.is_v3());
        assert_eq!(v3.key_env(), KeyEnv::Required(KEY_ENV_V3));
        let v2: GoogleConfig = toml::from_str("project = \"p\"\nversion = \"v2\"").unwrap();
        assert!(!v2.is_v3());
        assert_eq!(v2.key_env(), KeyEnv::Required(KEY_ENV_V2));
        assert_eq!(v2.settings(), ["project=p", "version=v2"]);
    }
}
