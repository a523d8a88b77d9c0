//! Translation providers against local servers speaking their protocols.

mod apertium;
mod deepl;
mod leak;
mod others;
mod support;
