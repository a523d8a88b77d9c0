//! JUnit XML: one test case per article and target, failed when it has QA
//! errors (or, in a check, drift, an invalid file or a glossary violation),
//! plus one errored test case per input that gave no file.
//!
//! The document satisfies both schemas CI servers read, copied in
//! `schemas/junit/`: Apache Ant's (strict: a `testsuites` root without
//! attributes, a suite with `package`, `id`, `timestamp` without zone,
//! `hostname`, `properties`, `system-out` and `system-err`, at most one
//! `failure` per test case) and the Jenkins xUnit plugin's.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::RunReport;
use crate::xml::{escape_attr, escape_text, xml_chars};

/// The report as a JUnit XML document.
pub fn junit(report: &RunReport) -> String {
    junit_at(report, SystemTime::now())
}

/// [`junit`] with the suite's timestamp given (for tests).
pub(crate) fn junit_at(report: &RunReport, now: SystemTime) -> String {
    let failures = report.articles.iter().filter(|a| !a.passed()).count();
    let errors = report.failures.len();
    let tests = report.articles.len() + errors;
    let secs = report.totals.elapsed_ms as f64 / 1000.0;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    let _ = writeln!(
        x,
        "  <testsuite name=\"depeche.{}\" package=\"depeche\" id=\"0\" timestamp=\"{}\" \
         hostname=\"localhost\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" \
         skipped=\"0\" time=\"{secs:.3}\">",
        attr(&report.command),
        timestamp(now)
    );
    x.push_str("    <properties>\n");
    let s = &report.settings;
    let targets: Vec<&str> = s.targets.iter().map(|t| t.as_str()).collect();
    let mut props = vec![
        ("depeche.version", report.tool_version.to_string()),
        ("provider", s.provider.clone()),
        ("targets", targets.join(",")),
        ("xliff", s.xliff.clone()),
        ("inputs", s.inputs.join(",")),
    ];
    if let Some(golden) = &s.golden {
        props.push(("golden", golden.clone()));
    }
    for (name, value) in props {
        let _ = writeln!(x, "      <property name=\"{name}\" value=\"{}\"/>", attr(&value));
    }
    x.push_str("    </properties>\n");
    for article in &report.articles {
        let _ = write!(
            x,
            "    <testcase name=\"{} [{}]\" classname=\"depeche.{}.{}\" time=\"0\"",
            attr(&article.id),
            article.target,
            attr(&report.command),
            article.target,
        );
        if article.passed() {
            x.push_str("/>\n");
            continue;
        }
        let mut lines = Vec::new();
        for f in article.errors() {
            lines.push(format!("{}: [{}] {} (line {})", f.unit, f.check, f.message, f.line));
        }
        if let Some(check) = &article.check {
            if check.drift != "same" {
                lines.push(format!(
                    "{}: drift from the golden file ({})",
                    article.file, check.drift
                ));
            }
            lines.extend(check.invalid.iter().map(|p| format!("{}: invalid: {p}", article.file)));
            lines.extend(check.violations.iter().map(|v| format!("glossary: {v}")));
        }
        let errors = article.errors().count();
        let message = match (errors, lines.len() - errors) {
            (n, 0) => format!("{n} QA error{}", if n == 1 { "" } else { "s" }),
            (0, m) => format!("{m} check problem{}", if m == 1 { "" } else { "s" }),
            (n, m) => format!("{n} QA errors, {m} check problems"),
        };
        let _ = writeln!(
            x,
            ">\n      <failure message=\"{}\" type=\"qa\">{}</failure>\n    </testcase>",
            attr(&message),
            text(&lines.join("\n"))
        );
    }
    for failure in &report.failures {
        let name = match &failure.target {
            Some(target) => format!("{} [{target}]", failure.origin),
            None => failure.origin.clone(),
        };
        let _ = writeln!(
            x,
            "    <testcase name=\"{}\" classname=\"depeche.{}.failed\" time=\"0\">\n      \
             <error message=\"{}\" type=\"failure\">{}</error>\n    </testcase>",
            attr(&name),
            attr(&report.command),
            attr(&failure.error),
            text(&failure.error)
        );
    }
    x.push_str("    <system-out></system-out>\n    <system-err></system-err>\n");
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

fn attr(value: &str) -> String {
    escape_attr(&xml_chars(value)).into_owned()
}

fn text(value: &str) -> String {
    escape_text(&xml_chars(value)).into_owned()
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, without a zone (the Ant schema's pattern).
fn timestamp(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn timestamps_have_the_ant_pattern() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_720_400);
        assert_eq!(timestamp(t), "2026-12-08T09:00:00");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "2000-02-29T00:00:00");
    }
}
