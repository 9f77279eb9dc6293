//! What the subcommands share: loading a scenario and its market, declaring its defaults, checking a run's
//! size, the progress bar, writing to a stdout that may close early, and where a run's outputs go, with
//! its manifest.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

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

/// Refuses a paired run (stress, compare, optimize) whose per-trial figures would not fit in the memory
/// available (with the estimate and the largest trial count that fits), and warns about one above 1 GiB.
/// `runs` is how many runs of `model`'s shape are held at once (the plans or shocks and the baseline); `flag`
/// is how the user sets the trials. `simulate` streams its statistics and holds nothing per trial.
pub fn check_run_size(model: &Model, trials: u64, runs: u64, flag: &str) -> Result<(), CliError> {
    let per_trial = terrasim::sim::compare::paired_bytes(model).saturating_mul(runs.max(1));
    let bytes = per_trial.saturating_mul(trials);
    let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
    if let Some(available) = available_memory() {
        // Half the available memory: aggregation sorts copies of the per-rep figures.
        if bytes > available / 2 {
            return Err(CliError::TooLarge(format!(
                "{trials} trials would hold about {:.1} GiB of per-trial figures ({per_trial} bytes a trial for {runs} \
                 paired runs of {} reps), more than half the {:.1} GiB of memory available; use at most {} trials \
                 ({flag})",
                gib(bytes),
                model.reps.len(),
                gib(available),
                available / 2 / per_trial.max(1)
            )));
        }
    }
    if bytes > LARGE_RUN_BYTES {
        warn(&[Assumption::new(
            "large_run",
            "trials",
            format!("{trials} trials will hold about {:.1} GiB of per-trial figures in memory", gib(bytes)),
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

/// Where a run writes its output set.
#[derive(Debug, Clone)]
pub enum Destination {
    /// `--out DIR`: the folder is replaced as a whole (it must be new, empty, or an earlier terrasim output).
    Replace(PathBuf),
    /// No `--out`: a new folder `name` (`name-002`, ... when taken) in `parent`, `results/<scenario stem>`.
    New {
        /// `results/<scenario file stem>`.
        parent: PathBuf,
        /// `<start, UTC, YYYY-MM-DDTHHMMSSZ>-<command>`: runs sort by time, and say what wrote them.
        name: String,
    },
}

impl Destination {
    /// `--out`, or a new folder for a run of `scenario` started at `started`.
    pub fn of(out: Option<&Path>, scenario: &Path, started: SystemTime) -> Self {
        if let Some(out) = out {
            return Destination::Replace(out.to_path_buf());
        }
        let stem = scenario.file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        // No colons: the name is a folder on every system.
        let stamp = terrasim::io::utc_timestamp(started).replace(':', "");
        let command = command_line().into_iter().next().unwrap_or_else(|| "run".into());
        Destination::New { parent: PathBuf::from("results").join(stem), name: format!("{stamp}-{command}") }
    }

    /// Refuses, before any work, a destination the set could not be written to: an `--out` folder of the
    /// user's own files or a file; a `results/<stem>` that is a file.
    pub fn check(&self) -> Result<(), CliError> {
        let checked = match self {
            Destination::Replace(dir) => terrasim::io::check_output_dir(dir),
            Destination::New { parent, .. } => terrasim::io::check_parent_dir(parent),
        };
        checked.map_err(|source| CliError::Output { dir: self.planned(), source })
    }

    /// The folder as planned: the set's folder for staging, and the name in messages before the commit.
    pub fn planned(&self) -> PathBuf {
        match self {
            Destination::Replace(dir) => dir.clone(),
            Destination::New { parent, name } => parent.join(name),
        }
    }
}

/// The command line after the program's name; an argument that is not UTF-8 (a path on Unix) is kept
/// with U+FFFD in place of its bad bytes, rather than refused after the run.
fn command_line() -> Vec<String> {
    std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect()
}

/// What a run's manifest records besides its command line, start and inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunFacts {
    /// The seed used.
    pub seed: Option<u64>,
    /// Trials per plan, shock or candidate.
    pub trials: Option<u64>,
    /// Worker threads.
    pub threads: Option<usize>,
}

/// Writes a run's output set with its manifest record (command line, start, seed, trials, threads and the
/// SHA-256 of every input file read): replacing the `--out` folder, or into a new folder, named on stderr
/// and in `results/<stem>/latest`. Returns the folder written.
pub fn commit_run(
    mut out: terrasim::io::AtomicDir,
    destination: &Destination,
    scenario: &Path,
    started: SystemTime,
    facts: RunFacts,
) -> Result<PathBuf, CliError> {
    out.set_run(terrasim::io::RunRecord {
        command: command_line(),
        started: terrasim::io::utc_timestamp(started),
        working_dir: std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default(),
        scenario: Some(scenario.display().to_string()),
        seed: facts.seed,
        trials: facts.trials,
        threads: facts.threads,
        inputs: terrasim::io::inputs_read(),
    });
    let failed = |source| CliError::Output { dir: destination.planned(), source };
    match destination {
        Destination::Replace(dir) => {
            out.commit().map_err(failed)?;
            Ok(dir.clone())
        }
        Destination::New { parent, name } => {
            let dir = out.commit_new(parent, name).map_err(failed)?;
            // Said even with --quiet: the folder was chosen for the user.
            let _ = writeln!(
                std::io::stderr(),
                "wrote {} (a new folder, named in {}; --out DIR chooses one)",
                dir.display(),
                parent.join(terrasim::io::LATEST).display()
            );
            Ok(dir)
        }
    }
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
    /// Output folder, replaced as a whole: it must be new, empty, or an earlier terrasim output (default: a
    /// new folder results/<scenario file name>/<start time>-<command> for each run).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary table (warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
    /// When the run started: it names the run's new folder and is recorded in its manifest.
    #[arg(skip)]
    started: OnceLock<SystemTime>,
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
        self.destination().check()?;
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

    /// The output folder as planned: `--out`, or the run's new folder (whose name may still take a
    /// `-002` when the run's commit finds it taken; [`RunOptions::commit`] returns the folder written).
    pub fn out_dir(&self) -> PathBuf {
        self.destination().planned()
    }

    /// Writes the run's output set with its manifest; returns the folder written.
    pub fn commit(&self, out: terrasim::io::AtomicDir, seed: u64, trials: u64) -> Result<PathBuf, CliError> {
        let threads = self.threads.unwrap_or_else(rayon::current_num_threads);
        let facts = RunFacts { seed: Some(seed), trials: Some(trials), threads: Some(threads) };
        commit_run(out, &self.destination(), &self.scenario, self.started(), facts)
    }

    fn destination(&self) -> Destination {
        Destination::of(self.out.as_deref(), &self.scenario, self.started())
    }

    fn started(&self) -> SystemTime {
        *self.started.get_or_init(SystemTime::now)
    }
}
