use anyhow::Context;
use terrasim::io::AtomicDir;
use terrasim::scenario::Shock;
use terrasim::sim::compare::{ShockComparison, StressResult, paired_differences};
use terrasim::sim::{Headline, headline};

use super::common::{RunOptions, progress, user};

pub fn run(run: &RunOptions) -> anyhow::Result<()> {
    let (scenario, market, trials) = run.load()?;
    let shocks = if scenario.shocks.is_empty() {
        terrasim::scenario::default_shocks(&market)
    } else {
        scenario.shocks.clone()
    };
    let runs = 1 + shocks.len() as u64;
    let bar = progress(trials * runs, "stress", run.quiet);
    let run_one = |shock: Option<&Shock>| -> anyhow::Result<Vec<Headline>> {
        let model = terrasim::scenario::compile(&scenario, &market, market.plan(), shock).map_err(user)?;
        let outcomes = terrasim::sim::run_trials(&model, trials, run.threads, &|n| bar.inc(n))?;
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
    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    out.add("stress.json", serde_json::to_vec_pretty(&result)?);
    out.commit().with_context(|| format!("cannot write {}", dir.display()))?;
    if !run.quiet {
        print!("{}", terrasim::report::stress_summary(&result));
        println!("\nwrote {}/stress.json", dir.display());
    }
    Ok(())
}
