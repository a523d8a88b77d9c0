//! The `[translate]` section of depeche.toml and the command-line overrides.

use serde::Deserialize;

/// `[translate]` in depeche.toml.
///
/// Every field has a default, so an empty section (or none at all) gives
/// the offline `none` provider.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TranslateConfig {
    /// One provider by name (`deepl`); ignored when `chain` is set.
    pub provider: Option<String>,
    /// Providers tried in order for each segment (`["memory", "deepl", "apertium"]`).
    pub chain: Option<Vec<String>>,
    /// Requests in flight per provider, shared by all articles.
    pub concurrency: usize,
    /// Default request rate per provider (requests per second); none = unlimited.
    pub requests_per_second: Option<f64>,
    /// Default character budget per provider (characters per minute); none = unlimited.
    pub chars_per_minute: Option<u64>,
    /// Per-request timeout, in milliseconds.
    pub timeout_ms: u64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// First backoff delay, in milliseconds.
    pub backoff_initial_ms: u64,
    /// Longest backoff delay and longest honoured Retry-After, in milliseconds.
    pub backoff_max_ms: u64,
    /// Give providers the glossary hits (native glossary, markup,
    /// placeholders, prompt). Off, targets are still verified by QA.
    pub enforce_terms: bool,
    /// `[translate.deepl]`.
    pub deepl: ProviderConfig,
    /// `[translate.google]`.
    pub google: ProviderConfig,
    /// `[translate.azure]`.
    pub azure: ProviderConfig,
    /// `[translate.libretranslate]`.
    pub libretranslate: ProviderConfig,
    /// `[translate.apertium]`.
    pub apertium: ProviderConfig,
    /// `[translate.openai]`.
    pub openai: ProviderConfig,
}

impl Default for TranslateConfig {
    fn default() -> Self {
        Self {
            provider: None,
            chain: None,
            concurrency: 4,
            requests_per_second: None,
            chars_per_minute: None,
            timeout_ms: 30_000,
            max_attempts: 5,
            backoff_initial_ms: 1_000,
            backoff_max_ms: 120_000,
            enforce_terms: true,
            deepl: ProviderConfig::default(),
            google: ProviderConfig::default(),
            azure: ProviderConfig::default(),
            libretranslate: ProviderConfig::default(),
            apertium: ProviderConfig::default(),
            openai: ProviderConfig::default(),
        }
    }
}

/// Settings of one provider (`[translate.<name>]`); every field is optional.
///
/// Fields that a provider does not use are rejected when the translator is
/// built, so a typo never goes unnoticed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderConfig {
    /// Base URL (`https://api-free.deepl.com`, `http://127.0.0.1:2737`).
    pub endpoint: Option<String>,
    /// Environment variable holding the key, instead of the provider's default.
    pub api_key_env: Option<String>,
    /// Requests in flight for this provider (overrides `translate.concurrency`).
    pub concurrency: Option<usize>,
    /// Requests per second for this provider.
    pub requests_per_second: Option<f64>,
    /// Characters per minute for this provider.
    pub chars_per_minute: Option<u64>,
    /// Most segments per request (lower than the documented limit only).
    pub max_segments: Option<usize>,
    /// Most bytes of source text per request (lower than the documented limit only).
    pub max_bytes: Option<usize>,
    /// Model name (openai: `gpt-4o-mini`; google v3: a model path; deepl: `model_type`).
    pub model: Option<String>,
    /// Sampling temperature (openai).
    pub temperature: Option<f64>,
    /// Language path (apertium: `fra|cat|eng`).
    pub pair: Option<String>,
    /// Resource region (azure); or the variable named by `region_env`.
    pub region: Option<String>,
    /// Environment variable holding the region (azure, default `AZURE_TRANSLATOR_REGION`).
    pub region_env: Option<String>,
    /// Cloud project (google v3).
    pub project: Option<String>,
    /// Cloud location (google v3, default `global`).
    pub location: Option<String>,
    /// API version (google: `v2` or `v3`).
    pub version: Option<String>,
    /// Existing glossary id (deepl) or resource name (google v3).
    pub glossary: Option<String>,
    /// Formality (deepl: `prefer_more`, `prefer_less`, ...).
    pub formality: Option<String>,
}

impl ProviderConfig {
    /// The names of the fields that are set, for the per-provider check.
    pub(crate) fn set_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut push = |set: bool, name| {
            if set {
                out.push(name);
            }
        };
        push(self.model.is_some(), "model");
        push(self.temperature.is_some(), "temperature");
        push(self.pair.is_some(), "pair");
        push(self.region.is_some(), "region");
        push(self.region_env.is_some(), "region_env");
        push(self.project.is_some(), "project");
        push(self.location.is_some(), "location");
        push(self.version.is_some(), "version");
        push(self.glossary.is_some(), "glossary");
        push(self.formality.is_some(), "formality");
        out
    }
}

/// What the command line overrides (`--provider NAME`, `--endpoint URL`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Use this provider alone, with its settings from the file or its defaults.
    pub provider: Option<String>,
    /// Base URL for that provider (or for the first of the chain).
    pub endpoint: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_section_and_rejects_typos() {
        let cfg: TranslateConfig = toml::from_str(
            r#"
            chain = ["memory", "deepl", "apertium"]
            concurrency = 8
            [deepl]
            api_key_env = "MY_DEEPL"
            requests_per_second = 5.0
            [apertium]
            endpoint = "http://127.0.0.1:2737"
            pair = "fra|cat|eng"
            "#,
        )
        .unwrap();
        assert_eq!(cfg.concurrency, 8);
        assert_eq!(cfg.deepl.api_key_env.as_deref(), Some("MY_DEEPL"));
        assert_eq!(cfg.apertium.pair.as_deref(), Some("fra|cat|eng"));
        assert_eq!(cfg.timeout_ms, 30_000);
        assert!(toml::from_str::<TranslateConfig>("providr = \"deepl\"").is_err());
        assert!(toml::from_str::<TranslateConfig>("[deepl]\nkey = \"x\"").is_err());
        assert_eq!(toml::from_str::<TranslateConfig>("").unwrap(), TranslateConfig::default());
    }
}
