//! The `terrasim` command: parse options, load, run, export. Each subcommand lives in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // User errors (bad input) exit 2; anything else is a bug or an environment failure and exits 1.
            let code = if e.downcast_ref::<cli::UserError>().is_some() { 2 } else { 1 };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}
