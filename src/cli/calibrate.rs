use std::path::{Path, PathBuf};
use std::time::Instant;

use terrasim::market::Market;
use terrasim::scenario::Scenario;

use super::common::{Destination, RunFacts, commit_run, load, print, warn};
use super::error::{CliError, usage};

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
    pub fn load(&self) -> Result<(Scenario, Market, PathBuf), CliError> {
        let (scenario, market) = load(&self.scenario)?;
        let history = history_path(self.history.as_deref(), &scenario)?;
        Ok((scenario, market, history))
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: HistoryArgs,
    /// Params file to write; its diagnostics go next to it as <name>.diagnostics.json (default: params.toml
    /// in a new folder results/<scenario file name>/<start time>-calibrate for each run, with a manifest).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No diagnostics table (warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// The history file: `--history`, or the scenario's `data.history`.
fn history_path(history: Option<&Path>, scenario: &Scenario) -> Result<PathBuf, CliError> {
    match (history, &scenario.data.history) {
        (Some(p), _) => Ok(p.to_path_buf()),
        (None, Some(p)) => Ok(scenario.resolve_path(p)),
        (None, None) => Err(usage(format!(
            "no opportunity history: pass --history OPPS.csv, or set history = \"...\" under [data] in {}",
            scenario.source.display()
        ))),
    }
}

/// The `--out` params file, its file name and its stem (which names the diagnostics file): it must name a
/// file, not a folder, and not one that calibrate did not write.
fn params_file(out: &Path) -> Result<(PathBuf, String, String), CliError> {
    let out = out.to_path_buf();
    let folder = |p: &Path| {
        usage(format!(
            "--out {} is a folder; calibrate writes one params file: name it, e.g. --out {}",
            p.display(),
            p.join("params.toml").display()
        ))
    };
    let text = out.to_string_lossy();
    if out.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return Err(folder(&out));
    }
    let name = match out.file_name() {
        Some(name) if name != ".." => name.to_string_lossy().into_owned(),
        _ => return Err(folder(&out)),
    };
    let stem = out.file_stem().map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
    let diagnostics = out.with_file_name(format!("{stem}.diagnostics.json"));
    // Only files an earlier calibrate wrote may be replaced: never the history, the scenario or a data file.
    for (file, ours) in [(&out, PARAMS_HEADER), (&diagnostics, DIAGNOSTICS_START)] {
        match std::fs::read(file) {
            Ok(bytes) if !bytes.starts_with(ours.as_bytes()) => {
                return Err(usage(format!(
                    "{} exists and was not written by terrasim calibrate; it is not replaced: choose another \
                     --out, e.g. --out {}",
                    file.display(),
                    out.with_file_name("params.toml").display()
                )));
            }
            _ => {}
        }
    }
    Ok((out, name, stem))
}

/// How a params file written by calibrate starts.
const PARAMS_HEADER: &str = "# Written by `terrasim calibrate`";
/// How its diagnostics file starts (the serialisation of `Diagnostics`, first field first).
const DIAGNOSTICS_START: &str = "{\n  \"first_month\"";

pub fn run(args: &Args) -> Result<(), CliError> {
    let start = std::time::SystemTime::now();
    // `--out` names a file among the user's own, replaced file by file; without it the run gets a new
    // folder, an output set with its manifest.
    let (out, name, stem) = match &args.out {
        Some(out) => params_file(out)?,
        None => (PathBuf::from("params.toml"), "params.toml".into(), "params".into()),
    };
    let destination = Destination::of(None, &args.input.scenario, start);
    if args.out.is_none() {
        destination.check()?;
    }
    let (scenario, market, history_file) = args.input.load()?;
    let started = Instant::now();
    let history = terrasim::io::load_history(&history_file, &scenario, &market)?;
    let calibration = terrasim::calibrate::calibrate(&history, &market, &scenario)
        .map_err(|source| CliError::Calibrate { file: history_file.clone(), source })?;
    warn(calibration.assumptions());
    let elapsed = started.elapsed();

    let d = &calibration.diagnostics;
    let header = format!(
        "{PARAMS_HEADER} from {} ({} to {}, {} opportunities).\n\
         # Include it in a scenario with include_params = [\"{}\"]; the scenario's own [params] still win.\n\n",
        history_file.display(),
        d.first_month,
        d.last_month,
        d.opportunities,
        name
    );
    let toml = toml::to_string(&calibration.params)
        .map_err(|e| CliError::Usage(format!("cannot write the params file: {e}")))?;
    let files = [
        (name.clone(), format!("{header}{toml}").into_bytes()),
        (format!("{stem}.diagnostics.json"), serde_json::to_vec_pretty(d)?),
    ];
    let out = if args.out.is_some() {
        let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        terrasim::io::write_files_atomic(dir, &files)
            .map_err(|source| CliError::Output { dir: out.clone(), source })?;
        out
    } else {
        let mut set = terrasim::io::AtomicDir::new(&destination.planned());
        for (file, bytes) in files {
            set.add(&file, bytes);
        }
        commit_run(set, &destination, &args.input.scenario, start, RunFacts::default())?.join(&name)
    };

    if !args.quiet {
        print(&terrasim::report::calibration_summary(d))?;
        print(&format!(
            "\nCalibrated in {:.2} s; wrote {} and {}.diagnostics.json\n",
            elapsed.as_secs_f64(),
            out.display(),
            stem
        ))?;
    }
    Ok(())
}
