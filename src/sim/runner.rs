//! The parallel runner: fixed chunks of trials, each trial keyed by its index, each chunk folded into its own
//! accumulator and the chunks' accumulators merged in trial order, so the outcome is identical for any
//! thread count. Workers take chunks in order and merge each finished one as soon as every earlier chunk
//! is merged; none starts a chunk more than [`WINDOW_PER_THREAD`] chunks per thread ahead of the last one
//! merged, so memory holds at most that many chunk accumulators, however many trials there are, and no
//! worker waits at a barrier.

use std::sync::{Condvar, Mutex, MutexGuard};

use super::model::Model;
use super::trial::{Scratch, TrialOutcome, run_trial};

/// Trials per work unit: large enough to amortise scheduling, small enough to balance two cores. Results
/// depend on it (chunks are the unit of merging), so changing it changes seeded output in the last bits.
pub(crate) const CHUNK: usize = 32;

/// Chunks per thread that may be started and not yet merged: enough that a slow chunk rarely holds a
/// worker back, few enough that the accumulators alive stay small.
const WINDOW_PER_THREAD: u64 = 3;

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
/// one's and leaves the later one empty, as `init` makes it (the runner reuses it for another chunk, so its
/// buffers are allocated once per window slot, not once per chunk). The result is
/// `merge(merge(chunk 0, chunk 1), chunk 2)…`, whatever the thread count.
pub struct Fold<I, F, M> {
    /// An empty accumulator.
    pub init: I,
    /// Adds one trial.
    pub fold: F,
    /// Appends the next chunk's accumulator to the total and empties it.
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
    M: FnMut(&mut A, &mut A) + Send,
{
    let Fold { init, fold, merge } = how;
    let threads = threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let chunk = CHUNK as u64;
    let chunks = trials.div_ceil(chunk);
    let run_chunk = |c: u64, acc: Option<A>, scratch: &mut Scratch| -> A {
        let (start, end) = (c * chunk, ((c + 1) * chunk).min(trials));
        let mut acc = acc.unwrap_or_else(&init);
        for t in start..end {
            fold(&mut acc, t, run_trial(model, t, scratch));
        }
        progress(end - start);
        acc
    };
    // Every accumulator the window can hold, made up front: the run then allocates none per chunk, and the
    // same ones whatever the timing of the threads.
    let window = (threads as u64 * WINDOW_PER_THREAD).min(chunks).max(1);
    let order = Ordered::new(init(), merge, window, (0..window).map(|_| init()).collect());
    let spawned = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(chunks.max(1) as usize))
            .map(|i| {
                std::thread::Builder::new().name(format!("terrasim-{i}")).spawn_scoped(scope, || {
                    let _abandon_on_panic = AbandonOnPanic(&order);
                    let mut scratch = Scratch::default();
                    while let Some((c, spare)) = order.claim(chunks) {
                        let acc = run_chunk(c, spare, &mut scratch);
                        order.finish(c, acc);
                    }
                })
            })
            .collect();
        let mut failed = None;
        for worker in workers {
            match worker {
                Ok(handle) => {
                    if let Err(panic) = handle.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
                Err(e) => {
                    // The workers that did start finish the chunks; the run is refused all the same.
                    order.abandon();
                    failed = Some(e.to_string());
                }
            }
        }
        failed
    });
    match spawned {
        Some(reason) => Err(RunError::ThreadPool { threads, reason }),
        None => Ok(order.into_total()),
    }
}

/// The merge in trial order: chunks claimed in order, finished ones parked until every earlier chunk is
/// merged, merged ones kept (emptied) for later chunks, and claims held back while the window of unmerged
/// chunks is full.
struct Ordered<A, M> {
    state: Mutex<OrderState<A>>,
    /// Signalled when a chunk is merged (the window moves) or the run is abandoned.
    moved: Condvar,
    /// The running total and the merge, used by one worker at a time (the one holding the next chunk).
    total: Mutex<(A, M)>,
    window: u64,
}

struct OrderState<A> {
    /// Next chunk to claim.
    next: u64,
    /// Chunks merged so far (all of `0..merged`).
    merged: u64,
    /// Finished chunks waiting for an earlier one: chunk `c` in slot `c % window` (the claimed and unmerged
    /// chunks are fewer than the window, so no two share a slot).
    parked: Vec<Option<A>>,
    /// Merged (hence empty) accumulators, handed out with the next claims: at most the window's worth.
    spare: Vec<A>,
    /// A worker is merging (so the others park their chunks instead).
    merging: bool,
    /// No more chunks are handed out (a worker panicked or could not start).
    abandoned: bool,
}

impl<A, M: FnMut(&mut A, &mut A)> Ordered<A, M> {
    /// The merge of `window` chunks at a time into `total`, handing out the `spare` accumulators first.
    fn new(total: A, merge: M, window: u64, spare: Vec<A>) -> Self {
        let window = window.max(1);
        Ordered {
            state: Mutex::new(OrderState {
                next: 0,
                merged: 0,
                parked: (0..window).map(|_| None).collect(),
                spare,
                merging: false,
                abandoned: false,
            }),
            moved: Condvar::new(),
            total: Mutex::new((total, merge)),
            window,
        }
    }

    fn lock(&self) -> MutexGuard<'_, OrderState<A>> {
        // A poisoned lock means a worker panicked; its panic is re-raised when the workers are joined.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next chunk to run, once the window has room for it, with an emptied accumulator to fold it into
    /// if one is spare; `None` when all are claimed.
    fn claim(&self, chunks: u64) -> Option<(u64, Option<A>)> {
        let mut state = self.lock();
        loop {
            if state.abandoned || state.next >= chunks {
                return None;
            }
            if state.next < state.merged + self.window {
                state.next += 1;
                let spare = state.spare.pop();
                return Some((state.next - 1, spare));
            }
            state = self.moved.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Parks chunk `c`'s accumulator, then, unless another worker is merging, merges every chunk that is
    /// next in order.
    fn finish(&self, c: u64, acc: A) {
        let mut state = self.lock();
        let slot = (c % self.window) as usize;
        debug_assert!(state.parked[slot].is_none());
        state.parked[slot] = Some(acc);
        if state.merging {
            return;
        }
        loop {
            let merged = state.merged;
            let Some(mut next) = state.parked[(merged % self.window) as usize].take() else { return };
            state.merging = true;
            drop(state);
            {
                let mut total = self.total.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let (total, merge) = &mut *total;
                merge(total, &mut next);
            }
            state = self.lock();
            state.spare.push(next);
            state.merging = false;
            state.merged += 1;
            self.moved.notify_all();
        }
    }

    /// Hands out no more chunks and wakes every worker waiting for room.
    fn abandon(&self) {
        self.lock().abandoned = true;
        self.moved.notify_all();
    }

    fn into_total(self) -> A {
        let state = self.state.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        debug_assert!(state.parked.iter().all(Option::is_none) && state.next == state.merged);
        self.total.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).0
    }
}

/// Abandons the run if a worker unwinds, so the others stop waiting for a chunk it will never finish.
struct AbandonOnPanic<'a, A, M: FnMut(&mut A, &mut A)>(&'a Ordered<A, M>);

impl<A, M: FnMut(&mut A, &mut A)> Drop for AbandonOnPanic<'_, A, M> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.abandon();
        }
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
            merge: |outcomes: &mut Vec<TrialOutcome>, chunk: &mut Vec<TrialOutcome>| outcomes.append(chunk),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `chunks` chunks on `threads` workers through an [`Ordered`] whose merge appends the chunk's
    /// index; each chunk's "work" takes a time that varies with its index, so chunks finish out of order.
    /// Returns the merged order, the most chunks ever claimed and not yet merged, and how many chunks got a
    /// new accumulator instead of a spare one.
    fn drive(chunks: u64, threads: usize, window: u64) -> (Vec<u64>, u64, u64) {
        let (widest, fresh) = (Mutex::new(0u64), Mutex::new(0u64));
        let order = Ordered::new(
            Vec::new(),
            |total: &mut Vec<u64>, acc: &mut Vec<u64>| total.append(acc),
            window,
            Vec::new(),
        );
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    while let Some((c, spare)) = order.claim(chunks) {
                        let mut acc = spare.unwrap_or_else(|| {
                            *fresh.lock().unwrap() += 1;
                            Vec::new()
                        });
                        assert!(acc.is_empty(), "a spare accumulator comes back empty");
                        {
                            let state = order.lock();
                            let mut widest = widest.lock().unwrap();
                            *widest = (*widest).max(state.next - state.merged);
                        }
                        std::thread::sleep(std::time::Duration::from_micros((c * 7919) % 13 * 50));
                        acc.push(c);
                        order.finish(c, acc);
                    }
                });
            }
        });
        (order.into_total(), widest.into_inner().unwrap(), fresh.into_inner().unwrap())
    }

    #[test]
    fn chunks_are_merged_in_order_never_more_than_the_window_ahead_into_reused_accumulators() {
        for (threads, window) in [(1, 1), (2, 6), (4, 3), (8, 24)] {
            let (merged, widest, fresh) = drive(200, threads, window);
            assert_eq!(merged, (0..200).collect::<Vec<_>>(), "{threads} threads, window {window}");
            assert!(widest <= window, "{widest} chunks open with a window of {window}");
            assert!(fresh <= window, "{fresh} accumulators made for a window of {window}");
        }
    }

    #[test]
    fn a_worker_that_panics_stops_the_others_instead_of_leaving_them_waiting() {
        let order =
            Ordered::new(0u64, |total: &mut u64, acc: &mut u64| *total += std::mem::take(acc), 2, Vec::new());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            std::thread::scope(|scope| {
                for _ in 0..3 {
                    scope.spawn(|| {
                        let _abandon_on_panic = AbandonOnPanic(&order);
                        while let Some((c, _)) = order.claim(1_000) {
                            assert_ne!(c, 5, "chunk 5 fails");
                            order.finish(c, 1);
                        }
                    });
                }
            })
        }));
        assert!(outcome.is_err(), "the panic reaches the caller");
        let state = order.lock();
        assert!(state.abandoned && state.next < 1_000, "claims stopped at chunk {}", state.next);
    }
}
