//! `depeche.toml`: the settings file, merged under the command-line flags.
//!
//! Precedence: command-line flag, then the file, then the built-in default.
//! API keys never live here: the file only names the environment variables
//! that hold them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use depeche::pipeline::XliffVersion;
use depeche::translate::TranslateConfig;
use serde::Deserialize;

/// The default file name, looked up in the working directory.
pub(crate) const DEFAULT_FILE: &str = "depeche.toml";

/// The whole settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Config {
    /// Where the file was read from, if anywhere.
    #[serde(skip)]
    pub(crate) path: Option<PathBuf>,
    /// Defaults for `depeche translate`.
    pub(crate) run: RunConfig,
    /// Which termbases apply.
    pub(crate) glossary: GlossaryConfig,
    /// Which provider translates, and how.
    pub(crate) translate: TranslateConfig,
    /// The translation memory.
    pub(crate) memory: MemoryConfig,
}

/// `[memory]`: the translation memory.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MemoryConfig {
    /// Use the memory at all.
    pub(crate) enabled: bool,
    /// The SQLite file [default: .depeche/tm.sqlite next to the config file].
    pub(crate) path: Option<PathBuf>,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        Self { enabled: true, path: None }
    }
}

/// `[run]`: defaults for `depeche translate`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RunConfig {
    /// Target locales.
    pub(crate) to: Vec<String>,
    /// Output folder.
    pub(crate) out: PathBuf,
    /// Files processed at once.
    pub(crate) max_articles_in_flight: usize,
    /// Largest input file, in bytes.
    pub(crate) max_article_bytes: u64,
    /// XLIFF version of the output.
    pub(crate) xliff: XliffVersion,
    /// Most characters a run may send to providers.
    pub(crate) max_chars: Option<usize>,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            to: vec!["en-GB".into()],
            out: PathBuf::from("out"),
            max_articles_in_flight: 16,
            max_article_bytes: 10 * 1024 * 1024,
            xliff: XliffVersion::V12,
            max_chars: None,
        }
    }
}

/// `[glossary]`: which termbases apply.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct GlossaryConfig {
    /// Termbase files or folders.
    pub(crate) paths: Vec<PathBuf>,
    /// Only these domains (all when empty).
    pub(crate) domains: Vec<String>,
    /// Fail the run on any glossary violation.
    pub(crate) strict_terms: bool,
}

impl Default for GlossaryConfig {
    fn default() -> Self {
        Self { paths: vec![PathBuf::from("glossaries")], domains: Vec::new(), strict_terms: false }
    }
}

impl Config {
    /// Reads `path`, or `./depeche.toml` when it exists, or the defaults.
    pub(crate) fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_FILE), false),
        };
        if !required && !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read the config file", path.display()))?;
        let mut config =
            Self::parse(&text).with_context(|| format!("{}: invalid config", path.display()))?;
        config.path = Some(path);
        Ok(config)
    }

    /// Parses the text of a config file.
    pub(crate) fn parse(text: &str) -> anyhow::Result<Self> {
        Ok(toml::from_str(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_loads() {
        let text = include_str!("../../depeche.example.toml");
        let config = Config::parse(text).unwrap();
        assert_eq!(config.run.to, vec!["en-GB".to_string()]);
        assert_eq!(config.glossary.paths, vec![PathBuf::from("glossaries")]);
        assert!(config.memory.enabled);
        assert_eq!(config.translate.apertium.endpoint.as_deref(), Some("http://127.0.0.1:2737"));
        // Every provider section must be accepted by the provider it configures.
        let overrides = depeche::translate::Overrides::default();
        let translator =
            depeche::translate::Translator::new(&config.translate, &overrides).unwrap();
        assert!(translator.is_offline());
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let err = Config::parse("[run]\nto = [\"en-GB\"]\ntypo = 1\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("typo"), "{text}");
        assert!(text.contains("line 3"), "{text}");
    }
}
