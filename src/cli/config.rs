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
    /// What the QA stage may change.
    pub(crate) qa: depeche::qa::QaConfig,
}

/// `[memory]`: the translation memory.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MemoryConfig {
    /// Use the memory at all.
    pub(crate) enabled: bool,
    /// The SQLite file [default: .depeche/tm.sqlite next to the config file].
    pub(crate) path: Option<PathBuf>,
    /// A PostgreSQL database shared by several workers
    /// (`postgres://user@host/db`), instead of the file.
    pub(crate) url: Option<String>,
    /// Lowest similarity (0.5 to 1) of a fuzzy match offered beside a
    /// target with no exact match.
    pub(crate) fuzzy_threshold: f64,
    /// Most fuzzy matches offered per sentence; 0 offers none.
    pub(crate) fuzzy_max_matches: usize,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            path: None,
            url: None,
            fuzzy_threshold: depeche::tm::fuzzy::DEFAULT_THRESHOLD,
            fuzzy_max_matches: depeche::tm::fuzzy::DEFAULT_MAX_MATCHES,
        }
    }
}

impl MemoryConfig {
    /// The fuzzy-match settings, checked.
    pub(crate) fn fuzzy(&self) -> anyhow::Result<depeche::tm::Fuzzy> {
        depeche::tm::Fuzzy::new(self.fuzzy_threshold, self.fuzzy_max_matches)
            .context("invalid [memory] settings")
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
    /// The memory file: `[memory] path`, or `.depeche/tm.sqlite` next to
    /// this file.
    pub(crate) fn memory_path(&self) -> PathBuf {
        self.memory.path.clone().unwrap_or_else(|| {
            depeche::tm::default_path(self.path.as_deref().and_then(Path::parent))
        })
    }

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
        if config.memory.url.is_some() && config.memory.path.is_some() {
            anyhow::bail!(
                "{}: [memory] has both path and url; keep one (url for a shared PostgreSQL \
                 memory, path for a file)",
                path.display()
            );
        }
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
        assert!(!config.qa.localise_spelling);
        let fuzzy = config.memory.fuzzy().unwrap();
        assert_eq!((fuzzy.threshold(), fuzzy.max_matches()), (0.75, 3));
        let apertium = config.translate.provider_config("apertium").unwrap();
        assert_eq!(apertium.common().endpoint.as_deref(), Some("http://127.0.0.1:2737"));
        // Every provider section must be accepted by the provider it configures.
        let overrides = depeche::translate::Overrides::default();
        let translator =
            depeche::translate::Translator::new(&config.translate, &overrides).unwrap();
        assert!(translator.is_offline());
    }

    #[test]
    fn a_key_another_provider_takes_names_the_file_the_line_and_the_provider() {
        use std::io::Write as _;
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let text = "[translate]\nprovider = \"deepl\"\n\n[translate.deepl]\npair = \"fra|eng\"\n";
        file.write_all(text.as_bytes()).unwrap();
        let err = Config::load(Some(file.path())).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains(&file.path().display().to_string()), "{text}");
        assert!(text.contains("line 5"), "{text}");
        assert!(text.contains("unknown field `pair` in [translate.deepl]"), "{text}");
    }

    #[test]
    fn old_provider_tables_keep_their_meaning() {
        let config = Config::parse(
            "[translate]\nchain = [\"memory\", \"google\", \"apertium\"]\n\
             [translate.google]\nproject = \"p\"\napi_key_env = \"TOKEN\"\nmax_segments = 10\n\
             [translate.openai]\nmodel = \"m\"\n",
        )
        .unwrap();
        let t = &config.translate;
        assert_eq!(t.chain.as_deref().map(<[String]>::len), Some(3));
        let google = t.provider_config("google").unwrap();
        assert_eq!(google.common().api_key_env.as_deref(), Some("TOKEN"));
        assert_eq!(google.common().max_segments, Some(10));
        let listed: Vec<_> = depeche::translate::provider_list(t, &Default::default())
            .into_iter()
            .filter(|i| !i.settings.is_empty())
            .map(|i| (i.name, i.settings, i.key_env, i.selected))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("google".into(), vec!["project=p".into()], Some("TOKEN".into()), true),
                ("openai".into(), vec!["model=m".into()], Some("OPENAI_API_KEY".into()), false),
            ]
        );
    }

    #[test]
    fn qa_section_is_read() {
        let config = Config::parse("[qa]\nlocalise_spelling = true\n").unwrap();
        assert!(config.qa.localise_spelling);
        let err = Config::parse("[qa]\nlocalise = true\n").unwrap_err();
        assert!(format!("{err:#}").contains("localise"), "{err:#}");
    }

    #[test]
    fn fuzzy_settings_are_read_and_checked() {
        let config =
            Config::parse("[memory]\nfuzzy_threshold = 0.9\nfuzzy_max_matches = 1\n").unwrap();
        let fuzzy = config.memory.fuzzy().unwrap();
        assert_eq!((fuzzy.threshold(), fuzzy.max_matches()), (0.9, 1));
        let off = Config::parse("[memory]\nfuzzy_max_matches = 0\n").unwrap();
        assert!(off.memory.fuzzy().unwrap().is_off());
        let bad = Config::parse("[memory]\nfuzzy_threshold = 75\n").unwrap();
        let err = format!("{:#}", bad.memory.fuzzy().unwrap_err());
        assert!(err.contains("fuzzy_threshold 75 is out of range"), "{err}");
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let err = Config::parse("[run]\nto = [\"en-GB\"]\ntypo = 1\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("typo"), "{text}");
        assert!(text.contains("line 3"), "{text}");
    }
}
