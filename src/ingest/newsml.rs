//! IPTC NewsML 1.2, NewsML-G2 and NITF.

use std::path::Path;

use super::{Error, ReadOptions};

/// Reads the news items of a NewsML or NITF document.
pub(crate) fn read(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<super::Items, Error> {
    let _ = (bytes, options);
    Err(Error::Unsupported { path: path.into(), reason: "NewsML input is not read yet".into() })
}
