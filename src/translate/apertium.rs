//! Apertium APy (`/translate`, `/translateChain`): a local rule-based
//! engine. French to English goes through a pivot (`fra|cat|eng`).
//!
//! APy takes one text per call, so a batch travels as `<p>` blocks, which
//! its HTML deformatter keeps as boundaries. Terms become placeholders,
//! restored and verified; unknown-word and error marks (`*`, `#`, `@`)
//! are removed.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;

use super::config::provider_config;
use super::http;
use super::placeholder::{self, Slots};
use super::registry::{Built, KeyEnv, Setup, Spec};
use super::{Batch, Limits, Provider, ProviderError, TermSupport, primary_lang};
use crate::xml::{escape_markup, unescape_markup};

const NAME: &str = "apertium";
/// Where `.ci/apertium.sh` starts APy.
const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:2737";

provider_config! {
    /// `[translate.apertium]`: an Apertium APy server; it takes no key.
    pub struct ApertiumConfig(NAME) {
        /// Language path (`fra|cat|eng`); default: the Catalan pivot from
        /// French to English, else the direct pair.
        pub pair: Option<String>,
    }
}

/// A client of one APy server.
#[derive(Debug)]
pub(crate) struct Apertium {
    base: String,
    pair: Option<String>,
    client: reqwest::Client,
}

impl Spec for ApertiumConfig {
    fn key_env(&self) -> KeyEnv {
        KeyEnv::None
    }

    fn default_endpoint(&self, _env: &dyn Fn(&str) -> Option<String>) -> String {
        DEFAULT_ENDPOINT.to_string()
    }

    /// APy answers 503 itself when a pipeline runs past its own 10 s limit (`-t`); five more seconds let that answer arrive.
    fn read_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(15)
    }

    fn build(&self, s: &Setup<'_>) -> Result<Built, super::Error> {
        let base = s.endpoint(NAME, DEFAULT_ENDPOINT)?;
        let provider =
            Apertium { base: base.clone(), pair: self.pair.clone(), client: s.client.clone() };
        Ok(Built { provider: Arc::new(provider), endpoint: base })
    }
}

/// ISO 639-3 code APy uses for a BCP 47 tag.
fn iso3(tag: &str) -> String {
    let p = primary_lang(tag);
    match p.as_str() {
        "fr" => "fra",
        "en" => "eng",
        "es" => "spa",
        "ca" => "cat",
        "eo" => "epo",
        "pt" => "por",
        "it" => "ita",
        "de" => "deu",
        "oc" => "oci",
        _ => return p,
    }
    .to_string()
}

#[derive(Deserialize)]
struct Reply {
    #[serde(rename = "responseData")]
    data: ReplyData,
}

#[derive(Deserialize)]
struct ReplyData {
    #[serde(rename = "translatedText")]
    text: String,
}

impl Apertium {
    /// The language path for this batch: the configured one if it joins the
    /// two languages, the Catalan pivot for French to English.
    fn path(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let (src, tgt) = (iso3(batch.source_lang), iso3(batch.target_lang));
        let path: Vec<String> = match &self.pair {
            Some(p) => p.split('|').map(|s| s.trim().to_string()).collect(),
            None if src == "fra" && tgt == "eng" => vec![src.clone(), "cat".into(), tgt.clone()],
            None => vec![src.clone(), tgt.clone()],
        };
        let joins =
            path.first() == Some(&src) && path.last().map(|l| l.starts_with(&tgt)) == Some(true);
        if path.len() < 2 || !joins {
            return Err(ProviderError::UnsupportedPair {
                provider: NAME,
                pair: format!(
                    "{} -> {} (pair `{}`)",
                    batch.source_lang,
                    batch.target_lang,
                    path.join("|")
                ),
            });
        }
        Ok(path)
    }
}

#[async_trait]
impl Provider for Apertium {
    fn name(&self) -> &'static str {
        NAME
    }

    fn limits(&self) -> Limits {
        // One pipeline call per request; APy's 10 s timeout caps its size.
        Limits { max_segments: 40, max_bytes: 8 * 1024 }
    }

    fn terminology(&self) -> TermSupport {
        TermSupport::Inline
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        let path = self.path(batch)?;
        let mut slots: Vec<Slots> = Vec::with_capacity(batch.items.len());
        let mut q = String::new();
        for item in batch.items {
            let (text, s) = placeholder::protect(item.text, item.terms);
            slots.push(s);
            q.push_str("<p>");
            q.push_str(&escape_markup(&text));
            q.push_str("</p>");
        }
        let joined = path.join("|");
        let req = if path.len() == 2 {
            self.client.post(format!("{}/translate", self.base)).form(&[
                ("q", q.as_str()),
                ("langpair", joined.as_str()),
                ("markUnknown", "no"),
            ])
        } else {
            self.client.post(format!("{}/translateChain", self.base)).form(&[
                ("q", q.as_str()),
                ("langpairs", joined.as_str()),
                ("markUnknown", "no"),
            ])
        };
        let reply = match http::send(NAME, req, None).await? {
            Ok(r) => r,
            Err(f) => {
                let m = f.message.to_ascii_lowercase();
                if f.status == 400
                    && (m.contains("not installed")
                        || m.contains("no path")
                        || m.contains("invalid"))
                {
                    return Err(ProviderError::UnsupportedPair {
                        provider: NAME,
                        pair: format!("{joined} ({})", f.message),
                    });
                }
                return Err(http::map_failure(NAME, "", f));
            }
        };
        let parsed: Reply = http::json(NAME, &reply)?;
        let blocks = split_blocks(&parsed.data.text);
        if blocks.len() != batch.items.len() {
            return Err(ProviderError::BadResponse {
                provider: NAME,
                detail: format!("{} blocks for {} segments", blocks.len(), batch.items.len()),
            });
        }
        blocks
            .into_iter()
            .zip(&slots)
            .zip(batch.items)
            .map(|((b, s), item)| {
                let clean = clean_marks(unescape_markup(b).trim());
                placeholder::restore(&clean, s).map_err(|e| ProviderError::BadResponse {
                    provider: NAME,
                    detail: format!("segment {}: {e}", item.id),
                })
            })
            .collect()
    }
}

/// The contents of the `<p>…</p>` blocks, in order.
fn split_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find("<p>") {
        let inner = rest.get(a + 3..).unwrap_or("");
        let Some(b) = inner.find("</p>") else { break };
        out.push(inner.get(..b).unwrap_or(""));
        rest = inner.get(b + 4..).unwrap_or("");
    }
    out
}

/// Removes the engine's marks (`*unknown`, `#generation-error`,
/// `@untranslated`) that sit at the start of a word.
pub(crate) fn clean_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if matches!(c, '*' | '#' | '@') {
            let word_start = i == 0 || chars.get(i - 1).is_some_and(|p| !p.is_alphanumeric());
            let mut j = i;
            while chars.get(j).is_some_and(|c| matches!(c, '*' | '#' | '@')) {
                j += 1;
            }
            if word_start && chars.get(j).is_some_and(|c| c.is_alphanumeric()) {
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_cleaned_but_not_symbols() {
        assert_eq!(clean_marks("The **drons and #2026-#2027 @x"), "The drons and 2026-2027 x");
        assert_eq!(clean_marks("a * b, #1 vs C# and x@y"), "a * b, 1 vs C# and x@y");
    }

    #[test]
    fn blocks_split_in_order() {
        assert_eq!(split_blocks("<p>a</p>\n<p></p><p>c</p>"), vec!["a", "", "c"]);
    }
}
