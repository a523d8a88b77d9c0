//! From configuration to running providers: names, keys, endpoints and
//! the traffic controls of each.
//!
//! The list of providers is written once, in `providers!` below: it
//! makes the [`ProviderConfig`] enum, the names the configuration accepts,
//! the `[translate.<name>]` tables and the dispatch to each provider's
//! [`Spec`]. A provider's config struct, key variable, endpoint and
//! constructor live in its own file.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserializer;

use super::config::{CommonConfig, Overrides, Section, TranslateConfig};
use super::limiter::Limiter;
use super::retry::RetryPolicy;
use super::translator::Lane;
use super::{Error, Limits, Provider, http};

/// Every provider, once: `Variant(module::Config)`, in the order
/// `depeche providers` and `--provider` list them. A new provider is one
/// line here and one file declaring its config with `provider_config!`
/// and implementing [`Spec`] for it.
macro_rules! providers {
    ($( $Variant:ident($module:ident::$Config:ident), )*) => {
        /// The settings of one provider: one variant per provider, holding
        /// that provider's config struct (`[translate.<name>]`).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ProviderConfig {
            $(
                #[doc = concat!("The settings in [`", stringify!($Config), "`].")]
                $Variant($Config),
            )*
        }

        /// The provider config structs, re-exported by `translate`.
        pub(crate) mod configs {
            $( pub use super::super::$module::$Config; )*
        }
        use configs::*;

        /// The providers that take a `[translate.<name>]` table, in order.
        pub(crate) const SECTIONS: &[&str] = &[$(<$Config as Section>::NAME),*];

        /// Every provider name the configuration accepts, in listing order.
        pub const PROVIDER_NAMES: &[&str] =
            &["none", "memory", $(<$Config as Section>::NAME),*];

        impl ProviderConfig {
            /// The defaults of provider `name`; `None` when `name` takes no
            /// settings (`none`, `memory`) or is no provider.
            pub fn default_for(name: &str) -> Option<Self> {
                $( if name == <$Config as Section>::NAME {
                    return Some(Self::$Variant($Config::default()));
                } )*
                None
            }

            /// Reads `[translate.<name>]`; `name` is one of [`SECTIONS`].
            pub(crate) fn deserialize_named<'de, D: Deserializer<'de>>(
                name: &str,
                d: D,
            ) -> Result<Self, D::Error> {
                $( if name == <$Config as Section>::NAME {
                    return serde::Deserialize::deserialize(d).map(Self::$Variant);
                } )*
                Err(serde::de::Error::custom(format_args!("no provider is named `{name}`")))
            }

            /// The provider's name (`deepl`).
            pub fn name(&self) -> &'static str {
                match self { $( Self::$Variant(_) => <$Config as Section>::NAME, )* }
            }

            /// The settings every provider takes.
            pub fn common(&self) -> &CommonConfig {
                match self { $( Self::$Variant(c) => Section::common(c), )* }
            }

            /// The provider's own settings that are set, as `key=value`.
            pub(crate) fn settings(&self) -> Vec<String> {
                match self { $( Self::$Variant(c) => c.settings(), )* }
            }

            /// What the provider is built from and reports.
            fn spec(&self) -> &dyn Spec {
                match self { $( Self::$Variant(c) => c, )* }
            }
        }
    };
}

providers! {
    DeepL(deepl::DeepLConfig),
    Google(google::GoogleConfig),
    Azure(azure::AzureConfig),
    LibreTranslate(libretranslate::LibreTranslateConfig),
    Apertium(apertium::ApertiumConfig),
    OpenAi(openai::OpenAiConfig),
}

/// Where a provider's key comes from, as `depeche providers` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyEnv {
    /// The provider takes no key.
    None,
    /// Read from this variable when set; runs go without it.
    Optional(&'static str),
    /// Read from this variable; runs need it.
    Required(&'static str),
}

/// What the registry needs from a provider's config struct; implemented
/// in the provider's file.
pub(crate) trait Spec {
    /// The default variable of the key (`api_key_env` may name another).
    fn key_env(&self) -> KeyEnv;
    /// The endpoint used when none is configured, as `depeche providers`
    /// shows it (it may depend on the key).
    fn default_endpoint(&self, env: &dyn Fn(&str) -> Option<String>) -> String;
    /// Builds the provider.
    fn build(&self, setup: &Setup<'_>) -> Result<Built, Error>;
    /// The longest silence to wait for an answer by default: what a healthy
    /// server of this kind needs for a full request, with a margin. DeepL's
    /// own clients allow 10 s; the cloud APIs answer in well under that.
    fn read_timeout(&self) -> Duration {
        Duration::from_secs(10)
    }
}

/// What `depeche providers` shows about one provider; never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderInfo {
    /// Provider name.
    pub name: String,
    /// Base URL that would be used, its credentials masked.
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

/// Everything a provider constructor needs besides its own config struct.
pub(crate) struct Setup<'a> {
    /// Command-line endpoint, else the configured one.
    pub(crate) endpoint: Option<&'a str>,
    /// `api_key_env` from the provider's table.
    pub(crate) api_key_env: Option<&'a str>,
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
        let env_name = self.api_key_env.unwrap_or(default_env).to_string();
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
        if !PROVIDER_NAMES.contains(&n.as_str()) {
            return Err(Error::UnknownProvider {
                name: n.clone(),
                known: PROVIDER_NAMES.join(", "),
            });
        }
    }
    Ok(names)
}

/// True for providers that call an API.
pub(crate) fn is_network(name: &str) -> bool {
    !matches!(name, "none" | "memory")
}

pub(crate) fn retry_policy(config: &TranslateConfig) -> RetryPolicy {
    RetryPolicy {
        max_attempts: config.max_attempts.max(1),
        initial: Duration::from_millis(config.backoff_initial_ms),
        cap: Duration::from_millis(config.backoff_max_ms),
        give_up_after: Duration::from_secs(config.give_up_after_secs),
    }
}

/// The lane for `name`, or `None` for `memory`, which runs upstream.
pub(crate) fn lane(
    config: &TranslateConfig,
    name: &str,
    endpoint: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Lane>, Error> {
    let section = config.provider_config(name);
    let default = CommonConfig::default();
    let common = section.as_ref().map_or(&default, ProviderConfig::common);
    let read = common
        .read_timeout_ms
        .or(config.read_timeout_ms)
        .map(Duration::from_millis)
        .or_else(|| section.as_ref().map(|s| s.spec().read_timeout()))
        .unwrap_or(Duration::from_secs(10));
    let client = http::client(http::Timeouts {
        // By default a request has its read timeout in all, so a server
        // trickling its answer a byte at a time is cut as a silent one is.
        total: config.timeout_ms.map_or(read, |ms| Duration::from_millis(ms.max(1))),
        connect: Duration::from_millis(config.connect_timeout_ms.max(1)),
        read: read.max(Duration::from_millis(1)),
    })?;
    let setup = Setup {
        endpoint: endpoint.or(common.endpoint.as_deref()),
        api_key_env: common.api_key_env.as_deref(),
        env,
        client,
    };
    let built = match (&section, name) {
        (Some(section), _) => section.spec().build(&setup)?,
        (None, "none") => {
            Built { provider: Arc::new(super::NoneProvider), endpoint: String::new() }
        }
        (None, _) => return Ok(None),
    };
    let documented = built.provider.limits();
    // Settings may lower the documented limits, never raise them.
    let limits = Limits {
        max_segments: common.max_segments.unwrap_or(usize::MAX).min(documented.max_segments).max(1),
        max_bytes: common.max_bytes.unwrap_or(usize::MAX).min(documented.max_bytes).max(1),
    };
    let concurrency = common.concurrency.unwrap_or(config.concurrency).max(1);
    let limiter = Limiter::new(
        concurrency,
        common.requests_per_second.or(config.requests_per_second),
        common.chars_per_minute.or(config.chars_per_minute),
    );
    Ok(Some(
        Lane::new(
            built.provider,
            built.endpoint,
            limits,
            limiter,
            retry_policy(config),
            concurrency,
        )
        .with_linger(std::time::Duration::from_millis(config.linger_ms)),
    ))
}

/// Every provider with what it would be configured with, for
/// `depeche providers`. Keys are only tested for presence.
pub fn provider_list(config: &TranslateConfig, overrides: &Overrides) -> Vec<ProviderInfo> {
    let selected = chain(config, overrides).unwrap_or_default();
    let env = |name: &str| std::env::var(name).ok();
    PROVIDER_NAMES
        .iter()
        .map(|name| {
            let section = config.provider_config(name);
            let is_override = overrides.provider.as_deref() == Some(*name);
            let configured = section.as_ref().and_then(|s| s.common().endpoint.clone());
            let endpoint = if is_override { overrides.endpoint.clone() } else { None }
                .or(configured)
                .or_else(|| section.as_ref().map(|s| s.spec().default_endpoint(&env)))
                .unwrap_or_default();
            let (key_env, key_required) = match section.as_ref().map(|s| s.spec().key_env()) {
                Some(KeyEnv::Required(v)) => (Some(v), true),
                Some(KeyEnv::Optional(v)) => (Some(v), false),
                Some(KeyEnv::None) | None => (None, false),
            };
            let api_key_env = section.as_ref().and_then(|s| s.common().api_key_env.clone());
            let key_env = key_env.map(|d| api_key_env.unwrap_or_else(|| d.to_string()));
            let key_present =
                key_env.as_deref().and_then(env).is_some_and(|v| !v.trim().is_empty());
            ProviderInfo {
                name: (*name).to_string(),
                // Shown to people: without the URL's credentials. See: #15
                endpoint: crate::redact::redact(&endpoint),
                key_env,
                key_present,
                key_required,
                settings: section.as_ref().map(ProviderConfig::settings).unwrap_or_default(),
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

    #[test]
    fn every_provider_has_defaults_under_its_own_name() {
        assert_eq!(&PROVIDER_NAMES[..2], ["none", "memory"]);
        assert_eq!(&PROVIDER_NAMES[2..], SECTIONS);
        for name in SECTIONS {
            let cfg = ProviderConfig::default_for(name).unwrap();
            assert_eq!(cfg.name(), *name);
            assert!(cfg.settings().is_empty(), "{name}");
        }
    }
}
