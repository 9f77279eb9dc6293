//! Compiles a scenario, its market, a plan and an optional shock into the dense simulation model.

use std::collections::{BTreeMap, HashMap};

use crate::market::{Market, Motion, Plan, Rep, RepId, SizeBand};
use crate::sim::model::{
    AccountTable, BookEntry, CarryIn, CycleModel, Epoch, Model, MotionModel, NO_OWNER, PlanBasis, RepModel,
    SalesMotion, SegmentModel, TeamPlan, WinDraw,
};

use super::events::{Departure, Hire, OrphanPolicy, Shock};
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
    let mut hours = params.hours_per_account;
    if rep.motion == Motion::Field {
        let account = &market.accounts()[a];
        let km = match (rep.home, account.location) {
            (Some(home), Some(at)) => home.distance_km(at),
            _ if rep.region == account.region => scenario.model.same_region_km,
            _ => scenario.model.cross_region_km,
        };
        let per_visit = (params.travel_hours_per_100km * km / 100.0).min(params.travel_cap_hours);
        hours += params.visits_per_month * per_visit;
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
    let mut reps: Vec<Rep> = market.reps().to_vec();
    for q in &scenario.events.quota_change {
        let quota = crate::market::Money::new(q.annual_quota);
        if let (Some(rep), Ok(quota)) = (reps.iter_mut().find(|r| r.id == q.rep), quota) {
            rep.annual_quota = quota;
        }
    }
    reps.extend(scenario.events.hire.iter().filter_map(|hire| hire_rep(hire, market.reps(), "").ok()));
    let value = reps
        .iter()
        .map(|rep| {
            // A rep leaves once: its first departure decides.
            match scenario.events.departure.iter().find(|d| d.rep == rep.id) {
                Some(d) if d.quota_leaves_plan => {
                    let mut gone = rep.clone();
                    gone.end_month = Some(rep.end_month.map_or(d.month, |e| e.min(d.month)));
                    let start = d.month + d.backfill_delay_months;
                    let backfill = (d.backfill && (d.month as usize) < h && start as usize <= h).then(|| {
                        let mut b = rep.clone();
                        b.start_month = start as i32;
                        b.ramp_months = d.backfill_ramp_months;
                        b.end_month = None;
                        horizon_quota(&b, g, h)
                    });
                    horizon_quota(&gone, g, h) + backfill.unwrap_or(0.0)
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

/// Compiles `scenario` on `market` with ownership `plan` and an optional stress `shock`.
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
    let n = accounts.len();
    let mut reps: Vec<SimRep> =
        market.reps().iter().map(|r| SimRep { rep: r.clone(), capacity_changes: Vec::new() }).collect();
    let mut rep_ix: HashMap<RepId, usize> =
        reps.iter().enumerate().map(|(i, r)| (r.rep.id.clone(), i)).collect();
    let find = |ix: &HashMap<RepId, usize>, id: &RepId, field: &str| {
        ix.get(id)
            .copied()
            .ok_or_else(|| err(field, format!("rep {id} is not in the reps file; add it or fix the id")))
    };

    for (i, c) in scenario.events.capacity_change.iter().enumerate() {
        let r = find(&rep_ix, &c.rep, &format!("events.capacity_change[{i}].rep"))?;
        reps[r].capacity_changes.push((c.from_month, c.capacity_hours));
    }
    for (i, q) in scenario.events.quota_change.iter().enumerate() {
        let r = find(&rep_ix, &q.rep, &format!("events.quota_change[{i}].rep"))?;
        reps[r].rep.annual_quota = crate::market::Money::new(q.annual_quota)
            .map_err(|e| err(format!("events.quota_change[{i}].annual_quota"), e.to_string()))?;
    }

    let mut hire_ix = Vec::new();
    for (i, hire) in scenario.events.hire.iter().enumerate() {
        if rep_ix.contains_key(&hire.rep) {
            return Err(err(
                format!("events.hire[{i}].rep"),
                format!("rep {} is already in the reps file; a rep can be in one place only", hire.rep),
            ));
        }
        let rep = hire_rep(hire, market.reps(), &format!("events.hire[{i}]"))?;
        rep_ix.insert(rep.id.clone(), reps.len());
        hire_ix.push(reps.len());
        reps.push(SimRep { rep, capacity_changes: Vec::new() });
    }

    let mut departures: Vec<(String, Departure)> = scenario
        .events
        .departure
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("events.departure[{i}]"), d.clone()))
        .collect();
    if let Some(s) = shock {
        if let Some(rep) = &s.depart_rep {
            departures.push((
                format!("shock {}", s.name),
                Departure {
                    rep: rep.clone(),
                    month: s.depart_month.unwrap_or(3).min(scenario.horizon_months),
                    backfill_delay_months: 5,
                    backfill_ramp_months: 3,
                    backfill: true,
                    orphan_policy: OrphanPolicy::Hold,
                    reassign_to: None,
                    // A shock is not the plan.
                    quota_leaves_plan: false,
                },
            ));
        }
        if let Some(slow) = s.ramp_slowdown {
            for r in &mut reps {
                r.rep.ramp_months = (f64::from(r.rep.ramp_months) * slow).ceil() as u32;
            }
        }
    }

    let params = account_params(scenario, market);
    // Ownership changes, keyed by the 0-based month they take effect.
    let mut owners: Vec<Option<usize>> = (0..n).map(|a| plan.owner(a)).collect();
    let locked = market.carved_out();
    let mut changes: BTreeMap<usize, Vec<(usize, Option<usize>)>> = BTreeMap::new();
    let ev_priority = |a: usize, r: &Rep| -> f64 {
        let p = &params[a].0;
        let lift = if is_expert(r, &accounts[a].vertical) { p.vertical_lift } else { 1.0 };
        let ev = p.opp_rate * accounts[a].score / 3.0
            * p.win_rate_mean()
            * r.skill
            * lift
            * accounts[a].potential.get();
        ev / account_hours(scenario, market, p, a, r).max(1e-9)
    };
    let sort_by_priority = |book: &mut Vec<usize>, rep: &Rep| {
        let mut keyed: Vec<(f64, usize)> = book.iter().map(|&a| (ev_priority(a, rep), a)).collect();
        keyed.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        book.clear();
        book.extend(keyed.into_iter().map(|(_, a)| a));
    };
    let all_books = |owners: &[Option<usize>], reps: &[SimRep]| -> Vec<Vec<usize>> {
        let mut books = vec![Vec::new(); reps.len()];
        for (a, owner) in owners.iter().enumerate() {
            if let Some(r) = owner {
                books[*r].push(a);
            }
        }
        for (r, book) in books.iter_mut().enumerate() {
            sort_by_priority(book, &reps[r].rep);
        }
        books
    };
    let sorted_book = |owners: &[Option<usize>], r: usize, reps: &[SimRep]| -> Vec<usize> {
        let mut book: Vec<usize> = (0..n).filter(|&a| owners[a] == Some(r)).collect();
        sort_by_priority(&mut book, &reps[r].rep);
        book
    };

    for (i, hire) in scenario.events.hire.iter().enumerate() {
        let hr = hire_ix[i];
        let t = (hire.start_month - 1) as usize;
        for (j, donor) in hire.take_from.iter().enumerate() {
            let d = find(&rep_ix, donor, &format!("events.hire[{i}].take_from[{j}]"))?;
            let book: Vec<usize> =
                sorted_book(&owners, d, &reps).into_iter().filter(|&a| !locked[a]).collect();
            for (k, &a) in book.iter().enumerate() {
                // Evenly spaced picks along the priority order move potential in proportion.
                if ((k + 1) as f64 * hire.take_share).floor() > (k as f64 * hire.take_share).floor() {
                    changes.entry(t).or_default().push((a, Some(hr)));
                    owners[a] = Some(hr);
                }
            }
        }
    }

    let mut departed = vec![false; reps.len()];
    for (field, d) in &departures {
        let x = find(&rep_ix, &d.rep, &format!("{field}.rep"))?;
        if std::mem::replace(&mut departed[x], true) {
            // A rep leaves once: a shock naming a rep whose departure the scenario already has adds nothing.
            continue;
        }
        let last = d.month;
        reps[x].rep.end_month = Some(reps[x].rep.end_month.map_or(last, |e| e.min(last)));
        if (last as usize) >= h {
            continue;
        }
        let t = last as usize;
        let book = sorted_book(&owners, x, &reps);
        let target: Vec<Option<usize>> = match d.orphan_policy {
            OrphanPolicy::Hold => vec![None; book.len()],
            OrphanPolicy::Reassign => {
                let to = d
                    .reassign_to
                    .as_ref()
                    .ok_or_else(|| err(format!("{field}.reassign_to"), "name the rep who takes the book"))?;
                let to = find(&rep_ix, to, &format!("{field}.reassign_to"))?;
                vec![Some(to); book.len()]
            }
            OrphanPolicy::Spread => {
                let team = reps[x].rep.team.clone();
                let mates: Vec<usize> = (0..reps.len())
                    .filter(|&r| {
                        r != x
                            && reps[r].rep.team == team
                            && productivity(&reps[r].rep, t as i32 + 1, 1.0) > 0.0
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
                (0..book.len()).map(|k| Some(mates[k % mates.len()])).collect()
            }
        };
        for (&a, &to) in book.iter().zip(&target) {
            changes.entry(t).or_default().push((a, to));
            owners[a] = to;
        }
        let start = last + d.backfill_delay_months;
        if d.backfill && (start as usize) <= h {
            let mut rep = reps[x].rep.clone();
            rep.id = RepId::new(&format!("{}-backfill", d.rep))
                .map_err(|e| err(format!("{field}.rep"), e.to_string()))?;
            rep.name = format!("Backfill for {}", reps[x].rep.name);
            rep.start_month = start as i32;
            rep.ramp_months = d.backfill_ramp_months;
            if let Some(slow) = shock.and_then(|s| s.ramp_slowdown) {
                rep.ramp_months = (f64::from(rep.ramp_months) * slow).ceil() as u32;
            }
            rep.end_month = None;
            rep.skill = 1.0;
            let b = reps.len();
            rep_ix.insert(rep.id.clone(), b);
            reps.push(SimRep { rep, capacity_changes: reps[x].capacity_changes.clone() });
            for &a in &book {
                changes.entry(start as usize - 1).or_default().push((a, Some(b)));
            }
        }
    }

    // Epoch owner snapshots in market index space.
    let mut snapshots: Vec<(usize, Vec<Option<usize>>)> = Vec::new();
    let mut current: Vec<Option<usize>> = (0..n).map(|a| plan.owner(a)).collect();
    let mut months: Vec<usize> = changes.keys().copied().filter(|&m| m > 0 && m < h).collect();
    if let Some(first) = changes.get(&0) {
        for &(a, to) in first {
            current[a] = to;
        }
    }
    snapshots.push((0, current.clone()));
    months.dedup();
    for m in months {
        for &(a, to) in &changes[&m] {
            current[a] = to;
        }
        snapshots.push((m, current.clone()));
    }

    // Verticals and pipeline segments.
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
    let mut pipeline_ix: BTreeMap<String, u16> = BTreeMap::new();
    let pipeline_label = |region: &str, band: SizeBand| format!("{region}/{band}");
    let mut region_band: HashMap<(&str, SizeBand), u16> = HashMap::new();
    for a in accounts {
        region_band.entry((a.region.as_str(), a.size_band)).or_insert(0);
    }
    for &(region, band) in region_band.keys() {
        pipeline_ix.entry(pipeline_label(region, band)).or_insert(0);
    }
    for r in &reps {
        pipeline_ix.entry(pipeline_label(r.rep.region.as_str(), r.rep.role)).or_insert(0);
    }
    for (i, v) in pipeline_ix.values_mut().enumerate() {
        *v = i as u16;
    }
    for (&(region, band), ix) in &mut region_band {
        *ix = pipeline_ix[&pipeline_label(region, band)];
    }

    // Parameter segments and win draws.
    let mut segment_ix: BTreeMap<String, usize> = BTreeMap::new();
    let mut segments: Vec<SegmentModel> = Vec::new();
    let mut win_draws = WinDraws::default();
    let mut set_segment = vec![0u16; params.sets.len()];
    for (set, (p, chain, win_keys)) in params.sets.iter().enumerate() {
        let new_business = win_draws.index(&win_keys.new_business, p.win_rate_alpha, p.win_rate_beta);
        let expansion = win_draws.index(
            &format!("{} expansion", win_keys.expansion),
            p.expansion_win_rate_alpha,
            p.expansion_win_rate_beta,
        );
        let s = *segment_ix.entry(chain.clone()).or_insert_with(|| {
            segments.push(segment_model(chain, p, [new_business, expansion], h));
            segments.len() - 1
        });
        set_segment[set] = s as u16;
    }
    let win_draws = win_draws.draws;

    // Model order: the first epoch's books, highest priority first, then the unowned.
    let first_books = all_books(&snapshots[0].1, &reps);
    let mut order: Vec<usize> = first_books.iter().flatten().copied().collect();
    order.extend((0..n).filter(|&a| snapshots[0].1[a].is_none()));
    let mut model_ix = vec![0u32; n];
    for (i, &a) in order.iter().enumerate() {
        model_ix[a] = i as u32;
    }

    let dark = shock.and_then(|s| s.vertical_dark.as_ref()).and_then(|v| vertical_ix.get(&v.to_lowercase()));
    let mut table = AccountTable::default();
    for &a in &order {
        let acc = &accounts[a];
        let p = &params[a].0;
        let is_dark = dark == Some(&account_vertical[a]);
        let hazard = |prob: f64| {
            if is_dark { 0.0 } else { -(1.0 - prob.clamp(0.0, 0.999_999)).ln() as f32 }
        };
        table.market_index.push(a as u32);
        table.segment.push(set_segment[params.set_of[a] as usize]);
        table.pipeline_segment.push(region_band[&(acc.region.as_str(), acc.size_band)]);
        let covered = hazard(p.opp_rate * acc.score / 3.0);
        let expansion = hazard(p.expansion_opp_rate * acc.score / 3.0);
        table.hazard_covered.push(covered);
        table.hazard_inbound.push(hazard(p.inbound_rate));
        // An expansion clock runs on the new-business hazards of the books, scaled.
        table.expansion_clock.push(if expansion > 0.0 && covered > 0.0 {
            covered / expansion
        } else {
            f32::INFINITY
        });
        table.whitespace.push(acc.potential.get() * p.whitespace_multiple);
        table.potential.push(acc.potential.get());
        table.vertical.push(account_vertical[a]);
        let difficulty = f64::from(acc.score_inputs.competitive_difficulty);
        table.competitive.push((1.0 + p.competitive_strength * (3.0 - difficulty) / 2.0) as f32);
        let has_demand = !acc.is_customer
            || (table.expansion_clock.last().is_some_and(|c| c.is_finite())
                && table.whitespace.last().is_some_and(|&w| w > 0.0));
        table.target.push(has_demand && g.target_tiers.contains(&acc.tier.0));
        table.customer.push(acc.is_customer);
    }

    let rep_models: Vec<RepModel> = reps
        .iter()
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
            let mut expert = vec![false; vertical_ix.len()];
            for v in &r.expert_verticals {
                if let Some(&i) = vertical_ix.get(&v.to_lowercase()) {
                    expert[usize::from(i)] = true;
                }
            }
            RepModel {
                id: r.id.to_string(),
                name: r.name.clone(),
                team: r.team.clone(),
                pipeline_segment: pipeline_ix[&pipeline_label(r.region.as_str(), r.role)],
                capacity: (0..h).map(|m| base_capacity(m as u32 + 1) * prod[m]).collect(),
                quota: horizon_quota(r, g, h),
                skill: r.skill,
                expert,
                last_month: r.end_month.map(|e| (e as usize).saturating_sub(1)),
            }
        })
        .collect();

    let entry = |a: usize| {
        let m = model_ix[a] as usize;
        BookEntry {
            account: model_ix[a],
            milli_hours: 0,
            hazard_covered: table.hazard_covered[m],
            hazard_inbound: table.hazard_inbound[m],
        }
    };
    let epochs: Vec<Epoch> = snapshots
        .iter()
        .map(|(from, owners)| {
            let mut owner = vec![NO_OWNER; n];
            let mut books = Vec::with_capacity(reps.len());
            for (r, book) in all_books(owners, &reps).iter().enumerate() {
                books.push(
                    book.iter()
                        .map(|&a| BookEntry {
                            milli_hours: (account_hours(scenario, market, &params[a].0, a, &reps[r].rep)
                                * 1000.0)
                                .round() as u32,
                            ..entry(a)
                        })
                        .collect(),
                );
            }
            for a in 0..n {
                if let Some(r) = owners[a] {
                    owner[model_ix[a] as usize] = r as u32;
                }
            }
            let mut unowned: Vec<BookEntry> = (0..n).filter(|&a| owners[a].is_none()).map(entry).collect();
            unowned.sort_unstable_by_key(|e| e.account);
            Epoch::new(*from, owner, books, unowned, &table, &segments, &rep_models)
        })
        .collect();
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
        pipeline_segments: pipeline_ix.keys().cloned().collect(),
        epochs,
        epoch_of_month,
        market_factor_sigma: g.market_factor_sigma,
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
    })
}

/// The per-trial win-rate draws, one per key that sets a Beta (and motion).
#[derive(Default)]
struct WinDraws {
    index: BTreeMap<String, usize>,
    draws: Vec<WinDraw>,
}

impl WinDraws {
    /// The index of the draw labelled `label`, added with Beta(`alpha`, `beta`) if it is new.
    fn index(&mut self, label: &str, alpha: f64, beta: f64) -> usize {
        *self.index.entry(label.to_string()).or_insert_with(|| {
            self.draws.push(WinDraw { label: label.to_string(), alpha, beta });
            self.draws.len() - 1
        })
    }
}

/// A segment's model from its parameters, with its win draws per motion (`win_draws`) over a horizon of
/// `h` months.
fn segment_model(label: &str, p: &SegmentParams, win_draws: [usize; 2], h: usize) -> SegmentModel {
    let new_business = MotionModel {
        win_draw: win_draws[0],
        deal_sigma: p.deal_size_sigma,
        value_scale: 1.0,
        won: CycleModel::new(p.cycle_months_median, p.cycle_sigma, h),
        lost: CycleModel::new(p.lost_cycle_months_median, p.lost_cycle_sigma, h),
        max_open: p.max_open as u8,
    };
    let expansion = MotionModel {
        win_draw: win_draws[1],
        deal_sigma: p.expansion_deal_size_sigma,
        // The expansion deal of an account scales with its potential as its first deal does.
        value_scale: if p.deal_size > 0.0 { p.expansion_deal_size / p.deal_size } else { 0.0 },
        won: CycleModel::new(p.expansion_cycle_months_median, p.expansion_cycle_sigma, h),
        lost: CycleModel::new(p.expansion_lost_cycle_months_median, p.expansion_lost_cycle_sigma, h),
        max_open: p.expansion_max_open as u8,
    };
    SegmentModel {
        label: label.to_string(),
        opp_milli_hours: (p.hours_per_open_opp * 1000.0).round() as i64,
        handoff_loss: p.handoff_loss,
        vertical_lift: p.vertical_lift,
        motions: [new_business, expansion],
    }
}

fn is_expert(rep: &Rep, vertical: &str) -> bool {
    rep.expert_verticals.iter().any(|v| v.eq_ignore_ascii_case(vertical))
}
