//! Backtest: calibrate on the history before a cutoff, simulate the months after it with the owners who
//! were in place and the pipeline that was open, and score the predicted distributions of each rep's and
//! each segment's opportunities created, wins and bookings against what happened.
//!
//! Definitions match the model's: a month is a calendar month; "opportunities" are those created in the
//! window; "wins" and "bookings" are deals whose close date falls in the window, whenever they were
//! created (every deal open at the cutoff enters the simulation as a carry-in with its age and amount, and
//! accounts won before the cutoff are customers, which expand).
//! Coverage of the central 50% and 80% intervals is read from the randomized PIT: a check whose actual
//! `y` ties with predictions (counts have atoms) covers the share of `[P(X < y), P(X ≤ y)]` inside
//! [0.25, 0.75] and [0.10, 0.90], its probability mass share, so a calibrated forecast covers 50% and 80%
//! on average, atoms or not; the mid-PIT `P(X < y) + ½ P(X = y)` would count a tie at the median as wholly
//! inside, and over-covers.

use std::collections::BTreeMap;

use crate::market::{Assumption, Market, Plan, merge_assumptions};
use crate::scenario::{CompileError, Scenario, compile};
use crate::sim::model::NO_OWNER;
use crate::sim::model::SalesMotion;
use crate::sim::{OppEventKind, inverse_normal_cdf, quantile_sorted};

use super::fit::calibrate_window;
use super::history::{History, MotionShare, Outcome, month_of};
use super::score::{crps_samples, pit, pit_range, share_inside};
use super::segments::Segments;
use super::synth::{run_logged, steady_state};

/// Version of `backtest.json`: 2 counts coverage by the randomized PIT (1 by the mid-PIT) and adds each
/// check's PIT range and the coverage's standard errors; 3 adds the spread of one history's coverage under
/// the model (`spread_50`, `spread_80`, `expected_50`, `expected_80`), which the tolerance now includes.
pub const BACKTEST_SCHEMA_VERSION: u32 = 3;

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
    /// Mid-PIT of the actual, `P(X < y) + ½ P(X = y)` under the predicted distribution: the middle of
    /// `pit_below..pit_at_or_below`, shown as one point.
    pub pit: f64,
    /// `P(X < y)`: the low end of the randomized PIT's range.
    pub pit_below: f64,
    /// `P(X ≤ y)`: the high end of the randomized PIT's range. Coverage counts the share of
    /// `pit_below..pit_at_or_below` inside the interval's probabilities (see [`MetricResult::inside`]).
    pub pit_at_or_below: f64,
    /// CRPS of the prediction.
    pub crps: f64,
    /// CRPS (absolute error) of the naive forecast.
    pub crps_naive: Option<f64>,
}

impl MetricResult {
    /// The check's coverage by the central interval of probabilities `lo..hi`: the chance that the
    /// randomized PIT, uniform on `pit_below..pit_at_or_below`, lands inside (1 or 0 when the actual is not
    /// tied with any prediction).
    pub fn inside(&self, lo: f64, hi: f64) -> f64 {
        share_inside((self.pit_below, self.pit_at_or_below), lo, hi)
    }
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
    /// Binomial standard error of `coverage_50` at nominal, `√(0.5 · 0.5 / checks)`: its sampling error were
    /// the checks independent (they are not: units share the market factor and the win-rate draws).
    pub se_50: f64,
    /// Binomial standard error of `coverage_80` at nominal, `√(0.8 · 0.2 / checks)`.
    pub se_80: f64,
    /// Standard deviation of the 50% coverage of one history that the model itself would make: each trial
    /// scored, check by check, as if it were the actuals, against the distribution of all trials. Its
    /// checks share the trial's market factor and win-rate draws, so this is the coverage's sampling error
    /// with their dependence, which the binomial `se_50` leaves out; with a market factor it is several
    /// times larger.
    pub spread_50: f64,
    /// The same for the 80% coverage.
    pub spread_80: f64,
    /// Mean of those trials' 50% coverage: the nominal 50% up to the randomization of ties (a check on the
    /// scoring itself).
    pub expected_50: f64,
    /// The same at 80%.
    pub expected_80: f64,
    /// Allowed distance from 50%: the larger of three binomial standard errors and two spreads, at least
    /// 0.08.
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

/// Runs a backtest of `scenario` on `market` against `history`: the window is checked, the history before
/// the cutoff calibrated into a model of the market as it stood then, the model simulated, and each unit's
/// predicted distribution scored against what happened.
pub fn backtest(
    history: &History,
    market: &Market,
    scenario: &Scenario,
    options: &BacktestOptions,
) -> Result<Backtest, BacktestError> {
    let (first, cutoff_month) = window(history, options)?;
    let h = i64::from(options.horizon);
    let fitted = FittedAtCutoff::new(history, market, scenario, options, first)?;
    let units = Units::new(scenario, market);
    let samples = simulate(&fitted.model, &units, options.trials);
    let actual = count(history, &units, cutoff_month, cutoff_month + h);
    let naive = (first <= cutoff_month - h).then(|| count(history, &units, cutoff_month - h, cutoff_month));
    let mut unit_results: Vec<UnitResult> =
        (0..units.len()).map(|u| score_unit(&units, u, &samples, &actual, naive.as_deref())).collect();
    // Reps who own nothing and had nothing happen carry no information.
    let informative = |r: &UnitResult| r.metrics.iter().any(|m| m.actual > 0.0 || m.p90 > 0.0);
    // The slots of the checks scored (informative reps and segments), for the spread of their coverage.
    let scored: Vec<usize> = (0..units.n_reps + units.leaves.len())
        .filter(|&u| informative(&unit_results[u]))
        .flat_map(|u| (0..METRICS.len()).map(move |m| Units::slot(u, m)))
        .collect();
    let motions = unit_results.split_off(units.n_reps + units.leaves.len());
    let segments = unit_results.split_off(units.n_reps).into_iter().filter(informative).collect::<Vec<_>>();
    let reps = unit_results.into_iter().filter(informative).collect::<Vec<_>>();
    let all: Vec<&MetricResult> = reps.iter().chain(&segments).flat_map(|u| &u.metrics).collect();
    let model = &fitted.model;
    let (y, mo, d) = crate::market::civil_from_days(options.cutoff);
    Ok(Backtest {
        schema_version: BACKTEST_SCHEMA_VERSION,
        scenario: scenario.name.clone(),
        cutoff: format!("{y:04}-{mo:02}-{d:02}"),
        horizon_months: options.horizon,
        trials: options.trials,
        seed: scenario.seed,
        win_rate_multiplier: options.win_rate_multiplier,
        training_opportunities: fitted.training_opportunities,
        training_motions: fitted.training_motions,
        actual_motions: window_shares(history, cutoff_month, cutoff_month + h),
        open_at_cutoff: fitted.open_at_cutoff,
        carried_in: model.carry_in.len(),
        carried_in_by_motion: SalesMotion::ALL
            .iter()
            .map(|&m| (m.label().to_string(), model.carry_in.iter().filter(|c| c.motion == m).count()))
            .collect(),
        customers_at_cutoff: fitted.customers_at_cutoff,
        coverage: summarise(&all, &self_coverage(&samples, &scored)),
        by_metric: by_metric(&all),
        pit_histogram: pit_histogram(&all),
        reps,
        segments,
        motions,
        assumptions: fitted.assumptions,
    })
}

/// The first month of the history and the cutoff's month, once the cutoff is the first of a month with
/// history before it and the whole horizon after it.
fn window(history: &History, options: &BacktestOptions) -> Result<(i64, i64), BacktestError> {
    let cutoff_month = month_of(options.cutoff);
    if super::first_day(cutoff_month) != options.cutoff {
        return Err(BacktestError::Cutoff(
            "the cutoff must be the first day of a month, such as 2025-01-01".into(),
        ));
    }
    let h = i64::from(options.horizon);
    let Some((first, last)) = history.month_span().filter(|(first, _)| *first < cutoff_month) else {
        return Err(BacktestError::Cutoff(
            "the history has nothing before the cutoff to calibrate on; choose a later cutoff".into(),
        ));
    };
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
    Ok((first, cutoff_month))
}

/// The model calibrated on the history before the cutoff, of the market as it stood then, with the deals
/// open at the cutoff carried in.
struct FittedAtCutoff {
    model: crate::sim::model::Model,
    assumptions: Vec<Assumption>,
    training_opportunities: usize,
    training_motions: Vec<MotionShare>,
    open_at_cutoff: usize,
    customers_at_cutoff: usize,
}

impl FittedAtCutoff {
    fn new(
        history: &History,
        market: &Market,
        scenario: &Scenario,
        options: &BacktestOptions,
        first: i64,
    ) -> Result<Self, BacktestError> {
        let cutoff_month = month_of(options.cutoff);
        let train = history.as_of(options.cutoff);
        let calibration = calibrate_window(&train, market, scenario, first, cutoff_month - 1)?;
        // The calibrated model wins over the scenario's own parameters: it is what is being tested.
        let mut fitted = scenario.clone();
        for (key, o) in &calibration.params.params {
            let mut base = fitted.params.get(key).cloned().unwrap_or_default();
            base.overlay(o);
            fitted.params.insert(key.clone(), base);
        }
        fitted.model.level_sigma = calibration.params.model.map(|m| m.level_sigma);
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
        let mut model = compile(&sim_scenario, &in_place, in_place.plan(), None)?;
        model.win_multiplier = options.win_rate_multiplier;
        Ok(FittedAtCutoff {
            model,
            assumptions,
            training_opportunities: train.opportunities.len(),
            training_motions: train.motion_shares(),
            open_at_cutoff,
            customers_at_cutoff: in_place.accounts().iter().filter(|a| a.is_customer).count(),
        })
    }
}

/// The units a backtest scores, each with the three metrics: the reps, then the calibration leaves (such as
/// `AMER/MM`), then the whole team per motion.
struct Units<'a> {
    market: &'a Market,
    segs: Segments,
    n_reps: usize,
    /// Leaf nodes of `segs`, ascending.
    leaves: Vec<usize>,
    /// Node → its index in `leaves`.
    leaf_slot: Vec<usize>,
}

impl<'a> Units<'a> {
    fn new(scenario: &Scenario, market: &'a Market) -> Self {
        let segs = Segments::new(scenario, market);
        let mut leaves: Vec<usize> = segs.leaf.clone();
        leaves.sort_unstable();
        leaves.dedup();
        let mut leaf_slot = vec![usize::MAX; segs.nodes.len()];
        for (i, &n) in leaves.iter().enumerate() {
            leaf_slot[n] = i;
        }
        Units { market, n_reps: market.reps().len(), segs, leaves, leaf_slot }
    }

    fn len(&self) -> usize {
        self.n_reps + self.leaves.len() + SalesMotion::ALL.len()
    }

    /// Index of `metric` of `unit` in a flat vector of every unit's metrics.
    fn slot(unit: usize, metric: usize) -> usize {
        unit * METRICS.len() + metric
    }

    /// The units an event on account `a` of `motion`, owned by `owner`, counts toward.
    fn of(&self, owner: Option<usize>, a: usize, motion: SalesMotion) -> impl Iterator<Item = usize> {
        let segment = self.n_reps + self.leaf_slot[self.segs.leaf[a]];
        let motion = self.n_reps + self.leaves.len() + motion.index();
        owner.filter(|&r| r < self.n_reps).into_iter().chain([segment, motion])
    }

    fn id(&self, u: usize) -> String {
        if u < self.n_reps {
            self.market.reps()[u].id.to_string()
        } else if u < self.n_reps + self.leaves.len() {
            self.segs.nodes[self.leaves[u - self.n_reps]].key.clone()
        } else {
            SalesMotion::ALL[u - self.n_reps - self.leaves.len()].label().to_string()
        }
    }
}

/// Each trial's opportunities opened, wins and bookings per unit (flat, by [`Units::slot`]), in trial order.
fn simulate(model: &crate::sim::model::Model, units: &Units<'_>, trials: u64) -> Vec<Vec<f64>> {
    run_logged(model, trials, &|_, log| {
        let mut v = vec![0.0; units.len() * METRICS.len()];
        for e in &log.events {
            let owner = (e.owner != NO_OWNER).then_some(e.owner as usize);
            let metric = match e.kind {
                OppEventKind::Opened => 0,
                OppEventKind::Won => 1,
                OppEventKind::Lost => continue,
            };
            for u in units.of(owner, e.account as usize, e.motion) {
                v[Units::slot(u, metric)] += 1.0;
                if metric == 1 {
                    v[Units::slot(u, 2)] += e.value;
                }
            }
        }
        v
    })
}

/// What happened in months `from..to` per unit: opportunities created in them, and wins and bookings of
/// deals closed in them.
fn count(history: &History, units: &Units<'_>, from: i64, to: i64) -> Vec<f64> {
    let mut v = vec![0.0; units.len() * METRICS.len()];
    for o in &history.opportunities {
        let created = (from..to).contains(&month_of(o.created));
        let won_in = o.outcome == Outcome::Won && o.closed.is_some_and(|c| (from..to).contains(&month_of(c)));
        for u in units.of(o.owner, o.account, o.motion) {
            if created {
                v[Units::slot(u, 0)] += 1.0;
            }
            if won_in {
                v[Units::slot(u, 1)] += 1.0;
                v[Units::slot(u, 2)] += o.amount.unwrap_or(0.0);
            }
        }
    }
    v
}

/// Unit `u`'s predicted distribution of each metric (from `samples`) scored against `actual`.
fn score_unit(
    units: &Units<'_>,
    u: usize,
    samples: &[Vec<f64>],
    actual: &[f64],
    naive: Option<&[f64]>,
) -> UnitResult {
    let metrics: Vec<MetricResult> = (0..METRICS.len())
        .map(|m| {
            let k = Units::slot(u, m);
            let mut s: Vec<f64> = samples.iter().map(|t| t[k]).collect();
            s.sort_by(f64::total_cmp);
            let q = |p: f64| quantile_sorted(&s, p).value;
            let y = actual[k];
            let naive_y = naive.map(|n| n[k]);
            let (pit_below, pit_at_or_below) = pit_range(&s, y);
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
                pit_below,
                pit_at_or_below,
                crps: crps_samples(&s, y),
                crps_naive: naive_y.map(|x| (x - y).abs()),
            }
        })
        .collect();
    let share =
        |lo: f64, hi: f64| metrics.iter().map(|m| m.inside(lo, hi)).sum::<f64>() / metrics.len() as f64;
    UnitResult { id: units.id(u), coverage_50: share(0.25, 0.75), coverage_80: share(0.10, 0.90), metrics }
}

/// Coverage and CRPS of each metric over `all` checks.
fn by_metric(all: &[&MetricResult]) -> Vec<MetricScore> {
    let mean = |v: &mut dyn Iterator<Item = f64>| {
        let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
        (n > 0).then(|| s / n as f64)
    };
    METRICS
        .iter()
        .map(|&name| {
            let ms: Vec<&MetricResult> = all.iter().copied().filter(|m| m.metric == name).collect();
            let (coverage_50, coverage_80) = coverage(&ms);
            let with_naive: Vec<&&MetricResult> = ms.iter().filter(|m| m.crps_naive.is_some()).collect();
            let crps_naive = mean(&mut with_naive.iter().filter_map(|m| m.crps_naive));
            let crps_model_paired = mean(&mut with_naive.iter().map(|m| m.crps));
            MetricScore {
                metric: name.to_string(),
                coverage_50,
                coverage_80,
                crps: mean(&mut ms.iter().map(|m| m.crps)).unwrap_or(f64::NAN),
                crps_naive,
                crps_skill: match (crps_model_paired, crps_naive) {
                    (Some(m), Some(n)) if n > 0.0 => Some(1.0 - m / n),
                    _ => None,
                },
            }
        })
        .collect()
}

/// The non-randomized PIT histogram (Czado, Gneiting and Held, 2009): each check's unit of mass spread
/// evenly over its randomized PIT's range, so a tie of counts fills the tenths it spans.
fn pit_histogram(all: &[&MetricResult]) -> Vec<f64> {
    let mut histogram = vec![0.0; 10];
    for m in all {
        for (b, share) in histogram.iter_mut().enumerate() {
            *share += m.inside(b as f64 / 10.0, (b + 1) as f64 / 10.0) / all.len().max(1) as f64;
        }
    }
    histogram
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

/// The share of `checks` inside their central 50% and 80% intervals.
fn coverage(checks: &[&MetricResult]) -> (f64, f64) {
    let n = checks.len().max(1) as f64;
    let inside = |lo: f64, hi: f64| checks.iter().map(|m| m.inside(lo, hi)).sum::<f64>() / n;
    (inside(0.25, 0.75), inside(0.10, 0.90))
}

/// The coverage of `checks`, with its binomial errors and the spread of `own`, the coverages of the model's
/// own trials scored as actuals ([`self_coverage`]), which set the tolerance.
fn summarise(checks: &[&MetricResult], own: &[(f64, f64)]) -> CoverageSummary {
    let n = checks.len().max(1) as f64;
    let (c50, c80) = coverage(checks);
    let (se50, se80) = ((0.25 / n).sqrt(), (0.16 / n).sqrt());
    let moments = |pick: fn(&(f64, f64)) -> f64| {
        let w: crate::sim::Welford = own.iter().map(pick).collect();
        (w.mean(), w.variance().sqrt())
    };
    let ((e50, spread50), (e80, spread80)) = (moments(|c| c.0), moments(|c| c.1));
    let z = -inverse_normal_cdf(0.00135); // three standard errors
    let (t50, t80) = ((z * se50).max(2.0 * spread50).max(0.08), (z * se80).max(2.0 * spread80).max(0.08));
    CoverageSummary {
        checks: checks.len(),
        coverage_50: c50,
        coverage_80: c80,
        se_50: se50,
        se_80: se80,
        spread_50: spread50,
        spread_80: spread80,
        expected_50: e50,
        expected_80: e80,
        tolerance_50: t50,
        tolerance_80: t80,
        miscalibrated: (c50 - 0.5).abs() > t50 || (c80 - 0.8).abs() > t80,
    }
}

/// Per trial, the 50% and 80% coverage of the checks at `slots` (indices into each trial's values) had
/// that trial's values been what happened, against the distribution of all trials: the coverage of a
/// history that follows the model, trial by trial.
fn self_coverage(samples: &[Vec<f64>], slots: &[usize]) -> Vec<(f64, f64)> {
    let mut own = vec![(0.0, 0.0); samples.len()];
    let mut sorted = Vec::with_capacity(samples.len());
    for &k in slots {
        sorted.clear();
        sorted.extend(samples.iter().map(|t| t[k]));
        sorted.sort_by(f64::total_cmp);
        for (c, t) in own.iter_mut().zip(samples) {
            let range = pit_range(&sorted, t[k]);
            c.0 += share_inside(range, 0.25, 0.75);
            c.1 += share_inside(range, 0.10, 0.90);
        }
    }
    let n = slots.len().max(1) as f64;
    own.iter().map(|&(a, b)| (a / n, b / n)).collect()
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
