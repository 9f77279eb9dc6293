//! The org the optimizer plans for: the market with every added rep (scenario hires, optimize additions,
//! backfills) as a rep of its own, removed reps marked, and the scenario that simulates the unchanged plan
//! under the same headcount changes.

use crate::market::Market;
use crate::scenario::{Departure, OptimizeSpec, OrphanPolicy, Scenario, Strategy, hire_rep};

use super::problem::Problem;
use super::units::UnitGraph;

/// A headcount change the optimizer cannot plan for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct OrgError {
    /// Dotted path of the offending field.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> OrgError {
    OrgError { field: field.into(), message: message.into() }
}

/// The planning org.
#[derive(Debug, Clone)]
pub struct Org {
    /// The scenario candidates run in: hires are reps of the market, so hire events are gone.
    pub scenario: Scenario,
    /// The market with added reps; removed reps end at their month.
    pub market: Market,
    /// The scenario the unchanged plan runs in: the original, with additions as hires (empty books) and
    /// removals as departures whose books wait for the backfill.
    pub baseline_scenario: Scenario,
    /// The original market.
    pub baseline_market: Market,
    /// Reps the plan must give nothing (by org rep index).
    pub removed: Vec<bool>,
    /// Reps added by hires, additions and backfills (by org rep index).
    pub added: Vec<bool>,
    /// The surrogate problem of the org.
    pub problem: Problem,
}

impl Org {
    /// True when `plan` gives accounts to an added rep (a hire, an addition or a backfill): such a plan
    /// runs in the org's scenario and market, where those reps have books of their own.
    pub fn uses_added_reps(&self, plan: &crate::market::Plan) -> bool {
        plan.owners().iter().flatten().any(|&r| self.added[r as usize])
    }

    /// Checks that `spec`'s geographic strategies have geography to build on, and that the unit table of
    /// `spec.adjacency` (loaded as `graph`) is the accounts' own. Without a unit table the geographic
    /// strategy (and the hybrid's field teams) sweeps states and countries west to east by the accounts'
    /// longitudes: with no account located, that is alphabetical order, nothing geographic. With a unit
    /// table, territories grow over the units holding accounts (by `county_fips`): with none matched, it falls
    /// back to that sweep. `optimize` runs this before any search; `compare`, which builds no candidate,
    /// does not.
    pub fn check_geography(&self, spec: &OptimizeSpec, graph: Option<&UnitGraph>) -> Result<(), OrgError> {
        let accounts = self.market.accounts();
        if let Some(g) = graph {
            let matched =
                accounts.iter().any(|a| a.county_fips.as_deref().is_some_and(|f| g.unit(f).is_some()));
            if !matched {
                let table =
                    spec.adjacency.as_ref().map_or("the unit table".into(), |p| p.display().to_string());
                let unit =
                    g.ids.first().map_or("(no unit at all)".into(), |u| format!("ids such as \"{u}\""));
                let theirs = match accounts.iter().find(|a| a.county_fips.is_some()) {
                    Some(a) => format!(
                        "the accounts' county_fips are codes such as \"{}\" (account {})",
                        a.county_fips.as_deref().unwrap_or_default(),
                        a.id
                    ),
                    None => "no account has a county_fips".into(),
                };
                return Err(err(
                    "optimize.adjacency",
                    format!(
                        "no unit of {table} is the county_fips of any account ({table} has {unit}; {theirs}), so \
                         geographic territories would have no units to grow from; key the unit table by the \
                         accounts' county FIPS codes (its fips or unit column), give the accounts a matching \
                         county_fips column, or remove adjacency"
                    ),
                ));
            }
            return Ok(());
        }
        if accounts.iter().any(|a| a.location.is_some()) {
            return Ok(());
        }
        let p = &self.problem;
        // A hybrid builds geographically only in pools whose reps are mostly field reps.
        let field_pool = p.pools.iter().find(|pool| {
            let field = pool.reps.iter().filter(|&&r| p.reps[r as usize].field).count();
            field * 2 > pool.reps.len() && !pool.accounts.is_empty()
        });
        for (i, s) in spec.strategies.iter().enumerate() {
            let what = match (s, field_pool) {
                (Strategy::Geographic, _) => "strategy \"geographic\" builds territories".to_string(),
                (Strategy::Hybrid, Some(pool)) => {
                    format!("strategy \"hybrid\" builds the field team's territories (pool {})", pool.label)
                }
                _ => continue,
            };
            return Err(err(
                format!("optimize.strategies[{i}]"),
                format!(
                    "{what} from where the accounts are, and no account has a latitude and longitude and there \
                     is no adjacency unit table, so its candidate would be states and countries in alphabetical \
                     order, with nothing geographic behind it; give the accounts latitude and longitude columns \
                     (or county_fips, with adjacency = \"counties.csv\", a unit table with a neighbors column), or \
                     list strategies without \"{}\" under [optimize] (unset, strategies lists all five)",
                    s.label()
                ),
            ));
        }
        Ok(())
    }

    /// Builds the org for `spec`.
    pub fn new(scenario: &Scenario, market: &Market, spec: &OptimizeSpec) -> Result<Org, OrgError> {
        let mut org_market = market.clone();
        let hires = scenario.events.hire.iter().map(|h| ("events.hire", h));
        let adds = spec.add.iter().map(|h| ("optimize.add", h));
        let mut counts = std::collections::BTreeMap::new();
        for (field, hire) in hires.chain(adds) {
            let k = counts.entry(field).or_insert(0);
            let field = format!("{field}[{k}]");
            *k += 1;
            let rep = hire_rep(hire, market.reps(), &field).map_err(|e| err(e.field, e.message))?;
            org_market.add_rep(rep).map_err(|_| {
                err(
                    format!("{field}.rep"),
                    format!("rep {} already exists; give the hire a new id", hire.rep),
                )
            })?;
        }
        let mut removed = vec![false; org_market.reps().len()];
        let mut baseline_scenario = scenario.clone();
        baseline_scenario.events.hire.extend(spec.add.iter().cloned());
        for (i, removal) in spec.remove.iter().enumerate() {
            let field = format!("optimize.remove[{i}]");
            let r = org_market.rep_ix(&removal.rep).ok_or_else(|| {
                err(
                    format!("{field}.rep"),
                    format!("rep {} is not in the reps file; fix the id", removal.rep),
                )
            })?;
            if std::mem::replace(&mut removed[r], true) {
                return Err(err(format!("{field}.rep"), format!("rep {} is removed twice", removal.rep)));
            }
            if removal.month > scenario.horizon_months {
                return Err(err(
                    format!("{field}.month"),
                    format!("month {} is after the horizon of {}", removal.month, scenario.horizon_months),
                ));
            }
            if let Some(c) = market.carveouts().iter().find(|c| c.owner == r) {
                return Err(err(
                    format!("{field}.rep"),
                    format!(
                        "account {} is carved out to {}; end the carve-out before removing the rep",
                        market.accounts()[c.account].id,
                        removal.rep
                    ),
                ));
            }
            let rep = org_market.rep_mut(r);
            rep.end_month = Some(removal.month);
            if removal.backfill && removal.month + removal.backfill_delay_months <= scenario.horizon_months {
                let start = removal.month + removal.backfill_delay_months;
                let backfill = crate::scenario::backfill_rep(rep, removal.backfill_ramp_months, start)
                    .map_err(|e| err(&field, e.to_string()))?;
                org_market.add_rep(backfill).map_err(|_| err(&field, "the backfill's id is taken"))?;
                removed.push(false);
            }
            baseline_scenario.events.departure.push(Departure {
                rep: removal.rep.clone(),
                month: removal.month,
                backfill_delay_months: removal.backfill_delay_months,
                backfill_ramp_months: removal.backfill_ramp_months,
                backfill: removal.backfill,
                orphan_policy: OrphanPolicy::Hold,
                reassign_to: None,
                quota_leaves_plan: removal.quota_leaves_plan,
            });
        }
        removed.resize(org_market.reps().len(), false);
        let added: Vec<bool> = (0..org_market.reps().len()).map(|r| r >= market.reps().len()).collect();
        let mut org_scenario = scenario.clone();
        org_scenario.events.hire.clear();
        // Candidates run with hires and removals as reps of the market, where the plan would count them
        // differently: they are measured against the unchanged plan's team plan, pinned.
        org_scenario.plan.team_target = Some(crate::scenario::team_plan(&baseline_scenario, market).value);
        let problem = Problem::build(&org_scenario, &org_market, spec, &removed);

        // Orphans (unowned accounts, books of removed reps) must get an owner: they cannot exceed the
        // continuity budget.
        let forced = (0..problem.start.len())
            .filter(|&a| {
                let r = problem.start[a];
                problem.movable(a) && (r == super::NONE || removed[r as usize])
            })
            .count();
        if forced > problem.max_moves {
            let need = forced as f64 / problem.start.len().max(1) as f64;
            return Err(err(
                "optimize.continuity_budget",
                format!(
                    "{forced} accounts are unowned or owned by removed reps and must move, more than the budget's {} moves; raise the budget to at least {:.3}",
                    problem.max_moves,
                    (need * 1000.0).ceil() / 1000.0
                ),
            ));
        }
        Ok(Org {
            scenario: org_scenario,
            market: org_market,
            baseline_scenario,
            baseline_market: market.clone(),
            removed,
            added,
            problem,
        })
    }
}
