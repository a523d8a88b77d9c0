//! The JSON report: [`RunReport`] as pretty-printed JSON.

use super::{Error, RunReport};

/// The report as JSON (schema `depeche-report`, version
/// [`SCHEMA_VERSION`](super::SCHEMA_VERSION)), ending with a newline.
pub fn json(report: &RunReport) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(report).map_err(Error::Json)?;
    text.push('\n');
    Ok(text)
}
