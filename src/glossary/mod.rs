//! Glossary: termbases in, term hits on segments out.
//!
//! Loads TBX and CSV/TSV termbases, and finds their terms in French text the
//! way French news writes them (case, elision, inflection, accents).

use std::path::Path;

use crate::model::{Article, TermHit};

/// Why a glossary could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: cannot read the glossary")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
}

/// A set of termbases.
#[derive(Debug, Clone, Default)]
pub struct Glossary {}

impl Glossary {
    /// Loads every `.tbx`, `.csv` and `.tsv` file under `paths`.
    pub fn load(_paths: &[&Path]) -> Result<Self, Error> {
        Ok(Self {})
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        0
    }

    /// True when the glossary holds no concept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A matcher for one target locale.
    pub fn matcher(&self, target_locale: &str) -> Matcher {
        Matcher { _locale: target_locale.to_string() }
    }
}

/// Finds glossary terms in text.
#[derive(Debug, Clone)]
pub struct Matcher {
    _locale: String,
}

impl Matcher {
    /// Term hits in `text`, left to right, longest match first.
    pub fn find(&self, _text: &str) -> Vec<TermHit> {
        Vec::new()
    }
}

/// Attaches term hits to every segment of `article`.
pub fn annotate(matcher: &Matcher, article: &mut Article) {
    for para in &mut article.paragraphs {
        for seg in &mut para.segments {
            seg.terms = matcher.find(&seg.source);
        }
    }
}
