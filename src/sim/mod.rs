//! The Monte Carlo engine: the compiled model, one trial, the parallel runner and the statistics.
//!
//! One trial is one possible year. Each month every rep spends selling hours (capacity × ramp ×
//! availability, less time on open opportunities) on the book in priority order; covered accounts open
//! opportunities at their segment's rate scaled by score, uncovered ones only at the inbound rate. Deals
//! close after a lognormal cycle with a lognormal value and a win probability of segment base (a Beta drawn
//! per trial) × market factor × rep skill × vertical lift × competitive factor.

pub mod compare;
mod kernel;
pub mod model;
#[cfg(test)]
mod reference;
mod result;
mod rng;
pub(crate) use rng::{GOLDEN, mix64};
mod runner;
mod stats;
mod trial;

pub use kernel::{check_request as check_kernel_request, level_name as kernel_level};
pub use result::{
    Fan, HEADLINE_NAMES, Headline, OpenPipeline, RESULT_SCHEMA_VERSION, RepResult, SegmentPipeline,
    SimAccumulator, SimResult, TeamResult, aggregate, headline, simulate,
};
pub use rng::{Purpose, Stream, StreamRng, TrialKey, inverse_normal_cdf};
pub use runner::{Fold, RunError, run_fold, run_trials};
pub use stats::{
    Distribution, Estimate, Quantile, RESOLVED_QUANTILES, SKETCH_COMPACT_FROM, SKETCH_RELATIVE_ACCURACY,
    Sketch, Summary, Welford, quantile_sorted, spread,
};
pub use trial::{
    OppEvent, OppEventKind, Scratch, TrialLog, TrialOutcome, outcome_bytes, run_trial, run_trial_logged,
};
