//! Integration tests: one binary, one module per area.

// A test binary has no public API; `pub` only shares helpers between modules.
#![allow(unreachable_pub)]
// Test code may panic on a broken fixture: that is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
// Tests write their own input files directly; only product output goes
// through `output::write_atomic`.
#![allow(clippy::disallowed_methods)]

mod bounds;
mod check;
mod cli;
mod cli_flags;
mod fuzz_replay;
mod fuzzy;
mod glossary;
mod glossary_change;
mod glossary_cli;
mod glossary_export;
mod ingest;
mod ingest_feed;
mod ingest_html;
mod ingest_newsml;
mod kit;
mod leak_cli;
mod memory_store;
mod merge;
mod native_glossary;
mod pg;
mod postgres;
mod qa_damage;
mod qa_numbers;
mod reliability;
mod report;
mod resume;
mod roundtrip_prop;
mod security;
mod segment_wmt;
mod shard;
mod shared_batch;
mod snapshots;
mod soak;
mod store_suite;
mod support;
mod term_gold;
mod tm;
mod tm_damage;
mod translate;
mod xliff;
