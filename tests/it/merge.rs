//! `depeche merge`: reviewed XLIFF (as depeche wrote it, then as a reviewer
//! or a CAT tool saved it) back to the final article and the memory.

// Offsets come from `find` on ASCII markup, so they are on char boundaries.
#![allow(clippy::string_slice)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use wiremock::MockServer;

use crate::support::{depeche, fixture, root, validate_xliff};

const ARTICLE: &str = "articles/lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";
const ID: &str = "2025-10-31-azerbaidjan-royaume-uni-signent-plan-cooperation-854e3849";
const REVIEWED: &str = "reviewed/2017-10-25-mali-deux-soldats-tues-attaque-a15410c7.en-GB.xlf";
const REVIEWED_ID: &str = "2017-10-25-mali-deux-soldats-tues-attaque-a15410c7";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], paths: &[&Path]) -> Run {
    let out = depeche().args(args).args(paths).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `depeche translate` of the reference article with no provider: empty
/// targets, as a translator receives them.
fn translate_none(out: &Path, extra: &[&str]) -> PathBuf {
    let r = run(
        &[&["translate", "--no-progress", "--no-memory", "--out"], extra].concat(),
        &[out, &fixture(ARTICLE)],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    out.join(format!("{ID}.en-GB.xlf"))
}

/// The reviewer, through translate-toolkit (the library of Pootle, Virtaal
/// and Weblate): fills every target but `leave`, with `targets` or
/// `EN <source>`, and saves the file back.
fn review_ttk(input: &Path, output: &Path, targets: &Value, leave: &[&str]) {
    let map = output.with_extension("targets.json");
    std::fs::write(&map, targets.to_string()).unwrap();
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("fixtures/reviewed/review.py")).arg(input).arg(output).arg(&map);
    for id in leave {
        cmd.args(["--leave", id]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "review.py failed (install translate-toolkit: pip install translate-toolkit):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The reviewer, by hand: sets the 1.2 target of unit `id` with its state
/// and qualifier, as OmegaT or a text editor leaves it.
fn review12(xml: &str, id: &str, target: &str, state: &str, qualifier: Option<&str>) -> String {
    let start = xml.find(&format!("<trans-unit id=\"{id}\"")).unwrap_or_else(|| panic!("{id}"));
    let t = start + xml[start..].find("<target").unwrap();
    let rest = &xml[t..];
    let gt = rest.find('>').unwrap();
    let end = t + if rest[..gt].ends_with('/') {
        gt + 1
    } else {
        rest.find("</target>").unwrap() + "</target>".len()
    };
    let q = qualifier.map(|q| format!(" state-qualifier=\"{q}\"")).unwrap_or_default();
    format!("{}<target state=\"{state}\"{q}>{target}</target>{}", &xml[..t], &xml[end..])
}

fn blocks(text: &str) -> Vec<&str> {
    text.trim_end().split("\n\n").collect()
}

fn tm_stats(tm: &Path) -> String {
    let r = run(&["tm", "stats", "--tm"], &[tm]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// The `entries` column of the stats row for `origin`, 0 when absent.
fn entries(stats: &str, origin: &str) -> u64 {
    stats
        .lines()
        .find(|l| l.split_whitespace().nth(2) == Some(origin))
        .map_or(0, |l| l.split_whitespace().last().unwrap().parse().unwrap())
}

#[test]
fn reviewed_file_becomes_the_article_and_human_memory() {
    let dir = tempfile::tempdir().unwrap();
    let xlf = translate_none(&dir.path().join("xliff"), &[]);
    let reviewed = dir.path().join("reviewed.xlf");
    review_ttk(
        &xlf,
        &reviewed,
        &json!({
            "p1.s1": "AZERBAIJAN AND THE UNITED KINGDOM SIGN A DEFENCE COOPERATION PLAN UNTIL 2027",
            "p2.s1": "London and Baku have taken a new step in their strategic partnership.",
            "p5.s1": "Shared priorities for regional security",
        }),
        &[],
    );
    validate_xliff(&[&reviewed]);
    let tm = dir.path().join("tm.sqlite");
    let out = dir.path().join("final");
    let r = run(&["merge", "--tm"], &[&tm, Path::new("--out"), &out, &reviewed]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("13 human translations stored, 0 unchanged, 0 skipped"),
        "{}",
        r.stdout
    );

    let txt = std::fs::read_to_string(out.join(format!("{ID}.en-GB.txt"))).unwrap();
    let b = blocks(&txt);
    assert_eq!(b.len(), 3 + 10, "{txt}");
    assert_eq!(b[0], "Lagazette");
    assert_eq!(
        b[1],
        "AZERBAIJAN AND THE UNITED KINGDOM SIGN A DEFENCE COOPERATION PLAN UNTIL 2027"
    );
    assert_eq!(b[2], "2025-10-31T15:57:00+01:00");
    // p2: two sentences, one space between them, in order.
    assert!(
        b[3].starts_with(
            "London and Baku have taken a new step in their strategic partnership. EN Les ministères"
        ),
        "{}",
        b[3]
    );
    assert_eq!(b[6], "Shared priorities for regional security");
    assert!(b[12].starts_with("EN En conclusion"), "{}", b[12]);

    // The text is the scraped-article shape: the ingest reads it back.
    let article = depeche::ingest::read_path(&out.join(format!("{ID}.en-GB.txt"))).unwrap();
    let article = &article[0];
    assert_eq!(article.publisher.as_deref(), Some("Lagazette"));
    assert_eq!(article.title.as_deref(), Some(b[1]));
    assert_eq!(article.published.as_deref(), Some("2025-10-31T15:57:00+01:00"));
    let heading = article.paragraphs.iter().find(|p| p.text == b[6]).unwrap();
    assert_eq!(heading.role, depeche::Role::Heading);

    // The memory holds the reviewed sentences as human translations...
    let stats = tm_stats(&tm);
    assert_eq!(entries(&stats, "human"), 13, "{stats}");
    // ...and a new run serves them as exact human matches.
    let again = dir.path().join("again");
    let r = run(
        &["translate", "--no-progress", "--provider", "memory", "--tm"],
        &[&tm, Path::new("--out"), &again, &fixture(ARTICLE)],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let xml = std::fs::read_to_string(again.join(format!("{ID}.en-GB.xlf"))).unwrap();
    // Every sentence comes from the memory; the three real English ones are
    // exact human matches, while the `EN <French>` stand-ins break the
    // glossary and are reopened for review by QA, as any human target would be.
    assert_eq!(xml.matches(r#"phase-name="tm">"#).count(), 13, "{xml}");
    assert_eq!(xml.matches(r#"state="translated" state-qualifier="exact-match""#).count(), 3);
    assert!(xml.contains(
        r#"exact-match" phase-name="tm">London and Baku have taken a new step in their strategic partnership.</target>"#
    ));

    // Merging the same file again changes nothing.
    let r = run(&["merge", "--tm"], &[&tm, Path::new("--out"), &out, &reviewed]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("0 human translations stored, 13 unchanged"), "{}", r.stdout);
    assert!(r.stdout.contains("(0 written, 1 unchanged)"), "{}", r.stdout);
}

#[test]
fn untranslated_units_fail_that_file_and_nothing_of_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let xlf = translate_none(&dir.path().join("xliff"), &[]);
    let partial = dir.path().join("partial.xlf");
    review_ttk(&xlf, &partial, &json!({}), &["p4.s2", "p7.s1", "p9.s1"]);
    let done = fixture(REVIEWED);
    let tm = dir.path().join("tm.sqlite");
    let out = dir.path().join("final");

    let r = run(&["merge", "--tm"], &[&tm, Path::new("--out"), &out, &partial, &done]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{}: 3 units are not translated yet (p4.s2, p7.s1, p9.s1); finish them or use \
             --allow-untranslated",
            partial.display()
        )),
        "{}",
        r.stderr
    );
    // The other file is merged; nothing of the failed one is written or stored.
    assert!(out.join(format!("{REVIEWED_ID}.en-GB.txt")).exists());
    assert!(!out.join(format!("{ID}.en-GB.txt")).exists());
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    let stats = tm_stats(&tm);
    assert_eq!(entries(&stats, "human"), 8, "{stats}");
    assert!(r.stdout.contains("1 article (1 written, 0 unchanged), 1 failed"), "{}", r.stdout);

    // Allowed: the source text stands in, with a warning naming the units.
    let r =
        run(&["merge", "--allow-untranslated", "--tm"], &[&tm, Path::new("--out"), &out, &partial]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("3 units not translated, kept in the source language (p4.s2, p7.s1, p9.s1)"),
        "{}",
        r.stderr
    );
    let txt = std::fs::read_to_string(out.join(format!("{ID}.en-GB.txt"))).unwrap();
    assert!(txt.contains(
        "EN « Le Royaume-Uni est fier de sa coopération étroite avec l’Azerbaïdjan dans le \
         domaine de la défense et de son rôle au sein du partenariat stratégique. Hier, les \
         ministères de la Défense"
    ));
    assert_eq!(entries(&tm_stats(&tm), "human"), 8 + 10);
}

async fn echo_server() -> MockServer {
    crate::support::echo_libretranslate(std::time::Duration::ZERO).await
}

fn translate_mt(server: &MockServer, out: &Path, xliff: &str) -> PathBuf {
    let r = run(
        &[
            "translate",
            "--no-progress",
            "--no-memory",
            "--terms",
            "force",
            "--provider",
            "libretranslate",
            "--endpoint",
            &server.uri(),
            "--xliff",
            xliff,
            "--out",
        ],
        &[out, &fixture(ARTICLE)],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    out.join(format!("{ID}.en-GB.xlf"))
}

#[tokio::test(flavor = "multi_thread")]
async fn machine_translation_awaiting_review_is_never_stored_as_human() {
    let server = echo_server().await;
    let dir = tempfile::tempdir().unwrap();
    let xlf = translate_mt(&server, &dir.path().join("xliff"), "1.2");
    let xml = std::fs::read_to_string(&xlf).unwrap();
    assert_eq!(
        xml.matches(r#"state="needs-review-translation" state-qualifier="leveraged-mt""#).count(),
        13
    );
    // One sentence confirmed in an editor, one signed off with its MT
    // qualifier still on; the other eleven stay machine translation awaiting review.
    let xml = review12(&xml, "p2.s1", "London and Baku took a new step.", "translated", None);
    let xml = review12(
        &xml,
        "p3.s1",
        "According to the British Embassy in Baku, quoted by Caliber.Az, the document is part of the long-term strategic partnership between the two countries.",
        "signed-off",
        Some("leveraged-mt"),
    );
    let reviewed = dir.path().join("reviewed.xlf");
    std::fs::write(&reviewed, &xml).unwrap();
    let tm = dir.path().join("tm.sqlite");
    let out = dir.path().join("final");

    let r = run(&["merge", "--tm"], &[&tm, Path::new("--out"), &out, &reviewed]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "11 units are not reviewed yet, still machine translation or awaiting review (p1.s1, p2.s2, p4.s1,"
        ),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "nothing may be written for a refused file");
    assert!(!tm.exists(), "no memory is created when nothing is merged");

    let r = run(
        &["merge", "--allow-untranslated", "--format", "json", "--tm"],
        &[&tm, Path::new("--out"), &out, &reviewed],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("11 units not reviewed, used as they are and not added to the memory")
    );
    assert!(
        r.stdout.contains("2 human translations stored, 0 unchanged, 11 skipped"),
        "{}",
        r.stdout
    );
    let stats = tm_stats(&tm);
    assert_eq!(entries(&stats, "human"), 2, "{stats}");
    assert_eq!(stats.matches("mt:").count(), 0, "{stats}");

    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(format!("{ID}.en-GB.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(v["id"], ID);
    assert_eq!(v["lang"], "en-GB");
    assert_eq!(v["publisher"], "Lagazette");
    assert_eq!(v["published"], "2025-10-31T15:57:00+01:00");
    assert!(v["title"].as_str().unwrap().starts_with("EN L’Azerbaijan"));
    let paragraphs = v["paragraphs"].as_array().unwrap();
    assert_eq!(paragraphs.len(), 10);
    assert_eq!(paragraphs[0]["role"], "paragraph");
    assert!(
        paragraphs[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("London and Baku took a new step. EN Les")
    );
    assert!(
        paragraphs[1]["text"].as_str().unwrap().starts_with("According to the British Embassy")
    );
    assert_eq!(paragraphs[3]["role"], "heading");
}

#[tokio::test(flavor = "multi_thread")]
async fn xliff21_reviewed_segments_feed_the_memory_and_markdown_output() {
    let server = echo_server().await;
    let dir = tempfile::tempdir().unwrap();
    let xlf = translate_mt(&server, &dir.path().join("xliff"), "2.1");
    let xml = std::fs::read_to_string(&xlf).unwrap();
    assert!(xml.contains(r#"state="translated" subState="depeche:mt-libretranslate""#));
    let tm = dir.path().join("tm.sqlite");
    let out = dir.path().join("final");

    // MT in 2.x is `translated` with an MT subState: not reviewed.
    let r = run(&["merge", "--tm"], &[&tm, Path::new("--out"), &out, &xlf]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("13 units are not reviewed yet"), "{}", r.stderr);

    // The reviewer confirms every segment.
    let reviewed = dir.path().join("reviewed.xlf");
    std::fs::write(&reviewed, xml.replace(r#"state="translated""#, r#"state="reviewed""#)).unwrap();
    validate_xliff(&[&reviewed]);
    let r = run(&["merge", "--format", "md", "--tm"], &[&tm, Path::new("--out"), &out, &reviewed]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("13 human translations stored"), "{}", r.stdout);
    let md = std::fs::read_to_string(out.join(format!("{ID}.en-GB.md"))).unwrap();
    let b = blocks(&md);
    // The echo server saw the glossary terms already in English.
    assert!(b[0].starts_with("# EN L’Azerbaijan et le United Kingdom"), "{md}");
    assert_eq!(b[1], "*Lagazette · 2025-10-31T15:57:00+01:00*");
    assert!(b[2].starts_with(
        "EN London et Baku ont franchi une nouvelle étape dans leur strategic partnership. EN Les "
    ));
    assert_eq!(b[5], "## EN Des priorités communes pour la regional security");
    assert_eq!(entries(&tm_stats(&tm), "human"), 13);
}

#[test]
fn cat_tool_samples_merge_with_their_states_respected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("final");
    let segmented = fixture("xliff/xliff12-segmented.xlf");
    let r = run(&["merge", "--no-memory", "--out"], &[&out, &segmented]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("xliff12-segmented.xlf: 3 units are not reviewed yet, still machine translation or awaiting review (title, p1#1, p1#2)"),
        "{}",
        r.stderr
    );
    let r = run(
        &["merge", "--no-memory", "--allow-untranslated", "--out"],
        &[&out, &segmented, &fixture("xliff/valid-21.xlf")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let txt = std::fs::read_to_string(out.join("xliff12-segmented.en-GB.txt")).unwrap();
    assert_eq!(
        blocks(&txt),
        [
            "Armed forces budget increase",
            "The Minister for the Armed Forces announced a budget increase on Thursday. The Chief of the Defence Staff travelled to Brussels."
        ]
    );
    let txt = std::fs::read_to_string(out.join("valid-21.en-GB.txt")).unwrap();
    assert_eq!(
        txt,
        "The Minister for the Armed Forces announced a budget increase on Thursday. The Chief of the Defence Staff travelled to Brussels.\n"
    );
}

#[test]
fn bad_inputs_are_named_and_unsafe_ids_stay_inside_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("final");
    let truncated = dir.path().join("truncated.xlf");
    let xml = std::fs::read_to_string(fixture(REVIEWED)).unwrap();
    std::fs::write(
        &truncated,
        xml[..xml.find("<group id=\"p3\"").unwrap()].replace("</header>", "</heder>"),
    )
    .unwrap();
    let r = run(&["merge", "--no-memory", "--out"], &[&out, &root().join("README.md"), &truncated]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("README.md: not an XLIFF file (it is not XML)"), "{}", r.stderr);
    assert!(r.stderr.contains("truncated.xlf:"), "{}", r.stderr);
    assert!(r.stderr.contains(": not well-formed XML"), "{}", r.stderr);
    assert!(!out.exists());

    let r = run(&["merge", "--no-memory", "--out"], &[&out, &dir.path().join("missing.xlf")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.xlf: no such file or folder"), "{}", r.stderr);

    let evil = dir.path().join("evil.xlf");
    std::fs::write(&evil, xml.replace(&format!("id: {REVIEWED_ID}"), "id: ../../escape/me"))
        .unwrap();
    let r = run(&["merge", "--no-memory", "--format", "json", "--out"], &[&out, &evil]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["escape-me.en-GB.json"]);
}
