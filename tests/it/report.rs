//! `--report json|junit|github|html`: one run writes every format, and the
//! formats agree. The HTML report is loaded in headless Chromium (Debian's
//! `chromium`, installed by `.ci/run`): the counts it shows and the rows a
//! filter leaves are compared with the JSON report, and a screenshot is kept
//! in `target/test-artifacts/` for a person to look at.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::Value;

use crate::support::{depeche, fixture, root};

/// The flags every Chromium run gets: no sandbox (CI runs as root), no GPU,
/// nothing fetched in the background, and a fresh profile.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| ["/usr/bin", "/usr/local/bin", "/bin"].map(|d| Path::new(d).join(name)))
        .find(|path| path.is_file())
}

/// Says why a browser test is skipped; true when it must be.
fn no_chromium() -> bool {
    if chromium().is_some() {
        return false;
    }
    eprintln!(
        "SKIPPED: the HTML report's browser checks need Chromium; install it with \
         `apt-get install -y --no-install-recommends chromium` (.ci/run does)"
    );
    true
}

/// Runs headless Chromium with `args` and a fresh profile; returns stdout.
/// Gives up after 90 s.
fn run_chromium(args: &[String]) -> String {
    use std::io::Read;

    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium().unwrap())
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read while it runs: a large DOM fills the pipe, and Chromium would
    // wait for a reader forever.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            child.kill().unwrap();
            panic!("chromium did not finish in 90 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    String::from_utf8_lossy(&reader.join().unwrap().unwrap()).into_owned()
}

/// The page's DOM after its script ran (filters applied from the address).
fn dom(page: &Path, fragment: &str) -> String {
    let dom = run_chromium(&["--dump-dom".into(), format!("file://{}{fragment}", page.display())]);
    assert!(dom.contains("</html>"), "chromium gave no page for {}: {dom}", page.display());
    dom
}

/// What a loaded page shows.
#[derive(Debug)]
struct Shown {
    /// The counters at the top, by name.
    counts: std::collections::BTreeMap<String, usize>,
    /// Rows of the table left visible by the filter.
    rows: usize,
    /// The page's own count of visible rows (`#shown`).
    shown: usize,
    /// The filter the script applied.
    filter: String,
}

fn shown(dom: &str) -> Shown {
    let counts = Regex::new(r#"class="count" data-count="([a-z-]+)"><b>(\d+)</b>"#)
        .unwrap()
        .captures_iter(dom)
        .map(|c| (c[1].to_string(), c[2].parse().unwrap()))
        .collect();
    let body = dom.split("<tbody id=\"rows\">").nth(1).unwrap().split("</tbody>").next().unwrap();
    let rows = Regex::new(r"<tr[^>]*>").unwrap();
    let visible = rows.find_iter(body).filter(|m| !m.as_str().contains(" hidden")).count();
    let shown =
        Regex::new(r#"id="shown">(\d+)<"#).unwrap().captures(dom).unwrap()[1].parse().unwrap();
    let filter =
        Regex::new(r#"<body[^>]*data-filter="([^"]*)""#).unwrap().captures(dom).unwrap()[1].into();
    Shown { counts, rows: visible, shown, filter }
}

/// Where tests keep files for people to look at after a run.
fn artifacts() -> PathBuf {
    let dir = root().join("target").join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, read as text.
fn all_text(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_text(&path));
        } else {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

/// Validates `file` with xmllint against a schema in `schemas/junit/`.
fn xmllint(schema: &str, file: &Path) {
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(root().join("schemas/junit").join(schema))
        .arg(file)
        .output()
        .expect("xmllint: install it with `apt-get install -y libxml2-utils`");
    assert!(
        out.status.success(),
        "{} is not valid against {schema}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_run_writes_every_format_and_they_agree() {
    let server = crate::support::echo_libretranslate(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Credentials (a password in the endpoint, a recognisable fake key)
    // must reach no report.
    let endpoint = server.uri().replace("http://", "http://reporter:hunter2@");
    let out = depeche()
        .env("LIBRETRANSLATE_API_KEY", "SECRET42-fake-key")
        .args(["translate", "fixtures/articles", "--no-progress", "--no-memory"])
        .args(["--provider", "libretranslate", "--endpoint", &endpoint, "--out"])
        .arg(d.join("out"))
        .arg("--report")
        .arg(format!("json={}", d.join("report.json").display()))
        .arg("--report")
        .arg(format!("junit={}", d.join("junit.xml").display()))
        .arg("--report")
        .arg(format!("github={}", d.join("annotations.txt").display()))
        .arg("--report")
        .arg(format!("html={}", d.join("html").display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("report     json "), "{stdout}");
    assert!(!stdout.contains("hunter2") && !stdout.contains("SECRET42"), "{stdout}");

    // JSON: the schema's fixed fields and totals that add up.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "depeche-report");
    assert_eq!(json["version"], 1);
    assert_eq!(json["command"], "translate");
    let articles = json["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 7);
    let totals = &json["totals"];
    let sum = |f: &dyn Fn(&Value) -> u64| articles.iter().map(f).sum::<u64>();
    assert_eq!(totals["segments"].as_u64(), Some(sum(&|a| a["segments"].as_u64().unwrap())));
    assert_eq!(totals["mt_segments"], totals["segments"], "every segment went to the engine");
    let findings: Vec<&Value> =
        articles.iter().flat_map(|a| a["findings"].as_array().unwrap()).collect();
    assert!(findings.len() >= 3, "the echo engine leaves French numbers and terms: {findings:?}");
    for f in &findings {
        for field in ["check", "severity", "unit", "message", "line"] {
            assert!(!f[field].is_null(), "finding without {field}: {f}");
        }
    }
    let by_check = |check: &str, severity: &str| {
        findings.iter().filter(|f| f["check"] == check && f["severity"] == severity).count() as u64
    };
    for (check, counts) in totals["qa"].as_object().unwrap() {
        assert_eq!(counts["error"].as_u64(), Some(by_check(check, "error")), "{check}");
        assert_eq!(counts["warning"].as_u64(), Some(by_check(check, "warning")), "{check}");
    }
    // The summary's qa line gives the same findings per check and severity.
    let qa = stdout.lines().find(|l| l.starts_with("qa         ")).unwrap();
    for (check, counts) in totals["qa"].as_object().unwrap() {
        let mut want = Vec::new();
        for severity in ["error", "warning"] {
            match counts[severity].as_u64().unwrap() {
                0 => {}
                1 => want.push(format!("1 {severity}")),
                n => want.push(format!("{n} {severity}s")),
            }
        }
        assert!(qa.contains(&format!("{check}: {}", want.join(", "))), "{qa}");
    }
    assert!(json["provider"]["requests"].as_u64().unwrap() > 0);
    assert!(json["settings"]["provider"].as_str().unwrap().contains("***@"));
    for a in articles {
        assert!(Path::new(a["file"].as_str().unwrap()).is_file(), "{}", a["file"]);
        let hits = a["term_hits"].as_array().unwrap().len() as u64;
        let found: u64 =
            a["terms"].as_object().unwrap().values().map(|c| c["found"].as_u64().unwrap()).sum();
        assert_eq!(hits, found, "{}", a["id"]);
    }

    // No report (nor XLIFF file) holds a credential, and the HTML fetches
    // nothing.
    for (path, text) in all_text(d) {
        assert!(!text.contains("hunter2"), "{} holds the password", path.display());
        assert!(!text.contains("SECRET42"), "{} holds the key", path.display());
        if path.extension().is_some_and(|e| e == "html" || e == "css" || e == "js") {
            for remote in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "url(", "@import"]
            {
                assert!(!text.contains(remote), "{} loads {remote}", path.display());
            }
        }
    }

    // JUnit: valid against both schemas, one test case per article, failed
    // exactly where the JSON has QA errors.
    let junit = d.join("junit.xml");
    xmllint("ant-junit.xsd", &junit);
    xmllint("jenkins-junit-10.xsd", &junit);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let failing = articles
        .iter()
        .filter(|a| a["findings"].as_array().unwrap().iter().any(|f| f["severity"] == "error"))
        .count();
    assert!(failing > 0);
    assert_eq!(xml.matches("<testcase ").count(), articles.len());
    assert_eq!(xml.matches("<failure ").count(), failing);
    assert!(xml.contains(&format!("failures=\"{failing}\"")), "{xml}");

    // GitHub: one annotation per finding, on a line of the source file.
    let annotations = std::fs::read_to_string(d.join("annotations.txt")).unwrap();
    let line = Regex::new(r"^::(error|warning) file=([^,]+),line=(\d+),title=[^:]+::.+$").unwrap();
    assert_eq!(annotations.lines().count(), findings.len(), "{annotations}");
    for l in annotations.lines() {
        let c = line.captures(l).unwrap_or_else(|| panic!("not an annotation: {l}"));
        let source = std::fs::read_to_string(root().join(&c[2])).unwrap();
        let n: usize = c[3].parse().unwrap();
        assert!(n >= 1 && n <= source.lines().count(), "{l}");
    }
    // The annotated line holds the start of the flagged sentence.
    let numbers = findings.iter().find(|f| f["check"] == "numbers").unwrap();
    let article =
        articles.iter().find(|a| a["findings"].as_array().unwrap().contains(numbers)).unwrap();
    let source = std::fs::read_to_string(root().join(article["origin"].as_str().unwrap())).unwrap();
    let flagged_line = source.lines().nth(numbers["line"].as_u64().unwrap() as usize - 1).unwrap();
    let xliff = std::fs::read_to_string(article["file"].as_str().unwrap()).unwrap();
    let unit = format!("<trans-unit id=\"{}\"", numbers["unit"].as_str().unwrap());
    let sentence = xliff.split(&unit).nth(1).unwrap().split("<source>").nth(1).unwrap();
    let first_words: Vec<&str> = sentence.split_whitespace().take(3).collect();
    assert!(flagged_line.contains(&first_words.join(" ")), "{first_words:?} in {flagged_line}");

    if no_chromium() {
        return;
    }
    // HTML: the index shows the JSON's counts, and filters leave the rows
    // the JSON counts.
    let index = d.join("html/index.html");
    let all = shown(&dom(&index, ""));
    assert_eq!(all.counts["articles"], articles.len());
    assert_eq!(all.counts["segments"] as u64, totals["segments"].as_u64().unwrap());
    assert_eq!(all.counts["flagged-articles"] as u64, totals["flagged_articles"].as_u64().unwrap());
    assert_eq!(all.counts["flagged-segments"] as u64, totals["flagged_segments"].as_u64().unwrap());
    assert_eq!(all.counts["mt-segments"] as u64, totals["mt_segments"].as_u64().unwrap());
    let errors: u64 =
        totals["qa"].as_object().unwrap().values().map(|c| c["error"].as_u64().unwrap()).sum();
    assert_eq!(all.counts["errors"] as u64, errors);
    assert_eq!((all.rows, all.shown, all.filter.as_str()), (articles.len(), articles.len(), "all"));

    let flagged = shown(&dom(&index, "#filter=flagged"));
    let want = totals["flagged_articles"].as_u64().unwrap() as usize;
    assert!(want > 0 && want < articles.len(), "a filter that changes nothing proves nothing");
    assert_eq!((flagged.rows, flagged.shown, flagged.filter.as_str()), (want, want, "flagged"));

    let with_numbers = articles
        .iter()
        .filter(|a| a["findings"].as_array().unwrap().iter().any(|f| f["check"] == "numbers"))
        .count();
    let numbers_rows = shown(&dom(&index, "#filter=check:numbers"));
    assert_eq!((numbers_rows.rows, numbers_rows.shown), (with_numbers, with_numbers));

    // The article with the most findings: its page shows its counts, and
    // the flagged filter leaves its flagged sentences.
    let worst = articles.iter().max_by_key(|a| a["findings"].as_array().unwrap().len()).unwrap();
    let page = d.join("html/articles").join(format!(
        "{}.{}.html",
        worst["id"].as_str().unwrap(),
        worst["target"].as_str().unwrap()
    ));
    let whole = shown(&dom(&page, ""));
    assert_eq!(whole.counts["segments"] as u64, worst["segments"].as_u64().unwrap());
    assert_eq!(whole.rows as u64, worst["segments"].as_u64().unwrap());
    let units: BTreeSet<&str> =
        worst["findings"].as_array().unwrap().iter().map(|f| f["unit"].as_str().unwrap()).collect();
    assert_eq!(whole.counts["flagged-segments"], units.len());
    let flagged = shown(&dom(&page, "#filter=flagged"));
    assert_eq!((flagged.rows, flagged.shown), (units.len(), units.len()));
    let page_dom = dom(&page, "");
    // Glossary hits are marked with their expected term on hover, in both columns.
    let hit = &worst["term_hits"].as_array().unwrap()[0];
    let expected = hit["expected"].as_str().unwrap();
    assert!(page_dom.contains(&format!("expected: {expected}")), "no hover for {expected}");
    assert!(page_dom.contains("machine translation · libretranslate"));

    // A screenshot of the index and of the flagged sentences, for people.
    let shots = artifacts();
    for (name, page, fragment) in
        [("report-index.png", &index, ""), ("report-article.png", &page, "#filter=flagged")]
    {
        let png = shots.join(name);
        let _ = std::fs::remove_file(&png);
        run_chromium(&[
            "--window-size=1280,1000".into(),
            format!("--screenshot={}", png.display()),
            format!("file://{}{fragment}", page.display()),
        ]);
        let bytes = std::fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000, "{}", png.display());
    }
}

#[test]
fn check_reports_pass_on_the_fixtures_and_name_drift() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = depeche()
        .args(["check", "fixtures", "--report"])
        .arg(format!("json={}", d.join("check.json").display()))
        .arg("--report")
        .arg(format!("junit={}", d.join("check.xml").display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("check.json")).unwrap()).unwrap();
    assert_eq!(json["command"], "check");
    assert_eq!(json["passed"], true);
    let files = json["check"]["files"].as_u64().unwrap();
    assert_eq!(json["check"]["ok"].as_u64(), Some(files));
    assert_eq!(json["articles"].as_array().unwrap().len() as u64, files);
    for a in json["articles"].as_array().unwrap() {
        assert_eq!(a["check"]["drift"], "same", "{a}");
        assert!(!a["file"].as_str().unwrap().contains('/'), "check files are named, not pathed");
    }
    xmllint("ant-junit.xsd", &d.join("check.xml"));
    xmllint("jenkins-junit-10.xsd", &d.join("check.xml"));
    let xml = std::fs::read_to_string(d.join("check.xml")).unwrap();
    assert!(xml.contains("failures=\"0\""), "{xml}");

    // A golden file that differs: the check fails, and every format says where.
    let fixtures = d.join("fixtures");
    std::fs::create_dir_all(fixtures.join("golden")).unwrap();
    let golden = fixture("golden");
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(&golden).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in &names {
        std::fs::copy(path, fixtures.join("golden").join(path.file_name().unwrap())).unwrap();
    }
    let changed = names.iter().find(|p| p.extension().is_some_and(|e| e == "xlf")).unwrap();
    let name = changed.file_name().unwrap().to_str().unwrap().to_string();
    let text = std::fs::read_to_string(changed).unwrap();
    let edited = text.replacen("<source>", "<source>Changé ", 1);
    assert_ne!(text, edited);
    std::fs::write(fixtures.join("golden").join(&name), edited).unwrap();
    let out = depeche()
        .args(["check", "fixtures", "--golden"])
        .arg(fixtures.join("golden"))
        .args(["--report", "github"])
        .arg("--report")
        .arg(format!("junit={}", d.join("drift.xml").display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let drift: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(drift.len(), 1, "{stdout}");
    assert!(
        drift[0].contains(&name) && drift[0].contains("file=fixtures/articles/"),
        "{}",
        drift[0]
    );
    xmllint("ant-junit.xsd", &d.join("drift.xml"));
    let xml = std::fs::read_to_string(d.join("drift.xml")).unwrap();
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(xml.contains("drift from the golden file (changed)"), "{xml}");
}

#[test]
fn a_large_run_pages_its_index_and_the_pages_keep_the_filter() {
    // See: #12 (the index of 5,000 articles must load at once and stay under 1 MB)
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 1,001 articles: the fixtures again and again, each with one paragraph
    // of its own so that ids and files differ.
    let articles = d.join("articles");
    std::fs::create_dir(&articles).unwrap();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(fixture("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    fixtures.sort();
    let texts: Vec<Vec<u8>> = fixtures.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for i in 0..1_001 {
        let mut text = texts[i % texts.len()].clone();
        text.extend_from_slice(format!("\n\nMise a jour numero {i}.\n").as_bytes());
        std::fs::write(articles.join(format!("{i:04}.txt")), text).unwrap();
    }
    let html = d.join("html");
    // A page left by an earlier, larger run into the same folder goes.
    std::fs::create_dir(&html).unwrap();
    std::fs::write(html.join("index-3.html"), "stale").unwrap();
    let out = depeche()
        .arg("translate")
        .arg(&articles)
        .args(["--provider", "none", "--no-memory", "-q", "--out"])
        .arg(d.join("out"))
        .arg("--report")
        .arg(format!("html={}", html.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let index = html.join("index.html");
    let second = html.join("index-2.html");
    assert!(second.is_file() && !html.join("index-3.html").exists());
    for page in [&index, &second] {
        let bytes = std::fs::metadata(page).unwrap().len();
        assert!(bytes < 1_000_000, "{}: {bytes} bytes", page.display());
    }
    let first = std::fs::read_to_string(&index).unwrap();
    assert!(first.contains("<b id=\"shown\">1000</b> of 1000 shown on this page"));
    assert!(first.contains("data-count=\"articles\"><b>1001</b>"), "the whole run's counts");

    if no_chromium() {
        return;
    }
    let page = shown(&dom(&second, ""));
    assert_eq!((page.rows, page.shown, page.counts["articles"]), (1, 1, 1_001));
    // A filter applies to the page, says how many rows match on all pages,
    // and the links to the other pages keep it.
    let page_dom = dom(&index, "#filter=check:numbers");
    let filtered = shown(&page_dom);
    assert_eq!((filtered.rows, filtered.shown, filtered.filter.as_str()), (0, 0, "check:numbers"));
    assert!(page_dom.contains("<b id=\"total\">0</b>"), "no target, no finding");
    assert!(
        page_dom.contains("href=\"index-2.html#filter=check:numbers\""),
        "links keep the filter"
    );
    let all = dom(&index, "");
    assert!(all.contains("<b id=\"total\">1001</b>") && all.contains("href=\"index-2.html\""));
}

/// The `depeche check` command of the README's GitHub Actions workflow:
/// its arguments after `cargo run ... --`.
fn readme_workflow_check() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("\n## CI: a GitHub Actions workflow\n").nth(1).unwrap();
    let workflow = section.split("```yaml\n").nth(1).unwrap().split("```").next().unwrap();
    let step = workflow.split("- name: depeche check\n").nth(1).unwrap();
    // The folded `run: >-` block: its more indented lines, joined.
    let mut lines = step.lines();
    assert_eq!(lines.next().map(str::trim), Some("run: >-"), "{step}");
    let command: Vec<&str> = lines.take_while(|l| l.starts_with("          ")).collect();
    let command = command.join(" ");
    let (cargo, args) = command.split_once(" -- ").unwrap();
    assert!(cargo.trim().starts_with("cargo run"), "{command}");
    args.split_whitespace().map(String::from).collect()
}

#[test]
fn the_readme_workflow_check_passes_on_the_fixtures_and_writes_its_reports() {
    let args = readme_workflow_check();
    assert_eq!(args[..2], ["check", "fixtures"]);
    // Run where the workflow runs, a checkout, but in a scratch folder so
    // that the reports land there.
    let dir = tempfile::tempdir().unwrap();
    for name in ["fixtures", "glossaries", "tests"] {
        std::os::unix::fs::symlink(root().join(name), dir.path().join(name)).unwrap();
    }
    let out = depeche().current_dir(dir.path()).args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("result     7 files: 7 ok"), "{stdout}");
    assert!(!stdout.contains("::error"), "{stdout}");
    let reports = dir.path().join("reports");
    xmllint("ant-junit.xsd", &reports.join("depeche-junit.xml"));
    xmllint("jenkins-junit-10.xsd", &reports.join("depeche-junit.xml"));
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(reports.join("depeche-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!((json["command"].as_str(), json["passed"].as_bool()), (Some("check"), Some(true)));
    assert!(reports.join("html/index.html").is_file());
    assert_eq!(std::fs::read_dir(reports.join("html/articles")).unwrap().count(), 7);
}

#[test]
fn report_flags_are_checked() {
    let out =
        depeche().args(["translate", "fixtures/articles", "--report", "jsno"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean json?"));
    let out = depeche()
        .args(["translate", "fixtures/articles", "--report", "json=-", "--report", "junit=-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only one report can go to stdout"));
}

#[test]
fn a_json_report_on_stdout_is_the_only_thing_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = depeche()
        .args(["translate", "fixtures/articles", "--no-progress", "--report", "json=-", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["totals"]["articles_ok"], 7);
    assert!(String::from_utf8_lossy(&out.stderr).contains("articles   7 ok"), "summary on stderr");
}

/// Runs a LibreTranslate translation of the fixtures against `endpoint`
/// with fast retries and no term repairs (whose requests depend on which
/// article comes first); returns (exit code, summary, JSON report).
fn translate_against(endpoint: &str, max_attempts: u32) -> (Option<i32>, String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("depeche.toml");
    std::fs::write(
        &config,
        format!(
            "[translate]\nmax_attempts = {max_attempts}\nbackoff_initial_ms = 1\n\
             backoff_max_ms = 5\ntimeout_ms = 5000\n"
        ),
    )
    .unwrap();
    let json = dir.path().join("report.json");
    let out = depeche()
        .args(["translate", "fixtures/articles", "--no-progress", "--no-memory", "--terms", "off"])
        .arg("--config")
        .arg(&config)
        .args(["--provider", "libretranslate", "--endpoint", endpoint, "--out"])
        .arg(dir.path().join("out"))
        .arg("--report")
        .arg(format!("json={}", json.display()))
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (out.status.code(), summary, report)
}

/// The `translate` line of a summary.
fn translate_line(summary: &str) -> &str {
    summary.lines().find(|l| l.starts_with("translate  ")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn only_characters_the_provider_accepted_count_as_sent() {
    // See: #12 (with the endpoint down the summary said "6365 characters sent")
    let server = crate::support::echo_libretranslate(Duration::ZERO).await;
    let (code, summary, all) = translate_against(&server.uri(), 5);
    assert_eq!(code, Some(0), "{summary}");
    let provider = &all["provider"];
    let chars = provider["chars_sent"].as_u64().unwrap();
    let requests = provider["requests"].as_u64().unwrap();
    assert!(chars > 0 && requests > 0, "{provider}");
    assert_eq!(provider["failed_requests"], 0);
    assert!(
        translate_line(&summary).contains(&format!("{requests} requests, {chars} characters sent")),
        "{summary}"
    );

    // The server refuses the first request (503), then answers: the refused
    // attempt is a request, and a failed one, but its text is counted once,
    // when the retry is accepted.
    let server = crate::support::echo_libretranslate(Duration::ZERO).await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let (code, summary, refused_once) = translate_against(&server.uri(), 5);
    assert_eq!(code, Some(0), "{summary}");
    let p = &refused_once["provider"];
    assert_eq!(p["chars_sent"].as_u64(), Some(chars), "{p}");
    // Requests are filled across articles, so their number depends on
    // timing; the refused one is counted among them.
    assert!(p["requests"].as_u64().is_some_and(|n| n >= 2), "{p}");
    assert_eq!(p["failed_requests"], 1, "{p}");
    assert_eq!(p["per_provider"]["libretranslate"]["chars"].as_u64(), Some(chars), "{p}");
    assert!(translate_line(&summary).contains("requests (1 failed)"), "{summary}");

    // The endpoint is down: every request fails and nothing counts as sent.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", down.local_addr().unwrap());
    drop(down);
    let (_, summary, none) = translate_against(&endpoint, 1);
    let p = &none["provider"];
    assert_eq!(p["chars_sent"], 0, "{p}");
    assert_eq!(p["segments_sent"], 0, "{p}");
    assert_eq!(p["translated"], 0, "{p}");
    let tried = p["requests"].as_u64().unwrap();
    assert!(tried > 0, "{p}");
    assert_eq!(p["failed_requests"].as_u64(), Some(tried), "{p}");
    let line = translate_line(&summary);
    assert!(
        line.contains(&format!("{tried} requests ({tried} failed), 0 characters sent")),
        "{line}"
    );
    assert!(summary.contains("could not be reached"), "{summary}");
}
