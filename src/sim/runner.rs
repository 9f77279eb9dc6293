//! The parallel runner: fixed chunks of trials, each trial keyed by its index, each chunk folded into its own
//! accumulator and the chunks' accumulators merged in trial order, so the outcome is identical for any
//! thread count. Workers take chunks in order and park each finished one; the calling thread merges them
//! in order as they arrive. No worker starts a chunk more than [`WINDOW_PER_THREAD`] chunks per thread
//! ahead of the last one merged, so memory holds at most that many chunk accumulators (made once and
//! reused), however many trials there are, and no worker waits at a barrier.

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
/// and outcome, in trial order within a chunk; the outcome is the worker's, refilled by its next trial),
/// `merge` appends a later chunk's accumulator to an earlier one's and leaves the later one empty, as
/// `init` makes it. The runner makes every accumulator a run uses before it starts, one per window slot,
/// and reuses them chunk after chunk: an `init` that makes room for a chunk's worth ([`CHUNK`] trials)
/// keeps a run from allocating as it goes, so its memory does not depend on the trial count. The result
/// is `merge(merge(chunk 0, chunk 1), chunk 2)…`, whatever the thread count.
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
    F: Fn(&mut A, u64, &TrialOutcome) + Sync,
    M: FnMut(&mut A, &mut A),
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
    let spare = (0..window).map(|_| init()).collect();
    let (mut merge, mut total) = (merge, init());
    run_ordered(threads, chunks, window, spare, run_chunk, |acc| merge(&mut total, acc))
        .map_err(|reason| RunError::ThreadPool { threads, reason })?;
    Ok(total)
}

/// Runs `work` on chunks `0..chunks` on `threads` workers, at most `window` chunks ahead of the merge, and
/// calls `merge` on each finished chunk's accumulator in chunk order, on the calling thread: the running
/// total is thus allocated and grown apart from the workers' per-trial buffers (sharing an allocator arena
/// with those, it fragments over a long run). `work` gets a `spare` (emptied) accumulator when there is
/// one, and each worker's own `S`. A worker's panic is re-raised here once the others have stopped; a
/// worker that cannot be spawned is `Err`, after the others have stopped.
fn run_ordered<A: Send, S: Default>(
    threads: usize,
    chunks: u64,
    window: u64,
    spare: Vec<A>,
    work: impl Fn(u64, Option<A>, &mut S) -> A + Sync,
    mut merge: impl FnMut(&mut A),
) -> Result<(), String> {
    let order = Ordered::new(window, spare);
    std::thread::scope(|scope| {
        let mut failed = None;
        let workers: Vec<_> = (0..threads.min(chunks.max(1) as usize))
            .filter_map(|i| {
                let spawned =
                    std::thread::Builder::new().name(format!("terrasim-{i}")).spawn_scoped(scope, || {
                        let _abandon_on_panic = AbandonOnPanic(&order);
                        let mut own = S::default();
                        while let Some((c, spare)) = order.claim(chunks) {
                            let acc = work(c, spare, &mut own);
                            order.finish(c, acc);
                        }
                    });
                spawned
                    .map_err(|e| {
                        // The run is refused; the workers that did start stop at their next claim.
                        order.abandon();
                        failed = Some(e.to_string());
                    })
                    .ok()
            })
            .collect();
        {
            let _abandon_on_panic = AbandonOnPanic(&order);
            while let Some(mut acc) = order.next_in_order(chunks) {
                merge(&mut acc);
                order.merged(acc);
            }
        }
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        failed.map_or(Ok(()), Err)
    })
}

/// The hand-over in trial order: chunks claimed in order, finished ones parked until every earlier chunk is
/// merged, merged ones kept (emptied) for later chunks, and claims held back while the window of unmerged
/// chunks is full.
struct Ordered<A> {
    state: Mutex<OrderState<A>>,
    /// Signalled when a chunk is merged (the window moves) or the run is abandoned.
    moved: Condvar,
    /// Signalled when a chunk is parked or the run is abandoned.
    parked: Condvar,
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
    /// No more chunks are handed out or merged (a thread panicked or could not start).
    abandoned: bool,
}

impl<A> Ordered<A> {
    /// The hand-over of `window` chunks at a time, handing out the `spare` accumulators first.
    fn new(window: u64, spare: Vec<A>) -> Self {
        let window = window.max(1);
        Ordered {
            state: Mutex::new(OrderState {
                next: 0,
                merged: 0,
                parked: (0..window).map(|_| None).collect(),
                spare,
                abandoned: false,
            }),
            moved: Condvar::new(),
            parked: Condvar::new(),
            window,
        }
    }

    fn lock(&self) -> MutexGuard<'_, OrderState<A>> {
        // A poisoned lock means a thread panicked; its panic is re-raised when the workers are joined.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wait<'a>(&self, on: &Condvar, state: MutexGuard<'a, OrderState<A>>) -> MutexGuard<'a, OrderState<A>> {
        on.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner())
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
            state = self.wait(&self.moved, state);
        }
    }

    /// Parks chunk `c`'s accumulator for the merge.
    fn finish(&self, c: u64, acc: A) {
        let mut state = self.lock();
        let slot = (c % self.window) as usize;
        debug_assert!(state.parked[slot].is_none());
        state.parked[slot] = Some(acc);
        self.parked.notify_one();
    }

    /// The accumulator of the next chunk in trial order, once it is finished; `None` when all `chunks` are
    /// merged or the run is abandoned.
    fn next_in_order(&self, chunks: u64) -> Option<A> {
        let mut state = self.lock();
        loop {
            if state.abandoned || state.merged >= chunks {
                return None;
            }
            let slot = (state.merged % self.window) as usize;
            if let Some(acc) = state.parked[slot].take() {
                return Some(acc);
            }
            state = self.wait(&self.parked, state);
        }
    }

    /// Counts the chunk [`Self::next_in_order`] gave as merged, keeping its emptied accumulator.
    fn merged(&self, acc: A) {
        let mut state = self.lock();
        state.spare.push(acc);
        state.merged += 1;
        self.moved.notify_all();
    }

    /// Hands out and merges no more chunks, and wakes every thread waiting.
    fn abandon(&self) {
        self.lock().abandoned = true;
        self.moved.notify_all();
        self.parked.notify_all();
    }
}

/// Abandons the run if a thread unwinds, so the others stop waiting for a chunk it will never finish or merge.
struct AbandonOnPanic<'a, A>(&'a Ordered<A>);

impl<A> Drop for AbandonOnPanic<'_, A> {
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
            fold: |outcomes: &mut Vec<TrialOutcome>, _, o: &TrialOutcome| outcomes.push(o.clone()),
            merge: |outcomes: &mut Vec<TrialOutcome>, chunk: &mut Vec<TrialOutcome>| outcomes.append(chunk),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `chunks` chunks on `threads` workers through [`run_ordered`] with a merge that appends the chunk's
    /// index; each chunk's "work" takes a time that varies with its index, so chunks finish out of order.
    /// Returns the merged order, the most chunks ever started and not yet merged, and how many chunks got a
    /// new accumulator instead of a spare one.
    fn drive(chunks: u64, threads: usize, window: u64) -> (Vec<u64>, u64, u64) {
        use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
        let (started, merged, widest, fresh) =
            (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
        let mut total = Vec::new();
        let work = |c: u64, spare: Option<Vec<u64>>, _: &mut ()| {
            let mut acc = spare.unwrap_or_else(|| {
                fresh.fetch_add(1, SeqCst);
                Vec::new()
            });
            assert!(acc.is_empty(), "a spare accumulator comes back empty");
            let ahead = started.fetch_add(1, SeqCst) + 1 - merged.load(SeqCst);
            widest.fetch_max(ahead, SeqCst);
            std::thread::sleep(std::time::Duration::from_micros((c * 7919) % 13 * 50));
            acc.push(c);
            acc
        };
        run_ordered(threads, chunks, window, Vec::new(), work, |acc| {
            total.append(acc);
            merged.fetch_add(1, SeqCst);
        })
        .unwrap();
        (total, widest.into_inner(), fresh.into_inner())
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
    fn a_worker_that_panics_stops_the_others_and_the_merge_instead_of_leaving_them_waiting() {
        let ran = std::sync::atomic::AtomicU64::new(0);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let work = |c: u64, _: Option<u64>, _: &mut ()| {
                assert_ne!(c, 5, "chunk 5 fails");
                ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                1
            };
            run_ordered(3, 1_000, 2, Vec::new(), work, |_| {})
        }));
        assert!(outcome.is_err(), "the panic reaches the caller");
        let ran = ran.into_inner();
        assert!(ran < 1_000, "work stopped after {ran} chunks");
    }
}
