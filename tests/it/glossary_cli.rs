//! `depeche glossary check|match`, and `translate --strict-terms` against a
//! local LibreTranslate-protocol server whose targets ignore the glossary.

use std::path::{Path, PathBuf};

use wiremock::MockServer;

use crate::support::{depeche, fixture, validate_xliff, xliff_files};

const ARTICLE: &str = "articles/lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs `depeche` with `args`: exit code, stdout, stderr.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = depeche().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The count after `name: ` in a summary line.
fn count_of(line: &str, name: &str) -> usize {
    let rest =
        line.split(&format!("{name}: ")).nth(1).unwrap_or_else(|| panic!("{name} in {line}"));
    rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

#[test]
fn check_passes_on_the_shipped_glossaries() {
    let (code, out, err) = run(&["glossary", "check"]);
    assert_eq!(code, 0, "{out}{err}");
    let summary = out.lines().last().unwrap();
    assert!(summary.contains(" concepts in 4 files ("), "{summary}");
    assert!(summary.ends_with("; 0 errors, 0 warnings"), "{summary}");
    assert!(count_of(summary, "defence") >= 150, "{summary}");
    assert!(count_of(summary, "diplomacy") >= 150, "{summary}");
    // Nothing but the summary when the termbases are clean.
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn check_reports_a_conflict_with_file_and_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.csv",
        "source,target,locale,domain,note\nforces armées,armed forces,en,defence,\nOTAN,NATO,en,defence,\n",
    );
    let b = write(
        dir.path(),
        "b.tsv",
        "source\ttarget\tlocale\tdomain\tnote\nforce armée\tarmy\ten\tdefence\t\n",
    );
    let (code, out, err) = run(&["glossary", "check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let expected = format!("{}:2: error: conflict: ", b.display());
    assert!(out.lines().any(|l| l.starts_with(&expected)), "{out}");
    assert!(out.contains("\"armed forces\" vs \"army\" for en"), "{out}");
    assert_eq!(
        out.lines().last().unwrap(),
        "3 concepts in 2 files (defence: 3); 1 error, 0 warnings"
    );
}

#[test]
fn check_warnings_alone_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "w.csv",
        "source,target,locale,domain,note\nOTAN,NATO,en,defence,\nOTAN,NATO,en,defence,\n",
    );
    let (code, out, err) = run(&["glossary", "check", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with(&format!("{}:3: warning: duplicate", csv.display())), "{out}");
    assert!(out.ends_with("1 concept in 1 file (defence: 1); 0 errors, 1 warning\n"), "{out}");
}

#[test]
fn a_malformed_tbx_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let tbx = write(
        dir.path(),
        "bad.tbx",
        "<martif xml:lang=\"fr\"><text><body>\n<termEntry id=\"a\">\n\
         <langSet xml:lang=\"fr\"><tig><term>OTAN</term></tig></langSet>\n\
         <langSet xml:lang=\"en\"><tig><term>NATO</tig></langSet>\n\
         </termEntry></body></text></martif>\n",
    );
    let (code, out, err) = run(&["glossary", "check", tbx.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains(&format!("{}:4: not well-formed XML", tbx.display())), "{err}");
}

#[test]
fn a_missing_glossary_path_exits_2() {
    let (code, _, err) = run(&["glossary", "check", "no/such/glossary.tbx"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/glossary.tbx"), "{err}");
}

#[test]
fn match_lists_the_terms_of_the_reference_article() {
    let article = fixture(ARTICLE);
    let (code, out, err) = run(&["glossary", "match", article.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let first = out.lines().next().unwrap();
    assert!(first.starts_with(&article.display().to_string()), "{first}");
    assert!(first.ends_with(", en-GB)"), "{first}");
    let has = |s: &str| out.lines().any(|l| l.trim_start().starts_with(s));
    assert!(
        has(
            "p2.s2   ministères de la Défense → Ministry of Defence (also: defence ministry, MoD) [defence]"
        ),
        "{out}"
    );
    assert!(has("p3.s1   Caliber.Az → Caliber.Az (do not translate) [diplomacy]"), "{out}");
    assert!(has("p2.s2   plan bilatéral de coopération → bilateral cooperation plan [diplomacy]"));
    // The variant means the same concept, so it gets the same target.
    assert!(has("p4.s2   plan de coopération bilatérale → bilateral cooperation plan [diplomacy]"));
    assert!(has(
        "p1.s1   ROYAUME-UNI → United Kingdom (also: UK, Britain) (not: England) [diplomacy]"
    ));
    assert!(has("p10.s1  pays membres de l’OTAN → NATO member countries"), "{out}");
    let last = out.lines().last().unwrap().trim();
    let (defence, diplomacy) = (count_of(last, "defence"), count_of(last, "diplomacy"));
    let listed = |d: &str| out.lines().filter(|l| l.ends_with(&format!("[{d}]"))).count();
    assert_eq!(defence, listed("defence"), "{out}");
    assert_eq!(diplomacy, listed("diplomacy"), "{out}");
    assert!(defence >= 10 && diplomacy >= 20, "{last}");
    assert_eq!(
        last,
        format!("{} terms (defence: {defence}, diplomacy: {diplomacy})", defence + diplomacy)
    );
}

#[test]
fn match_verbose_gives_the_sentence_and_the_concept_id() {
    // Hits are judged by hand in their sentence (fixtures/term-gold/GUIDE.md).
    let article = fixture(ARTICLE);
    let (code, out, err) = run(&["-v", "glossary", "match", article.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("  p2.s1   « Londres et Bakou ont franchi une nouvelle étape"), "{out}");
    assert!(out.contains("  p2.s1   Bakou → Baku [diplomacy] {dip-bakou}"), "{out}");
}

#[test]
fn match_gives_the_us_rendering_where_there_is_one() {
    let article = fixture(ARTICLE);
    let (code, out, err) = run(&["glossary", "match", "--to", "en-US", article.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.lines().next().unwrap().ends_with(", en-US)"), "{out}");
    assert!(
        out.contains("p2.s2   ministères de la Défense → Defense Ministry (also: Ministry of Defense) [defence]"),
        "{out}"
    );
    assert!(out.contains("coopération de défense → defense cooperation"), "{out}");
    // No US entry: the en-GB rendering stands.
    assert!(out.contains("Bakou → Baku [diplomacy]"), "{out}");
    assert!(!out.contains("Ministry of Defence"), "{out}");
}

#[test]
fn match_honours_glossary_flags_and_configured_domains() {
    let dir = tempfile::tempdir().unwrap();
    let article = write(
        dir.path(),
        "otan.txt",
        "L'OTAN renforce son flanc est\n\nL’OTAN et l'ONU ont réagi. Le ministère de la Défense aussi.\n",
    );
    let art = article.to_str().unwrap();

    let (code, out, err) = run(&["glossary", "match", art]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "p1.s1   OTAN → NATO (also: North Atlantic Treaty Organization) (not: OTAN) [defence]"
        ),
        "{out}"
    );
    assert!(out.contains("p2.s1   L’OTAN → NATO") || out.contains("p2.s1   OTAN → NATO"), "{out}");
    assert!(out.contains("ONU → UN"), "{out}");

    let only = write(
        dir.path(),
        "only.csv",
        "source,target,locale,domain,note\nONU,United Nations,en,house,\n",
    );
    let (code, out, err) = run(&["glossary", "match", "--glossary", only.to_str().unwrap(), art]);
    assert_eq!(code, 0, "{out}{err}");
    let hits: Vec<&str> = out.lines().filter(|l| l.contains(" → ")).collect();
    assert_eq!(hits, ["  p2.s1   ONU → United Nations [house]"], "{out}");
    assert!(out.ends_with("  1 term (house: 1)\n"), "{out}");

    let config = write(dir.path(), "depeche.toml", "[glossary]\ndomains = [\"diplomacy\"]\n");
    let (code, out, err) = run(&["-c", config.to_str().unwrap(), "glossary", "match", art]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ONU → UN"), "{out}");
    assert!(!out.contains("[defence]"), "{out}");
}

async fn echo_server() -> MockServer {
    crate::support::echo_libretranslate(std::time::Duration::ZERO).await
}

fn translate(
    server: &MockServer,
    work: &Path,
    config: &Path,
    extra: &[&str],
) -> (i32, String, String) {
    let out_dir = work.join("out");
    let mut args = vec![
        "-c",
        config.to_str().unwrap(),
        "translate",
        "--no-progress",
        "--no-memory",
        "--provider",
        "libretranslate",
    ];
    let uri = server.uri();
    let fixture = fixture(ARTICLE);
    args.extend(["--endpoint", &uri, "--out", out_dir.to_str().unwrap()]);
    args.extend(extra);
    args.push(fixture.to_str().unwrap());
    run(&args)
}

/// The `<trans-unit>` with this id.
fn unit<'a>(xliff: &'a str, id: &str) -> &'a str {
    let open = format!("<trans-unit id=\"{id}\"");
    let rest = xliff.split_once(&open).unwrap_or_else(|| panic!("no unit {id}")).1;
    rest.split_once("</trans-unit>").unwrap().0
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_terms_fails_a_run_whose_targets_miss_the_glossary() {
    let server = echo_server().await;
    let work = tempfile::tempdir().unwrap();
    let config = write(work.path(), "depeche.toml", "[translate]\nenforce_terms = false\n");

    let (code, out, err) = translate(&server, work.path(), &config, &[]);
    assert_eq!(code, 0, "without --strict-terms violations are reported only:\n{out}{err}");
    let terms = out.lines().find(|l| l.starts_with("terms ")).unwrap_or_else(|| panic!("{out}"));
    let violated = |d: &str| -> usize {
        let part = terms.split(&format!("{d}: ")).nth(1).unwrap();
        let part = part.split(" violated").next().unwrap();
        part.rsplit(", ").next().unwrap().parse().unwrap()
    };
    assert!(violated("defence") > 0, "{terms}");
    assert!(violated("diplomacy") > 0, "{terms}");
    assert!(!err.contains("glossary violations"), "{err}");

    let files = xliff_files(&work.path().join("out"));
    assert_eq!(files.len(), 1);
    validate_xliff(&[files[0].as_path()]);
    let xliff = std::fs::read_to_string(&files[0]).unwrap();
    let p2 = unit(&xliff, "p2.s2");
    assert!(p2.contains("state=\"needs-review-translation\""), "{p2}");
    assert!(p2.contains("<target") && p2.contains("EN Les ministères de la Défense"), "{p2}");
    let qa_notes: Vec<&str> = p2.split("<note from=\"qa\" annotates=\"target\"").skip(1).collect();
    assert!(
        qa_notes
            .iter()
            .any(|n| n.contains("Ministry of Defence") && n.contains("ministère de la Défense")),
        "{p2}"
    );
    // A kept name is not a violation: Caliber.Az is in the target as written.
    let p3 = unit(&xliff, "p3.s1");
    assert!(!p3.contains("expected \"Caliber.Az\""), "{p3}");

    std::fs::remove_dir_all(work.path().join("out")).unwrap();
    let (code, out, err) = translate(&server, work.path(), &config, &["--strict-terms"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("glossary violations (--strict-terms)"), "{err}");
    // The files are still written, for review.
    let files = xliff_files(&work.path().join("out"));
    assert_eq!(files.len(), 1);
    validate_xliff(&[files[0].as_path()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_terms_passes_when_the_provider_gets_the_terms() {
    let server = echo_server().await;
    let work = tempfile::tempdir().unwrap();
    // Enforced terms reach this provider as placeholders, so the targets
    // carry the expected renderings.
    let config = write(work.path(), "depeche.toml", "[translate]\nenforce_terms = true\n");
    let (code, out, err) = translate(&server, work.path(), &config, &["--strict-terms"]);
    let terms = out.lines().find(|l| l.starts_with("terms ")).unwrap_or_else(|| panic!("{out}"));
    assert!(terms.contains("defence: ") && terms.contains(" 0 violated"), "{terms}");
    assert_eq!(code, 0, "{out}{err}");
    let files = xliff_files(&work.path().join("out"));
    validate_xliff(&[files[0].as_path()]);
    let xliff = std::fs::read_to_string(&files[0]).unwrap();
    // The variant "plan de coopération bilatérale" is its own wording of the
    // concept: the placeholder replaces all of it, adjective included.
    let p4 = unit(&xliff, "p4.s2");
    let target = p4.split("<target").nth(1).unwrap().split("</target>").next().unwrap();
    assert!(target.contains("le bilateral cooperation plan en matière"), "{p4}");
    assert!(!target.contains("bilatérale") && !target.contains("plan bilateral"), "{p4}");
}
