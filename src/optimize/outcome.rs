//! A whole optimize run: candidates for every strategy, each simulated with the unchanged plan on the same
//! futures, ranked by what the spec's `rank_by` names, with the Pareto front over attainment variance,
//! coverage and disruption, and each candidate that is no better than the unchanged plan marked so.

use rayon::prelude::*;

use crate::scenario::{OptimizeSpec, RankBy, Strategy};
use crate::sim::compare::{Breakdown, breakdown};

use super::org::Org;
use super::rank::{EvaluateError, MetricCi, evaluate, pareto_ranks};
use super::units::UnitGraph;
use super::{Candidate, generate};

/// Balance figures of a plan on the surrogate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Balance {
    /// Reps outside the potential band.
    pub outside_potential_band: usize,
    /// Reps outside the workload band.
    pub outside_workload_band: usize,
    /// Largest |potential ÷ target − 1|.
    pub max_potential_deviation: f64,
    /// Largest |workload ÷ target − 1|.
    pub max_workload_deviation: f64,
    /// Surrogate cost (lower is better; comparable within one run).
    pub surrogate_cost: f64,
}

/// One ranked candidate, as `candidates.json` gives it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankedCandidate {
    /// Folder name: the strategy, with a suffix when a strategy appears twice.
    pub name: String,
    /// Strategy.
    pub strategy: Strategy,
    /// Position in the ranking by `rank_by` (1 is best); candidates no better than the unchanged plan come
    /// after those that are.
    pub rank: usize,
    /// True when, on every figure that ranks (see [`RankBy::metrics`]), the 95% interval of the paired
    /// difference against the unchanged plan does not lie wholly on the better side of zero: the candidate is
    /// no better than the current plan.
    pub no_better_than_current: bool,
    /// Pareto rank over (attainment variance, coverage rate, moved share): 1 is the front.
    pub pareto_rank: u32,
    /// Accounts whose owner changes.
    pub moved_accounts: usize,
    /// Share of accounts whose owner changes.
    pub moved_share: f64,
    /// False when the strategy's full territories did not fit in the continuity budget and the candidate
    /// moves the current plan toward them as far as the budget allows.
    pub complete: bool,
    /// For geographic territories on a unit graph: whether every territory is connected.
    pub contiguous: Option<bool>,
    /// Balance on the surrogate.
    pub balance: Balance,
    /// Headline figures: the candidate's mean, the paired difference against the unchanged plan and its
    /// 95% interval.
    pub metrics: std::collections::BTreeMap<String, MetricCi>,
    /// Who wins and who loses against the unchanged plan, per rep and per segment, paired by trial (see
    /// [`crate::sim::compare::Breakdown`]); a hire or an added rep shows as `added`.
    pub breakdown: Breakdown,
}

/// The result of `terrasim optimize`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OptimizeOutcome {
    /// Result schema version.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Trials per candidate.
    pub trials: u64,
    /// Maximum share of accounts moved.
    pub continuity_budget: f64,
    /// Potential band.
    pub potential_band: f64,
    /// Workload band.
    pub workload_band: f64,
    /// What ranked the candidates.
    pub rank_by: RankBy,
    /// The unchanged plan's headline means.
    pub unchanged: std::collections::BTreeMap<String, f64>,
    /// The unchanged plan's balance on the surrogate.
    pub unchanged_balance: Balance,
    /// Candidates, best first.
    pub candidates: Vec<RankedCandidate>,
    /// What the run rests on that is not the user's data (defaults standing in for a missing column, file or
    /// calibration); also printed as warnings on stderr. See [`crate::scenario::declared`].
    pub assumptions: Vec<crate::market::Assumption>,
}

/// The balance of `plan` (over the org's reps) on the surrogate, with the optimizer's bands: what
/// `candidates.json` reports for the unchanged plan and `validate` beside its own audit.
pub fn plan_balance(org: &Org, plan: &crate::market::Plan) -> Balance {
    balance(&super::finish_plan(org, plan.clone()))
}

fn balance(c: &Candidate) -> Balance {
    Balance {
        outside_potential_band: c.outside_potential_band,
        outside_workload_band: c.outside_workload_band,
        max_potential_deviation: c.max_potential_deviation,
        max_workload_deviation: c.max_workload_deviation,
        surrogate_cost: c.cost,
    }
}

/// Whether `c` beats the unchanged plan on a figure that ranks: its 95% paired interval wholly on the
/// better side of zero.
fn better_than_current(c: &RankedCandidate, rank_by: RankBy) -> bool {
    rank_by.metrics().iter().any(|&(metric, higher_is_better)| {
        c.metrics.get(metric).is_some_and(|m| if higher_is_better { m.ci[0] > 0.0 } else { m.ci[1] < 0.0 })
    })
}

/// Generates a candidate per strategy (in parallel; each is deterministic), then simulates each and the
/// unchanged plan with `trials` trials on the same futures. `searched` is called after each search, and
/// `progress` with trials done.
pub fn optimize(
    org: &Org,
    spec: &OptimizeSpec,
    graph: Option<&UnitGraph>,
    trials: u64,
    threads: Option<usize>,
    searched: &(dyn Fn(Strategy) + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(OptimizeOutcome, Vec<Candidate>), EvaluateError> {
    let seed = org.scenario.seed;
    let candidates: Vec<Candidate> = spec
        .strategies
        .par_iter()
        .map(|&s| {
            let c = generate(org, spec, s, graph, seed);
            searched(s);
            c
        })
        .collect();
    let baseline = evaluate(
        &org.baseline_scenario,
        &org.baseline_market,
        org.baseline_market.plan(),
        trials,
        threads,
        progress,
    )?;
    let mut ranked = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for c in &candidates {
        let eval = evaluate(&org.scenario, &org.market, &c.plan, trials, threads, progress)?;
        let metrics = eval.against(&baseline);
        let mut name = c.strategy.label().to_string();
        let same = names.iter().filter(|n| n.split('-').next() == Some(c.strategy.label())).count();
        if same > 0 {
            name = format!("{name}-{}", same + 1);
        }
        names.push(name.clone());
        ranked.push(RankedCandidate {
            name,
            strategy: c.strategy,
            rank: 0,
            no_better_than_current: false,
            pareto_rank: 0,
            moved_accounts: c.moved,
            moved_share: c.moved as f64 / c.plan.len().max(1) as f64,
            complete: c.complete,
            contiguous: c.contiguous,
            balance: balance(c),
            metrics: crate::sim::HEADLINE_NAMES
                .iter()
                .filter_map(|n| metrics.get(n).map(|m| (n.to_string(), m)))
                .collect(),
            breakdown: breakdown(&baseline.breakdown, &eval.breakdown),
        });
    }
    let value = |c: &RankedCandidate, m: &str| c.metrics.get(m).map_or(0.0, |x| x.value);
    let points: Vec<[f64; 3]> = ranked
        .iter()
        .map(|c| [value(c, "attainment_variance"), -value(c, "coverage_rate"), c.moved_share])
        .collect();
    for (c, r) in ranked.iter_mut().zip(pareto_ranks(&points)) {
        c.pareto_rank = r;
    }
    let rank_by = spec.rank_by.unwrap_or_default();
    for c in &mut ranked {
        c.no_better_than_current = !better_than_current(c, rank_by);
    }
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&ranked[x], &ranked[y]);
        let by_metric = match rank_by {
            RankBy::VarianceCoverage => a
                .pareto_rank
                .cmp(&b.pareto_rank)
                .then(value(a, "attainment_variance").total_cmp(&value(b, "attainment_variance")))
                .then(value(b, "coverage_rate").total_cmp(&value(a, "coverage_rate"))),
            RankBy::Bookings => value(b, "team_bookings").total_cmp(&value(a, "team_bookings")),
            RankBy::PTeamGePlan => value(b, "p_team_ge_plan")
                .total_cmp(&value(a, "p_team_ge_plan"))
                .then(value(b, "team_bookings").total_cmp(&value(a, "team_bookings"))),
        };
        a.no_better_than_current.cmp(&b.no_better_than_current).then(by_metric).then(x.cmp(&y))
    });
    let mut sorted_candidates = Vec::with_capacity(order.len());
    let mut sorted = Vec::with_capacity(order.len());
    for (k, &i) in order.iter().enumerate() {
        let mut c = ranked[i].clone();
        c.rank = k + 1;
        sorted.push(c);
        sorted_candidates.push(candidates[i].clone());
    }
    let outcome = OptimizeOutcome {
        schema_version: 1,
        scenario: org.scenario.name.clone(),
        seed,
        trials,
        continuity_budget: spec.continuity_budget,
        potential_band: spec.potential_band,
        workload_band: spec.workload_band,
        rank_by,
        unchanged: crate::sim::HEADLINE_NAMES
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let mean = baseline.headlines.iter().map(|h| h.values()[k]).sum::<f64>()
                    / baseline.headlines.len().max(1) as f64;
                (n.to_string(), mean)
            })
            .collect(),
        unchanged_balance: plan_balance(org, org.market.plan()),
        candidates: sorted,
        assumptions: crate::scenario::declared_for_optimize(
            &org.baseline_scenario,
            &org.baseline_market,
            spec,
        ),
    };
    Ok((outcome, sorted_candidates))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(metrics: &[(&str, [f64; 2])]) -> RankedCandidate {
        RankedCandidate {
            name: "c".into(),
            strategy: Strategy::Current,
            rank: 0,
            no_better_than_current: false,
            pareto_rank: 1,
            moved_accounts: 0,
            moved_share: 0.0,
            complete: true,
            contiguous: None,
            balance: Balance {
                outside_potential_band: 0,
                outside_workload_band: 0,
                max_potential_deviation: 0.0,
                max_workload_deviation: 0.0,
                surrogate_cost: 0.0,
            },
            metrics: metrics
                .iter()
                .map(|&(m, ci)| {
                    (m.to_string(), MetricCi { value: 0.0, difference: (ci[0] + ci[1]) / 2.0, ci })
                })
                .collect(),
            breakdown: Breakdown::default(),
        }
    }

    #[test]
    fn better_than_current_needs_an_interval_wholly_on_the_better_side_of_a_ranking_figure() {
        // Variance: lower is better; coverage: higher is better.
        let lower_variance =
            candidate(&[("attainment_variance", [-0.2, -0.1]), ("coverage_rate", [-0.1, 0.1])]);
        let higher_variance =
            candidate(&[("attainment_variance", [0.1, 0.2]), ("coverage_rate", [-0.1, 0.1])]);
        let straddles = candidate(&[("attainment_variance", [-0.1, 0.1]), ("coverage_rate", [-0.1, 0.0])]);
        let more_coverage =
            candidate(&[("attainment_variance", [-0.1, 0.1]), ("coverage_rate", [0.01, 0.02])]);
        assert!(better_than_current(&lower_variance, RankBy::VarianceCoverage));
        assert!(!better_than_current(&higher_variance, RankBy::VarianceCoverage));
        assert!(!better_than_current(&straddles, RankBy::VarianceCoverage));
        assert!(better_than_current(&more_coverage, RankBy::VarianceCoverage));
        // Only the figures that rank count.
        assert!(!better_than_current(&lower_variance, RankBy::Bookings), "no bookings figure: not better");
        let bookings = candidate(&[("team_bookings", [5.0, 9.0]), ("attainment_variance", [0.1, 0.2])]);
        assert!(better_than_current(&bookings, RankBy::Bookings));
        assert!(!better_than_current(&bookings, RankBy::VarianceCoverage));
    }
}
