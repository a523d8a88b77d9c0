//! XLIFF: articles in, XLIFF documents out (and back, for `merge`).

use crate::model::Article;

pub(crate) mod write12;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Serialisation failed.
    #[error("cannot write XLIFF: {0}")]
    Write(String),
}

/// What the writer needs to know besides the article.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Target locale (`en-GB`).
    pub target_lang: String,
    /// Name of the provider that produced the targets.
    pub provider: String,
}

/// Writes `article` as an XLIFF 1.2 document.
pub fn write12(article: &Article, opts: &WriteOptions) -> Result<String, Error> {
    write12::write(article, opts)
}
