//! One concurrency limit and one rate limiter per provider, shared by every
//! article in flight, and, when workers share a memory server, by every
//! worker: the buckets then live on the server (see
//! [`crate::coordination`]), and a `Retry-After` pauses the lane for all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use crate::coordination::{Coordinator, Take};

/// Concurrency limit plus optional request and character budgets.
#[derive(Debug)]
pub(crate) struct Limiter {
    slots: Semaphore,
    requests: Option<Bucket>,
    chars: Option<Bucket>,
    /// The lane's buckets on a server shared with other workers.
    shared: Option<Shared>,
}

/// A lane's limits kept on a coordination server.
#[derive(Debug)]
struct Shared {
    coordinator: Arc<dyn Coordinator>,
    /// The lane's name among all workers: provider and endpoint.
    lane: String,
    /// Set after the first failure, which is logged once.
    failed: AtomicBool,
}

impl Limiter {
    /// `concurrency` requests in flight, at most `per_second` requests per
    /// second and `chars_per_minute` characters per minute.
    pub(crate) fn new(
        concurrency: usize,
        per_second: Option<f64>,
        chars_per_minute: Option<u64>,
    ) -> Self {
        Self {
            slots: Semaphore::new(concurrency.max(1)),
            requests: per_second.filter(|r| *r > 0.0).map(|r| Bucket::new(r, r.max(1.0))),
            chars: chars_per_minute
                .filter(|c| *c > 0)
                .map(|c| Bucket::new(c as f64 / 60.0, c as f64)),
            shared: None,
        }
    }

    /// Keeps this lane's buckets, and its pauses, on `coordinator` under
    /// the name `lane`, shared with every worker that uses the same one.
    pub(crate) fn share(&mut self, coordinator: Arc<dyn Coordinator>, lane: String) {
        self.shared = Some(Shared { coordinator, lane, failed: AtomicBool::new(false) });
    }

    /// What a request of `chars` characters takes from the buckets.
    fn takes(&self, chars: usize) -> Vec<Take> {
        let take = |bucket, b: &Bucket, cost| Take { bucket, rate: b.rate, burst: b.burst, cost };
        self.requests
            .iter()
            .map(|b| take("requests", b, 1.0))
            .chain(self.chars.iter().map(|b| take("chars", b, chars as f64)))
            .collect()
    }

    /// Stops the lane for `wait` for every worker sharing it (a
    /// `Retry-After`); for a lane of its own a worker's retry waits anyway.
    pub(crate) async fn pause(&self, wait: Duration) {
        if let Some(shared) = &self.shared
            && let Err(e) = shared.coordinator.pause(&shared.lane, wait).await
        {
            shared.warn_once(&e);
        }
    }

    /// Waits for a slot, then for budget for one request of `chars`
    /// characters. The slot is released when the permit drops.
    pub(crate) async fn acquire(&self, chars: usize) -> Option<SemaphorePermit<'_>> {
        let permit = self.slots.acquire().await.ok()?;
        if let Some(shared) = &self.shared {
            match shared.acquire(&self.takes(chars)).await {
                Ok(()) => return Some(permit),
                // The server went away: this worker goes on with its own limits.
                Err(e) => shared.warn_once(&e),
            }
        }
        let mut wait = Duration::ZERO;
        if let Some(b) = &self.requests {
            wait = wait.max(b.reserve(1.0));
        }
        if let Some(b) = &self.chars {
            wait = wait.max(b.reserve(chars as f64));
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Some(permit)
    }
}

impl Shared {
    /// Waits for this worker's turn in the shared buckets, and past any
    /// pause of the lane. A pause that began while the request waited makes
    /// it queue again afterwards, so that the requests held back do not all
    /// leave at once when it ends.
    async fn acquire(&self, takes: &[Take]) -> Result<(), crate::tm::Error> {
        loop {
            let paused = self.coordinator.paused(&self.lane).await?;
            if !paused.is_zero() {
                tokio::time::sleep(paused).await;
                continue;
            }
            let wait = self.coordinator.take(&self.lane, takes).await?;
            if wait.is_zero() {
                return Ok(());
            }
            tokio::time::sleep(wait).await;
            if self.coordinator.paused(&self.lane).await?.is_zero() {
                return Ok(());
            }
        }
    }

    fn warn_once(&self, e: &crate::tm::Error) {
        if !self.failed.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                lane = %self.lane,
                "shared traffic limits unavailable, this worker keeps its own: {}",
                crate::pipeline::error_chain(e)
            );
        }
    }
}

/// A token bucket that lets the balance go negative: each caller reserves
/// its cost at once and sleeps until the balance would have covered it, so
/// waiters are served in arrival order with no polling.
#[derive(Debug)]
struct Bucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    fn new(rate: f64, burst: f64) -> Self {
        Self { rate, burst, state: Mutex::new((burst, Instant::now())) }
    }

    fn reserve(&self, cost: f64) -> Duration {
        let cost = cost.min(self.burst);
        let now = Instant::now();
        let Ok(mut state) = self.state.lock() else { return Duration::ZERO };
        let (tokens, last) = *state;
        let refilled =
            (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
        let left = refilled - cost;
        *state = (left, now);
        if left >= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(-left / self.rate) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn request_rate_is_enforced() {
        let l = Limiter::new(100, Some(10.0), None);
        let start = Instant::now();
        for _ in 0..30 {
            drop(l.acquire(1).await);
        }
        // 10 of burst, then 20 at 10/s.
        let took = start.elapsed().as_secs_f64();
        assert!((1.9..2.2).contains(&took), "{took}");
    }

    #[tokio::test(start_paused = true)]
    async fn char_budget_is_enforced() {
        let l = Limiter::new(4, None, Some(600));
        let start = Instant::now();
        drop(l.acquire(600).await);
        drop(l.acquire(300).await);
        let took = start.elapsed().as_secs_f64();
        assert!((29.0..31.0).contains(&took), "{took}");
    }

    #[tokio::test]
    async fn concurrency_is_bounded() {
        let l = Limiter::new(2, None, None);
        let a = l.acquire(1).await.unwrap();
        let _b = l.acquire(1).await.unwrap();
        assert!(tokio::time::timeout(Duration::from_millis(20), l.acquire(1)).await.is_err());
        drop(a);
        assert!(tokio::time::timeout(Duration::from_millis(20), l.acquire(1)).await.is_ok());
    }
}
