//! The traffic controls of one provider lane, shared by every article in
//! flight: an adaptive concurrency window, a lane-wide pause, and optional
//! request and character budgets.
//!
//! The window follows AIMD, as TCP congestion control does: it starts at
//! the configured concurrency, halves on an overload signal (HTTP 429, 503,
//! 529, or an answer far slower than usual) and grows by about one request
//! per window of fast answers, never below 1 nor above the configured
//! maximum. A `Retry-After` pauses the whole lane, so that the requests
//! queued behind the one that was told to wait do not keep hitting a limit
//! the provider has just announced (issue #13).
//!
//! When workers share a memory server, the request and character budgets
//! live on the server (see [`crate::coordination`]) and are shared by every
//! worker, and a `Retry-After` pauses the lane for all of them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::coordination::{Coordinator, Take};

/// An answer slower than `SLOW_FACTOR` times the usual latency plus
/// `SLOW_MARGIN` counts as an overload signal: the server is queueing.
const SLOW_FACTOR: f64 = 2.0;
const SLOW_MARGIN: Duration = Duration::from_millis(500);
/// Weight of a new sample in the usual latency (an exponential average).
const LATENCY_WEIGHT: f64 = 0.1;

/// Adaptive concurrency plus optional request and character budgets.
#[derive(Debug)]
pub(crate) struct Limiter {
    max: usize,
    window: Mutex<Window>,
    /// Woken when a slot frees, the window grows or a pause ends.
    changed: Notify,
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

#[derive(Debug)]
struct Window {
    /// Requests allowed in flight (its floor, at least 1).
    limit: f64,
    in_flight: usize,
    /// No request starts before this instant.
    paused_until: Option<Instant>,
    /// When the window was last cut: signals from requests sent before
    /// then describe the old window and do not cut it again.
    last_cut: Option<Instant>,
    /// The usual latency of a successful answer.
    usual: Option<Duration>,
    /// Since when the lane has been told to slow down without a single
    /// successful answer in between.
    limited_since: Option<Instant>,
}

/// A slot in the window, released when dropped.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    limiter: &'a Limiter,
    /// When the request was allowed to start.
    pub(crate) started: Instant,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.limiter.window.lock() {
            w.in_flight = w.in_flight.saturating_sub(1);
        }
        self.limiter.changed.notify_waiters();
    }
}

/// What the lane concluded from an overload signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Wait (the lane is paused this long) and try again.
    Retry(Duration),
    /// The provider has refused everything for longer than the deadline:
    /// stop, and say how long it lasted.
    GiveUp(Duration),
}

impl Limiter {
    /// At most `concurrency` requests in flight, `per_second` requests per
    /// second and `chars_per_minute` characters per minute.
    pub(crate) fn new(
        concurrency: usize,
        per_second: Option<f64>,
        chars_per_minute: Option<u64>,
    ) -> Self {
        let max = concurrency.max(1);
        Self {
            max,
            window: Mutex::new(Window {
                limit: max as f64,
                in_flight: 0,
                paused_until: None,
                last_cut: None,
                usual: None,
                limited_since: None,
            }),
            changed: Notify::new(),
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
    /// `Retry-After`); the lane's own pause is set by [`Limiter::overloaded`].
    pub(crate) async fn pause(&self, wait: Duration) {
        if let Some(shared) = &self.shared
            && let Err(e) = shared.coordinator.pause(&shared.lane, wait).await
        {
            shared.warn_once(&e);
        }
    }

    /// Waits for the lane to be unpaused and for a slot in the window,
    /// then for budget for one request of `chars` characters.
    pub(crate) async fn acquire(&self, chars: usize) -> Permit<'_> {
        loop {
            // Registered before the state is read, so a release between the
            // check and the wait is not missed (`Notify::notify_waiters`).
            let changed = self.changed.notified();
            let wait = {
                let Ok(mut w) = self.window.lock() else { break };
                let now = Instant::now();
                match w.paused_until.filter(|t| *t > now) {
                    Some(until) => Some(until - now),
                    None if (w.in_flight as f64) < w.limit.floor().max(1.0) => {
                        w.in_flight += 1;
                        break;
                    }
                    None => None,
                }
            };
            match wait {
                // A pause may be extended meanwhile; the loop checks again.
                Some(d) => tokio::time::sleep(d).await,
                None => changed.await,
            }
        }
        // Taken now, so the slot is released if this request is dropped
        // while it waits for budget.
        let mut permit = Permit { limiter: self, started: Instant::now() };
        if let Some(shared) = &self.shared {
            match shared.acquire(&self.takes(chars)).await {
                Ok(()) => {
                    permit.started = Instant::now();
                    return permit;
                }
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
        permit.started = Instant::now();
        permit
    }

    /// A request started at `started` was answered successfully: the
    /// deadline restarts, and the window grows unless the answer was slow.
    pub(crate) fn succeeded(&self, started: Instant) {
        let now = Instant::now();
        let latency = now.saturating_duration_since(started);
        let grew = {
            let Ok(mut w) = self.window.lock() else { return };
            w.limited_since = None;
            let usual = w.usual.unwrap_or(latency);
            let slow = latency.as_secs_f64() > usual.as_secs_f64() * SLOW_FACTOR
                && latency > usual + SLOW_MARGIN;
            w.usual = Some(Duration::from_secs_f64(
                usual.as_secs_f64() * (1.0 - LATENCY_WEIGHT)
                    + latency.as_secs_f64() * LATENCY_WEIGHT,
            ));
            if slow {
                w.cut(started, now);
                false
            } else {
                let before = w.limit.floor();
                w.limit = (w.limit + 1.0 / w.limit.max(1.0)).min(self.max as f64);
                w.limit.floor() > before
            }
        };
        if grew {
            self.changed.notify_waiters();
        }
    }

    /// The provider said it is overloaded (429, 503, 529) to a request
    /// started at `started`: the window is cut, and the lane pauses for
    /// `pause` (its Retry-After, or a backoff) unless the provider has
    /// refused everything for longer than `give_up_after`.
    pub(crate) fn overloaded(
        &self,
        started: Instant,
        pause: Duration,
        give_up_after: Duration,
    ) -> Verdict {
        let now = Instant::now();
        let Ok(mut w) = self.window.lock() else { return Verdict::Retry(pause) };
        w.cut(started, now);
        let since = *w.limited_since.get_or_insert(now);
        let lasted = now.saturating_duration_since(since);
        if lasted >= give_up_after {
            return Verdict::GiveUp(lasted);
        }
        let until = now + pause;
        if w.paused_until.is_none_or(|t| t < until) {
            w.paused_until = Some(until);
        }
        Verdict::Retry(pause)
    }

    /// The provider failed in a way that says it is overloaded (503, 529)
    /// without refusing on purpose: the window is cut and, when it asked
    /// for a wait, the lane pauses; the attempts stay bounded by the
    /// retry policy rather than by the deadline.
    pub(crate) fn strained(&self, started: Instant, pause: Option<Duration>) {
        let now = Instant::now();
        let Ok(mut w) = self.window.lock() else { return };
        w.cut(started, now);
        if let Some(until) = pause.map(|p| now + p)
            && w.paused_until.is_none_or(|t| t < until)
        {
            w.paused_until = Some(until);
        }
    }

    /// Whether a request could start now: the lane is not paused and the
    /// window has a free slot. A request that could not start yet gains
    /// nothing from leaving early, so the batcher keeps filling it.
    pub(crate) fn has_room(&self) -> bool {
        self.window.lock().is_ok_and(|w| {
            w.paused_until.is_none_or(|t| t <= Instant::now())
                && (w.in_flight as f64) < w.limit.floor().max(1.0)
        })
    }

    /// Requests allowed in flight now.
    pub(crate) fn window(&self) -> usize {
        self.window.lock().map_or(1, |w| w.limit.floor().max(1.0) as usize)
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

impl Window {
    /// Halves the window, once per round of requests: a signal from a
    /// request sent before the last cut already counted.
    fn cut(&mut self, started: Instant, now: Instant) {
        if self.last_cut.is_some_and(|t| started <= t) {
            return;
        }
        self.limit = (self.limit / 2.0).max(1.0);
        self.last_cut = Some(now);
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

    const LONG: Duration = Duration::from_secs(600);

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
        let a = l.acquire(1).await;
        let _b = l.acquire(1).await;
        assert!(tokio::time::timeout(Duration::from_millis(20), l.acquire(1)).await.is_err());
        drop(a);
        assert!(tokio::time::timeout(Duration::from_millis(20), l.acquire(1)).await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn overload_halves_the_window_once_per_round_then_fast_answers_grow_it() {
        let l = Limiter::new(8, None, None);
        let permits: Vec<Permit<'_>> =
            futures::future::join_all((0..8).map(|_| l.acquire(1))).await;
        // Eight answers of one round say 429: one cut, not eight.
        for p in &permits {
            assert!(matches!(l.overloaded(p.started, Duration::ZERO, LONG), Verdict::Retry(_)));
        }
        assert_eq!(l.window(), 4);
        drop(permits);
        tokio::time::advance(Duration::from_millis(1)).await;
        let p = l.acquire(1).await;
        l.overloaded(p.started, Duration::ZERO, LONG);
        drop(p);
        assert_eq!(l.window(), 2);
        // Never below one.
        for _ in 0..5 {
            tokio::time::advance(Duration::from_millis(1)).await;
            let p = l.acquire(1).await;
            l.overloaded(p.started, Duration::ZERO, LONG);
        }
        assert_eq!(l.window(), 1);
        // Additive increase: about one slot per window of fast answers, up
        // to the configured maximum.
        for _ in 0..200 {
            let p = l.acquire(1).await;
            tokio::time::advance(Duration::from_millis(100)).await;
            l.succeeded(p.started);
        }
        assert_eq!(l.window(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_answer_cuts_the_window() {
        let l = Limiter::new(4, None, None);
        for _ in 0..10 {
            let p = l.acquire(1).await;
            tokio::time::advance(Duration::from_millis(200)).await;
            l.succeeded(p.started);
        }
        assert_eq!(l.window(), 4);
        let p = l.acquire(1).await;
        tokio::time::advance(Duration::from_secs(3)).await;
        l.succeeded(p.started);
        assert_eq!(l.window(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_pauses_the_whole_lane() {
        let l = Limiter::new(4, None, None);
        let p = l.acquire(1).await;
        let verdict = l.overloaded(p.started, Duration::from_secs(2), LONG);
        assert_eq!(verdict, Verdict::Retry(Duration::from_secs(2)));
        drop(p);
        // Another request, with slots free, still waits for the pause.
        let start = Instant::now();
        drop(l.acquire(1).await);
        assert!(start.elapsed() >= Duration::from_secs(2), "{:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_counts_from_the_first_refusal_since_a_success() {
        let l = Limiter::new(1, None, None);
        let give_up = Duration::from_secs(10);
        for _ in 0..4 {
            let p = l.acquire(1).await;
            assert!(matches!(
                l.overloaded(p.started, Duration::from_secs(3), give_up),
                Verdict::Retry(_)
            ));
        }
        // A success restarts the clock.
        let p = l.acquire(1).await;
        l.succeeded(p.started);
        drop(p);
        for _ in 0..4 {
            let p = l.acquire(1).await;
            assert!(matches!(
                l.overloaded(p.started, Duration::from_secs(3), give_up),
                Verdict::Retry(_)
            ));
        }
        let p = l.acquire(1).await;
        assert_eq!(
            l.overloaded(p.started, Duration::from_secs(3), give_up),
            Verdict::GiveUp(Duration::from_secs(12))
        );
    }
}
