//! Progress bars on stderr: articles and segments.
//!
//! Hidden when stderr is not a terminal, with `--no-progress`, or with
//! verbose logs; messages go through [`Progress::println`] so bars and text
//! never tear each other.

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use std::sync::Arc;
use std::sync::atomic::Ordering;

use depeche::pipeline::{Counters, Notice, Observer, Outcome};

/// The two bars of a `translate` run.
pub(crate) struct Progress {
    multi: MultiProgress,
    articles: ProgressBar,
    segments: ProgressBar,
    visible: bool,
    verbose: bool,
    /// `-q`: warnings are not printed (errors still are).
    quiet: bool,
    /// Target locales of the run: each segment is translated once per target.
    targets: usize,
    counters: Arc<Counters>,
}

impl Progress {
    /// Bars for a run into `targets` locales; lengths are set when it starts.
    pub(crate) fn new(targets: usize, enabled: bool, verbose: bool) -> Self {
        let visible = enabled && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let articles = multi.add(ProgressBar::new(0));
        articles.set_style(
            ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {pos}/{len} {msg} ({elapsed}, eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        articles.set_prefix("articles");
        let segments = multi.add(ProgressBar::new(0));
        segments.set_style(
            ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        segments.set_prefix("segments");
        let counters = Arc::default();
        Self {
            multi,
            articles,
            segments,
            visible,
            verbose,
            quiet: false,
            targets: targets.max(1),
            counters,
        }
    }

    /// With `quiet`, warnings are not printed; errors still are.
    pub(crate) fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// Prints a line above the bars (or plainly when they are hidden).
    pub(crate) fn println(&self, line: &str) {
        let line = depeche::pipeline::one_line(line);
        self.multi.suspend(|| eprintln!("{line}"));
    }

    /// Removes the bars.
    pub(crate) fn finish(&self) {
        if self.visible {
            self.segments.finish_and_clear();
            self.articles.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn started(&mut self, files: usize, counters: Arc<Counters>) {
        self.articles.set_length(files as u64);
        self.counters = counters;
    }

    fn segments_found(&mut self, _count: usize) {
        self.articles.inc(1);
        // The length counts every segment read so far (times the targets);
        // the position counts those of the files written.
        let found = self.counters.segments_found.load(Ordering::Relaxed);
        self.segments.set_length((found * self.targets) as u64);
    }

    fn notice(&mut self, notice: &Notice) {
        match notice {
            Notice::NativeGlossary { provider, target, id } if self.verbose => {
                self.println(&format!("{provider}: glossary {id} for {target}"));
            }
            Notice::NativeGlossaryFailed { provider, target, error } => {
                self.println(&format!(
                    "warning: {provider}: no native glossary for {target}, translating without \
                     it (targets are still verified): {}",
                    super::chain(&**error)
                ));
            }
            _ => {}
        }
    }

    fn outcome(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Written { path, changed, warnings, stats, .. } => {
                self.segments.inc(stats.segments as u64);
                for warning in warnings.iter().filter(|_| !self.quiet) {
                    self.println(&format!("warning: {warning}"));
                }
                if self.verbose {
                    let what = if *changed { "wrote" } else { "unchanged" };
                    self.println(&format!("{what} {}", path.display()));
                }
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                self.articles.set_message(name.unwrap_or_default());
            }
            Outcome::Failed(failure) => self.println(&format!("error: {failure}")),
            Outcome::Duplicate { origin, first, .. } if !self.quiet => {
                self.println(&format!("note: {origin}: the same article as {first}, written once"));
            }
            _ => {}
        }
    }
}
