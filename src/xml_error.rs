//! The XML parser's errors, once.

use std::fmt;

/// What the XML parser found wrong.
///
/// quick-xml's messages already spell out their cause ("ill-formed
/// document: expected `</term>`...") and then name the same cause again as
/// their source, so a chain printed in full says it twice. This wrapper ends
/// the chain at the parser's message.
#[derive(Debug)]
pub struct XmlError(pub quick_xml::Error);

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for XmlError {}

impl From<quick_xml::Error> for XmlError {
    fn from(error: quick_xml::Error) -> Self {
        Self(error)
    }
}
