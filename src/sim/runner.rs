//! The parallel runner: fixed chunks of trials, each trial keyed by its index, results collected in trial
//! order, so the outcome is identical for any thread count.

use rayon::prelude::*;

use super::model::Model;
use super::trial::{Scratch, TrialOutcome, run_trial};

/// Trials per work unit: large enough to amortise scheduling, small enough to balance two cores.
const CHUNK: usize = 32;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The reason.
        reason: String,
    },
}

/// Runs trials `0..trials` of `model` on `threads` threads (all cores when `None`). `progress` is called
/// with the number of trials finished since its last call; it must be cheap.
pub fn run_trials(
    model: &Model,
    trials: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<TrialOutcome>, RunError> {
    let work = || -> Vec<TrialOutcome> {
        let starts: Vec<u64> = (0..trials).step_by(CHUNK).collect();
        let chunks: Vec<Vec<TrialOutcome>> = starts
            .par_iter()
            .map_init(Scratch::default, |scratch, &start| {
                let end = (start + CHUNK as u64).min(trials);
                let out: Vec<TrialOutcome> = (start..end).map(|t| run_trial(model, t, scratch)).collect();
                progress(end - start);
                out
            })
            .collect();
        chunks.into_iter().flatten().collect()
    };
    match threads {
        None => Ok(work()),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| RunError::ThreadPool { threads, reason: e.to_string() })
            .map(|pool| pool.install(work)),
    }
}
