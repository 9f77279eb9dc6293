use std::path::PathBuf;

use terrasim::market::{Audit, AuditBands};

use super::common::load;

/// Options of `terrasim validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Print the audit as JSON instead of tables.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let (scenario, market) = load(&args.scenario)?;
    let hours = terrasim::scenario::workload_hours(&scenario, &market, market.plan());
    let bands = scenario.optimize.as_ref().map_or_else(AuditBands::default, |o| AuditBands {
        potential_tolerance: o.potential_band,
        workload_tolerance: o.workload_band,
    });
    let audit = Audit::compute(&market, market.plan(), &hours, &scenario.segmentation.hierarchy, bands);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&audit)?);
    } else {
        println!("{}: valid scenario \"{}\"\n", args.scenario.display(), scenario.name);
        print!("{}", terrasim::report::audit_summary(&audit));
    }
    Ok(())
}
