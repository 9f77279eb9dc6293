//! What the subcommands share: loading a scenario and its market, the progress bar, user errors.

use std::fmt;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use terrasim::market::Market;
use terrasim::scenario::Scenario;

/// An error in the user's input: reported without a backtrace, exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Wraps any library error about the user's input.
pub fn user(e: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(UserError(e.to_string()))
}

/// Loads a scenario and its market, with every check.
pub fn load(path: &Path) -> anyhow::Result<(Scenario, Market)> {
    let scenario = terrasim::io::load_scenario(path).map_err(user)?;
    let market = terrasim::io::load_market(&scenario).map_err(user)?;
    // Compiling checks the events against the market (departures, hires, reassignments).
    terrasim::scenario::compile(&scenario, &market, market.plan(), None)
        .map_err(|e| user(format!("{}: {e}", scenario.source.display())))?;
    Ok((scenario, market))
}

/// A progress bar on stderr for `total` trials; hidden with `--quiet` or when stderr is not a terminal.
pub fn progress(total: u64, label: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} trials ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// The options of every Monte Carlo command.
#[derive(Debug, clap::Args)]
pub struct RunOptions {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Trials (default: the scenario's).
    #[arg(long)]
    pub trials: Option<u32>,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: every core). Results are identical for any value.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: results/<scenario file name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary table.
    #[arg(long, short)]
    pub quiet: bool,
}

impl RunOptions {
    /// Checks the counts, loads the scenario and its market, and applies `--seed`; returns the trial count.
    pub fn load(&self) -> anyhow::Result<(Scenario, Market, u64)> {
        if self.trials == Some(0) {
            return Err(user("--trials must be at least 1"));
        }
        if self.threads == Some(0) {
            return Err(user("--threads must be at least 1 (omit it to use every core)"));
        }
        let (mut scenario, market) = load(&self.scenario)?;
        if let Some(seed) = self.seed {
            scenario.seed = seed;
        }
        let trials = u64::from(self.trials.unwrap_or(scenario.trials));
        Ok((scenario, market, trials))
    }

    /// The output folder: `--out`, or `results/<scenario file stem>`.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            let stem =
                self.scenario.file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
            PathBuf::from("results").join(stem)
        })
    }
}
