//! One trial: one possible year, month by month.
//!
//! The trial is event-driven. Each month it finds every rep's covered prefix with one search of a Fenwick
//! tree of the book's prospecting hours (an account's hours count only while it is in the demand pool, and
//! it leaves or rejoins the pool only when an opportunity opens or closes), and it looks only at the demand
//! clocks that can have run out: a clock that needs a hazard of `T` and gains at most `h` a month cannot
//! fire in fewer than `T / h` months, so it is next looked at then. Looking at a clock adds up its hazard
//! month by month since it was last looked at, in the same order and precision as a pass over every
//! account every month would, so the result is the same to the bit (`reference.rs` keeps that pass as a
//! test oracle).

use rand_distr::{Beta, Distribution, Exp1};

use super::model::{Model, NO_OWNER, fenwick_build};
use super::rng::{Purpose, Stream, TrialKey, inverse_normal_cdf};

/// An infinite threshold means the account is not in the demand pool (an opportunity is open, or it is a
/// customer).
const OUT_OF_POOL: f32 = f32::INFINITY;

/// Draws per opportunity in the account's deal stream.
const DEAL_DRAWS: u64 = 4;

/// Relative slack on the bound of a clock's f32 hazard sum. A sum of `j` non-negative f32 terms, each
/// rounded to nearest, is at most the exact sum times `(1 + 2⁻²⁴)^j`, below `1 + 7.2·10⁻⁶` for the
/// schema's longest horizon (120 months); the slack is ten times that, and also covers the f64 rounding of
/// the bound itself.
const SUM_SLACK: f64 = 1e-4;

/// What one trial produced.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialOutcome {
    /// Bookings per rep.
    pub bookings: Vec<f64>,
    /// Bookings per rep per month, rep-major (`rep * horizon + month`).
    pub monthly: Vec<f64>,
    /// Opportunities opened per rep.
    pub opportunities: Vec<u32>,
    /// Wins per rep.
    pub wins: Vec<u32>,
    /// Mean accounts covered per month, per rep.
    pub covered: Vec<f64>,
    /// Bookings on accounts with no owner at close (inbound on unowned or held books).
    pub house_bookings: f64,
    /// Pipeline created (value of opportunities opened) per pipeline segment.
    pub pipeline: Vec<f64>,
    /// Share of (target account, quarter) pairs in which the account was covered at least once.
    pub coverage_rate: f64,
    /// The trial's market factor.
    pub market_factor: f64,
}

impl TrialOutcome {
    /// Bookings of the whole team, house included.
    pub fn team_bookings(&self) -> f64 {
        self.bookings.iter().sum::<f64>() + self.house_bookings
    }
}

/// What happened to an opportunity in a logged trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OppEventKind {
    /// Opened by demand (covered or inbound).
    Opened,
    /// Closed won.
    Won,
    /// Closed lost (including lost in a handoff).
    Lost,
}

/// One opportunity event of a logged trial. An account has at most one open opportunity at a time, so its
/// events pair up in order: each `Opened` is followed by its `Won` or `Lost` (or by nothing when the deal is
/// still open at the end of the horizon). A `Won`/`Lost` without an `Opened` before it is a carry-in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OppEvent {
    /// Opened, won or lost.
    pub kind: OppEventKind,
    /// The account's index in the market.
    pub account: u32,
    /// Month (0-based) of the event: the month the opportunity opened, or the month its close was booked.
    pub month: u16,
    /// The owner at the event (rep index of the model), or [`NO_OWNER`].
    pub owner: u32,
    /// Deal value.
    pub value: f64,
}

/// What a logged trial records for calibration and backtests.
#[derive(Debug, Clone, Default)]
pub struct TrialLog {
    /// Opportunity events in the order they happened.
    pub events: Vec<OppEvent>,
    /// Per account (market index): months spent in the demand pool while covered.
    pub pool_covered: Vec<u16>,
    /// Per account (market index): months spent in the demand pool while uncovered (inbound only).
    pub pool_uncovered: Vec<u16>,
}

#[derive(Debug, Clone, Copy)]
struct Closing {
    account: u32,
    value: f64,
    win_draw: f64,
    handoff_lost: bool,
}

/// A demand clock to look at: the account and the number of its clocks drawn so far, which tells whether
/// the entry is still the clock's (a clock that was disarmed and armed again leaves stale entries).
#[derive(Debug, Clone, Copy)]
struct Due {
    account: u32,
    clock: u32,
}

/// Per-thread working memory, reused across trials.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Each account's hazard since its clock was armed, added up through month `since - 1`.
    hazard: Vec<f32>,
    since: Vec<u16>,
    /// The clock's threshold, or [`OUT_OF_POOL`].
    threshold: Vec<f32>,
    demand_draws: Vec<u32>,
    deal_count: Vec<u32>,
    /// Per month, the clocks to look at.
    due: Vec<Vec<Due>>,
    /// Accounts whose clock ran out this month, as sort keys (owner, position in the book).
    fired: Vec<u64>,
    /// The prospecting hours of the books of the current epoch's books, as Fenwick trees (see
    /// [`super::model::Epoch::pool_hours`]).
    pool_hours: Vec<i64>,
    epoch: usize,
    /// Covered prefix of each rep's book by month, month-major.
    cuts: Vec<u32>,
    /// Marks of accounts counted in the current quarter, for quarters that span two epochs.
    stamp: Vec<u32>,
    stamp_now: u32,
    quarters_tallied: u64,
    opp_hours: Vec<f64>,
    closings: Vec<Vec<Closing>>,
    win_rate: Vec<f64>,
}

struct Trial<'m, 'l> {
    model: &'m Model,
    key: TrialKey,
    market_factor: f64,
    inverse_market_factor: f64,
    out: TrialOutcome,
    log: Option<&'l mut TrialLog>,
}

/// Runs trial `trial` of `model`.
pub fn run_trial(model: &Model, trial: u64, scratch: &mut Scratch) -> TrialOutcome {
    run(model, trial, scratch, None)
}

/// Runs trial `trial` of `model` and records every opportunity event and each account's months in the
/// demand pool into `log` (cleared first). The outcome is identical to [`run_trial`]'s.
pub fn run_trial_logged(
    model: &Model,
    trial: u64,
    scratch: &mut Scratch,
    log: &mut TrialLog,
) -> TrialOutcome {
    log.events.clear();
    reset(&mut log.pool_covered, model.accounts.len(), 0);
    reset(&mut log.pool_uncovered, model.accounts.len(), 0);
    run(model, trial, scratch, Some(log))
}

fn run(model: &Model, trial: u64, scratch: &mut Scratch, log: Option<&mut TrialLog>) -> TrialOutcome {
    let n = model.accounts.len();
    let n_reps = model.reps.len();
    let h = model.horizon;
    let key = TrialKey::new(model.seed, trial);
    let params = key.stream(0, Purpose::Parameters);
    let sigma = model.market_factor_sigma;
    let market_factor = (sigma * params.normal(0) - 0.5 * sigma * sigma).exp();

    scratch.win_rate.clear();
    for (w, draw) in model.win_draws.iter().enumerate() {
        let mut rng = key.stream(1 + w as u64, Purpose::Parameters).rng(0);
        let rate = Beta::new(draw.alpha, draw.beta)
            .map_or(draw.alpha / (draw.alpha + draw.beta), |b| b.sample(&mut rng));
        scratch.win_rate.push(rate);
    }

    // Every slot of these is written before it is read (`arm` or the loop below).
    scratch.hazard.resize(n, 0.0);
    scratch.since.resize(n, 0);
    scratch.threshold.resize(n, OUT_OF_POOL);
    scratch.demand_draws.resize(n, 0);
    scratch.deal_count.resize(n, 0);
    if scratch.stamp.len() != n {
        reset(&mut scratch.stamp, n, 0);
        scratch.stamp_now = 0;
    }
    scratch.quarters_tallied = 0;
    reset(&mut scratch.opp_hours, n_reps * h, 0.0);
    reset(&mut scratch.cuts, n_reps * h, 0);
    scratch.closings.resize_with(h, Vec::new);
    scratch.closings.iter_mut().for_each(Vec::clear);
    scratch.due.resize_with(h, Vec::new);
    scratch.due.iter_mut().for_each(Vec::clear);
    scratch.fired.clear();
    scratch.epoch = 0;
    scratch.pool_hours.clear();
    if let Some(first) = model.epochs.first() {
        scratch.pool_hours.extend_from_slice(&first.pool_hours);
    }

    let mut t = Trial {
        model,
        key,
        market_factor,
        inverse_market_factor: 1.0 / market_factor,
        out: TrialOutcome {
            bookings: vec![0.0; n_reps],
            monthly: vec![0.0; n_reps * h],
            opportunities: vec![0; n_reps],
            wins: vec![0; n_reps],
            covered: vec![0.0; n_reps],
            house_bookings: 0.0,
            pipeline: vec![0.0; model.pipeline_segments.len()],
            coverage_rate: 0.0,
            market_factor,
        },
        log,
    };

    // The first epoch's trees start with every account that is not a customer in the pool, as armed here.
    for a in 0..n {
        scratch.deal_count[a] = 0;
        scratch.demand_draws[a] = 0;
        if model.accounts.customer[a] {
            scratch.threshold[a] = OUT_OF_POOL;
        } else {
            t.draw_clock(scratch, a, 0);
        }
    }
    for c in &model.carry_in {
        t.carry_in(scratch, c);
    }

    for month in 0..h {
        if model.epoch_of_month[month] != scratch.epoch {
            enter_epoch(model, scratch, model.epoch_of_month[month]);
        }
        let closings = std::mem::take(&mut scratch.closings[month]);
        for c in &closings {
            t.close(scratch, month, c);
        }
        scratch.closings[month] = closings;
        t.work_month(scratch, month);
        if month % 3 == 2 || month + 1 == h {
            tally_quarter(model, scratch, month);
        }
    }

    let targets = model.accounts.target.iter().filter(|&&x| x).count();
    if targets > 0 {
        t.out.coverage_rate = scratch.quarters_tallied as f64 / (targets * model.quarters()) as f64;
    }
    for c in &mut t.out.covered {
        *c /= h as f64;
    }
    t.out
}

/// Rebuilds the trees of pool hours for the books of epoch `e` from the accounts' pool membership.
fn enter_epoch(model: &Model, s: &mut Scratch, e: usize) {
    let epoch = &model.epochs[e];
    s.epoch = e;
    s.pool_hours.clear();
    for book in &epoch.books {
        let start = s.pool_hours.len();
        s.pool_hours.extend(book.iter().map(|entry| {
            if s.threshold[entry.account as usize] == OUT_OF_POOL { 0 } else { i64::from(entry.milli_hours) }
        }));
        fenwick_build(&mut s.pool_hours[start..]);
    }
}

/// Adds the (target account, quarter) pairs covered in the quarter that ends with `month`: an account is
/// covered in a quarter when its position in its owner's book was inside the covered prefix in one of the
/// quarter's months.
fn tally_quarter(model: &Model, s: &mut Scratch, month: usize) {
    let n_reps = model.reps.len();
    let first = month - month % 3;
    let e = model.epoch_of_month[first];
    if model.epoch_of_month[month] == e {
        let epoch = &model.epochs[e];
        for (r, before) in epoch.targets_before.iter().enumerate() {
            let widest = (first..=month).map(|m| s.cuts[m * n_reps + r]).max().unwrap_or(0);
            s.quarters_tallied += u64::from(before[widest as usize]);
        }
        return;
    }
    // The quarter spans two epochs: mark the covered accounts one by one.
    if s.stamp_now == u32::MAX {
        s.stamp.iter_mut().for_each(|x| *x = 0);
        s.stamp_now = 0;
    }
    s.stamp_now += 1;
    let target = &model.accounts.target;
    for m in first..=month {
        let epoch = &model.epochs[model.epoch_of_month[m]];
        for (r, book) in epoch.books.iter().enumerate() {
            for entry in &book[..s.cuts[m * n_reps + r] as usize] {
                let a = entry.account as usize;
                if target[a] && s.stamp[a] != s.stamp_now {
                    s.stamp[a] = s.stamp_now;
                    s.quarters_tallied += 1;
                }
            }
        }
    }
}

fn reset<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

/// The covered prefix of a book: accounts in priority order while the month's prospecting hours last,
/// stopping at the first that does not fit. Accounts out of the pool need no prospecting hours. `tree` is
/// the book's Fenwick tree of pool hours (milli-hours); the prefix is the longest whose hours fit.
#[inline]
fn covered_prefix(tree: &[i64], budget_hours: f64) -> usize {
    let mut budget = (budget_hours * 1000.0).max(0.0) as i64;
    let n = tree.len();
    if n == 0 {
        return 0;
    }
    let mut pos = 0;
    let mut step = 1usize << (usize::BITS - 1 - n.leading_zeros());
    while step > 0 {
        let next = pos + step;
        if next <= n && tree[next - 1] <= budget {
            pos = next;
            budget -= tree[next - 1];
        }
        step >>= 1;
    }
    pos
}

impl Trial<'_, '_> {
    fn demand(&self, a: usize) -> Stream {
        self.key.stream(u64::from(self.model.accounts.market_index[a]), Purpose::Demand)
    }

    /// Draws the account's next demand clock: it opens an opportunity when its accumulated hazard passes an
    /// exponential threshold. The market factor scales every hazard, so it divides the threshold instead.
    /// The clock starts counting in `month`.
    fn draw_clock(&self, s: &mut Scratch, a: usize, month: usize) {
        let draw: f64 = Exp1.sample(&mut self.demand(a).rng(u64::from(s.demand_draws[a])));
        s.demand_draws[a] += 1;
        s.hazard[a] = 0.0;
        s.since[a] = month as u16;
        s.threshold[a] = (draw * self.inverse_market_factor) as f32;
        self.schedule(s, a);
    }

    /// Arms the account's demand clock from `month` on, returning it to the pool.
    fn arm(&self, s: &mut Scratch, a: usize, month: usize) {
        if s.threshold[a] == OUT_OF_POOL {
            self.pool_change(s, a, 1);
        }
        self.draw_clock(s, a, month);
    }

    /// Adds (`sign` 1) or removes (`sign` −1) the account's prospecting hours in its owner's tree.
    fn pool_change(&self, s: &mut Scratch, a: usize, sign: i64) {
        let epoch = &self.model.epochs[s.epoch];
        let r = epoch.owner[a];
        if r == NO_OWNER {
            return;
        }
        let book = &epoch.books[r as usize];
        let start = epoch.book_start[r as usize];
        let tree = &mut s.pool_hours[start..start + book.len()];
        let mut i = epoch.position[a] as usize;
        let w = sign * i64::from(book[i].milli_hours);
        while i < tree.len() {
            tree[i] += w;
            i |= i + 1;
        }
    }

    /// Puts the clock on the list of the first month in which its hazard can reach its threshold, gaining
    /// at most the larger of its two monthly hazards a month (none when that is past the horizon).
    #[inline]
    fn schedule(&self, s: &mut Scratch, a: usize) {
        let acc = &self.model.accounts;
        let most = f64::from(acc.hazard_covered[a].max(acc.hazard_inbound[a]));
        let need = f64::from(s.threshold[a]) * (1.0 - SUM_SLACK) - f64::from(s.hazard[a]);
        let first = usize::from(s.since[a]);
        let left = self.model.horizon - first;
        let month = if need <= 0.0 {
            first
        } else {
            let months = (need / most).ceil().max(1.0);
            if !(months <= left as f64) {
                return;
            }
            first + months as usize - 1
        };
        if month < self.model.horizon {
            s.due[month].push(Due { account: a as u32, clock: s.demand_draws[a] });
        }
    }

    fn work_month(&mut self, s: &mut Scratch, month: usize) {
        let model = self.model;
        let h = model.horizon;
        let n_reps = model.reps.len();
        let epoch = &model.epochs[model.epoch_of_month[month]];
        let key = self.key;
        let availability = move |r: usize| -> f64 {
            if model.availability_sd == 0.0 {
                return model.availability_mean;
            }
            let z = key.stream(r as u64, Purpose::Availability).normal(month as u64);
            (model.availability_mean + model.availability_sd * z).clamp(0.0, 1.0)
        };
        let accounts = &model.accounts;
        for (r, book) in epoch.books.iter().enumerate() {
            let capacity = model.reps[r].capacity[month];
            let budget =
                if capacity > 0.0 { capacity * availability(r) - s.opp_hours[r * h + month] } else { 0.0 };
            // Every account before the cut is covered: those in the pool got their hours, the others are
            // being worked through an open opportunity.
            let start = epoch.book_start[r];
            let cut = covered_prefix(&s.pool_hours[start..start + book.len()], budget);
            s.cuts[month * n_reps + r] = cut as u32;
            self.out.covered[r] += cut as f64;
            if let Some(log) = self.log.as_deref_mut() {
                for (i, entry) in book.iter().enumerate() {
                    let a = entry.account as usize;
                    if s.threshold[a] != OUT_OF_POOL {
                        let m = accounts.market_index[a] as usize;
                        let slot =
                            if i < cut { &mut log.pool_covered[m] } else { &mut log.pool_uncovered[m] };
                        *slot += 1;
                    }
                }
            }
        }
        if let Some(log) = self.log.as_deref_mut() {
            for entry in &epoch.unowned {
                let a = entry.account as usize;
                if s.threshold[a] != OUT_OF_POOL {
                    log.pool_uncovered[accounts.market_index[a] as usize] += 1;
                }
            }
        }

        // The clocks that may have run out. Reps open their accounts' opportunities in rep order and book
        // order, then the unowned accounts in model order, as a pass over every book would.
        let due = std::mem::take(&mut s.due[month]);
        for d in &due {
            let a = d.account as usize;
            if s.threshold[a] == OUT_OF_POOL || s.demand_draws[a] != d.clock {
                continue;
            }
            let hazard = self.hazard_through(s, a, month);
            s.hazard[a] = hazard;
            s.since[a] = (month + 1) as u16;
            if hazard >= s.threshold[a] {
                let owner = epoch.owner[a];
                let at = if owner == NO_OWNER { a as u32 } else { epoch.position[a] };
                s.fired.push(u64::from(owner) << 32 | u64::from(at));
            } else {
                self.schedule(s, a);
            }
        }
        let mut due = due;
        due.clear();
        s.due[month] = due;

        let mut fired = std::mem::take(&mut s.fired);
        fired.sort_unstable();
        for &k in &fired {
            let owner = (k >> 32) as u32;
            let at = k as u32;
            let a = if owner == NO_OWNER { at } else { epoch.books[owner as usize][at as usize].account };
            self.open(s, a as usize, month, owner);
        }
        fired.clear();
        s.fired = fired;
    }

    /// The account's hazard through `month`: what it had, plus each month since, the covered hazard in the
    /// months its position was inside its owner's covered prefix and the inbound hazard in the others.
    #[inline]
    fn hazard_through(&self, s: &Scratch, a: usize, month: usize) -> f32 {
        let model = self.model;
        let n_reps = model.reps.len();
        let covered = model.accounts.hazard_covered[a];
        let inbound = model.accounts.hazard_inbound[a];
        let mut hazard = s.hazard[a];
        let from = usize::from(s.since[a]);
        if let [epoch] = model.epochs.as_slice() {
            let owner = epoch.owner[a];
            if owner == NO_OWNER {
                for _ in from..=month {
                    hazard += inbound;
                }
            } else {
                let pos = epoch.position[a];
                for m in from..=month {
                    hazard += if pos < s.cuts[m * n_reps + owner as usize] { covered } else { inbound };
                }
            }
            return hazard;
        }
        for m in from..=month {
            let epoch = &model.epochs[model.epoch_of_month[m]];
            let owner = epoch.owner[a];
            let inside = owner != NO_OWNER && epoch.position[a] < s.cuts[m * n_reps + owner as usize];
            hazard += if inside { covered } else { inbound };
        }
        hazard
    }

    // Kept out of line so that the monthly pass keeps its state in registers.
    #[cold]
    #[inline(never)]
    fn open(&mut self, s: &mut Scratch, a: usize, month: usize, owner: u32) {
        let model = self.model;
        let acc = &model.accounts;
        let seg = &model.segments[usize::from(acc.segment[a])];
        self.pool_change(s, a, -1);
        s.threshold[a] = OUT_OF_POOL;
        let k = u64::from(s.deal_count[a]) * DEAL_DRAWS;
        s.deal_count[a] += 1;
        let deal = self.key.stream(u64::from(acc.market_index[a]), Purpose::Deal);
        let (z_cycle, z_value) = deal.normal_pair(k / 2);
        let cycle = (seg.cycle_mu + seg.cycle_sigma * z_cycle).exp().round().max(1.0) as usize;
        let sd = seg.deal_sigma;
        let value = acc.potential[a] * (sd * z_value - 0.5 * sd * sd).exp() * model.deal_multiplier;
        let win_draw = deal.uniform(k + 2);
        let handoff_draw = deal.uniform(k + 3);

        if owner != NO_OWNER {
            self.out.opportunities[owner as usize] += 1;
        }
        self.record(OppEventKind::Opened, a, month, owner, value);
        self.out.pipeline[usize::from(acc.pipeline_segment[a])] += value;

        let close = month + cycle;
        let h = model.horizon;
        let mut current = owner;
        for t in month + 1..=close.min(h - 1) {
            let next = model.epochs[model.epoch_of_month[t]].owner[a];
            let handed_off = next != current && current != NO_OWNER && departed_before(model, current, t);
            if handed_off && handoff_draw < seg.handoff_loss {
                s.closings[t].push(Closing { account: a as u32, value, win_draw, handoff_lost: true });
                return;
            }
            current = next;
            if current != NO_OWNER && t < close {
                s.opp_hours[current as usize * h + t] += seg.hours_per_open_opp;
            }
        }
        if close < h {
            s.closings[close].push(Closing { account: a as u32, value, win_draw, handoff_lost: false });
        }
    }

    fn close(&mut self, s: &mut Scratch, month: usize, c: &Closing) {
        let model = self.model;
        let a = c.account as usize;
        let owner = model.epochs[model.epoch_of_month[month]].owner[a];
        if c.handoff_lost {
            self.record(OppEventKind::Lost, a, month, owner, c.value);
            self.arm(s, a, month);
            return;
        }
        let acc = &model.accounts;
        let seg = &model.segments[usize::from(acc.segment[a])];
        let mut p = s.win_rate[seg.win_draw]
            * model.win_multiplier
            * self.market_factor
            * f64::from(acc.competitive[a]);
        if owner != NO_OWNER {
            let rep = &model.reps[owner as usize];
            p *= rep.skill;
            if rep.expert[usize::from(acc.vertical[a])] {
                p *= seg.vertical_lift;
            }
        }
        let won = c.win_draw < p.clamp(0.0, 1.0);
        self.record(if won { OppEventKind::Won } else { OppEventKind::Lost }, a, month, owner, c.value);
        if won {
            if owner == NO_OWNER {
                self.out.house_bookings += c.value;
            } else {
                let r = owner as usize;
                self.out.bookings[r] += c.value;
                self.out.monthly[r * model.horizon + month] += c.value;
                self.out.wins[r] += 1;
            }
        } else {
            self.arm(s, a, month);
        }
    }
}

impl Trial<'_, '_> {
    fn record(&mut self, kind: OppEventKind, a: usize, month: usize, owner: u32, value: f64) {
        if let Some(log) = self.log.as_deref_mut() {
            let account = self.model.accounts.market_index[a];
            log.events.push(OppEvent { kind, account, month: month as u16, owner, value });
        }
    }

    /// Schedules the close of an opportunity open at the start: the account stays out of the pool, and the
    /// cycle is drawn from the segment's lognormal given that the deal had not closed by its age (the model
    /// books a deal opened in month `m` with cycle `L` in month `m + max(1, round(L))`, so "still open at age
    /// `k`" means `round(L) ≥ k`, that is `L ≥ k − ½`).
    fn carry_in(&mut self, s: &mut Scratch, c: &super::model::CarryIn) {
        let model = self.model;
        let a = c.account as usize;
        let seg = &model.segments[usize::from(model.accounts.segment[a])];
        if s.threshold[a] != OUT_OF_POOL {
            self.pool_change(s, a, -1);
        }
        s.threshold[a] = OUT_OF_POOL;
        let k = u64::from(s.deal_count[a]) * DEAL_DRAWS;
        s.deal_count[a] += 1;
        let deal = self.key.stream(u64::from(model.accounts.market_index[a]), Purpose::Deal);
        let age = c.age_months as usize;
        let floor = if age >= 2 && seg.cycle_sigma > 0.0 {
            normal_cdf(((age as f64 - 0.5).ln() - seg.cycle_mu) / seg.cycle_sigma)
        } else {
            0.0
        };
        let u = (floor + deal.uniform(k) * (1.0 - floor)).min(1.0 - 1e-12);
        let cycle = (seg.cycle_mu + seg.cycle_sigma * inverse_normal_cdf(u)).exp().round().max(1.0) as usize;
        let close = cycle.saturating_sub(age);
        let h = model.horizon;
        for t in 0..close.min(h) {
            let owner = model.epochs[model.epoch_of_month[t]].owner[a];
            if owner != NO_OWNER {
                s.opp_hours[owner as usize * h + t] += seg.hours_per_open_opp;
            }
        }
        if close < h {
            let closing = Closing {
                account: c.account,
                value: c.value,
                win_draw: deal.uniform(k + 2),
                handoff_lost: false,
            };
            s.closings[close].push(closing);
        }
    }
}

/// The standard normal distribution function.
fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

fn departed_before(model: &Model, rep: u32, month: usize) -> bool {
    model.reps[rep as usize].last_month.is_some_and(|last| last < month)
}
