//! A whole optimize run: candidates for every strategy, each simulated with the unchanged plan on the same
//! futures, ranked, with the Pareto front over attainment variance, coverage and disruption.

use rayon::prelude::*;

use crate::scenario::{OptimizeSpec, Strategy};

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
    /// Position in the ranking (1 is best).
    pub rank: usize,
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

fn balance(c: &Candidate) -> Balance {
    Balance {
        outside_potential_band: c.outside_potential_band,
        outside_workload_band: c.outside_workload_band,
        max_potential_deviation: c.max_potential_deviation,
        max_workload_deviation: c.max_workload_deviation,
        surrogate_cost: c.cost,
    }
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
    let unchanged = super::finish_plan(org, org.market.plan().clone());
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
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&ranked[x], &ranked[y]);
        a.pareto_rank
            .cmp(&b.pareto_rank)
            .then(value(a, "attainment_variance").total_cmp(&value(b, "attainment_variance")))
            .then(value(b, "coverage_rate").total_cmp(&value(a, "coverage_rate")))
            .then(x.cmp(&y))
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
        unchanged: crate::sim::HEADLINE_NAMES
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let mean = baseline.headlines.iter().map(|h| h.values()[k]).sum::<f64>()
                    / baseline.headlines.len().max(1) as f64;
                (n.to_string(), mean)
            })
            .collect(),
        unchanged_balance: balance(&unchanged),
        candidates: sorted,
        assumptions: crate::scenario::declared(&org.baseline_scenario, &org.baseline_market),
    };
    Ok((outcome, sorted_candidates))
}
