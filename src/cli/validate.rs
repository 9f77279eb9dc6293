use std::path::PathBuf;

use terrasim::market::{Audit, AuditBands};

use super::common::{load, print, warn};
use super::error::CliError;

/// Options of `terrasim validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Print the audit as JSON instead of tables (with the run's `assumptions`).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let (scenario, market) = load(&args.scenario)?;
    let assumptions = terrasim::scenario::declared(&scenario, &market);
    warn(&assumptions);
    let hours = terrasim::scenario::workload_hours(&scenario, &market, market.plan());
    let bands = scenario.optimize.as_ref().map_or_else(AuditBands::default, |o| AuditBands {
        potential_tolerance: o.potential_band,
        workload_tolerance: o.workload_band,
    });
    let audit = Audit::compute(&market, market.plan(), &hours, &scenario.segmentation.hierarchy, bands);
    if args.json {
        let mut json = serde_json::to_value(&audit)?;
        if let Some(fields) = json.as_object_mut() {
            fields.insert("assumptions".into(), serde_json::to_value(&assumptions)?);
        }
        print(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
    } else {
        let declared = if assumptions.is_empty() {
            String::new()
        } else {
            format!(" ({} defaults declared above)", assumptions.len())
        };
        print(&format!("{}: valid scenario \"{}\"{declared}\n\n", args.scenario.display(), scenario.name))?;
        print(&terrasim::report::audit_summary(&audit))?;
    }
    Ok(())
}
