//! Azure AI Translator v3 (`POST /translate?api-version=3.0`).
//!
//! Terminology: dynamic dictionary markup around each matched term.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::provider_config;
use super::http;
use super::registry::{Built, KeyEnv, Setup, Spec};
use super::{Batch, BatchItem, Limits, Provider, ProviderError, TermSupport, primary_lang};
use crate::xml::escape_markup;

const NAME: &str = "azure";
/// Where the key is read from unless `api_key_env` names another variable.
const KEY_ENV: &str = "AZURE_TRANSLATOR_KEY";
/// Where the region is read from unless `region` or `region_env` is set.
const REGION_ENV: &str = "AZURE_TRANSLATOR_REGION";
/// The global Translator host.
const DEFAULT_ENDPOINT: &str = "https://api.cognitive.microsofttranslator.com";

provider_config! {
    /// `[translate.azure]`: an Azure Translator resource.
    pub struct AzureConfig(NAME) {
        /// Resource region (`westeurope`); else the variable named by `region_env`.
        pub region: Option<String>,
        /// Environment variable holding the region (default `AZURE_TRANSLATOR_REGION`).
        pub region_env: Option<String>,
    }
}

/// An Azure Translator resource.
#[derive(Debug)]
pub(crate) struct Azure {
    base: String,
    key: SecretString,
    env: String,
    region: Option<String>,
    client: reqwest::Client,
}

impl Spec for AzureConfig {
    fn key_env(&self) -> KeyEnv {
        KeyEnv::Required(KEY_ENV)
    }

    fn default_endpoint(&self, _env: &dyn Fn(&str) -> Option<String>) -> String {
        DEFAULT_ENDPOINT.to_string()
    }

    fn build(&self, s: &Setup<'_>) -> Result<Built, super::Error> {
        let (env, key) = s.key(NAME, KEY_ENV, true)?;
        let key =
            key.ok_or_else(|| super::Error::MissingKey { provider: NAME, env: env.clone() })?;
        let region_env = self.region_env.as_deref().unwrap_or(REGION_ENV);
        let region = self.region.clone().or_else(|| (s.env)(region_env)).filter(|r| !r.is_empty());
        let base = s.endpoint(NAME, DEFAULT_ENDPOINT)?;
        let provider = Azure { base: base.clone(), key, env, region, client: s.client.clone() };
        Ok(Built { provider: Arc::new(provider), endpoint: base })
    }
}

/// The source with each term wrapped in dynamic-dictionary markup.
fn with_dictionary(item: &BatchItem<'_>) -> String {
    let keep = |t: &crate::model::TermHit| t.do_not_translate || t.expected.is_some();
    let render = |src: &str, target: &str| {
        format!(
            "<mstrans:dictionary translation=\"{}\">{src}</mstrans:dictionary>",
            escape_markup(target)
        )
    };
    super::placeholder::splice_terms(item, keep, str::to_string, render).0
}

#[derive(Deserialize)]
struct Row {
    translations: Vec<Text>,
}

#[derive(Deserialize)]
struct Text {
    text: String,
}

#[async_trait]
impl Provider for Azure {
    fn name(&self) -> &'static str {
        NAME
    }

    fn limits(&self) -> Limits {
        // 1,000 elements and 50,000 characters per request; bytes bound chars.
        Limits { max_segments: 1000, max_bytes: 50_000 }
    }

    fn terminology(&self) -> TermSupport {
        TermSupport::Inline
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let body: Vec<Value> =
            batch.items.iter().map(|i| json!({"Text": with_dictionary(i)})).collect();
        let mut req = self
            .client
            .post(format!("{}/translate", self.base))
            .query(&[
                ("api-version", "3.0"),
                ("from", primary_lang(batch.source_lang).as_str()),
                ("to", primary_lang(batch.target_lang).as_str()),
            ])
            .header("Ocp-Apim-Subscription-Key", self.key.expose_secret())
            .json(&body);
        if let Some(r) = &self.region {
            req = req.header("Ocp-Apim-Subscription-Region", r);
        }
        let reply = match http::send(NAME, req, Some(&self.key)).await? {
            Ok(r) => r,
            Err(f) => {
                let code = serde_json::from_str::<Value>(&f.body)
                    .ok()
                    .and_then(|v| v.pointer("/error/code").and_then(Value::as_u64))
                    .unwrap_or(0);
                return Err(match code {
                    403001 => ProviderError::QuotaExhausted { provider: NAME, detail: f.message },
                    400077 | 400050 => ProviderError::TooLarge { provider: NAME },
                    400035 | 400036 => {
                        ProviderError::UnsupportedPair { provider: NAME, pair: f.message }
                    }
                    _ => http::map_failure(NAME, &self.env, f),
                });
            }
        };
        let rows: Vec<Row> = http::json(NAME, &reply)?;
        if rows.len() != batch.items.len() {
            return Err(ProviderError::BadResponse {
                provider: NAME,
                detail: format!("{} translations for {} segments", rows.len(), batch.items.len()),
            });
        }
        rows.into_iter()
            .map(|r| {
                r.translations.into_iter().next().map(|t| t.text).ok_or_else(|| {
                    ProviderError::BadResponse {
                        provider: NAME,
                        detail: "a row has no translation".into(),
                    }
                })
            })
            .collect()
    }
}
