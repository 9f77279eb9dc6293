use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use terrasim::calibrate::BacktestOptions;
use terrasim::io::AtomicDir;

use super::calibrate::HistoryArgs;
use super::common::{Destination, RunFacts, commit_run, print, warn};
use super::error::{CliError, usage};

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
    /// Output folder for backtest.json, replaced as a whole (default: a new folder
    /// results/<scenario file name>/<start time>-backtest for each run).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No summary (warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let cutoff = terrasim::market::parse_iso_date(&args.cutoff)
        .ok_or_else(|| usage(format!("--cutoff {:?} is not a date; write it as YYYY-MM-DD", args.cutoff)))?;
    if !(1..=120).contains(&args.horizon) {
        return Err(usage("--horizon must be between 1 and 120 months"));
    }
    if args.trials == Some(0) {
        return Err(usage("--trials must be at least 1"));
    }
    let start = SystemTime::now();
    let destination = Destination::of(args.out.as_deref(), &args.input.scenario, start);
    destination.check()?;
    let (scenario, market, history_file) = args.input.load()?;
    let started = Instant::now();
    let history = terrasim::io::load_history(&history_file, &scenario, &market)?;
    let options = BacktestOptions {
        cutoff,
        horizon: args.horizon,
        trials: u64::from(args.trials.unwrap_or(scenario.trials.min(1000))),
        win_rate_multiplier: 1.0,
    };
    let result = terrasim::calibrate::backtest(&history, &market, &scenario, &options)
        .map_err(|source| CliError::Backtest { file: history_file.clone(), source })?;
    warn(&result.assumptions);
    let elapsed = started.elapsed();

    let mut out = AtomicDir::new(&destination.planned());
    out.add("backtest.json", serde_json::to_vec_pretty(&result)?);
    let facts = RunFacts {
        seed: Some(scenario.seed),
        trials: Some(options.trials),
        threads: Some(rayon::current_num_threads()),
    };
    let dir = commit_run(out, &destination, &args.input.scenario, start, facts)?;
    if !args.quiet {
        print(&terrasim::report::backtest_summary(&result))?;
        let c = &result.coverage;
        print(&format!(
            "\nCoverage counts ties of counts by their probability mass (randomized PIT). One history's coverage \
             varies even when the model is right: scored as if it were the actuals, each trial of the model \
             covers {:.1}% ± {:.1} at 50% and {:.1}% ± {:.1} at 80% (mean ± standard deviation over trials), \
             because its {} checks share the year's market factor and win-rate draws (were they independent, \
             the binomial standard error would be {:.1} and {:.1} points); the tolerance is the larger of two \
             such deviations and three binomial errors\n",
            100.0 * c.expected_50,
            100.0 * c.spread_50,
            100.0 * c.expected_80,
            100.0 * c.spread_80,
            c.checks,
            100.0 * c.se_50,
            100.0 * c.se_80
        ))?;
        print(&format!(
            "\nBacktest in {:.2} s; wrote {}/backtest.json\n",
            elapsed.as_secs_f64(),
            dir.display()
        ))?;
    }
    Ok(())
}
