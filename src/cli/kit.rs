//! `depeche kit`: translated XLIFF to a translation kit a translator opens
//! in their CAT tool (OmegaT, or any tool through plain XLIFF, TMX, TBX).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use depeche::job::{self, KitSettings};
use depeche::kit::KitFormat;

use super::Config;

/// Arguments of `depeche kit`.
#[derive(Debug, Args)]
pub(crate) struct KitArgs {
    /// XLIFF files written by depeche translate, or folders holding them
    #[arg(required = true, value_name = "FILE.xlf")]
    inputs: Vec<PathBuf>,

    /// The kit folder to write (created; an earlier kit there is replaced
    /// unless it holds a translator's work)
    #[arg(long, short = 'o', value_name = "KIT_DIR")]
    out: PathBuf,

    /// omegat (a ready OmegaT project) or xliff (XLIFF 1.2 with
    /// alt-trans, TMX and TBX, for Trados, memoQ, Phrase)
    #[arg(long, default_value = "omegat", value_name = "FORMAT")]
    format: KitFormat,

    /// Glossary files or folders [default: the configured ones, glossaries/]
    #[arg(long, value_name = "PATH")]
    glossary: Vec<PathBuf>,

    /// Translation memory whose human translations go into the kit: a file, or a
    /// postgres://user@host/db URL [default: .depeche/tm.sqlite next to the config file]
    #[arg(long, value_name = "FILE|URL")]
    tm: Option<String>,

    /// Put no translation from the memory into the kit
    #[arg(long, conflicts_with = "tm")]
    no_memory: bool,
}

/// Runs `depeche kit`.
pub(crate) fn run(args: KitArgs, config: &Config, ui: super::Ui) -> anyhow::Result<ExitCode> {
    let settings = KitSettings::new(&args.inputs, &args.out)
        .with_format(args.format)
        .with_glossary(super::glossary_settings(&args.glossary, config))
        .with_memory(super::memory_settings(args.tm.as_deref(), args.no_memory, config, false)?)
        .with_fuzzy(config.memory.fuzzy()?);
    let summary = super::runtime()?.block_on(job::kit(settings))?;
    let m = &summary.manifest;
    let mut out = super::summary_out(ui);
    writeln!(
        out,
        "kit        {} ({} → {}, {}): {} files, {} sentences",
        summary.dir.display(),
        m.source_lang,
        m.target_lang,
        match m.format {
            KitFormat::Xliff => "xliff",
            _ => "omegat",
        },
        m.files.len(),
        m.sentence_count(),
    )?;
    writeln!(
        out,
        "offered    {} human translations ({} from the memory), {} machine translations, {} glossary terms",
        m.human_count(),
        summary.from_memory,
        m.mt_count(),
        summary.terms
    )?;
    writeln!(
        out,
        "next       send {} to the translator; merge it back with: depeche merge {}",
        summary.dir.display(),
        summary.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
