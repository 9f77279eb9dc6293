//! Ranking: every candidate and the unchanged plan simulated on the same futures, paired differences
//! against the unchanged plan, and the Pareto front over variance, coverage and disruption.

use crate::market::{Market, Plan};
use crate::scenario::{CompileError, Scenario, compile};
use crate::sim::compare::{PairedDifference, PairedRun, RunBreakdown, paired_differences, run_paired};
use crate::sim::{Headline, RunError};

/// Why a candidate could not be simulated.
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    /// The plan does not compile against the scenario.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The runner could not start.
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Per-trial headline figures of `plan`, for paired comparisons: trial `i` of every plan shares its random
/// numbers (common random numbers keyed by seed, trial, account and rep).
pub fn evaluate(
    scenario: &Scenario,
    market: &Market,
    plan: &Plan,
    trials: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Evaluation, EvaluateError> {
    let model = compile(scenario, market, plan, None)?;
    let PairedRun { headlines, breakdown } = run_paired(&model, trials, threads, progress)?;
    Ok(Evaluation { headlines, breakdown })
}

/// The per-trial headline figures of one plan, and what its reps and segments booked trial by trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// One per trial.
    pub headlines: Vec<Headline>,
    /// Per trial, each rep's bookings, each segment's pipeline and the house's, for per-rep and per-segment
    /// paired differences.
    pub breakdown: RunBreakdown,
}

impl Evaluation {
    /// Every headline figure against `baseline`, paired by trial, with 95% confidence intervals.
    pub fn against(&self, baseline: &Evaluation) -> CandidateMetrics {
        CandidateMetrics { figures: paired_differences(&baseline.headlines, &self.headlines) }
    }
}

/// A candidate's headline figures with their paired differences against the unchanged plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CandidateMetrics {
    /// One entry per headline figure; `baseline` is the unchanged plan, `shocked` the candidate.
    pub figures: Vec<PairedDifference>,
}

/// A figure with its interval, as reported.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MetricCi {
    /// The candidate's mean.
    pub value: f64,
    /// Candidate − unchanged plan, mean over paired trials.
    pub difference: f64,
    /// 95% confidence interval of the difference.
    pub ci: [f64; 2],
}

impl CandidateMetrics {
    /// The figure `name` (one of the headline names).
    pub fn get(&self, name: &str) -> Option<MetricCi> {
        self.figures.iter().find(|f| f.metric == name).map(|f| MetricCi {
            value: f.shocked,
            difference: f.difference.mean,
            ci: [f.ci_low, f.ci_high],
        })
    }
}

/// Pareto ranks of points whose every coordinate is minimised: 1 for the front, 2 for the front of the
/// rest, and so on.
pub fn pareto_ranks(points: &[[f64; 3]]) -> Vec<u32> {
    let dominates = |a: &[f64; 3], b: &[f64; 3]| {
        a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
    };
    let mut rank = vec![0u32; points.len()];
    let mut level = 0;
    while rank.contains(&0) {
        level += 1;
        let open: Vec<usize> = (0..points.len()).filter(|&i| rank[i] == 0).collect();
        let front: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&i| !open.iter().any(|&j| j != i && dominates(&points[j], &points[i])))
            .collect();
        for i in front {
            rank[i] = level;
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pareto_fronts_by_domination() {
        let pts = [[1.0, 1.0, 1.0], [2.0, 0.5, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0], [1.0, 1.0, 1.0]];
        assert_eq!(pareto_ranks(&pts), vec![1, 1, 2, 3, 1]);
    }
}
