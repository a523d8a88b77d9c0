//! Command-line arguments and the subcommands behind them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory as _, Parser, Subcommand};

use depeche::job::{GlossarySettings, MemorySettings};

mod check;
mod config;
mod glossary;
mod kit;
mod merge;
mod progress;
mod providers;
mod report;
mod style;
mod tm;
mod translate;

pub(crate) use config::Config;
pub(crate) use style::ColorChoice;

/// French news articles to aligned bilingual XLIFF, with domain terminology
/// enforced and checked.
#[derive(Debug, Parser)]
#[command(name = "depeche", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// Configuration file [default: ./depeche.toml when it exists]
    #[arg(long, short = 'c', global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Print more about what happens (repeat for more)
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,

    /// Print only errors: no summary, warnings or progress bars (reports asked
    /// for with --report are still written)
    #[arg(long, short = 'q', global = true)]
    quiet: bool,

    /// Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never
    // The values are named above; listing them again would turn `--help`
    // into the long layout.
    #[arg(
        long,
        global = true,
        value_name = "WHEN",
        default_value = "auto",
        hide_possible_values = true
    )]
    color: ColorChoice,

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
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell
    Completions {
        /// The shell
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder
    Man {
        /// Write depeche.1 and depeche-<command>.1 into this folder
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// How much to print, and in colour or not: the global flags every command
/// honours.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ui {
    /// `-v` count.
    pub(crate) verbose: u8,
    /// Only errors.
    pub(crate) quiet: bool,
    /// Colour choice for stdout and stderr.
    pub(crate) color: ColorChoice,
}

impl Ui {
    /// The colour choice and `NO_COLOR`, applied to stderr.
    pub(crate) fn color_stderr(self) -> bool {
        self.color.stderr()
    }
}

impl Cli {
    /// The global flags, for `main` to format a fatal error.
    pub(crate) fn ui(&self) -> Ui {
        Ui { verbose: self.verbose, quiet: self.quiet, color: self.color }
    }
}

/// Where a command's summary goes: stdout, or nowhere under `-q`.
pub(crate) fn summary_out(ui: Ui) -> Box<dyn std::io::Write> {
    if ui.quiet { Box::new(std::io::sink()) } else { Box::new(std::io::stdout().lock()) }
}

/// `error:` as `main` prints it, coloured when stderr takes colour.
pub(crate) fn error_prefix(ui: Ui) -> String {
    style::error_prefix(ui.color_stderr())
}

/// Parses a target locale (clap value parser): canonical case, checked
/// against the IANA registry, French refused ([`depeche::Locale::parse_target`]).
pub(crate) fn parse_target(tag: &str) -> Result<depeche::Locale, String> {
    depeche::Locale::parse_target(tag).map_err(|e| e.to_string())
}

/// The closest of `known` to `name`, when it is close enough to be a typo.
pub(crate) fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&name, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(1) || strsim::jaro_winkler(&name, k) > 0.85)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Runs the chosen subcommand and returns the process exit code.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ui = cli.ui();
    init_tracing(ui);
    // Completions and the manual need no configuration.
    match &cli.command {
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(*shell, &mut Cli::command(), "depeche", &mut out);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man { out } => return man(out.as_deref()),
        _ => {}
    }
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Translate(args) => translate::run(args, &config, ui),
        Command::Providers(args) => providers::run(args, &config),
        Command::Tm(args) => tm::run(args, &config),
        Command::Glossary(args) => glossary::run(args, &config, cli.verbose),
        Command::Merge(args) => merge::run(args, &config, ui),
        Command::Kit(args) => kit::run(args, &config, ui),
        Command::Check(args) => check::run(args, &config, ui),
        Command::Completions { .. } | Command::Man { .. } => Ok(ExitCode::SUCCESS),
    }
}

/// `depeche man`: the page of the whole command on stdout, or with `--out`
/// one page per command (`depeche.1`, `depeche-translate.1`, ...).
fn man(out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let command = Cli::command();
    let Some(dir) = out else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        std::io::Write::write_all(&mut std::io::stdout(), &page)?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pages = vec![("depeche".to_string(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("depeche-{}", sub.get_name());
        pages.push((name, sub.clone()));
    }
    for (name, page) in pages {
        let mut roff = Vec::new();
        clap_mangen::Man::new(page).title(name.clone()).render(&mut roff)?;
        let file = format!("{name}.1");
        let path = dir.join(&file);
        depeche::output::write_atomic(&path, &roff)
            .with_context(|| format!("cannot write the manual page {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Logs on stderr: warnings by default, errors only with `-q`, more with
/// each `-v`; `RUST_LOG` (`RUST_LOG=depeche=debug`) overrides them.
fn init_tracing(ui: Ui) {
    let level = match ui.verbose {
        0 if ui.quiet => "error",
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
        .with_ansi(ui.color_stderr())
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
