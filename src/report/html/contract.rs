//! What the report reads of each result contract. The contracts of simulate (`SimResult`), stress
//! (`StressResult`), compare (`CompareResult`) and backtest (`Backtest`) derive `Deserialize` and are read as
//! they are written, so a field is defined once. The optimizer's `candidates.json` is still read through the
//! mirror below, holding just the fields the report draws (`OptimizeOutcome` in `src/optimize/outcome.rs`
//! is changing under other work; it can derive `Deserialize` in its turn). The tests parse the golden files of
//! `tests/golden/` with these types, which fails when a contract renames or drops a field.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use crate::calibrate::{Backtest, UnitResult};
pub use crate::market::Assumption;
pub use crate::sim::compare::{
    Breakdown, CompareResult, Paired, PairedDifference, Presence, RepDelta, RepFigures, SegmentDelta,
    SegmentFigures, StressResult,
};
pub use crate::sim::{Estimate, SimResult};

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
    /// Strategy (`geographic`, `vertical`, ...); absent in older runs.
    #[serde(default)]
    pub strategy: Option<String>,
    /// For territories grown on a unit graph (US counties): whether every territory is connected; absent
    /// (null) for a candidate whose territories are not made of units.
    #[serde(default)]
    pub contiguous: Option<bool>,
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
    /// Per-rep and per-segment paired differences against the unchanged plan; empty in older results.
    #[serde(default)]
    pub breakdown: Breakdown,
}

impl RankedCandidate {
    /// Whether the candidate's territories are geographic units (US counties): the `geographic` strategy,
    /// or any candidate grown on the unit graph (`contiguous` is recorded for those alone).
    pub fn county_units(&self) -> bool {
        self.strategy.as_deref() == Some("geographic") || self.contiguous.is_some()
    }
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
        assert!(opt.candidates.iter().all(|c| c.strategy.is_some()));
        let bt: Backtest = serde_json::from_str(&golden("backtest.json")).unwrap();
        assert_eq!(bt.pit_histogram.len(), 10);
    }
}
