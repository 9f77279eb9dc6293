use std::path::PathBuf;

use terrasim::generate::{GenerateSpec, generate_market};

use super::error::{CliError, usage};

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
    /// Overwrite files in --out whose contents differ from what this seed generates (without it, generate
    /// refuses to change them).
    #[arg(long)]
    force: bool,
    /// No summary line.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    if args.accounts == 0 || args.reps < 9 {
        return Err(usage(
            "--accounts must be at least 1 and --reps at least 9 (one per region and size band)",
        ));
    }
    let counties = terrasim::io::load_counties(&args.counties)?;
    let spec = GenerateSpec { seed: args.seed, accounts: args.accounts, reps: args.reps };
    let market = generate_market(&spec, &counties);
    let written = terrasim::io::write_generated(&args.out, &market, args.force)
        .map_err(|source| CliError::Output { dir: args.out.clone(), source })?;
    if !args.quiet {
        let dir = args.out.display();
        if written.written.is_empty() {
            eprintln!("{dir} already holds this market (seed {}); nothing written", args.seed);
        } else {
            eprintln!(
                "wrote {} of 5 files ({} accounts, {} reps, {} carve-outs) to {dir} (seed {})",
                written.written.len(),
                market.accounts.len(),
                market.reps.len(),
                market.carveouts.len(),
                args.seed
            );
        }
    }
    Ok(())
}
