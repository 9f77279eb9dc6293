use std::time::Instant;

use terrasim::io::{AtomicDir, stage_change_files};
use terrasim::market::{PlanDiff, PlanMove, merge_assumptions};
use terrasim::optimize::{Org, move_reasons, optimize};
use terrasim::scenario::RankBy;

use super::common::{RunOptions, check_run_size, compile, print, progress, warn};
use super::error::CliError;

/// Options of `terrasim optimize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    run: RunOptions,
    /// What ranks the candidates: variance_coverage (the Pareto front over attainment variance, coverage
    /// and share moved), bookings or p_team_ge_plan. Default: the scenario's `[optimize] rank_by`, else
    /// variance_coverage.
    #[arg(long, value_parser = clap::builder::ValueParser::new(str::parse::<RankBy>))]
    rank_by: Option<RankBy>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let run = &args.run;
    let (scenario, market, _) = run.load()?;
    let mut spec = scenario.optimize.clone().unwrap_or_default();
    spec.rank_by = args.rank_by.or(spec.rank_by);
    let trials = u64::from(run.trials.unwrap_or(spec.trials));
    let graph = match &spec.adjacency {
        Some(path) => Some(terrasim::io::load_units(&scenario.resolve_path(path))?),
        None => None,
    };
    let org = Org::new(&scenario, &market, &spec)
        .map_err(|source| CliError::Org { file: scenario.source.clone(), source })?;
    // The geographic strategies need accounts to place (compare builds an org but no candidates).
    org.check_geography(&spec, graph.as_ref())
        .map_err(|source| CliError::Org { file: scenario.source.clone(), source })?;
    // The ranking holds every candidate's per-trial figures and the unchanged plan's, for the pairing.
    check_run_size(
        &compile(&org.baseline_scenario, &org.baseline_market, org.baseline_market.plan(), None)?,
        trials,
        1 + spec.strategies.len() as u64,
        &format!("--trials, or trials = ... under [optimize] in {}", scenario.source.display()),
    )?;
    warn(&terrasim::scenario::declared_for_optimize(&org.baseline_scenario, &org.baseline_market, &spec));
    let started = Instant::now();
    let n = spec.strategies.len() as u64;
    // Two bars: the searches (one per strategy, in parallel), then the ranking's trials.
    let bars = indicatif::MultiProgress::new();
    let search_bar = bars.add(progress(n, "search", run.quiet));
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} strategies")
    {
        search_bar.set_style(style.progress_chars("=> "));
    }
    let bar = bars.add(progress(trials * (n + 1), "rank", run.quiet));
    let searched = |_| search_bar.inc(1);
    let (mut outcome, candidates) =
        optimize(&org, &spec, graph.as_ref(), trials, run.threads, &searched, &|k| bar.inc(k))
            .map_err(|source| CliError::Evaluate { file: scenario.source.clone(), source })?;
    search_bar.finish_and_clear();
    bar.finish_and_clear();
    let elapsed = started.elapsed();

    let dir = run.out_dir();
    let mut out = AtomicDir::new(&dir);
    let mut crm_notes = Vec::new();
    for (ranked, candidate) in outcome.candidates.iter().zip(&candidates) {
        out.add(
            &format!("{}/plan.csv", ranked.name),
            terrasim::report::plan_csv(&org.market, &candidate.plan),
        );
        let moves = move_reasons(&org, candidate);
        out.add(&format!("{}/diff.csv", ranked.name), terrasim::report::diff_csv(&org.market, &moves));
        let moves = moves
            .into_iter()
            .map(|(account, from, to, reason)| PlanMove { account, from, to, reason: reason.label() })
            .collect();
        let diff = PlanDiff::from_moves(&org.market, moves);
        let folder = format!("{}/", ranked.name);
        let notes =
            stage_change_files(&mut out, &folder, &org.market, &diff, &scenario.segmentation.hierarchy);
        merge_assumptions(&mut crm_notes, notes);
    }
    // What the change files leave out is declared with the rest.
    warn(&crm_notes);
    let crm_files = if crm_notes.is_empty() {
        "and the CRM change files (salesforce_update.csv, hubspot_companies.csv)"
    } else {
        "and the CRM change files where every new owner has a CRM id (see the warnings)"
    };
    merge_assumptions(&mut outcome.assumptions, crm_notes);
    out.add("candidates.json", serde_json::to_vec_pretty(&outcome)?);
    let runs: Vec<(&str, &_)> = outcome.candidates.iter().map(|c| (c.name.as_str(), &c.breakdown)).collect();
    for (name, bytes) in terrasim::report::breakdown_tables("candidate", "unchanged", &runs) {
        out.add(name, bytes);
    }
    let threads = run.threads.unwrap_or_else(rayon::current_num_threads);
    let run_info = terrasim::contract::RunInfo::new(elapsed.as_secs_f64(), threads, None);
    out.add("run.json", serde_json::to_vec_pretty(&run_info)?);
    let dir = run.commit(out, scenario.seed, trials)?;
    if !run.quiet {
        print(&terrasim::report::optimize_summary(&outcome))?;
        print(&terrasim::report::winners_and_losers("the unchanged plan", &runs))?;
        print(&format!(
            "\n{} candidates in {:.1} s; wrote {}/candidates.json, rep_deltas.csv, segment_deltas.csv and each \
             candidate's plan.csv, diff.csv, review.csv {crm_files}\n",
            outcome.candidates.len(),
            elapsed.as_secs_f64(),
            dir.display()
        ))?;
    }
    Ok(())
}
