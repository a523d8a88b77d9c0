//! `depeche tm`: import, export, inspect and copy the translation memory,
//! a SQLite file or a PostgreSQL database alike.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use depeche::tm::{self, Filter, Location, MemoryStore};

use super::Config;

/// Arguments of `depeche tm`.
#[derive(Debug, Args)]
pub(crate) struct TmArgs {
    /// Translation memory: a file, or a postgres://user@host/db URL (password from the
    /// URL, PGPASSWORD or ~/.pgpass) [default: [memory] url or path in the config,
    /// else .depeche/tm.sqlite next to the config file]
    #[arg(long, global = true, value_name = "FILE|URL", alias = "memory")]
    tm: Option<String>,

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
    /// Check that a memory file is sound (exit 0) or report its damage (exit 2)
    Check {
        /// Save every readable entry into a fresh memory put in its place,
        /// keeping the damaged file aside as FILE.damaged-<time>
        #[arg(long)]
        repair: bool,
    },
    /// Copy every entry of one memory into another: a file into a PostgreSQL
    /// database, or back (entries keep their origin, glossary version and dates)
    Copy {
        /// The memory read: a file or a postgres:// URL
        #[arg(value_name = "FROM")]
        from: String,
        /// The memory written (created when new): a file or a postgres:// URL
        #[arg(value_name = "TO")]
        to: String,
    },
}

/// Runs `depeche tm`.
pub(crate) fn run(args: TmArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    runtime.block_on(run_async(args, config))
}

/// Where `--tm`, the config or the default puts the memory.
fn location(flag: Option<&str>, config: &Config) -> anyhow::Result<Location> {
    Ok(match (flag, &config.memory.url) {
        (Some(text), _) => Location::parse(text)?,
        (None, Some(url)) => Location::parse(url).context("invalid [memory] url")?,
        (None, None) => Location::File(config.memory_path()),
    })
}

async fn open(location: &Location) -> anyhow::Result<std::sync::Arc<dyn MemoryStore>> {
    location.open().await.context("cannot open the translation memory")
}

async fn run_async(args: TmArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if let TmCommand::Copy { from, to } = &args.command {
        let (from, to) = (Location::parse(from)?, Location::parse(to)?);
        if from.is_missing_file() {
            anyhow::bail!("{from}: no such translation memory");
        }
        let (source, dest) = (open(&from).await?, open(&to).await?);
        let report = tm::copy(source.as_ref(), dest.as_ref())
            .await
            .with_context(|| format!("cannot copy {from} to {to}"))?;
        writeln!(
            out,
            "{from} -> {to}: {} entries read, {} new or changed",
            report.read, report.changed
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let location = location(args.tm.as_deref(), config)?;
    if let TmCommand::Check { repair } = args.command {
        return check(&location, repair, &mut out);
    }
    let memory = open(&location).await?;
    match args.command {
        TmCommand::Import { file } => {
            let report = tm::tmx::import_into(memory.as_ref(), &file).await?;
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
            let n = tm::tmx::export_from(memory.as_ref(), &file, &filter).await?;
            writeln!(out, "{}: {n} translations written", file.display())?;
        }
        TmCommand::Stats => {
            let rows = memory.stats().await.context("cannot count the translation memory")?;
            writeln!(out, "{location}")?;
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
        TmCommand::Copy { .. } | TmCommand::Check { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `depeche tm check [--repair]`: exit 0 when the memory is sound or was
/// repaired, 2 when it is damaged.
fn check(
    location: &Location,
    repair: bool,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    let Location::File(path) = location else {
        anyhow::bail!(
            "{location}: tm check reads a memory file; a PostgreSQL server checks its own \
             storage (amcheck, pg_checksums)"
        );
    };
    let shown = path.display();
    let report = tm::check(path).with_context(|| format!("{shown}: cannot check the memory"))?;
    if report.is_sound() {
        let schema =
            report.schema.map_or_else(|| "no schema yet".into(), |v| format!("schema {v}"));
        writeln!(out, "{shown}: sound ({schema}, {} entries)", report.readable)?;
        if repair {
            writeln!(out, "nothing to repair")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{shown}: damaged")?;
    for problem in &report.problems {
        writeln!(out, "  {}", problem.replace('\n', "\n  "))?;
    }
    writeln!(
        out,
        "  {} entries readable, {} unreadable; {} can be saved",
        report.readable, report.unreadable, report.recoverable
    )?;
    if !repair {
        writeln!(
            out,
            "run `depeche tm check --repair --tm {shown}` to save the readable entries into a \
             fresh memory (the damaged file is kept aside), or translate with --no-memory"
        )?;
        return Ok(ExitCode::from(2));
    }
    let done = tm::repair(path).with_context(|| format!("{shown}: cannot repair the memory"))?;
    writeln!(
        out,
        "{shown}: repaired: {} entries saved, {} lost; the damaged file is kept as {}",
        done.saved,
        done.lost,
        done.kept.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
