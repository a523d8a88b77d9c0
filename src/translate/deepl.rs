//! DeepL (`POST /v2/translate`), Free or Pro host chosen from the key.
//!
//! Terminology: a native glossary created from the termbase and found
//! again by a content hash in its name; do-not-translate spans travel in
//! `<dnt>` tags listed in `ignore_tags`, checked and removed on return.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::config::provider_config;
use super::http;
use super::registry::{Built, KeyEnv, Setup, Spec};
use super::{Batch, Limits, Provider, ProviderError, TermSupport, primary_lang};
use crate::xml::{escape_markup, unescape_markup};

const NAME: &str = "deepl";
/// Where the key is read from unless `api_key_env` names another variable.
const KEY_ENV: &str = "DEEPL_AUTH_KEY";
/// The Free host, for keys ending in `:fx`.
const FREE: &str = "https://api-free.deepl.com";
/// The Pro host, for every other key.
const PRO: &str = "https://api.deepl.com";

provider_config! {
    /// `[translate.deepl]`: a DeepL account. The endpoint defaults to the
    /// Free or Pro host, chosen from the key.
    pub struct DeepLConfig(NAME) {
        /// Model type sent as `model_type` (`quality_optimized`, ...).
        pub model: Option<String>,
        /// Existing glossary id, used for every language pair.
        pub glossary: Option<String>,
        /// Formality (`prefer_more`, `prefer_less`, ...).
        pub formality: Option<String>,
    }
}

/// A DeepL account.
#[derive(Debug)]
pub(crate) struct DeepL {
    base: String,
    key: SecretString,
    env: String,
    client: reqwest::Client,
    formality: Option<String>,
    model: Option<String>,
    /// Configured glossary id, used for every language pair.
    glossary: Mutex<Option<String>>,
    /// Glossaries [`Provider::prepare_glossary`] made, by target language:
    /// one per pair, so a run into several languages uses the right one.
    prepared: Mutex<std::collections::HashMap<String, String>>,
}

/// Free keys end in `:fx` and only work on the Free host.
fn host_for(key: &str) -> &'static str {
    if key.trim().ends_with(":fx") { FREE } else { PRO }
}

impl Spec for DeepLConfig {
    fn key_env(&self) -> KeyEnv {
        KeyEnv::Required(KEY_ENV)
    }

    fn default_endpoint(&self, env: &dyn Fn(&str) -> Option<String>) -> String {
        let var = self.common.api_key_env.as_deref().unwrap_or(KEY_ENV);
        env(var).map(|k| host_for(&k).to_string()).unwrap_or_else(|| FREE.to_string())
    }

    fn build(&self, s: &Setup<'_>) -> Result<Built, super::Error> {
        let (env, key) = s.key(NAME, KEY_ENV, true)?;
        let key =
            key.ok_or_else(|| super::Error::MissingKey { provider: NAME, env: env.clone() })?;
        let base = s.endpoint(NAME, host_for(key.expose_secret()))?;
        let provider = DeepL {
            base: base.clone(),
            key,
            env,
            client: s.client.clone(),
            formality: self.formality.clone(),
            model: self.model.clone(),
            glossary: Mutex::new(self.glossary.clone()),
            prepared: Mutex::new(std::collections::HashMap::new()),
        };
        Ok(Built { provider: Arc::new(provider), endpoint: base })
    }
}

/// DeepL source codes are bare (`FR`); English and Portuguese targets need a variant.
fn target_code(tag: &str) -> String {
    let upper = tag.replace('_', "-").to_ascii_uppercase();
    match upper.as_str() {
        "EN" => "EN-GB".into(),
        "PT" => "PT-PT".into(),
        t if t.starts_with("EN-") || t.starts_with("PT-") || t.starts_with("ZH-") => t.into(),
        _ => primary_lang(tag).to_ascii_uppercase(),
    }
}

#[derive(Deserialize)]
struct Reply {
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct Translation {
    text: String,
}

impl DeepL {
    fn auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.header("Authorization", format!("DeepL-Auth-Key {}", self.key.expose_secret()))
    }

    fn failure(&self, f: http::Failure) -> ProviderError {
        match f.status.as_u16() {
            456 => ProviderError::QuotaExhausted {
                provider: NAME,
                detail: format!("{} (see GET /v2/usage)", f.message),
            },
            529 => ProviderError::RateLimited { provider: NAME, retry_after: f.retry_after },
            400 if f.message.contains("not supported") => {
                ProviderError::UnsupportedPair { provider: NAME, pair: f.message }
            }
            _ => http::map_failure(NAME, &self.env, f),
        }
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Result<http::Reply, ProviderError> {
        http::send(NAME, self.auth(req), Some(&self.key)).await?.map_err(|f| self.failure(f))
    }
}

/// Wraps do-not-translate spans in `<dnt>`; the rest is XML-escaped.
fn mark_dnt(item: &super::BatchItem<'_>) -> (String, usize) {
    let keep = |t: &crate::model::TermHit| t.do_not_translate;
    let render = |src: &str, _: &str| format!("<dnt>{}</dnt>", escape_markup(src));
    super::placeholder::splice_terms(item, keep, escape_markup, render)
}

#[async_trait]
impl Provider for DeepL {
    fn name(&self) -> &'static str {
        NAME
    }

    fn limits(&self) -> Limits {
        // 50 texts per the volume guide; 120 KiB leaves room under the
        // 128 KiB body limit for JSON quoting.
        Limits { max_segments: 50, max_bytes: 120 * 1024 }
    }

    fn terminology(&self) -> TermSupport {
        TermSupport::Native
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let xml = batch.items.iter().any(|i| i.terms.iter().any(|t| t.do_not_translate));
        let mut texts = Vec::with_capacity(batch.items.len());
        let mut dnt_counts = Vec::with_capacity(batch.items.len());
        for item in batch.items {
            if xml {
                let (t, n) = mark_dnt(item);
                texts.push(t);
                dnt_counts.push(n);
            } else {
                texts.push(item.text.to_string());
                dnt_counts.push(0);
            }
        }
        let mut body = json!({
            "text": texts,
            "source_lang": primary_lang(batch.source_lang).to_ascii_uppercase(),
            "target_lang": target_code(batch.target_lang),
        });
        if let Some(map) = body.as_object_mut() {
            if xml {
                map.insert("tag_handling".into(), json!("xml"));
                map.insert("ignore_tags".into(), json!(["dnt"]));
            }
            let target = primary_lang(batch.target_lang);
            let prepared = self.prepared.lock().ok().and_then(|p| p.get(&target).cloned());
            let configured = || self.glossary.lock().ok().and_then(|g| g.clone());
            if let Some(g) = prepared.or_else(configured) {
                map.insert("glossary_id".into(), json!(g));
            }
            if let Some(f) = &self.formality {
                map.insert("formality".into(), json!(f));
            }
            if let Some(m) = &self.model {
                map.insert("model_type".into(), json!(m));
            }
        }
        let req = self.client.post(format!("{}/v2/translate", self.base)).json(&body);
        let reply: Reply = http::json(NAME, &self.call(req).await?)?;
        if reply.translations.len() != batch.items.len() {
            return Err(ProviderError::BadResponse {
                provider: NAME,
                detail: format!(
                    "{} translations for {} segments",
                    reply.translations.len(),
                    batch.items.len()
                ),
            });
        }
        reply
            .translations
            .into_iter()
            .zip(dnt_counts)
            .zip(batch.items)
            .map(|((t, n), item)| {
                if !xml {
                    return Ok(t.text);
                }
                let (open, close) =
                    (t.text.matches("<dnt>").count(), t.text.matches("</dnt>").count());
                if open != n || close != n {
                    return Err(ProviderError::BadResponse {
                        provider: NAME,
                        detail: format!(
                            "segment {}: {n} protected spans sent, {open} returned",
                            item.id
                        ),
                    });
                }
                Ok(unescape_markup(&t.text.replace("<dnt>", "").replace("</dnt>", "")))
            })
            .collect()
    }

    async fn check(&self) -> Result<String, ProviderError> {
        #[derive(Deserialize)]
        struct Usage {
            character_count: u64,
            character_limit: u64,
        }
        let req = self.client.get(format!("{}/v2/usage", self.base));
        let u: Usage = http::json(NAME, &self.call(req).await?)?;
        Ok(format!("{} of {} characters used this period", u.character_count, u.character_limit))
    }

    async fn prepare_glossary(
        &self,
        entries: &[(String, String)],
        source_lang: &str,
        target_lang: &str,
    ) -> Result<Option<String>, ProviderError> {
        if entries.is_empty() {
            return Ok(None);
        }
        let (src, tgt) = (primary_lang(source_lang), primary_lang(target_lang));
        let tsv = glossary_tsv(entries);
        let digest = Sha256::digest(tsv.as_bytes());
        let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let name = format!("depeche-{src}-{tgt}-{hash}");
        let list = self.client.get(format!("{}/v3/glossaries", self.base));
        let listed: Value = http::json(NAME, &self.call(list).await?)?;
        let existing = listed
            .get("glossaries")
            .and_then(Value::as_array)
            .and_then(|gs| gs.iter().find(|g| g.get("name").and_then(Value::as_str) == Some(&name)))
            .and_then(|g| g.get("glossary_id").and_then(Value::as_str))
            .map(str::to_string);
        let id = match existing {
            Some(id) => id,
            None => {
                let body = json!({
                    "name": name,
                    "dictionaries": [{
                        "source_lang": src, "target_lang": tgt,
                        "entries": tsv, "entries_format": "tsv",
                    }],
                });
                let req = self.client.post(format!("{}/v3/glossaries", self.base)).json(&body);
                let created: Value = http::json(NAME, &self.call(req).await?)?;
                created.get("glossary_id").and_then(Value::as_str).map(str::to_string).ok_or_else(
                    || ProviderError::BadResponse {
                        provider: NAME,
                        detail: "glossary created without a glossary_id".into(),
                    },
                )?
            }
        };
        if let Ok(mut p) = self.prepared.lock() {
            p.insert(tgt.clone(), id.clone());
        }
        Ok(Some(id))
    }
}

/// Entries as DeepL TSV: tabs and newlines inside terms would break
/// lines, and a repeated source term is an error, so the first wins.
fn glossary_tsv(entries: &[(String, String)]) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::new();
    for (s, t) in entries {
        let clean = |x: &str| x.split_whitespace().collect::<Vec<_>>().join(" ");
        let (s, t) = (clean(s), clean(t));
        if s.is_empty() || t.is_empty() || !seen.insert(s.clone()) {
            continue;
        }
        out.push_str(&format!("{s}\t{t}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_language_codes() {
        assert_eq!(host_for("abc:fx"), FREE);
        assert_eq!(host_for("abc"), PRO);
        assert_eq!(target_code("en-GB"), "EN-GB");
        assert_eq!(target_code("en"), "EN-GB");
        assert_eq!(target_code("de-DE"), "DE");
    }

    #[test]
    fn tsv_is_clean_and_unique() {
        let e = vec![
            ("ministère des Armées".to_string(), "Ministry of the\tArmed Forces".to_string()),
            ("ministère des Armées".to_string(), "other".to_string()),
        ];
        assert_eq!(glossary_tsv(&e), "ministère des Armées\tMinistry of the Armed Forces\n");
    }
}
