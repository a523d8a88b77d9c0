//! Language knowledge the QA checks (and the translator's terminology
//! repair) share: morphology and word lists of the target languages.
//!
//! Input: single words or short terms as they appear in a target text.
//! Output: their inflected forms and what they are (a plural, an
//! adjective, a British or an American spelling). Nothing here reads the
//! source or knows about segments; every function is total (any input,
//! no panic) and works on the word's case as given.
//!
//! The word lists are data files next to this module, compiled in with
//! `include_str!` so that a release carries them and a reviewer can read
//! them without reading Rust (their sources are in their headers and in the
//! README's QA section).

pub mod en;
pub(crate) mod fr;
