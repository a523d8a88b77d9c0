//! The HTML review report: one self-contained folder per run.
//!
//! ```text
//! REPORT_DIR/index.html                      counts per article and per check, filters, one row per article and target
//! REPORT_DIR/index-<n>.html                  further index pages, for runs of more than INDEX_PAGE_ROWS articles
//! REPORT_DIR/articles/<id>.<target>.html     source and target side by side, sentence by sentence
//! REPORT_DIR/report.css, report.js           shared by every page; nothing is fetched from the network
//! ```
//!
//! Glossary hits are marked in both columns with their expected term on
//! hover, QA findings sit on their sentence, and every sentence shows its
//! state and origin (machine translation and its provider, memory, human,
//! empty). Filters (only flagged, only machine translation, one check) work
//! from the page's menu or from the address (`index.html#filter=flagged`,
//! `#filter=mt`, `#filter=check:numbers`), and the number of rows shown is
//! in `#shown`. Article pages are written as the run goes; a page that
//! would pass [`MAX_PAGE_BYTES`] is split into parts, so no page exceeds it.
//!
//! The index is paged too, at [`INDEX_PAGE_ROWS`] rows or [`MAX_PAGE_BYTES`],
//! whichever comes first, so it loads at once however large the run (see
//! `benches/report_html.sh`: 5,000 articles). Every index page carries the
//! whole run's counts; a filter applies to the rows of the page shown, the
//! page says how many rows match it over all pages, and the links between
//! pages keep the filter.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{ArticleReport, Error, RunReport};
use crate::model::{Article, CheckId, Origin, Segment, Severity};
use crate::output;

/// The largest page the report writes: longer articles are split into parts.
pub const MAX_PAGE_BYTES: usize = 1_000_000;

/// What a page holds besides its rows (header, counts, filters), at most.
const PAGE_FRAME_BYTES: usize = 24_000;

/// Rows on one index page, at most: a page of this many rows loads in a
/// fraction of a second; 5,000 rows on one page passed 1 MB.
pub const INDEX_PAGE_ROWS: usize = 1_000;

/// What an index page holds besides its rows, at most: the header, counts,
/// checks, page links and the failures (at most [`INDEX_FAILURES`] of
/// [`FAILURE_CHARS`] each).
const INDEX_FRAME_BYTES: usize = 160_000;

/// Failures listed on the index; the JSON report has them all.
const INDEX_FAILURES: usize = 100;

/// Characters of one failure's message shown on the index.
const FAILURE_CHARS: usize = 500;

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// An HTML report being written into its folder.
#[derive(Debug)]
pub struct HtmlReport {
    dir: PathBuf,
    /// The first article page that could not be written, if any.
    error: Option<Error>,
    /// Article pages written.
    pages: usize,
}

impl HtmlReport {
    /// Makes the report folder (and its `articles/` folder) and writes the
    /// shared stylesheet and script.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self, Error> {
        let dir = dir.into();
        // Not through a link planted in an earlier report. See: #15
        output::subfolder(&dir, Path::new("articles"))?;
        output::write_atomic(&dir.join("report.css"), CSS.as_bytes())?;
        output::write_atomic(&dir.join("report.js"), JS.as_bytes())?;
        Ok(Self { dir, error: None, pages: 0 })
    }

    /// The report folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The index page.
    pub fn index(&self) -> PathBuf {
        self.dir.join("index.html")
    }

    /// Writes the page (or pages) of one article and target. A failure is
    /// kept and returned by [`HtmlReport::finish`]; the run goes on.
    pub fn article(&mut self, article: &Article, row: &ArticleReport) {
        if self.error.is_some() {
            return;
        }
        match self.write_article(article, row) {
            Ok(pages) => self.pages += pages,
            Err(error) => self.error = Some(error),
        }
    }

    /// Writes the index pages; returns the number of article pages written,
    /// or the first error of the run.
    pub fn finish(self, report: &RunReport) -> Result<usize, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let pages = index(report);
        for (i, page) in pages.iter().enumerate() {
            output::write_atomic(&self.dir.join(index_name(i + 1)), page.as_bytes())?;
        }
        remove_stale_index_pages(&self.dir, pages.len());
        Ok(self.pages)
    }

    fn write_article(&self, article: &Article, row: &ArticleReport) -> Result<usize, Error> {
        let rows: Vec<String> = super::segments(article)
            .zip(paragraph_roles(article))
            .map(|(seg, role)| segment_row(seg, role))
            .collect();
        // Split so that no page passes MAX_PAGE_BYTES with its frame.
        let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
        let mut size = 0;
        for r in &rows {
            if size + r.len() > MAX_PAGE_BYTES - PAGE_FRAME_BYTES
                && parts.last().is_some_and(|p| !p.is_empty())
            {
                parts.push(Vec::new());
                size = 0;
            }
            size += r.len();
            if let Some(part) = parts.last_mut() {
                part.push(r);
            }
        }
        let count = parts.len();
        for (i, part) in parts.iter().enumerate() {
            let name = page_name(&row.id, row.target.as_str(), i + 1);
            let path = output::safe_path(&self.dir.join("articles"), &name)?;
            let html = article_page(row, part, i + 1, count);
            output::write_atomic(&path, html.as_bytes())?;
        }
        Ok(count)
    }
}

/// The file name of part `part` (from 1) of an article page.
pub(crate) fn page_name(id: &str, target: &str, part: usize) -> String {
    if part <= 1 { format!("{id}.{target}.html") } else { format!("{id}.{target}.{part}.html") }
}

/// The file name of index page `page` (from 1).
pub(crate) fn index_name(page: usize) -> String {
    if page <= 1 { "index.html".to_string() } else { format!("index-{page}.html") }
}

/// Removes index pages past `pages` left by an earlier, larger run into the
/// same folder, so its links do not lead to stale rows. Only `index-<n>.html`
/// files are touched; a file that cannot be removed is left.
fn remove_stale_index_pages(dir: &Path, pages: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(page) = name
            .to_str()
            .and_then(|n| n.strip_prefix("index-"))
            .and_then(|n| n.strip_suffix(".html"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        if page > pages {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Each segment's paragraph role, in segment order.
fn paragraph_roles(article: &Article) -> impl Iterator<Item = &'static str> + '_ {
    article.paragraphs.iter().flat_map(|p| p.segments.iter().map(move |_| p.role.as_str()))
}

/// HTML-escapes text for content and double-quoted attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The checks of every QA id, in report order.
const CHECKS: &[CheckId] = &[
    CheckId::Terms,
    CheckId::Numbers,
    CheckId::StrandedAdjective,
    CheckId::ArticleBeforeName,
    CheckId::TermNumber,
    CheckId::DoubledWord,
    CheckId::LeftoverMarkup,
    CheckId::Spelling,
];

/// How many rows of the whole index each filter keeps, for index pages
/// that show only part of the rows.
#[derive(Debug, Default)]
struct FilterTotals {
    all: usize,
    flagged: usize,
    mt: usize,
    checks: Vec<usize>,
}

/// The filter menu, with one entry per check; with `totals`, each entry
/// carries the number of rows it keeps over all index pages (`data-total`).
fn filter_menu(label: &str, totals: Option<&FilterTotals>) -> String {
    let total = |n: Option<usize>| n.map(|n| format!(" data-total=\"{n}\"")).unwrap_or_default();
    let mut s = format!(
        "<label class=\"filter\">Show <select id=\"filter\">\
         <option value=\"all\"{}>every {label}</option>\
         <option value=\"flagged\"{}>only flagged</option>\
         <option value=\"mt\"{}>only machine translation</option>",
        total(totals.map(|t| t.all)),
        total(totals.map(|t| t.flagged)),
        total(totals.map(|t| t.mt)),
    );
    for (i, check) in CHECKS.iter().enumerate() {
        let n = totals.and_then(|t| t.checks.get(i).copied());
        let _ = write!(s, "<option value=\"check:{check}\"{}>only {check}</option>", total(n));
    }
    s.push_str("</select></label>");
    s
}

fn head(title: &str, root: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{root}report.css\">\n</head>\n<body>\n",
        esc(title)
    )
}

fn tail(root: &str) -> String {
    format!("<script src=\"{root}report.js\"></script>\n</body>\n</html>\n")
}

/// A counter shown at the top: `<div class="count" data-count="name">`.
fn count(out: &mut String, name: &str, label: &str, value: usize) {
    let _ = write!(
        out,
        "<div class=\"count\" data-count=\"{name}\"><b>{value}</b> <span>{label}</span></div>"
    );
}

/// The index pages: the first is `index.html`.
fn index(report: &RunReport) -> Vec<String> {
    let rows: Vec<String> = report.articles.iter().map(index_row).collect();
    // Split at INDEX_PAGE_ROWS rows, or sooner so that no page passes
    // MAX_PAGE_BYTES with its frame.
    let mut pages: Vec<Vec<&str>> = vec![Vec::new()];
    let mut size = 0;
    for r in &rows {
        if page_full(pages.last(), size + r.len()) {
            pages.push(Vec::new());
            size = 0;
        }
        size += r.len();
        if let Some(page) = pages.last_mut() {
            page.push(r);
        }
    }
    let frame = index_frame(report);
    let totals = FilterTotals {
        all: report.articles.len(),
        flagged: report.totals.flagged_articles,
        mt: report.articles.iter().filter(|a| a.origins.mt > 0).count(),
        checks: CHECKS.iter().map(|c| report.articles_with(*c)).collect(),
    };
    let count = pages.len();
    pages
        .iter()
        .enumerate()
        .map(|(i, page)| index_page(&frame, &totals, page, i + 1, count))
        .collect()
}

/// True when a page holding `rows` rows cannot take one more that brings
/// it to `bytes`.
fn page_full(rows: Option<&Vec<&str>>, bytes: usize) -> bool {
    let rows = rows.map_or(0, Vec::len);
    rows > 0 && (rows >= INDEX_PAGE_ROWS || bytes > MAX_PAGE_BYTES - INDEX_FRAME_BYTES)
}

/// What every index page shows above its rows: header, the run's counts,
/// the checks table, glossary figures and failures.
fn index_frame(report: &RunReport) -> String {
    let t = &report.totals;
    let s = &report.settings;
    let mut h = String::new();
    let targets: Vec<&str> = s.targets.iter().map(|l| l.as_str()).collect();
    let _ = writeln!(
        h,
        "<header><h1>depeche {} <small>review report</small></h1>\
         <p class=\"meta\">{} to {} · provider {} · XLIFF {} · depeche {} · {}</p></header>",
        esc(&report.command),
        esc(&s.inputs.join(", ")),
        esc(&targets.join(", ")),
        esc(&report.provider.name),
        esc(&s.xliff),
        report.tool_version,
        if report.passed { "<b class=\"ok\">passed</b>" } else { "<b class=\"bad\">failed</b>" }
    );
    h.push_str("<section class=\"counts\" id=\"counts\">");
    count(&mut h, "articles", "article pages", report.articles.len());
    count(&mut h, "flagged-articles", "with findings", t.flagged_articles);
    count(&mut h, "failed", "failed", t.failed);
    count(&mut h, "segments", "segments", report.articles.iter().map(|a| a.segments).sum());
    count(&mut h, "flagged-segments", "flagged segments", t.flagged_segments);
    count(&mut h, "mt-segments", "machine-translated", t.mt_segments);
    let errors: usize = t.qa.values().map(|c| c.error).sum();
    let warnings: usize = t.qa.values().map(|c| c.warning).sum();
    count(&mut h, "errors", "QA errors", errors);
    count(&mut h, "warnings", "QA warnings", warnings);
    h.push_str(
        "</section>\n<table class=\"checks\" id=\"checks\"><thead><tr><th>check</th>\
                <th>errors</th><th>warnings</th><th>articles</th></tr></thead><tbody>",
    );
    for check in CHECKS {
        let c = t.qa.get(check).copied().unwrap_or_default();
        let _ = write!(
            h,
            "<tr data-check=\"{check}\"><td><a href=\"#filter=check:{check}\">{check}</a></td>\
             <td data-count=\"errors\">{}</td><td data-count=\"warnings\">{}</td>\
             <td data-count=\"articles\">{}</td></tr>",
            c.error,
            c.warning,
            report.articles_with(*check)
        );
    }
    h.push_str("</tbody></table>\n");
    if !t.terms.is_empty() {
        h.push_str("<p class=\"terms\">Glossary: ");
        let parts: Vec<String> = t
            .terms
            .iter()
            .map(|(d, c)| {
                format!(
                    "{}: {} found, {} applied, {} violated",
                    esc(d),
                    c.found,
                    c.applied,
                    c.violated
                )
            })
            .collect();
        h.push_str(&parts.join("; "));
        h.push_str("</p>\n");
    }
    if !report.failures.is_empty() {
        h.push_str("<h2>Failed</h2><ul class=\"failures\" id=\"failures\">");
        for f in report.failures.iter().take(INDEX_FAILURES) {
            let target = f.target.as_ref().map(|t| format!(" [{t}]")).unwrap_or_default();
            let _ = write!(
                h,
                "<li>{}{}: {}</li>",
                esc(&clip(&f.origin, FAILURE_CHARS)),
                target,
                esc(&clip(&f.error, FAILURE_CHARS))
            );
        }
        if let Some(more) = report.failures.len().checked_sub(INDEX_FAILURES).filter(|n| *n > 0) {
            let _ = write!(h, "<li>and {more} more: the JSON report lists them all</li>");
        }
        h.push_str("</ul>\n");
    }
    h
}

/// `text` cut to `max` characters, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or(text)),
        None => text.to_string(),
    }
}

/// One article and target on the index.
fn index_row(a: &ArticleReport) -> String {
    let checks: Vec<&str> =
        CHECKS.iter().filter(|c| a.count(**c) > 0).map(|c| c.as_str()).collect();
    let errors = a.errors().count();
    let violated: usize = a.terms.values().map(|c| c.violated).sum();
    let o = &a.origins;
    format!(
        "<tr data-flagged=\"{}\" data-mt=\"{}\" data-checks=\"{}\"{}><td><a href=\"articles/{}\">{}</a>\
         <small>{}</small></td><td>{}</td><td>{}</td><td>{} / {} / {} / {}</td><td>{errors}</td>\
         <td>{}</td><td>{}</td><td>{violated}</td></tr>\n",
        u8::from(!a.findings.is_empty()),
        o.mt,
        checks.join(" "),
        if a.passed() { "" } else { " class=\"bad\"" },
        esc(&page_name(&a.id, a.target.as_str(), 1)),
        esc(a.title.as_deref().unwrap_or(&a.id)),
        esc(&a.id),
        a.target,
        a.segments,
        o.mt,
        o.memory,
        o.human,
        o.none,
        a.findings.len() - errors,
        checks.join(", "),
    )
}

/// Index page `page` of `pages`, holding `rows`.
fn index_page(
    frame: &str,
    totals: &FilterTotals,
    rows: &[&str],
    page: usize,
    pages: usize,
) -> String {
    let title = if pages > 1 {
        format!("depeche report, page {page} of {pages}")
    } else {
        "depeche report".to_string()
    };
    let mut h = head(&title, "");
    h.push_str(frame);
    let nav = page_links(page, pages);
    if pages > 1 {
        let _ = writeln!(
            h,
            "<nav class=\"bar\">{}<span class=\"shown\"><b id=\"shown\">{}</b> of {} shown on \
             this page · <b id=\"total\">{}</b> in all {pages} pages</span></nav>\n{nav}",
            filter_menu("article", Some(totals)),
            rows.len(),
            rows.len(),
            totals.all,
        );
    } else {
        let _ = writeln!(
            h,
            "<nav class=\"bar\">{}<span class=\"shown\"><b id=\"shown\">{}</b> of {} shown</span></nav>",
            filter_menu("article", Some(totals)),
            rows.len(),
            rows.len()
        );
    }
    h.push_str(
        "<table class=\"rows index\"><thead><tr><th>article</th><th>target</th><th>segments</th>\
         <th>MT / memory / human / empty</th><th>errors</th><th>warnings</th><th>checks</th>\
         <th>terms violated</th></tr></thead><tbody id=\"rows\">\n",
    );
    for r in rows {
        h.push_str(r);
    }
    h.push_str("</tbody></table>\n");
    h.push_str(&nav);
    h.push_str(&tail(""));
    h
}

/// Links to every index page (none for a single page); the script adds the
/// current filter to them.
fn page_links(page: usize, pages: usize) -> String {
    if pages <= 1 {
        return String::new();
    }
    let mut h = String::from("<nav class=\"pages\">Page ");
    for p in 1..=pages {
        if p == page {
            let _ = write!(h, "<b>{p}</b> ");
        } else {
            let _ = write!(h, "<a href=\"{}\">{p}</a> ", index_name(p));
        }
    }
    h.push_str("</nav>\n");
    h
}

/// One article page (part `part` of `parts`).
fn article_page(row: &ArticleReport, rows: &[&str], part: usize, parts: usize) -> String {
    let title = row.title.as_deref().unwrap_or(&row.id);
    let mut h = head(&format!("{title} [{}]", row.target), "../");
    let _ = writeln!(
        h,
        "<header><p><a href=\"../index.html\">← all articles</a></p><h1>{}</h1>\
         <p class=\"meta\">{} · {} → {} · {}</p></header>",
        esc(title),
        esc(&row.id),
        esc(&row.origin),
        row.target,
        esc(&row.file)
    );
    h.push_str("<section class=\"counts\" id=\"counts\">");
    count(&mut h, "segments", "segments", row.segments);
    count(&mut h, "flagged-segments", "flagged", row.flagged_segments);
    count(&mut h, "mt-segments", "machine-translated", row.origins.mt);
    count(&mut h, "memory-segments", "from memory", row.origins.memory);
    count(&mut h, "human-segments", "human", row.origins.human);
    count(&mut h, "errors", "QA errors", row.errors().count());
    count(&mut h, "warnings", "QA warnings", row.findings.len() - row.errors().count());
    let hits = row.term_hits.len();
    count(&mut h, "terms", "glossary terms", hits);
    h.push_str("</section>\n<p class=\"checks-line\">");
    for check in CHECKS {
        let n = row.count(*check);
        if n > 0 {
            let _ = write!(
                h,
                "<a class=\"chip\" data-check=\"{check}\" href=\"#filter=check:{check}\">{check} \
                 <b>{n}</b></a> "
            );
        }
    }
    h.push_str("</p>\n");
    if parts > 1 {
        h.push_str("<nav class=\"pages parts\">Part ");
        for p in 1..=parts {
            if p == part {
                let _ = write!(h, "<b>{p}</b> ");
            } else {
                let _ = write!(
                    h,
                    "<a href=\"{}\">{p}</a> ",
                    esc(&page_name(&row.id, row.target.as_str(), p))
                );
            }
        }
        h.push_str("</nav>\n");
    }
    let _ = writeln!(
        h,
        "<nav class=\"bar\">{}<span class=\"shown\"><b id=\"shown\">{}</b> of {} shown</span></nav>",
        filter_menu("sentence", None),
        rows.len(),
        rows.len()
    );
    h.push_str(
        "<table class=\"rows article\"><thead><tr><th>unit</th><th>source (French)</th>\
         <th>target</th><th>state</th></tr></thead><tbody id=\"rows\">\n",
    );
    for r in rows {
        h.push_str(r);
    }
    h.push_str("</tbody></table>\n");
    h.push_str(&tail("../"));
    h
}

/// One sentence: id, source with terms marked, target with expected terms
/// marked and findings below it, state and origin.
fn segment_row(seg: &Segment, role: &str) -> String {
    let mut checks: Vec<&str> = seg.issues.iter().map(|i| i.check.as_str()).collect();
    checks.sort_unstable();
    checks.dedup();
    let mt = matches!(seg.origin, Origin::Mt { .. });
    let severity = if seg.issues.iter().any(|i| i.severity == Severity::Error) {
        " class=\"error\""
    } else if seg.issues.is_empty() {
        ""
    } else {
        " class=\"warning\""
    };
    let (state, origin) = match &seg.origin {
        Origin::Mt { provider } => ("mt", format!("machine translation · {}", esc(provider))),
        Origin::Tm { exact, source } => (
            "memory",
            format!("memory {} · {}", if *exact { "exact" } else { "fuzzy" }, esc(source)),
        ),
        Origin::Human => ("human", "human".to_string()),
        _ => ("empty", "no target".to_string()),
    };
    let mut h = format!(
        "<tr id=\"{}\" data-flagged=\"{}\" data-mt=\"{}\" data-checks=\"{}\"{severity}>\
         <td class=\"unit\">{}<small>{role}</small></td><td class=\"src\" lang=\"fr\">{}</td><td class=\"tgt\">{}",
        esc(&seg.id),
        u8::from(!seg.issues.is_empty()),
        u8::from(mt),
        checks.join(" "),
        esc(&seg.id),
        marked_source(seg),
        marked_target(seg),
    );
    if !seg.issues.is_empty() {
        h.push_str("<ul class=\"findings\">");
        for issue in &seg.issues {
            let level = match issue.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = write!(
                h,
                "<li class=\"{level}\" data-check=\"{}\"><b>{}</b> {}</li>",
                issue.check,
                issue.check,
                esc(&issue.message)
            );
        }
        h.push_str("</ul>");
    }
    // The state the XLIFF file gives the unit, as a CAT tool will show it.
    let xliff_state = crate::xliff::Label::of(seg).status.xliff12();
    let _ = writeln!(
        h,
        "</td><td class=\"state {state}\">{origin}<small>{xliff_state}</small></td></tr>"
    );
    h
}

/// The source with each glossary hit in a `<mark>` whose title gives the
/// expected term.
fn marked_source(seg: &Segment) -> String {
    let ranges: Vec<(usize, usize, String, bool)> = seg
        .terms
        .iter()
        .map(|hit| {
            let violated = violated(seg, &hit.entry);
            (hit.start, hit.end, hover(hit), violated)
        })
        .collect();
    mark(&seg.source, ranges)
}

/// The target with each expected glossary term found in it marked.
fn marked_target(seg: &Segment) -> String {
    let Some(target) = seg.target.as_deref().filter(|t| !t.is_empty()) else {
        return "<span class=\"none\">—</span>".to_string();
    };
    let lower = target.to_lowercase();
    // Lowercasing may change byte lengths outside ASCII; only search when
    // it did not, so byte ranges stay valid in `target`.
    let same_len = lower.len() == target.len();
    let mut ranges = Vec::new();
    for hit in &seg.terms {
        let wanted = if hit.do_not_translate { Some(&hit.text) } else { hit.expected.as_ref() };
        let Some(wanted) = wanted.filter(|w| !w.is_empty()) else { continue };
        let at = if same_len {
            lower.find(&wanted.to_lowercase())
        } else {
            target.find(wanted.as_str())
        };
        if let Some(at) = at {
            ranges.push((at, at + wanted.len(), hover(hit), violated(seg, &hit.entry)));
        }
    }
    mark(target, ranges)
}

fn violated(seg: &Segment, entry: &str) -> bool {
    seg.issues.iter().any(|i| i.check == CheckId::Terms && i.entry.as_deref() == Some(entry))
}

fn hover(hit: &crate::model::TermHit) -> String {
    let expected = if hit.do_not_translate {
        format!("keep as written: {}", hit.text)
    } else {
        match &hit.expected {
            Some(e) => format!("expected: {e}"),
            None => "no rendering for this locale".to_string(),
        }
    };
    format!("{} · {} ({})", hit.term, expected, hit.domain)
}

/// `text` escaped, with the non-overlapping `ranges` (byte start, end,
/// title, violated) wrapped in `<mark>`.
fn mark(text: &str, mut ranges: Vec<(usize, usize, String, bool)>) -> String {
    ranges.sort_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
    let mut out = String::with_capacity(text.len() + 64 * ranges.len());
    let mut pos = 0;
    for (start, end, title, violated) in ranges {
        let (Some(before), Some(inner)) = (text.get(pos..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(&esc(before));
        let class = if violated { "term violated" } else { "term" };
        let _ =
            write!(out, "<mark class=\"{class}\" title=\"{}\">{}</mark>", esc(&title), esc(inner));
        pos = end;
    }
    out.push_str(&esc(text.get(pos..).unwrap_or_default()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{QaIssue, TermHit};
    use crate::report::{FailureReport, FindingReport, OriginCounts, SCHEMA_VERSION, Totals};

    fn hit(start: usize, end: usize, text: &str, expected: &str) -> TermHit {
        TermHit {
            entry: "c1".into(),
            start,
            end,
            text: text.into(),
            term: text.into(),
            expected: Some(expected.into()),
            alternatives: vec![],
            forbidden: vec![],
            domain: "defence".into(),
            do_not_translate: false,
            no_article: false,
            plural: None,
        }
    }

    #[test]
    fn terms_are_marked_in_both_columns_and_text_is_escaped() {
        let mut seg = Segment::new("p1.s1", "Le ministère des Armées <a>");
        let term = "ministère des Armées";
        seg.terms.push(hit(3, 3 + term.len(), term, "Ministry of the Armed Forces"));
        seg.target = Some("The ministry of the armed forces <a>".into());
        seg.origin = Origin::Mt { provider: "deepl".into() };
        let row = segment_row(&seg, "paragraph");
        assert!(row.contains(
            "<mark class=\"term\" title=\"ministère des Armées · expected: Ministry of the Armed \
             Forces (defence)\">ministère des Armées</mark>"
        ), "{row}");
        assert!(row.contains(">ministry of the armed forces</mark> &lt;a&gt;"), "{row}");
        assert!(row.contains("data-mt=\"1\"") && row.contains("data-flagged=\"0\""));
        assert!(row.contains("machine translation · deepl<small>needs-review-translation</small>"));
    }

    #[test]
    fn findings_flag_the_sentence() {
        let mut seg = Segment::new("p2.s1", "3,5 %");
        seg.target = Some("3,5 %".into());
        seg.issues.push(QaIssue {
            check: CheckId::Numbers,
            severity: Severity::Warning,
            message: "3,5 reads as 35".into(),
            entry: None,
            domain: None,
        });
        let row = segment_row(&seg, "paragraph");
        assert!(row.contains("data-flagged=\"1\"") && row.contains("data-checks=\"numbers\""));
        assert!(row.contains("<li class=\"warning\" data-check=\"numbers\">"));
        assert!(row.contains("class=\"state empty\""), "no origin: shown as no target");
    }

    /// A run of `n` articles, every third flagged by the numbers check.
    fn run(n: usize, title_len: usize) -> RunReport {
        let articles: Vec<ArticleReport> = (0..n)
            .map(|i| ArticleReport {
                id: format!("2025-01-01-article-{i:05}"),
                title: Some("T".repeat(title_len)),
                origin: format!("in/{i}.txt"),
                target: crate::Locale::british_english(),
                file: format!("out/{i}.xlf"),
                changed: true,
                paragraphs: 3,
                segments: 10,
                chars: 1000,
                translated: 10,
                origins: OriginCounts { mt: 10, ..Default::default() },
                flagged_segments: usize::from(i % 3 == 0),
                terms: Default::default(),
                term_hits: vec![],
                findings: (i % 3 == 0)
                    .then(|| FindingReport {
                        check: CheckId::Numbers,
                        severity: Severity::Warning,
                        unit: "p1.s1".into(),
                        message: "3,5 reads as 35".into(),
                        entry: None,
                        line: 1,
                    })
                    .into_iter()
                    .collect(),
                warnings: vec![],
                check: None,
            })
            .collect();
        let totals = Totals {
            flagged_articles: articles.iter().filter(|a| !a.findings.is_empty()).count(),
            ..Default::default()
        };
        RunReport {
            schema: "depeche-report",
            version: SCHEMA_VERSION,
            tool_version: "0",
            command: "translate".into(),
            passed: true,
            settings: Default::default(),
            totals,
            provider: Default::default(),
            articles,
            failures: (0..300)
                .map(|i| FailureReport {
                    origin: format!("bad/{i}.txt"),
                    target: None,
                    error: "x".repeat(5_000),
                })
                .collect(),
            check: None,
        }
    }

    #[test]
    fn the_index_is_paged_and_every_page_carries_the_whole_run() {
        // See: #12 (5,000 articles made a 2 MB index)
        let report = run(2_500, 40);
        let pages = index(&report);
        assert_eq!(pages.len(), 3);
        let rows: usize = pages.iter().map(|p| p.matches("<tr data-flagged=").count()).sum();
        assert_eq!(rows, 2_500, "every article once");
        for (i, page) in pages.iter().enumerate() {
            assert!(page.len() <= MAX_PAGE_BYTES, "page {} has {} bytes", i + 1, page.len());
            assert!(page.contains("data-count=\"articles\"><b>2500</b>"), "page {}", i + 1);
            assert!(page.contains("in all 3 pages"));
            assert!(page.contains("<option value=\"flagged\" data-total=\"834\">"));
            assert!(page.contains("and 200 more: the JSON report lists them all"));
            for p in 1..=3 {
                let link = format!("<a href=\"{}\">{p}</a>", index_name(p));
                assert_eq!(page.contains(&link), p != i + 1, "page {} links to {p}", i + 1);
            }
        }
        assert!(pages[0].contains("<b id=\"shown\">1000</b> of 1000"));
        assert!(pages[2].contains("<b id=\"shown\">500</b> of 500"));
    }

    #[test]
    fn long_rows_make_more_index_pages_not_larger_ones() {
        let report = run(1_500, 2_000);
        let pages = index(&report);
        assert!(pages.len() > 2, "{} pages", pages.len());
        assert!(pages.iter().all(|p| p.len() <= MAX_PAGE_BYTES));
        let one = index(&run(7, 40));
        assert_eq!(one.len(), 1);
        assert!(!one[0].contains("nav class=\"pages\"") && one[0].contains("7</b> of 7 shown"));
    }

    #[test]
    fn stale_index_pages_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["index-2.html", "index-3.html", "index-x.html", "notes.html"] {
            output::write_atomic(&dir.path().join(name), b"").unwrap();
        }
        remove_stale_index_pages(dir.path(), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["index-2.html", "index-x.html", "notes.html"]);
    }

    #[test]
    fn failures_are_clipped() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("éèêë", 2), "éè…");
    }

    #[test]
    fn overlapping_and_broken_ranges_are_skipped() {
        let out = mark("abcdef", vec![(0, 4, "t".into(), false), (2, 5, "u".into(), true)]);
        assert_eq!(out, "<mark class=\"term\" title=\"t\">abcd</mark>ef");
        assert_eq!(mark("é", vec![(1, 2, "x".into(), false)]), "é");
    }
}
