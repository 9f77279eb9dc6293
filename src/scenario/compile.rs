//! Compiles a scenario, its market, a plan and an optional shock into the dense simulation model.

use std::collections::{BTreeMap, HashMap};

use crate::market::{Market, Motion, Plan, Rep, RepId, SizeBand};
use crate::sim::model::{
    AccountTable, BookEntry, CarryIn, CycleModel, Epoch, Model, MotionModel, NO_OWNER, PlanBasis, RepModel,
    SalesMotion, SegmentModel, TeamPlan, WinDraw,
};

use super::events::{
    DEFAULT_BACKFILL_DELAY_MONTHS, DEFAULT_BACKFILL_RAMP_MONTHS, Departure, Hire, OrphanPolicy, Shock,
};
use super::params::{GlobalParams, QuotaPolicy, SegmentParams, WinKeys};
use super::schema::{Scenario, ScenarioError};

/// A scenario that cannot be compiled against its market. The importer checks these first with file and
/// line; this covers scenarios and markets built in code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CompileError {
    /// Dotted path of the offending scenario field.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// A rep during the horizon, after events and shocks.
#[derive(Debug, Clone)]
struct SimRep {
    rep: Rep,
    capacity_changes: Vec<(u32, f64)>,
}

/// Hours per month account `a` needs from rep `r` to be covered: the segment's hours plus, for field reps,
/// travel that grows with distance from the rep's home.
pub fn account_hours(
    scenario: &Scenario,
    market: &Market,
    params: &SegmentParams,
    a: usize,
    rep: &Rep,
) -> f64 {
    let mut hours = params.hours_per_account.get();
    if rep.motion == Motion::Field {
        let account = &market.accounts()[a];
        let km = match (rep.home, account.location) {
            (Some(home), Some(at)) => home.distance_km(at),
            _ if rep.region == account.region => scenario.model.same_region_km,
            _ => scenario.model.cross_region_km,
        };
        let per_visit = (params.travel_hours_per_100km.get() * km / 100.0).min(params.travel_cap_hours.get());
        hours += params.visits_per_month.get() * per_visit;
    }
    hours
}

/// Resolved parameters of every account: indexed by market index, `params[a]` is the account's parameters
/// with the key of their override chain and of their win-rate draw.
#[derive(Debug, Clone)]
pub struct AccountParams {
    /// The distinct resolved parameter sets (one per distinct size band and segment path).
    pub sets: Vec<(SegmentParams, String, WinKeys)>,
    /// Per account (market index): its entry in `sets`.
    pub set_of: Vec<u32>,
}

impl AccountParams {
    /// Every account's parameters, in market order.
    pub fn iter(&self) -> impl Iterator<Item = &(SegmentParams, String, WinKeys)> {
        self.set_of.iter().map(|&i| &self.sets[i as usize])
    }
}

impl std::ops::Index<usize> for AccountParams {
    type Output = (SegmentParams, String, WinKeys);

    fn index(&self, a: usize) -> &Self::Output {
        &self.sets[self.set_of[a] as usize]
    }
}

/// Resolves the parameters of every account. Accounts with the same size band and segment path share their
/// parameters, so each distinct path is resolved once (a million accounts have a few hundred).
pub fn account_params(scenario: &Scenario, market: &Market) -> AccountParams {
    let hierarchy = &scenario.segmentation.hierarchy;
    let mut index: HashMap<Vec<&str>, u32> = HashMap::new();
    let mut sets = Vec::new();
    let mut key: Vec<&str> = Vec::with_capacity(hierarchy.len() + 1);
    let set_of = market
        .accounts()
        .iter()
        .enumerate()
        .map(|(a, acc)| {
            key.clear();
            key.push(acc.size_band.label());
            key.extend(hierarchy.iter().map(|level| acc.segment_part(*level)));
            if let Some(&i) = index.get(key.as_slice()) {
                return i;
            }
            let band = acc.size_band;
            let prefixes: Vec<String> = market.segment_path(a, hierarchy).prefixes().collect();
            let (params, win_keys) = scenario.segment_params(band, &prefixes);
            let chain: Vec<&str> = std::iter::once(band.label())
                .chain(prefixes.iter().map(String::as_str).filter(|p| scenario.params.contains_key(*p)))
                .collect();
            sets.push((params, chain.join(" > "), win_keys));
            let i = (sets.len() - 1) as u32;
            index.insert(key.clone(), i);
            i
        })
        .collect();
    AccountParams { sets, set_of }
}

/// Monthly workload hours of each account under its owner in `plan` (0 for unowned accounts).
pub fn workload_hours(scenario: &Scenario, market: &Market, plan: &Plan) -> Vec<f64> {
    let params = account_params(scenario, market);
    (0..market.accounts().len())
        .map(|a| {
            plan.owner(a).map_or(0.0, |r| account_hours(scenario, market, &params[a].0, a, &market.reps()[r]))
        })
        .collect()
}

/// Productivity of a rep in 1-based month `m`: 0 before the start and after the end, rising linearly from
/// `ramp_start` to 1 over the ramp.
pub fn productivity(rep: &Rep, m: i32, ramp_start: f64) -> f64 {
    if m < rep.start_month || rep.end_month.is_some_and(|e| m > e as i32) {
        return 0.0;
    }
    let k = f64::from(m - rep.start_month);
    let ramp = f64::from(rep.ramp_months);
    if rep.ramp_months == 0 || k >= ramp { 1.0 } else { ramp_start + (1.0 - ramp_start) * k / ramp }
}

/// A rep's quota over a horizon of `h` months: the annual quota × the months the quota policy counts
/// (weighted by ramp under `ramp_weighted`) ÷ 12.
pub fn horizon_quota(rep: &Rep, g: &GlobalParams, h: usize) -> f64 {
    let months: f64 = (1..=h as i32)
        .map(|m| {
            let p = productivity(rep, m, g.ramp_start_fraction);
            match g.quota_policy {
                QuotaPolicy::RampWeighted => p,
                QuotaPolicy::ActiveMonths => f64::from(u8::from(p > 0.0)),
                QuotaPolicy::Full => 1.0,
            }
        })
        .sum();
    rep.annual_quota.get() * months / 12.0
}

/// The team plan P(team ≥ plan) is measured against: the scenario's `[plan] team_target`, else the sum of
/// the quotas the user set ([`PlanBasis::SumOfQuotas`]). Shocks never move it. A departure keeps its rep's
/// quota in the plan unless it says `quota_leaves_plan = true`; then the plan is what the reps' pro-rated
/// quotas add up to, the backfill's included. Ids that match no rep are left to [`compile`] to refuse.
pub fn team_plan(scenario: &Scenario, market: &Market) -> TeamPlan {
    if let Some(value) = scenario.plan.team_target {
        return TeamPlan { value, basis: PlanBasis::TeamTarget };
    }
    let h = scenario.horizon_months as usize;
    let g = &scenario.model;
    // The reps as the user's events set them (quota changes, hires), before any shock or departure; an event
    // that names no rep is compile's to refuse, and the plan is the reps file's quotas meanwhile.
    let reps: Vec<Rep> = roster(scenario, market, None)
        .map_or_else(|_| market.reps().to_vec(), |r| r.reps.into_iter().map(|s| s.rep).collect());
    let value = reps
        .iter()
        .map(|rep| {
            // A rep leaves once: its first departure decides.
            match scenario.events.departure.iter().find(|d| d.rep == rep.id) {
                Some(d) if d.quota_leaves_plan => {
                    let mut gone = rep.clone();
                    gone.end_month = Some(rep.end_month.map_or(d.month, |e| e.min(d.month)));
                    let start = d.month + d.backfill_delay_months;
                    let backfill = (d.backfill && (d.month as usize) < h && start as usize <= h)
                        .then(|| backfill_rep(rep, d.backfill_ramp_months, start).ok())
                        .flatten();
                    horizon_quota(&gone, g, h) + backfill.map_or(0.0, |b| horizon_quota(&b, g, h))
                }
                _ => horizon_quota(rep, g, h),
            }
        })
        .sum();
    TeamPlan { value, basis: PlanBasis::SumOfQuotas }
}

fn err(field: impl Into<String>, message: impl Into<String>) -> CompileError {
    CompileError { field: field.into(), message: message.into() }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    (!v.is_empty()).then(|| crate::sim::quantile_sorted(&v, 0.5).value)
}

/// The rep a hire event adds: the role's median capacity and quota unless the event says otherwise. `field`
/// names the event in errors.
pub fn hire_rep(hire: &Hire, reps: &[Rep], field: &str) -> Result<Rep, CompileError> {
    let role_median =
        |f: fn(&Rep) -> f64| median(reps.iter().filter(|r| r.role == hire.role).map(f).collect());
    let capacity = hire.capacity_hours.or_else(|| role_median(|r| r.capacity_hours)).unwrap_or(120.0);
    let quota = hire.annual_quota.or_else(|| role_median(|r| r.annual_quota.get())).unwrap_or(0.0);
    let region = crate::market::Region::new(&hire.region)
        .ok_or_else(|| err(format!("{field}.region"), "the region is empty"))?;
    Ok(Rep {
        id: hire.rep.clone(),
        name: hire.name.clone().unwrap_or_else(|| hire.rep.to_string()),
        role: hire.role,
        team: format!("{}-{}", region, hire.role),
        home: None,
        region,
        expert_verticals: hire.expert_verticals.clone(),
        capacity_hours: capacity,
        annual_quota: crate::market::Money::new(quota).unwrap_or(crate::market::Money::ZERO),
        start_month: hire.start_month as i32,
        ramp_months: hire.ramp_months,
        end_month: None,
        skill: 1.0,
        motion: Motion::default_for(hire.role),
    })
}

/// Compiles `scenario` on `market` with ownership `plan` and an optional stress `shock`, in named phases:
/// the events on the reps ([`roster`]), the ownership changes they make ([`ownership_changes`]), the epochs
/// they cut the horizon into ([`epoch_owners`]), the segment models ([`segment_models`]), the account table
/// ([`account_table`]), the rep models ([`rep_models`]) and each epoch's books ([`epochs`]).
pub fn compile(
    scenario: &Scenario,
    market: &Market,
    plan: &Plan,
    shock: Option<&Shock>,
) -> Result<Model, CompileError> {
    scenario.validate_against(market).map_err(|e| match e {
        ScenarioError::Invalid { field, message, .. } => err(field, message),
        other => err("scenario", other.to_string()),
    })?;
    let h = scenario.horizon_months as usize;
    let g = &scenario.model;
    let accounts = market.accounts();
    let params = account_params(scenario, market);
    let priority = Priority { scenario, market, params: &params };

    let mut roster = roster(scenario, market, shock)?;
    let changes = ownership_changes(scenario, market, plan, shock, &priority, &mut roster)?;
    let snapshots = epoch_owners(plan, accounts.len(), h, &changes);
    let labels = Labels::new(accounts, &roster.reps);
    let (segments, set_segment, win_draws) = segment_models(&params, h)?;

    // Model order: the first epoch's books, highest priority first, then the unowned.
    let first = &snapshots[0].1;
    let mut order: Vec<usize> = priority.books(first, &roster.reps).into_iter().flatten().collect();
    order.extend((0..accounts.len()).filter(|&a| first[a].is_none()));
    let mut model_ix = vec![0u32; accounts.len()];
    for (i, &a) in order.iter().enumerate() {
        model_ix[a] = i as u32;
    }

    let table = account_table(scenario, market, shock, &params, &order, &set_segment, &labels);
    let rep_models = rep_models(g, h, &roster.reps, &labels);
    let epochs = epochs(&priority, &snapshots, &model_ix, &table, &segments, &rep_models, &roster.reps);
    let mut epoch_of_month = vec![0; h];
    for (e, epoch) in epochs.iter().enumerate() {
        for slot in &mut epoch_of_month[epoch.from_month..] {
            *slot = e;
        }
    }

    Ok(Model {
        horizon: h,
        seed: scenario.seed,
        accounts: table,
        reps: rep_models,
        segments,
        win_draws,
        pipeline_segments: labels.pipeline_ix.keys().cloned().collect(),
        epochs,
        epoch_of_month,
        market_factor_sigma: g.market_factor_sigma,
        level_sigma: g.level_sigma.unwrap_or(0.0),
        availability_mean: g.availability_mean,
        availability_sd: g.availability_sd,
        win_multiplier: shock.and_then(|s| s.win_rate_multiplier).unwrap_or(1.0),
        deal_multiplier: shock.and_then(|s| s.deal_size_multiplier).unwrap_or(1.0),
        pipeline_coverage_flag: g.pipeline_coverage_flag,
        // The deals open at the start close as the first months' bookings, with their owners' hours.
        carry_in: market
            .open_pipeline()
            .iter()
            .map(|d| CarryIn {
                motion: SalesMotion::of_customer(accounts[d.account].is_customer),
                account: model_ix[d.account],
                age_months: d.age_months,
                value: d.value,
            })
            .collect(),
        team_plan: team_plan(scenario, market),
        trial_start: std::sync::OnceLock::new(),
    })
}

/// The reps of a run: the reps file's, then hires and backfills as the events add them.
struct Roster {
    reps: Vec<SimRep>,
    index: HashMap<RepId, usize>,
    /// Roster index of each `events.hire` entry, in order.
    hires: Vec<usize>,
}

impl Roster {
    /// The roster index of rep `id`; `field` names the scenario field in the error.
    fn find(&self, id: &RepId, field: &str) -> Result<usize, CompileError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| err(field, format!("rep {id} is not in the reps file; add it or fix the id")))
    }

    fn push(&mut self, rep: SimRep) -> usize {
        self.index.insert(rep.rep.id.clone(), self.reps.len());
        self.reps.push(rep);
        self.reps.len() - 1
    }
}

/// Phase 1, the events on the reps: capacity and quota changes, hires (with their role's medians), and the
/// shock's slower ramp. Departures and backfills come with the ownership changes.
fn roster(scenario: &Scenario, market: &Market, shock: Option<&Shock>) -> Result<Roster, CompileError> {
    let reps =
        market.reps().iter().map(|r| SimRep { rep: r.clone(), capacity_changes: Vec::new() }).collect();
    let mut roster = Roster { reps, index: HashMap::new(), hires: Vec::new() };
    roster.index = roster.reps.iter().enumerate().map(|(i, r)| (r.rep.id.clone(), i)).collect();
    for (i, c) in scenario.events.capacity_change.iter().enumerate() {
        let r = roster.find(&c.rep, &format!("events.capacity_change[{i}].rep"))?;
        roster.reps[r].capacity_changes.push((c.from_month, c.capacity_hours));
    }
    for (i, q) in scenario.events.quota_change.iter().enumerate() {
        let r = roster.find(&q.rep, &format!("events.quota_change[{i}].rep"))?;
        roster.reps[r].rep.annual_quota = crate::market::Money::new(q.annual_quota)
            .map_err(|e| err(format!("events.quota_change[{i}].annual_quota"), e.to_string()))?;
    }
    for (i, hire) in scenario.events.hire.iter().enumerate() {
        if roster.index.contains_key(&hire.rep) {
            return Err(err(
                format!("events.hire[{i}].rep"),
                format!("rep {} is already in the reps file; a rep can be in one place only", hire.rep),
            ));
        }
        let rep = hire_rep(hire, market.reps(), &format!("events.hire[{i}]"))?;
        let r = roster.push(SimRep { rep, capacity_changes: Vec::new() });
        roster.hires.push(r);
    }
    if let Some(slow) = shock.and_then(|s| s.ramp_slowdown) {
        for r in &mut roster.reps {
            r.rep.ramp_months = slowed(r.rep.ramp_months, slow);
        }
    }
    Ok(roster)
}

/// A ramp of `months` slowed by `factor`, in whole months.
fn slowed(months: u32, factor: f64) -> u32 {
    (f64::from(months) * factor).ceil() as u32
}

/// The departures of a run, each with the field that names it in errors: the scenario's, then the shock's
/// (backfilled after the documented default delay and ramp, the book held meanwhile).
fn departures(scenario: &Scenario, shock: Option<&Shock>) -> Vec<(String, Departure)> {
    let mut all: Vec<(String, Departure)> = scenario
        .events
        .departure
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("events.departure[{i}]"), d.clone()))
        .collect();
    if let Some((s, rep)) = shock.and_then(|s| Some((s, s.depart_rep.as_ref()?))) {
        all.push((
            format!("shock {}", s.name),
            Departure {
                rep: rep.clone(),
                month: s.depart_month.unwrap_or(3).min(scenario.horizon_months),
                backfill_delay_months: DEFAULT_BACKFILL_DELAY_MONTHS,
                backfill_ramp_months: DEFAULT_BACKFILL_RAMP_MONTHS,
                backfill: true,
                orphan_policy: OrphanPolicy::Hold,
                reassign_to: None,
                // A shock is not the plan.
                quota_leaves_plan: false,
            },
        ));
    }
    all
}

/// Ownership changes: for each 0-based month in which they take effect, the accounts that change owner and
/// to whom (`None`: held, unowned).
type Changes = BTreeMap<usize, Vec<(usize, Option<usize>)>>;

/// The books of a run in priority order: accounts by expected value per hour of their owner's time.
struct Priority<'a> {
    scenario: &'a Scenario,
    market: &'a Market,
    params: &'a AccountParams,
}

impl Priority<'_> {
    /// Expected value per hour of account `a` under `rep`.
    fn of(&self, a: usize, rep: &Rep) -> f64 {
        let acc = &self.market.accounts()[a];
        let p = &self.params[a].0;
        let lift = if is_expert(rep, &acc.vertical) { p.vertical_lift.get() } else { 1.0 };
        let ev =
            p.opp_rate.get() * acc.score / 3.0 * p.win_rate_mean() * rep.skill * lift * acc.potential.get();
        ev / account_hours(self.scenario, self.market, p, a, rep).max(1e-9)
    }

    /// Sorts `book` highest priority first (ties by market index).
    fn sort(&self, book: &mut Vec<usize>, rep: &Rep) {
        let mut keyed: Vec<(f64, usize)> = book.iter().map(|&a| (self.of(a, rep), a)).collect();
        keyed.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        book.clear();
        book.extend(keyed.into_iter().map(|(_, a)| a));
    }

    /// Every rep's book under `owners`, sorted.
    fn books(&self, owners: &[Option<usize>], reps: &[SimRep]) -> Vec<Vec<usize>> {
        let mut books = vec![Vec::new(); reps.len()];
        for (a, owner) in owners.iter().enumerate() {
            if let Some(r) = owner {
                books[*r].push(a);
            }
        }
        for (r, book) in books.iter_mut().enumerate() {
            self.sort(book, &reps[r].rep);
        }
        books
    }

    /// Rep `r`'s book under `owners`, sorted.
    fn book(&self, owners: &[Option<usize>], r: usize, reps: &[SimRep]) -> Vec<usize> {
        let mut book: Vec<usize> = (0..owners.len()).filter(|&a| owners[a] == Some(r)).collect();
        self.sort(&mut book, &reps[r].rep);
        book
    }
}

/// Phase 2, the ownership changes the events make: each hire takes its share of its donors' books (evenly
/// spaced along their priority order, carve-outs kept); each departure's book is held, reassigned or spread
/// at its month, and its backfill (added to the roster) takes the book when it starts.
fn ownership_changes(
    scenario: &Scenario,
    market: &Market,
    plan: &Plan,
    shock: Option<&Shock>,
    priority: &Priority<'_>,
    roster: &mut Roster,
) -> Result<Changes, CompileError> {
    let h = scenario.horizon_months as usize;
    let mut owners: Vec<Option<usize>> = (0..market.accounts().len()).map(|a| plan.owner(a)).collect();
    let locked = market.carved_out();
    let mut changes = Changes::new();
    for (i, hire) in scenario.events.hire.iter().enumerate() {
        let hr = roster.hires[i];
        let t = (hire.start_month - 1) as usize;
        for (j, donor) in hire.take_from.iter().enumerate() {
            let d = roster.find(donor, &format!("events.hire[{i}].take_from[{j}]"))?;
            let book: Vec<usize> =
                priority.book(&owners, d, &roster.reps).into_iter().filter(|&a| !locked[a]).collect();
            for (k, &a) in book.iter().enumerate() {
                // Evenly spaced picks along the priority order move potential in proportion.
                if ((k + 1) as f64 * hire.take_share).floor() > (k as f64 * hire.take_share).floor() {
                    changes.entry(t).or_default().push((a, Some(hr)));
                    owners[a] = Some(hr);
                }
            }
        }
    }

    let mut departed = vec![false; roster.reps.len()];
    for (field, d) in &departures(scenario, shock) {
        let x = roster.find(&d.rep, &format!("{field}.rep"))?;
        if std::mem::replace(&mut departed[x], true) {
            // A rep leaves once: a shock naming a rep whose departure the scenario already has adds nothing.
            continue;
        }
        let last = d.month;
        let leaver = &mut roster.reps[x].rep;
        leaver.end_month = Some(leaver.end_month.map_or(last, |e| e.min(last)));
        if (last as usize) >= h {
            continue;
        }
        let t = last as usize;
        let book = priority.book(&owners, x, &roster.reps);
        for (&a, to) in book.iter().zip(orphan_owners(field, d, x, t, book.len(), roster)?) {
            changes.entry(t).or_default().push((a, to));
            owners[a] = to;
        }
        let start = last + d.backfill_delay_months;
        if d.backfill && (start as usize) <= h {
            let mut rep = backfill_rep(&roster.reps[x].rep, d.backfill_ramp_months, start)
                .map_err(|e| err(format!("{field}.rep"), e.to_string()))?;
            if let Some(slow) = shock.and_then(|s| s.ramp_slowdown) {
                rep.ramp_months = slowed(rep.ramp_months, slow);
            }
            let b = roster.push(SimRep { rep, capacity_changes: roster.reps[x].capacity_changes.clone() });
            for &a in &book {
                changes.entry(start as usize - 1).or_default().push((a, Some(b)));
            }
        }
    }
    Ok(changes)
}

/// Who holds each of the `len` accounts of departing rep `x` from 0-based month `t` under the departure's
/// orphan policy.
fn orphan_owners(
    field: &str,
    d: &Departure,
    x: usize,
    t: usize,
    len: usize,
    roster: &Roster,
) -> Result<Vec<Option<usize>>, CompileError> {
    Ok(match d.orphan_policy {
        OrphanPolicy::Hold => vec![None; len],
        OrphanPolicy::Reassign => {
            let to = d
                .reassign_to
                .as_ref()
                .ok_or_else(|| err(format!("{field}.reassign_to"), "name the rep who takes the book"))?;
            vec![Some(roster.find(to, &format!("{field}.reassign_to"))?); len]
        }
        OrphanPolicy::Spread => {
            let team = &roster.reps[x].rep.team;
            let mates: Vec<usize> = (0..roster.reps.len())
                .filter(|&r| {
                    let rep = &roster.reps[r].rep;
                    r != x && rep.team == *team && productivity(rep, t as i32 + 1, 1.0) > 0.0
                })
                .collect();
            if mates.is_empty() {
                return Err(err(
                    format!("{field}.orphan_policy"),
                    format!(
                        "team {team} has no other active rep to spread the book over; use \"hold\" or \"reassign\""
                    ),
                ));
            }
            (0..len).map(|k| Some(mates[k % mates.len()])).collect()
        }
    })
}

/// The rep who backfills `leaver`, selling from 1-based month `start` after a ramp of `ramp_months`: the
/// leaver's seat (role, region, capacity, quota) at average skill.
pub fn backfill_rep(leaver: &Rep, ramp_months: u32, start: u32) -> Result<Rep, crate::market::IdError> {
    Ok(Rep {
        id: RepId::new(&format!("{}-backfill", leaver.id))?,
        name: format!("Backfill for {}", leaver.name),
        start_month: start as i32,
        ramp_months,
        end_month: None,
        skill: 1.0,
        ..leaver.clone()
    })
}

/// Phase 3, the epochs: the owner of every account (market index) from each month in which ownership
/// changes, starting with month 0 (the plan, with the changes that take effect at once).
fn epoch_owners(plan: &Plan, n: usize, h: usize, changes: &Changes) -> Vec<(usize, Vec<Option<usize>>)> {
    let mut current: Vec<Option<usize>> = (0..n).map(|a| plan.owner(a)).collect();
    for &(a, to) in changes.get(&0).into_iter().flatten() {
        current[a] = to;
    }
    let mut snapshots = vec![(0, current.clone())];
    for (&m, moves) in changes.range(1..h) {
        for &(a, to) in moves {
            current[a] = to;
        }
        snapshots.push((m, current.clone()));
    }
    snapshots
}

/// The dense labels of verticals and pipeline segments (region/size band of accounts and of reps).
struct Labels<'a> {
    /// Lowercased vertical → index.
    vertical_ix: BTreeMap<String, u16>,
    /// Each account's vertical index (market order).
    account_vertical: Vec<u16>,
    /// `region/band` → pipeline segment index, in label order.
    pipeline_ix: BTreeMap<String, u16>,
    /// An account's (region, size band) → its pipeline segment.
    region_band: HashMap<(&'a str, SizeBand), u16>,
}

fn pipeline_label(region: &str, band: SizeBand) -> String {
    format!("{region}/{band}")
}

impl<'a> Labels<'a> {
    fn new(accounts: &'a [crate::market::Account], reps: &[SimRep]) -> Self {
        // Each distinct spelling is lowercased and looked up once, not once per account.
        let mut vertical_ix: BTreeMap<String, u16> = BTreeMap::new();
        let mut spelling_ix: HashMap<&str, u16> = HashMap::new();
        let account_vertical: Vec<u16> = accounts
            .iter()
            .map(|a| {
                *spelling_ix.entry(a.vertical.as_str()).or_insert_with(|| {
                    let next = vertical_ix.len() as u16;
                    *vertical_ix.entry(a.vertical.to_lowercase()).or_insert(next)
                })
            })
            .collect();
        let mut region_band: HashMap<(&str, SizeBand), u16> = HashMap::new();
        for a in accounts {
            region_band.entry((a.region.as_str(), a.size_band)).or_insert(0);
        }
        let mut pipeline_ix: BTreeMap<String, u16> = BTreeMap::new();
        for &(region, band) in region_band.keys() {
            pipeline_ix.entry(pipeline_label(region, band)).or_insert(0);
        }
        for r in reps {
            pipeline_ix.entry(pipeline_label(r.rep.region.as_str(), r.rep.role)).or_insert(0);
        }
        for (i, v) in pipeline_ix.values_mut().enumerate() {
            *v = i as u16;
        }
        for (&(region, band), ix) in &mut region_band {
            *ix = pipeline_ix[&pipeline_label(region, band)];
        }
        Labels { vertical_ix, account_vertical, pipeline_ix, region_band }
    }
}

/// Phase 4, the segment models: one per distinct override chain, with one win draw per key that sets a Beta
/// (and motion). Returns the segments, each parameter set's segment, and the draws; an error when a key's
/// Beta is not valid.
type SegmentModels = (Vec<SegmentModel>, Vec<u16>, Vec<WinDraw>);
fn segment_models(params: &AccountParams, h: usize) -> Result<SegmentModels, CompileError> {
    let mut segment_ix: BTreeMap<String, usize> = BTreeMap::new();
    let mut segments: Vec<SegmentModel> = Vec::new();
    let mut win_draws = WinDraws::default();
    let mut set_segment = vec![0u16; params.sets.len()];
    for (set, (p, chain, win_keys)) in params.sets.iter().enumerate() {
        let new_business = win_draws.index(
            &win_keys.new_business,
            (p.win_rate_alpha.get(), p.win_rate_beta.get()),
            (&win_keys.new_business, ""),
        )?;
        let expansion = win_draws.index(
            &format!("{} expansion", win_keys.expansion),
            (p.expansion_win_rate_alpha.get(), p.expansion_win_rate_beta.get()),
            (&win_keys.expansion, "expansion_"),
        )?;
        let s = *segment_ix.entry(chain.clone()).or_insert_with(|| {
            segments.push(segment_model(chain, p, [new_business, expansion], h));
            segments.len() - 1
        });
        set_segment[set] = s as u16;
    }
    Ok((segments, set_segment, win_draws.draws))
}

/// Phase 5, the account table in model order (`order[i]` is the market index of model account `i`): hazards
/// (zero in a shock's dark vertical), the expansion clock and whitespace, the competitive factor, and which
/// accounts are coverage targets (a target tier with demand to work).
fn account_table(
    scenario: &Scenario,
    market: &Market,
    shock: Option<&Shock>,
    params: &AccountParams,
    order: &[usize],
    set_segment: &[u16],
    labels: &Labels<'_>,
) -> AccountTable {
    let accounts = market.accounts();
    let dark =
        shock.and_then(|s| s.vertical_dark.as_ref()).and_then(|v| labels.vertical_ix.get(&v.to_lowercase()));
    let mut table = AccountTable::default();
    for &a in order {
        let acc = &accounts[a];
        let p = &params[a].0;
        let is_dark = dark == Some(&labels.account_vertical[a]);
        let hazard = |prob: f64| {
            if is_dark { 0.0 } else { -(1.0 - prob.clamp(0.0, 0.999_999)).ln() as f32 }
        };
        table.market_index.push(a as u32);
        table.segment.push(set_segment[params.set_of[a] as usize]);
        table.pipeline_segment.push(labels.region_band[&(acc.region.as_str(), acc.size_band)]);
        let covered = hazard(p.opp_rate.get() * acc.score / 3.0);
        let expansion = hazard(p.expansion_opp_rate.get() * acc.score / 3.0);
        table.hazard_covered.push(covered);
        table.hazard_inbound.push(hazard(p.inbound_rate.get()));
        // An expansion clock runs on the new-business hazards of the books, scaled.
        let clock = if expansion > 0.0 && covered > 0.0 { covered / expansion } else { f32::INFINITY };
        table.expansion_clock.push(clock);
        let whitespace = acc.potential.get() * p.whitespace_multiple.get();
        table.whitespace.push(whitespace);
        table.potential.push(acc.potential.get());
        table.vertical.push(labels.account_vertical[a]);
        let difficulty = f64::from(acc.score_inputs.competitive_difficulty);
        table.competitive.push((1.0 + p.competitive_strength.get() * (3.0 - difficulty) / 2.0) as f32);
        let has_demand = !acc.is_customer || (clock.is_finite() && whitespace > 0.0);
        table.target.push(has_demand && scenario.model.target_tiers.contains(&acc.tier.0));
        table.customer.push(acc.is_customer);
    }
    table
}

/// Phase 6, the rep models: monthly capacity (capacity changes × ramp productivity), the quota pro-rated by
/// the quota policy, and the expert verticals as a mask over the vertical labels.
fn rep_models(g: &GlobalParams, h: usize, reps: &[SimRep], labels: &Labels<'_>) -> Vec<RepModel> {
    reps.iter()
        .map(|sr| {
            let r = &sr.rep;
            let base_capacity = |m: u32| {
                sr.capacity_changes
                    .iter()
                    .rev()
                    .find(|(from, _)| *from <= m)
                    .map_or(r.capacity_hours, |c| c.1)
            };
            let prod: Vec<f64> = (1..=h as i32).map(|m| productivity(r, m, g.ramp_start_fraction)).collect();
            let mut expert = vec![false; labels.vertical_ix.len()];
            for v in &r.expert_verticals {
                if let Some(&i) = labels.vertical_ix.get(&v.to_lowercase()) {
                    expert[usize::from(i)] = true;
                }
            }
            RepModel {
                id: r.id.to_string(),
                name: r.name.clone(),
                team: r.team.clone(),
                pipeline_segment: labels.pipeline_ix[&pipeline_label(r.region.as_str(), r.role)],
                capacity: (0..h).map(|m| base_capacity(m as u32 + 1) * prod[m]).collect(),
                quota: horizon_quota(r, g, h),
                skill: r.skill,
                expert,
                last_month: r.end_month.map(|e| (e as usize).saturating_sub(1)),
            }
        })
        .collect()
}

/// Phase 7, each epoch's books: every rep's accounts in priority order with their hours under that rep, the
/// owner of every model account, and the unowned accounts.
fn epochs(
    priority: &Priority<'_>,
    snapshots: &[(usize, Vec<Option<usize>>)],
    model_ix: &[u32],
    table: &AccountTable,
    segments: &[SegmentModel],
    rep_models: &[RepModel],
    reps: &[SimRep],
) -> Vec<Epoch> {
    let n = model_ix.len();
    let entry = |a: usize| {
        let m = model_ix[a] as usize;
        BookEntry {
            account: model_ix[a],
            milli_hours: 0,
            hazard_covered: table.hazard_covered[m],
            hazard_inbound: table.hazard_inbound[m],
        }
    };
    snapshots
        .iter()
        .map(|(from, owners)| {
            let books: Vec<Vec<BookEntry>> = priority
                .books(owners, reps)
                .iter()
                .enumerate()
                .map(|(r, book)| {
                    book.iter()
                        .map(|&a| {
                            let (p, rep) = (&priority.params[a].0, &reps[r].rep);
                            let hours = account_hours(priority.scenario, priority.market, p, a, rep);
                            BookEntry { milli_hours: (hours * 1000.0).round() as u32, ..entry(a) }
                        })
                        .collect()
                })
                .collect();
            let mut owner = vec![NO_OWNER; n];
            for a in 0..n {
                if let Some(r) = owners[a] {
                    owner[model_ix[a] as usize] = r as u32;
                }
            }
            let mut unowned: Vec<BookEntry> = (0..n).filter(|&a| owners[a].is_none()).map(entry).collect();
            unowned.sort_unstable_by_key(|e| e.account);
            Epoch::new(*from, owner, books, unowned, table, segments, rep_models)
        })
        .collect()
}

/// The per-trial win-rate draws, one per key that sets a Beta (and motion).
#[derive(Default)]
struct WinDraws {
    index: BTreeMap<String, usize>,
    draws: Vec<WinDraw>,
}

impl WinDraws {
    /// The index of the draw labelled `label`, added with Beta(`alpha`, `beta`) if it is new; an error naming
    /// the parameters' key and the parameter (`prefix` is the motion's, before `win_rate_alpha`) when α or β
    /// is not a valid Beta parameter.
    fn index(
        &mut self,
        label: &str,
        (alpha, beta): (f64, f64),
        (key, prefix): (&str, &str),
    ) -> Result<usize, CompileError> {
        if let Some(&i) = self.index.get(label) {
            return Ok(i);
        }
        let field = format!("params.\"{key}\"");
        let draw =
            WinDraw::new(label, alpha, beta).map_err(|m| err(field, format!("{prefix}win_rate_{m}")))?;
        self.draws.push(draw);
        self.index.insert(label.to_string(), self.draws.len() - 1);
        Ok(self.draws.len() - 1)
    }
}

/// A segment's model from its parameters, with its win draws per motion (`win_draws`) over a horizon of
/// `h` months.
fn segment_model(label: &str, p: &SegmentParams, win_draws: [usize; 2], h: usize) -> SegmentModel {
    let new_business = MotionModel {
        win_draw: win_draws[0],
        deal_sigma: p.deal_size_sigma.get(),
        value_scale: 1.0,
        won: CycleModel::new(p.cycle_months_median.get(), p.cycle_sigma.get(), h),
        lost: CycleModel::new(p.lost_cycle_months_median.get(), p.lost_cycle_sigma.get(), h),
        max_open: p.max_open.count(),
    };
    let expansion = MotionModel {
        win_draw: win_draws[1],
        deal_sigma: p.expansion_deal_size_sigma.get(),
        // The expansion deal of an account scales with its potential as its first deal does.
        value_scale: if p.deal_size.get() > 0.0 {
            p.expansion_deal_size.get() / p.deal_size.get()
        } else {
            0.0
        },
        won: CycleModel::new(p.expansion_cycle_months_median.get(), p.expansion_cycle_sigma.get(), h),
        lost: CycleModel::new(
            p.expansion_lost_cycle_months_median.get(),
            p.expansion_lost_cycle_sigma.get(),
            h,
        ),
        max_open: p.expansion_max_open.count(),
    };
    SegmentModel {
        label: label.to_string(),
        opp_milli_hours: (p.hours_per_open_opp.get() * 1000.0).round() as i64,
        handoff_loss: p.handoff_loss.get(),
        vertical_lift: p.vertical_lift.get(),
        motions: [new_business, expansion],
    }
}

fn is_expert(rep: &Rep, vertical: &str) -> bool {
    rep.expert_verticals.iter().any(|v| v.eq_ignore_ascii_case(vertical))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::market::fixture::{account, market, rep};

    fn scenario(body: &str) -> Scenario {
        let text = format!(
            "schema_version = 1\nname = \"phases\"\nhorizon_months = 12\n{body}\n[data]\naccounts = \"a.csv\"\nreps = \"r.csv\"\n"
        );
        Scenario::from_toml(&text, Path::new("phases.toml")).unwrap()
    }

    fn shock(name: &str) -> Shock {
        Shock {
            name: name.into(),
            win_rate_multiplier: None,
            deal_size_multiplier: None,
            ramp_slowdown: None,
            vertical_dark: None,
            depart_rep: None,
            depart_month: None,
        }
    }

    /// Six Retail accounts of R1 (potential 600 down to 100), one Software account of R2, one unowned.
    fn six_and_two() -> Market {
        let mut accounts: Vec<_> =
            (0..6).map(|i| account(&format!("A{i}"), "Retail", 600.0 - 100.0 * i as f64)).collect();
        accounts.push(account("A6", "Software", 50.0));
        accounts.push(account("A7", "Retail", 10.0));
        let owners = [Some(0), Some(0), Some(0), Some(0), Some(0), Some(0), Some(1), None];
        market(accounts, vec![rep("R1", 1.2e6), rep("R2", 6e5)], &owners)
    }

    #[test]
    fn roster_applies_capacity_quota_hires_and_a_slower_ramp() {
        let m = six_and_two();
        let s = scenario(
            "[[events.capacity_change]]\nrep = \"R1\"\nfrom_month = 4\ncapacity_hours = 50\n\n\
             [[events.quota_change]]\nrep = \"R2\"\nannual_quota = 700000\n\n\
             [[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 3\nramp_months = 2\n",
        );
        let mut slow = shock("slow");
        slow.ramp_slowdown = Some(1.5);
        let roster = roster(&s, &m, Some(&slow)).unwrap();
        assert_eq!(roster.reps.len(), 3);
        assert_eq!(roster.reps[0].capacity_changes, [(4, 50.0)]);
        assert_eq!(roster.reps[1].rep.annual_quota.get(), 700_000.0);
        assert_eq!(roster.hires, [2]);
        let hire = &roster.reps[2].rep;
        // The role's median quota of the reps file (1.2M and 0.6M, before the quota change), a 3-month ramp.
        assert_eq!((hire.annual_quota.get(), hire.ramp_months, hire.start_month), (900_000.0, 3, 3));
        assert_eq!(roster.find(&RepId::new("H1").unwrap(), "f").unwrap(), 2);
        let missing = roster.find(&RepId::new("R9").unwrap(), "events.x.rep").unwrap_err();
        assert_eq!(missing.field, "events.x.rep");
    }

    #[test]
    fn a_hire_takes_its_share_and_a_departure_hands_its_book_to_the_backfill() {
        let m = six_and_two();
        let params = account_params(&scenario(""), &m);
        let s = scenario(
            "[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 3\n\
             take_from = [\"R1\"]\ntake_share = 0.5\n\n\
             [[events.departure]]\nrep = \"R2\"\nmonth = 4\nbackfill_delay_months = 2\n",
        );
        let priority = Priority { scenario: &s, market: &m, params: &params };
        let mut roster = roster(&s, &m, None).unwrap();
        let changes = ownership_changes(&s, &m, m.plan(), None, &priority, &mut roster).unwrap();
        // Every second account of R1's book in priority order (highest potential first) goes to the hire
        // from its first month (0-based 2).
        assert_eq!(changes[&2], [(1, Some(2)), (3, Some(2)), (5, Some(2))]);
        // R2's book is held from month 4 (0-based) and goes to its backfill (roster 3) in month 6.
        assert_eq!(changes[&4], [(6, None)]);
        assert_eq!(changes[&5], [(6, Some(3))]);
        let backfill = &roster.reps[3].rep;
        assert_eq!((backfill.id.as_str(), backfill.start_month, backfill.ramp_months), ("R2-backfill", 6, 3));
        assert_eq!(roster.reps[1].rep.end_month, Some(4));
    }

    #[test]
    fn a_shock_departure_uses_the_default_backfill_and_a_repeated_one_adds_nothing() {
        let m = six_and_two();
        let params = account_params(&scenario(""), &m);
        let s = scenario("[[events.departure]]\nrep = \"R2\"\nmonth = 2\nbackfill = false\n");
        let mut leave = shock("leave");
        (leave.depart_rep, leave.depart_month) = (Some(RepId::new("R1").unwrap()), Some(3));
        let all = departures(&s, Some(&leave));
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].0, "shock leave");
        assert_eq!(
            (all[1].1.backfill_delay_months, all[1].1.backfill_ramp_months),
            (DEFAULT_BACKFILL_DELAY_MONTHS, DEFAULT_BACKFILL_RAMP_MONTHS)
        );

        let priority = Priority { scenario: &s, market: &m, params: &params };
        let mut roster = roster(&s, &m, None).unwrap();
        let mut again = shock("again");
        (again.depart_rep, again.depart_month) = (Some(RepId::new("R2").unwrap()), Some(6));
        let changes = ownership_changes(&s, &m, m.plan(), Some(&again), &priority, &mut roster).unwrap();
        // Only the scenario's departure (month 2, no backfill) happens.
        assert_eq!(changes.keys().copied().collect::<Vec<_>>(), [2]);
        assert_eq!(roster.reps.len(), 2);
    }

    #[test]
    fn epochs_start_at_each_change_inside_the_horizon() {
        let plan = Plan::from_owners(vec![Some(0), Some(0), Some(1)]);
        let mut changes = Changes::new();
        changes.insert(0, vec![(2, Some(0))]);
        changes.insert(3, vec![(0, None)]);
        changes.insert(5, vec![(1, Some(1)), (0, Some(1))]);
        changes.insert(12, vec![(2, None)]);
        let got = epoch_owners(&plan, 3, 12, &changes);
        let want = vec![
            (0, vec![Some(0), Some(0), Some(0)]),
            (3, vec![None, Some(0), Some(0)]),
            (5, vec![Some(1), Some(1), Some(0)]),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn segment_models_share_a_chain_and_a_win_draw_per_key() {
        let m = six_and_two();
        let s = scenario("[params.\"AMER/SMB/Retail\"]\nwin_rate_alpha = 3\nwin_rate_beta = 7\n");
        let params = account_params(&s, &m);
        let (segments, set_segment, draws) = segment_models(&params, 12).expect("valid Betas");
        // Retail carries its own key, Software only its size band's: two segments. Retail's key sets the
        // new-business Beta only, so the two new-business draws differ and both expansion draws are SMB's.
        assert_eq!(segments.len(), 2, "{:?}", segments.iter().map(|x| &x.label).collect::<Vec<_>>());
        assert_eq!(draws.len(), 3, "{:?}", draws.iter().map(|d| &d.label).collect::<Vec<_>>());
        let retail = set_segment[params.set_of[0] as usize];
        assert_eq!(set_segment[params.set_of[7] as usize], retail, "both Retail accounts share one segment");
        assert_ne!(set_segment[params.set_of[6] as usize], retail);
        let nb = &draws[segments[usize::from(retail)].motions[0].win_draw];
        assert_eq!((nb.alpha(), nb.beta()), (3.0, 7.0));
    }

    #[test]
    fn the_account_table_darkens_a_vertical_and_targets_only_accounts_with_demand() {
        let mut accounts = vec![account("A0", "Retail", 100.0), account("A1", "Software", 100.0)];
        accounts[1].is_customer = true;
        let m = market(accounts, vec![rep("R1", 1e6)], &[Some(0), Some(0)]);
        let no_expansion = scenario("[params.SMB]\nexpansion_opp_rate = 0\n");
        let params = account_params(&no_expansion, &m);
        let labels = Labels::new(m.accounts(), &roster(&no_expansion, &m, None).unwrap().reps);
        let (_, set_segment, _) = segment_models(&params, 12).expect("valid Betas");
        let mut dark = shock("dark");
        dark.vertical_dark = Some("retail".into());
        let t = account_table(&no_expansion, &m, Some(&dark), &params, &[1, 0], &set_segment, &labels);
        assert_eq!(t.market_index, [1, 0]);
        assert_eq!(t.hazard_covered[1], 0.0, "Retail is dark");
        assert!(t.hazard_covered[0] > 0.0);
        assert!(t.expansion_clock[0].is_infinite(), "expansion is off");
        // A customer with no expansion has no demand, so it is no coverage target.
        assert_eq!(t.target, [false, true]);
        assert_eq!(t.whitespace, [300.0, 300.0]);
    }

    #[test]
    fn rep_models_pro_rate_the_quota_by_the_policy_and_mark_experts() {
        let mut late = rep("R1", 1.2e6);
        (late.start_month, late.expert_verticals) = (7, vec!["RETAIL".into()]);
        let m = market(vec![account("A0", "Retail", 100.0)], vec![late], &[Some(0)]);
        for (policy, quota) in [("active_months", 600_000.0), ("full", 1.2e6)] {
            let s = scenario(&format!("[model]\nquota_policy = \"{policy}\"\n"));
            let roster = roster(&s, &m, None).unwrap();
            let labels = Labels::new(m.accounts(), &roster.reps);
            let r = &rep_models(&s.model, 12, &roster.reps, &labels)[0];
            assert!((r.quota - quota).abs() < 1e-6, "{policy}: {}", r.quota);
            assert_eq!(r.capacity[5], 0.0);
            assert_eq!(r.capacity[6], 100.0);
            assert_eq!(r.expert, [true]);
        }
    }
}
