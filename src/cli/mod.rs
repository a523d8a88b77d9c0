//! Command-line arguments and the subcommands behind them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod config;
mod glossary;
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
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Translate(args) => translate::run(args, &config, cli.verbose),
        Command::Providers(args) => providers::run(args, &config),
        Command::Tm(args) => tm::run(args, &config),
        Command::Glossary(args) => glossary::run(args, &config),
        Command::Merge(args) => merge::run(args, &config, cli.verbose),
        Command::Check(args) => check::run(args, &config),
    }
}
