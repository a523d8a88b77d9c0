//! The `[translate]` section of depeche.toml and the command-line overrides.
//!
//! `[translate]` holds the chain and the shared traffic defaults; each
//! `[translate.<provider>]` table is that provider's own config struct,
//! declared in the provider's file with [`provider_config!`] and listed once
//! in `registry.rs`. Nothing here names a provider.
//!
//! The tables are read by hand rather than with `#[derive(Deserialize)]`
//! because the settings every provider shares ([`CommonConfig`]) sit in the
//! same table as its own, and serde's `flatten` would drop both
//! `deny_unknown_fields` and the line numbers in errors. Reading the keys
//! ourselves keeps unknown keys an error that names the key, the table and
//! the line (`unknown field `pair` in [translate.deepl]`).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::registry::{ProviderConfig, SECTIONS};

/// `[translate]` in depeche.toml.
///
/// Every field has a default, so an empty section (or none at all) gives
/// the offline `none` provider.
#[derive(Debug, Clone, PartialEq)]
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
    /// Whole-request deadline, in milliseconds, from connecting to the last
    /// byte of the answer, so that a server trickling its answer is cut;
    /// none = the read timeout, what a healthy server needs for a full
    /// request with a margin (10 s for most providers, 60 s for
    /// OpenAI-compatible models).
    pub timeout_ms: Option<u64>,
    /// Time allowed to open a connection, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Longest silence while waiting for an answer, in milliseconds; none =
    /// each provider's documented default (10 s, 15 s for Apertium, 60 s for
    /// OpenAI-compatible models), always within `timeout_ms`.
    pub read_timeout_ms: Option<u64>,
    /// How long a provider may answer nothing but "too many requests"
    /// before its lane gives up, in seconds; rate limits are otherwise
    /// waited out, however many retries that takes.
    pub give_up_after_secs: u64,
    /// How long a sentence waits for sentences of other articles to share
    /// its request, in milliseconds (0: requests leave at once).
    pub linger_ms: u64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// First backoff delay, in milliseconds.
    pub backoff_initial_ms: u64,
    /// Longest backoff delay and longest honoured Retry-After, in milliseconds.
    pub backoff_max_ms: u64,
    /// How the glossary acts on translations: verify then repair (the
    /// default), enforce every hit up front, or only check.
    pub terms: TermsMode,
    /// The `[translate.<provider>]` tables that were given, at most one per
    /// provider; a provider without one runs with its defaults.
    pub providers: Vec<ProviderConfig>,
}

impl Default for TranslateConfig {
    fn default() -> Self {
        Self {
            provider: None,
            chain: None,
            concurrency: 4,
            requests_per_second: None,
            chars_per_minute: None,
            timeout_ms: None,
            connect_timeout_ms: 5_000,
            read_timeout_ms: None,
            give_up_after_secs: 600,
            linger_ms: 10,
            max_attempts: 5,
            backoff_initial_ms: 1_000,
            backoff_max_ms: 120_000,
            terms: TermsMode::Repair,
            providers: Vec::new(),
        }
    }
}

impl TranslateConfig {
    /// The keys of `[translate]` itself, besides the provider tables.
    const FIELDS: &'static [&'static str] = &[
        "provider",
        "chain",
        "concurrency",
        "requests_per_second",
        "chars_per_minute",
        "timeout_ms",
        "connect_timeout_ms",
        "read_timeout_ms",
        "give_up_after_secs",
        "linger_ms",
        "max_attempts",
        "backoff_initial_ms",
        "backoff_max_ms",
        "terms",
        "enforce_terms",
    ];

    /// The settings of provider `name`: its table if one was given, else its
    /// defaults; `None` for a name that takes no settings (`none`, `memory`)
    /// or that no provider has.
    pub fn provider_config(&self, name: &str) -> Option<ProviderConfig> {
        match self.providers.iter().find(|p| p.name() == name) {
            Some(p) => Some(p.clone()),
            None => ProviderConfig::default_for(name),
        }
    }
}

impl<'de> Deserialize<'de> for TranslateConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;

        impl<'de> Visitor<'de> for TableVisitor {
            type Value = TranslateConfig;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the [translate] table")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut c = TranslateConfig::default();
                let key = Key { table: "translate", fields: &[TranslateConfig::FIELDS, SECTIONS] };
                while let Some(k) = map.next_key_seed(key)? {
                    match k.as_str() {
                        "provider" => c.provider = Some(map.next_value()?),
                        "chain" => c.chain = Some(map.next_value()?),
                        "concurrency" => {
                            c.concurrency = map.next_value_seed(positive("concurrency"))?
                        }
                        "requests_per_second" => {
                            c.requests_per_second =
                                Some(map.next_value_seed(Rate("requests_per_second"))?);
                        }
                        "chars_per_minute" => {
                            c.chars_per_minute =
                                Some(map.next_value_seed(positive("chars_per_minute"))?);
                        }
                        "timeout_ms" => {
                            c.timeout_ms = Some(map.next_value_seed(positive("timeout_ms"))?)
                        }
                        "connect_timeout_ms" => {
                            c.connect_timeout_ms =
                                map.next_value_seed(positive("connect_timeout_ms"))?;
                        }
                        "read_timeout_ms" => {
                            c.read_timeout_ms =
                                Some(map.next_value_seed(positive("read_timeout_ms"))?);
                        }
                        "give_up_after_secs" => c.give_up_after_secs = map.next_value()?,
                        "linger_ms" => c.linger_ms = map.next_value()?,
                        "max_attempts" => {
                            c.max_attempts = map.next_value_seed(positive("max_attempts"))?
                        }
                        "backoff_initial_ms" => c.backoff_initial_ms = map.next_value()?,
                        "backoff_max_ms" => {
                            c.backoff_max_ms = map.next_value_seed(positive("backoff_max_ms"))?
                        }
                        "terms" => c.terms = map.next_value()?,
                        "enforce_terms" => {
                            let on: bool = map.next_value()?;
                            c.terms = if on { TermsMode::Repair } else { TermsMode::Off };
                            tracing::warn!(
                                "[translate] enforce_terms is deprecated: write terms = \"{}\" instead",
                                c.terms
                            );
                        }
                        // `Key` let only the names above and the provider tables through.
                        name => c.providers.push(map.next_value_seed(Table { name })?),
                    }
                }
                Ok(c)
            }
        }

        deserializer.deserialize_map(TableVisitor)
    }
}

/// How the glossary acts on translations (`[translate] terms`, `--terms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TermsMode {
    /// Translate plainly, check every sentence's terms, and repair only the
    /// sentences that break one (once each), keeping a repair only when it
    /// satisfies the terms without new damage; providers with a native
    /// glossary use it from the start and are verified the same way.
    #[default]
    Repair,
    /// Enforce every hit up front (native glossary, markup, placeholders,
    /// prompt), as earlier releases did.
    Force,
    /// Only detect and check: providers never see the glossary.
    Off,
}

impl TermsMode {
    /// The mode as written in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repair => "repair",
            Self::Force => "force",
            Self::Off => "off",
        }
    }
}

impl fmt::Display for TermsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TermsMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "repair" => Ok(Self::Repair),
            "force" => Ok(Self::Force),
            "off" => Ok(Self::Off),
            other => Err(format!("unknown terms mode {other:?} (use repair, force or off)")),
        }
    }
}

/// Reads `[translate.<name>]` into that provider's variant.
struct Table<'a> {
    name: &'a str,
}

impl<'de> DeserializeSeed<'de> for Table<'_> {
    type Value = ProviderConfig;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        ProviderConfig::deserialize_named(self.name, deserializer)
    }
}

/// Settings every provider takes, in its own `[translate.<name>]` table.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CommonConfig {
    /// Base URL (`https://api-free.deepl.com`, `http://127.0.0.1:2737`);
    /// none = the provider's documented endpoint.
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
    /// Longest silence while waiting for this provider's answer, in
    /// milliseconds (overrides `translate.read_timeout_ms`).
    pub read_timeout_ms: Option<u64>,
}

impl CommonConfig {
    /// The keys of [`CommonConfig`] in a provider table.
    pub(crate) const FIELDS: &'static [&'static str] = &[
        "endpoint",
        "api_key_env",
        "concurrency",
        "requests_per_second",
        "chars_per_minute",
        "max_segments",
        "max_bytes",
        "read_timeout_ms",
    ];

    /// Reads the value of `key` if it is one of ours; false otherwise.
    pub(crate) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "endpoint" => self.endpoint = Some(map.next_value()?),
            "api_key_env" => self.api_key_env = Some(map.next_value()?),
            "concurrency" => self.concurrency = Some(map.next_value_seed(positive("concurrency"))?),
            "requests_per_second" => {
                self.requests_per_second = Some(map.next_value_seed(Rate("requests_per_second"))?);
            }
            "chars_per_minute" => {
                self.chars_per_minute = Some(map.next_value_seed(positive("chars_per_minute"))?);
            }
            "max_segments" => {
                self.max_segments = Some(map.next_value_seed(positive("max_segments"))?)
            }
            "max_bytes" => self.max_bytes = Some(map.next_value_seed(positive("max_bytes"))?),
            "read_timeout_ms" => {
                self.read_timeout_ms = Some(map.next_value_seed(positive("read_timeout_ms"))?);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A provider's own config struct, as [`provider_config!`] declares it.
pub(crate) trait Section: Default {
    /// The provider's name: its table (`[translate.deepl]`), chain entry and
    /// `--provider` value.
    const NAME: &'static str;
    /// The provider's own keys, besides [`CommonConfig::FIELDS`].
    const FIELDS: &'static [&'static str];
    /// The shared settings.
    fn common(&self) -> &CommonConfig;
    /// Reads the value of `key` into `self`, common keys included.
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
    /// The provider's own settings that are set, as `key=value`, for
    /// `depeche providers`.
    fn settings(&self) -> Vec<String>;
}

/// Reads one provider table into `S`; the body of every provider config's
/// `Deserialize`.
pub(crate) fn deserialize_section<'de, D: Deserializer<'de>, S: Section>(
    deserializer: D,
) -> Result<S, D::Error> {
    struct SectionVisitor<S>(PhantomData<S>);

    impl<'de, S: Section> Visitor<'de> for SectionVisitor<S> {
        type Value = S;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "the [translate.{}] table", S::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S, A::Error> {
            let mut out = S::default();
            let key = Key { table: S::NAME, fields: &[CommonConfig::FIELDS, S::FIELDS] };
            while let Some(k) = map.next_key_seed(key)? {
                out.read(&k, &mut map)?;
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(SectionVisitor(PhantomData))
}

/// Reads a count, size or duration that must be above zero: a concurrency,
/// timeout or attempt count of 0 would stall or fail every request. The
/// check runs while the value is read, so toml reports its line.
struct Positive<T>(&'static str, PhantomData<T>);

/// A [`Positive`] reader for the setting `key`.
fn positive<T>(key: &'static str) -> Positive<T> {
    Positive(key, PhantomData)
}

impl<'de, T> DeserializeSeed<'de> for Positive<T>
where
    T: Deserialize<'de> + Default + PartialOrd + fmt::Display,
{
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let value = T::deserialize(deserializer)?;
        if value > T::default() {
            return Ok(value);
        }
        Err(de::Error::custom(format_args!(
            "{} = {value}: must be at least 1 (leave the key out for the default)",
            self.0
        )))
    }
}

/// Reads a rate (per second) that must be a finite number above zero: 0,
/// a negative number, `nan` or `inf` would stall or unthrottle a provider.
#[derive(Clone, Copy)]
struct Rate(&'static str);

impl<'de> DeserializeSeed<'de> for Rate {
    type Value = f64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<f64, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if value.is_finite() && value > 0.0 {
            return Ok(value);
        }
        Err(de::Error::custom(format_args!(
            "{} = {value}: must be a number above 0 (leave the key out for no limit)",
            self.0
        )))
    }
}

/// Reads a key and rejects the ones `table` does not take.
///
/// The check runs while the key is read, so the format can point at the
/// key itself (toml reports its line).
#[derive(Clone, Copy)]
struct Key<'a> {
    /// `translate` or the provider name.
    table: &'a str,
    /// The accepted keys, in groups.
    fields: &'a [&'a [&'a str]],
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        let key = String::deserialize(deserializer)?;
        if self.fields.iter().any(|group| group.contains(&key.as_str())) {
            return Ok(key);
        }
        let table = match self.table {
            "translate" => "[translate]".to_string(),
            name => format!("[translate.{name}]"),
        };
        let expected: Vec<String> =
            self.fields.iter().flat_map(|g| g.iter()).map(|f| format!("`{f}`")).collect();
        Err(de::Error::custom(format_args!(
            "unknown field `{key}` in {table}, expected one of {}",
            expected.join(", ")
        )))
    }
}

/// Declares a provider's config struct: its own settings, each an
/// `Option`, plus [`CommonConfig`] in `common`, read from one
/// `[translate.<name>]` table that rejects unknown keys.
///
/// ```ignore
/// provider_config! {
///     /// `[translate.apertium]`.
///     pub struct ApertiumConfig(NAME) {
///         /// Language path (`fra|cat|eng`).
///         pub pair: Option<String>,
///     }
/// }
/// ```
macro_rules! provider_config {
    (
        $(#[$meta:meta])*
        pub struct $Config:ident($name:expr) {
            $( $(#[$fmeta:meta])* pub $field:ident: Option<$ty:ty>, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $Config {
            /// Endpoint, key variable and traffic limits, as every provider takes.
            pub common: $crate::translate::CommonConfig,
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
        }

        impl $crate::translate::config::Section for $Config {
            const NAME: &'static str = $name;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn common(&self) -> &$crate::translate::CommonConfig {
                &self.common
            }

            fn read<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match key {
                    $( stringify!($field) => self.$field = Some(map.next_value()?), )*
                    _ => {
                        // `Key` only lets through our fields and the common ones.
                        self.common.read(key, map)?;
                    }
                }
                Ok(())
            }

            fn settings(&self) -> Vec<String> {
                #[allow(unused_mut, reason = "a provider may have no settings of its own")]
                let mut out = Vec::new();
                $(
                    if let Some(v) = &self.$field {
                        out.push(format!("{}={v}", stringify!($field)));
                    }
                )*
                out
            }
        }

        impl<'de> serde::Deserialize<'de> for $Config {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::translate::config::deserialize_section(d)
            }
        }
    };
}
pub(crate) use provider_config;

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
    fn terms_mode_and_the_deprecated_enforce_terms() {
        let mode = |t: &str| toml::from_str::<TranslateConfig>(t).map(|c| c.terms);
        assert_eq!(mode("").unwrap(), TermsMode::Repair);
        assert_eq!(mode("terms = \"force\"").unwrap(), TermsMode::Force);
        assert_eq!(mode("terms = \"off\"").unwrap(), TermsMode::Off);
        assert_eq!(mode("enforce_terms = true").unwrap(), TermsMode::Repair);
        assert_eq!(mode("enforce_terms = false").unwrap(), TermsMode::Off);
        assert!(mode("terms = \"always\"").is_err());
        assert_eq!("force".parse::<TermsMode>(), Ok(TermsMode::Force));
        assert!("maybe".parse::<TermsMode>().unwrap_err().contains("repair, force or off"));
    }

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
        let Some(ProviderConfig::DeepL(deepl)) = cfg.provider_config("deepl") else {
            panic!("no deepl section")
        };
        assert_eq!(deepl.common.api_key_env.as_deref(), Some("MY_DEEPL"));
        assert_eq!(deepl.common.requests_per_second, Some(5.0));
        let Some(ProviderConfig::Apertium(apertium)) = cfg.provider_config("apertium") else {
            panic!("no apertium section")
        };
        assert_eq!(apertium.pair.as_deref(), Some("fra|cat|eng"));
        assert_eq!(cfg.timeout_ms, None);
        assert!(toml::from_str::<TranslateConfig>("providr = \"deepl\"").is_err());
        assert!(toml::from_str::<TranslateConfig>("[deepl]\nkey = \"x\"").is_err());
        assert_eq!(toml::from_str::<TranslateConfig>("").unwrap(), TranslateConfig::default());
    }

    #[test]
    fn a_provider_without_a_table_gets_its_defaults() {
        let cfg = TranslateConfig::default();
        assert_eq!(cfg.provider_config("openai"), ProviderConfig::default_for("openai"));
        assert!(cfg.provider_config("none").is_none());
        assert!(cfg.provider_config("babel").is_none());
    }

    // See: #15
    #[test]
    fn zero_negative_and_nan_settings_name_the_key_and_the_line() {
        for (text, says) in [
            ("max_attempts = 0\n", "max_attempts = 0: must be at least 1"),
            ("requests_per_second = inf\n", "requests_per_second = inf: must be a number above 0"),
            ("[deepl]\nmax_segments = 0\n", "max_segments = 0: must be at least 1"),
            ("[deepl]\nrequests_per_second = nan\n", "requests_per_second = NaN"),
            ("[deepl]\nconcurrency = -3\n", "invalid value: integer `-3`"),
        ] {
            let err = toml::from_str::<TranslateConfig>(text).unwrap_err().to_string();
            let line = format!("line {}", text.lines().count());
            assert!(err.contains(says) && err.contains(&line), "{text}: {err}");
        }
        let ok = "linger_ms = 0\nbackoff_initial_ms = 0\nrequests_per_second = 0.5\n";
        assert!(toml::from_str::<TranslateConfig>(ok).is_ok());
    }

    #[test]
    fn unknown_keys_name_the_key_the_table_and_the_line() {
        // A setting of another provider is now a parse error, with its line.
        let err =
            toml::from_str::<TranslateConfig>("[deepl]\nformality = \"less\"\npair = \"x\"\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("unknown field `pair` in [translate.deepl]"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("`formality`") && err.contains("`endpoint`"), "{err}");
        let err = toml::from_str::<TranslateConfig>("timeout_ms = 5\n[babel]\nendpoint = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `babel` in [translate]"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        let err = toml::from_str::<TranslateConfig>("[openai]\ntemperature = \"hot\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("invalid type"), "{err}");
    }
}
