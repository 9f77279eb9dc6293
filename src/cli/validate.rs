use std::path::PathBuf;

use terrasim::market::{Audit, AuditBands, merge_assumptions};
use terrasim::optimize::Org;

use super::common::{load, print, warn};
use super::error::CliError;

/// Options of `terrasim validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Audit this plan (account id, owner id: an edited plan.csv, an export) instead of the scenario's
    /// current one. Owners may be the scenario's hires.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Audit the plan a change file makes (a `salesforce_update.csv` or `hubspot_companies.csv`, or any
    /// account id, owner file naming only the accounts that move): the current plan, or --plan's, with its
    /// rows applied.
    #[arg(long)]
    changes: Option<PathBuf>,
    /// Print the audit as JSON instead of tables (with the run's `assumptions`).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let (scenario, market) = load(&args.scenario)?;
    let mut assumptions = terrasim::scenario::declared(&scenario, &market);
    // The org optimize plans in: the scenario's hires are reps of it (with empty books in the current plan),
    // an edited plan may give them accounts, and the optimizer's bands are measured in it.
    let spec = terrasim::scenario::OptimizeSpec {
        continuity_budget: 1.0,
        ..scenario.optimize.clone().unwrap_or_default()
    };
    let org = Org::new(&scenario, &market, &spec)
        .map_err(|source| CliError::Org { file: scenario.source.clone(), source })?;
    let edited = match &args.plan {
        None => None,
        Some(path) => {
            let (plan, notes) = terrasim::io::load_plan_declared(path, &scenario, &org.market)?;
            merge_assumptions(&mut assumptions, notes);
            Some(plan)
        }
    };
    let edited = match &args.changes {
        None => edited,
        Some(path) => {
            let base = edited.as_ref().unwrap_or(org.market.plan());
            let (plan, notes) = terrasim::io::load_plan_changes_declared(path, &scenario, &org.market, base)?;
            merge_assumptions(&mut assumptions, notes);
            Some(plan)
        }
    };
    warn(&assumptions);
    let (audited_scenario, audited_market, plan) = match &edited {
        Some(plan) if org.uses_added_reps(plan) => (&org.scenario, &org.market, plan),
        Some(plan) => (&scenario, &market, plan),
        None => (&scenario, &market, market.plan()),
    };
    // The bands as optimize counts them, on the same plan over the org's reps.
    let optimizer_bands =
        terrasim::optimize::plan_balance(&org, edited.as_ref().unwrap_or(org.market.plan()));
    let hours = terrasim::scenario::workload_hours(audited_scenario, audited_market, plan);
    let bands = scenario.optimize.as_ref().map_or_else(AuditBands::default, |o| AuditBands {
        potential_tolerance: o.potential_band,
        workload_tolerance: o.workload_band,
    });
    let audit = Audit::compute(audited_market, plan, &hours, &scenario.segmentation.hierarchy, bands);
    // Continuity of an edited plan: the accounts it gives another owner than the current plan does.
    let moved = edited
        .as_ref()
        .map(|plan| (0..plan.len()).filter(|&a| plan.owner(a) != org.market.plan().owner(a)).count());
    if args.json {
        let json = terrasim::contract::ValidateOutput {
            audit: &audit,
            plan: args.plan.as_ref().map(|p| p.display().to_string()),
            changes: args.changes.as_ref().map(|p| p.display().to_string()),
            moved_from_current: moved,
            optimizer_bands: &optimizer_bands,
            assumptions: &assumptions,
        };
        print(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
    } else {
        let declared = if assumptions.is_empty() {
            String::new()
        } else {
            format!(" ({} defaults declared above)", assumptions.len())
        };
        let what = match (&args.plan, &args.changes) {
            (Some(plan), Some(changes)) => format!(
                "valid plan {} with changes {} for scenario \"{}\"",
                plan.display(),
                changes.display(),
                scenario.name
            ),
            (Some(path), None) => format!("valid plan {} for scenario \"{}\"", path.display(), scenario.name),
            (None, Some(path)) => {
                format!(
                    "valid changes {} to the current plan of scenario \"{}\"",
                    path.display(),
                    scenario.name
                )
            }
            (None, None) => format!("valid scenario \"{}\"", scenario.name),
        };
        print(&format!("{}: {what}{declared}\n\n", args.scenario.display()))?;
        print(&terrasim::report::audit_summary(&audit))?;
        print(&terrasim::report::optimizer_bands_summary(&optimizer_bands, &spec))?;
        if let Some(moved) = moved {
            print(&format!(
                "\ncontinuity: {moved} of {} accounts ({:.1}%) have another owner than in the current plan\n",
                plan.len(),
                100.0 * moved as f64 / plan.len().max(1) as f64
            ))?;
        }
    }
    Ok(())
}
