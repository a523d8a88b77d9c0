//! `depeche providers`: what each translation provider is configured with.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use depeche::translate::{Overrides, PROVIDER_NAMES, Translator, provider_list};

use super::Config;

/// Arguments of `depeche providers`.
#[derive(Debug, Args)]
pub(crate) struct ProvidersArgs {
    /// Make one cheap call to each provider of the chain and report what works
    #[arg(long)]
    check: bool,

    /// Use this provider alone, as `translate --provider` does
    #[arg(long, value_name = "NAME", value_parser = parse_provider)]
    provider: Option<String>,

    /// Base URL of that provider
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
}

/// Help of `translate --provider`, listing the names the library accepts
/// so a new provider shows up without editing the text.
pub(crate) fn provider_help() -> String {
    let network: Vec<&str> =
        PROVIDER_NAMES.iter().copied().filter(|n| !matches!(*n, "none" | "memory")).collect();
    format!(
        "Translation provider: {}, memory or none (empty targets for human translation)",
        network.join(", ")
    )
}

/// Checks a `--provider` name (clap value parser), suggesting the closest
/// known name for a typo: `deepel` → `did you mean deepl?`.
pub(crate) fn parse_provider(name: &str) -> Result<String, String> {
    let lower = name.trim().to_ascii_lowercase();
    if PROVIDER_NAMES.contains(&lower.as_str()) {
        return Ok(lower);
    }
    Err(unknown_provider(name))
}

/// The message for a provider name depeche does not know.
fn unknown_provider(name: &str) -> String {
    let hint = super::suggest(name, PROVIDER_NAMES)
        .map(|s| format!("did you mean {s}? "))
        .unwrap_or_default();
    format!("unknown translation provider {name:?}; {hint}(known: {})", PROVIDER_NAMES.join(", "))
}

/// A job error, with a suggestion when it is a provider name from the
/// configuration file that depeche does not know.
pub(crate) fn explain_job_error(error: depeche::job::Error) -> anyhow::Error {
    if let depeche::job::Error::Provider(depeche::translate::Error::UnknownProvider {
        name, ..
    }) = &error
    {
        return anyhow::anyhow!(
            "cannot set up the translation provider: {}",
            unknown_provider(name)
        );
    }
    error.into()
}

/// Runs `depeche providers`.
pub(crate) fn run(args: ProvidersArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let overrides = Overrides { provider: args.provider, endpoint: args.endpoint };
    let mut out = String::new();
    let _ =
        writeln!(out, "{:<15} {:<4} {:<46} {:<32} settings", "provider", "use", "endpoint", "key");
    for info in provider_list(&config.translate, &overrides) {
        let key = match (&info.key_env, info.key_present, info.key_required) {
            (Some(env), true, _) => format!("{env} (set)"),
            (Some(env), false, true) => format!("{env} (missing)"),
            (Some(env), false, false) => format!("{env} (not set, optional)"),
            (None, _, _) => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{:<15} {:<4} {:<46} {:<32} {}",
            info.name,
            if info.selected { "yes" } else { "" },
            if info.endpoint.is_empty() { "-" } else { info.endpoint.as_str() },
            key,
            info.settings.join(" ")
        );
    }
    std::io::stdout().write_all(out.as_bytes())?;
    if !args.check {
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let translator = Translator::new(&config.translate, &overrides)
        .context("cannot set up the translation provider")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let results = runtime.block_on(translator.check());
    let _ = writeln!(out);
    if results.is_empty() {
        let _ = writeln!(out, "nothing to check: {} makes no network call", translator.describe());
        std::io::stdout().write_all(out.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = false;
    for (name, result) in results {
        match result {
            Ok(answer) => {
                let _ = writeln!(out, "ok      {name}: {answer}");
            }
            Err(error) => {
                failed = true;
                let _ = writeln!(out, "failed  {name}: {}", depeche::pipeline::error_chain(&error));
            }
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
