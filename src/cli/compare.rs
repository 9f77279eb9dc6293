use std::path::PathBuf;

use terrasim::io::AtomicDir;
use terrasim::market::merge_assumptions;
use terrasim::market::{Market, Plan};
use terrasim::optimize::{Evaluation, Org};
use terrasim::scenario::Scenario;
use terrasim::sim::compare::{
    COMPARE_SCHEMA_VERSION, CompareResult, PlanComparison, breakdown, paired_differences,
};

use super::common::{RunOptions, check_run_size, compile, load, print, progress, warn};
use super::error::{CliError, usage};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub run: RunOptions,
    /// A plan CSV (account id, owner id) to run on the scenario; repeat for several. Owners may be the
    /// scenario's hires.
    #[arg(long = "plan")]
    pub plans: Vec<PathBuf>,
    /// Another scenario file to run with its own plan and events on the same futures; repeat for several.
    #[arg(long = "variant")]
    pub variants: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let run = &args.run;
    if args.plans.is_empty() && args.variants.is_empty() {
        return Err(usage(
            "give at least one --plan FILE or --variant SCENARIO to compare with the current plan",
        ));
    }
    let (scenario, market, trials) = run.load()?;
    // The org gives plans the scenario's hires as owners; compare searches nothing, so the optimizer's
    // continuity budget (how many accounts a search may move) does not bind the plans it is given.
    let spec = terrasim::scenario::OptimizeSpec {
        continuity_budget: 1.0,
        ..scenario.optimize.clone().unwrap_or_default()
    };
    let org = Org::new(&scenario, &market, &spec)
        .map_err(|source| CliError::Org { file: scenario.source.clone(), source })?;
    // Every input is loaded and checked before the first trial runs.
    let mut plans = Vec::with_capacity(args.plans.len());
    for path in &args.plans {
        plans.push(terrasim::io::load_plan(path, &scenario, &org.market)?);
    }
    let mut variants = Vec::with_capacity(args.variants.len());
    for path in &args.variants {
        let (mut variant, variant_market) = load(path)?;
        // Paired differences compare trial with trial: the futures must be as long.
        if variant.horizon_months != scenario.horizon_months {
            return Err(usage(format!(
                "{} simulates {} months and {} simulates {}: a variant is compared month for month on the same \
                 futures, so give it horizon_months = {}",
                path.display(),
                variant.horizon_months,
                scenario.source.display(),
                scenario.horizon_months,
                scenario.horizon_months
            )));
        }
        variant.seed = scenario.seed;
        variants.push((variant, variant_market));
    }
    let runs = 1 + (plans.len() + variants.len()) as u64;
    check_run_size(&compile(&scenario, &market, market.plan(), None)?, trials, runs, &run.trials_flag())?;
    let mut assumptions = terrasim::scenario::declared(&scenario, &market);
    for (variant, variant_market) in &variants {
        merge_assumptions(&mut assumptions, terrasim::scenario::declared(variant, variant_market));
    }
    warn(&assumptions);

    let runs = 1 + plans.len() + variants.len();
    let bar = progress(trials * runs as u64, "compare", run.quiet);
    let tick = |n| bar.inc(n);
    let mut names = vec!["current plan".to_string()];
    let evaluate = |scenario: &Scenario, market: &Market, plan: &Plan| {
        terrasim::optimize::evaluate(scenario, market, plan, trials, run.threads, &tick)
    };
    let mut evals: Vec<Evaluation> =
        vec![evaluate(&scenario, &market, market.plan()).map_err(|source| failed(&scenario.source, source))?];
    for (path, plan) in args.plans.iter().zip(&plans) {
        // A plan that gives accounts to hires runs in the org; any other in the scenario as written.
        let eval = if org.uses_added_reps(plan) {
            evaluate(&org.scenario, &org.market, plan)
        } else {
            evaluate(&scenario, &market, plan)
        };
        evals.push(eval.map_err(|source| failed(path, source))?);
        names.push(path.display().to_string());
    }
    for (path, (variant, variant_market)) in args.variants.iter().zip(&variants) {
        evals.push(
            evaluate(variant, variant_market, variant_market.plan())
                .map_err(|source| failed(path, source))?,
        );
        names.push(path.display().to_string());
    }
    bar.finish_and_clear();
    let diffs: Vec<_> = evals.iter().map(|e| paired_differences(&evals[0].headlines, &e.headlines)).collect();
    let breakdowns = evals.iter().map(|e| breakdown(&evals[0].breakdown, &e.breakdown));
    let result = CompareResult {
        schema_version: COMPARE_SCHEMA_VERSION,
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        trials,
        reference: names[0].clone(),
        plans: names
            .iter()
            .zip(&diffs)
            .zip(breakdowns)
            .map(|((name, figures), breakdown)| PlanComparison {
                name: name.clone(),
                figures: figures.clone(),
                breakdown,
            })
            .collect(),
        assumptions,
    };
    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    out.add("compare.json", serde_json::to_vec_pretty(&result)?);
    // The reference against itself is all zeros: the tables hold the plans compared with it.
    let runs: Vec<(&str, &_)> = result.plans[1..].iter().map(|p| (p.name.as_str(), &p.breakdown)).collect();
    for (name, bytes) in terrasim::report::breakdown_tables("plan", "reference", &runs) {
        out.add(name, bytes);
    }
    let dir = run.commit(out, scenario.seed, trials)?;
    if !run.quiet {
        print(&terrasim::report::compare_summary(&scenario.name, trials, &names, &diffs))?;
        print(&terrasim::report::winners_and_losers(&result.reference, &runs))?;
        print(&format!("\nwrote {}/compare.json, rep_deltas.csv and segment_deltas.csv\n", dir.display()))?;
    }
    Ok(())
}

fn failed(file: &std::path::Path, source: terrasim::optimize::EvaluateError) -> CliError {
    CliError::Evaluate { file: file.to_path_buf(), source }
}
