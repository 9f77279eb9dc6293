//! Subcommands of the `terrasim` binary. Nothing outside this folder and `main.rs` touches clap.

mod backtest;
mod calibrate;
mod common;
mod compare;
mod diff;
mod error;
mod generate;
mod optimize;
mod report;
mod simulate;
mod stress;
mod validate;

use clap::{Parser, Subcommand};

pub use error::CliError;

/// Monte Carlo simulation and optimization of sales territory what-if scenarios.
#[derive(Debug, Parser)]
#[command(name = "terrasim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and validate a scenario, then print the book-balance audit of its current plan (or of --plan, with --changes applied).
    Validate(validate::Args),
    /// Run the Monte Carlo simulation and write result.json plus CSV tables.
    Simulate(common::RunOptions),
    /// Generate a reference market on real US counties.
    Generate(generate::Args),
    /// Run the baseline and each shock on the same random numbers and report paired differences.
    Stress(common::RunOptions),
    /// Search candidate territory splits per strategy and rank them on simulated futures (by attainment
    /// variance and coverage unless --rank-by says otherwise); writes candidates.json and each candidate's plan.csv, diff.csv, review.csv and CRM change
    /// files.
    Optimize(optimize::Args),
    /// Run several plans or scenario variants on the same simulated futures, side by side.
    Compare(compare::Args),
    /// List the accounts that move between two plans and write the CRM change files (Salesforce Data
    /// Loader, HubSpot import) and a review table for going from the first to the second.
    Diff(diff::Args),
    /// Fit the model's parameters to opportunity history and write a params file a scenario can include.
    Calibrate(calibrate::Args),
    /// Calibrate on history before a cutoff, simulate the months after it and score the predictions.
    Backtest(backtest::Args),
    /// Write a self-contained HTML report (charts, map, moved accounts) of a result folder.
    Report(report::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    // A kernel level asked for in the environment is checked before anything runs, not ignored.
    match terrasim::sim::check_kernel_request() {
        Err(message) => return Err(CliError::Usage(message)),
        Ok(Some(note)) => eprintln!("warning: {note}"),
        Ok(None) => {}
    }
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Stress(args) => stress::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Optimize(args) => optimize::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Backtest(args) => backtest::run(&args),
        Command::Report(args) => report::run(&args),
    }
}
