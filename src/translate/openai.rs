//! OpenAI-compatible chat completions (`POST /v1/chat/completions`):
//! OpenAI, Mistral, vLLM, llama.cpp, Ollama.
//!
//! The matched terms go in the prompt; the answer is JSON keyed by
//! segment id and is checked id by id.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::provider_config;
use super::http;
use super::registry::{Built, KeyEnv, Setup, Spec};
use super::{Batch, Limits, Provider, ProviderError, TermSupport};

const NAME: &str = "openai";
/// Where the key is read from unless `api_key_env` names another variable.
const KEY_ENV: &str = "OPENAI_API_KEY";
/// OpenAI's API host.
const DEFAULT_ENDPOINT: &str = "https://api.openai.com";
/// The model used when `model` is not set.
const DEFAULT_MODEL: &str = "gpt-4o-mini";

provider_config! {
    /// `[translate.openai]`: an OpenAI-compatible chat-completions server
    /// (OpenAI, Mistral, vLLM, llama.cpp, Ollama).
    pub struct OpenAiConfig(NAME) {
        /// Model name (default `gpt-4o-mini`).
        pub model: Option<String>,
        /// Sampling temperature (default 0).
        pub temperature: Option<f64>,
    }
}

/// One chat-completions endpoint and model.
#[derive(Debug)]
pub(crate) struct OpenAi {
    url: String,
    key: Option<SecretString>,
    env: String,
    model: String,
    temperature: f64,
    client: reqwest::Client,
}

impl Spec for OpenAiConfig {
    fn key_env(&self) -> KeyEnv {
        // Listed as required: OpenAI itself needs it, local servers do not.
        KeyEnv::Required(KEY_ENV)
    }

    fn default_endpoint(&self, _env: &dyn Fn(&str) -> Option<String>) -> String {
        DEFAULT_ENDPOINT.to_string()
    }

    /// A model writes a whole batch before answering; 60 s covers a 50-segment batch on a local server (the whole request stays within `timeout_ms`).
    fn read_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(60)
    }

    fn build(&self, s: &Setup<'_>) -> Result<Built, super::Error> {
        let base = s.endpoint(NAME, DEFAULT_ENDPOINT)?;
        // Local servers (Ollama, llama.cpp) take no key; OpenAI itself does.
        let (env, key) = s.key(NAME, KEY_ENV, base == DEFAULT_ENDPOINT)?;
        let url = if base.ends_with("/v1") {
            format!("{base}/chat/completions")
        } else {
            format!("{base}/v1/chat/completions")
        };
        let provider = OpenAi {
            url,
            key,
            env,
            model: self.model.clone().unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            temperature: self.temperature.unwrap_or(0.0),
            client: s.client.clone(),
        };
        Ok(Built { provider: Arc::new(provider), endpoint: base })
    }
}

/// The system prompt, with the glossary lines for the terms of this batch.
fn system_prompt(batch: &Batch<'_>) -> String {
    let mut terms = BTreeMap::new();
    for t in batch.items.iter().flat_map(|i| i.terms) {
        let target = if t.do_not_translate {
            format!("{} (do not translate)", t.text)
        } else if let Some(e) = &t.expected {
            e.clone()
        } else {
            continue;
        };
        terms.insert(t.term.clone(), target);
    }
    let mut p = format!(
        "You translate news sentences from {} to {}. Translate each segment on its own, \
         keeping its meaning, numbers and names. Keep XML tags such as <x id=\"1\"/> exactly \
         as they are. Answer with JSON only: {{\"translations\":[{{\"id\":\"...\",\"text\":\"...\"}}]}}, \
         one entry per input segment, with the same ids.",
        batch.source_lang, batch.target_lang
    );
    if batch.items.iter().any(|i| i.previous.is_some()) {
        p.push_str(
            "\nSegments with a \"previous\" field were translated before without the \
             mandatory glossary terms below: correct that previous translation so that it \
             uses them, inflected for grammar, and change nothing else.",
        );
    }
    if !terms.is_empty() {
        p.push_str("\nGlossary (mandatory; inflect for grammar but keep the wording):\n");
        for (s, t) in terms {
            p.push_str(&format!("- {s} => {t}\n"));
        }
    }
    p
}

#[async_trait]
impl Provider for OpenAi {
    fn name(&self) -> &'static str {
        NAME
    }

    fn answers_by_id(&self) -> bool {
        true
    }

    fn limits(&self) -> Limits {
        // Small batches keep the answer well inside output token limits and
        // make a merged or dropped segment cheap to redo.
        Limits { max_segments: 20, max_bytes: 8 * 1024 }
    }

    fn terminology(&self) -> TermSupport {
        TermSupport::Prompt
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let ids: Vec<&str> = batch.items.iter().map(|i| i.id).collect();
        let segments: Vec<Value> = batch
            .items
            .iter()
            .map(|i| match i.previous {
                Some(prev) => json!({"id": i.id, "text": i.text, "previous": prev}),
                None => json!({"id": i.id, "text": i.text}),
            })
            .collect();
        let body = json!({
            "model": self.model,
            "temperature": self.temperature,
            "messages": [
                {"role": "system", "content": system_prompt(batch)},
                {"role": "user", "content": json!({"segments": segments}).to_string()},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "segment_translations",
                    "strict": true,
                    "schema": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["translations"],
                        "properties": {"translations": {"type": "array", "items": {
                            "type": "object", "additionalProperties": false,
                            "required": ["id", "text"],
                            "properties": {
                                "id": {"type": "string", "enum": ids},
                                "text": {"type": "string"}}}}}
                    }
                }
            }
        });
        let mut req = self.client.post(&self.url).json(&body);
        if let Some(k) = &self.key {
            req = req.bearer_auth(k.expose_secret());
        }
        let reply = match http::send(NAME, req, self.key.as_ref()).await? {
            Ok(r) => r,
            Err(f) => {
                // Some answers carry the reason in `type` only, with `code` null.
                let code = serde_json::from_str::<Value>(&f.body)
                    .ok()
                    .and_then(|v| {
                        ["/error/code", "/error/type"]
                            .into_iter()
                            .filter_map(|p| v.pointer(p).and_then(Value::as_str))
                            .find(|c| {
                                matches!(*c, "insufficient_quota" | "context_length_exceeded")
                            })
                            .map(str::to_string)
                    })
                    .unwrap_or_default();
                return Err(match code.as_str() {
                    "insufficient_quota" => {
                        ProviderError::QuotaExhausted { provider: NAME, detail: f.message }
                    }
                    "context_length_exceeded" => ProviderError::TooLarge { provider: NAME },
                    _ => http::map_failure(NAME, &self.env, f),
                });
            }
        };
        let v: Value = http::json(NAME, &reply)?;
        let bad = |detail: String| ProviderError::BadResponse { provider: NAME, detail };
        let choice = v.pointer("/choices/0").ok_or_else(|| bad("no choices".into()))?;
        if choice.get("finish_reason").and_then(Value::as_str) == Some("length") {
            return Err(ProviderError::TooLarge { provider: NAME });
        }
        if let Some(r) = choice.pointer("/message/refusal").and_then(Value::as_str) {
            return Err(bad(format!("the model refused: {r}")));
        }
        let content = choice
            .pointer("/message/content")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no message content".into()))?;
        let parsed: Answer = serde_json::from_str(content.trim())
            .map_err(|e| bad(format!("content is not the requested JSON ({e})")))?;
        let mut by_id: BTreeMap<String, String> = BTreeMap::new();
        for t in parsed.translations {
            if by_id.insert(t.id.clone(), t.text).is_some() {
                return Err(bad(format!("segment {} answered twice", t.id)));
            }
        }
        if by_id.len() != ids.len() {
            return Err(bad(format!("{} translations for {} segments", by_id.len(), ids.len())));
        }
        ids.iter()
            .map(|id| by_id.remove(*id).ok_or_else(|| bad(format!("segment {id} missing"))))
            .collect()
    }
}

#[derive(Deserialize)]
struct Answer {
    translations: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TermHit;
    use crate::translate::BatchItem;

    #[test]
    fn a_repair_asks_to_correct_the_previous_translation_with_the_broken_terms() {
        let hit = TermHit {
            entry: "e".into(),
            start: 0,
            end: 7,
            text: "soldats".into(),
            term: "soldat".into(),
            expected: Some("soldiers".into()),
            alternatives: vec![],
            forbidden: vec![],
            domain: "defence".into(),
            do_not_translate: false,
            no_article: false,
            plural: None,
        };
        let terms = [hit];
        let items = [BatchItem {
            id: "s1",
            text: "soldats tués",
            terms: &terms,
            previous: Some("killed troopers"),
        }];
        let batch = Batch { source_lang: "fr-FR", target_lang: "en-GB", items: &items };
        let prompt = system_prompt(&batch);
        assert!(prompt.contains("correct that previous translation"), "{prompt}");
        assert!(prompt.contains("- soldat => soldiers"), "{prompt}");
        let plain = [BatchItem { previous: None, ..items[0] }];
        let prompt = system_prompt(&Batch { items: &plain, ..batch });
        assert!(!prompt.contains("previous"), "{prompt}");
    }
}
