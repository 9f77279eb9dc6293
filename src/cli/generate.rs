use std::path::PathBuf;

use anyhow::Context;
use terrasim::generate::{GenerateSpec, generate_market};

use super::common::user;

/// Options of `terrasim generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The US county table (fips, state, lat/lon, establishments, neighbors).
    #[arg(long, default_value = "../shared/data/us_counties/us_counties.csv")]
    counties: PathBuf,
    /// Output folder for accounts.csv, reps.csv, plan.csv, carveouts.csv and counties.csv.
    #[arg(long, default_value = "scenarios/northstar/data")]
    out: PathBuf,
    /// Seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = GenerateSpec::default().seed)]
    seed: u64,
    /// Number of accounts.
    #[arg(long, default_value_t = GenerateSpec::default().accounts)]
    accounts: usize,
    /// Number of reps.
    #[arg(long, default_value_t = GenerateSpec::default().reps)]
    reps: usize,
    /// No summary line.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.accounts == 0 || args.reps < 9 {
        return Err(user(
            "--accounts must be at least 1 and --reps at least 9 (one per region and size band)",
        ));
    }
    let counties = terrasim::io::load_counties(&args.counties).map_err(user)?;
    let spec = GenerateSpec { seed: args.seed, accounts: args.accounts, reps: args.reps };
    let market = generate_market(&spec, &counties);
    terrasim::io::write_generated(&args.out, &market)
        .with_context(|| format!("cannot write the market to {}", args.out.display()))?;
    if !args.quiet {
        eprintln!(
            "wrote {} accounts, {} reps, {} carve-outs to {} (seed {})",
            market.accounts.len(),
            market.reps.len(),
            market.carveouts.len(),
            args.out.display(),
            args.seed
        );
    }
    Ok(())
}
