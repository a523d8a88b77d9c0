//! Output files: atomic writes under a safe name.
//!
//! Every file depeche writes goes through [`write_atomic`]: the bytes go to a
//! temporary file in the destination folder, are synced, then renamed over
//! the final name, so a crash leaves either the old file or the new one,
//! never half of one.
//!
//! A batch that writes thousands of files chooses one durability strategy
//! for the run instead ([`Durability::AtEnd`]): each file is still written
//! to a temporary and renamed, so a killed run leaves only whole files (a
//! kill loses nothing the kernel has been given), and the run makes them
//! durable against a power cut with one file-system sync at its end
//! ([`sync_run`]) rather than one disk flush per file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Creating, writing or renaming failed.
    #[error("{path}: cannot write the file")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The name would leave the output folder or is not a plain file name.
    #[error("{name:?} is not a safe output file name")]
    UnsafeName {
        /// The rejected name.
        name: String,
    },
    /// A folder depeche makes inside its output is a symbolic link (or not
    /// a folder): writing into it could write anywhere.
    #[error(
        "{}: a symbolic link (or a file) where depeche writes a folder of its own; \
         remove it (depeche does not write through links in its output)",
        path.display()
    )]
    NotAFolder {
        /// The link.
        path: PathBuf,
    },
}

/// Temporary files are named `.depeche-<pid>-XXXXXX.tmp` in the destination
/// folder: the writer's process id tells another run whether the file is
/// still being written.
const TEMP_PREFIX: &str = ".depeche-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary older than this is left over whoever wrote it: one file is
/// written in well under a second, so a writer still alive after this long
/// with the file open is not one to wait for (and its id may have been
/// given to another process since).
pub const STALE_TEMPORARY_AGE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The path of `name` inside `dir`, refusing anything but a plain file name
/// (no separators, no `..`, no leading dot).
pub fn safe_path(dir: &Path, name: &str) -> Result<PathBuf, Error> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !plain {
        return Err(Error::UnsafeName { name: name.into() });
    }
    Ok(dir.join(name))
}

/// Makes the folder `rel` inside `base` (each of its components in turn)
/// and returns its path. `base` is the folder the user named and is taken
/// as it is; below it, a component that is a symbolic link is refused
/// ([`Error::NotAFolder`]) rather than followed, so a link planted in an
/// output folder cannot send a kit or a report anywhere else. See: #15
pub fn subfolder(base: &Path, rel: &Path) -> Result<PathBuf, Error> {
    let mut path = base.to_path_buf();
    std::fs::create_dir_all(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
    for part in rel.components() {
        let std::path::Component::Normal(part) = part else {
            return Err(Error::UnsafeName { name: rel.display().to_string() });
        };
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(Error::NotAFolder { path }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::create_dir(&path) {
                    Ok(()) => {}
                    // Made by another run meanwhile: checked again below.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                            return Err(Error::NotAFolder { path });
                        }
                    }
                    Err(source) => return Err(Error::Io { path, source }),
                }
            }
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    Ok(path)
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
/// Returns false, writing nothing, when the file already holds exactly
/// these bytes.
///
/// The rename itself becomes durable when the folder is synced: a batch
/// calls [`sync_dir`] once at the end rather than once per file, so that a
/// power cut can at worst lose whole files written since, never leave half
/// of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    write_atomic_with(path, bytes, Durability::EachFile)
}

/// When the files of a run are made durable against a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Each file is synced before its rename.
    EachFile,
    /// The caller syncs once, with [`sync_run`], after its last write.
    AtEnd,
}

/// [`write_atomic`] with a choice of [`Durability`]. The file gets the
/// usual permissions of a new file (0666 less the umask), not the 0600 of
/// a temporary, so a web server can read a published report.
pub fn write_atomic_with(path: &Path, bytes: &[u8], durability: Durability) -> Result<bool, Error> {
    let io = |source| Error::Io { path: path.into(), source };
    // A link in place of the file is replaced, never written through nor
    // taken for the file: only a regular file can already hold the bytes.
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
    if regular && std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(temp_prefix()).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Given to open(2), which applies the umask.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // The folder is made only when it is missing: a batch writes thousands
    // of files into one folder, and asking for it each time costs two
    // system calls per file.
    let mut tmp = match builder.tempfile_in(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io)?;
            builder.tempfile_in(dir).map_err(io)?
        }
        other => other.map_err(io)?,
    };
    tmp.write_all(bytes).map_err(io)?;
    if durability == Durability::EachFile {
        tmp.as_file().sync_all().map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(true)
}

/// `.depeche-<pid>-`, worked out once per process.
fn temp_prefix() -> &'static str {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PREFIX.get_or_init(|| format!("{TEMP_PREFIX}{}-", std::process::id()))
}

/// Makes every file written into `dir` with [`Durability::AtEnd`], and
/// their renames, durable: one sync of the file system holding `dir`
/// (`syncfs` on Linux; elsewhere a sync of every file in the folder), then
/// of the folder itself.
pub fn sync_run(dir: &Path) -> Result<(), Error> {
    let io = |source| Error::Io { path: dir.into(), source };
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        let folder = std::fs::File::open(dir).map_err(io)?;
        // SAFETY: the descriptor is open for the duration of the call.
        if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
            return Err(io(std::io::Error::last_os_error()));
        }
    }
    #[cfg(not(target_os = "linux"))]
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file() {
            std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(io)?;
        }
    }
    sync_dir(dir)
}

/// Makes the renames done in `dir` durable (fsync of the folder).
pub fn sync_dir(dir: &Path) -> Result<(), Error> {
    let io = |source| Error::Io { path: dir.into(), source };
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}

/// Removes the temporary files a killed run left in `dir` (ours only, by
/// their `.depeche-*.tmp` names); returns how many were removed.
///
/// Another run may be writing into the same folder at this very moment, so
/// a temporary is removed only when its writer is gone (the process id in
/// its name is not running) or when it is older than
/// [`STALE_TEMPORARY_AGE`]; a name without an id (written by an older
/// depeche) goes by age alone.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Some(middle) =
                name.strip_prefix(TEMP_PREFIX).and_then(|n| n.strip_suffix(TEMP_SUFFIX))
            else {
                return false;
            };
            let writer_gone = middle
                .split_once('-')
                .and_then(|(pid, _)| pid.parse::<u32>().ok())
                .is_some_and(|pid| !process_alive(pid));
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_TEMPORARY_AGE);
            writer_gone || old
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Whether process `pid` is running (or may be: when it cannot be told,
/// the answer is yes, so that nothing of a live run is removed).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
        // SAFETY: signal 0 only checks that the process exists.
        let status = unsafe { libc::kill(pid, 0) };
        status == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
mod tests {
    use super::*;

    // See: #12, #15
    #[cfg(unix)]
    #[test]
    fn files_get_the_permissions_of_a_new_file_not_of_a_temporary() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlf");
        assert!(write_atomic_with(&path, b"x", Durability::AtEnd).unwrap());
        sync_run(dir.path()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // 0666 less the umask: readable by others under the usual 022.
        let umask = {
            // SAFETY: umask has no failure mode; it is set back at once.
            let old = unsafe { libc::umask(0o022) };
            unsafe { libc::umask(old) };
            old
        };
        assert_eq!(mode, 0o666 & !(umask as u32), "mode {mode:o}");
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
        // Unchanged bytes are not written again.
        assert!(!write_atomic(&path, b"x").unwrap());
    }

    #[test]
    fn names_cannot_escape_the_folder() {
        let dir = Path::new("out");
        assert!(safe_path(dir, "../x.xlf").is_err());
        assert!(safe_path(dir, "a/b.xlf").is_err());
        assert!(safe_path(dir, ".hidden").is_err());
        assert!(safe_path(dir, "").is_err());
        assert_eq!(
            safe_path(dir, "2025-10-31-a-1.en-GB.xlf").unwrap(),
            dir.join("2025-10-31-a-1.en-GB.xlf")
        );
    }

    // See: #15
    #[cfg(unix)]
    #[test]
    fn links_in_the_output_are_replaced_or_refused_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("victim"), b"x").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        // A file link: replaced by the file, even when the bytes are equal.
        std::os::unix::fs::symlink(outside.join("victim"), out.join("a.xlf")).unwrap();
        assert!(write_atomic(&out.join("a.xlf"), b"x").unwrap());
        assert!(std::fs::symlink_metadata(out.join("a.xlf")).unwrap().is_file());
        std::os::unix::fs::symlink(outside.join("victim"), out.join("b.xlf")).unwrap();
        assert!(write_atomic(&out.join("b.xlf"), b"new").unwrap());
        assert_eq!(std::fs::read(outside.join("victim")).unwrap(), b"x");
        // A folder link: refused.
        std::os::unix::fs::symlink(&outside, out.join("articles")).unwrap();
        let err = subfolder(&out, Path::new("articles")).unwrap_err();
        assert!(err.to_string().contains("articles: a symbolic link"), "{err}");
        assert!(subfolder(&out, Path::new("tm/auto/../x")).is_err());
        assert_eq!(subfolder(&out, Path::new("tm/auto")).unwrap(), out.join("tm/auto"));
        assert!(out.join("tm/auto").is_dir());
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_replaces_and_skips_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.xlf");
        assert!(write_atomic(&p, b"one").unwrap());
        assert!(!write_atomic(&p, b"one").unwrap());
        assert!(write_atomic(&p, b"two").unwrap());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn stale_temporaries_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        // A writer long gone: no process has this id (above pid_max).
        std::fs::File::create(dir.path().join(".depeche-2147483647-abc123.tmp")).unwrap();
        std::fs::File::create(dir.path().join("a.xlf")).unwrap();
        std::fs::File::create(dir.path().join("notes.tmp")).unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    // See: #15
    #[test]
    fn temporaries_of_a_live_writer_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let ours = format!(".depeche-{}-abc123.tmp", std::process::id());
        std::fs::File::create(dir.path().join(&ours)).unwrap();
        // Written by an older depeche, and fresh: maybe still being written.
        std::fs::File::create(dir.path().join(".depeche-abc123.tmp")).unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()), 0);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
