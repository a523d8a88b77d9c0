//! Reliability on hostile or unusual input, each test built from the
//! reproduction of a defect and run through the binary as a user would.
// See: #15

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{depeche, validate_xliff, xliff_files};

/// The sentence every small input here carries.
const SENTENCE: &str = "Le ministre a parlé hier soir devant les députés.";

/// A small RSS feed of one item, with `decl` as its XML declaration.
fn rss(decl: &str) -> String {
    format!(
        "{decl}\n<rss version=\"2.0\"><channel><title>Flux</title><language>fr-fr</language>\n\
         <item><title>Premier titre</title><description>{SENTENCE}</description></item>\n\
         </channel></rss>\n"
    )
}

/// Runs `translate` on `inputs` into a new folder; returns the folder and
/// the command's outcome.
fn translate(inputs: &[&Path]) -> (tempfile::TempDir, std::process::Output) {
    let out = tempfile::tempdir().unwrap();
    let output = depeche()
        .args(["translate", "--no-progress", "--out"])
        .arg(out.path())
        .args(inputs)
        .output()
        .unwrap();
    (out, output)
}

/// The text of every XLIFF file in `dir`, after validating them.
fn written(dir: &Path) -> Vec<String> {
    let files = xliff_files(dir);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if !refs.is_empty() {
        validate_xliff(&refs);
    }
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn utf16_feeds_and_long_prologs_are_read_as_what_they_are() {
    let input = tempfile::tempdir().unwrap();
    let dir = input.path();
    // UTF-16 both ways, with a byte-order mark.
    let feed = rss("<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
    // Each file its own headline, so that each gives its own article.
    let titled = |title: &str, text: &str| text.replace("Premier titre", title);
    let mut le = vec![0xff, 0xfe];
    le.extend(titled("Titre LE", &feed).encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("utf16le.xml"), le).unwrap();
    // A feed whose comment runs far past the first 4 KiB, in UTF-16 and in UTF-8.
    let comment = format!("<?xml version=\"1.0\"?>\n<!-- {} -->", "licence ".repeat(2_000));
    let long16 = rss(&comment.replace("?>", " encoding=\"UTF-16\"?>"));
    let mut be = vec![0xfe, 0xff];
    be.extend(titled("Titre BE", &long16).encode_utf16().flat_map(u16::to_be_bytes));
    std::fs::write(dir.join("utf16be.rss"), be).unwrap();
    std::fs::write(dir.join("comment.xml"), titled("Titre commenté", &rss(&comment))).unwrap();
    // An NITF file whose doctype (internal subset) does too.
    let entities: String = (0..400).map(|i| format!("<!ENTITY e{i} \"valeur\">\n")).collect();
    let nitf = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE nitf [\n{entities}]>\n<nitf><body><body.head>\
         <hedline><hl1>Titre de la dépêche</hl1></hedline></body.head><body.content>\
         <p>{SENTENCE}</p></body.content></body></nitf>\n"
    );
    assert!(nitf.find("<nitf>").unwrap() > 4096);
    std::fs::write(dir.join("doctype.xml"), nitf).unwrap();

    let (out, output) = translate(&[dir]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let xliffs = written(out.path());
    assert_eq!(xliffs.len(), 4, "one article per file");
    for x in &xliffs {
        // The article's own text, never a raw-markup "article".
        assert!(x.contains(SENTENCE), "{x}");
        assert!(!x.contains("&lt;rss") && !x.contains("&lt;nitf") && !x.contains("ENTITY"), "{x}");
    }
}

#[test]
fn utf32_is_refused_by_name_not_read_as_utf16() {
    let input = tempfile::tempdir().unwrap();
    let feed = rss("<?xml version=\"1.0\" encoding=\"UTF-32\"?>");
    let mut le = vec![0xff, 0xfe, 0, 0];
    le.extend(feed.chars().flat_map(|c| u32::from(c).to_le_bytes()));
    let path = input.path().join("wire32.xml");
    std::fs::write(&path, le).unwrap();
    let mut be = vec![0, 0, 0xfe, 0xff];
    be.extend(feed.chars().flat_map(|c| u32::from(c).to_be_bytes()));
    let txt = input.path().join("wire32.txt");
    std::fs::write(&txt, be).unwrap();

    let (out, output) = translate(&[&path, &txt]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("wire32.xml: the file is UTF-32LE, which depeche does not read"), "{err}");
    assert!(err.contains("wire32.txt: the file is UTF-32BE"), "{err}");
    assert!(written(out.path()).is_empty());
}

/// The real AFP wire of `fixtures/newsml`, rewritten as AFP's other NewsML
/// 1.2 variant delivers it: Format `bcNITF2.5`, and the `<p>` elements bare
/// in DataContent, with no nitf or body wrapper.
#[test]
fn afp_bare_paragraph_variant_gives_its_article() {
    let wire =
        crate::support::fixture("newsml/afp_newsml-1.2_fr_2019-01-21_policiers-frontieres.xml");
    let original = std::fs::read_to_string(&wire).unwrap().replace("\r\n", "\n");
    let variant = original
        .replace("<Format FormalName=\"NITF3.1\"/>", "<Format FormalName=\"bcNITF2.5\"/>")
        .replace("<nitf>\n<body>\n<body.content>\n", "")
        .replace("</body.content>\n</body>\n</nitf>\n", "");
    assert!(!variant.contains("<nitf>") && variant.contains("bcNITF2.5"));
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("afp-bcnitf.xml");
    std::fs::write(&path, &variant).unwrap();

    let (out, output) = translate(&[&path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let xliffs = written(out.path());
    assert_eq!(xliffs.len(), 1);
    // The same article as the wrapped original gives.
    let (reference, _) = translate(&[&wire]);
    let units = |x: &str| x.matches("<trans-unit").count();
    let expected = written(reference.path());
    assert_eq!(units(&xliffs[0]), units(&expected[0]));
    assert!(xliffs[0].contains("Le verdict est attendu le 7 février."));
    assert!(xliffs[0].contains("France: deux ex-policiers aux frontières"));
}

#[test]
fn a_feed_item_with_only_a_title_gives_its_headline() {
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("titres.rss");
    std::fs::write(
        &path,
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Flux</title>\n\
         <item><title>Le Parlement adopte la loi de programmation militaire</title>\
         <link>https://example.org/lpm</link></item>\n</channel></rss>\n",
    )
    .unwrap();
    let (out, output) = translate(&[&path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let xliffs = written(out.path());
    assert_eq!(xliffs.len(), 1);
    assert!(xliffs[0].contains("Le Parlement adopte la loi de programmation militaire"));
    assert_eq!(xliffs[0].matches("<trans-unit").count(), 1, "{}", xliffs[0]);
}

/// An article of the fixtures, copied into `dir`.
fn copy_article(dir: &Path) -> PathBuf {
    let name = "lagazette-2025-10-31-azerbaidjan-royaume-uni.txt";
    let to = dir.join(name);
    std::fs::copy(crate::support::fixture("articles").join(name), &to).unwrap();
    to
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_an_input_folder_is_walked_once() {
    use std::os::unix::fs::symlink;
    use std::time::Duration;
    let input = tempfile::tempdir().unwrap();
    let sub = input.path().join("wires");
    std::fs::create_dir(&sub).unwrap();
    copy_article(&sub);
    // A link back to the top, one to itself, and a second way into `wires`.
    symlink("..", sub.join("up")).unwrap();
    symlink(".", sub.join("again")).unwrap();
    symlink(&sub, input.path().join("same-wires")).unwrap();

    let out = tempfile::tempdir().unwrap();
    depeche()
        .args(["translate", "--no-progress", "--out"])
        .arg(out.path())
        .arg(input.path())
        .timeout(Duration::from_secs(60))
        .assert()
        .success()
        .stdout(predicate::str::contains("articles   1 ok, 0 failed"));
    assert_eq!(written(out.path()).len(), 1);

    // merge walks its folders the same way.
    let xliffs = out.path();
    let nested = xliffs.join("nested");
    std::fs::create_dir(&nested).unwrap();
    symlink("..", nested.join("up")).unwrap();
    symlink(".", xliffs.join("again")).unwrap();
    let merged = tempfile::tempdir().unwrap();
    let assert = depeche()
        .args(["merge", "--no-memory", "--allow-untranslated", "--out"])
        .arg(merged.path())
        .arg(xliffs)
        .timeout(Duration::from_secs(60))
        .assert();
    let output = assert.get_output();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.code().is_some(), "merge did not finish");
    assert!(text.contains("merged     1 article (1 written"), "{text}{}", stderr(output));
}

/// `depth` nested `<div>`s around a paragraph.
fn nested(depth: usize) -> String {
    format!("{}<p>{SENTENCE}</p>{}", "<div>".repeat(depth), "</div>".repeat(depth))
}

#[test]
fn deep_nesting_fails_its_file_alone_and_quickly() {
    use std::time::{Duration, Instant};
    let input = tempfile::tempdir().unwrap();
    let dir = input.path();
    let good = copy_article(dir);
    let deep = 30_000;
    std::fs::write(
        dir.join("deep.html"),
        format!(
            "<!DOCTYPE html><html><head><title>T</title></head><body>{}</body></html>",
            nested(deep)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("deep-xhtml.html"),
        format!(
            "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>T\
             </title></head><body>{}</body></html>",
            nested(deep)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("deep-nitf.xml"),
        format!("<nitf><body><body.content>{}</body.content></body></nitf>", nested(deep)),
    )
    .unwrap();
    let escaped = nested(deep).replace('<', "&lt;").replace('>', "&gt;");
    std::fs::write(dir.join("deep-feed.rss"), rss("").replace(SENTENCE, &escaped)).unwrap();

    let started = Instant::now();
    let out = tempfile::tempdir().unwrap();
    let assert = depeche()
        .args(["translate", "--no-progress", "--out"])
        .arg(out.path())
        .arg(dir)
        .timeout(Duration::from_secs(120))
        .assert()
        .code(1);
    // Linear by construction (one pass over the text, refused at the bound
    // before any tree is built): a generous bound for a debug build on a
    // loaded machine, where the quadratic parse took 9 s for 10,000 levels.
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    let output = assert.get_output();
    let err = stderr(output);
    for (file, bound) in [
        ("deep.html", "nested over 512 deep"),
        ("deep-xhtml.html", "nested over 512 deep"),
        ("deep-nitf.xml", "nested over 256 deep"),
        ("deep-feed.rss", "nested over 512 deep"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(&format!("{}{file}:", dir.display().to_string() + "/"))
                && l.contains(bound)),
            "{file}: {err}"
        );
    }
    // The rest of the batch is written.
    let xliffs = written(out.path());
    assert_eq!(xliffs.len(), 1, "{err}");
    let title = std::fs::read_to_string(&good).unwrap();
    assert!(xliffs[0].contains(title.lines().next().unwrap().trim()));
}

#[test]
fn without_glossaries_the_terms_line_says_so_and_strict_terms_fails() {
    let cwd = tempfile::tempdir().unwrap();
    let article = copy_article(cwd.path());
    let out = cwd.path().join("out");
    let run = |strict: bool| {
        let mut cmd = depeche();
        cmd.current_dir(cwd.path()).args(["translate", "--no-progress", "--out"]).arg(&out);
        if strict {
            cmd.arg("--strict-terms");
        }
        cmd.arg(&article).output().unwrap()
    };
    let plain = run(false);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert!(
        stdout.contains(
            "terms      no glossary loaded (looked in glossaries/); no terminology applied, \
             point at termbases with --glossary"
        ),
        "{stdout}"
    );

    std::fs::remove_dir_all(&out).unwrap();
    let strict = run(true);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    let err = stderr(&strict);
    assert!(
        err.contains("--strict-terms: no glossary loaded (looked in glossaries/)")
            && err.contains("--glossary"),
        "{err}"
    );
    // Refused before anything is written.
    assert!(!out.exists() || xliff_files(&out).is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn runs_into_the_same_folder_keep_each_others_temporaries() {
    let out = tempfile::tempdir().unwrap();
    // The temporary of a run still writing (this test process), and one
    // of a run that was killed (no process has this id).
    let live = out.path().join(format!(".depeche-{}-a1b2c3.tmp", std::process::id()));
    let dead = out.path().join(".depeche-2147483647-d4e5f6.tmp");
    std::fs::write(&live, b"half").unwrap();
    std::fs::write(&dead, b"half").unwrap();
    let input = tempfile::tempdir().unwrap();
    let article = copy_article(input.path());
    depeche()
        .args(["translate", "--no-progress", "--out"])
        .arg(out.path())
        .arg(&article)
        .assert()
        .success();
    assert!(live.exists(), "a live writer's temporary was removed");
    assert!(!dead.exists(), "a dead writer's temporary was left");

    // And two real runs at once, each writing about a hundred files.
    let feeds = crate::support::fixture("feeds");
    let shared = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let spawn = || {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("depeche"))
                .current_dir(crate::support::root())
                .args(["translate", "--no-progress", "--out"])
                .arg(shared.path())
                .arg(&feeds)
                .output()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
        });
        for run in [a, b] {
            // One item of the fixtures is empty: exit 1 for it, and nothing else.
            let err = stderr(&run);
            assert_eq!(run.status.code(), Some(1), "round {round}: {err}");
            assert!(!err.contains("cannot write"), "round {round}: {err}");
            let out = String::from_utf8_lossy(&run.stdout);
            assert!(out.contains(" ok, 1 failed"), "round {round}: {out}");
        }
    }
    let left: Vec<_> = std::fs::read_dir(shared.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn a_file_name_cannot_forge_a_console_line() {
    let input = tempfile::tempdir().unwrap();
    copy_article(input.path());
    let forged = "a\nerror: forged.txt";
    std::fs::write(input.path().join(format!("{forged}\nfailed     b.txt")), b"").unwrap();
    let (_out, output) = translate(&[input.path()]);
    assert_eq!(output.status.code(), Some(1));
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), stderr(&output));
    for line in all.lines() {
        assert!(
            !line.starts_with("error: forged.txt") && !line.starts_with("failed     b.txt"),
            "{all}"
        );
    }
    assert!(all.contains("a\\nerror: forged.txt\\nfailed     b.txt: the file is empty"), "{all}");
}

#[test]
fn zero_nan_and_negative_settings_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let article = copy_article(dir.path());
    for (setting, says) in [
        ("max_attempts = 0", "max_attempts = 0: must be at least 1"),
        ("concurrency = 0", "concurrency = 0: must be at least 1"),
        ("timeout_ms = 0", "timeout_ms = 0: must be at least 1"),
        ("requests_per_second = nan", "requests_per_second = NaN: must be a number above 0"),
        ("requests_per_second = -2.5", "requests_per_second = -2.5: must be a number above 0"),
        ("concurrency = -1", "invalid value: integer `-1`"),
    ] {
        let config = dir.path().join("depeche.toml");
        std::fs::write(&config, format!("[run]\n\n[translate]\n{setting}\n")).unwrap();
        let output = depeche()
            .arg("--config")
            .arg(&config)
            .args(["translate", "--no-progress", "--dry-run"])
            .arg(&article)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{setting}");
        let err = stderr(&output);
        assert!(err.contains(&format!("{}: invalid config", config.display())), "{err}");
        assert!(err.contains("line 4") && err.contains(says), "{setting}: {err}");
    }
}
