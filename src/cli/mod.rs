//! Command-line arguments and the subcommands behind them.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use depeche::job::{GlossarySettings, MemorySettings};

mod check;
mod config;
mod glossary;
mod kit;
mod merge;
mod progress;
mod providers;
mod tm;
mod translate;

pub(crate) use config::Config;

/// French news articles to aligned bilingual XLIFF, with domain terminology
/// enforced and checked.
#[derive(Debug, Parser)]
#[command(name = "depeche", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// Configuration file [default: ./depeche.toml when it exists]
    #[arg(long, short = 'c', global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Print more about what happens (repeat for more)
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Translate articles into one XLIFF file per article and target language
    Translate(translate::TranslateArgs),
    /// Final articles from reviewed XLIFF; reviewed sentences into the translation memory
    Merge(merge::MergeArgs),
    /// Make a translation kit (an OmegaT project, or plain XLIFF, TMX and TBX) from XLIFF
    Kit(kit::KitArgs),
    /// Run the fixture articles offline and compare the XLIFF with the golden files (for CI)
    Check(check::CheckArgs),
    /// Check the termbases, or list the terms found in articles
    Glossary(glossary::GlossaryArgs),
    /// List the translation providers, their endpoints and whether their keys are set
    Providers(providers::ProvidersArgs),
    /// Import, export and inspect the translation memory
    Tm(tm::TmArgs),
}

/// Runs the chosen subcommand and returns the process exit code.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    init_tracing(cli.verbose);
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Translate(args) => translate::run(args, &config, cli.verbose),
        Command::Providers(args) => providers::run(args, &config),
        Command::Tm(args) => tm::run(args, &config),
        Command::Glossary(args) => glossary::run(args, &config, cli.verbose),
        Command::Merge(args) => merge::run(args, &config, cli.verbose),
        Command::Kit(args) => kit::run(args, &config),
        Command::Check(args) => check::run(args, &config),
    }
}

/// Logs on stderr: warnings by default, more with each `-v`; `RUST_LOG`
/// (`RUST_LOG=depeche=debug`) overrides both.
fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("depeche={level}")));
    // A second initialisation (tests calling run twice) is harmless.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .try_init();
}

/// The async runtime the jobs run on.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The termbases of a run: the `--glossary` flags (which must exist), else
/// the configured paths (skipped when absent), with the configured domains.
pub(crate) fn glossary_settings(flags: &[PathBuf], config: &Config) -> GlossarySettings {
    let mut settings = if flags.is_empty() {
        GlossarySettings { paths: config.glossary.paths.clone(), ..GlossarySettings::default() }
    } else {
        GlossarySettings::paths(flags)
    };
    settings.domains.clone_from(&config.glossary.domains);
    settings
}

/// The memory of a run: `--tm FILE|URL` (always opened), none with
/// `--no-memory` or `[memory] enabled = false`, else the configured server
/// (`[memory] url`), file or default file, opened when the run needs it
/// (`always` for jobs that feed it).
pub(crate) fn memory_settings(
    flag: Option<&str>,
    disabled: bool,
    config: &Config,
    always: bool,
) -> anyhow::Result<MemorySettings> {
    if disabled || !config.memory.enabled {
        return Ok(MemorySettings::Off);
    }
    if let Some(location) = flag {
        return Ok(MemorySettings::at(location, true)?);
    }
    if let Some(url) = &config.memory.url {
        return MemorySettings::at(url, always).context("invalid [memory] url");
    }
    let path = config.memory_path();
    Ok(if always { MemorySettings::Always(path) } else { MemorySettings::WhenNeeded(path) })
}

/// An error and its causes on one line: `outer: inner: root`.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    depeche::pipeline::error_chain(error)
}
