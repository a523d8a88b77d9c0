//! Retry policy: exponential backoff with jitter and a cap, honouring the
//! wait a provider asks for.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use super::ProviderError;

/// How often and how long to retry a failed request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RetryPolicy {
    /// Attempts in total, the first included.
    pub(crate) max_attempts: u32,
    /// Delay before the second attempt.
    pub(crate) initial: Duration,
    /// Longest delay, and longest Retry-After honoured.
    pub(crate) cap: Duration,
}

/// Growth of the delay per attempt, as DeepL's own clients use.
const MULTIPLIER: f64 = 1.6;
/// Relative jitter (±23 %), which spreads out clients that failed together.
const JITTER: f64 = 0.23;

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` after `err` on attempt
    /// `attempt` (1-based), or `None` when the error must not be retried
    /// or the attempts are used up.
    pub(crate) fn delay(&self, attempt: u32, err: &ProviderError) -> Option<Duration> {
        if !err.is_retryable() || attempt >= self.max_attempts {
            return None;
        }
        if let Some(wait) = err.retry_after() {
            return Some(wait.min(self.cap));
        }
        let exp = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let base = self.initial.as_secs_f64() * MULTIPLIER.powi(exp);
        let jittered = base * (1.0 + JITTER * (2.0 * unit_random() - 1.0));
        Some(Duration::from_secs_f64(jittered.max(0.0)).min(self.cap))
    }
}

/// A number in [0, 1) from the process's hash seed and a counter; good
/// enough for jitter and needs no extra dependency.
fn unit_random() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let h = RandomState::new().hash_one(n);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            initial: Duration::from_secs(1),
            cap: Duration::from_secs(3),
        }
    }

    #[test]
    fn backs_off_with_jitter_and_cap() {
        let err = ProviderError::Server { provider: "x", status: 503, retry_after: None };
        let d1 = policy().delay(1, &err).unwrap();
        assert!(d1 >= Duration::from_millis(770) && d1 <= Duration::from_millis(1230), "{d1:?}");
        let d2 = policy().delay(2, &err).unwrap();
        assert!(d2 >= Duration::from_millis(1232) && d2 <= Duration::from_millis(1968), "{d2:?}");
        assert_eq!(policy().delay(4, &err), Some(Duration::from_secs(3)));
        assert_eq!(policy().delay(5, &err), None);
    }

    #[test]
    fn honours_retry_after_and_never_retries_fatal_errors() {
        let rl =
            ProviderError::RateLimited { provider: "x", retry_after: Some(Duration::from_secs(2)) };
        assert_eq!(policy().delay(1, &rl), Some(Duration::from_secs(2)));
        let long = ProviderError::RateLimited {
            provider: "x",
            retry_after: Some(Duration::from_secs(99)),
        };
        assert_eq!(policy().delay(1, &long), Some(Duration::from_secs(3)));
        let quota = ProviderError::QuotaExhausted { provider: "x", detail: "456".into() };
        assert_eq!(policy().delay(1, &quota), None);
        let auth = ProviderError::Auth { provider: "x", env: "K".into() };
        assert_eq!(policy().delay(1, &auth), None);
    }
}
