use std::path::{Path, PathBuf};

use terrasim::io::{ReportError, read_result_set, report_target, write_report};
use terrasim::report::html::{MarketView, render};

use super::common::{load, print};
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
    /// departures and backfills, and account names (the result files do not name their scenario).
    #[arg(long, value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let dir = &args.result_dir;
    let target = report_target(dir, args.output.as_deref())?;
    let set = read_result_set(dir, args.scenario.is_some())?;
    let market = args.scenario.as_deref().map(|path| market_view(path, set.scenario())).transpose()?;
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
