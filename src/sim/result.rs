//! The result contract of `terrasim simulate`: `result.json` is this struct serialized. Every other view
//! (CSV tables, terminal summary, HTML) is derived from it. Fields never hold run times, dates or host
//! facts, so the same scenario and seed give the same bytes on any machine and thread count.

use super::model::{Model, PlanBasis};
use super::stats::{Estimate, Quantile, Summary, Welford, quantile_sorted, spread};
use super::trial::TrialOutcome;

/// Version of this contract; bumped on any breaking change.
pub const RESULT_SCHEMA_VERSION: u32 = 1;

/// A monthly fan: percentiles of one month's value across trials.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fan {
    /// Month, 1-based.
    pub month: usize,
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Outcomes of one rep.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepResult {
    /// Rep id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team.
    pub team: String,
    /// Quota over the horizon, pro-rated by the quota policy.
    pub quota: f64,
    /// Attainment (bookings ÷ quota): mean, spread and percentiles. Absent when the quota is zero.
    pub attainment: Option<Summary>,
    /// Probability of attainment ≥ 100%.
    pub p_attainment_ge_100: Option<Estimate>,
    /// Bookings over the horizon.
    pub bookings: Summary,
    /// Opportunities opened.
    pub opportunities: Estimate,
    /// Deals won.
    pub wins: Estimate,
    /// Accounts covered in an average month (worked by prospecting or through an open opportunity).
    pub covered_accounts: Estimate,
    /// Monthly bookings fan.
    pub monthly_bookings: Vec<Fan>,
}

/// Team outcomes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TeamResult {
    /// The team plan P(team ≥ plan) is measured against: the scenario's `[plan] team_target`, else the sum
    /// of the quotas the user set (see [`PlanBasis`]). It is not the sum of the reps' `quota`, which falls
    /// when a rep departs.
    pub plan: f64,
    /// Which plan `plan` is: `team_target` or `sum_of_quotas`.
    pub plan_basis: PlanBasis,
    /// Team bookings (house bookings included).
    pub bookings: Summary,
    /// 5th, 25th, 75th and 95th percentiles of team bookings (with 10/50/90 in `bookings`, the distribution).
    pub bookings_p05: Quantile,
    /// 25th percentile of team bookings.
    pub bookings_p25: Quantile,
    /// 75th percentile of team bookings.
    pub bookings_p75: Quantile,
    /// 95th percentile of team bookings.
    pub bookings_p95: Quantile,
    /// Probability that team bookings reach the plan.
    pub p_team_ge_plan: Estimate,
    /// Expected share of quota-carrying reps at or above 100%.
    pub share_of_reps_at_quota: Estimate,
    /// Bookings on accounts without an owner at close (unowned accounts, held books).
    pub house_bookings: Estimate,
    /// Team monthly bookings fan.
    pub monthly_bookings: Vec<Fan>,
}

/// Pipeline coverage of one segment (region/size band).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentPipeline {
    /// Segment label, such as `AMER/MM`.
    pub segment: String,
    /// Quota of the reps selling to the segment.
    pub quota: f64,
    /// Value of opportunities created in the segment's accounts.
    pub pipeline_created: Estimate,
    /// Pipeline created ÷ quota (absent when the quota is zero).
    pub coverage: Option<Estimate>,
    /// True when coverage is below the flag (default 3x).
    pub below_flag: bool,
}

/// The open pipeline a run starts with.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpenPipeline {
    /// Open deals carried in.
    pub deals: usize,
    /// Their total amount (each the export's amount, or its account's potential without one).
    pub value: f64,
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SimResult {
    /// Version of this contract.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// The shock applied, if any.
    pub shock: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Trials run.
    pub trials: u64,
    /// Months simulated.
    pub horizon_months: usize,
    /// Per rep.
    pub reps: Vec<RepResult>,
    /// Team.
    pub team: TeamResult,
    /// Mean over trials of the cross-rep variance of attainment (quota-carrying reps).
    pub attainment_variance: Estimate,
    /// Mean over trials of the cross-rep standard deviation of attainment.
    pub attainment_sd: Estimate,
    /// Mean over trials of the coefficient of variation of attainment across reps (cross-rep standard
    /// deviation ÷ cross-rep mean): the spread without the level, so a shock that lowers everyone's
    /// attainment does not read as fairer. Zero in a trial where no rep books.
    pub attainment_cv: Estimate,
    /// Mean over trials of the Gini coefficient of attainment across reps.
    pub attainment_gini: Estimate,
    /// Share of target accounts (tiers 1–2 by default) covered at least once per quarter, averaged over
    /// account-quarters.
    pub coverage_rate: Estimate,
    /// Pipeline coverage per segment.
    pub pipeline: Vec<SegmentPipeline>,
    /// Pipeline coverage flag threshold.
    pub pipeline_coverage_flag: f64,
    /// The deals open at the start that the run carried in (the scenario's `[data] pipeline` or history at
    /// `as_of`).
    pub open_pipeline: OpenPipeline,
    /// What the run rests on that is not the user's data (defaults standing in for a missing column, file or
    /// calibration); also printed as warnings on stderr. See [`crate::scenario::declared`].
    pub assumptions: Vec<crate::market::Assumption>,
}

/// Per-trial headline figures, used for paired comparisons (stress tests, optimizer ranking).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headline {
    /// Team bookings.
    pub team_bookings: f64,
    /// Team bookings ≥ plan (1 or 0).
    pub team_at_plan: f64,
    /// Cross-rep variance of attainment.
    pub attainment_variance: f64,
    /// Cross-rep coefficient of variation of attainment (sd ÷ mean).
    pub attainment_cv: f64,
    /// Gini of attainment.
    pub attainment_gini: f64,
    /// Coverage rate.
    pub coverage_rate: f64,
    /// Share of reps at quota.
    pub share_at_quota: f64,
}

/// Headline names, in the order of [`Headline::values`].
pub const HEADLINE_NAMES: [&str; 7] = [
    "team_bookings",
    "p_team_ge_plan",
    "attainment_variance",
    "attainment_cv",
    "attainment_gini",
    "coverage_rate",
    "share_of_reps_at_quota",
];

impl Headline {
    /// The figures in the order of [`HEADLINE_NAMES`].
    pub fn values(&self) -> [f64; 7] {
        [
            self.team_bookings,
            self.team_at_plan,
            self.attainment_variance,
            self.attainment_cv,
            self.attainment_gini,
            self.coverage_rate,
            self.share_at_quota,
        ]
    }
}

/// Per-trial headline figures of an outcome.
pub fn headline(model: &Model, o: &TrialOutcome) -> Headline {
    let attainments: Vec<f64> =
        model.reps.iter().zip(&o.bookings).filter(|(r, _)| r.quota > 0.0).map(|(r, b)| b / r.quota).collect();
    let (variance, gini) = spread(&attainments);
    let at_quota = attainments.iter().filter(|&&x| x >= 1.0).count();
    let mean = attainments.iter().sum::<f64>() / attainments.len().max(1) as f64;
    let team = o.team_bookings();
    Headline {
        team_bookings: team,
        team_at_plan: f64::from(u8::from(team >= model.team_plan.value)),
        attainment_variance: variance,
        // Attainments are not negative: a zero mean is a trial where nobody books, with no spread.
        attainment_cv: if mean > 0.0 { variance.sqrt() / mean } else { 0.0 },
        attainment_gini: gini,
        coverage_rate: o.coverage_rate,
        share_at_quota: if attainments.is_empty() { 0.0 } else { at_quota as f64 / attainments.len() as f64 },
    }
}

/// Aggregates trial outcomes (in trial order) into the result contract.
pub fn aggregate(model: &Model, scenario: &str, shock: Option<&str>, outcomes: &[TrialOutcome]) -> SimResult {
    let n = outcomes.len();
    let h = model.horizon;
    let headlines: Vec<Headline> = outcomes.iter().map(|o| headline(model, o)).collect();

    let reps = model
        .reps
        .iter()
        .enumerate()
        .map(|(r, rep)| {
            let mut bookings: Vec<f64> = outcomes.iter().map(|o| o.bookings[r]).collect();
            let (attainment, p100) = if rep.quota > 0.0 {
                let mut att: Vec<f64> = bookings.iter().map(|b| b / rep.quota).collect();
                let hits = att.iter().filter(|&&x| x >= 1.0).count();
                (Some(Summary::of(&mut att)), Some(Estimate::proportion(hits, n)))
            } else {
                (None, None)
            };
            RepResult {
                id: rep.id.clone(),
                name: rep.name.clone(),
                team: rep.team.clone(),
                quota: rep.quota,
                attainment,
                p_attainment_ge_100: p100,
                bookings: Summary::of(&mut bookings),
                opportunities: estimate(outcomes.iter().map(|o| f64::from(o.opportunities[r]))),
                wins: estimate(outcomes.iter().map(|o| f64::from(o.wins[r]))),
                covered_accounts: estimate(outcomes.iter().map(|o| o.covered[r])),
                monthly_bookings: fans(h, |m| outcomes.iter().map(|o| o.monthly[r * h + m]).collect()),
            }
        })
        .collect();

    let mut team_bookings: Vec<f64> = headlines.iter().map(|x| x.team_bookings).collect();
    let team_summary = Summary::of(&mut team_bookings);
    let team = TeamResult {
        plan: model.team_plan.value,
        plan_basis: model.team_plan.basis,
        bookings: team_summary,
        bookings_p05: quantile_sorted(&team_bookings, 0.05),
        bookings_p25: quantile_sorted(&team_bookings, 0.25),
        bookings_p75: quantile_sorted(&team_bookings, 0.75),
        bookings_p95: quantile_sorted(&team_bookings, 0.95),
        p_team_ge_plan: estimate(headlines.iter().map(|x| x.team_at_plan)),
        share_of_reps_at_quota: estimate(headlines.iter().map(|x| x.share_at_quota)),
        house_bookings: estimate(outcomes.iter().map(|o| o.house_bookings)),
        monthly_bookings: fans(h, |m| {
            outcomes.iter().map(|o| (0..model.reps.len()).map(|r| o.monthly[r * h + m]).sum()).collect()
        }),
    };

    let mut segment_quota = vec![0.0; model.pipeline_segments.len()];
    for rep in &model.reps {
        segment_quota[usize::from(rep.pipeline_segment)] += rep.quota;
    }
    let pipeline = model
        .pipeline_segments
        .iter()
        .enumerate()
        .map(|(s, label)| {
            let created = estimate(outcomes.iter().map(|o| o.pipeline[s]));
            let quota = segment_quota[s];
            let coverage = (quota > 0.0).then(|| estimate(outcomes.iter().map(|o| o.pipeline[s] / quota)));
            SegmentPipeline {
                segment: label.clone(),
                quota,
                pipeline_created: created,
                below_flag: coverage.is_some_and(|c| c.mean < model.pipeline_coverage_flag),
                coverage,
            }
        })
        .collect();

    SimResult {
        schema_version: RESULT_SCHEMA_VERSION,
        scenario: scenario.to_string(),
        shock: shock.map(str::to_string),
        seed: model.seed,
        trials: n as u64,
        horizon_months: h,
        reps,
        team,
        attainment_variance: estimate(headlines.iter().map(|x| x.attainment_variance)),
        attainment_sd: estimate(headlines.iter().map(|x| x.attainment_variance.sqrt())),
        attainment_cv: estimate(headlines.iter().map(|x| x.attainment_cv)),
        attainment_gini: estimate(headlines.iter().map(|x| x.attainment_gini)),
        coverage_rate: estimate(headlines.iter().map(|x| x.coverage_rate)),
        pipeline,
        pipeline_coverage_flag: model.pipeline_coverage_flag,
        open_pipeline: OpenPipeline {
            deals: model.carry_in.len(),
            value: model.carry_in.iter().map(|c| c.value).sum(),
        },
        // The model does not know which of its inputs were defaults: the caller, which has the scenario and
        // the market, sets them (`scenario::declared`).
        assumptions: Vec::new(),
    }
}

fn estimate(values: impl Iterator<Item = f64>) -> Estimate {
    Estimate::from(&values.collect::<Welford>())
}

fn fans(horizon: usize, month_values: impl Fn(usize) -> Vec<f64>) -> Vec<Fan> {
    (0..horizon)
        .map(|m| {
            let mut v = month_values(m);
            let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
            v.sort_by(f64::total_cmp);
            Fan {
                month: m + 1,
                mean,
                p10: quantile_sorted(&v, 0.1).value,
                p50: quantile_sorted(&v, 0.5).value,
                p90: quantile_sorted(&v, 0.9).value,
            }
        })
        .collect()
}
