use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use terrasim::io::AtomicDir;
use terrasim::market::Market;
use terrasim::scenario::Scenario;

use super::common::{load, user};

/// The inputs `calibrate` and `backtest` share: the history and the scenario it belongs to.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Opportunity history CSV (default: the scenario's `data.history`).
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Scenario file (TOML) whose market the history belongs to.
    #[arg(long)]
    pub scenario: PathBuf,
}

impl HistoryArgs {
    /// Loads the scenario and its market, and resolves the history file.
    pub fn load(&self) -> anyhow::Result<(Scenario, Market, PathBuf)> {
        let (scenario, market) = load(&self.scenario)?;
        let history = history_path(self.history.as_deref(), &scenario)?;
        Ok((scenario, market, history))
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: HistoryArgs,
    /// Params file to write (default: results/<scenario file name>/params.toml); its diagnostics go next to
    /// it as <name>.diagnostics.json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No diagnostics table.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The history file: `--history`, or the scenario's `data.history`.
fn history_path(history: Option<&Path>, scenario: &Scenario) -> anyhow::Result<PathBuf> {
    match (history, &scenario.data.history) {
        (Some(p), _) => Ok(p.to_path_buf()),
        (None, Some(p)) => Ok(scenario.resolve_path(p)),
        (None, None) => Err(user(format!(
            "no opportunity history: pass --history OPPS.csv, or set history = \"...\" under [data] in {}",
            scenario.source.display()
        ))),
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let (scenario, market, history_file) = args.input.load()?;
    let started = Instant::now();
    let history = terrasim::io::load_history(&history_file, &scenario, &market).map_err(user)?;
    let calibration = terrasim::calibrate::calibrate(&history, &market, &scenario)
        .map_err(|e| user(format!("{}: {e}", history_file.display())))?;
    let elapsed = started.elapsed();

    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .input
            .scenario
            .file_stem()
            .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("results").join(stem).join("params.toml")
    });
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).context("--out must name a file")?;
    let stem = out.file_stem().map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
    let d = &calibration.diagnostics;
    let header = format!(
        "# Written by `terrasim calibrate` from {} ({} to {}, {} opportunities).\n\
         # Include it in a scenario with include_params = [\"{}\"]; the scenario's own [params] still win.\n\n",
        history_file.display(),
        d.first_month,
        d.last_month,
        d.opportunities,
        name
    );
    let toml = toml::to_string(&calibration.params).context("cannot serialise the params file")?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut files = AtomicDir::new(dir);
    files.add(&name, format!("{header}{toml}").into_bytes());
    files.add(&format!("{stem}.diagnostics.json"), serde_json::to_vec_pretty(d)?);
    files.commit().with_context(|| format!("cannot write {}", out.display()))?;

    if !args.quiet {
        print!("{}", terrasim::report::calibration_summary(d));
        println!(
            "\nCalibrated in {:.2} s; wrote {} and {}.diagnostics.json",
            elapsed.as_secs_f64(),
            out.display(),
            stem
        );
    }
    Ok(())
}
