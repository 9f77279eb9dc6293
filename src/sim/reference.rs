//! The trial loop as it was before the performance work (covered prefixes by walking each book, hazards
//! added and clocks checked in separate passes, `exp`/`round` for the cycle): kept as a test oracle. The
//! trial loop must reproduce it bit for bit (same draws, same f32 hazard sums, same order of every
//! floating-point sum), for outcomes and for logged events and pool months.

use rand_distr::{Beta, Distribution};

use super::model::{BookEntry, Model, NO_OWNER};
use super::rng::{Purpose, Stream, TrialKey, inverse_normal_cdf, normal_cdf};
use super::trial::{OppEvent, OppEventKind, TrialLog, TrialOutcome};

const OUT_OF_POOL: f32 = f32::INFINITY;
const DEAL_DRAWS: u64 = 4;

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
#[derive(Debug, Clone, Copy)]
struct Closing {
    account: u32,
    value: f64,
    win_draw: f64,
    handoff_lost: bool,
}

#[derive(Debug, Default)]
struct Scratch {
    hazard: Vec<f32>,
    threshold: Vec<f32>,
    fired: Vec<u32>,
    demand_draws: Vec<u32>,
    deal_count: Vec<u32>,
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
    let sigma = model.market_factor_sigma;
    let market_factor = (sigma * params.normal(0) - 0.5 * sigma * sigma).exp();

    scratch.win_rate.clear();
    for (w, draw) in model.win_draws.iter().enumerate() {
        let mut rng = key.stream(1 + w as u64, Purpose::Parameters).rng(0);
        let rate = Beta::new(draw.alpha, draw.beta)
            .map_or(draw.alpha / (draw.alpha + draw.beta), |b| b.sample(&mut rng));
        scratch.win_rate.push(rate);
    }

    reset(&mut scratch.hazard, n, 0.0);
    reset(&mut scratch.threshold, n, OUT_OF_POOL);
    reset(&mut scratch.demand_draws, n, 0);
    reset(&mut scratch.deal_count, n, 0);
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
        if !model.accounts.customer[a] {
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
        let closings = std::mem::take(&mut scratch.closings[month]);
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

    /// Draws the account's next demand clock: it opens an opportunity when its accumulated hazard passes an
    /// exponential threshold. The market factor scales every hazard, so it divides the threshold instead.
    fn arm(&self, s: &mut Scratch, a: usize) {
        let draw = self.demand(a).exponential(u64::from(s.demand_draws[a]));
        s.demand_draws[a] += 1;
        s.hazard[a] = 0.0;
        s.threshold[a] = draw * self.clock_scale;
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
            // being worked through an open opportunity.
            let cut = match (epoch.contiguous, book.first()) {
                (true, Some(first)) => {
                    let start = first.account as usize;
                    covered_prefix(book, budget, &s.threshold[start..start + book.len()], |i| i)
                }
                _ => covered_prefix(book, budget, &s.threshold, |i| book[i].account as usize),
            };
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
            match (epoch.contiguous, book.first()) {
                (true, Some(first)) => {
                    // The book is a contiguous run of model indices: the hazard update is a plain vector loop.
                    let start = first.account as usize;
                    let (mid, end) = (start + cut, start + book.len());
                    for q in &mut s.quarters_covered[start..mid] {
                        *q |= quarter_bit;
                    }
                    accumulate(&mut s.hazard[start..mid], &accounts.hazard_covered[start..mid]);
                    accumulate(&mut s.hazard[mid..end], &accounts.hazard_inbound[mid..end]);
                    collect_fired(&s.hazard[start..end], &s.threshold[start..end], start, &mut s.fired);
                }
                _ => {
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

    // Kept out of line so that the monthly pass keeps its running budget in a register.
    #[cold]
    #[inline(never)]
    fn open(&mut self, s: &mut Scratch, a: usize, month: usize, owner: u32) {
        let model = self.model;
        let acc = &model.accounts;
        let seg = &model.segments[usize::from(acc.segment[a])];
        s.threshold[a] = OUT_OF_POOL;
        let k = u64::from(s.deal_count[a]) * DEAL_DRAWS;
        s.deal_count[a] += 1;
        let deal = self.key.stream(u64::from(acc.market_index[a]), Purpose::Deal);
        let cycle = seg.cycle_months(deal.uniform(k));
        let sd = seg.deal_sigma;
        let value =
            acc.potential[a] * (sd * deal.normal_at(k + 1) - 0.5 * sd * sd).exp() * model.deal_multiplier;
        let win_draw = deal.uniform(k + 2);
        let handoff_draw = deal.uniform(k + 3);

        if owner != NO_OWNER {
            self.out.opportunities[owner as usize] += 1;
        }
        self.record(OppEventKind::Opened, a, month, owner, value);
        // Summed per book (the opener, or the last for no owner), then over books in order.
        let book = (owner as usize).min(model.reps.len());
        let n_ps = model.pipeline_segments.len();
        s.book_pipeline[book * n_ps + usize::from(acc.pipeline_segment[a])] +=
            acc.potential[a] * model.deal_multiplier;

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
                s.opp_milli[current as usize * h + t] += seg.opp_milli_hours;
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
            self.arm(s, a);
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
            self.arm(s, a);
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
        // As an opened deal: the owner's hours each month it is open, and a handoff loss when its owner has
        // left by a month in which the account has another owner.
        let handoff_draw = deal.uniform(k + 3);
        let closing = |handoff_lost| Closing {
            account: c.account,
            value: c.value,
            win_draw: deal.uniform(k + 2),
            handoff_lost,
        };
        let mut current = model.epochs[model.epoch_of_month[0]].owner[a];
        if current != NO_OWNER && close > 0 {
            s.opp_milli[current as usize * h] += seg.opp_milli_hours;
        }
        for t in 1..=close.min(h - 1) {
            let next = model.epochs[model.epoch_of_month[t]].owner[a];
            let handed_off = next != current && current != NO_OWNER && departed_before(model, current, t);
            if handed_off && handoff_draw < seg.handoff_loss {
                s.closings[t].push(closing(true));
                return;
            }
            current = next;
            if current != NO_OWNER && t < close {
                s.opp_milli[current as usize * h + t] += seg.opp_milli_hours;
            }
        }
        if close < h {
            s.closings[close].push(closing(false));
        }
    }
}

/// The covered prefix of a book: accounts in priority order while the month's prospecting hours last,
/// stopping at the first that does not fit. Accounts out of the pool need no prospecting hours. `at` maps a
/// book position to its index in `threshold`. The budget is in milli-hours.
#[inline]
fn covered_prefix(book: &[BookEntry], budget: i64, threshold: &[f32], at: impl Fn(usize) -> usize) -> usize {
    let mut budget = budget.max(0);
    for (i, entry) in book.iter().enumerate() {
        if threshold[at(i)] != OUT_OF_POOL {
            let need = i64::from(entry.milli_hours);
            if budget < need {
                return i;
            }
            budget -= need;
        }
    }
    book.len()
}

#[inline]
fn accumulate(hazard: &mut [f32], add: &[f32]) {
    for (h, d) in hazard.iter_mut().zip(add) {
        *h += d;
    }
}

/// Pushes the indices whose hazard reached the threshold. Firing is rare, so each block of 32 is first
/// reduced to a bit mask without branches (a vector loop) and only non-zero masks are walked.
#[inline]
fn collect_fired(hazard: &[f32], threshold: &[f32], offset: usize, fired: &mut Vec<u32>) {
    const BLOCK: usize = 32;
    for (b, (hs, ts)) in hazard.chunks(BLOCK).zip(threshold.chunks(BLOCK)).enumerate() {
        let mask = hs.iter().zip(ts).enumerate().fold(0u32, |m, (i, (h, t))| m | (u32::from(h >= t) << i));
        let mut bits = mask;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            fired.push((offset + b * BLOCK + i) as u32);
            bits &= bits - 1;
        }
    }
}

fn departed_before(model: &Model, rep: u32, month: usize) -> bool {
    model.reps[rep as usize].last_month.is_some_and(|last| last < month)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::model::{CarryIn, Model};
    use super::super::trial::{Scratch, TrialLog, run_trial, run_trial_logged};
    use super::run_reference;

    fn northstar(name: &str) -> (crate::scenario::Scenario, crate::market::Market) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/northstar/{name}.toml"));
        let scenario = crate::io::load_scenario(&path).expect("scenario");
        let market = crate::io::load_market(&scenario).expect("market");
        (scenario, market)
    }

    fn same_as_reference(model: &Model, trials: u64, logged: u64) {
        let mut scratch = Scratch::default();
        for t in 0..trials {
            assert_eq!(run_trial(model, t, &mut scratch), run_reference(model, t, None), "trial {t}");
        }
        let (mut log, mut expected) = (TrialLog::default(), TrialLog::default());
        for t in 0..logged {
            let out = run_trial_logged(model, t, &mut scratch, &mut log);
            assert_eq!(out, run_reference(model, t, Some(&mut expected)), "logged trial {t}");
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
    fn long_horizons_and_carry_in_match_the_monthly_pass() {
        let (mut scenario, market) = northstar("departure");
        scenario.horizon_months = 40;
        let mut model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
        same_as_reference(&model, 4, 1);
        // Open deals at the start, on ordinary accounts, a customer and twice on one account.
        let customer = model.accounts.customer.iter().position(|&c| c).expect("a customer") as u32;
        for (i, a) in [0u32, 5, 17, 300, 301, 4000, 11_000, customer, 17].into_iter().enumerate() {
            model.carry_in.push(CarryIn { account: a, age_months: 1 + i as u32 % 5, value: 1e4 * i as f64 });
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
            model.carry_in.push(CarryIn { account: a, age_months: 1 + i as u32 % 3, value: 5e4 });
        }
        same_as_reference(&model, 6, 2);
    }
}
