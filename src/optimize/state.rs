//! A plan under search: owners, per-rep sums, and O(item size) deltas for moves and swaps.

use super::problem::{NONE, Problem};

/// Groups of accounts that move together (today single accounts; unit moves are made of account moves),
/// stored as compressed rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Items {
    offsets: Vec<u32>,
    members: Vec<u32>,
    /// Pool of each item.
    pub pool: Vec<u32>,
}

impl Items {
    /// One item per movable account.
    pub fn singletons(p: &Problem) -> Items {
        let accounts: Vec<u32> = (0..p.potential.len() as u32).filter(|&a| p.movable(a as usize)).collect();
        Items {
            offsets: (0..=accounts.len() as u32).collect(),
            pool: accounts.iter().map(|&a| p.pool[a as usize]).collect(),
            members: accounts,
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.pool.len()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.pool.is_empty()
    }

    /// The accounts of item `i`.
    #[inline]
    pub fn accounts(&self, i: usize) -> &[u32] {
        &self.members[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// The change a move or swap would make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    /// Change of the surrogate cost.
    pub cost: f64,
    /// Change of the number of accounts whose owner differs from the current plan.
    pub moves: i64,
}

/// Owners and the running sums the cost needs.
#[derive(Debug, Clone)]
pub struct State<'p> {
    /// The problem.
    pub p: &'p Problem,
    /// Owner per account, or [`NONE`].
    pub owner: Vec<u32>,
    /// Potential per rep.
    pub potential: Vec<f64>,
    /// Workload hours per rep.
    pub load: Vec<f64>,
    /// Accounts whose owner differs from the current plan.
    pub moves: usize,
    /// Sum of account-to-owner distances, km.
    pub distance: f64,
}

impl<'p> State<'p> {
    /// A state from owners per account.
    pub fn new(p: &'p Problem, owner: Vec<u32>) -> State<'p> {
        let mut s = State {
            p,
            potential: vec![0.0; p.reps.len()],
            load: vec![0.0; p.reps.len()],
            moves: 0,
            distance: 0.0,
            owner,
        };
        for a in 0..s.owner.len() {
            let r = s.owner[a];
            if r != s.p.start[a] {
                s.moves += 1;
            }
            if r != NONE {
                s.potential[r as usize] += p.potential[a];
                s.load[r as usize] += p.hours(a, r as usize);
                s.distance += p.distance(a, r as usize);
            }
        }
        s
    }

    /// The full surrogate cost (for checks; the search uses deltas).
    pub fn cost(&self) -> f64 {
        let w = &self.p.weights;
        (0..self.p.reps.len()).map(|r| self.p.rep_cost(r, self.potential[r], self.load[r])).sum::<f64>()
            + w.per_move * self.moves as f64
            + w.per_1000km * self.distance / 1000.0
    }

    /// Relative excess of rep `r` outside its bands.
    pub fn excess(&self, r: usize) -> f64 {
        self.p.excess(r, self.potential[r], self.load[r])
    }

    /// Owner of item `i` (the owner of its first account; items move whole).
    #[inline]
    pub fn item_owner(&self, items: &Items, i: usize) -> u32 {
        items.accounts(i).first().map_or(NONE, |&a| self.owner[a as usize])
    }

    fn pair_cost(&self, r: u32, dp_r: f64, dl_r: f64, s: u32, dp_s: f64, dl_s: f64) -> f64 {
        let p = self.p;
        let mut c = 0.0;
        if r != NONE {
            let r = r as usize;
            c += p.rep_cost(r, self.potential[r] + dp_r, self.load[r] + dl_r)
                - p.rep_cost(r, self.potential[r], self.load[r]);
        }
        if s != NONE {
            let s = s as usize;
            c += p.rep_cost(s, self.potential[s] + dp_s, self.load[s] + dl_s)
                - p.rep_cost(s, self.potential[s], self.load[s]);
        }
        c
    }

    /// What moving item `i` to rep `s` would change.
    pub fn move_delta(&self, items: &Items, i: usize, s: u32) -> Delta {
        let r = self.item_owner(items, i);
        if r == s {
            return Delta { cost: 0.0, moves: 0 };
        }
        let p = self.p;
        let (mut pot, mut dl_r, mut dl_s, mut moves, mut dist) = (0.0, 0.0, 0.0, 0i64, 0.0);
        for &a in items.accounts(i) {
            let a = a as usize;
            pot += p.potential[a];
            if r != NONE {
                dl_r += p.hours(a, r as usize);
                dist -= p.distance(a, r as usize);
            }
            dl_s += p.hours(a, s as usize);
            dist += p.distance(a, s as usize);
            moves += i64::from(p.start[a] == r) - i64::from(p.start[a] == s);
        }
        let w = &p.weights;
        Delta {
            cost: self.pair_cost(r, -pot, -dl_r, s, pot, dl_s)
                + w.per_move * moves as f64
                + w.per_1000km * dist / 1000.0,
            moves,
        }
    }

    /// Moves item `i` to rep `s`.
    pub fn apply_move(&mut self, items: &Items, i: usize, s: u32) {
        let r = self.item_owner(items, i);
        if r == s {
            return;
        }
        for &a in items.accounts(i) {
            let a = a as usize;
            self.reassign(a, s);
        }
        debug_assert!(r != NONE || s != NONE);
    }

    /// Gives account `a` to `s`, updating the sums.
    pub fn reassign(&mut self, a: usize, s: u32) {
        let p = self.p;
        let r = self.owner[a];
        if r == s {
            return;
        }
        if r != NONE {
            self.potential[r as usize] -= p.potential[a];
            self.load[r as usize] -= p.hours(a, r as usize);
            self.distance -= p.distance(a, r as usize);
        }
        if s != NONE {
            self.potential[s as usize] += p.potential[a];
            self.load[s as usize] += p.hours(a, s as usize);
            self.distance += p.distance(a, s as usize);
        }
        let was_moved = r != p.start[a];
        let now_moved = s != p.start[a];
        match (was_moved, now_moved) {
            (false, true) => self.moves += 1,
            (true, false) => self.moves -= 1,
            _ => {}
        }
        self.owner[a] = s;
    }

    /// What swapping the owners of items `i` and `j` would change.
    pub fn swap_delta(&self, items: &Items, i: usize, j: usize) -> Delta {
        let r = self.item_owner(items, i);
        let s = self.item_owner(items, j);
        if r == s || r == NONE || s == NONE {
            return Delta { cost: f64::INFINITY, moves: 0 };
        }
        let p = self.p;
        let (ru, su) = (r as usize, s as usize);
        let (mut dp, mut dl_r, mut dl_s, mut moves, mut dist) = (0.0, 0.0, 0.0, 0i64, 0.0);
        for &a in items.accounts(i) {
            let a = a as usize;
            dp -= p.potential[a];
            dl_r -= p.hours(a, ru);
            dl_s += p.hours(a, su);
            dist += p.distance(a, su) - p.distance(a, ru);
            moves += i64::from(p.start[a] == r) - i64::from(p.start[a] == s);
        }
        for &b in items.accounts(j) {
            let b = b as usize;
            dp += p.potential[b];
            dl_r += p.hours(b, ru);
            dl_s -= p.hours(b, su);
            dist += p.distance(b, ru) - p.distance(b, su);
            moves += i64::from(p.start[b] == s) - i64::from(p.start[b] == r);
        }
        let w = &p.weights;
        Delta {
            cost: self.pair_cost(r, dp, dl_r, s, -dp, dl_s)
                + w.per_move * moves as f64
                + w.per_1000km * dist / 1000.0,
            moves,
        }
    }

    /// What moving each item of `moves` to its rep would change, together (for ejection chains: a cycle of
    /// three items among three reps keeps every rep's account count). Items must be distinct.
    pub fn chain_delta(&self, items: &Items, moves: &[(usize, u32)]) -> Delta {
        let p = self.p;
        // (rep, potential change, load change), at most two entries per move.
        let mut reps: [(u32, f64, f64); 6] = [(NONE, 0.0, 0.0); 6];
        let mut n = 0;
        let mut bump = |r: u32, dp: f64, dl: f64| {
            if r == NONE {
                return;
            }
            match reps[..n].iter_mut().find(|e| e.0 == r) {
                Some(e) => {
                    e.1 += dp;
                    e.2 += dl;
                }
                None => {
                    reps[n] = (r, dp, dl);
                    n += 1;
                }
            }
        };
        let (mut moved, mut dist) = (0i64, 0.0);
        for &(i, s) in moves {
            let r = self.item_owner(items, i);
            for &a in items.accounts(i) {
                let a = a as usize;
                if r != NONE {
                    bump(r, -p.potential[a], -p.hours(a, r as usize));
                    dist -= p.distance(a, r as usize);
                }
                bump(s, p.potential[a], p.hours(a, s as usize));
                dist += p.distance(a, s as usize);
                moved += i64::from(p.start[a] == r) - i64::from(p.start[a] == s);
            }
        }
        let mut cost = 0.0;
        for &(r, dp, dl) in &reps[..n] {
            let r = r as usize;
            cost += p.rep_cost(r, self.potential[r] + dp, self.load[r] + dl)
                - p.rep_cost(r, self.potential[r], self.load[r]);
        }
        let w = &p.weights;
        Delta { cost: cost + w.per_move * moved as f64 + w.per_1000km * dist / 1000.0, moves: moved }
    }

    /// Swaps the owners of items `i` and `j`.
    pub fn apply_swap(&mut self, items: &Items, i: usize, j: usize) {
        let r = self.item_owner(items, i);
        let s = self.item_owner(items, j);
        self.apply_move(items, i, s);
        self.apply_move(items, j, r);
    }
}
