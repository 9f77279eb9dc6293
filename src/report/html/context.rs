//! What the report takes from the scenario, when it is given one: the accounts with their names, potential,
//! location and owner (for the maps and the moved accounts), the book-balance audit of the current plan, and
//! the hires, departures and backfills of the horizon (the result contracts carry none of these).

use std::collections::BTreeMap;

use crate::market::{Audit, AuditBands, Market, country::country};
use crate::scenario::Scenario;

use super::charts::MonthMarker;

/// One account as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountView {
    /// Account id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Potential.
    pub potential: f64,
    /// Segment label, region/size band.
    pub segment: String,
    /// `(lat, lon)` when known.
    pub location: Option<(f64, f64)>,
    /// Whether the account is in the United States.
    pub in_us: bool,
    /// 5-digit US county FIPS code when known.
    pub county_fips: Option<String>,
    /// Index of the current owner in [`MarketView::reps`].
    pub owner: Option<usize>,
}

/// The scenario's market, as the report uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketView {
    /// The scenario file, as given.
    pub scenario_file: String,
    /// The scenario's name (checked against the result's).
    pub scenario_name: String,
    /// Accounts in market order.
    pub accounts: Vec<AccountView>,
    /// `(id, name)` of every rep, in market order.
    pub reps: Vec<(String, String)>,
    /// The book-balance audit of the current plan.
    pub audit: Audit,
    /// Hires, departures and backfills within the horizon, by month.
    pub events: Vec<MonthMarker>,
}

impl MarketView {
    /// The view of `market` under `scenario`, whose file is `scenario_file`.
    pub fn new(scenario: &Scenario, market: &Market, scenario_file: &str) -> Self {
        let plan = market.plan();
        let accounts = market
            .accounts()
            .iter()
            .enumerate()
            .map(|(a, acc)| {
                let location = acc.location.map(|g| (g.lat, g.lon));
                let named_us = country(&acc.country).map(|c| c.alpha2 == "US");
                // Without a country that names one, a point inside the US map's boxes counts as US.
                let in_us =
                    named_us.unwrap_or_else(|| location.is_some_and(|(lat, lon)| in_us_boxes(lat, lon)));
                AccountView {
                    id: acc.id.to_string(),
                    name: acc.name.clone(),
                    potential: acc.potential.get(),
                    segment: format!("{}/{}", acc.region.as_str(), acc.size_band.label()),
                    location,
                    in_us,
                    county_fips: acc.county_fips.clone(),
                    owner: plan.owner(a),
                }
            })
            .collect();
        let reps = market.reps().iter().map(|r| (r.id.to_string(), r.name.clone())).collect();
        let hours = crate::scenario::workload_hours(scenario, market, plan);
        let bands = scenario.optimize.as_ref().map_or_else(AuditBands::default, |o| AuditBands {
            potential_tolerance: o.potential_band,
            workload_tolerance: o.workload_band,
        });
        let audit = Audit::compute(market, plan, &hours, &scenario.segmentation.hierarchy, bands);
        MarketView {
            scenario_file: scenario_file.to_string(),
            scenario_name: scenario.name.clone(),
            accounts,
            reps,
            audit,
            events: events(scenario, market),
        }
    }

    /// Account index by id.
    pub fn account_index(&self) -> BTreeMap<&str, usize> {
        self.accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect()
    }

    /// Rep index by id.
    pub fn rep_index(&self) -> BTreeMap<&str, usize> {
        self.reps.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i)).collect()
    }
}

fn in_us_boxes(lat: f64, lon: f64) -> bool {
    let lower48 = (24.0..=49.5).contains(&lat) && (-125.0..=-66.0).contains(&lon);
    let alaska = (51.0..=72.0).contains(&lat) && (lon <= -129.0 || lon >= 172.0);
    let hawaii = (18.5..=22.5).contains(&lat) && (-161.0..=-154.0).contains(&lon);
    lower48 || alaska || hawaii
}

/// Hires (the scenario's and the reps file's mid-horizon starts), departures (events and end months) and
/// backfills, within the horizon.
fn events(scenario: &Scenario, market: &Market) -> Vec<MonthMarker> {
    let horizon = scenario.horizon_months;
    let mut out = Vec::new();
    for h in &scenario.events.hire {
        out.push(MonthMarker { month: h.start_month, label: format!("hire {}", h.rep), kind: "hire" });
    }
    for d in &scenario.events.departure {
        out.push(MonthMarker { month: d.month, label: format!("departure {}", d.rep), kind: "departure" });
        if d.backfill {
            let month = d.month + d.backfill_delay_months;
            out.push(MonthMarker { month, label: format!("backfill {}", d.rep), kind: "backfill" });
        }
    }
    for r in market.reps() {
        let named = |out: &[MonthMarker], kind: &str| {
            out.iter().any(|m| m.kind == kind && m.label == format!("{kind} {}", r.id))
        };
        if let Ok(start) = u32::try_from(r.start_month)
            && start > 1
            && !named(&out, "hire")
        {
            out.push(MonthMarker { month: start, label: format!("hire {}", r.id), kind: "hire" });
        }
        if let Some(end) = r.end_month
            && !named(&out, "departure")
        {
            out.push(MonthMarker { month: end, label: format!("departure {}", r.id), kind: "departure" });
        }
    }
    out.retain(|m| (1..=horizon).contains(&m.month));
    out.sort_by(|a, b| a.month.cmp(&b.month).then(a.label.cmp(&b.label)));
    out.dedup();
    out
}
