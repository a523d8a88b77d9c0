//! The run's allowance for sending text again, per provider.
//!
//! A request whose answer cannot be used (the wrong number of
//! translations, damaged inline tags, answers out of order, a body cut
//! short) is resent, split or sent one text at a time; a request that
//! failed (5xx, a reset, a timeout) is retried. Each of those costs a
//! request, and a resend of an answer the provider accepted costs its
//! characters again. Against a server that answers every request wrong,
//! that multiplied the bill (332 requests and 111,344 characters billed
//! for 17,806 characters of text, see: #15).
//!
//! So a lane counts what it sends for the first time, and everything sent
//! again is paid from an allowance that grows with it: at most half as many
//! characters again as were first sent ([`CHARS_AGAIN`]) and half as many
//! requests again ([`REQUESTS_AGAIN`]), or a small floor for small runs
//! ([`FLOOR_REQUESTS`], [`FLOOR_CHARS`]) when that is more. Whatever the
//! server does, a run bills at most 1.5 times its text in at most 1.5
//! times its first requests (past the floor). What the allowance cannot pay for fails, named in the failure
//! report with the reason, and a later run (with the memory) sends only
//! that. Refusals as "too many requests" are never refused by it (they
//! bill nothing and are waited out, issue #13), but they use it up.

use std::sync::{Mutex, PoisonError};

/// Characters sent again, at most, per character first sent.
pub(crate) const CHARS_AGAIN: f64 = 0.5;

/// What a run may send again whatever it first sent: enough for a run of
/// one request to retry a failure or split a bad batch of three down to
/// single texts, a small part of any run that bills more than a few
/// thousand characters (past them, the shares above are the bound).
pub(crate) const FLOOR_REQUESTS: usize = 4;
/// See [`FLOOR_REQUESTS`].
pub(crate) const FLOOR_CHARS: usize = 1_000;

/// Requests sent again, at most, per request first sent. Half, not one:
/// requests first sent are themselves above the ideal when the articles'
/// sentences meet less well in requests (a slow server spreads them out),
/// and twice the ideal is the bound.
pub(crate) const REQUESTS_AGAIN: f64 = 0.5;

/// What one lane has sent first and again.
#[derive(Debug, Default)]
pub(crate) struct Allowance {
    counts: Mutex<Counts>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Requests carrying texts for the first time.
    pub(crate) first_requests: usize,
    /// Characters of those texts.
    pub(crate) first_chars: usize,
    /// Requests sent again (retries, halves of a split, one text at a time).
    pub(crate) again_requests: usize,
    /// Characters sent again after the provider had accepted (billed) them.
    pub(crate) again_chars: usize,
}

impl Allowance {
    /// Counts a request carrying `chars` characters of text sent for the
    /// first time.
    pub(crate) fn first(&self, chars: usize) {
        let mut c = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        c.first_requests += 1;
        c.first_chars += chars;
    }

    /// Takes `requests` requests and `chars` characters from the allowance;
    /// false, taking nothing, when that would pass it.
    pub(crate) fn take(&self, requests: usize, chars: usize) -> bool {
        let mut c = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let allowed =
            |first: usize, share: f64, floor: usize| (first as f64 * share).max(floor as f64);
        let requests_ok = (c.again_requests + requests) as f64
            <= allowed(c.first_requests, REQUESTS_AGAIN, FLOOR_REQUESTS);
        let chars_ok =
            (c.again_chars + chars) as f64 <= allowed(c.first_chars, CHARS_AGAIN, FLOOR_CHARS);
        if requests_ok && chars_ok {
            c.again_requests += requests;
            c.again_chars += chars;
        }
        requests_ok && chars_ok
    }

    /// Counts `requests` sent again whatever the allowance says (rate
    /// limits, which are waited out).
    pub(crate) fn charge(&self, requests: usize) {
        let mut c = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        c.again_requests += requests;
    }

    /// The counts so far.
    #[cfg(test)]
    pub(crate) fn counts(&self) -> Counts {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resends_are_paid_from_what_was_first_sent() {
        let a = Allowance::default();
        // A small run: the floor.
        a.first(10);
        assert!(a.take(3, 900));
        assert!(a.take(1, 100));
        assert!(!a.take(1, 0));
        assert!(!a.take(0, 1));
        // A large run: the shares.
        let a = Allowance::default();
        for _ in 0..20 {
            a.first(1_000);
        }
        assert!(a.take(9, 9_000));
        assert!(a.take(1, 1_000));
        assert!(!a.take(1, 0));
        assert!(!a.take(0, 1));
        // Rate limits are counted, never refused, and use the allowance up.
        let a = Allowance::default();
        a.first(10);
        a.charge(3);
        assert!(a.take(1, 0));
        assert!(!a.take(1, 0));
        let c = a.counts();
        assert_eq!((c.again_requests, c.again_chars), (4, 0));
        assert_eq!((c.first_requests, c.first_chars), (1, 10));
    }
}
