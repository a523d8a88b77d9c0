//! Integration tests: one binary, one module per area.

// A test binary has no public API; `pub` only shares helpers between modules.
#![allow(unreachable_pub)]
// Test code may panic on a broken fixture: that is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod cli;
mod glossary;
mod ingest;
mod segment_wmt;
mod support;
mod tm;
mod translate;
mod xliff;
