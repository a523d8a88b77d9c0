//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// Runs `tests/tools/validate-xliff --checks` (the OASIS schemas in
/// `schemas/` plus the checks no XSD can express) on `paths`, and panics with
/// its report when a file is invalid or no validator is installed.
pub(crate) fn validate_xliff(paths: &[&Path]) {
    let script = root().join("tests/tools/validate-xliff");
    let out =
        Command::new("python3").arg(&script).arg("--checks").args(paths).output().unwrap_or_else(
            |e| panic!("cannot run python3 {} ({e}): install python3", script.display()),
        );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("no validator") {
        panic!(
            "no XML Schema validator: install one with `apt-get install -y libxml2-utils` \
             (xmllint) or `pip install lxml`\n{stderr}"
        );
    }
    assert!(out.status.success(), "XLIFF validation failed:\n{stdout}{stderr}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("OK ")).count(), paths.len(), "{stdout}");
}

/// What translate-toolkit sees in an XLIFF file (`tests/tools/ttk_readback.py`).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct TtkView {
    /// Number of translatable units.
    pub(crate) units: usize,
    /// Their sources.
    pub(crate) sources: Vec<String>,
    /// Their targets (empty when none).
    pub(crate) targets: Vec<String>,
}

/// Loads `path` with translate-toolkit; panics with an install hint when it is missing.
pub(crate) fn ttk_readback(path: &Path) -> TtkView {
    let script = root().join("tests/tools/ttk_readback.py");
    let out = Command::new("python3").arg(&script).arg(path).output().unwrap_or_else(|e| {
        panic!("cannot run python3 {} ({e}): install python3", script.display())
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "translate-toolkit could not read {} (install it with `pip install translate-toolkit`):\n{stderr}",
        path.display()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A local server speaking the LibreTranslate protocol that answers
/// `EN <text>` for each `q`, after `delay`: French terms stay French, so a
/// misaligned target or an unenforced term is plain to see.
pub async fn echo_libretranslate(delay: std::time::Duration) -> wiremock::MockServer {
    use serde_json::{Value, json};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/translate"))
        .respond_with(move |r: &Request| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let out: Vec<String> = v["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| format!("EN {}", q.as_str().unwrap()))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({ "translatedText": out }))
                .set_delay(delay)
        })
        .mount(&server)
        .await;
    server
}
