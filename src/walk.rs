//! Folder walks for the inputs of `translate`, `merge` and `kit`: the files
//! under a folder, recursively, in name order, hidden entries skipped.
//!
//! Symbolic links are followed, since an input folder of links to the
//! day's wires is common, but each folder is entered once, known by its
//! device and inode: a link back to a parent (a loop) or two links to the
//! same folder cannot make the walk endless or list a file twice. The walk
//! keeps its own stack, so a deep tree cannot overflow the thread's.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A folder that could not be listed, and why.
pub(crate) type Failure = (PathBuf, std::io::Error);

/// Appends to `out` the files under `root` that `keep` accepts.
pub(crate) fn files(
    root: &Path,
    keep: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), Failure> {
    let mut seen = HashSet::new();
    seen.insert(identity(root).map_err(|e| (root.to_path_buf(), e))?);
    let mut stack = vec![listing(root)?.into_iter()];
    while let Some(entries) = stack.last_mut() {
        let Some((path, kind)) = entries.next() else {
            stack.pop();
            continue;
        };
        // The listing's file type saves a stat per file; only a link is
        // followed to see what it points at.
        let dir = match kind {
            Some(kind) if !kind.is_symlink() => kind.is_dir(),
            _ => path.is_dir(),
        };
        if dir {
            // A folder whose identity cannot be read is listed (and fails
            // there with its own error) rather than skipped in silence.
            let first = identity(&path).map_or(true, |id| seen.insert(id));
            if first {
                stack.push(listing(&path)?.into_iter());
            }
        } else if keep(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// The entries of `dir`, hidden ones left out, sorted by name, with their
/// file type when the listing gives it (not followed through links).
fn listing(dir: &Path) -> Result<Vec<(PathBuf, Option<std::fs::FileType>)>, Failure> {
    let io = |e| (dir.to_path_buf(), e);
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            entries.push((entry.path(), entry.file_type().ok()));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// What makes a folder the same folder, whatever the path to it.
#[cfg(unix)]
fn identity(dir: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(dir)?;
    Ok((meta.dev(), meta.ino()))
}

/// What makes a folder the same folder, whatever the path to it.
#[cfg(not(unix))]
fn identity(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(dir)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::File::create(sub.join("x.txt")).unwrap();
        std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
        std::os::unix::fs::symlink(&sub, dir.path().join("b")).unwrap();
        let mut out = Vec::new();
        files(dir.path(), &|_| true, &mut out).unwrap();
        assert_eq!(out, [sub.join("x.txt")]);
    }
}
