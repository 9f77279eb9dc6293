use std::path::PathBuf;

use anyhow::Context;
use terrasim::io::AtomicDir;
use terrasim::optimize::{Evaluation, Org, evaluate};
use terrasim::sim::compare::paired_differences;

use super::common::{RunOptions, load, progress, user};

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

pub fn run(args: &Args) -> anyhow::Result<()> {
    let run = &args.run;
    if args.plans.is_empty() && args.variants.is_empty() {
        return Err(user(
            "give at least one --plan FILE or --variant SCENARIO to compare with the current plan",
        ));
    }
    let (scenario, market, trials) = run.load()?;
    let spec = scenario.optimize.clone().unwrap_or_default();
    let org = Org::new(&scenario, &market, &spec)
        .map_err(|e| user(format!("{}: {e}", scenario.source.display())))?;
    let runs = 1 + args.plans.len() + args.variants.len();
    let bar = progress(trials * runs as u64, "compare", run.quiet);
    let tick = |n| bar.inc(n);

    let mut names = vec!["current plan".to_string()];
    let mut evals: Vec<Evaluation> =
        vec![evaluate(&scenario, &market, market.plan(), trials, run.threads, &tick).map_err(user)?];
    for path in &args.plans {
        let plan = terrasim::io::load_plan(path, &scenario, &org.market).map_err(user)?;
        // A plan that gives accounts to hires runs in the org; any other in the scenario as written.
        let eval = if org.uses_added_reps(&plan) {
            evaluate(&org.scenario, &org.market, &plan, trials, run.threads, &tick)
        } else {
            evaluate(&scenario, &market, &plan, trials, run.threads, &tick)
        };
        evals.push(eval.map_err(|e| user(format!("{}: {e}", path.display())))?);
        names.push(path.display().to_string());
    }
    for path in &args.variants {
        let (mut variant, variant_market) = load(path)?;
        variant.seed = scenario.seed;
        evals.push(
            evaluate(&variant, &variant_market, variant_market.plan(), trials, run.threads, &tick)
                .map_err(|e| user(format!("{}: {e}", path.display())))?,
        );
        names.push(path.display().to_string());
    }
    bar.finish_and_clear();
    let diffs: Vec<_> = evals.iter().map(|e| paired_differences(&evals[0].headlines, &e.headlines)).collect();
    let result = serde_json::json!({
        "schema_version": 1,
        "scenario": scenario.name,
        "seed": scenario.seed,
        "trials": trials,
        "reference": names[0],
        "plans": names.iter().zip(&diffs).map(|(n, d)| serde_json::json!({"name": n, "figures": d})).collect::<Vec<_>>(),
    });
    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    out.add("compare.json", serde_json::to_vec_pretty(&result)?);
    out.commit().with_context(|| format!("cannot write {}", dir.display()))?;
    if !run.quiet {
        print!("{}", terrasim::report::compare_summary(&scenario.name, trials, &names, &diffs));
        println!("\nwrote {}/compare.json", dir.display());
    }
    Ok(())
}
