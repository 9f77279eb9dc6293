//! Terminal views of a calibration's diagnostics and of a backtest.

use crate::calibrate::{Backtest, Diagnostics, Interval, MotionShare, UnitResult};

use super::table::{Table, money, pct};

fn interval(i: &Interval, f: impl Fn(f64) -> String) -> String {
    format!("{} [{}, {}]", f(i.mean), f(i.lo), f(i.hi))
}

fn num(digits: usize) -> impl Fn(f64) -> String {
    move |x| format!("{x:.digits$}")
}

/// The diagnostics table of `terrasim calibrate`: sample sizes, posterior means with 90% intervals, and
/// thin-data flags, per segment and per rep.
pub fn calibration_summary(d: &Diagnostics) -> String {
    let mut out =
        format!("History {} to {}: {} usable opportunities", d.first_month, d.last_month, d.opportunities);
    let rejected: usize = d.rejected.values().map(|(n, _)| n).sum();
    if rejected > 0 {
        out.push_str(&format!(", {rejected} rows rejected:\n"));
        for (reason, (n, lines)) in &d.rejected {
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            out.push_str(&format!(
                "  {n:>6}  {reason} (lines {}{})\n",
                lines.join(", "),
                if *n > lines.len() { ", ..." } else { "" }
            ));
        }
    } else {
        out.push_str(", no rows rejected\n");
    }
    if d.unknown_owner > 0 {
        out.push_str(&format!(
            "  {} opportunities have an owner who is not in the reps file: used for the segments, not for skills\n",
            d.unknown_owner
        ));
    }
    out.push_str(&motion_table(&d.motions));
    let rules: Vec<String> = d.classified_by.iter().map(|(rule, n)| format!("{n} by {rule}")).collect();
    if !rules.is_empty() {
        out.push_str(&format!("Motions read: {}\n", rules.join(", ")));
    }
    out.push_str(&format!(
        "Level of the fitted rates: log-sd {} ([model] level_sigma), the scenario's year-to-year market_factor_sigma \
         over the square root of the history's years; simulations draw it once per trial, on top of each year's factor\n",
        d.level_sigma
    ));
    out.push_str("\nSegments: posterior mean [90% interval]; ! = thin data (fewer than 30 closed deals, leaning on the parent); * = no closed deal of the motion in the history (the scenario's win rate, size and cycles stay)\n");
    let mut t = Table::new(&[
        "segment",
        "motion",
        "opps",
        "closed",
        "open",
        "win rate",
        "opp rate / month",
        "K",
        "amount/potential",
        "deal sigma",
        "won cycle median (months)",
        "won sigma",
        "lost cycle median",
        "lost sigma",
    ])
    .left_aligned(2);
    for s in &d.segments {
        let flag = if !s.learnt {
            " *"
        } else if s.thin {
            " !"
        } else {
            ""
        };
        t.row(vec![
            format!("{}{flag}", s.key),
            s.motion.label().to_string(),
            s.opportunities.to_string(),
            s.closed.to_string(),
            s.open_at_end.to_string(),
            interval(&s.win_rate, pct),
            interval(&s.opp_rate, |x| format!("{:.2}%", 100.0 * x)),
            s.max_open.map_or("-".into(), |k| {
                if s.beyond_max_open > 0 {
                    format!("{k} ({} over)", s.beyond_max_open)
                } else {
                    k.to_string()
                }
            }),
            interval(&s.amount_to_potential, num(2)),
            interval(&s.deal_sigma, num(2)),
            interval(&s.cycle_median, num(2)),
            interval(&s.cycle_sigma, num(2)),
            interval(&s.lost_cycle_median, num(2)),
            interval(&s.lost_cycle_sigma, num(2)),
        ]);
    }
    out.push_str(&t.render());
    out.push_str(&format!(
        "\nRep skills: shrunk toward 1 by a prior whose spread is estimated from the reps (sd {:.3}); \"own\" is the weight of the rep's own record\n",
        d.skill_sd
    ));
    let mut t =
        Table::new(&["rep", "closed", "wins", "expected", "skill", "own", "reps file"]).left_aligned(1);
    for r in &d.reps {
        t.row(vec![
            r.id.clone(),
            r.closed.to_string(),
            r.wins.to_string(),
            format!("{:.1}", r.expected_wins),
            interval(&r.skill, num(3)),
            pct(r.own_weight),
            format!("{:.3}", r.file_skill),
        ]);
    }
    out.push_str(&t.render());
    out
}

/// The share of a history in each motion, as a table.
fn motion_table(shares: &[MotionShare]) -> String {
    let mut t =
        Table::new(&["motion", "opps", "share", "won", "lost", "open", "bookings", "share of bookings"])
            .left_aligned(1);
    for m in shares {
        t.row(vec![
            m.motion.label().to_string(),
            m.opportunities.to_string(),
            pct(m.share_of_opportunities),
            m.won.to_string(),
            m.lost.to_string(),
            m.open.to_string(),
            money(m.bookings),
            pct(m.share_of_bookings),
        ]);
    }
    format!("\nBy motion:\n{}", t.render())
}

/// The terminal summary of `terrasim backtest`.
pub fn backtest_summary(b: &Backtest) -> String {
    let c = &b.coverage;
    let by_motion: Vec<String> = b.carried_in_by_motion.iter().map(|(m, n)| format!("{n} {m}")).collect();
    let mut out = format!(
        "Backtest of {} from {} over {} months ({} trials; calibrated on {} opportunities; {} open at the cutoff, {} carried in: {}; {} customers at the cutoff)\n",
        b.scenario,
        b.cutoff,
        b.horizon_months,
        b.trials,
        b.training_opportunities,
        b.open_at_cutoff,
        b.carried_in,
        by_motion.join(", "),
        b.customers_at_cutoff
    );
    out.push_str(&format!("Training history{}", motion_table(&b.training_motions)));
    out.push_str(&format!("Actuals in the window{}\n", motion_table(&b.actual_motions)));
    out.push_str(&format!(
        "Interval coverage over {} checks: 50% interval {} (nominal 50% ± {}), 80% interval {} (nominal 80% ± {}): {}\n\n",
        c.checks,
        pct(c.coverage_50),
        pct(c.tolerance_50),
        pct(c.coverage_80),
        pct(c.tolerance_80),
        if c.miscalibrated { "MISCALIBRATED" } else { "calibrated" }
    ));
    let mut t = Table::new(&["metric", "in 50%", "in 80%", "CRPS model", "CRPS naive", "skill vs naive"])
        .left_aligned(1);
    for m in &b.by_metric {
        let f = |x: f64| if m.metric == "bookings" { money(x) } else { format!("{x:.2}") };
        t.row(vec![
            m.metric.clone(),
            pct(m.coverage_50),
            pct(m.coverage_80),
            f(m.crps),
            m.crps_naive.map_or("-".into(), f),
            m.crps_skill.map_or("-".into(), pct),
        ]);
    }
    out.push_str(&t.render());
    out.push_str("\nPIT histogram (share per tenth; 10% each when calibrated):\n");
    for (i, share) in b.pit_histogram.iter().enumerate() {
        out.push_str(&format!(
            "  {:.1}-{:.1} {:>6} {}\n",
            i as f64 / 10.0,
            (i + 1) as f64 / 10.0,
            pct(*share),
            "#".repeat((share * 200.0).round() as usize)
        ));
    }
    out.push_str("\nPer segment: actual vs predicted median [80% interval]\n");
    out.push_str(&actual_vs_predicted("segment", &b.segments));
    out.push_str("\nPer motion (whole team): actual vs predicted median [80% interval]\n");
    out.push_str(&actual_vs_predicted("motion", &b.motions));
    out
}

/// One row per unit (a segment, a motion): each metric's actual beside its predicted median and 80% interval.
fn actual_vs_predicted(unit: &str, units: &[UnitResult]) -> String {
    let mut t = Table::new(&[unit, "opps", "predicted", "wins", "predicted", "bookings", "predicted"])
        .left_aligned(1);
    for u in units {
        let mut row = vec![u.id.clone()];
        for m in &u.metrics {
            let f = |x: f64| if m.metric == "bookings" { money(x) } else { format!("{x:.0}") };
            row.push(f(m.actual));
            row.push(format!("{} [{}, {}]", f(m.p50), f(m.p10), f(m.p90)));
        }
        t.row(row);
    }
    t.render()
}
