//! XLIFF 1.2 writer.

use super::{Error, WriteOptions};
use crate::model::Article;

/// Serialises one article for one target locale.
pub(crate) fn write(article: &Article, opts: &WriteOptions) -> Result<String, Error> {
    let _ = (article, opts);
    Err(Error::Write("not written yet".into()))
}
