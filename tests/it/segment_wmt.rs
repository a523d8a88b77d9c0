//! Sentence boundaries against the human segmentation of WMT news test sets.
//!
//! Each WMT `<seg>` is one sentence as split by the test-set makers. Runs of
//! consecutive segments are joined with single spaces, segmented, and the
//! boundaries found are compared with the boundaries between the segments.
//!
//! Runs: one per `<p>`, `<h1>` or `<hl>` block (2009–2013, newsdiscuss).
//! newstest2014 has bare `<seg>` lines under `<doc>`, so a whole document is
//! one run; its headlines and bylines are left out, recognised as segments
//! that do not end with `. ! ? …` (closing quotes and brackets aside), since
//! in running text they would be paragraphs of their own.
//!
//! The bench `segment_wmt` reuses this module (`#[path]`) to print the table.

#![allow(
    clippy::unwrap_used,
    clippy::string_slice,
    clippy::indexing_slicing,
    reason = "test code: a missing fixture should stop the run"
)]

use std::path::{Path, PathBuf};

use depeche::segment::Segmenter;

/// Overall F1 the French rules must reach on the WMT fixtures.
const MIN_F1: f64 = 0.98;
/// Floor for precision and for recall, each.
const MIN_P_R: f64 = 0.97;

/// Segments joined into one text, with the offsets where a segment begins.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) text: String,
    /// Byte offsets in `text` of every segment but the first.
    pub(crate) boundaries: Vec<usize>,
}

/// Boundary counts, summed over runs.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Score {
    pub(crate) true_pos: usize,
    pub(crate) found: usize,
    pub(crate) expected: usize,
}

impl Score {
    pub(crate) fn add(&mut self, other: Score) {
        self.true_pos += other.true_pos;
        self.found += other.found;
        self.expected += other.expected;
    }

    pub(crate) fn precision(&self) -> f64 {
        ratio(self.true_pos, self.found)
    }

    pub(crate) fn recall(&self) -> f64 {
        ratio(self.true_pos, self.expected)
    }

    pub(crate) fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 { 1.0 } else { num as f64 / den as f64 }
}

pub(crate) fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("wmt")
}

/// The French source files, sorted by name.
pub(crate) fn source_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-src.fr.sgm"))
        .collect();
    files.sort();
    files
}

/// Reads the runs of one `.sgm` file. The files are SGML (raw `&` occurs),
/// with one tag or one `<seg>` per line, so they are read line by line.
pub(crate) fn read_runs(sgm: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut segs: Vec<String> = Vec::new();
    let mut in_block = false;
    for line in sgm.lines().map(str::trim) {
        if let Some(seg) = seg_text(line) {
            // A bare segment (no enclosing block) that does not end a
            // sentence is a headline or byline: not part of the running text.
            if in_block || ends_sentence(&seg) {
                segs.push(seg);
            }
        } else if line.starts_with("<p") || line.starts_with("<h1") || line.starts_with("<hl") {
            runs.extend(join(&mut segs));
            in_block = true;
        } else if ["</p", "</h1", "</hl", "<doc", "</doc"].iter().any(|t| line.starts_with(t)) {
            runs.extend(join(&mut segs));
            in_block = false;
        }
    }
    runs.extend(join(&mut segs));
    runs
}

/// The text of a `<seg id="…">…</seg>` line, as the normaliser would give it:
/// trimmed, entities decoded, runs of spaces collapsed.
fn seg_text(line: &str) -> Option<String> {
    let rest = line.strip_prefix("<seg")?;
    let body = rest.split_once('>')?.1.strip_suffix("</seg>")?;
    let decoded = body
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let collapsed = decoded.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    Some(collapsed)
}

fn ends_sentence(seg: &str) -> bool {
    seg.trim_end_matches(|c: char| c.is_whitespace() || "»\"”)]'’".contains(c))
        .ends_with(['.', '!', '?', '…'])
}

fn join(segs: &mut Vec<String>) -> Option<Run> {
    if segs.is_empty() {
        return None;
    }
    let mut text = String::new();
    let mut boundaries = Vec::new();
    for seg in segs.drain(..) {
        if !text.is_empty() {
            text.push(' ');
            boundaries.push(text.len());
        }
        text.push_str(&seg);
    }
    Some(Run { text, boundaries })
}

/// Offsets where the segmenter starts a new sentence in `text`.
pub(crate) fn found_boundaries(segmenter: &Segmenter, text: &str) -> Vec<usize> {
    let base = text.as_ptr() as usize;
    segmenter.split(text).iter().skip(1).map(|s| s.as_ptr() as usize - base).collect()
}

pub(crate) fn score_run(segmenter: &Segmenter, run: &Run) -> Score {
    let found = found_boundaries(segmenter, &run.text);
    let true_pos = found.iter().filter(|b| run.boundaries.contains(b)).count();
    Score { true_pos, found: found.len(), expected: run.boundaries.len() }
}

/// Per-file scores (file name, score) and the total.
pub(crate) fn evaluate(segmenter: &Segmenter) -> (Vec<(String, Score)>, Score) {
    let mut per_file = Vec::new();
    let mut total = Score::default();
    for path in source_files() {
        let sgm = std::fs::read_to_string(&path).unwrap();
        let mut score = Score::default();
        for run in read_runs(&sgm) {
            score.add(score_run(segmenter, &run));
        }
        total.add(score);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        per_file.push((name, score));
    }
    (per_file, total)
}

/// Lines of the runs where segmenter and reference disagree, for debugging.
pub(crate) fn disagreements(segmenter: &Segmenter) -> Vec<String> {
    let mut out = Vec::new();
    for path in source_files() {
        let sgm = std::fs::read_to_string(&path).unwrap();
        for run in read_runs(&sgm) {
            let found = found_boundaries(segmenter, &run.text);
            let mark = |b: usize, tag: &str| {
                let mut from = b.saturating_sub(70);
                while !run.text.is_char_boundary(from) {
                    from += 1;
                }
                let mut to = (b + 50).min(run.text.len());
                while !run.text.is_char_boundary(to) {
                    to += 1;
                }
                format!("{tag} …{}⟦|⟧{}…", &run.text[from..b], &run.text[b..to])
            };
            out.extend(
                found.iter().filter(|b| !run.boundaries.contains(b)).map(|&b| mark(b, "FP")),
            );
            out.extend(
                run.boundaries.iter().filter(|b| !found.contains(b)).map(|&b| mark(b, "FN")),
            );
        }
    }
    out
}

#[test]
fn reads_paragraph_blocks_as_runs() {
    let sgm = "<srcset setid=\"x\" srclang=\"any\">\n<doc docid=\"d\">\n<hl>\n<seg id=\"1\"> Titre</seg>\n</hl>\n<p>\n<seg id=\"2\"> Une  phrase.</seg>\n<seg id=\"3\">S&P a dit &amp; fait.</seg>\n</p>\n</doc>\n</srcset>\n";
    let runs = read_runs(sgm);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].text, "Titre");
    assert!(runs[0].boundaries.is_empty());
    assert_eq!(runs[1].text, "Une phrase. S&P a dit & fait.");
    assert_eq!(runs[1].boundaries, [12]);
}

#[test]
fn bare_segments_form_one_run_without_headlines() {
    let sgm = "<doc docid=\"a\">\n<seg id=\"1\">Raid aérien en Syrie</seg>\n<seg id=\"2\">Il a eu lieu de nuit.</seg>\n<seg id=\"3\">« Nous sommes prêts », a-t-il dit.</seg>\n<seg id=\"4\">\"Le retour est complexe à gérer\"</seg>\n<seg id=\"5\">Fin ?</seg>\n</doc>\n";
    let runs = read_runs(sgm);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].text, "Il a eu lieu de nuit. « Nous sommes prêts », a-t-il dit. Fin ?");
    assert_eq!(runs[0].boundaries, [22, 60]);
}

#[test]
fn french_rules_match_wmt_sentence_boundaries() {
    let segmenter = Segmenter::french();
    let (per_file, total) = evaluate(&segmenter);
    assert_eq!(per_file.len(), 7, "expected the 7 WMT source files in {:?}", fixture_dir());
    assert!(total.expected > 600, "too few reference boundaries: {}", total.expected);
    let report = disagreements(&segmenter).join("\n");
    assert!(
        total.f1() >= MIN_F1 && total.precision() >= MIN_P_R && total.recall() >= MIN_P_R,
        "P {:.4} R {:.4} F1 {:.4} ({total:?})\n{report}",
        total.precision(),
        total.recall(),
        total.f1()
    );
}
