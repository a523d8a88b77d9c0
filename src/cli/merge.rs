//! `depeche merge`: reviewed XLIFF back to the final article, and the
//! confirmed sentences into the translation memory as human work.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;

use depeche::merge::{self, Format, Merged, Options};
use depeche::output;
use depeche::tm::{self, Memory};

use super::Config;

/// Arguments of `depeche merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Reviewed XLIFF files (1.2 or 2.x), or folders holding them
    #[arg(required = true, value_name = "FILE.xlf")]
    inputs: Vec<PathBuf>,

    /// Output folder for the articles [default: out]
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,

    /// Output format: txt (the scraped-article shape), md or json
    #[arg(long, default_value = "txt", value_name = "FORMAT")]
    format: Format,

    /// Keep the source text for missing targets and use unreviewed
    /// translations as they are (with a warning) instead of refusing the file
    #[arg(long)]
    allow_untranslated: bool,

    /// Translation memory file [default: .depeche/tm.sqlite next to the config file]
    #[arg(long, value_name = "FILE")]
    tm: Option<PathBuf>,

    /// Do not feed the confirmed translations to the translation memory
    #[arg(long, conflicts_with = "tm")]
    no_memory: bool,
}

/// Runs `depeche merge`.
pub(crate) fn run(args: MergeArgs, config: &Config, verbose: u8) -> anyhow::Result<ExitCode> {
    let files = discover(&args.inputs)?;
    let out_dir = args.out.clone().unwrap_or_else(|| config.run.out.clone());
    // Opened when the first file is merged, so a run that merges nothing
    // leaves no memory file behind.
    let memory_path = if args.no_memory || !config.memory.enabled {
        None
    } else {
        Some(
            args.tm
                .clone()
                .or_else(|| config.memory.path.clone())
                .unwrap_or_else(|| tm::default_path(config.path.as_deref().and_then(Path::parent))),
        )
    };
    let mut memory: Option<Memory> = None;
    let options = Options::new().allow_untranslated(args.allow_untranslated);

    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let mut failed = 0usize;
    let (mut merged_files, mut written, mut unchanged_files) = (0usize, 0usize, 0usize);
    let (mut stored, mut unchanged, mut skipped) = (0usize, 0usize, 0usize);
    // Output path -> the input that produced it, so two inputs never
    // silently overwrite each other's article.
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut out_dir_ready = false;

    for file in &files {
        let merged = match merge::merge_path(file, options) {
            Ok(m) => m,
            Err(error) => {
                failed += 1;
                writeln!(stderr, "error: {}", chain(&error))?;
                continue;
            }
        };
        let mut targets = Vec::with_capacity(merged.len());
        let mut clash = None;
        for m in &merged {
            let name = m.article.file_name(args.format);
            let path = output::safe_path(&out_dir, &name)
                .with_context(|| format!("{}: cannot name the output", file.display()))?;
            if let Some(other) = claimed.get(&path).filter(|o| *o != file) {
                clash = Some(format!(
                    "{}: gives the same article as {} ({}); merge them one at a time",
                    file.display(),
                    other.display(),
                    path.display()
                ));
            }
            targets.push(path);
        }
        if let Some(message) = clash {
            failed += 1;
            writeln!(stderr, "error: {message}")?;
            continue;
        }
        if !out_dir_ready {
            std::fs::create_dir_all(&out_dir).with_context(|| {
                format!("{}: cannot create the output folder", out_dir.display())
            })?;
            output::remove_stale_temporaries(&out_dir);
            out_dir_ready = true;
        }
        for (m, path) in merged.iter().zip(&targets) {
            warn_allowed(&mut stderr, file, m)?;
            let changed = match output::write_atomic(path, m.article.render(args.format).as_bytes())
            {
                Ok(changed) => changed,
                Err(error) => {
                    failed += 1;
                    writeln!(stderr, "error: {}", chain(&error))?;
                    continue;
                }
            };
            claimed.insert(path.clone(), file.clone());
            written += usize::from(changed);
            unchanged_files += usize::from(!changed);
            let fed = match &memory_path {
                Some(memory_path) => {
                    let memory = match &mut memory {
                        Some(m) => m,
                        None => memory.insert(Memory::open(memory_path).with_context(|| {
                            format!("{}: cannot open the translation memory", memory_path.display())
                        })?),
                    };
                    let candidates = m.entries.len();
                    let n = memory.store(&m.entries).with_context(|| {
                        format!("{}: cannot store the reviewed translations", file.display())
                    })?;
                    stored += n;
                    unchanged += candidates.saturating_sub(n);
                    skipped += m.skipped;
                    format!(
                        "; memory: {n} stored, {} unchanged, {} skipped",
                        candidates.saturating_sub(n),
                        m.skipped
                    )
                }
                None => String::new(),
            };
            merged_files += 1;
            let note = if changed { "" } else { " (unchanged)" };
            writeln!(
                stdout,
                "{} -> {}{note}: {}{fed}",
                file.display(),
                path.display(),
                plural(
                    m.article.paragraphs.len() + usize::from(m.article.title.is_some()),
                    "paragraph"
                ),
            )?;
            if verbose > 0 {
                writeln!(stdout, "  article {} ({})", m.article.id, m.article.lang)?;
            }
        }
    }
    if out_dir_ready {
        output::sync_dir(&out_dir).with_context(|| format!("{}", out_dir.display()))?;
    }

    writeln!(
        stdout,
        "merged     {} ({written} written, {unchanged_files} unchanged), {failed} failed",
        plural(merged_files, "article")
    )?;
    match &memory_path {
        Some(path) => writeln!(
            stdout,
            "memory     {stored} human translations stored, {unchanged} unchanged, {skipped} skipped (not reviewed) in {}",
            path.display()
        )?,
        None => writeln!(stdout, "memory     not fed (--no-memory)")?,
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The XLIFF files named, and those found under named folders (recursively,
/// in name order, hidden entries skipped).
fn discover(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let before = files.len();
            walk(input, &mut files)
                .with_context(|| format!("{}: cannot list the folder", input.display()))?;
            if files.len() == before {
                bail!("{}: no XLIFF files (.xlf, .xliff) in this folder", input.display());
            }
        } else if input.exists() {
            files.push(input.clone());
        } else {
            bail!("{}: no such file or folder", input.display());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            e == "xlf" || e == "xliff"
        }) {
            out.push(path);
        }
    }
    Ok(())
}

/// What `--allow-untranslated` let through, as warnings naming the units.
fn warn_allowed(stderr: &mut impl std::io::Write, file: &Path, m: &Merged) -> anyhow::Result<()> {
    if !m.kept_source.is_empty() {
        writeln!(
            stderr,
            "warning: {}: {} not translated, kept in the source language ({})",
            file.display(),
            count(m.kept_source.len()),
            merge::id_list(&m.kept_source)
        )?;
    }
    if !m.used_unreviewed.is_empty() {
        writeln!(
            stderr,
            "warning: {}: {} not reviewed, used as they are and not added to the memory ({})",
            file.display(),
            count(m.used_unreviewed.len()),
            merge::id_list(&m.used_unreviewed)
        )?;
    }
    Ok(())
}

fn count(n: usize) -> String {
    plural(n, "unit")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// An error and its causes on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
