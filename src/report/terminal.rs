//! Terminal summaries.

use crate::market::Audit;
use crate::optimize::Balance;
use crate::scenario::OptimizeSpec;
use crate::sim::SimResult;
use crate::sim::compare::{Breakdown, Paired, PairedDifference, Presence, StressResult, gains_and_losses};
use crate::sim::model::PlanBasis;

use super::html::format::{
    Unit, difference_unit, headline_label, headline_unit, num, signed, signed_with_se, with_se,
};
use super::table::{Table, money, pct};

fn flag(on: bool) -> &'static str {
    if on { " !" } else { "" }
}

/// The book-balance audit as text: per-rep table, unowned accounts, carve-outs and rollups.
pub fn audit_summary(audit: &Audit) -> String {
    let mut out = format!(
        "{} accounts, {} reps, total potential {}\n\nBook balance (! = potential outside ±{} of the team median or workload outside ±{} of capacity)\n",
        audit.accounts,
        audit.reps,
        money(audit.total_potential),
        pct(audit.bands.potential_tolerance),
        pct(audit.bands.workload_tolerance)
    );
    let mut t = Table::new(&[
        "rep",
        "name",
        "team",
        "accounts",
        "potential",
        "pot/median",
        "workload h",
        "capacity h",
        "load",
        "T1/T2/T3",
    ])
    .left_aligned(3);
    for r in &audit.per_rep {
        t.row(vec![
            format!("{}{}", r.rep, if r.ramping { " (ramping)" } else { "" }),
            r.name.clone(),
            r.team.clone(),
            r.accounts.to_string(),
            money(r.potential),
            format!("{:.2}{}", r.potential_ratio, flag(r.potential_flag)),
            format!("{:.0}", r.workload_hours),
            format!("{:.0}", r.capacity_hours),
            format!("{:.2}{}", r.workload_ratio, flag(r.workload_flag)),
            format!("{}/{}/{}", r.tier_mix[0], r.tier_mix[1], r.tier_mix[2]),
        ]);
    }
    out.push_str(&t.render());
    let flagged_potential = audit.per_rep.iter().filter(|r| r.potential_flag).count();
    let flagged_load = audit.per_rep.iter().filter(|r| r.workload_flag).count();
    out.push_str(&format!(
        "\nAgainst the team median and capacity (not pro-rated): {flagged_potential} of {} reps with potential \
         outside ±{} of the team median, {flagged_load} with workload outside ±{} of capacity\n",
        audit.per_rep.len(),
        pct(audit.bands.potential_tolerance),
        pct(audit.bands.workload_tolerance)
    ));
    out.push_str(&format!(
        "\nUnowned accounts: {} (potential {})",
        audit.unowned.len(),
        money(audit.unowned_potential)
    ));
    if !audit.unowned.is_empty() {
        let shown: Vec<&str> = audit.unowned.iter().take(8).map(String::as_str).collect();
        out.push_str(&format!(
            ": {}{}",
            shown.join(", "),
            if audit.unowned.len() > 8 { ", ..." } else { "" }
        ));
    }
    out.push('\n');
    let past = audit.carveouts.iter().filter(|c| c.past_activity_floor).count();
    out.push_str(&format!("\nCarve-outs: {} ({past} past their activity floor)\n", audit.carveouts.len()));
    if !audit.carveouts.is_empty() {
        let mut t =
            Table::new(&["account", "owner", "reason", "floor days", "days idle", "status"]).left_aligned(3);
        for c in &audit.carveouts {
            t.row(vec![
                c.account.clone(),
                c.owner.clone(),
                c.reason.clone(),
                c.activity_floor_days.map_or("-".into(), |d| d.to_string()),
                c.days_since_activity.map_or("-".into(), |d| d.to_string()),
                if c.past_activity_floor { "return to pool".into() } else { "ok".into() },
            ]);
        }
        out.push_str(&t.render());
    }
    out.push_str("\nSegment rollups\n");
    let mut t = Table::new(&["segment", "accounts", "unowned", "potential", "T1/T2/T3"]);
    for s in audit.rollups.iter().filter(|s| s.depth <= 2) {
        t.row(vec![
            format!("{}{}", "  ".repeat(s.depth - 1), s.segment),
            s.accounts.to_string(),
            s.unowned.to_string(),
            money(s.potential),
            format!("{}/{}/{}", s.tier_mix[0], s.tier_mix[1], s.tier_mix[2]),
        ]);
    }
    out.push_str(&t.render());
    out.push_str("(deeper levels are in `--json`)\n");
    out
}

/// The balance bands as `optimize` counts them (its `unchanged_balance` for the current plan).
pub fn optimizer_bands_summary(b: &Balance, spec: &OptimizeSpec) -> String {
    format!(
        "As optimize counts them (potential ÷ the pool's per-rep share, workload ÷ capacity at the pool's load, \
         both pro-rated for ramping, starting and leaving reps; hires count with their books): {} reps outside \
         the potential band (±{}) and {} outside the workload band (±{}); largest deviations {} and {}\n",
        b.outside_potential_band,
        pct(spec.potential_band),
        b.outside_workload_band,
        pct(spec.workload_band),
        pct(b.max_potential_deviation),
        pct(b.max_workload_deviation),
    )
}

/// A simulation result as text.
pub fn sim_summary(r: &SimResult) -> String {
    let mut out = format!(
        "{}{}: {} trials, {} months, seed {}\n\n",
        r.scenario,
        r.shock.as_ref().map_or(String::new(), |s| format!(" [{s}]")),
        r.trials,
        r.horizon_months,
        r.seed
    );
    let mut t = Table::new(&[
        "rep",
        "name",
        "quota",
        "attain mean",
        "P10",
        "P50",
        "P90",
        "P(≥100%)",
        "bookings",
        "opps",
        "covered",
    ])
    .left_aligned(2);
    for rep in &r.reps {
        let (mean, p10, p50, p90, p100) = match (&rep.attainment, &rep.p_attainment_ge_100) {
            (Some(a), Some(p)) => {
                (pct(a.mean.mean), pct(a.p10.value), pct(a.p50.value), pct(a.p90.value), pct(p.mean))
            }
            _ => ("-".into(), "-".into(), "-".into(), "-".into(), "-".into()),
        };
        t.row(vec![
            rep.id.clone(),
            rep.name.clone(),
            money(rep.quota),
            mean,
            p10,
            p50,
            p90,
            p100,
            money(rep.bookings.mean.mean),
            format!("{:.1}", rep.opportunities.mean),
            format!("{:.0}", rep.covered_accounts.mean),
        ]);
    }
    out.push_str(&t.render());
    let team = &r.team;
    if r.open_pipeline.deals > 0 {
        out.push_str(&format!(
            "\nOpen pipeline at the start: {} deals worth {}\n",
            r.open_pipeline.deals,
            money(r.open_pipeline.value)
        ));
    }
    out.push_str(&format!(
        "\nTeam: plan {} ({}), bookings mean {} s.e. (P10 {}, P50 {}, P90 {}), P(team ≥ plan) {} s.e.\n",
        money(team.plan),
        match team.plan_basis {
            PlanBasis::TeamTarget => "the scenario's team target",
            PlanBasis::SumOfQuotas => "sum of the quotas as set",
        },
        with_se(team.bookings.mean.mean, team.bookings.mean.se, Unit::Money),
        money(team.bookings.p10.value),
        money(team.bookings.p50.value),
        money(team.bookings.p90.value),
        with_se(team.p_team_ge_plan.mean, team.p_team_ge_plan.se, Unit::Share),
    ));
    out.push_str(&format!(
        "Reps at quota: {}   attainment spread: sd {} (variance {}), CV {}, Gini {}   coverage rate: {} s.e.\n",
        pct(team.share_of_reps_at_quota.mean),
        pct(r.attainment_sd.mean),
        num(r.attainment_variance.mean, Unit::Plain),
        num(r.attainment_cv.mean, Unit::Plain),
        num(r.attainment_gini.mean, Unit::Plain),
        with_se(r.coverage_rate.mean, r.coverage_rate.se, Unit::Share),
    ));
    out.push_str("\nPipeline coverage (pipeline created ÷ quota; ! below the flag)\n");
    let mut t = Table::new(&["segment", "quota", "pipeline", "coverage"]);
    for p in &r.pipeline {
        t.row(vec![
            p.segment.clone(),
            money(p.quota),
            money(p.pipeline_created.mean),
            p.coverage.map_or("-".into(), |c| format!("{:.2}x{}", c.mean, flag(p.below_flag))),
        ]);
    }
    out.push_str(&t.render());
    out
}

/// A paired difference for people, in its figure's unit: the baseline's mean, the alternative's, the
/// difference with its standard error, and its 95% interval.
pub fn paired_cells(d: &PairedDifference) -> [String; 4] {
    let unit = headline_unit(&d.metric);
    let du = difference_unit(unit);
    [
        num(d.baseline, unit),
        num(d.shocked, unit),
        signed_with_se(d.difference.mean, d.difference.se, du),
        format!("[{}, {}]", signed(d.ci_low, du), signed(d.ci_high, du)),
    ]
}

/// A stress test as text: each shock's paired differences against the baseline.
pub fn stress_summary(s: &StressResult) -> String {
    let mut out = format!(
        "Stress test of {}: {} trials, paired against the baseline (± standard errors, 95% intervals)\n",
        s.scenario, s.trials
    );
    let mut t =
        Table::new(&["shock", "figure", "baseline", "shocked", "difference", "95% interval"]).left_aligned(2);
    for shock in &s.shocks {
        for d in &shock.differences {
            let mut row = vec![shock.name.clone(), headline_label(&d.metric).to_string()];
            row.extend(paired_cells(d));
            t.row(row);
        }
    }
    out.push_str(&t.render());
    out
}

/// Reps shown on each side of a terminal winners-and-losers table.
const WINNERS_SHOWN: usize = 3;

/// Who gains and who loses bookings in each run against `reference`: the largest gains and losses per rep
/// and per segment, with 95% intervals. The full tables are `rep_deltas.csv` and
/// `segment_deltas.csv`.
pub fn winners_and_losers(reference: &str, runs: &[(&str, &Breakdown)]) -> String {
    let money = |x: f64| signed(x, Unit::Money);
    let interval = |p: &Paired| format!("[{}, {}]", money(p.ci_low), money(p.ci_high));
    let mut out = format!(
        "\nWinners and losers: bookings against {reference}, per rep and per segment, the largest gains and losses \
         (paired by trial; 95% interval)\n"
    );
    let mut t =
        Table::new(&["run", "", "rep or segment", "bookings Δ", "95% interval", "note"]).left_aligned(3);
    for (name, b) in runs {
        let (gains, losses) = gains_and_losses(&b.reps, WINNERS_SHOWN, |r| r.bookings.difference.mean);
        for (side, r) in gains.iter().map(|r| ("gain", r)).chain(losses.iter().map(|r| ("loss", r))) {
            let note = match r.presence {
                Presence::Both => String::new(),
                Presence::Added => format!("not in {reference}: its own bookings"),
                Presence::Removed => format!("only in {reference}: its bookings lost"),
            };
            t.row(vec![
                name.to_string(),
                side.into(),
                format!("{} {}", r.id, r.name),
                money(r.bookings.difference.mean),
                interval(&r.bookings),
                note,
            ]);
        }
        let (gains, losses) = gains_and_losses(&b.segments, WINNERS_SHOWN, |s| s.bookings.difference.mean);
        for s in gains.iter().chain(&losses) {
            t.row(vec![
                name.to_string(),
                "segment".into(),
                s.segment.clone(),
                money(s.bookings.difference.mean),
                interval(&s.bookings),
                s.coverage.map_or(String::new(), |c| {
                    format!("pipeline coverage {}", signed(c.difference.mean, Unit::Multiple))
                }),
            ]);
        }
    }
    out.push_str(&t.render());
    out
}
