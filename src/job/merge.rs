//! The merge job: reviewed XLIFF in, final articles out, confirmed
//! sentences into the translation memory as human work.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Error, MemorySettings};
use crate::kit;
use crate::merge::{self, Format, Merged, Options};
use crate::output;
use crate::tm::MemoryStore;

/// What `depeche merge` does, as data.
#[derive(Debug, Clone)]
pub struct MergeSettings {
    inputs: Vec<PathBuf>,
    out_dir: PathBuf,
    format: Format,
    allow_untranslated: bool,
    memory: MemorySettings,
}

impl MergeSettings {
    /// Merge the XLIFF files under `inputs` (files, or folders searched for
    /// `.xlf` and `.xliff`) into `out/` as text, refusing unfinished files,
    /// feeding no memory.
    pub fn new(inputs: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            inputs: inputs.into_iter().map(Into::into).collect(),
            out_dir: PathBuf::from("out"),
            format: Format::default(),
            allow_untranslated: false,
            memory: MemorySettings::Off,
        }
    }

    /// The folder the articles go to.
    pub fn with_out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = dir.into();
        self
    }

    /// txt, md or json.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Keep the source for missing targets and use unreviewed targets as
    /// they are (reported) instead of refusing the file.
    pub fn with_allow_untranslated(mut self, allow: bool) -> Self {
        self.allow_untranslated = allow;
        self
    }

    /// The memory fed with the confirmed sentences; opened at the first
    /// article written, so a run that merges nothing creates no file.
    pub fn with_memory(mut self, memory: MemorySettings) -> Self {
        self.memory = memory;
        self
    }
}

/// One article written by a merge.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MergedFile {
    /// The reviewed XLIFF file.
    pub input: PathBuf,
    /// The article file written.
    pub output: PathBuf,
    /// False when the file already held the same bytes.
    pub changed: bool,
    /// The article, with the units let through by `allow_untranslated`.
    pub merged: Merged,
    /// Entries stored in the memory (None when no memory is fed).
    pub stored: Option<usize>,
    /// For a file of a translation kit: what was taken and skipped,
    /// sentence by sentence, and why.
    pub decisions: Option<Vec<kit::Decision>>,
}

/// Why one reviewed file gave no article.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// It could not be merged (unreadable, not XLIFF, unfinished...).
    #[error(transparent)]
    Merge(#[from] merge::Error),
    /// A translation kit could not be read back.
    #[error(transparent)]
    Kit(#[from] kit::Error),
    /// It would overwrite the article of another input.
    #[error(
        "{}: gives the same article as {} ({}); merge them one at a time",
        input.display(), other.display(), output.display()
    )]
    Clash {
        /// This input.
        input: PathBuf,
        /// The input that already gave that article.
        other: PathBuf,
        /// The article file both would write.
        output: PathBuf,
    },
    /// The article could not be written.
    #[error(transparent)]
    Write(#[from] output::Error),
}

/// What a merge did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct MergeSummary {
    /// Articles written (or already up to date), in input order.
    pub files: Vec<MergedFile>,
    /// Inputs that gave no article, with why.
    pub failures: Vec<(PathBuf, Arc<FileError>)>,
    /// The memory fed, if any.
    pub memory: Option<PathBuf>,
}

impl MergeSummary {
    /// True when every input gave its articles.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Entries stored in the memory over all files.
    pub fn stored(&self) -> usize {
        self.files.iter().filter_map(|f| f.stored).sum()
    }

    /// Confirmed entries the memory already held.
    pub fn unchanged_entries(&self) -> usize {
        self.files
            .iter()
            .filter_map(|f| f.stored.map(|n| f.merged.entries.len().saturating_sub(n)))
            .sum()
    }

    /// Sentences with a target that were not confirmed, so not stored.
    pub fn skipped(&self) -> usize {
        self.files.iter().map(|f| f.merged.skipped).sum()
    }
}

/// Runs a merge job.
pub async fn merge(settings: MergeSettings) -> Result<MergeSummary, Error> {
    // A kit folder (it holds depeche-kit.json) is read back as a whole;
    // anything else is XLIFF files or folders of them.
    let (kits, plain): (Vec<PathBuf>, Vec<PathBuf>) =
        settings.inputs.iter().cloned().partition(|p| kit::is_kit(p));
    let mut work: Vec<Work> = Vec::new();
    for dir in kits {
        match kit::read_back(&dir) {
            Ok(returned) => work.extend(returned.into_iter().map(Work::Returned)),
            Err(error) => work.push(Work::Failed(dir, error)),
        }
    }
    if !plain.is_empty() {
        work.extend(discover(&plain)?.into_iter().map(Work::File));
    }
    let memory_path = settings.memory.path();
    let mut memory: Option<Arc<dyn MemoryStore>> = None;
    let options = Options::new().allow_untranslated(settings.allow_untranslated);
    let out_dir = &settings.out_dir;
    let mut summary = MergeSummary { memory: memory_path.clone(), ..MergeSummary::default() };
    // Output path -> the input that produced it, so two inputs never
    // silently overwrite each other's article.
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut out_dir_ready = false;

    for item in work {
        let (file, result, decisions) = match item {
            Work::File(path) => {
                let result = merge::merge_path(&path, options);
                (path, result.map_err(FileError::from), None)
            }
            Work::Returned(r) => {
                let result = merge::merge_document(&r.doc, &r.path, options);
                (r.path, result.map_err(FileError::from), Some(r.decisions))
            }
            Work::Failed(dir, error) => (dir, Err(FileError::from(error)), None),
        };
        let file = &file;
        let fail = |summary: &mut MergeSummary, error: FileError| {
            summary.failures.push((file.clone(), Arc::new(error)));
        };
        let merged = match result {
            Ok(m) => m,
            Err(error) => {
                fail(&mut summary, error);
                continue;
            }
        };
        let mut outputs = Vec::with_capacity(merged.len());
        let mut clash = None;
        for m in &merged {
            let path = output::safe_path(out_dir, &m.article.file_name(settings.format))?;
            if let Some(other) = claimed.get(&path).filter(|o| *o != file) {
                clash = Some(FileError::Clash {
                    input: file.clone(),
                    other: other.clone(),
                    output: path.clone(),
                });
            }
            outputs.push(path);
        }
        if let Some(error) = clash {
            fail(&mut summary, error);
            continue;
        }
        if !out_dir_ready {
            std::fs::create_dir_all(out_dir).map_err(|source| Error::Io {
                path: out_dir.clone(),
                what: "cannot create the output folder",
                source,
            })?;
            output::remove_stale_temporaries(out_dir);
            out_dir_ready = true;
        }
        for (m, path) in merged.into_iter().zip(outputs) {
            let changed =
                match output::write_atomic(&path, m.article.render(settings.format).as_bytes()) {
                    Ok(changed) => changed,
                    Err(error) => {
                        fail(&mut summary, error.into());
                        continue;
                    }
                };
            claimed.insert(path.clone(), file.clone());
            let open = match (&memory, &settings.memory) {
                (Some(open), _) => Some(open),
                (None, MemorySettings::Off) => None,
                (None, settings) => settings.open(true).await?.map(|open| &*memory.insert(open)),
            };
            let stored = match open {
                Some(open) => Some(store(open.as_ref(), &m, file).await?),
                None => None,
            };
            summary.files.push(MergedFile {
                input: file.clone(),
                output: path,
                changed,
                merged: m,
                stored,
                decisions: decisions.clone(),
            });
        }
    }
    if out_dir_ready {
        output::sync_dir(out_dir)?;
    }
    Ok(summary)
}

/// One input of a merge.
enum Work {
    /// An XLIFF file.
    File(PathBuf),
    /// A file of a translation kit, read back.
    Returned(kit::Returned),
    /// A kit that could not be read back.
    Failed(PathBuf, kit::Error),
}

/// Stores the confirmed entries of `m`; returns how many were new.
async fn store(memory: &dyn MemoryStore, m: &Merged, file: &Path) -> Result<usize, Error> {
    memory
        .store(&m.entries)
        .await
        .map_err(|source| Error::MemoryStore { path: file.to_path_buf(), source })
}

/// The XLIFF files named, and those found under named folders (recursively,
/// in name order, hidden entries skipped, each folder entered once).
pub(super) fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let before = files.len();
            crate::walk::files(input, &is_xliff, &mut files).map_err(|(path, source)| {
                Error::Io { path, what: "cannot list the folder", source }
            })?;
            if files.len() == before {
                return Err(Error::NothingToRead {
                    what: format!(
                        "{}: no XLIFF files (.xlf, .xliff) in this folder",
                        input.display()
                    ),
                });
            }
        } else if input.exists() {
            files.push(input.clone());
        } else {
            return Err(Error::NoSuchInput { path: input.clone() });
        }
    }
    Ok(files)
}

fn is_xliff(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        e == "xlf" || e == "xliff"
    })
}
