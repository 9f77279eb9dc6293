//! The reports of `stress` (each shock against the baseline) and `compare` (each plan against the current
//! one): the paired differences with their 95% intervals, who wins and who loses per rep and per segment,
//! the map and the assumptions.

use super::charts::{RangeRow, Tone, diverging_chart};
use super::context::MarketView;
use super::contract::{
    Breakdown, CompareResult, Paired, PairedDifference, Presence, RepFigures, SegmentFigures, StressResult,
};
use super::format::{Unit, num, signed, signed_with_se};
use super::page::{Page, Table, flagged};
use super::sections::{PairedRow, current_map, paired, without_scenario};
use crate::sim::compare::gains_and_losses;

/// Reps drawn on each side of a winners-and-losers chart (the table below it holds them all).
const CHART_SIDE: usize = 10;

fn tone(p: &Paired) -> Tone {
    if p.ci_low > 0.0 {
        Tone::Better
    } else if p.ci_high < 0.0 {
        Tone::Worse
    } else {
        Tone::Neutral
    }
}

fn diverging_row(label: String, p: &Paired) -> RangeRow {
    RangeRow {
        title: format!(
            "{label}: bookings {}, 95% interval [{}, {}]",
            signed(p.difference.mean, Unit::Money),
            signed(p.ci_low, Unit::Money),
            signed(p.ci_high, Unit::Money)
        ),
        label,
        low: p.ci_low,
        mid: p.difference.mean,
        high: p.ci_high,
        tone: tone(p),
    }
}

fn difference_with_se(p: &Paired, unit: Unit) -> String {
    signed_with_se(p.difference.mean, p.difference.se, unit)
}

fn interval(p: &Paired, unit: Unit) -> String {
    format!("[{}, {}]", signed(p.ci_low, unit), signed(p.ci_high, unit))
}

/// One run's winners and losers: the largest gains and losses of bookings per rep as a diverging chart
/// with interval whiskers, every rep and segment in tables.
pub(super) fn winners_and_losers(page: &mut Page, name: &str, b: &Breakdown, reference: &str) {
    if b.reps.is_empty() {
        return;
    }
    page.h3(&format!("{name}: winners and losers against {reference}"));
    let (gains, losses) = gains_and_losses(&b.reps, CHART_SIDE, |r| r.bookings.difference.mean);
    let label = |id: &str, rep_name: &str, presence: Presence| match presence {
        Presence::Both => format!("{id} {rep_name}"),
        Presence::Added => format!("{id} {rep_name} (added)"),
        Presence::Removed => format!("{id} {rep_name} (removed)"),
    };
    let rows: Vec<RangeRow> = gains
        .iter()
        .chain(losses.iter().rev())
        .map(|r| diverging_row(label(&r.id, &r.name, r.presence), &r.bookings))
        .collect();
    if rows.is_empty() {
        page.p("No rep's bookings change.");
    } else {
        page.raw(&diverging_chart(&rows, Unit::Money, &format!("{name}: change in bookings per rep")));
    }
    let mut t = Table::new(
        &[
            "rep",
            "name",
            "in",
            "bookings, reference",
            "bookings, this",
            "Δ bookings ± s.e.",
            "95% interval",
            "Δ attainment ± s.e.",
            "P(≥100%), reference → this",
        ],
        3,
    )
    .scrolling();
    let p100 = |f: Option<&RepFigures>| {
        f.and_then(|f| f.p_attainment_ge_100).map_or("–".to_string(), |p| num(p.mean, Unit::Share))
    };
    for r in &b.reps {
        let note = match r.presence {
            Presence::Both => "both",
            Presence::Added => "this run only: no baseline",
            Presence::Removed => "reference only",
        };
        let bookings =
            |f: Option<&RepFigures>| f.map_or("–".to_string(), |f| num(f.bookings.mean, Unit::Money));
        t.row(vec![
            r.id.as_str().into(),
            r.name.as_str().into(),
            note.into(),
            bookings(r.baseline.as_ref()).into(),
            bookings(r.alternative.as_ref()).into(),
            difference_with_se(&r.bookings, Unit::Money).into(),
            flagged(interval(&r.bookings, Unit::Money), r.bookings.ci_high < 0.0),
            r.attainment.map_or("–".to_string(), |a| difference_with_se(&a, Unit::SharePoints)).into(),
            format!("{} → {}", p100(r.baseline.as_ref()), p100(r.alternative.as_ref())).into(),
        ]);
    }
    page.raw("<details><summary>Every rep</summary>");
    page.table(&t);
    page.raw("</details>");
    let mut t = Table::new(
        &[
            "segment",
            "in",
            "Δ bookings ± s.e.",
            "95% interval",
            "pipeline coverage, reference → this",
            "Δ coverage (95% interval)",
        ],
        2,
    );
    let coverage = |f: Option<&SegmentFigures>| {
        f.and_then(|f| f.coverage).map_or("–".to_string(), |c| num(c.mean, Unit::Multiple))
    };
    for s in &b.segments {
        t.row(vec![
            s.segment.as_str().into(),
            s.presence.as_str().into(),
            difference_with_se(&s.bookings, Unit::Money).into(),
            flagged(interval(&s.bookings, Unit::Money), s.bookings.ci_high < 0.0),
            format!("{} → {}", coverage(s.baseline.as_ref()), coverage(s.alternative.as_ref())).into(),
            s.coverage
                .map_or("–".to_string(), |c| {
                    format!("{} {}", signed(c.difference.mean, Unit::Multiple), interval(&c, Unit::Multiple))
                })
                .into(),
        ]);
    }
    page.table(&t);
    page.note(&format!(
        "Paired by trial against {reference}. ± figures are standard errors; intervals are 95% intervals. A rep \
         added in this run has no baseline: its difference is its own bookings. House bookings (accounts \
         without an owner at close) change by {}.",
        difference_with_se(&b.house_bookings, Unit::Money)
    ));
}

fn rows(name: &str, figures: &[PairedDifference]) -> impl Iterator<Item = PairedRow> {
    figures.iter().map(move |d| PairedRow {
        name: name.to_string(),
        metric: d.metric.clone(),
        baseline: Some(d.baseline),
        value: d.shocked,
        difference: d.difference.mean,
        se: Some(d.difference.se),
        ci: [d.ci_low, d.ci_high],
    })
}

fn map_section(page: &mut Page, market: Option<&MarketView>) {
    page.h2("Map of books");
    match market {
        Some(m) => current_map(page, m),
        None => without_scenario(page, "the map"),
    }
}

/// The stress report.
pub fn render_stress(r: &StressResult, market: Option<&MarketView>, folder: &str) -> String {
    let subtitle = format!(
        "{} shocks, {} trials each, seed {}; result folder {folder}",
        r.shocks.len(),
        num(r.trials as f64, Unit::Count),
        r.seed
    );
    let mut page = Page::new("stress", &r.scenario, &subtitle);
    page.h2("Shocks against the baseline");
    let all: Vec<PairedRow> = r.shocks.iter().flat_map(|s| rows(&s.name, &s.differences)).collect();
    paired(&mut page, &all, "shock", "the baseline");
    if r.shocks.iter().any(|s| !s.breakdown.reps.is_empty()) {
        page.h2("Winners and losers per rep and segment");
        for s in &r.shocks {
            winners_and_losers(&mut page, &s.name, &s.breakdown, "the baseline");
        }
    }
    map_section(&mut page, market);
    page.assumptions(&r.assumptions);
    page.finish(&format!("{}: stress report", r.scenario))
}

/// The compare report.
pub fn render_compare(r: &CompareResult, market: Option<&MarketView>, folder: &str) -> String {
    let subtitle = format!(
        "{} plans, {} trials each, seed {}; result folder {folder}",
        r.plans.len(),
        num(r.trials as f64, Unit::Count),
        r.seed
    );
    let mut page = Page::new("compare", &r.scenario, &subtitle);
    page.h2(&format!("Plans against {}", r.reference));
    // The reference's own differences are zero by construction: it is the line the others are drawn against.
    let all: Vec<PairedRow> =
        r.plans.iter().filter(|p| p.name != r.reference).flat_map(|p| rows(&p.name, &p.figures)).collect();
    if all.is_empty() {
        page.p("The comparison holds only the reference plan.");
    } else {
        paired(&mut page, &all, "plan", &r.reference);
        page.h2("Winners and losers per rep and segment");
        for p in r.plans.iter().filter(|p| p.name != r.reference) {
            winners_and_losers(&mut page, &p.name, &p.breakdown, &r.reference);
        }
    }
    map_section(&mut page, market);
    page.assumptions(&r.assumptions);
    page.finish(&format!("{}: compare report", r.scenario))
}
