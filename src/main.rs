//! The `depeche` command line: arguments in, exit code out.
//!
//! Exit codes: 0 when everything succeeded, 1 when some articles failed (or
//! a check found drift or glossary violations under `--strict-terms`), 2 on
//! a fatal error (bad arguments, unreadable config).

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let ui = args.ui();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            // A closed pipe (`depeche ... | head`) is not a failure.
            let broken_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            // One line, whatever a file name in it holds.
            let message = format!("{error:#}");
            eprintln!("{} {}", cli::error_prefix(ui), depeche::pipeline::one_line(&message));
            ExitCode::from(2)
        }
    }
}
