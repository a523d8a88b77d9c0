//! `depeche tm`: import, export and inspect the translation memory.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use depeche::tm::{self, Filter, Memory};

use super::Config;

/// Arguments of `depeche tm`.
#[derive(Debug, Args)]
pub(crate) struct TmArgs {
    /// Translation memory file [default: .depeche/tm.sqlite next to the config file]
    #[arg(long, global = true, value_name = "PATH")]
    tm: Option<PathBuf>,

    #[command(subcommand)]
    command: TmCommand,
}

#[derive(Debug, Subcommand)]
enum TmCommand {
    /// Add the translations of a TMX file (TMX 1.4b, from any CAT tool)
    Import {
        /// The TMX file
        #[arg(value_name = "FILE.tmx")]
        file: PathBuf,
    },
    /// Write the memory, or part of it, to a TMX 1.4b file
    Export {
        /// The TMX file to write (replaced atomically)
        #[arg(value_name = "FILE.tmx")]
        file: PathBuf,
        /// Only entries with this source locale
        #[arg(long, value_name = "LOCALE")]
        from: Option<String>,
        /// Only entries with this target locale
        #[arg(long, short = 't', value_name = "LOCALE")]
        to: Option<String>,
        /// Only human translations and reviews
        #[arg(long)]
        human_only: bool,
    },
    /// Show how many entries the memory holds per locale pair and origin
    Stats,
}

/// Runs `depeche tm`.
pub(crate) fn run(args: TmArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let path = match args.tm {
        Some(p) => p,
        None => tm::default_path(config.path.as_deref().and_then(Path::parent)),
    };
    let memory = Memory::open(&path)?;
    let mut out = std::io::stdout().lock();
    match args.command {
        TmCommand::Import { file } => {
            let report = tm::tmx::import(&memory, &file)?;
            writeln!(
                out,
                "{}: {} units, {} translations ({} new or changed), {} units skipped (no translation)",
                file.display(),
                report.units,
                report.entries,
                report.changed,
                report.skipped
            )?;
        }
        TmCommand::Export { file, from, to, human_only } => {
            let filter = Filter { source_lang: from, target_lang: to, human_only };
            let n = tm::tmx::export(&memory, &file, &filter)?;
            writeln!(out, "{}: {n} translations written", file.display())?;
        }
        TmCommand::Stats => {
            let rows = memory.stats().context("cannot count the translation memory")?;
            writeln!(out, "{}", path.display())?;
            writeln!(out, "{:<10} {:<10} {:<20} {:>9}", "source", "target", "origin", "entries")?;
            let mut total = 0;
            for r in &rows {
                total += r.entries;
                writeln!(
                    out,
                    "{:<10} {:<10} {:<20} {:>9}",
                    r.source_lang,
                    r.target_lang,
                    r.origin.as_key(),
                    r.entries
                )?;
            }
            writeln!(out, "{:<10} {:<10} {:<20} {:>9}", "total", "", "", total)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
