//! Bounds on input size, through the binary: feeds, NewsML and JSON Lines
//! larger than one article are read item by item, an item over the limit
//! fails alone with its file and line, and the same article under two
//! names is written once, under the first.
// See: #15

use std::path::{Path, PathBuf};

use crate::support::{depeche, validate_xliff, xliff_files};

/// The limit the tests run under, far below the files they read.
const LIMIT: &str = "4096";

/// A paragraph of `n` distinct sentences.
fn text(tag: &str, n: usize) -> String {
    (0..n).map(|i| format!("Le ministre {tag} a parlé {i} fois devant les députés. ")).collect()
}

/// Runs `translate --provider none` with the small limit on `inputs`.
fn translate(inputs: &[&Path]) -> (tempfile::TempDir, std::process::Output) {
    let out = tempfile::tempdir().unwrap();
    let output = depeche()
        .args(["translate", "--no-progress", "--provider", "none", "--no-memory"])
        .args(["--max-article-bytes", LIMIT, "--out"])
        .arg(out.path())
        .args(inputs)
        .output()
        .unwrap();
    (out, output)
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The XLIFF files written, validated.
fn written(dir: &Path) -> Vec<PathBuf> {
    let files = xliff_files(dir);
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if !refs.is_empty() {
        validate_xliff(&refs);
    }
    files
}

/// `n` RSS items of about 600 bytes, the third one `big` sentences long.
fn feed(n: usize, big: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Flux</title><language>fr</language>\n",
    );
    for i in 1..=n {
        let body = if i == 3 { text(&format!("n{i}"), big) } else { text(&format!("n{i}"), 5) };
        s.push_str(&format!(
            "<item>\n<title>Titre {i}</title>\n<link>https://example.org/{i}</link>\n\
             <description>{body}</description>\n</item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

#[test]
fn a_feed_larger_than_one_article_is_read_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wire.xml");
    std::fs::write(&path, feed(40, 200)).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 2 * 4096, "the feed is over the limit");
    let (out, output) = translate(&[&path]);
    let err = stderr(&output);
    // The third item starts on line 13 (2 header lines, then 5 per item).
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("wire.xml:13: item 3 is "), "{err}");
    assert!(err.contains("over the 4096 bytes limit for one article"), "{err}");
    assert_eq!(written(out.path()).len(), 39, "{err}");
}

#[test]
fn a_json_lines_file_larger_than_one_article_is_read_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.jsonl");
    let mut lines = String::new();
    for i in 1..=30 {
        let n = if i == 7 { 200 } else { 4 };
        let body = text(&format!("j{i}"), n);
        lines.push_str(&format!("{{\"title\": \"Titre {i}\", \"body\": \"{body}\"}}\n"));
        if i == 12 {
            lines.push_str("not json\n");
        }
    }
    std::fs::write(&path, lines).unwrap();
    let (out, output) = translate(&[&path]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("export.jsonl:7: item 7 is "), "{err}");
    assert!(err.contains("export.jsonl:13: not a JSON article object"), "{err}");
    assert_eq!(written(out.path()).len(), 29, "{err}");
}

#[test]
fn a_newsml_message_larger_than_one_article_is_read_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agence.xml");
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\">\n<itemSet>\n",
    );
    for i in 1..=20 {
        let n = if i == 4 { 200 } else { 4 };
        let body = text(&format!("g{i}"), n);
        xml.push_str(&format!(
            "<newsItem guid=\"urn:g{i}\" xml:lang=\"fr\">\n<contentMeta><headline>Titre {i}\
             </headline></contentMeta>\n<contentSet><inlineXML contenttype=\"application/xhtml+xml\">\
             <html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>{body}</p></body></html>\
             </inlineXML></contentSet>\n</newsItem>\n"
        ));
    }
    xml.push_str("</itemSet>\n</newsMessage>\n");
    std::fs::write(&path, xml).unwrap();
    let (out, output) = translate(&[&path]);
    let err = stderr(&output);
    // Items take 4 lines each after 3 of header: the fourth starts on 16.
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("agence.xml:16: item 4 is "), "{err}");
    assert_eq!(written(out.path()).len(), 19, "{err}");
}

#[test]
fn a_page_larger_than_one_article_is_still_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, text("t", 200)).unwrap();
    let (out, output) = translate(&[&path]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("over the 4096 bytes limit for one article"), "{err}");
    assert!(written(out.path()).is_empty());
}

#[test]
fn the_same_article_under_two_names_is_written_once_under_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let article = format!("Le titre du jour\n\n{}\n", text("d", 3));
    // Created in the other order than they are walked.
    for name in ["zulu.txt", "mike.txt", "alpha.txt"] {
        std::fs::write(dir.path().join(name), &article).unwrap();
    }
    for _ in 0..3 {
        let (out, output) = translate(&[dir.path()]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{err}");
        let files = written(out.path());
        assert_eq!(files.len(), 1, "{err}");
        let xliff = std::fs::read_to_string(&files[0]).unwrap();
        assert!(xliff.contains("alpha.txt"), "the first name in walk order: {xliff}");
        assert!(!xliff.contains("zulu.txt") && !xliff.contains("mike.txt"));
        assert!(err.contains("mike.txt: the same article as "), "{err}");
        let summary = String::from_utf8_lossy(&output.stdout);
        assert!(summary.contains("articles   1 ok, 0 failed"), "{summary}");
        assert!(summary.contains("duplicates 2 "), "{summary}");
        assert!(summary.contains("xliff      1 files"), "{summary}");
    }
}

#[test]
fn an_article_of_more_paragraphs_than_any_news_article_fails_alone() {
    // 1.6 MB of one-word lines: each would cost a few hundred bytes of
    // bookkeeping, so the article fails before it is segmented.
    let dir = tempfile::tempdir().unwrap();
    let limit = depeche::ingest::MAX_PARAGRAPHS;
    let lines = "Oui.\n\n".repeat(limit + 1);
    let many = dir.path().join("many.txt");
    std::fs::write(&many, format!("Titre\n\n{lines}")).unwrap();
    let fine = dir.path().join("fine.txt");
    std::fs::write(&fine, format!("Titre\n\n{}", text("f", 3))).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = depeche()
        .args(["translate", "--no-progress", "--provider", "none", "--no-memory", "--out"])
        .arg(out.path())
        .args([&many, &fine])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("many.txt: the article has over {limit} paragraphs")), "{err}");
    assert_eq!(written(out.path()).len(), 1, "{err}");
    assert!(!err.contains("fine.txt"), "{err}");
}

#[test]
fn offline_workers_keep_the_first_name_and_every_item_of_a_large_feed() {
    // Files are read by several workers at once, and a feed's items are
    // spread over all of them: copies of an article side by side in the
    // walk, a long feed among them and two targets must still give each
    // article once per target, under the first name it was read under.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..24 {
        let article = format!("Dépêche {i}\n\n{}\n", text(&format!("a{i}"), 3));
        std::fs::write(dir.path().join(format!("a{i:02}.txt")), &article).unwrap();
        if i % 3 == 0 {
            std::fs::write(dir.path().join(format!("a{i:02}b.txt")), &article).unwrap();
        }
    }
    std::fs::write(dir.path().join("m-flux.xml"), feed(60, 5)).unwrap();
    for _ in 0..3 {
        let out = tempfile::tempdir().unwrap();
        let output = depeche()
            .args(["translate", "--no-progress", "--provider", "none", "--no-memory"])
            .args(["--to", "en-GB,de-DE", "--out"])
            .arg(out.path())
            .arg(dir.path())
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{err}");
        let files = xliff_files(out.path());
        assert_eq!(files.len(), 2 * (24 + 60), "{err}");
        for i in (0..24).step_by(3) {
            assert!(err.contains(&format!("a{i:02}b.txt: the same article as ")), "{err}");
            let first = format!("a{i:02}.txt");
            let written: Vec<&PathBuf> = files
                .iter()
                .filter(|f| std::fs::read_to_string(f).unwrap().contains(&format!("Dépêche {i}<")))
                .collect();
            assert_eq!(written.len(), 2, "{i}: {written:?}");
            for f in written {
                let xliff = std::fs::read_to_string(f).unwrap();
                assert!(xliff.contains(&first), "the first name: {xliff}");
                assert!(!xliff.contains(&format!("a{i:02}b.txt")), "{xliff}");
            }
        }
        let summary = String::from_utf8_lossy(&output.stdout);
        assert!(summary.contains("articles   84 ok, 0 failed"), "{summary}");
        assert!(summary.contains("duplicates 8 "), "{summary}");
    }
}

/// Asks the run to stop after its fifth outcome, as Ctrl-C does.
struct StopAfterFive {
    cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    seen: usize,
}

impl depeche::pipeline::Observer for StopAfterFive {
    fn outcome(&mut self, _outcome: &depeche::pipeline::Outcome) {
        self.seen += 1;
        if self.seen == 5 {
            self.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_offline_run_finishes_what_it_started_and_counts_the_rest() {
    use depeche::job::{self, TranslateSettings};
    use depeche::translate::Overrides;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let article = format!("Dépêche {i}\n\n{}\n", text(&format!("c{i}"), 4));
        std::fs::write(dir.path().join(format!("c{i:03}.txt")), article).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let settings = TranslateSettings::new([dir.path()])
        .with_out_dir(out.path())
        .with_overrides(Overrides { provider: Some("none".into()), endpoint: None })
        .with_cancel(std::sync::Arc::clone(&cancel));
    let mut observer = StopAfterFive { cancel, seen: 0 };
    let run = job::translate(settings, &mut observer).await.unwrap().run;
    // Every file started is finished and written whole; the others are
    // counted, so the same command can be run again.
    assert!(run.not_started > 0, "{run:?}");
    assert_eq!(run.failed, 0, "{:?}", run.failures);
    assert_eq!(run.articles_ok + run.not_started, 300, "{run:?}");
    assert_eq!(written(out.path()).len(), run.articles_ok);
    assert_eq!(observer.seen, run.articles_ok);
}
