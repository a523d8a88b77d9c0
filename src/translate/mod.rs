//! Translate stage: fills segment targets through a [`Provider`].
//!
//! Input: segmented [`Article`](crate::model::Article)s with their term hits.
//! Output: the same articles with `target` and `origin` set on every segment
//! the provider could serve. A provider sees one batch per call and returns
//! one translation per input segment, in order; batching, limits and retries
//! are shared code in this module, never inside a provider.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

use crate::model::TermHit;

pub(crate) mod batch;
pub(crate) mod none;

pub use batch::{TranslateStats, plan, translate_article};
pub use none::NoneProvider;

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
    /// Translates one batch.
    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError>;
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
}

impl ProviderError {
    /// True when the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Server { .. }
                | ProviderError::Transport { .. }
        )
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
