//! Article pages.

use std::path::Path;

use super::{Error, ReadOptions};
use crate::model::Article;

/// Reads one article page.
pub(crate) fn read(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<Article, Error> {
    let _ = (bytes, options);
    Err(Error::Unsupported { path: path.into(), reason: "HTML input is not read yet".into() })
}
