//! The optimizer: candidate territory splits for each strategy, built by a fast construction and a local
//! search on a deterministic surrogate, then ranked with the Monte Carlo engine under common random numbers.
//!
//! The surrogate (see [`Problem`]) prices, per rep, potential against the pool's per-rep share and workload
//! against capacity at the pool's load (both pro-rated for ramp and departure), with an exact penalty
//! outside the bands, a quadratic spread term inside them, a price per moved account and optional
//! compactness. Every move is evaluated by its delta in O(1) per account moved.

mod construct;
mod executor;
mod org;
mod outcome;
mod problem;
mod rank;
mod search;
mod state;
mod units;

pub use construct::{Construction, account_units, construct};
pub use executor::{
    ArgminSaExecutor, OwnersState, Reassign, Reduce, Repair, Search, SearchState, StageExecutor,
    SweepExecutor, SweepSolver, Tidy, argmin_anneal, with_timeout,
};
pub use org::{Org, OrgError};
pub use outcome::{Balance, OptimizeOutcome, RankedCandidate, optimize, plan_balance};
pub use problem::{NONE, Pool, Problem, RepSlot, Weights};
pub use rank::{CandidateMetrics, EvaluateError, Evaluation, MetricCi, evaluate, pareto_ranks};
pub use search::{Landscape, Placement, Schedule, SearchRng, Structure};
pub use state::{Delta, Items, State};

pub use units::UnitGraph;

use crate::market::{Market, Plan};
use crate::scenario::{OptimizeSpec, Strategy};

/// Why an account's owner changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveReason {
    /// The owner leaves (a removal in the optimize spec).
    DepartedOwner,
    /// The new owner is an added rep whose book is built.
    NewHireBook,
    /// The old owner may not own the account (segment eligibility).
    Eligibility,
    /// The old owner's workload was above the band.
    Capacity,
    /// A geographic territory grown from contiguous units.
    Contiguity,
    /// Potential or workload balance.
    Balance,
}

impl MoveReason {
    /// The label in `diff.csv`.
    pub fn label(self) -> &'static str {
        match self {
            MoveReason::DepartedOwner => "departed owner",
            MoveReason::NewHireBook => "new-hire book",
            MoveReason::Eligibility => "eligibility",
            MoveReason::Capacity => "capacity",
            MoveReason::Contiguity => "contiguity",
            MoveReason::Balance => "balance",
        }
    }
}

/// One candidate plan and how the search left it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// `current`, `geographic`, ...
    pub strategy: Strategy,
    /// The plan, over the org's reps.
    pub plan: Plan,
    /// Surrogate cost.
    pub cost: f64,
    /// Accounts whose owner changes.
    pub moved: usize,
    /// Reps outside the potential band.
    pub outside_potential_band: usize,
    /// Reps outside the workload band.
    pub outside_workload_band: usize,
    /// Largest |potential ÷ target − 1| over active reps.
    pub max_potential_deviation: f64,
    /// Largest |workload ÷ target − 1| over active reps.
    pub max_workload_deviation: f64,
    /// True when the strategy's full territories fit in the continuity budget; false when the candidate is
    /// the current plan moved toward them as far as the budget allows.
    pub complete: bool,
    /// For geographic territories on a unit graph: true when every territory is connected.
    pub contiguous: Option<bool>,
}

/// Builds one candidate for `strategy`. `graph` gives geographic units when the data has them.
pub fn generate(
    org: &Org,
    spec: &OptimizeSpec,
    strategy: Strategy,
    graph: Option<&UnitGraph>,
    seed: u64,
) -> Candidate {
    let base = &org.problem;
    let redesign = strategy != Strategy::Current;
    let mut p = base.clone();
    p.weights = if redesign { Weights::REDESIGN } else { Weights::REPAIR };
    if spec.compactness {
        p.weights.per_1000km = 0.05;
    }
    let mut rng = SearchRng::new(seed, strategy as u64);
    let built = construct(strategy, &p, &org.market, graph);
    let unit = account_units(&org.market, graph);
    let geographic = matches!(strategy, Strategy::Geographic | Strategy::Hybrid) && graph.is_some();
    let effort = spec.search_effort as usize;
    let items = Items::singletons(&p);
    let proposals = effort * items.len();
    if !redesign {
        // The current plan, repaired under the budget: fewest moves first.
        let land = Landscape::new(&p, &items);
        let mut search = Search::new(&land, Placement::new(State::new(&p, built.owner), Structure::free()));
        // Cold: a warm walk adds moves that no single undo can take back (tools/milp/README.md).
        polish(&mut search, &mut rng, proposals, 0.001);
        // Fewest moves: once every rep is inside its bands, ruin and recreate on the repaired plan (when a
        // rep is still outside, the budget binds and fewer moves cannot be kept).
        if (0..p.reps.len()).all(|r| search.plan().state.excess(r) <= 1e-12) {
            search.reduce(&mut rng, REDUCE_ROUNDS, 0.1).expect(NO_FAILURE);
        }
        return finish(&org.problem, strategy, search.into_plan().state.owner, true, None);
    }

    // The strategy's ideal territories, polished inside the strategy's shape without a move budget.
    let mut ideal = p.clone();
    ideal.max_moves = usize::MAX;
    let state = State::new(&ideal, built.owner.clone());
    let contiguous = graph.filter(|_| spec.contiguity).map(|g| (g, &unit[..], &built.claimed[..]));
    let structure = shape(strategy, &state, &items, &org.market, contiguous);
    let ideal_land = Landscape::new(&ideal, &items);
    let mut search = Search::new(&ideal_land, Placement::new(state, structure));
    polish(&mut search, &mut rng, proposals, 0.5);
    let state = search.into_plan().state;
    let ideal_owner = state.owner.clone();

    let (owner, complete) = if state.moves <= p.max_moves {
        (ideal_owner, true)
    } else {
        // Over budget: start from the current plan (orphans placed), take the ideal's moves that pay most
        // while the budget lasts, then repair.
        let mut state = State::new(&p, construct::current(&p));
        let mut wanted: Vec<(f64, usize)> = (0..ideal_owner.len())
            .filter(|&a| p.movable(a) && ideal_owner[a] != state.owner[a])
            .map(|a| (state.move_delta(&items, item_of(&items, a), ideal_owner[a]).cost, a))
            .collect();
        wanted.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        for (_, a) in wanted {
            let i = item_of(&items, a);
            let d = state.move_delta(&items, i, ideal_owner[a]);
            if d.cost < 0.0 && state.moves as i64 + d.moves <= p.max_moves as i64 {
                state.apply_move(&items, i, ideal_owner[a]);
            }
        }
        let land = Landscape::new(&p, &items);
        let mut search = Search::new(&land, Placement::new(state, Structure::free()));
        polish(&mut search, &mut rng, 0, 0.0);
        (search.into_plan().state.owner, false)
    };
    finish(&org.problem, strategy, owner, complete, geographic.then_some((graph, &unit)))
}

/// The search's stages have no failure path of their own (only an observer could fail, and none is added).
const NO_FAILURE: &str = "the search's solvers have no failure path";

/// Ruin-and-recreate rounds after the repair of the current plan (each sends a tenth of the moves home and
/// repairs): 300 rounds bring the move count within 5% of the exact minimum on 200-1,000 accounts
/// (`tools/milp/check_min_moves.py`).
const REDUCE_ROUNDS: usize = 300;

/// Measures any plan of the org on the surrogate and the bands (as the `current` strategy).
pub fn finish_plan(org: &Org, plan: Plan) -> Candidate {
    let owner = plan.owners().iter().map(|o| o.unwrap_or(NONE)).collect();
    finish(&org.problem, Strategy::Current, owner, true, None)
}

/// Repair, then rounds of anneal, tidy and repair (with the budget the tidy freed); the best round wins.
/// Each step is an argmin solver run by the search's executor from the state the previous one left
/// (docs/optimizer-search.md). Small instances get several independent rounds: their landscapes are flat
/// inside the bands, and a restart is cheaper than a slower schedule.
fn polish(search: &mut Search, rng: &mut SearchRng, proposals: usize, t0_scale: f64) {
    let n = search.landscape().items.len();
    let steps = n * 4;
    search.repair(steps).expect(NO_FAILURE);
    let rounds = if proposals == 0 {
        0
    } else if n <= 100 {
        8
    } else if n <= 2000 {
        2
    } else {
        1
    };
    let p = search.plan().state.p;
    let (start_owner, start_structure) = (search.plan().state.owner.clone(), search.plan().structure.clone());
    let mut best: Option<(f64, Vec<u32>, Structure)> = None;
    for round in 0..rounds {
        if round > 0 {
            search.set_plan(Placement::new(State::new(p, start_owner.clone()), start_structure.clone()));
        }
        // Our annealing, in sweeps of n proposals.
        search.anneal(rng, proposals, t0_scale).expect(NO_FAILURE);
        search.tidy().expect(NO_FAILURE);
        search.repair(steps).expect(NO_FAILURE);
        search.tidy().expect(NO_FAILURE);
        let plan = search.plan();
        let cost = plan.state.cost();
        if best.as_ref().is_none_or(|b| cost < b.0) {
            best = Some((cost, plan.state.owner.clone(), plan.structure.clone()));
        }
    }
    match best {
        Some((_, owner, structure)) => search.set_plan(Placement::new(State::new(p, owner), structure)),
        None => {
            search.tidy().expect(NO_FAILURE);
        }
    }
}

fn item_of(items: &Items, a: usize) -> usize {
    // Singleton items list movable accounts in index order.
    let (mut lo, mut hi) = (0, items.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if (items.accounts(mid)[0] as usize) < a {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The unit graph, each account's unit and the claimed empty units, when territories must stay connected.
type Territories<'a> = (&'a UnitGraph, &'a [u32], &'a [(u32, u32)]);

/// The moves that keep a strategy's shape during polish.
fn shape(
    strategy: Strategy,
    state: &State,
    items: &Items,
    market: &Market,
    contiguous: Option<Territories>,
) -> Structure {
    let classes = |key: &dyn Fn(usize) -> String| {
        let mut ix: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
        let keys: Vec<String> = (0..market.accounts().len()).map(key).collect();
        for k in &keys {
            let n = ix.len() as u32;
            ix.entry(k.clone()).or_insert(n);
        }
        let class: Vec<u32> = keys.iter().map(|k| ix[k]).collect();
        Structure::classes(state, class, ix.len())
    };
    let accounts = market.accounts();
    let vertical = |a: usize| accounts[a].vertical.clone();
    let place = |a: usize| format!("{}/{}", accounts[a].country, accounts[a].state);
    match strategy {
        Strategy::Current => Structure::free(),
        Strategy::Vertical => classes(&vertical),
        Strategy::Size => {
            // Deciles of size within the size band keep size ranges together.
            let mut order: Vec<usize> = (0..accounts.len()).collect();
            let size = |a: usize| accounts[a].employees.map_or(0.0, f64::from);
            order.sort_by(|&x, &y| size(x).total_cmp(&size(y)).then(x.cmp(&y)));
            let mut decile = vec![0u32; accounts.len()];
            for (k, &a) in order.iter().enumerate() {
                decile[a] = (k * 10 / accounts.len().max(1)) as u32;
            }
            Structure::classes(state, decile, 10)
        }
        Strategy::Geographic | Strategy::Hybrid => match contiguous {
            Some((g, unit, claimed)) => Structure::contiguous(state, items, unit.to_vec(), g, claimed),
            None => classes(&place),
        },
    }
}

/// Measures a finished plan against the surrogate and the bands.
fn finish(
    p: &Problem,
    strategy: Strategy,
    owner: Vec<u32>,
    complete: bool,
    units: Option<(Option<&UnitGraph>, &Vec<u32>)>,
) -> Candidate {
    let state = State::new(p, owner);
    let mut out = Candidate {
        strategy,
        plan: Plan::from_owners(state.owner.iter().map(|&r| (r != NONE).then_some(r)).collect()),
        cost: state.cost(),
        moved: state.moves,
        outside_potential_band: 0,
        outside_workload_band: 0,
        max_potential_deviation: 0.0,
        max_workload_deviation: 0.0,
        complete,
        contiguous: None,
    };
    for (r, slot) in p.reps.iter().enumerate() {
        if slot.pool == NONE {
            continue;
        }
        let dp = (state.potential[r] / slot.potential_target.max(1e-9) - 1.0).abs();
        let dl = (state.load[r] / slot.load_target.max(1e-9) - 1.0).abs();
        out.outside_potential_band += usize::from(dp > p.potential_band + 1e-9);
        out.outside_workload_band += usize::from(dl > p.workload_band + 1e-9);
        out.max_potential_deviation = out.max_potential_deviation.max(dp);
        out.max_workload_deviation = out.max_workload_deviation.max(dl);
    }
    if let Some((Some(g), unit)) = units {
        out.contiguous = Some(territories_connected(p, &state.owner, unit, g));
    }
    out
}

/// True when, in every pool the strategy grew on the graph, each rep's units (with accounts) are connected
/// through units that hold its accounts or that nobody in the pool holds.
pub fn territories_connected(p: &Problem, owner: &[u32], unit: &[u32], g: &UnitGraph) -> bool {
    let comp = g.components();
    for pool in &p.pools {
        // Units held by each rep, and units held by nobody in this pool.
        let mut held: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
        let mut used = vec![false; g.len()];
        for &a in &pool.accounts {
            let u = unit[a as usize];
            // Carve-outs sit outside the territory logic.
            if u != NONE && owner[a as usize] != NONE && !p.locked[a as usize] {
                held.entry(owner[a as usize]).or_default().push(u);
                used[u as usize] = true;
            }
        }
        for (_, mut units) in held {
            units.sort_unstable();
            units.dedup();
            // Empty units count as passable: a territory is connected through them.
            let passable: Vec<u32> = (0..g.len() as u32)
                .filter(|&u| !used[u as usize] || units.binary_search(&u).is_ok())
                .collect();
            let inside: std::collections::HashSet<u32> = passable.iter().copied().collect();
            // Every held unit of one graph component must be reachable from the first one of it.
            let mut by_comp: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
            for &u in &units {
                by_comp.entry(comp[u as usize]).or_default().push(u);
            }
            for (_, group) in by_comp {
                let mut seen = std::collections::HashSet::from([group[0]]);
                let mut stack = vec![group[0]];
                while let Some(u) = stack.pop() {
                    for &v in &g.neighbors[u as usize] {
                        if inside.contains(&v) && seen.insert(v) {
                            stack.push(v);
                        }
                    }
                }
                if !group.iter().all(|u| seen.contains(u)) {
                    return false;
                }
            }
        }
    }
    true
}

/// The reason each moved account moves, for `diff.csv`.
pub fn move_reasons(
    org: &Org,
    candidate: &Candidate,
) -> Vec<(usize, Option<usize>, Option<usize>, MoveReason)> {
    let p = &org.problem;
    let start = org.market.plan();
    let load: Vec<f64> = {
        let mut l = vec![0.0; p.reps.len()];
        for a in 0..start.len() {
            if let Some(r) = start.owner(a) {
                l[r] += p.hours(a, r);
            }
        }
        l
    };
    (0..start.len())
        .filter(|&a| start.owner(a) != candidate.plan.owner(a))
        .map(|a| {
            let old = start.owner(a);
            let new = candidate.plan.owner(a);
            let reason = match (old, new) {
                (Some(o), _) if org.removed[o] => MoveReason::DepartedOwner,
                (_, Some(n)) if org.added[n] => MoveReason::NewHireBook,
                (Some(o), _) if p.reps[o].pool != p.pool[a] => MoveReason::Eligibility,
                (None, _) => MoveReason::Eligibility,
                (Some(o), _) if load[o] > p.reps[o].load_target * (1.0 + p.workload_band) => {
                    MoveReason::Capacity
                }
                // Geographic territories (in a hybrid, the field teams' ones) grow from contiguous units.
                (_, Some(n))
                    if candidate.contiguous.is_some()
                        && (candidate.strategy == Strategy::Geographic || p.reps[n].field) =>
                {
                    MoveReason::Contiguity
                }
                _ => MoveReason::Balance,
            };
            (a, old, new, reason)
        })
        .collect()
}
