//! The parallel runner: fixed chunks of trials, each trial keyed by its index, each chunk folded into its own
//! accumulator and the chunks' accumulators merged in trial order, so the outcome is identical for any
//! thread count. Chunks run in waves of a few per thread, and a wave's accumulators are merged while the
//! next wave runs, so memory holds two waves' accumulators, however many trials there are.

use rayon::prelude::*;

use super::model::Model;
use super::trial::{Scratch, TrialOutcome, run_trial};

/// Trials per work unit: large enough to amortise scheduling, small enough to balance two cores. Results
/// depend on it (chunks are the unit of merging), so changing it changes seeded output in the last bits.
pub(crate) const CHUNK: usize = 32;

/// Chunks per thread in a wave: enough to balance the threads, few enough that a wave's accumulators stay
/// small.
const CHUNKS_PER_THREAD: usize = 4;

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

/// How a run accumulates its trials: `init` makes an empty accumulator, `fold` adds one trial (trial index
/// and outcome, in trial order within a chunk), `merge` appends a later chunk's accumulator to an earlier
/// one's. The result is `merge(merge(chunk 0, chunk 1), chunk 2)…`, whatever the thread count.
pub struct Fold<I, F, M> {
    /// An empty accumulator.
    pub init: I,
    /// Adds one trial.
    pub fold: F,
    /// Appends the next chunk's accumulator.
    pub merge: M,
}

/// Runs trials `0..trials` of `model` on `threads` threads (all cores when `None`) and accumulates them
/// with `how`. `progress` is called with the number of trials finished since its last call; it must be
/// cheap.
pub fn run_fold<A, I, F, M>(
    model: &Model,
    trials: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
    how: Fold<I, F, M>,
) -> Result<A, RunError>
where
    A: Send,
    I: Fn() -> A + Sync,
    F: Fn(&mut A, u64, TrialOutcome) + Sync,
    M: FnMut(&mut A, A) + Send,
{
    let Fold { init, fold, merge } = how;
    let chunk = CHUNK as u64;
    let chunks = trials.div_ceil(chunk);
    let run_chunks = |first: u64, last: u64| -> Vec<A> {
        (first..last)
            .into_par_iter()
            .map_init(Scratch::default, |scratch, c| {
                let (start, end) = (c * chunk, ((c + 1) * chunk).min(trials));
                let mut acc = init();
                for t in start..end {
                    fold(&mut acc, t, run_trial(model, t, scratch));
                }
                progress(end - start);
                acc
            })
            .collect()
    };
    let work = || -> A {
        let mut merge = merge;
        let wave = (rayon::current_num_threads() * CHUNKS_PER_THREAD) as u64;
        let mut total = init();
        let mut done: Vec<A> = Vec::new();
        let mut first = 0;
        while first < chunks {
            let last = (first + wave).min(chunks);
            let ((), next) = rayon::join(
                || done.drain(..).for_each(|acc| merge(&mut total, acc)),
                || run_chunks(first, last),
            );
            done = next;
            first = last;
        }
        done.into_iter().for_each(|acc| merge(&mut total, acc));
        total
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

/// Runs trials `0..trials` and keeps every outcome, in trial order: for tests and tools that need whole
/// outcomes. Its memory grows with `trials` (see [`super::outcome_bytes`]); the commands fold instead.
pub fn run_trials(
    model: &Model,
    trials: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<TrialOutcome>, RunError> {
    run_fold(
        model,
        trials,
        threads,
        progress,
        Fold {
            init: Vec::new,
            fold: |outcomes: &mut Vec<TrialOutcome>, _, o| outcomes.push(o),
            merge: |outcomes: &mut Vec<TrialOutcome>, chunk| outcomes.extend(chunk),
        },
    )
}
