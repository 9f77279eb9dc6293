//! What the subcommands share: loading a scenario and its market, declaring its defaults, checking a run's
//! size, the progress bar, and writing to a stdout that may close early.

use std::io::Write;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use terrasim::market::{Assumption, Market};
use terrasim::scenario::Scenario;
use terrasim::sim::model::Model;

use super::error::{CliError, usage};

/// Loads a scenario and its market, with every check.
pub fn load(path: &Path) -> Result<(Scenario, Market), CliError> {
    let scenario = terrasim::io::load_scenario(path)?;
    let market = terrasim::io::load_market(&scenario)?;
    // Compiling checks the events against the market (departures, hires, reassignments).
    compile(&scenario, &market, market.plan(), None)?;
    Ok((scenario, market))
}

/// Compiles `scenario` on `market` with `plan`, naming the scenario file in an error.
pub fn compile(
    scenario: &Scenario,
    market: &Market,
    plan: &terrasim::market::Plan,
    shock: Option<&terrasim::scenario::Shock>,
) -> Result<Model, CliError> {
    terrasim::scenario::compile(scenario, market, plan, shock)
        .map_err(|source| CliError::Compile { file: scenario.source.clone(), source })
}

/// Prints what a run rests on that is not the user's data, one `warning:` line each on stderr. Printed even
/// with `--quiet`: a figure is never to be read without what it assumed.
pub fn warn(assumptions: &[Assumption]) {
    let mut err = std::io::stderr().lock();
    for a in assumptions {
        let _ = writeln!(err, "warning: {a}");
    }
}

/// Writes `text` to stdout. A reader that closed early (`terrasim ... | head`) is not an error: the rest is
/// dropped, and the outputs, written before, stand. Any other failure (a full disk under `> file`) is.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Stdout(e)),
        _ => Ok(()),
    }
}

/// More worker threads than this only add overhead: results are identical for any count.
const MAX_THREADS: usize = 256;

/// Above this, a run's outcomes are worth a warning.
const LARGE_RUN_BYTES: u64 = 1 << 30;

/// Refuses a run whose outcomes would not fit in the memory available (with the estimate and the largest
/// trial count that fits), and warns about one above 1 GiB. `flag` is how the user sets the trials.
pub fn check_run_size(model: &Model, trials: u64, flag: &str) -> Result<(), CliError> {
    let per_trial = terrasim::sim::outcome_bytes(model);
    let bytes = per_trial.saturating_mul(trials);
    let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
    if let Some(available) = available_memory() {
        // Half the available memory: aggregation sorts copies of the per-rep figures.
        if bytes > available / 2 {
            return Err(CliError::TooLarge(format!(
                "{trials} trials would hold about {:.1} GiB of outcomes ({per_trial} bytes each for {} reps × {} \
                 months), more than half the {:.1} GiB of memory available; use at most {} trials ({flag})",
                gib(bytes),
                model.reps.len(),
                model.horizon,
                gib(available),
                available / 2 / per_trial.max(1)
            )));
        }
    }
    if bytes > LARGE_RUN_BYTES {
        warn(&[Assumption::new(
            "large_run",
            "trials",
            format!("{trials} trials will hold about {:.1} GiB of outcomes in memory", gib(bytes)),
        )]);
    }
    Ok(())
}

/// `MemAvailable` of `/proc/meminfo`, where there is one.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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

/// Refuses, before any work, an output folder that the set could not replace (a file, a folder of the
/// user's own files).
pub fn check_out(dir: &Path) -> Result<(), CliError> {
    terrasim::io::check_output_dir(dir).map_err(|source| CliError::Output { dir: dir.to_path_buf(), source })
}

/// Writes a staged output set, naming the folder in an error.
pub fn commit(out: terrasim::io::AtomicDir, dir: &Path) -> Result<(), CliError> {
    out.commit().map_err(|source| CliError::Output { dir: dir.to_path_buf(), source })?;
    Ok(())
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
    /// Output folder (default: results/<scenario file name>). It is replaced as a whole: it must be new,
    /// empty, or an earlier terrasim output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary table (warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

impl RunOptions {
    /// Checks the counts and the output folder, loads the scenario and its market, and applies `--seed`;
    /// returns the trial count.
    pub fn load(&self) -> Result<(Scenario, Market, u64), CliError> {
        if self.trials == Some(0) {
            return Err(usage("--trials must be at least 1"));
        }
        if self.threads == Some(0) {
            return Err(usage("--threads must be at least 1 (omit it to use every core)"));
        }
        if let Some(n) = self.threads.filter(|&n| n > MAX_THREADS) {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            return Err(usage(format!(
                "--threads {n} is more than {MAX_THREADS}; this machine has {cores} cores and results are \
                 identical for any count, so omit it (every core) or give at most {cores}"
            )));
        }
        check_out(&self.out_dir())?;
        let (mut scenario, market) = load(&self.scenario)?;
        if let Some(seed) = self.seed {
            scenario.seed = seed;
        }
        let trials = u64::from(self.trials.unwrap_or(scenario.trials));
        Ok((scenario, market, trials))
    }

    /// How the user sets the trial count, for messages.
    pub fn trials_flag(&self) -> String {
        format!("--trials, or trials = ... in {}", self.scenario.display())
    }

    /// The output folder: `--out`, or `results/<scenario file stem>`.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| results_dir(&self.scenario, ""))
    }
}

/// `results/<scenario file stem><suffix>`: where a command writes without `--out`.
pub fn results_dir(scenario: &Path, suffix: &str) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("results").join(format!("{stem}{suffix}"))
}
