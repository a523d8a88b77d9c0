//! From configuration to running providers: names, keys, endpoints and
//! the traffic controls of each.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::config::{Overrides, ProviderConfig, TranslateConfig};
use super::limiter::Limiter;
use super::retry::RetryPolicy;
use super::translator::Lane;
use super::{
    Error, Limits, Provider, apertium, azure, deepl, google, http, libretranslate, openai,
};

/// Every provider name the configuration accepts.
const KNOWN: &[&str] =
    &["none", "memory", "deepl", "google", "azure", "libretranslate", "apertium", "openai"];

/// What `depeche providers` shows about one provider; never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderInfo {
    /// Provider name.
    pub name: String,
    /// Base URL that would be used.
    pub endpoint: String,
    /// Environment variable the key is read from, if the provider takes one.
    pub key_env: Option<String>,
    /// Whether that variable is set (and non-empty).
    pub key_present: bool,
    /// Whether a run can go without the key.
    pub key_required: bool,
    /// Other settings in effect (`pair=fra|cat|eng`, `model=...`).
    pub settings: Vec<String>,
    /// Whether the provider is part of the configured chain.
    pub selected: bool,
}

/// Everything a provider constructor needs.
pub(crate) struct Setup<'a> {
    pub(crate) cfg: &'a ProviderConfig,
    /// Command-line endpoint, else the configured one.
    pub(crate) endpoint: Option<&'a str>,
    pub(crate) env: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) client: reqwest::Client,
}

impl Setup<'_> {
    /// The key from `api_key_env` or `default_env`; `Ok(None)` when absent
    /// and not required.
    pub(crate) fn key(
        &self,
        provider: &'static str,
        default_env: &str,
        required: bool,
    ) -> Result<(String, Option<SecretString>), Error> {
        let env_name = self.cfg.api_key_env.clone().unwrap_or_else(|| default_env.to_string());
        match (self.env)(&env_name).filter(|v| !v.trim().is_empty()) {
            Some(v) => Ok((env_name, Some(SecretString::from(v.trim().to_string())))),
            None if required => Err(Error::MissingKey { provider, env: env_name }),
            None => Ok((env_name, None)),
        }
    }

    /// The endpoint to use, validated, without a trailing slash.
    pub(crate) fn endpoint(&self, provider: &'static str, default: &str) -> Result<String, Error> {
        let url = self.endpoint.unwrap_or(default).trim().trim_end_matches('/').to_string();
        match reqwest::Url::parse(&url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(url),
            _ => Err(Error::BadEndpoint { provider, url }),
        }
    }

    /// Rejects settings this provider does not read.
    pub(crate) fn only(&self, provider: &'static str, allowed: &[&str]) -> Result<(), Error> {
        match self.cfg.set_fields().into_iter().find(|f| !allowed.contains(f)) {
            Some(f) => Err(Error::Config {
                detail: format!("`{f}` is not a setting of [translate.{provider}]"),
            }),
            None => Ok(()),
        }
    }
}

/// A constructed provider and the base URL it talks to.
pub(crate) struct Built {
    pub(crate) provider: Arc<dyn Provider>,
    pub(crate) endpoint: String,
}

/// The provider names to run, in order.
pub(crate) fn chain(config: &TranslateConfig, overrides: &Overrides) -> Result<Vec<String>, Error> {
    let names = match (&overrides.provider, &config.chain, &config.provider) {
        (Some(p), _, _) => vec![p.clone()],
        (None, Some(c), _) => c.clone(),
        (None, None, Some(p)) => vec![p.clone()],
        (None, None, None) => vec!["none".to_string()],
    };
    if names.is_empty() {
        return Err(Error::Config {
            detail: "`chain` is empty; name at least one provider".into(),
        });
    }
    for n in &names {
        if !KNOWN.contains(&n.as_str()) {
            return Err(Error::UnknownProvider { name: n.clone(), known: KNOWN.join(", ") });
        }
    }
    Ok(names)
}

/// True for providers that call an API.
pub(crate) fn is_network(name: &str) -> bool {
    !matches!(name, "none" | "memory")
}

fn section<'a>(config: &'a TranslateConfig, name: &str) -> Option<&'a ProviderConfig> {
    Some(match name {
        "deepl" => &config.deepl,
        "google" => &config.google,
        "azure" => &config.azure,
        "libretranslate" => &config.libretranslate,
        "apertium" => &config.apertium,
        "openai" => &config.openai,
        _ => return None,
    })
}

pub(crate) fn retry_policy(config: &TranslateConfig) -> RetryPolicy {
    RetryPolicy {
        max_attempts: config.max_attempts.max(1),
        initial: Duration::from_millis(config.backoff_initial_ms),
        cap: Duration::from_millis(config.backoff_max_ms),
    }
}

fn build(setup: &Setup<'_>, name: &str) -> Result<Option<Built>, Error> {
    Ok(Some(match name {
        "deepl" => deepl::build(setup)?,
        "google" => google::build(setup)?,
        "azure" => azure::build(setup)?,
        "libretranslate" => libretranslate::build(setup)?,
        "apertium" => apertium::build(setup)?,
        "openai" => openai::build(setup)?,
        "none" => Built { provider: Arc::new(super::NoneProvider), endpoint: String::new() },
        _ => return Ok(None),
    }))
}

/// The lane for `name`, or `None` for `memory`, which runs upstream.
pub(crate) fn lane(
    config: &TranslateConfig,
    name: &str,
    endpoint: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Lane>, Error> {
    let default = ProviderConfig::default();
    let cfg = section(config, name).unwrap_or(&default);
    let client = http::client(Duration::from_millis(config.timeout_ms.max(1)))?;
    let setup = Setup { cfg, endpoint: endpoint.or(cfg.endpoint.as_deref()), env, client };
    let Some(built) = build(&setup, name)? else { return Ok(None) };
    let documented = built.provider.limits();
    // Settings may lower the documented limits, never raise them.
    let limits = Limits {
        max_segments: cfg.max_segments.unwrap_or(usize::MAX).min(documented.max_segments).max(1),
        max_bytes: cfg.max_bytes.unwrap_or(usize::MAX).min(documented.max_bytes).max(1),
    };
    let concurrency = cfg.concurrency.unwrap_or(config.concurrency).max(1);
    let limiter = Limiter::new(
        concurrency,
        cfg.requests_per_second.or(config.requests_per_second),
        cfg.chars_per_minute.or(config.chars_per_minute),
    );
    Ok(Some(Lane::new(
        built.provider,
        built.endpoint,
        limits,
        limiter,
        retry_policy(config),
        concurrency,
    )))
}

/// Every provider with what it would be configured with, for
/// `depeche providers`. Keys are only tested for presence.
pub fn provider_list(config: &TranslateConfig, overrides: &Overrides) -> Vec<ProviderInfo> {
    let selected = chain(config, overrides).unwrap_or_default();
    let env = |name: &str| std::env::var(name).ok();
    KNOWN
        .iter()
        .map(|name| {
            let default = ProviderConfig::default();
            let cfg = section(config, name).unwrap_or(&default);
            let is_override = overrides.provider.as_deref() == Some(*name);
            let endpoint = if is_override { overrides.endpoint.as_deref() } else { None }
                .or(cfg.endpoint.as_deref());
            let (key_env, key_required, default_endpoint) = match *name {
                "deepl" => (Some("DEEPL_AUTH_KEY"), true, deepl::default_endpoint(cfg, &env)),
                "google" => {
                    let v3 = google::is_v3(cfg);
                    let var = if v3 { "GOOGLE_ACCESS_TOKEN" } else { "GOOGLE_API_KEY" };
                    (Some(var), true, google::DEFAULT_ENDPOINT.to_string())
                }
                "azure" => {
                    (Some("AZURE_TRANSLATOR_KEY"), true, azure::DEFAULT_ENDPOINT.to_string())
                }
                "libretranslate" => (
                    Some("LIBRETRANSLATE_API_KEY"),
                    false,
                    libretranslate::DEFAULT_ENDPOINT.to_string(),
                ),
                "apertium" => (None, false, apertium::DEFAULT_ENDPOINT.to_string()),
                "openai" => (Some("OPENAI_API_KEY"), true, openai::DEFAULT_ENDPOINT.to_string()),
                _ => (None, false, String::new()),
            };
            let key_env = key_env.map(|d| cfg.api_key_env.clone().unwrap_or_else(|| d.to_string()));
            let key_present =
                key_env.as_deref().and_then(env).is_some_and(|v| !v.trim().is_empty());
            let mut settings = Vec::new();
            for (k, v) in [
                ("model", &cfg.model),
                ("pair", &cfg.pair),
                ("region", &cfg.region),
                ("project", &cfg.project),
                ("location", &cfg.location),
                ("version", &cfg.version),
                ("glossary", &cfg.glossary),
                ("formality", &cfg.formality),
            ] {
                if let Some(v) = v {
                    settings.push(format!("{k}={v}"));
                }
            }
            ProviderInfo {
                name: (*name).to_string(),
                endpoint: endpoint.map(str::to_string).unwrap_or(default_endpoint),
                key_env,
                key_present,
                key_required,
                settings,
                selected: selected.iter().any(|s| s == name),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_resolution_and_unknown_names() {
        let mut cfg = TranslateConfig::default();
        assert_eq!(chain(&cfg, &Overrides::default()).unwrap(), vec!["none"]);
        cfg.chain = Some(vec!["memory".into(), "deepl".into()]);
        assert_eq!(chain(&cfg, &Overrides::default()).unwrap(), vec!["memory", "deepl"]);
        let o = Overrides { provider: Some("apertium".into()), endpoint: None };
        assert_eq!(chain(&cfg, &o).unwrap(), vec!["apertium"]);
        let o = Overrides { provider: Some("babel".into()), endpoint: None };
        let err = chain(&cfg, &o).unwrap_err().to_string();
        assert!(err.contains("unknown translation provider `babel`") && err.contains("deepl"));
    }
}
