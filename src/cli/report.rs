//! `--report FORMAT[=PATH]` on `translate` and `check`: which reports a run
//! writes, and where.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};

use depeche::pipeline::Observer;
use depeche::report::{self, Collector, HtmlReport, RunReport};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Format {
    Json,
    Junit,
    Github,
    Html,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Junit => "junit",
            Self::Github => "github",
            Self::Html => "html",
        }
    }

    /// Where the report goes when no path is given.
    fn default_path(self) -> &'static str {
        match self {
            Self::Json => "depeche-report.json",
            Self::Junit => "depeche-junit.xml",
            Self::Github => "-",
            Self::Html => "depeche-report",
        }
    }
}

/// One `--report` value: a format and where it goes (`-` is stdout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReportArg {
    format: Format,
    path: PathBuf,
}

/// The help of `--report`.
pub(crate) const HELP: &str = "Also write a report: json, junit, github (workflow annotations) or \
     html (a review folder), each optionally =PATH (- is stdout); repeatable \
     [defaults: depeche-report.json, depeche-junit.xml, stdout, depeche-report/]";

/// Parses `FORMAT[=PATH]` (clap value parser).
pub(crate) fn parse(value: &str) -> Result<ReportArg, String> {
    let (name, path) = match value.split_once('=') {
        Some((name, path)) => (name, Some(path)),
        None => (value, None),
    };
    let format = match name.trim().to_ascii_lowercase().as_str() {
        "json" => Format::Json,
        "junit" | "junit-xml" => Format::Junit,
        "github" | "github-actions" => Format::Github,
        "html" => Format::Html,
        other => {
            let hint = super::suggest(other, &["json", "junit", "github", "html"])
                .map(|s| format!("did you mean {s}? "))
                .unwrap_or_default();
            return Err(format!(
                "unknown report format {other:?}; {hint}use json, junit, github or html"
            ));
        }
    };
    let path = match path {
        Some("") => return Err(format!("--report {name}=: give a path after =")),
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(format.default_path()),
    };
    if format == Format::Html && path.as_os_str() == "-" {
        return Err("the html report is a folder; give --report html=DIR".into());
    }
    Ok(ReportArg { format, path })
}

/// The reports a run was asked for.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    wanted: Vec<ReportArg>,
}

impl Reports {
    /// Checks the `--report` values: each format at most once, at most one
    /// on stdout.
    pub(crate) fn new(mut args: Vec<ReportArg>) -> anyhow::Result<Self> {
        args.sort_by_key(|a| a.format);
        for pair in args.windows(2) {
            if let [a, b] = pair
                && a.format == b.format
            {
                bail!("--report {} is given twice; give each format once", a.format.name());
            }
        }
        if args.iter().filter(|a| a.path.as_os_str() == "-").count() > 1 {
            bail!("only one report can go to stdout (-); give the others a path");
        }
        Ok(Self { wanted: args })
    }

    /// True when no report was asked for.
    pub(crate) fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    /// True when a JSON or JUnit report goes to stdout: the summary then
    /// goes to stderr, so stdout stays one document. GitHub annotations
    /// share stdout with the summary, as workflow commands are meant to.
    pub(crate) fn summary_to_stderr(&self) -> bool {
        self.wanted
            .iter()
            .any(|a| a.path.as_os_str() == "-" && matches!(a.format, Format::Json | Format::Junit))
    }

    /// A collector that records the run for these reports, and writes the
    /// HTML pages as it goes when an HTML report is wanted.
    pub(crate) fn collector<'a>(
        &self,
        inner: &'a mut dyn Observer,
        file_names: bool,
    ) -> anyhow::Result<Collector<'a>> {
        let mut collector = Collector::new(inner);
        if file_names {
            collector = collector.with_file_names();
        }
        if let Some(html) = self.wanted.iter().find(|a| a.format == Format::Html) {
            let report = HtmlReport::create(&html.path).with_context(|| {
                format!("cannot start the HTML report in {}", html.path.display())
            })?;
            collector = collector.with_html(report);
        }
        Ok(collector)
    }

    /// Writes every report; returns the summary line naming them.
    pub(crate) fn write(
        &self,
        report: &RunReport,
        html: Option<HtmlReport>,
    ) -> anyhow::Result<String> {
        let mut written = Vec::new();
        for arg in &self.wanted {
            let text = match arg.format {
                Format::Json => report::json(report)?,
                Format::Junit => report::junit(report),
                Format::Github => report::github(report),
                Format::Html => {
                    let Some(html) = html.as_ref() else { continue };
                    written.push(format!("html {}", html.index().display()));
                    continue;
                }
            };
            if arg.path.as_os_str() == "-" {
                std::io::stdout().write_all(text.as_bytes())?;
                continue;
            }
            if let Some(parent) = arg.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            depeche::output::write_atomic(&arg.path, text.as_bytes())
                .with_context(|| format!("cannot write the {} report", arg.format.name()))?;
            written.push(format!("{} {}", arg.format.name(), arg.path.display()));
        }
        if let Some(html) = html {
            html.finish(report).context("cannot write the HTML report")?;
        }
        let mut line = String::new();
        if !written.is_empty() {
            let _ = writeln!(line, "report     {}", written.join(", "));
        }
        Ok(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_paths() {
        assert_eq!(parse("json").unwrap().path, PathBuf::from("depeche-report.json"));
        assert_eq!(parse("junit=ci/junit.xml").unwrap().path, PathBuf::from("ci/junit.xml"));
        assert_eq!(parse("github").unwrap().path, PathBuf::from("-"));
        assert_eq!(parse("HTML=out/r").unwrap().format, Format::Html);
        assert!(parse("html=-").unwrap_err().contains("folder"));
        assert!(parse("jsno").unwrap_err().contains("did you mean json?"));
        assert!(parse("json=").is_err());
        let twice = Reports::new(vec![parse("json").unwrap(), parse("json=b.json").unwrap()]);
        assert!(twice.is_err());
        let two_stdout = Reports::new(vec![parse("json=-").unwrap(), parse("github").unwrap()]);
        assert!(two_stdout.is_err());
    }
}
