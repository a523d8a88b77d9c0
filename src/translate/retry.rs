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
    /// How long a provider may refuse every request as too many (429)
    /// before the lane gives up; rate limiting is otherwise waited out.
    pub(crate) give_up_after: Duration,
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
        Some(self.pause(attempt, err))
    }

    /// The wait after the `n`th failure in a row (1-based) of a request:
    /// the provider's Retry-After when it gave one, else the backoff.
    pub(crate) fn pause(&self, n: u32, err: &ProviderError) -> Duration {
        if let Some(wait) = err.retry_after() {
            return wait.min(self.cap);
        }
        // Rate limits retry without an attempt limit: the exponent stops
        // growing long after the cap is reached, so the float stays finite.
        let exp = i32::try_from(n.saturating_sub(1).min(64)).unwrap_or(64);
        let base = self.initial.as_secs_f64() * MULTIPLIER.powi(exp);
        let jittered = base * (1.0 + JITTER * (2.0 * unit_random() - 1.0));
        Duration::try_from_secs_f64(jittered.max(0.0)).unwrap_or(self.cap).min(self.cap)
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
            give_up_after: Duration::from_secs(600),
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
        // Rate limits pause without an attempt limit, on the same schedule.
        let rl = ProviderError::RateLimited { provider: "x", retry_after: None };
        assert_eq!(policy().pause(40, &rl), Duration::from_secs(3));
        assert_eq!(policy().pause(u32::MAX, &rl), Duration::from_secs(3));
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
