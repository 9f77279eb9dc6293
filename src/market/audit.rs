//! The book-balance audit of a plan: deterministic figures that need no simulation.

use std::collections::BTreeMap;

use super::plan::Plan;
use super::segment::HierarchyLevel;
use super::validated::Market;

/// Healthy bands of the audit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AuditBands {
    /// Potential ÷ team median outside `[1 - potential_tolerance, 1 + potential_tolerance]` is flagged
    /// (default 0.10).
    pub potential_tolerance: f64,
    /// Workload ÷ capacity outside `[1 - workload_tolerance, 1 + workload_tolerance]` is flagged (default
    /// 0.10).
    pub workload_tolerance: f64,
}

impl Default for AuditBands {
    fn default() -> Self {
        AuditBands { potential_tolerance: 0.10, workload_tolerance: 0.10 }
    }
}

/// The audit line of one rep.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RepAudit {
    /// Rep id.
    pub rep: String,
    /// Rep name.
    pub name: String,
    /// Team the rep is benchmarked against.
    pub team: String,
    /// Accounts in the book.
    pub accounts: usize,
    /// Total potential of the book.
    pub potential: f64,
    /// Potential ÷ the median book potential of the rep's team.
    pub potential_ratio: f64,
    /// Hours per month the book needs to be fully covered (account hours plus travel).
    pub workload_hours: f64,
    /// Selling hours per month at full productivity.
    pub capacity_hours: f64,
    /// Workload ÷ capacity.
    pub workload_ratio: f64,
    /// Accounts in tiers 1, 2 and 3.
    pub tier_mix: [usize; 3],
    /// True when the rep is still ramping at the start of the horizon or starts during it.
    pub ramping: bool,
    /// Potential ratio outside its healthy band.
    pub potential_flag: bool,
    /// Workload ratio outside its healthy band.
    pub workload_flag: bool,
}

/// A carve-out as the audit reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CarveOutStatus {
    /// Account id.
    pub account: String,
    /// Locked owner's id.
    pub owner: String,
    /// Reason for the carve-out.
    pub reason: String,
    /// Activity floor in days, if any.
    pub activity_floor_days: Option<u32>,
    /// Days since the last activity, if known.
    pub days_since_activity: Option<u32>,
    /// True when past the floor: the account should return to the pool.
    pub past_activity_floor: bool,
}

/// Totals of one segment of the hierarchy.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SegmentRollup {
    /// Segment path such as `AMER/MM`.
    pub segment: String,
    /// Depth in the hierarchy (1 = top level).
    pub depth: usize,
    /// Accounts in the segment.
    pub accounts: usize,
    /// Accounts with no owner.
    pub unowned: usize,
    /// Total potential.
    pub potential: f64,
    /// Accounts in tiers 1, 2 and 3.
    pub tier_mix: [usize; 3],
}

/// The whole audit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Audit {
    /// Healthy bands used for the flags.
    pub bands: AuditBands,
    /// Accounts in scope.
    pub accounts: usize,
    /// Reps selling at some point of the horizon.
    pub reps: usize,
    /// Total potential of all accounts.
    pub total_potential: f64,
    /// One line per rep.
    pub per_rep: Vec<RepAudit>,
    /// Ids of unowned accounts.
    pub unowned: Vec<String>,
    /// Potential of unowned accounts.
    pub unowned_potential: f64,
    /// Carve-outs.
    pub carveouts: Vec<CarveOutStatus>,
    /// Rollups along the hierarchy, each level in path order.
    pub rollups: Vec<SegmentRollup>,
}

impl Audit {
    /// Audits `plan` on `market`. `workload_hours[a]` is the monthly hours account `a` needs from its current
    /// owner (account hours plus travel).
    pub fn compute(
        market: &Market,
        plan: &Plan,
        workload_hours: &[f64],
        hierarchy: &[HierarchyLevel],
        bands: AuditBands,
    ) -> Audit {
        let accounts = market.accounts();
        let reps = market.reps();
        let books = plan.books(reps.len());

        let potentials: Vec<f64> =
            books.iter().map(|b| b.iter().map(|&a| accounts[a].potential.get()).sum()).collect();
        let mut team_potentials: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for (r, rep) in reps.iter().enumerate() {
            if !rep.departed_before_horizon() {
                team_potentials.entry(rep.team.as_str()).or_default().push(potentials[r]);
            }
        }
        let team_median: BTreeMap<&str, f64> =
            team_potentials.into_iter().map(|(team, mut v)| (team, median(&mut v))).collect();

        let per_rep = reps
            .iter()
            .enumerate()
            .filter(|(_, rep)| !rep.departed_before_horizon())
            .map(|(r, rep)| {
                let book = &books[r];
                let workload: f64 = book.iter().map(|&a| workload_hours[a]).sum();
                let median = team_median[rep.team.as_str()];
                let potential_ratio = ratio(potentials[r], median);
                let workload_ratio = ratio(workload, rep.capacity_hours);
                let mut tier_mix = [0; 3];
                for &a in book {
                    tier_mix[usize::from(accounts[a].tier.0 - 1)] += 1;
                }
                RepAudit {
                    rep: rep.id.to_string(),
                    name: rep.name.clone(),
                    team: rep.team.clone(),
                    accounts: book.len(),
                    potential: potentials[r],
                    potential_ratio,
                    workload_hours: workload,
                    capacity_hours: rep.capacity_hours,
                    workload_ratio,
                    tier_mix,
                    ramping: rep.start_month + rep.ramp_months as i32 > 1,
                    potential_flag: (potential_ratio - 1.0).abs() > bands.potential_tolerance + 1e-12,
                    workload_flag: (workload_ratio - 1.0).abs() > bands.workload_tolerance + 1e-12,
                }
            })
            .collect();

        let unowned_ix = plan.unowned_accounts();
        let carveouts = market
            .carveouts()
            .iter()
            .map(|c| CarveOutStatus {
                account: accounts[c.account].id.to_string(),
                owner: reps[c.owner].id.to_string(),
                reason: c.reason.clone(),
                activity_floor_days: c.activity_floor_days,
                days_since_activity: c.days_since_activity,
                past_activity_floor: c.past_activity_floor(),
            })
            .collect();

        Audit {
            bands,
            accounts: accounts.len(),
            reps: reps.iter().filter(|r| !r.departed_before_horizon()).count(),
            total_potential: accounts.iter().map(|a| a.potential.get()).sum(),
            per_rep,
            unowned_potential: unowned_ix.iter().map(|&a| accounts[a].potential.get()).sum(),
            unowned: unowned_ix.iter().map(|&a| accounts[a].id.to_string()).collect(),
            carveouts,
            rollups: rollups(market, plan, hierarchy),
        }
    }
}

fn rollups(market: &Market, plan: &Plan, hierarchy: &[HierarchyLevel]) -> Vec<SegmentRollup> {
    let mut by_path: BTreeMap<(usize, String), SegmentRollup> = BTreeMap::new();
    for (a, account) in market.accounts().iter().enumerate() {
        let path = market.segment_path(a, hierarchy);
        for (depth, prefix) in path.prefixes().enumerate() {
            let entry = by_path.entry((depth, prefix.clone())).or_insert_with(|| SegmentRollup {
                segment: prefix,
                depth: depth + 1,
                accounts: 0,
                unowned: 0,
                potential: 0.0,
                tier_mix: [0; 3],
            });
            entry.accounts += 1;
            entry.unowned += usize::from(plan.owner(a).is_none());
            entry.potential += account.potential.get();
            entry.tier_mix[usize::from(account.tier.0 - 1)] += 1;
        }
    }
    by_path.into_values().collect()
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else if num > 0.0 {
        f64::INFINITY
    } else {
        1.0
    }
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
