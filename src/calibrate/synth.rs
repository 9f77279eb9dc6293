//! The model as history sees it, and history made by the model.
//!
//! History is a steady state: the reps of the reps file are active and fully ramped, the plan's owners are
//! in place, and no scenario event applies (events are the future the scenario asks about). Calibration
//! uses this model to learn how much of each account's time in the demand pool was covered, the backtest to
//! simulate the months after its cutoff, and [`simulate_history`] to write a history that follows the model
//! exactly (the round-trip tests and the shipped Northstar and Keystone samples; Keystone's with the reps
//! who left during it, [`simulate_history_with_departures`]).

use rayon::prelude::*;

use crate::market::{Market, Plan};
use crate::scenario::{CompileError, Events, OrphanPolicy, Scenario, compile};
use crate::sim::model::{Model, NO_OWNER};
use crate::sim::{OppEventKind, Scratch, TrialLog, run_trial_logged};

use super::history::{History, Opportunity, Outcome, first_day};

/// `scenario` over `months` months with no events, and `market` with every rep active and ramped, and the
/// accounts' potential recomputed from the scenario's deal sizes (where the CRM gives no whitespace value).
pub fn steady_state(scenario: &Scenario, market: &Market, months: u32) -> (Scenario, Market) {
    let mut s = scenario.clone();
    s.horizon_months = months.clamp(1, 120);
    s.events = Events::default();
    s.shocks.clear();
    let scoring = s.scoring();
    let mut accounts = market.accounts().to_vec();
    for (a, account) in accounts.iter_mut().enumerate() {
        if account.whitespace_value.is_none() {
            let prefixes: Vec<String> =
                market.segment_path(a, &s.segmentation.hierarchy).prefixes().collect();
            let deal = s.segment_params(account.size_band, &prefixes).0.deal_size.get();
            account.potential = scoring.potential(
                account.score,
                crate::market::Money::new(deal).unwrap_or(crate::market::Money::ZERO),
            );
        }
    }
    let mut reps = market.reps().to_vec();
    for rep in &mut reps {
        rep.start_month = rep.start_month.min(-(rep.ramp_months as i32));
        rep.end_month = None;
    }
    let m = Market::new(accounts, reps, market.plan().clone(), market.carveouts().to_vec())
        .expect("a copy of a valid market with the same ids and plan is valid");
    (s, m)
}

/// Replaces the plan of `market` (carve-outs are dropped: history has no locks).
pub fn with_plan(market: &Market, plan: Plan) -> Market {
    Market::new(market.accounts().to_vec(), market.reps().to_vec(), plan, Vec::new())
        .expect("a plan built over the market's own accounts and reps is valid")
}

/// Runs trials `0..trials` of `model` with logging and reduces each trial's log with `reduce`, in trial
/// order whatever the thread count.
pub fn run_logged<T: Send>(
    model: &Model,
    trials: u64,
    reduce: &(dyn Fn(u64, &TrialLog) -> T + Sync),
) -> Vec<T> {
    (0..trials)
        .into_par_iter()
        .map_init(
            || (Scratch::default(), TrialLog::default()),
            |(scratch, log), t| {
                run_trial_logged(model, t, scratch, log);
                reduce(t, log)
            },
        )
        .collect()
}

/// Simulates `months` months of history of `scenario` on `market` (trial `trial` of the scenario's seed),
/// starting in month `start` (numbered as by [`super::month_of`]), as the opportunities a CRM would hold at
/// the end: ids `OPP-0000001`…, created and close dates on a day of the month the model opened and booked
/// them, the owner at close (at creation while open), the deal value as the amount (what was booked, for a
/// win), and the motion.
pub fn simulate_history(
    scenario: &Scenario,
    market: &Market,
    start: i64,
    months: u32,
    trial: u64,
) -> Result<History, CompileError> {
    let (s, m) = steady_state(scenario, market, months);
    history_of(&s, &m, start, trial)
}

/// [`simulate_history`] with the reps who leave during it: the scenario's departures (and no other event)
/// happen as the model runs them, so an account's later opportunities carry its new owner and a leaver's
/// open deals are handed over or lost (`handoff_loss`). A departure must hand the book to reps of the
/// market (`orphan_policy = "reassign"` or `"spread"`, `backfill = false`): a history names the reps who
/// sold, and a backfill is not one of them.
pub fn simulate_history_with_departures(
    scenario: &Scenario,
    market: &Market,
    start: i64,
    months: u32,
    trial: u64,
) -> Result<History, CompileError> {
    for (i, d) in scenario.events.departure.iter().enumerate() {
        let field = |name: &str| format!("events.departure[{i}].{name}");
        if d.backfill {
            return Err(CompileError {
                field: field("backfill"),
                message:
                    "a history's leaver is not backfilled by a rep outside the reps file; set backfill = \
                          false and name the successor with orphan_policy = \"reassign\""
                        .into(),
            });
        }
        if d.orphan_policy == OrphanPolicy::Hold {
            return Err(CompileError {
                field: field("orphan_policy"),
                message: "a history's leaver hands the book on; use \"reassign\" or \"spread\"".into(),
            });
        }
    }
    let (mut s, m) = steady_state(scenario, market, months);
    s.events.departure = scenario.events.departure.clone();
    history_of(&s, &m, start, trial)
}

/// Trial `trial` of `s` on `m` as the opportunities a CRM would hold (see [`simulate_history`]).
fn history_of(s: &Scenario, m: &Market, start: i64, trial: u64) -> Result<History, CompileError> {
    let model = compile(s, m, m.plan(), None)?;
    let mut scratch = Scratch::default();
    let mut log = TrialLog::default();
    run_trial_logged(&model, trial, &mut scratch, &mut log);
    let owner = |o: u32| (o != NO_OWNER).then_some(o as usize);
    let cents = |v: f64| (v * 100.0).round() / 100.0;
    // A day of the month for each date, spread by a hash so that dates look like a CRM's.
    let day = |month: i64, salt: u64| {
        let first = first_day(start + month);
        let days = first_day(start + month + 1) - first;
        let h = crate::sim::mix64(salt.wrapping_mul(crate::sim::GOLDEN) ^ (month as u64));
        first + (h % days as u64) as i64
    };
    // Each (account, deal number) still open: its index in the history. A close names its deal.
    let mut open: std::collections::HashMap<(u32, u32), usize> = std::collections::HashMap::new();
    let mut history = History::default();
    for e in &log.events {
        let a = e.account as usize;
        let month = i64::from(e.month);
        match e.kind {
            OppEventKind::Opened => {
                let n = history.opportunities.len();
                history.opportunities.push(Opportunity {
                    id: format!("OPP-{:07}", n + 1),
                    account: a,
                    owner: owner(e.owner),
                    created: day(month, 2 * n as u64),
                    closed: None,
                    outcome: Outcome::Open,
                    amount: Some(cents(e.value)),
                    motion: e.motion,
                });
                open.insert((e.account, e.deal), n);
            }
            OppEventKind::Won | OppEventKind::Lost => {
                let Some(n) = open.remove(&(e.account, e.deal)) else { continue };
                let o = &mut history.opportunities[n];
                // The close lands in the booked month, never before the created date.
                o.closed = Some(day(month, 2 * n as u64 + 1).max(o.created));
                o.outcome = if e.kind == OppEventKind::Won { Outcome::Won } else { Outcome::Lost };
                o.owner = owner(e.owner);
                if e.kind == OppEventKind::Won {
                    // What was booked: an expansion win takes at most the whitespace left.
                    o.amount = Some(cents(e.value));
                }
            }
        }
    }
    history.unknown_owner = history.opportunities.iter().filter(|o| o.owner.is_none()).count();
    Ok(history)
}
