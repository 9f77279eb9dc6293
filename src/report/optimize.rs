//! Views of the optimizer's results: the ranked table, plan and diff CSVs, the side-by-side comparison.

use crate::market::{Market, Plan};
use crate::optimize::{MoveReason, OptimizeOutcome};
use crate::sim::compare::PairedDifference;

use super::html::format::headline_label;
use super::table::{Table, money, pct};
use super::terminal::paired_cells;

fn signed(x: f64, fmt: impl Fn(f64) -> String) -> String {
    if x >= 0.0 { format!("+{}", fmt(x)) } else { format!("-{}", fmt(-x)) }
}

/// The ranked candidates as a terminal table.
pub fn optimize_summary(o: &OptimizeOutcome) -> String {
    let mut out = format!(
        "Candidates for {}: {} trials each, paired against the unchanged plan (95% intervals), ranked by {}; \
         continuity budget {}, bands ±{} potential, ±{} workload\n",
        o.scenario,
        o.trials,
        o.rank_by.label(),
        pct(o.continuity_budget),
        pct(o.potential_band),
        pct(o.workload_band)
    );
    out.push_str(&format!(
        "unchanged plan: attainment variance {:.4}, coverage {}, team bookings {}, {} reps outside the \
         potential band and {} outside the workload band\n\n",
        o.unchanged.get("attainment_variance").copied().unwrap_or(0.0),
        pct(o.unchanged.get("coverage_rate").copied().unwrap_or(0.0)),
        money(o.unchanged.get("team_bookings").copied().unwrap_or(0.0)),
        o.unchanged_balance.outside_potential_band,
        o.unchanged_balance.outside_workload_band,
    ));
    let mut t = Table::new(&[
        "rank",
        "candidate",
        "pareto",
        "moved",
        "attain. var",
        "Δ var [95% CI]",
        "coverage",
        "Δ cov",
        "team bookings",
        "Δ bookings",
        "Δ P(team≥plan)",
        "Δ attain. CV",
        "out of band p/w",
        "vs current",
    ])
    .left_aligned(2);
    for c in &o.candidates {
        let m = |k: &str| c.metrics.get(k).copied();
        let var = m("attainment_variance");
        let cov = m("coverage_rate");
        let book = m("team_bookings");
        let mut name = c.name.clone();
        if !c.complete {
            name.push_str(" (partial)");
        }
        t.row(vec![
            c.rank.to_string(),
            name,
            c.pareto_rank.to_string(),
            pct(c.moved_share),
            var.map_or("-".into(), |v| format!("{:.4}", v.value)),
            var.map_or("-".into(), |v| format!("{:+.4} [{:+.4}, {:+.4}]", v.difference, v.ci[0], v.ci[1])),
            cov.map_or("-".into(), |v| pct(v.value)),
            cov.map_or("-".into(), |v| signed(v.difference, pct)),
            book.map_or("-".into(), |v| money(v.value)),
            book.map_or("-".into(), |v| signed(v.difference, money)),
            m("p_team_ge_plan").map_or("-".into(), |v| signed(v.difference, pct)),
            m("attainment_cv").map_or("-".into(), |v| format!("{:+.4}", v.difference)),
            format!("{}/{}", c.balance.outside_potential_band, c.balance.outside_workload_band),
            if c.no_better_than_current { "no better".into() } else { "better".into() },
        ]);
    }
    out.push_str(&t.render());
    out.push_str(&format!(
        "\npareto 1 = not dominated on (attainment variance, coverage, share moved); (partial) = the continuity \
         budget stopped the redesign part way; vs current: \"no better\" = no figure that ranks ({}) has its 95% \
         interval wholly on the better side of the unchanged plan (such candidates rank last)\n",
        o.rank_by.metrics().iter().map(|(m, _)| *m).collect::<Vec<_>>().join(", ")
    ));
    out
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

/// `plan.csv`: every account with its owner (empty when unowned).
pub fn plan_csv(market: &Market, plan: &Plan) -> Vec<u8> {
    csv_bytes(
        &["account_id", "owner_id"],
        market.accounts().iter().enumerate().map(|(a, acc)| {
            vec![acc.id.to_string(), plan.owner(a).map_or(String::new(), |r| market.reps()[r].id.to_string())]
        }),
    )
}

/// `diff.csv`: the accounts that move, in a shape a CRM bulk owner update takes (`account_id`,
/// `new_owner_id`), with the old owner and the reason.
pub fn diff_csv(market: &Market, moves: &[(usize, Option<usize>, Option<usize>, MoveReason)]) -> Vec<u8> {
    let id = |r: Option<usize>| r.map_or(String::new(), |r| market.reps()[r].id.to_string());
    csv_bytes(
        &["account_id", "old_owner_id", "new_owner_id", "reason"],
        moves.iter().map(|&(a, old, new, reason)| {
            vec![market.accounts()[a].id.to_string(), id(old), id(new), reason.label().to_string()]
        }),
    )
}

/// Plans side by side: each headline figure per plan, with the paired difference against the first.
pub fn compare_summary(
    scenario: &str,
    trials: u64,
    names: &[String],
    diffs: &[Vec<PairedDifference>],
) -> String {
    let mut out = format!(
        "Plans compared on the same {trials} simulated futures of {scenario}; differences against {} (± standard \
         errors, 95% intervals)\n",
        names.first().map_or("", String::as_str)
    );
    let mut header = vec!["figure".to_string(), names[0].clone()];
    for n in &names[1..] {
        header.push(n.clone());
        header.push(format!("Δ vs {} [95% interval]", names[0]));
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(&header_refs).left_aligned(1);
    for (k, first) in diffs[0].iter().enumerate() {
        let mut row = vec![headline_label(&first.metric).to_string(), paired_cells(first)[0].clone()];
        for d in &diffs[1..] {
            let [_, value, difference, interval] = paired_cells(&d[k]);
            row.push(value);
            row.push(format!("{difference} {interval}"));
        }
        t.row(row);
    }
    out.push_str(&t.render());
    out
}
