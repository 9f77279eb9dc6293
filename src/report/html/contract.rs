//! What the report reads of each result contract. The contracts (`SimResult`, `StressResult`,
//! `CompareResult`, `OptimizeOutcome`, `Backtest`) are written, never read back, by the engine, so they derive
//! only `Serialize`; these are their read-side mirrors, holding just the fields the report draws. Fields the
//! report does not draw are ignored, so a contract that grows a field still reads. The tests parse the golden
//! files of `tests/golden/` with them, which fails when a contract renames or drops a field drawn here.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `{ mean, se }`: a Monte Carlo estimate.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Estimate {
    /// The estimate.
    pub mean: f64,
    /// Its standard error.
    pub se: f64,
}

/// `{ value, se }`: a percentile.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Quantile {
    /// The percentile.
    pub value: f64,
}

/// The distribution summary of the contracts.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Summary {
    /// Mean and its standard error.
    pub mean: Estimate,
    /// 10th percentile.
    pub p10: Quantile,
    /// Median.
    pub p50: Quantile,
    /// 90th percentile.
    pub p90: Quantile,
}

/// One month of a fan.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
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

/// A declared default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Assumption {
    /// Stable code.
    pub code: String,
    /// What it applies to.
    pub subject: String,
    /// What was assumed.
    pub message: String,
}

/// One rep of `result.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SimRep {
    /// Rep id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team.
    pub team: String,
    /// Pro-rated quota.
    pub quota: f64,
    /// Attainment; absent for a rep without quota.
    pub attainment: Option<Summary>,
    /// P(attainment ≥ 100%).
    pub p_attainment_ge_100: Option<Estimate>,
    /// Bookings.
    pub bookings: Summary,
}

/// The team of `result.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SimTeam {
    /// The team plan.
    pub plan: f64,
    /// Which plan `plan` is (`team_target`, `sum_of_quotas`); absent in results from before it was named.
    #[serde(default)]
    pub plan_basis: Option<String>,
    /// Team bookings.
    pub bookings: Summary,
    /// P(team ≥ plan).
    pub p_team_ge_plan: Estimate,
    /// Expected share of reps at quota.
    pub share_of_reps_at_quota: Estimate,
    /// Bookings on accounts without an owner.
    pub house_bookings: Estimate,
    /// Team bookings per month.
    pub monthly_bookings: Vec<Fan>,
}

/// Pipeline coverage of one segment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SegmentPipeline {
    /// Segment label.
    pub segment: String,
    /// Quota of its reps.
    pub quota: f64,
    /// Pipeline created.
    pub pipeline_created: Estimate,
    /// Created ÷ quota.
    pub coverage: Option<Estimate>,
    /// Below the flag.
    pub below_flag: bool,
}

/// `result.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SimResult {
    /// Scenario name.
    pub scenario: String,
    /// Shock applied, if any.
    pub shock: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Trials.
    pub trials: u64,
    /// Months.
    pub horizon_months: usize,
    /// Per rep.
    pub reps: Vec<SimRep>,
    /// Team.
    pub team: SimTeam,
    /// Attainment variance across reps.
    pub attainment_variance: Estimate,
    /// Coefficient of variation of attainment across reps; absent in older results.
    #[serde(default)]
    pub attainment_cv: Option<Estimate>,
    /// Gini of attainment.
    pub attainment_gini: Estimate,
    /// Coverage rate of target accounts.
    pub coverage_rate: Estimate,
    /// Pipeline coverage per segment.
    pub pipeline: Vec<SegmentPipeline>,
    /// The pipeline coverage flag (3x by default).
    pub pipeline_coverage_flag: f64,
    /// Declared defaults.
    pub assumptions: Vec<Assumption>,
}

/// A paired difference of one headline figure.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PairedDifference {
    /// Headline name.
    pub metric: String,
    /// Reference mean.
    pub baseline: f64,
    /// Alternative's mean.
    pub shocked: f64,
    /// Mean paired difference and its standard error.
    pub difference: Estimate,
    /// 95% interval, low end.
    pub ci_low: f64,
    /// 95% interval, high end.
    pub ci_high: f64,
}

/// One shock of `stress.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ShockComparison {
    /// Shock name.
    pub name: String,
    /// Paired differences.
    pub differences: Vec<PairedDifference>,
}

/// `stress.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StressResult {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Shocks.
    pub shocks: Vec<ShockComparison>,
    /// Declared defaults.
    pub assumptions: Vec<Assumption>,
}

/// One plan of `compare.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PlanComparison {
    /// Plan or variant name.
    pub name: String,
    /// Paired differences against the reference.
    pub figures: Vec<PairedDifference>,
}

/// `compare.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CompareResult {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// The reference's name.
    pub reference: String,
    /// The reference first, then each plan.
    pub plans: Vec<PlanComparison>,
    /// Declared defaults.
    pub assumptions: Vec<Assumption>,
}

/// A candidate's figure: its mean, the paired difference and the 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct MetricCi {
    /// The candidate's mean.
    pub value: f64,
    /// Candidate − unchanged plan.
    pub difference: f64,
    /// 95% interval of the difference.
    pub ci: [f64; 2],
}

/// Balance on the surrogate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Balance {
    /// Reps outside the potential band.
    pub outside_potential_band: usize,
    /// Reps outside the workload band.
    pub outside_workload_band: usize,
}

/// One candidate of `candidates.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RankedCandidate {
    /// Folder name.
    pub name: String,
    /// Rank, 1 best.
    pub rank: usize,
    /// Pareto rank, 1 the front.
    pub pareto_rank: u32,
    /// Accounts moved.
    pub moved_accounts: usize,
    /// Share of accounts moved.
    pub moved_share: f64,
    /// False when the continuity budget stopped the redesign part way.
    pub complete: bool,
    /// True when no figure that ranks is better than the unchanged plan's by its 95% interval.
    #[serde(default)]
    pub no_better_than_current: bool,
    /// Balance on the surrogate.
    pub balance: Balance,
    /// Headline figures.
    pub metrics: BTreeMap<String, MetricCi>,
}

/// `candidates.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OptimizeOutcome {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Trials per candidate.
    pub trials: u64,
    /// Continuity budget.
    pub continuity_budget: f64,
    /// What ranked the candidates (`variance_coverage`, `bookings`, `p_team_ge_plan`); absent in older runs.
    #[serde(default)]
    pub rank_by: Option<String>,
    /// The unchanged plan's headline means.
    pub unchanged: BTreeMap<String, f64>,
    /// The unchanged plan's balance.
    pub unchanged_balance: Balance,
    /// Candidates, best first.
    pub candidates: Vec<RankedCandidate>,
    /// Declared defaults.
    pub assumptions: Vec<Assumption>,
}

/// One metric of one unit of `backtest.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BacktestMetric {
    /// `opportunities`, `wins` or `bookings`.
    pub metric: String,
    /// What happened.
    pub actual: f64,
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
}

/// One rep or segment of `backtest.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BacktestUnit {
    /// Rep id or segment key.
    pub id: String,
    /// Per metric.
    pub metrics: Vec<BacktestMetric>,
}

/// Interval coverage over every check.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CoverageSummary {
    /// Checks.
    pub checks: usize,
    /// Share inside the central 50% intervals.
    pub coverage_50: f64,
    /// Share inside the central 80% intervals.
    pub coverage_80: f64,
    /// Flagged as miscalibrated.
    pub miscalibrated: bool,
}

/// `backtest.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Backtest {
    /// Scenario name.
    pub scenario: String,
    /// Cutoff date.
    pub cutoff: String,
    /// Months simulated.
    pub horizon_months: u32,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// Coverage over everything.
    pub coverage: CoverageSummary,
    /// PIT histogram, ten bins.
    pub pit_histogram: Vec<f64>,
    /// Per rep.
    pub reps: Vec<BacktestUnit>,
    /// Per segment.
    pub segments: Vec<BacktestUnit>,
    /// Declared defaults.
    pub assumptions: Vec<Assumption>,
}

/// One row of a candidate's `diff.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// Account id.
    pub account: String,
    /// Old owner's rep id (empty: unowned).
    pub old_owner: String,
    /// New owner's rep id (empty: unowned).
    pub new_owner: String,
    /// Why it moves.
    pub reason: String,
}

/// A candidate's files: its moves and, when read, its plan (account id → owner id).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CandidateFiles {
    /// Rows of `diff.csv`.
    pub moves: Vec<Move>,
    /// Rows of `plan.csv`, when the map needs it.
    pub plan: Option<BTreeMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn the_golden_contracts_parse() {
        let sim: SimResult = serde_json::from_str(&golden("simulate.result.json")).unwrap();
        assert!(!sim.reps.is_empty() && !sim.team.monthly_bookings.is_empty());
        let opt: OptimizeOutcome = serde_json::from_str(&golden("optimize.candidates.json")).unwrap();
        assert!(!opt.candidates.is_empty());
        let bt: Backtest = serde_json::from_str(&golden("backtest.json")).unwrap();
        assert_eq!(bt.pit_histogram.len(), 10);
    }
}
