//! One trial: one possible year, book by book and, within a book, month by month.
//!
//! Within a run of months with one ownership, books do not touch each other, so each rep's book is worked
//! through the run before the next and its accounts' state stays in the core's caches. Each rep keeps its
//! covered prefix and the prospecting hours it takes from month to month: accounts leaving the demand pool
//! (an opportunity opens) or rejoining it (a deal is lost) adjust the hours in O(1), and each month the
//! prefix moves by as many accounts as the month's budget differs from the last. A month of hazard is then
//! added to the book's accounts and the clocks that ran out are found in the same vector pass.
//! `reference.rs` keeps a simpler month-by-month loop as a test oracle: results are identical to the bit.

use super::kernel::{
    accumulate_fired, closing_draws, cycle_months, demand_clock, first_thresholds, inverse_normal_cdfs,
    uniforms,
};
use super::model::{
    AccountTable, Epoch, MONTHS_PER_YEAR, Model, NO_OWNER, PoolSlot, SalesMotion, carried_clock,
    segment_rate, win_probability, year_market_factor,
};
use super::rng::{Purpose, Stream, TrialKey, inverse_normal_cdf};

/// An account's demand clock is a pair of entries in `TrialBuffers::hazard` and `TrialBuffers::threshold`: it opens an
/// opportunity when the hazard reaches the threshold. An infinite threshold means the account is not in the
/// pool (an opportunity is open, or it is a customer), which lets the hot loop test pool membership without
/// another array. Separate arrays (not pairs) let the monthly hazard update run as one vector loop.
const OUT_OF_POOL: f32 = f32::INFINITY;

/// Draws per opportunity in the account's deal stream: deal `d`'s draws are at counters `d × DEAL_DRAWS + `
/// one of the offsets below.
const DEAL_DRAWS: u32 = 4;

/// The offsets of a deal's draws in its account's deal stream: the cycle, the value, the win and the
/// handoff.
#[derive(Debug, Clone, Copy)]
#[repr(u32)]
enum DealDraw {
    Cycle = 0,
    Value = 1,
    Win = 2,
    Handoff = 3,
}

/// The deal-stream counter of draw `draw` of deal number `deal`.
#[inline]
fn deal_counter(deal: u32, draw: DealDraw) -> u32 {
    deal * DEAL_DRAWS + draw as u32
}

/// What one trial produced.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Pipeline created per pipeline segment: the expected value of the opportunities opened (potential ×
    /// deal-size multiplier; the value drawn when a deal closes has that mean).
    pub pipeline: Vec<f64>,
    /// Share of (target account, quarter) pairs in which the account was covered at least once.
    pub coverage_rate: f64,
    /// The market factor of the trial's first plan year (later years draw their own).
    pub market_factor: f64,
}

/// Bytes one [`TrialOutcome`] of `model` holds, its heap vectors included (with an allowance for the
/// allocator's headers): what a run of `n` trials keeps in memory is about `n` times this, since every
/// outcome is kept for the percentiles.
pub fn outcome_bytes(model: &Model) -> u64 {
    let reps = model.reps.len() as u64;
    let per_rep = 8 + 8 * model.horizon as u64 + 4 + 4 + 8;
    let vectors = 6 * 16;
    std::mem::size_of::<TrialOutcome>() as u64
        + reps * per_rep
        + 8 * model.pipeline_segments.len() as u64
        + vectors
}

impl TrialOutcome {
    /// The outcome of a trial of `model` before anything happens in it, in this outcome's buffers.
    fn reset(mut self, model: &Model, market_factor: f64) -> Self {
        let n_reps = model.reps.len();
        reset(&mut self.bookings, n_reps, 0.0);
        reset(&mut self.monthly, n_reps * model.horizon, 0.0);
        reset(&mut self.opportunities, n_reps, 0);
        reset(&mut self.wins, n_reps, 0);
        reset(&mut self.covered, n_reps, 0.0);
        reset(&mut self.pipeline, model.pipeline_segments.len(), 0.0);
        TrialOutcome { house_bookings: 0.0, coverage_rate: 0.0, market_factor, ..self }
    }

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

/// One opportunity event of a logged trial. An account may hold several open opportunities, so an event
/// names its deal by the account and its `deal` number: each `Opened` is followed by its `Won` or `Lost` of
/// the same number (or by nothing when the deal is still open at the end of the horizon). A `Won`/`Lost`
/// without an `Opened` before it is a carry-in.
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
    /// The deal's number on its account (0 for its first deal, carried-in deals first).
    pub deal: u32,
    /// The deal's motion.
    pub motion: SalesMotion,
    /// Deal value (for a won expansion deal, what the whitespace left allowed).
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

/// An opportunity due to close. Its fate was drawn when it opened; its value comes from the account's deal
/// stream when it closes (keyed by the deal's counter, so drawing it late changes nothing but the work).
#[derive(Debug, Clone, Copy)]
struct Closing {
    account: u32,
    /// The deal's number on its account (its draws are at [`deal_counter`] in the deal stream).
    deal: u32,
    /// Index in `Model::carry_in` of a deal carried in with a known value, or [`DRAWN`].
    carry: u32,
    motion: SalesMotion,
    won: bool,
    handoff_lost: bool,
}

/// [`Closing::carry`] of a deal opened in the trial.
const DRAWN: u32 = u32::MAX;

/// The deals due to close, filed per slot (see [`closing_slot`]) in the order they were filed. Each slot's
/// buffer grows freely in the scratch's first trial only; then it is sized to twice what it held, and a
/// closing filed to a full slot goes to a shared overflow list instead. Grown on demand, the buffers would
/// each keep the most their slot ever held: a maximum that creeps up with the trial count, across hundreds
/// of slots, and memory with it.
#[derive(Debug, Default)]
struct FiledClosings {
    slots: Vec<Vec<Closing>>,
    /// Closings filed to a full slot, with their slot, in the order they were filed, and per slot whether
    /// it has some there.
    overflow: Vec<(u32, Closing)>,
    overflowed: Vec<bool>,
    /// Whether the buffers are sized (from the second trial on).
    sized: bool,
}

impl FiledClosings {
    /// No closing filed, in `slots` slots.
    fn reset(&mut self, slots: usize) {
        if self.slots.len() != slots {
            self.slots.clear();
            self.slots.resize_with(slots, Vec::new);
            self.sized = false;
        } else if !self.sized {
            for filed in &mut self.slots {
                // Room for twice what it holds, and 4.
                filed.reserve_exact(filed.len() + 4);
            }
            self.sized = true;
        }
        self.slots.iter_mut().for_each(Vec::clear);
        self.overflow.clear();
        reset(&mut self.overflowed, slots, false);
    }

    #[inline]
    fn file(&mut self, slot: usize, c: Closing) {
        let filed = &mut self.slots[slot];
        if filed.len() < filed.capacity() || !self.sized {
            filed.push(c);
        } else {
            self.overflow.push((slot as u32, c));
            self.overflowed[slot] = true;
        }
    }

    /// Whether slot `slot` has no closing (a slot overflows only when its buffer is full, and a sized
    /// buffer holds at least 4).
    fn is_empty(&self, slot: usize) -> bool {
        self.slots[slot].is_empty()
    }

    /// Slot `slot`'s closings, in the order they were filed: its own buffer, or `spare` filled with them
    /// when some overflowed. [`Self::give_back`] returns the buffer where it came from.
    fn take(&mut self, slot: usize, spare: &mut Vec<Closing>) -> Vec<Closing> {
        if !self.overflowed[slot] {
            return std::mem::take(&mut self.slots[slot]);
        }
        let mut all = std::mem::take(spare);
        all.clear();
        all.extend_from_slice(&self.slots[slot]);
        all.extend(self.overflow.iter().filter(|&&(s, _)| s as usize == slot).map(|&(_, c)| c));
        all
    }

    fn give_back(&mut self, slot: usize, closings: Vec<Closing>, spare: &mut Vec<Closing>) {
        if self.overflowed[slot] {
            *spare = closings;
        } else {
            self.slots[slot] = closings;
        }
    }
}

impl Closing {
    /// This closing, lost in a handoff.
    fn handed_off(self) -> Self {
        Closing { handoff_lost: true, ..self }
    }
}

/// Per-thread working memory, reused across trials, in three parts by how long what they hold lives: a
/// trial, an ownership epoch of it, and a batch (a book-month's openings or closings, a run's
/// availability). Each part is reset when its span starts.
#[derive(Debug, Default)]
pub struct Scratch {
    trial: TrialBuffers,
    epoch: EpochBuffers,
    batch: BatchBuffers,
    /// The last trial's outcome, its vectors refilled by the next trial instead of allocated anew.
    outcome: TrialOutcome,
}

/// What lives for a whole trial: every account's state, the coverage quarters, the open deals' hours, the
/// filed closings and the sums kept per book.
#[derive(Debug, Default)]
struct TrialBuffers {
    hazard: Vec<f32>,
    threshold: Vec<f32>,
    /// Per account, what an opening or a closing reads and changes, in one record (one cache line instead
    /// of one per array).
    state: Vec<AccountState>,
    /// One bit per quarter of the current 24-month block (8 quarters); blocks are tallied into
    /// `quarters_tallied` as they end, so that horizons up to the schema's 120 months fit a byte.
    quarters_covered: Vec<u8>,
    quarters_tallied: u64,
    /// Milli-hours on open opportunities per rep, as changes: a deal adds its hours at `rep * (horizon + 1)
    /// + first month` and takes them off at the month it closes, and each book keeps the running sum.
    opp_delta: Vec<i64>,
    opp_now: Vec<i64>,
    /// Deals due to close, per (book, month) (see [`closing_slot`]), where book `n_reps` holds the
    /// accounts with no owner in that month (see [`book_of`]), and month `horizon` the deals that close
    /// after it.
    closings: FiledClosings,
    /// Pipeline created per (book, pipeline segment), summed over books in book order at the end so that
    /// the total does not depend on the order books are worked in.
    book_pipeline: Vec<f64>,
    win_rate: Vec<f64>,
    /// Per win draw: the trial's win rate × the shock's multiplier × the plan year's market factor.
    draw_win: Vec<f64>,
}

/// What every trial of a model starts from and only the model fixes: made by its first trial (kept in
/// [`Model::trial_start`]) and copied at the start of each, instead of worked out from the account arrays
/// every trial.
#[derive(Debug, Clone)]
pub(crate) struct TrialStart {
    /// Every account's state at the start (see [`AccountState::start`]).
    state: Vec<AccountState>,
    /// Per account: out of the pool at the start (a customer with no expansion demand).
    start_out: Vec<bool>,
    /// [`EpochBuffers::pool_milli`] of the first epoch: every account in the pool but those in `start_out`.
    pool_milli: Vec<u32>,
    /// Per account, what its first demand clock is multiplied by: a customer's expansion factor
    /// ([`Model::clock_factor`]), else 1.
    clock_factor: Vec<f32>,
}

impl TrialStart {
    fn of(model: &Model) -> Self {
        let (mut state, mut start_out) = (Vec::new(), Vec::new());
        AccountState::start(&mut state, &mut start_out, &model.accounts);
        let slots = model.epochs[0].pool_slot.iter();
        let pool_milli =
            slots.zip(&start_out).map(|(slot, &out)| u32::from(!out) * slot.milli_hours).collect();
        let acc = &model.accounts;
        let factors = acc.customer.iter().zip(&acc.expansion_clock);
        let clock_factor = factors.map(|(&c, &factor)| if c { factor } else { 1.0 }).collect();
        TrialStart { state, start_out, pool_milli, clock_factor }
    }
}

/// An account's state in a trial, with the two fixed fields its openings and closings read with it.
#[derive(Debug, Clone, Copy)]
struct AccountState {
    /// Expansion room left.
    whitespace: f64,
    /// Deals opened so far, carried in included: the next deal's number.
    deal_count: u32,
    /// Demand clocks drawn so far: the counter of the next.
    demand_draws: u32,
    /// The account's index in the market (the key of its streams).
    market_index: u32,
    /// Its parameter segment.
    segment: u16,
    /// Opportunities open.
    open: u8,
    /// New business until its first win, then expansion.
    motion: SalesMotion,
}

impl AccountState {
    /// Every account of `acc` at the start of a trial, in one pass: in its starting motion with its
    /// whitespace, no deal opened, and its first clock drawn (by the first clocks) unless it is out of the
    /// pool at the start (`start_out`: a customer without expansion demand, as `Model::has_demand`).
    fn start(state: &mut Vec<AccountState>, start_out: &mut Vec<bool>, acc: &AccountTable) {
        let n = acc.len();
        let empty = AccountState {
            whitespace: 0.0,
            deal_count: 0,
            demand_draws: 0,
            market_index: 0,
            segment: 0,
            open: 0,
            motion: SalesMotion::NewBusiness,
        };
        state.resize(n, empty);
        start_out.resize(n, false);
        let fixed = acc.market_index.iter().zip(&acc.segment).zip(&acc.expansion_clock);
        let start = acc.customer.iter().zip(&acc.whitespace);
        for ((st, out), (((&market_index, &segment), &clock), (&customer, &whitespace))) in
            state.iter_mut().zip(start_out.iter_mut()).zip(fixed.zip(start))
        {
            // Selects, not branches: customers are scattered through the books.
            *out = customer & !(clock.is_finite() & (whitespace > 0.0));
            *st = AccountState {
                whitespace,
                deal_count: 0,
                demand_draws: u32::from(!*out),
                market_index,
                segment,
                open: 0,
                motion: SalesMotion::of_customer(customer),
            };
        }
    }
}

/// What lives for an ownership epoch: the books' covered prefixes and the accounts' prospecting hours in
/// their owners' books.
#[derive(Debug, Default)]
struct EpochBuffers {
    /// The epoch's index in [`Model::epochs`].
    index: usize,
    /// Per rep of the epoch (and a spare last entry, always empty, for accounts with no owner): the
    /// covered prefix of the book in the last month worked…
    cut: Vec<usize>,
    /// …and the prospecting milli-hours of the accounts in it that are in the pool.
    used: Vec<i64>,
    /// Per account: the milli-hours its owner's book of the epoch needs to prospect it when it is in the
    /// pool, 0 when it is not (so the coverage pass adds without testing membership).
    pool_milli: Vec<u32>,
}

/// What lives for a batch: the accounts whose clocks ran out in a book-month and their draws, a
/// book-month's closing draws, a rep's availability over a run of months. Written in full before they are
/// read, so nothing is cleared between batches.
#[derive(Debug, Default)]
struct BatchBuffers {
    fired: Vec<u32>,
    /// How many of `fired` (the first ones) are in their owner's covered prefix.
    fired_covered: usize,
    /// The fates of the deals of the accounts in `fired`, drawn before any opens.
    won: Vec<bool>,
    /// A book-month's closings when some overflowed (see [`FiledClosings::take`]).
    closings: Vec<Closing>,
    /// The demand clocks of a book-month's closings, drawn with their value draws for the accounts that
    /// rejoin the pool.
    clocks: Vec<f32>,
    /// The cycles of the accounts in `fired`, drawn before any opens.
    cycles: Vec<u32>,
    /// The current rep's availability in each month of the run being worked, from month
    /// `availability_from`.
    availability: Vec<f64>,
    availability_from: usize,
    /// A book-month's cycle, win, value or availability draws.
    deal_draws: DealDraws,
}

impl TrialBuffers {
    /// Starts trial `key` of `model`, whose first year's market factor is `market_factor`: its win rates
    /// drawn, every account in its starting motion with its whitespace, no deal open, nothing covered, filed
    /// or summed. The demand clocks are set by [`TrialBuffers::first_clocks`].
    fn reset(&mut self, model: &Model, key: TrialKey, market_factor: f64) {
        let (n, n_reps, h) = (model.accounts.len(), model.reps.len(), model.horizon);
        self.win_rate.clear();
        for (w, draw) in model.win_draws.iter().enumerate() {
            let mut rng = key.stream(1 + w as u64, Purpose::Parameters).rng(0);
            self.win_rate.push(draw.sample(&mut rng));
        }
        self.set_market_factor(model, market_factor);

        reset(&mut self.hazard, n, 0.0);
        // Set in full by the first clocks.
        self.threshold.resize(n, OUT_OF_POOL);
        self.state.clear();
        self.state.extend_from_slice(&trial_start(model).state);
        reset(&mut self.quarters_covered, n, 0);
        self.quarters_tallied = 0;
        reset(&mut self.opp_delta, n_reps * (h + 1), 0);
        reset(&mut self.opp_now, n_reps, 0);
        let books = n_reps + 1;
        // One more month than the horizon: deals closing after it are filed there and never booked.
        self.closings.reset((h + 1) * books);
        reset(&mut self.book_pipeline, books * model.pipeline_segments.len(), 0.0);
    }

    /// Sets the win rates of each draw for a plan year whose market factor is `market_factor`.
    fn set_market_factor(&mut self, model: &Model, market_factor: f64) {
        self.draw_win.clear();
        let (multiplier, rates) = (model.win_multiplier, &self.win_rate);
        self.draw_win.extend(rates.iter().map(|&rate| segment_rate(rate, multiplier, market_factor)));
    }

    /// Every account's first demand clock (counter 0, as every deal count is now), `scale` times the
    /// exponential: customers with no expansion demand are not in the pool, and a customer's clock is
    /// scaled by its expansion factor to run on the books' new-business hazards (times 1 leaves any other
    /// as it is), in the same pass.
    fn first_clocks(&mut self, model: &Model, key: TrialKey, scale: f32) {
        let start = trial_start(model);
        let (out, factor) = (&start.start_out, &start.clock_factor);
        first_thresholds(key, &model.accounts.market_index, out, factor, scale, &mut self.threshold);
    }
}

impl EpochBuffers {
    /// Starts the first epoch of a trial of `n_reps` reps, with empty prefixes.
    fn reset(&mut self, n_reps: usize) {
        self.index = 0;
        reset(&mut self.cut, n_reps + 1, 0);
        reset(&mut self.used, n_reps + 1, 0);
    }

    /// Sets [`EpochBuffers::pool_milli`] for the first epoch: every account in the pool but those out of it
    /// at the start ([`TrialStart::pool_milli`]).
    fn start_pool_milli(&mut self, model: &Model) {
        self.pool_milli.clear();
        self.pool_milli.extend_from_slice(&trial_start(model).pool_milli);
    }

    /// Starts epoch `e` with empty prefixes: its first month walks each book from the top. The accounts'
    /// pool hours follow from pool membership (`threshold`).
    fn enter(&mut self, model: &Model, e: usize, threshold: &[f32]) {
        self.index = e;
        self.cut.iter_mut().for_each(|c| *c = 0);
        self.used.iter_mut().for_each(|u| *u = 0);
        self.fill_pool_milli(model, threshold);
    }

    /// Sets [`EpochBuffers::pool_milli`] for the current epoch from pool membership (`threshold`).
    fn fill_pool_milli(&mut self, model: &Model, threshold: &[f32]) {
        let slots = &model.epochs[self.index].pool_slot;
        self.pool_milli.clear();
        self.pool_milli.extend(slots.iter().zip(threshold).map(|(slot, &t)| pool_hours(slot, t)));
    }
}

struct Trial<'m, 'l> {
    model: &'m Model,
    key: TrialKey,
    /// The plan year's market factor…
    market_factor: f64,
    /// …and what a demand clock drawn in it is multiplied by: its inverse.
    clock_scale: f32,
    out: TrialOutcome,
    log: Option<&'l mut TrialLog>,
}

/// Runs trial `trial` of `model`. The outcome is held in `scratch` until its next trial.
pub fn run_trial<'s>(model: &Model, trial: u64, scratch: &'s mut Scratch) -> &'s TrialOutcome {
    run(model, trial, scratch, None)
}

/// Runs trial `trial` of `model` and records every opportunity event and each account's months in the
/// demand pool into `log` (cleared first). The outcome is identical to [`run_trial`]'s.
pub fn run_trial_logged<'s>(
    model: &Model,
    trial: u64,
    scratch: &'s mut Scratch,
    log: &mut TrialLog,
) -> &'s TrialOutcome {
    log.events.clear();
    reset(&mut log.pool_covered, model.accounts.len(), 0);
    reset(&mut log.pool_uncovered, model.accounts.len(), 0);
    run(model, trial, scratch, Some(log))
}

fn run<'s>(
    model: &Model,
    trial: u64,
    scratch: &'s mut Scratch,
    log: Option<&mut TrialLog>,
) -> &'s TrialOutcome {
    let n_reps = model.reps.len();
    let h = model.horizon;
    let key = TrialKey::new(model.seed, trial);
    let market_factor = year_market_factor(model, &key.stream(0, Purpose::Parameters), 0);

    scratch.trial.reset(model, key, market_factor);
    // Prefixes start empty and find their place in the first month worked.
    scratch.epoch.reset(n_reps);
    let books = n_reps + 1;

    let mut t = Trial {
        model,
        key,
        market_factor,
        clock_scale: (1.0 / market_factor) as f32,
        out: std::mem::take(&mut scratch.outcome).reset(model, market_factor),
        log,
    };

    scratch.trial.first_clocks(model, key, t.clock_scale);
    scratch.epoch.start_pool_milli(model);
    for index in 0..model.carry_in.len() {
        t.carry_in(scratch, index);
    }

    // Within a run of months with one ownership (and one block of quarters), books do not touch each other:
    // a book's accounts, prefix, opportunity hours and closings are its own, and draws are keyed by account.
    // So each book is worked through the whole run before the next, and its accounts' state stays in the
    // nearest cache from one month to the next.
    let mut start = 0;
    while start < h {
        if start > 0 && start % MONTHS_PER_BLOCK == 0 {
            tally_quarters(model, scratch);
        }
        if start > 0 && start % MONTHS_PER_YEAR == 0 {
            t.new_year(scratch, start / MONTHS_PER_YEAR);
        }
        let epoch = model.epoch_of_month[start];
        if epoch != scratch.epoch.index {
            scratch.epoch.enter(model, epoch, &scratch.trial.threshold);
        }
        let end = (start + 1..h)
            .find(|&m| model.epoch_of_month[m] != epoch || m % MONTHS_PER_YEAR == 0)
            .unwrap_or(h);
        for book in 0..books {
            if book < n_reps {
                t.draw_availability(scratch, book, start..end);
            }
            // The widest covered prefix of the book in the quarter so far: the accounts covered at least
            // once in it are that prefix, marked once when the quarter (or the run) ends.
            let mut reach = 0;
            for month in start..end {
                t.close_month(scratch, month, book);
                if book < n_reps {
                    reach = reach.max(t.work_book(scratch, month, book));
                    if month % 3 == 2 || month + 1 == end {
                        mark_covered(&model.epochs[epoch], book, reach, month, scratch);
                        reach = 0;
                    }
                } else {
                    t.work_unowned(scratch, month);
                }
            }
        }
        start = end;
    }
    let n_ps = model.pipeline_segments.len();
    if n_ps > 0 {
        for sums in scratch.trial.book_pipeline.chunks_exact(n_ps) {
            for (total, &sum) in t.out.pipeline.iter_mut().zip(sums) {
                *total += sum;
            }
        }
    }
    if let Some(log) = t.log.as_deref_mut() {
        canonical_order(&mut log.events);
    }

    let targets = model.accounts.target.iter().filter(|&&x| x).count();
    if targets > 0 {
        tally_quarters(model, scratch);
        t.out.coverage_rate = scratch.trial.quarters_tallied as f64 / (targets * model.quarters()) as f64;
    }
    for c in &mut t.out.covered {
        *c /= h as f64;
    }
    scratch.outcome = t.out;
    &scratch.outcome
}

/// The model's [`TrialStart`], made by the first trial that asks.
#[inline]
fn trial_start(model: &Model) -> &TrialStart {
    model.trial_start.get_or_init(|| TrialStart::of(model))
}

/// Months in a block of 8 quarters, one bit each in `TrialBuffers::quarters_covered`.
const MONTHS_PER_BLOCK: usize = 24;

/// Adds the (target account, quarter) pairs covered in the block just ended and clears the block.
fn tally_quarters(model: &Model, s: &mut Scratch) {
    // Eight accounts per 64-bit word: a target's byte is kept whole, any other is cleared, and the word's
    // bits are counted at once (widening each byte's count to 64 bits took twice as long).
    let target = &model.accounts.target;
    // A bool is one byte, 0 or 1: eight of them read as one word, times 0xFF, is a mask of whole bytes.
    let mask = |t: &[bool]| t.iter().rev().fold(0u64, |m, &x| (m << 8) | u64::from(x)) * 0xFF;
    let word = |q: &[u8]| q.iter().rev().fold(0u64, |w, &x| (w << 8) | u64::from(x));
    let (quarters, rest) = s.trial.quarters_covered.split_at(s.trial.quarters_covered.len() / 8 * 8);
    let (targets, rest_targets) = target.split_at(quarters.len());
    let mut tally = u64::from((word(rest) & mask(rest_targets)).count_ones());
    // Whole words: the same little-endian words as `word` and `mask`, loaded at once.
    for (q, t) in quarters.chunks_exact(8).zip(targets.chunks_exact(8)) {
        let q = u64::from_le_bytes(q.try_into().expect("chunks of eight"));
        let t = u64::from_le_bytes(<[bool; 8]>::try_from(t).expect("chunks of eight").map(u8::from)) * 0xFF;
        tally += u64::from((q & t).count_ones());
    }
    s.trial.quarters_tallied += tally;
    s.trial.quarters_covered.iter_mut().for_each(|q| *q = 0);
}

/// Marks the first `reach` accounts of book `book` of `epoch` covered in the quarter of `month`.
fn mark_covered(epoch: &Epoch, book: usize, reach: usize, month: usize, s: &mut Scratch) {
    let bit = 1u8 << ((month / 3) % 8);
    let book = &epoch.books[book][..reach];
    match (epoch.contiguous, book.first()) {
        (true, Some(first)) => {
            let start = first.account as usize;
            s.trial.quarters_covered[start..start + reach].iter_mut().for_each(|q| *q |= bit);
        }
        _ => book.iter().for_each(|e| s.trial.quarters_covered[e.account as usize] |= bit),
    }
}

/// [`EpochBuffers::pool_milli`] of an account in `slot` whose demand clock is `threshold`: its prospecting
/// milli-hours when it is in the pool, 0 when it is not.
#[inline]
fn pool_hours(slot: &PoolSlot, threshold: f32) -> u32 {
    if threshold == OUT_OF_POOL { 0 } else { slot.milli_hours }
}

/// The buffers of a batch of draws made in one vector pass: deal-stream uniforms through [`DealDraws::draw`];
/// a book-month's closing draws and a rep's availability fill them directly.
#[derive(Debug, Default)]
struct DealDraws {
    entity: Vec<u32>,
    counter: Vec<u32>,
    /// A closing's demand-stream counter (see [`closing_draws`]).
    clock_counter: Vec<u32>,
    draws: Vec<f64>,
}

impl DealDraws {
    /// The fate uniforms of the next deals of the accounts in `fired` (model indices), then their cycle
    /// uniforms: `2 × fired.len()` draws in one pass.
    fn draw_fates_and_cycles(&mut self, key: TrialKey, fired: &[u32], state: &[AccountState]) -> &mut [f64] {
        let n = fired.len();
        let (entity, counter) = (room(&mut self.entity, 2 * n), room(&mut self.counter, 2 * n));
        let (fate_entity, cycle_entity) = entity.split_at_mut(n);
        let (fate_counter, cycle_counter) = counter.split_at_mut(n);
        for (i, &a) in fired.iter().enumerate() {
            let st = &state[a as usize];
            (fate_entity[i], cycle_entity[i]) = (st.market_index, st.market_index);
            fate_counter[i] = deal_counter(st.deal_count, DealDraw::Win);
            cycle_counter[i] = deal_counter(st.deal_count, DealDraw::Cycle);
        }
        let out = room(&mut self.draws, 2 * n);
        uniforms(key, Purpose::Deal, entity, counter, out);
        out
    }
}

impl TrialBuffers {
    /// Books `milli` hours a month on an open deal to `rep` for months `from..to`, clipped to the horizon
    /// `h`: O(1) however long the deal, and no branch on its length.
    #[inline]
    fn book_opp_hours(&mut self, rep: u32, from: usize, to: usize, milli: i64, h: usize) {
        let row = rep as usize * (h + 1);
        self.opp_delta[row + from.min(h)] += milli;
        self.opp_delta[row + to.min(h)] -= milli;
    }
}

/// Asks the processor to bring the cache line of `x` into its nearest cache, for a scattered read that
/// follows: a hint, which changes no result.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing architecturally and cannot fault; SSE is in the x86-64 baseline.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// The first `n` elements of `v`, grown to them if it is shorter; what they hold is left over from earlier
/// use (for buffers that are written in full before they are read: no zeroing on every use).
fn room<T: Copy + Default>(v: &mut Vec<T>, n: usize) -> &mut [T] {
    if v.len() < n {
        v.resize(n, T::default());
    }
    &mut v[..n]
}

fn reset<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

impl Trial<'_, '_> {
    /// Enters plan year `year` (from month `12 × year`, every book worked to its start): its market factor
    /// drawn, the win rates of deals opened from now on and the clocks drawn from now on scaled by it, and
    /// every pending clock carried over ([`carried_clock`]).
    fn new_year(&mut self, s: &mut Scratch, year: usize) {
        let model = self.model;
        let new = year_market_factor(model, &self.key.stream(0, Purpose::Parameters), year);
        let old = std::mem::replace(&mut self.market_factor, new);
        for (t, &h) in s.trial.threshold.iter_mut().zip(&s.trial.hazard) {
            *t = carried_clock(*t, h, old, new);
        }
        s.trial.set_market_factor(model, new);
        self.clock_scale = (1.0 / new) as f32;
    }

    /// Returns the account to the demand pool (its hours count again in its owner's prefix) when it is out
    /// of it, and gives it a fresh demand clock, the `demand_draws[a]`-th exponential of its demand stream
    /// over the market factor (times [`Model::clock_factor`] for expansion). The clock opens an opportunity
    /// when the accumulated hazard passes it; the market factor scales every hazard, so it divides the
    /// threshold instead. `clock` is the clock drawn with the month's closings ([`closing_draws`]) and the
    /// counter it was drawn at: another of the account's deals closed earlier in the month moved the
    /// counter on, and then the clock is drawn again.
    #[inline(always)]
    fn rejoin(&self, s: &mut Scratch, a: usize, clock: (f32, u32)) {
        if s.trial.threshold[a] == OUT_OF_POOL {
            self.join_pool(s, a);
        }
        let (mut clock, counter) = clock;
        let st = &mut s.trial.state[a];
        if counter != st.demand_draws {
            clock = self.redraw_clock(st.market_index, st.demand_draws);
        }
        st.demand_draws += 1;
        s.trial.threshold[a] = clock * self.model.clock_factor(a, st.motion);
        s.trial.hazard[a] = 0.0;
    }

    /// The demand clock at `counter` of the account of market index `entity`, for [`Self::rejoin`] when the
    /// clock drawn with the month's closings is not at the account's counter (rare: out of the hot path).
    #[cold]
    #[inline(never)]
    fn redraw_clock(&self, entity: u32, counter: u32) -> f32 {
        demand_clock(self.key, entity, counter, self.clock_scale)
    }

    /// Takes the account out of the demand pool (its hours leave its owner's prefix) if it is in it.
    #[inline(always)]
    fn leave(&self, s: &mut Scratch, a: usize) {
        if s.trial.threshold[a] != OUT_OF_POOL {
            let (r, inside) = self.prefix_place(s, a);
            self.leave_from(s, a, (r, inside));
        }
    }

    /// Takes account `a`, in the demand pool, out of it, at `place` ([`Self::prefix_place`]): its
    /// prospecting hours leave book `r`'s covered prefix when it is inside it. Whether it is inside is a
    /// coin flip to the branch predictor: it counts as a factor of 0 or 1.
    #[inline(always)]
    fn leave_from(&self, s: &mut Scratch, a: usize, (r, inside): (usize, bool)) {
        debug_assert_eq!(s.epoch.pool_milli[a], self.model.epochs[s.epoch.index].pool_slot[a].milli_hours);
        let milli = std::mem::take(&mut s.epoch.pool_milli[a]);
        s.epoch.used[r] -= i64::from(inside) * i64::from(milli);
        s.trial.threshold[a] = OUT_OF_POOL;
    }

    /// Whether account `a` belongs in the demand pool: its motion has demand and a free slot.
    #[inline]
    fn belongs_in_pool(&self, s: &Scratch, a: usize) -> bool {
        // As `Model::wants_opportunity`, with the segment from the account's record.
        let (model, st) = (self.model, &s.trial.state[a]);
        model.has_demand(a, st.motion, st.whitespace)
            && st.open < model.segments[usize::from(st.segment)].motion(st.motion).max_open
    }

    /// The segment's drawn win rate for `motion` of account `a`, with the shock's multiplier and the market
    /// factor.
    #[inline]
    fn segment_rate(&self, s: &Scratch, a: usize, motion: SalesMotion) -> f64 {
        let model = self.model;
        s.trial.draw_win[model.segments[usize::from(s.trial.state[a].segment)].motion(motion).win_draw]
    }

    /// Puts the account's prospecting hours back in its pool slot, and in its owner's covered prefix when
    /// it is in it (the caller gives it a clock).
    #[inline(always)]
    fn join_pool(&self, s: &mut Scratch, a: usize) {
        let (r, inside) = self.prefix_place(s, a);
        let milli = self.model.epochs[s.epoch.index].pool_slot[a].milli_hours;
        s.epoch.pool_milli[a] = milli;
        s.epoch.used[r] += i64::from(inside) * i64::from(milli);
    }

    /// The book whose prefix counts account `a`'s prospecting hours (its owner's in the epoch, the spare
    /// last one, whose prefix stays empty, for no owner) and whether the account is inside that prefix.
    #[inline(always)]
    fn prefix_place(&self, s: &Scratch, a: usize) -> (usize, bool) {
        let slot = &self.model.epochs[s.epoch.index].pool_slot[a];
        let r = (slot.rep as usize).min(self.model.reps.len());
        (r, (slot.position as usize) < s.epoch.cut[r])
    }

    /// Draws rep `r`'s availability in each month of `months` into [`BatchBuffers::availability`]: the normals
    /// in vector passes.
    fn draw_availability(&self, s: &mut Scratch, r: usize, months: std::ops::Range<usize>) {
        let model = self.model;
        let n = months.len();
        s.batch.availability_from = months.start;
        let out = room(&mut s.batch.availability, n);
        if model.availability_sd == 0.0 {
            out.fill(model.availability_mean);
            return;
        }
        let d = &mut s.batch.deal_draws;
        let (entity, counter) = (room(&mut d.entity, n), room(&mut d.counter, n));
        entity.fill(r as u32);
        // `Stream::normal(month)` draws the uniform at counter `2 × month`.
        for (c, month) in counter.iter_mut().zip(months) {
            *c = 2 * month as u32;
        }
        uniforms(self.key, Purpose::Availability, entity, counter, out);
        inverse_normal_cdfs(out);
        for a in out {
            *a = (model.availability_mean + model.availability_sd * *a).clamp(0.0, 1.0);
        }
    }

    /// Works rep `r`'s book for `month`: covers its prefix, adds the month's hazard and opens the
    /// opportunities whose clocks ran out. Returns the length of the covered prefix.
    fn work_book(&mut self, s: &mut Scratch, month: usize, r: usize) -> usize {
        let model = self.model;
        let h = model.horizon;
        let epoch = &model.epochs[model.epoch_of_month[month]];
        let availability = s.batch.availability[month - s.batch.availability_from];
        let accounts = &model.accounts;
        let book = &epoch.books[r];
        let capacity = model.reps[r].capacity[month];
        s.trial.opp_now[r] += s.trial.opp_delta[r * (h + 1) + month];
        let budget =
            if capacity > 0.0 { (capacity * availability * 1000.0) as i64 - s.trial.opp_now[r] } else { 0 };
        // Every account before the cut is covered: those in the pool got their hours, the others are
        // being worked through an open opportunity.
        let (cut, used) = (&mut s.epoch.cut[r], &mut s.epoch.used[r]);
        let cut = match (epoch.contiguous, book.first()) {
            // The book is a run of model indices: its accounts' hours are a slice, no entry to go through.
            (true, Some(first)) => {
                let start = first.account as usize;
                covered_prefix(
                    &s.epoch.pool_milli[start..start + book.len()],
                    |&milli| milli,
                    cut,
                    used,
                    budget,
                )
            }
            _ => covered_prefix(book, |e| s.epoch.pool_milli[e.account as usize], cut, used, budget),
        };
        self.out.covered[r] += cut as f64;
        if let Some(log) = self.log.as_deref_mut() {
            for (i, entry) in book.iter().enumerate() {
                let a = entry.account as usize;
                if s.trial.threshold[a] != OUT_OF_POOL {
                    let m = accounts.market_index[a] as usize;
                    let slot = if i < cut { &mut log.pool_covered[m] } else { &mut log.pool_uncovered[m] };
                    *slot += 1;
                }
            }
        }
        match (epoch.contiguous, book.first()) {
            (true, Some(first)) => {
                // The book is a contiguous run of model indices: the hazard update is a plain vector loop.
                let start = first.account as usize;
                let (mid, end) = (start + cut, start + book.len());
                // Opportunities open in book order: the covered part first, then the rest.
                let (hazard, threshold) = (&mut s.trial.hazard, &s.trial.threshold);
                let covered = &accounts.hazard_covered[start..mid];
                accumulate_fired(
                    &mut hazard[start..mid],
                    covered,
                    &threshold[start..mid],
                    start,
                    &mut s.batch.fired,
                );
                s.batch.fired_covered = s.batch.fired.len();
                let inbound = &accounts.hazard_inbound[mid..end];
                accumulate_fired(
                    &mut hazard[mid..end],
                    inbound,
                    &threshold[mid..end],
                    mid,
                    &mut s.batch.fired,
                );
            }
            _ => {
                for (i, entry) in book.iter().enumerate() {
                    let a = entry.account as usize;
                    if i == cut {
                        s.batch.fired_covered = s.batch.fired.len();
                    }
                    s.trial.hazard[a] += if i < cut { entry.hazard_covered } else { entry.hazard_inbound };
                    if s.trial.hazard[a] >= s.trial.threshold[a] {
                        s.batch.fired.push(entry.account);
                    }
                }
                if cut == book.len() {
                    s.batch.fired_covered = s.batch.fired.len();
                }
            }
        }
        self.open_fired(s, month, r as u32);
        cut
    }

    /// Works the accounts with no owner for `month`: inbound demand only.
    fn work_unowned(&mut self, s: &mut Scratch, month: usize) {
        let model = self.model;
        let accounts = &model.accounts;
        s.batch.fired_covered = 0;
        for entry in &model.epochs[model.epoch_of_month[month]].unowned {
            let a = entry.account as usize;
            if let Some(log) = self.log.as_deref_mut()
                && s.trial.threshold[a] != OUT_OF_POOL
            {
                log.pool_uncovered[accounts.market_index[a] as usize] += 1;
            }
            s.trial.hazard[a] += entry.hazard_inbound;
            if s.trial.hazard[a] >= s.trial.threshold[a] {
                s.batch.fired.push(entry.account);
            }
        }
        self.open_fired(s, month, NO_OWNER);
    }

    fn open_fired(&mut self, s: &mut Scratch, month: usize, owner: u32) {
        let model = self.model;
        let acc = &model.accounts;
        let (mut fired, mut cycles, mut won) = (
            std::mem::take(&mut s.batch.fired),
            std::mem::take(&mut s.batch.cycles),
            std::mem::take(&mut s.batch.won),
        );
        // The scattered reads of the openings below, started now so that the draws hide their latency (an
        // account's lines are out of the nearest caches when a trial reaches its book).
        let epoch = &model.epochs[s.epoch.index];
        for &a in &fired {
            let a = a as usize;
            prefetch(&acc.potential[a]);
            prefetch(&acc.pipeline_segment[a]);
            prefetch(&epoch.win_factor[a]);
        }
        // Every fate and cycle first: the draws in one vector pass (the fates, then the cycles), and no
        // branch waits on them.
        let n = fired.len();
        let state = &s.trial.state;
        let draws = s.batch.deal_draws.draw_fates_and_cycles(self.key, &fired, state);
        let (fates, cycle_draws) = draws.split_at(n);
        won.clear();
        let draw_win = &s.trial.draw_win;
        won.extend(fired.iter().zip(fates).map(|(&a, &u)| {
            let st = &state[a as usize];
            let draw = model.segments[usize::from(st.segment)].motion(st.motion).win_draw;
            u < win_probability(draw_win[draw], epoch.win_factor[a as usize])
        }));
        let table = |i: usize| {
            let st = &state[fired[i] as usize];
            let m = model.segments[usize::from(st.segment)].motion(st.motion);
            &if won[i] { &m.won } else { &m.lost }.cdf[..]
        };
        cycle_months(cycle_draws, table, room(&mut cycles, n));
        if owner != NO_OWNER {
            self.out.opportunities[owner as usize] += fired.len() as u32;
        }
        let covered = s.batch.fired_covered;
        for (i, ((&a, &cycle), &won)) in fired.iter().zip(&cycles).zip(&won).enumerate() {
            self.open(s, a as usize, month, owner, (cycle as usize, won), i < covered);
        }
        fired.clear();
        (s.batch.fired, s.batch.cycles, s.batch.won) = (fired, cycles, won);
    }

    /// Opens an opportunity on account `a` in `month` under `owner`, with the cycle and fate drawn for it:
    /// it takes a slot (the account leaves the pool when the motion's slots are full, else it gets a fresh
    /// clock), and its close is filed. Its clock fired, so it is in the pool, and in its owner's covered
    /// prefix when `covered`.
    #[inline]
    fn open(
        &mut self,
        s: &mut Scratch,
        a: usize,
        month: usize,
        owner: u32,
        (cycle, won): (usize, bool),
        covered: bool,
    ) {
        let model = self.model;
        let acc = &model.accounts;
        let st = &mut s.trial.state[a];
        let (seg, motion) = (&model.segments[usize::from(st.segment)], st.motion);
        let m = seg.motion(motion);
        let number = st.deal_count;
        st.deal_count += 1;
        st.open += 1;
        if st.open < m.max_open {
            let counter = st.demand_draws;
            let clock = demand_clock(self.key, st.market_index, counter, self.clock_scale);
            self.rejoin(s, a, (clock, counter));
        } else {
            // As `leave`, with the prefix place the batch knows (its book, and whether it fired in the
            // covered part) instead of the one its pool slot gives.
            let place = (book_of(model, owner), covered);
            debug_assert_eq!(self.prefix_place(s, a), place);
            self.leave_from(s, a, place);
        }

        self.record(OppEventKind::Opened, a, month, owner, (number, motion), |t| {
            t.model.deal_value(a, motion, t.value_normal(a, number))
        });
        let n_ps = model.pipeline_segments.len();
        let book = book_of(model, owner);
        s.trial.book_pipeline[book * n_ps + usize::from(acc.pipeline_segment[a])] +=
            acc.potential[a] * m.value_scale * model.deal_multiplier;

        let closing =
            Closing { account: a as u32, deal: number, carry: DRAWN, motion, won, handoff_lost: false };
        self.schedule(s, a, month, owner, month + cycle, closing);
    }

    /// Books an open deal's hours to each month's owner until `close` and files its close: at `close`, or
    /// earlier when a handoff loses it (its owner has left by a month in which the account has another
    /// owner). Deals that close after the horizon go to month `h`, which is never worked.
    #[inline(always)]
    fn schedule(&mut self, s: &mut Scratch, a: usize, from: usize, owner: u32, close: usize, c: Closing) {
        let model = self.model;
        if model.epochs.len() == 1 {
            // One owner throughout, so no handoff: the deal takes the owner's hours until it closes.
            let (seg, h) = (&model.segments[usize::from(model.accounts.segment[a])], model.horizon);
            if owner != NO_OWNER && close > from {
                s.trial.book_opp_hours(owner, from + 1, close, seg.opp_milli_hours, h);
            }
            s.trial.closings.file(closing_slot(model, close.min(h), book_of(model, owner)), c);
            return;
        }
        self.schedule_moving(s, a, from, owner, close, c);
    }

    /// [`Self::schedule`] when books move during the horizon: month by month, with the handoff.
    #[inline(never)]
    fn schedule_moving(
        &mut self,
        s: &mut Scratch,
        a: usize,
        from: usize,
        owner: u32,
        close: usize,
        c: Closing,
    ) {
        let model = self.model;
        let seg = &model.segments[usize::from(model.accounts.segment[a])];
        let h = model.horizon;
        let handoff_draw = self.deal_stream(a).uniform(u64::from(deal_counter(c.deal, DealDraw::Handoff)));
        let mut current = owner;
        for t in from + 1..=close.min(h - 1) {
            let next = model.epochs[model.epoch_of_month[t]].owner[a];
            let handed_off = next != current && current != NO_OWNER && departed_before(model, current, t);
            if handed_off && handoff_draw < seg.handoff_loss {
                s.trial.closings.file(closing_slot(model, t, book_of(model, next)), c.handed_off());
                return;
            }
            current = next;
            if current != NO_OWNER && t < close {
                s.trial.book_opp_hours(current, t, t + 1, seg.opp_milli_hours, h);
            }
        }
        if close < h {
            s.trial.closings.file(closing_slot(model, close, book_of(model, current)), c);
        }
    }

    /// Books the deals of `book` due to close in `month`. The book is the owner at the close (the deals are
    /// filed under it), with the last book for the accounts with no owner.
    fn close_month(&mut self, s: &mut Scratch, month: usize, book: usize) {
        let model = self.model;
        let slot = closing_slot(model, month, book);
        if s.trial.closings.is_empty(slot) {
            return;
        }
        let owner = if book < model.reps.len() { book as u32 } else { NO_OWNER };
        // As the oracle books them: with books that move, in account order (an account's own deals in the
        // order they opened), whichever book opened them; with one owner throughout, in the order they opened.
        let mut closings = s.trial.closings.take(slot, &mut s.batch.closings);
        if model.epochs.len() > 1 {
            closings.sort_unstable_by_key(|c| (c.account, c.deal));
        }
        let mut clocks = std::mem::take(&mut s.batch.clocks);
        // Every value draw first, and the clock each account gets if it rejoins the pool, in vector passes.
        let acc = &model.accounts;
        let d = &mut s.batch.deal_draws;
        let n = closings.len();
        let (entity, counter) = (room(&mut d.entity, n), room(&mut d.counter, n));
        let clock_counter = room(&mut d.clock_counter, n);
        let epoch = &model.epochs[s.epoch.index];
        for (i, c) in closings.iter().enumerate() {
            let a = c.account as usize;
            // The closing's scattered reads, started before the draws (see `open_fired`).
            prefetch(&acc.expansion_clock[a]);
            prefetch(&epoch.pool_slot[a]);
            prefetch(&acc.potential[a]);
            let st = &s.trial.state[a];
            (entity[i], counter[i]) = (st.market_index, deal_counter(c.deal, DealDraw::Value));
            clock_counter[i] = st.demand_draws;
        }
        let (draws, scale) = (room(&mut d.draws, n), self.clock_scale);
        closing_draws(self.key, entity, counter, clock_counter, scale, draws, room(&mut clocks, n));
        for (i, c) in closings.iter().enumerate() {
            let (u, clock) = (s.batch.deal_draws.draws[i], (clocks[i], s.batch.deal_draws.clock_counter[i]));
            self.close(s, month, owner, c, u, clock);
        }
        s.trial.closings.give_back(slot, closings, &mut s.batch.closings);
        s.batch.clocks = clocks;
    }

    /// Books closing `c` of `owner` in `month`: `u` is the uniform of its value draw (its value is worked
    /// out for a win only) and `clock` the demand clock the account gets if it rejoins the pool. A won expansion deal takes what is left of
    /// the whitespace at most (with none left it is lost); a won new-business deal makes the account a
    /// customer. The account is back in the pool with a fresh clock when a slot freed or its motion
    /// changed, and out of it when its whitespace ran out.
    fn close(&mut self, s: &mut Scratch, month: usize, owner: u32, c: &Closing, u: f64, clock: (f32, u32)) {
        let model = self.model;
        let a = c.account as usize;
        let was_in_pool = s.trial.threshold[a] != OUT_OF_POOL;
        let st = &mut s.trial.state[a];
        let before = st.motion;
        st.open -= 1;
        let (expansion, whitespace) = (c.motion == SalesMotion::Expansion, st.whitespace);
        let won = c.won && !c.handoff_lost && !(expansion && whitespace <= 0.0);
        let value = |t: &Self| {
            let value = t.value(c, inverse_normal_cdf(u));
            if expansion { value.min(whitespace) } else { value }
        };
        if !won {
            self.record(OppEventKind::Lost, a, month, owner, (c.deal, c.motion), value);
        } else {
            let value = value(self);
            self.record(OppEventKind::Won, a, month, owner, (c.deal, c.motion), |_| value);
            let st = &mut s.trial.state[a];
            if expansion {
                st.whitespace -= value;
            } else {
                st.motion = SalesMotion::Expansion;
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
        if self.belongs_in_pool(s, a) {
            if !was_in_pool || s.trial.state[a].motion != before {
                self.rejoin(s, a, clock);
            }
        } else {
            self.leave(s, a);
        }
    }

    #[inline]
    fn deal_stream(&self, a: usize) -> Stream {
        self.key.stream(u64::from(self.model.accounts.market_index[a]), Purpose::Deal)
    }

    /// The value of a closing deal: given for a carry-in, else drawn from `z`, the standard normal of its
    /// value draw ([`Self::value_normal`]).
    fn value(&self, c: &Closing, z: f64) -> f64 {
        if c.carry != DRAWN {
            return self.model.carry_in[c.carry as usize].value;
        }
        self.model.deal_value(c.account as usize, c.motion, z)
    }

    /// The standard normal of the value draw of deal number `deal` of account `a`.
    fn value_normal(&self, a: usize, deal: u32) -> f64 {
        self.deal_stream(a).normal_at(u64::from(deal_counter(deal, DealDraw::Value)))
    }
}

impl Trial<'_, '_> {
    /// Logs an event of a logged trial; `value` is only worked out when there is a log.
    fn record(
        &mut self,
        kind: OppEventKind,
        a: usize,
        month: usize,
        owner: u32,
        (deal, motion): (u32, SalesMotion),
        value: impl FnOnce(&Self) -> f64,
    ) {
        if self.log.is_none() {
            return;
        }
        let value = value(self);
        let account = self.model.accounts.market_index[a];
        if let Some(log) = self.log.as_deref_mut() {
            log.events.push(OppEvent { kind, account, month: month as u16, owner, deal, motion, value });
        }
    }

    /// Files an opportunity open at the start: it takes a slot of its account, its fate is drawn given its
    /// age ([`Model::carried_win_probability`]) and its cycle from that fate's distribution given that it
    /// is still open at its age.
    fn carry_in(&mut self, s: &mut Scratch, index: usize) {
        let c = &self.model.carry_in[index];
        let model = self.model;
        let a = c.account as usize;
        let seg = &model.segments[usize::from(model.accounts.segment[a])];
        let m = seg.motion(c.motion);
        let st = &mut s.trial.state[a];
        let number = st.deal_count;
        (st.deal_count, st.open) = (number + 1, st.open + 1);
        if !self.belongs_in_pool(s, a) {
            self.leave(s, a);
        }
        let deal = self.deal_stream(a);
        let owner = model.epochs[model.epoch_of_month[0]].owner[a];
        let p = win_probability(self.segment_rate(s, a, c.motion), model.epochs[0].win_factor[a]);
        let win_draw = deal.uniform(u64::from(deal_counter(number, DealDraw::Win)));
        let won = win_draw < model.carried_win_probability(a, c.motion, p, c.age_months);
        let cycle_draw = deal.uniform(u64::from(deal_counter(number, DealDraw::Cycle)));
        let close = if won { &m.won } else { &m.lost }.remaining_after(c.age_months, cycle_draw);
        let h = model.horizon;
        // As an opened deal, with the owner's hours in the first month too.
        if owner != NO_OWNER && close > 0 {
            s.trial.book_opp_hours(owner, 0, 1, seg.opp_milli_hours, h);
        }
        let closing = Closing {
            account: c.account,
            deal: number,
            carry: index as u32,
            motion: c.motion,
            won,
            handoff_lost: false,
        };
        self.schedule(s, a, 0, owner, close, closing);
    }
}

/// The covered prefix of a book: accounts in priority order while the month's prospecting hours last,
/// stopping at the first that does not fit; accounts out of the pool need no prospecting hours
/// (`pool_milli` is 0 for them). That is the longest prefix whose pool hours fit (they are not negative),
/// found by moving last month's prefix `cut`, whose pool hours are `used` (milli-hours), back while it does
/// not fit and on while the next fits.
/// `book` is the book's entries in priority order and `milli` an entry's `pool_milli`.
#[inline]
fn covered_prefix<T>(
    book: &[T],
    milli: impl Fn(&T) -> u32,
    cut: &mut usize,
    used: &mut i64,
    budget: i64,
) -> usize {
    let budget = budget.max(0);
    let need = |entry: &T| i64::from(milli(entry));
    let (mut c, mut u) = (*cut, *used);
    while u > budget {
        c -= 1;
        u -= need(&book[c]);
    }
    while let Some(entry) = book.get(c) {
        let w = need(entry);
        if u + w > budget {
            break;
        }
        u += w;
        c += 1;
    }
    (*cut, *used) = (c, u);
    c
}

/// The book of `owner` in [`TrialBuffers::closings`] and [`TrialBuffers::book_pipeline`]: its rep index, or the last
/// book for [`NO_OWNER`].
#[inline]
fn book_of(model: &Model, owner: u32) -> usize {
    (owner as usize).min(model.reps.len())
}

/// The entry of [`TrialBuffers::closings`] for the deals of `book` closing in `month`: book-major, so that the
/// entries a book's run of months reads and fills sit together.
#[inline]
fn closing_slot(model: &Model, month: usize, book: usize) -> usize {
    book * (model.horizon + 1) + month
}

/// Puts a logged trial's events in an order that does not depend on how the trial was worked: by month,
/// then account, a deal's close before the next opening on the same account in the same month, then the
/// deal's number.
pub(crate) fn canonical_order(events: &mut [OppEvent]) {
    events.sort_by_key(|e| (e.month, e.account, e.kind == OppEventKind::Opened, e.deal));
}

fn departed_before(model: &Model, rep: u32, month: usize) -> bool {
    model.reps[rep as usize].last_month.is_some_and(|last| last < month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closing(account: u32) -> Closing {
        Closing {
            account,
            deal: 0,
            carry: DRAWN,
            motion: SalesMotion::NewBusiness,
            won: true,
            handoff_lost: false,
        }
    }

    fn accounts(closings: &[Closing]) -> Vec<u32> {
        closings.iter().map(|c| c.account).collect()
    }

    #[test]
    fn a_full_slot_overflows_and_gives_its_closings_back_in_the_order_filed() {
        let (mut filed, mut spare) = (FiledClosings::default(), Vec::new());
        filed.reset(3);
        (0..2).for_each(|a| filed.file(1, closing(a)));
        // Sized from the first trial: slot 1 holds 2 · 2 + 4, the others 4.
        filed.reset(3);
        assert_eq!(filed.slots.iter().map(Vec::capacity).collect::<Vec<_>>(), [4, 8, 4]);
        for a in 0..7 {
            filed.file(0, closing(a));
            filed.file(2, closing(100 + a));
        }
        assert!(filed.is_empty(1) && !filed.is_empty(0));
        assert_eq!(filed.overflow.len(), 6, "three of each slot's seven overflow");
        let mut got = filed.take(0, &mut spare);
        assert!(filed.overflowed[0]);
        assert_eq!(accounts(&got), [0, 1, 2, 3, 4, 5, 6]);
        got.push(closing(99));
        filed.give_back(0, got, &mut spare);
        let got = filed.take(2, &mut spare);
        assert_eq!(accounts(&got), [100, 101, 102, 103, 104, 105, 106]);
        filed.give_back(2, got, &mut spare);
        assert!(filed.slots.iter().map(Vec::capacity).eq([4, 8, 4]), "the slots' buffers never grow");
        // A slot that did not overflow lends its own buffer.
        filed.reset(3);
        filed.file(1, closing(7));
        let got = filed.take(1, &mut spare);
        assert!(!filed.overflowed[1] && accounts(&got) == [7] && got.capacity() == 8);
    }

    /// A scratch whose closing slots are far too small for the trials it runs (all of them overflowing)
    /// books the same outcomes as a fresh one and as the oracle: with one owner throughout (closings in the
    /// order filed) and with a departure (closings sorted by account).
    #[test]
    fn overflowing_closing_slots_change_no_outcome() {
        for name in ["baseline", "departure"] {
            let (scenario, market) = super::super::reference::tests::northstar(name);
            let model = crate::scenario::compile(&scenario, &market, market.plan(), None).expect("compile");
            let (mut fresh, mut small) = (Scratch::default(), Scratch::default());
            run_trial(&model, 0, &mut small);
            let slots = &mut small.trial.closings.slots;
            slots.iter_mut().for_each(|filed| *filed = Vec::with_capacity(1));
            small.trial.closings.sized = true;
            for t in 1..4 {
                let expected = run_trial(&model, t, &mut fresh).clone();
                assert_eq!(*run_trial(&model, t, &mut small), expected, "{name} trial {t}");
                assert!(!small.trial.closings.overflow.is_empty(), "{name} trial {t} overflows");
                let oracle = super::super::reference::run_reference(&model, t, None);
                assert_eq!(expected, oracle, "{name} trial {t}");
            }
        }
    }
}
