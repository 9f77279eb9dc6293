//! The search inside argmin's [`Executor`], and argmin's own [`SimulatedAnnealing`] on the same surrogate.
//!
//! [`SweepSolver`] is our annealing as an argmin [`Solver`]: one argmin iteration is one sweep of `n_items`
//! proposals of [`Search::anneal_sweep`], so the copy of the owners the executor keeps as its parameter costs
//! O(1) per proposal. The executor adds observers, a time limit and a target cost to the search; without them
//! the run is the same, proposal for proposal and random number for random number, as [`Search::anneal`].
//!
//! [`Reassign`] is the surrogate as argmin's [`CostFunction`] and [`Anneal`], for [`argmin_anneal`]: each
//! iteration copies the owners, moves one account and evaluates the full cost, O(accounts).

use std::cell::RefCell;
use std::time::Duration;

use argmin::core::{
    CostFunction, Error, Executor, IterState, KV, Problem as Counted, Solver, TerminationReason,
    TerminationStatus,
};
use argmin::solver::simulatedannealing::{Anneal, SimulatedAnnealing};

use super::problem::Problem;
use super::search::{Schedule, Search, SearchRng};
use super::state::State;

/// The executor's state over plans: the parameter is the owner per account, the cost the surrogate's.
pub type OwnersState = IterState<Vec<u32>, (), (), (), (), f64>;

/// A search as argmin's problem: the plan being annealed, with its running sums.
pub struct Annealed<'a, 's, 'p>(pub &'a mut Search<'s, 'p>);

/// The executor that runs [`SweepSolver`] on a search.
pub type SweepExecutor<'a, 's, 'p> = Executor<Annealed<'a, 's, 'p>, SweepSolver, OwnersState>;

/// Our simulated annealing as an argmin solver. `init` measures the starting temperature
/// ([`Search::temperature_scale`]); each iteration runs the next `sweep` proposals of the [`Schedule`] and
/// reports the plan, its cost, the temperature and the proposals applied. Function counts: `proposal_count`.
///
/// The search lives in the problem, not in argmin's state: a checkpoint would not restore it.
#[derive(Debug, Clone)]
pub struct SweepSolver {
    rng: SearchRng,
    t0_scale: f64,
    schedule: Schedule,
    sweep: usize,
    done: usize,
}

impl SweepSolver {
    /// A solver for `proposals` proposals in sweeps of `sweep`, starting at `t0_scale` × the mean uphill step.
    pub fn new(rng: SearchRng, proposals: usize, t0_scale: f64, sweep: usize) -> Self {
        SweepSolver { rng, t0_scale, schedule: Schedule { t0: 0.0, proposals }, sweep: sweep.max(1), done: 0 }
    }

    /// Iterations the whole schedule takes.
    pub fn sweeps(&self) -> u64 {
        self.schedule.proposals.div_ceil(self.sweep) as u64
    }

    /// Proposals made so far.
    pub fn proposals_done(&self) -> usize {
        self.done
    }

    /// The schedule (its `t0` is set by `init`).
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The generator, where the run left it.
    pub fn rng(&self) -> &SearchRng {
        &self.rng
    }
}

fn no_search() -> Error {
    argmin::core::ArgminError::NotInitialized { text: "the executor holds no search".into() }.into()
}

impl Solver<Annealed<'_, '_, '_>, OwnersState> for SweepSolver {
    fn name(&self) -> &str {
        "terrasim sweep annealing"
    }

    fn init(
        &mut self,
        problem: &mut Counted<Annealed<'_, '_, '_>>,
        state: OwnersState,
    ) -> Result<(OwnersState, Option<KV>), Error> {
        let search = &problem.problem.as_ref().ok_or_else(no_search)?.0;
        if self.schedule.proposals > 0 {
            self.schedule.t0 = search.temperature_scale(&mut self.rng, self.t0_scale);
        }
        let state = state.param(search.state.owner.clone()).cost(search.state.cost());
        let kv = argmin::kv!(
            "t0" => self.schedule.t0;
            "proposals" => self.schedule.proposals as u64;
            "sweep" => self.sweep as u64;
        );
        Ok((state, Some(kv)))
    }

    fn next_iter(
        &mut self,
        problem: &mut Counted<Annealed<'_, '_, '_>>,
        mut state: OwnersState,
    ) -> Result<(OwnersState, Option<KV>), Error> {
        let search = &mut problem.problem.as_mut().ok_or_else(no_search)?.0;
        let end = (self.done + self.sweep).min(self.schedule.proposals);
        let t = self.schedule.temperature(self.done);
        let accepted = search.anneal_sweep(&mut self.rng, &self.schedule, self.done..end);
        let cost = search.state.cost();
        // Reuse the previous parameter's buffer: one O(n) copy per sweep of n proposals.
        let mut owner = state.take_prev_param().unwrap_or_default();
        owner.clone_from(&search.state.owner);
        let moves = search.state.moves as u64;
        *problem.counts.entry("proposal_count").or_insert(0) += (end - self.done) as u64;
        self.done = end;
        let kv = argmin::kv!(
            "t" => t;
            "accepted" => accepted as u64;
            "moves" => moves;
        );
        Ok((state.param(owner).cost(cost), Some(kv)))
    }

    fn terminate(&mut self, _state: &OwnersState) -> TerminationStatus {
        if self.done >= self.schedule.proposals {
            TerminationStatus::Terminated(TerminationReason::SolverExit("schedule done".into()))
        } else {
            TerminationStatus::NotTerminated
        }
    }
}

/// [`Search::anneal`] inside argmin's executor: the same proposals, the same random stream, the same plan.
/// `rng` continues where the run left it. Returns the executor's final state (iterations, cost, best cost,
/// termination reason).
pub fn anneal_in_executor(
    search: &mut Search,
    rng: &mut SearchRng,
    proposals: usize,
    t0_scale: f64,
) -> Result<OwnersState, Error> {
    anneal_in_executor_with(search, rng, proposals, t0_scale, |e| e)
}

/// As [`anneal_in_executor`], with `setup` adding to the executor: observers, a time limit
/// ([`Executor::timeout`]), a target cost (through `configure`). A run that stops early leaves the search's
/// plan where it stopped.
pub fn anneal_in_executor_with<'a, 's, 'p>(
    search: &'a mut Search<'s, 'p>,
    rng: &mut SearchRng,
    proposals: usize,
    t0_scale: f64,
    setup: impl FnOnce(SweepExecutor<'a, 's, 'p>) -> SweepExecutor<'a, 's, 'p>,
) -> Result<OwnersState, Error> {
    if proposals == 0 {
        return Ok(<OwnersState as argmin::core::State>::new());
    }
    let solver = SweepSolver::new(rng.clone(), proposals, t0_scale, search.items.len());
    let sweeps = solver.sweeps();
    let executor = Executor::new(Annealed(search), solver)
        .configure(|s| s.max_iters(sweeps).counting(true))
        .ctrlc(false);
    let result = setup(executor).run()?;
    *rng = result.solver.rng.clone();
    Ok(result.state)
}

/// The search streams of argmin's annealer: its neighbours and its acceptance draws (above any strategy's).
const ARGMIN_NEIGHBOURS: u64 = 1 << 32;
const ARGMIN_ACCEPT: u64 = (1 << 32) + 1;

/// The surrogate as argmin's problem for its [`SimulatedAnnealing`]: the cost is a full evaluation of the
/// plan; a neighbour moves one random movable account to another rep of its pool, never past the move budget.
pub struct Reassign<'p> {
    p: &'p Problem,
    movable: Vec<u32>,
    rng: RefCell<SearchRng>,
}

impl<'p> Reassign<'p> {
    /// Neighbours drawn from `seed`.
    pub fn new(p: &'p Problem, seed: u64) -> Self {
        let movable = (0..p.potential.len() as u32).filter(|&a| p.movable(a as usize)).collect();
        Reassign { p, movable, rng: RefCell::new(SearchRng::new(seed, ARGMIN_NEIGHBOURS)) }
    }
}

impl CostFunction for Reassign<'_> {
    type Param = Vec<u32>;
    type Output = f64;

    fn cost(&self, owner: &Vec<u32>) -> Result<f64, Error> {
        Ok(State::new(self.p, owner.clone()).cost())
    }
}

impl Anneal for Reassign<'_> {
    type Param = Vec<u32>;
    type Output = Vec<u32>;
    type Float = f64;

    /// One account to another rep of its pool (up to 32 draws for one that changes the plan within the
    /// budget; the plan unchanged when none does). The temperature (`extent`) is not used.
    fn anneal(&self, owner: &Vec<u32>, _extent: f64) -> Result<Vec<u32>, Error> {
        let p = self.p;
        let mut next = owner.clone();
        if self.movable.is_empty() {
            return Ok(next);
        }
        let moves = owner.iter().zip(&p.start).filter(|(o, s)| o != s).count();
        let mut rng = self.rng.borrow_mut();
        for _ in 0..32 {
            let a = self.movable[rng.below(self.movable.len())] as usize;
            let reps = &p.pools[p.pool[a] as usize].reps;
            let (r, s) = (owner[a], reps[rng.below(reps.len())]);
            if s == r {
                continue;
            }
            let after = moves + usize::from(s != p.start[a]) - usize::from(r != p.start[a]);
            if after > moves && after > p.max_moves {
                continue;
            }
            next[a] = s;
            break;
        }
        Ok(next)
    }
}

/// The executor that runs argmin's annealer on [`Reassign`].
pub type ArgminSaExecutor<'p> = Executor<Reassign<'p>, SimulatedAnnealing<f64, SearchRng>, OwnersState>;

/// argmin's [`SimulatedAnnealing`] (its default fast schedule, t = `init_temp` ÷ (k + 1); no reannealing,
/// no stall exit: the iteration cap or `setup`'s time limit ends it) from `start` for at most `iters`
/// iterations. The state's best parameter is the best plan seen.
pub fn argmin_anneal<'p>(
    p: &'p Problem,
    start: Vec<u32>,
    seed: u64,
    init_temp: f64,
    iters: u64,
    setup: impl FnOnce(ArgminSaExecutor<'p>) -> ArgminSaExecutor<'p>,
) -> Result<OwnersState, Error> {
    let solver = SimulatedAnnealing::new_with_rng(init_temp, SearchRng::new(seed, ARGMIN_ACCEPT))?;
    let executor = Executor::new(Reassign::new(p, seed), solver)
        .configure(|s| s.param(start).max_iters(iters).counting(true))
        .ctrlc(false);
    Ok(setup(executor).run()?.state)
}

/// A time limit for either executor.
pub fn with_timeout<O, S, I>(limit: Duration) -> impl FnOnce(Executor<O, S, I>) -> Executor<O, S, I>
where
    S: Solver<O, I>,
    I: argmin::core::State,
{
    move |e| e.timeout(limit)
}
