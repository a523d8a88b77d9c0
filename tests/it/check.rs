//! `depeche check`: the offline fixture run against the golden XLIFF files,
//! through the real binary, and the golden files themselves.

use std::path::{Path, PathBuf};

use crate::support::{depeche, fixture, root, validate_xliff, xliff_files};

/// The reference article and its golden file name.
const ARTICLE: &str = "lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";
const GOLDEN: &str =
    "2025-10-31-azerbaidjan-royaume-uni-signent-plan-cooperation-854e3849.en-GB.xlf";

/// A throwaway copy of `fixtures/articles` and `fixtures/golden`.
fn fixtures_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fixtures");
    for sub in ["articles", "golden"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(fixture(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    (tmp, dir)
}

/// Runs `depeche check` with `args`; returns the exit code and stdout.
fn check(args: &[&str]) -> (i32, String) {
    let out = depeche().arg("check").args(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (out.status.code().unwrap(), format!("{stdout}{stderr}"))
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_committed_fixtures_pass() {
    let (code, out) = check(&["fixtures"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "result     7 files: 7 ok, 0 drifted, 0 missing, 0 extra, 0 invalid, \
             0 with glossary violations; 0 articles failed"
        ),
        "{out}"
    );
    assert!(out.contains(&format!("ok         {GOLDEN}")), "{out}");
}

#[test]
fn the_check_never_writes_into_the_fixtures() {
    let (_tmp, dir) = fixtures_copy();
    let before: Vec<PathBuf> = xliff_files(&dir.join("golden"));
    let (code, out) = check(&[s(&dir)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(xliff_files(&dir.join("golden")), before);
    let articles: Vec<_> = std::fs::read_dir(dir.join("articles")).unwrap().collect();
    assert_eq!(articles.len(), 7, "nothing added next to the articles");
}

#[test]
fn an_edited_article_shows_a_diff_then_update_accepts_it() {
    let (_tmp, dir) = fixtures_copy();
    let article = dir.join("articles").join(ARTICLE);
    let text = std::fs::read_to_string(&article).unwrap();
    let edited = text.replace("Londres et Bakou ont franchi", "Londres et Bakou ont passé");
    assert_ne!(text, edited);
    std::fs::write(&article, edited).unwrap();

    let (code, out) = check(&[s(&dir)]);
    assert_eq!(code, 1, "{out}");
    // The text changed, so the article id (its file name) changed too: the
    // new file is paired with the golden file of the same article.
    assert!(out.contains(&format!("differs from the golden file {GOLDEN}")), "{out}");
    assert!(out.contains(&format!("--- golden/{GOLDEN}")), "{out}");
    assert!(
        out.contains(
            "-          <source>Londres et Bakou ont franchi une nouvelle étape dans leur \
             partenariat stratégique.</source>"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "+          <source>Londres et Bakou ont passé une nouvelle étape dans leur \
             partenariat stratégique.</source>"
        ),
        "{out}"
    );
    assert!(out.contains("1 drifted"), "{out}");

    let (code, out) = check(&[s(&dir), "--update"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("golden     0 added, 1 updated, 0 removed, 6 unchanged"), "{out}");
    assert!(!dir.join("golden").join(GOLDEN).exists(), "the old golden file is replaced");
    let (code, out) = check(&[s(&dir)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("7 ok"), "{out}");
}

#[test]
fn a_changed_line_in_a_golden_file_is_a_drift() {
    let (_tmp, dir) = fixtures_copy();
    let golden = dir.join("golden").join(GOLDEN);
    let text = std::fs::read_to_string(&golden).unwrap();
    std::fs::write(&golden, text.replace("Bakou → Baku", "Bakou → Baku City")).unwrap();
    let (code, out) = check(&[s(&dir)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("drift      {GOLDEN}: differs from the golden file\n")), "{out}");
    assert!(out.contains("-          <note from=\"glossary\" annotates=\"source\" priority=\"3\">Bakou → Baku City [diplomacy]</note>"), "{out}");
    assert!(out.contains("+          <note from=\"glossary\" annotates=\"source\" priority=\"3\">Bakou → Baku [diplomacy]</note>"), "{out}");
}

#[test]
fn missing_and_extra_golden_files_are_reported() {
    let (_tmp, dir) = fixtures_copy();
    let golden = dir.join("golden");
    std::fs::remove_file(golden.join(GOLDEN)).unwrap();
    let stale = "2020-01-01-old-article-00000000.en-GB.xlf";
    std::fs::copy(
        golden.join("2021-09-25-rappel-ambassadeur-69847dee.en-GB.xlf"),
        golden.join(stale),
    )
    .unwrap();
    // The copy's input path is another article's, so it cannot be paired.
    let (code, out) = check(&[s(&dir)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("missing    {GOLDEN}: written by the run, but no golden file")));
    assert!(out.contains(&format!("extra      {stale}: golden file that no article produces")));
    assert!(out.contains("1 missing, 1 extra"), "{out}");

    let (code, out) = check(&[s(&dir), "--update"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("golden     1 added, 0 updated, 1 removed, 6 unchanged"), "{out}");
    assert!(golden.join(GOLDEN).exists());
    assert!(!golden.join(stale).exists());
    assert_eq!(check(&[s(&dir)]).0, 0);
}

#[test]
fn an_invalid_golden_file_is_reported() {
    let (_tmp, dir) = fixtures_copy();
    let golden = dir.join("golden").join(GOLDEN);
    let text = std::fs::read_to_string(&golden).unwrap();
    // Line 19 of the file (the title); a mismatched end tag.
    let broken = text.replacen("</source>", "</sauce>", 1);
    assert_ne!(text, broken);
    std::fs::write(&golden, broken).unwrap();
    let (code, out) = check(&[s(&dir)]);
    assert_eq!(code, 1, "{out}");
    let line = out.lines().find(|l| l.starts_with("invalid    golden/")).unwrap_or_else(|| {
        panic!("no invalid line in:\n{out}");
    });
    assert!(line.contains(GOLDEN), "{line}");
    assert!(line.contains("not well-formed XML"), "{line}");
    assert!(line.contains("line 19"), "{line}");
    assert!(out.contains("1 drifted, 0 missing, 0 extra, 1 invalid"), "{out}");

    let (code, out) = check(&[s(&dir), "--update"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 added, 1 updated"), "{out}");
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), text);
}

#[test]
fn a_glossary_violation_from_the_memory_fails_the_check() {
    let (tmp, dir) = fixtures_copy();
    let tmx = tmp.path().join("bad.tmx");
    std::fs::write(
        &tmx,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="fr-FR" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="fr-FR"><seg>Londres et Bakou ont franchi une nouvelle étape dans leur partenariat stratégique.</seg></tuv><tuv xml:lang="en-GB"><seg>Londres and Baku took a new step in their strategic partnership.</seg></tuv></tu>
</body></tmx>
"#,
    )
    .unwrap();
    let golden = tmp.path().join("golden-memory");
    let memory = ["--provider", "memory", "--tm", s(&tmx), "--golden", s(&golden)];

    // Making golden files does not hide the violation.
    let (code, out) = check(&[&[s(&dir), "--update"][..], &memory[..]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("golden     7 added"), "{out}");

    let (code, out) = check(&[&[s(&dir)][..], &memory[..]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "terms      {GOLDEN}: p2.s1: error: expected \"London\" for \"Londres\" \
             [terms, diplomacy]"
        )),
        "{out}"
    );
    assert!(out.contains("0 drifted"), "{out}");
    assert!(out.contains("diplomacy: 143 found, 2 applied, 1 violated"), "{out}");
    assert!(out.contains("1 with glossary violations"), "{out}");
    // The memory fixture is the TMX file; nothing was written next to it.
    let around: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(around.len(), 3, "fixtures, bad.tmx and golden-memory only");
}

#[test]
fn fatal_errors_exit_2() {
    let (code, out) = check(&["fixtures/no-such-folder"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("fixtures/no-such-folder/articles: no such folder"), "{out}");
    let (code, out) = check(&["fixtures", "--provider", "deepl"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("check runs offline"), "{out}");
    let (code, out) = check(&["fixtures", "--provider", "memory"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--tm FILE.tmx"), "{out}");
}

#[test]
fn the_golden_files_are_valid_xliff() {
    for dir in ["fixtures/golden", "fixtures/golden-memory"] {
        let files = xliff_files(&root().join(dir));
        assert_eq!(files.len(), 7, "{dir}");
        let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        validate_xliff(&paths);
    }
}

#[test]
fn the_committed_memory_fixtures_pass_with_every_term_applied() {
    let (code, out) = check(&[
        "fixtures",
        "--provider",
        "memory",
        "--tm",
        "fixtures/tmx/fixture-articles-apertium.tmx",
        "--golden",
        "fixtures/golden-memory",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("7 files: 7 ok, 0 drifted"), "{out}");
    assert!(out.contains("0 with glossary violations"), "{out}");
    assert!(out.contains("defence: 79 found, 79 applied, 0 violated"), "{out}");
    let golden =
        std::fs::read_to_string(root().join("fixtures/golden-memory").join(GOLDEN)).unwrap();
    assert!(golden.contains(r#"state="needs-review-translation" state-qualifier="leveraged-mt" phase-name="mt-apertium""#));
}

#[test]
fn schema_validation_runs_on_request() {
    let (code, out) = check(&["fixtures", "--schema"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("7 ok"), "{out}");
}
