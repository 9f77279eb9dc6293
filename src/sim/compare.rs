//! Paired comparisons of runs that share common random numbers (stress tests, candidate plans).

use super::result::{HEADLINE_NAMES, Headline};
use super::stats::{Estimate, Welford};

/// The paired difference of one headline figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairedDifference {
    /// Headline name (see [`HEADLINE_NAMES`]).
    pub metric: String,
    /// Mean in the baseline.
    pub baseline: f64,
    /// Mean in the alternative.
    pub shocked: f64,
    /// Mean of the per-trial differences (alternative − baseline) and its standard error.
    pub difference: Estimate,
    /// Lower end of the 95% confidence interval of the difference.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the difference.
    pub ci_high: f64,
}

/// Paired differences of every headline figure; trial `i` of each run must share its random numbers.
pub fn paired_differences(baseline: &[Headline], alternative: &[Headline]) -> Vec<PairedDifference> {
    HEADLINE_NAMES
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let base: Welford = baseline.iter().map(|h| h.values()[k]).collect();
            let alt: Welford = alternative.iter().map(|h| h.values()[k]).collect();
            let diff: Welford =
                baseline.iter().zip(alternative).map(|(b, a)| a.values()[k] - b.values()[k]).collect();
            let d = Estimate::from(&diff);
            PairedDifference {
                metric: name.to_string(),
                baseline: base.mean(),
                shocked: alt.mean(),
                difference: d,
                ci_low: d.mean - 1.96 * d.se,
                ci_high: d.mean + 1.96 * d.se,
            }
        })
        .collect()
}

/// One shock against the baseline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ShockComparison {
    /// Shock name.
    pub name: String,
    /// Paired differences of the headline figures.
    pub differences: Vec<PairedDifference>,
}

/// The result of `terrasim stress`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StressResult {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Each shock against the baseline.
    pub shocks: Vec<ShockComparison>,
    /// What the run rests on that is not the user's data (defaults standing in for a missing column, file or
    /// calibration); also printed as warnings on stderr. See [`crate::scenario::declared_for_stress`].
    pub assumptions: Vec<crate::market::Assumption>,
}

/// Version of the `compare.json` contract.
pub const COMPARE_SCHEMA_VERSION: u32 = 1;

/// One plan (or scenario variant) of a comparison against the reference.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanComparison {
    /// The plan file or scenario variant, as given on the command line (`current plan` for the reference).
    pub name: String,
    /// Paired differences of the headline figures against the reference (`shocked` is this plan's mean).
    pub figures: Vec<PairedDifference>,
}

/// The result of `terrasim compare`: every plan on the same simulated futures as the reference.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompareResult {
    /// Version of this contract.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed shared by every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Name of the reference run (the scenario's current plan).
    pub reference: String,
    /// The reference first (its differences are zero), then each plan and variant in command-line order.
    pub plans: Vec<PlanComparison>,
    /// What the runs rest on that is not the user's data, across the scenario and its variants (see
    /// [`crate::scenario::declared`]).
    pub assumptions: Vec<crate::market::Assumption>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: f64) -> Headline {
        Headline {
            team_bookings: x,
            team_at_plan: 0.0,
            attainment_variance: 0.0,
            attainment_cv: 0.0,
            attainment_gini: 0.0,
            coverage_rate: 0.0,
            share_at_quota: 0.0,
        }
    }

    #[test]
    fn paired_difference_of_a_constant_shift_is_exact() {
        let base: Vec<Headline> = (0..100).map(|i| h(f64::from(i) * 10.0)).collect();
        let alt: Vec<Headline> = (0..100).map(|i| h(f64::from(i) * 10.0 - 5.0)).collect();
        let d = &paired_differences(&base, &alt)[0];
        assert_eq!(d.metric, "team_bookings");
        assert!((d.difference.mean + 5.0).abs() < 1e-9);
        assert!(d.difference.se < 1e-9, "a constant shift has no paired noise");
        assert!((d.baseline - 495.0).abs() < 1e-9);
    }
}
