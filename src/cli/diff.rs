use std::path::{Path, PathBuf};

use terrasim::io::AtomicDir;
use terrasim::market::{Assumption, DIFF_SCHEMA_VERSION, DiffResult, PlanDiff, merge_assumptions};
use terrasim::optimize::Org;

use super::common::{Destination, RunFacts, commit_run, load, print, warn};
use super::error::CliError;

/// Rows of moves printed; every move is in review.csv.
const PRINTED_MOVES: usize = 40;

/// Options of `terrasim diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan the change starts from (account id, owner id: a candidate's plan.csv, an export, an edit).
    plan_a: PathBuf,
    /// The plan it goes to.
    plan_b: PathBuf,
    /// The scenario whose market both plans are of (TOML).
    #[arg(long)]
    scenario: PathBuf,
    /// Output folder for the change files, replaced as a whole: it must be new, empty, or an earlier terrasim
    /// output (default: a new folder results/<scenario file name>/<start time>-diff for each run).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No table of moves (the summary and warnings are still printed).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let start = std::time::SystemTime::now();
    let destination = Destination::of(args.out.as_deref(), &args.scenario, start);
    destination.check()?;
    let (scenario, market) = load(&args.scenario)?;
    // The org gives plans the scenario's hires as owners, as compare does; nothing is searched, so the
    // continuity budget does not bind.
    let spec = terrasim::scenario::OptimizeSpec {
        continuity_budget: 1.0,
        ..scenario.optimize.clone().unwrap_or_default()
    };
    let org = Org::new(&scenario, &market, &spec)
        .map_err(|source| CliError::Org { file: scenario.source.clone(), source })?;
    let mut assumptions = terrasim::scenario::declared(&scenario, &market);
    let (plan_a, notes) = terrasim::io::load_plan_declared(&args.plan_a, &scenario, &org.market)?;
    merge_assumptions(&mut assumptions, notes);
    let (plan_b, notes) = terrasim::io::load_plan_declared(&args.plan_b, &scenario, &org.market)?;
    merge_assumptions(&mut assumptions, notes);

    let diff = PlanDiff::between(&org.market, &plan_a, &plan_b, &leaving(&scenario, &org), &org.added);
    let mut out = AtomicDir::new(&destination.planned());
    let notes =
        terrasim::io::stage_change_files(&mut out, "", &org.market, &diff, &scenario.segmentation.hierarchy);
    merge_assumptions(&mut assumptions, notes);
    let files: Vec<String> = out.staged().iter().map(|(name, _)| name.clone()).collect();
    let result = DiffResult {
        schema_version: DIFF_SCHEMA_VERSION,
        scenario: scenario.name.clone(),
        plan_a: args.plan_a.display().to_string(),
        plan_b: args.plan_b.display().to_string(),
        summary: diff.summary(),
        files: files.clone(),
        assumptions: assumptions.clone(),
    };
    out.add("diff.json", serde_json::to_vec_pretty(&result)?);
    warn(&assumptions);
    let dir = commit_run(out, &destination, &args.scenario, start, RunFacts::default())?;

    let (a, b) = (name(&args.plan_a), name(&args.plan_b));
    let limit = if args.quiet { 0 } else { PRINTED_MOVES };
    let mut text = terrasim::report::diff_summary(&org.market, &diff, &a, &b, limit);
    text.push_str(&format!("wrote {}/{} and diff.json\n", dir.display(), files.join(", ")));
    let refused: Vec<&Assumption> = assumptions.iter().filter(|a| a.code.starts_with("crm_")).collect();
    if !refused.is_empty() {
        text.push_str("see the warnings above for what the CRM files leave out\n");
    }
    print(&text)
}

/// Reps who leave within the horizon (an end month in the reps file, a departure event, a removal of the
/// optimize spec), by org rep index.
fn leaving(scenario: &terrasim::scenario::Scenario, org: &Org) -> Vec<bool> {
    org.market
        .reps()
        .iter()
        .enumerate()
        .map(|(r, rep)| {
            org.removed[r]
                || rep.end_month.is_some_and(|e| e <= scenario.horizon_months)
                || scenario.events.departure.iter().any(|d| d.rep == rep.id)
        })
        .collect()
}

/// A plan's name in the table: its path as given (`geographic/plan.csv` says more than `plan.csv`).
fn name(path: &Path) -> String {
    path.display().to_string()
}
