//! Translate stage: fills segment targets through a [`Provider`].
//!
//! Input: segmented [`Article`](crate::model::Article)s with their term hits.
//! Output: the same articles with `target` and `origin` set on every segment
//! the provider could serve. A provider sees one batch per call and returns
//! one translation per input segment, in order; batching, limits and retries
//! are shared code in this module, never inside a provider.
//!
//! The entry point is [`Translator`]: built once from [`TranslateConfig`] and
//! [`Overrides`], shared by every article in flight, it owns one concurrency
//! limit, one rate limiter and one circuit breaker per provider, and walks the
//! configured chain when a provider cannot serve a segment.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::model::TermHit;

pub(crate) mod apertium;
pub(crate) mod azure;
pub(crate) mod batch;
pub(crate) mod coalesce;
pub(crate) mod config;
pub(crate) mod deepl;
pub(crate) mod google;
pub(crate) mod http;
pub(crate) mod libretranslate;
pub(crate) mod limiter;
pub(crate) mod none;
pub(crate) mod openai;
pub(crate) mod placeholder;
pub(crate) mod registry;
pub(crate) mod repair;
pub(crate) mod resend;
pub(crate) mod retry;
pub(crate) mod translator;

pub use batch::{ProviderUsage, TranslateStats, plan, sentence_case_if_shouting};
pub use config::{CommonConfig, Overrides, TermsMode, TranslateConfig};
pub use none::NoneProvider;
pub use registry::configs::*;
pub use registry::{PROVIDER_NAMES, ProviderConfig, ProviderInfo, provider_list};
pub use repair::TermStats;
pub use translator::{Stopped, Translator};

/// Why a [`Translator`] could not be built from the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider name is not one depeche knows.
    #[error("unknown translation provider `{name}` (known: {known})")]
    UnknownProvider {
        /// The name as written.
        name: String,
        /// The names that would work.
        known: String,
    },
    /// A provider needs a key and its environment variable is not set.
    #[error("{provider} needs an API key: set the environment variable {env}")]
    MissingKey {
        /// Provider name.
        provider: &'static str,
        /// The variable that was read.
        env: String,
    },
    /// An endpoint is not a usable http(s) URL.
    #[error("{provider}: endpoint `{url}` is not an http(s) URL")]
    BadEndpoint {
        /// Provider name.
        provider: &'static str,
        /// The URL as written.
        url: String,
    },
    /// The configuration is inconsistent.
    #[error("[translate] configuration: {detail}")]
    Config {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// The documented request limits of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most segments one request may carry.
    pub max_segments: usize,
    /// Most bytes of source text one request may carry.
    pub max_bytes: usize,
}

/// How a provider can be made to use the glossary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermSupport {
    /// A glossary object on the provider side (DeepL, Google v3).
    Native,
    /// Markup inside the source text (Azure dynamic dictionary, placeholders).
    Inline,
    /// Terms listed in the prompt (LLMs).
    Prompt,
    /// No enforcement; the QA stage still verifies.
    None,
}

/// One segment to translate, with the glossary hits in its source.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem<'a> {
    /// Segment id, unique in the batch.
    pub id: &'a str,
    /// Source text.
    pub text: &'a str,
    /// Glossary hits in `text`.
    pub terms: &'a [TermHit],
    /// An earlier translation of `text` that broke the terms in `terms`:
    /// the segment is sent again for repair. Providers that take a
    /// correction (prompt-based models) are asked to correct it; the others
    /// translate `text` again with `terms` protected.
    pub previous: Option<&'a str>,
}

/// What one provider call translates.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// Source locale (`fr-FR`).
    pub source_lang: &'a str,
    /// Target locale (`en-GB`).
    pub target_lang: &'a str,
    /// The segments, in order.
    pub items: &'a [BatchItem<'a>],
}

impl Batch<'_> {
    /// Bytes of source text in the batch.
    pub fn bytes(&self) -> usize {
        self.items.iter().map(|i| i.text.len()).sum()
    }
}

/// A translation service.
///
/// One call sends one request; output `i` translates input `i`.
#[async_trait]
pub trait Provider: Send + Sync + fmt::Debug {
    /// Short name: config key, logs and the XLIFF origin (`deepl`).
    fn name(&self) -> &'static str;
    /// Documented maximum segments and bytes per request.
    fn limits(&self) -> Limits;
    /// How the provider can enforce glossary terms.
    fn terminology(&self) -> TermSupport;
    /// False for providers that leave targets empty on purpose (`none`).
    fn produces_targets(&self) -> bool {
        true
    }
    /// True when the answer names the input each translation belongs to
    /// (ids in a structured answer); false for answers by position, which
    /// are checked for order before they are trusted.
    fn answers_by_id(&self) -> bool {
        false
    }
    /// Translates one batch.
    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError>;
    /// Makes the provider use `entries` (source term, target term) as a
    /// native glossary for this language pair, creating it if needed;
    /// returns its id. Providers without one do nothing.
    async fn prepare_glossary(
        &self,
        _entries: &[(String, String)],
        _source_lang: &str,
        _target_lang: &str,
    ) -> Result<Option<String>, ProviderError> {
        Ok(None)
    }
    /// One cheap call proving the provider answers with this configuration;
    /// returns a short human-readable result.
    async fn check(&self) -> Result<String, ProviderError> {
        let items = [BatchItem { id: "check", text: "bonjour", terms: &[], previous: None }];
        let batch = Batch { source_lang: "fr", target_lang: "en", items: &items };
        let out = self.translate(&batch).await?;
        Ok(format!("bonjour -> {}", out.first().map(String::as_str).unwrap_or("")))
    }
}

/// Why a provider call failed, and whether trying again can help.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The provider asked us to slow down (HTTP 429 or equivalent).
    #[error("{provider} is rate limiting requests")]
    RateLimited {
        /// Provider name.
        provider: &'static str,
        /// How long the provider asked us to wait.
        retry_after: Option<Duration>,
    },
    /// A server-side failure (5xx) that may pass.
    #[error("{provider} failed on its side (HTTP {status})")]
    Server {
        /// Provider name.
        provider: &'static str,
        /// HTTP status.
        status: u16,
        /// Wait the provider asked for, if any.
        retry_after: Option<Duration>,
    },
    /// The connection failed, timed out or was reset.
    #[error("{provider} could not be reached")]
    Transport {
        /// Provider name.
        provider: &'static str,
        /// The underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The key was rejected.
    #[error("{provider} rejected the API key (check {env})")]
    Auth {
        /// Provider name.
        provider: &'static str,
        /// Environment variable the key came from.
        env: String,
    },
    /// The account has no quota left.
    #[error("{provider} quota is exhausted: {detail}")]
    QuotaExhausted {
        /// Provider name.
        provider: &'static str,
        /// What the provider said.
        detail: String,
    },
    /// The provider does not serve this language pair.
    #[error("{provider} does not translate {pair}")]
    UnsupportedPair {
        /// Provider name.
        provider: &'static str,
        /// `fr-FR -> en-GB`.
        pair: String,
    },
    /// The request was too large for the provider.
    #[error("{provider} rejected the request as too large")]
    TooLarge {
        /// Provider name.
        provider: &'static str,
    },
    /// The request was rejected as malformed.
    #[error("{provider} rejected the request: {detail}")]
    BadRequest {
        /// Provider name.
        provider: &'static str,
        /// What the provider said.
        detail: String,
    },
    /// The response could not be used (bad JSON, wrong count, ...).
    #[error("{provider} sent an unusable response: {detail}")]
    BadResponse {
        /// Provider name.
        provider: &'static str,
        /// What was wrong with it.
        detail: String,
    },
    /// The provider refused every request as too many for longer than
    /// `[translate] give_up_after_secs`, without one successful answer.
    #[error("{provider} answered nothing but \"too many requests\" for {} s", waited.as_secs())]
    GaveUp {
        /// Provider name.
        provider: &'static str,
        /// How long it refused everything.
        waited: Duration,
    },
    /// Several requests in a row timed out or found no server: the
    /// endpoint is down, or accepts connections and never answers.
    #[error("{provider} is not answering: {failures} requests in a row {what}")]
    Unreachable {
        /// Provider name.
        provider: &'static str,
        /// Requests that failed in a row.
        failures: usize,
        /// `timed out` or `could not connect`.
        what: &'static str,
    },
    /// A request failed or came back unusable, and sending its texts again
    /// would pass the run's allowance for resends (see `resend.rs`).
    #[error("{provider} {reason}; not sent again, the run's allowance for resends is spent")]
    NotResent {
        /// Provider name.
        provider: &'static str,
        /// What went wrong with the last answer, or why it had to be resent.
        reason: String,
    },
    /// An earlier unrecoverable error stopped all traffic to this provider.
    #[error("{provider} is disabled for this run: {reason}")]
    CircuitOpen {
        /// Provider name.
        provider: &'static str,
        /// The error that opened the circuit, with what to do.
        reason: ProviderFailure,
    },
}

/// One distinct provider error of a run, kept typed for callers and
/// displayed with what to do about it (`deepl rejected the API key (check
/// DEEPL_AUTH_KEY); check the key, then run again`).
#[derive(Debug, Clone)]
pub struct ProviderFailure {
    error: Arc<ProviderError>,
    /// The segments it left untranslated, when it concerns some.
    segments: Arc<[String]>,
}

impl ProviderFailure {
    /// Wraps `error`.
    pub fn new(error: ProviderError) -> Self {
        Self { error: Arc::new(error), segments: Arc::new([]) }
    }

    /// The same failure, naming the segments it left untranslated.
    pub fn with_segments(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.segments = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The ids of the segments it left untranslated (may be empty).
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The error itself.
    pub fn error(&self) -> &ProviderError {
        &self.error
    }
}

impl fmt::Display for ProviderFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if !self.segments.is_empty() {
            write!(f, " (segments {})", self.segments.join(", "))?;
        }
        match self.error.hint() {
            Some(hint) => write!(f, "; {hint}"),
            None => Ok(()),
        }
    }
}

impl Eq for ProviderFailure {}

impl PartialEq for ProviderFailure {
    /// Two failures are the same when they read the same.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.error, &other.error) || self.to_string() == other.to_string()
    }
}

impl ProviderError {
    /// What the user can do about an error that disables the provider for
    /// the run (a bad key, an exhausted quota, a refused request).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ProviderError::Auth { .. } => Some("check the key, then run again"),
            ProviderError::QuotaExhausted { .. } => {
                Some("wait for the quota to renew or raise it; finished segments are kept")
            }
            ProviderError::BadRequest { .. } => {
                Some("fix the request settings in [translate], then run again")
            }
            ProviderError::GaveUp { .. } => Some(
                "the run stopped waiting ([translate] give_up_after_secs); run again later \
                 to translate the rest, finished segments are kept",
            ),
            ProviderError::Unreachable { .. } => Some(
                "check that the server at the endpoint is up (timeouts: [translate] \
                 connect_timeout_ms, read_timeout_ms, timeout_ms), then run again; finished \
                 segments are kept",
            ),
            ProviderError::NotResent { .. } => Some(
                "texts are sent again for at most half the characters and half the requests \
                 the run first sent (at least 1,000 characters and 4 requests), so a faulty \
                 server cannot multiply the bill; run again to translate these segments, \
                 finished ones are kept",
            ),
            _ => None,
        }
    }

    /// True when the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Server { .. }
                | ProviderError::Transport { .. }
        )
    }

    /// True when the provider cannot serve anything more in this run (bad
    /// key, exhausted quota, rejected request shape): its circuit opens.
    pub fn opens_circuit(&self) -> bool {
        matches!(
            self,
            ProviderError::Auth { .. }
                | ProviderError::QuotaExhausted { .. }
                | ProviderError::BadRequest { .. }
                | ProviderError::GaveUp { .. }
                | ProviderError::Unreachable { .. }
                | ProviderError::CircuitOpen { .. }
        )
    }

    /// For a request that never got an answer because the server could
    /// not be reached or did not answer in time: which of the two. Resets
    /// of a live server are not counted: they heal on a retry.
    pub(crate) fn unreachable(&self) -> Option<&'static str> {
        let ProviderError::Transport { source, .. } = self else { return None };
        let e = source.downcast_ref::<reqwest::Error>()?;
        if e.is_timeout() {
            Some("timed out")
        } else if e.is_connect() {
            Some("could not connect")
        } else {
            None
        }
    }

    /// The wait the provider asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. }
            | ProviderError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The primary language subtag, lowercase: `fr-FR` → `fr`.
pub(crate) fn primary_lang(tag: &str) -> String {
    match crate::Locale::parse(tag) {
        Ok(locale) => locale.language().to_owned(),
        Err(_) => tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase(),
    }
}
