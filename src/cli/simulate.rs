use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use terrasim::io::AtomicDir;

use super::common::{check_counts, load, out_dir, progress, user};

/// Options of `terrasim simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Trials (default: the scenario's).
    #[arg(long)]
    trials: Option<u32>,
    /// Seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core). Results are identical for any value.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder (default: results/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar and no summary table.
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
    let model = terrasim::scenario::compile(&scenario, &market, market.plan(), None).map_err(user)?;
    let started = Instant::now();
    let bar = progress(trials, "simulate", args.quiet);
    let outcomes = terrasim::sim::run_trials(&model, trials, args.threads, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let result = terrasim::sim::aggregate(&model, &scenario.name, None, &outcomes);

    let dir = out_dir(args.out.as_deref(), &args.scenario);
    let mut out = AtomicDir::new(&dir);
    out.add("result.json", serde_json::to_vec_pretty(&result)?);
    for (name, bytes) in terrasim::report::sim_tables(&result) {
        out.add(name, bytes);
    }
    // Host facts and timings live apart from result.json so that the result stays bit-identical.
    let run_info = serde_json::json!({
        "terrasim_version": env!("CARGO_PKG_VERSION"),
        "wall_seconds": elapsed.as_secs_f64(),
        "threads": args.threads.unwrap_or_else(rayon::current_num_threads),
        "trials": trials,
    });
    out.add("run.json", serde_json::to_vec_pretty(&run_info)?);
    out.commit().with_context(|| format!("cannot write the results to {}", dir.display()))?;

    if !args.quiet {
        print!("{}", terrasim::report::sim_summary(&result));
        println!(
            "\n{} trials in {:.2} s; wrote {}/result.json and CSV tables",
            trials,
            elapsed.as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}
