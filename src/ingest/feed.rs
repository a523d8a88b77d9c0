//! RSS and Atom feeds: one article per item.

use std::path::Path;

use super::{Error, ReadOptions};

/// Reads the items of a feed.
pub(crate) fn read(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<super::Items, Error> {
    let _ = (bytes, options);
    Err(Error::Unsupported { path: path.into(), reason: "feed input is not read yet".into() })
}
