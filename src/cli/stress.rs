use terrasim::io::AtomicDir;
use terrasim::sim::compare::{ShockComparison, StressResult, paired_differences};
use terrasim::sim::model::Model;
use terrasim::sim::{Headline, headline};

use super::common::{RunOptions, check_run_size, compile, print, progress, warn};
use super::error::CliError;

pub fn run(run: &RunOptions) -> Result<(), CliError> {
    let (scenario, market, trials) = run.load()?;
    let shocks = if scenario.shocks.is_empty() {
        terrasim::scenario::default_shocks(&market)
    } else {
        scenario.shocks.clone()
    };
    // One run's outcomes are held at a time; the others keep only their headlines.
    let base_model = compile(&scenario, &market, market.plan(), None)?;
    check_run_size(&base_model, trials, &run.trials_flag())?;
    let assumptions = terrasim::scenario::declared_for_stress(&scenario, &market);
    warn(&assumptions);
    let runs = 1 + shocks.len() as u64;
    let bar = progress(trials * runs, "stress", run.quiet);
    let run_one = |model: &Model| -> Result<Vec<Headline>, CliError> {
        let outcomes = terrasim::sim::run_trials(model, trials, run.threads, &|n| bar.inc(n))?;
        Ok(outcomes.iter().map(|o| headline(model, o)).collect())
    };
    let baseline = run_one(&base_model)?;
    let mut comparisons = Vec::new();
    for shock in &shocks {
        let shocked = run_one(&compile(&scenario, &market, market.plan(), Some(shock))?)?;
        comparisons.push(ShockComparison {
            name: shock.name.clone(),
            differences: paired_differences(&baseline, &shocked),
        });
    }
    bar.finish_and_clear();
    let result = StressResult {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        trials,
        shocks: comparisons,
        assumptions,
    };
    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    out.add("stress.json", serde_json::to_vec_pretty(&result)?);
    let dir = run.commit(out, scenario.seed, trials)?;
    if !run.quiet {
        print(&terrasim::report::stress_summary(&result))?;
        print(&format!("\nwrote {}/stress.json\n", dir.display()))?;
    }
    Ok(())
}
