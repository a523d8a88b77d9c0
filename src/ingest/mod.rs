//! Ingest stage: files in, [`Article`]s out.
//!
//! Input: a path (file or folder). Output: articles with metadata and
//! paragraphs (role + normalised text), no segments yet, and a stable id.
//! Guarantees: bytes are decoded (UTF-8 with or without BOM, Windows-1252,
//! ISO-8859-1) and the encoding used is recorded in `meta["encoding"]`;
//! a file that cannot be read gives an [`Error`] naming the file, never a panic.

use std::path::{Path, PathBuf};

use crate::model::Article;

pub(crate) mod txt;

/// Why a file could not be ingested.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: cannot read the file")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The file holds no article text.
    #[error("{path}: {reason}")]
    Empty {
        /// The file.
        path: PathBuf,
        /// What was found instead, and what to do.
        reason: String,
    },
    /// The file is not text in any supported encoding.
    #[error("{path}: {reason}")]
    NotText {
        /// The file.
        path: PathBuf,
        /// Why, and what to do.
        reason: String,
    },
}

/// Limits on what one file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Largest file read, in bytes.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024 }
    }
}

/// Reads one file into its articles, with default limits.
pub fn read_path(path: &Path) -> Result<Vec<Article>, Error> {
    read_path_with(path, &ReadOptions::default())
}

/// Reads one file into its articles.
pub fn read_path_with(path: &Path, _opts: &ReadOptions) -> Result<Vec<Article>, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
    txt::read(path, &bytes).map(|a| vec![a])
}

/// Lists the article files under `inputs` (files as given, folders walked
/// recursively in name order, hidden files skipped).
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut out)?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io { path: dir.into(), source };
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_article_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// File extensions read as articles when walking a folder.
fn is_article_file(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("txt" | "text"))
}
