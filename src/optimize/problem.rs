//! The surrogate problem: dense per-account and per-rep figures, the balance targets, and the cost of a
//! plan, with O(1) deltas for a move.

use crate::market::{GeoPoint, HierarchyLevel, Market, Motion};
use crate::scenario::{OptimizeSpec, Scenario, account_params, productivity};

/// No owner, no pool.
pub const NONE: u32 = u32::MAX;

/// The weights of the surrogate's terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Per unit of relative excess outside a band (an exact penalty: feasibility first).
    pub band_linear: f64,
    /// Per squared unit of relative excess outside a band.
    pub band_square: f64,
    /// Per squared relative deviation of potential and of load from target (spread inside the bands).
    pub spread: f64,
    /// Per account whose owner differs from the current plan.
    pub per_move: f64,
    /// Per 1,000 km of distance between accounts and their owners' homes, per account (compactness).
    pub per_1000km: f64,
}

impl Weights {
    /// Repair of the current plan: feasibility, then fewest moves, then spread.
    pub const REPAIR: Weights =
        Weights { band_linear: 100.0, band_square: 100.0, spread: 0.01, per_move: 1e-3, per_1000km: 0.0 };
    /// A redesign: feasibility, then spread; moves are capped by the continuity budget, barely priced.
    pub const REDESIGN: Weights =
        Weights { band_linear: 100.0, band_square: 100.0, spread: 1.0, per_move: 1e-6, per_1000km: 0.0 };
}

/// A rep as the surrogate sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepSlot {
    /// Pool the rep may own accounts in, or [`NONE`] (removed or gone before the horizon).
    pub pool: u32,
    /// Potential the rep should carry: the pool's per-rep share, pro-rated for ramp and departure.
    pub potential_target: f64,
    /// Workload hours the rep should carry: capacity × the pool's load, pro-rated the same way.
    pub load_target: f64,
    /// Home location (field travel, compactness).
    pub home: Option<GeoPoint>,
    /// Field motion: account hours include travel.
    pub field: bool,
    /// Home region index (travel fallback when a location is missing).
    pub region: u16,
    /// Share of the horizon the rep sells, weighted by ramp.
    pub active_share: f64,
}

/// One eligibility pool: accounts and the reps who may own them.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// For example `SMB/AMER`.
    pub label: String,
    /// Reps of the pool, by market index.
    pub reps: Vec<u32>,
    /// Accounts of the pool, by market index.
    pub accounts: Vec<u32>,
}

/// The dense surrogate problem for one market, scenario and optimize spec.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Potential per account.
    pub potential: Vec<f64>,
    /// Carve-outs: the owner never changes.
    pub locked: Vec<bool>,
    /// Owner in the current plan, or [`NONE`].
    pub start: Vec<u32>,
    /// Pool per account, or [`NONE`] when no active rep may own it.
    pub pool: Vec<u32>,
    /// The pools.
    pub pools: Vec<Pool>,
    /// The reps.
    pub reps: Vec<RepSlot>,
    /// Location per account, when known.
    pub location: Vec<Option<GeoPoint>>,
    /// Region index per account.
    pub region: Vec<u16>,
    capacity: Vec<f64>,
    hours_row: Vec<u32>,
    hours_table: Vec<f64>,
    pool_position: Vec<u32>,
    base_hours: Vec<f64>,
    visits: Vec<f64>,
    travel_per_km: Vec<f64>,
    travel_cap: Vec<f64>,
    same_region_km: f64,
    cross_region_km: f64,
    /// Band of potential ÷ target.
    pub potential_band: f64,
    /// Band of workload ÷ target.
    pub workload_band: f64,
    /// Most accounts whose owner may change.
    pub max_moves: usize,
    /// Surrogate weights.
    pub weights: Weights,
}

impl Problem {
    /// Builds the problem. `removed[r]` marks reps the plan must give nothing to.
    pub fn build(scenario: &Scenario, market: &Market, spec: &OptimizeSpec, removed: &[bool]) -> Problem {
        let accounts = market.accounts();
        let reps = market.reps();
        let n = accounts.len();
        let mut regions: Vec<String> = Vec::new();
        let mut region_ix = |label: &str| -> u16 {
            match regions.iter().position(|r| r == label) {
                Some(i) => i as u16,
                None => {
                    regions.push(label.to_string());
                    (regions.len() - 1) as u16
                }
            }
        };
        let account_region: Vec<u16> = accounts.iter().map(|a| region_ix(&a.region.to_string())).collect();
        let rep_region: Vec<u16> = reps.iter().map(|r| region_ix(&r.region.to_string())).collect();

        let key_of = |band: &str, region: &str| -> String {
            spec.eligibility
                .iter()
                .map(|l| match l {
                    HierarchyLevel::SizeBand => band.to_string(),
                    _ => region.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/")
        };
        let h = scenario.horizon_months as i32;
        let ramp_start = scenario.model.ramp_start_fraction;
        let active_share: Vec<f64> = reps
            .iter()
            .enumerate()
            .map(|(r, rep)| {
                if removed.get(r).copied().unwrap_or(false) {
                    return 0.0;
                }
                (1..=h).map(|m| productivity(rep, m, ramp_start)).sum::<f64>() / f64::from(h.max(1))
            })
            .collect();

        let mut pools: Vec<Pool> = Vec::new();
        let mut rep_pool = vec![NONE; reps.len()];
        for (r, rep) in reps.iter().enumerate() {
            if active_share[r] <= 0.0 {
                continue;
            }
            let key = key_of(rep.role.label(), &rep.region.to_string());
            let p = match pools.iter().position(|p| p.label == key) {
                Some(p) => p,
                None => {
                    pools.push(Pool { label: key, reps: Vec::new(), accounts: Vec::new() });
                    pools.len() - 1
                }
            };
            pools[p].reps.push(r as u32);
            rep_pool[r] = p as u32;
        }
        let pool: Vec<u32> = accounts
            .iter()
            .map(|a| {
                let key = key_of(a.size_band.label(), &a.region.to_string());
                pools.iter().position(|p| p.label == key).map_or(NONE, |p| p as u32)
            })
            .collect();
        for (a, &p) in pool.iter().enumerate() {
            if p != NONE {
                pools[p as usize].accounts.push(a as u32);
            }
        }

        let params = account_params(scenario, market);
        let locked = market.carved_out();
        let start: Vec<u32> = (0..n).map(|a| market.plan().owner(a).map_or(NONE, |r| r as u32)).collect();
        let mut problem = Problem {
            potential: accounts.iter().map(|a| a.potential.get()).collect(),
            locked,
            start,
            pool,
            pools,
            reps: reps
                .iter()
                .enumerate()
                .map(|(r, rep)| RepSlot {
                    pool: rep_pool[r],
                    potential_target: 0.0,
                    load_target: 0.0,
                    home: rep.home,
                    field: rep.motion == Motion::Field,
                    region: rep_region[r],
                    active_share: active_share[r],
                })
                .collect(),
            location: accounts.iter().map(|a| a.location).collect(),
            region: account_region,
            capacity: reps.iter().map(|r| r.capacity_hours).collect(),
            hours_row: Vec::new(),
            hours_table: Vec::new(),
            pool_position: Vec::new(),
            base_hours: params.iter().map(|p| p.0.hours_per_account.get()).collect(),
            visits: params.iter().map(|p| p.0.visits_per_month.get()).collect(),
            travel_per_km: params.iter().map(|p| p.0.travel_hours_per_100km.get() / 100.0).collect(),
            travel_cap: params.iter().map(|p| p.0.travel_cap_hours.get()).collect(),
            same_region_km: scenario.model.same_region_km,
            cross_region_km: scenario.model.cross_region_km,
            potential_band: spec.potential_band,
            workload_band: spec.workload_band,
            max_moves: (spec.continuity_budget * n as f64 + 1e-9).floor() as usize,
            weights: Weights::REPAIR,
        };
        problem.tabulate_hours();
        problem.set_targets();
        problem
    }

    /// Sets each rep's potential and load targets from its pool: equal potential per full-year rep, and
    /// workload in proportion to capacity at the pool's load, both pro-rated by the active share.
    fn set_targets(&mut self) {
        for p in 0..self.pools.len() {
            let pool = &self.pools[p];
            let potential: f64 = pool.accounts.iter().map(|&a| self.potential[a as usize]).sum();
            // Reference hours of an account: under its current owner when that owner is in the pool, else
            // the mean over the pool's reps.
            let hours: f64 = pool
                .accounts
                .iter()
                .map(|&a| {
                    let a = a as usize;
                    let owner = self.start[a];
                    if owner != NONE && self.reps[owner as usize].pool == p as u32 {
                        self.hours(a, owner as usize)
                    } else {
                        pool.reps.iter().map(|&r| self.hours(a, r as usize)).sum::<f64>()
                            / pool.reps.len() as f64
                    }
                })
                .sum();
            let shares: f64 = pool.reps.iter().map(|&r| self.reps[r as usize].active_share).sum();
            let capacity: f64 = pool.reps.iter().map(|&r| self.capacity_share(r as usize)).sum();
            for &r in &pool.reps.clone() {
                let r = r as usize;
                self.reps[r].potential_target = potential * self.reps[r].active_share / shares;
                self.reps[r].load_target =
                    if capacity > 0.0 { hours * self.capacity_share(r) / capacity } else { 0.0 };
            }
        }
    }

    fn capacity_share(&self, r: usize) -> f64 {
        self.reps[r].active_share * self.capacity[r]
    }

    /// Monthly hours account `a` needs from rep `r`: the segment's hours plus, for field reps, travel, looked
    /// up in a table for the reps of the account's pool (the distances cost trigonometry).
    #[inline]
    pub fn hours(&self, a: usize, r: usize) -> f64 {
        if !self.reps[r].field {
            return self.base_hours[a];
        }
        let row = self.hours_row[a];
        if row != NONE && self.reps[r].pool == self.pool[a] {
            return self.hours_table[row as usize + self.pool_position[r] as usize];
        }
        self.travel_hours(a, r)
    }

    /// Fills the table of hours by account and rep of its pool, for pools with field reps.
    fn tabulate_hours(&mut self) {
        let mut position = vec![0u32; self.reps.len()];
        for pool in &self.pools {
            for (k, &r) in pool.reps.iter().enumerate() {
                position[r as usize] = k as u32;
            }
        }
        let field: Vec<bool> =
            self.pools.iter().map(|p| p.reps.iter().any(|&r| self.reps[r as usize].field)).collect();
        let mut row = vec![NONE; self.pool.len()];
        let mut table = Vec::new();
        for (a, slot) in row.iter_mut().enumerate() {
            if self.pool[a] != NONE && field[self.pool[a] as usize] {
                *slot = table.len() as u32;
                for &r in &self.pools[self.pool[a] as usize].reps {
                    table.push(self.travel_hours(a, r as usize));
                }
            }
        }
        self.pool_position = position;
        self.hours_row = row;
        self.hours_table = table;
    }

    fn travel_hours(&self, a: usize, r: usize) -> f64 {
        let rep = &self.reps[r];
        if !rep.field {
            return self.base_hours[a];
        }
        let km = match (rep.home, self.location[a]) {
            (Some(home), Some(at)) => home.distance_km(at),
            _ if rep.region == self.region[a] => self.same_region_km,
            _ => self.cross_region_km,
        };
        self.base_hours[a] + self.visits[a] * (self.travel_per_km[a] * km).min(self.travel_cap[a])
    }

    /// Distance in km from account `a` to rep `r`'s home (0 when either is unknown, or when compactness
    /// is not priced: the search then never needs it).
    #[inline]
    pub fn distance(&self, a: usize, r: usize) -> f64 {
        if self.weights.per_1000km == 0.0 {
            return 0.0;
        }
        match (self.reps[r].home, self.location[a]) {
            (Some(home), Some(at)) => home.distance_km(at),
            _ => 0.0,
        }
    }

    /// May account `a` move (it is not carved out and has a pool)?
    #[inline]
    pub fn movable(&self, a: usize) -> bool {
        !self.locked[a] && self.pool[a] != NONE
    }

    /// The cost of rep `r` carrying `potential` and `load`.
    #[inline]
    pub fn rep_cost(&self, r: usize, potential: f64, load: f64) -> f64 {
        let slot = &self.reps[r];
        if slot.pool == NONE {
            return 0.0;
        }
        let w = &self.weights;
        let dp = ratio(potential, slot.potential_target) - 1.0;
        let dl = ratio(load, slot.load_target) - 1.0;
        let ep = (dp.abs() - self.potential_band).max(0.0);
        let el = (dl.abs() - self.workload_band).max(0.0);
        w.band_linear * (ep + el) + w.band_square * (ep * ep + el * el) + w.spread * (dp * dp + dl * dl)
    }

    /// Relative excess of rep `r` outside its bands (0 inside both).
    pub fn excess(&self, r: usize, potential: f64, load: f64) -> f64 {
        let slot = &self.reps[r];
        if slot.pool == NONE {
            return 0.0;
        }
        let dp = ratio(potential, slot.potential_target) - 1.0;
        let dl = ratio(load, slot.load_target) - 1.0;
        (dp.abs() - self.potential_band).max(0.0) + (dl.abs() - self.workload_band).max(0.0)
    }
}

fn ratio(x: f64, target: f64) -> f64 {
    if target > 0.0 {
        x / target
    } else if x > 0.0 {
        // A rep with no target should carry nothing: anything is a full unit off.
        2.0
    } else {
        1.0
    }
}
