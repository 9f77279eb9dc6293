//! Backtest: calibrate on the history before a cutoff, simulate the months after it with the owners who
//! were in place and the pipeline that was open, and score the predicted distributions of each rep's and
//! each segment's opportunities created, wins and bookings against what happened.
//!
//! Definitions match the model's: a month is a calendar month; "opportunities" are those created in the
//! window; "wins" and "bookings" are deals whose close date falls in the window, whenever they were
//! created (every deal open at the cutoff enters the simulation as a carry-in with its age and amount, and
//! accounts won before the cutoff are customers, which expand).
//! Coverage of the central 50% and 80% intervals is read from the mid-PIT (`P(X < y) + ½ P(X = y)` in
//! [0.25, 0.75] and [0.10, 0.90]), which treats ties of counts evenly instead of counting them all as
//! inside.

use std::collections::BTreeMap;

use crate::market::{Assumption, Market, Plan, merge_assumptions};
use crate::scenario::{CompileError, Scenario, compile};
use crate::sim::model::NO_OWNER;
use crate::sim::model::SalesMotion;
use crate::sim::{OppEventKind, inverse_normal_cdf, quantile_sorted};

use super::fit::calibrate_window;
use super::history::{History, MotionShare, Outcome, month_of};
use super::score::{crps_samples, pit};
use super::segments::Segments;
use super::synth::{run_logged, steady_state};

/// Version of `backtest.json`.
pub const BACKTEST_SCHEMA_VERSION: u32 = 1;

const METRICS: [&str; 3] = ["opportunities", "wins", "bookings"];

/// What to backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestOptions {
    /// The first day of the first simulated month (days since 1970-01-01; must be the 1st of a month).
    pub cutoff: i64,
    /// Months simulated after the cutoff.
    pub horizon: u32,
    /// Monte Carlo trials.
    pub trials: u64,
    /// Multiplier on every calibrated win rate (1 for the backtest proper; other values check that a wrong
    /// model is caught).
    pub win_rate_multiplier: f64,
}

/// Why a backtest cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    /// The cutoff leaves no history to calibrate on, or is not the first of a month.
    #[error("{0}")]
    Cutoff(String),
    /// The calibrated scenario does not compile.
    #[error("{0}")]
    Compile(#[from] CompileError),
    /// A value fitted on the training window is outside its parameter's range.
    #[error(
        "calibrating on the history before the cutoff fits {0}; set that parameter in the scenario's [params]"
    )]
    Fit(#[from] crate::scenario::ParamError),
}

/// The predicted distribution of one metric of one unit, and what happened.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricResult {
    /// `opportunities`, `wins` or `bookings`.
    pub metric: String,
    /// What happened in the window.
    pub actual: f64,
    /// The naive forecast: the same months of the year before the cutoff (absent when the history is too
    /// short).
    pub naive: Option<f64>,
    /// Predicted mean.
    pub mean: f64,
    /// Predicted 10th percentile.
    pub p10: f64,
    /// Predicted 25th percentile.
    pub p25: f64,
    /// Predicted median.
    pub p50: f64,
    /// Predicted 75th percentile.
    pub p75: f64,
    /// Predicted 90th percentile.
    pub p90: f64,
    /// Mid-PIT of the actual.
    pub pit: f64,
    /// CRPS of the prediction.
    pub crps: f64,
    /// CRPS (absolute error) of the naive forecast.
    pub crps_naive: Option<f64>,
}

/// One rep or segment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnitResult {
    /// Rep id or segment key.
    pub id: String,
    /// Share of its metrics inside the central 50% interval.
    pub coverage_50: f64,
    /// Share of its metrics inside the central 80% interval.
    pub coverage_80: f64,
    /// Per metric.
    pub metrics: Vec<MetricResult>,
}

/// Scores of one metric over every unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricScore {
    /// Metric.
    pub metric: String,
    /// Share of units inside the central 50% interval.
    pub coverage_50: f64,
    /// Share of units inside the central 80% interval.
    pub coverage_80: f64,
    /// Mean CRPS of the model.
    pub crps: f64,
    /// Mean CRPS of the naive forecast (units with one).
    pub crps_naive: Option<f64>,
    /// `1 − crps ÷ crps_naive` over the units with a naive forecast: above 0, the model beats carrying last
    /// year forward.
    pub crps_skill: Option<f64>,
}

/// Interval coverage over every (unit, metric) check, against nominal.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CoverageSummary {
    /// Checks: units × metrics.
    pub checks: usize,
    /// Share inside the central 50% intervals.
    pub coverage_50: f64,
    /// Share inside the central 80% intervals.
    pub coverage_80: f64,
    /// Allowed distance from 50%: three binomial standard errors, at least 0.08 (units share the market
    /// factor and win-rate draws, so checks are not independent).
    pub tolerance_50: f64,
    /// Allowed distance from 80%.
    pub tolerance_80: f64,
    /// True when either coverage is further from nominal than its tolerance.
    pub miscalibrated: bool,
}

/// The result of `terrasim backtest`; `backtest.json` is this struct serialized.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Backtest {
    /// Version of this contract.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Cutoff date, `YYYY-MM-DD`.
    pub cutoff: String,
    /// Months simulated.
    pub horizon_months: u32,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Win-rate multiplier applied on top of the calibration (1 unless checking a wrong model).
    pub win_rate_multiplier: f64,
    /// Opportunities created before the cutoff (the calibration's data).
    pub training_opportunities: usize,
    /// The share of the training history in each motion.
    pub training_motions: Vec<MotionShare>,
    /// The share of the window's actual opportunities and bookings in each motion (opportunities created
    /// in it; wins and bookings closed in it).
    pub actual_motions: Vec<MotionShare>,
    /// Opportunities open at the cutoff in the history.
    pub open_at_cutoff: usize,
    /// Of those, the ones carried into the simulation (every one, unless the model could not place it).
    pub carried_in: usize,
    /// Carried-in deals by motion (`new_business`, `expansion`): expansion on accounts that were customers
    /// at the cutoff.
    pub carried_in_by_motion: BTreeMap<String, usize>,
    /// Accounts that were customers at the cutoff (so in the expansion motion).
    pub customers_at_cutoff: usize,
    /// Interval coverage over everything.
    pub coverage: CoverageSummary,
    /// Per metric.
    pub by_metric: Vec<MetricScore>,
    /// PIT histogram: share of checks in each tenth of [0, 1] (flat at 0.1 when calibrated).
    pub pit_histogram: Vec<f64>,
    /// Per rep.
    pub reps: Vec<UnitResult>,
    /// Per segment (calibration leaf, such as `AMER/MM`).
    pub segments: Vec<UnitResult>,
    /// The whole team per motion (`new_business`, `expansion`): not in the coverage summary, which is
    /// over reps and segments.
    pub motions: Vec<UnitResult>,
    /// What the backtest rests on that is not the user's data: the scenario's and market's declared
    /// defaults and the calibration's (see [`crate::scenario::declared`]).
    pub assumptions: Vec<Assumption>,
}

/// Runs a backtest of `scenario` on `market` against `history`.
pub fn backtest(
    history: &History,
    market: &Market,
    scenario: &Scenario,
    options: &BacktestOptions,
) -> Result<Backtest, BacktestError> {
    let cutoff_month = month_of(options.cutoff);
    if super::first_day(cutoff_month) != options.cutoff {
        return Err(BacktestError::Cutoff(
            "the cutoff must be the first day of a month, such as 2025-01-01".into(),
        ));
    }
    let h = i64::from(options.horizon);
    let Some((first, _)) = history.month_span().filter(|(first, _)| *first < cutoff_month) else {
        return Err(BacktestError::Cutoff(
            "the history has nothing before the cutoff to calibrate on; choose a later cutoff".into(),
        ));
    };
    let last = history.month_span().map_or(first, |s| s.1);
    if last < cutoff_month + h - 1 {
        let month = |m: i64| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
        return Err(BacktestError::Cutoff(format!(
            "the history ends in {}, but the {h} months after the cutoff run to {}: choose an earlier cutoff or \
             a shorter --horizon (at most {})",
            month(last),
            month(cutoff_month + h - 1),
            (last - cutoff_month + 1).max(0)
        )));
    }
    let train = history.as_of(options.cutoff);
    let calibration = calibrate_window(&train, market, scenario, first, cutoff_month - 1)?;

    // The calibrated model wins over the scenario's own parameters: it is what is being tested.
    let mut fitted = scenario.clone();
    for (key, o) in &calibration.params.params {
        let mut base = fitted.params.get(key).cloned().unwrap_or_default();
        base.overlay(o);
        fitted.params.insert(key.clone(), base);
    }
    // The backtest carries in the history's own open deals at the cutoff, whatever the scenario names.
    let mut assumptions: Vec<Assumption> = crate::scenario::declared(&fitted, market)
        .into_iter()
        .filter(|a| a.code != crate::scenario::OPEN_PIPELINE_MISSING)
        .collect();
    merge_assumptions(&mut assumptions, calibration.assumptions().iter().cloned());
    let (sim_scenario, steady) = steady_state(&fitted, market, options.horizon);
    let mut in_place = market_at_cutoff(history, &steady, options.cutoff, &calibration.params.skills);
    // The deals open at the cutoff are the first months' bookings, as the open pipeline of a plan year is.
    let open = train.open_on(options.cutoff, |a| in_place.accounts()[a].potential.get());
    let open_at_cutoff = open.deals.len();
    in_place.set_open_pipeline(open.deals).map_err(|e| BacktestError::Cutoff(e.to_string()))?;
    let customers_at_cutoff = in_place.accounts().iter().filter(|a| a.is_customer).count();
    let mut model = compile(&sim_scenario, &in_place, in_place.plan(), None)?;
    model.win_multiplier = options.win_rate_multiplier;

    let segs = Segments::new(scenario, market);
    let leaves: Vec<usize> = {
        let mut l: Vec<usize> = segs.leaf.clone();
        l.sort_unstable();
        l.dedup();
        l
    };
    let mut leaf_slot = vec![usize::MAX; segs.nodes.len()];
    for (i, &n) in leaves.iter().enumerate() {
        leaf_slot[n] = i;
    }
    let n_reps = market.reps().len();
    let units = n_reps + leaves.len() + SalesMotion::ALL.len();
    let slot = |unit: usize, metric: usize| unit * 3 + metric;
    let account_unit = |a: usize| n_reps + leaf_slot[segs.leaf[a]];
    let motion_unit = |m: SalesMotion| n_reps + leaves.len() + m.index();

    let samples: Vec<Vec<f64>> = run_logged(&model, options.trials, &|_, log| {
        let mut v = vec![0.0; units * 3];
        for e in &log.events {
            let a = e.account as usize;
            let owner = (e.owner != NO_OWNER && (e.owner as usize) < n_reps).then_some(e.owner as usize);
            let (metric, value) = match e.kind {
                OppEventKind::Opened => (0, 1.0),
                OppEventKind::Won => (1, 1.0),
                OppEventKind::Lost => continue,
            };
            for u in owner.into_iter().chain([account_unit(a), motion_unit(e.motion)]) {
                v[slot(u, metric)] += value;
                if metric == 1 {
                    v[slot(u, 2)] += e.value;
                }
            }
        }
        v
    });

    let count = |from: i64, to: i64| {
        let mut v = vec![0.0; units * 3];
        for o in &history.opportunities {
            let units_of = o.owner.into_iter().chain([account_unit(o.account), motion_unit(o.motion)]);
            let created = month_of(o.created);
            let won_in =
                o.outcome == Outcome::Won && o.closed.is_some_and(|c| (from..to).contains(&month_of(c)));
            for u in units_of {
                if (from..to).contains(&created) {
                    v[slot(u, 0)] += 1.0;
                }
                if won_in {
                    v[slot(u, 1)] += 1.0;
                    v[slot(u, 2)] += o.amount.unwrap_or(0.0);
                }
            }
        }
        v
    };
    let actual = count(cutoff_month, cutoff_month + h);
    let naive = (first <= cutoff_month - h).then(|| count(cutoff_month - h, cutoff_month));

    let mut unit_results = Vec::with_capacity(units);
    for u in 0..units {
        let id = if u < n_reps {
            market.reps()[u].id.to_string()
        } else if u < n_reps + leaves.len() {
            segs.nodes[leaves[u - n_reps]].key.clone()
        } else {
            SalesMotion::ALL[u - n_reps - leaves.len()].label().to_string()
        };
        let metrics: Vec<MetricResult> = (0..3)
            .map(|m| {
                let k = slot(u, m);
                let mut s: Vec<f64> = samples.iter().map(|t| t[k]).collect();
                s.sort_by(f64::total_cmp);
                let q = |p: f64| quantile_sorted(&s, p).value;
                let y = actual[k];
                let naive_y = naive.as_ref().map(|n| n[k]);
                MetricResult {
                    metric: METRICS[m].to_string(),
                    actual: y,
                    naive: naive_y,
                    mean: s.iter().sum::<f64>() / s.len().max(1) as f64,
                    p10: q(0.10),
                    p25: q(0.25),
                    p50: q(0.50),
                    p75: q(0.75),
                    p90: q(0.90),
                    pit: pit(&s, y),
                    crps: crps_samples(&s, y),
                    crps_naive: naive_y.map(|x| (x - y).abs()),
                }
            })
            .collect();
        let share = |lo: f64, hi: f64| {
            metrics.iter().filter(|m| (lo..=hi).contains(&m.pit)).count() as f64 / metrics.len() as f64
        };
        unit_results.push(UnitResult {
            id,
            coverage_50: share(0.25, 0.75),
            coverage_80: share(0.10, 0.90),
            metrics,
        });
    }
    // Reps who own nothing and had nothing happen carry no information.
    let informative = |r: &UnitResult| r.metrics.iter().any(|m| m.actual > 0.0 || m.p90 > 0.0);
    let motions = unit_results.split_off(n_reps + leaves.len());
    let segments = unit_results.split_off(n_reps).into_iter().filter(informative).collect::<Vec<_>>();
    let reps = unit_results.into_iter().filter(informative).collect::<Vec<_>>();

    let all: Vec<&MetricResult> = reps.iter().chain(&segments).flat_map(|u| &u.metrics).collect();
    let coverage = summarise(&all);
    let by_metric = METRICS
        .iter()
        .map(|&name| {
            let ms: Vec<&MetricResult> = all.iter().copied().filter(|m| m.metric == name).collect();
            let c = summarise(&ms);
            let mean = |v: &mut dyn Iterator<Item = f64>| {
                let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
                (n > 0).then(|| s / n as f64)
            };
            let with_naive: Vec<&&MetricResult> = ms.iter().filter(|m| m.crps_naive.is_some()).collect();
            let crps_naive = mean(&mut with_naive.iter().filter_map(|m| m.crps_naive));
            let crps_model_paired = mean(&mut with_naive.iter().map(|m| m.crps));
            MetricScore {
                metric: name.to_string(),
                coverage_50: c.coverage_50,
                coverage_80: c.coverage_80,
                crps: mean(&mut ms.iter().map(|m| m.crps)).unwrap_or(f64::NAN),
                crps_naive,
                crps_skill: match (crps_model_paired, crps_naive) {
                    (Some(m), Some(n)) if n > 0.0 => Some(1.0 - m / n),
                    _ => None,
                },
            }
        })
        .collect();
    let mut pit_histogram = vec![0.0; 10];
    for m in &all {
        pit_histogram[((m.pit * 10.0) as usize).min(9)] += 1.0 / all.len().max(1) as f64;
    }
    let (y, mo, d) = crate::market::civil_from_days(options.cutoff);
    Ok(Backtest {
        schema_version: BACKTEST_SCHEMA_VERSION,
        scenario: scenario.name.clone(),
        cutoff: format!("{y:04}-{mo:02}-{d:02}"),
        horizon_months: options.horizon,
        trials: options.trials,
        seed: scenario.seed,
        win_rate_multiplier: options.win_rate_multiplier,
        training_opportunities: train.opportunities.len(),
        training_motions: train.motion_shares(),
        actual_motions: window_shares(history, cutoff_month, cutoff_month + h),
        open_at_cutoff,
        carried_in: model.carry_in.len(),
        carried_in_by_motion: SalesMotion::ALL
            .iter()
            .map(|&m| (m.label().to_string(), model.carry_in.iter().filter(|c| c.motion == m).count()))
            .collect(),
        customers_at_cutoff,
        coverage,
        by_metric,
        pit_histogram,
        reps,
        segments,
        motions,
        assumptions,
    })
}

/// The motion shares of what happened in months `from..to`: opportunities created in them, and deals
/// closed in them (their wins, losses and bookings).
fn window_shares(history: &History, from: i64, to: i64) -> Vec<MotionShare> {
    let window = |d: i64| (from..to).contains(&month_of(d));
    let in_window = History {
        opportunities: history
            .opportunities
            .iter()
            .filter(|o| window(o.created) || o.closed.is_some_and(window))
            .cloned()
            .collect(),
        ..History::default()
    };
    let mut shares = in_window.motion_shares();
    for share in &mut shares {
        let of = || in_window.opportunities.iter().filter(|o| o.motion == share.motion);
        let created = of().filter(|o| window(o.created)).count();
        share.opportunities = created;
        share.open = of().filter(|o| window(o.created) && o.closed.is_none_or(|c| !window(c))).count();
    }
    let total: usize = shares.iter().map(|s| s.opportunities).sum();
    for share in &mut shares {
        share.share_of_opportunities = share.opportunities as f64 / total.max(1) as f64;
    }
    shares
}

fn summarise(checks: &[&MetricResult]) -> CoverageSummary {
    let n = checks.len().max(1) as f64;
    let inside = |lo: f64, hi: f64| checks.iter().filter(|m| (lo..=hi).contains(&m.pit)).count() as f64 / n;
    let (c50, c80) = (inside(0.25, 0.75), inside(0.10, 0.90));
    let z = -inverse_normal_cdf(0.00135); // three standard errors
    let (t50, t80) = ((z * (0.25 / n).sqrt()).max(0.08), (z * (0.16 / n).sqrt()).max(0.08));
    CoverageSummary {
        checks: checks.len(),
        coverage_50: c50,
        coverage_80: c80,
        tolerance_50: t50,
        tolerance_80: t80,
        miscalibrated: (c50 - 0.5).abs() > t50 || (c80 - 0.8).abs() > t80,
    }
}

/// The market as it stood at the cutoff: accounts that had become customers before it (a won deal closed, or
/// an expansion opportunity created, see [`History::customer_since`]) are customers, and expand; those won
/// after it are not yet; each account is owned by the owner of its latest opportunity before the cutoff
/// (the plan's owner when it had none), and reps carry their calibrated skills.
fn market_at_cutoff(
    history: &History,
    market: &Market,
    cutoff: i64,
    skills: &BTreeMap<String, f64>,
) -> Market {
    let n = market.accounts().len();
    let cutoff_month = month_of(cutoff);
    let since = history.customer_since(n, &|a| market.accounts()[a].is_customer);
    let mut latest: Vec<Option<(i64, usize)>> = vec![None; n];
    for o in &history.opportunities {
        if let (Some(r), true) = (o.owner, o.created < cutoff)
            && latest[o.account].is_none_or(|(d, _)| o.created >= d)
        {
            latest[o.account] = Some((o.created, r));
        }
    }
    let mut accounts = market.accounts().to_vec();
    for (a, account) in accounts.iter_mut().enumerate() {
        account.is_customer = since[a].is_some_and(|m| m < cutoff_month);
    }
    let mut reps = market.reps().to_vec();
    for rep in &mut reps {
        if let Some(&k) = skills.get(rep.id.as_str()) {
            rep.skill = k;
        }
    }
    let owners: Vec<Option<u32>> = (0..n)
        .map(|a| latest[a].map(|(_, r)| r).or_else(|| market.plan().owner(a)).map(|r| r as u32))
        .collect();
    Market::new(accounts, reps, Plan::from_owners(owners), Vec::new())
        .expect("owners and accounts come from the same market")
}
