//! What the workers of one batch share beyond the translation memory, so
//! that N processes on N machines pay for a sentence once and together keep
//! to the provider's limits.
//!
//! A [`Coordinator`] comes with a shared memory
//! ([`MemoryStore::coordinator`](crate::tm::MemoryStore::coordinator): the
//! PostgreSQL store has one, the SQLite file none) and offers three things:
//!
//! - **Claims** on sentences. Before sending a sentence a worker claims it
//!   (by [`sentence_key`]: locales and normalised source). A sentence
//!   claimed by another worker is not sent: the pipeline waits for its
//!   translation to reach the memory, polling, and takes the claim over if
//!   its holder lets it go (translated, failed) or dies (its lease runs out
//!   because nobody renews it). A live worker renews its leases, so a slow
//!   provider never lets a claim lapse.
//! - **Token buckets** per provider lane (requests per second, characters
//!   per minute) kept on the server, so the rates configured for a key hold
//!   for all workers together, and a **pause**: a `Retry-After` seen by one
//!   worker stops the lane for every worker until it has passed.
//! - **The character budget** (`--max-chars`) of a batch, spent by all its
//!   workers together; once a worker's article does not fit, the budget is
//!   closed for all.
//!
//! Every method may fail (the server went away): callers then go on alone,
//! as a single process would, and log why.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest as _, Sha256};

use crate::tm::{self, Error};

/// One token bucket of a lane, and what a request takes from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Take {
    /// Which bucket of the lane: `requests` or `chars`.
    pub bucket: &'static str,
    /// Tokens added per second.
    pub rate: f64,
    /// Most tokens held (the burst).
    pub burst: f64,
    /// Tokens this request takes.
    pub cost: f64,
}

/// Coordination between the workers that share a memory server.
#[async_trait]
pub trait Coordinator: Send + Sync + fmt::Debug {
    /// Claims the sentences `keys` for this worker; answer `i` is true when
    /// this worker holds `keys[i]` now (it was free, its holder's lease ran
    /// out, or it already held it).
    async fn claim(&self, keys: &[Vec<u8>]) -> Result<Vec<bool>, Error>;

    /// Lets go of claims this worker holds (the others are left alone).
    async fn release(&self, keys: &[Vec<u8>]) -> Result<(), Error>;

    /// Takes `takes` from the buckets of `lane` and returns how long to
    /// wait before sending: until every bucket would have covered its cost.
    /// The balance may go negative, so that waiters are served in turn
    /// without polling. Pauses are [`paused`](Self::paused)'s business.
    async fn take(&self, lane: &str, takes: &[Take]) -> Result<Duration, Error>;

    /// How long `lane` stays paused from now (zero when it is not): checked
    /// again right before sending, since a pause may have begun while a
    /// request waited for its turn.
    async fn paused(&self, lane: &str) -> Result<Duration, Error>;

    /// Pauses `lane` for every worker for `wait` from now (a `Retry-After`),
    /// unless it is already paused for longer.
    async fn pause(&self, lane: &str, wait: Duration) -> Result<(), Error>;

    /// Reserves `chars` from the budget `name` of `limit` characters; false
    /// when they do not fit, which closes the budget for every worker.
    async fn reserve(&self, name: &str, limit: u64, chars: u64) -> Result<bool, Error>;
}

/// The key a sentence is claimed by: SHA-256 of the canonical locales and
/// the normalised source, the same key the PostgreSQL memory files it
/// under.
pub fn sentence_key(source: &str, source_lang: &str, target_lang: &str) -> Vec<u8> {
    let src = tm::canonical_lang(source_lang).unwrap_or_else(|| source_lang.to_string());
    let tgt = tm::canonical_lang(target_lang).unwrap_or_else(|| target_lang.to_string());
    let mut h = Sha256::new();
    for part in [src.as_str(), tgt.as_str()] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.update(tm::normalize(source).as_bytes());
    h.finalize().to_vec()
}

/// How long a claim lasts unless renewed, by default; `DEPECHE_CLAIM_LEASE`
/// (seconds) changes it.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// The lease in force: `DEPECHE_CLAIM_LEASE` seconds (at least 1), or
/// [`DEFAULT_LEASE`].
pub fn lease_from_env() -> Duration {
    std::env::var("DEPECHE_CLAIM_LEASE")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 1.0)
        .map_or(DEFAULT_LEASE, Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_memory_key() {
        let key = sentence_key("L’armée  a dit.", "fr-fr", "en_GB");
        assert_eq!(key, crate::tm::entry_key("fr-FR", "en-GB", "L'armée a dit."));
        assert_ne!(key, sentence_key("L’armée a dit.", "fr-FR", "en-US"));
    }
}
