use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use terrasim::calibrate::BacktestOptions;
use terrasim::io::AtomicDir;

use super::calibrate::HistoryArgs;
use super::common::user;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: HistoryArgs,
    /// First day of the first month predicted, YYYY-MM-DD (the 1st of a month).
    #[arg(long)]
    pub cutoff: String,
    /// Months predicted after the cutoff.
    #[arg(long, default_value_t = 12)]
    pub horizon: u32,
    /// Trials (default: the scenario's, at most 1,000).
    #[arg(long)]
    pub trials: Option<u32>,
    /// Output folder for backtest.json (default: results/<scenario file name>-backtest).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No summary.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let cutoff = terrasim::market::parse_iso_date(&args.cutoff)
        .ok_or_else(|| user(format!("--cutoff {:?} is not a date; write it as YYYY-MM-DD", args.cutoff)))?;
    if !(1..=120).contains(&args.horizon) {
        return Err(user("--horizon must be between 1 and 120 months"));
    }
    if args.trials == Some(0) {
        return Err(user("--trials must be at least 1"));
    }
    let (scenario, market, history_file) = args.input.load()?;
    let started = Instant::now();
    let history = terrasim::io::load_history(&history_file, &scenario, &market).map_err(user)?;
    let options = BacktestOptions {
        cutoff,
        horizon: args.horizon,
        trials: u64::from(args.trials.unwrap_or(scenario.trials.min(1000))),
        win_rate_multiplier: 1.0,
    };
    let result = terrasim::calibrate::backtest(&history, &market, &scenario, &options)
        .map_err(|e| user(format!("{}: {e}", history_file.display())))?;
    let elapsed = started.elapsed();

    let dir = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .input
            .scenario
            .file_stem()
            .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("results").join(format!("{stem}-backtest"))
    });
    let mut out = AtomicDir::new(&dir);
    out.add("backtest.json", serde_json::to_vec_pretty(&result)?);
    out.commit().with_context(|| format!("cannot write the backtest to {}", dir.display()))?;
    if !args.quiet {
        print!("{}", terrasim::report::backtest_summary(&result));
        println!("\nBacktest in {:.2} s; wrote {}/backtest.json", elapsed.as_secs_f64(), dir.display());
    }
    Ok(())
}
