use std::path::{Path, PathBuf};
use std::time::Instant;

use terrasim::market::Market;
use terrasim::scenario::Scenario;

use super::common::{load, print, results_dir, warn};
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
    /// Params file to write (default: results/<scenario file name>/params.toml); its diagnostics go next to
    /// it as <name>.diagnostics.json.
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

/// The params file to write, its file name and its stem (which names the diagnostics file): `--out` must
/// name a file, not a folder, and not one that calibrate did not write.
fn params_file(args: &Args) -> Result<(PathBuf, String, String), CliError> {
    let out = args.out.clone().unwrap_or_else(|| results_dir(&args.input.scenario, "").join("params.toml"));
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
    let (out, name, stem) = params_file(args)?;
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
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let files = [
        (name.clone(), format!("{header}{toml}").into_bytes()),
        (format!("{stem}.diagnostics.json"), serde_json::to_vec_pretty(d)?),
    ];
    terrasim::io::write_files_atomic(dir, &files)
        .map_err(|source| CliError::Output { dir: out.clone(), source })?;

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
