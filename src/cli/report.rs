use std::path::{Path, PathBuf};

use terrasim::io::{Manifest, ReportError, read_result_set, report_target, write_report};
use terrasim::market::Assumption;
use terrasim::report::html::{MarketView, render};

use super::common::{load, print, warn};
use super::error::CliError;

/// Options of `terrasim report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A result folder written by simulate, stress, compare, optimize or backtest.
    result_dir: PathBuf,
    /// Where to write the report (default: report.html in the result folder, added to its output set).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// The scenario the result was run on: adds the map of books, the book-balance table, the hires,
    /// departures and backfills, and account names (default: the scenario the folder's manifest.json names,
    /// when it and its input files are unchanged since the run).
    #[arg(long, value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let dir = &args.result_dir;
    let target = report_target(dir, args.output.as_deref())?;
    let scenario = match &args.scenario {
        Some(path) => Some(path.clone()),
        None => manifest_scenario(dir),
    };
    let set = read_result_set(dir, scenario.is_some())?;
    let market = scenario.as_deref().map(|path| market_view(path, set.scenario())).transpose()?;
    let html = render(&set, market.as_ref(), &dir.display().to_string());
    let written = write_report(dir, &target, html.as_bytes())
        .map_err(|source| CliError::Output { dir: dir.clone(), source })?;
    if !args.quiet {
        print(&format!("wrote the {} report {}\n", set.kind(), written.display()))?;
    }
    Ok(())
}

/// The scenario's market as the report shows it, refused when it is not the scenario the result ran on.
fn market_view(path: &Path, result_scenario: &str) -> Result<MarketView, CliError> {
    let (scenario, market) = load(path)?;
    if scenario.name != result_scenario {
        return Err(ReportError::ScenarioMismatch {
            file: path.to_path_buf(),
            scenario: scenario.name,
            result: result_scenario.to_string(),
        }
        .into());
    }
    Ok(MarketView::new(&scenario, &market, &path.display().to_string()))
}

/// The scenario file that `dir`'s manifest names, when it and every input file of the run hash as they
/// did in the run. A scenario moved away, or any file changed since (today's books beside the run's
/// figures), is warned about and left out: the user may still pass it with --scenario.
fn manifest_scenario(dir: &Path) -> Option<PathBuf> {
    let run = Manifest::read(dir)?.run?;
    let path = run.locate(run.scenario.as_deref()?);
    let changed = run.changed_inputs();
    if changed.is_empty() {
        return Some(path);
    }
    let what = if path.is_file() {
        format!(
            "{} changed since the run (its SHA-256 is not the one in {}/manifest.json)",
            changed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            dir.display()
        )
    } else {
        format!(
            "{}/manifest.json names the scenario {}, which is not there (moved?)",
            dir.display(),
            path.display()
        )
    };
    warn(&[Assumption::new(
        "scenario_changed",
        "report",
        format!(
            "{what}; the report leaves out the map, the book balance and the names rather than show other files \
             beside the run's figures: pass --scenario FILE to add them"
        ),
    )]);
    None
}
