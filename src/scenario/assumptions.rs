//! Every default a run rests on, gathered in one list for the result contracts and the warnings on stderr.
//!
//! Only defaults that stand in for the user's data are declared: parameters not calibrated, shocks not
//! chosen, a date not given. Settings with a documented default that describe the run rather than the
//! business (trials, seed, horizon) are not.

use std::collections::{BTreeSet, HashSet};

use crate::market::{Assumption, HierarchyLevel, Market};

use super::params::{ParamOverride, SegmentParams};
use super::{OptimizeSpec, Scenario};

/// How many names a declared default lists before it counts the rest.
const NAMES_SHOWN: usize = 10;

/// A whole amount with its thousands grouped, as a reader checks it against their own plan: 25,570,000.
fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// The defaults a run of `scenario` on `market` rests on: the market's own (declared while its files were
/// read), then the scenario's (parameters not calibrated, carve-out floors without a date), in a fixed
/// order.
pub fn declared(scenario: &Scenario, market: &Market) -> Vec<Assumption> {
    let mut all = market.assumptions().to_vec();
    all.extend(default_params(scenario, market));
    all.extend(undated_floors(scenario, market));
    all.extend(hire_medians(scenario));
    if scenario.plan.team_target.is_none() {
        all.push(Assumption::new(
            TEAM_PLAN_FROM_QUOTAS,
            "plan",
            format!(
                "no [plan] team_target, so P(team ≥ plan) is measured against the sum of the reps' quotas as \
                 given, pro-rated to the horizon ({}): hires add theirs, a departure keeps its rep's (unless \
                 it says quota_leaves_plan = true), shocks change nothing; set [plan] team_target to measure \
                 against your own number",
                grouped(super::team_plan(scenario, market).value)
            ),
        ));
    }
    if scenario.data.pipeline.is_none() && scenario.data.history.is_none() {
        all.push(Assumption::new(
            OPEN_PIPELINE_MISSING,
            "data",
            "no [data] history or pipeline names the opportunities open at the start, so the year starts with \
             no open pipeline and its first months book only deals opened in the run; name the CRM's \
             opportunity export under [data] history (or pipeline) to carry its open deals in",
        ));
    }
    all
}

/// The code of the declaration that the team plan is the sum of the reps' quotas.
pub const TEAM_PLAN_FROM_QUOTAS: &str = "team_plan_from_quotas";

/// The code of the declaration that a run starts with no open pipeline.
pub const OPEN_PIPELINE_MISSING: &str = "open_pipeline_missing";

/// [`declared`], plus the default shock set when the scenario lists no `[[shocks]]`: what `terrasim stress`
/// rests on.
pub fn declared_for_stress(scenario: &Scenario, market: &Market) -> Vec<Assumption> {
    let mut all = declared(scenario, market);
    if scenario.shocks.is_empty() {
        let defaults = super::default_shocks(market);
        let names: Vec<&str> = defaults.iter().map(|s| s.name.as_str()).collect();
        // The default departure picks the top rep by potential, who may already leave in the scenario.
        let idle = defaults.iter().filter_map(|s| s.depart_rep.as_ref()).find_map(|rep| {
            let i = scenario.events.departure.iter().position(|d| d.rep == *rep)?;
            Some(format!(" ({rep} already departs in events.departure[{i}], so that shock changes nothing)"))
        });
        all.push(Assumption::new(
            "shocks_default",
            "shocks",
            format!(
                "no [[shocks]] in the scenario, so the stress test runs the default set: {}{}; list [[shocks]] to \
                 choose your own",
                names.join(", "),
                idle.unwrap_or_default()
            ),
        ));
    }
    all
}

/// [`declared`], plus the default ranking when neither the scenario's `[optimize] rank_by` nor the command
/// line chose one (`spec` carries either): what `terrasim optimize` rests on.
pub fn declared_for_optimize(scenario: &Scenario, market: &Market, spec: &OptimizeSpec) -> Vec<Assumption> {
    let mut all = declared(scenario, market);
    if spec.rank_by.is_none() {
        all.push(Assumption::new(
            "rank_by_default",
            "optimize.rank_by",
            "no rank_by under [optimize] or --rank-by, so candidates are ranked by the Pareto front over \
             attainment variance, coverage and share moved, then the lower variance (variance_coverage); set \
             rank_by = \"bookings\" or \"p_team_ge_plan\" to rank by those",
        ));
    }
    all
}

/// The defaults a segment's parameters rest on, for the segments of `market`: those no `[params]` key
/// reaches (neither their size band nor any prefix of their path) run wholly on the documented defaults;
/// those reached by keys that set no expansion parameter run their expansion motion on the defaults; and
/// every segment whose keys leave `whitespace_multiple` unset sizes its customers' expansion room by the
/// default multiple (calibration does not fit it: a history shows what customers bought, not what they could).
fn default_params(scenario: &Scenario, market: &Market) -> Vec<Assumption> {
    let hierarchy = &scenario.segmentation.hierarchy;
    let shows_band = hierarchy.contains(&HierarchyLevel::SizeBand);
    let mut seen: HashSet<Vec<&str>> = HashSet::new();
    let (mut defaulted, mut expansion, mut whitespace) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut multiples = BTreeSet::new();
    // One buffer for every account: a million accounts have a few hundred distinct paths.
    let mut parts: Vec<&str> = Vec::with_capacity(hierarchy.len() + 1);
    for a in market.accounts() {
        let band = a.size_band.label();
        parts.clear();
        parts.push(band);
        parts.extend(hierarchy.iter().map(|l| a.segment_part(*l)));
        if seen.contains(parts.as_slice()) {
            continue;
        }
        seen.insert(parts.clone());
        let path = &parts[1..];
        let keys: Vec<&ParamOverride> = std::iter::once(band.to_string())
            .chain((1..=path.len()).map(|n| path[..n].join("/")))
            .filter_map(|k| scenario.params.get(&k))
            .collect();
        let name = path.join("/");
        let name = if shows_band { name } else { format!("{name} ({band})") };
        if keys.is_empty() {
            defaulted.insert(name.clone());
        } else if !keys.iter().any(|k| k.sets_expansion()) {
            expansion.insert(name.clone());
        }
        let expansion_off =
            keys.iter().rev().find_map(|k| k.expansion_opp_rate).is_some_and(|r| r.get() == 0.0);
        if !expansion_off && keys.iter().all(|k| k.whitespace_multiple.is_none()) {
            whitespace.insert(name);
            multiples.insert(SegmentParams::default_for(a.size_band).whitespace_multiple.get().to_string());
        }
    }
    let mut all = Vec::new();
    if !defaulted.is_empty() {
        let what = if scenario.params.is_empty() {
            "no parameters are calibrated or set".to_string()
        } else {
            format!("{} segment(s) have no [params] key", defaulted.len())
        };
        all.push(Assumption::new(
            "params_default",
            "params",
            format!(
                "{what}, so win rates, opportunity rates, deal sizes and cycles of both motions (new business and \
                 expansion) of {} are the documented defaults; run `terrasim calibrate` on the opportunity \
                 history and add its output to include_params, or set [params.<band or segment path>]",
                listed(defaulted)
            ),
        ));
    }
    if !expansion.is_empty() {
        all.push(Assumption::new(
            "expansion_params_default",
            "params",
            format!(
                "the [params] keys of {} set no expansion parameter, so their customers' expansion opportunity \
                 rate, win rate, deal size and cycles are the documented defaults; calibrate on a history with \
                 expansion deals (Type `Existing Customer - ...`), or set expansion_opp_rate and the other \
                 expansion_* fields (expansion_opp_rate = 0 turns expansion off)",
                listed(expansion)
            ),
        ));
    }
    if !whitespace.is_empty() {
        all.push(Assumption::new(
            "whitespace_default",
            "params",
            format!(
                "a customer's expansion room is its potential × {} (the default whitespace_multiple) in {}: no \
                 [params] key sets whitespace_multiple, and calibration does not fit it; set it from what your \
                 customers could still buy (e.g. [params.ENT] whitespace_multiple = 2)",
                multiples.into_iter().collect::<Vec<_>>().join(" or "),
                if whitespace.len() == seen.len() { "every segment".to_string() } else { listed(whitespace) }
            ),
        ));
    }
    all
}

/// Up to [`NAMES_SHOWN`] names, then how many more.
fn listed(names: BTreeSet<String>) -> String {
    let total = names.len();
    let mut shown: Vec<String> = names.into_iter().take(NAMES_SHOWN).collect();
    if total > NAMES_SHOWN {
        shown.push(format!("and {} more", total - NAMES_SHOWN));
    }
    shown.join(", ")
}

/// Hires (and optimizer additions) whose capacity or quota is the median of their role's reps.
fn hire_medians(scenario: &Scenario) -> Vec<Assumption> {
    let adds = scenario.optimize.as_ref().map_or(&[][..], |o| &o.add[..]);
    let lists = [("events.hire", &scenario.events.hire[..]), ("optimize.add", adds)];
    lists
        .into_iter()
        .flat_map(|(list, hires)| hires.iter().enumerate().map(move |(i, h)| (list, i, h)))
        .filter_map(|(list, i, hire)| {
            let missing: Vec<&str> =
                [("capacity_hours", hire.capacity_hours), ("annual_quota", hire.annual_quota)]
                    .into_iter()
                    .filter_map(|(name, v)| v.is_none().then_some(name))
                    .collect();
            (!missing.is_empty()).then(|| {
                Assumption::new(
                    "hire_median",
                    format!("{list}[{i}]"),
                    format!(
                        "hire {}'s {} is the median of the {} reps, not given; set {} on the hire",
                        hire.rep,
                        missing.join(" and "),
                        hire.role,
                        missing.join(" and ")
                    ),
                )
            })
        })
        .collect()
}

/// Carve-outs with an activity floor cannot be judged without the date the data describes.
fn undated_floors(scenario: &Scenario, market: &Market) -> Option<Assumption> {
    if scenario.as_of.is_some() {
        return None;
    }
    let floors = market.carveouts().iter().filter(|c| c.activity_floor_days.is_some()).count();
    (floors > 0).then(|| {
        Assumption::new(
            "as_of_missing",
            "as_of",
            format!(
                "no as_of date, so the activity floors of {floors} carve-out(s) cannot be judged and every \
                 carve-out stays locked; set as_of = \"YYYY-MM-DD\", the date of the export"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(25_570_000.4), "25,570,000");
        assert_eq!(super::grouped(999.0), "999");
        assert_eq!(super::grouped(1000.0), "1,000");
        assert_eq!(super::grouped(0.0), "0");
        assert_eq!(super::grouped(-123_456.0), "-123,456");
    }
}
