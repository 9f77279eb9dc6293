//! The compiled model: dense arrays indexed by account, rep, segment and month. Built once per
//! (scenario, plan, shock) by `scenario::compile`; read-only during the simulation.

use rand_distr::{Beta, Distribution};

use super::rng::{Stream, inverse_normal_cdf, normal_cdf};
use super::trial::TrialStart;

/// Marks "no owner" in [`Epoch::owner`].
pub const NO_OWNER: u32 = u32::MAX;

/// Per-account arrays, all of length `n`, in model order (books contiguous, highest priority first).
#[derive(Debug, Clone, Default)]
pub struct AccountTable {
    /// Index of the account in the market (the key of its random streams, so that it is stable across
    /// plans).
    pub market_index: Vec<u32>,
    /// Parameter segment.
    pub segment: Vec<u16>,
    /// Pipeline segment (region/size band) for pipeline coverage.
    pub pipeline_segment: Vec<u16>,
    /// Monthly hazard of opening an opportunity while covered.
    pub hazard_covered: Vec<f32>,
    /// Monthly hazard of opening an opportunity while uncovered (inbound).
    pub hazard_inbound: Vec<f32>,
    /// Mean deal value (the account's potential).
    pub potential: Vec<f64>,
    /// Vertical id.
    pub vertical: Vec<u16>,
    /// Competitive-difficulty factor on the win rate.
    pub competitive: Vec<f32>,
    /// Counts toward the coverage rate: a target tier, and demand to work at the start (a prospect, or a
    /// customer with expansion room).
    pub target: Vec<bool>,
    /// Already a customer at the start: it opens expansion opportunities, not new business.
    pub customer: Vec<bool>,
    /// Expansion room (whitespace) in money at the start: won expansion deals use it up.
    pub whitespace: Vec<f64>,
    /// What an expansion demand clock is multiplied by: the account's new-business hazard over its
    /// expansion hazard (so that the monthly hazards of the books serve both motions), or infinity when the
    /// account has no expansion demand.
    pub expansion_clock: Vec<f32>,
}

impl AccountTable {
    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.market_index.len()
    }

    /// True when there are no accounts.
    pub fn is_empty(&self) -> bool {
        self.market_index.is_empty()
    }
}

/// A rep as the simulation sees it.
#[derive(Debug, Clone)]
pub struct RepModel {
    /// Rep id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team.
    pub team: String,
    /// Pipeline segment the rep's quota counts toward (region/role).
    pub pipeline_segment: u16,
    /// Selling hours in each month before random availability and open-opportunity time: base capacity ×
    /// ramp × active.
    pub capacity: Vec<f64>,
    /// Quota over the horizon, pro-rated by the quota policy.
    pub quota: f64,
    /// Win-rate multiplier.
    pub skill: f64,
    /// Expert verticals, by vertical id.
    pub expert: Vec<bool>,
    /// Last selling month (0-based) when the rep departs in the horizon.
    pub last_month: Option<usize>,
}

/// The two ways an account buys: a prospect's first purchase, and a customer's later ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum SalesMotion {
    /// A prospect's first purchase (a new logo).
    NewBusiness = 0,
    /// A customer's upsell or cross-sell, against its remaining whitespace.
    Expansion = 1,
}

impl SalesMotion {
    /// Both motions, in index order.
    pub const ALL: [SalesMotion; 2] = [SalesMotion::NewBusiness, SalesMotion::Expansion];

    /// The motion's index in [`SegmentModel::motions`].
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The motion an account starts in.
    pub fn of_customer(customer: bool) -> Self {
        if customer { SalesMotion::Expansion } else { SalesMotion::NewBusiness }
    }

    /// The motion's label in results and logs.
    pub fn label(self) -> &'static str {
        match self {
            SalesMotion::NewBusiness => "new_business",
            SalesMotion::Expansion => "expansion",
        }
    }
}

/// The win probability of a deal: the segment's drawn rate for the deal's motion (times the shock's
/// multiplier and the market factor) times the owner's factor ([`Epoch::win_factor`]: competitive
/// difficulty × skill × vertical lift), clamped to [0, 1]. The one place it is computed, for the fast path,
/// the oracle and the carried-in pipeline.
#[inline]
pub fn win_probability(segment_rate: f64, win_factor: f64) -> f64 {
    (segment_rate * win_factor).clamp(0.0, 1.0)
}

/// The segment rate [`win_probability`] takes: a trial's drawn win rate times the shock's multiplier
/// ([`Model::win_multiplier`]) times the trial's market factor. The one place it is assembled.
#[inline]
pub fn segment_rate(drawn_rate: f64, win_multiplier: f64, market_factor: f64) -> f64 {
    drawn_rate * win_multiplier * market_factor
}

/// Months in a plan year: a trial draws its market factor once per plan year.
pub const MONTHS_PER_YEAR: usize = 12;

/// Counter of the parameter stream's normal that draws a trial's level factor (years use `0..`).
const LEVEL_COUNTER: u64 = 1 << 32;

/// The market factor of plan year `year` (0 from month 0, 1 from month 12, …) of the trial whose
/// parameter stream is `params`: the year's own lognormal factor (mean 1, log-sd
/// [`Model::market_factor_sigma`], one standard normal per year at counter `year` of stream 0, so that the
/// years of a long horizon, or of a simulated history, have independent market conditions) times the
/// trial's level factor (mean 1, log-sd [`Model::level_sigma`], one normal shared by every year). With no
/// level factor, the first year's factor is the one a 12-month run has always drawn, to the bit.
#[inline]
pub fn year_market_factor(model: &Model, params: &Stream, year: usize) -> f64 {
    let (sigma, level) = (model.market_factor_sigma, model.level_sigma);
    let year_log = sigma * params.normal(year as u64) - 0.5 * sigma * sigma;
    if level == 0.0 {
        return year_log.exp();
    }
    (year_log + level * params.normal(LEVEL_COUNTER) - 0.5 * level * level).exp()
}

/// A pending demand clock carried from a plan year whose market factor is `old` into one whose factor is
/// `new`: the hazard still to accumulate before it fires, `threshold − hazard`, was scaled by `1 / old`
/// and is now scaled by `1 / new`. An account out of the pool (an infinite threshold) stays out.
#[inline]
pub fn carried_clock(threshold: f32, hazard: f32, old: f64, new: f64) -> f32 {
    hazard + (threshold - hazard) * (old / new) as f32
}

/// A lognormal cycle, as the trial loop draws it.
#[derive(Debug, Clone)]
pub struct CycleModel {
    /// ln of the median cycle in months.
    pub mu: f64,
    /// Lognormal sigma.
    pub sigma: f64,
    /// The cycle as a discrete distribution over the horizon (see [`CycleModel::months`]): entry `k − 1` is
    /// the probability that the cycle rounds to at most `k` months, for `k` in `1..horizon`, padded to whole
    /// blocks of [`CYCLE_BLOCK`] with entries no uniform reaches.
    pub cdf: Vec<f64>,
    /// [`CycleModel::below`] of the ages below [`BELOW_AGES`], worked out once: a carried-in deal needs it
    /// every trial.
    below: Vec<f64>,
}

/// Ages (months) whose [`CycleModel::below`] is kept in a table.
const BELOW_AGES: u32 = 64;

impl CycleModel {
    /// The cycle of median `median` months and sigma `sigma` over `horizon` months.
    pub fn new(median: f64, sigma: f64, horizon: usize) -> Self {
        let mu = median.ln();
        let mut cycle = CycleModel { mu, sigma, cdf: Self::table(mu, sigma, horizon), below: Vec::new() };
        cycle.below = (0..BELOW_AGES).map(|age| cycle.below_exact(age)).collect();
        cycle
    }

    /// The table of [`CycleModel::cdf`] for a lognormal cycle of median `e^mu` and sigma `sigma` over
    /// `horizon` months: a deal closes `max(1, round(L))` months after it opens, so the cycle is at most `k`
    /// months when `L < k + ½`.
    pub fn table(mu: f64, sigma: f64, horizon: usize) -> Vec<f64> {
        let mut table: Vec<f64> = (1..horizon)
            .map(|k| {
                let bound = (k as f64 + 0.5).ln();
                if sigma > 0.0 {
                    normal_cdf((bound - mu) / sigma)
                } else if mu < bound {
                    // Certainly at most `k` months: no draw counts the entry.
                    NEVER
                } else {
                    0.0
                }
            })
            .collect();
        table.resize(table.len().next_multiple_of(CYCLE_BLOCK), NEVER);
        table
    }

    /// The cycle in months of the uniform draw `u` in (0, 1]: `max(1, round(L))` for the lognormal `L` whose
    /// quantile is `u`, capped at the horizon (every longer cycle closes after it, which is all a trial
    /// needs to know). One comparison per month of the table, with no quantile or exponential to compute.
    #[inline]
    pub fn months(&self, u: f64) -> usize {
        1 + self.cdf.iter().filter(|&&p| u >= p).count()
    }

    /// The probability that a deal of this cycle is still open at age `age` months (opened `age` months
    /// before the month in question): the model books a deal opened in month `m` with cycle `L` in month
    /// `m + max(1, round(L))`, so it is open at age `k` when `round(L) ≥ k`, that is `L ≥ k − ½`.
    pub fn open_at(&self, age: u32) -> f64 {
        1.0 - self.below(age)
    }

    /// `P(L < age − ½)`, 0 for ages below 2 (every deal is open a month).
    #[inline]
    pub fn below(&self, age: u32) -> f64 {
        match self.below.get(age as usize) {
            Some(&p) => p,
            None => self.below_exact(age),
        }
    }

    /// [`CycleModel::below`], worked out.
    fn below_exact(&self, age: u32) -> f64 {
        if age < 2 {
            return 0.0;
        }
        let bound = (f64::from(age) - 0.5).ln();
        if self.sigma > 0.0 {
            normal_cdf((bound - self.mu) / self.sigma)
        } else if self.mu < bound {
            1.0
        } else {
            0.0
        }
    }

    /// The cycle in whole months of a deal still open at `age`, from the uniform `u`: the lognormal drawn
    /// given `L ≥ age − ½`, rounded as every cycle is. Returns the months from the start of the horizon to
    /// its close (0 when it closes in the first month).
    pub fn remaining_after(&self, age: u32, u: f64) -> usize {
        let floor = if self.sigma > 0.0 { self.below(age) } else { 0.0 };
        let v = (floor + u * (1.0 - floor)).min(1.0 - 1e-12);
        let cycle = (self.mu + self.sigma * inverse_normal_cdf(v)).exp().round().max(1.0) as usize;
        cycle.saturating_sub(age as usize)
    }
}

/// The parameters of one motion of a segment, in the units the trial loop uses.
#[derive(Debug, Clone)]
pub struct MotionModel {
    /// Index into [`Model::win_draws`].
    pub win_draw: usize,
    /// Lognormal sigma of deal value.
    pub deal_sigma: f64,
    /// Mean deal value ÷ the account's potential (1 for new business).
    pub value_scale: f64,
    /// Cycle of the deals that are won…
    pub won: CycleModel,
    /// …and of those that are lost.
    pub lost: CycleModel,
    /// Most opportunities of the motion an account holds open at once.
    pub max_open: u8,
}

/// Parameters of one parameter segment, in the units the trial loop uses.
#[derive(Debug, Clone)]
pub struct SegmentModel {
    /// Label (the override chain, such as `MM` or `AMER/MM`).
    pub label: String,
    /// Selling hours per open opportunity per month, in thousandths of an hour (integers sum exactly in any
    /// order, so a deal's hours can be booked as a start and an end instead of month by month).
    pub opp_milli_hours: i64,
    /// Probability an open opportunity is lost when its owner departs.
    pub handoff_loss: f64,
    /// Win multiplier for an expert owner.
    pub vertical_lift: f64,
    /// New business, then expansion (indexed by [`SalesMotion::index`]).
    pub motions: [MotionModel; 2],
}

impl SegmentModel {
    /// The parameters of motion `motion`.
    #[inline]
    pub fn motion(&self, motion: SalesMotion) -> &MotionModel {
        &self.motions[motion.index()]
    }
}

/// [`SegmentModel::cycle_cdf`] comes in blocks of this many entries.
pub const CYCLE_BLOCK: usize = 8;

/// A probability above every uniform in (0, 1]: a table entry that counts for no draw.
const NEVER: f64 = 2.0;

/// A per-trial Beta draw of a win rate, shared by the segments whose parameters come from one key. The
/// Beta is built once, with the model: α and β are checked there ([`WinDraw::new`]), so a trial only samples.
#[derive(Debug, Clone)]
pub struct WinDraw {
    /// The key that set the Beta (a band such as `MM` or a path such as `AMER/MM`).
    pub label: String,
    alpha: f64,
    beta: f64,
    dist: Beta<f64>,
}

impl WinDraw {
    /// The draw labelled `label` of Beta(`alpha`, `beta`); an error naming the parameter (`alpha = …` or
    /// `beta = …`) when α or β is not a finite number above 0 (scenario validation rejects those first, so
    /// this guards models built in code).
    pub fn new(label: impl Into<String>, alpha: f64, beta: f64) -> Result<Self, String> {
        for (name, v) in [("alpha", alpha), ("beta", beta)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{name} = {v} must be a number above 0"));
            }
        }
        let dist = Beta::new(alpha, beta).map_err(|e| format!("alpha = {alpha}, beta = {beta}: {e}"))?;
        Ok(WinDraw { label: label.into(), alpha, beta, dist })
    }

    /// Beta α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Beta β.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// The win rate of a trial, from `rng`, the trial's stream for this draw.
    #[inline]
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.dist.sample(rng)
    }
}

/// One entry of a book: the account, the prospecting hours it needs from this owner per month, and its
/// demand hazards, laid out together so that the monthly pass over a book reads memory in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BookEntry {
    /// Account (model index).
    pub account: u32,
    /// Hours per month to cover it, travel included, in thousandths of an hour: integer arithmetic keeps the
    /// running budget of the coverage pass off the floating-point latency chain.
    pub milli_hours: u32,
    /// Monthly hazard of opening an opportunity while covered.
    pub hazard_covered: f32,
    /// Monthly hazard of opening an opportunity while uncovered (inbound).
    pub hazard_inbound: f32,
}

/// Ownership from a month on, until the next epoch.
#[derive(Debug, Clone)]
pub struct Epoch {
    /// First month (0-based) of the epoch.
    pub from_month: usize,
    /// Owner of each account (model index), or [`NO_OWNER`].
    pub owner: Vec<u32>,
    /// Each rep's book in priority order (expected value per hour, highest first).
    pub books: Vec<Vec<BookEntry>>,
    /// Accounts with no owner (their `hours` are 0).
    pub unowned: Vec<BookEntry>,
    /// True when every book is a contiguous, ascending run of model indices (the first epoch always is,
    /// because model order is its books laid end to end).
    pub contiguous: bool,
    /// Where each account (model index) sits in its owner's book, in one place for the trial loop.
    pub pool_slot: Vec<PoolSlot>,
    /// Per account (model index): the factor of its win probability that does not change between trials,
    /// `competitive × skill × lift` of its owner in this epoch (`competitive` alone when unowned); a trial
    /// multiplies it by the segment's drawn win rate.
    pub win_factor: Vec<f64>,
}

impl Epoch {
    /// An epoch from its owners and books, with the derived lookup tables: each account's book slot and
    /// its win factor under its owner (`accounts`, `segments` and `reps` are the model's).
    pub fn new(
        from_month: usize,
        owner: Vec<u32>,
        books: Vec<Vec<BookEntry>>,
        unowned: Vec<BookEntry>,
        accounts: &AccountTable,
        segments: &[SegmentModel],
        reps: &[RepModel],
    ) -> Self {
        let contiguous = books.iter().all(|b: &Vec<BookEntry>| {
            b.iter().enumerate().all(|(i, e)| e.account as usize == b[0].account as usize + i)
        });
        let mut pool_slot = vec![PoolSlot { rep: NO_OWNER, position: 0, milli_hours: 0 }; owner.len()];
        for (r, book) in books.iter().enumerate() {
            for (i, e) in book.iter().enumerate() {
                pool_slot[e.account as usize] =
                    PoolSlot { rep: r as u32, position: i as u32, milli_hours: e.milli_hours };
            }
        }
        let win_factor = owner
            .iter()
            .enumerate()
            .map(|(a, &owner)| {
                let competitive = f64::from(accounts.competitive[a]);
                let Some(rep) = reps.get(owner as usize) else { return competitive };
                let expert = rep.expert[usize::from(accounts.vertical[a])];
                let lift =
                    if expert { segments[usize::from(accounts.segment[a])].vertical_lift } else { 1.0 };
                competitive * rep.skill * lift
            })
            .collect();
        Epoch { from_month, owner, books, unowned, contiguous, pool_slot, win_factor }
    }
}

/// An account's place in an epoch: entry `position` of rep `rep`'s book ([`NO_OWNER`] when unowned),
/// needing `milli_hours` of prospecting a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSlot {
    /// Owner (rep index), or [`NO_OWNER`].
    pub rep: u32,
    /// Position in the owner's book.
    pub position: u32,
    /// Prospecting milli-hours in this book.
    pub milli_hours: u32,
}

/// Everything a trial needs.
#[derive(Debug, Clone)]
pub struct Model {
    /// Months simulated.
    pub horizon: usize,
    /// Seed of every stream.
    pub seed: u64,
    /// Accounts.
    pub accounts: AccountTable,
    /// Reps (market reps, then hires, then backfills).
    pub reps: Vec<RepModel>,
    /// Parameter segments.
    pub segments: Vec<SegmentModel>,
    /// Win-rate draws.
    pub win_draws: Vec<WinDraw>,
    /// Pipeline segment labels (region/size band).
    pub pipeline_segments: Vec<String>,
    /// Ownership epochs, by start month; the first starts at month 0.
    pub epochs: Vec<Epoch>,
    /// Epoch index of each month.
    pub epoch_of_month: Vec<usize>,
    /// Sigma of the lognormal market factor, drawn per plan year.
    pub market_factor_sigma: f64,
    /// Sigma of the lognormal level factor, drawn per trial (the uncertainty of fitted rates).
    pub level_sigma: f64,
    /// Mean monthly availability.
    pub availability_mean: f64,
    /// Standard deviation of monthly availability.
    pub availability_sd: f64,
    /// Shock multiplier on win rates.
    pub win_multiplier: f64,
    /// Shock multiplier on deal values.
    pub deal_multiplier: f64,
    /// Pipeline coverage below this multiple is flagged.
    pub pipeline_coverage_flag: f64,
    /// Opportunities already open when the horizon starts: the open pipeline at `as_of`, or at a
    /// backtest's cutoff.
    pub carry_in: Vec<CarryIn>,
    /// The team plan the user set, which P(team ≥ plan) is measured against.
    pub team_plan: TeamPlan,
    /// What every trial starts from, made from `accounts` and the first epoch by the first trial (empty
    /// until then): fields changed after a trial has run (only scalars such as `win_multiplier` are) must
    /// not be ones it is made from.
    pub(crate) trial_start: std::sync::OnceLock<TrialStart>,
}

/// An opportunity open at the start of the horizon. It takes one of its account's open slots until it
/// closes; whether it is won is drawn per trial given its age (lost deals close sooner, so an old deal is
/// more likely a win), and its close month from that outcome's cycle given that it is still open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CarryIn {
    /// Its motion: expansion on an account that is a customer at the start, new business otherwise.
    pub motion: SalesMotion,
    /// Account (model index).
    pub account: u32,
    /// Whole months since the opportunity was created (created month to the first horizon month).
    pub age_months: u32,
    /// Deal value.
    pub value: f64,
}

impl Model {
    /// Number of quarters (coverage is counted per quarter; a last partial quarter counts).
    pub fn quarters(&self) -> usize {
        self.horizon.div_ceil(3)
    }

    /// The most opportunities of `motion` account `a` (model index) holds open at once.
    #[inline]
    pub fn max_open(&self, a: usize, motion: SalesMotion) -> u8 {
        self.segments[usize::from(self.accounts.segment[a])].motion(motion).max_open
    }

    /// Whether account `a` (model index) in motion `motion` with `whitespace` left has demand to open
    /// opportunities at all: every prospect does; a customer while it has expansion room and an expansion
    /// rate.
    #[inline]
    pub fn has_demand(&self, a: usize, motion: SalesMotion, whitespace: f64) -> bool {
        match motion {
            SalesMotion::NewBusiness => true,
            SalesMotion::Expansion => self.accounts.expansion_clock[a].is_finite() && whitespace > 0.0,
        }
    }

    /// Whether account `a` in `motion`, with `whitespace` left and `open` deals of the motion open, belongs
    /// in the demand pool: its motion has demand and a free slot.
    #[inline]
    pub fn wants_opportunity(&self, a: usize, motion: SalesMotion, whitespace: f64, open: u8) -> bool {
        self.has_demand(a, motion, whitespace) && open < self.max_open(a, motion)
    }

    /// The value of a deal of account `a` in `motion` from `z`, the standard normal of its value draw:
    /// lognormal around the account's potential × the motion's value scale, with that mean × the deal-size
    /// multiplier.
    #[inline]
    pub fn deal_value(&self, a: usize, motion: SalesMotion, z: f64) -> f64 {
        let m = self.segments[usize::from(self.accounts.segment[a])].motion(motion);
        let sd = m.deal_sigma;
        self.accounts.potential[a] * m.value_scale * (sd * z - 0.5 * sd * sd).exp() * self.deal_multiplier
    }

    /// What a demand clock of account `a` in `motion` is multiplied by (see
    /// [`AccountTable::expansion_clock`]).
    #[inline]
    pub fn clock_factor(&self, a: usize, motion: SalesMotion) -> f32 {
        match motion {
            SalesMotion::NewBusiness => 1.0,
            SalesMotion::Expansion => self.accounts.expansion_clock[a],
        }
    }

    /// The win probability of a carried-in deal of account `a` with base probability `p` (its
    /// [`win_probability`]), given that it is still open at `age`: wins and losses have their own cycles, so
    /// `P(win | open at age) = p·S_won(age) ÷ (p·S_won(age) + (1 − p)·S_lost(age))`.
    pub fn carried_win_probability(&self, a: usize, motion: SalesMotion, p: f64, age: u32) -> f64 {
        let m = self.segments[usize::from(self.accounts.segment[a])].motion(motion);
        let (won, lost) = (p * m.won.open_at(age), (1.0 - p) * m.lost.open_at(age));
        if won + lost > 0.0 { won / (won + lost) } else { p }
    }
}

/// Where the team plan comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanBasis {
    /// The scenario's `[plan] team_target`.
    TeamTarget,
    /// The sum of the quotas the user set: the reps file's (after `quota_change` events), each pro-rated to
    /// the horizon by its own start and end months, plus each hire's; a departure event keeps its rep's
    /// quota in the plan unless it says `quota_leaves_plan = true`.
    SumOfQuotas,
}

/// The team plan: the number P(team ≥ plan) is measured against.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TeamPlan {
    /// Bookings over the horizon.
    pub value: f64,
    /// Where it comes from.
    pub basis: PlanBasis,
}

#[cfg(test)]
mod tests {
    use rand_distr::{Beta, Distribution};

    use super::super::rng::{Purpose, TrialKey};
    use super::WinDraw;

    #[test]
    fn a_win_draw_rejects_what_is_not_a_beta() {
        for (alpha, beta, bad) in
            [(0.0, 1.0, "alpha = 0"), (2.0, -1.0, "beta = -1"), (f64::NAN, 1.0, "alpha = NaN")]
        {
            let e = WinDraw::new("MM", alpha, beta).expect_err("not a Beta");
            assert!(e.starts_with(bad) && e.contains("above 0"), "{e}");
        }
        assert!(WinDraw::new("MM", f64::INFINITY, 1.0).is_err());
    }

    #[test]
    fn a_win_draw_samples_what_a_fresh_beta_samples() {
        let draw = WinDraw::new("MM", 3.0, 7.0).expect("valid");
        let fresh: Beta<f64> = Beta::new(3.0, 7.0).expect("valid");
        for trial in 0..50 {
            let stream = TrialKey::new(7, trial).stream(1, Purpose::Parameters);
            let (mut a, mut b) = (stream.rng(0), stream.rng(0));
            let (x, y) = (draw.sample(&mut a), fresh.sample(&mut b));
            assert_eq!(x.to_bits(), y.to_bits(), "trial {trial}");
            assert!((0.0..=1.0).contains(&x));
        }
    }
}
