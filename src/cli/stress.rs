use terrasim::io::AtomicDir;
use terrasim::sim::Headline;
use terrasim::sim::compare::{
    PairedRun, RunBreakdown, STRESS_SCHEMA_VERSION, ShockComparison, StressResult, breakdown,
    paired_differences, run_paired,
};
use terrasim::sim::model::Model;

use super::common::{RunOptions, check_run_size, compile, print, progress, warn};
use super::error::CliError;

pub fn run(run: &RunOptions) -> Result<(), CliError> {
    let (scenario, market, trials) = run.load()?;
    let shocks = if scenario.shocks.is_empty() {
        terrasim::scenario::default_shocks(&market)
    } else {
        scenario.shocks.clone()
    };
    // No run keeps whole outcomes: the baseline and each shock keep per trial their headlines and per-rep
    // and per-segment figures, for the pairing.
    let base_model = compile(&scenario, &market, market.plan(), None)?;
    check_run_size(&base_model, trials, 1 + shocks.len() as u64, &run.trials_flag())?;
    let assumptions = terrasim::scenario::declared_for_stress(&scenario, &market);
    warn(&assumptions);
    let runs = 1 + shocks.len() as u64;
    let bar = progress(trials * runs, "stress", run.quiet);
    let run_one = |model: &Model| -> Result<(Vec<Headline>, RunBreakdown), CliError> {
        let PairedRun { headlines, breakdown } = run_paired(model, trials, run.threads, &|n| bar.inc(n))?;
        Ok((headlines, breakdown))
    };
    let (baseline, base_breakdown) = run_one(&base_model)?;
    let mut comparisons = Vec::new();
    for shock in &shocks {
        let (shocked, shocked_breakdown) =
            run_one(&compile(&scenario, &market, market.plan(), Some(shock))?)?;
        comparisons.push(ShockComparison {
            name: shock.name.clone(),
            differences: paired_differences(&baseline, &shocked),
            breakdown: breakdown(&base_breakdown, &shocked_breakdown),
        });
    }
    bar.finish_and_clear();
    let result = StressResult {
        schema_version: STRESS_SCHEMA_VERSION,
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        trials,
        shocks: comparisons,
        assumptions,
    };
    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    out.add("stress.json", serde_json::to_vec_pretty(&result)?);
    let runs: Vec<(&str, &_)> = result.shocks.iter().map(|s| (s.name.as_str(), &s.breakdown)).collect();
    for (name, bytes) in terrasim::report::breakdown_tables("shock", "baseline", &runs) {
        out.add(name, bytes);
    }
    let dir = run.commit(out, scenario.seed, trials)?;
    if !run.quiet {
        print(&terrasim::report::stress_summary(&result))?;
        print(&terrasim::report::winners_and_losers("the baseline", &runs))?;
        print(&format!("\nwrote {}/stress.json, rep_deltas.csv and segment_deltas.csv\n", dir.display()))?;
    }
    Ok(())
}
