//! Colour on the terminal: `--color auto|always|never`, and `NO_COLOR`
//! (<https://no-color.org>): set to anything but empty, it turns colour off
//! under `auto`; `--color always` still wins, as an explicit flag should.

use std::io::IsTerminal;

/// When to colour output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorChoice {
    /// When the stream is a terminal and NO_COLOR is not set
    #[default]
    Auto,
    /// Always, even into a pipe or a file
    Always,
    /// Never
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream that is (or is not) a terminal.
    pub(crate) fn enabled(self, terminal: bool) -> bool {
        self.enabled_with(terminal, std::env::var_os("NO_COLOR"))
    }

    /// [`ColorChoice::enabled`] with the value of `NO_COLOR` given.
    fn enabled_with(self, terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }

    /// Whether to colour stdout.
    pub(crate) fn stdout(self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }

    /// Whether to colour stderr.
    pub(crate) fn stderr(self) -> bool {
        self.enabled(std::io::stderr().is_terminal())
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Colours a summary by the label that starts each line: failures, drift
/// and invalid files red, QA findings and hints yellow, passed files green.
pub(crate) fn summary(text: &str, on: bool) -> String {
    if !on {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let label = line.split_whitespace().next().unwrap_or_default();
        let colour = match label {
            "failed" | "drift" | "missing" | "extra" | "invalid" | "terms" | "error:" => RED,
            "qa" | "hint" | "budget" | "interrupted" => YELLOW,
            "ok" => GREEN,
            "result" | "articles" | "check" => BOLD,
            _ => "",
        };
        if colour.is_empty() || line.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(colour);
        out.push_str(body);
        out.push_str(RESET);
        out.push_str(newline);
    }
    out
}

/// `error:` in red, for the fatal error line on stderr.
pub(crate) fn error_prefix(on: bool) -> String {
    if on { format!("{RED}{BOLD}error:{RESET}") } else { "error:".to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices() {
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Never.enabled(true));
        assert!(!ColorChoice::Auto.enabled_with(false, None));
        assert!(ColorChoice::Auto.enabled_with(true, None));
        assert!(!ColorChoice::Auto.enabled_with(true, Some("1".into())));
        assert!(ColorChoice::Auto.enabled_with(true, Some("".into())), "empty NO_COLOR is unset");
        assert!(ColorChoice::Always.enabled_with(true, Some("1".into())), "the flag wins");
    }

    #[test]
    fn summary_lines_are_coloured_by_label() {
        assert_eq!(summary("ok         a.xlf\n", false), "ok         a.xlf\n");
        assert_eq!(summary("ok         a.xlf\n", true), "\x1b[32mok         a.xlf\x1b[0m\n");
        assert_eq!(summary("failed     x\ntext  y", true), "\x1b[31mfailed     x\x1b[0m\ntext  y");
    }
}
