//! Jobs: one library entry per thing a user runs.
//!
//! | job | settings in | summary out |
//! |---|---|---|
//! | [`translate()`] | [`TranslateSettings`] | [`TranslateSummary`] |
//! | [`merge()`] | [`MergeSettings`] | [`MergeSummary`] |
//! | [`check()`] | [`CheckSettings`] | [`CheckSummary`] |
//! | [`kit()`] | [`KitSettings`] | [`KitSummary`] |
//!
//! A job owns the whole run: it opens the glossary and the translation
//! memory, sets up the providers, wires the [`pipeline`](crate::pipeline)
//! and returns figures. It prints nothing: progress goes to an
//! [`Observer`](crate::pipeline::Observer), the result is data, and whether
//! it counts as a success is a method of the summary, so the command line
//! (or any other program) only renders it and picks an exit code.
//!
//! Settings are built with chained `with_*` methods from defaults that
//! match the command line's:
//!
//! ```no_run
//! # async fn demo() -> Result<(), depeche::job::Error> {
//! use depeche::job::{self, TranslateSettings};
//! use depeche::pipeline::NoObserver;
//!
//! let settings = TranslateSettings::new(["fixtures/articles"])
//!     .with_targets(["en-GB", "de-DE"])?
//!     .with_out_dir("out");
//! let summary = job::translate(settings, &mut NoObserver).await?;
//! assert!(summary.passed());
//! # Ok(()) }
//! ```

mod check;
mod kit;
mod merge;
mod translate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use check::{CheckProvider, CheckSettings, CheckSummary, check, check_with};
pub use kit::{KitSettings, KitSummary, kit};
pub use merge::{FileError, MergeSettings, MergeSummary, MergedFile, merge};
pub use translate::{TranslateSettings, TranslateSummary, searched, translate};

use crate::glossary::{self, Glossary};
use crate::locale::{self, Locale};
use crate::tm::{self, Memory, MemoryStore};

/// Why a job could not run at all. A failed article is not an error: it is
/// recorded in the summary and the rest of the batch goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A target locale is not a language tag.
    #[error(transparent)]
    Locale(#[from] locale::Error),
    /// No target locale was given.
    #[error("no target locale given; use --to en-GB")]
    NoTarget,
    /// A target is the source language.
    #[error(
        "--to {target}: that is the source language of the articles (French); use a target such as en-GB"
    )]
    TargetIsSource {
        /// The rejected target.
        target: Locale,
    },
    /// An input path does not exist.
    #[error("{}: no such file or folder", path.display())]
    NoSuchInput {
        /// The path given.
        path: PathBuf,
    },
    /// The inputs could not be listed.
    #[error("cannot list the input files")]
    Discover(#[source] crate::ingest::Error),
    /// The inputs hold no file the job reads.
    #[error("{what}")]
    NothingToRead {
        /// What was expected, and where.
        what: String,
    },
    /// The glossary could not be loaded.
    #[error("cannot load the glossary")]
    Glossary(#[source] glossary::Error),
    /// The provider configuration is invalid, or a key is missing.
    #[error("cannot set up the translation provider")]
    Provider(#[source] crate::translate::Error),
    /// The translation memory could not be opened or used.
    #[error("{}: cannot open the translation memory", path.display())]
    Memory {
        /// The memory file, or the server's URL without its password.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: tm::Error,
    },
    /// Reviewed translations could not be stored in the memory.
    #[error("{}: cannot store the reviewed translations", path.display())]
    MemoryStore {
        /// The XLIFF file they came from.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: tm::Error,
    },
    /// A translation memory fixture could not be imported.
    #[error("{}: cannot import the translation memory fixture", path.display())]
    MemoryFixture {
        /// The fixture.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A folder or file could not be made or read.
    #[error("{}: {what}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An output file could not be written.
    #[error(transparent)]
    Output(#[from] crate::output::Error),
    /// The golden files could not be compared or updated.
    #[error("{}: {what}", path.display())]
    Golden {
        /// The golden folder.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// The cause.
        #[source]
        source: crate::check::Error,
    },
    /// A translation kit could not be made.
    #[error(transparent)]
    Kit(crate::kit::Error),
    /// The settings contradict each other.
    #[error("{0}")]
    Settings(String),
}

/// Which termbases a job applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossarySettings {
    /// Termbase files or folders.
    pub paths: Vec<PathBuf>,
    /// Only these domains (all when empty).
    pub domains: Vec<String>,
    /// Skip paths that do not exist (the configured default `glossaries/`
    /// may be absent); paths given explicitly must exist.
    pub skip_missing: bool,
}

impl Default for GlossarySettings {
    /// `glossaries/`, every domain, skipped when absent.
    fn default() -> Self {
        Self { paths: vec![PathBuf::from("glossaries")], domains: Vec::new(), skip_missing: true }
    }
}

impl GlossarySettings {
    /// Exactly these files or folders (they must exist).
    pub fn paths(paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            paths: paths.into_iter().map(Into::into).collect(),
            domains: Vec::new(),
            skip_missing: false,
        }
    }

    /// Loads the termbases.
    pub fn load(&self) -> Result<Glossary, Error> {
        let paths: Vec<&Path> = self
            .paths
            .iter()
            .map(PathBuf::as_path)
            .filter(|p| !self.skip_missing || p.exists())
            .collect();
        let glossary = Glossary::load(&paths).map_err(Error::Glossary)?;
        Ok(glossary.with_domains(&self.domains))
    }
}

/// Where a job's translation memory lives.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum MemorySettings {
    /// Neither read nor fed.
    #[default]
    Off,
    /// This file, opened (and created) only when the run can use it: a run
    /// with a provider, or one whose chain names the memory.
    WhenNeeded(PathBuf),
    /// This file, always opened.
    Always(PathBuf),
    /// A memory already open: the SQLite store, or any other
    /// [`MemoryStore`].
    Open(Arc<dyn MemoryStore>),
    /// A file or a PostgreSQL database, opened only when the run can use it
    /// unless `always`.
    At {
        /// Where the memory is.
        location: tm::Location,
        /// Open it even for runs that cannot use it.
        always: bool,
    },
}

impl MemorySettings {
    /// The default file: `.depeche/tm.sqlite` next to the config file (or
    /// in the working directory), opened when needed.
    pub fn default_file(config_dir: Option<&Path>) -> Self {
        Self::WhenNeeded(tm::default_path(config_dir))
    }

    /// A memory at `location`: a file path, or a `postgres://` URL whose
    /// password comes from the URL, `PGPASSWORD` or the password file.
    pub fn at(location: &str, always: bool) -> Result<Self, Error> {
        let location = tm::Location::parse(location).map_err(|source| Error::Memory {
            path: PathBuf::from(tm::redact(location)),
            source,
        })?;
        Ok(Self::At { location, always })
    }

    /// Opens the memory if these settings (and `needed`) ask for one.
    async fn open(&self, needed: bool) -> Result<Option<Arc<dyn MemoryStore>>, Error> {
        match self {
            Self::Off => Ok(None),
            Self::Open(memory) => Ok(Some(Arc::clone(memory))),
            Self::WhenNeeded(_) | Self::At { always: false, .. } if !needed => Ok(None),
            Self::WhenNeeded(path) | Self::Always(path) => open_sqlite(path).map(Some),
            Self::At { location, .. } => location
                .open()
                .await
                .map(Some)
                .map_err(|source| Error::Memory { path: location.to_string().into(), source }),
        }
    }

    /// The file these settings name, or the server's URL without its
    /// password, as shown in summaries and messages.
    fn path(&self) -> Option<PathBuf> {
        match self {
            Self::WhenNeeded(path) | Self::Always(path) => Some(path.clone()),
            Self::At { location, .. } => Some(location.to_string().into()),
            Self::Off | Self::Open(_) => None,
        }
    }

    /// True when these settings name a file that does not exist yet.
    fn is_missing_file(&self) -> bool {
        match self {
            Self::WhenNeeded(path) | Self::Always(path) => !path.exists(),
            Self::At { location, .. } => location.is_missing_file(),
            Self::Off | Self::Open(_) => false,
        }
    }
}

/// Opens (and creates) the SQLite memory at `path`.
fn open_sqlite(path: &Path) -> Result<Arc<dyn MemoryStore>, Error> {
    let memory =
        Memory::open(path).map_err(|source| Error::Memory { path: path.to_path_buf(), source })?;
    Ok(Arc::new(memory))
}

/// Parses, checks and deduplicates target locales: each must be a language
/// tag whose subtags are in the IANA registry ([`Locale::parse_target`]),
/// none may be French (the source language).
pub(crate) fn parse_targets<I, S>(targets: I) -> Result<Vec<Locale>, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<Locale> = Vec::new();
    for t in targets {
        let locale = match Locale::parse_target(t.as_ref()) {
            Err(locale::Error::Source { .. }) => {
                return Err(Error::TargetIsSource { target: Locale::parse(t.as_ref())? });
            }
            parsed => parsed?,
        };
        if !out.contains(&locale) {
            out.push(locale);
        }
    }
    if out.is_empty() {
        return Err(Error::NoTarget);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_checked_normalised_and_deduplicated() {
        let ok = parse_targets(["en-GB", " de-DE", "EN-gb", "en_gb"]).unwrap();
        assert_eq!(ok, vec![Locale::parse("en-GB").unwrap(), Locale::parse("de-DE").unwrap()]);
        assert!(matches!(parse_targets(["en GB"]), Err(Error::Locale(_))));
        assert!(matches!(parse_targets(["../x"]), Err(Error::Locale(_))));
        assert!(matches!(parse_targets(["klingon-XX"]), Err(Error::Locale(_))));
        assert!(matches!(parse_targets(["en-UK"]), Err(Error::Locale(_))));
        assert!(matches!(parse_targets(["tlh-XX"]), Err(Error::Locale(_))));
        assert!(matches!(parse_targets(["fr-FR"]), Err(Error::TargetIsSource { .. })));
        assert!(matches!(parse_targets(Vec::<String>::new()), Err(Error::NoTarget)));
    }
}
