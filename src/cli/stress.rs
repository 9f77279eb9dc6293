use std::path::PathBuf;

use anyhow::Context;
use terrasim::io::AtomicDir;
use terrasim::scenario::Shock;
use terrasim::sim::compare::{ShockComparison, StressResult, paired_differences};
use terrasim::sim::{Headline, headline};

use super::common::{check_counts, load, out_dir, progress, user};

/// Options of `terrasim stress`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML). Its `[[shocks]]` are run, or a default set when it has none.
    scenario: PathBuf,
    /// Trials per run (default: the scenario's).
    #[arg(long)]
    trials: Option<u32>,
    /// Seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder for stress.json (default: results/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar and no table.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    check_counts(args.trials, args.threads)?;
    let (mut scenario, market) = load(&args.scenario)?;
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let trials = u64::from(args.trials.unwrap_or(scenario.trials));
    let shocks = if scenario.shocks.is_empty() {
        terrasim::scenario::default_shocks(&market)
    } else {
        scenario.shocks.clone()
    };
    let runs = 1 + shocks.len() as u64;
    let bar = progress(trials * runs, "stress", args.quiet);
    let run_one = |shock: Option<&Shock>| -> anyhow::Result<Vec<Headline>> {
        let model = terrasim::scenario::compile(&scenario, &market, market.plan(), shock).map_err(user)?;
        let outcomes = terrasim::sim::run_trials(&model, trials, args.threads, &|n| bar.inc(n))?;
        Ok(outcomes.iter().map(|o| headline(&model, o)).collect())
    };
    let baseline = run_one(None)?;
    let mut comparisons = Vec::new();
    for shock in &shocks {
        let shocked = run_one(Some(shock))?;
        comparisons.push(ShockComparison {
            name: shock.name.clone(),
            differences: paired_differences(&baseline, &shocked),
        });
    }
    bar.finish_and_clear();
    let result =
        StressResult { scenario: scenario.name.clone(), seed: scenario.seed, trials, shocks: comparisons };
    let dir = out_dir(args.out.as_deref(), &args.scenario);
    let mut out = AtomicDir::new(&dir);
    out.add("stress.json", serde_json::to_vec_pretty(&result)?);
    out.commit().with_context(|| format!("cannot write {}", dir.display()))?;
    if !args.quiet {
        print!("{}", terrasim::report::stress_summary(&result));
        println!("\nwrote {}/stress.json", dir.display());
    }
    Ok(())
}
