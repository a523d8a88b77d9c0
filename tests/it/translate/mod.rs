//! Translation providers against local servers speaking their protocols.

// Test helpers outside #[test] functions may unwrap and index freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod apertium;
mod compliance;
mod deepl;
mod errors;
mod leak;
mod others;
mod resend;
mod support;
mod traffic;
