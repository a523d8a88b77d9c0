//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file or folder under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// The `depeche` binary, run from the project root.
pub fn depeche() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("depeche").unwrap();
    cmd.current_dir(root());
    cmd
}

/// The `.xlf` files directly under `dir`, sorted.
pub fn xliff_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlf"))
        .collect();
    files.sort();
    files
}
