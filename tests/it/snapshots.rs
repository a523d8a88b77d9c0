//! Human-facing text: help screens, the run summary and error messages.
//! A change here is a change users see; review it with `cargo insta review`.

use crate::support::depeche;

fn stdout(args: &[&str]) -> String {
    let out = depeche().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = depeche();
    for key in ["DEEPL_AUTH_KEY", "GOOGLE_API_KEY", "AZURE_TRANSLATOR_KEY", "OPENAI_API_KEY"] {
        cmd.env_remove(key);
    }
    let out = cmd.args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn help_screens() {
    insta::assert_snapshot!("help", stdout(&["--help"]));
    insta::assert_snapshot!("translate_help", stdout(&["translate", "--help"]));
}

#[test]
fn offline_run_summary() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().display().to_string();
    let text = stdout(&["translate", "fixtures/articles", "--no-progress", "--out", &dir]);
    // The output folder and the timing change from run to run.
    let masked: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("time") {
                "time       [masked]".to_string()
            } else {
                l.replace(&dir, "[out]")
            }
        })
        .collect();
    insta::assert_snapshot!("offline_summary", masked.join("\n"));
}

#[test]
fn fatal_error_messages() {
    let (code, text) = stderr(&["translate", "fixtures/no-such-folder"]);
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("missing_input", text);
    let (code, text) = stderr(&["translate", "fixtures/articles", "--provider", "deepel"]);
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("unknown_provider", text);
    let (code, text) = stderr(&["translate", "fixtures/articles", "--provider", "deepl"]);
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("missing_key", text);
}
