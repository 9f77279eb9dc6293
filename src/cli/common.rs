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

/// The output folder: `--out` or `results/<scenario file stem>`.
pub fn out_dir(out: Option<&Path>, scenario: &Path) -> PathBuf {
    out.map(Path::to_path_buf).unwrap_or_else(|| {
        let stem = scenario.file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("results").join(stem)
    })
}

/// Checks `--trials` and `--threads`.
pub fn check_counts(trials: Option<u32>, threads: Option<usize>) -> anyhow::Result<()> {
    if trials == Some(0) {
        return Err(user("--trials must be at least 1"));
    }
    if threads == Some(0) {
        return Err(user("--threads must be at least 1 (omit it to use every core)"));
    }
    Ok(())
}
