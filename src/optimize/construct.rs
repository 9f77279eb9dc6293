//! Fast constructions of each strategy's territories, pool by pool, filled to the reps' potential targets.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::market::{GeoPoint, Market};
use crate::scenario::Strategy;

use super::problem::{NONE, Problem};
use super::units::UnitGraph;

/// A strategy's territories before local search: owners per account, and the empty units each rep claimed
/// (geographic growth) so that territories stay connected through them.
#[derive(Debug, Clone, PartialEq)]
pub struct Construction {
    /// Owner per account.
    pub owner: Vec<u32>,
    /// (rep, unit) pairs of empty units in a rep's territory.
    pub claimed: Vec<(u32, u32)>,
}

/// The current plan with every orphan (no owner, or an owner removed or gone) given to the pool's rep
/// furthest below its potential target.
pub fn current(p: &Problem) -> Vec<u32> {
    let mut owner = p.start.clone();
    let mut fill: Vec<f64> = vec![0.0; p.reps.len()];
    let mut orphans = Vec::new();
    for (a, &r) in owner.iter().enumerate() {
        // Accounts an active rep owns outside its pool are grandfathered: a move may fix them (reason
        // "eligibility"), within the budget like any other.
        let keeps = r != NONE && (p.reps[r as usize].pool != NONE || p.locked[a] || p.pool[a] == NONE);
        if keeps {
            fill[r as usize] += p.potential[a];
        } else if p.pool[a] != NONE {
            orphans.push(a);
        }
    }
    orphans.sort_by(|&x, &y| p.potential[y].total_cmp(&p.potential[x]).then(x.cmp(&y)));
    for a in orphans {
        let reps = &p.pools[p.pool[a] as usize].reps;
        let r = *reps
            .iter()
            .min_by(|&&x, &&y| {
                let fx = fill[x as usize] / p.reps[x as usize].potential_target.max(1e-9);
                let fy = fill[y as usize] / p.reps[y as usize].potential_target.max(1e-9);
                fx.total_cmp(&fy).then(x.cmp(&y))
            })
            .expect("a pool has reps");
        owner[a] = r;
        fill[r as usize] += p.potential[a];
    }
    owner
}

/// Builds `strategy`'s territories. Carve-outs keep their owner; accounts without a pool keep theirs.
pub fn construct(
    strategy: Strategy,
    p: &Problem,
    market: &Market,
    graph: Option<&UnitGraph>,
) -> Construction {
    let mut out = Construction { owner: current(p), claimed: Vec::new() };
    if strategy == Strategy::Current {
        return out;
    }
    let unit = account_units(market, graph);
    for (k, pool) in p.pools.iter().enumerate() {
        let field = pool.reps.iter().filter(|&&r| p.reps[r as usize].field).count() * 2 > pool.reps.len();
        let shape = match strategy {
            Strategy::Hybrid if field => Strategy::Geographic,
            Strategy::Hybrid => Strategy::Vertical,
            s => s,
        };
        let mut fill = Fill::new(p, k);
        let free: Vec<u32> = pool.accounts.iter().copied().filter(|&a| !p.locked[a as usize]).collect();
        for &a in &pool.accounts {
            if p.locked[a as usize] {
                fill.add(p, out.owner[a as usize], a as usize);
            }
        }
        match shape {
            Strategy::Geographic => match graph {
                Some(g) if free.iter().any(|&a| unit[a as usize] != NONE) => {
                    grow(p, market, g, &unit, &free, &mut fill, &mut out);
                }
                _ => sweep(p, market, &free, &mut fill, &mut out.owner),
            },
            Strategy::Vertical => by_vertical(p, market, &free, &mut fill, &mut out.owner),
            _ => by_size(p, market, &free, &mut fill, &mut out.owner),
        }
    }
    out
}

/// Each account's unit in `graph` (by county FIPS), or [`NONE`].
pub fn account_units(market: &Market, graph: Option<&UnitGraph>) -> Vec<u32> {
    market
        .accounts()
        .iter()
        .map(|a| graph.and_then(|g| a.county_fips.as_deref().and_then(|f| g.unit(f))).unwrap_or(NONE))
        .collect()
}

/// Potential given to each rep of a pool so far, against its target.
struct Fill {
    reps: Vec<u32>,
    potential: BTreeMap<u32, f64>,
}

impl Fill {
    fn new(p: &Problem, pool: usize) -> Fill {
        let reps = p.pools[pool].reps.clone();
        Fill { potential: reps.iter().map(|&r| (r, 0.0)).collect(), reps }
    }

    fn add(&mut self, p: &Problem, r: u32, a: usize) {
        *self.potential.entry(r).or_default() += p.potential[a];
    }

    /// Potential still to give to rep `r`.
    fn room(&self, p: &Problem, r: u32) -> f64 {
        p.reps[r as usize].potential_target - self.potential[&r]
    }

    fn ratio(&self, p: &Problem, r: u32) -> f64 {
        self.potential[&r] / p.reps[r as usize].potential_target.max(1e-9)
    }

    /// The rep with the most room among `candidates`, if any has room.
    fn roomiest(&self, p: &Problem, candidates: impl Iterator<Item = u32>) -> Option<u32> {
        candidates
            .filter(|&r| self.room(p, r) > 0.0)
            .max_by(|&x, &y| self.room(p, x).total_cmp(&self.room(p, y)).then(y.cmp(&x)))
    }

    /// The rep furthest below its target.
    fn emptiest(&self, p: &Problem) -> u32 {
        *self
            .reps
            .iter()
            .min_by(|&&x, &&y| self.ratio(p, x).total_cmp(&self.ratio(p, y)).then(x.cmp(&y)))
            .expect("a pool has reps")
    }
}

/// Sequential fill: accounts in `order` go to `reps` in turn, each until it reaches its target.
fn fill_in_order(p: &Problem, order: &[u32], reps: &[u32], fill: &mut Fill, owner: &mut [u32]) {
    let mut k = 0;
    for &a in order {
        while k + 1 < reps.len() && fill.room(p, reps[k]) <= 0.0 {
            k += 1;
        }
        owner[a as usize] = reps[k];
        fill.add(p, reps[k], a as usize);
    }
}

/// Size strategy: accounts from the largest down, the most skilled reps first.
fn by_size(p: &Problem, market: &Market, free: &[u32], fill: &mut Fill, owner: &mut [u32]) {
    let size = |a: u32| {
        let acc = &market.accounts()[a as usize];
        acc.employees.map(f64::from).or(acc.annual_revenue.map(|r| r.get() / 200_000.0)).unwrap_or(0.0)
    };
    let mut order = free.to_vec();
    order.sort_by(|&x, &y| size(y).total_cmp(&size(x)).then(x.cmp(&y)));
    let mut reps = fill.reps.clone();
    reps.sort_by(|&x, &y| {
        let sx = market.reps()[x as usize].skill;
        let sy = market.reps()[y as usize].skill;
        sy.total_cmp(&sx).then(x.cmp(&y))
    });
    fill_in_order(p, &order, &reps, fill, owner);
}

/// Vertical strategy: whole verticals, largest first, to the expert rep with the most room (any rep with
/// room when no expert has any); a vertical larger than one book continues with the next rep.
fn by_vertical(p: &Problem, market: &Market, free: &[u32], fill: &mut Fill, owner: &mut [u32]) {
    let mut verticals: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for &a in free {
        verticals.entry(market.accounts()[a as usize].vertical.as_str()).or_default().push(a);
    }
    let mut order: Vec<(f64, &str, Vec<u32>)> = verticals
        .into_iter()
        .map(|(v, mut accounts)| {
            accounts.sort_by(|&x, &y| lon(market, x).total_cmp(&lon(market, y)).then(x.cmp(&y)));
            (accounts.iter().map(|&a| p.potential[a as usize]).sum(), v, accounts)
        })
        .collect();
    order.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)));
    for (_, vertical, accounts) in order {
        let pick = |fill: &Fill| {
            let experts = fill.reps.iter().copied().filter(|&r| {
                market.reps()[r as usize].expert_verticals.iter().any(|e| e.eq_ignore_ascii_case(vertical))
            });
            fill.roomiest(p, experts)
                .or_else(|| fill.roomiest(p, fill.reps.iter().copied()))
                .unwrap_or_else(|| fill.emptiest(p))
        };
        let mut r = pick(fill);
        for a in accounts {
            if fill.room(p, r) <= 0.0 {
                r = pick(fill);
            }
            owner[a as usize] = r;
            fill.add(p, r, a as usize);
        }
    }
}

fn lon(market: &Market, a: u32) -> f64 {
    market.accounts()[a as usize].location.map_or(0.0, |g| g.lon)
}

/// Geographic strategy without a unit graph: states (or countries) along a west-to-east sweep, reps in the
/// order of their homes.
fn sweep(p: &Problem, market: &Market, free: &[u32], fill: &mut Fill, owner: &mut [u32]) {
    let mut groups: BTreeMap<(&str, &str), (f64, f64, Vec<u32>)> = BTreeMap::new();
    for &a in free {
        let acc = &market.accounts()[a as usize];
        let g = groups.entry((acc.country.as_str(), acc.state.as_str())).or_default();
        if let Some(at) = acc.location {
            g.0 += at.lon;
            g.1 += 1.0;
        }
        g.2.push(a);
    }
    let mut groups: Vec<(f64, Vec<u32>)> = groups
        .into_values()
        .map(|(sum, n, accounts)| (if n > 0.0 { sum / n } else { 0.0 }, accounts))
        .collect();
    groups.sort_by(|x, y| x.0.total_cmp(&y.0));
    let order: Vec<u32> = groups.into_iter().flat_map(|g| g.1).collect();
    let mut reps = fill.reps.clone();
    let home_lon = |r: u32| market.reps()[r as usize].home.map_or(0.0, |h| h.lon);
    reps.sort_by(|&x, &y| home_lon(x).total_cmp(&home_lon(y)).then(x.cmp(&y)));
    fill_in_order(p, &order, &reps, fill, owner);
}

/// Geographic strategy on a unit graph: each rep's territory grows from a seed unit near its home, the rep
/// furthest below target taking the unclaimed neighbouring unit nearest its seed, so every territory is
/// connected. Units the growth cannot reach go to the owner of a neighbouring unit, or, in a component
/// without a seed, to the emptiest rep. Accounts without a unit go to the nearest rep with room.
fn grow(
    p: &Problem,
    market: &Market,
    g: &UnitGraph,
    unit: &[u32],
    free: &[u32],
    fill: &mut Fill,
    out: &mut Construction,
) {
    let mut in_unit: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut loose = Vec::new();
    for &a in free {
        match unit[a as usize] {
            NONE => loose.push(a),
            u => in_unit.entry(u).or_default().push(a),
        }
    }
    let unit_at = |u: u32| g.centroid[u as usize];
    let mut owner_of = vec![NONE; g.len()];
    let assign = |u: u32, r: u32, fill: &mut Fill, owner_of: &mut Vec<u32>, out: &mut Construction| {
        owner_of[u as usize] = r;
        match in_unit.get(&u) {
            Some(accounts) => {
                for &a in accounts {
                    out.owner[a as usize] = r;
                    fill.add(p, r, a as usize);
                }
            }
            None => out.claimed.push((r, u)),
        }
    };
    // Seeds: the unit with accounts nearest the rep's home, else the heaviest unit of its current book.
    let reps = fill.reps.clone();
    let mut seeds: Vec<(u32, u32)> = Vec::new();
    for &r in &reps {
        let home = market.reps()[r as usize].home;
        let candidates = in_unit.keys().copied().filter(|&u| owner_of[u as usize] == NONE);
        let seed = match home {
            Some(h) => candidates.min_by(|&x, &y| dist(h, unit_at(x)).total_cmp(&dist(h, unit_at(y)))),
            None => candidates.max_by(|&x, &y| {
                let w = |u: u32| {
                    in_unit[&u]
                        .iter()
                        .filter(|&&a| p.start[a as usize] == r)
                        .map(|&a| p.potential[a as usize])
                        .sum::<f64>()
                };
                w(x).total_cmp(&w(y)).then(y.cmp(&x))
            }),
        };
        if let Some(u) = seed {
            assign(u, r, fill, &mut owner_of, out);
            seeds.push((r, u));
        }
    }
    // Balanced regions: a multi-source shortest-path partition of the graph from the seeds, each seed with
    // an offset. Every unit joins the seed nearest after offsets, through units of the same region, so every
    // region is connected; the offsets are tuned until potential matches the reps' room.
    let unit_potential: Vec<f64> = (0..g.len() as u32)
        .map(|u| in_unit.get(&u).map_or(0.0, |accs| accs.iter().map(|&a| p.potential[a as usize]).sum()))
        .collect();
    let room: Vec<f64> =
        seeds.iter().map(|&(r, u)| (fill.room(p, r) + unit_potential[u as usize]).max(1.0)).collect();
    let mut offsets = vec![0.0f64; seeds.len()];
    let mut best: Option<(f64, Vec<u32>)> = None;
    let mut step = 200.0;
    for _ in 0..200 {
        let region = regions(g, &seeds, &offsets);
        let mut carried = vec![0.0; seeds.len()];
        for (u, &k) in region.iter().enumerate() {
            if k != NONE {
                carried[k as usize] += unit_potential[u];
            }
        }
        let ratio: Vec<f64> = carried.iter().zip(&room).map(|(c, r)| (c / r).max(1e-3)).collect();
        let worst = ratio.iter().map(|x| (x - 1.0).powi(2)).sum::<f64>();
        if best.as_ref().is_none_or(|b| worst < b.0) {
            best = Some((worst, region));
        }
        if worst < 1e-4 {
            break;
        }
        for (o, x) in offsets.iter_mut().zip(&ratio) {
            *o += step * x.ln();
        }
        step *= 0.98;
    }
    if let Some((_, region)) = best {
        for (u, &k) in region.iter().enumerate() {
            let u = u as u32;
            if k != NONE && owner_of[u as usize] == NONE {
                assign(u, seeds[k as usize].0, fill, &mut owner_of, out);
            }
        }
    }
    // Components without a seed: whole, to the emptiest rep, in breadth-first order.
    let comp = g.components();
    let mut done_comp = vec![false; g.len()];
    for &(_, u) in &seeds {
        done_comp[comp[u as usize] as usize] = true;
    }
    for u in 0..g.len() as u32 {
        let c = comp[u as usize] as usize;
        if owner_of[u as usize] != NONE || done_comp[c] {
            continue;
        }
        done_comp[c] = true;
        let r = fill.emptiest(p);
        let mut stack = vec![u];
        while let Some(x) = stack.pop() {
            if owner_of[x as usize] != NONE {
                continue;
            }
            assign(x, r, fill, &mut owner_of, out);
            stack.extend(g.neighbors[x as usize].iter().copied().filter(|&v| owner_of[v as usize] == NONE));
        }
    }
    // Accounts without a unit: the nearest rep with room, else the emptiest.
    loose.sort_by(|&x, &y| p.potential[y as usize].total_cmp(&p.potential[x as usize]).then(x.cmp(&y)));
    for a in loose {
        let with_room: Vec<u32> = reps.iter().copied().filter(|&r| fill.room(p, r) > 0.0).collect();
        let r = with_room
            .iter()
            .copied()
            .min_by(|&x, &y| {
                p.distance(a as usize, x as usize).total_cmp(&p.distance(a as usize, y as usize))
            })
            .unwrap_or_else(|| fill.emptiest(p));
        out.owner[a as usize] = r;
        fill.add(p, r, a as usize);
    }
}

/// The seed (index into `seeds`) each unit joins: a multi-source Dijkstra over centroid distances in km,
/// each seed starting at its offset. Units unreachable from every seed get [`NONE`].
fn regions(g: &UnitGraph, seeds: &[(u32, u32)], offsets: &[f64]) -> Vec<u32> {
    const BASE_M: f64 = 1e9;
    let mut region = vec![NONE; g.len()];
    let mut heap: BinaryHeap<Reverse<(u64, u32, u32)>> = BinaryHeap::new();
    for (k, &(_, u)) in seeds.iter().enumerate() {
        heap.push(Reverse(((BASE_M + offsets[k] * 1000.0).max(0.0) as u64, u, k as u32)));
    }
    while let Some(Reverse((d, u, k))) = heap.pop() {
        if region[u as usize] != NONE {
            continue;
        }
        region[u as usize] = k;
        for &v in &g.neighbors[u as usize] {
            if region[v as usize] == NONE {
                let step = match (g.centroid[u as usize], g.centroid[v as usize]) {
                    (Some(a), Some(b)) => (a.distance_km(b) * 1000.0) as u64,
                    _ => 50_000,
                };
                heap.push(Reverse((d + step.max(1), v, k)));
            }
        }
    }
    region
}

fn dist(a: GeoPoint, b: Option<GeoPoint>) -> f64 {
    b.map_or(f64::MAX, |b| a.distance_km(b))
}
