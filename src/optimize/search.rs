//! Local search on the surrogate: a worst-rep-first steepest repair, simulated annealing with moves and
//! swaps, and a tidy pass that undoes moves the bands do not need. Every step costs O(item size).
//!
//! The search is split as argmin splits an optimisation: the [`Landscape`] (the surrogate, the items and
//! their pools) never changes, and every step takes the plan under search, a [`Placement`] (owners, running
//! sums and the shape's counts), by reference. `executor.rs` runs the steps as argmin solvers whose state
//! owns the placement.

use crate::sim::{Purpose, Stream};

use super::problem::{NONE, Problem};
use super::state::{Items, State};

/// The search's generator: the engine's counter-based stream ([`Stream`], purpose [`Purpose::Search`])
/// read at counters 0, 1, 2, ... One mixing function serves the simulation and the search.
#[derive(Debug, Clone)]
pub struct SearchRng {
    stream: Stream,
    counter: u64,
}

impl SearchRng {
    /// The generator of search `stream` (a strategy, or one role in a comparison run) under `seed`.
    pub fn new(seed: u64, stream: u64) -> Self {
        SearchRng { stream: Stream::new(seed, 0, stream, Purpose::Search), counter: 0 }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let bits = self.stream.bits(self.counter);
        self.counter += 1;
        bits
    }

    /// A uniform index below `n` (n > 0).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// A uniform number in (0, 1] ([`Stream::uniform`]).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        let u = self.stream.uniform(self.counter);
        self.counter += 1;
        u
    }
}

/// The search's generator as a `rand` generator, for argmin's annealer.
impl rand::RngCore for SearchRng {
    fn next_u32(&mut self) -> u32 {
        (SearchRng::next_u64(self) >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        SearchRng::next_u64(self)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            chunk.copy_from_slice(&SearchRng::next_u64(self).to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A cooling schedule: from `t0` down eight decades over the first 90% of `proposals`, then zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// Starting temperature.
    pub t0: f64,
    /// Proposals in the whole schedule.
    pub proposals: usize,
}

impl Schedule {
    /// The temperature of proposal `k`.
    pub fn temperature(&self, k: usize) -> f64 {
        let cooling = self.proposals * 9 / 10;
        if k < cooling { self.t0 * (1e-8f64).powf(k as f64 / cooling as f64) } else { 0.0 }
    }
}

/// Which moves keep a strategy's shape: any move, or only moves that give a rep more of a class (vertical,
/// size decile) it already holds. Items of geographic units never move after construction.
#[derive(Debug, Clone)]
pub struct Structure {
    class: Option<(Vec<u32>, usize)>,
    count: Vec<u32>,
    contiguous: Option<Contiguous>,
}

/// Territories as connected sets of units: a rep's territory is the units where it owns accounts or which it
/// claimed empty. A move keeps both territories connected when the giver keeps an account in the unit and
/// the taker already holds the unit or a neighbour of it.
#[derive(Debug, Clone)]
struct Contiguous {
    unit: Vec<u32>,
    neighbors: Vec<Vec<u32>>,
    n_units: usize,
    count: Vec<u32>,
    claimed: Vec<bool>,
    /// Items of each unit (carve-outs excepted), for unit moves.
    members: Vec<Vec<u32>>,
    /// Visit stamps, their current value and a stack, for the connectivity search of unit moves.
    scratch: std::cell::RefCell<(Vec<u32>, u32, Vec<u32>)>,
}

impl Contiguous {
    fn holds(&self, r: u32, u: u32) -> bool {
        let k = r as usize * self.n_units + u as usize;
        self.count[k] > 0 || self.claimed[k]
    }

    /// Would `r`'s territory stay connected without unit `u`? A depth-first search over `r`'s units from one
    /// of `u`'s neighbours in the territory until it has reached all of them: O(territory), run only for
    /// unit moves the annealer has accepted.
    fn connected_without(&self, r: u32, u: u32) -> bool {
        let ends: Vec<u32> =
            self.neighbors[u as usize].iter().copied().filter(|&v| self.holds(r, v)).collect();
        if ends.len() <= 1 {
            return true;
        }
        let mut guard = self.scratch.borrow_mut();
        let (mark, stamp, stack) = &mut *guard;
        *stamp = stamp.wrapping_add(1);
        if *stamp == 0 {
            mark.iter_mut().for_each(|m| *m = 0);
            *stamp = 1;
        }
        let stamp = *stamp;
        mark[u as usize] = stamp;
        mark[ends[0] as usize] = stamp;
        stack.clear();
        stack.push(ends[0]);
        let mut found = 1;
        while let Some(x) = stack.pop() {
            for &v in &self.neighbors[x as usize] {
                if mark[v as usize] != stamp && self.holds(r, v) {
                    mark[v as usize] = stamp;
                    if ends.contains(&v) {
                        found += 1;
                        if found == ends.len() {
                            return true;
                        }
                    }
                    stack.push(v);
                }
            }
        }
        false
    }
}

impl Structure {
    /// Every move is allowed.
    pub fn free() -> Structure {
        Structure { class: None, count: Vec::new(), contiguous: None }
    }

    /// Moves keep classes together: item `i` may go to a rep that already holds an account of its class.
    /// `class[a]` is the class of account `a`, below `n_classes`.
    pub fn classes(state: &State, class: Vec<u32>, n_classes: usize) -> Structure {
        let mut count = vec![0u32; state.p.reps.len() * n_classes];
        for (a, &r) in state.owner.iter().enumerate() {
            if r != NONE {
                count[r as usize * n_classes + class[a] as usize] += 1;
            }
        }
        Structure { class: Some((class, n_classes)), count, contiguous: None }
    }

    /// Territories stay connected in the unit graph. `unit[a]` is account `a`'s unit or [`NONE`];
    /// `claimed` lists empty units each rep holds. Accounts without a unit move freely.
    pub fn contiguous(
        state: &State,
        items: &Items,
        unit: Vec<u32>,
        graph: &super::units::UnitGraph,
        claimed: &[(u32, u32)],
    ) -> Structure {
        let n_units = graph.len();
        let n_reps = state.p.reps.len();
        let mut c = Contiguous {
            unit,
            neighbors: graph.neighbors.clone(),
            n_units,
            count: vec![0; n_reps * n_units],
            claimed: vec![false; n_reps * n_units],
            members: vec![Vec::new(); n_units],
            scratch: std::cell::RefCell::new((vec![0; n_units], 0, Vec::new())),
        };
        // Carve-outs sit outside the territory logic: they neither hold a unit nor move.
        for u in c.unit.iter_mut().zip(&state.p.locked).filter(|(_, l)| **l).map(|(u, _)| u) {
            *u = NONE;
        }
        for (a, &r) in state.owner.iter().enumerate() {
            if r != NONE && c.unit[a] != NONE {
                c.count[r as usize * n_units + c.unit[a] as usize] += 1;
            }
        }
        for &(r, u) in claimed {
            c.claimed[r as usize * n_units + u as usize] = true;
        }
        for i in 0..items.len() {
            if let [a] = items.accounts(i)
                && c.unit[*a as usize] != NONE
            {
                c.members[c.unit[*a as usize] as usize].push(i as u32);
            }
        }
        Structure { class: None, count: Vec::new(), contiguous: Some(c) }
    }

    fn allowed(&self, items: &Items, i: usize, r: u32, s: u32) -> bool {
        if let Some(c) = &self.contiguous {
            return items.accounts(i).iter().all(|&a| {
                let u = c.unit[a as usize];
                u == NONE
                    || ((r == NONE || c.count[r as usize * c.n_units + u as usize] >= 2)
                        && (c.holds(s, u) || c.neighbors[u as usize].iter().any(|&v| c.holds(s, v))))
            });
        }
        match &self.class {
            None => true,
            Some((class, n)) => {
                items.accounts(i).iter().all(|&a| self.count[s as usize * n + class[a as usize] as usize] > 0)
            }
        }
    }

    fn moved(&mut self, items: &Items, i: usize, r: u32, s: u32) {
        if let Some(c) = &mut self.contiguous {
            for &a in items.accounts(i) {
                let u = c.unit[a as usize];
                if u != NONE {
                    if r != NONE {
                        c.count[r as usize * c.n_units + u as usize] -= 1;
                    }
                    c.count[s as usize * c.n_units + u as usize] += 1;
                }
            }
        }
        if let Some((class, n)) = &self.class {
            for &a in items.accounts(i) {
                let c = class[a as usize] as usize;
                if r != NONE {
                    self.count[r as usize * n + c] -= 1;
                }
                if s != NONE {
                    self.count[s as usize * n + c] += 1;
                }
            }
        }
    }
}

/// The search's fixed side, argmin's problem: the surrogate, what moves together, and the items of each
/// pool. It never changes during a search; the plan it is run on is a [`Placement`].
#[derive(Debug, Clone)]
pub struct Landscape<'p> {
    /// The surrogate.
    pub p: &'p Problem,
    /// What moves together.
    pub items: &'p Items,
    pool_items: Vec<Vec<u32>>,
    /// Pools with more than one item, their weights (item counts) and the total, or `None` when there are
    /// none: where the annealer proposes.
    sampled: Option<(Vec<usize>, Vec<usize>, usize)>,
}

/// The plan under search, the search's changing side: owners with their running sums, and the counts that
/// keep the strategy's shape.
#[derive(Debug, Clone)]
pub struct Placement<'p> {
    /// Owners and running sums.
    pub state: State<'p>,
    /// What moves are allowed, and the counts it needs.
    pub structure: Structure,
}

impl<'p> Placement<'p> {
    /// A plan under search: `state` with the moves `structure` allows.
    pub fn new(state: State<'p>, structure: Structure) -> Self {
        Placement { state, structure }
    }

    fn within_budget(&self, moves: i64) -> bool {
        moves <= 0 || self.state.moves as i64 + moves <= self.state.p.max_moves as i64
    }

    fn apply(&mut self, items: &Items, i: usize, s: u32) {
        let r = self.state.item_owner(items, i);
        self.state.apply_move(items, i, s);
        self.structure.moved(items, i, r, s);
    }

    /// Total band excess over the reps.
    pub fn total_excess(&self) -> f64 {
        (0..self.state.p.reps.len()).map(|r| self.state.excess(r)).sum()
    }
}

impl<'p> Landscape<'p> {
    /// The landscape of `p` for `items`.
    pub fn new(p: &'p Problem, items: &'p Items) -> Self {
        let mut pool_items = vec![Vec::new(); p.pools.len()];
        for i in 0..items.len() {
            if items.pool[i] != NONE && !items.accounts(i).is_empty() {
                pool_items[items.pool[i] as usize].push(i as u32);
            }
        }
        let pools: Vec<usize> = (0..pool_items.len()).filter(|&p| pool_items[p].len() > 1).collect();
        let weight: Vec<usize> = pools.iter().map(|&p| pool_items[p].len()).collect();
        let total = weight.iter().sum();
        let sampled = (!pools.is_empty()).then_some((pools, weight, total));
        Landscape { p, items, pool_items, sampled }
    }

    /// The allowed move that lowers the cost most for rep `r`: out of its book when it is over a band, into
    /// it when it is under: (cost change, item, taker, moves change), or `None` when no move helps.
    fn best_move_for(&self, plan: &Placement<'p>, r: usize, book: &[Vec<u32>]) -> Option<Offer> {
        let p = plan.state.p;
        let slot = &p.reps[r];
        let over = plan.state.potential[r] > slot.potential_target * (1.0 + p.potential_band)
            || plan.state.load[r] > slot.load_target * (1.0 + p.workload_band);
        let mut best: Option<Offer> = None;
        let mut consider = |i: usize, s: u32| {
            let owner = plan.state.item_owner(self.items, i);
            if !plan.structure.allowed(self.items, i, owner, s) {
                return;
            }
            let d = plan.state.move_delta(self.items, i, s);
            if d.cost < best.map_or(-1e-12, |b| b.0) && plan.within_budget(d.moves) {
                best = Some((d.cost, i, s, d.moves));
            }
        };
        if over {
            for &i in &book[r] {
                // A grandfathered account goes back to its own pool, never to the holder's.
                for &s in &p.pools[self.items.pool[i as usize] as usize].reps {
                    if s as usize != r {
                        consider(i as usize, s);
                    }
                }
            }
        } else {
            for &i in &self.pool_items[slot.pool as usize] {
                if plan.state.item_owner(self.items, i as usize) != r as u32 {
                    consider(i as usize, r as u32);
                }
            }
        }
        best
    }

    /// Best move first: every rep outside its bands offers its best move ([`Landscape::best_move_for`]) and
    /// the one that lowers the cost most is made, until every rep is inside or no allowed move helps. Under
    /// a tight continuity budget the moves go where they fix most (a new hire's empty book before the last
    /// accounts of an overloaded one). Offers are cached and only those the last move could change are
    /// recomputed. Returns the moves made.
    pub fn repair(&self, plan: &mut Placement<'p>, max_steps: usize) -> usize {
        let p = plan.state.p;
        let n_reps = p.reps.len();
        // Items of each rep, kept up to date.
        let mut book: Vec<Vec<u32>> = vec![Vec::new(); n_reps];
        let mut at = vec![0u32; self.items.len()];
        for pool in &self.pool_items {
            for &i in pool {
                let r = plan.state.item_owner(self.items, i as usize);
                if r != NONE {
                    at[i as usize] = book[r as usize].len() as u32;
                    book[r as usize].push(i);
                }
            }
        }
        // Each rep's offer: `None` when it must be recomputed; `refresh` when only its price may be stale
        // (a move changed the sums of its giver or taker): then the same move is repriced in O(1) and kept
        // while it still helps.
        let mut offer: Vec<Option<Option<Offer>>> = vec![None; n_reps];
        let mut refresh = vec![false; n_reps];
        let mut steps = 0;
        while steps < max_steps {
            let mut pick: Option<Offer> = None;
            for r in 0..n_reps {
                if std::mem::take(&mut refresh[r])
                    && let Some(Some((_, j, t, _))) = offer[r]
                {
                    let d = plan.state.move_delta(self.items, j, t);
                    let keep = plan.state.excess(r) > 1e-12 && d.cost < -1e-12;
                    offer[r] = keep.then_some(Some((d.cost, j, t, d.moves)));
                }
                if let Some(Some(m)) = offer[r]
                    && !plan.within_budget(m.3)
                {
                    offer[r] = None;
                }
                if offer[r].is_none() {
                    let outside = p.reps[r].pool != NONE && plan.state.excess(r) > 1e-12;
                    offer[r] = Some(if outside { self.best_move_for(plan, r, &book) } else { None });
                }
                if let Some(Some(m)) = offer[r]
                    && pick.is_none_or(|b| m.0 < b.0)
                {
                    pick = Some(m);
                }
            }
            let Some((_, i, s, _)) = pick else { break };
            let from = plan.state.item_owner(self.items, i);
            if from != NONE {
                let f = from as usize;
                let k = at[i] as usize;
                book[f].swap_remove(k);
                if k < book[f].len() {
                    at[book[f][k] as usize] = k as u32;
                }
            }
            at[i] = book[s as usize].len() as u32;
            book[s as usize].push(i as u32);
            plan.apply(self.items, i, s);
            steps += 1;
            // An offer depends on the sums of the giver and the taker of its move.
            for r in 0..n_reps {
                if r as u32 == from || r as u32 == s {
                    offer[r] = None;
                    continue;
                }
                if let Some(Some((_, j, t, _))) = offer[r] {
                    if j == i {
                        offer[r] = None;
                    } else {
                        let giver = plan.state.item_owner(self.items, j);
                        refresh[r] = t == from || t == s || giver == from || giver == s;
                    }
                }
            }
        }
        steps
    }

    /// Simulated annealing: `proposals` random moves, swaps and three-item ejection chains inside pools,
    /// from a temperature of `t0_scale` × the mean uphill step down to 10⁻⁸ of it (cost differences inside
    /// the bands are tiny), then a zero-temperature tail. The same as [`Landscape::temperature_scale`] followed
    /// by [`Landscape::anneal_sweep`] over the whole schedule.
    pub fn anneal(&self, plan: &mut Placement<'p>, rng: &mut SearchRng, proposals: usize, t0_scale: f64) {
        if proposals == 0 || self.sampled.is_none() {
            return;
        }
        let schedule = Schedule { t0: self.temperature_scale(plan, rng, t0_scale), proposals };
        self.anneal_sweep(plan, rng, &schedule, 0..proposals);
    }

    fn pick_pool(rng: &mut SearchRng, (pools, weight, total): &(Vec<usize>, Vec<usize>, usize)) -> usize {
        let mut x = rng.below(*total);
        for (k, &w) in weight.iter().enumerate() {
            if x < w {
                return pools[k];
            }
            x -= w;
        }
        pools[pools.len() - 1]
    }

    /// The starting temperature: `t0_scale` × the mean uphill step of 200 sample proposals (0 when none
    /// goes uphill or there is nothing to move).
    pub fn temperature_scale(&self, plan: &Placement<'p>, rng: &mut SearchRng, t0_scale: f64) -> f64 {
        let Some(sampled) = &self.sampled else { return 0.0 };
        let mut uphill = (0.0, 0usize);
        for _ in 0..200 {
            let pool = Self::pick_pool(rng, sampled);
            if let Some((d, _)) = self.propose(plan, rng, pool)
                && d.is_finite()
                && d > 0.0
            {
                uphill.0 += d;
                uphill.1 += 1;
            }
        }
        if uphill.1 > 0 { t0_scale * uphill.0 / uphill.1 as f64 } else { 0.0 }
    }

    /// Proposals `range` of `schedule`; returns how many were applied.
    pub fn anneal_sweep(
        &self,
        plan: &mut Placement<'p>,
        rng: &mut SearchRng,
        schedule: &Schedule,
        range: std::ops::Range<usize>,
    ) -> usize {
        let Some(sampled) = &self.sampled else { return 0 };
        let mut applied = 0;
        for k in range {
            let t = schedule.temperature(k);
            let pool = Self::pick_pool(rng, sampled);
            if let Some((d, mv)) = self.propose(plan, rng, pool)
                && (d <= 0.0 || (t > 0.0 && rng.unit() < (-d / t).exp()))
            {
                applied += 1;
                match mv {
                    Proposal::Move(i, s) => plan.apply(self.items, i, s),
                    Proposal::Unit(u, r, s) => {
                        let keeps_connected =
                            plan.structure.contiguous.as_ref().is_some_and(|c| c.connected_without(r, u));
                        if !keeps_connected {
                            applied -= 1;
                            continue;
                        }
                        for (j, s) in self.unit_moves(plan, u, r, s).unwrap_or_default() {
                            plan.apply(self.items, j, s);
                        }
                    }
                    Proposal::Chain(i, j, k) => {
                        let owners = [i, j, k].map(|x| plan.state.item_owner(self.items, x));
                        plan.apply(self.items, i, owners[1]);
                        plan.apply(self.items, j, owners[2]);
                        plan.apply(self.items, k, owners[0]);
                    }
                    Proposal::Swap(i, j) => {
                        let (r, s) =
                            (plan.state.item_owner(self.items, i), plan.state.item_owner(self.items, j));
                        plan.apply(self.items, i, s);
                        plan.apply(self.items, j, r);
                    }
                }
            }
        }
        applied
    }

    /// A unit move: all of `r`'s accounts in item `i`'s unit go to a rep that holds a neighbouring unit. Its
    /// price costs O(unit size); whether `r` stays connected is checked only if the move is accepted.
    fn propose_unit_move(
        &self,
        plan: &Placement<'p>,
        rng: &mut SearchRng,
        pool: usize,
        i: usize,
        r: u32,
    ) -> Option<(f64, Proposal)> {
        let c = plan.structure.contiguous.as_ref()?;
        let u = c.unit[*self.items.accounts(i).first()? as usize];
        if u == NONE || r == NONE || c.claimed[r as usize * c.n_units + u as usize] {
            return None;
        }
        let near = &c.neighbors[u as usize];
        let v = *near.get(rng.below(near.len().max(1)))?;
        let reps = &plan.state.p.pools[pool].reps;
        let start = rng.below(reps.len());
        let s = (0..reps.len()).map(|k| reps[(start + k) % reps.len()]).find(|&s| s != r && c.holds(s, v))?;
        let moves = self.unit_moves(plan, u, r, s)?;
        let d = plan.state.chain_delta(self.items, &moves);
        plan.within_budget(d.moves).then_some((d.cost, Proposal::Unit(u, r, s)))
    }

    /// The moves of a unit move: every item of `r` in unit `u` to `s`, or `None` when one may not go to
    /// `s` (another pool) or the unit is too large to move whole.
    fn unit_moves(&self, plan: &Placement<'p>, u: u32, r: u32, s: u32) -> Option<Vec<(usize, u32)>> {
        let c = plan.structure.contiguous.as_ref()?;
        let taker_pool = plan.state.p.reps[s as usize].pool;
        let mut moves = Vec::new();
        for &j in &c.members[u as usize] {
            if plan.state.item_owner(self.items, j as usize) == r {
                if self.items.pool[j as usize] != taker_pool || moves.len() >= 256 {
                    return None;
                }
                moves.push((j as usize, s));
            }
        }
        (!moves.is_empty()).then_some(moves)
    }

    /// One random proposal in `pool`: its cost change, or `None` when it is not allowed.
    fn propose(&self, plan: &Placement<'p>, rng: &mut SearchRng, pool: usize) -> Option<(f64, Proposal)> {
        let items = &self.pool_items[pool];
        let i = items[rng.below(items.len())] as usize;
        let r = plan.state.item_owner(self.items, i);
        let kind = rng.below(if plan.structure.contiguous.is_some() { 4 } else { 3 });
        if kind == 3 {
            return self.propose_unit_move(plan, rng, pool, i, r);
        }
        if kind == 2 {
            // An ejection chain: i → owner of j, j → owner of k, k → owner of i.
            let j = items[rng.below(items.len())] as usize;
            let k = items[rng.below(items.len())] as usize;
            let (s, t) = (plan.state.item_owner(self.items, j), plan.state.item_owner(self.items, k));
            if r == NONE || s == NONE || t == NONE || r == s || s == t || r == t {
                return None;
            }
            let (pools, reps) = (&self.items.pool, &plan.state.p.reps);
            if reps[s as usize].pool != pools[i]
                || reps[t as usize].pool != pools[j]
                || reps[r as usize].pool != pools[k]
            {
                return None;
            }
            let st = &plan.structure;
            if !st.allowed(self.items, i, r, s)
                || !st.allowed(self.items, j, s, t)
                || !st.allowed(self.items, k, t, r)
            {
                return None;
            }
            let d = plan.state.chain_delta(self.items, &[(i, s), (j, t), (k, r)]);
            return plan.within_budget(d.moves).then_some((d.cost, Proposal::Chain(i, j, k)));
        }
        if kind == 0 {
            let reps = &plan.state.p.pools[pool].reps;
            let s = reps[rng.below(reps.len())];
            if s == r || !plan.structure.allowed(self.items, i, r, s) {
                return None;
            }
            let d = plan.state.move_delta(self.items, i, s);
            plan.within_budget(d.moves).then_some((d.cost, Proposal::Move(i, s)))
        } else {
            let j = items[rng.below(items.len())] as usize;
            let s = plan.state.item_owner(self.items, j);
            let pools = &self.items.pool;
            if s == r
                || r == NONE
                || s == NONE
                || plan.state.p.reps[r as usize].pool != pools[j]
                || plan.state.p.reps[s as usize].pool != pools[i]
                || !plan.structure.allowed(self.items, i, r, s)
                || !plan.structure.allowed(self.items, j, s, r)
            {
                return None;
            }
            let d = plan.state.swap_delta(self.items, i, j);
            plan.within_budget(d.moves).then_some((d.cost, Proposal::Swap(i, j)))
        }
    }

    /// Moves items back to their current-plan owner wherever that does not raise the cost, until nothing
    /// changes ([`Landscape::tidy_pass`] until one undoes nothing). Returns the moves undone.
    pub fn tidy(&self, plan: &mut Placement<'p>) -> usize {
        let mut undone = 0;
        loop {
            match self.tidy_pass(plan) {
                0 => return undone,
                n => undone += n,
            }
        }
    }

    /// One pass of [`Landscape::tidy`] over the items in order. Returns the moves undone.
    pub fn tidy_pass(&self, plan: &mut Placement<'p>) -> usize {
        let mut undone = 0;
        for i in 0..self.items.len() {
            let Some(&first) = self.items.accounts(i).first() else { continue };
            let home = plan.state.p.start[first as usize];
            let owner = plan.state.item_owner(self.items, i);
            if home == owner || home == NONE || plan.state.p.reps[home as usize].pool != self.items.pool[i] {
                continue;
            }
            if !plan.structure.allowed(self.items, i, owner, home) {
                continue;
            }
            let d = plan.state.move_delta(self.items, i, home);
            // Never trade a band for a move: the band penalty outweighs a move only above ~1e-5 of excess.
            if d.cost <= 1e-12 && !self.widens_excess(plan, i, owner, home) {
                plan.apply(self.items, i, home);
                undone += 1;
            }
        }
        undone
    }

    /// True when moving item `i` from rep `r` to rep `s` would put either further outside its bands.
    fn widens_excess(&self, plan: &Placement<'p>, i: usize, r: u32, s: u32) -> bool {
        let p = plan.state.p;
        let (mut pot, mut load_r, mut load_s) = (0.0, 0.0, 0.0);
        for &a in self.items.accounts(i) {
            let a = a as usize;
            pot += p.potential[a];
            if r != NONE {
                load_r += p.hours(a, r as usize);
            }
            load_s += p.hours(a, s as usize);
        }
        let grows = |x: u32, dp: f64, dl: f64| {
            x != NONE && {
                let x = x as usize;
                p.excess(x, plan.state.potential[x] + dp, plan.state.load[x] + dl)
                    > plan.state.excess(x) + 1e-15
            }
        };
        grows(r, -pot, -load_r) || grows(s, pot, load_s)
    }

    /// Ruin and recreate for fewer moves: up to `rounds` rounds of [`Landscape::reduce_round`], until one
    /// finds no moved item. The repair's greedy choice of what to move is good but order-dependent;
    /// re-running it on part of the plan finds sets of fewer, larger moves. Returns the moves saved.
    pub fn reduce(&self, plan: &mut Placement<'p>, rng: &mut SearchRng, rounds: usize, share: f64) -> usize {
        let first = plan.state.moves;
        for _ in 0..rounds {
            if self.reduce_round(plan, rng, share).is_none() {
                break;
            }
        }
        first.saturating_sub(plan.state.moves)
    }

    /// One round of ruin and recreate: sends a random `share` of the moved items back to their
    /// current-plan owners, repairs and tidies, and keeps the result when the total band excess is no
    /// larger and the move count (then the cost) no worse; otherwise restores the plan. Returns whether the
    /// result was kept, or `None` (the plan untouched, no draw made) when no item is moved.
    pub fn reduce_round(&self, plan: &mut Placement<'p>, rng: &mut SearchRng, share: f64) -> Option<bool> {
        let p = plan.state.p;
        let steps = self.items.len() * 4;
        let mut moved: Vec<usize> = (0..self.items.len())
            .filter(|&i| {
                let Some(&a) = self.items.accounts(i).first() else { return false };
                let home = p.start[a as usize];
                home != NONE
                    && plan.state.item_owner(self.items, i) != home
                    && p.reps[home as usize].pool == self.items.pool[i]
            })
            .collect();
        if moved.is_empty() {
            return None;
        }
        let (owner, structure) = (plan.state.owner.clone(), plan.structure.clone());
        let (excess, moves, cost) = (plan.total_excess(), plan.state.moves, plan.state.cost());
        let k = ((moved.len() as f64 * share).ceil() as usize).clamp(1, moved.len());
        for x in 0..k {
            let y = x + rng.below(moved.len() - x);
            moved.swap(x, y);
            let i = moved[x];
            let home = p.start[self.items.accounts(i)[0] as usize];
            let r = plan.state.item_owner(self.items, i);
            if plan.structure.allowed(self.items, i, r, home) {
                plan.apply(self.items, i, home);
            }
        }
        self.repair(plan, steps);
        self.tidy(plan);
        let kept = plan.total_excess() <= excess + 1e-12
            && (plan.state.moves < moves || (plan.state.moves == moves && plan.state.cost() <= cost));
        if !kept {
            plan.state = State::new(p, owner);
            plan.structure = structure;
        }
        Some(kept)
    }
}

/// A rep's best move in the repair: (cost change, item, taker, change of the moves count).
type Offer = (f64, usize, u32, i64);

#[derive(Debug, Clone, Copy)]
enum Proposal {
    Move(usize, u32),
    Swap(usize, usize),
    Chain(usize, usize, usize),
    /// Unit, giver, taker.
    Unit(u32, u32, u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_draws_the_engines_stream() {
        let mut rng = SearchRng::new(42, 3);
        let stream = Stream::new(42, 0, 3, Purpose::Search);
        for k in 0..5 {
            assert_eq!(rng.next_u64(), stream.bits(k));
        }
        assert_eq!(rng.unit(), stream.uniform(5));
        // Another search's stream, and another seed's, differ.
        assert_ne!(SearchRng::new(42, 4).next_u64(), stream.bits(0));
        assert_ne!(SearchRng::new(43, 3).next_u64(), stream.bits(0));
    }

    #[test]
    fn indices_are_uniform() {
        // 60,000 draws below 6: each count is binomial(60,000, 1/6), SE 91; allow 5 SE.
        let mut rng = SearchRng::new(1, 0);
        let mut count = [0usize; 6];
        for _ in 0..60_000 {
            count[rng.below(6)] += 1;
        }
        for c in count {
            assert!((c as f64 - 10_000.0).abs() < 5.0 * 91.3, "{count:?}");
        }
        let u: f64 = (0..10_000).map(|_| rng.unit()).sum::<f64>() / 10_000.0;
        // Mean of 10,000 uniforms: SE 0.0029.
        assert!((u - 0.5).abs() < 5.0 * 0.0029, "{u}");
    }
}
