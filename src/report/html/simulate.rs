//! The report of a `simulate` result: key figures, attainment per rep, team bookings per month, pipeline
//! coverage per segment, the book balance, the map and the assumptions.

use super::charts::{Bar, FanMonth, RangeRow, Reference, Tone, bar_chart, fan_chart, range_chart};
use super::context::MarketView;
use super::contract::{Estimate, SimResult};
use super::format::{Unit, num};
use super::page::{Page, Table, flagged};
use super::sections::{book_balance, current_map, without_scenario};
use crate::sim::model::PlanBasis;

/// `x ± se` in `unit`, the ± being the standard error.
fn with_se(e: &Estimate, unit: Unit) -> String {
    super::format::with_se(e.mean, e.se, unit)
}

/// The simulate report.
pub fn render(r: &SimResult, market: Option<&MarketView>, folder: &str) -> String {
    let title = match &r.shock {
        Some(shock) => format!("{} under {shock}", r.scenario),
        None => r.scenario.clone(),
    };
    let subtitle = format!(
        "{} trials, seed {}, {} months; result folder {folder}",
        num(r.trials as f64, Unit::Count),
        r.seed,
        r.horizon_months
    );
    let mut page = Page::new("simulate", &title, &subtitle);
    key_figures(&mut page, r);
    attainment(&mut page, r);
    monthly(&mut page, r, market);
    pipeline(&mut page, r);
    page.h2("Book balance");
    match market {
        Some(m) => book_balance(&mut page, m),
        None => without_scenario(&mut page, "the book-balance table"),
    }
    page.h2("Map of books");
    match market {
        Some(m) => current_map(&mut page, m),
        None => without_scenario(&mut page, "the map"),
    }
    page.assumptions(&r.assumptions);
    page.finish(&format!("{title}: simulate report"))
}

fn key_figures(page: &mut Page, r: &SimResult) {
    let t = &r.team;
    page.cards(&[
        (
            "team bookings, P50 (P10–P90)".into(),
            format!(
                "{} ({}–{})",
                num(t.bookings.p50.value, Unit::Money),
                num(t.bookings.p10.value, Unit::Money),
                num(t.bookings.p90.value, Unit::Money)
            ),
        ),
        (
            match t.plan_basis {
                PlanBasis::TeamTarget => "plan (the scenario's team target)".into(),
                PlanBasis::SumOfQuotas => "plan (sum of the quotas as set)".into(),
            },
            num(t.plan, Unit::Money),
        ),
        ("P(team ≥ plan)".into(), with_se(&t.p_team_ge_plan, Unit::Share)),
        ("share of reps at quota".into(), with_se(&t.share_of_reps_at_quota, Unit::Share)),
        ("attainment variance".into(), with_se(&r.attainment_variance, Unit::Plain)),
        ("attainment CV (sd ÷ mean, level-free)".into(), with_se(&r.attainment_cv, Unit::Plain)),
        ("attainment Gini".into(), with_se(&r.attainment_gini, Unit::Plain)),
        ("coverage rate of target accounts".into(), with_se(&r.coverage_rate, Unit::Share)),
        ("house bookings (no owner at close)".into(), num(t.house_bookings.mean, Unit::Money)),
    ]);
    page.note(
        "Ranges are P10–P90 across the simulated years; ± figures are Monte Carlo standard errors of the estimate.",
    );
}

fn attainment(page: &mut Page, r: &SimResult) {
    page.h2("Attainment per rep");
    let mut reps: Vec<_> = r.reps.iter().filter_map(|rep| rep.attainment.map(|a| (rep, a))).collect();
    reps.sort_by(|(x, a), (y, b)| b.p50.value.total_cmp(&a.p50.value).then(x.id.cmp(&y.id)));
    let rows: Vec<RangeRow> = reps
        .iter()
        .map(|(rep, a)| RangeRow {
            label: format!("{} {}", rep.id, rep.name),
            low: a.p10.value,
            mid: a.p50.value,
            high: a.p90.value,
            title: format!(
                "{} {} ({}): P10 {}, P50 {}, P90 {}; P(≥ 100%) {}; quota {}",
                rep.id,
                rep.name,
                rep.team,
                num(a.p10.value, Unit::Share),
                num(a.p50.value, Unit::Share),
                num(a.p90.value, Unit::Share),
                rep.p_attainment_ge_100.map_or("n/a".into(), |p| with_se(&p, Unit::Share)),
                num(rep.quota, Unit::Money)
            ),
            tone: if a.p50.value < 1.0 { Tone::Worse } else { Tone::Neutral },
        })
        .collect();
    page.p("Each bar runs from P10 to P90 of the rep's attainment (bookings ÷ quota); the mark is the P50. Sorted by P50; bars whose P50 is below quota are shaded red.");
    let quota = Reference { value: 1.0, label: "quota (100%)".into() };
    page.raw(&range_chart(&rows, &quota, Unit::Share, "attainment per rep, P10 to P90 with the P50"));
    let no_quota: Vec<&str> =
        r.reps.iter().filter(|x| x.attainment.is_none()).map(|x| x.id.as_str()).collect();
    if !no_quota.is_empty() {
        page.note(&format!("Without quota over the horizon (no attainment): {}.", no_quota.join(", ")));
    }
    let mut table = Table::new(
        &["rep", "name", "team", "quota", "P10", "P50", "P90", "P(≥ 100%) ± s.e.", "bookings P50"],
        3,
    )
    .scrolling();
    for (rep, a) in &reps {
        table.row(vec![
            rep.id.as_str().into(),
            rep.name.as_str().into(),
            rep.team.as_str().into(),
            num(rep.quota, Unit::Money).into(),
            num(a.p10.value, Unit::Share).into(),
            flagged(num(a.p50.value, Unit::Share), a.p50.value < 1.0),
            num(a.p90.value, Unit::Share).into(),
            rep.p_attainment_ge_100.map_or("n/a".into(), |p| with_se(&p, Unit::Share)).into(),
            num(rep.bookings.p50.value, Unit::Money).into(),
        ]);
    }
    page.raw("<details><summary>The figures per rep</summary>");
    page.table(&table);
    page.raw("</details>");
}

fn monthly(page: &mut Page, r: &SimResult, market: Option<&MarketView>) {
    page.h2("Team bookings per month");
    let months: Vec<FanMonth> = r
        .team
        .monthly_bookings
        .iter()
        .map(|f| FanMonth { month: f.month, p10: f.p10, p50: f.p50, p90: f.p90 })
        .collect();
    let per_month = (r.horizon_months > 0).then(|| r.team.plan / r.horizon_months as f64);
    let markers = market.map_or(&[][..], |m| m.events.as_slice());
    page.p("The band is P10–P90 of the team's bookings in each month across the simulated years, the line the P50; the dashed line is the plan spread evenly over the months.");
    page.raw(&fan_chart(
        &months,
        per_month,
        markers,
        "team bookings per month, P10 to P90 with the P50 and the plan",
    ));
    match market {
        Some(m) if m.events.is_empty() => page.note("The scenario has no hire, departure or backfill within the horizon."),
        Some(_) => page.note("Markers: hires (green), departures (red) and backfills' first selling month (purple), from the scenario's events and the reps file."),
        None => without_scenario(page, "markers for hires, departures and backfills (result.json does not carry events)"),
    }
}

fn pipeline(page: &mut Page, r: &SimResult) {
    page.h2("Pipeline coverage per segment");
    let flag = r.pipeline_coverage_flag;
    let bars: Vec<Bar> = r
        .pipeline
        .iter()
        .filter_map(|s| {
            s.coverage.map(|c| Bar {
                label: s.segment.clone(),
                value: c.mean,
                title: format!(
                    "{}: pipeline created {} against quota {}: coverage {}",
                    s.segment,
                    num(s.pipeline_created.mean, Unit::Money),
                    num(s.quota, Unit::Money),
                    with_se(&c, Unit::Multiple)
                ),
                flag: s.below_flag,
            })
        })
        .collect();
    page.p(&format!(
        "Pipeline created in the segment's accounts ÷ the quota of its reps; segments below the {} flag are red. The team's coverage rate of target accounts is {} (the result gives it for the team, not per segment).",
        num(flag, Unit::Multiple),
        with_se(&r.coverage_rate, Unit::Share)
    ));
    let threshold = Reference { value: flag, label: format!("{} flag", num(flag, Unit::Multiple)) };
    page.raw(&bar_chart(&bars, &threshold, Unit::Multiple, "pipeline coverage per segment against the flag"));
    let mut table =
        Table::new(&["segment", "quota", "pipeline created ± s.e.", "coverage ± s.e.", "below flag"], 1);
    for s in &r.pipeline {
        table.row(vec![
            s.segment.as_str().into(),
            num(s.quota, Unit::Money).into(),
            with_se(&s.pipeline_created, Unit::Money).into(),
            flagged(s.coverage.map_or("n/a".into(), |c| with_se(&c, Unit::Multiple)), s.below_flag),
            flagged(if s.below_flag { "yes".into() } else { "no".into() }, s.below_flag),
        ]);
    }
    page.table(&table);
}
