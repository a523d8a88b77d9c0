//! depeche turns French news articles into aligned bilingual XLIFF.
//!
//! The pipeline reads articles ([`ingest`]), normalises their text
//! ([`normalize`]), splits it into sentences ([`segment`]), finds glossary
//! terms ([`glossary`]), translates through a [`translate::Provider`],
//! checks the output ([`qa`]) and writes one XLIFF file per article and
//! target language ([`xliff`], [`output`]). [`pipeline`] wires the stages;
//! [`job`] runs them for each command and [`report`] renders what a run
//! did as JSON, JUnit, GitHub annotations or an HTML review report.
//!
//! The library prints nothing and returns typed errors; the `depeche`
//! binary owns the command line, progress bars and exit codes.

#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub mod check;
pub mod coordination;
#[doc(hidden)]
pub mod fuzz;
pub mod glossary;
pub mod ingest;
pub mod job;
pub mod kit;
pub mod lang;
mod lines;
pub mod locale;
pub mod merge;
pub mod model;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod qa;
pub mod redact;
pub mod report;
pub mod segment;
mod shard;
pub mod tm;
pub mod translate;
mod walk;
pub mod xliff;
mod xml;

pub use xml::XmlError;

pub use locale::Locale;
pub use model::{Article, MemoryMatch, Origin, Paragraph, Role, Segment, TermHit};
pub use shard::{Shard, ShardError};
