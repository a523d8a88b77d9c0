//! GitHub Actions workflow commands: one annotation per QA finding and per
//! failed input, on the source article's file and line, so the findings
//! show on the pull request's changed files.
//!
//! Format: `::error file={path},line={n},title={title}::{message}`
//! (docs.github.com, "Workflow commands for GitHub Actions"). Property
//! values escape `%`, CR, LF, `:` and `,`; messages escape `%`, CR and LF.

use std::fmt::Write as _;

use super::RunReport;
use crate::model::Severity;

/// The annotations of a run, one per line: QA errors as `::error`,
/// warnings as `::warning`, failed inputs and check drift as `::error`.
pub fn github(report: &RunReport) -> String {
    let mut out = String::new();
    for article in &report.articles {
        for f in &article.findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let title = format!("depeche {} [{}] {}", f.check, article.target, f.unit);
            let _ = writeln!(
                out,
                "::{level} file={},line={},title={}::{}",
                property(&article.origin),
                f.line,
                property(&title),
                message(&f.message)
            );
        }
        if let Some(check) = article.check.as_ref().filter(|c| c.drift != "same") {
            let what = match check.drift {
                "missing_golden" => "written by the run, but no golden file",
                _ => "differs from the golden file (run depeche check --update if deliberate)",
            };
            let _ = writeln!(
                out,
                "::error file={},title={}::{}: {what}",
                property(&article.origin),
                property(&format!("depeche check [{}]", article.target)),
                message(&article.file)
            );
        }
        for problem in article.check.iter().flat_map(|c| &c.invalid) {
            let _ = writeln!(
                out,
                "::error file={},title={}::{}: {}",
                property(&article.origin),
                property(&format!("depeche invalid XLIFF [{}]", article.target)),
                message(&article.file),
                message(problem)
            );
        }
    }
    for failure in &report.failures {
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            property(&failure.origin),
            property("depeche failed"),
            message(&failure.error)
        );
    }
    out
}

/// Escapes a message (the text after `::`).
fn message(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
fn property(text: &str) -> String {
    message(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_as_github_reads_them() {
        assert_eq!(message("50 % done\nnext"), "50 %25 done%0Anext");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
