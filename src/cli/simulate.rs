use std::time::Instant;

use terrasim::io::AtomicDir;

use super::common::{RunOptions, compile, print, progress, warn};
use super::error::CliError;

pub fn run(run: &RunOptions) -> Result<(), CliError> {
    let (scenario, market, trials) = run.load()?;
    let model = compile(&scenario, &market, market.plan(), None)?;
    let assumptions = terrasim::scenario::declared(&scenario, &market);
    warn(&assumptions);
    let started = Instant::now();
    let bar = progress(trials, "simulate", run.quiet);
    // Streamed: nothing per trial is kept.
    let mut result = terrasim::sim::simulate(&model, trials, run.threads, &|n| bar.inc(n), &scenario.name)?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    // The declared defaults first, then what the run itself noted (a percentile its sketch could not resolve).
    let noted = std::mem::replace(&mut result.assumptions, assumptions);
    warn(&noted);
    terrasim::market::merge_assumptions(&mut result.assumptions, noted);

    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    out.add("result.json", serde_json::to_vec_pretty(&result)?);
    for (name, bytes) in terrasim::report::sim_tables(&result) {
        out.add(name, bytes);
    }
    // Host facts and timings live apart from result.json so that the result stays bit-identical.
    let threads = run.threads.unwrap_or_else(rayon::current_num_threads);
    let run_info = terrasim::contract::RunInfo::new(elapsed.as_secs_f64(), threads, Some(trials));
    out.add("run.json", serde_json::to_vec_pretty(&run_info)?);
    let dir = run.commit(out, scenario.seed, trials)?;

    if !run.quiet {
        print(&terrasim::report::sim_summary(&result))?;
        print(&format!(
            "\n{} trials in {:.2} s; wrote {}/result.json and CSV tables\n",
            trials,
            elapsed.as_secs_f64(),
            dir.display()
        ))?;
    }
    Ok(())
}
