//! The search in argmin's split: the problem is the immutable [`Landscape`] (the surrogate, the items and
//! pools), the state is a [`SearchState`] that owns the plan under search ([`Placement`]: owners, running
//! sums, shape counts), and the repair, the annealing, the tidy and the ruin-and-recreate are argmin
//! [`Solver`]s that [`Search`] runs one after the other, each in its own [`Executor`] taking the state the
//! previous one left. Without observers or limits a stage makes the same moves, random draw for random
//! draw, as the [`Landscape`] method it wraps.
//!
//! [`Reassign`] is the surrogate as argmin's [`CostFunction`] and [`Anneal`], for [`argmin_anneal`]: each
//! iteration copies the owners, moves one account and evaluates the full cost, O(accounts).

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use argmin::core::{
    CostFunction, Error, Executor, IterState, KV, Problem as Counted, Solver, State as ArgminState,
    TerminationReason, TerminationStatus,
};
use argmin::solver::simulatedannealing::{Anneal, SimulatedAnnealing};

use super::problem::Problem;
use super::search::{Landscape, Placement, Schedule, SearchRng};
use super::state::State;

/// The executor's state over plans for argmin's own annealer: the parameter is the owner per account.
pub type OwnersState = IterState<Vec<u32>, (), (), (), (), f64>;

/// The search's argmin state: it owns the plan under search and keeps argmin's bookkeeping (iterations,
/// cost, best cost and the best owners seen, function counts, termination). Its parameter is the owner per
/// account, read from the plan itself: a stage copies no owners except to keep a new best.
#[derive(Debug, Clone)]
pub struct SearchState<'p> {
    plan: Option<Placement<'p>>,
    cost: f64,
    best_cost: f64,
    best_owner: Option<Vec<u32>>,
    target_cost: f64,
    iter: u64,
    last_best_iter: u64,
    max_iters: u64,
    counts: HashMap<String, u64>,
    time: Option<Duration>,
    status: TerminationStatus,
}

impl<'p> SearchState<'p> {
    /// A state holding `plan`, at its cost.
    pub fn with_plan(plan: Placement<'p>) -> Self {
        SearchState { cost: plan.state.cost(), plan: Some(plan), ..ArgminState::new() }
    }

    /// The plan under search (`None` only in argmin's empty state, before a plan is given).
    pub fn plan(&self) -> Option<&Placement<'p>> {
        self.plan.as_ref()
    }

    /// Stops the stage once the best cost reaches `cost`.
    #[must_use]
    pub fn target_cost(mut self, cost: f64) -> Self {
        self.target_cost = cost;
        self
    }

    /// Stops the stage after `iters` iterations.
    #[must_use]
    pub fn max_iters(mut self, iters: u64) -> Self {
        self.max_iters = iters;
        self
    }

    /// The state ready for the next stage: iterations, best, counts and termination start afresh; the plan
    /// and its cost carry over.
    fn next_stage(self, max_iters: u64) -> Self {
        SearchState { plan: self.plan, cost: self.cost, max_iters, ..ArgminState::new() }
    }

    /// The plan, for a solver to step (an error in argmin's empty state).
    fn plan_mut(&mut self) -> Result<&mut Placement<'p>, Error> {
        self.plan.as_mut().ok_or_else(|| missing("the state holds no plan"))
    }
}

fn missing(text: &str) -> Error {
    argmin::core::ArgminError::NotInitialized { text: text.into() }.into()
}

impl<'p> ArgminState for SearchState<'p> {
    type Param = Vec<u32>;
    type Float = f64;

    fn new() -> Self {
        SearchState {
            plan: None,
            cost: f64::INFINITY,
            best_cost: f64::INFINITY,
            best_owner: None,
            target_cost: f64::NEG_INFINITY,
            iter: 0,
            last_best_iter: 0,
            max_iters: u64::MAX,
            counts: HashMap::new(),
            time: Some(Duration::ZERO),
            status: TerminationStatus::NotTerminated,
        }
    }

    /// Keeps the plan's owners as the best when its cost is below the best so far.
    fn update(&mut self) {
        let Some(plan) = &self.plan else { return };
        if self.cost < self.best_cost {
            match &mut self.best_owner {
                Some(best) => best.clone_from(&plan.state.owner),
                None => self.best_owner = Some(plan.state.owner.clone()),
            }
            self.best_cost = self.cost;
            self.last_best_iter = self.iter;
        }
    }

    fn get_param(&self) -> Option<&Vec<u32>> {
        self.plan.as_ref().map(|p| &p.state.owner)
    }

    fn get_best_param(&self) -> Option<&Vec<u32>> {
        self.best_owner.as_ref()
    }

    fn get_max_iters(&self) -> u64 {
        self.max_iters
    }

    fn increment_iter(&mut self) {
        self.iter += 1;
    }

    fn get_iter(&self) -> u64 {
        self.iter
    }

    fn get_cost(&self) -> f64 {
        self.cost
    }

    fn get_best_cost(&self) -> f64 {
        self.best_cost
    }

    fn get_target_cost(&self) -> f64 {
        self.target_cost
    }

    fn func_counts<O>(&mut self, problem: &Counted<O>) {
        for (k, &v) in &problem.counts {
            match self.counts.get_mut(*k) {
                Some(count) => *count = v,
                None => {
                    self.counts.insert(k.to_string(), v);
                }
            }
        }
    }

    fn get_func_counts(&self) -> &HashMap<String, u64> {
        &self.counts
    }

    fn time(&mut self, time: Option<Duration>) -> &mut Self {
        self.time = time;
        self
    }

    fn get_time(&self) -> Option<Duration> {
        self.time
    }

    fn get_last_best_iter(&self) -> u64 {
        self.last_best_iter
    }

    fn is_best(&self) -> bool {
        self.last_best_iter == self.iter
    }

    fn terminate_with(mut self, reason: TerminationReason) -> Self {
        self.status = TerminationStatus::Terminated(reason);
        self
    }

    fn get_termination_status(&self) -> &TerminationStatus {
        &self.status
    }

    fn get_termination_reason(&self) -> Option<&TerminationReason> {
        match &self.status {
            TerminationStatus::Terminated(reason) => Some(reason),
            TerminationStatus::NotTerminated => None,
        }
    }
}

/// An executor of one stage of the search: solver `S` on the landscape, over a [`SearchState`].
pub type StageExecutor<'l, 'p, S> = Executor<&'l Landscape<'p>, S, SearchState<'p>>;

/// The executor of the annealing stage.
pub type SweepExecutor<'l, 'p> = StageExecutor<'l, 'p, SweepSolver>;

/// The landscape of a stage's problem.
fn landscape<'l, 'p>(problem: &Counted<&'l Landscape<'p>>) -> Result<&'l Landscape<'p>, Error> {
    problem.problem.ok_or_else(|| missing("the executor holds no landscape"))
}

fn done(reason: &str) -> TerminationStatus {
    TerminationStatus::Terminated(TerminationReason::SolverExit(reason.into()))
}

/// The worst-rep-first repair ([`Landscape::repair`]) as a solver: one iteration, the whole repair of at
/// most `max_steps` moves. Reports `steps`.
#[derive(Debug, Clone)]
pub struct Repair {
    max_steps: usize,
    steps: Option<usize>,
}

impl Repair {
    /// A repair of at most `max_steps` moves.
    pub fn new(max_steps: usize) -> Self {
        Repair { max_steps, steps: None }
    }

    /// The moves made (after the run).
    pub fn steps(&self) -> usize {
        self.steps.unwrap_or(0)
    }
}

impl<'l, 'p> Solver<&'l Landscape<'p>, SearchState<'p>> for Repair {
    fn name(&self) -> &str {
        "terrasim repair"
    }

    fn next_iter(
        &mut self,
        problem: &mut Counted<&'l Landscape<'p>>,
        mut state: SearchState<'p>,
    ) -> Result<(SearchState<'p>, Option<KV>), Error> {
        let land = landscape(problem)?;
        let plan = state.plan_mut()?;
        let steps = land.repair(plan, self.max_steps);
        state.cost = plan.state.cost();
        self.steps = Some(steps);
        Ok((state, Some(argmin::kv!("steps" => steps as u64;))))
    }

    fn terminate(&mut self, _state: &SearchState<'p>) -> TerminationStatus {
        if self.steps.is_some() { done("repaired") } else { TerminationStatus::NotTerminated }
    }
}

/// The tidy ([`Landscape::tidy`]) as a solver: one iteration per pass over the items, until a pass undoes
/// nothing. Reports `undone` per pass.
#[derive(Debug, Clone, Default)]
pub struct Tidy {
    last_pass: Option<usize>,
    undone: usize,
}

impl Tidy {
    /// The moves undone (after the run).
    pub fn undone(&self) -> usize {
        self.undone
    }
}

impl<'l, 'p> Solver<&'l Landscape<'p>, SearchState<'p>> for Tidy {
    fn name(&self) -> &str {
        "terrasim tidy"
    }

    fn next_iter(
        &mut self,
        problem: &mut Counted<&'l Landscape<'p>>,
        mut state: SearchState<'p>,
    ) -> Result<(SearchState<'p>, Option<KV>), Error> {
        let land = landscape(problem)?;
        let plan = state.plan_mut()?;
        let undone = land.tidy_pass(plan);
        state.cost = plan.state.cost();
        self.last_pass = Some(undone);
        self.undone += undone;
        Ok((state, Some(argmin::kv!("undone" => undone as u64;))))
    }

    fn terminate(&mut self, _state: &SearchState<'p>) -> TerminationStatus {
        if self.last_pass == Some(0) {
            done("nothing left to undo")
        } else {
            TerminationStatus::NotTerminated
        }
    }
}

/// Ruin and recreate ([`Landscape::reduce`]) as a solver: one iteration per round
/// ([`Landscape::reduce_round`]), until a round finds no moved item; `max_iters` is the number of rounds.
/// Reports `kept` and `moves`.
#[derive(Debug, Clone)]
pub struct Reduce {
    rng: SearchRng,
    share: f64,
    exhausted: bool,
}

impl Reduce {
    /// Rounds that each send `share` of the moved items home, drawing from `rng`.
    pub fn new(rng: SearchRng, share: f64) -> Self {
        Reduce { rng, share, exhausted: false }
    }

    /// The generator, where the run left it.
    pub fn rng(&self) -> &SearchRng {
        &self.rng
    }
}

impl<'l, 'p> Solver<&'l Landscape<'p>, SearchState<'p>> for Reduce {
    fn name(&self) -> &str {
        "terrasim ruin and recreate"
    }

    fn next_iter(
        &mut self,
        problem: &mut Counted<&'l Landscape<'p>>,
        mut state: SearchState<'p>,
    ) -> Result<(SearchState<'p>, Option<KV>), Error> {
        let land = landscape(problem)?;
        let plan = state.plan_mut()?;
        let kept = land.reduce_round(plan, &mut self.rng, self.share);
        self.exhausted = kept.is_none();
        let moves = plan.state.moves as u64;
        state.cost = plan.state.cost();
        Ok((state, Some(argmin::kv!("kept" => kept.unwrap_or(false); "moves" => moves;))))
    }

    fn terminate(&mut self, _state: &SearchState<'p>) -> TerminationStatus {
        if self.exhausted { done("no moved item left") } else { TerminationStatus::NotTerminated }
    }
}

/// Our simulated annealing as a solver. `init` measures the starting temperature
/// ([`Landscape::temperature_scale`]); each iteration runs the next `sweep` proposals of the [`Schedule`]
/// ([`Landscape::anneal_sweep`]) and reports the temperature, the proposals applied and the moves. Function
/// counts: `proposal_count`.
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

impl<'l, 'p> Solver<&'l Landscape<'p>, SearchState<'p>> for SweepSolver {
    fn name(&self) -> &str {
        "terrasim sweep annealing"
    }

    fn init(
        &mut self,
        problem: &mut Counted<&'l Landscape<'p>>,
        mut state: SearchState<'p>,
    ) -> Result<(SearchState<'p>, Option<KV>), Error> {
        let land = landscape(problem)?;
        let plan = state.plan_mut()?;
        if self.schedule.proposals > 0 {
            self.schedule.t0 = land.temperature_scale(plan, &mut self.rng, self.t0_scale);
        }
        state.cost = plan.state.cost();
        let kv = argmin::kv!(
            "t0" => self.schedule.t0;
            "proposals" => self.schedule.proposals as u64;
            "sweep" => self.sweep as u64;
        );
        Ok((state, Some(kv)))
    }

    fn next_iter(
        &mut self,
        problem: &mut Counted<&'l Landscape<'p>>,
        mut state: SearchState<'p>,
    ) -> Result<(SearchState<'p>, Option<KV>), Error> {
        let land = landscape(problem)?;
        let plan = state.plan_mut()?;
        let end = (self.done + self.sweep).min(self.schedule.proposals);
        let t = self.schedule.temperature(self.done);
        let accepted = land.anneal_sweep(plan, &mut self.rng, &self.schedule, self.done..end);
        let moves = plan.state.moves as u64;
        state.cost = plan.state.cost();
        *problem.counts.entry("proposal_count").or_insert(0) += (end - self.done) as u64;
        self.done = end;
        let kv = argmin::kv!(
            "t" => t;
            "accepted" => accepted as u64;
            "moves" => moves;
        );
        Ok((state, Some(kv)))
    }

    fn terminate(&mut self, _state: &SearchState<'p>) -> TerminationStatus {
        if self.done >= self.schedule.proposals {
            done("schedule done")
        } else {
            TerminationStatus::NotTerminated
        }
    }
}

/// A search run stage by stage: each of [`Search::repair`], [`Search::anneal`], [`Search::tidy`] and
/// [`Search::reduce`] runs its solver in an [`Executor`] on the landscape, from the state the previous
/// stage left. A stage's error (there is none without observers) leaves the search without a plan.
pub struct Search<'l, 'p> {
    land: &'l Landscape<'p>,
    state: SearchState<'p>,
}

impl<'l, 'p> Search<'l, 'p> {
    /// A search of `plan` on `land`.
    pub fn new(land: &'l Landscape<'p>, plan: Placement<'p>) -> Self {
        Search { land, state: SearchState::with_plan(plan) }
    }

    /// The landscape searched.
    pub fn landscape(&self) -> &'l Landscape<'p> {
        self.land
    }

    /// The state the last stage left (its iterations, best cost, termination).
    pub fn state(&self) -> &SearchState<'p> {
        &self.state
    }

    /// The plan under search.
    ///
    /// # Panics
    /// After a stage returned an error (the plan went with it).
    pub fn plan(&self) -> &Placement<'p> {
        self.state.plan.as_ref().expect("a failed stage took the plan")
    }

    /// Replaces the plan under search.
    pub fn set_plan(&mut self, plan: Placement<'p>) {
        self.state = SearchState::with_plan(plan);
    }

    /// The plan, ending the search.
    ///
    /// # Panics
    /// After a stage returned an error.
    pub fn into_plan(self) -> Placement<'p> {
        self.state.plan.expect("a failed stage took the plan")
    }

    /// Runs `solver` for at most `max_iters` iterations in an executor that `setup` may add to (observers,
    /// a time limit, a target cost), from the current state. Returns the solver as the run left it.
    pub fn stage<S>(
        &mut self,
        solver: S,
        max_iters: u64,
        setup: impl FnOnce(StageExecutor<'l, 'p, S>) -> StageExecutor<'l, 'p, S>,
    ) -> Result<S, Error>
    where
        S: Solver<&'l Landscape<'p>, SearchState<'p>>,
    {
        let state = std::mem::replace(&mut self.state, ArgminState::new()).next_stage(max_iters);
        let executor = Executor::new(self.land, solver).configure(|_| state).ctrlc(false);
        let result = setup(executor).run()?;
        self.state = result.state;
        Ok(result.solver)
    }

    /// The repair, at most `max_steps` moves. Returns the moves made.
    pub fn repair(&mut self, max_steps: usize) -> Result<usize, Error> {
        Ok(self.stage(Repair::new(max_steps), 1, |e| e)?.steps())
    }

    /// The tidy. Returns the moves undone.
    pub fn tidy(&mut self) -> Result<usize, Error> {
        Ok(self.stage(Tidy::default(), u64::MAX, |e| e)?.undone())
    }

    /// `rounds` rounds of ruin and recreate; `rng` continues where the run left it. Returns the moves saved.
    pub fn reduce(&mut self, rng: &mut SearchRng, rounds: usize, share: f64) -> Result<usize, Error> {
        let before = self.plan().state.moves;
        let solver = self.stage(Reduce::new(rng.clone(), share), rounds as u64, |e| e)?;
        *rng = solver.rng;
        Ok(before.saturating_sub(self.plan().state.moves))
    }

    /// [`Landscape::anneal`] in the executor: the same proposals, the same random stream, the same plan;
    /// `rng` continues where the run left it.
    pub fn anneal(&mut self, rng: &mut SearchRng, proposals: usize, t0_scale: f64) -> Result<(), Error> {
        self.anneal_with(rng, proposals, t0_scale, |e| e)
    }

    /// As [`Search::anneal`], with `setup` adding to the executor: observers, a time limit
    /// ([`Executor::timeout`]), a target cost (through `configure`). A run that stops early leaves the plan
    /// where it stopped. No proposals: nothing runs.
    pub fn anneal_with(
        &mut self,
        rng: &mut SearchRng,
        proposals: usize,
        t0_scale: f64,
        setup: impl FnOnce(SweepExecutor<'l, 'p>) -> SweepExecutor<'l, 'p>,
    ) -> Result<(), Error> {
        if proposals == 0 {
            return Ok(());
        }
        let solver = SweepSolver::new(rng.clone(), proposals, t0_scale, self.land.items.len());
        let sweeps = solver.sweeps();
        let solver = self.stage(solver, sweeps, setup)?;
        *rng = solver.rng;
        Ok(())
    }
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
