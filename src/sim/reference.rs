//! The trial loop as it was before the performance work (covered prefixes by walking each book, hazards
//! added and clocks checked in separate passes, `exp`/`round` for the cycle), grown with the model: kept as
//! the test oracle, and the place to read the model's mechanisms in their plainest form. The trial loop
//! must reproduce it bit for bit (same draws, same f32 hazard sums, same order of every floating-point
//! sum), for outcomes and for logged events and pool months.
//!
//! The mechanisms, per account:
//! - It is in a motion: new business while a prospect, expansion once a customer (from the start, or from
//!   its first won deal).
//! - It is in the demand pool while its motion has demand ([`Model::has_demand`]: a prospect always, a
//!   customer while it has whitespace left) and it holds fewer open opportunities of the motion than the
//!   motion's K. In the pool it needs its prospecting hours and runs a demand clock, an exponential
//!   threshold the monthly hazard accumulates to (a fresh clock on every arming, so at most one
//!   opportunity opens per account per month).
//! - An opportunity's fate is drawn when it opens, with the owner's [`win_probability`] at that month;
//!   its cycle comes from the won or the lost distribution of its motion. A handoff loss when its owner
//!   has left overrides a win.
//! - A won deal books its value at the close (for expansion, capped at the whitespace left, which it uses
//!   up); a won new-business deal makes the account a customer.

use super::model::{
    BookEntry, MONTHS_PER_YEAR, Model, NO_OWNER, SalesMotion, carried_clock, segment_rate, win_probability,
    year_market_factor,
};
use super::rng::{Purpose, Stream, TrialKey};
use super::trial::{OppEvent, OppEventKind, TrialLog, TrialOutcome};

const OUT_OF_POOL: f32 = f32::INFINITY;
const DEAL_DRAWS: u64 = 4;
const CYCLE: u64 = 0;
const VALUE: u64 = 1;
const WIN: u64 = 2;
const HANDOFF: u64 = 3;

/// Runs trial `trial` of `model` the old way, logging into `log` when given (cleared first).
pub(crate) fn run_reference(model: &Model, trial: u64, log: Option<&mut TrialLog>) -> TrialOutcome {
    let mut scratch = Scratch::default();
    let mut log = log;
    if let Some(log) = log.as_deref_mut() {
        log.events.clear();
        reset(&mut log.pool_covered, model.accounts.len(), 0);
        reset(&mut log.pool_uncovered, model.accounts.len(), 0);
    }
    run(model, trial, &mut scratch, log)
}

/// A deal due to close: its fate was drawn when it opened.
#[derive(Debug, Clone, Copy)]
struct Closing {
    account: u32,
    /// The deal's number on its account (its draws are at `deal × DEAL_DRAWS + offset`).
    deal: u64,
    motion: SalesMotion,
    /// The value of a carried-in deal; drawn at the close for the others.
    value: Option<f64>,
    won: bool,
    handoff_lost: bool,
}

#[derive(Debug, Default)]
struct Scratch {
    hazard: Vec<f32>,
    threshold: Vec<f32>,
    fired: Vec<u32>,
    demand_draws: Vec<u32>,
    deal_count: Vec<u32>,
    /// Open opportunities per account.
    open: Vec<u8>,
    motion: Vec<SalesMotion>,
    /// Expansion room left per account.
    whitespace: Vec<f64>,
    /// One bit per quarter of the current 24-month block (8 quarters); blocks are tallied into
    /// `quarters_tallied` as they end, so that horizons up to the schema's 120 months fit a byte.
    quarters_covered: Vec<u8>,
    quarters_tallied: u64,
    /// Milli-hours on open opportunities per rep and month.
    opp_milli: Vec<i64>,
    book_pipeline: Vec<f64>,
    closings: Vec<Vec<Closing>>,
    win_rate: Vec<f64>,
}

struct Trial<'m, 'l> {
    model: &'m Model,
    key: TrialKey,
    market_factor: f64,
    clock_scale: f32,
    out: TrialOutcome,
    log: Option<&'l mut TrialLog>,
}
fn run(model: &Model, trial: u64, scratch: &mut Scratch, log: Option<&mut TrialLog>) -> TrialOutcome {
    let n = model.accounts.len();
    let n_reps = model.reps.len();
    let h = model.horizon;
    let key = TrialKey::new(model.seed, trial);
    let params = key.stream(0, Purpose::Parameters);
    let market_factor = year_market_factor(model, &params, 0);

    scratch.win_rate.clear();
    for (w, draw) in model.win_draws.iter().enumerate() {
        let mut rng = key.stream(1 + w as u64, Purpose::Parameters).rng(0);
        scratch.win_rate.push(draw.sample(&mut rng));
    }

    reset(&mut scratch.hazard, n, 0.0);
    reset(&mut scratch.threshold, n, OUT_OF_POOL);
    reset(&mut scratch.demand_draws, n, 0);
    reset(&mut scratch.deal_count, n, 0);
    reset(&mut scratch.open, n, 0);
    scratch.motion.clear();
    scratch.motion.extend(model.accounts.customer.iter().map(|&c| SalesMotion::of_customer(c)));
    scratch.whitespace.clear();
    scratch.whitespace.extend_from_slice(&model.accounts.whitespace);
    reset(&mut scratch.quarters_covered, n, 0);
    scratch.quarters_tallied = 0;
    reset(&mut scratch.opp_milli, n_reps * h, 0);
    reset(&mut scratch.book_pipeline, (n_reps + 1) * model.pipeline_segments.len(), 0.0);
    scratch.closings.resize_with(h, Vec::new);
    scratch.closings.iter_mut().for_each(Vec::clear);

    let mut t = Trial {
        model,
        key,
        market_factor,
        clock_scale: (1.0 / market_factor) as f32,
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

    for a in 0..n {
        if t.belongs_in_pool(scratch, a) {
            t.arm(scratch, a);
        }
    }
    for c in &model.carry_in {
        t.carry_in(scratch, c);
    }

    for month in 0..h {
        if month > 0 && month % MONTHS_PER_BLOCK == 0 {
            tally_quarters(model, scratch);
        }
        // A new plan year draws its market factor; a clock still running carries its remaining hazard over.
        if month > 0 && month % MONTHS_PER_YEAR == 0 {
            let new = year_market_factor(model, &params, month / MONTHS_PER_YEAR);
            for a in 0..n {
                scratch.threshold[a] =
                    carried_clock(scratch.threshold[a], scratch.hazard[a], t.market_factor, new);
            }
            t.market_factor = new;
            t.clock_scale = (1.0 / new) as f32;
        }
        // When books move during the horizon, a month's closes are booked in account order (an account's
        // own in the order it opened them), so that the bookings' sums do not depend on which book opened a
        // deal; with one owner throughout they are booked in the order they opened.
        let mut closings = std::mem::take(&mut scratch.closings[month]);
        if model.epochs.len() > 1 {
            closings.sort_by_key(|c| (c.account, c.deal));
        }
        for c in &closings {
            t.close(scratch, month, c);
        }
        scratch.closings[month] = closings;
        t.work_month(scratch, month);
    }

    let targets = model.accounts.target.iter().filter(|&&x| x).count();
    if targets > 0 {
        tally_quarters(model, scratch);
        t.out.coverage_rate = scratch.quarters_tallied as f64 / (targets * model.quarters()) as f64;
    }
    for c in &mut t.out.covered {
        *c /= h as f64;
    }
    let n_ps = model.pipeline_segments.len();
    for book in 0..=n_reps {
        for ps in 0..n_ps {
            t.out.pipeline[ps] += scratch.book_pipeline[book * n_ps + ps];
        }
    }
    if let Some(log) = t.log.as_deref_mut() {
        super::trial::canonical_order(&mut log.events);
    }
    t.out
}

/// Months in a block of 8 quarters, one bit each in `Scratch::quarters_covered`.
const MONTHS_PER_BLOCK: usize = 24;

/// Adds the (target account, quarter) pairs covered in the block just ended and clears the block.
fn tally_quarters(model: &Model, s: &mut Scratch) {
    let target = &model.accounts.target;
    s.quarters_tallied += s
        .quarters_covered
        .iter()
        .zip(target)
        .filter(|(_, t)| **t)
        .map(|(q, _)| u64::from(q.count_ones()))
        .sum::<u64>();
    s.quarters_covered.iter_mut().for_each(|q| *q = 0);
}

fn reset<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

impl Trial<'_, '_> {
    fn demand(&self, a: usize) -> Stream {
        self.key.stream(u64::from(self.model.accounts.market_index[a]), Purpose::Demand)
    }

    fn deal(&self, a: usize) -> Stream {
        self.key.stream(u64::from(self.model.accounts.market_index[a]), Purpose::Deal)
    }

    /// Whether account `a` belongs in the demand pool: its motion has demand and a free slot.
    fn belongs_in_pool(&self, s: &Scratch, a: usize) -> bool {
        self.model.wants_opportunity(a, s.motion[a], s.whitespace[a], s.open[a])
    }

    /// Draws the account's next demand clock: it opens an opportunity when its accumulated hazard passes an
    /// exponential threshold. The market factor scales every hazard, so it divides the threshold instead;
    /// an expansion clock runs on the new-business hazards, so it is scaled by their ratio.
    fn arm(&self, s: &mut Scratch, a: usize) {
        let draw = self.demand(a).exponential(u64::from(s.demand_draws[a]));
        s.demand_draws[a] += 1;
        s.hazard[a] = 0.0;
        s.threshold[a] = draw * self.clock_scale * self.model.clock_factor(a, s.motion[a]);
    }

    /// The segment's drawn win rate for `motion`, with the shock's multiplier and the market factor.
    fn segment_rate(&self, s: &Scratch, a: usize, motion: SalesMotion) -> f64 {
        let model = self.model;
        let seg = &model.segments[usize::from(model.accounts.segment[a])];
        segment_rate(s.win_rate[seg.motion(motion).win_draw], model.win_multiplier, self.market_factor)
    }

    fn work_month(&mut self, s: &mut Scratch, month: usize) {
        let model = self.model;
        let h = model.horizon;
        let epoch = &model.epochs[model.epoch_of_month[month]];
        let quarter_bit = 1u8 << ((month / 3) % 8);
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
            let budget = if capacity > 0.0 {
                (capacity * availability(r) * 1000.0) as i64 - s.opp_milli[r * h + month]
            } else {
                0
            };
            // Every account before the cut is covered: those in the pool got their hours, the others are
            // being worked through their open opportunities.
            let cut = covered_prefix(book, budget, &s.threshold);
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
            for (i, entry) in book.iter().enumerate() {
                let a = entry.account as usize;
                if i < cut {
                    s.quarters_covered[a] |= quarter_bit;
                }
                s.hazard[a] += if i < cut { entry.hazard_covered } else { entry.hazard_inbound };
                if s.hazard[a] >= s.threshold[a] {
                    s.fired.push(entry.account);
                }
            }
            self.open_fired(s, month, r as u32);
        }
        for entry in &epoch.unowned {
            let a = entry.account as usize;
            if let Some(log) = self.log.as_deref_mut()
                && s.threshold[a] != OUT_OF_POOL
            {
                log.pool_uncovered[accounts.market_index[a] as usize] += 1;
            }
            s.hazard[a] += entry.hazard_inbound;
            if s.hazard[a] >= s.threshold[a] {
                s.fired.push(entry.account);
            }
        }
        self.open_fired(s, month, NO_OWNER);
    }

    fn open_fired(&mut self, s: &mut Scratch, month: usize, owner: u32) {
        let mut fired = std::mem::take(&mut s.fired);
        for &a in &fired {
            self.open(s, a as usize, month, owner);
        }
        fired.clear();
        s.fired = fired;
    }

    /// Opens an opportunity on account `a` in `month` under `owner`: its fate and cycle are drawn now.
    fn open(&mut self, s: &mut Scratch, a: usize, month: usize, owner: u32) {
        let model = self.model;
        let acc = &model.accounts;
        let seg = &model.segments[usize::from(acc.segment[a])];
        let motion = s.motion[a];
        let m = seg.motion(motion);
        let number = s.deal_count[a];
        let k = u64::from(number) * DEAL_DRAWS;
        s.deal_count[a] += 1;
        let deal = self.deal(a);
        let epoch = &model.epochs[model.epoch_of_month[month]];
        let p = win_probability(self.segment_rate(s, a, motion), epoch.win_factor[a]);
        let won = deal.uniform(k + WIN) < p;
        let cycle = if won { &m.won } else { &m.lost }.months(deal.uniform(k + CYCLE));
        s.open[a] += 1;
        if s.open[a] < m.max_open {
            self.arm(s, a);
        } else {
            s.threshold[a] = OUT_OF_POOL;
        }

        if owner != NO_OWNER {
            self.out.opportunities[owner as usize] += 1;
        }
        let value = self.model.deal_value(a, motion, deal.normal_at(k + VALUE));
        self.record(OppEventKind::Opened, a, month, owner, (number, motion), value);
        // Summed per book (the opener, or the last for no owner), then over books in order.
        let book = (owner as usize).min(model.reps.len());
        let n_ps = model.pipeline_segments.len();
        s.book_pipeline[book * n_ps + usize::from(acc.pipeline_segment[a])] +=
            acc.potential[a] * m.value_scale * model.deal_multiplier;

        let closing = Closing {
            account: a as u32,
            deal: u64::from(number),
            motion,
            value: None,
            won,
            handoff_lost: false,
        };
        self.schedule(s, month, owner, month + cycle, deal.uniform(k + HANDOFF), closing);
    }

    /// Books an open deal's hours to each month's owner until `close`, and files its close: at `close`, or
    /// earlier when a handoff loses it (its owner has left by a month in which the account has another
    /// owner).
    fn schedule(&self, s: &mut Scratch, from: usize, owner: u32, close: usize, handoff: f64, c: Closing) {
        let model = self.model;
        let a = c.account as usize;
        let seg = &model.segments[usize::from(model.accounts.segment[a])];
        let h = model.horizon;
        let mut current = owner;
        for t in from + 1..=close.min(h - 1) {
            let next = model.epochs[model.epoch_of_month[t]].owner[a];
            let handed_off = next != current && current != NO_OWNER && departed_before(model, current, t);
            if handed_off && handoff < seg.handoff_loss {
                s.closings[t].push(Closing { handoff_lost: true, ..c });
                return;
            }
            current = next;
            if current != NO_OWNER && t < close {
                s.opp_milli[current as usize * h + t] += seg.opp_milli_hours;
            }
        }
        if close < h {
            s.closings[close].push(c);
        }
    }

    fn close(&mut self, s: &mut Scratch, month: usize, c: &Closing) {
        let model = self.model;
        let a = c.account as usize;
        let owner = model.epochs[model.epoch_of_month[month]].owner[a];
        let before = s.motion[a];
        let was_in_pool = s.threshold[a] != OUT_OF_POOL;
        s.open[a] -= 1;
        let value = c.value.unwrap_or_else(|| {
            self.model.deal_value(a, c.motion, self.deal(a).normal_at(c.deal * DEAL_DRAWS + VALUE))
        });
        // An expansion deal takes what is left of the whitespace at most; with none left it is lost.
        let value = if c.motion == SalesMotion::Expansion { value.min(s.whitespace[a]) } else { value };
        let won = c.won && !c.handoff_lost && !(c.motion == SalesMotion::Expansion && s.whitespace[a] <= 0.0);
        self.record(
            if won { OppEventKind::Won } else { OppEventKind::Lost },
            a,
            month,
            owner,
            (c.deal as u32, c.motion),
            value,
        );
        if won {
            match c.motion {
                SalesMotion::Expansion => s.whitespace[a] -= value,
                SalesMotion::NewBusiness => s.motion[a] = SalesMotion::Expansion,
            }
            if owner == NO_OWNER {
                self.out.house_bookings += value;
            } else {
                let r = owner as usize;
                self.out.bookings[r] += value;
                self.out.monthly[r * model.horizon + month] += value;
                self.out.wins[r] += 1;
            }
        }
        // Back in the pool with a fresh clock when a slot freed or the motion changed; out of it when the
        // whitespace ran out.
        if self.belongs_in_pool(s, a) {
            if !was_in_pool || s.motion[a] != before {
                self.arm(s, a);
            }
        } else {
            s.threshold[a] = OUT_OF_POOL;
        }
    }

    fn record(
        &mut self,
        kind: OppEventKind,
        a: usize,
        month: usize,
        owner: u32,
        (deal, motion): (u32, SalesMotion),
        value: f64,
    ) {
        if let Some(log) = self.log.as_deref_mut() {
            let account = self.model.accounts.market_index[a];
            log.events.push(OppEvent { kind, account, month: month as u16, owner, deal, motion, value });
        }
    }

    /// Files an opportunity open at the start: it takes a slot of its account, its fate is drawn given its
    /// age ([`Model::carried_win_probability`]) and its cycle from that fate's distribution given that it
    /// is still open at its age.
    fn carry_in(&mut self, s: &mut Scratch, c: &super::model::CarryIn) {
        let model = self.model;
        let a = c.account as usize;
        let m = model.segments[usize::from(model.accounts.segment[a])].motion(c.motion);
        s.open[a] += 1;
        if !self.belongs_in_pool(s, a) {
            s.threshold[a] = OUT_OF_POOL;
        }
        let number = s.deal_count[a];
        let k = u64::from(number) * DEAL_DRAWS;
        s.deal_count[a] += 1;
        let deal = self.deal(a);
        let owner = model.epochs[model.epoch_of_month[0]].owner[a];
        let p = win_probability(self.segment_rate(s, a, c.motion), model.epochs[0].win_factor[a]);
        let won = deal.uniform(k + WIN) < model.carried_win_probability(a, c.motion, p, c.age_months);
        let close = if won { &m.won } else { &m.lost }.remaining_after(c.age_months, deal.uniform(k + CYCLE));
        let h = model.horizon;
        let seg = &model.segments[usize::from(model.accounts.segment[a])];
        if owner != NO_OWNER && close > 0 {
            s.opp_milli[owner as usize * h] += seg.opp_milli_hours;
        }
        let closing = Closing {
            account: c.account,
            deal: u64::from(number),
            motion: c.motion,
            value: Some(c.value),
            won,
            handoff_lost: false,
        };
        self.schedule(s, 0, owner, close, deal.uniform(k + HANDOFF), closing);
    }
}

/// The covered prefix of a book: accounts in priority order while the month's prospecting hours last,
/// stopping at the first that does not fit. Accounts out of the pool need no prospecting hours. The budget
/// is in milli-hours.
#[inline]
fn covered_prefix(book: &[BookEntry], budget: i64, threshold: &[f32]) -> usize {
    let mut budget = budget.max(0);
    for (i, entry) in book.iter().enumerate() {
        if threshold[entry.account as usize] != OUT_OF_POOL {
            let need = i64::from(entry.milli_hours);
            if budget < need {
                return i;
            }
            budget -= need;
        }
    }
    book.len()
}

fn departed_before(model: &Model, rep: u32, month: usize) -> bool {
    model.reps[rep as usize].last_month.is_some_and(|last| last < month)
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;

    use super::super::model::{CarryIn, Model, SalesMotion};
    use super::super::trial::{OppEventKind, Scratch, TrialLog, run_trial, run_trial_logged};
    use super::run_reference;

    /// A shipped Northstar scenario and its market.
    pub(in crate::sim) fn northstar(name: &str) -> (crate::scenario::Scenario, crate::market::Market) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/northstar/{name}.toml"));
        let scenario = crate::io::load_scenario(&path).expect("scenario");
        let market = crate::io::load_market(&scenario).expect("market");
        (scenario, market)
    }

    fn same_as_reference(model: &Model, trials: u64, logged: u64) {
        let mut scratch = Scratch::default();
        for t in 0..trials {
            assert_eq!(*run_trial(model, t, &mut scratch), run_reference(model, t, None), "trial {t}");
        }
        let (mut log, mut expected) = (TrialLog::default(), TrialLog::default());
        for t in 0..logged {
            let out = run_trial_logged(model, t, &mut scratch, &mut log);
            assert_eq!(*out, run_reference(model, t, Some(&mut expected)), "logged trial {t}");
            assert_eq!(log.events, expected.events, "events of trial {t}");
            assert_eq!(log.pool_covered, expected.pool_covered, "pool_covered of trial {t}");
            assert_eq!(log.pool_uncovered, expected.pool_uncovered, "pool_uncovered of trial {t}");
        }
    }

    #[test]
    fn northstar_scenarios_match_the_monthly_pass() {
        for name in ["baseline", "departure", "departure_spread", "new_hire", "calibrated"] {
            let (scenario, market) = northstar(name);
            let model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
            same_as_reference(&model, 12, 2);
        }
    }

    fn keystone(name: &str) -> (crate::scenario::Scenario, crate::market::Market) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/keystone/{name}.toml"));
        let scenario = crate::io::load_scenario(&path).expect("scenario");
        let market = crate::io::load_market(&scenario).expect("market");
        (scenario, market)
    }

    /// Keystone, the repeat business: K up to 6, most months opening a deal, the open pipeline carried in,
    /// a hire taking half a book, and every stress shock (a held departure among them).
    #[test]
    fn keystone_scenarios_match_the_monthly_pass() {
        for name in ["baseline", "calibrated", "new_hire"] {
            let (scenario, market) = keystone(name);
            let model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
            assert!(name == "baseline" || !model.carry_in.is_empty(), "{name} carries its pipeline in");
            same_as_reference(&model, 12, 2);
        }
        let (scenario, market) = keystone("stress");
        for shock in &scenario.shocks {
            let model =
                crate::scenario::compile(&scenario, &market, market.plan(), Some(shock)).expect("compile");
            same_as_reference(&model, 6, 1);
        }
    }

    /// A departure whose book goes to teammates (`spread`, and the history's `reassign`s): a moved book's
    /// deals close beside the new owner's own, and both paths add them in account order.
    #[test]
    fn keystone_handovers_match_the_monthly_pass() {
        for name in ["departure", "history"] {
            let (scenario, market) = keystone(name);
            let model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
            same_as_reference(&model, 12, 2);
        }
    }

    #[test]
    fn shocks_match_the_monthly_pass() {
        let (scenario, market) = northstar("stress");
        for shock in &scenario.shocks {
            let model =
                crate::scenario::compile(&scenario, &market, market.plan(), Some(shock)).expect("compile");
            same_as_reference(&model, 6, 1);
        }
    }

    #[test]
    fn concurrent_deals_and_used_up_whitespace_match_the_monthly_pass() {
        // Three new-business slots, four expansion slots, and whitespace of about one expansion deal, so
        // that accounts hold several deals, convert, expand and run dry within the year, with a departure
        // handing books over.
        let (scenario, market) = northstar("departure");
        let mut model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
        for seg in &mut model.segments {
            seg.motions[0].max_open = 3;
            seg.motions[1].max_open = 4;
        }
        for (w, p) in model.accounts.whitespace.iter_mut().zip(&model.accounts.potential) {
            *w = 0.4 * p;
        }
        for a in (0..model.accounts.len() as u32).step_by(97) {
            let motion = SalesMotion::of_customer(model.accounts.customer[a as usize]);
            for age in [1, 4] {
                model.carry_in.push(CarryIn { motion, account: a, age_months: age, value: 2e4 });
            }
        }
        same_as_reference(&model, 6, 2);
        let mut scratch = Scratch::default();
        let mut log = TrialLog::default();
        run_trial_logged(&model, 0, &mut scratch, &mut log);
        let opened =
            |m| log.events.iter().filter(|e| e.kind == OppEventKind::Opened && e.motion == m).count();
        assert!(opened(SalesMotion::Expansion) > 100, "expansion opens: {}", opened(SalesMotion::Expansion));
        assert!(opened(SalesMotion::NewBusiness) > 100);
    }

    #[test]
    fn long_horizons_and_carry_in_match_the_monthly_pass() {
        let (mut scenario, market) = northstar("departure");
        scenario.horizon_months = 40;
        let mut model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
        same_as_reference(&model, 4, 1);
        // Wide yearly factors and a level factor: four plan years, each boundary carrying the clocks over.
        let (sigma, level) = (model.market_factor_sigma, model.level_sigma);
        (model.market_factor_sigma, model.level_sigma) = (0.4, 0.3);
        same_as_reference(&model, 4, 1);
        (model.market_factor_sigma, model.level_sigma) = (sigma, level);
        // Open deals at the start, on ordinary accounts, a customer and twice on one account.
        let customer = model.accounts.customer.iter().position(|&c| c).expect("a customer") as u32;
        for (i, a) in [0u32, 5, 17, 300, 301, 4000, 11_000, customer, 17].into_iter().enumerate() {
            let motion = SalesMotion::of_customer(model.accounts.customer[a as usize]);
            model.carry_in.push(CarryIn {
                motion,
                account: a,
                age_months: 1 + i as u32 % 5,
                value: 1e4 * i as f64,
            });
        }
        same_as_reference(&model, 6, 2);
        // Open deals in the departing rep's book, which face the handoff when the book moves.
        let leaver = model.reps.iter().position(|r| r.last_month.is_some()).expect("a departure") as u32;
        let book: Vec<u32> = (0..model.accounts.customer.len() as u32)
            .filter(|&a| {
                model.epochs[0].owner[a as usize] == leaver && !model.carry_in.iter().any(|c| c.account == a)
            })
            .take(40)
            .collect();
        assert!(book.len() >= 20, "the departing rep has a book");
        for (i, &a) in book.iter().enumerate() {
            let motion = SalesMotion::NewBusiness;
            model.carry_in.push(CarryIn { motion, account: a, age_months: 1 + i as u32 % 3, value: 5e4 });
        }
        same_as_reference(&model, 6, 2);
    }
}
